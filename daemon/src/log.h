/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.h - diagnostics in the OpenBSD ntpd style.
 *
 * Owns: the one place where zapd writes to stderr. Every message is one
 * line prefixed with "zapd: ". fatal()/log_warn() append ": strerror(errno)";
 * the *x variants do not. fatal*() exit with status 1.
 */
#ifndef ZAPD_LOG_H
#define ZAPD_LOG_H

#include <stdarg.h>

/* log_init - set verbosity: 0 = warnings and notices, 1 = info, 2 = debug */
void log_init(int verbose);
/* log_verbose - current verbosity */
int log_verbose(void);
int log_warned(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif /* ZAPD_LOG_H */
