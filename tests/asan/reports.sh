#!/bin/sh
# tests/asan/reports.sh - the sanitizer reports make check-asan collected
# (ASAN_OPTIONS/UBSAN_OPTIONS log_path: every process writes its reports
# to DIR/report.PID, also those whose stderr a test or zapd itself sends
# elsewhere, such as the reader process of zapd import).
#
# usage: tests/asan/reports.sh DIR
#
# A report whose first frame outside the sanitizer runtime is inside one
# of the tracing libraries (or the compression libraries they call) is
# the library's on a hostile input the tests feed on purpose: it can only
# happen in zapd import's reader process, which exists for that reason;
# it is listed, not counted. Any other report fails (exit 1).
set -eu
dir=$1
n=0 lib=0 warn=0
for f in "$dir"/report.*; do
	[ -e "$f" ] || continue
	# "failed to allocate" warnings: a size field of a hostile file got
	# NULL (allocator_may_return_null, as under the reader's RLIMIT_DATA)
	if ! grep -q -E 'ERROR: |runtime error' "$f"; then
		warn=$((warn + 1))
		continue
	fi
	first=$(grep -E '^ *#[0-9]+ ' "$f" | grep -v -E \
		' in (__interceptor_|__asan|__lsan|__ubsan|__sanitizer)|in (malloc|calloc|realloc|free|strdup|strndup) ' |
		head -1)
	case $first in
	*libtracecmd.so*|*libtraceevent.so*|*libtracefs.so*|*libzstd.so*|*libz.so*)
		lib=$((lib + 1))
		echo "# library (reader process): $(basename "$f"): $(grep -m1 -E 'ERROR|runtime error' "$f" | cut -c1-120)"
		echo "#   $first" ;;
	*)
		n=$((n + 1))
		echo "not ok - sanitizer report $f:"
		sed 's/^/#   /' "$f" | head -40 ;;
	esac
done
echo "# sanitizer reports: $n in zapd, $lib inside the tracing libraries, $warn warnings"
[ $n -eq 0 ]
