#!/bin/sh
# report.t - zapd report as a person sees it: the report of every fixture
# (tests/data/*.dat imported into one database), of a lossy zapd live run
# on this host (pair intervals, extra events, losses, tainted and hung
# intervals, a label with bytes that are not UTF-8) and of an empty live
# run (no rows at all) is opened by headless
# Chromium: a screenshot that is not blank (decoded pixel by pixel), the
# expected sections in its DOM, and every number in the page equal to
# what the database's rows say (tests/show/check-report.py computes it
# itself). Then the command line and its failures: one line, exit code,
# no output file left behind (also on a full file system).
cd "$(dirname "$0")/../.." || exit 1
. tests/show/lib.sh
SHOTS=$BUILD/tests/show
mkdir -p "$SHOTS"

if ! command -v chromium > /dev/null; then
	ok 1 "chromium is installed (scripts/packages.txt; make deps)"
	done_testing
fi
DB=$T/all.db
import_fixtures $DB
ok $? "fixtures imported"
nfix=$(sqlite3 $DB "SELECT count(*) FROM runs")
LABEL=$(printf 'lossy \377\001"<b>\\')
if lossy_live_run $DB "$LABEL"; then
	ok 0 "lossy live run recorded on this host"
	live=$(sqlite3 $DB "SELECT max(id) FROM runs")
	echo "# live run $live: $(sqlite3 $DB "SELECT count(*) || ' intervals, '
		|| sum(tainted) || ' tainted, ' || sum(finished = 0 AND
		tainted = 0) || ' hung' FROM intervals WHERE run_id = $live"),
		$(sqlite3 $DB "SELECT count(*) FROM events WHERE run_id = $live")
		events, $(sqlite3 $DB "SELECT count(*) FROM lost WHERE run_id =
		$live AND source = 'marker'") loss markers"
else
	echo "# SKIP lossy live run: cannot trace on this host"
	live=
fi
empty_live_run $DB || echo "# SKIP empty live run: cannot trace on this host"

for run in $(sqlite3 $DB "SELECT id FROM runs ORDER BY id"); do
	name=$(sqlite3 $DB "SELECT CASE source WHEN 'live' THEN 'live' ELSE
		replace(replace(path, rtrim(path, replace(path, '/', '')), ''),
		'.dat', '') END FROM runs WHERE id = $run")
	html=$T/r$run.html
	"$ZAPD" report --db $DB --run $run -o $html 2> $T/err
	is "$?:$(cat $T/err)" "0:" "run $run ($name): report written, quiet"
	size=$(wc -c < $html)
	cmp_ok "$size" -lt 2000000 "run $run: page under 2 MB ($size bytes)"
	chromium_dom $html $T/r$run.dom
	grep -q '<section id="latency">' $T/r$run.dom
	ok $? "run $run: Chromium built the DOM"
	$PY tests/show/check-report.py $html $T/r$run.dom $DB $run > $T/chk \
		2> $T/chkerr
	rc=$?
	tap_lines < $T/chk
	is "$rc:$(head -c 2000 $T/chkerr)" "0:" "run $run: every check ran and passed"
	png=$SHOTS/report-$run-$name.png
	rm -f $png
	chromium_png $html $png
	echo "# screenshot: $png"
	$PY tests/show/png-check.py $png 1280 2000 > $T/png
	ok $? "run $run: screenshot not blank: $(cat $T/png)"
done

if [ -n "$live" ]; then
	grep -q 'lossy \\xff\\x01&quot;&lt;b&gt;\\' $T/r$live.html
	ok $? "label bytes shown escaped (\\xff, &lt;b&gt;), not as markup"
	grep -q '<table id="context-table">' $T/r$live.dom
	ok $? "live run: events inside the slowest are listed"
	grep -q '<table id="losses">' $T/r$live.dom
	ok $? "live run: losses per CPU are listed"
fi
grep -q 'Not in this run: per-interval attribution.*zapd live --why' $T/r1.dom
ok $? "why-slow: says what the run lacks and how to record it"
grep -q 'No extra events in this run' $T/r1.dom
ok $? "fixture without extra events: says how to record them"

# default run: the latest; stdout; the same bytes as -o FILE
"$ZAPD" report --db $DB -o - > $T/latest.html
is $? 0 "-o -: exit 0"
last=$(sqlite3 $DB "SELECT max(id) FROM runs")
cmp -s $T/latest.html $T/r$last.html
ok $? "default run is the latest ($last), -o - writes the same page"

# bad command lines and failures: one line, exit code, nothing written
"$ZAPD" report --db $DB 2> $T/err
is "$?:$(lines $T/err)" "2:1" "no -o: exit 2, one line"
"$ZAPD" report --db $DB --run 0 -o $T/x.html 2> $T/err
is "$?:$(lines $T/err)" "2:1" "--run 0: exit 2, one line"
"$ZAPD" report --db $DB --run 999 -o $T/x.html 2> $T/err
is "$?:$(lines $T/err)" "1:1" "--run 999 (no such run): exit 1, one line"
grep -q "no run 999" $T/err
ok $? "... says which run"
"$ZAPD" report --db $T/none.db -o $T/x.html 2> $T/err
is "$?:$(lines $T/err)" "1:1" "missing database: exit 1, one line"
"$ZAPD" report --db $DB -o $T/nodir/x.html 2> $T/err
is "$?:$(lines $T/err)" "1:1" "unwritable output: exit 1, one line"
[ ! -e $T/x.html ] && [ -z "$(ls $T | grep '\.tmp\.')" ]
ok $? "no output and no temporary file left"
cp $T/r1.html $T/keep.html
"$ZAPD" report --db $DB --run 999 -o $T/keep.html 2> /dev/null
cmp -s $T/keep.html $T/r1.html
ok $? "a failed report leaves an existing file as it was"
if [ "$(id -u)" = 0 ] && mkdir $T/full &&
   mount -t tmpfs -o size=16k tmpfs $T/full 2> /dev/null; then
	"$ZAPD" report --db $DB --run 3 -o $T/full/r.html 2> $T/err
	is "$?:$(lines $T/err)" "1:1" "full file system: exit 1, one line"
	is "$(ls -A $T/full)" "" "... and nothing left on it"
	umount $T/full
else
	echo "# SKIP full file system: cannot mount a tmpfs"
fi
integrity $DB
done_testing
