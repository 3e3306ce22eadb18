// SPDX-License-Identifier: GPL-2.0
/*
 * report-svg.c - the latency section of zapd report: log2 histograms
 * (inline SVG) and exact percentiles per kind and path.
 *
 * Owns: which percentiles are shown and how the histograms are drawn
 * (classes styled by report.c's CSS).
 *
 * Latency. Finished intervals of the run, grouped by (kind, path), are
 * counted per log2 bucket by report-scan.c: bucket b holds [2^b, 2^(b+1))
 * ns, bucket 0 [0, 2) ns, as queries/histogram.sql. Percentiles are
 * nearest rank, exact: p = the k-th smallest duration, k = ceil(n * q)
 * (rep_scan_rank()). With a histogram table (schema 004) both change in
 * report-scan.c, not here (docs/report.md).
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

#define NBUCKET		REP_NBUCKET
#define NPCT		4

/* the percentiles: q = num / den */
static const struct pct {
	const char	*name;
	int64_t		num, den;
} pcts[NPCT] = {
	{ "p50", 50, 100 }, { "p90", 90, 100 }, { "p99", 99, 100 },
	{ "p99.9", 999, 1000 },
};

/* struct lat - the scan's groups, their percentiles, the shared axes */
struct lat {
	const struct rep_scan	*sc;
	int64_t			pct[REP_GROUPS_CAP][NPCT];
	int			bmin, bmax;
	int64_t			cmax;
};

/* lat_load - percentiles (exact, nearest rank) and the shared axes */
static int lat_load(struct rep *r, struct lat *l)
{
	const struct rep_scan *sc = r->scan;
	int i, j, b;

	l->sc = sc;
	l->bmin = NBUCKET;
	l->bmax = -1;
	for (i = 0; i < sc->ng; i++) {
		const struct lat_group *g = &sc->g[i];

		for (j = 0; j < NPCT; j++)
			if (rep_scan_rank(r, g, (g->n * pcts[j].num +
					  pcts[j].den - 1) / pcts[j].den,
					  &l->pct[i][j]) < 0)
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
		   "y2=\"%d\"/><text x=\"%d\" y=\"%d\" text-anchor=\"%s\">"
		   "%s</text>\n", x, x, y0, y0 + 4, x, y0 + 16,
		   x > x0 + pw - 24 ? "end" : "middle", buf);
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
		int64_t p = l->pct[idx][j];
		double v = p > 1 ? log2((double)p) : 0;
		int x = x0 + (int)((v - l->bmin) * pw / nb);

		rp(r, "<line stroke=\"#222\" stroke-dasharray=\"3,2\" x1=\"%d\""
		   " x2=\"%d\" y1=\"%d\" y2=\"%d\"/><text x=\"%d\" y=\"%d\">"
		   "%s</text>\n", x, x, y0 - ph, y0, x + 2,
		   y0 - ph + 8 + 10 * j, pcts[j].name);
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
	for (i = 0; i < l->sc->ng; i++) {
		const struct lat_group *g = &l->sc->g[i];
		const int64_t v[] = { g->max, g->sum / g->n, g->sum };

		rp(r, "<tr>");
		rp_td_text(r, g->kind);
		rp_td_text(r, g->path);
		rp(r, "<td class=\"n\" data-v=\"%" PRId64 "\">%" PRId64
		   "</td>", g->n, g->n);
		for (j = 0; j < NPCT + 3; j++) {
			int64_t x = j < NPCT ? l->pct[i][j] : v[j - NPCT];

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
	for (i = 0; i < l->sc->ng; i++) {
		const struct lat_group *g = &l->sc->g[i];

		for (b = 0; b < NBUCKET; b++) {
			if (!g->hist[b])
				continue;
			rp(r, "<tr>");
			rp_td_text(r, g->kind);
			rp_td_text(r, g->path);
			rp(r, "<td class=\"n\" data-v=\"%d\">%.0f</td>"
			   "<td class=\"n\" data-v=\"%d\">%.0f</td><td class="
			   "\"n\" data-v=\"%" PRId64 "\">%" PRId64 "</td></tr>"
			   "\n", b, b ? ldexp(1, b) : 0, b + 1,
			   ldexp(1, b + 1), g->hist[b], g->hist[b]);
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
	if (!l->sc->ng) {
		rp_note(r, "lack", "No finished interval in this run.");
		goto out;
	}
	rp_note(r, "note", "Finished intervals per kind and path; bucket b "
		"holds [2<sup>b</sup>, 2<sup>b+1</sup>) ns, heights are "
		"log-scale counts. Percentiles are nearest rank, exact.");
	lat_pct_table(r, l);
	if (l->sc->dropped)
		rp_note(r, "note", "%" PRId64 " intervals of further kinds "
			"and paths are not drawn (at most %d groups).",
			l->sc->dropped, REP_GROUPS_CAP);
	rp(r, "<div class=\"grid\">\n");
	for (i = 0; i < l->sc->ng; i++)
		hist_svg(r, l, &l->sc->g[i], i);
	rp(r, "</div>\n");
	lat_hist_table(r, l);
out:
	free(l);
	return ret;
}
