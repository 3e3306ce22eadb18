# vm/bench.mk - kernel cost of the zap tracepoints (include from the top Makefile)
#
#   make bench-kernel   unpatched vs patched kernel: bloat-o-meter on
#                       mm/memory.o, __jump_table entries, and a munmap
#                       benchmark in QEMU (A B A B boots, then events on);
#                       results in $(BUILD)/bench-kernel/summary.txt
#   BENCH_KERNEL_ARGS   e.g. "--mb 256 --reps 5 --pairs 2 --no-events"
BUILD ?= build
BENCH_KERNEL_ARGS ?=

.PHONY: bench-kernel
bench-kernel:
	BUILD=$(BUILD) vm/bench-kernel.sh --out $(BUILD)/bench-kernel $(BENCH_KERNEL_ARGS)

# make bench-live: zapd live in the guest during a 1-thread munmap storm,
# default mode and --all (lost events, zapd CPU / storm CPU);
# BENCH_LIVE_ARGS="ROUNDS PAGES [MODE|--ZAPD-OPTION...]" (e.g. "400 1024 --why")
BENCH_LIVE_ARGS ?=
.PHONY: bench-live
bench-live: zapd vm
	BUILD=$(BUILD) vm/bench-live.sh $(BENCH_LIVE_ARGS)

# make bench-context: zapd live --why --context-ms under a long storm in the
# guest: its RSS every 10 s; BENCH_CONTEXT_ARGS="MINUTES [ZAPD_ARGS...]"
BENCH_CONTEXT_ARGS ?=
.PHONY: bench-context
bench-context: zapd vm
	BUILD=$(BUILD) vm/bench-context.sh $(BENCH_CONTEXT_ARGS)
