// SPDX-License-Identifier: GPL-2.0
/*
 * query.c - canned queries: lookup, parameter binding, table/CSV/JSON
 * output; and the read-side helpers of zapd report and zapd export.
 *
 * Owns: the read side of the database. A query file is one or more SQL
 * statements (at most MAX_STMTS; each prints its own table, separated by
 * an empty line) after a header of "--" comment lines; its first line is
 * "-- NAME: what it answers". -n N binds the named parameter :n in every
 * statement that has it (queries use LIMIT coalesce(:n, DEFAULT), so the
 * file also runs unchanged in sqlite3(1), where :n is NULL). Readers pick
 * a run (query_select_run()), ask what the schema has (query_has_table(),
 * query_has_column()) and step prepared statements (query_prepare(),
 * query_step()).
 *
 * Invariants: no SQL is built from values (only from compile-time
 * constants); every statement compiles before any runs; every failure is
 * one line; --json is one JSON array of objects per statement (as
 * sqlite3 -json prints them), integers and reals as JSON numbers, NULL as
 * null, text byte-safe (escape.h, ESC_LOSSLESS), streamed row by row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "embed.h"
#include "escape.h"
#include "log.h"
#include "query.h"
#include "store.h"

#define MAX_STMTS	8

/* header - the text after "-- NAME: " on the first line, length in *len */
static const char *header(const char *text, int *len)
{
	const char *p = text, *colon;

	if (strncmp(p, "-- ", 3))
		goto none;
	colon = strchr(p, ':');
	if (!colon || colon > strchr(p, '\n'))
		goto none;
	p = colon + 1;
	while (*p == ' ')
		p++;
	*len = (int)strcspn(p, "\n");
	return p;
none:
	*len = 0;
	return "";
}

/**
 * query_list() - print every embedded query with its header line
 */
void query_list(void)
{
	int i, len;

	for (i = 0; i < zapd_nqueries; i++) {
		const char *h = header(zapd_queries[i].text, &len);

		printf("%-16s %.*s\n", zapd_queries[i].name, len, h);
	}
}

/* csv_field - RFC 4180 quoting when needed */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* struct table - result rows kept as strings for column alignment */
struct table {
	int	ncol;
	size_t	nrow, cap;
	char	**cell;		/* nrow * ncol */
	int	*width;
	int	*numeric;
};

/* table_add - the current result row of @s, as strings; -1 on ENOMEM */
static int table_add(struct table *t, sqlite3_stmt *s)
{
	int c;

	if (t->nrow == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **nc = realloc(t->cell, cap * t->ncol * sizeof(*nc));

		if (!nc)
			return -1;
		t->cell = nc;
		t->cap = cap;
	}
	for (c = 0; c < t->ncol; c++) {
		const char *v = (const char *)sqlite3_column_text(s, c);
		char *d = strdup(v ? v : "");
		int w;

		if (!d)
			return -1;
		t->cell[t->nrow * t->ncol + c] = d;
		w = (int)strlen(d);
		if (w > t->width[c])
			t->width[c] = w;
		if (v && (sqlite3_column_type(s, c) == SQLITE_INTEGER ||
			  sqlite3_column_type(s, c) == SQLITE_FLOAT))
			t->numeric[c] = 1;
	}
	t->nrow++;
	return 0;
}

/* find_query - the embedded SQL of @name, NULL after one line */
static const char *find_query(const char *name)
{
	int i;

	for (i = 0; i < zapd_nqueries; i++)
		if (!strcmp(zapd_queries[i].name, name))
			return zapd_queries[i].text;
	log_warnx("no query '%s' (zapd query --list)", name);
	return NULL;
}

/* prepare - compile every statement of @sql into @s and bind -n; the
 * number of statements, or -1 after one line (none left prepared) */
static int prepare(struct store *st, const char *name, const char *sql,
		   long n, sqlite3_stmt **s)
{
	const char *tail = sql;
	int k = 0, idx, with_n = 0;

	while (*tail) {
		if (k == MAX_STMTS) {
			log_warnx("query '%s': more than %d statements", name,
				  MAX_STMTS);
			goto fail;
		}
		if (sqlite3_prepare_v2(store_db(st), tail, -1, &s[k],
				       &tail) != SQLITE_OK) {
			log_warnx("query '%s': %s", name,
				  sqlite3_errmsg(store_db(st)));
			goto fail;
		}
		if (!s[k])	/* only comments or blanks were left */
			break;
		idx = sqlite3_bind_parameter_index(s[k], ":n");
		if (idx && n >= 0)
			sqlite3_bind_int64(s[k], idx, n);
		with_n += idx > 0;
		k++;
	}
	if (n >= 0 && !with_n) {
		log_warnx("query '%s' takes no -n", name);
		goto fail;
	}
	return k;
fail:
	while (k > 0)
		sqlite3_finalize(s[--k]);
	return -1;
}

/* collect - every result row into @t; -1 after one line */
static int collect(struct table *t, struct store *st, sqlite3_stmt *s,
		   const char *name)
{
	int c, rc;

	t->ncol = sqlite3_column_count(s);
	t->width = calloc(t->ncol + 1, sizeof(*t->width));
	t->numeric = calloc(t->ncol + 1, sizeof(*t->numeric));
	if (!t->width || !t->numeric)
		goto nomem;
	for (c = 0; c < t->ncol; c++)
		t->width[c] = (int)strlen(sqlite3_column_name(s, c));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (table_add(t, s) < 0)
			goto nomem;
	if (rc != SQLITE_DONE) {
		log_warnx("query '%s': %s", name,
			  sqlite3_errmsg(store_db(st)));
		return -1;
	}
	return 0;
nomem:
	log_warnx("out of memory");
	return -1;
}

/* print_cell - one cell (or header) of column @c in a table or CSV */
static void print_cell(const struct table *t, int c, const char *v,
		       bool csv, bool header)
{
	if (csv) {
		csv_field(v);
		putchar(c + 1 < t->ncol ? ',' : '\n');
		return;
	}
	/* the last text column is not padded */
	printf(t->numeric[c] ? "%*s" : "%-*s",
	       header || c + 1 < t->ncol || t->numeric[c] ? t->width[c] : 0,
	       v);
	fputs(c + 1 < t->ncol ? "  " : "\n", stdout);
}

/* print_table - the header line and the rows */
static void print_table(const struct table *t, sqlite3_stmt *s, bool csv)
{
	size_t r;
	int c;

	for (c = 0; c < t->ncol; c++)
		print_cell(t, c, sqlite3_column_name(s, c), csv, true);
	for (r = 0; r < t->nrow; r++)
		for (c = 0; c < t->ncol; c++)
			print_cell(t, c, t->cell[r * t->ncol + c], csv, false);
}

/* table_free - the cells and column data */
static void table_free(struct table *t)
{
	size_t r;

	for (r = 0; r < t->nrow * (size_t)t->ncol; r++)
		free(t->cell[r]);
	free(t->cell);
	free(t->width);
	free(t->numeric);
}

/* json_cell - column @c of the current row of @s as a JSON value */
static void json_cell(sqlite3_stmt *s, int c)
{
	double d;

	switch (sqlite3_column_type(s, c)) {
	case SQLITE_INTEGER:
		printf("%lld", (long long)sqlite3_column_int64(s, c));
		break;
	case SQLITE_FLOAT:
		d = sqlite3_column_double(s, c);
		if (isfinite(d))
			printf("%.17g", d);
		else
			fputs("null", stdout);
		break;
	case SQLITE_NULL:
		fputs("null", stdout);
		break;
	default:	/* text or blob: the bytes */
		esc_json(stdout, (const char *)sqlite3_column_blob(s, c),
			 sqlite3_column_bytes(s, c), ESC_LOSSLESS);
		break;
	}
}

/* print_json - every row as one JSON object of an array, one per line */
static int print_json(struct store *st, sqlite3_stmt *s, const char *name)
{
	int c, rc, ncol = sqlite3_column_count(s);
	bool first = true;

	fputs("[", stdout);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		fputs(first ? "\n{" : ",\n{", stdout);
		first = false;
		for (c = 0; c < ncol; c++) {
			const char *col = sqlite3_column_name(s, c);

			if (c)
				putchar(',');
			esc_json_str(stdout, col, ESC_LOSSLESS);
			putchar(':');
			json_cell(s, c);
		}
		putchar('}');
	}
	fputs("\n]\n", stdout);
	if (rc != SQLITE_DONE) {
		log_warnx("query '%s': %s", name, sqlite3_errmsg(store_db(st)));
		return -1;
	}
	return 0;
}

/**
 * query_run() - run a canned query and print its result
 * @db: database path (must exist)
 * @name: query name (file name without .sql)
 * @n: value for :n, or < 0 for the query's default
 * @fmt: aligned table, CSV or JSON
 *
 * Return: 0, or 1 with one line logged.
 */
int query_run(const char *db, const char *name, long n, enum query_fmt fmt)
{
	sqlite3_stmt *s[MAX_STMTS] = { 0 };
	struct store *st = NULL;
	const char *sql = find_query(name);
	int ret = 1, k, i;

	if (!sql)
		return 1;
	st = store_open(db, STORE_RO);
	if (!st)
		return 1;
	k = prepare(st, name, sql, n, s);
	for (i = 0, ret = k < 0; i < k && !ret; i++) {
		struct table t = { 0 };

		if (fmt == QUERY_JSON) {
			ret = print_json(st, s[i], name) < 0;
			continue;
		}
		ret = collect(&t, st, s[i], name) < 0;
		if (!ret) {
			if (i)
				putchar('\n');
			print_table(&t, s[i], fmt == QUERY_CSV);
		}
		table_free(&t);
	}
	for (i = 0; i < k; i++)
		sqlite3_finalize(s[i]);
	store_close(st);
	return ret;
}

/**
 * query_prepare() - compile one statement of the read side
 * @st: the store
 * @what: what it reads, for the message
 * @sql: the statement (a constant: no SQL is built from values)
 *
 * Return: the statement, or NULL after one line.
 */
sqlite3_stmt *query_prepare(struct store *st, const char *what,
			    const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK)
		return s;
	log_warnx("reading %s: %s", what, sqlite3_errmsg(store_db(st)));
	sqlite3_finalize(s);
	return NULL;
}

/**
 * query_step() - the next row of @s
 * @st: the store
 * @s: the statement
 * @what: what it reads, for the message
 *
 * Return: 1 for a row, 0 when done, -1 after one line.
 */
int query_step(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_warnx("reading %s: %s", what, sqlite3_errmsg(store_db(st)));
	return -1;
}

/* one_int - the single integer answer of @sql bound with up to 2 texts */
static int one_int(struct store *st, const char *sql, const char *a,
		   const char *b, int64_t *out)
{
	sqlite3_stmt *s = query_prepare(st, "the schema", sql);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	rc = query_step(st, s, "the schema");
	*out = rc == 1 ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

/**
 * query_has_table() - does the database have a table or view @name
 * @st: the store
 * @name: the table or view
 *
 * Return: 1 yes, 0 no, -1 after one line.
 */
int query_has_table(struct store *st, const char *name)
{
	int64_t v;

	if (one_int(st, "SELECT count(*) FROM sqlite_master WHERE type IN "
		    "('table', 'view') AND name = ?1", name, NULL, &v) < 0)
		return -1;
	return v > 0;
}

/**
 * query_has_column() - does table or view @table have column @col
 * @st: the store
 * @table: the table or view
 * @col: the column
 *
 * Return: 1 yes, 0 no (also: no such table), -1 after one line.
 */
int query_has_column(struct store *st, const char *table, const char *col)
{
	int64_t v;

	if (one_int(st, "SELECT count(*) FROM pragma_table_info(?1) "
		    "WHERE name = ?2", table, col, &v) < 0)
		return -1;
	return v > 0;
}

/* col_dup - text column @c of @s, strdup'ed; NULL stays NULL */
static int col_dup(sqlite3_stmt *s, int c, char **out)
{
	const char *v = (const char *)sqlite3_column_text(s, c);

	*out = NULL;
	if (!v)
		return 0;
	*out = strdup(v);
	return *out ? 0 : -1;
}

/* run columns read by query_select_run(), in struct query_run order */
#define RUN_COLS "id, coalesce(first_id, 1), coalesce(last_id, 0), " \
	"coalesce(first_ts, 0), coalesce(last_ts, 0), events, zap_events, " \
	"complete, source, path, label, kernel, host, clock, state, " \
	"imported_at"

/* run_fill - @r from the current row of @s (RUN_COLS) */
static int run_fill(struct query_run *r, sqlite3_stmt *s)
{
	char **str[] = { &r->source, &r->path, &r->label, &r->kernel,
			 &r->host, &r->clock, &r->state, &r->imported_at };
	size_t i;

	r->id = sqlite3_column_int64(s, 0);
	r->first_id = sqlite3_column_int64(s, 1);
	r->last_id = sqlite3_column_int64(s, 2);
	r->first_ts = sqlite3_column_int64(s, 3);
	r->last_ts = sqlite3_column_int64(s, 4);
	r->events = sqlite3_column_int64(s, 5);
	r->zap_events = sqlite3_column_int64(s, 6);
	r->complete = sqlite3_column_int(s, 7);
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (col_dup(s, 8 + (int)i, str[i]) < 0)
			return -1;
	return 0;
}

/**
 * query_select_run() - the run a report or export shows
 * @st: the store
 * @want: a run id, or < 0 for the latest readable run (the newest that is
 *        done, or live: a live run is visible as it commits; an import
 *        still running is not)
 * @r: filled in (free with query_run_free())
 *
 * Return: 0, or -1 after one line (no such run, no runs, SQLite error).
 */
int query_select_run(struct store *st, long want, struct query_run *r)
{
	static const char by_id[] = "SELECT " RUN_COLS
		" FROM runs WHERE id = ?1";
	static const char latest[] = "SELECT " RUN_COLS " FROM runs "
		"WHERE state = 'done' OR source = 'live' ORDER BY id DESC "
		"LIMIT 1";
	sqlite3_stmt *s = query_prepare(st, "runs", want < 0 ? latest : by_id);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!s)
		return -1;
	if (want >= 0)
		sqlite3_bind_int64(s, 1, want);
	rc = query_step(st, s, "runs");
	if (rc == 1 && run_fill(r, s) < 0) {
		log_warnx("out of memory");
		rc = -1;
	} else if (rc == 0 && want >= 0) {
		log_warnx("no run %ld in this database (zapd query runs)",
			  want);
		rc = -1;
	} else if (rc == 0) {
		log_warnx("no finished run in this database: zapd import "
			  "FILE.dat or zapd live first");
		rc = -1;
	}
	sqlite3_finalize(s);
	if (rc < 0)
		query_run_free(r);
	return rc < 0 ? -1 : 0;
}

/**
 * query_run_free() - free what query_select_run() filled in
 * @r: the run
 */
void query_run_free(struct query_run *r)
{
	free(r->source);
	free(r->path);
	free(r->label);
	free(r->kernel);
	free(r->host);
	free(r->clock);
	free(r->state);
	free(r->imported_at);
	memset(r, 0, sizeof(*r));
}
