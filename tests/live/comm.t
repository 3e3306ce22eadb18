#!/bin/sh
# comm.t - hostile task names under zapd live --pair munmap: a name with a
# newline and a tab ('a\nb\tc'), an empty name and one ending in a
# newline are stored byte for byte (compared as hex with the bytes
# munmap-n gave prctl(PR_SET_NAME)), '' and never NULL, both while the
# task lives (/proc/PID/comm) and after it exited and was reaped (tracefs
# saved_cmdlines: zapd is stopped with SIGSTOP while the task runs, so it
# reads the task's events only once the task is gone). A stall line
# naming such a task stays one line.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
DB=$T/c.db
N=50

# the names, built without the shell's command substitution eating a
# trailing newline; the oracle is their hex as od prints it
NL=$(printf 'ab\nX')
NL=${NL%X}
TABNL=$(printf 'a\nb\tc')
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }

"$ZAPD" live --db $DB --instance $INST $PAIR --all --stall-ms 60000 \
	> $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "tracing started"

# rows_of PID - the workload's N munmaps are committed
rows_of() {
	[ "$(q $DB "SELECT count(*) FROM intervals WHERE pid = $1
		    AND finished")" -ge $N ]
}

# check NAME WHAT PID - every row of PID has the name NAME, as text
check() {
	want=$(hex "$1")
	is "$(q $DB "SELECT DISTINCT coalesce(hex(comm), 'NULL') || ' ' ||
		     typeof(comm) FROM intervals WHERE pid = $3")" \
	   "$want text" "$2: comm stored byte for byte ('$want')"
}

i=0
for name in "$TABNL" "" "$NL"; do
	i=$((i + 1))
	# 1. a living task: /proc/PID/comm
	start_workload $N --comm "$name" --sleep-ms 600000
	release_workload
	wait_for 10 rows_of $WL_PID
	ok $? "name $i, living task: its $N munmaps are committed"
	check "$name" "name $i, living task" $WL_PID
	kill $WL_BG
	wait $WL_BG 2>/dev/null

	# 2. an exited task: zapd reads its events after it was reaped
	kill -STOP $zp
	start_workload $N --comm "$name"
	go_workload
	[ ! -e /proc/$WL_PID ]
	ok $? "name $i, exited task: pid $WL_PID is gone before zapd reads"
	kill -CONT $zp
	wait_for 10 rows_of $WL_PID
	ok $? "name $i, exited task: its $N munmaps are committed"
	check "$name" "name $i, exited task (saved_cmdlines)" $WL_PID
done
kill -INT $zp
wait $zp
is $? 0 "SIGINT: exit 0"
quiet_err "hostile names"
is "$(q $DB "SELECT count(*) FROM intervals WHERE comm IS NULL
	     AND pid IN (SELECT pid FROM intervals WHERE comm = '')")" 0 \
   "the empty name is never NULL"
is "$(q $DB "SELECT count(*) FROM task_stats WHERE comm = CAST(X'$(hex "$TABNL")' AS TEXT)")" 2 \
   "task_stats: both tasks named a<NL>b<TAB>c, byte for byte"
is "$(q $DB 'PRAGMA integrity_check')" ok "PRAGMA integrity_check = ok"

# a stall line naming a task called 'a\nb\tc' is one line
rm -f $DB $DB-wal $DB-shm
start_workload 0 --comm "$TABNL" --sleep-ms 1500
"$ZAPD" live --db $DB --instance $INST --pid $WL_PID --stall-ms 100 \
	--pair syscalls:sys_enter_clock_nanosleep,syscalls:sys_exit_clock_nanosleep \
	> $T/out 2> $T/err &
zp=$!
bg_pids="$bg_pids $zp"
wait_for 10 live_ready $DB
ok $? "stall: tracing started"
go_workload
kill -INT $zp
wait $zp
is $? 0 "stall: exit 0"
grep -v '^zapd: live: rows only' $T/err > $T/err2
is "$(lines $T/err2)" 1 "stall: one line on stderr"
grep -q "^zapd: stall: sys_enter_clock_nanosleep open for .* pid $WL_PID (a\\\\nb\\\\tc)\$" $T/err2
ok $? "stall: the name is escaped on that line, in one line"
[ $? -eq 0 ] || sed 's/^/#   /' $T/err
is "$(q $DB "SELECT hex(comm) FROM intervals WHERE pid = $WL_PID")" \
   "$(hex "$TABNL")" "stall: the row has the name byte for byte"
is "$(q $DB 'PRAGMA integrity_check')" ok "stall: PRAGMA integrity_check = ok"

done_testing
