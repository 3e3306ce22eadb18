/* SPDX-License-Identifier: GPL-2.0 */
/*
 * feed.h - the two sides of zapd import's reader in one process, for the
 * fuzzers (tests/fuzz/fuzz-read.c, fuzz-wire.c) and the seed tool
 * (capture.c).
 *
 * Owns: nothing between calls. feed_capture() runs the reader process's
 * code (tracedat.c: libtracecmd, libtraceevent, decode.c) on a thread
 * and collects the frames it sends; feed_import() writes frames into a
 * ring from a thread and runs the import process's side on them
 * (reader.c: every frame check and its dispatch, the run layer, the
 * engine; no database) in the calling thread, in the order zapd import
 * calls them (import.c). The two never run at once: in zapd they are two
 * processes, and their globals (libmsg, kstack) are per process.
 *
 * Frames are stored as they travel on the ring (ring.h): a struct
 * ring_frame whose len (header included) is 8-aligned, then the payload.
 * feed_import() takes any bytes: each frame takes len rounded up to 8
 * bytes (at least the header, at most RING_MAX_FRAME, at most what is
 * left); its type and aux are used as they are.
 */
#ifndef ZAPD_FUZZ_FEED_H
#define ZAPD_FUZZ_FEED_H

#include <stddef.h>

struct pair_spec;

int feed_capture(int fd, const struct pair_spec *pairs, int npairs,
		 unsigned char **frames, size_t *len);
int feed_import(const unsigned char *frames, size_t len,
		const struct pair_spec *pairs, int npairs);
int feed_is_tracedat(const unsigned char *data, size_t size);

#define FEED_NPAIRS	2
const struct pair_spec *feed_pairs(void);

#endif /* ZAPD_FUZZ_FEED_H */
