# live-bench: zapd live (start/done, --buffer-kb 4096) during a 1-thread
# munmap storm, once per MODE; the CPU time of both, for vm/bench-live.sh.
# args: ROUNDS PAGES [MODE|--ZAPD-OPTION...] (default 400 1024 default all:
# 409600 zaps, 819200 events, zapd's default mode then --all). MODE is
# "default", "all" or a --slower-than duration; a word starting with "--"
# (e.g. --why) is added to every zapd live. Per mode M: M.zapd.time (the
# whole zapd process), M.zapd.cpu0 and M.zapd.cpu1 (its user and sys ticks
# when the storm starts and 0.5 s after it ended, before the drain),
# M.storm.time, M.db, M.log.
set -u
rounds=${1:-400}
pages=${2:-1024}
shift 2 2>/dev/null || shift $#
modes= zargs=
for a in "$@"; do
	case $a in --*) zargs="$zargs $a" ;; *) modes="$modes $a" ;; esac
done
[ -n "$modes" ] || modes="default all"
# shellcheck disable=SC2086
set -- $modes
[ -d /sys/kernel/tracing/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
inst=/sys/kernel/tracing/instances/zapd
for mode in "$@"; do
	case $mode in
	default) arg= ;;
	all) arg=--all ;;
	*) arg="--slower-than $mode" ;;
	esac
	rm -f /tmp/bench.db /tmp/bench.db-wal /tmp/bench.db-shm
	time -p -o $mode.zapd.time zapd live --db /tmp/bench.db --buffer-kb 4096 $arg $zargs > $mode.log 2>&1 &
	i=0
	while [ "$(cat $inst/events/zap/zap_present_ptes_done/enable 2>/dev/null)" != 1 ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat $mode.log; exit 1; }
		sleep 0.1
	done
	sleep 0.5
	zp=$(pidof zapd)
	# utime and stime (fields 14 and 15, after the ")" of the comm)
	sed 's/.*) //' /proc/$zp/stat | awk '{ print $12, $13 }' > $mode.zapd.cpu0
	time -p -o $mode.storm.time munmap-storm "$rounds" "$pages" > $mode.storm.out
	sleep 0.5
	sed 's/.*) //' /proc/$zp/stat | awk '{ print $12, $13 }' > $mode.zapd.cpu1
	kill -TERM $zp
	wait
	cp /tmp/bench.db $mode.db
	cat $mode.log
done
