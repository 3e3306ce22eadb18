# context-storm: `zapd live --why --context-ms` for MINUTES under a storm of
# the events it holds (a 20 us timerfd on CPU 0, its wakeups and switches,
# zaps on CPU 0 with a stack per page table) and zaps on CPU 1; zapd's RSS
# sampled every 10 s, for vm/bench-context.sh.
# args: MINUTES [ZAPD_ARGS...] (default 10; ZAPD_ARGS added to zapd live's)
set -u
min=${1:-10}
shift 2>/dev/null || true
[ -d /sys/kernel/tracing/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
inst=/sys/kernel/tracing/instances/zapd
# shellcheck disable=SC2068
zapd live --db /tmp/ctx.db --why --context-ms 10 --context-min-us 500 \
	--buffer-kb 4096 --stall-ms 60000 $@ > live.log 2>&1 &
zp=$!
i=0
while ! grep -q '^stacktrace' $inst/events/zap/zap_pte_lock/trigger 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || { cat live.log; exit 1; }
	sleep 0.1
done
timer-zap 16 100000000 20 2000 > storm0.out &
s0=$!
sh -c 'while :; do munmap-storm 10 64 > /dev/null; sleep 0.05; done' &
s1=$!
t0=$(date +%s)
: > rss.txt
end=$((t0 + min * 60))
while [ "$(date +%s)" -lt $end ]; do
	echo "$(( $(date +%s) - t0 )) $(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$zp/status)" >> rss.txt
	sleep 10
done
kill $s0 $s1
wait $s0 $s1 2>/dev/null
grep -E '^Vm(HWM|RSS)' /proc/$zp/status > zapd.status
kill -TERM $zp
wait $zp
echo "zapd_rc=$?" > storm.facts
ls -l /tmp/ctx.db* >> storm.facts
cp /tmp/ctx.db ctx.db
cat live.log
