#!/bin/sh
# special.t - zapd import of what is not a regular file: a FIFO with no
# writer, a FIFO with a writer, a directory, /dev/zero, a symlink to it,
# a UNIX socket. Each is refused at once with ONE line and exit 1, no
# database is created, and zapd never waits: a FIFO's open() blocks until
# a writer comes unless it is opened O_NONBLOCK (or stat()ed first). The
# oracle for "waits" is the kernel's: /proc/PID/wchan of the zapd process
# (wait_for_partner = blocked in fifo_open), not a timer.
cd "$(dirname "$0")/../.." || exit 1
. tests/import/lib.sh

# refused NAME FILE - zapd import FILE exits 1 with one line, no database
refused() {
	rm -f $T/a.db
	"$ZAPD" import "$2" --db $T/a.db > $T/out 2> $T/err &
	zp=$!
	# either it exits or the kernel shows it waiting for a FIFO partner
	state=
	n=500
	while [ $n -gt 0 ]; do
		if ! kill -0 $zp 2>/dev/null; then
			state=exited
			break
		fi
		case "$(cat /proc/$zp/wchan 2>/dev/null)" in
		wait_for_partner|fifo_open|pipe_*)
			state="blocked in $(cat /proc/$zp/wchan)"
			break ;;
		esac
		sleep 0.02
		n=$((n - 1))
	done
	[ "$state" = exited ] || kill -9 $zp 2>/dev/null
	wait $zp 2>/dev/null
	rc=$?
	is "$state" exited "$1: zapd does not wait on it"
	is $rc 1 "$1: exit 1"
	is "$(lines $T/err)" 1 "$1: one line on stderr"
	grep -q "^zapd: .*'$2'" $T/err
	ok $? "$1: the line names the file"
	[ $? -eq 0 ] || sed 's/^/#   /' $T/err
	[ ! -e $T/a.db ]
	ok $? "$1: no database created"
}

mkfifo $T/fifo
refused "FIFO without a writer" $T/fifo
grep -q "not a regular file" $T/err
ok $? "FIFO without a writer: says it is not a regular file"

# a writer that holds the FIFO open (and would feed it garbage)
sleep 600 > $T/fifo &
wr=$!
refused "FIFO with a writer" $T/fifo
kill $wr 2>/dev/null
wait $wr 2>/dev/null

mkdir $T/dir.dat
refused "directory" $T/dir.dat
refused "/dev/zero" /dev/zero
grep -q "not a regular file" $T/err
ok $? "/dev/zero: says it is not a regular file"
ln -s /dev/zero $T/zero.dat
refused "symlink to /dev/zero" $T/zero.dat
if python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$T/sock')" \
	2>/dev/null; then
	refused "UNIX socket" $T/sock
fi

# a regular file still imports after all that
"$ZAPD" import tests/data/munmap-4k.dat --db $T/ok.db > $T/out 2> $T/err
is $? 0 "a regular trace.dat imports (exit 0)"
is "$(sqlite3 $T/ok.db 'PRAGMA integrity_check')" ok \
   "PRAGMA integrity_check = ok"

done_testing
