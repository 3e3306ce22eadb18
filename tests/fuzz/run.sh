#!/bin/sh
# tests/fuzz/run.sh - seed and run the import fuzzers, one at a time
# (make fuzz; tests/fuzz/README.md).
#
# usage: tests/fuzz/run.sh DIR SECONDS [read] [wire]
#   DIR      $(BUILD)/fuzz: the harnesses, and where corpora (corpus-read/,
#            corpus-wire/), crashes (crashes-read/, crashes-wire/) and logs
#            go
#   SECONDS  how long each fuzzer runs
#
# Both run in libFuzzer's fork mode with one job, going on after a crash
# (-ignore_crashes=1) or a timeout: crashes inside libtracecmd and
# libtraceevent are expected in fuzz-read (the reason zapd reads in a
# process of its own); new crashing inputs are listed at the end, to be
# replayed through zapd by tests/import/corpus.t (copy them to
# tests/fuzz/corpus/).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR SECONDS [read] [wire]" >&2; exit 2; }
dir=$1 secs=$2
shift 2
[ $# -gt 0 ] || set -- read wire
export TMPDIR=${FUZZ_TMPDIR:-/dev/shm}

# seeds_read - the fixtures, their uncompressed and version 6 copies
seeds_read() {
	s=$dir/seeds-read
	[ -d $s ] && return 0
	mkdir -p $s.new
	for f in tests/data/*.dat; do
		n=$(basename $f .dat)
		cp $f $s.new/$n.dat
		trace-cmd convert --compression none -i $f -o $s.new/$n-none.dat \
			> /dev/null 2>&1
		trace-cmd convert --file-version 6 -i $f -o $s.new/$n-v6.dat \
			> /dev/null 2>&1
	done
	mv $s.new $s
}

# seeds_wire - the frames the reader sends for them: 64 KiB of each, and
# all of the smallest fixture's (W_STATS, W_END)
seeds_wire() {
	s=$dir/seeds-wire
	[ -d $s ] && return 0
	mkdir -p $s.new
	for f in $dir/seeds-read/*.dat; do
		ASAN_OPTIONS=detect_leaks=0 $dir/capture $f \
			$s.new/$(basename $f .dat).frames 65536 > /dev/null 2>&1
	done
	ASAN_OPTIONS=detect_leaks=0 $dir/capture tests/data/mthp-64k.dat \
		$s.new/mthp-64k-all.frames > /dev/null 2>&1
	mv $s.new $s
}

# run NAME ASAN_OPTIONS [FLAGS] - one fuzzer for $secs seconds
run() {
	mkdir -p $dir/corpus-$1 $dir/crashes-$1
	ls $dir/crashes-$1 > $dir/crashes-$1.before
	echo "fuzz-$1: ${secs}s, corpus $dir/corpus-$1, crashes $dir/crashes-$1/"
	(cd $dir && ASAN_OPTIONS=$2 \
	 UBSAN_OPTIONS=print_stacktrace=1 \
	 ./fuzz-$1 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
		-ignore_ooms=1 -timeout=60 -rss_limit_mb=4096 -close_fd_mask=1 \
		-max_total_time=$secs -print_final_stats=1 \
		-artifact_prefix=crashes-$1/ ${3:-} corpus-$1 seeds-$1) \
		> $dir/fuzz-$1.log 2>&1 || true
	grep -E '^#[0-9]+: cov:' $dir/fuzz-$1.log | tail -1
	ls $dir/crashes-$1 | comm -13 $dir/crashes-$1.before - | \
		sed "s|^|new: $dir/crashes-$1/|"
}

seeds_read
for t in "$@"; do
	case $t in
	# the reader process: a size field asking for more than its
	# RLIMIT_DATA (1 GiB, reader.c) gets NULL, as there, not a report;
	# the libraries' leaks on bad input are theirs (LSan off)
	read)	run read detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=1024 ;;
	# the import process: everything is zapd's, leaks too
	wire)	seeds_wire; run wire detect_leaks=1 -max_len=524288 ;;
	*)	echo "$0: unknown fuzzer '$t'" >&2; exit 2 ;;
	esac
done
