#!/bin/bash
# tests/data/regen.sh - regenerate the trace fixtures by recording in the VM.
#
# usage: tests/data/regen.sh [NAME...]   (default: all seven)
#
# Boots the patched guest kernel once (vm/run.sh vm/scenarios/fixtures.sh),
# records munmap-4k, mthp-64k, shared-file, two-threads and ptl-contention
# with every zap event enabled, why-timer and why-callers with the
# attribution events too (docs/events.md), and copies each NAME.dat
# (only the NAMEs given: the others stay as they are) here with a sidecar
# NAME.facts (KEY=VALUE: workload, pid, pages, ... as the workload printed
# them, then cpus, kernel, trace_cmd version and the exact command).
# Real kernel, real trace-cmd: the fixtures are never edited by hand.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
all="munmap-4k mthp-64k shared-file two-threads ptl-contention why-timer why-callers"
names=${*:-$all}
out=$build/vm/fixtures

step=record
"$top/vm/run.sh" --out "$out" --timeout 600 "$top/vm/scenarios/fixtures.sh" ||
	{ echo "regen: step '$step' failed: guest run (see $out/scenario.log, $out/console.log)" >&2; exit 1; }

step=copy
gf=$out/guest.facts
for n in $names; do
	[ -s "$out/$n.dat" ] || { echo "regen: step '$step' failed: no $n.dat from the guest" >&2; exit 1; }
	size=$(wc -c < "$out/$n.dat")
	[ "$size" -le $((8 * 1024 * 1024)) ] ||
		{ echo "regen: step '$step' failed: $n.dat is $size bytes (> 8 MB): shrink the workload" >&2; exit 1; }
	cp "$out/$n.dat" "$here/$n.dat"
	{
		grep -E '^[a-z_0-9]+=' "$out/$n.out"
		grep -E '^(cpus|kernel|kernel_version|trace_cmd)=' "$gf"
		# which cached build: patched-<sha256 of series+fragment+script>
		kimg=$(sed -n 's/^kernel_image=//p' "$out/host.facts")
		echo "kernel_build=$(basename "$(dirname "$kimg")")"
		echo "kernel_series=$(tr '\n' ' ' < "$(dirname "$kimg")/series" 2>/dev/null | sed 's/ $//')"
		echo "events=$(grep -o -- '-e [^ ]*' "$out/$n.cmd" | sed 's/^-e //' | paste -sd, -)"
		echo "trace_cmd_command=$(cat "$out/$n.cmd")"
		echo "recorded_by=tests/data/regen.sh"
	} > "$here/$n.facts"
	echo "regen: tests/data/$n.dat ($size bytes), tests/data/$n.facts"
done
