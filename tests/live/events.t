#!/bin/sh
# events.t - zapd live -e SYS:EVENT: the records of an extra event are
# stored row by row (events) for correlation. With --pair munmap and
# -e sched:sched_switch --pid: rows exist, each inside the run's time
# span, one per sched_switch record counted, their decoded prev_pid or
# next_pid is the workload's (the kernel's set_event_pid rule for
# sched_switch), and the pairs are unaffected. With a 300 ms
# clock_nanosleep pair, `zapd query inside` finds the workload's own
# sched_switch inside the sleep, on its CPU.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
if [ ! -e $TR/events/sched/sched_switch ]; then
	echo "1..0 # SKIP no sched:sched_switch on this host"
	exit 0
fi
N=3000
DB=$T/e.db

# 1. --pair munmap + -e sched:sched_switch
start_workload $N
"$ZAPD" live --db $DB --instance $INST --pid $WL_PID -e sched:sched_switch \
	--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap \
	> $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "tracing started"
go_workload
sleep 0.3
kill -INT $zp
wait $zp
is $? 0 "SIGINT: exit 0"
quiet_err "pair + -e"
is "$(q $DB "SELECT sum(count) FROM histograms
	     WHERE kind = 'sys_enter_munmap' AND metric = 'dur'")" $N \
   "the pairs are unaffected: N=$N finished intervals in the histograms"
n=$(q $DB "SELECT count(*) FROM events WHERE event = 'sched:sched_switch'")
cmp_ok "$n" -gt 0 "sched_switch rows stored ($n)"
is "$(q $DB "SELECT sum(count) FROM event_counts WHERE system = 'sched'
	     AND event = 'sched_switch'")" "$n" "one row per sched_switch record"
is "$(q $DB "SELECT value FROM run_stats WHERE name = 'extra_events'")" "$n" \
   "run_stats.extra_events"
is "$(q $DB "SELECT count(*) FROM events e JOIN runs r ON r.id = e.run_id
	     WHERE e.ts_ns < r.first_ts OR e.ts_ns > r.last_ts")" 0 \
   "every event inside the run's time span"
is "$(q $DB "SELECT count(*) FROM events
	     WHERE json_extract(args, '$.prev_pid') = $WL_PID
	     OR json_extract(args, '$.next_pid') = $WL_PID")" "$n" \
   "every one switches the workload out or in (fields decoded)"
is "$(q $DB "SELECT count(*) FROM events WHERE a0 IS NULL OR a4 IS NULL
	     OR a5 IS NOT NULL")" 0 "five numeric fields, a0..a4"
grep -q ", $n extra events$" $T/out
ok $? "summary line counts them"
wait_for 2 no_instance
ok $? "instance removed"

# 2. what ran inside a slow interval: the workload sleeps 300 ms
rm -f $DB $DB-wal $DB-shm
start_workload 0 --sleep-ms 300
"$ZAPD" live --db $DB --instance $INST --pid $WL_PID -e sched:sched_switch \
	--pair syscalls:sys_enter_clock_nanosleep,syscalls:sys_exit_clock_nanosleep \
	> $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "sleep: tracing started"
go_workload
sleep 0.3
kill -INT $zp
wait $zp
is $? 0 "sleep: SIGINT: exit 0"
"$ZAPD" query inside --db $DB --csv > $T/inside
ok $? "zapd query inside"
row=$(awk -F, -v p=$WL_PID 'NR > 1 && $11 == "sched:sched_switch" &&
	$12 == p { print; exit }' $T/inside)
[ -n "$row" ]
ok $? "inside: the workload's sched_switch inside its sleep"
[ -n "$row" ] || sed 's/^/# /' $T/inside
at=$(echo "$row" | cut -d, -f9)
dur=$(echo "$row" | cut -d, -f4)
[ -n "$at" ] && [ "$at" -ge 0 ] && [ "$at" -le "$dur" ]
ok $? "inside: at_ns within the interval ($at of $dur ns)"
is "$(echo "$row" | cut -d, -f5)" "$(echo "$row" | cut -d, -f10)" \
   "inside: on the interval's CPU"
wait_for 2 no_instance
ok $? "sleep: instance removed"

done_testing
