# fixtures: record the small trace.dat fixtures (all zap events; the why-*
# ones with the attribution events too) for tests/data/regen.sh.  Each NAME.dat comes with NAME.out (the workload's
# KEY=VALUE lines) and NAME.cmd (the trace-cmd command line).
set -eu
[ -d /sys/kernel/tracing/events/zap ] || { echo "no events/zap: kernel not patched?" >&2; exit 3; }
rec() {
	name=$1
	shift
	cmd="trace-cmd record -q -b 16384 -e zap -o $name.dat -F -c $*"
	echo "$cmd" > "$name.cmd"
	$cmd > "$name.out"
	echo "recorded $name: $(wc -c < "$name.dat") bytes"
}
# with what attribution and callers need (docs/events.md), clock mono so
# the phase times callers prints compare with the events'
rec_why() {
	name=$1
	shift
	cmd="trace-cmd record -q -C mono -b 16384 -e zap -e zap:zap_pte_lock -R stacktrace -e irq_vectors -e irq -e nmi -e sched:sched_switch -o $name.dat $*"
	echo "$cmd" > "$name.cmd"
	$cmd > "$name.out"
	echo "recorded $name: $(wc -c < "$name.dat") bytes"
}
rec munmap-4k munmap-4k 2048
rec mthp-64k mthp-64k 64
rec shared-file shared-file 512
rec two-threads two-threads 1024
rec ptl-contention ptl-contention 50 64
rec_why why-timer -F -c timer-zap 512 10 50
rec_why why-callers callers all 64
