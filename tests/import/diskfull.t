#!/bin/sh
# diskfull.t - zapd import into a database on a full disk (a real tmpfs,
# 1 to 200 MB): the free space is put before every phase of an import
# (opening and creating the schema, the run row, the rows, the index
# build, the final commit, the checkpoint). Each failing import says
# exactly one line and exits non-zero; no table holds a row of a run that
# is not done (nothing of it is visible), the earlier runs are what they
# were (row counts per run and table, and zapd query output), and
# PRAGMA integrity_check is ok. An import whose commit got through but
# whose checkpoint did not is done and whole (exit 0, one line). With
# space again, the same import goes through and has the rows a reference
# import has.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

M=$T/m
need_tmpfs $M
trap 'umount $M 2>/dev/null; rm -rf "$T"' EXIT
PAIR="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"

# the big input: 200000 munmaps recorded here (deferred index path); the
# biggest fixture if this host cannot record
BIG=$T/storm.dat
if record_storm $BIG 200000; then
	BIGARGS=$PAIR
else
	echo "# cannot record a munmap storm here: the biggest fixture instead"
	BIG=tests/data/why-timer.dat BIGARGS=
fi
"$ZAPD" import $BIG $BIGARGS --db $T/ref.db > /dev/null 2>&1
ok $? "reference import of $(basename $BIG) (no space limit)"
REF=$(sqlite3 $T/ref.db "SELECT count(*) || ' ' || coalesce(sum(dur_ns), 0)
			 FROM intervals")

# not_done DB - rows of runs that are not done, in every table with a
# run_id (and stages, interval_why without their interval): must be 0
not_done() {
	if [ "$(sqlite3 "$1" "SELECT count(*) FROM sqlite_schema WHERE
			      name IN ('stages', 'interval_why')")" != 2 ]; then
		echo 0		# no schema (yet): no run
		return
	fi
	_n=0
	for _t in $(sqlite3 "$1" "SELECT m.name FROM sqlite_schema AS m,
		pragma_table_info(m.name) AS p WHERE m.type = 'table'
		AND p.name = 'run_id'"); do
		_n=$((_n + $(sqlite3 "$1" "SELECT count(*) FROM $_t WHERE
			run_id NOT IN (SELECT id FROM runs WHERE state = 'done')")))
	done
	_n=$((_n + $(sqlite3 "$1" "SELECT (SELECT count(*) FROM stages WHERE
		interval_id NOT IN (SELECT id FROM interval_rows)) +
		(SELECT count(*) FROM interval_why WHERE interval_id NOT IN
		(SELECT id FROM interval_rows)) + (SELECT count(*) FROM runs
		WHERE state != 'done')")))
	echo $_n
}

# snapshot DB - rows per run and table, and what zapd query shows
snapshot() {
	for _t in $(sqlite3 "$1" "SELECT m.name FROM sqlite_schema AS m,
		pragma_table_info(m.name) AS p WHERE m.type = 'table'
		AND p.name = 'run_id' ORDER BY 1"); do
		sqlite3 "$1" "SELECT '$_t', run_id, count(*) FROM $_t
			      WHERE run_id IN (1, 2) GROUP BY 2"
	done
	for _q in slowest percentiles lost; do	# the ones with a run
		"$ZAPD" query $_q -n 50 --csv --db "$1" 2>&1 |
			awk -F, '$1 == "run" || $1 == 1 || $1 == 2'
	done
}

# fill FREE - fill the tmpfs, then free FREE bytes of it
fill() {
	rm -f $M/fill
	dd if=/dev/zero of=$M/fill bs=64k 2>/dev/null
	truncate -s -"$1" $M/fill
}

# import_full NAME DB ARGS... - zapd import; sets RC, LINES, PHASE
# (none: nothing of the schema; schema: part of it; run: the run failed
# after the schema; ckpt: committed, not checkpointed; ok)
import_full() {
	_name=$1 _db=$2
	shift 2
	"$ZAPD" import "$@" --db $_db > $T/out 2> $T/err
	RC=$?
	LINES=$(lines $T/err)
	v=$(sqlite3 $_db 'PRAGMA user_version' 2>/dev/null)
	if [ $RC -eq 0 ] && [ "$LINES" = 0 ]; then
		PHASE=ok
	elif [ $RC -eq 0 ]; then
		PHASE=ckpt
	elif [ "${v:-0}" = 0 ]; then
		PHASE=none
	elif [ "$v" -lt "$(ls schema/*.sql | wc -l)" ]; then
		PHASE=schema
	else
		PHASE=run
	fi
	echo "# $_name: exit $RC, phase $PHASE: $(head -c 200 $T/err)"
}

# check NAME DB - the invariants after an import into a full disk (read
# with space again: on a full disk no reader can create the -shm file)
check() {
	rm -f $M/fill
	if [ $RC -eq 0 ]; then
		cmp_ok "$LINES" -le 1 "$1: exit 0, at most one line"
		if [ "$LINES" = 1 ]; then
			grep -q "run [0-9]* is imported, but the checkpoint failed: database or disk is full" $T/err
			ok $? "$1: ... saying the checkpoint failed"
		fi
	else
		is "$LINES" 1 "$1: exit $RC, exactly one line"
		grep -qi "^zapd: .*\(database or disk is full\|No space left on device\)" $T/err
		ok $? "$1: ... saying the disk is full"
	fi
	if [ -s $2 ]; then
		is "$(not_done $2)" 0 "$1: no row of a run that is not done"
		is "$(sqlite3 $2 'PRAGMA integrity_check')" ok \
		   "$1: integrity_check ok"
	fi
}

# 1. a fresh database, the tmpfs 1..24 MB, or 1 MB with 0..512 KiB free
TALLY=
for sz in 0 16K 64K 128K 256K 512K 1M 2M 4M 6M 8M 10M 12M 16M 20M 24M; do
	case $sz in
	*K) mb=1; free=$sz ;;
	*) mb=${sz%M}; free= ;;
	esac
	[ "$mb" = 0 ] && mb=1 free=0
	mount -t tmpfs -o size=${mb}M none $M
	[ -n "$free" ] && fill $free
	import_full "fresh, $sz" $M/z.db $BIG $BIGARGS
	TALLY="$TALLY $PHASE"
	check "fresh, $sz" $M/z.db
	if [ $RC -eq 0 ]; then
		is "$(sqlite3 $M/z.db "SELECT count(*) || ' ' ||
		   coalesce(sum(dur_ns), 0) FROM intervals")" "$REF" \
		   "fresh, $sz: the run has every row of the reference"
	fi
	umount $M
done

# 2. earlier runs, then a tmpfs of 200 MB with 0..32 MB free
for mb in 200; do
	mount -t tmpfs -o size=${mb}M none $M
	"$ZAPD" import tests/data/why-timer.dat --db $M/e.db > /dev/null &&
	"$ZAPD" import tests/data/two-threads.dat --db $M/e.db > /dev/null
	ok $? "$mb MB: two earlier runs imported"
	snapshot $M/e.db > $T/before
	cp $M/e.db $T/e.db.orig
	for free in 0 64K 512K 2M 4M 6M 8M 10M 12M 14M 16M 20M 24M 32M; do
		cp $T/e.db.orig $M/e.db
		rm -f $M/e.db-wal $M/e.db-shm
		fill $free
		import_full "$mb MB, $free free" $M/e.db $BIG $BIGARGS
		TALLY="$TALLY $PHASE"
		check "$mb MB, $free free" $M/e.db
		snapshot $M/e.db > $T/after
		cmp -s $T/before $T/after
		rc=$?
		ok $rc "$mb MB, $free free: the earlier runs are intact"
		[ $rc -eq 0 ] || diff $T/before $T/after | head -5 | sed 's/^/#   /'
		"$ZAPD" import $BIG $BIGARGS --db $M/e.db > $T/out 2> $T/err
		rc=$?
		if [ $RC -ne 0 ]; then
			is "$rc $(lines $T/err)" "0 0" \
			   "$mb MB, $free free: with space again it imports"
		fi
		is "$(sqlite3 $M/e.db "SELECT count(*) || ' ' ||
		   coalesce(sum(dur_ns), 0) FROM intervals WHERE run_id NOT IN
		   (1, 2)")" "$REF" \
		   "$mb MB, $free free: ... with every row of the reference"
	done
	is "$(sqlite3 $M/e.db 'PRAGMA integrity_check')" ok \
	   "$mb MB: integrity_check ok at the end"
	umount $M
done

# every phase was hit (the tally of the outcomes above)
echo "# phases:$TALLY"
for p in none schema run ckpt ok; do
	echo "$TALLY" | grep -qw $p
	ok $? "the free space fell in phase '$p' at least once"
done

done_testing
