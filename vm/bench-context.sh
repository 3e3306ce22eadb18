#!/bin/sh
# vm/bench-context.sh - zapd live --why --context-ms: its memory over a long
# storm of the events it holds (vm/scenarios/context-storm.sh) in the
# patched guest. Prints zapd's RSS sampled every 10 s (first, max, last,
# and the last minute's growth), its peak (VmHWM), and what the windows
# held and stored. usage: vm/bench-context.sh [MINUTES [ZAPD_ARGS...]]
#   BENCH_CONTEXT_OUT=DIR  results directory (default build/vm/bench-context)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$(cd "$here/.." && pwd)/$build ;; esac
out=${BENCH_CONTEXT_OUT:-$build/vm/bench-context}
min=${1:-10}
shift 2>/dev/null || true
"$here/run.sh" --out "$out" --mem 2048 --timeout $((min * 60 + 900)) \
	"$here/scenarios/context-storm.sh" "$min" "$@" > /dev/null ||
	{ echo "bench-context: guest run failed (see $out/scenario.log)" >&2; exit 1; }
st() { sqlite3 "$out/ctx.db" "SELECT value FROM run_stats WHERE name = '$1'"; }
echo "bench-context: zapd live --why --context-ms 10 --context-min-us 500 $*, $min min, QEMU TCG guest"
awk '{ kb = $2 + 0; if (NR == 1) first = kb; if (kb > max) max = kb; last = kb; t[NR] = $1; v[NR] = kb }
	END {
		for (i = 1; i <= NR && t[i] < t[NR] - 60; i++) ;
		printf "  RSS kB: first %d, max %d, last %d; last minute %+d (%d samples)\n",
			first, max, last, last - v[i], NR
	}' "$out/rss.txt"
echo "  $(tr '\n' ' ' < "$out/zapd.status")"
echo "  held $(st context_held), stored $(st context_stored) in $(st context_windows) windows," \
	"truncated $(st context_truncated), overwritten $(st context_overwritten)"
echo "  intervals $(sqlite3 "$out/ctx.db" "SELECT count(*) FROM interval_rows"), lost $(sqlite3 "$out/ctx.db" "SELECT coalesce(sum(count), 0) FROM lost")"
