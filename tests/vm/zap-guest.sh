# tests/vm/zap-guest.sh - guest half of tests/vm/zap.t (run by vm/run.sh).
# Probes events/zap/ in tracefs, checks set_event_pid filtering, and records
# every workload with `trace-cmd record -e zap -F -c` (-c: its threads too).  Writes facts for the
# host to assert on; judges nothing itself except "the plumbing worked".
set -u
T=/sys/kernel/tracing
EVENTS="zap_present_ptes_start zap_present_folio_stage zap_present_ptes_done zap_pte_lock zap_pte_locked zap_pte_unlock"
fact() { echo "$1=$2" >> checks.facts; }
: > checks.facts

# --- the events exist and each one enables -----------------------------------
if [ -d $T/events/zap ]; then
	fact zap_events present
	EV="-e zap"
else
	fact zap_events absent
	# keep the plumbing exercised on an unpatched kernel
	EV="-e sched:sched_process_exit"
fi
mkdir -p formats
for e in $EVENTS; do
	d=$T/events/zap/$e
	if [ ! -d "$d" ]; then
		fact "enable.$e" missing
		continue
	fi
	cp "$d/format" "formats/$e.format"
	echo 1 > "$d/enable" 2>/dev/null
	fact "enable.$e" "$(cat "$d/enable")"
	echo 0 > "$d/enable"
done

# --- set_event_pid: only the chosen pid's zaps reach the ring buffer ----------
if [ -d $T/events/zap ]; then
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 2048 > $T/buffer_size_kb
	echo 1 > $T/events/zap/zap_present_ptes_done/enable
	munmap-storm 1000000 16 > noise.out 2>&1 &
	noise=$!
	fact noise_pid "$noise"
	# Filter on pid 1 first (/init, idle in wait()), so no moment is
	# unfiltered.  The workload then ADDS itself (>>): opening set_event_pid
	# with O_TRUNC (>) empties the list, and an empty list filters nothing
	# until the write lands - the other task's events leak into that window.
	echo 1 > $T/set_event_pid
	echo 1 > $T/tracing_on
	sleep 1
	# the filtered task adds itself to the filter, then becomes the workload
	sh -c "echo \$\$ >> $T/set_event_pid; exec munmap-4k 256" > pidfilter.out
	echo 0 > $T/tracing_on
	cp $T/trace pidfilter.trace
	# control: without the filter the noise task's zaps do show up
	echo > $T/set_event_pid
	echo > $T/trace
	echo 1 > $T/tracing_on
	sleep 1
	echo 0 > $T/tracing_on
	cp $T/trace nofilter.trace
	kill "$noise"
	wait "$noise" 2>/dev/null
	echo 0 > $T/events/zap/zap_present_ptes_done/enable
	echo > $T/trace
	echo 1 > $T/tracing_on
fi

# --- one trace.dat per workload ------------------------------------------------
rec() {
	name=$1
	shift
	# shellcheck disable=SC2086
	trace-cmd record -q -b 16384 $EV -o "$name.dat" -F -c "$@" > "$name.out" 2> "$name.err"
	echo $? > "$name.rc"
	echo "recorded $name: rc=$(cat "$name.rc") $(wc -c < "$name.dat" 2>/dev/null) bytes"
}
rec munmap-4k munmap-4k 2048
rec shared-file shared-file 512
rec mthp-64k mthp-64k 64
rec exit-big exit-big 4096
rec madv-dontneed madv-dontneed 1024
rec two-threads two-threads 1024
rec ptl-contention ptl-contention 50 64
grep -H . /sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/* > mthp-stats.txt 2>/dev/null
exit 0
