# munmap-bench: kernel cost of the zap tracepoints (vm/bench-kernel.sh).
# args: EVENTS MB REPS [MODES]
#   EVENTS  off | startdone | stages | lock | why   (cumulative: lock = all
#           six; why = lock + the stacktrace trigger on zap_pte_lock that
#           zapd names callers with, docs/events.md)
#   MB      region size in MiB (workloads/munmap-bench.c --mb)
#   REPS    timed munmap() calls per mode
#   MODES   comma list of 4k,mthp (default 4k,mthp)
# Writes munmap-bench-MODE.out (the workload's KEY=VALUE lines plus events=
# and events_per_sec= when events are on) to /results.
set -eu
events=${1:-off}
mb=${2:-1024}
reps=${3:-15}
modes=${4:-4k,mthp}
T=/sys/kernel/tracing
thp=/sys/kernel/mm/transparent_hugepage

# PMD-size THP off so the mthp mode gets 64K folios, not 2M ones.
[ -w $thp/hugepages-2048kB/enabled ] && echo never > $thp/hugepages-2048kB/enabled

evlist=
case $events in
off) ;;
startdone) evlist="zap_present_ptes_start zap_present_ptes_done" ;;
stages) evlist="zap_present_ptes_start zap_present_ptes_done zap_present_folio_stage" ;;
lock|why) evlist="zap_present_ptes_start zap_present_ptes_done zap_present_folio_stage zap_pte_lock zap_pte_locked zap_pte_unlock" ;;
*) echo "unknown EVENTS '$events'" >&2; exit 2 ;;
esac
if [ -n "$evlist" ]; then
	[ -d $T/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
	echo 0 > $T/tracing_on
	echo 1 > $T/options/overwrite   # ring may overwrite: we measure emitting, not keeping
	echo 16384 > $T/buffer_size_kb
	for e in $evlist; do echo 1 > $T/events/zap/$e/enable; done
	[ "$events" != why ] || echo stacktrace > $T/events/zap/zap_pte_lock/trigger
	echo 1 > $T/tracing_on
fi
echo "events=$events evlist=$evlist" > bench.events

for mode in $(echo "$modes" | tr ',' ' '); do
	flag=
	if [ "$mode" = mthp ]; then
		echo madvise > $thp/hugepages-64kB/enabled
		flag=--mthp
	else
		echo never > $thp/hugepages-64kB/enabled
	fi
	[ -z "$evlist" ] || echo > $T/trace
	munmap-bench --mb "$mb" --reps "$reps" $flag > "munmap-bench-$mode.out"
	if [ -n "$evlist" ]; then
		n=$(cat $T/per_cpu/cpu*/stats | awk '/^entries:/ { s += $2 } /^overrun:/ { s += $2 } END { print s + 0 }')
		tot=$(sed -n 's/^munmap_total_ns=//p' "munmap-bench-$mode.out")
		echo "events_emitted=$n" >> "munmap-bench-$mode.out"
		awk -v n="$n" -v t="$tot" 'BEGIN { printf "events_per_sec=%.0f\n", n / (t / 1e9) }' >> "munmap-bench-$mode.out"
	fi
	grep -E '^(mode|median_ns|ns_per_pte|events|mthp64k)' "munmap-bench-$mode.out"
done
