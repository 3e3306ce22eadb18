/* SPDX-License-Identifier: GPL-2.0 */
/*
 * outfile.h - an output file that appears whole or not at all.
 *
 * Owns: the files zapd report and zapd export write. The data goes to a
 * temporary file next to the target (same directory, so rename(2) is
 * atomic); outfile_commit() checks every write, closes and renames it
 * over the target; outfile_abort() removes it. "-" is stdout (no
 * temporary file; a failure is still reported).
 */
#ifndef ZAPD_OUTFILE_H
#define ZAPD_OUTFILE_H

#include <stdio.h>

/* struct outfile - the stream to write, the target and its temporary */
struct outfile {
	FILE	*f;
	char	*path;		/* target */
	char	*tmp;		/* NULL for stdout */
	char	*buf;		/* stdio buffer */
};

int outfile_open(struct outfile *o, const char *path);
int outfile_commit(struct outfile *o);
void outfile_abort(struct outfile *o);

#endif /* ZAPD_OUTFILE_H */
