#!/bin/sh
# hist.t - outlier mode on import: every fixture imported with --all (the
# default) and with --slower-than DUR. Both must hold the same histograms,
# task and CPU totals; the histograms must be what this test computes from
# the --all rows (floor(log2) in awk, windows by the interval's end); the
# --slower-than import must have a row for exactly the finished intervals
# and lock ranges at or above DUR (the same trace: the same timestamps;
# DUR is the duration of a real interval, so ">=" is tested at the edge)
# plus every unfinished one; per-process and slowest-per-cpu (now read
# from the totals) must print what the old SQL over every row printed;
# the percentile estimates must fall in the log2 bucket of the exact
# nearest-rank percentile of the rows.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

set -- tests/data/*.dat
if [ ! -e "$1" ]; then
	echo "1..0 # SKIP no fixtures"
	exit 0
fi
WIN=0.02		# seconds: several windows per fixture
WIN_NS=20000000

# buckets DB - the histograms this test expects, from the rows of an --all
# import: "kind|path|metric|win|bucket|count|total|min|max"
buckets() {
	sqlite3 "$1" "SELECT kind, coalesce(path, ''), 'dur', done_ns, dur_ns
		      FROM intervals WHERE finished
		      UNION ALL
		      SELECT 'pte_lock', '', 'wait',
			     lock_ns + wait_ns + coalesce(hold_ns, 0), wait_ns
		      FROM ranges WHERE finished AND wait_ns IS NOT NULL
		      UNION ALL
		      SELECT 'pte_lock', '', 'hold', lock_ns + wait_ns + hold_ns,
			     hold_ns
		      FROM ranges WHERE finished AND hold_ns IS NOT NULL" |
	awk -F'|' -v w=$WIN_NS '{
		d = $5; b = 0
		while (d >= 2) { d = int(d / 2); b++ }
		k = $1 "|" $2 "|" $3 "|" sprintf("%.0f", $4 - $4 % w) "|" b
		n[k]++; t[k] += $5
		if (!(k in lo) || $5 < lo[k]) lo[k] = $5
		if ($5 > hi[k]) hi[k] = $5
	}
	END { for (k in n) printf "%s|%.0f|%.0f|%.0f|%.0f\n", k, n[k], t[k], lo[k], hi[k] }' |
	sort
}

hist() {	# hist DB - the histograms table, same format
	sqlite3 "$1" "SELECT kind, path, metric, win_ns, bucket, count,
		      total_ns, min_ns, max_ns FROM histograms" | sort
}

for dat in "$@"; do
	name=$(basename "$dat" .dat)
	all=$T/$name.all.db
	thr=$T/$name.thr.db
	"$ZAPD" import "$dat" --db $all --window $WIN > /dev/null 2> $T/err
	rc1=$?
	# the 5% slowest intervals get a row
	DUR_NS=$(sqlite3 $all "SELECT dur_ns FROM intervals WHERE finished
			       ORDER BY dur_ns DESC LIMIT 1 OFFSET
			       (SELECT count(*) / 20 FROM intervals)")
	DUR=${DUR_NS}ns
	"$ZAPD" import "$dat" --db $thr --window $WIN --slower-than $DUR \
		> /dev/null 2> $T/err
	rc2=$?
	is "$rc1 $rc2" "0 0" "$name: imported with --all (default) and --slower-than $DUR"

	buckets $all > $T/want
	hist $all > $T/got
	cmp -s $T/want $T/got
	ok $? "$name: histograms = the rows' log2 buckets per window ($(wc -l < $T/want) rows)"
	[ -s $T/want ]
	ok $? "$name: ... which are not empty"
	hist $thr > $T/got2
	cmp -s $T/got $T/got2
	ok $? "$name: --slower-than: the same histograms as --all"
	for t in task_stats cpu_stats; do
		is "$(sqlite3 $thr "SELECT * FROM $t ORDER BY 2, 3, 4")" \
		   "$(sqlite3 $all "SELECT * FROM $t ORDER BY 2, 3, 4")" \
		   "$name: --slower-than: the same $t as --all"
	done

	# rows: exactly the finished ones >= DUR, every unfinished one
	key="kind, cpu, pid, start_ns, coalesce(dur_ns, -1), end_reason"
	is "$(sqlite3 $thr "SELECT $key FROM intervals ORDER BY 4, 3")" \
	   "$(sqlite3 $all "SELECT $key FROM intervals WHERE NOT finished
			    OR dur_ns >= $DUR_NS ORDER BY 4, 3")" \
	   "$name: interval rows: exactly those >= $DUR and the unfinished"
	rkey="cpu, pid, lock_ns, coalesce(wait_ns, -1), coalesce(hold_ns, -1)"
	is "$(sqlite3 $thr "SELECT $rkey FROM ranges ORDER BY 3, 2")" \
	   "$(sqlite3 $all "SELECT $rkey FROM ranges WHERE NOT finished
			    OR wait_ns >= $DUR_NS OR hold_ns >= $DUR_NS
			    ORDER BY 3, 2")" \
	   "$name: range rows: exactly those with wait or hold >= $DUR"
	is "$(sqlite3 $thr "SELECT count(*) FROM stages")" \
	   "$(sqlite3 $all "SELECT count(*) FROM stages s JOIN intervals i
			    ON i.id = s.interval_id
			    WHERE NOT i.finished OR i.dur_ns >= $DUR_NS")" \
	   "$name: the kept rows keep their stages"
	is "$(sqlite3 $thr "SELECT value FROM run_stats
			    WHERE name = 'below_threshold'")" \
	   "$(sqlite3 $all "SELECT count(*) FROM intervals
			    WHERE finished AND dur_ns < $DUR_NS")" \
	   "$name: run_stats.below_threshold"
	is "$(sqlite3 $thr "SELECT slower_than_ns, window_ns FROM runs")" \
	   "$DUR_NS|$WIN_NS" "$name: runs.slower_than_ns, window_ns"

	# the old per-process and slowest-per-cpu, over every row
	sqlite3 $all "SELECT comm, pid, count(*), sum(finished),
		sum(CASE WHEN finished THEN nr ELSE 0 END), sum(dur_ns),
		max(dur_ns), sum(tainted), sum(finished = 0 AND tainted = 0)
		FROM intervals WHERE kind = 'zap' GROUP BY comm, pid" |
		sort > $T/want
	"$ZAPD" query per-process -n 100000 --csv --db $thr | sed 1d |
		tr , '|' | sort > $T/got
	cmp -s $T/want $T/got
	ok $? "$name: per-process (--slower-than) = the old SQL over every row"
	sqlite3 $all "SELECT run_id, cpu, count(*), sum(dur_ns), max(dur_ns),
		CAST(avg(dur_ns) AS INTEGER), pid, comm FROM intervals
		WHERE finished = 1 AND kind = 'zap' GROUP BY run_id, cpu
		ORDER BY max(dur_ns) DESC" > $T/want
	"$ZAPD" query slowest-per-cpu --csv --db $thr | sed 1d | tr , '|' \
		> $T/got
	cmp -s $T/want $T/got
	ok $? "$name: slowest-per-cpu (--slower-than) = the old SQL over every row"

	# percentiles: in the bucket of the exact nearest-rank value
	"$ZAPD" query percentiles --csv --db $thr | sed 1d > $T/pct
	bad=0 nser=0
	while IFS=, read -r run kind path metric cnt avg p50 p90 p99 p999 max; do
		nser=$((nser + 1))
		if [ "$metric" = dur ]; then
			v="SELECT dur_ns AS d FROM intervals WHERE finished AND
			   kind = '$kind' AND coalesce(path, '') = '$path'"
		else
			v="SELECT ${metric}_ns AS d FROM ranges WHERE finished
			   AND ${metric}_ns IS NOT NULL"
		fi
		exact=$(sqlite3 $all "WITH v AS ($v), r AS (SELECT d,
			row_number() OVER (ORDER BY d) AS i FROM v)
			SELECT (SELECT d FROM r WHERE i = ($cnt * pm + 999) / 1000)
			FROM (SELECT 500 AS pm UNION ALL SELECT 900 UNION ALL
			SELECT 990 UNION ALL SELECT 999)" | paste -sd' ' -)
		echo "# $kind $path $metric n=$cnt: exact $exact; estimated $p50 $p90 $p99 $p999"
		set -- $exact
		for e in $p50 $p90 $p99 $p999; do
			[ "$(echo "$1 $e" | awk '{ a = $1; b = $2; x = 0; y = 0
				while (a >= 2) { a = int(a / 2); x++ }
				while (b >= 2) { b = int(b / 2); y++ }
				print x == y }')" = 1 ] || bad=$((bad + 1))
			shift
		done
		is "$max" "$(sqlite3 $all "WITH v AS ($v) SELECT max(d) FROM v")" \
		   "$name: $kind/$path/$metric: max_ns exact"
	done < $T/pct
	is "$bad" 0 "$name: every percentile of $nser series in the exact value's log2 bucket"
	integrity $thr
done

# the same histograms however the trace's time is cut into windows
db=$T/w60.db
"$ZAPD" import tests/data/munmap-4k.dat --db $db > /dev/null
is "$(sqlite3 $db "SELECT kind, path, metric, bucket, sum(count), sum(total_ns)
		   FROM histograms GROUP BY 1, 2, 3, 4")" \
   "$(sqlite3 $T/munmap-4k.all.db "SELECT kind, path, metric, bucket,
		   sum(count), sum(total_ns) FROM histograms GROUP BY 1, 2, 3, 4")" \
   "60 s and 20 ms windows: the same buckets"
is "$(sqlite3 $db "SELECT window_ns FROM runs")" 60000000000 "default window 60 s"

# --slower-than 0ns keeps every row, like --all
"$ZAPD" import tests/data/munmap-4k.dat --db $T/z.db --slower-than 0ns \
	> /dev/null
is "$(sqlite3 $T/z.db "SELECT count(*) FROM intervals")" \
   "$(sqlite3 $db "SELECT count(*) FROM intervals")" "--slower-than 0ns: every row"

done_testing
