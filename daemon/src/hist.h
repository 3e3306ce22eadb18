/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log2 latency histograms of a run, for both sources.
 *
 * Owns: one histogram per (kind, path, metric) and time window: 64 log2
 * buckets (bucket b holds [2^b, 2^(b+1)) ns, bucket 0 holds [0, 2)),
 * each with count, total, min and max. The run layer (run.c) counts
 * every finished interval and lock range here, whether it becomes a row
 * or not; what hist emits is what a bucket gained since it was last
 * emitted (struct hist_row), which the store adds to its row.
 *
 * Invariants:
 *  - every value given to hist_add() is in exactly one emitted row once
 *    hist_flush() has run: nothing is counted twice, nothing dropped
 *    (the rows of one bucket add up);
 *  - a value's window is the one its end time falls in: win_ns = end -
 *    end % window, on the trace clock;
 *  - O(1) per value, no allocation after a series' first value; memory
 *    is bounded by the number of series (kinds x paths x metrics), not
 *    by the run's length.
 */
#ifndef ZAPD_HIST_H
#define ZAPD_HIST_H

#include <stdint.h>

#include "record.h"

struct hist;

/* hist_emit_fn - where rows go (a writer); non-zero fails the call */
typedef int (*hist_emit_fn)(void *arg, const struct hist_row *row);

struct hist *hist_new(uint64_t window_ns, hist_emit_fn emit, void *arg);
int hist_add(struct hist *h, const char *kind, int path,
	     enum hist_metric metric, uint64_t end_ns, uint64_t dur_ns);
int hist_flush(struct hist *h);
void hist_free(struct hist *h);

/* hist_bucket - the log2 bucket of @ns */
static inline int hist_bucket(uint64_t ns)
{
	return ns < 2 ? 0 : 63 - __builtin_clzll(ns);
}

#endif /* ZAPD_HIST_H */
