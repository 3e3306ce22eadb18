/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wire.h - what the trace.dat reader process tells the import process.
 *
 * Owns: the frame types on the ring (ring.h) from the reader child
 * (tracedat.c: libtracecmd, libtraceevent, decode.c) to the parent
 * (reader.c: the run layer, the store), their layouts, and the cursor
 * that reads a frame's fields without trusting a byte of it.
 *
 * The order of a session:
 *
 *   W_PHASE(open) [W_PHASE(convert) W_PROGRESS...] W_BUFFER... W_NAME...
 *   W_READY  | W_FAIL
 *   then, in time order: W_DESC (an event's first record), W_COMM (a
 *   task's first paired record), W_STACK (a kernel stack's first use),
 *   W_LOST (before the record after a gap), W_REC, W_LIBMSG, W_PROGRESS
 *   W_STATS... W_END  | W_FAIL
 *
 * Invariants:
 *  - host byte order and layout: both ends are one zapd binary;
 *  - a string is a u16 length and its bytes (no NUL), at most
 *    WIRE_MAX_STR bytes; frames hold at most RING_MAX_FRAME bytes;
 *  - ids (desc, stack, buffer) are dense from 0, each defined by its
 *    frame before a frame uses it; the parent rejects a frame that uses
 *    an id it was not told, a CPU >= WIRE_MAX_CPUS, a kind that does not
 *    match its desc, or a field or string past the frame's end, and then
 *    reads nothing more from that child (RING_BAD).
 */
#ifndef ZAPD_WIRE_H
#define ZAPD_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ring.h"

#define WIRE_MAX_STR	16384	/* bytes of one string */
#define WIRE_MAX_CPUS	8192	/* the kernel's largest NR_CPUS */
#define WIRE_MAX_DESCS	65535	/* events (all buffers); W_REC's aux
				 * 65535: a record of no known event */
#define WIRE_MAX_BUFS	64	/* top buffer + instances */

enum wire_type {
	W_PHASE = 1,	/* aux: wire_phase; u64 bytes to read (0: unknown) */
	W_PROGRESS,	/* u64 bytes done, u64 records done */
	W_BUFFER,	/* aux: index; str name ("" top) */
	W_NAME,		/* aux: table << 8 | value (WIRE_NAME_*); str */
	W_READY,	/* aux: WIRE_READY_*; u32 version; str clock, host,
			 * release */
	W_DESC,		/* aux: buffer; struct wire_desc; str sys, name;
			 * str arg[nargs] */
	W_COMM,		/* i32 pid; str comm */
	W_STACK,	/* aux: 1 shared entry past the table; struct
			 * wire_stack; str frame, text */
	W_REC,		/* aux: desc; struct wire_rec; i64 arg[nargs] */
	W_LOST,		/* aux: buffer; i32 cpu; u64 ts; i64 count (-1) */
	W_LIBMSG,	/* aux: 1 warning or worse (counted: the run is
			 * incomplete, the last is in the import's line); str */
	W_FAIL,		/* str: why the read failed, one line; last frame */
	W_STATS,	/* str: part of the kernel's saved per-CPU stats */
	W_END,		/* aux: 1 everything was read */
	W_NTYPES
};

enum wire_phase { WIRE_OPEN, WIRE_CONVERT, WIRE_READ };

#define WIRE_NAME_PATH		0
#define WIRE_NAME_STAGE		1
#define WIRE_READY_HAS_ZAP	(1u << 0)	/* zap event formats */
#define WIRE_READY_COMPRESSED	(1u << 1)	/* decompressed first */

/* struct wire_desc - how the parent treats an event's records */
struct wire_desc {
	uint32_t	id;		/* desc id */
	int32_t		event;		/* its id in its buffer */
	int32_t		cls;		/* enum dec_class */
	int32_t		kind;		/* enum zev_kind, -1: not paired */
	int32_t		pair;		/* pair id, or handler family */
	uint8_t		extra;		/* records also stored as extras */
	uint8_t		nargs;		/* <= EXT_MAX_ARGS */
	uint8_t		pad[6];
};

/* struct wire_stack - an interned kernel stack (kstack.h) */
struct wire_stack {
	uint32_t	id;
	int32_t		caller;		/* enum zap_caller */
	int32_t		depth;
	uint32_t	pad;
	uint64_t	hash;
};

/* struct wire_rec - one record, decoded (struct zev without pointers) */
struct wire_rec {
	uint64_t	ts;
	int32_t		cpu, pid;
	uint64_t	key, mm, addr, pfn, end;
	int64_t		nr;
	uint32_t	max_nr, flags;
	int32_t		path, stage, order;
	uint32_t	stack;		/* 0: none, else stack id + 1 */
};

/* struct wire_cur - a frame being read: every read is bounds-checked */
struct wire_cur {
	const unsigned char	*p, *end;
	bool			bad;	/* a read went past the end */
};

/* wire_cur_init - a cursor on the payload of the frame at @f */
static inline void wire_cur_init(struct wire_cur *c, const void *f,
				 uint32_t len)
{
	c->p = (const unsigned char *)f + sizeof(struct ring_frame);
	c->end = (const unsigned char *)f + len;
	c->bad = len < sizeof(struct ring_frame);
}

/* wire_get - copy @n bytes to @out; zeros and c->bad past the end */
static inline void wire_get(struct wire_cur *c, void *out, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, c->p, n);
	c->p += n;
}

static inline uint64_t wire_u64(struct wire_cur *c)
{
	uint64_t v;

	wire_get(c, &v, sizeof(v));
	return v;
}

static inline uint32_t wire_u32(struct wire_cur *c)
{
	uint32_t v;

	wire_get(c, &v, sizeof(v));
	return v;
}

int wire_str(struct wire_cur *c, char *buf, size_t size, uint32_t *len);
char *wire_strdup(struct wire_cur *c, uint32_t *len);

/* the producer's side (the reader child) */
struct wire_out;
struct wire_out *wire_out_new(struct ring *r);
void *wire_begin(struct wire_out *o, uint32_t max_len);
void wire_put(struct wire_out *o, const void *v, uint32_t n);
void wire_put_str(struct wire_out *o, const char *s, uint32_t n);
int wire_send(struct wire_out *o, uint16_t type, uint16_t aux);
int wire_text(struct wire_out *o, uint16_t type, uint16_t aux,
	      const char *s);
void wire_out_free(struct wire_out *o);

#endif /* ZAPD_WIRE_H */
