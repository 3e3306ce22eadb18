# daemon/daemon.mk - zapd build, unit/import tests and the import benchmark.
# Included by the top-level Makefile (BUILD, CC, CFLAGS, TESTS, CHECK_PREREQS,
# ZAPD_CACHE come from there).

ZAPD_PKGS	:= libtracecmd libtraceevent libtracefs sqlite3
ZAPD_PKG_CFLAGS	 = $(shell pkg-config --cflags $(ZAPD_PKGS))
ZAPD_PKG_LIBS	 = $(shell pkg-config --libs $(ZAPD_PKGS))
ZAPD_CFLAGS	 = $(CFLAGS) -Idaemon/src $(ZAPD_PKG_CFLAGS)

ZAPD_SRCS	:= zapd.c cli.c usage.c log.c libmsg.c engine.c attr.c \
		   decode.c kstack.c context.c \
		   comm.c run.c hist.c tally.c writer.c store.c store-db.c \
		   store-rows.c store-why.c \
		   tracedat.c unzip.c ring.c wire.c reader.c reader-frames.c \
		   progress.c \
		   import.c query.c escape.c outfile.c report.c \
		   report-tab.c report-svg.c report-tl.c report-scan.c export.c \
		   live.c live-opts.c \
		   live-instance.c live-owner.c live-reader.c watchdog.c
ZAPD_OBJS	:= $(addprefix $(BUILD)/daemon/,$(ZAPD_SRCS:.c=.o)) \
		   $(BUILD)/daemon/embed.o
ZAPD_HDRS	:= $(wildcard daemon/src/*.h)
ZAPD_SQL	:= $(sort $(wildcard schema/*.sql)) $(sort $(wildcard queries/*.sql))

.PHONY: zapd bench-import
zapd: $(BUILD)/zapd

# make check-asan's zapd carries its sanitizer settings (tests/asan/)
ZAPD_SAN_OBJS	:= $(if $(SANITIZE),$(BUILD)/asan/defaults.o)

$(BUILD)/zapd: $(ZAPD_OBJS) $(ZAPD_SAN_OBJS)
	$(CC) $(CFLAGS) -pthread -o $@ $(ZAPD_OBJS) $(ZAPD_SAN_OBJS) \
		$(ZAPD_PKG_LIBS) -lm

$(BUILD)/asan/lsan-supp.h: tests/asan/lsan.supp
	@mkdir -p $(@D)
	{ echo 'static const char lsan_supp[] ='; \
	  sed -e '/^#/d' -e '/^[[:space:]]*$$/d' -e 's/.*/\t"&\\n"/' $<; \
	  echo '\t"";'; } > $@

$(BUILD)/asan/defaults.o: tests/asan/defaults.c $(BUILD)/asan/lsan-supp.h
	$(CC) $(CFLAGS) -I$(BUILD)/asan -c -o $@ $<

$(BUILD)/daemon/%.o: daemon/src/%.c $(ZAPD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ZAPD_CFLAGS) -c -o $@ $<

$(BUILD)/daemon/embed.c: daemon/gen-embed.sh $(ZAPD_SQL)
	@mkdir -p $(@D)
	daemon/gen-embed.sh $@ schema queries

$(BUILD)/daemon/embed.o: $(BUILD)/daemon/embed.c daemon/src/embed.h
	$(CC) $(ZAPD_CFLAGS) -c -o $@ $<

# engine unit tests: the engine (and its attribution) alone, no libraries
$(BUILD)/tests/engine.t: tests/unit/engine-test.c daemon/src/engine.c \
			 daemon/src/attr.c daemon/src/engine.h \
			 daemon/src/attr.h daemon/src/record.h tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Idaemon/src -Itests/unit -o $@ \
		tests/unit/engine-test.c daemon/src/engine.c daemon/src/attr.c

# context windows unit tests: context.c alone
$(BUILD)/tests/context.t: tests/unit/context-test.c daemon/src/context.c \
			  daemon/src/context.h daemon/src/record.h tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Idaemon/src -Itests/unit -o $@ \
		tests/unit/context-test.c daemon/src/context.c

TESTS		+= $(BUILD)/tests/engine.t $(BUILD)/tests/context.t \
		   tests/import/cli.t \
		   tests/import/host.t tests/import/fixtures.t \
		   tests/import/schema.t tests/import/events.t tests/import/why.t \
		   tests/import/hist.t tests/import/special.t \
		   tests/import/diskfull.t tests/import/readers.t \
		   tests/import/reader.t tests/import/usage.t
CHECK_PREREQS	+= zapd $(BUILD)/tests/engine.t $(BUILD)/tests/context.t

# hostile input: truncations and byte flips of the fixtures, and the
# fuzzers' regression corpus (tests/fuzz/corpus/): read/ through zapd
# import, wire/ (frames of a compromised reader) through wire-replay,
# the import process's frame checks built like zapd
$(BUILD)/tests/wire-replay: tests/fuzz/wire-replay.c tests/fuzz/feed.c \
			    tests/fuzz/feed.h \
			    $(filter-out $(BUILD)/daemon/zapd.o,$(ZAPD_OBJS))
	@mkdir -p $(@D)
	$(CC) $(ZAPD_CFLAGS) -Itests/fuzz -pthread -o $@ \
		tests/fuzz/wire-replay.c tests/fuzz/feed.c \
		$(filter-out $(BUILD)/daemon/zapd.o,$(ZAPD_OBJS)) \
		$(ZAPD_PKG_LIBS) -lm

TESTS		+= tests/import/hostile.t tests/import/corpus.t
CHECK_PREREQS	+= $(BUILD)/tests/wire-replay

# zapd live tests: real tracefs on this host (root), see docs/live.md
# (a workload, not a subject: never instrumented, its syscalls are counted)
$(BUILD)/tests/munmap-n: tests/live/munmap-n.c
	@mkdir -p $(@D)
	$(CC) $(filter-out $(SANITIZE),$(CFLAGS)) -o $@ $<

TESTS		+= $(sort $(wildcard tests/live/*.t))
CHECK_PREREQS	+= $(BUILD)/tests/munmap-n

# what zapd shows: report (headless Chromium), export, --json, man page,
# completion, make install (tests/show/lib.sh); the screenshots stay in
# $(BUILD)/tests/show/
TESTS		+= $(sort $(wildcard tests/show/*.t))

# make bench [BENCH_DAT="5m.dat 21m.dat"]: zapd import against the read
# limit and trace-cmd report, compressed and uncompressed, two sizes
# (make bench-trace bench-trace-21m record them)
BENCH_DAT	?= $(ZAPD_CACHE)/bench/zap-5m.dat $(ZAPD_CACHE)/bench/zap-21m.dat
bench: bench-import
bench-import: zapd $(BUILD)/bench/readlimit
	daemon/bench/import-bench.sh $(BUILD)/zapd $(BUILD)/bench/readlimit \
		$(BENCH_DAT)

$(BUILD)/bench/readlimit: daemon/bench/readlimit.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ZAPD_PKG_CFLAGS) -o $@ $< $(ZAPD_PKG_LIBS)

# make bench-report [BENCH_REPORT_DAT=file.dat] [BENCH_REPORT_DB=file.db]
BENCH_REPORT_DAT ?= $(ZAPD_CACHE)/bench/zap-21m.dat
.PHONY: bench-report
bench-report: zapd
	daemon/bench/report-bench.sh $(BUILD)/zapd $(BENCH_REPORT_DAT) $(BENCH_REPORT_DB)

# make bench-query [BENCH_QUERY_DB=big.db]: every canned query on a
# database of both bench traces (13M intervals, built on first use)
BENCH_QUERY_DB	?= $(ZAPD_CACHE)/bench-query/bench.db
BENCH_QUERY_DATS ?= $(ZAPD_CACHE)/bench/zap-5m.dat $(ZAPD_CACHE)/bench/zap-21m.dat
# make bench-live-host [BENCH_LIVE_RATES="50000 100000"]: zapd live on
# this host's stock kernel (--pair munmap) against a paced munmap load
BENCH_LIVE_RATES ?=
.PHONY: bench-live-host
bench-live-host: zapd $(BUILD)/tests/munmap-n
	daemon/bench/live-host.sh $(BUILD)/zapd $(BUILD)/tests/munmap-n $(BENCH_LIVE_RATES)

# make bench-live-soak [SOAK_MINUTES=10 SOAK_RATE=100000]: memory and
# database size of a long zapd live run under a steady storm
SOAK_MINUTES	?= 10
SOAK_RATE	?= 100000
.PHONY: bench-live-soak
bench-live-soak: zapd $(BUILD)/tests/munmap-n
	daemon/bench/live-soak.sh $(BUILD)/zapd $(BUILD)/tests/munmap-n $(SOAK_MINUTES) $(SOAK_RATE)

.PHONY: bench-query
bench-query: zapd
	@mkdir -p $(dir $(BENCH_QUERY_DB))
	daemon/bench/query-bench.sh $(BUILD)/zapd $(BENCH_QUERY_DB) $(BENCH_QUERY_DATS)
