#!/bin/sh
# docs.t - the man page and the bash completion: zapd.8 renders with
# groff -ww and man -l without a warning; every option of every command
# (from the getopt tables and the --help texts) is in the man page and
# the completion, and nothing else is (tests/show/options.py); the
# completion offers query names, event names from tracefs and files. The
# comparison is shown to fail on a copy with an option forgotten.
cd "$(dirname "$0")/../.." || exit 1
. tests/show/lib.sh

groff -man -ww -z man/zapd.8 > $T/groff 2>&1
is "$?:$(cat $T/groff)" "0:" "groff -man -ww -z: no warning"
MANWIDTH=80 man --warnings=w -l man/zapd.8 > $T/man 2> $T/manerr
is "$?:$(cat $T/manerr)" "0:" "man -l renders, no warning"
grep -q "^EXIT STATUS" $T/man && grep -q "^FILES" $T/man &&
	grep -q "^EXAMPLES" $T/man && grep -q "^COMMANDS" $T/man
ok $? "man page has COMMANDS, EXIT STATUS, FILES, EXAMPLES"

$PY tests/show/options.py "$ZAPD" man/zapd.8 completion/zapd daemon/src \
	> $T/opts 2> $T/optserr
rc=$?
tap_lines < $T/opts
is "$rc:$(head -c 2000 $T/optserr)" "0:" "options.py: every check ran and passed"

# the comparison can fail: an option forgotten in each place
mkdir $T/src
cp daemon/src/*.c $T/src/
sed -i 's/{ "run", required_argument, NULL, .r. },/&\n\t\t{ "bogus", no_argument, NULL, 0 },/' \
	$T/src/report.c
$PY tests/show/options.py "$ZAPD" man/zapd.8 completion/zapd $T/src 2>&1 |
	grep -c '^not ok - report: every option of its getopt table' > /dev/null
ok $? "self-check: an option in a getopt table but not in --help is found"
sed '/^\.BI \\-\\-slower\\-than " DUR"$/,+0d' man/zapd.8 > $T/bad.8
$PY tests/show/options.py "$ZAPD" $T/bad.8 completion/zapd daemon/src 2>&1 |
	grep -c '^not ok - export: man page' > /dev/null
ok $? "self-check: an option missing from the man page is found"
sed 's/ --slower-than//' completion/zapd > $T/badcomp
$PY tests/show/options.py "$ZAPD" man/zapd.8 $T/badcomp daemon/src 2>&1 |
	grep -c '^not ok - export: completion' > /dev/null
ok $? "self-check: an option missing from the completion is found"

comp() {	# comp LINE - what the completion offers, one line
	bash -c '. completion/zapd; COMP_LINE="$1"; COMP_POINT=${#COMP_LINE};
		 _zapd; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		x "$1" | sort | tr '\n' ' '
}
is "$(comp "zapd rep")" "report " "completion: command prefix"
is "$(comp "$ZAPD query --db x.db sl")" "slowest slowest-per-cpu " \
   "completion: query names after options"
case "$(comp "zapd import tests/data/munmap")" in
*tests/data/munmap-4k.dat*) ok 0 "completion: import offers .dat files" ;;
*) ok 1 "completion: import offers .dat files" ;;
esac
is "$(comp "zapd report --run ")" "" "completion: nothing for a number"
ev=/sys/kernel/tracing/available_events
if [ -r $ev ] && grep -q '^sched:sched_switch$' $ev; then
	case " $(comp "zapd live -e sched:sched_swi") " in
	*" sched_switch "*) ok 0 "completion: -e offers tracefs events (sched:sched_switch)" ;;
	*) ok 1 "completion: -e offers tracefs events (sched:sched_switch)" ;;
	esac
	case " $(comp "zapd live --pair syscalls:sys_enter_munmap,syscalls:sys_exit_munm") " in
	*" sys_exit_munmap "*) ok 0 "completion: --pair offers the END event after the comma" ;;
	*) ok 1 "completion: --pair offers the END event after the comma" ;;
	esac
else
	echo "# SKIP event names: $ev not readable"
fi
done_testing
