/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reader.h - a trace.dat read by a process of its own (privilege
 * separation in the OpenBSD style: the parser is untrusted code).
 *
 *   reader process: tracedat.c (libtracecmd, libtraceevent, decode.c)
 *       --frames (wire.h) over shared memory (ring.h)-->
 *   import process: reader.c --run_feed()/run_event()--> run.c --> ...
 *
 * Owns: the reader process (fork, its limits, its end: exit, crash,
 * hang), the import process's copy of what it was told (buffers, path and
 * stage names, the decoders' classes and record counts, task names,
 * kernel stacks, saved stats), the checks every frame passes before
 * anything in it is used, and the progress line.
 *
 * Invariants:
 *  - the import process never calls libtracecmd or libtraceevent on the
 *    file: a crash, a hang or garbage in the reader costs the records not
 *    yet sent, never the database (the run is marked incomplete);
 *  - a reader that sends nothing for READER_QUIET_MS (while the import
 *    process waits for it) is killed as hung;
 *  - strings handed to the run (names, task names, stack texts) live
 *    until reader_close(), which runs after the writer stopped.
 */
#ifndef ZAPD_READER_H
#define ZAPD_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

#define READER_QUIET_MS	10000

struct comm;
struct pair_spec;
struct reader;
struct ring;
struct run;

/* struct reader_info - what the file says of itself (W_READY) */
struct reader_info {
	int		version;	/* trace.dat version */
	bool		compressed;	/* its data decompressed first */
	bool		has_zap;	/* a buffer has zap event formats */
	const char	*clock;		/* "" if unknown */
	const char	*host, *release;
	const char	*buffers;	/* read, comma separated ("" top) */
	struct zap_names names;		/* path and stage names */
};

struct reader *reader_start(const char *file, int fd,
			    const struct pair_spec *pairs, int npairs,
			    bool progress);
struct reader *reader_attach(const char *file, struct ring *ring,
			     int npairs);
int reader_ready(struct reader *rd);
const struct reader_info *reader_info(struct reader *rd);
struct comm *reader_comm(struct reader *rd);
int reader_read(struct reader *rd, struct run *run);
int reader_store(struct reader *rd, struct run *run);
bool reader_complete(struct reader *rd);
const char *reader_problem(struct reader *rd);
void reader_systems(struct reader *rd, char *out, size_t len);
void reader_close(struct reader *rd);

#endif /* ZAPD_READER_H */
