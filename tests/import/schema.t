#!/bin/sh
# schema.t - schema migrations and the bulk import's commit protocol:
# a database written by schema 001 migrates (every intervals/stages value
# the same through the view), the intervals view accepts INSERT/DELETE,
# a schema 003 database migrates to 004 with histograms and task/CPU
# totals computed from its rows equal to those zapd writes itself, the
# canned queries use their indexes (EXPLAIN QUERY PLAN) and the ones
# reading the per-run aggregates never scan the intervals, a bulk import
# that fails in its transaction (intervals_dur dropped in it) leaves no
# rows and the index back, and the next writer reaps what an older zapd
# that died between its two commits left.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

nmig=$(ls schema/*.sql | wc -l)
DAT=tests/data/munmap-4k.dat
if [ ! -r $DAT ]; then
	echo "1..0 # SKIP no fixture $DAT"
	exit 0
fi

# --- a schema 001 database, as zapd 0.1 wrote it ---------------------------
sqlite3 $T/old.db < schema/001-initial.sql
sqlite3 $T/old.db <<'EOF'
PRAGMA user_version = 1;
INSERT INTO runs (id, source, path, hash, state, complete, events)
	VALUES (1, 'file', 'a.dat', 'h1', 'done', 1, 20),
	       (2, 'live', '/sys/kernel/tracing/instances/zapd', NULL,
		'done', 0, 9);
-- zap: finished with stages, eof, lost (tainted), restart, mismatch,
-- extreme values; generic pairs: finished and a live 'open' row
INSERT INTO intervals VALUES
 (1, 1, 'zap', 0, 1, 100, 'a.out', -131391634104320, 140737488355328,
  12345, 16, 16, 'batch', 1, 4, 1, 1000, 1500, 500, 1500, 'done', 1, 0, 1,
  0, 1, 1, 'tlb', 3),
 (2, 1, 'zap', 1, NULL, 101, NULL, -131391634104320, 4096, 7, 1, NULL,
  NULL, 0, 0, 1, 2000, NULL, NULL, 9000, 'eof', NULL, NULL, NULL, 0, 0, 0,
  NULL, 0),
 (3, 1, 'zap', 1, NULL, 101, 'b', -5, 8192, 8, 1, NULL, NULL, 1, 0, 0,
  3000, NULL, NULL, 3500, 'lost', NULL, NULL, 0, 1, 0, 0, 'rmap', 2),
 (4, 1, 'zap', 0, NULL, 102, 'c', 1, 2, 3, 4294967295, NULL, NULL, 1, 255,
  1, 4000, NULL, NULL, 4100, 'restart', NULL, NULL, NULL, 0, 0, 0, NULL, 0),
 (5, 1, 'zap', 0, 1, 102, 'c', 1, 2, 3, 1, -1, 'nopage', 0, 0, 0, 5000,
  5001, 1, 5001, 'done', 0, 1, NULL, 0, 1, 1, NULL, 0),
 (6, 1, 'zap', 0, NULL, 103, 'c', 1, 2, 3, 1, NULL, NULL, 0, 0, 0, 6000,
  NULL, NULL, 6200, 'mismatch', NULL, NULL, NULL, 0, 0, 0, NULL, 0),
 (7, 2, 'sys_enter_munmap', 1, 0, 200, 'munmap-n', NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, 7000, 7700, 700, 7700, 'done', NULL, NULL,
  NULL, 0, 1, 1, NULL, 0),
 (8, 2, 'sys_enter_clock_nanosleep', 0, NULL, 201, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, 8000, NULL, NULL, NULL, 'open', NULL,
  NULL, NULL, 0, 0, 0, NULL, 0);
INSERT INTO stages VALUES
 (1, 'cleared', 0, 0, 1100, 100, 16, 1, 0),
 (1, 'rmap', 1, 0, 1200, 100, 16, 1, 0),
 (1, 'tlb', 2, 1, 1300, 100, 16, 0, 1),
 (3, 'cleared', 0, 1, 3100, 100, 1, 0, 0),
 (3, '7', 1, 1, 3200, 100, 1, 0, 0);
EOF
snap() {	# snap DB - every column of the old runs' rows, typed (JSON)
	sqlite3 -json "$1" "SELECT * FROM intervals WHERE run_id <= 2
			    ORDER BY id"
	sqlite3 -json "$1" "SELECT * FROM stages WHERE interval_id <= 8
			    ORDER BY interval_id, seq"
}
snap $T/old.db > $T/before
cp $T/old.db $T/keep.db

"$ZAPD" import $DAT --db $T/old.db > $T/out 2> $T/err
is $? 0 "001 database: import migrates it (exit 0)"
is "$(cat $T/err)" "" "001 database: nothing on stderr"
is "$(sqlite3 $T/old.db 'PRAGMA user_version')" "$nmig" "user_version = $nmig"
snap $T/old.db > $T/after
cmp -s $T/before $T/after
r=$?
ok $r "001 rows: every intervals and stages value (and type) unchanged"
[ $r -eq 0 ] || diff $T/before $T/after | head -10 | sed 's/^/# /'
is "$(sqlite3 $T/old.db "SELECT type FROM sqlite_schema
			 WHERE name = 'intervals'")" view "intervals is a view"
is "$(sqlite3 $T/old.db "SELECT group_concat(id || ':' || first_id || '-'
			 || last_id) FROM runs WHERE id <= 2")" "1:1-6,2:7-8" \
   "runs.first_id/last_id set for the old runs"
is "$(sqlite3 $T/old.db "SELECT count(*) FROM intervals WHERE run_id = 3
			 AND id BETWEEN (SELECT first_id FROM runs WHERE id = 3)
			 AND (SELECT last_id FROM runs WHERE id = 3)")" \
   "$(sqlite3 $T/old.db "SELECT count(*) FROM intervals WHERE run_id = 3")" \
   "the new run's rows are inside its id range"
integrity $T/old.db
is "$(sqlite3 $T/old.db 'PRAGMA foreign_key_check')" "" "foreign_key_check clean"

# the view takes INSERT and DELETE like 001's table did
sqlite3 $T/keep.db < schema/002-compact-intervals.sql
sqlite3 $T/keep.db "INSERT INTO intervals (run_id, kind, cpu, pid, comm,
	start_ns, done_ns, end_reason, finished, nr, path, max_nr)
	VALUES (1, 'zap', 3, 9, 'new', 100, 150, 'done', 1, 2, 'small', 8)" \
	2> $T/err
is "$(cat $T/err)" "" "INSERT INTO intervals (view) works"
is "$(sqlite3 $T/keep.db "SELECT kind, cpu, pid, comm, dur_ns, end_ns,
	path, max_nr, anon, tainted, nstages FROM intervals WHERE comm = 'new'")" \
   "zap|3|9|new|50|150|small|8|0|0|0" "inserted row reads back"
sqlite3 $T/keep.db "INSERT INTO intervals (run_id, kind, cpu, pid, start_ns,
	end_reason, finished) VALUES (1, 'zap', 0, 1, 1, 'bogus', 0)" 2> $T/err
grep -q "bad end_reason" $T/err
ok $? "INSERT with an unknown end_reason is refused"
sqlite3 $T/keep.db "DELETE FROM intervals WHERE id = 1"
is "$(sqlite3 $T/keep.db "SELECT count(*) FROM intervals WHERE id = 1") \
$(sqlite3 $T/keep.db "SELECT count(*) FROM stages WHERE interval_id = 1")" \
   "0 0" "DELETE FROM intervals removes the row and its stages"

# --- 003 -> 004: the histograms and totals of old runs, from their rows ----
# zapd writes them for a run as it imports it; a 003 database (the same
# runs without them) gets them from migration 004's SQL: they must agree.
for f in tests/data/*.dat; do
	"$ZAPD" import "$f" --db $T/m4.db > /dev/null || break
done
# and a --pair run (host syscalls), where this host can record one
record_host $T/pair.dat &&
	"$ZAPD" import $T/pair.dat --db $T/m4.db \
	--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap > /dev/null
aggs() {	# aggs DB - the three tables, every column, in key order
	for t in histograms task_stats cpu_stats; do
		echo "$t: $(sqlite3 "$1" "SELECT count(*) FROM $t")"
		sqlite3 "$1" "SELECT * FROM $t ORDER BY 1, 2, 3, 4, 5, 6"
	done
}
aggs $T/m4.db > $T/want
cp $T/m4.db $T/m3.db
# back to 003: without 005's attribution objects, then without 004's
sqlite3 $T/m3.db "DROP VIEW why; DROP VIEW range_why; DROP VIEW why_measured;
	DROP TRIGGER intervals_delete;
	CREATE TRIGGER intervals_delete INSTEAD OF DELETE ON intervals BEGIN
		DELETE FROM stages WHERE interval_id = OLD.id;
		DELETE FROM interval_rows WHERE id = OLD.id; END;
	DROP TABLE interval_why; DROP INDEX ranges_lock;
	ALTER TABLE ranges DROP COLUMN irq_ns;
	ALTER TABLE ranges DROP COLUMN softirq_ns;
	ALTER TABLE ranges DROP COLUMN nmi_ns;
	ALTER TABLE ranges DROP COLUMN sched_ns;
	ALTER TABLE ranges DROP COLUMN runnable_ns;
	ALTER TABLE ranges DROP COLUMN n; ALTER TABLE ranges DROP COLUMN spin_ns;
	ALTER TABLE ranges DROP COLUMN caller;
	ALTER TABLE ranges DROP COLUMN stack;
	DROP TABLE histograms; DROP TABLE task_stats;
	DROP TABLE cpu_stats; DROP INDEX intervals_staged;
	ALTER TABLE runs DROP COLUMN slower_than_ns;
	ALTER TABLE runs DROP COLUMN window_ns; PRAGMA user_version = 3"
"$ZAPD" import tests/data/two-threads.dat --db $T/m3.db > /dev/null 2> $T/err
rc=$?
"$ZAPD" import tests/data/two-threads.dat --db $T/m4.db > /dev/null 2> $T/err
is "$rc $?" "0 0" "003 database: import migrates it to $nmig"
aggs $T/m3.db > $T/got
aggs $T/m4.db > $T/want
cmp -s $T/want $T/got
r=$?
ok $r "003 -> 004: histograms, task_stats, cpu_stats from the rows = zapd's ($(grep -c . $T/want) lines)"
[ $r -eq 0 ] || diff $T/want $T/got | head -10 | sed 's/^/# /'
grep -q "^histograms: [1-9]" $T/want
ok $? "... and there are some"
is "$(sqlite3 $T/m3.db "SELECT count(*) FROM runs WHERE window_ns = 60000000000
			AND slower_than_ns IS NULL")" \
   "$(sqlite3 $T/m3.db "SELECT count(*) FROM runs")" \
   "003 -> 004: old runs have every row (slower_than_ns NULL), 60 s windows"
integrity $T/m3.db

# --- the canned queries use their indexes -----------------------------------
plan() {	# plan QUERY - EXPLAIN QUERY PLAN of queries/QUERY.sql, :n = 10
	sqlite3 $T/old.db "EXPLAIN QUERY PLAN $(grep -v '^--' queries/$1.sql |
		sed 's/coalesce(:n, [0-9]*)/10/')"
}
for q in slowest:intervals_dur stages:intervals_staged hung:intervals_unfinished \
	 tainted:intervals_unfinished lock-wait:ranges_wait; do
	plan ${q%%:*} > $T/plan
	grep -q "USING INDEX ${q#*:}" $T/plan
	ok $? "${q%%:*}: uses index ${q#*:}"
	grep -q "SCAN t$\|SCAN t \|SCAN interval_rows" $T/plan
	[ $? -ne 0 ]
	ok $? "${q%%:*}: no full scan of the intervals"
done

# the queries of the per-run aggregates read those, never the intervals
for q in percentiles percentiles-window histogram per-process \
	 slowest-per-cpu; do
	plan $q > $T/plan
	grep -q "interval_rows\|SCAN t\b\|strings" $T/plan
	[ $? -ne 0 ]
	ok $? "$q: reads no interval rows"
done

# --- bulk import: a failure at its end ---------------------------------------
# (a fresh database: the run is big relative to the table, so
# intervals_dur is dropped in its transaction and built at its end)
cat schema/*.sql | sqlite3 $T/b.db
sqlite3 $T/b.db "PRAGMA user_version = $nmig; PRAGMA journal_mode = WAL;
	CREATE TRIGGER boom BEFORE UPDATE OF state ON runs
	WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'simulated'); END" \
	> /dev/null
"$ZAPD" -vv import $DAT --db $T/b.db > /dev/null 2> $T/err
rc=$?
[ $rc -ne 0 ]
ok $? "failure at the last commit: non-zero exit ($rc)"
grep -q "building intervals_dur at the end" $T/err
ok $? "... in a run whose transaction dropped intervals_dur"
is "$(sqlite3 $T/b.db "SELECT count(*) FROM runs") \
$(sqlite3 $T/b.db "SELECT count(*) FROM interval_rows")" "0 0" \
   "... no run, no rows left"
is "$(sqlite3 $T/b.db "SELECT count(*) FROM sqlite_schema
			WHERE name = 'intervals_dur'")" 1 "... intervals_dur is back"
integrity $T/b.db

# a bulk import of an older zapd killed between its two commits: rows
# committed, run 'importing', no intervals_dur; the next writer reaps the
# run, rebuilds
sqlite3 $T/b.db "DROP TRIGGER boom; DROP INDEX intervals_dur;
	INSERT INTO runs (id, source, hash, state, importer_pid, first_id,
	last_id) VALUES (5, 'file', 'dead', 'importing', 2147483646, 1, 2);
	INSERT INTO intervals (id, run_id, kind, cpu, pid, start_ns, dur_ns,
	end_reason, finished) VALUES (1, 5, 'zap', 0, 1, 1, 5, 'done', 1),
	(2, 5, 'zap', 0, 1, 9, 5, 'done', 1)"
"$ZAPD" import $DAT --db $T/b.db > /dev/null 2> $T/err
is $? 0 "import after one killed between its commits: exit 0"
grep -q "deleting run 5" $T/err
ok $? "... the dead run is reaped"
is "$(sqlite3 $T/b.db "SELECT count(*) FROM intervals WHERE run_id = 5")" 0 \
   "... its rows are gone"
is "$(sqlite3 $T/b.db "SELECT count(*) FROM sqlite_schema
			WHERE name = 'intervals_dur'")" 1 "... intervals_dur rebuilt"
is "$(sqlite3 $T/b.db "SELECT count(*) FROM runs WHERE state = 'done'")" 1 \
   "... and the new run is done"
integrity $T/b.db

done_testing
