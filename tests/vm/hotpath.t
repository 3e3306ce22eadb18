#!/bin/sh
# hotpath.t - the default unmap path of the patched kernel has no zap event in it.
#
# The series generates zap_pte_range() twice (kernel-patches/6.12/0002): the
# copy inlined into unmap_page_range() must contain no zap tracepoint at all,
# only one static branch (zap_trace_key) and the call to
# zap_pte_range_traced(), which must hold the call sites of all six events.
# Reads mm/memory.o of the tree vm/build-kernel.sh built: static branch
# sites from the relocations of __jump_table (code address, key), calls and
# symbol references from objdump -dr. This keeps "events off cost the PTE
# loop nothing" true when the series changes; docs/performance.md has the
# measured cost.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"

kdir=$("$top/vm/build-kernel.sh" --dir 2>/dev/null)
obj=$kdir/src/mm/memory.o
if [ -z "$kdir" ] || [ ! -f "$obj" ]; then
	echo "Bail out! no patched kernel build (vm/build-kernel.sh --dir: '$kdir')"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NAME START SIZE (hex) of the two functions
nm -S "$obj" | awk '$4 == "unmap_page_range" || $4 == "zap_pte_range_traced" { print $4, $1, $2 }' > "$tmp/fn"
# OFFSET SYMBOL ADDEND of every __jump_table relocation
readelf -rW "$obj" | awk '
	/^Relocation section/ { p = index($0, "__jump_table") > 0; next }
	p && NF >= 7 && $1 ~ /^[0-9a-f]+$/ { print $1, $5, $7 }' > "$tmp/rel"
# one line per static branch: FUNCTION KEY (entries are 16 bytes: code, target, key)
python3 - "$tmp/fn" "$tmp/rel" > "$tmp/sites" <<'PY'
import sys
fn = {}
for line in open(sys.argv[1]):
    name, start, size = line.split()
    fn[name] = (int(start, 16), int(start, 16) + int(size, 16))
ent = {}
for line in open(sys.argv[2]):
    off, sym, add = line.split()
    off = int(off, 16)
    ent.setdefault(off // 16, {})[off % 16] = (sym, int(add, 16))
for slot, e in sorted(ent.items()):
    if 0 not in e or 8 not in e or e[0][0] != ".text":
        continue
    code, key = e[0][1], e[8][0]
    print(next((n for n, (a, b) in fn.items() if a <= code < b), "other"), key)
PY
# FUNCTION REFERENCED-SYMBOL for relocations and direct calls in the two functions
objdump -dr --no-show-raw-insn "$obj" | awk '
	/^[0-9a-f]+ <.*>:$/ { f = $2; sub(/^</, "", f); sub(/>:$/, "", f); next }
	f != "unmap_page_range" && f != "zap_pte_range_traced" { next }
	/R_X86_64_/ { s = $3; sub(/[-+]0x[0-9a-f]+$/, "", s); print f, s }
	/call +[0-9a-f]+ <[^+>]*>$/ { s = $NF; gsub(/[<>]/, "", s); print f, s }' > "$tmp/refs"

is "$(cut -d' ' -f1 "$tmp/fn" | sort | tr '\n' ' ')" "unmap_page_range zap_pte_range_traced " \
	"memory.o has unmap_page_range and zap_pte_range_traced"
is "$(awk '$1 == "unmap_page_range" && $2 ~ /^__tracepoint_zap_/' "$tmp/sites" | lines /dev/stdin)" 0 \
	"no zap tracepoint static branch in unmap_page_range"
# zap_trace_key is static: its key relocation may name .bss rather than the symbol
is "$(awk '$1 == "unmap_page_range" && $2 !~ /^__tracepoint_/' "$tmp/sites" | lines /dev/stdin)" 1 \
	"one other static branch (zap_trace_key) in unmap_page_range"
is "$(grep '^unmap_page_range ' "$tmp/refs" | grep -Ec ' (__SCT__tp_func_zap|__traceiter_zap|__tracepoint_zap|perf_trace_zap|trace_event_raw_event_zap|__zap_trace_)')" 0 \
	"unmap_page_range references no zap event code"
is "$(grep -c '^unmap_page_range zap_pte_range_traced$' "$tmp/refs")" 1 \
	"unmap_page_range calls zap_pte_range_traced once"
missing=
for ev in zap_present_ptes_start zap_present_ptes_done zap_present_folio_stage \
	  zap_pte_lock zap_pte_locked zap_pte_unlock; do
	grep -q "^zap_pte_range_traced __tracepoint_${ev}\$" "$tmp/sites" || missing="$missing $ev"
done
is "$missing" "" "zap_pte_range_traced has a static branch for each of the six events"
# start 1, done 4, stages 3 points x 2 inlined copies, lock 3
is "$(awk '$1 == "zap_pte_range_traced" && $2 ~ /^__tracepoint_zap_/' "$tmp/sites" | lines /dev/stdin)" 14 \
	"zap_pte_range_traced has the 14 zap call sites"
done_testing
