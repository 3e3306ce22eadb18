#!/bin/bash
# vm/run.sh - boot the guest kernel under QEMU (TCG) and run one scenario.
#
# usage: vm/run.sh [--unpatched] [--out DIR] [--timeout SEC] [--mem MB]
#                  SCENARIO [ARGS...]
#
# SCENARIO is a shell script run by the guest's /init (busybox sh) as
# `sh scenario.sh ARGS` with cwd /results, a virtio-9p share of the host
# directory DIR (default build/vm/NAME, emptied first).  Everything the
# scenario writes there (trace.dat files, logs, facts) is on the host when
# this returns.  The name of a script in vm/scenarios/ works too.
#
# The guest's console goes to DIR/console.log, the scenario's output to
# DIR/scenario.log, facts about the guest to DIR/guest.facts.
# Exit status: the scenario's (DIR/verdict); 124 on timeout; 125 when the
# guest died before writing a verdict.
#
# Environment: ZAPD_KERNEL / ZAPD_INITRD override the bzImage / initramfs
# (default: vm/build-kernel.sh and vm/mkinitramfs.sh, cached), QEMU_EXTRA
# adds QEMU arguments, ZAPD_APPEND kernel command line words, ZAPD_SMP the
# CPU count (2), ZAPD_ACCEL the -accel value (tcg,thread=single: with
# multi-threaded TCG a vCPU can run a stale translation of kernel text that
# another vCPU is live-patching - static keys, tracepoints - and the guest
# dies with "Oops: int3" in __schedule; see docs/vm.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac

variant=
out=
timeout=300
mem=1024
step=args
die() { echo "vm/run.sh: step '$step' failed: $*" >&2; exit "${2:-1}"; }

while [ $# -gt 0 ]; do
	case $1 in
	--unpatched) variant=--unpatched; shift ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || die "usage: vm/run.sh [--unpatched] [--out DIR] [--timeout SEC] [--mem MB] SCENARIO [ARGS...]"
scenario=$1; shift
if [ ! -f "$scenario" ] && [ -f "$here/scenarios/$scenario.sh" ]; then
	scenario=$here/scenarios/$scenario.sh
fi
[ -f "$scenario" ] || die "no scenario '$scenario' (a file, or a name in vm/scenarios/)"
name=$(basename "$scenario" .sh)
[ -n "$out" ] || out=$build/vm/$name

step=prerequisites
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (run scripts/install-deps)"

step=kernel
if [ -z "${ZAPD_KERNEL:-}" ]; then
	ZAPD_KERNEL=$("$here/build-kernel.sh" $variant) || die "vm/build-kernel.sh $variant (see above)"
fi
[ -r "$ZAPD_KERNEL" ] || die "no kernel image at $ZAPD_KERNEL"

step=initramfs
if [ -z "${ZAPD_INITRD:-}" ]; then
	ZAPD_INITRD=$("$here/mkinitramfs.sh") || die "vm/mkinitramfs.sh (see above)"
fi
[ -r "$ZAPD_INITRD" ] || die "no initramfs at $ZAPD_INITRD"

step=results-dir
# One guest per results directory: a second run with the same --out (another
# `make check` in the same tree) waits instead of deleting this one's files.
mkdir -p "$(dirname "$out")" || die "cannot create $(dirname "$out")"
exec 8>"$out.lock"
if ! flock -n 8; then
	echo "vm/run.sh: waiting for another guest using $out" >&2
	flock 8
fi
rm -rf "$out"
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
cp "$scenario" "$out/scenario.sh"
echo "$name" > "$out/scenario.name"
printf '%s\n' "$*" > "$out/args"
{
	echo "kernel_image=$ZAPD_KERNEL"
	echo "initramfs=$ZAPD_INITRD"
	echo "scenario=$name"
	echo "args=$*"
} > "$out/host.facts"

step=boot
console=$out/console.log
start=$(date +%s.%N)
set +e
# shellcheck disable=SC2086
timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
	-accel "${ZAPD_ACCEL:-tcg,thread=single}" -cpu max -smp "${ZAPD_SMP:-2}" -m "$mem" \
	-nographic -no-reboot -monitor none -nic none \
	-kernel "$ZAPD_KERNEL" -initrd "$ZAPD_INITRD" \
	-append "console=ttyS0 panic=-1 loglevel=4 transparent_hugepage=madvise ${ZAPD_APPEND:-}" \
	-fsdev local,id=results,path="$out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=results,mount_tag=results \
	${QEMU_EXTRA:-} < /dev/null > "$console" 2>&1
qrc=$?
set -e
secs=$(echo "$(date +%s.%N) - $start" | bc)
printf 'guest_seconds=%.1f\n' "$secs" >> "$out/host.facts"

step=verdict
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	tail -n 30 "$console" >&2
	die "guest timed out after $timeout s (console: $console)" 124
fi
if [ ! -s "$out/verdict" ]; then
	tail -n 30 "$console" >&2
	step=$(sed -n 's/^ZAPD-VERDICT: init-failed:\(.*\)/guest init: \1/p' "$console" | head -n 1)
	[ -n "$step" ] || step="guest boot (qemu exit $qrc)"
	die "no verdict from the guest (console: $console)" 125
fi
rc=$(cat "$out/verdict")
if [ "$rc" != 0 ]; then
	tail -n 20 "$out/scenario.log" >&2
	echo "vm/run.sh: scenario $name failed in the guest with status $rc (log: $out/scenario.log)" >&2
	exit "$rc"
fi
printf 'vm/run.sh: %s passed in the guest (%.1f s), results in %s\n' "$name" "$secs" "$out" >&2
