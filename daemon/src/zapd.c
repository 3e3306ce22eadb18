// SPDX-License-Identifier: GPL-2.0
/*
 * zapd.c - command line: zapd import | query | --help | --version.
 *
 * Owns: argument parsing and exit codes only; the work is in import.c
 * (source -> engine -> store) and query.c (read side).
 * Exit codes: 0 ok, 1 error, 2 usage, 3 import of a truncated file (the
 * readable part is imported, the run is marked incomplete).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "live.h"
#include "log.h"
#include "query.h"

#ifndef ZAPD_VERSION
#define ZAPD_VERSION "0.1"
#endif

#define DEFAULT_DB	"zap.db"

static void usage(FILE *f)
{
	fprintf(f,
"usage: zapd [-v] import FILE.dat [--db PATH] [--run-label L]\n"
"                    [--pair SYS:START,SYS:END[,FIELD]]...\n"
"       zapd [-v] query NAME [-n N] [--db PATH] [--csv]\n"
"       zapd query --list\n"
"       zapd [-v] live [--db PATH] [--duration SEC] [--pair ...] ...\n"
"                  (zapd live --help)\n"
"       zapd --help | --version\n"
"\n"
"import  read a trace-cmd trace.dat (top and instance buffers), pair the\n"
"        zap events (docs/events.md) into intervals and store them in an\n"
"        SQLite database (default ./" DEFAULT_DB "). Importing the same\n"
"        content twice is a no-op. Exit 3: truncated file, readable part\n"
"        imported and the run marked incomplete.\n"
"        --pair also pairs any START event with an END event, keyed by\n"
"        pid or by FIELD (interval kind = START's name). Records of any\n"
"        other event (e.g. sched:sched_switch) are stored as extra\n"
"        events (table events; zapd query inside).\n"
"query   run a canned query (zapd query --list); -n N sets its row limit\n"
"        or bucket count, --csv prints CSV instead of a table.\n");
}

static int cmd_import(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run-label", required_argument, NULL, 'l' },
		{ "pair", required_argument, NULL, 'p' },
		{ "decode-only", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts o = { .db = DEFAULT_DB };
	int ch, ret = 2, i;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o.db = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'D':
			o.decode_only = true;
			break;
		case 'p':
			if (o.npairs == IMPORT_MAX_PAIRS) {
				log_warnx("at most %d --pair",
					  IMPORT_MAX_PAIRS);
				goto out;
			}
			if (pair_spec_parse(&o.pairs[o.npairs], optarg) < 0)
				goto out;
			o.npairs++;
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1) {
		log_warnx("import: need exactly one FILE.dat (zapd --help)");
		goto out;
	}
	o.file = argv[optind];
	ret = zapd_import(&o);
out:
	for (i = 0; i < o.npairs; i++)
		pair_spec_free(&o.pairs[i]);
	return ret;
}

static int cmd_query(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "csv", no_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = DEFAULT_DB;
	bool csv = false;
	long n = -1;
	char *end;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'c':
			csv = true;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end || n < 0) {
				log_warnx("query: bad -n '%s'", optarg);
				return 2;
			}
			break;
		case 'L':
			query_list();
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		log_warnx("query: need one NAME (zapd query --list)");
		return 2;
	}
	return query_run(db, argv[optind], n, csv);
}

int main(int argc, char **argv)
{
	int verbose = 0, i = 1;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose++;
		else if (!strcmp(argv[i], "-vv"))
			verbose += 2;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("zapd %s\n", ZAPD_VERSION);
			return 0;
		} else {
			log_warnx("unknown option '%s' (zapd --help)",
				  argv[i]);
			return 2;
		}
	}
	log_init(verbose);
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "import"))
		return cmd_import(argc - i, argv + i);
	if (!strcmp(argv[i], "live"))
		return zapd_live_main(argc - i, argv + i);
	if (!strcmp(argv[i], "query"))
		return cmd_query(argc - i, argv + i);
	log_warnx("unknown command '%s' (zapd --help)", argv[i]);
	return 2;
}
