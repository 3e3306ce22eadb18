/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live.h - the live source: a private tracefs instance, read while the
 * workload runs, feeding the same engine and store as zapd import.
 *
 * Owns: the tracefs instance named by --instance (created, configured and
 * removed by zapd live, never shared), the per-CPU trace_pipe_raw readers,
 * the cross-CPU merge and the hang watchdog. See docs/live.md.
 */
#ifndef ZAPD_LIVE_H
#define ZAPD_LIVE_H

/* exit codes of zapd live */
#define LIVE_OK		0	/* traced, stopped by --duration or a signal */
#define LIVE_ERR	1	/* setup failed: nothing traced, no instance */
#define LIVE_USAGE	2	/* bad command line */
#define LIVE_FAILED	3	/* failed while tracing: run kept, incomplete */

int zapd_live_main(int argc, char **argv);

#endif /* ZAPD_LIVE_H */
