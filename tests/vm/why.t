#!/usr/bin/perl
# tests/vm/why.t - why was it slow: attribution and callers in a real guest.
#
# Boots the patched kernel once (vm/run.sh tests/vm/why-guest.sh): the
# guest records the workloads with trace-cmd (zap events, the stacktrace
# trigger on zap:zap_pte_lock, irq_vectors, irq, nmi, sched_switch; clock
# mono) while `zapd live --why` traces the same into its own instance, and
# then runs `zapd live --why --context-ms`. Here, on the host:
#
#  - timer-zap (zaps on CPU 0 while a 50 us timerfd fires there): the IRQ
#    and softirq time of every interval, computed here from `trace-cmd
#    report -t` (handler entry/exit pairs on the interval's CPU, nested
#    handlers counted once), equals zapd import's within 1 us;
#  - components never exceed the duration and add up with the remainder
#    (every interval and range of every run);
#  - callers: every interval and range of the workloads' tasks carries
#    the caller of the phase it happened in (callers.c, oom-reap.c print
#    CLOCK_MONOTONIC windows; the OOM reaper's are the oom_reaper
#    kthread's), import and live, one by one and all at once (mixed);
#  - --context-ms: only events around slow intervals are stored, and each
#    slow interval's window reaches back 5 ms before its start.
#
# ZAPD_VM_RESULTS=DIR   assert on an existing results directory, no boot
use strict;
use warnings;
no warnings 'portable';
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use Test::More;
use lib abs_path(dirname(__FILE__) . '/..');
use WhyOracle;

my $top = abs_path(dirname(__FILE__) . '/../..');
my $build = $ENV{BUILD} // 'build';
$build = "$top/$build" unless $build =~ m{^/};
my $zapd = "$build/zapd";
my $out = $ENV{ZAPD_VM_RESULTS} // "$build/vm/why-test";
my $tmp = tempdir(CLEANUP => 1);
my $TOL = 1000;		# ns: the Done-means tolerance per interval

# ---------------------------------------------------------------- helpers --
sub slurp { my ($f) = @_; open(my $h, '<', $f) or return undef; local $/; my $s = <$h>; close $h; $s }


sub import_dat {
	my ($name) = @_;
	my $db = "$tmp/$name.db";
	system("'$zapd' import '$out/$name.dat' --db '$db' > '$tmp/$name.imp' 2>&1");
	return $? == 0 ? $db : undef;
}

# ------------------------------------------------------------------- boot --
if (!$ENV{ZAPD_VM_RESULTS}) {
	my @cmd = ("$top/vm/run.sh", '--out', $out, '--timeout', 1500, "$top/tests/vm/why-guest.sh");
	diag("booting the guest: @cmd");
	system(@cmd);
}
my $verdict = slurp("$out/verdict");
ok(defined $verdict && $verdict =~ /^0\s*$/, 'guest ran the scenario (vm/run.sh verdict 0)')
	or do { diag("see $out/console.log and $out/scenario.log"); done_testing(); exit };
ok(-x $zapd, "zapd built ($zapd)") or do { done_testing(); exit };

my %db;
for my $n (qw(timer-zap callers-all callers-mixed oom-mrelease oom-kill ctx-timer)) {
	my $rc = slurp("$out/$n.rc") // 'missing';
	chomp $rc;
	ok($rc eq '0', "$n: trace-cmd record ran") or diag(slurp("$out/$n.err") // '');
	$db{$n} = import_dat($n);
	ok($db{$n}, "$n: zapd import") or diag(slurp("$tmp/$n.imp") // '');
}

# ------------------------------------------------------ IRQ time: oracle --
# compare ORACLE ZAPD: WhyOracle's IRQ and softirq time of each
# interval ("pid start" -> [irq_ns, softirq_ns]) against zapd's
sub compare {
	my ($orc, $zapd) = @_;
	my %r = (n => 0, with_irq => 0, bad => 0, badsoft => 0, missing => 0, maxd => 0);
	for my $k (keys %$orc) {
		my ($irq, $soft) = @{$orc->{$k}};
		my $z = $zapd->{$k};
		if (!$z) { $r{missing}++; next }
		$r{n}++;
		$r{with_irq}++ if $irq > 0;
		my $d = abs($z->[0] - $irq);
		$r{maxd} = $d if $d > $r{maxd};
		$r{bad}++ if $d > $TOL;
		$r{badsoft}++ if abs($z->[1] - $soft) > $TOL;
	}
	return \%r;
}

sub zapd_attr {
	my ($db, $where) = @_;
	return { map { ("$_->[0] $_->[1]" => [$_->[2], $_->[3]]) } sql($db,
		"SELECT pid, start_ns, irq_ns, softirq_ns FROM why WHERE kind = 'zap' $where") };
}

SKIP: {
	skip 'no timer-zap import', 6 unless $db{'timer-zap'};
	my $db = $db{'timer-zap'};
	is((sql($db, "SELECT count(*) FROM lost"))[0][0], 0, 'timer-zap: no events lost');
	my $r = compare(irq_oracle("trace-cmd report -t -i '$out/timer-zap.dat' 2>/dev/null"),
			zapd_attr($db, ''));
	ok($r->{n} > 10000 && !$r->{missing}, "timer-zap: every interval of trace-cmd report has attribution ($r->{n}, $r->{missing} missing)");
	ok($r->{with_irq} >= 20, "timer-zap: $r->{with_irq} intervals have IRQ time (the 50 us timer on their CPU)");
	is($r->{bad}, 0, "timer-zap: IRQ time of every interval equals the report's within 1 us (max difference $r->{maxd} ns)");
	is($r->{badsoft}, 0, 'timer-zap: softirq time of every interval equals the report\'s within 1 us');
	my @slow = sql($db, "SELECT interval_id, irq_ns FROM why ORDER BY span_ns DESC LIMIT 20");
	my @slow_irq = grep { $_->[1] > 0 } @slow;
	ok(@slow_irq >= 1, 'timer-zap: IRQ time is among the causes of the slowest intervals (' .
	   scalar(@slow_irq) . ' of the 20 slowest)');
}

# ---------------------------------------- components within the duration --
for my $n (sort keys %db) {
	my $db = $db{$n} or next;
	my ($iv) = sql($db, "SELECT count(*), coalesce(sum(irq_ns + softirq_ns + coalesce(nmi_ns, 0)
		+ sched_ns + unexplained_ns != span_ns), 0), coalesce(sum(irq_ns > span_ns
		OR softirq_ns > span_ns OR sched_ns > span_ns OR unexplained_ns < 0
		OR unexplained_ns > span_ns), 0) FROM why");
	ok($iv->[0] > 0 && $iv->[1] == 0 && $iv->[2] == 0,
	   "$n: $iv->[0] intervals: components + unexplained = duration, none beyond it")
		or diag("sum off: $iv->[1], out of range: $iv->[2]");
	my ($rg) = sql($db, "SELECT count(*), coalesce(sum(irq_ns + softirq_ns + coalesce(nmi_ns, 0)
		+ sched_ns + spin_ns + unexplained_ns != span_ns), 0), coalesce(sum(spin_ns > wait_ns
		OR unexplained_ns < 0 OR irq_ns > span_ns), 0) FROM range_why WHERE finished");
	ok($rg->[0] > 0 && $rg->[1] == 0 && $rg->[2] == 0,
	   "$n: $rg->[0] lock ranges: components + spin + unexplained = duration")
		or diag("sum off: $rg->[1], out of range: $rg->[2]");
}

# ---------------------------------------------------------------- callers --
# check_callers DB FACTS LABEL: every interval and range of the workload's
# tasks has its phase's caller
sub check_callers {
	my ($db, $facts, $what, $skip_tainted) = @_;
	my $ph = phases($facts);
	my $main = main_pid($facts);
	my (%n, %bad, @diag);
	my $t = $skip_tainted ? 'AND NOT i.tainted' : '';
	my @items = (
		sql($db, "SELECT 'interval', i.pid, coalesce(i.comm, ''), i.start_ns,
			coalesce(w.caller, 'none') FROM intervals i LEFT JOIN why w
			ON w.interval_id = i.id WHERE i.kind = 'zap' $t"),
		sql($db, "SELECT 'range', pid, coalesce(comm, ''), lock_ns,
			coalesce((SELECT s FROM strings WHERE id = caller), 'none')
			FROM ranges i WHERE 1 $t"));
	for my $it (@items) {
		my ($kind, $pid, $comm, $ts, $got) = @$it;
		my $want = expected($ph, $main, $pid, $comm, $ts) // next;
		$n{$want}++;
		next if $got eq $want;
		$bad{$want}++;
		push @diag, "$kind pid $pid at $ts: $got, want $want" if @diag < 5;
	}
	my $total = 0;
	$total += $_ for values %n;
	my $nbad = 0;
	$nbad += $_ for values %bad;
	ok($total > 0 && !$nbad, "$what: caller right for all $total intervals and ranges (" .
	   join(', ', map { "$_ $n{$_}" } sort keys %n) . ')')
		or diag(join("\n", "wrong: " . join(', ', map { "$_ $bad{$_}" } sort keys %bad), @diag));
	return \%n;
}

my %seen;
for my $n (qw(callers-all callers-mixed oom-mrelease oom-kill)) {
	next unless $db{$n};
	is((sql($db{$n}, "SELECT count(*) FROM lost WHERE source = 'marker'"))[0][0], 0,
	   "$n: trace-cmd lost no events");
	my $c = check_callers($db{$n}, "$out/$n.out", "$n (import)");
	$seen{$_} += $c->{$_} for keys %$c;
}
for my $c (qw(munmap madvise exit truncate oom_reaper)) {
	ok(($seen{$c} // 0) > 0, "callers: $c is covered (" . ($seen{$c} // 0) . ' items)');
}
SKIP: {
	skip 'no callers-all import', 1 unless $db{'callers-all'};
	my $ph = phases("$out/callers-all.out");
	my ($free) = grep { $_->[3] eq 'none' } @$ph;
	my ($nfree) = $free ? sql($db{'callers-all'}, "SELECT count(*) FROM intervals
		WHERE pid = $free->[0] AND start_ns BETWEEN $free->[1] AND $free->[2]") : ([-1]);
	is($nfree->[0], 0, 'madvise(MADV_FREE) zaps nothing (no interval in its window)');
}
SKIP: {
	skip 'no oom-kill import', 1 unless $db{'oom-kill'};
	my ($r) = sql($db{'oom-kill'}, "SELECT count(*) FROM intervals WHERE comm = 'oom_reaper'");
	ok($r->[0] > 0, "the OOM killer's reaper zapped the victim ($r->[0] intervals)")
		or diag(slurp("$out/oom-dmesg.txt") // '');
}

# ------------------------------------------------------------- zapd live --
my $live = "$out/live.db";
my $lf = slurp("$out/live.facts") // '';
like($lf, qr/^zapdwhy_rc=0$/m, 'zapd live --why exited 0 on SIGTERM');
like($lf, qr/^zapdwhy_left=0$/m, 'zapd live --why removed its instance');
is((sql($live, 'PRAGMA integrity_check'))[0][0], 'ok', 'live.db integrity_check');
my ($lt) = sql($live, "SELECT count(*), (SELECT count(*) FROM lost WHERE source = 'marker')
	FROM intervals WHERE kind = 'zap'");
ok($lt->[0] > 0 && $lt->[1] == 0, "live: $lt->[0] intervals, $lt->[1] losses");
for my $n (qw(callers-all callers-mixed oom-mrelease oom-kill)) {
	check_callers($live, "$out/$n.out", "$n (live)", 1);
}
SKIP: {
	# zapd live stored the handler and switch events it attributed (-e):
	# the same oracle, on exactly the events it saw
	my $tids = join(',', map { /^(?:pid|tid_timer)=(\d+)$/m ? $1 : () } split /\n/, slurp("$out/timer-zap.out") // '');
	skip 'no timer-zap facts', 2 unless $tids;
	# its events and intervals as report lines
	my $lines = "$tmp/live.report";
	system('sqlite3', '-cmd', ".output $lines", $live, "SELECT printf('t-%d [%03d] %d.%09d: %s: delta_ns=%d',
		pid, cpu, ts / 1000000000, ts % 1000000000, ev, d) FROM (
		SELECT pid, cpu, ts_ns AS ts, substr(event, instr(event, ':') + 1) AS ev,
		       coalesce(a1, 0) AS d, rowid AS o FROM events
		UNION ALL SELECT pid, cpu, start_ns, 'zap_present_ptes_start', 0, 0 FROM intervals
		WHERE kind = 'zap' AND finished AND pid IN ($tids)
		UNION ALL SELECT pid, done_cpu, done_ns, 'zap_present_ptes_done', 0, 0 FROM intervals
		WHERE kind = 'zap' AND finished AND pid IN ($tids)) ORDER BY ts, o");
	my $r = compare(irq_oracle("cat '$lines'"), zapd_attr($live, "AND pid IN ($tids)"));
	ok($r->{n} > 10000 && !$r->{missing} && $r->{with_irq} >= 20,
	   "live: $r->{n} timer-zap intervals, $r->{with_irq} with IRQ time");
	is($r->{bad} + $r->{badsoft}, 0, "live: IRQ and softirq time of every interval equal the oracle's on its stored events within 1 us (max $r->{maxd} ns)");
}

# ---------------------------------------------------------- --context-ms --
SKIP: {
	my $ctx = "$out/ctx.db";
	skip 'no ctx.db', 6 unless -s $ctx;
	like($lf, qr/^zapdctx_rc=0$/m, 'zapd live --context-ms exited 0');
	my @slow = sql($ctx, "SELECT run_id, cpu, start_ns, coalesce(dur_ns, end_ns - start_ns)
		FROM intervals WHERE coalesce(dur_ns, end_ns - start_ns) >= 200000");
	my ($nev) = sql($ctx, "SELECT count(*) FROM event_rows");
	my ($held) = sql($ctx, "SELECT value FROM run_stats WHERE name = 'context_held'");
	ok(@slow && $nev->[0] > 0 && $nev->[0] < ($held->[0] // 0),
	   "context: " . scalar(@slow) . " slow intervals stored $nev->[0] of $held->[0] events held");
	my ($outside) = sql($ctx, "SELECT count(*) FROM event_rows e WHERE NOT EXISTS (
		SELECT 1 FROM intervals i WHERE i.run_id = e.run_id AND i.cpu = e.cpu
		AND coalesce(i.dur_ns, i.end_ns - i.start_ns) >= 200000
		AND e.ts_ns BETWEEN i.start_ns - 5000000 AND coalesce(i.end_ns, i.start_ns + i.dur_ns))");
	is($outside->[0], 0, 'context: every stored event lies in a slow interval\'s window (5 ms before its start .. its end, its CPU)');
	is((sql($ctx, "SELECT count(*) FROM lost WHERE source = 'marker'"))[0][0], 0, 'context: no losses');
	# the oracle, from the same instance: every lock range that lies in a
	# window (all rows are stored, the events only in windows) had its
	# kernel stack between lock and locked, and the handlers its
	# attribution counted, so the window must hold them
	my ($ranges, $short, $diag) = (0, 0, '');
	for my $s (@slow) {
		my ($run, $cpu, $start, $dur) = @$s;
		my ($lo, $hi) = ($start - 5000000, $start + $dur);
		for my $r (sql($ctx, "SELECT r.lock_ns, r.lock_ns + r.wait_ns, r.lock_ns + r.wait_ns
			+ r.hold_ns, w.nirq, w.nsoftirq, r.pid,
			(SELECT count(*) FROM events e WHERE e.run_id = r.run_id AND e.cpu = r.cpu
			 AND e.event = 'ftrace:kernel_stack' AND e.ts_ns BETWEEN r.lock_ns AND r.lock_ns + r.wait_ns),
			(SELECT count(*) FROM events e WHERE e.run_id = r.run_id AND e.cpu = r.cpu
			 AND e.pid = r.pid AND e.event != 'irq:softirq_entry' AND e.event LIKE '%\\_entry' ESCAPE '\\'
			 AND e.ts_ns BETWEEN r.lock_ns AND r.lock_ns + r.wait_ns + r.hold_ns),
			(SELECT count(*) FROM events e WHERE e.run_id = r.run_id AND e.cpu = r.cpu
			 AND e.pid = r.pid AND e.event = 'irq:softirq_entry'
			 AND e.ts_ns BETWEEN r.lock_ns AND r.lock_ns + r.wait_ns + r.hold_ns)
			FROM ranges r JOIN range_why w ON w.range_id = r.id
			WHERE r.run_id = $run AND r.cpu = $cpu AND r.finished
			AND r.lock_ns >= $lo AND r.lock_ns + r.wait_ns + r.hold_ns <= $hi")) {
			$ranges++;
			next if $r->[6] >= 1 && $r->[7] >= $r->[3] && $r->[8] >= $r->[4];
			$short++;
			$diag ||= "range at $r->[0]: $r->[6] stacks, $r->[7] of $r->[3] IRQs, $r->[8] of $r->[4] softirqs stored";
		}
	}
	ok($ranges > 0 && !$short, "context: the $ranges lock ranges inside windows find their stack and every IRQ and softirq they counted ($short short)")
		or diag($diag);
	my ($trunc) = sql($ctx, "SELECT value FROM run_stats WHERE name = 'context_truncated'");
	is($trunc->[0], 0, 'context: no window began before what the ring held');
}

done_testing();
