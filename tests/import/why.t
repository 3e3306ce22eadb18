#!/usr/bin/perl
# tests/import/why.t - why was it slow, from trace.dat fixtures recorded in
# the VM with the attribution events (tests/data/regen.sh: why-timer is
# timer-zap, zaps on CPU 0 under a 50 us timerfd; why-callers is callers
# all, every kernel path that zaps in turn).
#
# Oracles: the IRQ and softirq time of every interval computed from
# `trace-cmd report -t` (tests/WhyOracle.pm); the callers' phase windows
# the workload printed (tests/data/why-callers.facts). Also: components
# add up, the stack is kept, the queries answer and use their indexes, a
# trace without attribution events gets no attribution rows, and a failed
# write leaves nothing behind.
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
chdir $top or die;
my $zapd = $ENV{ZAPD} // ($ENV{BUILD} // 'build') . '/zapd';
my $tmp = tempdir(CLEANUP => 1);
my $TOL = 1000;
my ($timer, $callers) = ('tests/data/why-timer', 'tests/data/why-callers');

plan skip_all => 'no why-* fixtures' unless -r "$timer.dat" && -r "$callers.dat";

sub slurp { my ($f) = @_; open(my $h, '<', $f) or return ''; local $/; my $s = <$h>; close $h; $s }
sub run { my $o = `@_ 2>&1`; return ($? >> 8, $o) }

# --------------------------------------------------------------- timer --
my $db = "$tmp/t.db";
my ($rc, $o) = run("$zapd import $timer.dat --db $db");
is($rc, 0, 'why-timer: import exit 0') or diag($o);
is(one($db, "SELECT count(*) FROM lost"), 0, 'why-timer: no losses in the fixture');
my $orc = irq_oracle("trace-cmd report -t -i $timer.dat 2>/dev/null");
my %z = map { ("$_->[0] $_->[1]" => $_) }
	sql($db, "SELECT pid, start_ns, irq_ns, softirq_ns FROM why WHERE kind = 'zap'");
my ($n, $with, $bad, $badsoft, $missing, $maxd) = (0, 0, 0, 0, 0, 0);
for my $k (keys %$orc) {
	my $zr = $z{$k} or do { $missing++; next };
	$n++;
	$with++ if $orc->{$k}[0] > 0;
	my $d = abs($zr->[2] - $orc->{$k}[0]);
	$maxd = $d if $d > $maxd;
	$bad++ if $d > $TOL;
	$badsoft++ if abs($zr->[3] - $orc->{$k}[1]) > $TOL;
}
ok($n > 1000 && !$missing, "why-timer: all $n intervals of the report have attribution ($missing missing)");
ok($with >= 10, "why-timer: $with intervals have IRQ time");
is($bad, 0, "why-timer: IRQ time of every interval = the report's within 1 us (max difference $maxd ns)");
is($badsoft, 0, 'why-timer: softirq time of every interval = the report\'s within 1 us');
is(one($db, "SELECT count(*) FROM why WHERE irq_ns + softirq_ns + coalesce(nmi_ns, 0) + sched_ns
	+ unexplained_ns != span_ns OR unexplained_ns < 0 OR irq_ns > span_ns"), 0,
   'why-timer: components + unexplained = duration, none beyond it');
is(one($db, "SELECT count(*) FROM range_why WHERE finished AND (irq_ns + softirq_ns
	+ coalesce(nmi_ns, 0) + sched_ns + spin_ns + unexplained_ns != span_ns OR spin_ns > wait_ns)"), 0,
   'why-timer: lock ranges: components + spin + unexplained = duration');
is(one($db, "SELECT count(*) FROM why WHERE nmi_ns IS NOT NULL"), 0,
   'why-timer: no NMI in the trace: nmi_ns is NULL (not measured), not 0');
is(one($db, "SELECT count(*) FROM why WHERE irq_ns IS NULL OR sched_ns IS NULL"), 0,
   'why-timer: IRQ and switch time measured for every interval');
my @top = sql($db, "SELECT interval_id, cause, irq_ns, softirq_ns, sched_ns, unexplained_ns
	FROM why ORDER BY span_ns DESC LIMIT 1");
my %max = (irq => $top[0][2], softirq => $top[0][3], sched => $top[0][4], unexplained => $top[0][5]);
my ($big) = sort { $max{$b} <=> $max{$a} } keys %max;
like($top[0][1], $big eq 'sched' ? qr/^(preempted|blocked)$/ : qr/^\Q$big\E$/,
     "why-timer: the slowest interval's cause ($top[0][1]) is its largest component ($big)");

# the query
($rc, $o) = run("$zapd query why -n 5 --db $db");
is($rc, 0, 'query why: exit 0') or diag($o);
my @tables = split /\n\n/, $o;
is(scalar @tables, 3, 'query why: three tables (intervals, by cause, by caller)');
my @rows = grep { /\S/ } split /\n/, $tables[0] // '';
is(scalar @rows, 6, 'query why -n 5: a header and 5 intervals');
like($rows[0], qr/^run\s+interval\s+kind\s+dur_ns.*caller\s+cause\s+irq_ns.*lock_wait_ns\s+lock_hold_ns/, 'query why: columns');
my $slow = one($db, "SELECT sum(dur_ns) FROM (SELECT dur_ns FROM interval_rows WHERE dur_ns IS NOT NULL
	ORDER BY dur_ns DESC LIMIT 5)");
my $by_caller = 0;
$by_caller += (split ' ', $_)[2] for grep { !/^caller/ } grep { /\S/ } split /\n/, $tables[2] // '';
is($by_caller, $slow, 'query why: the by-caller table adds up to the slow time');
my $by_cause = 0;
$by_cause += (split ' ', $_)[1] for grep { !/^cause/ } grep { /\S/ } split /\n/, $tables[1] // '';
is($by_cause, $slow, 'query why: the by-cause table adds up to the slow time');
($rc, $o) = run("$zapd query why-stacks -n 1 --db $db");
like($o, qr/^\s*\d+\s+\d+\s+\d+\s+munmap\s+\d+\s+__x64_sys_munmap\+0x/m,
     'query why-stacks: the slowest interval\'s symbolized stack (munmap)');
my $q1 = (split /;\n/, join('', grep { !/^--/ } split /^/, slurp('queries/why.sql')))[0];
my $plan = join "\n", map { $_->[-1] } sql($db, 'EXPLAIN QUERY PLAN ' . ($q1 =~ s/coalesce\(:n, \d+\)/10/gr));
like($plan, qr/USING INDEX intervals_dur/, 'query why: uses intervals_dur');
like($plan, qr/SEARCH r USING INDEX ranges_lock/, 'query why: finds the lock range by ranges_lock');
unlike($plan, qr/SCAN (t|interval_rows|interval_why|w|x)\b(?! USING)|MATERIALIZE why/, 'query why: no full scan, the view not materialized');

# --------------------------------------------------------------- callers --
$db = "$tmp/c.db";
($rc, $o) = run("$zapd import $callers.dat --db $db");
is($rc, 0, 'why-callers: import exit 0') or diag($o);
is(one($db, "SELECT count(*) FROM lost"), 0, 'why-callers: no losses in the fixture');
my $ph = phases("$callers.facts");
my $main = main_pid("$callers.facts");
my (%cnt, $wrong, @diag) = ();
$wrong = 0;
for my $it (sql($db, "SELECT i.pid, coalesce(i.comm, ''), i.start_ns, coalesce(w.caller, 'none')
		FROM intervals i LEFT JOIN why w ON w.interval_id = i.id WHERE i.kind = 'zap'"),
	    sql($db, "SELECT pid, coalesce(comm, ''), lock_ns, coalesce(caller, 'none') FROM range_why")) {
	my $want = expected($ph, $main, $it->[0], $it->[1], $it->[2]) // next;
	$cnt{$want}++;
	next if $it->[3] eq $want;
	$wrong++;
	push @diag, "pid $it->[0] at $it->[2]: $it->[3], want $want" if @diag < 5;
}
is($wrong, 0, 'why-callers: every interval and range of the workload has its phase\'s caller (' .
   join(', ', map { "$_ $cnt{$_}" } sort keys %cnt) . ')') or diag(join "\n", @diag);
for my $c (qw(munmap madvise exit truncate)) {
	ok(($cnt{$c} // 0) > 0, "why-callers: $c covered");
}
is(one($db, "SELECT count(DISTINCT stack) FROM (SELECT stack FROM interval_why UNION ALL
	SELECT stack FROM ranges) WHERE stack IS NOT NULL"),
   one($db, "SELECT value FROM run_stats WHERE name = 'why_stacks_distinct'"),
   'why-callers: each distinct stack stored once');
like(one($db, "SELECT replace(s, char(10), ' / ') FROM strings WHERE s LIKE '%do_madvise%' AND s NOT LIKE '%unmap_mapping%'"),
     qr/^trace_event_raw_event_zap_pte_lock\+0x[0-9a-f]+ \/ zap_pte_range_traced\+0x[0-9a-f]+ \/ .* \/ do_madvise[.\w]*\+0x[0-9a-f]+ \//, 'why-callers: a madvise stack, symbolized with the trace\'s kallsyms');

# --------------------------------------------- no attribution events --
$db = "$tmp/plain.db";
($rc, $o) = run("$zapd import tests/data/munmap-4k.dat --db $db");
is($rc, 0, 'a zap-only trace imports');
is(one($db, "SELECT count(*) FROM interval_why") . ' ' .
   one($db, "SELECT count(*) FROM ranges WHERE irq_ns IS NOT NULL"), '0 0',
   'a zap-only trace gets no attribution rows (not measured, not zero)');
($rc, $o) = run("$zapd query why -n 3 --db $db");
ok($rc == 0 && $o =~ /\n\s*1\s+\d+\s+zap\s+\d+\s+\d+\s+\d+\s+munmap-4k\s+(cleared|rmap|tlb|done)\s*\n/, 'query why on it: the intervals, with no breakdown')
	or diag($o);

# ----------------------------------------- a failure leaves nothing --
$db = "$tmp/fail.db";
run("$zapd import tests/data/munmap-4k.dat --db $db");
system('sqlite3', $db, "DELETE FROM runs; DELETE FROM interval_rows; DELETE FROM ranges;
	CREATE TRIGGER boom BEFORE INSERT ON interval_why
	WHEN (SELECT count(*) FROM interval_why) >= 100
	BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END");
($rc, $o) = run("$zapd import $timer.dat --db $db");
ok($rc != 0 && $o =~ /^zapd: /m, "a failing interval_why insert: exit $rc, one line");
is(one($db, "SELECT count(*) FROM runs") . ' ' . one($db, "SELECT count(*) FROM interval_why") . ' ' .
   one($db, "SELECT count(*) FROM interval_rows"), '0 0 0', 'a failing interval_why insert: nothing left');
is(one($db, 'PRAGMA integrity_check'), 'ok', 'integrity_check after the failure');

done_testing();
