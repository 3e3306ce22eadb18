#!/bin/sh
# import-bench.sh - zapd import against libtracecmd's own read speed and
# trace-cmd report, on traces of two sizes, compressed and not.
# usage: import-bench.sh ZAPD READLIMIT FILE.dat...
#
# Each FILE.dat (trace-cmd's default: version 7, compressed) is also read
# as FILE-none.dat, its uncompressed copy (trace-cmd convert --compression
# none, made once beside it). Per file, BENCH_REPEAT times (default 3, the
# median is reported): zapd import into a fresh database, zapd import
# --decode-only (reader process, decoding, pairing; no SQLite), READLIMIT
# (libtracecmd iterating every record and reading one field: the ceiling,
# daemon/bench/readlimit.c) and trace-cmd report > /dev/null; then one
# more zapd import sampled by peakmem.py for the peak anonymous memory of
# the import process and of its reader process. Prints a table and the
# targets: import >= 5x trace-cmd report on the first (5M) compressed
# trace, import >= 0.3x the read limit on its uncompressed copy, per-event
# import time of the last (21M) trace within 1.2x of the first's for each
# form, peak anonymous memory <= 150 MB. BENCH_ARGS is passed to zapd
# import; BENCH_SKIP_REPORT=1 leaves out trace-cmd report (minutes on a
# large compressed trace: libtracecmd 3.1.6's quadratic read, unzip.h).
set -eu
zapd=$1 rl=$2
shift 2
reps=${BENCH_REPEAT:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/zapd-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# median FILE - the median of the numbers in FILE, one per line
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# timed OUT CMD... - append CMD's wall seconds to OUT
timed() {
	_o=$1
	shift
	_t0=$(now)
	"$@" > /dev/null 2>&1 || true
	echo "$(now) - $_t0" | bc -l >> "$_o"
}
fmt() { printf '%.2f' "$1"; }
rate() { printf '%.2fM' "$(echo "$1 / $2 / 1000000" | bc -l)"; }

files=
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "bench-import: $f not found: skipped (make bench-trace," \
		     "make bench-trace-21m)"
		continue
	fi
	none=${f%.dat}-none.dat
	[ -s "$none" ] && [ "$none" -nt "$f" ] ||
		trace-cmd convert --compression none -i "$f" -o "$none" \
			> /dev/null 2>&1
	files="$files $f $none"
done
[ -n "$files" ] || exit 0

printf 'machine: %s, %s CPUs, %s; zapd %s\n' "$(uname -r)" "$(nproc)" \
       "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
       "$("$zapd" --version | cut -d' ' -f2)"
printf '%-22s %10s %9s | %-15s %-15s %-15s %-15s | %-9s %-9s %s\n' trace events \
       MB import decode-only "read limit" "trace-cmd rep." imp/rep imp/limit \
       "peak anon MB (import, reader)"
i=0
for f in $files; do
	i=$((i + 1))
	for k in imp dec rl rep; do : > "$tmp/$i.$k"; done
	r=0
	while [ $r -lt "$reps" ]; do
		rm -f "$tmp"/b.db*
		timed "$tmp/$i.imp" "$zapd" import -q "$f" --db "$tmp/b.db" \
			${BENCH_ARGS:-}
		timed "$tmp/$i.dec" "$zapd" import -q "$f" --decode-only \
			${BENCH_ARGS:-}
		timed "$tmp/$i.rl" "$rl" "$f"
		[ "${BENCH_SKIP_REPORT:-0}" = 1 ] ||
			timed "$tmp/$i.rep" trace-cmd report -i "$f"
		r=$((r + 1))
	done
	ev=$(sqlite3 "$tmp/b.db" 'SELECT events FROM runs' 2>/dev/null || echo 0)
	[ "${ev:-0}" -gt 0 ] || { echo "bench-import: import of $f failed"; exit 1; }
	rm -f "$tmp"/b.db*
	mem=$(python3 -B "$here/peakmem.py" "$zapd" import -q "$f" \
	      --db "$tmp/b.db" ${BENCH_ARGS:-})
	pa=$(echo "$mem" | sed 's/.*parent_anon_kb=\([0-9]*\).*/\1/')
	ca=$(echo "$mem" | sed 's/.*child_anon_kb=\([0-9]*\).*/\1/')
	imp=$(median "$tmp/$i.imp") dec=$(median "$tmp/$i.dec")
	lim=$(median "$tmp/$i.rl")
	rep=$([ -s "$tmp/$i.rep" ] && median "$tmp/$i.rep" || echo 0)
	echo "$f $ev $imp $dec $lim $rep $pa $ca" >> "$tmp/rows"
	printf '%-22s %10s %9s | %5s s %7s/s %5s s %7s/s %5s s %7s/s %5s s %7s/s | %7.2fx %7.2fx %s, %s\n' \
	       "$(basename "$f")" "$ev" "$(( $(stat -c %s "$f") / 1048576 ))" \
	       "$(fmt "$imp")" "$(rate "$ev" "$imp")" \
	       "$(fmt "$dec")" "$(rate "$ev" "$dec")" \
	       "$(fmt "$lim")" "$(rate "$ev" "$lim")" \
	       "$(fmt "$rep")" "$([ "$rep" = 0 ] && echo - || rate "$ev" "$rep")" \
	       "$(echo "$rep / $imp" | bc -l)" "$(echo "$lim / $imp" | bc -l)" \
	       "$((pa / 1024))" "$((ca / 1024))"
done
# the targets (rows: compressed, uncompressed of each FILE, in order)
met() { [ "$(echo "$1" | bc)" = 1 ] && echo met || echo MISSED; }
row() { sed -n "${1}p" "$tmp/rows"; }
col() { row "$1" | cut -d' ' -f"$2"; }
n=$(wc -l < "$tmp/rows")
r1=$(echo "$(col 1 6) / $(col 1 3)" | bc -l)
r2=$(echo "$(col 2 5) / $(col 2 3)" | bc -l)
printf 'import / trace-cmd report, 1st compressed: %.2fx (target >= 5: %s)\n' \
       "$r1" "$(met "$r1 >= 5")"
printf 'import / read limit, 1st uncompressed: %.2f (target >= 0.3: %s)\n' \
       "$r2" "$(met "$r2 >= 0.3")"
if [ "$n" -ge 4 ]; then
	for k in 1 2; do
		a=$(echo "$(col $k 3) / $(col $k 2)" | bc -l)
		b=$(echo "$(col $((n - 2 + k)) 3) / $(col $((n - 2 + k)) 2)" | bc -l)
		q=$(echo "$b / $a" | bc -l)
		printf 'per-event import time, last / 1st, %s: %.3f (target <= 1.2: %s)\n' \
		       "$([ $k = 1 ] && echo compressed || echo uncompressed)" \
		       "$q" "$(met "$q <= 1.2")"
	done
fi
peak=$(awk '{ m = $7 > m ? $7 : m; m = $8 > m ? $8 : m } END { print m }' "$tmp/rows")
printf 'peak anonymous memory of either process: %d MB (target <= 150: %s)\n' \
       "$((peak / 1024))" "$(met "$peak <= 153600")"
