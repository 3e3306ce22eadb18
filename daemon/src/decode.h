/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - binary decoding of trace records into struct zev, shared by
 * the trace.dat source (import.c) and the live source (live.c).
 *
 * Owns: the table of zap events (docs/events.md: name -> kind, fields ->
 * struct zev members), the symbolic names of path/stage values (from the
 * events' __print_symbolic() tables, numbers of docs/events.md as a
 * fallback), the per-event-id decoders of a buffer (struct dectab of
 * struct evdec: tep_event and tep_format_field pointers resolved once,
 * per-CPU record counts), which events are paired, which feed attribution
 * (the handler, switch and stack events of dec_whys[]) and which are
 * stored as extra events (dec_classify), and the per-record decode.
 *
 * Invariants:
 *  - binary only: nothing is formatted to text. A buffer in host byte
 *    order whose fields are plain integers is read at the offsets of its
 *    format (struct dec_fast, set up once per event); otherwise per record
 *    tep_data_pid() and one tep_read_number_field() per field;
 *  - signed fields narrower than 64 bits are sign-extended;
 *  - a field a zap event lacks reads as 0 (the caller decides whether
 *    that is an error);
 *  - both sources decode a record identically: they classify an event
 *    with the same dec_classify() once and call dec_record() or
 *    dec_event() per record.
 */
#ifndef ZAPD_DECODE_H
#define ZAPD_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <event-parse.h>

#include "cli.h"
#include "record.h"

#define DEC_MAX_FIELDS	8	/* zap event fields decoded */
#define DEC_MAX_ARGS	EXT_MAX_ARGS	/* numeric fields of an extra event */

/* which zapd live option enables a zap event */
enum dec_need { DEC_NEED_ZAP, DEC_NEED_STAGES, DEC_NEED_LOCK };

/* struct dec_field - a field of a zap event and the zev member it fills */
struct dec_field {
	const char	*name;
	int		tgt;		/* decode.c's enum tgt */
};

/* struct dec_zap - a zap event of docs/events.md */
struct dec_zap {
	const char	*name;
	enum zev_kind	kind;
	enum dec_need	need;
	struct dec_field f[DEC_MAX_FIELDS];	/* name NULL: end */
};

extern const struct dec_zap dec_zaps[];
extern const int dec_nzaps;

/*
 * struct dec_why - an event attribution reads (docs/events.md, "Why was
 * it slow"): @name, or with @name NULL every event of @sys whose name ends
 * in @suffix (irq_vectors:*_entry)
 */
struct dec_why {
	const char	*sys, *name, *suffix;
	enum zev_kind	kind;
	struct dec_field f[2];		/* name NULL: end */
};

extern const struct dec_why dec_whys[];
extern const int dec_nwhys;

/*
 * struct dec_fast - where a field is in a record (host byte order), and
 * for a zap/pair field where it goes: @dst bytes into struct zev, @dsize
 * bytes wide, or the bit @flag of zev.flags. A table, not a switch: the
 * hot path is a loop of loads and stores (docs/performance.md: jump
 * tables are what TCG guests pay most for).
 */
struct dec_fast {
	uint16_t	off;
	uint8_t		size;		/* 1, 2, 4 or 8 */
	bool		sign;
	uint8_t		dst, dsize;	/* dsize 0: @flag */
	uint16_t	flag;
};

/*
 * struct evdec - how to decode one event (one per event id and buffer),
 * and how many records of it each CPU had since the counts were stored.
 * kind < 0: the event is not paired: counted, and (name) stored as an
 * extra event.
 */
struct evdec {
	struct tep_event	*ev;	/* NULL: unknown id, or a decoder made
					 * from a reader process's frame */
	const char		*sys, *evname;	/* the event's, or NULL */
	int			kind;	/* enum zev_kind, or -1 */
	int			pair;	/* ZEV_PAIR_*: engine pair id */
	int			nf;
	struct tep_format_field	*field[DEC_MAX_FIELDS];
	int			tgt[DEC_MAX_FIELDS];
	bool			fast;	/* read at fpid, f[] (dec_fast) */
	int			std;	/* DEC_STD_*: f[] in dec_zaps order */
	struct dec_fast		fpid, f[DEC_MAX_FIELDS];
	int			nargs;	/* extra event: numeric fields kept */
	struct tep_format_field	*arg[DEC_MAX_ARGS];
	const char		*argname[DEC_MAX_ARGS];	/* their names */
	char			*name;	/* extra event: "sys:event", or NULL */
	char			*strs;	/* owned copies of sys, evname and
					 * argname (dectab_free frees it) */
	bool			extra;	/* also store records as extra
					 * events (attribution events) */
	bool			fields_stored;	/* its a0..a5 names */
	uint64_t		*count;	/* per CPU */
	int			ncount;
	int			tag;	/* its owner's number for it (the
					 * import's reader: its desc id) */
};

/* struct dectab - the decoders of one buffer, by event id */
struct dectab {
	struct evdec		**byid;
	int			n;
};

/* dec_classify() results */
enum dec_class {
	DEC_NONE,	/* unknown event id: counted only */
	DEC_ZAP,	/* a zap event of docs/events.md */
	DEC_PAIR,	/* the start or end of a --pair */
	DEC_EXTRA,	/* anything else: stored as an extra event */
	DEC_WHY,	/* an attribution event (dec_whys[]), also extra */
};

/* dec_fast_read - a field of @data at @f, sign-extended if signed */
static inline uint64_t dec_fast_read(const struct dec_fast *f,
				     const void *data)
{
	const unsigned char *p = (const unsigned char *)data + f->off;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	if (f->size == 8) {
		memcpy(&u64, p, 8);
		return u64;
	}
	if (f->size == 4) {
		memcpy(&u32, p, 4);
		return f->sign ? (uint64_t)(int64_t)(int32_t)u32 : u32;
	}
	if (f->size == 2) {
		memcpy(&u16, p, 2);
		return f->sign ? (uint64_t)(int64_t)(int16_t)u16 : u16;
	}
	return f->sign ? (uint64_t)(int64_t)(int8_t)*p : *p;
}

/*
 * A zap start or done event whose fields all have the sizes of
 * docs/events.md (mm, addr, pfn: 8 bytes; max_nr, nr: 4; the rest 1) is
 * decoded by straight-line code: the storm's two events, every record.
 */
enum { DEC_STD_NONE, DEC_STD_START, DEC_STD_DONE };

static inline uint64_t dec_ld64(const unsigned char *p, uint16_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static inline uint32_t dec_ld32(const unsigned char *p, uint16_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

/* dec_std - the fields of a DEC_STD_* event into @ev */
static inline void dec_std(const struct evdec *d, const unsigned char *p,
			   struct zev *ev)
{
	const struct dec_fast *f = d->f;

	ev->mm = dec_ld64(p, f[0].off);
	ev->addr = dec_ld64(p, f[1].off);
	if (d->std == DEC_STD_START) {
		ev->pfn = dec_ld64(p, f[2].off);
		ev->max_nr = dec_ld32(p, f[3].off);
		ev->flags = (p[f[4].off] ? ZF_PAGE : 0) |
			    (p[f[5].off] ? ZF_ANON : 0);
		ev->order = p[f[6].off];
	} else {
		ev->nr = (int32_t)dec_ld32(p, f[2].off);
		ev->path = p[f[3].off];
		ev->flags = (p[f[4].off] ? ZF_FORCE_FLUSH : 0) |
			    (p[f[5].off] ? ZF_FORCE_BREAK : 0);
	}
}

/* dec_record_fast - dec_record() of a decoder with @d->fast, inline */
static inline void dec_record_fast(const struct evdec *d, const void *data,
				   uint64_t ts, int cpu, struct zev *ev)
{
	int i;

	memset(ev, 0, offsetof(struct zev, ext));
	ev->ext.name = NULL;
	ev->kind = (enum zev_kind)d->kind;
	ev->cpu = cpu;
	ev->ts_ns = ts;
	ev->pair = d->pair;
	ev->pid = (int)dec_fast_read(&d->fpid, data);
	ev->key = (uint64_t)ev->pid;
	if (d->std) {
		dec_std(d, data, ev);
		return;
	}
	for (i = 0; i < d->nf; i++) {
		const struct dec_fast *f = &d->f[i];
		uint64_t v = dec_fast_read(f, data);
		uint32_t w = (uint32_t)v;

		if (f->dsize == 8)
			memcpy((char *)ev + f->dst, &v, 8);
		else if (f->dsize == 4)
			memcpy((char *)ev + f->dst, &w, 4);
		else if (v)
			ev->flags |= f->flag;
	}
}

/* dectab_get - the decoder of @id, NULL if none yet */
static inline struct evdec *dectab_get(const struct dectab *t, int id)
{
	return id >= 0 && id < t->n ? t->byid[id] : NULL;
}

struct evdec *dectab_add(struct dectab *t, int id, struct tep_event *ev,
			 int ncpus);
void dectab_free(struct dectab *t);
int dec_count(struct evdec *d, int cpu);
int dec_classify(struct evdec *d, const struct pair_spec *pairs, int npairs,
		 void (*missing)(void *arg, const struct dec_zap *z,
				 const char *field),
		 void *arg);
const struct dec_zap *dec_find_zap(const char *name);
const struct dec_why *dec_find_why(const char *sys, const char *name);
void dec_record(const struct evdec *d, struct tep_handle *tep,
		const struct tep_record *rec, int cpu, struct zev *ev);
void dec_event(const struct evdec *d, struct tep_handle *tep,
	       const struct tep_record *rec, int cpu, const char *name,
	       struct ext_event *e);
uint64_t dec_read_field(const struct tep_format_field *f, const void *data);
bool dec_fast_field(const struct tep_format_field *f, struct dec_fast *out);
bool dec_type_fast(struct tep_handle *tep, struct tep_event *ev,
		   struct dec_fast *out);
void dec_load_names(struct tep_event *done, struct tep_event *stage,
		    struct zap_names *names);

#endif /* ZAPD_DECODE_H */
