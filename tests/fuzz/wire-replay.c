// SPDX-License-Identifier: GPL-2.0
/*
 * wire-replay.c - the regression inputs of fuzz-wire (frames as a
 * compromised reader process would send them) through the import
 * process's side, as fuzz-wire runs them, built like zapd (so make
 * check-asan runs it under ASan and UBSan).
 *
 * usage: wire-replay FILE...
 *   prints per file "FILE: N" (feed_import()'s result: 0 read whole, 3
 *   incomplete, 1 refused) on stdout; zapd's own lines go to stderr.
 *   Exit 0 unless a file cannot be read or the harness cannot run; a
 *   crash is the failure tests/import/corpus.t looks for.
 */
#include <stdio.h>
#include <stdlib.h>

#include "feed.h"

/* slurp - a whole file into memory; NULL on failure */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f) || !buf) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* main - wire-replay FILE... */
int main(int argc, char **argv)
{
	const struct pair_spec *pairs = feed_pairs();
	unsigned char *buf;
	size_t len;
	int i, r;

	if (!pairs)
		return 2;
	for (i = 1; i < argc; i++) {
		buf = slurp(argv[i], &len);
		if (!buf) {
			perror(argv[i]);
			return 2;
		}
		r = feed_import(buf, len, pairs, FEED_NPAIRS);
		free(buf);
		printf("%s: %d\n", argv[i], r);
		fflush(stdout);
		if (r < 0)
			return 2;
	}
	return 0;
}
