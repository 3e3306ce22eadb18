// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-read.c - libFuzzer harness: a trace.dat through zapd import's
 * whole read path in one process. The input is the file; the reader
 * process's code (tracedat.c on the system's libtracecmd and
 * libtraceevent) sends its frames, which the import process's code
 * (reader.c, the run layer, the engine) then checks and feeds (feed.h).
 *
 * Crashes inside libtracecmd and libtraceevent are expected: zapd runs
 * that code in a process of its own for this reason. Run with -fork=1
 * -ignore_crashes=1 (make fuzz does) so the fuzzer goes on and keeps
 * them; a crash in the import side's code (reader.c and below) is a zapd
 * bug. Every crashing input is replayed through the real zapd binary by
 * tests/import/corpus.t.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "feed.h"

/* LLVMFuzzerInitialize - the reader's temporary files go to memory */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("TMPDIR", "/dev/shm", 0);
	return 0;
}

/* memfile - @data in a file with no name, at offset 0; -1 on failure */
static int memfile(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.dat", MFD_CLOEXEC);
	size_t at = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (at < size && (n = write(fd, data + at, size - at)) > 0)
		at += (size_t)n;
	if (at < size || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* LLVMFuzzerTestOneInput - one trace.dat, both sides */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *frames;
	size_t len;
	int fd;

	if (!feed_is_tracedat(data, size))	/* import refuses it */
		return -1;
	fd = memfile(data, size);
	if (fd < 0)
		return 0;
	feed_capture(fd, NULL, 0, &frames, &len);
	close(fd);
	feed_import(frames, len, NULL, 0);
	free(frames);
	return 0;
}
