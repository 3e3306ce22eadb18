#!/bin/sh
# vm/bench-live.sh - zapd live's cost in the patched guest: a 1-thread
# munmap storm traced by `zapd live --buffer-kb 4096` (start/done, plus
# any zapd options given, e.g. --why), in zapd's default mode (rows only
# for intervals >= --slower-than) and with --all (a row each), one boot.
# Prints per mode: lost events (target 0), zapd's CPU during the storm (the
# process minus its set-up) against the storm's (target <= 0.3 in the
# default mode), per event, and the rows.
# usage: vm/bench-live.sh [--icount] [ROUNDS [PAGES [MODE|--ZAPD-OPTION...]]]
# (MODE: default, all, or a --slower-than duration; words starting with
# "--" go to every zapd live, e.g. --why). --icount: QEMU counts guest
# instructions (-icount shift=0), so CPU times are instruction counts
# (1 s = 1e9 instructions), independent of the host's load.
#   BENCH_LIVE_OUT=DIR  results directory (default build/vm/bench-live)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$(cd "$here/.." && pwd)/$build ;; esac
out=${BENCH_LIVE_OUT:-$build/vm/bench-live}
clock="QEMU TCG guest"
if [ "${1:-}" = --icount ]; then
	export QEMU_EXTRA="${QEMU_EXTRA:-} -icount shift=0,sleep=off"
	clock="QEMU TCG guest, -icount: 1 s = 1e9 guest instructions"
	shift
fi
rounds=${1:-400}
pages=${2:-1024}
[ $# -ge 2 ] && shift 2 || shift $#
modes= zargs=
for a in "$@"; do
	case $a in --*) zargs="$zargs $a" ;; *) modes="$modes $a" ;; esac
done
[ -n "$modes" ] || modes="default all"
# shellcheck disable=SC2086
set -- $modes
"$here/run.sh" --out "$out" --timeout 1800 "$here/scenarios/live-bench.sh" "$rounds" "$pages" "$@" $zargs > /dev/null ||
	{ echo "bench-live: guest run failed (see $out/scenario.log)" >&2; exit 1; }
cpu() { awk '$1 == "user" || $1 == "sys" { s += $2 } END { printf "%.2f", s }' "$1"; }
echo "bench-live: munmap-storm $rounds x $pages pages ($((rounds * pages)) zaps), zapd live --buffer-kb 4096 ${zargs:-(start/done)}, $clock"
printf '  %-9s %9s %9s %11s %9s %8s %10s %12s %9s %s\n' mode storm_s zapd_s "(user+sys)" setup_s zapd/st us/event events rows lost
for mode in "$@"; do
	db=$out/$mode.db
	total=$(cpu "$out/$mode.zapd.time")
	setup=$(awk '{ printf "%.2f", ($1 + $2) / 100 }' "$out/$mode.zapd.cpu0")
	scpu=$(cpu "$out/$mode.storm.time")
	zcpu=$(echo "$total - $setup" | bc)
	split=$(awk 'NR == FNR { u = $1; s = $2; next }
		     { printf "%.2f+%.2f", ($1 - u) / 100, ($2 - s) / 100 }' \
		"$out/$mode.zapd.cpu0" "$out/$mode.zapd.cpu1")
	ev=$(sqlite3 "$db" "SELECT events FROM runs")
	rows=$(sqlite3 "$db" "SELECT count(*) FROM interval_rows")
	lost=$(sqlite3 "$db" "SELECT coalesce(sum(count), 0) || '/' || count(*) FROM lost")
	printf '  %-9s %9s %9s %11s %9s %8s %10s %12s %9s %s\n' "$mode" "$scpu" "$zcpu" "$split" "$setup" \
		"$(echo "scale=3; $zcpu / $scpu" | bc)" \
		"$(echo "scale=2; $zcpu * 1000000 / $ev" | bc)" "$ev" "$rows" "$lost"
done
echo "  (zapd_s: zapd's user+sys from the storm's start to its exit, (user+sys) of it up"
echo "   to 0.5 s after the storm, before the drain; setup_s: before the storm;"
echo "   lost: events/rows of the lost table; target: 0 lost, zapd/st <= 0.3 by default)"
