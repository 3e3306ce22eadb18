#!/bin/sh
# diskfull.t - zapd live runs out of space: its database on a real tmpfs
# of 1 to 8 MB (and 1 MB nearly full before it starts), --all under a
# munmap storm, plain and --user. zapd stops by itself: exit 1, exactly
# one line (besides the row-threshold line), no instance left, the run
# settled (done, incomplete: at once, or by the next writer when not even
# that could be written), its committed rows kept, PRAGMA integrity_check
# ok.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
need_host
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
M=$T/m
need_tmpfs $M
trap 'umount $M 2>/dev/null; cleanup' EXIT

"$MUNMAP_N" 1000000000 > /dev/null &
STORM=$!
bg_pids="$bg_pids $STORM"

# full NAME MB FREE [ARGS] - zapd live into a tmpfs of MB MB with FREE
# bytes left free ("" = all of it) until it stops
full() {
	name=$1 mb=$2 free=$3
	shift 3
	mount -t tmpfs -o size=${mb}M none $M
	chmod 777 $M
	if [ -n "$free" ]; then
		dd if=/dev/zero of=$M/fill bs=64k 2>/dev/null
		truncate -s -"$free" $M/fill
	fi
	"$ZAPD" live --db $M/l.db --instance $INST $PAIR --comm munmap-n \
		--all --commit-ms 50 --duration 600 "$@" > $T/out 2> $T/err
	rc=$?
	rm -f $M/fill
	is $rc 1 "$name: zapd stops by itself, exit 1"
	grep -v '^zapd: live: a row for every interval' $T/err > $T/err2
	is "$(lines $T/err2)" 1 "$name: exactly one line"
	grep -qi "database or disk is full\|no space left on device" $T/err2
	ok $? "$name: ... saying the disk is full"
	[ $? -eq 0 ] || sed 's/^/#   /' $T/err
	no_instance
	ok $? "$name: no instance left"
	if [ "$(sqlite3 $M/l.db "SELECT count(*) FROM sqlite_schema
				 WHERE name = 'runs'" 2>/dev/null)" = 1 ]; then
		st=$(q $M/l.db "SELECT group_concat(state || '/' || complete)
				FROM runs")
		echo "# $name: run after the stop: $st"
		rows=$(q $M/l.db "SELECT count(*) FROM intervals")
		# with space again (the tmpfs grown), a writer opening the
		# database settles what is left
		mount -o remount,size=64M $M
		"$ZAPD" import tests/data/munmap-4k.dat --db $M/l.db \
			> /dev/null 2>&1
		ok $? "$name: with space again, the next writer runs"
		is "$(q $M/l.db "SELECT state || '/' || complete FROM runs
				 WHERE id = 1")" "done/0" \
		   "$name: the run is settled: done, incomplete"
		is "$(q $M/l.db "SELECT count(*) FROM intervals
				 WHERE run_id = 1")" "$rows" \
		   "$name: its committed rows are kept ($rows)"
		is "$(q $M/l.db 'PRAGMA integrity_check')" ok \
		   "$name: integrity_check ok"
	fi
	umount $M
}

for mb in 1 2 4 8; do
	full "$mb MB" $mb ""
done
full "1 MB, 64 KiB free" 1 64K
full "1 MB, 256 KiB free" 1 256K
full "2 MB, --user" 2 "" --user nobody
kill $STORM

done_testing
