#!/bin/sh
# outlier.t - zapd live's outlier mode against trace-cmd in the guest.
#
# tests/vm/outlier-guest.sh traces the bench storm (munmap-storm 400 1024),
# munmap-4k and mthp-64k twice at once: zapd live --slower-than DUR (a
# power of two: 65536 ns for the storm, 16384 ns for the others, which also
# trace the PTE lock) and trace-cmd record, both filtered to the workload's
# pid. Here the trace.dat is imported with --all (a row per interval) and:
#  - the live run's histograms count, per done path, exactly the finished
#    zap intervals of the import, and per metric exactly its finished lock
#    ranges with a wait / a hold: every interval counted, none lost;
#  - the live run has a row for exactly the intervals >= DUR: as many
#    finished rows as its own histograms hold at or above DUR's bucket, and
#    none below DUR;
#  - each row is an interval of the trace-cmd recording (the same mm and
#    addr). Durations are not compared one by one: each buffer takes its
#    own timestamps, and a TCG vCPU can be descheduled by QEMU between the
#    two probes of one event (seen: 2.8 us in one buffer, 1.27 ms in the
#    other, for the same zap).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export BUILD
ZAPD=$BUILD/zapd
out=$BUILD/vm/outlier-test
. "$top/tests/tap.sh"

[ -x "$ZAPD" ] || { echo "Bail out! $ZAPD not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/vm/run.sh" --out "$out" --timeout 900 "$top/tests/vm/outlier-guest.sh" \
	> "$tmp/run.log" 2>&1
rc=$?
ok $rc "guest traced the storm, munmap-4k and mthp-64k twice (vm/run.sh exit $rc)"
if [ $rc -ne 0 ]; then
	sed 's/^/# /' "$tmp/run.log" | tail -20
	sed 's/^/# /' "$out/scenario.log" 2>/dev/null | tail -20
	done_testing
fi
fact() { sed -n "s/^$2=//p" "$1" | head -1; }
q() { sqlite3 "$@"; }

for w in storm:65536:16 munmap-4k:16384:14 mthp-64k:16384:14; do
	b=${w##*:}
	dur=${w#*:}
	dur=${dur%:*}
	w=${w%%:*}
	live=$out/$w.db
	imp=$tmp/$w.db
	is "$(fact "$out/$w.facts" zapd_rc)" 0 "$w: zapd live exited 0"
	"$ZAPD" import "$out/$w.dat" --db "$imp" > /dev/null 2> "$tmp/err"
	ok $? "$w: zapd import --all of the trace-cmd recording"
	is "$(q "$live" "SELECT count(*) FROM lost") $(q "$imp" "SELECT count(*)
		FROM lost")" "0 0" "$w: nothing lost by either"
	is "$(q "$live" "SELECT slower_than_ns FROM runs")" $dur \
	   "$w: live run with --slower-than ${dur}ns"

	# every interval counted: histograms = the import's rows, per path
	q "$live" "SELECT path, sum(count) FROM histograms WHERE kind = 'zap'
		   AND metric = 'dur' GROUP BY path ORDER BY path" > "$tmp/live"
	q "$imp" "SELECT coalesce(path, ''), count(*) FROM intervals
		  WHERE kind = 'zap' AND finished GROUP BY 1 ORDER BY 1" \
		> "$tmp/imp"
	cmp -s "$tmp/live" "$tmp/imp"
	ok $? "$w: histograms count the import's intervals per path ($(paste -sd' ' "$tmp/imp"))"
	[ $? -eq 0 ] || diff "$tmp/imp" "$tmp/live" | sed 's/^/# /'
	lw=$(q "$live" "SELECT coalesce(sum(count), 0) FROM histograms
			WHERE metric = 'wait'")
	lh=$(q "$live" "SELECT coalesce(sum(count), 0) FROM histograms
			WHERE metric = 'hold'")
	iw=$(q "$imp" "SELECT count(wait_ns) FROM ranges WHERE finished")
	ih=$(q "$imp" "SELECT count(hold_ns) FROM ranges WHERE finished")
	is "$lw $lh" "$iw $ih" "$w: lock waits and holds counted as the import's ranges ($iw $ih)"
	is "$(q "$live" "SELECT count(*) FROM intervals WHERE tainted OR NOT finished")" \
	   0 "$w: no tainted or unfinished interval"

	# rows: exactly those >= DUR (2^b: log2 buckets b and up)
	rows=$(q "$live" "SELECT count(*) FROM intervals WHERE finished")
	is "$rows" "$(q "$live" "SELECT coalesce(sum(count), 0) FROM histograms
			      WHERE metric = 'dur' AND bucket >= $b")" \
	   "$w: a row for each of the intervals >= ${dur} ns ($rows)"
	is "$(q "$live" "SELECT count(*) FROM intervals WHERE dur_ns < $dur")" 0 \
	   "$w: no row below ${dur} ns"
	is "$(q "$live" "SELECT count(*) FROM ranges WHERE finished
			 AND coalesce(wait_ns, 0) < $dur AND coalesce(hold_ns, 0) < $dur")" \
	   0 "$w: no lock range row with wait and hold below ${dur} ns"
	is "$(q "$imp" "ATTACH '$live' AS l; SELECT count(*) FROM l.interval_rows
			AS r WHERE NOT EXISTS (SELECT 1 FROM main.interval_rows AS i
			WHERE i.mm = r.mm AND i.addr = r.addr)")" 0 \
	   "$w: each row is an interval of the trace-cmd recording (mm, addr)"
	integrity "$live"
done

# the canned queries on a live outlier-mode run
"$ZAPD" query percentiles --db "$out/storm.db" --csv > "$tmp/p" 2>&1
is "$(sed -n 2p "$tmp/p" | cut -d, -f2-5)" \
   "zap,small,dur,$(q "$out/storm.db" "SELECT sum(count) FROM histograms")" \
   "storm: zapd query percentiles over all the storm's intervals"
done_testing
