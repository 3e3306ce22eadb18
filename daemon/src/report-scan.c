// SPDX-License-Identifier: GPL-2.0
/*
 * report-scan.c - the one pass of zapd report over a run's interval rows.
 *
 * Owns: the only O(rows) read of a report. One statement steps through
 * the run's rowid range (no sort, no temporary B-tree: a GROUP BY with
 * log2() over 10M rows costs 8x the plain scan) and counts, per run, the
 * intervals, finished, hung, tainted, migrated and staged ones, and per
 * (kind, path) of the finished ones a log2 histogram and a finer one:
 * exact below 256 ns, then 128 linear sub-buckets per power of two.
 * Everything else the report reads is capped and index-driven.
 *
 * Percentiles (rep_scan_rank()) are exact nearest rank: the fine
 * histogram gives the sub-bucket of rank k, one query walks the duration
 * index inside that sub-bucket (width 2^(b-7) ns, exact below 256 ns:
 * no query at all) to the value.
 *
 * With a histogram table (schema 004), the histograms come from it and
 * this pass reads only the rows it keeps (docs/report.md).
 *
 * Invariants: the groups are at most REP_GROUPS_CAP, in the order zap
 * first, then by kind and path name; intervals of further groups are
 * counted in `dropped`.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report-int.h"

/* fine_slot - the fine histogram slot of duration @d (>= 0) */
static int fine_slot(int64_t d)
{
	int b;

	if (d < 256)
		return (int)(d < 0 ? 0 : d);
	b = 63 - __builtin_clzll((uint64_t)d);
	return 256 + (b - 8) * 128 + (int)((d >> (b - 7)) & 127);
}

/* fine_bounds - [lo, hi) of fine slot @i */
static void fine_bounds(int i, int64_t *lo, int64_t *hi)
{
	int b;

	if (i < 256) {
		*lo = i;
		*hi = i + 1;
		return;
	}
	b = (i - 256) / 128 + 8;
	*lo = (INT64_C(1) << b) + (int64_t)((i - 256) % 128) * (INT64_C(1) <<
							       (b - 7));
	*hi = *lo + (INT64_C(1) << (b - 7));
}

/* log2_bucket - bucket b holds [2^b, 2^(b+1)); bucket 0 [0, 2) */
static int log2_bucket(int64_t d)
{
	return d < 2 ? 0 : 63 - __builtin_clzll((uint64_t)d);
}

/* scan_group - the group of (@kind, @path), created; NULL if capped */
static struct lat_group *scan_group(struct rep_scan *sc, int64_t kind,
				    int64_t path)
{
	int i;

	if (sc->last && sc->last->kind_id == kind && sc->last->path_id == path)
		return sc->last;
	for (i = 0; i < sc->ng; i++)
		if (sc->g[i].kind_id == kind && sc->g[i].path_id == path)
			return sc->last = &sc->g[i];
	if (sc->ng == REP_GROUPS_CAP)
		return NULL;
	sc->g[sc->ng].kind_id = kind;
	sc->g[sc->ng].path_id = path;
	return sc->last = &sc->g[sc->ng++];
}

/* scan_row - count the current row: kind, path, dur, finished, f */
static void scan_row(struct rep_scan *sc, sqlite3_stmt *s)
{
	int64_t f = sqlite3_column_int64(s, 4), d;
	struct lat_group *g;

	sc->n++;
	sc->migrated += f >> 1 & 1;
	sc->staged += (f >> 12 & 15) > 0 && sqlite3_column_int(s, 3);
	if (!sqlite3_column_int(s, 3)) {
		if (f & 1)
			sc->tainted++;
		else
			sc->hung++;
		return;
	}
	sc->finished++;
	d = sqlite3_column_int64(s, 2);
	g = scan_group(sc, sqlite3_column_int64(s, 0),
		       sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 :
		       sqlite3_column_int64(s, 1));
	if (!g) {
		sc->dropped++;
		return;
	}
	g->n++;
	g->sum += d;
	g->max = d > g->max ? d : g->max;
	g->hist[log2_bucket(d)]++;
	g->fine[fine_slot(d)]++;
}

/* name_of - strings.s of @id ("" for -1 or unknown), strdup'ed */
static char *name_of(struct rep *r, int64_t id)
{
	sqlite3_stmt *s;
	char *v = NULL;

	if (id < 0)
		return strdup("");
	s = query_prepare(r->st, "names",
			  "SELECT s FROM strings WHERE id = ?1");
	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (query_step(r->st, s, "names") == 1 && sqlite3_column_text(s, 0))
		v = strdup((const char *)sqlite3_column_text(s, 0));
	else
		v = strdup("");
	sqlite3_finalize(s);
	return v;
}

/* cmp_group - zap first, then kind, then path */
static int cmp_group(const void *a, const void *b)
{
	const struct lat_group *x = a, *y = b;
	int zx = !strcmp(x->kind, "zap"), zy = !strcmp(y->kind, "zap"), c;

	if (zx != zy)
		return zy - zx;
	c = strcmp(x->kind, y->kind);
	return c ? c : strcmp(x->path, y->path);
}

/* scan_names - the groups' names, and their order */
static int scan_names(struct rep *r, struct rep_scan *sc)
{
	int i;

	for (i = 0; i < sc->ng; i++) {
		sc->g[i].kind = name_of(r, sc->g[i].kind_id);
		sc->g[i].path = name_of(r, sc->g[i].path_id);
		if (!sc->g[i].kind || !sc->g[i].path) {
			log_warnx("out of memory");
			return -1;
		}
	}
	qsort(sc->g, sc->ng, sizeof(sc->g[0]), cmp_group);
	sc->last = NULL;
	return 0;
}

/**
 * rep_scan() - the one pass over the run's interval rows
 * @r: the report; r->scan is set (free with rep_scan_free())
 *
 * Return: 0, or -1 after one line.
 */
int rep_scan(struct rep *r)
{
	static const char sql[] = "SELECT kind, path, dur_ns, finished, f "
		"FROM interval_rows WHERE id BETWEEN :lo AND :hi AND "
		"run_id = :run";
	sqlite3_stmt *s;
	int rc;

	r->scan = calloc(1, sizeof(*r->scan));
	if (!r->scan) {
		log_warnx("out of memory");
		return -1;
	}
	s = rep_prepare(r, "intervals", sql);
	if (!s)
		return -1;
	while ((rc = query_step(r->st, s, "intervals")) == 1)
		scan_row(r->scan, s);
	sqlite3_finalize(s);
	if (rc < 0)
		return -1;
	return scan_names(r, r->scan);
}

/**
 * rep_scan_free() - the scan and its names
 * @r: the report
 */
void rep_scan_free(struct rep *r)
{
	int i;

	for (i = 0; r->scan && i < r->scan->ng; i++) {
		free(r->scan->g[i].kind);
		free(r->scan->g[i].path);
	}
	free(r->scan);
	r->scan = NULL;
}

/**
 * rep_scan_rank() - the @k-th smallest duration (1-based) of group @g
 * @r: the report
 * @g: a group of the scan
 * @k: 1..g->n
 * @out: the duration, exact
 *
 * Return: 0, or -1 after one line.
 */
int rep_scan_rank(struct rep *r, const struct lat_group *g, int64_t k,
		  int64_t *out)
{
	static const char sql[] =
		"SELECT dur_ns FROM interval_rows WHERE dur_ns >= :blo AND "
		"dur_ns < :bhi AND +id BETWEEN :lo AND :hi AND run_id = :run "
		"AND kind = :kind AND path IS :path ORDER BY dur_ns "
		"LIMIT 1 OFFSET :off";
	int64_t before = 0, lo, hi;
	sqlite3_stmt *s;
	int i, rc;

	for (i = 0; i < REP_FINE - 1 && before + g->fine[i] < k; i++)
		before += g->fine[i];
	fine_bounds(i, &lo, &hi);
	if (hi - lo == 1) {		/* one value: no query */
		*out = lo;
		return 0;
	}
	s = rep_prepare(r, "percentiles", sql);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":blo"), lo);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":bhi"), hi);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":kind"),
			   g->kind_id);
	if (g->path_id >= 0)
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":path"),
				   g->path_id);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":off"),
			   k - before - 1);
	rc = query_step(r->st, s, "percentiles");
	*out = rc == 1 ? sqlite3_column_int64(s, 0) : lo;
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}
