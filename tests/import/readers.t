#!/bin/sh
# readers.t - plain sqlite3 readers while zapd imports. Four readers
# loop over every canned query (sqlite3 -cmd '.timeout 5000' zap.db <
# queries/NAME.sql, as docs/schema.md "Readers" says) while zapd imports
# ten copies of the biggest fixture (distinct content: zero bytes
# appended) and, when this host can record one, a 200000-munmap storm (a
# big run: intervals_dur dropped and rebuilt inside its transaction):
# zero reader errors, every import done, integrity_check ok. And zapd's
# own part, from the kernel's view (strace): an import never write-locks
# the database file (its lock bytes at 1 GiB: PENDING, RESERVED, SHARED),
# which would make a reader opening meanwhile fail at once.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh
DB=$T/r.db
BIG=tests/data/why-timer.dat

"$ZAPD" import tests/data/munmap-4k.dat --db $DB > /dev/null
ok $? "the database exists (first import)"
for i in 1 2 3 4 5 6 7 8 9 10; do
	cp $BIG $T/w$i.dat
	head -c $((i * 8)) /dev/zero >> $T/w$i.dat
done
if record_storm $T/storm.dat 200000; then
	STORM="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
fi

# reader N - run the canned queries until $T/stop exists; errors in
# $T/rerr.N, the number of queries run in $T/rn.N
reader() {
	_n=0
	while [ ! -e $T/stop ]; do
		for _q in queries/*.sql; do
			sqlite3 -cmd '.timeout 5000' $DB < $_q > /dev/null \
				2> $T/re.$1
			_rc=$?
			if [ $_rc -ne 0 ] || [ -s $T/re.$1 ]; then
				echo "$(basename $_q): exit $_rc: $(head -c 200 \
					$T/re.$1)" >> $T/rerr.$1
			fi
			_n=$((_n + 1))
		done
	done
	echo $_n > $T/rn.$1
}

rm -f $T/stop
rpids=
for r in 1 2 3 4; do
	reader $r &
	rpids="$rpids $!"
done
fails=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$ZAPD" import $T/w$i.dat --db $DB > /dev/null 2> $T/ierr ||
		fails=$((fails + 1))
	[ -s $T/ierr ] && fails=$((fails + 1))
done
if [ -n "$STORM" ]; then
	"$ZAPD" import $T/storm.dat $STORM --db $DB > /dev/null 2> $T/ierr ||
		fails=$((fails + 1))
	[ -s $T/ierr ] && fails=$((fails + 1))
fi
touch $T/stop
wait $rpids
is $fails 0 "every import: exit 0, nothing on stderr (readers running)"
n=$(cat $T/rn.* | paste -sd+ | bc)
cmp_ok "$n" -ge $((4 * $(ls queries/*.sql | wc -l))) \
       "the readers ran $n queries during the imports"
is "$(cat $T/rerr.* 2>/dev/null | wc -l)" 0 "zero reader errors"
cat $T/rerr.* 2>/dev/null | head -5 | sed 's/^/#   /'
is "$(sqlite3 $DB "SELECT count(*) FROM runs WHERE state = 'done'")" \
   $((11 + ${STORM:+1})) "every run is done"
is "$(sqlite3 $DB 'PRAGMA integrity_check')" ok "PRAGMA integrity_check = ok"

# zapd's own locks on the database file: read locks only
if command -v strace > /dev/null; then
	# LeakSanitizer (make check-asan) cannot run under ptrace
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	export ASAN_OPTIONS
	cp $BIG $T/x.dat
	head -c 800 /dev/zero >> $T/x.dat
	strace -f -o $T/strace -e trace=fcntl \
		"$ZAPD" import $T/x.dat --db $DB > /dev/null 2>&1
	is $? 0 "strace: the import runs"
	# only the database file has lock bytes at 1 GiB (the -shm's are
	# at 120..136, the -wal has none)
	grep -E "F_SETLKW?, \{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=10737418[0-9][0-9]," \
		$T/strace > $T/wrlocks
	is "$(lines $T/wrlocks)" 0 \
	   "strace: zapd import never write-locks the database file"
	sed 's/^/#   /' $T/wrlocks | head -3
	for q in slowest runs; do
		strace -f -o $T/strace -e trace=fcntl "$ZAPD" query $q \
			--db $DB > /dev/null 2>&1
		is "$(grep -c 'F_WRLCK.*l_start=10737418' $T/strace)" 0 \
		   "strace: zapd query $q takes no write lock on it either"
	done
else
	echo "# no strace: zapd's own locks not checked"
fi

done_testing
