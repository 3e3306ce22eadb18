// SPDX-License-Identifier: GPL-2.0
/*
 * libmsg.c - capture of the tracing libraries' messages (see libmsg.h).
 *
 * Owns: the error count and the last message. Single-threaded use: the
 * libraries are called from one thread of a process.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <event-parse.h>

#include "libmsg.h"
#include "log.h"

static int lib_errors;
static char lib_last[256];
static void (*lib_sink)(void *arg, int err, const char *msg);
static void *lib_sink_arg;

/* note - count and keep one message, show it with -v, pass it on */
static void note(const char *name, int err, const char *msg)
{
	if (err) {
		lib_errors++;
		snprintf(lib_last, sizeof(lib_last), "%s", msg);
	}
	log_info("%s: %s", name, msg);
	if (lib_sink)
		lib_sink(lib_sink_arg, err, msg);
}

/*
 * tep_vprint - override of libtraceevent's weak hook: keep library
 * messages off stderr (one-line diagnostics are ours), remember the last
 * error so a truncated file can be reported, show them with -v.
 */
int tep_vprint(const char *name, enum tep_loglevel level, bool print_err,
	       const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	note(name ? name : "lib", level <= TEP_LOG_WARNING, buf);
	return 0;
}

void libmsg_add(int err, const char *msg)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", msg);
	buf[strcspn(buf, "\n")] = '\0';
	note("reader", err, buf);
}

void libmsg_set_sink(void (*fn)(void *arg, int err, const char *msg),
		     void *arg)
{
	lib_sink = fn;
	lib_sink_arg = arg;
}

void libmsg_reset(void)
{
	lib_errors = 0;
	lib_last[0] = '\0';
}

int libmsg_errors(void)
{
	return lib_errors;
}

const char *libmsg_last(void)
{
	return lib_last;
}

void libmsg_note(const char *msg)
{
	snprintf(lib_last, sizeof(lib_last), "%s", msg);
}
