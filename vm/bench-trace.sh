#!/bin/bash
# vm/bench-trace.sh - record a >=5M zap-event trace.dat in the guest:
# $ZAPD_CACHE/bench/NAME.dat (+ NAME.facts).  Kept until the kernel,
# the initramfs or the storm size changes (FORCE=1 re-records).
#
# usage: vm/bench-trace.sh [ROUNDS [PAGES [NAME]]]
#        (default 2560 1024 zap-5m; `make bench-trace-21m`: 10240 1024
#        zap-21m, 21M events)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${ZAPD_CACHE:-/var/cache/zapd}
build=${BUILD:-build}
case $build in /*) ;; *) build=$(cd "$here/.." && pwd)/$build ;; esac
rounds=${1:-2560}
pages=${2:-1024}
name=${3:-zap-5m}
dest=$cache/bench/$name.dat
facts=$cache/bench/$name.facts
out=$build/vm/bench

step=inputs
die() { echo "bench-trace: step '$step' failed: $*" >&2; exit 1; }
kernel=$("$here/build-kernel.sh") || die "vm/build-kernel.sh"
initrd=$("$here/mkinitramfs.sh") || die "vm/mkinitramfs.sh"
stamp="kernel_image=$kernel initramfs=$initrd rounds=$rounds pages=$pages"
if [ "${FORCE:-0}" = 0 ] && [ -s "$dest" ] && grep -qxF "stamp=$stamp" "$facts" 2>/dev/null; then
	echo "bench-trace: up to date: $dest" >&2
	echo "$dest"
	exit 0
fi

step=record
mkdir -p "$cache/bench" || die "cannot create $cache/bench"
start=$(date +%s)
ZAPD_KERNEL=$kernel ZAPD_INITRD=$initrd "$here/run.sh" --mem 3072 --timeout 1800 --out "$out" \
	"$here/scenarios/bench.sh" "$rounds" "$pages" "$name" ||
	die "guest run (see $out/scenario.log, $out/console.log)"
secs=$(( $(date +%s) - start ))

step=verify
[ -s "$out/$name.dat" ] || die "no $name.dat from the guest"
# shellcheck disable=SC2016
counts=$(trace-cmd report -i "$out/$name.dat" 2>/dev/null | awk '
	/LOST [0-9]+ EVENTS/ { lost += $(NF - 1) }
	/ zap_present_ptes_(start|done):/ { n++ }
	END { printf "events=%d lost=%d\n", n, lost }')
events=${counts#events=}; events=${events%% *}
lost=${counts##*lost=}
[ "$lost" = 0 ] || die "$lost events lost in the ring buffer (raise -b in vm/scenarios/bench.sh)"
[ "$events" -ge 5000000 ] || die "only $events zap events recorded (want >= 5M)"

step=publish
mv "$out/$name.dat" "$dest.tmp"
mv "$dest.tmp" "$dest"
{
	grep -E '^(workload|pid|rounds|pages)=' "$out/bench.out"
	echo "events=$events"
	echo "lost=$lost"
	grep -E '^(cpus|kernel|trace_cmd)=' "$out/guest.facts"
	echo "trace_cmd_command=$(cat "$out/bench.cmd")"
	echo "bytes=$(wc -c < "$dest")"
	echo "record_seconds=$secs"
	echo "stamp=$stamp"
} > "$facts"
echo "bench-trace: $dest ($(du -h "$dest" | cut -f1), $events start+done events, ${secs} s)" >&2
echo "$dest"
