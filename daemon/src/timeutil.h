/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timeutil.h - the one monotonic clock of zapd.
 *
 * Owns: mono_ns()/mono_ms(). CLOCK_MONOTONIC is the time line of the
 * "mono" trace clock that zapd live sets, so a record's timestamp and
 * mono_ns() compare directly; elsewhere it times debug figures.
 */
#ifndef ZAPD_TIMEUTIL_H
#define ZAPD_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

/* mono_ns - CLOCK_MONOTONIC in ns */
static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* mono_ms - CLOCK_MONOTONIC in ms, as a double (debug timings) */
static inline double mono_ms(void)
{
	return (double)mono_ns() / 1e6;
}

#define NS_PER_MS	1000000ull

#endif /* ZAPD_TIMEUTIL_H */
