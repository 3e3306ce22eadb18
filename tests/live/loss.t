#!/bin/sh
# loss.t - a tiny ring buffer (--buffer-kb 8) and a munmap storm: loss
# markers and per-CPU stats rows are written, positioned in time;
# intervals open across a loss are tainted, and no finished interval
# spans a loss marker (on any CPU). (--stall-ms 60000: a munmap descheduled
# for 100 ms on a loaded host is a real stall, but not what this tests.)
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
DB=$T/l.db
N=200000

start_workload $N
"$ZAPD" live --db $DB --instance $INST $PAIR --pid $WL_PID --buffer-kb 8 \
	--all --stall-ms 60000 > $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "tracing started"
kb=$(cat $TR/instances/$INST/buffer_size_kb 2>&1)
cmp_ok "$kb" -le 16 "per-CPU buffer set to 8 KB (kernel rounds to ${kb})"
# Stop zapd's reading in bursts while the storm runs, so that the buffer
# overflows many times: each overflow drops events with an interval open
# (the last event kept was an enter) or not (an exit), about half and half,
# so with many overflows "some interval is tainted" is certain enough, where
# one storm with a reader that keeps up gave as few as one or two losses.
release_workload
while kill -0 $WL_BG 2>/dev/null; do
	kill -STOP $zp; sleep 0.02; kill -CONT $zp; sleep 0.02
done
wait "$WL_BG"
sleep 0.3
kill -TERM $zp
wait $zp
is $? 0 "SIGTERM: exit 0"
quiet_err "--all"

markers=$(q $DB "SELECT count(*) FROM lost WHERE source = 'marker'")
stats=$(q $DB "SELECT count(*) FROM lost WHERE source = 'stats'")
cmp_ok "$markers" -ge 8 "loss markers written ($markers, one per overflow)"
cmp_ok "$stats" -gt 0 "per-CPU stats loss rows written ($stats)"
is "$(q $DB "SELECT count(*) FROM lost WHERE ts_ns IS NULL OR ts_ns <= 0
	     OR ts_ns < (SELECT first_ts FROM runs)")" 0 \
   "every loss row is positioned in time"
mk=$(q $DB "SELECT sum(count) FROM lost WHERE source = 'marker'")
st=$(q $DB "SELECT sum(count) FROM lost WHERE source = 'stats'")
echo "# lost events: markers say $mk, stats files say $st"
cmp_ok "${st:-0}" -gt 0 "stats files count the lost events ($st)"
tainted=$(q $DB "SELECT count(*) FROM intervals WHERE tainted = 1")
cmp_ok "$tainted" -gt 0 "tainted intervals ($tainted)"
# one workload thread: at most one interval open when a loss is seen
cmp_ok "$tainted" -le "$markers" "at most one tainted interval per loss marker"
is "$(q $DB "SELECT count(*) FROM intervals WHERE tainted = 1
	     AND (finished = 1 OR end_reason != 'lost')")" 0 \
   "tainted intervals are unfinished, closed by the loss"
is "$(q $DB "SELECT count(*) FROM intervals i JOIN lost l
	     ON l.run_id = i.run_id AND l.source = 'marker'
	     WHERE i.finished = 1 AND l.ts_ns > i.start_ns
	     AND l.ts_ns <= i.done_ns")" 0 \
   "no finished interval spans a loss marker"
fin=$(q $DB "SELECT count(*) FROM intervals WHERE finished = 1")
cmp_ok "$fin" -gt 0 "some intervals still finished ($fin)"
cmp_ok "$fin" -le $N "at most N finished intervals"
is "$(q $DB "SELECT count(*) FROM intervals WHERE finished = 1
	     AND (dur_ns <= 0 OR pid != $WL_PID)")" 0 \
   "finished intervals are sane"
is "$(q $DB "SELECT sum(count) FROM histograms")" "$fin" \
   "the histograms count the finished intervals, nothing else"
is "$(q $DB "SELECT sum(finished) || ' ' || sum(tainted) || ' ' ||
	     sum(intervals) FROM task_stats")" \
   "$fin $tainted $(q $DB "SELECT count(*) FROM intervals")" \
   "task_stats: the same finished, tainted and closed intervals as the rows"
is "$(q $DB "SELECT complete, state FROM runs")" "1|done" \
   "run complete (losses are data, not failures)"
wait_for 2 no_instance
ok $? "instance removed"

done_testing
