/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - binary decoding of trace records into struct zev, shared by
 * the trace.dat source (import.c) and the live source (live.c).
 *
 * Owns: the table of zap events (docs/events.md: name -> kind, fields ->
 * struct zev members), the symbolic names of path/stage values (from the
 * events' __print_symbolic() tables, numbers of docs/events.md as a
 * fallback), the per-event-id decoder (struct evdec: tep_event and
 * tep_format_field pointers resolved once) and the per-record decode.
 *
 * Invariants:
 *  - binary only: per record tep_data_pid() and one
 *    tep_read_number_field() per field; nothing is formatted to text;
 *  - signed fields narrower than 64 bits are sign-extended;
 *  - a field a zap event lacks reads as 0 (the caller decides whether
 *    that is an error);
 *  - both sources decode a record identically: they call the same
 *    dec_setup_*() once per event and dec_record() per record.
 */
#ifndef ZAPD_DECODE_H
#define ZAPD_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include <event-parse.h>

#include "engine.h"

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
 * struct evdec - how to decode one event (one per event id and buffer).
 * kind < 0: the event is not paired: counted, and (nargs) stored as an
 * extra event.
 */
struct evdec {
	struct tep_event	*ev;
	int			kind;	/* enum zev_kind, or -1 */
	int			pair;	/* ZEV_PAIR_*: engine pair id */
	int			spec;	/* ZEV_PAIR_*: index of its pair spec */
	int			nf;
	struct tep_format_field	*field[DEC_MAX_FIELDS];
	int			tgt[DEC_MAX_FIELDS];
	int			nargs;	/* extra event: numeric fields kept */
	struct tep_format_field	*arg[DEC_MAX_ARGS];
};

const struct dec_zap *dec_find_zap(const char *name);
void dec_init(struct evdec *d, struct tep_event *ev);
int dec_setup_zap(struct evdec *d, const struct dec_zap *z,
		  void (*missing)(void *arg, const struct dec_zap *z,
				  const char *field),
		  void *arg);
int dec_setup_pair(struct evdec *d, bool end, int spec, int pair,
		   const char *key_field);
void dec_setup_args(struct evdec *d);
void dec_record(const struct evdec *d, struct tep_handle *tep,
		const struct tep_record *rec, int cpu, struct zev *ev);
void dec_event(const struct evdec *d, struct tep_handle *tep,
	       const struct tep_record *rec, int cpu, const char *name,
	       struct ext_event *e);
uint64_t dec_read_field(const struct tep_format_field *f, const void *data);
void dec_load_names(struct tep_event *done, struct tep_event *stage,
		    struct zap_names *names);

#endif /* ZAPD_DECODE_H */
