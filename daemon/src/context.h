/* SPDX-License-Identifier: GPL-2.0 */
/*
 * context.h - what surrounded a slow interval (zapd live --context-ms).
 *
 * Owns: per CPU, a rolling window of the extra events (every enabled
 * event that is not a zap event: -e, and with --why the handler and
 * switch events), held instead of stored; and the choice of what of it
 * to store: when a slow interval closes, its CPU's events from N ms
 * before its start to its end, each event stored once even when windows
 * overlap.
 *
 * Invariants:
 *  - PURE: no I/O; events arrive per CPU in time order (the run layer's
 *    feed order), so a window is found by binary search;
 *  - bounded: a CPU's ring keeps the events of the last N ms + HORIZON
 *    (so an interval up to HORIZON long finds its whole window), grown by
 *    doubling up to CONTEXT_MAX_EVENTS, after which the oldest event is
 *    overwritten; memory is at most CONTEXT_MAX_EVENTS events per CPU
 *    that had events, whatever the run's length;
 *  - a window whose beginning was already overwritten is stored from the
 *    oldest event kept, and counted (context_stats.truncated).
 */
#ifndef ZAPD_CONTEXT_H
#define ZAPD_CONTEXT_H

#include <stdint.h>

#include "record.h"

#define CONTEXT_MAX_EVENTS	65536		/* per CPU */
#define CONTEXT_HORIZON_NS	1000000000ull	/* interval length covered */

/* struct context_stats - counters for run_stats */
struct context_stats {
	uint64_t	held;		/* events pushed */
	uint64_t	stored;		/* events stored in some window */
	uint64_t	windows;	/* slow intervals that stored context */
	uint64_t	truncated;	/* windows that began before the ring */
	uint64_t	overwritten;	/* events dropped at CONTEXT_MAX */
};

struct context;

struct context *context_new(uint64_t window_ns, uint64_t slow_ns);
void context_free(struct context *c);
int context_push(struct context *c, const struct ext_event *e);
int context_slow(const struct context *c, uint64_t dur_ns);
int context_store(struct context *c, int cpu, uint64_t start_ns,
		  uint64_t end_ns,
		  int (*fn)(void *arg, const struct ext_event *e), void *arg);
const struct context_stats *context_stats(const struct context *c);
uint64_t context_bytes(const struct context *c);

#endif /* ZAPD_CONTEXT_H */
