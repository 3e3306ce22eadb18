// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - command-line parsing shared by the subcommands (see cli.h).
 *
 * Owns: the wording of usage errors and the strict parsers. Every error
 * is one line naming the subcommand, the option and the bad value, with
 * the hint to --help; nothing here exits: callers return
 * ZAPD_EXIT_USAGE before they create anything.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

/**
 * cli_usage_error() - one line: "zapd: CMD: MESSAGE (zapd CMD --help)"
 * @cmd: the subcommand ("import", ...), or NULL for zapd itself
 * @fmt: printf format of the message
 */
void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cmd)
		log_warnx("%s: %s (zapd %s --help)", cmd, msg, cmd);
	else
		log_warnx("%s (zapd --help)", msg);
}

/**
 * cli_bad_option() - the one line for getopt_long() returning '?' or ':'
 * @cmd: the subcommand
 * @argv: its argv; optind points past the bad word (opterr must be 0)
 */
void cli_bad_option(const char *cmd, char **argv)
{
	cli_usage_error(cmd, "bad option or missing argument '%s'",
			argv[optind - 1]);
}

/**
 * cli_long() - parse a whole decimal integer in [@min, @max]
 * @cmd: subcommand, for the message
 * @opt: option name, for the message ("-n", "--stall-ms")
 * @s: the text
 * @min: smallest value allowed
 * @max: largest value allowed
 * @out: set on success
 *
 * Return: 0, or -1 after one line (empty, not a number, trailing bytes,
 * overflow or out of range).
 */
int cli_long(const char *cmd, const char *opt, const char *s, long min,
	     long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		cli_usage_error(cmd, "bad %s '%s' (want an integer in "
				"%ld..%ld)", opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/**
 * cli_double() - parse a whole finite number in [@min, @max]
 * @cmd: subcommand
 * @opt: option name
 * @s: the text
 * @min: smallest value allowed
 * @max: largest value allowed
 * @out: set on success
 *
 * Return: 0, or -1 after one line.
 */
int cli_double(const char *cmd, const char *opt, const char *s, double min,
	       double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max) {
		cli_usage_error(cmd, "bad %s '%s' (want a number in %g..%g)",
				opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/**
 * cli_nonempty() - refuse an empty argument
 * @cmd: subcommand
 * @opt: option name
 * @s: the argument
 *
 * Return: 0, or -1 after one line.
 */
int cli_nonempty(const char *cmd, const char *opt, const char *s)
{
	if (*s)
		return 0;
	cli_usage_error(cmd, "empty %s", opt);
	return -1;
}

/* name_ok - a tracefs system or event name: [A-Za-z0-9_.-]+ */
static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(c == '_' || c == '-' || c == '.' ||
		      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* sys_event_ok - "SYS:EVENT", both parts names, exactly one ':' */
static bool sys_event_ok(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);

	return colon && name_ok(s, colon - s) &&
	       name_ok(colon + 1, len - (colon + 1 - s));
}

/**
 * cli_event_name() - check a SYS:EVENT argument (-e)
 * @cmd: subcommand
 * @opt: option name
 * @s: the argument
 *
 * Return: 0, or -1 after one line.
 */
int cli_event_name(const char *cmd, const char *opt, const char *s)
{
	if (sys_event_ok(s, strlen(s)))
		return 0;
	cli_usage_error(cmd, "bad %s '%s': want SYS:EVENT", opt, s);
	return -1;
}

/* dup_part - strndup of [s, s + len), NULL-safe for the caller's check */
static char *dup_part(const char *s, size_t len)
{
	return strndup(s, len);
}

/* split_event - "sys:ev" of length @len into two strings */
static int split_event(const char *s, size_t len, char **sys, char **ev)
{
	const char *colon = memchr(s, ':', len);

	*sys = dup_part(s, colon - s);
	*ev = dup_part(colon + 1, len - (colon + 1 - s));
	return *sys && *ev ? 0 : -1;
}

/**
 * cli_pair_parse() - parse "SYS:START,SYS:END[,FIELD]"
 * @ps: filled in (free with cli_pair_free())
 * @cmd: subcommand, for the message
 * @arg: the text; every part must be non-empty, FIELD a field name
 *
 * Return: 0, or -1 after one line.
 */
int cli_pair_parse(struct pair_spec *ps, const char *cmd, const char *arg)
{
	const char *c1 = strchr(arg, ','), *c2, *key;
	size_t l1, l2;

	memset(ps, 0, sizeof(*ps));
	if (!c1)
		goto bad;
	c2 = strchr(c1 + 1, ',');
	l1 = c1 - arg;
	l2 = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	key = c2 ? c2 + 1 : NULL;
	if (!sys_event_ok(arg, l1) || !sys_event_ok(c1 + 1, l2) ||
	    (key && (!name_ok(key, strlen(key)) || strchr(key, ':'))))
		goto bad;
	if (split_event(arg, l1, &ps->start_sys, &ps->start_ev) < 0 ||
	    split_event(c1 + 1, l2, &ps->end_sys, &ps->end_ev) < 0 ||
	    (key && !(ps->key_field = strdup(key)))) {
		log_warnx("out of memory");
		cli_pair_free(ps);
		return -1;
	}
	return 0;
bad:
	cli_usage_error(cmd, "bad --pair '%s': want SYS:START,SYS:END[,FIELD]",
			arg);
	return -1;
}

/**
 * cli_pair_free() - free what cli_pair_parse() allocated
 * @ps: the spec (zeroed afterwards)
 */
void cli_pair_free(struct pair_spec *ps)
{
	free(ps->start_sys);
	free(ps->start_ev);
	free(ps->end_sys);
	free(ps->end_ev);
	free(ps->key_field);
	memset(ps, 0, sizeof(*ps));
}

/* struct unit - a duration suffix and its length in ns */
static const struct unit {
	const char	*name;
	double		ns;
} units[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
};

/**
 * cli_duration() - parse a duration with its unit: "50us", "2ms", "1.5s",
 * "0ns" (ns, us, ms, s; no unit is an error: a bare number is ambiguous)
 * @cmd: subcommand
 * @opt: option name
 * @s: the text
 * @ns: set on success (rounded to whole ns, 0 .. 1 day)
 *
 * Return: 0, or -1 after one line.
 */
int cli_duration(const char *cmd, const char *opt, const char *s,
		 int64_t *ns)
{
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0 ||
	    !isdigit((unsigned char)*s))
		goto bad;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].name))
			continue;
		v *= units[i].ns;
		if (v > 86400e9)
			goto bad;
		*ns = (int64_t)(v + 0.5);
		return 0;
	}
bad:
	cli_usage_error(cmd, "bad %s '%s' (want a duration up to a day with "
			"its unit, e.g. 50us, 2ms, 1s)", opt, s);
	return -1;
}

/**
 * cli_fmt_duration() - @ns as the shortest exact "N unit" text ("100us")
 * @buf: out
 * @len: its size
 * @ns: a duration
 */
void cli_fmt_duration(char *buf, size_t len, int64_t ns)
{
	int i;

	for (i = 3; i > 0; i--)
		if (ns && ns % (int64_t)units[i].ns == 0)
			break;
	snprintf(buf, len, "%lld%s", (long long)(ns / (int64_t)units[i].ns),
		 units[i].name);
}

/**
 * cli_keep_opt() - one of --slower-than DUR, --all, --window SEC
 * @k: the options so far
 * @cmd: subcommand
 * @opt: "--slower-than", "--all" or "--window"
 * @arg: its argument (NULL for --all)
 *
 * Return: 0, or -1 after one line.
 */
int cli_keep_opt(struct keep_opts *k, const char *cmd, const char *opt,
		 const char *arg)
{
	double sec;

	if (!strcmp(opt, "--all")) {
		k->all = true;
		return 0;
	}
	if (!strcmp(opt, "--window")) {
		if (cli_double(cmd, opt, arg, 1e-3, 366 * 86400.0, &sec) < 0)
			return -1;
		k->window_ns = (uint64_t)(sec * 1e9 + 0.5);
		return 0;
	}
	k->thr = true;
	return cli_duration(cmd, opt, arg, &k->slower_than_ns);
}

/**
 * cli_keep_done() - settle the keep options after the command line
 * @k: the options given
 * @cmd: subcommand
 * @default_ns: the threshold without --slower-than/--all (< 0: every row)
 *
 * Return: 0, or -1 after one line (--all with --slower-than).
 */
int cli_keep_done(struct keep_opts *k, const char *cmd, int64_t default_ns)
{
	if (k->all && k->thr) {
		cli_usage_error(cmd, "--all and --slower-than exclude each "
				"other");
		return -1;
	}
	if (k->all)
		k->slower_than_ns = -1;
	else if (!k->thr)
		k->slower_than_ns = default_ns;
	if (!k->window_ns)
		k->window_ns = ZAPD_DEFAULT_WINDOW_NS;
	return 0;
}
