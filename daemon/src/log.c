// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - diagnostics in the OpenBSD ntpd style.
 *
 * Owns: formatting of every stderr line. Invariant: one call, one line,
 * always "zapd: " first, never a trailing period: control bytes in the
 * message (a task name or file name may hold a newline) are written as
 * \n, \t or \xNN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int verbosity;
static int warnings;		/* log_warn()/log_warnx() lines so far */

void log_init(int verbose)
{
	verbosity = verbose;
}

int log_verbose(void)
{
	return verbosity;
}

/* one_line - escape the control bytes of @in into @out (@size bytes) */
static void one_line(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in && n + 5 < size; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == '\n')
			n += snprintf(out + n, size - n, "\\n");
		else if (c == '\t')
			n += snprintf(out + n, size - n, "\\t");
		else if (c < 0x20 || c == 0x7f)
			n += snprintf(out + n, size - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
}

/* vlog - print one line, with ": strerror(err)" when err >= 0 */
static void vlog(int err, const char *fmt, va_list ap)
{
	char raw[1024], buf[1024];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	one_line(buf, sizeof(buf), raw);
	if (err >= 0)
		fprintf(stderr, "zapd: %s: %s\n", buf, strerror(err));
	else
		fprintf(stderr, "zapd: %s\n", buf);
}

int log_warnings(void)
{
	return warnings;
}

void log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	warnings++;
	va_start(ap, fmt);
	vlog(err, fmt, ap);
	va_end(ap);
	errno = err;
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	warnings++;
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
