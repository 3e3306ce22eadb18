/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attr.h - attribution: what the time of a task's open intervals went to.
 *
 * Owns: per CPU, the nesting of the handlers running on it (hard IRQs,
 * softirqs; NMIs end with their own duration); per task that has an open
 * item, its running totals: self time of the hard IRQs, softirqs and NMIs
 * that interrupted it, and the time it spent switched out (sched_switch
 * away and back, and how much of it runnable, i.e. preempted).
 *
 * An item (engine.c) takes a reference on its task when it opens and
 * marks the totals (attr_mark()); when it closes, attr_since() is the
 * difference: the item's components. No per-item work per event.
 *
 * Invariants:
 *  - PURE: no I/O; O(1) per event (a handler exit or a switch touches the
 *    one or two tasks it names), no allocation per event (a task record
 *    is allocated when its first item opens, recycled when its last one
 *    closes);
 *  - self time: a handler's time minus that of the handlers nested in it
 *    on the same CPU, charged to the task it interrupted (the exit
 *    event's common_pid), so a timer interrupt inside a softirq counts
 *    once, as IRQ, and is not softirq time; an NMI counts as NMI only;
 *  - time is charged only to tasks with open items, only while it lies
 *    between their marks: components of one item are disjoint and each
 *    is at most its duration; what no event explains is left to the
 *    caller as the remainder, never invented;
 *  - an exit is matched with the innermost entry of its own family
 *    (local_timer_entry with local_timer_exit, softirq_entry with
 *    softirq_exit: zev.pair); one with no such entry on its CPU (tracing
 *    started inside it, or events were lost) charges nothing, entries
 *    whose exit never came are dropped uncharged; both are counted.
 */
#ifndef ZAPD_ATTR_H
#define ZAPD_ATTR_H

#include <stdint.h>

#include "record.h"

/* struct attr_mark - a task's totals at one moment */
struct attr_mark {
	uint64_t	irq, softirq, nmi, sched, runnable;
	uint32_t	nirq, nsoftirq, nnmi, nswitch;
};

/* struct attr_stats - what could not be attributed, for run_stats */
struct attr_stats {
	uint64_t	unmatched;	/* exits without an entry, mismatches */
	uint64_t	too_deep;	/* nested deeper than NEST_MAX */
	uint64_t	clamped;	/* items whose components were cut */
};

struct attr;
struct attr_task;

struct attr *attr_new(void);
void attr_free(struct attr *a);
int attr_feed(struct attr *a, const struct zev *ev);
void attr_lost(struct attr *a, int cpu);
struct attr_task *attr_get(struct attr *a, int pid);
void attr_put(struct attr *a, struct attr_task *t);
void attr_mark(const struct attr_task *t, uint64_t ts_ns,
	       struct attr_mark *m);
void attr_diff(const struct attr_mark *from, const struct attr_mark *to,
	       struct zap_attr *out);
const struct attr_stats *attr_stats(const struct attr *a);
void attr_clamp(struct attr *a, struct zap_attr *at, uint64_t dur_ns);

#endif /* ZAPD_ATTR_H */
