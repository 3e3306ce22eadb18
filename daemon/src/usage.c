// SPDX-License-Identifier: GPL-2.0
/*
 * usage.c - the usage texts of zapd and its subcommands, as data.
 *
 * Owns: every --help text (in the style of trace-cmd's trace-usage.c).
 * Invariant: each option a subcommand's getopt table accepts appears in
 * its text here, and in man/zapd.8 and completion/zapd (tests/show/docs.t
 * compares them: adding an option means one line here, one .TP entry in
 * the man page and one word in the completion's option list).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* struct usage - one subcommand's text; cmd NULL is zapd's own */
struct usage {
	const char	*cmd;
	const char	*text;
};

static const struct usage usages[] = {
	{ NULL,
"usage: zapd [-v] import FILE.dat [--db PATH] [--run-label L]\n"
"                    [--pair SYS:START,SYS:END[,FIELD]]...\n"
"                    [--slower-than DUR | --all] [--window SEC]\n"
"       zapd [-v] query NAME [-n N] [--db PATH] [--csv | --json]\n"
"       zapd query --list\n"
"       zapd [-v] live [--db PATH] [--duration SEC] [--pair ...] ...\n"
"                  (zapd live --help)\n"
"       zapd report [--db PATH] [--run N] -o FILE.html\n"
"       zapd export --perfetto FILE.json [--db PATH] [--run N]\n"
"                   [--slower-than DUR]\n"
"       zapd --help | --version\n"
"\n"
"import  read a trace-cmd trace.dat (top and instance buffers), pair the\n"
"        zap events (docs/events.md) into intervals and store them in an\n"
"        SQLite database (default ./" ZAPD_DEFAULT_DB "). Importing the same\n"
"        content twice is a no-op. Exit 3: truncated file, readable part\n"
"        imported and the run marked incomplete.\n"
"        --pair also pairs any START event with an END event, keyed by\n"
"        pid or by FIELD (interval kind = START's name). Records of any\n"
"        other event (e.g. sched:sched_switch) are stored as extra\n"
"        events (table events; zapd query inside). Every finished\n"
"        interval is counted in log2 histograms (zapd query percentiles);\n"
"        --slower-than DUR keeps rows only for intervals >= DUR.\n"
"query   run a canned query (zapd query --list); -n N sets its row limit\n"
"        or bucket count, --csv prints CSV, --json a JSON array.\n"
"live    trace into a private tracefs instance while the workload runs;\n"
"        by default rows only for intervals >= 100us, every interval in\n"
"        the histograms (zapd live --help).\n"
"report  write one self-contained HTML page of a run: losses, latency\n"
"        histograms and percentiles, stages, per-CPU timeline, lock, hung.\n"
"export  write a run as a Chrome JSON trace for ui.perfetto.dev or\n"
"        chrome://tracing.\n"
"Global: -v, -vv more messages; --help; --version. man zapd: everything.\n" },
	{ "import",
"usage: zapd [-v] import FILE.dat [--db PATH] [--run-label L]\n"
"                    [--pair SYS:START,SYS:END[,FIELD]]... [--decode-only]\n"
"                    [--slower-than DUR | --all] [--window SEC] [-q]\n"
"\n"
"Read a trace-cmd trace.dat (top and instance buffers), pair the zap\n"
"events (docs/events.md) into intervals and store them in an SQLite\n"
"database. Importing the same content twice is a no-op. Every finished\n"
"interval and lock range is also counted in log2 latency histograms\n"
"(zapd query percentiles, histogram). The file is parsed by a process\n"
"of its own; a compressed one is first decompressed into $TMPDIR\n"
"(default /var/tmp), in files that never have a name.\n"
"  --db PATH         the database (default ./" ZAPD_DEFAULT_DB ")\n"
"  --run-label L     a label stored with the run\n"
"  --pair S,E[,KEY]  also pair START with END, keyed by pid or field KEY\n"
"                    (interval kind = START's name); at most 8\n"
"  --slower-than DUR rows only for intervals (and lock waits/holds) of at\n"
"                    least DUR, e.g. 50us, 2ms; unfinished, tainted and\n"
"                    hung ones always; the histograms count every one\n"
"  --all             a row for every interval (the default for import)\n"
"  --window SEC      histogram time window in seconds (default 60)\n"
"  --decode-only     read, decode and pair, store nothing (benchmarks)\n"
"  -q, --quiet       no progress line (shown only on a terminal)\n"
"Exit: 0 imported (or already), 1 error, 2 usage, 3 truncated or corrupt\n"
"file: the readable part imported, the run marked incomplete.\n" },
	{ "query",
"usage: zapd [-v] query NAME [-n N] [--db PATH] [--csv | --json]\n"
"       zapd query --list\n"
"\n"
"Run a canned query (queries/NAME.sql) on the database.\n"
"  --list            the queries, one line each\n"
"  -n N              the query's row limit or bucket count\n"
"  --db PATH         the database (default ./" ZAPD_DEFAULT_DB ")\n"
"  --csv             CSV instead of an aligned table\n"
"  --json            one JSON array of objects (numbers as numbers)\n" },
	{ "report",
"usage: zapd report [--db PATH] [--run N] -o FILE.html\n"
"\n"
"Write one self-contained HTML page (inline CSS and SVG, no script, no\n"
"network) of a run: runs and losses, latency histogram and percentiles\n"
"per path, the slowest intervals and their stages, a per-CPU timeline of\n"
"the slow intervals and lock ranges, hung and tainted intervals, and\n"
"what the database lacks and how to record it (docs/report.md).\n"
"  -o, --output FILE the page to write (- for stdout); written whole or\n"
"                    not at all\n"
"  --db PATH         the database (default ./" ZAPD_DEFAULT_DB ")\n"
"  --run N           the run (zapd query runs; default: the latest)\n" },
	{ "export",
"usage: zapd export --perfetto FILE.json [--db PATH] [--run N]\n"
"                   [--slower-than DUR]\n"
"\n"
"Write a run as a Chrome JSON trace (ui.perfetto.dev, chrome://tracing):\n"
"intervals on per-CPU and per-task tracks, stages nested in them, PTE\n"
"lock wait/hold, extra events and losses as instants (docs/report.md).\n"
"  --perfetto FILE   the trace to write (- for stdout), streamed\n"
"  --db PATH         the database (default ./" ZAPD_DEFAULT_DB ")\n"
"  --run N           the run (zapd query runs; default: the latest)\n"
"  --slower-than DUR only intervals at least DUR long (e.g. 50us, 2ms;\n"
"                    units ns, us, ms, s), the lock ranges that waited or\n"
"                    held that long, the extra events inside them\n" },
	{ "live",
"usage: zapd [-v] live [--db PATH] [--duration SEC] [--run-label L]\n"
"                  [--stages] [--lock] [--zap] [-e SYS:EVENT]...\n"
"                  [--pair SYS:START,SYS:END[,FIELD]]...\n"
"                  [--pid PID[,PID...]] [--comm COMM] [--mm ADDR]\n"
"                  [--filter EXPR] [--buffer-kb KB] [--stall-ms MS]\n"
"                  [--commit-ms MS] [--instance NAME] [--user USER]\n"
"                  [--slower-than DUR | --all] [--window SEC]\n"
"                  [--why] [--context-ms N [--context-min-us US]] [-v]\n"
"\n"
"Trace into a private tracefs instance (default 'zapd') and store\n"
"intervals in the database while the workload runs (docs/live.md).\n"
"Every finished interval and lock range is counted in log2 latency\n"
"histograms (zapd query percentiles); a row is stored only for those of\n"
"at least --slower-than (default 100us: keeps up with a munmap storm)\n"
"and for every unfinished, tainted or stalled one.\n"
"  --slower-than DUR rows only for intervals of at least DUR, e.g. 50us,\n"
"                    2ms (default 100us; said on stderr at start)\n"
"  --all             a row for every interval, as zapd import stores\n"
"  --window SEC      histogram time window in seconds (default 60)\n"
"  --zap             zap start/done (default unless --pair is given)\n"
"  --stages, --lock  also the stage / PTE lock events (imply --zap)\n"
"  -e, --event SYS:EVENT  also enable EVENT, store its records\n"
"  --pair S,E[,KEY]  pair any two events, keyed by pid or field KEY\n"
"  --why             why each interval was slow: also the irq, irq_vectors,\n"
"                    nmi and sched_switch events (attributed, not stored),\n"
"                    the stage and lock events, and a stacktrace trigger\n"
"                    on zap_pte_lock that names the caller (zapd query why)\n"
"  --context-ms N    hold extra events per CPU; an interval at least\n"
"                    --context-min-us long (default: the --slower-than\n"
"                    threshold; 1000 with --all) stores its CPU's events\n"
"                    from N ms before it to its end\n"
"  --pid, --comm     in-kernel filters: set_event_pid, COMM == \"..\"\n"
"  --mm ADDR         in-kernel filter on the zap events' mm field\n"
"  --filter EXPR     ANDed into every enabled event's filter\n"
"  --buffer-kb KB    per-CPU ring buffer size (default: kernel's)\n"
"  --stall-ms MS     write an 'open' row for an interval open MS ms"
" (100)\n"
"  --commit-ms MS    commit the database at least every MS ms (200)\n"
"  --duration SEC    stop after SEC seconds (default: SIGINT/SIGTERM)\n"
"  --instance NAME   the tracefs instance to create (default 'zapd')\n"
"  --run-label L     a label stored with the run\n"
"  --user USER       drop privileges to USER after opening tracefs\n"
"  -v, --verbose     more messages\n" },
};

/**
 * usage_print() - print a usage text
 * @f: stdout (--help) or stderr
 * @cmd: the subcommand, NULL for zapd's own text
 */
void usage_print(FILE *f, const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		if ((!cmd && !usages[i].cmd) ||
		    (cmd && usages[i].cmd && !strcmp(cmd, usages[i].cmd))) {
			fputs(usages[i].text, f);
			return;
		}
	}
	fputs(usages[0].text, f);
}
