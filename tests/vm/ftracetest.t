#!/bin/sh
# ftracetest.t - run the series' own ftrace selftest in the patched guest.
#
# Patch 0004 adds tools/testing/selftests/ftrace/test.d/event/zap-events.tc.
# This takes the ftrace selftests from the patched kernel tree that
# vm/build-kernel.sh built (so the test is the one the series ships), boots
# the guest and runs the kernel's ftracetest on it, with the stock
# event-pid.tc as a control that the harness itself works in the guest.
# The .tc has "flags: instance", so ftracetest runs it at the top level and
# again inside an instance.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export BUILD

echo "1..4"
kdir=$("$top/vm/build-kernel.sh" --dir 2>/dev/null)
ft=$kdir/src/tools/testing/selftests/ftrace
if [ -z "$kdir" ] || [ ! -x "$ft/ftracetest" ]; then
	echo "Bail out! no patched kernel tree with ftracetest (vm/build-kernel.sh --dir: '$kdir')"
	exit 1
fi
if [ -f "$ft/test.d/event/zap-events.tc" ]; then
	echo "ok 1 - the patched tree has test.d/event/zap-events.tc"
else
	echo "not ok 1 - the patched tree has test.d/event/zap-events.tc"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scen=$tmp/ftracetest-guest.sh
{
	cat <<'EOS'
# guest half of tests/vm/ftracetest.t: unpack the selftests, run ftracetest
set -u
mkdir -p /tmp/ft && cd /tmp/ft || exit 1
base64 -d <<'B64' | tar xz || { echo "cannot unpack the ftrace selftests"; exit 1; }
EOS
	tar -C "$(dirname "$ft")" -cz ftrace | base64
	cat <<'EOS'
B64
cd ftrace || exit 1
./ftracetest -v test.d/event/zap-events.tc test.d/event/event-pid.tc \
	> /results/ftracetest.log 2>&1
rc=$?
echo "ftracetest_rc=$rc" > /results/ftracetest.facts
exit 0
EOS
} > "$scen"

out=$BUILD/vm/ftracetest
"$top/vm/run.sh" --out "$out" --timeout 300 "$scen" > "$tmp/run.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -s "$out/ftracetest.log" ]; then
	echo "ok 2 - guest ran ftracetest"
else
	echo "not ok 2 - guest ran ftracetest (vm/run.sh exit $rc)"
	sed 's/^/# /' "$tmp/run.log" | tail -20
	exit 1
fi
log=$out/ftracetest.log
frc=$(sed -n 's/^ftracetest_rc=//p' "$out/ftracetest.facts")
passed=$(sed -n 's/^# of passed: *//p' "$log")
failed=$(sed -n 's/^# of failed: *//p' "$log")
# zap-events.tc at the top level and in an instance, event-pid.tc likewise
if [ "$frc" = 0 ] && [ "${failed:-1}" = 0 ] && [ "${passed:-0}" -ge 2 ]; then
	echo "ok 3 - ftracetest: $passed passed, $failed failed"
else
	echo "not ok 3 - ftracetest exit ${frc:-?}: ${passed:-?} passed, ${failed:-?} failed"
	sed 's/^/# /' "$log" | tail -40
fi
if grep -q 'event tracing - zap events exist, enable, filter by pid and field.*\[PASS\]' "$log"; then
	echo "ok 4 - zap-events.tc passed"
else
	echo "not ok 4 - zap-events.tc passed"
	grep -n 'zap' "$log" | sed 's/^/# /' | head -20
fi
