#!/bin/sh
# series.t - the kernel series applies to linux-source-6.12 and passes checkpatch.
#
# Unpacks the files the series touches from Debian's tarball, applies
# kernel-patches/6.12/series in order with patch -p1 (as a user would), and
# runs scripts/checkpatch.pl --strict on every patch. The only findings
# allowed are the TRACE_EVENT()/EM() macro noise that every trace header
# gets; the cover letter lists them. Anything else fails the test.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${SERIES_DIR:-$top/kernel-patches/6.12}
tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

patches=$(grep -v '^#' "$dir/series")
count=$(echo "$patches" | wc -l)
echo "1..$((count * 2 + 2))"

if [ ! -r "$tarball" ]; then
	echo "Bail out! $tarball missing: run scripts/install-deps"
	exit 1
fi
src=linux-source-6.12
tar -C "$tmp" -xf "$tarball" $src/mm/memory.c $src/mm/internal.h $src/MAINTAINERS \
	$src/include/trace/events $src/tools/testing/selftests/ftrace \
	$src/scripts $src/LICENSES $src/Documentation/dev-tools 2>/dev/null ||
	{ echo "Bail out! cannot unpack $tarball"; exit 1; }
cd "$tmp/$src" || exit 1

[ "$(ls "$dir"/0*.patch | wc -l)" -eq $((count + 1)) ] &&
	ok "series lists every patch (+ cover letter)" ||
	nok "series file and kernel-patches/6.12/*.patch disagree"

for p in $patches; do
	if out=$(patch -p1 -N --no-backup-if-mismatch < "$dir/$p" 2>&1); then
		ok "applies: $p"
	else
		nok "applies: $p"
		echo "$out" | sed 's/^/# /'
	fi
done

# Allowed: the customary trace header macro noise (see the cover letter).
allowed='Macros with complex values should be enclosed in parentheses|Argument .b. is not used in function-like macro|macros should not use a trailing semicolon|Alignment should match open parenthesis|Lines should not end with a .\(.|does MAINTAINERS need updating'
for p in $patches; do
	out=$(PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-tree \
		--terse --show-types "$dir/$p" 2>&1 | grep -E ': (ERROR|WARNING|CHECK):' |
		grep -Ev "$allowed")
	if [ -z "$out" ]; then
		ok "checkpatch --strict (allowed noise only): $p"
	else
		nok "checkpatch --strict: $p"
		echo "$out" | sed 's/^/# /'
	fi
done

# The include must come after every other include of mm/memory.c's prologue.
line_zap=$(grep -n '^#include <trace/events/zap.h>' mm/memory.c | cut -d: -f1)
line_def=$(grep -n '^#define CREATE_TRACE_POINTS' mm/memory.c | cut -d: -f1)
prev=$(awk -v z="$line_zap" 'NR < z && /^#include/ { l = NR } END { print l }' mm/memory.c)
if [ -n "$line_zap" ] && [ "$line_def" = $((line_zap - 1)) ] &&
   [ "$(grep -n 'CREATE_TRACE_POINTS' mm/memory.c | wc -l)" -eq 1 ] &&
   sed -n "${prev}p" mm/memory.c | grep -q '"swap.h"'; then
	ok "CREATE_TRACE_POINTS + zap.h follow the last prologue include"
else
	nok "CREATE_TRACE_POINTS placement (zap.h at ${line_zap:-none}, after line ${prev:-?})"
fi
exit $((fails > 0))
