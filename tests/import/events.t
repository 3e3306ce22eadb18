#!/bin/sh
# events.t - extra events of an imported trace.dat: a host trace with the
# munmap pair plus sched:sched_switch (and irq:irq_handler_entry when the
# host has it) is imported with --pair; every other event becomes a row
# of `events` whose numeric fields equal trace-cmd report -R's (the
# oracle: its text, parsed by awk; zapd reads the binary), inside the
# run's time span; a failure while writing them leaves nothing behind.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

EXTRA=sched/sched_switch
[ -e /sys/kernel/tracing/events/irq/irq_handler_entry ] &&
	EXTRA="$EXTRA irq/irq_handler_entry"
if [ "$(id -u)" != 0 ] || ! command -v trace-cmd > /dev/null ||
   ! record_host $T/ev.dat $EXTRA; then
	echo "1..0 # SKIP cannot record a trace on this host (need root+tracefs)"
	exit 0
fi
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"

"$ZAPD" import $T/ev.dat --db $T/a.db $PAIR > $T/out 2> $T/err
is $? 0 "import with extra events: exit 0"
is "$(cat $T/err)" "" "quiet on stderr"
report_counts $T/ev.dat > $T/want
db_counts $T/a.db > $T/got
cmp -s $T/want $T/got
ok $? "per-event per-CPU counts equal trace-cmd report's"
other=$(awk '$1 != "sys_enter_munmap" && $1 != "sys_exit_munmap" { n += $3 }
	END { print n + 0 }' $T/want)
cmp_n=$(sqlite3 $T/a.db "SELECT count(*) FROM events")
[ "$other" -gt 0 ]
ok $? "the trace has extra events ($other)"
is "$cmp_n" "$other" "one events row per extra record"
is "$(sqlite3 $T/a.db "SELECT value FROM run_stats WHERE name = 'extra_events'")" \
   "$other" "run_stats.extra_events"
grep -q ", $other extra events$" $T/out
ok $? "summary line counts them"
is "$(sqlite3 $T/a.db "SELECT group_concat(name, ',') FROM (SELECT f.name
	FROM event_fields f JOIN strings s ON s.id = f.event
	WHERE s.s = 'sched:sched_switch' ORDER BY f.idx)")" \
   "prev_pid,prev_prio,prev_state,next_pid,next_prio" \
   "sched_switch: its numeric fields name a0..a4"
is "$(sqlite3 $T/a.db "SELECT count(*) FROM events e JOIN runs r
	ON r.id = e.run_id WHERE e.ts_ns < r.first_ts OR e.ts_ns > r.last_ts")" \
   0 "every event inside the run's time span"

# the oracle: trace-cmd report -R prints every field as name=value; keep
# the fields zapd stored (event_fields), with the time in us (report
# rounds to the nearest us) and the CPU
sqlite3 -separator ' ' $T/a.db "SELECT substr(s.s, instr(s.s, ':') + 1),
	f.name FROM event_fields f JOIN strings s ON s.id = f.event
	ORDER BY f.event, f.idx" > $T/fields
trace-cmd report -R -i $T/ev.dat 2>/dev/null | awk -v F=$T/fields '
BEGIN { while ((getline l < F) > 0) { split(l, x, " "); keep[x[1]] = keep[x[1]] " " x[2] } }
{
	for (i = 1; i < NF; i++)
		if ($i ~ /^\[[0-9]+\]$/)
			break
	if (i >= NF)
		next
	cpu = substr($i, 2, length($i) - 2) + 0
	ts = $(i + 1); sub(/:$/, "", ts); sub(/\./, "", ts)
	ev = $(i + 2); sub(/:$/, "", ev)
	if (!(ev in keep))
		next
	n = split(keep[ev], names, " ")
	line = sprintf("%.0f", ts) " " cpu " " ev
	for (k = 1; k <= n; k++)
		for (j = i + 3; j <= NF; j++)
			if (index($j, names[k] "=") == 1) {
				line = line " " $j
				break
			}
	print line
}' | sort > $T/want.ev
sqlite3 $T/a.db "SELECT (e.ts_ns + 500) / 1000, e.cpu,
	substr(e.event, instr(e.event, ':') + 1),
	(SELECT group_concat(f.name || '=' || CASE f.idx WHEN 0 THEN e.a0
	 WHEN 1 THEN e.a1 WHEN 2 THEN e.a2 WHEN 3 THEN e.a3 WHEN 4 THEN e.a4
	 ELSE e.a5 END, ' ') FROM event_fields f JOIN strings s ON s.id =
	 f.event WHERE f.run_id = e.run_id AND s.s = e.event)
	FROM events e" | tr '|' ' ' | sort > $T/got.ev
[ -s $T/want.ev ] && cmp -s $T/want.ev $T/got.ev
r=$?
ok $r "every extra event's time, CPU and numeric fields equal trace-cmd report -R's"
[ $r -eq 0 ] || diff $T/want.ev $T/got.ev | head -5 | sed 's/^/# /'
is "$(sqlite3 $T/a.db "SELECT count(*) FROM events WHERE args IS NULL
	OR json_valid(args) = 0")" 0 "args is a JSON object for every row"

"$ZAPD" query inside --db $T/a.db > $T/q 2> $T/err
ok $? "zapd query inside runs"
sqlite3 $T/a.db "EXPLAIN QUERY PLAN $(grep -v '^--' queries/inside.sql |
	sed 's/coalesce(:n, [0-9]*)/10/')" > $T/plan
grep -q "USING INDEX events_run_ts" $T/plan && grep -q "INDEX intervals_dur" $T/plan
ok $? "inside: uses intervals_dur and events_run_ts"

# a failure while writing events: no run, no event rows left
sqlite3 $T/a.db "DELETE FROM runs; DELETE FROM event_rows;
	DELETE FROM event_fields; DELETE FROM interval_rows;
	CREATE TRIGGER boom BEFORE INSERT ON event_rows
	WHEN (SELECT count(*) FROM event_rows) >= 2
	BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
"$ZAPD" import $T/ev.dat --db $T/a.db $PAIR > /dev/null 2> $T/err
rc=$?
[ $rc -ne 0 ]
ok $? "failing event insert: non-zero exit ($rc)"
is "$(sqlite3 $T/a.db 'SELECT count(*) FROM runs') \
$(sqlite3 $T/a.db 'SELECT count(*) FROM event_rows') \
$(sqlite3 $T/a.db 'SELECT count(*) FROM interval_rows')" "0 0 0" \
   "failing event insert: nothing left"
integrity $T/a.db

done_testing
