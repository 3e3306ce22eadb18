#!/bin/sh
# errors.t - zapd live's error paths: each one line on stderr, non-zero
# exit, no instance left behind, no database created when the command
# line or the events are wrong.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"

# fails NAME RC GREP ARGS... - zapd live ARGS must exit RC with one line
# matching GREP, leave no instance
fails() {
	name=$1 want=$2 pat=$3
	shift 3
	$AS "$ZAPD" live --instance $INST --duration 1 "$@" > $T/out 2> $T/err
	is $? $want "$name: exit $want"
	is "$(lines $T/err)" 1 "$name: one line on stderr"
	grep -q -- "$pat" $T/err
	ok $? "$name: says '$pat'"
	[ $? -eq 0 ] || sed 's/^/#   /' $T/err
	no_instance
	ok $? "$name: no instance left"
}

fails "unknown event" 1 "unknown event 'nosuch:event'" \
	--db $T/a.db $PAIR -e nosuch:event
[ ! -e $T/a.db ]
ok $? "unknown event: no database created"
fails "unknown pair event" 1 "unknown event 'syscalls:sys_enter_nosuch'" \
	--db $T/a.db --pair syscalls:sys_enter_nosuch,syscalls:sys_exit_munmap
fails "zap events on a stock kernel" 1 "no zap events" --db $T/a.db
fails "filter rejected" 1 "Field not found" \
	--db $T/a.db $PAIR --filter 'nosuchfield == 1'
grep -q "the kernel rejects filter '(nosuchfield == 1)'" $T/err
ok $? "filter rejected: shows the filter and the kernel's error_log line"
fails "pair key field missing" 1 "has no field 'nosuch'" \
	--db $T/a.db --pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap,nosuch
fails "--mm without zap events" 1 "no enabled event has an mm field" \
	--db $T/a.db $PAIR --mm 0xffff888004a5c000
fails "unwritable DB (no such directory)" 1 "cannot open database" \
	--db $T/nosuchdir/x.db $PAIR
mkdir $T/dir.db
fails "unwritable DB (a directory)" 1 "database" --db $T/dir.db $PAIR
mkdir $T/ro && chown nobody $T/ro && chmod 500 $T/ro
fails "unwritable DB after --user" 1 "database" \
	--db $T/ro/x.db $PAIR --user nobody
fails "bad option" 2 "bad option or missing argument '--nosuch'" --db $T/a.db --nosuch
fails "bad --pair" 2 "bad --pair" --db $T/a.db --pair nonsense
fails "bad --stall-ms" 2 "bad --stall-ms" --db $T/a.db $PAIR --stall-ms 0
fails "unknown --user" 2 "unknown user" --db $T/a.db $PAIR --user nosuchuser_zz
AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fails "not root" 1 "must run as root" --db $T/a.db $PAIR
AS=
mkdir $TR/instances/$INST
"$ZAPD" live --instance $INST --duration 1 --db $T/a.db $PAIR > $T/out 2> $T/err
is $? 1 "instance in use: exit 1"
is "$(lines $T/err)" 1 "instance in use: one line"
[ -d $TR/instances/$INST ]
ok $? "instance in use: the other instance is left alone"
rmdir $TR/instances/$INST

# tracefs not mounted: zapd mounts it (private mount namespace)
unshare -m sh -c "umount $TR 2>/dev/null; umount -l $TR 2>/dev/null;
	[ ! -e $TR/instances ] || exit 9
	\"$ZAPD\" live --instance $INST --duration 0.2 --db $T/m.db $PAIR" \
	> $T/out 2> $T/err
rc=$?
is $rc 0 "tracefs not mounted: zapd mounts it and runs"
[ $rc -eq 0 ] || sed 's/^/#   /' $T/err
# no tracefs at all: the mount point is unusable (read-only empty tmpfs)
unshare -m sh -c "umount -l $TR 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null;
	mount -t tmpfs -o ro,size=1k none /sys/kernel || exit 9
	exec \"$ZAPD\" live --instance $INST --duration 0.2 --db $T/n.db $PAIR" \
	> $T/out 2> $T/err
is $? 1 "no tracefs: exit 1"
is "$(lines $T/err)" 1 "no tracefs: one line"
grep -q "tracefs is not mounted" $T/err
ok $? "no tracefs: says so"
no_instance
ok $? "no instance left after all error paths"

done_testing
