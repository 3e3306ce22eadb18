/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ring.h - one-way frames from a child process to its parent through
 * shared memory.
 *
 * Owns: a single-producer single-consumer byte ring in a MAP_SHARED
 * mapping made before fork(), its two counters, and the socket pair that
 * wakes a side that sleeps (the producer when the ring is full, the
 * consumer when it is empty). Frames are 8-byte aligned, start with a
 * struct ring_frame and never wrap: a frame that does not fit before the
 * end of the ring is preceded by a pad frame to the end.
 *
 * Invariants:
 *  - the producer (child) writes frames at its private position and
 *    publishes them by storing @head; the consumer (parent) reads up to
 *    @head and gives space back by storing @tail. Both publish in
 *    batches (RING_BATCH bytes), so the shared cache lines move once per
 *    batch, not per frame;
 *  - the consumer trusts nothing in the mapping: @head is checked against
 *    @tail and the ring size, every frame's length against the bytes
 *    published, and a frame is copied out before it is looked at (the
 *    producer could change it under the reader);
 *  - a side sleeps only in poll() on its socket after announcing it with
 *    a full barrier and looking once more (no lost wake-up); the
 *    producer's death closes its end: the consumer reads what was
 *    published, then end of data; a wake-up sent to a dead peer raises no
 *    SIGPIPE.
 */
#ifndef ZAPD_RING_H
#define ZAPD_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_SIZE	(4u << 20)	/* bytes of frames */
#define RING_BATCH	(64u << 10)	/* publish every so many bytes */
#define RING_MAX_FRAME	(64u << 10)	/* largest frame, header included */

/* struct ring_frame - the head of every frame */
struct ring_frame {
	uint32_t	len;		/* bytes, header included, 8-aligned */
	uint16_t	type;		/* 0: pad to the end of the ring */
	uint16_t	aux;		/* for the frame's user */
};

struct ring;

/* ring_next() results besides a frame */
enum { RING_EOF = 0, RING_TIMEOUT = -2, RING_BAD = -3 };

struct ring *ring_new(void);
void ring_child(struct ring *r);
void ring_parent(struct ring *r);
void *ring_reserve(struct ring *r, uint32_t len);
void ring_commit(struct ring *r, uint32_t len, uint16_t type, uint16_t aux);
int ring_flush(struct ring *r);
int ring_next(struct ring *r, int timeout_ms, void *buf);
uint64_t ring_consumed(const struct ring *r);
void ring_free(struct ring *r);

/* ring_align - a frame length rounded up to 8 */
static inline uint32_t ring_align(uint32_t len)
{
	return (len + 7u) & ~7u;
}

#endif /* ZAPD_RING_H */
