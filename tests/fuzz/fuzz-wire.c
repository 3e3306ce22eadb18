// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-wire.c - libFuzzer harness: arbitrary bytes as the frames a
 * compromised reader process would send (wire.h), straight into the
 * import process's frame checks and what they feed (reader.c, the run
 * layer, the engine; feed.h). The reader process is untrusted: any
 * crash, sanitizer report or leak here is a zapd bug.
 *
 * Seeds: the frames the reader sends for the fixtures (capture.c,
 * make fuzz). The run has two --pair specs, so pair frames can be valid.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "feed.h"

static struct pair_spec pairs[2];

/* LLVMFuzzerInitialize - the run's --pair specs */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (cli_pair_parse(&pairs[0], "import",
			   "syscalls:sys_enter_munmap,syscalls:sys_exit_munmap") ||
	    cli_pair_parse(&pairs[1], "import",
			   "sched:sched_waking,sched:sched_switch,pid"))
		abort();
	return 0;
}

/* LLVMFuzzerTestOneInput - the bytes as frames */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (feed_import(data, size, pairs, 2) < 0)
		abort();	/* the harness could not run */
	return 0;
}
