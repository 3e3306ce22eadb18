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
 *    open on that CPU).
 *  - Events must be fed in timestamp order (as tracecmd_iterate_events*
 *    merges them).
 */
#ifndef ZAPD_ENGINE_H
#define ZAPD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

/* zev_kind - what a decoded event is */
enum zev_kind {
	ZEV_START,		/* zap_present_ptes_start */
	ZEV_STAGE,		/* zap_present_folio_stage */
	ZEV_DONE,		/* zap_present_ptes_done */
	ZEV_LOCK,		/* zap_pte_lock */
	ZEV_LOCKED,		/* zap_pte_locked */
	ZEV_UNLOCK,		/* zap_pte_unlock */
	ZEV_PAIR_START,		/* generic pair start (zev.pair, zev.key) */
	ZEV_PAIR_END,		/* generic pair end */
	ZEV_LOST,		/* events lost on zev.cpu before zev.ts_ns */
	ZEV_NR_KINDS
};

/* zev flags: the bool fields of the zap events */
#define ZF_PAGE		(1u << 0)	/* start: page */
#define ZF_ANON		(1u << 1)	/* start: anon */
#define ZF_DELAY_RMAP	(1u << 2)	/* stage: delay_rmap */
#define ZF_FULL		(1u << 3)	/* stage: full */
#define ZF_FORCE_FLUSH	(1u << 4)	/* done/unlock: force_flush */
#define ZF_FORCE_BREAK	(1u << 5)	/* done/unlock: force_break */
#define ZF_MAPPED	(1u << 6)	/* locked: mapped */

/* struct zev - one decoded event; fields not used by a kind are ignored */
struct zev {
	enum zev_kind	kind;
	int		cpu;
	int		pid;
	int		pair;		/* ZEV_PAIR_*: id from engine_add_pair */
	uint64_t	ts_ns;
	uint64_t	key;		/* ZEV_PAIR_*: pairing key */
	uint64_t	mm;
	uint64_t	addr;
	uint64_t	pfn;		/* start */
	uint64_t	end;		/* lock, unlock */
	int64_t		nr;		/* stage (u32), done (s32) */
	uint32_t	max_nr;		/* start */
	int		path;		/* done */
	int		stage;		/* stage */
	int		order;		/* start */
	unsigned int	flags;		/* ZF_* */
	int64_t		count;		/* ZEV_LOST: events lost, -1 unknown */
};

/* zap_end - why an interval/range was closed */
enum zap_end {
	ZAP_END_DONE,		/* its end event arrived: finished */
	ZAP_END_RESTART,	/* a new start for the same key superseded it */
	ZAP_END_LOST,		/* events were lost on its CPU: tainted */
	ZAP_END_MISMATCH,	/* an end event of the wrong phase arrived */
	ZAP_END_EOF,		/* still open at end of input: hung candidate */
};

/* struct zap_names - symbolic names of path and stage values (NULL: none;
 * the sources fill it, the store writes them) */
#define ZAP_NAMES_MAX	16
struct zap_names {
	const char	*path[ZAP_NAMES_MAX];
	const char	*stage[ZAP_NAMES_MAX];
};

/*
 * struct ext_event - a record of an event that is not paired (zapd live
 * -e, other events of a trace.dat): stored as it is, for correlation
 */
#define EXT_MAX_ARGS	6
struct ext_event {
	const char	*name;		/* "system:event", stable for the run */
	uint64_t	ts_ns;
	int		cpu, pid;
	int		nargs;		/* a[0..nargs-1] valid */
	int64_t		a[EXT_MAX_ARGS];
};

#define ZAP_MAX_STAGES	8

/* struct zap_stage - one zap_present_folio_stage inside an interval */
struct zap_stage {
	int		stage;
	int		cpu;
	uint64_t	ts_ns;
	uint64_t	since_prev_ns;	/* since start or previous stage */
	int64_t		nr;
	unsigned int	flags;		/* ZF_DELAY_RMAP, ZF_FULL */
};

/*
 * struct zap_interval - a start..done interval (kind "zap") or a generic
 * pair (kind = the pair's name). Fields of the end event are valid only
 * when @finished.
 */
struct zap_interval {
	const char	*kind;
	int		pair;		/* -1 for zap, else generic pair id */
	int		cpu;		/* CPU of the start event */
	int		done_cpu;	/* CPU of the end event, -1 if none */
	int		pid;
	uint64_t	key;		/* pid for zap, pair key otherwise */
	uint64_t	mm, addr, pfn;
	uint32_t	max_nr;
	int64_t		nr;		/* done: nr */
	int		path;		/* done: path, -1 if none */
	int		order;
	unsigned int	flags;		/* ZF_PAGE|ZF_ANON|ZF_FORCE_* */
	uint64_t	start_ns;
	uint64_t	end_ns;		/* done ts, or when it was closed */
	enum zap_end	why;
	bool		finished, tainted, migrated;
	bool		flagged;	/* engine_walk_open() flagged it */
	int		last_stage;	/* -1 if none */
	int		nstages;
	unsigned int	stages_dropped;	/* beyond ZAP_MAX_STAGES */
	struct zap_stage stages[ZAP_MAX_STAGES];
};

/* struct zap_range - a PTE lock range: lock -> locked -> unlock */
struct zap_range {
	int		cpu;		/* CPU of zap_pte_lock */
	int		unlock_cpu;	/* -1 if none */
	int		pid;
	uint64_t	mm, addr, end, reached;
	uint64_t	lock_ns;
	uint64_t	locked_ns;	/* valid if has_locked */
	uint64_t	end_ns;		/* unlock ts, or when it was closed */
	unsigned int	flags;		/* ZF_MAPPED|ZF_FORCE_* */
	enum zap_end	why;
	bool		has_locked, has_unlock, finished, tainted;
};

/* struct zap_orphan - an end/middle event with nothing open to pair with */
struct zap_orphan {
	enum zev_kind	kind;
	const char	*name;		/* event or pair name */
	int		cpu, pid;
	uint64_t	ts_ns, mm, addr, key;
};

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
};

struct engine;

struct engine *engine_new(const struct engine_ops *ops, void *arg);
int engine_add_pair(struct engine *e, const char *name);
const char *engine_pair_name(const struct engine *e, int pair);
int engine_feed(struct engine *e, const struct zev *ev);
int engine_finish(struct engine *e, uint64_t ts_ns);
const struct engine_stats *engine_stats(const struct engine *e);
int engine_walk_open(struct engine *e, uint64_t now_ns, uint64_t min_age_ns,
		     int (*fn)(void *arg, const struct zap_interval *iv,
			       uint64_t age_ns),
		     void *arg);
void engine_free(struct engine *e);

const char *zev_kind_name(enum zev_kind kind);
const char *zap_end_name(enum zap_end why);

#endif /* ZAPD_ENGINE_H */
