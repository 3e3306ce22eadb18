#!/bin/sh
# import-bench.sh - events/s of zapd import vs trace-cmd report.
# usage: import-bench.sh ZAPD FILE.dat
# Runs, BENCH_REPEAT times each (default 3, the median is reported):
# zapd import into a fresh database, zapd import --decode-only (same
# reader and engine, no SQLite) and trace-cmd report > /dev/null; prints
# events/s for each and the ratios against the targets (import >= 3x
# trace-cmd report, import >= 0.5x decode-only). Skips (exit 0) if
# FILE.dat is absent. BENCH_ARGS (e.g. --pair sys:a,sys:b) is passed to
# both zapd runs.
set -eu
zapd=$1 dat=$2
reps=${BENCH_REPEAT:-3}
if [ ! -r "$dat" ]; then
	echo "bench-import: $dat not found: skipped (make the VM bench trace" \
	     "or pass BENCH_DAT=file.dat)"
	exit 0
fi
tmp=$(mktemp -d /tmp/zapd-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# median FILE - the median of the numbers in FILE, one per line
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

i=0
while [ $i -lt "$reps" ]; do
	rm -f "$tmp"/bench.db*
	t0=$(now)
	"$zapd" import "$dat" --db "$tmp/bench.db" ${BENCH_ARGS:-} \
		> "$tmp/out" 2>&1 || true
	t1=$(now)
	"$zapd" import "$dat" --decode-only ${BENCH_ARGS:-} > /dev/null 2>&1 ||
		true
	t2=$(now)
	trace-cmd report -i "$dat" > /dev/null 2>&1 || true
	t3=$(now)
	echo "$t1 - $t0" | bc -l >> "$tmp/imp"
	echo "$t2 - $t1" | bc -l >> "$tmp/dec"
	echo "$t3 - $t2" | bc -l >> "$tmp/rep"
	i=$((i + 1))
done

events=$(sqlite3 "$tmp/bench.db" 'SELECT events FROM runs' 2>/dev/null ||
	 echo 0)
[ -n "$events" ] && [ "$events" -gt 0 ] || {
	echo "bench-import: import failed:"; cat "$tmp/out"; exit 1; }
imp=$(median "$tmp/imp") dec=$(median "$tmp/dec") rep=$(median "$tmp/rep")
rate() { printf '%.0f' "$(echo "$events / $1" | bc -l)"; }
printf 'file: %s (%s events, %s bytes), median of %s runs\n' "$dat" \
       "$events" "$(stat -c %s "$dat")" "$reps"
printf '%-28s %8.2f s %12s events/s\n' \
       "zapd import (fresh db)" "$imp" "$(rate "$imp")" \
       "zapd import --decode-only" "$dec" "$(rate "$dec")" \
       "trace-cmd report >/dev/null" "$rep" "$(rate "$rep")"
r1=$(echo "$rep / $imp" | bc -l) r2=$(echo "$dec / $imp" | bc -l)
met() { [ "$(echo "$1" | bc)" = 1 ] && echo met || echo MISSED; }
printf 'import/report %.2fx (target >= 3: %s), ' "$r1" "$(met "$r1 >= 3")"
printf 'import/decode-only %.2f (target >= 0.5: %s)\n' "$r2" \
       "$(met "$r2 >= 0.5")"
printf 'database: %s bytes; all runs (s): import %s, decode-only %s, ' \
       "$(stat -c %s "$tmp/bench.db")" "$(printf '%.2f ' $(cat "$tmp/imp"))" \
       "$(printf '%.2f ' $(cat "$tmp/dec"))"
printf 'report %s\n' "$(printf '%.2f ' $(cat "$tmp/rep"))"
