#!/bin/sh
# reader.t - zapd import reads the trace.dat in a process of its own
# (reader.c, tracedat.c, unzip.c):
#  - every fixture (compressed, trace-cmd's default), its uncompressed copy
#    and its version 6 copy (trace-cmd convert) store the same rows;
#  - decompression uses files without a name in $TMPDIR, checked against
#    its free space first: none is left after a normal exit, an error exit
#    or a kill -9 (at several moments, while they exist); libtracecmd's
#    /tmp/trace_cpu_data* files are never made;
#  - the reader process crashing (SIGSEGV) or hanging (SIGSTOP) in the
#    middle: what came before is imported, the run marked incomplete,
#    exit 3, one line; before its first record: nothing stored, exit 1;
#  - kill -9 of the import at several moments: earlier runs intact, the
#    same file imports again;
#  - a FIFO without a writer, a directory, a device: refused at once; a
#    real header with a 1 GiB sparse tail (libtracecmd walks it 16 bytes
#    at a time): bounded, one line;
#  - the progress line: on a terminal only, erased at the end, not with -q.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh
TMP=$T/tmp
mkdir -p $TMP
trap 'umount $TMP 2>/dev/null; rm -rf "$T"' EXIT
PY="/usr/bin/python3 -B"

# dump DB - every row of every table (runs: all but the file's identity)
dump() {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type =
		   'table' ORDER BY name"); do
		if [ $t = runs ]; then
			sqlite3 "$1" "SELECT id, source, label, kernel, host,
				clock, buffers, first_ts, last_ts, events,
				zap_events, complete, state, first_id, last_id,
				slower_than_ns, window_ns FROM runs"
		else
			sqlite3 "$1" "SELECT * FROM $t"
		fi | sed "s/^/$t|/"
	done
}

# compressed FILE - 0 if FILE's header names zstd or zlib compression
compressed() {
	head -c 64 "$1" | grep -qa -e zstd -e zlib
}

# 1. the same rows from every form of every fixture
for f in tests/data/*.dat; do
	n=$(basename $f .dat)
	trace-cmd convert --compression none -i $f -o $T/$n-none.dat \
		> /dev/null 2>&1
	trace-cmd convert --file-version 6 -i $f -o $T/$n-v6.dat \
		> /dev/null 2>&1
	compressed $f && ! compressed $T/$n-none.dat
	ok $? "$n: the fixture is compressed, its -none copy is not"
	is "$(head -c 11 $T/$n-v6.dat | tail -c 1)" 6 "$n: the copy is version 6"
	for v in "" -none -v6; do
		src=$f
		[ -n "$v" ] && src=$T/$n$v.dat
		rm -f $T/r.db*
		"$ZAPD" import $src --db $T/r.db > /dev/null 2> $T/err
		is "$?:$(cat $T/err)" "0:" "$n$v: imported, quiet"
		dump $T/r.db > $T/$n$v.rows
	done
	cmp -s $T/$n.rows $T/$n-none.rows
	ok $? "$n: compressed and uncompressed: identical rows ($(lines $T/$n.rows))"
	cmp -s $T/$n.rows $T/$n-v6.rows
	ok $? "$n: version 7 and version 6: identical rows"
done

# 2. temporary files: none left, whatever the exit; the space checked
W=tests/data/why-timer.dat
ls /tmp | grep -c '^trace_cpu_data' > $T/lib0
if mount -t tmpfs -o size=64m zapdtmp $TMP 2>/dev/null; then
	used() { df -k --output=used $TMP | tail -1 | tr -d ' '; }
	u0=$(used)
	rm -f $T/r.db*
	TMPDIR=$TMP "$ZAPD" import $W --db $T/r.db > /dev/null 2>&1
	is "$?:$(used)" "0:$u0" "normal exit: the import's tmpfs as it was"
	TMPDIR=$TMP "$ZAPD" import $W --db $T/no/such/dir.db > /dev/null \
		2> $T/err
	is "$?:$(lines $T/err):$(used)" "1:1:$u0" \
	   "error exit (database): one line, the tmpfs as it was"
	for ms in 0 5 15 30; do
		$PY tests/import/tmpwatch.py $TMP $ms -- "$ZAPD" import $W \
			--db $T/k$ms.db > $T/w
		is "$(sed 's/ peak=[0-9]*//; s/used0=[0-9]* //' $T/w)" \
		   "seen=1 after=$u0" \
		   "kill -9 ${ms} ms after the temporary files appeared: gone with the reader ($(cat $T/w))"
	done
	umount $TMP
	mount -t tmpfs -o size=1m zapdtmp $TMP
	TMPDIR=$TMP "$ZAPD" import $W --db $T/s.db > /dev/null 2> $T/err
	is "$?:$(lines $T/err)" "1:1" "1 MB of TMPDIR: refused, one line"
	grep -q "is compressed: decompressing it needs [0-9]* MB in '$TMP' (TMPDIR), [0-9]* MB are free" $T/err
	ok $? "... saying how much it needs and has: $(cat $T/err)"
	[ ! -e $T/s.db ]
	ok $? "... no database created"
	umount $TMP
else
	echo "# SKIP temporary files: cannot mount a tmpfs"
fi
is "$(ls /tmp | grep -c '^trace_cpu_data')" "$(cat $T/lib0)" \
   "no libtracecmd /tmp/trace_cpu_data* file was made"

# 3. non-regular files and a sparse tail
mkfifo $T/fifo
timeout 10 "$ZAPD" import $T/fifo --db $T/f.db > /dev/null 2> $T/err
is "$?:$(cat $T/err)" "1:zapd: '$T/fifo' is not a regular file" \
   "a FIFO without a writer: refused at once"
for x in $T /dev/zero; do
	"$ZAPD" import $x --db $T/f.db > /dev/null 2> $T/err
	is "$?:$(lines $T/err)" "1:1" "$x: refused, one line"
done
[ ! -e $T/f.db ]
ok $? "... no database created"
cp tests/data/munmap-4k.dat $T/sparse.dat
truncate -s 1G $T/sparse.dat
timeout 60 "$ZAPD" import $T/sparse.dat --db $T/f.db > /dev/null 2> $T/err
is "$?:$(lines $T/err)" "1:1" "1 GiB sparse tail: exit 1, one line"
grep -q "is a truncated or corrupt trace.dat: nothing readable (the reader made no progress in [0-9]* s (killed))" $T/err
ok $? "... the reader was stopped: $(cat $T/err)"

# reader_of PID - the reader process of import PID (once it runs)
reader_of() {
	for _i in $(seq 200); do
		_c=$(pgrep -P $1 | head -1)
		[ -n "$_c" ] && { echo $_c; return 0; }
		sleep 0.01
	done
	return 1
}

# stop_reader DB ZP SIG... - when the run of import ZP appears in DB,
# SIGSTOP its reader, then send SIGs to it (SIGCONT last to deliver)
stop_reader() {
	_db=$1 _zp=$2
	shift 2
	_r=$(reader_of $_zp) || return 1
	for _i in $(seq 500); do
		[ "$(sqlite3 $_db "SELECT count(*) FROM runs WHERE state =
		     'importing'" 2>/dev/null)" = 1 ] && break
		sleep 0.01
	done
	kill -STOP $_r
	for _s in "$@"; do
		kill -$_s $_r
	done
}

# 4. the reader crashing, hanging; kill -9 of the import
if record_storm $T/big.dat 500000; then
	all=$(trace-cmd report $T/big.dat 2>/dev/null |
	      grep -cE ': sys_(enter|exit)_munmap:')
	P="--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap"
	rm -f $T/c.db*
	"$ZAPD" import $T/big.dat --db $T/c.db $P > /dev/null 2> $T/err &
	zp=$!
	stop_reader $T/c.db $zp SEGV CONT
	wait $zp
	is "$?:$(lines $T/err)" "3:1" "reader killed by SIGSEGV mid-read: exit 3, one line"
	grep -q "is corrupt at or after [0-9.]* s (record [0-9]*): the reader process was killed by SIGSEGV; imported the [0-9]* events before it, run 1 marked incomplete" $T/err
	ok $? "... says where and why: $(cat $T/err)"
	n=$(sqlite3 $T/c.db "SELECT events FROM runs WHERE state = 'done' AND NOT complete")
	cmp_ok "${n:-0}" -gt 0 "... the events before it imported ($n of $all)"
	cmp_ok "${n:-0}" -lt "$all" "... not all of them"
	integrity $T/c.db
	rm -f $T/c.db*
	"$ZAPD" import $T/big.dat --db $T/c.db $P > /dev/null 2> $T/err &
	zp=$!
	stop_reader $T/c.db $zp
	wait $zp
	is "$?:$(lines $T/err)" "3:1" "reader stopped (a hang) mid-read: exit 3, one line"
	grep -q "the reader made no progress in [0-9]* s (killed)" $T/err
	ok $? "... says so: $(cat $T/err)"
	integrity $T/c.db
	rm -f $T/c.db*
	"$ZAPD" import tests/data/munmap-4k.dat --db $T/c.db > /dev/null
	before=$(dump $T/c.db | md5sum)
	for ms in 50 150 300 600; do
		"$ZAPD" import $T/big.dat --db $T/c.db $P > /dev/null 2>&1 &
		zp=$!
		sleep $(echo "scale=3; $ms / 1000" | bc)
		kill -9 $zp
		wait $zp 2> /dev/null
		[ "$(sqlite3 $T/c.db 'PRAGMA integrity_check')" = ok ]
		ok $? "kill -9 of the import after $ms ms: integrity_check ok"
	done
	"$ZAPD" import tests/data/mthp-64k.dat --db $T/c.db > /dev/null 2>&1
	sqlite3 $T/c.db "DELETE FROM runs WHERE id > 1" 2> /dev/null
	"$ZAPD" import $T/big.dat --db $T/c.db $P > /dev/null 2> $T/err
	is "$?" 0 "after the kills, the same file imports"
	is "$(sqlite3 $T/c.db "SELECT events FROM runs WHERE path = '$T/big.dat'")" \
	   "$all" "... all of its events"
	is "$(sqlite3 $T/c.db "SELECT count(*) FROM intervals WHERE run_id = 1")" \
	   "$(sqlite3 $T/c.db "SELECT count(*) FROM intervals WHERE run_id = 1")" \
	   "the earlier run is intact"
else
	echo "# SKIP crash, hang, kill -9: cannot trace on this host"
fi

# 5. the progress line
if [ -s $T/big.dat ] && command -v script > /dev/null; then
	rm -f $T/p.db*
	script -qec "'$ZAPD' import $T/big.dat --db $T/p.db $P" /dev/null \
		> $T/tty
	grep -q 'zapd: reading' $T/tty
	ok $? "on a terminal: a progress line"
	tail -c 200 $T/tty | grep -q "$(printf '\r\033\\[K')imported"
	ok $? "... erased before the summary line"
	rm -f $T/p.db*
	script -qec "'$ZAPD' import -q $T/big.dat --db $T/p.db $P" /dev/null \
		> $T/tty
	! grep -q 'zapd: reading' $T/tty
	ok $? "-q: no progress line"
	rm -f $T/p.db*
	"$ZAPD" import $T/big.dat --db $T/p.db $P > $T/out 2> $T/err
	is "$(cat $T/err)" "" "stderr not a terminal: no progress line"
fi
done_testing
