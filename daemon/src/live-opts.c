// SPDX-License-Identifier: GPL-2.0
/*
 * live-opts.c - zapd live's command line.
 *
 * Owns: struct live_opts and its checks. Invariant: every argument is
 * checked here, before anything is created (no instance, no database):
 * a bad one is one line and ZAPD_EXIT_USAGE.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live-int.h"
#include "log.h"

static const struct option lopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "duration", required_argument, NULL, 'D' },
	{ "run-label", required_argument, NULL, 'l' },
	{ "instance", required_argument, NULL, 'I' },
	{ "zap", no_argument, NULL, 'z' },
	{ "stages", no_argument, NULL, 'S' },
	{ "lock", no_argument, NULL, 'L' },
	{ "why", no_argument, NULL, 'W' },
	{ "context-ms", required_argument, NULL, 'X' },
	{ "context-min-us", required_argument, NULL, 'M' },
	{ "event", required_argument, NULL, 'e' },
	{ "pair", required_argument, NULL, 'p' },
	{ "pid", required_argument, NULL, 'P' },
	{ "comm", required_argument, NULL, 'c' },
	{ "mm", required_argument, NULL, 'm' },
	{ "filter", required_argument, NULL, 'f' },
	{ "buffer-kb", required_argument, NULL, 'b' },
	{ "stall-ms", required_argument, NULL, 's' },
	{ "commit-ms", required_argument, NULL, 'C' },
	{ "slower-than", required_argument, NULL, 'T' },
	{ "all", no_argument, NULL, 'A' },
	{ "window", required_argument, NULL, 'W' },
	{ "user", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* add_pids - append "PID[,PID...]" to o->pids as set_event_pid text */
static int add_pids(struct live_opts *o, const char *arg)
{
	char *s = strdup(arg), *p, *save = NULL;
	int ret = -1, n = 0;
	long v;

	if (!s)
		return -1;
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(o->pids);

		if (cli_long("live", "--pid", p, 1, 0x3fffffff, &v) < 0)
			goto out;
		if (l + 13 >= sizeof(o->pids)) {
			cli_usage_error("live", "at most %d pids",
					LIVE_MAX_PIDS);
			goto out;
		}
		snprintf(o->pids + l, sizeof(o->pids) - l, "%s%ld",
			 l ? " " : "", v);
		n++;
	}
	if (!n)
		cli_usage_error("live", "bad --pid '%s'", arg);
	ret = n ? 0 : -1;
out:
	free(s);
	return ret;
}

/* resolve_user - USER or UID[:GID] -> uid, gid (before any fork/chroot) */
static int resolve_user(struct live_opts *o, const char *arg)
{
	struct passwd *pw = getpwnam(arg);
	unsigned long u, g;
	char c;
	int n;

	if (pw) {
		o->uid = pw->pw_uid;
		o->gid = pw->pw_gid;
		return 0;
	}
	n = sscanf(arg, "%lu:%lu%c", &u, &g, &c);
	if (n == 2 || (n == 1 && !strchr(arg, ':') &&
		       sscanf(arg, "%lu%c", &u, &c) == 1)) {
		o->uid = (uid_t)u;
		o->gid = n == 2 ? (gid_t)g : (gid_t)u;
		return 0;
	}
	cli_usage_error("live", "unknown user '%s' for --user", arg);
	return -1;
}

/* opt_where - where to trace and store: 1 handled, 0 not mine, -1 bad */
static int opt_where(struct live_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'd':
		if (cli_nonempty("live", "--db", arg) < 0)
			return -1;
		o->db = arg;
		return 1;
	case 'D':
		return cli_double("live", "--duration", arg, 1e-3, 1e9,
				  &o->duration) < 0 ? -1 : 1;
	case 'l':
		o->label = arg;
		return 1;
	case 'I':
		if (!*arg || strchr(arg, '/') || arg[0] == '.') {
			cli_usage_error("live", "bad --instance '%s'", arg);
			return -1;
		}
		o->instance = arg;
		return 1;
	case 'u':
		if (resolve_user(o, arg) < 0)
			return -1;
		o->user = arg;
		return 1;
	}
	return 0;
}

/* opt_events - which events: 1 handled, 0 not mine, -1 bad */
static int opt_events(struct live_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'z':
		o->zap = true;
		return 1;
	case 'S':
		o->stages = o->zap = true;
		return 1;
	case 'L':
		o->lock = o->zap = true;
		return 1;
	case 'W':
		o->why = true;
		return 1;
	case 'e':
		if (cli_event_name("live", "-e", arg) < 0)
			return -1;
		if (o->nevents == LIVE_MAX_EVENTS) {
			cli_usage_error("live", "at most %d -e",
					LIVE_MAX_EVENTS);
			return -1;
		}
		o->events[o->nevents++] = arg;
		return 1;
	case 'p':
		if (o->npairs == ZAPD_MAX_PAIRS) {
			cli_usage_error("live", "at most %d --pair",
					ZAPD_MAX_PAIRS);
			return -1;
		}
		if (cli_pair_parse(&o->pairs[o->npairs], "live", arg) < 0)
			return -1;
		o->npairs++;
		return 1;
	}
	return 0;
}

/* opt_filters - in-kernel filters: 1 handled, 0 not mine, -1 bad */
static int opt_filters(struct live_opts *o, int ch, const char *arg)
{
	char *end;

	switch (ch) {
	case 'P':
		return add_pids(o, arg) < 0 ? -1 : 1;
	case 'c':
		if (cli_nonempty("live", "--comm", arg) < 0)
			return -1;
		if (strpbrk(arg, "\"\\\n")) {
			cli_usage_error("live", "bad --comm '%s' (no quote, "
					"backslash or newline)", arg);
			return -1;
		}
		o->comm = arg;
		return 1;
	case 'm':
		errno = 0;
		strtoull(arg, &end, 0);
		if (errno || end == arg || *end || arg[0] == '-') {
			cli_usage_error("live", "bad --mm '%s' (want an "
					"address, e.g. 0xffff888004a5c000)",
					arg);
			return -1;
		}
		o->mm = arg;
		return 1;
	case 'f':
		if (cli_nonempty("live", "--filter", arg) < 0)
			return -1;
		o->filter = arg;
		return 1;
	}
	return 0;
}

/* opt_tuning - buffer and cadences: 1 handled, 0 not mine, -1 bad */
static int opt_tuning(struct live_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'b':
		return cli_long("live", "--buffer-kb", arg, 1, 1L << 30,
				&o->buffer_kb) < 0 ? -1 : 1;
	case 's':
		return cli_long("live", "--stall-ms", arg, 1, 86400000,
				&o->stall_ms) < 0 ? -1 : 1;
	case 'C':
		return cli_long("live", "--commit-ms", arg, 10, 3600000,
				&o->commit_ms) < 0 ? -1 : 1;
	case 'X':
		return cli_long("live", "--context-ms", arg, 1, 60000,
				&o->context_ms) < 0 ? -1 : 1;
	case 'M':
		return cli_long("live", "--context-min-us", arg, 1,
				86400000000L, &o->context_min_us) < 0 ? -1 : 1;
	case 'T':
	case 'A':
	case 'W':
		return cli_keep_opt(&o->keep, "live", ch == 'T' ?
				    "--slower-than" : ch == 'A' ? "--all" :
				    "--window", arg) < 0 ? -1 : 1;
	case 'v':
		log_init(log_verbose() + 1);
		return 1;
	}
	return 0;
}

/**
 * live_parse_opts() - zapd live's command line
 * @o: filled in (defaults first)
 * @argc: arguments, argv[0] = "live"
 * @argv: the arguments
 *
 * Return: 0, 1 (--help printed) or -1 (one line printed).
 */
int live_parse_opts(struct live_opts *o, int argc, char **argv)
{
	int (*const groups[])(struct live_opts *, int, const char *) = {
		opt_where, opt_events, opt_filters, opt_tuning,
	};
	size_t g;
	int ch, r;

	o->db = ZAPD_DEFAULT_DB;
	o->instance = DEFAULT_INSTANCE;
	o->stall_ms = 100;
	o->commit_ms = 200;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "e:vh", lopts, NULL)) != -1) {
		if (ch == 'h') {
			usage_print(stdout, "live");
			return 1;
		}
		for (r = 0, g = 0; !r && g < sizeof(groups) / sizeof(*groups);
		     g++)
			r = groups[g](o, ch, optarg);
		if (r < 0)
			return -1;
		if (!r) {	/* one line, not getopt's message + usage */
			cli_bad_option("live", argv);
			return -1;
		}
	}
	if (optind != argc) {
		cli_usage_error("live", "unexpected argument '%s'",
				argv[optind]);
		return -1;
	}
	if (cli_keep_done(&o->keep, "live", LIVE_SLOWER_THAN_NS) < 0)
		return -1;
	if (o->context_min_us && !o->context_ms) {
		cli_usage_error("live", "--context-min-us needs --context-ms");
		return -1;
	}
	/* slow enough to keep its context: what is slow enough for a row */
	if (!o->context_min_us)
		o->context_min_us = o->keep.slower_than_ns > 0 ?
			(o->keep.slower_than_ns + 999) / 1000 : 1000;
	if (!o->npairs)
		o->zap = true;
	/* the stage split, the lock ranges and their stacks (the caller) */
	if (o->why && o->zap)
		o->stages = o->lock = true;
	return 0;
}
