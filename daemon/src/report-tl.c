// SPDX-License-Identifier: GPL-2.0
/*
 * report-tl.c - the stage bars and the per-CPU timeline of zapd report.
 *
 * Owns: the stage breakdown of the slowest zap intervals (one stacked bar
 * each: start..cleared, cleared..rmap, rmap..tlb, last stage..done, as
 * queries/stages.sql splits them) and the timeline (one row per CPU: the
 * slowest intervals, every unfinished one up to a cap, the longest PTE
 * lock ranges as wait + hold, and the loss markers).
 *
 * Invariants: at most REP_STAGE_CAP bars and REP_TL_* timeline items are
 * drawn, whatever the run's size, and the page says how many of how many
 * are shown; an item narrower than a pixel is drawn one pixel wide.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report-int.h"

/* the slowest finished zap intervals that have stages, as ids */
#define SLOW_STAGED(IDS)						\
	"SELECT id, dur_ns, start_ns + dur_ns AS done_ns FROM "		\
	"interval_rows WHERE " IDS " AND dur_ns IS NOT NULL AND "	\
	"f >> 12 & 15 > 0 AND kind = (SELECT id FROM strings WHERE "	\
	"s = 'zap') ORDER BY dur_ns DESC, id DESC LIMIT :cap"

/* stage_table - queries/stages.sql for the bars' intervals */
static int stage_table(struct rep *r)
{
	static const struct col cols[] = {
		{ "step", C_TEXT }, { "intervals", C_INT },
		{ "total", C_DUR }, { "mean", C_DUR }, { "max", C_DUR },
		{ "% of time", C_TEXT },
	};
#define STAGE_SPLIT(IDS)						\
		"WITH slow AS (" SLOW_STAGED(IDS) "), parts AS (" \
		"SELECT s.stage AS step, s.since_prev_ns AS ns FROM stages " \
		"AS s JOIN slow ON s.interval_id = slow.id UNION ALL " \
		"SELECT 'done', slow.done_ns - max(s.ts_ns) FROM slow JOIN " \
		"stages AS s ON s.interval_id = slow.id GROUP BY slow.id) " \
		"SELECT step, count(*), sum(ns), CAST(avg(ns) AS INTEGER), " \
		"max(ns), printf('%.1f', 100.0 * sum(ns) / " \
		"(SELECT sum(ns) FROM parts)) FROM parts GROUP BY step " \
		"ORDER BY 3 DESC, 1"
	static const char *const sql[2] = { STAGE_SPLIT(IDS_RANGE),
					     STAGE_SPLIT(IDS_INDEX) };

	return rep_table(r, "stages-table", "stages", sql[r->by_dur], cols,
			 sizeof(cols) / sizeof(cols[0]), NULL);
}

#define SEG_MAX		16	/* stages per interval (nstages: 4 bits) */
#define BAR_X		260	/* the bars: absolute, then 100% */
#define BAR_W		640
#define PCT_X		(BAR_X + BAR_W + 20)
#define PCT_W		200

/* struct seg - one step of an interval's split */
struct seg {
	char		name[16];
	int64_t		ns;
};

/* seg_draw - the segments from @x at @px_ns pixels per ns */
static void seg_draw(struct rep *r, const struct seg *g, int n, double x,
		     int y, double px_ns)
{
	int i;

	for (i = 0; i < n; i++) {
		double w = g[i].ns * px_ns;

		rp(r, "<rect class=\"s-");
		rp_text(r, g[i].name);
		rp(r, "\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\">"
		   "<title>", x, y, w > 0.5 ? w : 0.5);
		rp_text(r, g[i].name);
		rp(r, ": ");
		rp_dur(r, g[i].ns);
		rp(r, "</title></rect>");
		x += w;
	}
}

/* stage_segs - interval @id's split: a bar to scale, and one to 100% */
static int stage_segs(struct rep *r, int64_t id, int64_t dur, int64_t done,
		      int y, double px_ns)
{
	static const char sql[] = "SELECT stage, since_prev_ns, ts_ns FROM "
		"stages WHERE interval_id = :iv ORDER BY seq";
	sqlite3_stmt *s = rep_prepare(r, "stages", sql);
	struct seg g[SEG_MAX + 1];
	int64_t last = 0;
	int rc, n = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":iv"), id);
	while ((rc = query_step(r->st, s, "stages")) == 1 && n < SEG_MAX) {
		const char *st = (const char *)sqlite3_column_text(s, 0);

		snprintf(g[n].name, sizeof(g[n].name), "%s", st ? st : "?");
		g[n++].ns = sqlite3_column_int64(s, 1);
		last = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rc < 0)
		return -1;
	if (last) {
		snprintf(g[n].name, sizeof(g[n].name), "done");
		g[n++].ns = done - last;
	}
	seg_draw(r, g, n, BAR_X, y, px_ns);
	seg_draw(r, g, n, PCT_X, y, (double)PCT_W / (dur > 0 ? dur : 1));
	rp(r, "\n");
	return 0;
}

/* stage_bar - the label and the stacked bar of the current row of @s */
static int stage_bar(struct rep *r, sqlite3_stmt *s, int y, double px_ns)
{
	const char *comm = (const char *)sqlite3_column_text(s, 5);

	rp(r, "<text x=\"0\" y=\"%d\" data-v=\"%" PRId64 "\">", y + 10,
	   (int64_t)sqlite3_column_int64(s, 1));
	rp_dur(r, sqlite3_column_int64(s, 1));
	rp(r, " cpu %d pid %d ", sqlite3_column_int(s, 3),
	   sqlite3_column_int(s, 4));
	rp_text(r, comm ? comm : "?");
	rp(r, "</text>");
	return stage_segs(r, sqlite3_column_int64(s, 0),
			  sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
			  y, px_ns);
}

/* stage_bars - one stacked bar per slow interval, the slowest on top */
static int stage_bars(struct rep *r, int64_t nbars)
{
#define BARS(IDS)							\
		"WITH slow AS (" SLOW_STAGED(IDS) ") SELECT slow.id, " \
		"slow.dur_ns, slow.done_ns, t.cpu, t.pid, (SELECT s FROM " \
		"strings WHERE id = t.comm) FROM slow JOIN interval_rows AS t "\
		"ON t.id = slow.id ORDER BY slow.dur_ns DESC, slow.id DESC"
	static const char *const sql[2] = { BARS(IDS_RANGE), BARS(IDS_INDEX) };
	sqlite3_stmt *s = rep_prepare(r, "stages", sql[r->by_dur]);
	double px_ns = 0;
	int rc, y = 18;

	if (!s)
		return -1;
	rp(r, "<svg width=\"1140\" height=\"%" PRId64 "\" role=\"img\" "
	   "id=\"stages-svg\"><text x=\"%d\" y=\"11\">to scale: start "
	   "&#8594; cleared &#8594; rmap &#8594; tlb &#8594; done</text>"
	   "<text x=\"%d\" y=\"11\">share of each interval</text>\n",
	   nbars * 16 + 24, BAR_X, PCT_X);
	while ((rc = query_step(r->st, s, "stages")) == 1) {
		if (px_ns == 0)		/* the slowest fills the bar */
			px_ns = (double)BAR_W /
				(sqlite3_column_int64(s, 1) + 1);
		if (stage_bar(r, s, y, px_ns) < 0) {
			rc = -1;
			break;
		}
		y += 16;
	}
	rp(r, "</svg>\n");
	sqlite3_finalize(s);
	return rc;
}

/**
 * sec_stages() - where the slowest zap intervals spent their time
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_stages(struct rep *r)
{
	int64_t n = r->scan->staged < REP_STAGE_CAP ? r->scan->staged :
		    REP_STAGE_CAP;

	r->cap = REP_STAGE_CAP;
	if (!n) {
		rp_note(r, "lack", "No zap interval with stages in this run: "
			"record zap_present_folio_stage too (<code>trace-cmd "
			"record -e zap</code>, <code>zapd live --stages"
			"</code>).");
		return 0;
	}
	rp_note(r, "note", "The %" PRId64 " slowest finished zap intervals "
		"with stages, split as <code>zapd query stages</code> splits "
		"them.", n);
	rp(r, "<p class=\"key\"><span class=\"s-cleared\" style=\"background:"
	   "#3b6fd4\"></span>cleared<span style=\"background:#c7792b\">"
	   "</span>rmap<span style=\"background:#2a9d6e\"></span>tlb<span "
	   "style=\"background:#9aa3b5\"></span>done</p>\n");
	if (stage_table(r) < 0)
		return -1;
	return stage_bars(r, n);
}

/* enum tl_type - what a timeline item is */
enum tl_type { TL_DONE, TL_HUNG, TL_TAINT, TL_RANGE, TL_LOST };

/* struct tl_item - one drawn item: interval, lock range or loss marker */
struct tl_item {
	int64_t		start, a, b;	/* interval: dur; range: wait, hold;
					 * marker: count (-1 unknown) */
	int		cpu, pid;
	enum tl_type	type;
	char		*comm, *what;	/* path or kind */
};

/* struct tl - the items and the CPU rows */
struct tl {
	struct tl_item	*it;
	int		n, cap;
	int		cpu[REP_TL_CPU_CAP];
	int		ncpu;
	int64_t		cut;		/* items on CPUs past the cap */
	int64_t		drawn[5], total[5];	/* per tl_type */
	int64_t		threshold;	/* shortest finished drawn */
	int64_t		t0, t1;		/* the time drawn: the items' */
};

/* tl_add - the current row of @s: start, a, b, cpu, pid, comm, what */
static int tl_add(struct tl *t, sqlite3_stmt *s, enum tl_type type)
{
	struct tl_item *it;
	const char *c = (const char *)sqlite3_column_text(s, 5);
	const char *w = (const char *)sqlite3_column_text(s, 6);

	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 256;
		struct tl_item *n = realloc(t->it, cap * sizeof(*n));

		if (!n)
			return -1;
		t->it = n;
		t->cap = cap;
	}
	it = &t->it[t->n];
	it->start = sqlite3_column_int64(s, 0);
	it->a = sqlite3_column_int64(s, 1);
	it->b = sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 :
		sqlite3_column_int64(s, 2);
	it->cpu = sqlite3_column_int(s, 3);
	it->pid = sqlite3_column_int(s, 4);
	it->type = type;
	it->comm = c ? strdup(c) : NULL;
	it->what = w ? strdup(w) : NULL;
	if ((c && !it->comm) || (w && !it->what))
		return -1;
	t->n++;
	t->drawn[type]++;
	if (type == TL_DONE)
		t->threshold = it->a;
	return 0;
}

/* tl_read - the items of one statement; type from column 7 if @type < 0 */
static int tl_read(struct rep *r, struct tl *t, const char *sql, int type)
{
	sqlite3_stmt *s = rep_prepare(r, "the timeline", sql);
	int rc;

	if (!s)
		return -1;
	while ((rc = query_step(r->st, s, "the timeline")) == 1)
		if (tl_add(t, s, type >= 0 ? type :
			   sqlite3_column_int(s, 7)) < 0) {
			log_warnx("out of memory");
			rc = -1;
			break;
		}
	sqlite3_finalize(s);
	return rc;
}

/* tl_load - the slowest, the unfinished, the ranges, the markers */
static int tl_load(struct rep *r, struct tl *t)
{
#define TL_IVS(IDS)							\
		"WITH s AS (SELECT id FROM interval_rows WHERE " IDS " AND " \
		"dur_ns IS NOT NULL ORDER BY dur_ns DESC, id DESC LIMIT :cap) "\
		"SELECT t.start_ns, t.dur_ns, NULL, t.cpu, t.pid, (SELECT s " \
		"FROM strings WHERE id = t.comm), (SELECT s FROM strings WHERE " \
		"id = coalesce(t.path, t.kind)) FROM s JOIN interval_rows AS t " \
		"ON t.id = s.id ORDER BY t.dur_ns DESC, t.id DESC"
	static const char *const ivs[2] = { TL_IVS(IDS_RANGE),
					     TL_IVS(IDS_INDEX) };
	static const char open[] =
		"SELECT t.start_ns, coalesce(t.end_ns, :t1) - t.start_ns, NULL,"
		" t.cpu, t.pid, (SELECT s FROM strings WHERE id = t.comm), "
		"(SELECT s FROM strings WHERE id = coalesce(t.path, t.kind)), "
		"1 + (t.f & 1) FROM interval_rows AS t WHERE t.finished = 0 "
		"AND t.id BETWEEN :lo AND :hi AND t.run_id = :run "
		"ORDER BY t.start_ns, t.id LIMIT :cap";
	static const char ranges[] =
		"SELECT lock_ns, wait_ns, hold_ns, cpu, pid, comm, NULL FROM "
		"ranges WHERE run_id = :run AND wait_ns IS NOT NULL ORDER BY "
		"wait_ns + coalesce(hold_ns, 0) DESC, id DESC LIMIT :cap";
	static const char lost[] =
		"SELECT ts_ns, coalesce(count, -1), NULL, cpu, 0, NULL, NULL "
		"FROM lost WHERE run_id = :run AND source = 'marker' AND "
		"ts_ns IS NOT NULL ORDER BY ts_ns LIMIT :cap";

	r->cap = REP_TL_IV_CAP;
	if (tl_read(r, t, ivs[r->by_dur], TL_DONE) < 0)
		return -1;
	r->cap = REP_TABLE_CAP;
	if (tl_read(r, t, open, -1) < 0)
		return -1;
	r->cap = REP_TL_RANGE_CAP;
	if (tl_read(r, t, ranges, TL_RANGE) < 0)
		return -1;
	r->cap = REP_TL_MARK_CAP;
	return tl_read(r, t, lost, TL_LOST);
}

/* tl_totals - how many of each kind of item the run has */
static int tl_totals(struct rep *r, struct tl *t)
{
	t->total[TL_DONE] = r->scan->finished;
	t->total[TL_HUNG] = r->scan->hung;
	t->total[TL_TAINT] = r->scan->tainted;
	if (rep_one(r, "the timeline", "SELECT count(*) FROM ranges WHERE "
		    "run_id = :run AND wait_ns IS NOT NULL",
		    &t->total[TL_RANGE]) < 0)
		return -1;
	return rep_one(r, "the timeline", "SELECT count(*) FROM lost WHERE "
		       "run_id = :run AND source = 'marker' AND ts_ns IS NOT "
		       "NULL", &t->total[TL_LOST]);
}

/* cmp_int - qsort order of ints */
static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* tl_cpus - the CPU rows: the CPUs of the items, at most the cap */
static void tl_cpus(struct tl *t)
{
	int i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->ncpu && t->cpu[j] != t->it[i].cpu; j++)
			;
		if (j < t->ncpu)
			continue;
		if (t->ncpu < REP_TL_CPU_CAP)
			t->cpu[t->ncpu++] = t->it[i].cpu;
		else
			t->cut++;
	}
	qsort(t->cpu, t->ncpu, sizeof(int), cmp_int);
}

/* tl_row - the row index of @cpu, -1 if not drawn */
static int tl_row(const struct tl *t, int cpu)
{
	int i;

	for (i = 0; i < t->ncpu; i++)
		if (t->cpu[i] == cpu)
			return i;
	return -1;
}

/* path_class - the colour class of an interval's path or kind */
static int path_class(const char *what)
{
	static const char *const names[] = { "small", "batch", "nopage",
					     "skip" };
	size_t i;

	for (i = 0; what && i < 4; i++)
		if (!strcmp(what, names[i]))
			return (int)i;
	return 4;
}

/* geometry of the timeline */
#define TL_W	1140
#define TL_X0	64
#define TL_PW	(TL_W - TL_X0 - 12)
#define TL_ROW	34
#define TL_TOP	8

/* tl_x - the x of absolute time @ts */
static double tl_x(const struct tl *t, int64_t ts)
{
	int64_t span = t->t1 - t->t0;

	return TL_X0 + (double)(ts - t->t0) * TL_PW / (span > 0 ? span : 1);
}

/* tl_end - when an item ends */
static int64_t tl_end(const struct tl_item *it)
{
	if (it->type == TL_LOST)
		return it->start;
	return it->start + it->a + (it->type == TL_RANGE && it->b > 0 ?
				    it->b : 0);
}

/* tl_span - the time drawn: the items' extent, 2% margins, in the run */
static void tl_span(const struct rep *r, struct tl *t)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, pad;
	int i;

	for (i = 0; i < t->n; i++) {
		if (tl_row(t, t->it[i].cpu) < 0)
			continue;
		lo = t->it[i].start < lo ? t->it[i].start : lo;
		hi = tl_end(&t->it[i]) > hi ? tl_end(&t->it[i]) : hi;
	}
	if (hi < lo) {		/* nothing drawn: no INT64_MIN - INT64_MAX */
		lo = r->run.first_ts;
		hi = r->run.last_ts;
	}
	pad = (hi - lo) / 50 + 1;
	t->t0 = lo - pad > r->run.first_ts ? lo - pad : r->run.first_ts;
	t->t1 = hi + pad < r->run.last_ts ? hi + pad : r->run.last_ts;
	if (t->t1 <= t->t0)
		t->t1 = t->t0 + 1;
}

/* tl_axis - CPU labels, row lines, time ticks from the run's start */
static void tl_axis(struct rep *r, const struct tl *t)
{
	int64_t span = t->t1 - t->t0, step = 1, tick,
		rel0 = t->t0 - r->run.first_ts;
	int i, y = TL_TOP + t->ncpu * TL_ROW;
	char buf[32];

	for (i = 0; i < t->ncpu; i++)
		rp(r, "<line class=\"gl\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d"
		   "\"/><text x=\"4\" y=\"%d\">CPU %d</text>\n", TL_X0,
		   TL_X0 + TL_PW, TL_TOP + i * TL_ROW, TL_TOP + i * TL_ROW,
		   TL_TOP + i * TL_ROW + 20, t->cpu[i]);
	while (step * 10 <= span)	/* 1, 2, 5 x 10^k: 4..10 ticks */
		step *= 10;
	if (span / step < 2)
		step /= 5;
	else if (span / step < 4)
		step /= 2;
	if (step < 1)
		step = 1;
	for (tick = (rel0 + step - 1) / step * step; tick <= rel0 + span;
	     tick += step) {
		double x = tl_x(t, r->run.first_ts + tick);

		short_ns(buf, sizeof(buf), (double)tick);
		rp(r, "<line class=\"ax\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
		   "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle"
		   "\">+%s</text>\n", x, x, y, y + 4, x, y + 16, buf);
	}
	rp(r, "<line class=\"ax\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
	   "\n", TL_X0, TL_X0 + TL_PW, y, y);
}

/* tl_title - the tooltip of an item */
static void tl_title(struct rep *r, const struct tl_item *it)
{
	static const char *const what[] = { "", "hung ", "tainted ",
					    "PTE lock ", "lost events" };

	rp(r, "<title>cpu %d %s", it->cpu, what[it->type]);
	if (it->type == TL_LOST) {
		if (it->a >= 0)
			rp(r, ": %" PRId64, it->a);
		rp(r, " at +");
		rp_dur(r, it->start - r->run.first_ts);
		rp(r, "</title>");
		return;
	}
	rp(r, "pid %d ", it->pid);
	rp_text(r, it->comm ? it->comm : "?");
	rp(r, " ");
	rp_text(r, it->what);
	rp(r, it->type == TL_RANGE ? " wait " : " ");
	rp_dur(r, it->a);
	if (it->type == TL_RANGE && it->b >= 0) {
		rp(r, " hold ");
		rp_dur(r, it->b);
	}
	rp(r, " at +");
	rp_dur(r, it->start - r->run.first_ts);
	rp(r, "</title>");
}

/* tl_rect - one rectangle, at least a pixel wide */
static void tl_rect(struct rep *r, const struct tl *t, const char *cls,
		    int64_t from, int64_t dur, int y, int h,
		    const struct tl_item *it)
{
	double x = tl_x(t, from), w = tl_x(t, from + dur) - x;

	rp(r, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
	   "height=\"%d\">", cls, x, y, w < 1 ? 1 : w, h);
	tl_title(r, it);
	rp(r, "</rect>\n");
}

/* tl_draw - one item in its CPU's row */
static void tl_draw(struct rep *r, const struct tl *t, const struct tl_item *it)
{
	int row = tl_row(t, it->cpu), y = TL_TOP + row * TL_ROW;
	char cls[8];

	if (row < 0)
		return;
	switch (it->type) {
	case TL_DONE:
		snprintf(cls, sizeof(cls), "p%d", path_class(it->what));
		tl_rect(r, t, cls, it->start, it->a, y + 3, 14, it);
		break;
	case TL_HUNG:
	case TL_TAINT:
		tl_rect(r, t, it->type == TL_HUNG ? "hung" : "taint", it->start,
			it->a, y + 3, 14, it);
		break;
	case TL_RANGE:
		tl_rect(r, t, "lw", it->start, it->a, y + 20, 10, it);
		if (it->b > 0)
			tl_rect(r, t, "lh", it->start + it->a, it->b, y + 20,
				10, it);
		break;
	case TL_LOST:
		rp(r, "<line class=\"lost\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
		   "y2=\"%d\">", tl_x(t, it->start), tl_x(t, it->start), y,
		   y + TL_ROW - 2);
		tl_title(r, it);
		rp(r, "</line>\n");
		break;
	}
}

/* tl_caption - what is drawn, of how many */
static void tl_caption(struct rep *r, const struct tl *t)
{
	rp(r, "<p class=\"note\" id=\"tl-caption\" data-intervals=\"%" PRId64
	   "\" data-ranges=\"%" PRId64 "\">Drawn: the %" PRId64 " slowest of %"
	   PRId64 " finished intervals (", t->drawn[TL_DONE],
	   t->drawn[TL_RANGE], t->drawn[TL_DONE], t->total[TL_DONE]);
	rp_dur(r, t->threshold);
	rp(r, " and longer), %" PRId64 " of %" PRId64 " hung, %" PRId64 " of %"
	   PRId64 " tainted, the %" PRId64 " longest of %" PRId64 " PTE lock "
	   "ranges (wait red, hold orange; by wait + hold), %" PRId64 " of %"
	   PRId64 " loss markers (red lines). Items narrower than a pixel are "
	   "drawn one pixel wide.", t->drawn[TL_HUNG], t->total[TL_HUNG],
	   t->drawn[TL_TAINT], t->total[TL_TAINT], t->drawn[TL_RANGE],
	   t->total[TL_RANGE], t->drawn[TL_LOST], t->total[TL_LOST]);
	if (t->cut)
		rp(r, " %" PRId64 " items on CPUs past the first %d are not "
		   "drawn.", t->cut, REP_TL_CPU_CAP);
	rp(r, " Shown: +");
	rp_dur(r, t->t0 - r->run.first_ts);
	rp(r, " to +");
	rp_dur(r, t->t1 - r->run.first_ts);
	rp(r, " of the run.");
	rp(r, " Hover an item for its details.</p>\n");
}

/* tl_free - the items */
static void tl_free(struct tl *t)
{
	int i;

	for (i = 0; i < t->n; i++) {
		free(t->it[i].comm);
		free(t->it[i].what);
	}
	free(t->it);
}

/**
 * sec_timeline() - per-CPU timeline of the slow intervals and lock ranges
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_timeline(struct rep *r)
{
	struct tl t = { 0 };
	int i, ret = -1;

	if (tl_load(r, &t) < 0 || tl_totals(r, &t) < 0)
		goto out;
	ret = 0;
	tl_cpus(&t);
	tl_span(r, &t);
	if (!t.ncpu) {
		rp_note(r, "lack", "Nothing to draw: no interval, lock range "
			"or loss in this run.");
		goto out;
	}
	tl_caption(r, &t);
	rp(r, "<p class=\"key\"><span style=\"background:#3b6fd4\"></span>"
	   "small<span style=\"background:#2a9d6e\"></span>batch<span style="
	   "\"background:#c7792b\"></span>nopage<span style=\"background:"
	   "#8a59c9\"></span>skip<span style=\"background:#c9475b\"></span>"
	   "other kind<span style=\"background:#b0172b\"></span>hung<span "
	   "style=\"background:#e07b00\"></span>tainted</p>\n");
	rp(r, "<svg id=\"timeline-svg\" width=\"%d\" height=\"%d\" role=\"img"
	   "\">\n", TL_W, TL_TOP + t.ncpu * TL_ROW + 24);
	tl_axis(r, &t);
	for (i = t.n - 1; i >= 0; i--)	/* the slowest drawn last: on top */
		tl_draw(r, &t, &t.it[i]);
	rp(r, "</svg>\n");
out:
	tl_free(&t);
	return ret;
}
