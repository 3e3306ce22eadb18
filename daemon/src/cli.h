/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what every subcommand's command line shares.
 *
 * Owns: exit codes, the default database, strict number and argument
 * parsing, --pair specs, and the one-line usage errors. Usage texts are
 * data in usage.c.
 *
 * Invariants:
 *  - a parse error is ONE line on stderr, "zapd: CMD: ... (zapd CMD
 *    --help)", and the caller exits ZAPD_EXIT_USAGE;
 *  - numbers are parsed whole: no empty string, no trailing bytes, no
 *    overflow, within the bounds the caller gives.
 */
#ifndef ZAPD_CLI_H
#define ZAPD_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* exit codes of every subcommand (docs/architecture.md) */
#define ZAPD_EXIT_OK		0	/* done (import: or already imported) */
#define ZAPD_EXIT_ERR		1	/* failed, one line said why */
#define ZAPD_EXIT_USAGE		2	/* bad command line */
#define ZAPD_EXIT_INCOMPLETE	3	/* import: truncated/corrupt input,
					 * readable part in; live: failed
					 * while tracing, run kept incomplete */

#define ZAPD_DEFAULT_DB		"zap.db"
#ifndef ZAPD_VERSION
#define ZAPD_VERSION		"0.2"
#endif
#define ZAPD_MAX_PAIRS		8

/* histogram windows: --window SEC, 60 s unless given */
#define ZAPD_DEFAULT_WINDOW_NS	(60ull * 1000000000ull)

/*
 * struct keep_opts - which closed intervals become rows (--slower-than,
 * --all) and the histogram window (--window); every finished interval is
 * counted in the histograms whatever the rule (run.h)
 */
struct keep_opts {
	int64_t		slower_than_ns;	/* < 0: a row for every interval */
	uint64_t	window_ns;
	bool		all, thr;	/* given on the command line */
};

/* struct pair_spec - a generic START -> END pair: "sys:start,sys:end[,field]" */
struct pair_spec {
	char	*start_sys, *start_ev;
	char	*end_sys, *end_ev;
	char	*key_field;		/* NULL: key by pid */
};

void cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_bad_option(const char *cmd, char **argv);
int cli_long(const char *cmd, const char *opt, const char *s, long min,
	     long max, long *out);
int cli_double(const char *cmd, const char *opt, const char *s, double min,
	       double max, double *out);
int cli_nonempty(const char *cmd, const char *opt, const char *s);
int cli_event_name(const char *cmd, const char *opt, const char *s);
int cli_pair_parse(struct pair_spec *ps, const char *cmd, const char *arg);
void cli_pair_free(struct pair_spec *ps);
int cli_duration(const char *cmd, const char *opt, const char *s,
		 int64_t *ns);
int cli_keep_opt(struct keep_opts *k, const char *cmd, const char *opt,
		 const char *arg);
int cli_keep_done(struct keep_opts *k, const char *cmd,
		  int64_t default_ns);
void cli_fmt_duration(char *buf, size_t len, int64_t ns);

/* usage.c: the usage texts (NULL = zapd's own), to @f */
void usage_print(FILE *f, const char *cmd);

#endif /* ZAPD_CLI_H */
