# tests/live/lib.sh - TAP helpers for the zapd live tests (real tracefs on
# this host, root). Source it from tests/live/*.t.

ZAPD=${ZAPD:-${BUILD:-build}/zapd}
MUNMAP_N=${MUNMAP_N:-${BUILD:-build}/tests/munmap-n}
TR=/sys/kernel/tracing
INST=zapdt$$
T=$(mktemp -d /tmp/zapd-live.XXXXXX)
chmod 755 "$T"
. tests/tap.sh
bg_pids=
cleanup() {
	for p in $bg_pids; do kill -9 "$p" 2>/dev/null; done
	[ -d "$TR/instances/$INST" ] && rmdir "$TR/instances/$INST" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# need_host - skip the whole file unless root + tracefs + syscalls events
need_host() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP zapd live needs root"
		exit 0
	fi
	[ -d $TR/instances ] || mount -t tracefs nodev $TR 2>/dev/null
	if [ ! -e $TR/events/syscalls/sys_enter_munmap ]; then
		echo "1..0 # SKIP no tracefs syscalls events on this host"
		exit 0
	fi
	if [ ! -x "$ZAPD" ] || [ ! -x "$MUNMAP_N" ]; then
		echo "1..0 # SKIP build first: make zapd $MUNMAP_N"
		exit 0
	fi
}

# quiet_err NAME [FILE] - stderr ($T/err) holds nothing but zapd live's
# start-up line about which intervals get rows
quiet_err() {
	is "$(grep -v '^zapd: live: rows only for intervals >= \|^zapd: live: a row for every interval (--all)' "${2:-$T/err}")" "" \
	   "$1: nothing on stderr but the row-threshold line"
}

# q DB SQL - one query from another process (the sqlite3 shell)
q() {
	sqlite3 -cmd '.timeout 5000' "$1" "$2" 2>&1
}

# wait_for SECONDS CMD... - poll CMD every 20 ms; 0 when it succeeds
wait_for() {
	# ZAPD_WAIT_SCALE: make check-asan's zapd takes ~20 s more to start
	# (ASan's realloc under libtracefs's read of /proc/kallsyms)
	_t=$(($1 * 50 * ${ZAPD_WAIT_SCALE:-1}))
	shift
	while [ $_t -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.02
		_t=$((_t - 1))
	done
	return 1
}

# live_ready DB - the live run row is committed: tracing has started
live_ready() {
	[ -s "$1" ] && [ "$(q "$1" "SELECT count(*) FROM runs WHERE source = 'live'
		      AND state = 'importing'")" = 1 ]
}

# no_instance - our instance is gone from tracefs
no_instance() {
	[ ! -e "$TR/instances/$INST" ]
}

# start_workload N [ARGS] - munmap-n N --wait in the background: sets
# WL_PID (its pid) and WL_GO (write a line to it to start the munmaps)
start_workload() {
	WL_GO=$T/go.$tap_n.$$
	rm -f "$WL_GO" && mkfifo "$WL_GO"
	# a new pid file per workload: with one reused file, the previous
	# workload's pid (or the truncated file) could be read
	WL_PIDF=$T/wl.$tap_n.$$.pid
	"$MUNMAP_N" "$@" --wait < "$WL_GO" > "$WL_PIDF" &
	WL_BG=$!
	bg_pids="$bg_pids $WL_BG"
	exec 9> "$WL_GO"	# open the writer: munmap-n's read blocks
	wait_for 5 test -s "$WL_PIDF"
	WL_PID=$(cat "$WL_PIDF")
}

# release_workload - let the workload run (it is $WL_BG; wait for it yourself)
release_workload() {
	echo go >&9
	exec 9>&-
}

# go_workload - let the workload run and wait until it exits
go_workload() {
	release_workload
	wait "$WL_BG"
}
