// SPDX-License-Identifier: GPL-2.0
/*
 * capture.c - the frames zapd import's reader sends for a trace.dat, to
 * a file: the seeds of fuzz-wire (make fuzz).
 *
 * usage: capture FILE.dat OUT [MAX_BYTES]
 *   MAX_BYTES  stop at the last whole frame before this many bytes
 *              (default: all)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"
#include "feed.h"

/* cut - the bytes of the whole frames in the first @max of @len */
static size_t cut(const unsigned char *p, size_t len, size_t max)
{
	size_t at = 0;
	struct ring_frame f;

	while (len - at >= sizeof(f)) {
		memcpy(&f, p + at, sizeof(f));
		if (f.len < sizeof(f) || at + f.len > len || at + f.len > max)
			break;
		at += f.len;
	}
	return at;
}

/* main - capture FILE.dat OUT [MAX_BYTES] */
int main(int argc, char **argv)
{
	unsigned char *frames;
	size_t len, max;
	FILE *out;
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: capture FILE.dat OUT [MAX_BYTES]\n");
		return 2;
	}
	max = argc == 4 ? strtoull(argv[3], NULL, 0) : (size_t)-1;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || feed_capture(fd, NULL, 0, &frames, &len) < 0) {
		perror(argv[1]);
		return 1;
	}
	len = cut(frames, len, max);
	out = fopen(argv[2], "w");
	if (!out || fwrite(frames, 1, len, out) != len || fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	free(frames);
	return 0;
}
