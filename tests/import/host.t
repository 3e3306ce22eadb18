#!/bin/sh
# host.t - import of a real trace.dat recorded on this host at test time
# (syscalls munmap enter/exit in an instance buffer; no zap events here):
# the no-zap error, generic --pair import checked against trace-cmd report,
# idempotence, truncation, DB failures, no partial runs.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

if [ "$(id -u)" != 0 ] || ! command -v trace-cmd > /dev/null ||
   ! record_host $T/host.dat; then
	echo "1..0 # SKIP cannot record a trace on this host (need root+tracefs)"
	exit 0
fi
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"

# no zap events: one line, says what the file has and how to record zap
"$ZAPD" import $T/host.dat --db $T/a.db 2> $T/err
is $? 1 "no zap events: exit 1"
is "$(lines $T/err)" 1 "no zap events: one line"
grep -q "no zap events (records from: syscalls)" $T/err
ok $? "no zap events: names the systems present"
grep -q "trace-cmd record -e zap" $T/err
ok $? "no zap events: says how to record zap"
[ ! -e $T/a.db ]
ok $? "no zap events: no database created"

# generic pair import, checked against trace-cmd report (the oracle)
"$ZAPD" import $T/host.dat --db $T/a.db $PAIR --run-label host > $T/out 2> $T/err
is $? 0 "pair import: exit 0"
is "$(lines $T/err)" 0 "pair import: quiet on stderr"
report_counts $T/host.dat > $T/want
db_counts $T/a.db > $T/got
[ -s $T/want ] && cmp -s $T/want $T/got
ok $? "per-event per-CPU counts equal trace-cmd report's"
[ $? -eq 0 ] || diff $T/want $T/got | sed 's/^/# /'
enter=$(awk '$1 == "sys_enter_munmap" { n += $3 } END { print n + 0 }' $T/want)
exits=$(awk '$1 == "sys_exit_munmap" { n += $3 } END { print n + 0 }' $T/want)
total=$(awk '{ n += $3 } END { print n + 0 }' $T/want)
is "$(sqlite3 $T/a.db 'SELECT events FROM runs')" "$total" "runs.events = report lines"
orph=$(sqlite3 $T/a.db 'SELECT count(*) FROM orphans')
fin=$(sqlite3 $T/a.db "SELECT count(*) FROM intervals WHERE finished
	AND kind = 'sys_enter_munmap'")
is $((fin + orph)) "$exits" "finished pairs + orphan ends = exit events"
is "$(sqlite3 $T/a.db 'SELECT count(*) FROM intervals')" "$enter" \
   "one interval per enter event"
is "$(sqlite3 $T/a.db "SELECT count(*) FROM intervals WHERE finished AND
	(dur_ns <= 0 OR dur_ns != done_ns - start_ns)")" 0 "durations positive and consistent"
is "$(sqlite3 $T/a.db 'SELECT label || complete || state FROM runs')" "host1done" \
   "run labelled, complete, done"
is "$(sqlite3 $T/a.db 'SELECT buffers FROM runs')" ",zapdtest$$" "instance buffer read"
# the oracle: the task names trace-cmd report resolves from the same saved
# cmdlines ("<...>" = unknown, NULL in the database; how many tasks are
# still in the host's cmdline cache depends on its load)
trace-cmd report -i $T/host.dat 2>/dev/null | perl -ne '
	print "$2|", ($1 eq "<...>" ? "" : $1), "\n" if /^\s*(?:zapdtest\d+:\s+)?(.*?)-(\d+)\s+\[\d+\]/' |
	sort -u > $T/comm.want
sqlite3 $T/a.db "SELECT DISTINCT pid || '|' || coalesce(comm, '') FROM intervals" |
	sort -u > $T/comm.got
comm -13 $T/comm.want $T/comm.got > $T/comm.bad
[ -s $T/comm.got ] && [ ! -s $T/comm.bad ]
ok $? "comm of every task as trace-cmd report resolves it from saved cmdlines"
head -5 $T/comm.bad | sed 's/^/# not in the report: /'

integrity $T/a.db
is "$(sqlite3 $T/a.db 'PRAGMA journal_mode')" wal "database in WAL mode"
nmig=$(ls schema/*.sql | wc -l)
is "$(sqlite3 $T/a.db 'PRAGMA user_version')" "$nmig" "user_version = migrations"

# import twice: idempotent
before=$(sqlite3 $T/a.db 'SELECT count(*) FROM intervals')
"$ZAPD" import $T/host.dat --db $T/a.db $PAIR > $T/out 2> $T/err
is $? 0 "second import: exit 0"
grep -q "already imported as run 1" $T/out
ok $? "second import: reported"
is "$(sqlite3 $T/a.db 'SELECT count(*) FROM runs')" 1 "second import: one run"
is "$(sqlite3 $T/a.db 'SELECT count(*) FROM intervals')" "$before" \
   "second import: no duplicate rows"
cp $T/host.dat $T/copy.dat
"$ZAPD" import $T/copy.dat --db $T/a.db $PAIR > $T/out 2>&1
grep -q "already imported" $T/out
ok $? "same content under another name: already imported"

# decode-only touches no database
"$ZAPD" import $T/host.dat --db $T/d.db --decode-only $PAIR > $T/out 2>&1
is $? 0 "--decode-only: exit 0"
[ ! -e $T/d.db ]
ok $? "--decode-only: no database"

# every canned query runs via zapd (table and CSV) and via sqlite3(1)
for f in queries/*.sql; do
	q=$(basename $f .sql)
	"$ZAPD" query $q --db $T/a.db > $T/out 2> $T/err
	ok $? "zapd query $q"
	"$ZAPD" query $q --db $T/a.db --csv > $T/csv 2> $T/err
	ok $? "zapd query $q --csv"
	sqlite3 -header -csv $T/a.db < $f > $T/sq 2> $T/err
	ok $? "sqlite3 < queries/$q.sql"
	if [ -s $T/sq ]; then
		is "$(head -1 $T/csv)" "$(head -1 $T/sq | tr -d '\r')" \
		   "$q: same columns both ways"
	else
		ok 0 "$q: no rows, sqlite3 prints no header # SKIP"
	fi
done
"$ZAPD" query hung --db $T/a.db --csv > $T/all
"$ZAPD" query hung --db $T/a.db --csv -n 0 > $T/none
is "$(lines $T/none)" 1 "-n 0 binds the limit (header only)"
"$ZAPD" query stages -n 5 --db $T/a.db > /dev/null
ok $? "-n on stages"

# truncation: v7 files keep their buffer index at the end -> nothing readable
size=$(stat -c %s $T/host.dat)
head -c $((size * 9 / 10)) $T/host.dat > $T/t7.dat
"$ZAPD" import $T/t7.dat --db $T/a.db $PAIR 2> $T/err
is $? 1 "truncated v7: exit 1 (nothing readable)"
is "$(lines $T/err)" 1 "truncated v7: one line"
grep -q "truncated or corrupt" $T/err
ok $? "truncated v7: says truncated"
is "$(sqlite3 $T/a.db 'SELECT count(*) FROM runs')" 1 "truncated v7: no run added"
integrity $T/a.db

# v6: flyrecord data at the end -> the readable part is imported
if trace-cmd convert --file-version 6 -i $T/host.dat -o $T/v6.dat \
	> /dev/null 2>&1; then
	size=$(stat -c %s $T/v6.dat)
	head -c $((size - 3000)) $T/v6.dat > $T/t6.dat
	"$ZAPD" import $T/t6.dat --db $T/a.db $PAIR > $T/out 2> $T/err
	is $? 3 "truncated v6: exit 3 (incomplete)"
	is "$(lines $T/err)" 1 "truncated v6: one warning line"
	grep -q "marked incomplete" $T/err
	ok $? "truncated v6: says incomplete"
	is "$(sqlite3 $T/a.db 'SELECT complete, state FROM runs ORDER BY id DESC LIMIT 1')" \
	   "0|done" "truncated v6: run stored, complete = 0"
	integrity $T/a.db
else
	ok 0 "# SKIP trace-cmd convert unavailable"
fi

# unwritable database paths
"$ZAPD" import $T/host.dat --db /etc/passwd/x.db $PAIR 2> $T/err
is $? 1 "db under a file: exit 1"
is "$(lines $T/err)" 1 "db under a file: one line"
printf 'not sqlite\n' > $T/text.db
"$ZAPD" import $T/host.dat --db $T/text.db $PAIR 2> $T/err
is $? 1 "db is a text file: exit 1"
is "$(lines $T/err)" 1 "db is a text file: one line"
is "$(cat $T/text.db)" "not sqlite" "text file untouched"

# newer schema refused on import
sqlite3 $T/new.db 'PRAGMA user_version = 99'
"$ZAPD" import $T/host.dat --db $T/new.db $PAIR 2> $T/err
is $? 1 "newer schema (import): exit 1"
is "$(lines $T/err)" 1 "newer schema (import): one line"
integrity $T/new.db

# a failure in the middle of an import leaves no partial run
record_host $T/host2.dat
cp $T/a.db $T/f.db
# (intervals is a view since schema 2: the rows are in interval_rows)
sqlite3 $T/f.db "CREATE TRIGGER boom BEFORE INSERT ON interval_rows
	WHEN (SELECT count(*) FROM interval_rows WHERE run_id > 2) >= 2
	BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
runs=$(sqlite3 $T/f.db 'SELECT count(*) FROM runs')
rows=$(sqlite3 $T/f.db 'SELECT count(*) FROM intervals')
"$ZAPD" import $T/host2.dat --db $T/f.db $PAIR > /dev/null 2> $T/err
rc=$?
[ $rc -ne 0 ]
ok $? "failing insert: non-zero exit ($rc)"
is "$(sqlite3 $T/f.db 'SELECT count(*) FROM runs')" "$runs" "failing insert: no run left"
is "$(sqlite3 $T/f.db 'SELECT count(*) FROM intervals')" "$rows" "failing insert: no rows left"
integrity $T/f.db

# a run left 'importing' by a dead process is deleted by the next writer
cp $T/a.db $T/s.db
sqlite3 $T/s.db "INSERT INTO runs (id, source, hash, state, importer_pid)
	VALUES (77, 'file', 'deadbeef', 'importing', 2147483646);
	INSERT INTO intervals (run_id, kind, cpu, pid, start_ns, end_reason,
	finished) VALUES (77, 'zap', 0, 1, 1, 'eof', 0)"
"$ZAPD" import $T/host2.dat --db $T/s.db $PAIR > /dev/null 2> $T/err
is $? 0 "import after a crashed one: exit 0"
grep -q "deleting run 77" $T/err
ok $? "stale run reported"
is "$(sqlite3 $T/s.db 'SELECT count(*) FROM intervals WHERE run_id = 77')" 0 \
   "stale run's rows deleted"
integrity $T/s.db

done_testing
