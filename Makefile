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
include vm/vm.mk
include vm/bench.mk

demo: deps
	$(MAKE) all
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BUILD)/zapd import $(SAMPLE) --db $(DEMO_DB)
	$(BUILD)/zapd query slowest -n 10 --db $(DEMO_DB)
	$(BUILD)/zapd query stages --db $(DEMO_DB)

check: deps
	$(MAKE) $(CHECK_PREREQS)
	prove --exec '' $(TESTS)

install: zapd
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/zapd/queries \
		$(DESTDIR)$(PREFIX)/share/zapd/schema
	install -m 755 $(BUILD)/zapd $(DESTDIR)$(PREFIX)/bin/zapd
	install -m 644 queries/*.sql $(DESTDIR)$(PREFIX)/share/zapd/queries
	install -m 644 schema/*.sql $(DESTDIR)$(PREFIX)/share/zapd/schema

clean:
	rm -rf $(BUILD)
