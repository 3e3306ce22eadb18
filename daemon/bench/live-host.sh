#!/bin/sh
# live-host.sh - zapd live on this host (stock kernel: --pair on the
# munmap syscalls) against a paced munmap load: the event rate it keeps
# up with, its CPU per event, what it loses.
# usage: live-host.sh ZAPD MUNMAP_N [RATE...]
# RATE: syscalls per second asked of the load (2 events each; default a
# sweep; 0: BENCH_PROCS (default 1) tasks as fast as they go), spread over ceil(RATE / BENCH_PER_PROC)
# munmap-n processes (default 60000 each) for BENCH_SECONDS (default 5).
# BENCH_SYSCALL=getppid pairs getppid instead of munmap (munmap-n
# --getppid: a syscall of a few hundred ns, the highest rate a task
# makes). zapd runs in its
# default mode with --buffer-kb BENCH_BUFFER_KB (default 1024) and --pid
# of the load's processes. Per rate: the event rate reached (events / load wall
# time), lost events (lost table), zapd's CPU (user+sys, /proc, from the
# load's start to zapd's exit) per event. Needs root; skips otherwise.
set -eu
zapd=$1 mn=$2
shift 2
[ $# -gt 0 ] || set -- 25000 50000 100000 150000 200000 300000
per=${BENCH_PER_PROC:-60000}
sc=${BENCH_SYSCALL:-munmap}
pair=syscalls:sys_enter_$sc,syscalls:sys_exit_$sc
sarg=
[ "$sc" = munmap ] || sarg=--$sc
secs=${BENCH_SECONDS:-5}
kb=${BENCH_BUFFER_KB:-1024}
if [ "$(id -u)" != 0 ] || [ ! -e /sys/kernel/tracing/events/syscalls/sys_enter_munmap ]; then
	echo "bench-live-host: needs root and syscalls events: skipped"
	exit 0
fi
tmp=$(mktemp -d /tmp/zapd-lh.XXXXXX)
inst=zapdbench$$
trap 'rm -rf "$tmp"' EXIT
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
hz=$(getconf CLK_TCK)

echo "bench-live-host: zapd live --pair $pair --buffer-kb $kb (default mode), $(nproc) CPUs, ${secs} s per rate"
printf '  %10s %6s %12s %10s %12s %10s %s\n' asked procs events ev/s "lost" "zapd_s" ns/event
for rate in "$@"; do
	if [ "$rate" -eq 0 ]; then	# BENCH_PROCS tasks, unpaced
		procs=${BENCH_PROCS:-1} n=$((per * 20 * secs)) each=0
	else
		procs=$(( (rate + per - 1) / per ))
		n=$((rate * secs / procs))
		each=$((rate / procs))
	fi
	rm -f "$tmp"/b.db*
	pids=
	i=0
	rm -f "$tmp/start"
	while [ $i -lt $procs ]; do	# each waits for its own "go" line
		(until [ -e "$tmp/start" ]; do sleep 0.01; done; echo go) |
			"$mn" $n --wait --rate $each $sarg > "$tmp/pid.$i" &
		pids="$pids $!"
		i=$((i + 1))
	done
	wpids=$(i=0; while [ $i -lt $procs ]; do
		until [ -s "$tmp/pid.$i" ]; do sleep 0.01; done
		cat "$tmp/pid.$i"; i=$((i + 1)); done | paste -sd, -)
	"$zapd" live --db "$tmp/b.db" --instance $inst --buffer-kb $kb \
		--pair $pair \
		--pid "$wpids" > "$tmp/out" 2> "$tmp/err" &
	zp=$!
	i=0
	until [ -s "$tmp/b.db" ] && [ "$(sqlite3 "$tmp/b.db" "SELECT count(*)
		FROM runs WHERE state = 'importing'" 2>/dev/null)" = 1 ]; do
		i=$((i + 1)); [ $i -lt 200 ] || { cat "$tmp/err"; exit 1; }
		sleep 0.05
	done
	sleep 0.3
	c0=$(ticks $zp)
	t0=$(date +%s%N)
	touch "$tmp/start"
	for p in $pids; do wait $p; done
	t1=$(date +%s%N)
	sleep 0.3
	c1=$(ticks $zp)
	kill -INT $zp
	wait $zp || true
	rm -f "$tmp"/pid.*
	ev=$(sqlite3 "$tmp/b.db" "SELECT events FROM runs")
	lost=$(sqlite3 "$tmp/b.db" "SELECT coalesce(sum(count), 0) || '/' || count(*) FROM lost")
	zs=$(echo "scale=2; ($c1 - $c0) / $hz" | bc)
	printf '  %10s %6s %12s %10s %12s %10s %s\n' $rate $procs "${ev:-0}" \
		$(( ${ev:-0} * 1000000000 / (t1 - t0) )) "$lost" "$zs" \
		"$(echo "($c1 - $c0) * 1000000000 / $hz / ${ev:-1}" | bc)"
done
echo "  (ev/s: events counted / wall time of the load; lost: events/rows of the"
echo "   lost table; zapd_s: its CPU from the load's start to 0.3 s after it)"
