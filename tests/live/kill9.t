#!/bin/sh
# kill9.t - kill -9 of zapd live at any moment leaves no tracing behind.
# Plain and --user runs under a munmap storm are killed at moments found
# from their state (the instance appears, the run row is committed, the
# drain after SIGTERM) and at random delays after the start (setup);
# --user: the root parent (its tracer must stop: PR_SET_PDEATHSIG) and the
# tracer itself. After each kill, once no process of that zapd holds its
# owner file (/run/zapd/instances/NAME.owner, flock): no instance is left
# (zapd's guardian removed it), the database passes integrity_check, and
# the next zapd live on the same name and database runs (exit 0) and
# leaves every run settled. Killing the guardian too leaves the instance
# tracing unread until the next zapd live: that one removes it (any name)
# and says so in one line. Never removed: an instance zapd did not create,
# one a living zapd uses, one re-created by someone else under the name of
# a dead zapd's.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
OWN=/run/zapd/instances
if ! command -v flock > /dev/null; then
	echo "1..0 # SKIP no flock(1) (util-linux)"
	exit 0
fi
mkdir $T/u && chown nobody $T/u
PDB=$T/p.db		# plain runs
UDB=$T/u/k.db		# --user runs (a directory nobody can write)
DB=$PDB
NEXT=			# the next run's extra options (--user nobody)
rm -f $OWN/$INST*.owner

"$MUNMAP_N" 1000000000 > /dev/null &
STORM=$!
bg_pids="$bg_pids $STORM"

# owner_free NAME - no process of that zapd holds NAME's owner file
# (opened read-only: flock(1) FILE would create a missing one)
owner_free() {
	_f=$OWN/$1.owner
	[ -e $_f ] || return 0
	{ flock -n 9; } 9< $_f 2>/dev/null && return 0
	[ ! -e $_f ]
}
# gone PID - the process exited (a zombie counts: pid 1 may not reap)
gone() {
	[ ! -e /proc/$1 ] || [ "$(awk '{ print $3 }' /proc/$1/stat)" = Z ]
}
inst_exists() { [ -d $TR/instances/$INST ]; }
# rand_ms MAX - a random number of ms below MAX
rand_ms() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
# start_zapd [ARGS] - zapd live on $INST and $DB in the background (ZP)
start_zapd() {
	"$ZAPD" live --db $DB --instance $INST $PAIR --comm munmap-n --all \
		--stall-ms 60000 "$@" > $T/out 2> $T/err &
	ZP=$!
	bg_pids="$bg_pids $ZP"
}

# after_kill NAME - what must hold once a killed zapd is gone: no
# instance, a sound database, and a next run that settles the killed one
after_kill() {
	wait_for 20 owner_free $INST
	ok $? "$1: its processes are gone (owner file free)"
	inst_exists
	ok $((! $?)) "$1: no instance left"
	if [ -s $DB ]; then
		is "$(q $DB 'PRAGMA integrity_check')" ok "$1: integrity_check ok"
	fi
	"$ZAPD" live --db $DB --instance $INST $PAIR --comm munmap-n \
		--duration 0.2 $NEXT > $T/out2 2> $T/err2
	is $? 0 "$1: the next zapd live on the same name runs (exit 0)"
	grep -v "rows only for\|was interrupted: kept\|removed the tracefs" \
		$T/err2 > $T/err3
	is "$(cat $T/err3)" "" "$1: ... saying nothing unexpected"
	is "$(q $DB "SELECT count(*) FROM runs WHERE state != 'done'")" 0 \
	   "$1: ... after which every run is settled"
	inst_exists
	ok $((! $?)) "$1: ... and no instance is left"
}

# kill_at MODE WHEN [ARGS] - start, wait for WHEN, kill -9 the main pid
kill_at() {
	mode=$1 when=$2
	shift 2
	start_zapd "$@"
	case $when in
	instance) wait_for 10 inst_exists ;;
	tracing) wait_for 10 live_ready $DB && sleep 0.2 ;;
	drain) wait_for 10 live_ready $DB && kill -TERM $ZP ;;
	*) sleep "$(echo "$when" | awk '{ printf "%.3f", $1 / 1000 }')" ;;
	esac
	kids=$(pgrep -P $ZP | paste -sd' ')
	tracer=$(pgrep -P $ZP -u nobody)
	kill -9 $ZP
	wait $ZP 2>/dev/null
	if [ -n "$tracer" ]; then
		wait_for 10 gone $tracer
		ok $? "$mode at $when: the tracer (pid $tracer) stopped with its root parent"
	fi
	after_kill "$mode at $when"
}

for when in instance tracing drain $(rand_ms 40) $(rand_ms 150) \
	    $(rand_ms 300) $(rand_ms 600); do
	kill_at plain $when
done
DB=$UDB NEXT="--user nobody"
for when in instance tracing drain $(rand_ms 40) $(rand_ms 150) \
	    $(rand_ms 300) $(rand_ms 600); do
	kill_at --user $when --user nobody
done

# --user: the tracer killed, the root parent removes the instance at once
start_zapd --user nobody
wait_for 10 live_ready $DB
tracer=$(pgrep -P $ZP -u nobody)
kill -9 $tracer
wait $ZP
is $? 1 "--user, tracer killed: the parent exits 1"
inst_exists
ok $((! $?)) "--user, tracer killed: the parent removed the instance"
after_kill "--user, tracer killed"
DB=$PDB NEXT=

# a plain run killed while tracing: the guardian says so in one line
start_zapd
wait_for 10 live_ready $DB
kill -9 $ZP
wait $ZP 2>/dev/null
wait_for 20 owner_free $INST
grep -q "^zapd: live: zapd live pid $ZP was killed: removed its tracefs instance '$INST' (it was tracing)$" $T/err
ok $? "guardian: one line naming the killed pid and the instance"
after_kill "guardian"

# the guardian killed too: the instance keeps tracing, unread, until the
# next zapd live (another name) removes it with one line
start_zapd
wait_for 10 live_ready $DB
kill -9 $ZP $(pgrep -P $ZP)
wait $ZP 2>/dev/null
wait_for 20 owner_free $INST
is "$(cat $TR/instances/$INST/tracing_on 2>&1)" 1 \
   "all killed: the instance is left tracing (nobody reads it)"
"$ZAPD" live --db $T/other.db --instance $INST.n $PAIR --duration 0.2 \
	> $T/out2 2> $T/err2
is $? 0 "all killed: the next zapd live (another name) runs"
grep -q "^zapd: live: removed the tracefs instance of a zapd live that was killed: '$INST' (pid $ZP, was tracing)$" $T/err2
rc=$?
ok $rc "... removes the leftover, saying so in one line"
[ $rc -eq 0 ] || sed 's/^/#   /' $T/err2
is "$(grep -c 'removed the tracefs' $T/err2)" 1 "... one line"
inst_exists
ok $((! $?)) "... the leftover is gone"
[ ! -e $OWN/$INST.owner ]
ok $? "... and its owner file"
after_kill "all killed"

# never removed: an instance zapd did not create (no owner file)
mkdir $TR/instances/$INST.f
"$ZAPD" live --db $T/other.db --instance $INST.f $PAIR --duration 0.2 \
	> $T/out2 2> $T/err2
is $? 1 "foreign instance: zapd live on its name refuses (exit 1)"
is "$(lines $T/err2)" 1 "... in one line"
"$ZAPD" live --db $T/other.db --instance $INST.n $PAIR --duration 0.2 \
	> $T/out2 2> $T/err2
is $? 0 "foreign instance: zapd live on another name runs"
[ -d $TR/instances/$INST.f ]
ok $? "... and leaves the foreign instance alone"
rmdir $TR/instances/$INST.f

# never removed: the instance of a living zapd
start_zapd
wait_for 10 live_ready $DB
"$ZAPD" live --db $T/other.db --instance $INST $PAIR --duration 0.2 \
	> $T/out2 2> $T/err2
is $? 1 "in use: a second zapd live on its name refuses (exit 1)"
grep -q "tracefs instance '$INST' already exists" $T/err2
ok $? "... saying it exists"
"$ZAPD" live --db $T/other.db --instance $INST.n $PAIR --duration 0.2 \
	> $T/out2 2> $T/err2
is $? 0 "in use: a zapd live on another name runs (and sweeps)"
inst_exists
ok $? "... the living zapd's instance is still there"
is "$(cat $TR/instances/$INST/tracing_on)" 1 "... still tracing"
kill -INT $ZP
wait $ZP
is $? 0 "in use: the living zapd stops normally (exit 0)"
inst_exists
ok $((! $?)) "... and removes its instance"

# never removed: a dead zapd's name re-created by someone else
start_zapd
wait_for 10 live_ready $DB
kill -9 $ZP $(pgrep -P $ZP)
wait $ZP 2>/dev/null
wait_for 20 owner_free $INST
rmdir $TR/instances/$INST && mkdir $TR/instances/$INST
ok $? "re-created: the dead zapd's instance replaced by a foreign one"
"$ZAPD" live --db $T/other.db --instance $INST.n $PAIR --duration 0.2 \
	> $T/out2 2> $T/err2
is $? 0 "re-created: the next zapd live runs"
inst_exists
ok $? "... and leaves the foreign instance of that name alone"
[ ! -e $OWN/$INST.owner ]
ok $? "... while the dead zapd's owner file is gone"
rmdir $TR/instances/$INST

ls $OWN 2>/dev/null | grep -q "^$INST"
ok $((! $?)) "no owner file of this test is left in $OWN"
is "$(q $DB 'PRAGMA integrity_check')" ok "PRAGMA integrity_check = ok"
kill $STORM

done_testing
