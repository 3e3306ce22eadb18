// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-wire.c - libFuzzer harness: arbitrary bytes as the frames a
 * compromised reader process would send (wire.h), straight into the
 * import process's frame checks and what they feed (reader.c, the run
 * layer, the engine; feed.h). The reader process is untrusted: any
 * crash, sanitizer report or leak here is a zapd bug. Its crashing inputs
 * go to tests/fuzz/corpus/wire/, replayed by wire-replay.c in make check.
 *
 * Seeds: the frames the reader sends for the fixtures (capture.c,
 * make fuzz). The run has the --pair specs of feed_pairs(), so pair
 * frames can be valid.
 */
#include <stdint.h>
#include <stdlib.h>

#include "feed.h"

/* LLVMFuzzerTestOneInput - the bytes as frames */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pair_spec *pairs = feed_pairs();

	if (!pairs || feed_import(data, size, pairs, FEED_NPAIRS) < 0)
		abort();	/* the harness could not run */
	return 0;
}
