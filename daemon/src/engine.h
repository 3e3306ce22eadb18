/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - pairing engine: decoded zap events in, intervals out.
 *
 * Owns: the pairing state machine (start -> stages -> done per task, PTE
 * lock -> locked -> unlock per task, generic START -> END pairs keyed by
 * any 64-bit key) and the rules for losses, orphans and unfinished work.
 *
 * Invariants:
 *  - PURE: no I/O, no SQLite, no libtraceevent; the only output is the
 *    engine_ops callbacks, called synchronously from engine_feed() and
 *    engine_finish().
 *  - every opened interval/range is emitted exactly once: finished (its end
 *    event arrived), or unfinished (superseded by a new start for the same
 *    key, tainted by a loss on the CPU it was last seen on, or still open at
 *    engine_finish()). Nothing is dropped silently.
 *  - nothing is paired across a loss: a lost-events marker on CPU c closes
 *    every item last seen on c; an end event after the gap is an orphan.
 *  - O(1) per event (hash by key), except a loss marker, which is O(items
 *    open on that CPU); attribution events (handlers, switches, stacks)
 *    are O(1) too (attr.c).
 *  - every closed item of a task carries its struct zap_attr: components
 *    disjoint, each within its duration (attr.h).
 *  - Events must be fed in timestamp order (as tracecmd_iterate_events*
 *    merges them).
 */
#ifndef ZAPD_ENGINE_H
#define ZAPD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

/*
 * struct engine_ops - where the engine's output goes. A callback returning
 * non-zero makes engine_feed()/engine_finish() return -1 (the caller
 * decides whether to abort); the engine state stays consistent.
 */
struct engine_ops {
	int (*interval)(void *arg, const struct zap_interval *iv);
	int (*range)(void *arg, const struct zap_range *r);
	int (*lost)(void *arg, int cpu, uint64_t ts_ns, int64_t count);
	int (*orphan)(void *arg, const struct zap_orphan *o);
};

/* struct engine_stats - counters, valid at any time */
struct engine_stats {
	uint64_t	events[ZEV_NR_KINDS];
	uint64_t	intervals, finished, unfinished, tainted, migrated;
	uint64_t	ranges, ranges_finished;
	uint64_t	orphans, restarts, lost_markers;
	uint64_t	open;		/* currently open items */
	uint64_t	stacks;		/* kernel stacks given to an item */
	uint64_t	stacks_unattached;	/* with no item to name */
};

struct engine;
struct attr_stats;

struct engine *engine_new(const struct engine_ops *ops, void *arg);
int engine_add_pair(struct engine *e, const char *name);
void engine_pair_keyed(struct engine *e, int pair);
const char *engine_pair_name(const struct engine *e, int pair);
int engine_feed(struct engine *e, const struct zev *ev);
int engine_finish(struct engine *e, uint64_t ts_ns);
const struct engine_stats *engine_stats(const struct engine *e);
const struct attr_stats *engine_attr_stats(const struct engine *e);
int engine_walk_open(struct engine *e, uint64_t now_ns, uint64_t min_age_ns,
		     int (*fn)(void *arg, const struct zap_interval *iv,
			       uint64_t age_ns),
		     void *arg);
void engine_free(struct engine *e);

const char *zev_kind_name(enum zev_kind kind);

#endif /* ZAPD_ENGINE_H */
