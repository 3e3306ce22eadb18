/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live.h - the live source: a private tracefs instance, read while the
 * workload runs, feeding the same run layer and store as zapd import.
 *
 * Owns: the subcommand's entry point; its parts share live-int.h. See
 * docs/live.md. Exit codes are cli.h's: 0 traced and stopped by
 * --duration or a signal, 1 setup failed (nothing traced, no instance
 * left), 2 usage, 3 failed while tracing (the run kept, incomplete).
 */
#ifndef ZAPD_LIVE_H
#define ZAPD_LIVE_H

int cmd_live(int argc, char **argv);

#endif /* ZAPD_LIVE_H */
