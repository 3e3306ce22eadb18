/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progress.h - the progress line of a long read, on a terminal.
 *
 * Owns: one line on stderr, rewritten in place ("\r...\033[K"): what is
 * being done, bytes (or events) done, the rate and the time left; erased
 * when the work ends, so that what stays on the terminal is zapd's usual
 * output only.
 *
 * Invariants:
 *  - nothing at all unless stderr is a terminal and the caller allows it
 *    (zapd import -q, -v: off);
 *  - at most PROGRESS_HZ updates a second, whatever the caller's rate.
 */
#ifndef ZAPD_PROGRESS_H
#define ZAPD_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#define PROGRESS_HZ	10

struct progress;

struct progress *progress_new(const char *what, bool allow);
void progress_phase(struct progress *p, const char *verb, uint64_t total);
void progress_update(struct progress *p, uint64_t done, uint64_t events);
void progress_end(struct progress *p);
void progress_free(struct progress *p);

#endif /* ZAPD_PROGRESS_H */
