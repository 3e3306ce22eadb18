# tests/vm/outlier-guest.sh - guest half of tests/vm/outlier.t (vm/run.sh).
# For each workload, the same task is traced twice at once: by `zapd live`
# in outlier mode (rows only for intervals >= --slower-than, a power of two
# so that the host can check the rows against the run's own log2
# histograms exactly; histograms for all) on its own instance, and by
# `trace-cmd record` on the top-level buffer, both filtered to the
# workload's pid and on the mono clock. The
# workload is started stopped (so both tracers see it from its first
# event), released when both are tracing, and both stop after it exits.
# Per workload W: W.db (zapd live), W.dat (trace-cmd), W.out (the
# workload's facts), W.facts (zapd's exit code, the pid).
set -u
command -v zapd > /dev/null || { echo "no zapd in the initramfs"; exit 2; }
tr=/sys/kernel/tracing
inst=$tr/instances/zapd

# on FILE - the event enable FILE reads 1
on() { [ "$(cat "$1" 2>/dev/null)" = 1 ]; }

# trace NAME LIVE-ARGS TRACE-CMD-EVENTS -- WORKLOAD ARGS...
trace() {
	name=$1 largs=$2 events=$3
	shift 4
	# a shell that stops itself, then becomes the workload: its pid is known
	sh -c 'kill -STOP $$; exec "$@"' sh "$@" > "$name.out" &
	wl=$!
	i=0
	while ! grep -q '^State:.*stopped' /proc/$wl/status 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "$name: workload did not stop"; return 1; }
		sleep 0.05
	done
	rm -f /tmp/$name.db*
	zapd live --db /tmp/$name.db --pid $wl --buffer-kb 16384 $largs \
		> $name.live.log 2>&1 &
	zp=$!
	trace-cmd record -q -C mono -b 16384 $events -P $wl -o /tmp/$name.dat \
		> $name.tc.log 2>&1 &
	tp=$!
	i=0
	while ! on $inst/events/zap/zap_present_ptes_done/enable ||
	      ! on $tr/events/zap/zap_present_ptes_done/enable; do
		i=$((i + 1)); [ $i -lt 200 ] || { echo "$name: tracers did not start"; cat $name.*.log; return 1; }
		sleep 0.05
	done
	sleep 1
	kill -CONT $wl
	wait $wl
	sleep 1
	kill -INT $tp
	wait $tp
	kill -TERM $zp
	wait $zp
	echo "zapd_rc=$?" > $name.facts
	echo "pid=$wl" >> $name.facts
	cp /tmp/$name.db $name.db
	cp /tmp/$name.dat $name.dat
	rm -f /tmp/$name.dat
	echo "$name: traced pid $wl"
}

trace storm "--slower-than 65536ns" \
	"-e zap:zap_present_ptes_start -e zap:zap_present_ptes_done" \
	-- munmap-storm 400 1024
trace munmap-4k "--lock --slower-than 16384ns" "-e zap:zap_present_ptes_start -e zap:zap_present_ptes_done -e zap:zap_pte_lock -e zap:zap_pte_locked -e zap:zap_pte_unlock" \
	-- munmap-4k 2048
trace mthp-64k "--lock --slower-than 16384ns" "-e zap:zap_present_ptes_start -e zap:zap_present_ptes_done -e zap:zap_pte_lock -e zap:zap_pte_locked -e zap:zap_pte_unlock" \
	-- mthp-64k 64
exit 0
