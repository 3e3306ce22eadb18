#!/bin/sh
# munmap.t - zapd live --pair syscalls:sys_enter_munmap,sys_exit_munmap
# while munmap-n does a known number N of munmaps: exactly N finished
# intervals for its pid (--all), with the in-kernel --pid filter, with
# --comm and a filter by pid in SQL, and unprivileged after --user. The
# outlier mode: three zapd live on the same workload at once (--all, the
# default, --slower-than 8192ns): each counts exactly N intervals in its
# histograms, the --all run's buckets are the ones this test computes from
# its rows, and the others have rows for exactly the intervals at or above
# their threshold.
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
	quiet_err "$name"
	wait_for 2 no_instance
	ok $? "$name: instance removed"
}

# 1. in-kernel pid filter (set_event_pid)
FILTER='--pid $WL_PID --all'
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
FILTER='--comm munmap-n --all'
run_case comm $T/b.db
is "$(q $T/b.db "SELECT count(*) FROM intervals WHERE pid = $WL_PID
		 AND finished = 1")" $N "comm: exactly N finished intervals for its pid"
is "$(q $T/b.db "SELECT count(*) FROM intervals WHERE comm != 'munmap-n'")" 0 \
   "comm: only munmap-n tasks"

# 3. --user: privileges dropped after opening tracefs, DB owned by nobody
mkdir $T/u && chown nobody $T/u
FILTER='--pid $WL_PID --user nobody'
run_case user $T/u/c.db
is "$(q $T/u/c.db "SELECT sum(count) FROM histograms")" $N \
   "user: exactly N intervals counted"
is "$(stat -c %U $T/u/c.db)" nobody "user: the database was written as nobody"

# 4. outlier mode: --all, the default and --slower-than 8192ns at once
start_workload $N
i=0
for mode in --all "" "--slower-than 8192ns"; do
	i=$((i + 1))
	"$ZAPD" live --db $T/k$i.db --instance $INST.$i $PAIR --pid $WL_PID \
		$mode > $T/k$i.out 2> $T/k$i.err &
	eval zp$i=$!
	bg_pids="$bg_pids $!"
done
for i in 1 2 3; do
	wait_for 10 live_ready $T/k$i.db
	ok $? "keep $i: tracing started"
done
go_workload
sleep 0.3
kill -INT $zp1 $zp2 $zp3
for i in 1 2 3; do
	eval wait \$zp$i
	is $? 0 "keep $i: SIGINT: exit 0"
	quiet_err "keep $i" $T/k$i.err
	is "$(q $T/k$i.db "SELECT sum(count) FROM histograms
			   WHERE kind = 'sys_enter_munmap' AND metric = 'dur'
			   AND path = ''")" $N "keep $i: N=$N intervals counted"
	is "$(q $T/k$i.db "SELECT count(*) FROM lost")" 0 "keep $i: no loss"
done
grep -q "rows only for intervals >= 100us, the default" $T/k2.err
ok $? "default: says its threshold (100us) on stderr"
is "$(q $T/k2.db "SELECT slower_than_ns, window_ns FROM runs")" \
   "100000|60000000000" "default: runs.slower_than_ns, window_ns"
is "$(q $T/k1.db "SELECT coalesce(slower_than_ns, 'NULL') FROM runs")" NULL \
   "--all: runs.slower_than_ns NULL"
# the --all run's buckets, computed here from its rows (floor(log2))
q $T/k1.db "SELECT dur_ns FROM intervals WHERE finished" |
	awk '{ d = $1; b = 0; while (d >= 2) { d = int(d / 2); b++ } n[b]++ }
	     END { for (b in n) print b "|" n[b] }' | sort -n > $T/want
q $T/k1.db "SELECT bucket, sum(count) FROM histograms GROUP BY 1" |
	sort -n > $T/got
cmp -s $T/want $T/got
ok $? "--all: every bucket's count is the rows' ($(paste -sd' ' $T/want))"
is "$(q $T/k1.db "SELECT min(min_ns) || ' ' || max(max_ns) || ' ' ||
		   sum(total_ns) FROM histograms")" \
   "$(q $T/k1.db "SELECT min(dur_ns) || ' ' || max(dur_ns) || ' ' ||
		   sum(dur_ns) FROM intervals WHERE finished")" \
   "--all: min, max and total of the histograms are the rows'"
# rows for exactly the intervals >= 8192 ns = buckets 13 and up
is "$(q $T/k3.db "SELECT count(*) FROM intervals WHERE finished")" \
   "$(q $T/k3.db "SELECT sum(count) FROM histograms WHERE bucket >= 13")" \
   "8192ns: a row for each interval of buckets >= 13 (>= 8192 ns)"
is "$(q $T/k3.db "SELECT count(*) FROM intervals WHERE dur_ns < 8192")" 0 \
   "8192ns: no row below it"
is "$(q $T/k2.db "SELECT count(*) FROM intervals WHERE dur_ns < 100000")" 0 \
   "default: no row below 100us"
# against the --all run (separate timestamps: a margin of 2x)
rows=$(q $T/k3.db "SELECT count(*) FROM intervals")
lo=$(q $T/k1.db "SELECT count(*) FROM intervals WHERE dur_ns >= 16384")
hi=$(q $T/k1.db "SELECT count(*) FROM intervals WHERE dur_ns >= 4096")
[ "$lo" -le "$rows" ] && [ "$rows" -le "$hi" ]
ok $? "8192ns: $rows rows; the --all run has $lo >= 16384 ns, $hi >= 4096 ns"
is "$(q $T/k3.db "SELECT value FROM run_stats WHERE name = 'below_threshold'")" \
   $((N - rows)) "8192ns: run_stats.below_threshold = N - rows"

done_testing
