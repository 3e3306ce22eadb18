#!/bin/sh
# query-bench.sh - how long every canned query takes on a big database.
# usage: query-bench.sh ZAPD DB [FILE.dat...]
# If DB does not exist it is built first: each FILE.dat is converted to an
# uncompressed copy next to DB (libtracecmd 1.3's compressed reader is
# quadratic, docs/performance.md) and imported with --all, so DB holds a
# row for every interval (the bench traces: 2.6M + 10.5M intervals).
# Then every query of `zapd query --list` runs BENCH_REPEAT times (default
# 5) through `zapd query` (the whole process: exec, open, run, print) and
# its median wall time is printed, against the target of 100 ms, with the
# indexes its plan uses. Skips (exit 0) if DB is absent and no FILE.dat
# is readable.
set -eu
zapd=$1 db=$2
shift 2
reps=${BENCH_REPEAT:-5}
now() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ ! -s "$db" ]; then
	n=0
	for dat in "$@"; do
		[ -r "$dat" ] || continue
		raw=${db%.db}.$(basename "$dat" .dat).raw.dat
		[ -s "$raw" ] || trace-cmd convert --compression none -i "$dat" \
			-o "$raw" > /dev/null 2>&1 || cp "$dat" "$raw"
		"$zapd" import "$raw" --all --db "$db" | sed 's/^/bench-query: /'
		n=$((n + 1))
	done
	if [ $n -eq 0 ]; then
		echo "bench-query: no database and no trace (make bench-trace," \
		     "or BENCH_QUERY_DB=big.db): skipped"
		exit 0
	fi
fi
ivs=$(sqlite3 "$db" "SELECT count(*) FROM interval_rows")
echo "bench-query: $db: $ivs intervals, $(sqlite3 "$db" "SELECT count(*) FROM runs") runs, $(($(stat -c %s "$db") / 1048576)) MiB; median of $reps runs of zapd query NAME"
printf '  %-20s %8s  %s\n' query ms "indexes used (EXPLAIN QUERY PLAN)"
worst=0
for q in $("$zapd" query --list | awk '{ print $1 }'); do
	i=0
	: > /tmp/zapd-qb.$$
	while [ $i -lt "$reps" ]; do
		t0=$(now)
		"$zapd" query "$q" --db "$db" > /dev/null
		t1=$(now)
		echo $(((t1 - t0) / 1000000)) >> /tmp/zapd-qb.$$
		i=$((i + 1))
	done
	ms=$(median < /tmp/zapd-qb.$$)
	[ "$ms" -gt "$worst" ] && worst=$ms
	sql=$(grep -v '^--' "$(dirname "$0")/../../queries/$q.sql" |
	      sed 's/coalesce(:n, [0-9]*)/10/')
	idx=$(sqlite3 "$db" "EXPLAIN QUERY PLAN $sql" |
	      sed -n 's/.*USING \(COVERING \)*INDEX \([a-z_0-9]*\).*/\2/p;
		      s/.*SCAN \([a-z_]*\)$/scan \1/p' | sort -u | paste -sd, -)
	printf '  %-20s %8s  %s\n' "$q" "$ms" "$idx"
done
rm -f /tmp/zapd-qb.$$
echo "  slowest query: $worst ms (target <= 100 ms on >= 10M intervals)"
