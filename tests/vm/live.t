#!/bin/sh
# live.t - `zapd live` against `trace-cmd record` + `zapd import` in the guest.
#
# In one boot of the patched kernel, zapd live streams every zap event from
# its own tracefs instance while each workload is recorded by trace-cmd on
# the top-level buffer (tests/vm/live-guest.sh). Here: each trace.dat is
# imported, and for the workload's tasks the two databases must agree on the
# interval count per done path and on sum(nr); sum(nr) in the workload's
# region equals the pages it printed; SIGTERM left exit 0, no instance, and
# a database that passes PRAGMA integrity_check.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export BUILD
ZAPD=$BUILD/zapd
out=$BUILD/vm/live-test
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else fails=$((fails + 1)); echo "not ok $n - $2"; fi; }
is() { [ "$1" = "$2" ]; r=$?; ok $r "$3"; [ $r -eq 0 ] || printf '#   got  %s\n#   want %s\n' "$1" "$2"; }

[ -x "$ZAPD" ] || { echo "Bail out! $ZAPD not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/vm/run.sh" --out "$out" --timeout 600 "$top/tests/vm/live-guest.sh" > "$tmp/run.log" 2>&1
rc=$?
ok $rc "guest ran zapd live and the workloads (vm/run.sh exit $rc)"
if [ $rc -ne 0 ]; then
	sed 's/^/# /' "$tmp/run.log" | tail -20
	sed 's/^/# /' "$out/scenario.log" 2>/dev/null | tail -20
	echo "1..$n"
	exit 1
fi
fact() { sed -n "s/^$2=//p" "$1" | head -1; }
is "$(fact "$out/live.facts" zapd_rc)" 0 "zapd live exited 0 on SIGTERM"
stop=$(fact "$out/live.facts" zapd_stop_seconds)
[ "${stop:-9}" -le 2 ]
ok $? "zapd live stopped within 2 s of SIGTERM (${stop:-?} s)"
is "$(fact "$out/live.facts" instance_left)" 0 "no tracefs instance left behind"
live=$out/live.db
is "$(sqlite3 "$live" 'PRAGMA integrity_check')" ok "live.db integrity_check"
is "$(sqlite3 "$live" "SELECT count(*) FROM runs WHERE source = 'live'")" 1 "live.db has one live run"

for w in munmap-4k mthp-64k shared-file two-threads; do
	facts=$out/$w.out
	db=$tmp/$w.db
	"$ZAPD" import "$out/$w.dat" --db "$db" > /dev/null 2> "$tmp/err"
	ok $? "$w: zapd import of the trace-cmd recording"
	# the workload's tasks: its pid, and tidN= for threaded ones
	tids=$(sed -n 's/^\(pid\|tid[0-9]*\)=//p' "$facts" | paste -sd, -)
	q="SELECT coalesce(path, '-'), count(*), sum(nr) FROM intervals
	   WHERE kind = 'zap' AND finished AND pid IN ($tids)
	   GROUP BY 1 ORDER BY 1"
	sqlite3 "$live" "$q" > "$tmp/live.paths"
	sqlite3 "$db" "$q" > "$tmp/imp.paths"
	cmp -s "$tmp/live.paths" "$tmp/imp.paths"
	ok $? "$w: live and import agree on intervals and sum(nr) per path ($(paste -sd' ' "$tmp/imp.paths"))"
	[ $? -eq 0 ] || diff "$tmp/imp.paths" "$tmp/live.paths" | sed 's/^/# /'
	is "$(sqlite3 "$live" "SELECT count(*) FROM intervals WHERE kind = 'zap'
		AND pid IN ($tids) AND (tainted OR NOT finished)")" 0 \
		"$w: live: no tainted or unfinished intervals for the workload"
	len=$(fact "$facts" len)
	if [ -n "$(fact "$facts" addr0)" ]; then
		lo0=$(($(fact "$facts" addr0)))
		lo1=$(($(fact "$facts" addr1)))
		where="((addr >= $lo0 AND addr < $lo0 + $len) OR (addr >= $lo1 AND addr < $lo1 + $len))"
	else
		lo=$(($(fact "$facts" addr)))
		where="addr >= $lo AND addr < $lo + $len"
	fi
	is "$(sqlite3 "$live" "SELECT coalesce(sum(nr), 0) FROM intervals
		WHERE kind = 'zap' AND finished AND pid IN ($tids) AND $where")" \
		"$(fact "$facts" pages)" "$w: live: sum(nr) in the workload's region = pages"
done
echo "1..$n"
exit $((fails > 0))
