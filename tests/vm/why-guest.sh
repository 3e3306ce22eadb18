# tests/vm/why-guest.sh - guest half of tests/vm/why.t (run by vm/run.sh).
# Records the attribution workloads with trace-cmd (the trace-cmd line of
# docs/events.md: zap events, a stacktrace trigger on zap:zap_pte_lock,
# irq_vectors, irq, nmi, sched_switch; clock mono, so the workloads'
# CLOCK_MONOTONIC phase times compare with event times) while `zapd live
# --why` traces the same into its own instance; then a `zapd live --why
# --context-ms` run. Writes facts; the host judges.
set -u
command -v zapd > /dev/null || { echo "no zapd in the initramfs"; exit 2; }
T=/sys/kernel/tracing
EV="-e zap -e zap:zap_pte_lock -R stacktrace -e irq_vectors -e irq -e nmi -e sched:sched_switch"
# trace-cmd, zapd and this shell must survive the OOM killer
echo -1000 > /proc/self/oom_score_adj

live_start() {	# DB INSTANCE ARGS...: zapd live, wait for its events
	db=$1 inst=$2
	shift 2
	zapd live --db "$db" --instance "$inst" --why --buffer-kb 16384 \
		--stall-ms 60000 "$@" -v > "$inst.log" 2>&1 &
	zp=$!
	i=0
	f=$T/instances/$inst/events/zap/zap_pte_lock/trigger
	while ! grep -q '^stacktrace' "$f" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "zapd live did not set up"; cat "$inst.log"; exit 1; }
		sleep 0.1
	done
	sleep 0.5
}
live_stop() {	# INSTANCE: SIGTERM, wait, facts
	kill -TERM $zp
	wait $zp
	echo "$1_rc=$?" >> live.facts
	[ -e $T/instances/$1 ] && echo "$1_left=1" >> live.facts || echo "$1_left=0" >> live.facts
}
rec() {		# NAME [-F] CMD...: one trace.dat
	name=$1
	shift
	# shellcheck disable=SC2086
	trace-cmd record -q -C mono -b 16384 $EV -o "$name.dat" "$@" > "$name.out" 2> "$name.err"
	echo $? > "$name.rc"
	echo "recorded $name: rc=$(cat "$name.rc") $(wc -c < "$name.dat" 2>/dev/null) bytes"
}

: > live.facts
# the first live run also stores the events it attributes (-e), so the
# host can compute the oracle on exactly what zapd live saw, and a row
# for every interval (--all), so every one is compared
WHY_E="-e irq:irq_handler_entry -e irq:irq_handler_exit -e irq:softirq_entry -e irq:softirq_exit -e nmi:nmi_handler -e sched:sched_switch"
for e in $(ls $T/events/irq_vectors | grep -E '_(entry|exit)$'); do
	WHY_E="$WHY_E -e irq_vectors:$e"
done
# shellcheck disable=SC2086
live_start /tmp/live.db zapdwhy --all $WHY_E
rec timer-zap -F -c timer-zap 1024 20 50
rec callers-all callers all 128
rec callers-mixed callers mixed 128
rec oom-mrelease oom-reap mrelease 128
rec oom-kill oom-reap oom 256 6
dmesg | grep -iE "oom|reap" > oom-dmesg.txt
sleep 1
live_stop zapdwhy
cp /tmp/live.db live.db

# --context-ms: only what surrounded slow intervals is stored
live_start /tmp/ctx.db zapdctx --context-ms 5 --context-min-us 200
rec ctx-timer -F -c timer-zap 1024 10 50
sleep 1
live_stop zapdctx
cp /tmp/ctx.db ctx.db
exit 0
