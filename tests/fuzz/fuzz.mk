# tests/fuzz/fuzz.mk - libFuzzer harnesses on zapd import's read path
# (tests/fuzz/README.md). Not part of make check.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="read wire"]
#       builds $(BUILD)/fuzz/fuzz-read and fuzz-wire (clang, libFuzzer,
#       ASan, UBSan), makes their seeds, runs each for FUZZ_SECONDS, one
#       after the other; corpora and crashes stay in $(BUILD)/fuzz/
#   make fuzz-build   the harnesses alone
#
# fuzz-read links the system's libtracecmd and libtraceevent (not
# instrumented): libFuzzer is guided by zapd's code around them; their
# crashes are what the reader process exists for (tests/fuzz/README.md).

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	?= read wire
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS	:= -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
		   -std=gnu11 -D_GNU_SOURCE -Wall -Wno-unused-parameter \
		   -Idaemon/src -Itests/fuzz $(ZAPD_PKG_CFLAGS)
FUZZ_DIR	:= $(BUILD)/fuzz
FUZZ_ZAPD_OBJS	:= $(addprefix $(FUZZ_DIR)/obj/,$(filter-out zapd.o, \
		   $(ZAPD_SRCS:.c=.o))) $(FUZZ_DIR)/obj/embed.o \
		   $(FUZZ_DIR)/obj/feed.o
FUZZ_READ_LIBS	:= $(ZAPD_PKG_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_DIR)/fuzz-read $(FUZZ_DIR)/fuzz-wire $(FUZZ_DIR)/capture

fuzz: deps
	$(MAKE) fuzz-build
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(FUZZ_DIR)/obj/%.o: daemon/src/%.c $(ZAPD_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/obj/embed.o: $(BUILD)/daemon/embed.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/obj/%.o: tests/fuzz/%.c tests/fuzz/feed.h $(ZAPD_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/fuzz-read: $(FUZZ_DIR)/obj/fuzz-read.o $(FUZZ_ZAPD_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -pthread -o $@ $^ \
		$(FUZZ_READ_LIBS) $(ZAPD_PKG_LIBS) -lm

$(FUZZ_DIR)/fuzz-wire: $(FUZZ_DIR)/obj/fuzz-wire.o $(FUZZ_ZAPD_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -pthread -o $@ $^ \
		$(ZAPD_PKG_LIBS) -lm

# the seed tool: no libFuzzer main
$(FUZZ_DIR)/capture: $(FUZZ_DIR)/obj/capture.o $(FUZZ_ZAPD_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -pthread -o $@ \
		$^ $(ZAPD_PKG_LIBS) -lm
