// SPDX-License-Identifier: GPL-2.0
/*
 * report-svg.c - the latency section of zapd report: log2 histograms
 * (inline SVG) and exact percentiles per kind and path.
 *
 * Owns: how intervals are bucketed and ranked for the page and how the
 * histograms are drawn (classes styled by report.c's CSS).
 *
 * Latency. Finished intervals of the run are grouped by (kind, path) and
 * counted per log2 bucket in SQL: bucket b holds [2^b, 2^(b+1)) ns,
 * bucket 0 [0, 2) ns, as queries/histogram.sql. Percentiles are nearest
 * rank, exact: p = the k-th smallest duration, k = ceil(n * q); the
 * histogram gives the bucket of rank k, one indexed query in that bucket
 * the value. lat_hist() and lat_rank() are the two places that read
 * intervals for this section: with a histogram table (schema 004) the
 * buckets come from it and the rank query is only valid above its row
 * threshold (docs/report.md).
 *
 * Invariants: at most REP_GROUPS_CAP groups are drawn, whatever the
 * run's size, and the page says how many intervals that left out.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report-int.h"

#define NBUCKET		64
#define NPCT		4

/* the percentiles: q = num / den */
static const struct pct {
	const char	*name;
	int64_t		num, den;
} pcts[NPCT] = {
	{ "p50", 50, 100 }, { "p90", 90, 100 }, { "p99", 99, 100 },
	{ "p99.9", 999, 1000 },
};

/* struct lat_group - one (kind, path) of finished intervals */
struct lat_group {
	int64_t		kind_id, path_id;	/* strings.id; path -1: NULL */
	char		*kind, *path;
	int64_t		n, sum, max;
	int64_t		hist[NBUCKET];
	int64_t		pct[NPCT];
};

/* struct lat - every group of the run, and the shared axes */
struct lat {
	struct lat_group	g[REP_GROUPS_CAP];
	int			ng;
	int64_t			dropped;	/* intervals in capped groups */
	int			bmin, bmax;
	int64_t			cmax;
};

/* bind - a named parameter, if the statement has it */
static void bind(sqlite3_stmt *s, const char *name, int64_t v)
{
	int idx = sqlite3_bind_parameter_index(s, name);

	if (idx)
		sqlite3_bind_int64(s, idx, v);
}

/* dup_col - text column @c, strdup'ed, "" for NULL; NULL on ENOMEM */
static char *dup_col(sqlite3_stmt *s, int c)
{
	const char *v = (const char *)sqlite3_column_text(s, c);

	return strdup(v ? v : "");
}

/* lat_add - one histogram row (kind, path, names, bucket, n, sum, max) */
static int lat_add(struct lat *l, sqlite3_stmt *s)
{
	int64_t kind = sqlite3_column_int64(s, 0);
	int64_t path = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 :
		       sqlite3_column_int64(s, 1);
	int b = sqlite3_column_int(s, 4);
	int64_t n = sqlite3_column_int64(s, 5);
	struct lat_group *g = l->ng ? &l->g[l->ng - 1] : NULL;

	if (!g || g->kind_id != kind || g->path_id != path) {
		if (l->ng == REP_GROUPS_CAP) {
			l->dropped += n;
			return 0;
		}
		g = &l->g[l->ng++];
		g->kind_id = kind;
		g->path_id = path;
		g->kind = dup_col(s, 2);
		g->path = dup_col(s, 3);
		if (!g->kind || !g->path)
			return -1;
	}
	if (b < 0 || b >= NBUCKET)
		b = b < 0 ? 0 : NBUCKET - 1;
	g->hist[b] += n;
	g->n += n;
	g->sum += sqlite3_column_int64(s, 6);
	if (sqlite3_column_int64(s, 7) > g->max)
		g->max = sqlite3_column_int64(s, 7);
	return 0;
}

/* lat_hist - the log2 histogram of every group, from interval_rows */
static int lat_hist(struct rep *r, struct lat *l)
{
	static const char sql[] =
		"WITH b AS (SELECT kind, path, CASE WHEN dur_ns < 1 THEN 0 "
		"ELSE CAST(log2(dur_ns) AS INTEGER) END AS b, count(*) AS n, "
		"sum(dur_ns) AS s, max(dur_ns) AS mx FROM interval_rows "
		"WHERE id BETWEEN :lo AND :hi AND run_id = :run AND "
		"finished = 1 GROUP BY kind, path, b) "
		"SELECT b.kind, b.path, (SELECT s FROM strings WHERE id = "
		"b.kind) AS k, (SELECT s FROM strings WHERE id = b.path) AS p,"
		" b.b, b.n, b.s, b.mx FROM b "
		"ORDER BY k = 'zap' DESC, k, p, b.kind, b.path, b.b";
	sqlite3_stmt *s = rep_prepare(r, "latency histogram", sql);
	int rc;

	if (!s)
		return -1;
	while ((rc = query_step(r->st, s, "latency histogram")) == 1)
		if (lat_add(l, s) < 0) {
			log_warnx("out of memory");
			rc = -1;
			break;
		}
	sqlite3_finalize(s);
	return rc;
}

/* lat_rank - the @k-th smallest duration (1-based) of group @g */
static int lat_rank(struct rep *r, const struct lat_group *g, int64_t k,
		    int64_t *out)
{
	static const char sql[] =
		"SELECT dur_ns FROM interval_rows WHERE id BETWEEN :lo AND :hi"
		" AND run_id = :run AND finished = 1 AND dur_ns >= :blo AND "
		"dur_ns < :bhi AND kind = :kind AND path IS :path "
		"ORDER BY dur_ns LIMIT 1 OFFSET :off";
	sqlite3_stmt *s;
	int64_t before = 0;
	int b, rc;

	for (b = 0; b < NBUCKET - 1 && before + g->hist[b] < k; b++)
		before += g->hist[b];
	s = rep_prepare(r, "percentiles", sql);
	if (!s)
		return -1;
	bind(s, ":blo", b ? INT64_C(1) << b : INT64_MIN);
	bind(s, ":bhi", b < NBUCKET - 2 ? INT64_C(1) << (b + 1) : INT64_MAX);
	bind(s, ":kind", g->kind_id);
	if (g->path_id >= 0)
		bind(s, ":path", g->path_id);
	bind(s, ":off", k - before - 1);
	rc = query_step(r->st, s, "percentiles");
	*out = rc == 1 ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

/* lat_load - histograms, percentiles and the shared axes */
static int lat_load(struct rep *r, struct lat *l)
{
	int i, j, b;

	if (lat_hist(r, l) < 0)
		return -1;
	l->bmin = NBUCKET;
	l->bmax = -1;
	for (i = 0; i < l->ng; i++) {
		struct lat_group *g = &l->g[i];

		for (j = 0; j < NPCT; j++)
			if (lat_rank(r, g, (g->n * pcts[j].num +
				     pcts[j].den - 1) / pcts[j].den,
				     &g->pct[j]) < 0)
				return -1;
		for (b = 0; b < NBUCKET; b++) {
			if (!g->hist[b])
				continue;
			l->bmin = b < l->bmin ? b : l->bmin;
			l->bmax = b > l->bmax ? b : l->bmax;
			l->cmax = g->hist[b] > l->cmax ? g->hist[b] : l->cmax;
		}
	}
	return 0;
}

/* lat_free - the group names */
static void lat_free(struct lat *l)
{
	int i;

	for (i = 0; i < l->ng; i++) {
		free(l->g[i].kind);
		free(l->g[i].path);
	}
}

/* group_label - "zap small", or the pair's kind (and path) */
static void group_label(struct rep *r, const struct lat_group *g)
{
	rp_text(r, g->kind);
	if (*g->path) {
		rp(r, " ");
		rp_text(r, g->path);
	}
}

/* hist_axes - log-count y ticks (1, 10, 100, ...) and bucket x labels */
static void hist_axes(struct rep *r, const struct lat *l, int x0, int y0,
		      int pw, int ph)
{
	int nb = l->bmax - l->bmin + 1, b, step = (nb + 5) / 6;
	double top = 1 + log10((double)l->cmax);
	int64_t c;
	char buf[32];

	for (c = 1; c <= l->cmax; c *= 10) {
		int y = y0 - (int)((1 + log10((double)c)) / top * ph);

		rp(r, "<line class=\"gl\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
		   "y2=\"%d\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%"
		   PRId64 "</text>\n", x0, x0 + pw, y, y, x0 - 4, y + 4, c);
	}
	for (b = l->bmin; b <= l->bmax + 1; b += step) {
		int x = x0 + (b - l->bmin) * pw / nb;

		short_ns(buf, sizeof(buf), b ? ldexp(1, b) : 0);
		rp(r, "<line class=\"ax\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
		   "y2=\"%d\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\""
		   ">%s</text>\n", x, x, y0, y0 + 4, x, y0 + 16, buf);
	}
	rp(r, "<line class=\"ax\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
	   "\n", x0, x0 + pw, y0, y0);
}

/* hist_svg - one group's histogram: bars, p50/p99 marks */
static void hist_svg(struct rep *r, const struct lat *l,
		     const struct lat_group *g, int idx)
{
	const int w = 560, h = 190, x0 = 52, y0 = 160, pw = w - x0 - 12,
		  ph = 135, nb = l->bmax - l->bmin + 1;
	double top = 1 + log10((double)l->cmax);
	int b, j;

	rp(r, "<svg width=\"%d\" height=\"%d\" role=\"img\"><text x=\"%d\" "
	   "y=\"13\" font-weight=\"600\">", w, h, x0);
	group_label(r, g);
	rp(r, " (%" PRId64 ")</text>\n", g->n);
	hist_axes(r, l, x0, y0, pw, ph);
	for (b = l->bmin; b <= l->bmax; b++) {
		int bh, x = x0 + (b - l->bmin) * pw / nb,
			bw = (b - l->bmin + 1) * pw / nb - (b - l->bmin) * pw /
			nb - 1;

		if (!g->hist[b])
			continue;
		bh = (int)((1 + log10((double)g->hist[b])) / top * ph + 0.5);
		rp(r, "<rect class=\"p%d\" x=\"%d\" y=\"%d\" width=\"%d\" "
		   "height=\"%d\"><title>[%.0f, %.0f) ns: %" PRId64
		   "</title></rect>\n", idx % 8, x, y0 - bh, bw > 1 ? bw : 1,
		   bh, b ? ldexp(1, b) : 0, ldexp(1, b + 1), g->hist[b]);
	}
	for (j = 0; j < NPCT; j += 2) {
		double v = g->pct[j] > 1 ? log2((double)g->pct[j]) : 0;
		int x = x0 + (int)((v - l->bmin) * pw / nb);

		rp(r, "<line stroke=\"#222\" stroke-dasharray=\"3,2\" x1=\"%d\""
		   " x2=\"%d\" y1=\"%d\" y2=\"%d\"/><text x=\"%d\" y=\"%d\">"
		   "%s</text>\n", x, x, y0 - ph, y0, x + 2, y0 - ph + 8 + 10 * j,
		   pcts[j].name);
	}
	rp(r, "</svg>\n");
}

/* lat_pct_table - count, min bucket, percentiles, max and mean per group */
static void lat_pct_table(struct rep *r, const struct lat *l)
{
	int i, j;

	rp(r, "<table id=\"lat-pct\"><tr><th>kind</th><th>path</th>"
	   "<th>intervals</th>");
	for (j = 0; j < NPCT; j++)
		rp(r, "<th>%s</th>", pcts[j].name);
	rp(r, "<th>max</th><th>mean</th><th>total</th></tr>\n");
	for (i = 0; i < l->ng; i++) {
		const struct lat_group *g = &l->g[i];
		const int64_t v[] = { g->max, g->sum / g->n, g->sum };

		rp(r, "<tr><td data-v=\"");
		rp_text(r, g->kind);
		rp(r, "\">");
		rp_text(r, g->kind);
		rp(r, "</td><td data-v=\"");
		rp_text(r, g->path);
		rp(r, "\">");
		rp_text(r, g->path);
		rp(r, "</td><td class=\"n\" data-v=\"%" PRId64 "\">%" PRId64
		   "</td>", g->n, g->n);
		for (j = 0; j < NPCT + 3; j++) {
			int64_t x = j < NPCT ? g->pct[j] : v[j - NPCT];

			rp(r, "<td class=\"n\" data-v=\"%" PRId64 "\">", x);
			rp_dur(r, x);
			rp(r, "</td>");
		}
		rp(r, "</tr>\n");
	}
	rp(r, "</table>\n");
}

/* lat_hist_table - every non-empty bucket of every group */
static void lat_hist_table(struct rep *r, const struct lat *l)
{
	int i, b;

	rp(r, "<details><summary>Bucket counts</summary>\n<table id=\"lat-hist"
	   "\"><tr><th>kind</th><th>path</th><th>from ns</th><th>to ns</th>"
	   "<th>intervals</th></tr>\n");
	for (i = 0; i < l->ng; i++) {
		for (b = 0; b < NBUCKET; b++) {
			if (!l->g[i].hist[b])
				continue;
			rp(r, "<tr><td data-v=\"");
			rp_text(r, l->g[i].kind);
			rp(r, "\">");
			rp_text(r, l->g[i].kind);
			rp(r, "</td><td data-v=\"");
			rp_text(r, l->g[i].path);
			rp(r, "\">");
			rp_text(r, l->g[i].path);
			rp(r, "</td><td class=\"n\" data-v=\"%d\">%.0f</td>"
			   "<td class=\"n\" data-v=\"%d\">%.0f</td><td class="
			   "\"n\" data-v=\"%" PRId64 "\">%" PRId64 "</td></tr>"
			   "\n", b, b ? ldexp(1, b) : 0, b + 1,
			   ldexp(1, b + 1), l->g[i].hist[b], l->g[i].hist[b]);
		}
	}
	rp(r, "</table></details>\n");
}

/**
 * sec_latency() - log2 histogram (log-scale counts) and percentiles per
 * kind and path of the run's finished intervals
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_latency(struct rep *r)
{
	struct lat *l = calloc(1, sizeof(*l));
	int i, ret = -1;

	if (!l || lat_load(r, l) < 0)
		goto out;
	ret = 0;
	if (!l->ng) {
		rp_note(r, "lack", "No finished interval in this run.");
		goto out;
	}
	rp_note(r, "note", "Finished intervals per kind and path; bucket b "
		"holds [2<sup>b</sup>, 2<sup>b+1</sup>) ns, heights are "
		"log-scale counts. Percentiles are nearest rank, exact.");
	lat_pct_table(r, l);
	if (l->dropped)
		rp_note(r, "note", "%" PRId64 " intervals of further kinds "
			"and paths are not drawn (at most %d groups).",
			l->dropped, REP_GROUPS_CAP);
	rp(r, "<div class=\"grid\">\n");
	for (i = 0; i < l->ng; i++)
		hist_svg(r, l, &l->g[i], i);
	rp(r, "</div>\n");
	lat_hist_table(r, l);
out:
	if (l)
		lat_free(l);
	free(l);
	return ret;
}
