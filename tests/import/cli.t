#!/bin/sh
# cli.t - zapd command line and failure paths: every bad input gives ONE
# line on stderr, a non-zero exit, and no partial run in the database.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

"$ZAPD" --help > $T/out 2>&1
ok $? "--help exits 0"
grep -q 'zapd.*import FILE.dat' $T/out
ok $? "--help shows import usage"
"$ZAPD" --version | grep -q '^zapd [0-9]'
ok $? "--version"
"$ZAPD" frobnicate 2> $T/err
is $? 2 "unknown command: exit 2"

# missing file
"$ZAPD" import $T/nope.dat --db $T/a.db 2> $T/err
is $? 1 "missing file: exit 1"
is "$(lines $T/err)" 1 "missing file: one line"
grep -q "^zapd: cannot open '.*nope.dat': No such file or directory$" $T/err
ok $? "missing file: message names file and errno"
[ ! -e $T/a.db ]
ok $? "missing file: no database created"

# unreadable file (root reads anything: use a directory)
"$ZAPD" import $T --db $T/a.db 2> $T/err
is $? 1 "directory as input: exit 1"
is "$(lines $T/err)" 1 "directory as input: one line"

# not a trace.dat
printf 'hello, not a trace\n' > $T/bad.dat
"$ZAPD" import $T/bad.dat --db $T/a.db 2> $T/err
is $? 1 "not a trace.dat: exit 1"
is "$(lines $T/err)" 1 "not a trace.dat: one line"
grep -q "not a trace.dat" $T/err
ok $? "not a trace.dat: says so"
[ ! -e $T/a.db ]
ok $? "not a trace.dat: no database created"

# trace.dat magic but garbage after it
printf '\027\010Dtracing6\000garbage' > $T/trunc0.dat
"$ZAPD" import $T/trunc0.dat --db $T/a.db 2> $T/err
is $? 1 "header-truncated trace.dat: exit 1"
is "$(lines $T/err)" 1 "header-truncated trace.dat: one line"
grep -q "truncated or corrupt" $T/err
ok $? "header-truncated: says truncated or corrupt"

# newer schema
sqlite3 $T/new.db 'PRAGMA user_version = 99; CREATE TABLE x(y);'
"$ZAPD" query slowest --db $T/new.db > /dev/null 2> $T/err
is $? 1 "newer schema (query): exit 1"
is "$(lines $T/err)" 1 "newer schema (query): one line"
grep -q "schema version 99, newer" $T/err
ok $? "newer schema: says so"
integrity $T/new.db
is "$(sqlite3 $T/new.db 'PRAGMA user_version')" 99 "newer schema untouched"

# unwritable database path
"$ZAPD" query slowest --db $T/none.db 2> $T/err
is $? 1 "query on missing db: exit 1"
is "$(lines $T/err)" 1 "query on missing db: one line"

# query names
"$ZAPD" query --list > $T/out
ok $? "query --list"
for q in slowest slowest-per-cpu per-process histogram stages lock-wait \
	 hung tainted lost inside percentiles percentiles-window; do
	grep -q "^$q " $T/out
	ok $? "query --list has $q"
done
"$ZAPD" query nosuch --db $T/new.db 2> $T/err
is $? 1 "unknown query: exit 1"

# a database that is not zapd's
sqlite3 $T/empty.db 'CREATE TABLE t(x)'
"$ZAPD" query slowest --db $T/empty.db > /dev/null 2> $T/err
is $? 1 "query on a non-zapd database: exit 1"
grep -q "not a zapd database" $T/err
ok $? "query on a non-zapd database: says so"
printf 'plain text\n' > $T/text.db
"$ZAPD" query slowest --db $T/text.db > /dev/null 2> $T/err
is $? 1 "query on a text file: exit 1"
is "$(lines $T/err)" 1 "query on a text file: one line"

# --slower-than, --all, --window: one line, exit 2, no database
for a in "--slower-than 5" "--slower-than -1ms" "--slower-than 1.5" \
	 "--slower-than 2d" "--slower-than ms" "--slower-than 2ms --all" \
	 "--all --slower-than 1us" "--slower-than 90000s" "--window 0" \
	 "--window -1" "--window 1x" "--slower-than"; do
	"$ZAPD" import tests/data/munmap-4k.dat --db $T/k.db $a > $T/out 2> $T/err
	is "$? $(lines $T/err)" "2 1" "import $a: exit 2, one line"
	[ ! -e $T/k.db ]
	ok $? "import $a: no database created"
done
"$ZAPD" import tests/data/munmap-4k.dat --db $T/k.db --all --slower-than 1us \
	2> $T/err
grep -q "^zapd: import: --all and --slower-than exclude each other (zapd import --help)$" $T/err
ok $? "--all with --slower-than: says they exclude each other"
"$ZAPD" import tests/data/munmap-4k.dat --db $T/k.db --slower-than 5 2> $T/err
grep -q "bad --slower-than '5' (want a duration" $T/err
ok $? "--slower-than without a unit: says it wants a duration"
for a in "1500ns 1500" "2.5us 2500" "50us 50000" "2ms 2000000" "1s 1000000000" \
	 "0.5ms 500000"; do
	set -- $a
	rm -f $T/k.db
	"$ZAPD" import tests/data/munmap-4k.dat --db $T/k.db --slower-than $1 \
		> /dev/null 2>&1
	is "$(sqlite3 $T/k.db "SELECT slower_than_ns FROM runs")" $2 \
	   "--slower-than $1 = $2 ns"
done
"$ZAPD" import --help > $T/out
for o in --slower-than --all --window; do
	grep -q -- "$o" $T/out
	ok $? "import --help documents $o"
done
"$ZAPD" live --help > $T/out
for o in --slower-than --all --window "default 100us"; do
	grep -q -- "$o" $T/out
	ok $? "live --help documents $o"
done

done_testing
