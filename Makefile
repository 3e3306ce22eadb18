# zapd - top-level build. `make demo` and `make check` are the two entry points.
#
# Parts plug in through fragments: daemon/daemon.mk (zapd, unit and import
# tests, import benchmark), vm/vm.mk (patched kernel, initramfs, QEMU
# end-to-end tests), vm/bench.mk (kernel cost of the tracepoints).
# A fragment appends TAP executables to TESTS and their build prerequisites
# to CHECK_PREREQS; `make check` runs them all under prove(1).

PREFIX		?= /usr/local
DESTDIR		?=
BUILD		?= build
ZAPD_CACHE	?= /var/cache/zapd
export ZAPD_CACHE

CC		?= cc
CFLAGS		?= -O2 -g
CFLAGS		+= -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE
# SANITIZE: instrumentation added to everything built for the host (zapd,
# unit tests, test helpers); make check-asan sets it
SANITIZE	?=
CFLAGS		+= $(SANITIZE)

TESTS		:=
CHECK_PREREQS	:=
SAMPLE		?= tests/data/munmap-4k.dat
DEMO_DB		?= $(BUILD)/demo.db

.PHONY: all deps demo check install clean bench
all: zapd

deps:
	@scripts/install-deps

TESTS		+= tests/kernel/series.t

include daemon/daemon.mk
include tests/fuzz/fuzz.mk
include vm/vm.mk
include vm/bench.mk

demo: deps
	$(MAKE) all
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BUILD)/zapd import $(SAMPLE) --db $(DEMO_DB)
	$(BUILD)/zapd query slowest -n 10 --db $(DEMO_DB)
	$(BUILD)/zapd query stages --db $(DEMO_DB)

# the tests find zapd and the test helpers through ZAPD and BUILD; each
# test's TAP is kept in $(BUILD)/tap, and when one fails its failing
# checks and their diagnostics are printed after prove's summary
TAP_DIR		 = $(abspath $(BUILD))/tap
TEST_ZAPD	?= $(abspath $(BUILD))/zapd
check: deps
	$(MAKE) $(CHECK_PREREQS)
	rm -rf $(TAP_DIR)
	BUILD=$(BUILD) ZAPD=$(TEST_ZAPD) \
	PERL_TEST_HARNESS_DUMP_TAP=$(TAP_DIR) prove --exec '' $(TESTS) || \
	{ tests/failed.sh $(TAP_DIR); exit 1; }

# make check-asan: the whole of make check with zapd, the unit tests and
# the test helpers built by clang with ASan and UBSan (every report is
# fatal) in their own build directory. Every process writes its reports
# to a sanitizer/ directory (the reader process of zapd import has no
# stderr), which tests/asan/reports.sh then judges: one in zapd's code
# fails; the reports are kept in $(ASAN_BUILD)/sanitizer. Leaks inside the
# tracing libraries are suppressed (tests/asan/lsan.supp says why, one by
# one). The guest's zapd is that build too (clang links the sanitizer
# runtime statically); zapd carries its sanitizer options and suppressions
# (tests/asan/defaults.c), the guest's reports go to its logs and fail the
# guest's checks. ASan's realloc makes libtracefs's read of /proc/kallsyms
# slow (zapd live starts ~20 s later): the live tests wait 5 times longer
# (ZAPD_WAIT_SCALE).
# The tests run a copy of that zapd from a directory in /tmp that
# everyone may enter, and its reports go to a directory there that
# everyone may write: a `zapd live --user nobody` checks its leaks at exit
# as nobody, and the symbolizer must read the binary and the report file
# must open, wherever the tree is (a CI clone under a mode 700 directory
# gave every --user test an extra stderr line from llvm-symbolizer).
ASAN_BUILD	?= build-asan
ASAN_FLAGS	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
ASAN_MAKE	 = $(MAKE) BUILD=$(ASAN_BUILD) CC=clang SANITIZE="$(ASAN_FLAGS)"
.PHONY: check-asan
check-asan: deps
	$(ASAN_MAKE) zapd
	d=$$(mktemp -d /tmp/zapd-asan.XXXXXX) || exit 1; \
	trap 'rm -rf "$$d"' EXIT; trap 'exit 130' INT TERM; \
	chmod 755 $$d && mkdir -m 1777 $$d/sanitizer && \
	cp $(ASAN_BUILD)/zapd $$d/zapd || exit 1; \
	log=$$d/sanitizer/report; \
	ASAN_OPTIONS=log_path=$$log LSAN_OPTIONS=print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$$log ZAPD_WAIT_SCALE=5 \
	$(ASAN_MAKE) check TEST_ZAPD=$$d/zapd; rc=$$?; \
	rm -rf $(ASAN_BUILD)/sanitizer; cp -r $$d/sanitizer $(ASAN_BUILD)/; \
	tests/asan/reports.sh $(ASAN_BUILD)/sanitizer && exit $$rc

# install: the binary, its SQL, the man page, the bash completion and the
# systemd unit (its ExecStart names $(PREFIX)/bin/zapd); DESTDIR for
# packaging. tests/show/install.t installs into a temporary DESTDIR.
MANDIR		?= $(PREFIX)/share/man
COMPLETIONDIR	?= $(PREFIX)/share/bash-completion/completions
UNITDIR		?= $(PREFIX)/lib/systemd/system

install: zapd
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/zapd/queries \
		$(DESTDIR)$(PREFIX)/share/zapd/schema $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(BUILD)/zapd $(DESTDIR)$(PREFIX)/bin/zapd
	install -m 644 queries/*.sql $(DESTDIR)$(PREFIX)/share/zapd/queries
	install -m 644 schema/*.sql $(DESTDIR)$(PREFIX)/share/zapd/schema
	install -m 644 man/zapd.8 $(DESTDIR)$(MANDIR)/man8/zapd.8
	install -m 644 completion/zapd $(DESTDIR)$(COMPLETIONDIR)/zapd
	sed 's|/usr/local/bin/zapd|$(PREFIX)/bin/zapd|' systemd/zapd-live.service \
		> $(DESTDIR)$(UNITDIR)/zapd-live.service
	chmod 644 $(DESTDIR)$(UNITDIR)/zapd-live.service

clean:
	rm -rf $(BUILD)
