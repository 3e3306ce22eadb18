// SPDX-License-Identifier: GPL-2.0
/*
 * query.c - canned queries: lookup, parameter binding, table/CSV output.
 *
 * Owns: the read side of the database. A query file is one or more SQL
 * statements (at most MAX_STMTS; each prints its own table, separated by
 * an empty line) after a header of "--" comment lines; its first line is
 * "-- NAME: what it answers". -n N binds the named parameter :n in every
 * statement that has it (queries use LIMIT coalesce(:n, DEFAULT), so the
 * file also runs unchanged in sqlite3(1), where :n is NULL). Invariant:
 * no SQL is built from values; every statement compiles before any runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "embed.h"
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

/**
 * query_run() - run a canned query and print its result
 * @db: database path (must exist)
 * @name: query name (file name without .sql)
 * @n: value for :n, or < 0 for the query's default
 * @csv: print CSV instead of an aligned table
 *
 * Return: 0, or 1 with one line logged.
 */
int query_run(const char *db, const char *name, long n, bool csv)
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

		ret = collect(&t, st, s[i], name) < 0;
		if (!ret) {
			if (i)
				putchar('\n');
			print_table(&t, s[i], csv);
		}
		table_free(&t);
	}
	for (i = 0; i < k; i++)
		sqlite3_finalize(s[i]);
	store_close(st);
	return ret;
}
