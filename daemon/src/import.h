/* SPDX-License-Identifier: GPL-2.0 */
/*
 * import.h - zapd import: a trace.dat into the database.
 *
 * Owns: the subcommand: its command line, the checks of the input file,
 * its identity (content hash), the run's life in the store and the
 * summary line. Reading is tracedat.c's, pairing and writing run.c's.
 */
#ifndef ZAPD_IMPORT_H
#define ZAPD_IMPORT_H

#include <stdbool.h>

#include "cli.h"

/* struct import_opts - the command line of zapd import */
struct import_opts {
	const char		*file;
	const char		*db;
	const char		*label;
	bool			decode_only;	/* read + engine, no SQLite */
	bool			quiet;		/* -q: no progress line */
	struct keep_opts	keep;		/* --slower-than, --all */
	int			npairs;
	struct pair_spec	pairs[ZAPD_MAX_PAIRS];
};

int cmd_import(int argc, char **argv);
int zapd_import(const struct import_opts *o);

#endif /* ZAPD_IMPORT_H */
