#!/bin/bash
# vm/bench-kernel.sh - kernel cost of the zap tracepoints, unpatched vs patched.
#
# usage: vm/bench-kernel.sh [--mb MB] [--reps N] [--pairs P] [--no-events]
#                           [--wall] [--jobs J] [--out DIR]
#
#   1. builds (or finds in the cache) the unpatched and the patched kernel with
#      vm/build-kernel.sh [--unpatched] (same source, same vm/config.fragment)
#   2. size: scripts/bloat-o-meter on mm/memory.o and on vmlinux,
#      unmap_page_range's size, __jump_table entries (section size / 16),
#      the disassembly of unmap_page_range of both kernels, and what
#      unmap_page_range calls that the unpatched one does not
#   3. boots unpatched and patched (events off) as P pairs, running
#      workloads/munmap-bench.c in the guest: MB MiB (default 1024) of 4K
#      pages and of 64K mTHP folios, N timed munmap()s each; then the patched
#      kernel with start/done, +stages, +lock events on, and +the stacktrace
#      trigger on zap_pte_lock (why: what names callers, docs/events.md)
#   4. writes DIR/summary.txt (default build/bench-kernel): per-boot medians,
#      ratio of medians after each pair, cost per PTE, events per second
#
# Clock: by default QEMU runs with -icount shift=0,sleep=off, so the guest's
# clock advances exactly 1 ns per guest instruction executed. munmap-bench's
# "ns" are then guest instructions: deterministic up to what the guest itself
# does differently between boots, and independent of host load, so the two
# boots of a pair run at the same time (J=2). --wall runs plain TCG (real
# time, the old method: +-20% between boots, host load shows) one boot at a
# time (J=1).
#
# Environment: BENCH_UNPATCHED_DIR / BENCH_PATCHED_DIR skip the builds.
# Guest memory is 2 GiB (vm/run.sh --mem 2048) so the 1 GiB region fits.
# Workarounds (the VM scripts are not this script's to change):
#   - workloads/Makefile does not list munmap-bench: it is compiled here into
#     $BUILD/bench-kernel/workloads, the BUILD directory vm/mkinitramfs.sh is
#     pointed at, so the guest has it at /opt/zapd/bin/munmap-bench
#   - vm/build-kernel.sh is run from a snapshot copy (same content, so the
#     same cache key) so an edit of the script while a 4-minute build runs
#     cannot break the build half way (bash reads scripts as it goes)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
mb=1024 reps=11 pairs=3 events=1 out=$build/bench-kernel clock=icount jobs=
while [ $# -gt 0 ]; do
	case $1 in
	--mb) mb=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--pairs) pairs=$2; shift 2 ;;
	--no-events) events=0; shift ;;
	--wall) clock=wall; shift ;;
	--jobs) jobs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '2,36p' "$0"; exit 0 ;;
	*) echo "bench-kernel: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$jobs" ] || { [ $clock = icount ] && jobs=2 || jobs=1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "bench-kernel: $*" >&2; }

# --- 1. kernels -------------------------------------------------------------
snap=$(mktemp -d "${TMPDIR:-/tmp}/bench-kernel.XXXXXX")
trap 'rm -rf "$snap"' EXIT
mkdir -p "$snap/vm"
cp "$here/build-kernel.sh" "$here/config.fragment" "$snap/vm/"
ln -s "$top/kernel-patches" "$snap/kernel-patches"
# BENCH_UNPATCHED_DIR / BENCH_PATCHED_DIR: use these cache directories
# (vm/build-kernel.sh --dir output) instead, e.g. to add boots to an earlier
# run after vm/build-kernel.sh itself changed (its hash is part of the key).
udir=${BENCH_UNPATCHED_DIR:-$("$snap/vm/build-kernel.sh" --unpatched --dir)}
pdir=${BENCH_PATCHED_DIR:-$("$snap/vm/build-kernel.sh" --dir)}
log "unpatched: $udir"
log "patched:   $pdir"
{
	echo "unpatched=$udir"
	echo "patched=$pdir"
	echo "fragment_sha256=$(sha256sum < "$here/config.fragment" | cut -c1-64)"
	echo "host=$(uname -srm) cpus=$(nproc) $(qemu-system-x86_64 --version | head -n 1)"
	echo "gcc=$(gcc --version | head -n 1)"
	echo "clock=$clock jobs=$jobs mb=$mb reps=$reps pairs=$pairs"
} > "$out/kernels.txt"

# --- 2. size ----------------------------------------------------------------
U=$udir/src P=$pdir/src
"$P/scripts/bloat-o-meter" "$U/mm/memory.o" "$P/mm/memory.o" > "$out/bloat-o-meter.txt"
"$P/scripts/bloat-o-meter" "$U/vmlinux" "$P/vmlinux" > "$out/bloat-o-meter.vmlinux.txt"
{
	for v in unpatched patched; do
		t=$U; [ $v = patched ] && t=$P
		sz=$(( 16#$(nm -S "$t/mm/memory.o" | awk '$4 == "unmap_page_range" { print $2 }') ))
		jt=$(( 16#$(readelf -SW "$t/mm/memory.o" | sed -n 's/^ *\[ *[0-9]*\] __jump_table *[A-Z]* *[0-9a-f]* [0-9a-f]* \([0-9a-f]*\) .*/\1/p') / 16 ))
		jv=$(awk '$3 == "__start___jump_table" { a = $1 } $3 == "__stop___jump_table" { b = $1 } END { print a, b }' "$t/System.map")
		jv=$(( (16#${jv#* } - 16#${jv% *}) / 16 ))
		echo "$v unmap_page_range=$sz memory.o_jump_table_entries=$jt vmlinux_jump_table_entries=$jv"
		objdump -d --no-show-raw-insn "$t/mm/memory.o" |
			awk '/^[0-9a-f]+ <unmap_page_range>:/ { p = 1 } p && /^$/ { exit } p' > "$out/unmap_page_range.$v.s"
	done
	echo "mm/memory.o: $(head -n 1 "$out/bloat-o-meter.txt")"
	grep -w unmap_page_range "$out/bloat-o-meter.txt" || true
	echo "vmlinux: $(head -n 1 "$out/bloat-o-meter.vmlinux.txt")"
	# functions other than the zap tracing ones that changed size anywhere
	awk 'NR > 2 && tolower($1) !~ /zap|^$|^total/ && $1 !~ /^(__probestub|__traceiter|perf_trace|trace_event_raw_event|trace_raw_output)_/' \
		"$out/bloat-o-meter.vmlinux.txt" | sed 's/^/vmlinux other: /'
	# direct calls in unmap_page_range: what the patched one calls that the unpatched does not
	for v in unpatched patched; do
		grep -o 'call .*<[^>+]*>' "$out/unmap_page_range.$v.s" | sed 's/.*<//; s/>//' | sort -u > "$out/calls.$v"
	done
	echo "unmap_page_range calls added: $(comm -13 "$out/calls.unpatched" "$out/calls.patched" | tr '\n' ' ')"
	echo "unmap_page_range calls removed: $(comm -23 "$out/calls.unpatched" "$out/calls.patched" | tr '\n' ' ')"
} > "$out/size.txt"
cat "$out/size.txt" >&2

# --- 3. guest runs ----------------------------------------------------------
wl=$build/bench-kernel/workloads
mkdir -p "$wl"
${CC:-cc} -O2 -g -std=gnu11 -Wall -Wextra -static -o "$wl/munmap-bench" "$top/workloads/munmap-bench.c"
initrd=$(BUILD=$build/bench-kernel "$here/mkinitramfs.sh")
scen=$here/scenarios/munmap-bench.sh
qextra=
[ $clock = icount ] && qextra="-icount shift=0,sleep=off"
boot() { # NAME KERNEL EVENTS
	log "boot $1 (events $3, $clock)"
	QEMU_EXTRA="$qextra ${QEMU_EXTRA:-}" ZAPD_KERNEL=$2 ZAPD_INITRD=$initrd \
		"$here/run.sh" --mem 2048 --timeout 1800 \
		--out "$out/runs/$1" "$scen" "$3" "$mb" "$reps" </dev/null >/dev/null
}
# Run the queued boots ("NAME KERNEL EVENTS" lines on stdin), J at a time.
boots() {
	fail=0 running=0
	while read -r name kern ev; do
		boot "$name" "$kern" "$ev" & running=$((running + 1))
		if [ $running -ge "$jobs" ]; then
			wait -n || fail=1
			running=$((running - 1))
		fi
	done
	while [ $running -gt 0 ]; do
		wait -n || fail=1
		running=$((running - 1))
	done
	return $fail
}
rm -rf "$out/runs"
{
	for i in $(seq 1 "$pairs"); do
		echo "A$i-unpatched $udir/bzImage off"
		echo "B$i-patched-off $pdir/bzImage off"
	done
	if [ "$events" = 1 ]; then
		for ev in startdone stages lock why; do
			echo "E-patched-$ev $pdir/bzImage $ev"
		done
	fi
} | boots

# --- 4. summary -------------------------------------------------------------
python3 - "$out" "$mb" "$reps" "$pairs" "$clock" > "$out/summary.txt" <<'PY'
import glob, os, statistics, sys
out, mb, reps, pairs, clock = sys.argv[1:]
unit = "insn" if clock == "icount" else "ns"
def kv(path):
    d, samples = {}, []
    for line in open(path):
        k, _, v = line.strip().partition("=")
        if k == "sample":
            samples.append(int(v.split("ns=")[1]))
        else:
            d[k] = v
    return d, samples
runs = sorted(glob.glob(os.path.join(out, "runs", "*")))
print(f"region={mb} MiB reps={reps} per boot, pairs={pairs}, clock={clock}"
      + (" (guest ns = guest instructions: -icount shift=0)" if clock == "icount" else ""))
res = {}
for r in runs:
    name = os.path.basename(r)
    for f in sorted(glob.glob(os.path.join(r, "munmap-bench-*.out"))):
        d, s = kv(f)
        mode = d["mode"]
        res.setdefault((name.split("-", 1)[1], mode), []).append((name, d, s))
        extra = ""
        if "events_per_sec" in d:
            rate = "events_per_sec" if clock == "wall" else "events_per_1e9_insn"
            extra = f" events={d['events_emitted']} {rate}={d['events_per_sec']}"
        print(f"{name:24s} {mode:8s} median_ns={d['median_ns']:>10s} min={d['min_ns']:>10s} max={d['max_ns']:>10s} "
              f"{unit}/pte median={d['ns_per_pte_median']} min={d['ns_per_pte_min']} max={d['ns_per_pte_max']}{extra}")
print()
for mode in ("4k", "mthp64k"):
    a = res.get(("unpatched", mode), []); b = res.get(("patched-off", mode), [])
    if not a or not b:
        continue
    ptes = int(a[0][1]["ptes"])
    am = [float(x[1]["median_ns"]) for x in a]; bm = [float(x[1]["median_ns"]) for x in b]
    asamp = [v for x in a for v in x[2]]; bsamp = [v for x in b for v in x[2]]
    ratios = [y / x for x, y in zip(am, bm)]
    print(f"{mode}: median of per-boot medians unpatched={statistics.median(am)/ptes:.1f} {unit}/pte "
          f"patched-off={statistics.median(bm)/ptes:.1f} {unit}/pte ratio={statistics.median(bm)/statistics.median(am):.4f}")
    print(f"{mode}: pooled samples ({len(asamp)}+{len(bsamp)}) median ratio={statistics.median(bsamp)/statistics.median(asamp):.4f}; "
          f"per-pair ratios {' '.join(f'{r:.3f}' for r in ratios)} (min {min(ratios):.3f} max {max(ratios):.3f})")
    print(f"{mode}: per-boot medians unpatched {' '.join(f'{v/ptes:.1f}' for v in am)} {unit}/pte; "
          f"patched-off {' '.join(f'{v/ptes:.1f}' for v in bm)} {unit}/pte")
    # how many pairs it takes for the ratio to settle: ratio of medians over the first k pairs
    cum = [statistics.median(bm[:k]) / statistics.median(am[:k]) for k in range(1, len(am) + 1)]
    print(f"{mode}: ratio of medians after 1..{len(am)} pairs: {' '.join(f'{r:.4f}' for r in cum)}")
    if len(am) > 1:
        print(f"{mode}: boot-to-boot spread of per-boot medians: unpatched {100*(max(am)-min(am))/statistics.median(am):.2f}%, "
              f"patched-off {100*(max(bm)-min(bm))/statistics.median(bm):.2f}%")
ev = sorted((k, v) for k, v in res.items() if k[0].startswith("patched-") and k[0] != "patched-off")
for (name, mode), runs_ in ev:
    a = res.get(("unpatched", mode), [])
    base = statistics.median([float(x[1]["median_ns"]) for x in a]) if a else None
    for _, d, s in runs_:
        ptes = int(d["ptes"]); med = float(d["median_ns"])
        n = int(d.get("events_emitted", 0)); tot = float(d["munmap_total_ns"])
        line = f"{name:18s} {mode:8s} {med/ptes:8.1f} {unit}/pte"
        if base:
            line += f" (x{med/base:.2f} unpatched)"
        if n:
            per = n / int(d["reps"]) / ptes
            line += f", {per:.2f} events/pte, {(med - base)/ptes/per if base else 0:.0f} {unit}/event over unpatched"
            if clock == "wall":
                line += f", {n/(tot/1e9)/1e6:.2f} M events/s"
        print(line)
PY
cat "$out/summary.txt"
