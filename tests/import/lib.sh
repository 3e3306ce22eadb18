# tests/import/lib.sh - TAP helpers and host trace recording for the
# shell tests. Source it; needs ZAPD (default build/zapd).

ZAPD=${ZAPD:-${BUILD:-build}/zapd}
T=$(mktemp -d /tmp/zapd-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/tap.sh

# record_host OUT.dat [SYS/EVENT...] - record syscalls munmap enter/exit
# (and the other events named) into an instance buffer while running a
# workload; returns 1 if tracing is unavailable. trace-cmd record/start
# need to enable ftrace, which this host forbids, so the instance is set
# up through tracefs and read with trace-cmd extract.
record_host() {
	tr=/sys/kernel/tracing
	[ -d $tr/instances ] || mount -t tracefs nodev $tr 2>/dev/null
	[ -d $tr/instances ] || return 1
	[ -e $tr/events/syscalls/sys_enter_munmap ] || return 1
	inst=zapdtest$$
	d=$tr/instances/$inst
	mkdir $d 2>/dev/null || return 1
	echo 1 > $d/events/syscalls/sys_enter_munmap/enable &&
	echo 1 > $d/events/syscalls/sys_exit_munmap/enable || {
		rmdir $d; return 1; }
	_out=$1
	shift
	for _e in "$@"; do
		echo 1 > $d/events/$_e/enable || { rmdir $d; return 1; }
	done
	set -- "$_out"
	echo 1 > $d/tracing_on || { rmdir $d; return 1; }
	for i in 1 2 3 4 5 6 7 8; do
		/bin/ls / > /dev/null	# ld.so munmaps while loading
	done
	echo 0 > $d/tracing_on
	trace-cmd extract -B $inst -o "$1" >/dev/null 2>&1
	rc=$?
	[ -d $d ] && rmdir $d 2>/dev/null
	[ $rc -eq 0 ] && [ -s "$1" ]
}

# report_counts FILE.dat - "event cpu count" lines from trace-cmd report
# (the independent oracle: text is only parsed here, never by zapd)
report_counts() {
	trace-cmd report -i "$1" 2>/dev/null | awk '
	{
		for (i = 1; i < NF; i++)
			if ($i ~ /^\[[0-9]+\]$/) {
				cpu = substr($i, 2, length($i) - 2) + 0
				ev = $(i + 2)
				sub(/:$/, "", ev)
				n[ev " " cpu]++
				break
			}
	}
	END { for (k in n) print k, n[k] }' | sort
}

# db_counts DB - the same from zapd's event_counts table
db_counts() {
	sqlite3 -separator ' ' "$1" "SELECT event, cpu, sum(count) FROM
		event_counts GROUP BY event, cpu" | sort
}

# record_storm OUT.dat N - record the munmap enter/exit of N munmaps done
# by build/tests/munmap-n (a big trace for zapd import --pair: about 10
# MB of database per 200000), the way record_host does; 1 if tracing or
# munmap-n is unavailable
record_storm() {
	_mn=${MUNMAP_N:-build/tests/munmap-n}
	tr=/sys/kernel/tracing
	[ -x "$_mn" ] || return 1
	[ -d $tr/instances ] || mount -t tracefs nodev $tr 2>/dev/null
	[ -e $tr/events/syscalls/sys_enter_munmap ] || return 1
	d=$tr/instances/zapdstorm$$
	mkdir $d 2>/dev/null || return 1
	echo 0 > $d/tracing_on
	echo $(( $2 / 8 + 1024 )) > $d/buffer_size_kb &&
	echo 1 > $d/events/syscalls/sys_enter_munmap/enable &&
	echo 1 > $d/events/syscalls/sys_exit_munmap/enable || {
		rmdir $d; return 1; }
	rm -f $T/storm.go && mkfifo $T/storm.go
	"$_mn" "$2" --wait < $T/storm.go > $T/storm.pid &
	_bg=$!
	exec 8> $T/storm.go
	while [ ! -s $T/storm.pid ]; do sleep 0.01; done
	cat $T/storm.pid > $d/set_event_pid
	echo 1 > $d/tracing_on
	echo go >&8
	exec 8>&-
	wait $_bg
	echo 0 > $d/tracing_on
	trace-cmd extract -B zapdstorm$$ -o "$1" >/dev/null 2>&1
	_rc=$?
	[ -d $d ] && rmdir $d 2>/dev/null
	[ $_rc -eq 0 ] && [ -s "$1" ]
}
