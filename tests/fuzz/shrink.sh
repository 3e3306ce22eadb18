#!/bin/sh
# tests/fuzz/shrink.sh - the shortest prefix of a crashing input that
# crashes the same way (triage.sh's signature), by bisection: how the
# inputs of tests/fuzz/corpus/read/ were made small.
#
# usage: tests/fuzz/shrink.sh HARNESS IN OUT
set -eu
h=$1 in=$2 out=$3
here=$(dirname "$0")
want=$("$here/triage.sh" --sig "$h" "$in")
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
lo=10 hi=$(wc -c < "$in")	# a prefix of hi bytes crashes the same way
while [ $((hi - lo)) -gt 1 ]; do
	mid=$(((lo + hi) / 2))
	head -c $mid "$in" > "$tmp"
	if [ "$("$here/triage.sh" --sig "$h" "$tmp")" = "$want" ]; then
		hi=$mid
	else
		lo=$mid
	fi
done
head -c $hi "$in" > "$out"
echo "$out: $hi of $(wc -c < "$in") bytes: $want"
