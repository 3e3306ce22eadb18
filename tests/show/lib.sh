# tests/show/lib.sh - helpers for the tests of what zapd shows (report,
# export, --json, man page, completion, install). Source it from
# tests/show/*.t; needs ZAPD (default build/zapd).

ZAPD=${ZAPD:-${BUILD:-build}/zapd}
BUILD=${BUILD:-build}
PY="/usr/bin/python3 -B"	# -B: no __pycache__ in the tree
T=$(mktemp -d /tmp/zapd-show.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/tap.sh

# tap_lines < FILE - renumber the "ok - X" / "not ok - X" lines of a
# checker (read from a file, not a pipe: a pipe would count in a subshell)
tap_lines() {
	while IFS= read -r _l; do
		case $_l in
		"ok - "*) ok 0 "${_l#ok - }" ;;
		"not ok - "*) ok 1 "${_l#not ok - }" ;;
		*) echo "$_l" ;;
		esac
	done
}

# chromium_run ARGS... - headless Chromium as root, a new empty profile,
# nothing fetched from the network
chromium_run() {
	_ud=$(mktemp -d "$T/chrome.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars \
		--user-data-dir="$_ud" "$@" 2>> "$T/chromium.log"
}

# chromium_dom HTML OUT - the DOM Chromium built from HTML
chromium_dom() {
	chromium_run --dump-dom "file://$(readlink -f "$1")" > "$2"
}

# chromium_png HTML PNG [WIDTH,HEIGHT] - a screenshot of HTML
chromium_png() {
	chromium_run --window-size="${3:-1280,2600}" --screenshot="$2" \
		"file://$(readlink -f "$1")" > /dev/null
}

# import_fixtures DB - every tests/data/*.dat into DB, one run each
import_fixtures() {
	for _d in tests/data/*.dat; do
		"$ZAPD" import "$_d" --db "$1" > /dev/null 2>> "$T/import.err" ||
			return 1
	done
}

# lossy_live_run DB LABEL - zapd live on this host: the munmap pair and
# sched_switch into an 8 KB buffer while a munmap storm runs and zapd is
# stopped in bursts (losses, tainted intervals, extra events), then
# stopped with SIGTERM while the storm still runs (an interval open then
# is a hung candidate, 'eof'). 1 if the host cannot trace.
lossy_live_run() {
	_tr=/sys/kernel/tracing
	[ "$(id -u)" = 0 ] || return 1
	[ -d $_tr/instances ] || mount -t tracefs nodev $_tr 2>/dev/null
	[ -e $_tr/events/syscalls/sys_enter_munmap ] || return 1
	[ -x "$BUILD/tests/munmap-n" ] || return 1
	"$ZAPD" live --db "$1" --instance "zapdshow$$" --buffer-kb 8 \
		--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap \
		-e sched:sched_switch --run-label "$2" \
		> /dev/null 2> "$T/live.err" &
	_zp=$!
	# until tracing has started (its run row is committed): make
	# check-asan's zapd takes ~20 s more to start (ZAPD_WAIT_SCALE)
	_t=$((50 * ${ZAPD_WAIT_SCALE:-1}))
	while [ $_t -gt 0 ] && [ "$(sqlite3 "$1" "SELECT count(*) FROM runs
		WHERE source = 'live' AND state = 'importing'" 2>/dev/null)" != 1 ]
	do
		sleep 0.2
		_t=$((_t - 1))
	done
	"$BUILD/tests/munmap-n" 2000000 > /dev/null &
	_wl=$!
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		kill -STOP $_zp; sleep 0.02; kill -CONT $_zp; sleep 0.03
	done
	kill -TERM $_zp
	wait $_zp
	_rc=$?
	kill $_wl 2>/dev/null
	wait $_wl 2>/dev/null
	return $_rc
}

# empty_live_run DB - a live run of the munmap pair filtered on pid 1
# (which does not munmap): a run with no rows at all
empty_live_run() {
	[ "$(id -u)" = 0 ] && [ -e /sys/kernel/tracing/events/syscalls ] ||
		return 1
	"$ZAPD" live --db "$1" --instance "zapdshow$$" --pid 1 \
		--pair syscalls:sys_enter_munmap,syscalls:sys_exit_munmap \
		--duration 0.3 --run-label "empty" > /dev/null 2>&1
}
