/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tally.h - per-task and per-CPU totals of a run's intervals.
 *
 * Owns: the totals behind `zapd query per-process` and `slowest-per-cpu`,
 * kept as intervals close instead of computed from the rows: they cover
 * every interval (also those below --slower-than, which have no row) and
 * cost the queries a few rows per task and CPU instead of a scan of
 * every interval. Per task (kind, pid, comm): intervals closed, finished,
 * tainted, hung (unfinished, not tainted), pages (sum of nr), total and
 * max duration of the finished ones. Per start CPU (kind, cpu): finished
 * intervals, their total and max duration and who had the max.
 *
 * Invariants:
 *  - like hist.h: what is emitted is what a task or CPU gained since its
 *    last row (struct tally_row); the store adds the parts (upsert), so
 *    every interval is counted exactly once;
 *  - memory is bounded: after a flush nothing is kept, and more than
 *    TALLY_MAX entries flush by themselves.
 */
#ifndef ZAPD_TALLY_H
#define ZAPD_TALLY_H

#include "record.h"

#define TALLY_MAX	65536	/* entries kept between flushes, at most */

struct tally;

/* tally_emit_fn - where rows go; non-zero fails the call */
typedef int (*tally_emit_fn)(void *arg, const struct tally_row *row);

struct tally *tally_new(tally_emit_fn emit, void *arg);
int tally_interval(struct tally *t, const struct zap_interval *iv,
		   const char *comm);
int tally_flush(struct tally *t);
void tally_free(struct tally *t);

#endif /* ZAPD_TALLY_H */
