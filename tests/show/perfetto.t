#!/bin/sh
# perfetto.t - zapd export --perfetto of every fixture (tests/data/*.dat
# imported) and of a lossy zapd live run on this host (pair intervals,
# extra events, loss markers, a label that is not UTF-8) passes the
# structural check of tests/show/check-perfetto.py: valid JSON, the ph,
# ts, dur, pid and tid rules, slices nested on every track, and the
# intervals, stages, lock slices, events and losses equal to the
# database's; the same with --slower-than. Then the command line.
cd "$(dirname "$0")/../.." || exit 1
. tests/show/lib.sh

DB=$T/all.db
import_fixtures $DB
ok $? "fixtures imported"
if lossy_live_run $DB "$(printf 'lossy \377\001"<b>\\')"; then
	live=$(sqlite3 $DB "SELECT max(id) FROM runs")
	ok 0 "lossy live run $live recorded on this host"
else
	echo "# SKIP lossy live run: cannot trace on this host"
	live=
fi
empty_live_run $DB || echo "# SKIP empty live run: cannot trace on this host"

check() {	# check RUN [DUR MIN_NS]
	out=$T/t$1${2:+-$2}.json
	"$ZAPD" export --db $DB --run $1 --perfetto $out ${2:+--slower-than $2} \
		2> $T/err
	is "$?:$(cat $T/err)" "0:" "run $1${2:+ --slower-than $2}: exported, quiet"
	$PY tests/show/check-perfetto.py $out $DB $1 ${3:-0} > $T/chk \
		2> $T/chkerr
	rc=$?
	tap_lines < $T/chk
	is "$rc:$(head -c 2000 $T/chkerr)" "0:" "run $1: every check ran and passed"
}
for run in $(sqlite3 $DB "SELECT id FROM runs ORDER BY id"); do
	check $run
done
check 3 20us 20000
check 5 10000ns 10000
if [ -n "$live" ]; then
	check $live 1ms 1000000
	n=$(sqlite3 $DB "SELECT count(*) FROM events WHERE run_id = $live")
	cmp_ok "$n" -gt 0 "the live run has extra events to export ($n)"
fi

"$ZAPD" export --db $DB --run 2 --perfetto - > $T/stdout.json
is $? 0 "--perfetto -: exit 0"
cmp -s $T/stdout.json $T/t2.json
ok $? "--perfetto - writes the same trace as a file"
"$ZAPD" export --db $DB --perfetto $T/latest.json
last=$(sqlite3 $DB "SELECT max(id) FROM runs")
is "$(grep -c "\"run\":$last," $T/latest.json)" 2 "default run is the latest ($last)"

"$ZAPD" export --db $DB 2> $T/err
is "$?:$(lines $T/err)" "2:1" "no --perfetto: exit 2, one line"
for bad in 5xs -1us us 1.5.2ms ""; do
	"$ZAPD" export --db $DB --perfetto $T/x.json --slower-than "$bad" \
		2> $T/err
	is "$?:$(lines $T/err)" "2:1" "--slower-than '$bad': exit 2, one line"
done
"$ZAPD" export --db $DB --run 999 --perfetto $T/x.json 2> $T/err
is "$?:$(lines $T/err)" "1:1" "--run 999: exit 1, one line"
"$ZAPD" export --db $T/none.db --perfetto $T/x.json 2> $T/err
is "$?:$(lines $T/err)" "1:1" "missing database: exit 1, one line"
"$ZAPD" export --db $DB --perfetto $T/nodir/x.json 2> $T/err
is "$?:$(lines $T/err)" "1:1" "unwritable output: exit 1, one line"
[ ! -e $T/x.json ] && [ -z "$(ls $T | grep '\.tmp\.')" ]
ok $? "no output and no temporary file left"
integrity $DB
done_testing
