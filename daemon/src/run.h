/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - one run, whatever its source: the path every decoded record
 * takes from a source to the writer.
 *
 *   import.c | live-reader.c --run_feed()/run_event()--> run.c
 *       --> engine.c --engine_ops--> run.c (comm names) --> writer.c
 *
 * Owns: the run's engine and its output adapters (engine callbacks ->
 * writer, with the comm name of the task), the outlier stage (every
 * finished interval and lock range counted in log2 histograms, hist.h,
 * and per-task/per-CPU totals, tally.h; a row only for those at or above
 * --slower-than, and always for unfinished, tainted and watchdog ones),
 * the run's counters and their rows in run_stats, the per-event record
 * counts (event_counts), and the summary line. Both sources make the same
 * calls in the same order, so a trace.dat and a live session of the same
 * workload store the same rows and histograms.
 *
 * Invariants:
 *  - without a writer (zapd import --decode-only, or the scan of a file
 *    that has no zap events) everything is paired and counted, nothing
 *    stored;
 *  - records are fed in timestamp order (a source merges its CPUs);
 *  - the histograms and totals reach the writer at run_store_stats()
 *    (a live commit, the end of a run) and when a window ends;
 *  - a loss marker is fed with run_lost() before the first record after
 *    the gap; a "shadow" loss taints like a marker but writes no row (the
 *    row came from another source of loss accounting).
 */
#ifndef ZAPD_RUN_H
#define ZAPD_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

struct comm;
struct dectab;
struct engine;
struct keep_opts;
struct pair_spec;
struct writer;

/* struct run_counts - what a run has seen so far */
struct run_counts {
	uint64_t	events;		/* every record read */
	uint64_t	zap_events;	/* zap records decoded */
	uint64_t	extra_events;	/* extra records stored */
	uint64_t	other_events;	/* records of no known event */
	uint64_t	first_ts, last_ts;
	uint64_t	lost_markers;	/* ring-buffer gaps (rows) */
	uint64_t	lost_stats;	/* loss reports from kernel stats */
	uint64_t	stalls;		/* watchdog rows */
	uint64_t	library_errors;	/* library messages (libmsg.h) */
	uint64_t	rows;		/* interval rows written (not stalls) */
	uint64_t	below;		/* finished intervals without a row */
	uint64_t	ranges_below;	/* finished lock ranges without one */
};

/* run_count_record - run_record() inline, on run_counts(): a live hot path */
static inline void run_count_record(struct run_counts *c, uint64_t ts_ns)
{
	if (!c->events)
		c->first_ts = ts_ns;
	c->events++;
	c->last_ts = ts_ns;
}

struct run *run_new(const struct pair_spec *pairs, int npairs,
		    struct comm *comm, const struct keep_opts *keep);
void run_set_writer(struct run *r, struct writer *w);
int run_set_context(struct run *r, uint64_t window_ns, uint64_t slow_ns);
void run_set_buffer(struct run *r, const char *buffer);
void run_record(struct run *r, uint64_t ts_ns);
int run_feed(struct run *r, const struct zev *ev);
int run_lost(struct run *r, int cpu, uint64_t ts_ns, int64_t count,
	     bool shadow);
int run_lost_stats(struct run *r, const char *buffer, int cpu,
		   int64_t ts_ns, int64_t count);
int run_event(struct run *r, const struct ext_event *e);
int run_stall(struct run *r, const struct zap_interval *iv);
int run_finish(struct run *r, uint64_t ts_ns);
int run_store_counts(struct run *r, struct dectab *t, const char *buffer);
int run_store_stats(struct run *r);
struct run_counts *run_counts(struct run *r);
struct engine *run_engine(struct run *r);
const char *run_comm(struct run *r, int pid);
void run_summary(struct run *r, const char *what, bool stalls);
void run_free(struct run *r);

#endif /* ZAPD_RUN_H */
