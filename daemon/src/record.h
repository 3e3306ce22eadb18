/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - the records that cross module boundaries.
 *
 * Owns: the types every stage of the data flow passes on,
 *
 *   source (import.c | live-*.c) --struct zev / struct ext_event-->
 *   run.c --> engine.c --struct zap_interval / zap_range / zap_orphan-->
 *   run.c (hist.c, tally.c: struct hist_row / tally_row) --> writer.c
 *   --> store*.c
 *
 * and nothing else: no functions but the names of on-disk values.
 *
 * Invariants:
 *  - values marked ON DISK are part of the database format (schema/002's
 *    interval_rows.f bits, ranges.end_reason): never renumber them; a new
 *    value needs a schema migration that teaches the views its name.
 *  - a record holds no pointer it owns: strings (kind, name, comm) belong
 *    to whoever produced them and live until the run ends (writer.h).
 */
#ifndef ZAPD_RECORD_H
#define ZAPD_RECORD_H

#include <stdbool.h>
#include <stdint.h>

/* zev_kind - what a decoded event is (in memory only) */
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
	/* attribution (attr.c): what the time of an open item went to */
	ZEV_IRQ_ENTRY,		/* irq_vectors:*_entry, irq:irq_handler_entry */
	ZEV_IRQ_EXIT,		/* irq_vectors:*_exit, irq:irq_handler_exit */
	ZEV_SOFTIRQ_ENTRY,	/* irq:softirq_entry */
	ZEV_SOFTIRQ_EXIT,	/* irq:softirq_exit */
	ZEV_NMI,		/* nmi:nmi_handler: nr = delta_ns, ends at ts */
	ZEV_SWITCH,		/* sched:sched_switch: pid = prev, key = next;
				 * ZF_RUNNABLE: prev was preempted */
	ZEV_STACK,		/* ftrace:kernel_stack: zev.stack */
	ZEV_EXTRA,		/* an extra event only (zev.ext), in order */
	ZEV_NR_KINDS
};

/* zev flags: the bool fields of the zap events (in memory only) */
#define ZF_PAGE		(1u << 0)	/* start: page */
#define ZF_ANON		(1u << 1)	/* start: anon */
#define ZF_DELAY_RMAP	(1u << 2)	/* stage: delay_rmap */
#define ZF_FULL		(1u << 3)	/* stage: full */
#define ZF_FORCE_FLUSH	(1u << 4)	/* done/unlock: force_flush */
#define ZF_FORCE_BREAK	(1u << 5)	/* done/unlock: force_break */
#define ZF_MAPPED	(1u << 6)	/* locked: mapped */
#define ZF_RUNNABLE	(1u << 7)	/* switch: prev still runnable */

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

/*
 * zap_caller - the kernel path that zapped (kstack.c classifies a stack;
 * stored by name, zap_caller_name(): not ON DISK as a number)
 */
enum zap_caller {
	ZAP_CALLER_NONE,	/* no stack seen: unknown */
	ZAP_CALLER_MUNMAP,	/* munmap, mremap, mmap over a mapping, brk */
	ZAP_CALLER_MADVISE,	/* madvise(MADV_DONTNEED[_LOCKED]) */
	ZAP_CALLER_EXIT,	/* exit_mmap(): exit, exec (fullmm) */
	ZAP_CALLER_OOM,		/* the OOM reaper, process_mrelease() */
	ZAP_CALLER_TRUNCATE,	/* unmap_mapping_range(): truncate, punch */
	ZAP_CALLER_OTHER,	/* a stack without any of those */
	ZAP_CALLER_NR
};

/*
 * struct zap_stack - an interned kernel stack (kstack.c): immutable once
 * made, it lives until kstack_free_all() (after the writer stopped)
 */
struct zap_stack {
	uint64_t	hash;		/* of the raw frames */
	enum zap_caller	caller;
	const char	*frame;		/* the frame that decided the caller */
	const char	*text;		/* "func+0xoff\n..." innermost first */
	int		depth;
};

/* struct zev - one decoded event; fields not used by a kind are ignored */
struct zev {
	enum zev_kind	kind;
	int		cpu;
	int		pid;
	int		pair;		/* ZEV_PAIR_*: id from engine_add_pair;
					 * handlers: entry/exit family */
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
	const struct zap_stack *stack;	/* ZEV_STACK */
	struct ext_event ext;		/* ext.name: also an extra event */
};

/*
 * zap_end - why an interval/range was closed. ON DISK: the value is
 * interval_rows.f bits 8-10 (schema/002: 0 done .. 4 eof; 5 is the
 * watchdog's 'open', never an engine value), and zap_end_name() is the
 * text of ranges.end_reason.
 */
enum zap_end {
	ZAP_END_DONE = 0,	/* its end event arrived: finished */
	ZAP_END_RESTART = 1,	/* a new start for the same key superseded it */
	ZAP_END_LOST = 2,	/* events were lost on its CPU: tainted */
	ZAP_END_MISMATCH = 3,	/* an end event of the wrong phase arrived */
	ZAP_END_EOF = 4,	/* still open at end of input: hung candidate */
};
#define ZAP_END_OPEN	5	/* ON DISK: a watchdog row, still open */

/* struct zap_names - symbolic names of path and stage values (NULL: none;
 * the sources fill it from the event formats, the store writes them) */
#define ZAP_NAMES_MAX	16
struct zap_names {
	const char	*path[ZAP_NAMES_MAX];
	const char	*stage[ZAP_NAMES_MAX];
};

/*
 * struct zap_attr - where the time of an interval or range went
 * (attr.c): time of the task's own hard IRQs, softirqs and NMIs on its
 * CPU (self time: a nested handler counts once, as itself), time it was
 * switched out (sched_switch away and back), and the caller. The
 * components are disjoint, each <= the duration; the remainder is time
 * with no traced kernel cause (unexplained). Valid when @valid.
 */
struct zap_attr {
	bool		valid;		/* a task's item, attribution fed */
	uint64_t	irq_ns, softirq_ns, nmi_ns, sched_ns;
	uint64_t	runnable_ns;	/* of sched_ns: switched out runnable */
	uint32_t	nirq, nsoftirq, nnmi, nswitch;
	uint64_t	lock_ns;	/* range: its wait for the PTE lock
					 * minus the components inside the
					 * wait (spinning on the lock) */
	uint64_t	range_wait_ns;	/* interval: its range's wait */
	uint64_t	range_lock_ns;	/* interval: its range's lock_ns, 0 */
	const struct zap_stack *stack;	/* NULL: no stack seen */
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
 * when @finished. The stages are last so that a copy can stop after the
 * used ones (writer.c).
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
	struct zap_attr	attr;		/* where its time went */
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
	struct zap_attr	attr;		/* where its time went */
};

/* struct zap_orphan - an end/middle event with nothing open to pair with */
struct zap_orphan {
	enum zev_kind	kind;
	const char	*name;		/* event or pair name */
	int		cpu, pid;
	uint64_t	ts_ns, mm, addr, key;
};

/*
 * hist_metric - what a histogram measures. ON DISK: hist_metric_name()
 * is the text of histograms.metric (schema/004).
 */
enum hist_metric {
	HIST_DUR,		/* an interval: end - start */
	HIST_WAIT,		/* a PTE lock range: locked - lock */
	HIST_HOLD,		/* a PTE lock range: unlock - locked */
};

/* log2 buckets: b = [2^b, 2^(b+1)) ns, 0 = [0, 2) */
#define HIST_BUCKETS	64

/*
 * struct hist_row - what one log2 bucket of one histogram gained since it
 * was last written: added to its row of histograms (schema/004) by an
 * upsert, so a row may be written in several parts
 */
struct hist_row {
	const char	*kind;		/* "zap", a pair's kind, "pte_lock" */
	int		path;		/* zap: the done path, -1: none */
	enum hist_metric metric;
	uint64_t	win_ns;		/* window start (trace clock) */
	int		bucket;
	uint64_t	count, total_ns, min_ns, max_ns;
};

/*
 * struct tally_row - what one task (@cpu < 0) or one start CPU (@pid < 0)
 * gained since it was last written, for task_stats / cpu_stats
 * (schema/004), added by an upsert like struct hist_row
 */
struct tally_row {
	const char	*kind;
	int		pid, cpu;
	const char	*comm;		/* task: its name (NULL: unknown) */
	uint64_t	intervals;	/* task: all closed; CPU: finished */
	uint64_t	finished, tainted, hung, pages;
	uint64_t	total_ns, max_ns;	/* finished ones */
	int		max_pid;	/* CPU: who had max_ns, and its name */
	const char	*max_comm;
};

static inline const char *hist_metric_name(enum hist_metric m)
{
	return m == HIST_WAIT ? "wait" : m == HIST_HOLD ? "hold" : "dur";
}

/**
 * zap_end_name() - the stored name of a close reason (ON DISK)
 * @why: a zap_end value, or ZAP_END_OPEN
 *
 * Return: "done", "restart", "lost", "mismatch", "eof", "open" or "?".
 */
static inline const char *zap_end_name(int why)
{
	static const char *const names[] = {
		"done", "restart", "lost", "mismatch", "eof", "open",
	};

	return why >= 0 && why <= ZAP_END_OPEN ? names[why] : "?";
}

/**
 * zap_caller_name() - the stored name of a caller
 * @c: a zap_caller value
 *
 * Return: "munmap", "madvise", "exit", "oom_reaper", "truncate", "other",
 * or NULL (unknown).
 */
static inline const char *zap_caller_name(int c)
{
	static const char *const names[ZAP_CALLER_NR] = {
		NULL, "munmap", "madvise", "exit", "oom_reaper", "truncate",
		"other",
	};

	return c > 0 && c < ZAP_CALLER_NR ? names[c] : NULL;
}

#endif /* ZAPD_RECORD_H */
