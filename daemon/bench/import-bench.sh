#!/bin/sh
# import-bench.sh - events/s of zapd import vs trace-cmd report.
# usage: import-bench.sh ZAPD FILE.dat
# Runs: zapd import into a fresh database, zapd import --decode-only (same
# reader and engine, no SQLite) and trace-cmd report > /dev/null; prints
# events/s for each and the ratios. Skips (exit 0) if FILE.dat is absent.
# BENCH_ARGS (e.g. --pair sys:a,sys:b) is passed to both zapd runs.
set -eu
zapd=$1 dat=$2
if [ ! -r "$dat" ]; then
	echo "bench-import: $dat not found: skipped (make the VM bench trace" \
	     "or pass BENCH_DAT=file.dat)"
	exit 0
fi
tmp=$(mktemp -d /tmp/zapd-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

t0=$(now)
"$zapd" import "$dat" --db "$tmp/bench.db" ${BENCH_ARGS:-} > "$tmp/out" 2>&1 || true
t1=$(now)
"$zapd" import "$dat" --decode-only ${BENCH_ARGS:-} > /dev/null 2>&1 || true
t2=$(now)
trace-cmd report -i "$dat" > /dev/null 2>&1 || true
t3=$(now)

events=$(sqlite3 "$tmp/bench.db" 'SELECT events FROM runs' 2>/dev/null ||
	 echo 0)
[ -n "$events" ] && [ "$events" -gt 0 ] || {
	echo "bench-import: import failed:"; cat "$tmp/out"; exit 1; }
imp=$(secs "$t0" "$t1") dec=$(secs "$t1" "$t2") rep=$(secs "$t2" "$t3")
rate() { printf '%.0f' "$(echo "$events / $1" | bc -l)"; }
printf 'file: %s (%s events, %s bytes)\n' "$dat" "$events" \
       "$(stat -c %s "$dat")"
printf '%-28s %8.2f s %12s events/s\n' \
       "zapd import (fresh db)" "$imp" "$(rate "$imp")" \
       "zapd import --decode-only" "$dec" "$(rate "$dec")" \
       "trace-cmd report >/dev/null" "$rep" "$(rate "$rep")"
printf 'ratios: import/report %.2fx faster, decode-only/report %.2fx, ' \
       "$(echo "$rep / $imp" | bc -l)" "$(echo "$rep / $dec" | bc -l)"
printf 'SQLite share of import %.0f%%\n' \
       "$(echo "100 * ($imp - $dec) / $imp" | bc -l)"
printf 'database: %s bytes\n' "$(stat -c %s "$tmp/bench.db")"
