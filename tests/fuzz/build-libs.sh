#!/bin/sh
# tests/fuzz/build-libs.sh - libtraceevent and libtracecmd built for the
# fuzz-read harness: the same versions as Debian bookworm's packages
# (libtraceevent 1.7.1, trace-cmd 3.1.6: libtracecmd 1.3.1), compiled with
# clang's coverage and sanitizer instrumentation so that libFuzzer sees
# (and is guided by) the parsing inside the libraries, not only zapd's
# code around it.
#
# usage: tests/fuzz/build-libs.sh OUT TRACEEVENT_SRC TRACECMD_SRC
#   OUT            receives lib/libtraceevent.a, lib/libtracecmd.a and
#                  include/ (the libraries' public headers)
#   TRACEEVENT_SRC a libtraceevent 1.7.1 source tree (git tag
#                  libtraceevent-1.7.1)
#   TRACECMD_SRC   a trace-cmd 3.1.6 source tree (git tag trace-cmd-v3.1.6)
#   FUZZ_LIB_CFLAGS the instrumentation (default: what tests/fuzz/fuzz.mk
#                  passes)
#
# Neither tree is in this repository (no network here but Debian's
# registry); without them `make fuzz` links the system libraries, which
# libFuzzer cannot see into (see tests/fuzz/README.md).
set -eu
[ $# -eq 3 ] || { echo "usage: $0 OUT TRACEEVENT_SRC TRACECMD_SRC" >&2; exit 2; }
out=$1 te=$2 tc=$3
CC=${CC:-clang}
cflags=${FUZZ_LIB_CFLAGS:--O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address}
mkdir -p "$out/lib" "$out/obj/te" "$out/obj/tc" "$out/include/traceevent" \
	"$out/include/trace-cmd"
cp "$te"/include/traceevent/*.h "$out/include/traceevent/"
cp "$tc"/include/trace-cmd/trace-cmd.h "$out/include/trace-cmd/"

# compile OBJDIR CFLAGS... -- FILES...: one object per file, 2 at a time
compile() {
	objdir=$1
	shift
	flags=
	while [ "$1" != -- ]; do flags="$flags $1"; shift; done
	shift
	n=0
	for f in "$@"; do
		# shellcheck disable=SC2086
		$CC $cflags $flags -c -o "$objdir/$(basename "$f" .c).o" "$f" &
		n=$((n + 1))
		[ $((n % 2)) -eq 0 ] && wait
	done
	wait
}

compile "$out/obj/te" -D_GNU_SOURCE -I"$te/include/traceevent" -I"$te/include" \
	-I"$te/src" -- \
	"$te"/src/event-parse.c "$te"/src/event-parse-api.c \
	"$te"/src/event-plugin.c "$te"/src/kbuffer-parse.c \
	"$te"/src/parse-filter.c "$te"/src/parse-utils.c \
	"$te"/src/tep_strerror.c "$te"/src/trace-seq.c
rm -f "$out/lib/libtraceevent.a"
ar rcs "$out/lib/libtraceevent.a" "$out"/obj/te/*.o

tcsrc=$tc/lib/trace-cmd
compile "$out/obj/tc" -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DHAVE_ZLIB \
	-DHAVE_ZSTD -DPERF -DVSOCK -DNO_PTRACE -DNO_AUDIT \
	-I"$tc/include" -I"$tc/include/trace-cmd" -I"$tcsrc/include" \
	-I"$tcsrc/include/private" -I"$tc/tracecmd/include" \
	-I"$out/include/traceevent" $(pkg-config --cflags libtracefs) -- \
	"$tcsrc"/trace-hash.c "$tcsrc"/trace-hooks.c "$tcsrc"/trace-input.c \
	"$tcsrc"/trace-output.c "$tcsrc"/trace-recorder.c "$tcsrc"/trace-util.c \
	"$tcsrc"/trace-filter-hash.c "$tcsrc"/trace-filter.c "$tcsrc"/trace-msg.c \
	"$tcsrc"/trace-plugin.c "$tcsrc"/trace-maps.c "$tcsrc"/trace-perf.c \
	"$tcsrc"/trace-timesync.c "$tcsrc"/trace-timesync-ptp.c \
	"$tcsrc"/trace-timesync-kvm.c "$tcsrc"/trace-compress.c \
	"$tcsrc"/trace-compress-zlib.c "$tcsrc"/trace-compress-zstd.c \
	"$tcsrc"/trace-blk-hack.c "$tcsrc"/trace-ftrace.c
rm -f "$out/lib/libtracecmd.a"
ar rcs "$out/lib/libtracecmd.a" "$out"/obj/tc/*.o
echo "$out/lib: $(ls "$out/lib" | tr '\n' ' ')"
