/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report-int.h - private header of zapd report (report*.c only).
 *
 * Owns: the state of one report being written and the helpers its
 * sections share: bound parameters, HTML cells, duration formatting and
 * the table renderer.
 *
 * Invariants:
 *  - every section reads through prepared statements that use only the
 *    named parameters rep_bind() knows (:run, :lo, :hi, :cap, :t0, :t1);
 *  - a number shown in the page is also in a data-v attribute of its
 *    element, exact (ns for durations), so tests and scripts read the
 *    page without parsing rounded text;
 *  - what is capped says so in the page (rep_capped()).
 */
#ifndef ZAPD_REPORT_INT_H
#define ZAPD_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "query.h"

/* caps: at most this many drawn or listed items per section */
#define REP_RUNS_CAP		50	/* rows of the runs table */
#define REP_TABLE_CAP		50	/* hung, tainted, lock, slowest lists */
#define REP_STAGE_CAP		40	/* stacked bars / intervals in stages */
#define REP_TL_IV_CAP		300	/* timeline: slowest intervals */
#define REP_TL_RANGE_CAP	300	/* timeline: longest lock ranges */
#define REP_TL_MARK_CAP		200	/* timeline: loss markers */
#define REP_TL_CPU_CAP		64	/* timeline: CPU rows */
#define REP_GROUPS_CAP		24	/* latency: kind/path groups */
#define REP_CONTEXT_N		100	/* context: slowest looked inside */

#define REP_NBUCKET	64		/* log2 buckets */
#define REP_FINE	(256 + 56 * 128)	/* exact < 256 ns, then 128
						 * per power of two */

/* struct lat_group - the finished intervals of one (kind, path) */
struct lat_group {
	int64_t		kind_id, path_id;	/* strings.id; path -1: NULL */
	char		*kind, *path;		/* their names ("" for NULL) */
	int64_t		n, sum, max;
	int64_t		hist[REP_NBUCKET];	/* [2^b, 2^(b+1)); 0: [0, 2) */
	int64_t		fine[REP_FINE];
};

/* struct rep_scan - what the one pass over the run's rows counted */
struct rep_scan {
	int64_t			n, finished, hung, tainted, migrated, staged;
	struct lat_group	g[REP_GROUPS_CAP];
	int			ng;
	int64_t			dropped;	/* finished, in capped groups */
	struct lat_group	*last;		/* lookup cache */
};

/* struct rep - one report being written */
struct rep {
	struct store		*st;
	FILE			*f;
	const char		*db;
	struct query_run	run;
	struct rep_scan		*scan;	/* rep_scan() */
	int			by_dur;	/* top-N: walk intervals_dur (the
					 * run holds most rows) */
	int64_t			cap;	/* :cap of the next statement */
};

/*
 * The run's interval rows, for a top-N by duration: the rowid range (and
 * a sort of the run's rows), or, when the run holds most of the table,
 * the intervals_dur index walked from the top ("+id" keeps the planner
 * off the rowid range). TOPN(sql_with_IDS) gives both; r->by_dur picks.
 */
#define IDS_RANGE	"id BETWEEN :lo AND :hi AND run_id = :run"
#define IDS_INDEX	"+id BETWEEN :lo AND :hi AND run_id = :run"

/* enum col_kind - how rep_table() shows a column */
enum col_kind {
	C_INT,		/* integer */
	C_DUR,		/* ns, shown as a duration */
	C_REL,		/* an absolute ns time, shown from the run's start */
	C_TEXT,		/* text, escaped */
	C_HEX,		/* integer, shown 0x... */
};

/* struct col - one column of rep_table(): its header and kind */
struct col {
	const char	*head;
	enum col_kind	kind;
};

/* report.c */
void rp(struct rep *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rp_text(struct rep *r, const char *s);
void rp_dur(struct rep *r, int64_t ns);
void rp_td_text(struct rep *r, const char *s);
void short_ns(char *buf, size_t len, double ns);
void rp_kv(struct rep *r, const char *key, const char *label, int64_t v,
	   enum col_kind kind);
void rp_note(struct rep *r, const char *cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rp_capped(struct rep *r, int64_t shown, int64_t total,
	       const char *what);
sqlite3_stmt *rep_prepare(struct rep *r, const char *what, const char *sql);
int rep_one(struct rep *r, const char *what, const char *sql, int64_t *v);
int rep_table(struct rep *r, const char *id, const char *what,
	      const char *sql, const struct col *cols, int ncol,
	      int64_t *nrows);

/* report-tab.c: tabular sections */
int sec_runs(struct rep *r);
int sec_slowest(struct rep *r);
int sec_hung(struct rep *r);
int sec_lock(struct rep *r);
int sec_why(struct rep *r);
int sec_callers(struct rep *r);
int sec_context(struct rep *r);

/* report-scan.c: the one pass over the run's rows */
int rep_scan(struct rep *r);
void rep_scan_free(struct rep *r);
int rep_scan_rank(struct rep *r, const struct lat_group *g, int64_t k,
		  int64_t *out);

/* report-svg.c: latency */
int sec_latency(struct rep *r);

/* report-tl.c: stages and the timeline */
int sec_stages(struct rep *r);
int sec_timeline(struct rep *r);

#endif /* ZAPD_REPORT_INT_H */
