/* SPDX-License-Identifier: GPL-2.0 */
/* tap.h - minimal TAP producer for C unit tests */
#ifndef ZAPD_TAP_H
#define ZAPD_TAP_H

#include <stdio.h>

static int tap_n, tap_fail;

/* ok - one TAP test point; returns the condition */
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is - integer equality with a diagnostic on mismatch */
#define is(got, want, ...) do {						\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!tap_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))		\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)

static inline int tap_ok(int c, const char *f, int l, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static inline int tap_ok(int c, const char *f, int l, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", c ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!c) {
		printf("#   failed at %s:%d\n", f, l);
		tap_fail++;
	}
	return c;
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

#endif /* ZAPD_TAP_H */
