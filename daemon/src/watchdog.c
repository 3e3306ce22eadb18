// SPDX-License-Identifier: GPL-2.0
/*
 * watchdog.c - zapd live's hang watchdog.
 *
 * Owns: the decision that an open interval is a stall (open for
 * --stall-ms on the merged stream's time line) and the one line said
 * about it. The row itself is the run layer's (run_stall(): an 'open'
 * row that the writer replaces by the final one when the interval
 * closes, keeping its id).
 *
 * Invariants:
 *  - an interval is reported at most once (engine_walk_open() flags it);
 *  - a stall row reaches the database at the next commit, which the main
 *    loop brings forward (commit_now);
 *  - at most STALL_LOG_MAX lines, then one saying it went quiet.
 */
#include <stdio.h>

#include "engine.h"
#include "live-int.h"
#include "log.h"
#include "run.h"
#include "timeutil.h"

#define STALL_LOG_MAX	100	/* stall lines before going quiet */

/* stage_name - the name of @iv's last stage, for the stall line */
static const char *stage_name(const struct live *l,
			      const struct zap_interval *iv)
{
	if (iv->last_stage < 0)
		return "none";
	if (iv->last_stage < ZAP_NAMES_MAX && l->names.stage[iv->last_stage])
		return l->names.stage[iv->last_stage];
	return "?";
}

/* on_stall - engine_walk_open() callback: write and report a new stall */
static int on_stall(void *arg, const struct zap_interval *iv, uint64_t age)
{
	struct live *l = arg;
	const char *comm = run_comm(l->run, iv->pid);
	uint64_t n;
	char where[96] = "";

	if (iv->flagged)
		return 0;	/* already written */
	if (run_stall(l->run, iv) < 0)
		return -1;
	l->commit_now = true;
	if (iv->pair < 0)
		snprintf(where, sizeof(where), " mm %#llx addr %#llx, last "
			 "stage %s", (unsigned long long)iv->mm,
			 (unsigned long long)iv->addr, stage_name(l, iv));
	n = run_counts(l->run)->stalls;
	if (n <= STALL_LOG_MAX)
		log_warnx("stall: %s open for %llu ms: cpu %d pid %d (%s)%s",
			  iv->kind, (unsigned long long)(age / NS_PER_MS),
			  iv->cpu, iv->pid, comm ? comm : "?", where);
	else if (n == STALL_LOG_MAX + 1)
		log_warnx("stall: more than %d stalls, not logging more (see "
			  "the intervals table, end_reason 'open')",
			  STALL_LOG_MAX);
	return 1;
}

/**
 * watchdog_check() - report every interval open for --stall-ms or more
 * @l: the run
 * @now_ns: the merge watermark (every record up to it has been fed)
 *
 * Return: 0, or -1 if the writer failed.
 */
int watchdog_check(struct live *l, uint64_t now_ns)
{
	return engine_walk_open(run_engine(l->run), now_ns,
				(uint64_t)l->o.stall_ms * NS_PER_MS, on_stall,
				l) < 0 ? -1 : 0;
}
