// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - diagnostics in the OpenBSD ntpd style.
 *
 * Owns: formatting of every stderr line. Invariant: one call, one line,
 * always "zapd: " first, never a trailing period.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int verbosity;
static int warned;	/* lines of log_warn() and log_warnx() so far */

void log_init(int verbose)
{
	verbosity = verbose;
}

int log_verbose(void)
{
	return verbosity;
}

/* log_warned - how many warning lines (log_warn(), log_warnx()) were
 * printed: a caller that would add a line of its own to a failure can
 * tell whether one said why already (one line per failure) */
int log_warned(void)
{
	return warned;
}

/* vlog - print one line, with ": strerror(err)" when err >= 0 */
static void vlog(int err, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (err >= 0)
		fprintf(stderr, "zapd: %s: %s\n", buf, strerror(err));
	else
		fprintf(stderr, "zapd: %s\n", buf);
}

void log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	warned++;
	va_start(ap, fmt);
	vlog(err, fmt, ap);
	va_end(ap);
	errno = err;
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	warned++;
	va_start(ap, fmt);
	vlog(-1, fmt, ap);
	va_end(ap);
}

/* log_notice - a line shown by default: what the user should know that
 * is not a problem (e.g. zapd live's row threshold) */
void log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(-1, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog(-1, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 2)
		return;
	va_start(ap, fmt);
	vlog(-1, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(err, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(-1, fmt, ap);
	va_end(ap);
	exit(1);
}
