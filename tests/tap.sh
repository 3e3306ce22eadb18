# tests/tap.sh - TAP helpers for the shell tests (ok, is, cmp_ok,
# integrity, need_tmpfs, lines, done_testing). Sourced by tests/*/lib.sh.

tap_n=0
tap_fail=0

ok() {	# ok STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fail=$((tap_fail + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got '$1', want '$2'"
	fi
}

cmp_ok() {	# cmp_ok GOT OP WANT DESCRIPTION (numeric: -gt -ge -lt -le)
	if [ "$1" "$2" "$3" ] 2>/dev/null; then
		ok 0 "$4"
	else
		ok 1 "$4"
		echo "#   got '$1', want $2 '$3'"
	fi
}

# integrity DB - PRAGMA integrity_check of DB must be "ok"
integrity() {
	is "$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1)" ok \
	   "integrity_check ok on $(basename "$1")"
}

# need_tmpfs DIR - skip the whole test unless a tmpfs can be mounted on
# the directory DIR (root, a kernel that allows it); DIR is left unmounted
need_tmpfs() {
	mkdir -p "$1"
	if [ "$(id -u)" != 0 ] ||
	   ! mount -t tmpfs -o size=1M none "$1" 2>/dev/null; then
		echo "1..0 # SKIP cannot mount a tmpfs (it needs root)"
		exit 0
	fi
	umount "$1"
}

# lines FILE - number of lines
lines() {
	wc -l < "$1" | tr -d ' '
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
	exit $?
}
