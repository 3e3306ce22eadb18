#!/bin/sh
# stall.t - the watchdog: a synthetic "hang" on a stock kernel, a
# clock_nanosleep of 1500 ms paired enter -> exit with --stall-ms 100.
# The unfinished row must be committed and visible to another process
# (sqlite3) WHILE the sleep is still going on, then updated in place to
# finished when the exit event arrives.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_clock_nanosleep,syscalls:sys_exit_clock_nanosleep"
DB=$T/s.db
SLEEP_MS=1500

start_workload 0 --sleep-ms $SLEEP_MS
"$ZAPD" live --db $DB --instance $INST $PAIR --pid $WL_PID --stall-ms 100 \
	--commit-ms 200 > $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "tracing started"

release_workload
t0=$(date +%s%N)
open_row() {
	[ "$(q $DB "SELECT count(*) FROM intervals WHERE pid = $WL_PID
		    AND finished = 0 AND end_reason = 'open'")" = 1 ]
}
wait_for 2 open_row
ok $? "an 'open' row for the sleeping pid is committed"
t1=$(date +%s%N)
seen_ms=$(( (t1 - t0) / 1000000 ))
kill -0 $WL_BG 2>/dev/null
ok $? "... while the sleep is still going on (seen after ${seen_ms} ms)"
cmp_ok $seen_ms -lt $SLEEP_MS "... well before the end of the ${SLEEP_MS} ms sleep"
row=$(q $DB "SELECT id, cpu, done_ns IS NULL, dur_ns IS NULL, comm, kind
	     FROM intervals WHERE pid = $WL_PID")
id=${row%%|*}
is "$(echo "$row" | cut -d'|' -f3-)" "1|1|munmap-n|sys_enter_clock_nanosleep" \
   "open row: no done, no duration, comm and kind set"
grep -q "stall: sys_enter_clock_nanosleep open for .* pid $WL_PID (munmap-n)" $T/err
ok $? "one stall line logged"
is "$(grep -c stall: $T/err)" 1 "exactly one stall line"

wait $WL_BG
done_row() {
	[ "$(q $DB "SELECT count(*) FROM intervals WHERE pid = $WL_PID
		    AND finished = 1")" = 1 ]
}
wait_for 2 done_row
ok $? "the row is updated to finished once the sleep ends (zapd still running)"
kill -0 $zp
ok $? "zapd still running"
kill -TERM $zp
wait $zp
is $? 0 "SIGTERM: exit 0"
is "$(q $DB "SELECT count(*) FROM intervals WHERE pid = $WL_PID")" 1 \
   "still one row for the pid"
is "$(q $DB "SELECT id, end_reason, finished, tainted FROM intervals
	     WHERE pid = $WL_PID")" "$id|done|1|0" "same row id, end_reason done"
dur=$(q $DB "SELECT dur_ns / 1000000 FROM intervals WHERE pid = $WL_PID")
cmp_ok "$dur" -ge $SLEEP_MS "duration >= ${SLEEP_MS} ms (got $dur ms)"
is "$(q $DB "SELECT value FROM run_stats WHERE name = 'stalls'")" 1 \
   "run_stats: stalls = 1"

# a hang that never ends: the row stays open until zapd stops, then 'eof'
start_workload 0 --sleep-ms 60000
rm -f $DB $DB-wal $DB-shm
"$ZAPD" live --db $DB --instance $INST $PAIR --pid $WL_PID --stall-ms 100 \
	> $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
release_workload
wait_for 2 open_row
ok $? "never-ending hang: open row committed"
kill -TERM $zp
wait $zp
is $? 0 "never-ending hang: SIGTERM: exit 0"
is "$(q $DB "SELECT finished, end_reason, done_ns IS NULL, end_ns > start_ns
	     FROM intervals WHERE pid = $WL_PID")" "0|eof|1|1" \
   "never-ending hang: row closed as unfinished 'eof' at stop"
kill $WL_BG
wait_for 2 no_instance
ok $? "instance removed"

done_testing
