#!/bin/sh
# usage.t - bad command lines of every subcommand: exit 2, exactly one
# line on stderr naming the help to read, nothing on stdout, and nothing
# created (no database, no output file), before any input is read.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh
F=tests/data/munmap-4k.dat
D="--db $T/x.db"
while IFS= read -r line; do
	eval "set -- $line"
	"$ZAPD" "$@" > $T/out 2> $T/err
	rc=$?
	is "$rc:$(lines $T/err):$(wc -c < $T/out)" "2:1:0" "zapd $line: exit 2, one line"
	grep -Eq '^zapd: .*\((zapd( [a-z]+)? --help|zapd query --list)\)$' $T/err
	ok $? "... says which help to read: $(cat $T/err)"
	is "$(ls $T | grep -cv '^out$\|^err$')" 0 "... creates nothing"
done <<LIST
import
import $F $F $D
import --bogus $F $D
import --pair A,B, $F $D
import --pair '' $F $D
import --pair sys:a $F $D
import --db '' $F
import --slower-than 5xs $F $D
import --slower-than -1us $F $D
import --window 0 $F $D
import --window abc $F $D
import --all --slower-than 1ms $F $D
import $F $D --run-label
query
query slowest -n '' $D
query slowest -n 18446744073709551616 $D
query slowest -n -1 $D
query slowest -n abc $D
query slowest --csv --json $D
query slowest --db ''
live --mm zz $D
live --buffer-kb 0 $D
live --duration abc $D
live --commit-ms -5 $D
live --stall-ms x $D
live --pid abc $D
live --instance '' $D
live --slower-than 1ms --all $D
report $D
report -o
report --run abc -o $T/r.html $D
export $D
export --perfetto
export --perfetto $T/x.json --slower-than zz $D
frobnicate
-x
LIST
done_testing
