# tests/vm/live-guest.sh - guest half of tests/vm/live.t (run by vm/run.sh).
# Runs `zapd live --all` (its own tracefs instance, all zap events, a row
# per interval: tests/vm/outlier.t covers the default mode) while each
# workload is also recorded with `trace-cmd record` on the top-level
# buffer, then stops zapd with SIGTERM. The host compares the two.
set -u
command -v zapd > /dev/null || { echo "no zapd in the initramfs"; exit 2; }
zapd live --db /tmp/live.db --stages --lock --stall-ms 2000 --all -v > live.log 2>&1 &
zp=$!
# wait until zapd's instance exists and its events are on
i=0
while [ ! -e /sys/kernel/tracing/instances/zapd/events/zap/zap_present_ptes_done/enable ] ||
      [ "$(cat /sys/kernel/tracing/instances/zapd/events/zap/zap_present_ptes_done/enable)" != 1 ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "zapd live did not set up its instance"; cat live.log; exit 1; }
	sleep 0.1
done
sleep 0.5
for w in "munmap-4k 2048" "mthp-64k 64" "shared-file 512" "two-threads 1024"; do
	set -- $w
	trace-cmd record -q -b 16384 -e zap -o "$1.dat" -F -c "$@" > "$1.out" 2> "$1.err" ||
		{ echo "trace-cmd record $w failed"; cat "$1.err"; }
done
sleep 1
t0=$(date +%s)
kill -TERM $zp
wait $zp
echo "zapd_rc=$?" > live.facts
echo "zapd_stop_seconds=$(( $(date +%s) - t0 ))" >> live.facts
if [ -e /sys/kernel/tracing/instances/zapd ]; then
	echo "instance_left=1" >> live.facts
else
	echo "instance_left=0" >> live.facts
fi
cp /tmp/live.db live.db
exit 0
