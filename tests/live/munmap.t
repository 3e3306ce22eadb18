#!/bin/sh
# munmap.t - zapd live --pair syscalls:sys_enter_munmap,sys_exit_munmap
# while munmap-n does a known number N of munmaps: exactly N finished
# intervals for its pid, with the in-kernel --pid filter, with --comm and
# a filter by pid in SQL, and unprivileged after --user.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
N=5000

# run_case NAME DB ZAPD-ARGS... - trace one munmap-n run; sets RC
run_case() {
	name=$1 db=$2
	shift 2
	start_workload $N
	# --stall-ms: on a loaded host one munmap can take 100 ms; the
	# watchdog's line is not what this test is about (stall.t)
	"$ZAPD" live --db "$db" --instance $INST $PAIR --stall-ms 60000 "$@" \
		$(eval echo "$FILTER") > $T/out 2> $T/err &
	zp=$!
	bg_pids="$bg_pids $zp"
	wait_for 10 live_ready "$db"
	ok $? "$name: tracing started (live run row committed)"
	go_workload
	sleep 0.3
	kill -INT $zp
	wait $zp
	RC=$?
	is $RC 0 "$name: SIGINT: exit 0"
	is "$(cat $T/err)" "" "$name: nothing on stderr"
	wait_for 2 no_instance
	ok $? "$name: instance removed"
}

# 1. in-kernel pid filter (set_event_pid)
FILTER='--pid $WL_PID'
run_case pid $T/a.db
is "$(q $T/a.db "SELECT count(*) FROM intervals
		 WHERE pid = $WL_PID AND finished = 1
		 AND kind = 'sys_enter_munmap' AND end_reason = 'done'")" $N \
   "pid: exactly N=$N finished intervals for the workload"
is "$(q $T/a.db "SELECT count(*) FROM intervals WHERE pid != $WL_PID")" 0 \
   "pid: nothing from other tasks"
is "$(q $T/a.db "SELECT count(*) FROM intervals WHERE finished = 0
		 OR tainted = 1")" 0 "pid: no unfinished or tainted interval"
is "$(q $T/a.db "SELECT count(*) FROM lost")" 0 "pid: no loss"
is "$(q $T/a.db "SELECT sum(count) FROM event_counts
		 WHERE event = 'sys_exit_munmap'")" $N \
   "pid: event_counts: N sys_exit_munmap records"
is "$(q $T/a.db "SELECT state, complete, source, clock, buffers FROM runs")" \
   "done|1|live|mono|$INST" "pid: run row done, complete, live, mono clock"
is "$(q $T/a.db "SELECT count(*) FROM intervals WHERE dur_ns <= 0
		 OR dur_ns IS NULL OR comm IS NULL")" 0 \
   "pid: every interval has a positive duration and a comm"
grep -q "^live run 1: " $T/out
ok $? "pid: summary line on stdout"

# 2. --comm (in-kernel COMM filter), pid filtered in SQL
FILTER='--comm munmap-n'
run_case comm $T/b.db
is "$(q $T/b.db "SELECT count(*) FROM intervals WHERE pid = $WL_PID
		 AND finished = 1")" $N "comm: exactly N finished intervals for its pid"
is "$(q $T/b.db "SELECT count(*) FROM intervals WHERE comm != 'munmap-n'")" 0 \
   "comm: only munmap-n tasks"

# 3. --user: privileges dropped after opening tracefs, DB owned by nobody
mkdir $T/u && chown nobody $T/u
FILTER='--pid $WL_PID --user nobody'
run_case user $T/u/c.db
is "$(q $T/u/c.db "SELECT count(*) FROM intervals WHERE pid = $WL_PID
		   AND finished = 1")" $N "user: exactly N finished intervals"
is "$(stat -c %U $T/u/c.db)" nobody "user: the database was written as nobody"

done_testing
