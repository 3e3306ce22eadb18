// SPDX-License-Identifier: GPL-2.0
/*
 * zapd.c - main: global options and the subcommand table.
 *
 * Owns: argv[0..the subcommand]; everything after it belongs to the
 * subcommand's cmd_*() (exit codes: cli.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "import.h"
#include "live.h"
#include "log.h"
#include "query.h"
#include "report.h"

/* cmd_query - zapd query NAME [-n N] [--db PATH] [--csv|--json] | --list */
static int cmd_query(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "csv", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = ZAPD_DEFAULT_DB;
	enum query_fmt fmt = QUERY_TABLE;
	long n = -1;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "n:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (cli_nonempty("query", "--db", optarg) < 0)
				return ZAPD_EXIT_USAGE;
			db = optarg;
			break;
		case 'c':
		case 'j':
			if (fmt != QUERY_TABLE) {
				cli_usage_error("query", "--csv or --json, "
						"not both");
				return ZAPD_EXIT_USAGE;
			}
			fmt = ch == 'c' ? QUERY_CSV : QUERY_JSON;
			break;
		case 'n':
			if (cli_long("query", "-n", optarg, 0, 1L << 40,
				     &n) < 0)
				return ZAPD_EXIT_USAGE;
			break;
		case 'L':
			query_list();
			return ZAPD_EXIT_OK;
		case 'h':
			usage_print(stdout, "query");
			return ZAPD_EXIT_OK;
		default:
			cli_bad_option("query", argv);
			return ZAPD_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_usage_error("query", "need one NAME (zapd query --list)");
		return ZAPD_EXIT_USAGE;
	}
	return query_run(db, argv[optind], n, fmt);
}

/* struct subcmd - a subcommand: its name and its main */
static const struct subcmd {
	const char	*name;
	int		(*main)(int argc, char **argv);
} subcmds[] = {
	{ "import",	cmd_import },
	{ "live",	cmd_live },
	{ "query",	cmd_query },
	{ "report",	cmd_report },
	{ "export",	cmd_export },
};

/* global_opts - -v, -vv, --help, --version before the subcommand; the
 * index of the subcommand, or -(exit code + 1) when done */
static int global_opts(int argc, char **argv, int *verbose)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v")) {
			(*verbose)++;
		} else if (!strcmp(argv[i], "-vv")) {
			*verbose += 2;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			usage_print(stdout, NULL);
			return -(ZAPD_EXIT_OK + 1);
		} else if (!strcmp(argv[i], "--version")) {
			printf("zapd %s\n", ZAPD_VERSION);
			return -(ZAPD_EXIT_OK + 1);
		} else {
			cli_usage_error(NULL, "unknown option '%s'", argv[i]);
			return -(ZAPD_EXIT_USAGE + 1);
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	int verbose = 0, i;
	size_t k;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	i = global_opts(argc, argv, &verbose);
	if (i < 0)
		return -i - 1;
	log_init(verbose);
	if (i >= argc) {
		cli_usage_error(NULL, "no command (import, live, query, report, export)");
		return ZAPD_EXIT_USAGE;
	}
	for (k = 0; k < sizeof(subcmds) / sizeof(subcmds[0]); k++)
		if (!strcmp(argv[i], subcmds[k].name))
			return subcmds[k].main(argc - i, argv + i);
	cli_usage_error(NULL, "unknown command '%s'", argv[i]);
	return ZAPD_EXIT_USAGE;
}
