#!/bin/sh
# sigterm.t - stopping zapd live mid-run. SIGTERM under a munmap storm:
# exit 0 within 2 s, integrity_check ok, no instance left. kill -9: what
# was committed (at most --commit-ms old) stays and the next open keeps
# the run as done/incomplete, and zapd's guardian removes the instance at
# once; with --user the root parent still removes the instance when the
# tracing child is killed. (tests/live/kill9.t: kill -9 at any moment.)
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
DB=$T/t.db

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# storm - munmaps until killed (background), sets STORM
storm() {
	"$MUNMAP_N" 100000000 > /dev/null &
	STORM=$!
	bg_pids="$bg_pids $STORM"
}

# 1. SIGTERM mid-run
storm
"$ZAPD" live --db $DB --instance $INST $PAIR --comm munmap-n \
	> $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "tracing started under a munmap storm"
sleep 1
t0=$(now_ms)
kill -TERM $zp
wait $zp
rc=$?
t1=$(now_ms)
is $rc 0 "SIGTERM: exit 0"
cmp_ok $((t1 - t0)) -lt 2000 "SIGTERM: exited in $((t1 - t0)) ms (< 2000)"
quiet_err SIGTERM
is "$(q $DB 'PRAGMA integrity_check')" ok "PRAGMA integrity_check = ok"
no_instance
ok $? "no instance left in $TR/instances"
is "$(q $DB "SELECT state, complete FROM runs")" "done|1" "run done, complete"
n=$(q $DB "SELECT sum(count) FROM histograms")
cmp_ok "$n" -gt 1000 "intervals counted in the histograms ($n)"
is "$(q $DB "SELECT value FROM run_stats WHERE name = 'finished'")" "$n" \
   "... all of them, up to the drain after SIGTERM"
is "$(q $DB "SELECT count(*) FROM intervals WHERE finished
	     AND dur_ns < (SELECT slower_than_ns FROM runs)")" 0 \
   "rows only for intervals at or above the default --slower-than"

# 2. kill -9 mid-run: committed rows survive, the run is kept
rm -f $DB $DB-wal $DB-shm
"$ZAPD" live --db $DB --instance $INST $PAIR --comm munmap-n \
	--commit-ms 100 --all > $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
sleep 1
before=$(q $DB "SELECT count(*) FROM intervals")
cmp_ok "$before" -gt 0 "kill -9: rows visible to another process before the kill ($before)"
# the histograms and counters are committed every 5 s (LIVE_STATS_MS)
hist_rows() { [ "$(q $DB "SELECT count(*) FROM histograms")" -gt 0 ]; }
wait_for 10 hist_rows
ok $? "kill -9: histograms committed while tracing"
kill -9 $zp
wait $zp 2>/dev/null
after=$(q $DB "SELECT count(*) FROM intervals")
cmp_ok "$after" -ge "$before" "kill -9: committed rows survive ($after >= $before)"
is "$(q $DB 'PRAGMA integrity_check')" ok "kill -9: integrity_check ok"
# the guardian (a root process zapd forked) removes the instance once
# zapd is gone, and says so; it holds the owner file's lock until done
wait_for 5 no_instance
ok $? "kill -9: the instance is removed (by zapd's guardian)"
grep -q "zapd live pid $zp was killed: removed its tracefs instance '$INST' (it was tracing)" $T/err
ok $? "... which says so in one line"
"$ZAPD" live --db $DB --instance $INST $PAIR --duration 0.3 > $T/out 2> $T/err
is $? 0 "next run on the same database: exit 0"
grep -q "live run 1 was interrupted: kept" $T/err
ok $? "... the killed run is kept, with one line about it"
is "$(q $DB "SELECT state, complete FROM runs WHERE id = 1")" "done|0" \
   "killed run: state done, complete 0"
is "$(q $DB "SELECT count(*) FROM intervals WHERE run_id = 1")" "$after" \
   "killed run: its rows are still there"
hn=$(q $DB "SELECT coalesce(sum(count), 0) FROM histograms WHERE run_id = 1")
fn=$(q $DB "SELECT count(*) FROM intervals WHERE run_id = 1 AND finished")
cmp_ok "$hn" -gt 0 "killed run: its committed histograms are kept ($hn)"
cmp_ok "$hn" -le "$fn" "... and count no interval without its committed row ($fn)"

# 3. --user: kill -9 of the unprivileged tracer, the root parent cleans up
mkdir $T/u && chown nobody $T/u
"$ZAPD" live --db $T/u/u.db --instance $INST $PAIR --comm munmap-n \
	--user nobody > $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $T/u/u.db
ok $? "--user: tracing started"
child=$(pgrep -P $zp -u nobody)
is "$(stat -c %U /proc/$child 2>&1)" nobody "--user: the tracer runs as nobody"
kill -9 $child
wait $zp
is $? 1 "--user: parent exits 1 when the tracer is killed"
wait_for 2 no_instance
ok $? "--user: parent removed the instance"
kill $STORM

done_testing
