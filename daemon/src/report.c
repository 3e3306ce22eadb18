// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - zapd report: one self-contained HTML page of a run.
 *
 * Owns: the command line of zapd report, the page (head, inline CSS,
 * header, contents, the section list, footer) and the helpers every
 * section uses (report-int.h). The sections are in report-tab.c
 * (tables), report-svg.c (latency) and report-tl.c (stages, timeline),
 * one function each, in the order of `sections[]` below.
 *
 * Invariants:
 *  - the page loads nothing: inline CSS and SVG, no script, and a
 *    Content-Security-Policy that forbids any fetch, so it opens from
 *    disk, offline, the same everywhere;
 *  - its size does not grow with the run: every list and drawing is
 *    capped (report-int.h) and says so; aggregation happens in SQL;
 *  - the output file appears whole or not at all (outfile.h);
 *  - every number shown is exact in a data-v attribute (ns, counts).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "log.h"
#include "outfile.h"
#include "report-int.h"
#include "report.h"
#include "store.h"
#include "timeutil.h"

/* struct section - a part of the page: its anchor, title and writer */
static const struct section {
	const char	*id;
	const char	*title;
	int		(*write)(struct rep *r);
} sections[] = {
	{ "runs",	"Runs and losses",		sec_runs },
	{ "latency",	"Latency per path",		sec_latency },
	{ "slowest",	"Slowest intervals",		sec_slowest },
	{ "stages",	"Stages of the slowest intervals", sec_stages },
	{ "timeline",	"Per-CPU timeline",		sec_timeline },
	{ "lock",	"PTE lock",			sec_lock },
	{ "hung",	"Hung and tainted intervals",	sec_hung },
	{ "why",	"Why slow",			sec_why },
	{ "callers",	"Callers",			sec_callers },
	{ "context",	"Events inside the slowest intervals", sec_context },
};

static const char css[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;"
"padding:0 16px 40px;color:#1d2330;background:#fff}"
"h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;"
"border-bottom:1px solid #d8dce4;padding-bottom:3px}"
"h3{font-size:14px;margin:14px 0 4px}"
".meta{color:#555;margin:0 0 8px}nav a{margin-right:12px}"
"table{border-collapse:collapse;margin:6px 0;font-size:13px}"
"th,td{padding:2px 8px;border-bottom:1px solid #eceef2;text-align:left;"
"white-space:nowrap}th{background:#f4f5f8;font-weight:600}"
"td.n{text-align:right;font-variant-numeric:tabular-nums}"
"tr.sel{background:#fff6d8}"
".note{color:#555;font-style:italic;margin:4px 0}"
".lack{background:#fbf3e4;border-left:3px solid #d08a1c;padding:6px 10px;"
"margin:6px 0;color:#4a3b20}.ok{color:#28703a}"
"dl.kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,"
"1fr));gap:4px 14px;margin:6px 0}dl.kv div{background:#f4f5f8;"
"padding:4px 8px}dl.kv dt{font-size:12px;color:#555}"
"dl.kv dd{margin:0;font-size:16px;font-variant-numeric:tabular-nums}"
".grid{display:flex;flex-wrap:wrap;gap:12px}"
"svg{font:11px system-ui,sans-serif}svg .ax{stroke:#888}"
"svg .gl{stroke:#e3e6ec}"
".p0{fill:#3b6fd4}.p1{fill:#2a9d6e}.p2{fill:#c7792b}.p3{fill:#8a59c9}"
".p4{fill:#c9475b}.p5{fill:#4aa8c0}.p6{fill:#8b8f2a}.p7{fill:#6b6f7a}"
".s-cleared{fill:#3b6fd4}.s-rmap{fill:#c7792b}.s-tlb{fill:#2a9d6e}"
".s-done{fill:#9aa3b5}.lw{fill:#d23c3c}.lh{fill:#f0a23b}"
".hung{fill:#b0172b}.taint{fill:#e07b00}.lost{stroke:#d00;stroke-width:2}"
".key span{display:inline-block;width:10px;height:10px;margin:0 4px 0 "
"10px}";

/**
 * rp() - printf into the page
 * @r: the report
 * @fmt: format
 */
void rp(struct rep *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
}

/**
 * rp_text() - text from the database, HTML-escaped byte-safely
 * @r: the report
 * @s: the text (NULL: nothing)
 */
void rp_text(struct rep *r, const char *s)
{
	esc_html_str(r->f, s);
}

/**
 * rp_dur() - a duration, exact: us with 3 decimals below 1 ms, ms with 6
 * below 1 s, else s with 9
 * @r: the report
 * @ns: nanoseconds (>= 0)
 */
void rp_dur(struct rep *r, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t v = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	if (v < 1000000)
		rp(r, "%s%" PRIu64 ".%03" PRIu64 "&#8239;&micro;s", sign,
		   v / 1000, v % 1000);
	else if (v < 1000000000)
		rp(r, "%s%" PRIu64 ".%06" PRIu64 "&#8239;ms", sign,
		   v / 1000000, v % 1000000);
	else
		rp(r, "%s%" PRIu64 ".%09" PRIu64 "&#8239;s", sign,
		   v / 1000000000, v % 1000000000);
}

/**
 * short_ns() - a round axis label: "512 ns", "16 us", "2 ms", "1 s"
 * @buf: output
 * @len: its size
 * @ns: the value
 */
void short_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.3g ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.3g \xc2\xb5s", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3g s", ns / 1e9);
}

/* rp_value - @v shown as @kind (no element around it) */
static void rp_value(struct rep *r, int64_t v, enum col_kind kind)
{
	switch (kind) {
	case C_DUR:
		rp_dur(r, v);
		break;
	case C_REL:
		rp(r, "+");
		rp_dur(r, v - r->run.first_ts);
		break;
	case C_HEX:
		rp(r, "0x%" PRIx64, (uint64_t)v);
		break;
	default:
		rp(r, "%" PRId64, v);
		break;
	}
}

/**
 * rp_kv() - one key figure: <div data-k=KEY data-v=V>LABEL: V</div>
 * @r: the report
 * @key: machine name (data-k)
 * @label: what a person reads
 * @v: the value
 * @kind: C_INT or C_DUR
 */
void rp_kv(struct rep *r, const char *key, const char *label, int64_t v,
	   enum col_kind kind)
{
	rp(r, "<div data-k=\"%s\" data-v=\"%" PRId64 "\"><dt>%s</dt><dd>",
	   key, v, label);
	rp_value(r, v, kind);
	rp(r, "</dd></div>\n");
}

/**
 * rp_note() - a paragraph of class @cls ("note", "lack", "ok")
 * @r: the report
 * @cls: its class
 * @fmt: its text (HTML)
 */
void rp_note(struct rep *r, const char *cls, const char *fmt, ...)
{
	va_list ap;

	rp(r, "<p class=\"%s\">", cls);
	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
	rp(r, "</p>\n");
}

/**
 * rp_capped() - say that @shown of @total @what are shown, if capped
 * @r: the report
 * @shown: how many are in the page
 * @total: how many there are
 * @what: e.g. "hung intervals"
 */
void rp_capped(struct rep *r, int64_t shown, int64_t total, const char *what)
{
	if (shown >= total)
		return;
	rp(r, "<p class=\"note\" data-capped=\"%" PRId64 "/%" PRId64 "\">"
	   "Showing %" PRId64 " of %" PRId64 " %s (capped to keep the page "
	   "small; <code>zapd query</code> lists them all).</p>\n",
	   shown, total, shown, total, what);
}

/**
 * rep_prepare() - compile @sql and bind the report's named parameters
 * @r: the report (run, id range, cap)
 * @what: what it reads, for the message
 * @sql: a constant statement using :run :lo :hi :cap :t0 :t1
 *
 * Return: the statement, or NULL after one line.
 */
sqlite3_stmt *rep_prepare(struct rep *r, const char *what, const char *sql)
{
	sqlite3_stmt *s = query_prepare(r->st, what, sql);
	const struct { const char *name; int64_t v; } p[] = {
		{ ":run", r->run.id }, { ":lo", r->run.first_id },
		{ ":hi", r->run.last_id }, { ":cap", r->cap },
		{ ":t0", r->run.first_ts }, { ":t1", r->run.last_ts },
	};
	size_t i;
	int idx;

	for (i = 0; s && i < sizeof(p) / sizeof(p[0]); i++) {
		idx = sqlite3_bind_parameter_index(s, p[i].name);
		if (idx)
			sqlite3_bind_int64(s, idx, p[i].v);
	}
	return s;
}

/**
 * rep_one() - the one integer answer of @sql (NULL: 0)
 * @r: the report
 * @what: for the message
 * @sql: the statement
 * @v: the answer
 *
 * Return: 0, or -1 after one line.
 */
int rep_one(struct rep *r, const char *what, const char *sql, int64_t *v)
{
	sqlite3_stmt *s = rep_prepare(r, what, sql);
	int rc;

	if (!s)
		return -1;
	rc = query_step(r->st, s, what);
	*v = rc == 1 ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

/**
 * rp_td_text() - a text cell: <td data-v=TEXT>TEXT</td>, escaped
 * @r: the report
 * @s: the text (NULL: empty)
 */
void rp_td_text(struct rep *r, const char *s)
{
	rp(r, "<td data-v=\"");
	rp_text(r, s);
	rp(r, "\">");
	rp_text(r, s);
	rp(r, "</td>");
}

/* rep_cell - one <td> of column @c: data-v exact, the text for people */
static void rep_cell(struct rep *r, sqlite3_stmt *s, int c, enum col_kind k)
{
	const char *txt = (const char *)sqlite3_column_text(s, c);
	int64_t v = sqlite3_column_int64(s, c);

	if (sqlite3_column_type(s, c) == SQLITE_NULL) {
		rp(r, "<td data-v=\"\"></td>");
		return;
	}
	if (k == C_TEXT || sqlite3_column_type(s, c) == SQLITE_TEXT) {
		rp_td_text(r, txt);
		return;
	}
	rp(r, "<td class=\"n\" data-v=\"%" PRId64 "\">", v);
	rp_value(r, v, k);
	rp(r, "</td>");
}

/**
 * rep_table() - a <table id=@id> of every row of @sql
 * @r: the report
 * @id: the table's id (tests find it by this)
 * @what: for the message
 * @sql: the statement; its columns in the order of @cols
 * @cols: header and kind of each column
 * @ncol: their number
 * @nrows: set to the number of rows written (NULL: not wanted)
 *
 * Return: 0, or -1 after one line.
 */
int rep_table(struct rep *r, const char *id, const char *what,
	      const char *sql, const struct col *cols, int ncol,
	      int64_t *nrows)
{
	sqlite3_stmt *s = rep_prepare(r, what, sql);
	int64_t n = 0;
	int c, rc;

	if (!s)
		return -1;
	rp(r, "<table id=\"%s\"><tr>", id);
	for (c = 0; c < ncol; c++)
		rp(r, "<th>%s</th>", cols[c].head);
	rp(r, "</tr>\n");
	while ((rc = query_step(r->st, s, what)) == 1) {
		rp(r, "<tr>");
		for (c = 0; c < ncol; c++)
			rep_cell(r, s, c, cols[c].kind);
		rp(r, "</tr>\n");
		n++;
	}
	rp(r, "</table>\n");
	sqlite3_finalize(s);
	if (nrows)
		*nrows = n;
	return rc < 0 ? -1 : 0;
}

/* page_head - doctype, CSP, CSS, the header and the contents */
static void page_head(struct rep *r)
{
	const struct query_run *u = &r->run;
	size_t i;

	rp(r, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8"
	   "\">\n<meta http-equiv=\"Content-Security-Policy\" content=\""
	   "default-src 'none'; style-src 'unsafe-inline'\">\n"
	   "<title>zapd report: run %" PRId64 "</title>\n<style>%s</style>"
	   "</head>\n<body data-run=\"%" PRId64 "\">\n", u->id, css, u->id);
	rp(r, "<h1>zapd report: run %" PRId64 "</h1>\n<p class=\"meta\">",
	   u->id);
	rp_text(r, u->label ? u->label : u->path ? u->path : u->source);
	rp(r, " &middot; kernel ");
	rp_text(r, u->kernel ? u->kernel : "?");
	rp(r, " &middot; host ");
	rp_text(r, u->host ? u->host : "?");
	rp(r, " &middot; clock ");
	rp_text(r, u->clock ? u->clock : "?");
	rp(r, " &middot; %s run, %s%s &middot; span ", u->source,
	   u->state, u->complete ? "" : ", INCOMPLETE");
	rp_dur(r, u->last_ts - u->first_ts);
	rp(r, "<br>database ");
	rp_text(r, r->db);
	rp(r, " &middot; imported ");
	rp_text(r, u->imported_at);
	rp(r, " &middot; zapd %s</p>\n<nav>", ZAPD_VERSION);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		rp(r, "<a href=\"#%s\">%s</a>", sections[i].id,
		   sections[i].title);
	rp(r, "</nav>\n");
}

/* page_body - every section in order; -1 after one line */
static int page_body(struct rep *r)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		double t0 = mono_ms();

		rp(r, "<section id=\"%s\">\n<h2>%s</h2>\n", sections[i].id,
		   sections[i].title);
		if (sections[i].write(r) < 0)
			return -1;
		rp(r, "</section>\n");
		log_info("report: %s: %.1f ms", sections[i].id, mono_ms() - t0);
	}
	rp(r, "<p class=\"note\">Times are the trace clock's; durations are "
	   "exact to the nanosecond. Written by zapd report; every figure "
	   "can be re-read with <code>zapd query</code> or sqlite3 "
	   "(docs/report.md).</p>\n</body></html>\n");
	return 0;
}

/* rep_plan - walk intervals_dur for top-N when the run holds at least a
 * quarter of the interval rows (ids are dense per run: its id range) */
static int rep_plan(struct rep *r)
{
	int64_t all;

	if (rep_one(r, "intervals", "SELECT coalesce(max(id), 0) - "
		    "coalesce(min(id), 1) + 1 FROM interval_rows", &all) < 0)
		return -1;
	r->by_dur = (r->run.last_id - r->run.first_id + 1) * 4 >= all;
	return 0;
}

/* report_write - open, pick the run, write the page to @out */
static int report_write(const char *db, long run, const char *out)
{
	struct rep r = { .db = db };
	struct outfile o;
	int ret = ZAPD_EXIT_ERR;

	r.st = store_open(db, STORE_RO);
	if (!r.st)
		return ZAPD_EXIT_ERR;
	if (query_select_run(r.st, run, &r.run) < 0 || rep_plan(&r) < 0 ||
	    rep_scan(&r) < 0)
		goto out;
	if (outfile_open(&o, out) < 0)
		goto out;
	r.f = o.f;
	page_head(&r);
	if (page_body(&r) < 0) {
		outfile_abort(&o);
		goto out;
	}
	if (outfile_commit(&o) == 0)
		ret = ZAPD_EXIT_OK;
out:
	rep_scan_free(&r);
	query_run_free(&r.run);
	store_close(r.st);
	return ret;
}

/**
 * cmd_report() - zapd report [--db PATH] [--run N] -o FILE
 * @argc: argument count (argv[0] = "report")
 * @argv: arguments
 *
 * Return: exit code (cli.h).
 */
int cmd_report(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = ZAPD_DEFAULT_DB, *out = NULL;
	long run = -1;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (cli_nonempty("report", "--db", optarg) < 0)
				return ZAPD_EXIT_USAGE;
			db = optarg;
			break;
		case 'r':
			if (cli_long("report", "--run", optarg, 1,
				     INT64_MAX >> 1, &run) < 0)
				return ZAPD_EXIT_USAGE;
			break;
		case 'o':
			if (cli_nonempty("report", "-o", optarg) < 0)
				return ZAPD_EXIT_USAGE;
			out = optarg;
			break;
		case 'h':
			usage_print(stdout, "report");
			return ZAPD_EXIT_OK;
		default:
			cli_bad_option("report", argv);
			return ZAPD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_usage_error("report", "unexpected argument '%s'",
				argv[optind]);
		return ZAPD_EXIT_USAGE;
	}
	if (!out) {
		cli_usage_error("report", "need -o FILE.html (- for stdout)");
		return ZAPD_EXIT_USAGE;
	}
	return report_write(db, run, out);
}
