/* SPDX-License-Identifier: GPL-2.0 */
/*
 * import.h - the trace.dat source.
 *
 * Owns: reading a trace.dat with libtracecmd, binary decoding of the zap
 * (and generic pair) events, and the glue engine -> store for one run.
 */
#ifndef ZAPD_IMPORT_H
#define ZAPD_IMPORT_H

#include <stdbool.h>

/* exit codes of zapd import (documented in docs/architecture.md) */
#define IMPORT_OK		0	/* imported, or already imported */
#define IMPORT_ERR		1	/* nothing written */
#define IMPORT_INCOMPLETE	3	/* truncated/corrupt: readable part in */

#define IMPORT_MAX_PAIRS	8

/* struct pair_spec - a generic START -> END pair: "sys:start,sys:end[,field]" */
struct pair_spec {
	char	*start_sys, *start_ev;
	char	*end_sys, *end_ev;
	char	*key_field;		/* NULL: key by pid */
};

/* struct import_opts - the command line of zapd import */
struct import_opts {
	const char		*file;
	const char		*db;
	const char		*label;
	bool			decode_only;	/* read + engine, no SQLite */
	int			npairs;
	struct pair_spec	pairs[IMPORT_MAX_PAIRS];
};

int pair_spec_parse(struct pair_spec *ps, const char *arg);
void pair_spec_free(struct pair_spec *ps);
int zapd_import(const struct import_opts *o);

#endif /* ZAPD_IMPORT_H */
