#!/usr/bin/perl
# tests/live/why.t - zapd live --why on this host's stock kernel: the
# munmap syscalls of timer-zap (workloads/timer-zap.c: pinned to CPU 0
# with a thread woken every 50 us by a timerfd on the same CPU, so the
# munmaps are interrupted and preempted) paired with --pair, filtered with
# --comm. zapd live stores the events it attributes too (-e), so the
# oracle (tests/WhyOracle.pm) runs on exactly what it saw: the IRQ,
# softirq and switched-out time of every interval within 1 us; the
# components add up; preemption shows as 'preempted'.
use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use Test::More;
use lib abs_path(dirname(__FILE__) . '/..');
use WhyOracle;

my $top = abs_path(dirname(__FILE__) . '/../..');
chdir $top or die;
my $zapd = $ENV{ZAPD} // ($ENV{BUILD} // 'build') . '/zapd';
my $wl = ($ENV{BUILD} // 'build') . '/workloads/timer-zap';
my $tr = '/sys/kernel/tracing';
my $inst = "zapdwhy$$";
my $tmp = tempdir(CLEANUP => 1);

plan skip_all => 'zapd live needs root' if $> != 0;
plan skip_all => 'no syscalls, sched or irq events in tracefs'
	unless -e "$tr/events/syscalls/sys_enter_munmap" && -e "$tr/events/sched/sched_switch" &&
	       -e "$tr/events/irq/softirq_entry";
plan skip_all => "build first: make zapd workloads ($wl)" unless -x $zapd && -x $wl;
plan skip_all => 'needs 2 CPUs' unless `nproc` >= 2;


# every attribution event of this kernel, stored too
my @e = map { "-e irq_vectors:$_" } grep { /_(entry|exit)$/ }
	map { s{.*/}{}r } glob("$tr/events/irq_vectors/*");
push @e, map { "-e $_" } grep { my ($s, $n) = split /:/; -e "$tr/events/$s/$n" }
	qw(irq:irq_handler_entry irq:irq_handler_exit irq:softirq_entry irq:softirq_exit
	   nmi:nmi_handler sched:sched_switch);
my $db = "$tmp/w.db";
my $zp = fork() // die;
if (!$zp) {
	open(STDOUT, '>', "$tmp/out");
	open(STDERR, '>', "$tmp/err");
	exec($zapd, 'live', '--db', $db, '--instance', $inst, '--why', '--all', '--comm', 'timer-zap',
	     '--pair', 'syscalls:sys_enter_munmap,syscalls:sys_exit_munmap', map { split / / } @e);
	exit 127;
}
# 10 s (ZAPD_WAIT_SCALE: make check-asan's zapd takes ~20 s more to start)
my ($i, $max) = (0, 200 * ($ENV{ZAPD_WAIT_SCALE} // 1));
$i++, select(undef, undef, undef, 0.05)
	until $i > $max || (-s $db && `sqlite3 $db "SELECT count(*) FROM runs WHERE state = 'importing'" 2>/dev/null` == 1);
ok($i <= $max, 'zapd live --why is tracing') or diag(`cat $tmp/err`);
my $facts = `$wl 256 40 50`;
is($?, 0, 'timer-zap ran');
my ($pid) = $facts =~ /^pid=(\d+)$/m;
select(undef, undef, undef, 0.3);
kill 'INT', $zp;
waitpid($zp, 0);
is($? >> 8, 0, 'SIGINT: exit 0');
is(`cat $tmp/err`, "zapd: live: a row for every interval (--all), histograms in 60s windows\n",
   'stderr: only the line that says every interval gets a row');
ok(!-e "$tr/instances/$inst", 'instance removed');
is(one($db, "SELECT count(*) FROM lost WHERE source = 'marker'"), 0, 'no losses');

my @iv = sql($db, "SELECT start_ns, dur_ns FROM intervals WHERE pid = $pid AND finished
	AND kind = 'sys_enter_munmap'");
ok(@iv >= 40, scalar(@iv) . ' munmap intervals of timer-zap');
my $lines = "$tmp/report";
system('sqlite3', '-cmd', ".output $lines", $db, "SELECT printf('t-%d [%03d] %d.%09d: %s: %s',
	pid, cpu, ts / 1000000000, ts % 1000000000, ev, x) FROM (
	SELECT pid, cpu, ts_ns AS ts, substr(event, instr(event, ':') + 1) AS ev,
	       CASE WHEN event = 'sched:sched_switch' THEN printf('prev_pid=%d next_pid=%d', a0, a3)
		    ELSE printf('delta_ns=%d', coalesce(a1, 0)) END AS x, rowid AS o FROM events
	UNION ALL SELECT pid, cpu, start_ns, 'sys_enter_munmap', '', 0 FROM intervals
	WHERE pid = $pid AND finished
	UNION ALL SELECT pid, done_cpu, done_ns, 'sys_exit_munmap', '', 0 FROM intervals
	WHERE pid = $pid AND finished) ORDER BY ts, o");
my $orc = irq_oracle("cat '$lines'", 'sys_enter_munmap', 'sys_exit_munmap');
my %z = map { ("$_->[0] $_->[1]" => $_) } sql($db, "SELECT pid, start_ns, irq_ns, softirq_ns,
	sched_ns FROM why WHERE pid = $pid AND kind = 'sys_enter_munmap'");
my ($n, $bad, $missing, %with, @diag) = (0, 0, 0);
for my $k (keys %$orc) {
	my $zr = $z{$k} or do { $missing++; next };
	$n++;
	for my $c (0 .. 2) {
		$with{$c}++ if $orc->{$k}[$c] > 0;
		next if abs($zr->[$c + 2] - $orc->{$k}[$c]) <= 1000;
		$bad++;
		push @diag, "$k: component $c: zapd $zr->[$c + 2], oracle $orc->{$k}[$c]" if @diag < 5;
	}
}
ok($n >= 40 && !$missing, "every interval has attribution ($n, $missing missing)");
is($bad, 0, 'IRQ, softirq and switched-out time of every interval = the oracle\'s within 1 us ' .
   '(' . ($with{0} // 0) . ' with IRQ time, ' . ($with{1} // 0) . ' softirq, ' .
   ($with{2} // 0) . ' switched out)') or diag(join "\n", @diag);
ok(($with{0} // 0) + ($with{2} // 0) > 0, 'the timer shows: IRQ or switched-out time in some interval');
is(one($db, "SELECT count(*) FROM why WHERE irq_ns + softirq_ns + coalesce(nmi_ns, 0) + sched_ns
	+ unexplained_ns != span_ns OR unexplained_ns < 0 OR sched_ns > span_ns
	OR runnable_ns > sched_ns"), 0, 'components + unexplained = duration, none beyond it');
is(one($db, "SELECT count(*) FROM why WHERE sched_ns * 2 > span_ns AND cause NOT IN ('preempted', 'blocked')"), 0,
   'an interval mostly switched out has cause preempted or blocked');
is(one($db, "SELECT count(*) FROM why WHERE caller IS NOT NULL OR stack IS NOT NULL"), 0,
   'no zap events: no caller invented');
done_testing();
