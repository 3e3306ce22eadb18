/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracedat.h - the reader process of zapd import: a trace.dat read with
 * libtracecmd and libtraceevent, decoded, sent as frames (wire.h).
 *
 * Owns: the libtracecmd handles of one file (the top buffer and every
 * instance buffer, an uncompressed copy of a compressed file: unzip.h),
 * their decoder tables (decode.h), the merge of all buffers' records in
 * time order, lost-event markers, and what the file says about itself
 * (uname, clock, saved kernel stats, event formats, task names, kernel
 * stacks), all sent to the import process. It knows nothing of runs or
 * the database, and runs only in a process of its own (reader.c forks
 * it): a crash or a hang of the libraries on a hostile file ends that
 * process, not the import.
 */
#ifndef ZAPD_TRACEDAT_H
#define ZAPD_TRACEDAT_H

struct pair_spec;
struct ring;

/* struct tracedat_args - what the reader process is given */
struct tracedat_args {
	const char		*file;		/* its name, for messages */
	int			fd;		/* the file, checked regular */
	struct ring		*ring;		/* to the import process */
	const struct pair_spec	*pairs;		/* --pair specs */
	int			npairs;
};

int tracedat_serve(const struct tracedat_args *a);

#endif /* ZAPD_TRACEDAT_H */
