#!/bin/sh
# tests/fuzz/triage.sh - group a fuzzer's crashing inputs by where they
# crash: each is run once through its harness, and the kind of report
# and its first three frames (function and source file) make the
# signature.
#
# usage: tests/fuzz/triage.sh HARNESS CRASH...
#   prints per signature: the count, the kind, the frames, the smallest
#   input
#        tests/fuzz/triage.sh --sig HARNESS FILE
#   prints the signature of one input (shrink.sh compares them)
set -u

# sig HARNESS FILE - "kind|frame;frame;frame;" of one run
sig() {
	log=$(ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=1024 \
	      TMPDIR=${TMPDIR:-/dev/shm} timeout 120 "$1" -timeout=60 "$2" 2>&1)
	rc=$?
	kind=$(printf '%s\n' "$log" | grep -m1 -oE 'ERROR: [A-Za-z]+: [A-Za-z-]+( on| in)?|runtime error: [a-z ]+|ERROR: libFuzzer: [a-z-]+|deadly signal' | head -1)
	frames=$(printf '%s\n' "$log" | grep -E '^ +#[0-9]+ 0x' |
		grep -vE ' in (__interceptor_|__asan|__sanitizer|__ubsan)| in (malloc|calloc|realloc|free|abort|raise) |libFuzzer|fuzzer::' |
		head -3 | sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in ([^ ]+) ([^ ]*).*/\1 \2/; s|/work/[^ ]*/(daemon/src/\|src/\|lib/trace-cmd/)|\1|; s|:[0-9]+:[0-9]+$||' |
		tr '\n' ';')
	if [ -z "$kind" ]; then
		[ $rc -eq 0 ] && kind="no crash" || kind="exit $rc (no report)"
	fi
	printf '%s|%s\n' "$kind" "$frames"
}

if [ "${1:-}" = --sig ]; then
	sig "$2" "$3"
	exit 0
fi
h=$1
shift
for c in "$@"; do
	printf '%s|%s|%s\n' "$(sig "$h" "$c")" "$(wc -c < "$c")" "$c"
done | sort -t'|' -k1,2 -k3n | awk -F'|' '
	{ key = $1 "|" $2; if (!(key in n)) { order[++k] = key; small[key] = $4; size[key] = $3 } n[key]++ }
	END {
		for (i = 1; i <= k; i++) {
			split(order[i], a, "|")
			printf "%4d  %s\n      %s\n      smallest: %s (%d bytes)\n", n[order[i]], a[1], a[2], small[order[i]], size[order[i]]
		}
	}'
