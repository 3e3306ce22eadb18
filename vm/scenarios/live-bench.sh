# live-bench: zapd live (start/done, --buffer-kb 4096) during a 1-thread
# munmap storm; the CPU time of both, for vm/bench-live.sh.
# args: ROUNDS PAGES [ZAPD_ARGS...] (default 400 1024: 409600 zaps, 819200
# events; ZAPD_ARGS e.g. --why, added to zapd live's)
set -u
rounds=${1:-400}
pages=${2:-1024}
shift 2 2>/dev/null || shift $#
[ -d /sys/kernel/tracing/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
inst=/sys/kernel/tracing/instances/zapd
# shellcheck disable=SC2068
time -p -o zapd.time zapd live --db /tmp/bench.db --buffer-kb 4096 $@ > live.log 2>&1 &
i=0
while [ "$(cat $inst/events/zap/zap_present_ptes_done/enable 2>/dev/null)" != 1 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat live.log; exit 1; }
	sleep 0.1
done
sleep 0.5
time -p -o storm.time munmap-storm "$rounds" "$pages" > storm.out
sleep 0.5
kill -TERM "$(pidof zapd)"
wait
cp /tmp/bench.db bench.db
cat live.log
