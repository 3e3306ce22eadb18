#!/bin/sh
# vm/bench-live.sh - zapd live's cost in the patched guest: a 1-thread munmap
# storm traced by `zapd live --buffer-kb 4096` (start/done, or with the
# options given: e.g. --why). Prints lost events (target 0) and zapd's CPU
# time relative to the storm's (target <= 0.5).
# usage: vm/bench-live.sh [ROUNDS [PAGES [ZAPD_ARGS...]]]
#   BENCH_LIVE_OUT=DIR  results directory (default build/vm/bench-live)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$(cd "$here/.." && pwd)/$build ;; esac
out=${BENCH_LIVE_OUT:-$build/vm/bench-live}
rounds=${1:-400}
pages=${2:-1024}
shift 2 2>/dev/null || shift $#
"$here/run.sh" --out "$out" --timeout 1200 "$here/scenarios/live-bench.sh" "$rounds" "$pages" "$@" > /dev/null ||
	{ echo "bench-live: guest run failed (see $out/scenario.log)" >&2; exit 1; }
cpu() { awk '$1 == "user" || $1 == "sys" { s += $2 } END { printf "%.2f", s }' "$1"; }
zcpu=$(cpu "$out/zapd.time")
scpu=$(cpu "$out/storm.time")
db=$out/bench.db
ivs=$(sqlite3 "$db" "SELECT count(*) FROM intervals WHERE kind = 'zap' AND finished")
lost=$(sqlite3 "$db" "SELECT coalesce(sum(count), 0) || ' (' || count(*) || ' rows, ' ||
	sum(count IS NULL) || ' unknown)' FROM lost")
echo "bench-live: munmap-storm $rounds x $pages pages, zapd live --buffer-kb 4096 ${*:-(start/done)}, QEMU TCG guest"
echo "  storm CPU (user+sys)   $scpu s"
echo "  zapd CPU (user+sys)    $zcpu s"
echo "  zapd / storm           $(echo "scale=3; $zcpu / $scpu" | bc)"
echo "  finished intervals     $ivs (storm zaps $((rounds * pages)) + its exit)"
echo "  lost events            $lost"
