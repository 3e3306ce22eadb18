// SPDX-License-Identifier: GPL-2.0
/*
 * report-tab.c - the tabular sections of zapd report.
 *
 * Owns: runs and losses, the slowest intervals, hung and tainted
 * intervals, the PTE lock, why-slow, callers and the events inside the
 * slowest intervals. One function per section; each reads the run's rows
 * (interval ids in [:lo, :hi], the run's rowid range, docs/schema.md)
 * with constant SQL and says what the database lacks and how to record
 * it.
 *
 * Invariants: a section that depends on a table or column another
 * schema version adds (why-slow, callers) asks the database first
 * (query_has_column()) and writes a "not in this database" note instead
 * of failing; lists are capped (report-int.h) and say so.
 */
#include <inttypes.h>

#include "report-int.h"

/*
 * Per-interval attribution (schema/005-why.sql): the view `why` decodes
 * interval_why (components, the dominant cause, the caller's name); the
 * column joining it to interval_rows.id, the cause and the caller. The
 * sections below read exactly these names when the database has them.
 */
#define WHY_TABLE	"why"
#define WHY_ID		"interval_id"
#define WHY_CAUSE	"cause"
#define WHY_CALLER	"caller"

/* struct kv - one key figure: column of a statement -> data-k, label */
struct kv {
	const char	*key;
	const char	*label;
	enum col_kind	kind;
};

/* rep_kvs - a <dl> of the columns of the one row of @sql */
static int rep_kvs(struct rep *r, const char *what, const char *sql,
		   const struct kv *kv, int n)
{
	sqlite3_stmt *s = rep_prepare(r, what, sql);
	int i, rc;

	if (!s)
		return -1;
	rc = query_step(r->st, s, what);
	if (rc == 1) {
		rp(r, "<dl class=\"kv\">\n");
		for (i = 0; i < n; i++)
			rp_kv(r, kv[i].key, kv[i].label,
			      sqlite3_column_int64(s, i), kv[i].kind);
		rp(r, "</dl>\n");
	}
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

/* run_figures - the run's counts: intervals, ranges, losses, events */
static int run_figures(struct rep *r)
{
	static const struct kv kv[] = {
		{ "ranges", "PTE lock ranges", C_INT },
		{ "orphans", "orphan events", C_INT },
		{ "loss_markers", "ring-buffer gaps", C_INT },
		{ "lost_known", "events lost (counted)", C_INT },
		{ "gaps_unknown", "gaps of unknown size", C_INT },
		{ "overrun", "kernel overrun (stats)", C_INT },
		{ "extra_events", "extra events (-e)", C_INT },
	};
	static const char sql[] =
		"SELECT (SELECT count(*) FROM ranges WHERE run_id = :run), "
		"(SELECT count(*) FROM orphans WHERE run_id = :run), "
		"(SELECT count(*) FROM lost WHERE run_id = :run AND "
		" source = 'marker'), "
		"(SELECT coalesce(sum(count), 0) FROM lost WHERE run_id = :run"
		" AND source = 'marker'), "
		"(SELECT count(*) FROM lost WHERE run_id = :run AND "
		" source = 'marker' AND count IS NULL), "
		"(SELECT coalesce(sum(count), 0) FROM lost WHERE "
		" run_id = :run AND source = 'stats'), "
		"(SELECT count(*) FROM event_rows WHERE run_id = :run)";
	const struct rep_scan *sc = r->scan;

	rp(r, "<dl class=\"kv\">\n");
	rp_kv(r, "intervals", "intervals", sc->n, C_INT);
	rp_kv(r, "finished", "finished", sc->finished, C_INT);
	rp_kv(r, "hung", "hung (never finished)", sc->hung, C_INT);
	rp_kv(r, "tainted", "tainted (closed by a loss)", sc->tainted, C_INT);
	rp_kv(r, "migrated", "migrated (done on another CPU)", sc->migrated,
	      C_INT);
	rp(r, "</dl>\n");
	return rep_kvs(r, "the run's counts", sql, kv,
		       sizeof(kv) / sizeof(kv[0]));
}

/* run_losses - lost events per CPU (queries/lost.sql for this run) */
static int run_losses(struct rep *r)
{
	static const struct col cols[] = {
		{ "buffer", C_TEXT }, { "cpu", C_INT }, { "gaps", C_INT },
		{ "events lost (counted)", C_INT },
		{ "gaps of unknown size", C_INT },
		{ "kernel overrun", C_INT }, { "first gap", C_REL },
	};
	static const char sql[] =
		"SELECT coalesce(buffer, ''), cpu, sum(source = 'marker'), "
		"sum(CASE WHEN source = 'marker' THEN count END), "
		"sum(source = 'marker' AND count IS NULL), "
		"sum(CASE WHEN source = 'stats' THEN count END), "
		"min(CASE WHEN source = 'marker' THEN ts_ns END) "
		"FROM lost WHERE run_id = :run GROUP BY buffer, cpu "
		"ORDER BY cpu, buffer";
	int64_t n;

	if (rep_one(r, "losses", "SELECT count(*) FROM lost WHERE "
		    "run_id = :run", &n) < 0)
		return -1;
	if (!n) {
		rp_note(r, "ok", "No events were lost: every interval was "
			"paired from a complete stream.");
		return 0;
	}
	rp(r, "<h3>Lost events per CPU</h3>\n");
	rp_note(r, "note", "An interval open on a CPU when events were lost "
		"there is closed <em>tainted</em>, never paired across the "
		"gap. Larger buffers (<code>trace-cmd record -b KB</code>, "
		"<code>zapd live --buffer-kb</code>) or narrower filters "
		"lose less.");
	return rep_table(r, "losses", "losses", sql, cols,
			 sizeof(cols) / sizeof(cols[0]), NULL);
}

/**
 * sec_runs() - the run's key figures, every run of the database, losses
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_runs(struct rep *r)
{
	static const struct col cols[] = {
		{ "run", C_INT }, { "source", C_TEXT }, { "file or label",
		C_TEXT }, { "kernel", C_TEXT }, { "clock", C_TEXT },
		{ "span", C_DUR }, { "events", C_INT }, { "zap events", C_INT },
		{ "intervals", C_INT }, { "unfinished", C_INT },
		{ "tainted", C_INT }, { "gaps", C_INT }, { "complete", C_INT },
		{ "state", C_TEXT },
	};
	/* queries/runs.sql's columns, without imported_at */
	static const char sql[] =
		"SELECT r.id, r.source, coalesce(r.label, r.path), r.kernel, "
		"r.clock, r.last_ts - r.first_ts, r.events, r.zap_events, "
		"(SELECT value FROM run_stats WHERE run_id = r.id AND "
		" name = 'intervals'), "
		"(SELECT value FROM run_stats WHERE run_id = r.id AND "
		" name = 'unfinished'), "
		"(SELECT value FROM run_stats WHERE run_id = r.id AND "
		" name = 'tainted'), "
		"(SELECT count(*) FROM lost WHERE run_id = r.id AND "
		" source = 'marker'), r.complete, r.state "
		"FROM runs AS r ORDER BY r.id LIMIT :cap";
	int64_t shown, total;

	rp(r, "<h3>Run %" PRId64 "</h3>\n", r->run.id);
	if (!r->run.complete)
		rp_note(r, "lack", "This run is incomplete: the trace was "
			"truncated or corrupt, or the live session was "
			"interrupted; only its readable part is here.");
	if (run_figures(r) < 0 || run_losses(r) < 0)
		return -1;
	r->cap = REP_RUNS_CAP;
	if (rep_one(r, "runs", "SELECT count(*) FROM runs", &total) < 0)
		return -1;
	rp(r, "<h3>Every run in this database</h3>\n");
	if (rep_table(r, "runs-table", "runs", sql, cols,
		      sizeof(cols) / sizeof(cols[0]), &shown) < 0)
		return -1;
	rp_capped(r, shown, total, "runs");
	rp_note(r, "note", "Counts per run are the engine's (run_stats). "
		"Another run: <code>zapd report --run N</code>.");
	return 0;
}

/**
 * sec_slowest() - the slowest finished intervals of the run, any kind
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_slowest(struct rep *r)
{
	static const struct col cols[] = {
		{ "duration", C_DUR }, { "start", C_REL }, { "cpu", C_INT },
		{ "done cpu", C_INT }, { "pid", C_INT }, { "comm", C_TEXT },
		{ "kind", C_TEXT }, { "path", C_TEXT }, { "addr", C_HEX },
		{ "nr", C_INT }, { "order", C_INT }, { "stages", C_INT },
		{ "last stage", C_TEXT },
	};
#define SLOWEST(IDS)							\
		"WITH s AS (SELECT id FROM interval_rows WHERE " IDS " AND " \
		"dur_ns IS NOT NULL ORDER BY dur_ns DESC, id DESC LIMIT :cap) "\
		"SELECT i.dur_ns, i.start_ns, i.cpu, i.done_cpu, i.pid, " \
		"i.comm, i.kind, i.path, i.addr, i.nr, i.\"order\", " \
		"i.nstages, i.last_stage FROM s JOIN intervals AS i " \
		"ON i.id = s.id ORDER BY i.dur_ns DESC, i.id DESC"
	static const char *const sql[2] = { SLOWEST(IDS_RANGE),
					     SLOWEST(IDS_INDEX) };
	int64_t shown, total = r->scan->finished;

	r->cap = 20;
	if (!total) {
		rp_note(r, "lack", "No finished interval in this run.");
		return 0;
	}
	if (rep_table(r, "slowest-table", "slowest intervals", sql[r->by_dur],
		      cols,
		      sizeof(cols) / sizeof(cols[0]), &shown) < 0)
		return -1;
	rp_capped(r, shown, total, "finished intervals");
	return 0;
}

/* hung_list - intervals that never finished and lost nothing */
static int hung_list(struct rep *r, int64_t n)
{
	static const struct col cols[] = {
		{ "open for", C_DUR }, { "start", C_REL }, { "cpu", C_INT },
		{ "pid", C_INT }, { "comm", C_TEXT }, { "kind", C_TEXT },
		{ "addr", C_HEX }, { "max_nr", C_INT }, { "last stage",
		C_TEXT }, { "end", C_TEXT },
	};
	static const char sql[] =
		"WITH u AS (SELECT id FROM interval_rows WHERE finished = 0 "
		"AND id BETWEEN :lo AND :hi AND run_id = :run AND f & 1 = 0) "
		"SELECT i.end_ns - i.start_ns AS open_ns, i.start_ns, i.cpu, "
		"i.pid, i.comm, i.kind, i.addr, i.max_nr, i.last_stage, "
		"i.end_reason FROM u JOIN intervals AS i ON i.id = u.id "
		"ORDER BY open_ns DESC, i.id LIMIT :cap";
	int64_t shown;

	if (!n) {
		rp_note(r, "ok", "No hung interval: every start that was "
			"not cut by a loss reached its done.");
		return 0;
	}
	rp_note(r, "note", "Open until the end of the trace (<em>eof</em>), "
		"replaced by a new start of the same task (<em>restart</em>) "
		"or still open in a live run (<em>open</em>).");
	if (rep_table(r, "hung-table", "hung intervals", sql, cols,
		      sizeof(cols) / sizeof(cols[0]), &shown) < 0)
		return -1;
	rp_capped(r, shown, n, "hung intervals");
	return 0;
}

/* tainted_list - intervals closed by a loss of events on their CPU */
static int tainted_list(struct rep *r, int64_t n)
{
	static const struct col cols[] = {
		{ "start", C_REL }, { "lost at", C_REL }, { "cpu", C_INT },
		{ "pid", C_INT }, { "comm", C_TEXT }, { "kind", C_TEXT },
		{ "addr", C_HEX }, { "last stage", C_TEXT },
	};
	static const char sql[] =
		"WITH u AS (SELECT id FROM interval_rows WHERE finished = 0 "
		"AND id BETWEEN :lo AND :hi AND run_id = :run AND f & 1 = 1) "
		"SELECT i.start_ns, i.end_ns, i.cpu, i.pid, i.comm, i.kind, "
		"i.addr, i.last_stage FROM u JOIN intervals AS i "
		"ON i.id = u.id ORDER BY i.start_ns, i.id LIMIT :cap";
	int64_t shown;

	if (!n) {
		rp_note(r, "ok", "No tainted interval.");
		return 0;
	}
	if (rep_table(r, "tainted-table", "tainted intervals", sql, cols,
		      sizeof(cols) / sizeof(cols[0]), &shown) < 0)
		return -1;
	rp_capped(r, shown, n, "tainted intervals");
	return 0;
}

/**
 * sec_hung() - hung candidates and tainted intervals of the run
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_hung(struct rep *r)
{
	int64_t hung = r->scan->hung, tainted = r->scan->tainted;

	r->cap = REP_TABLE_CAP;
	rp(r, "<h3 data-k=\"hung\" data-v=\"%" PRId64 "\">Hung: %" PRId64
	   "</h3>\n", hung, hung);
	if (hung_list(r, hung) < 0)
		return -1;
	rp(r, "<h3 data-k=\"tainted\" data-v=\"%" PRId64 "\">Tainted: %"
	   PRId64 "</h3>\n", tainted, tainted);
	return tainted_list(r, tainted);
}

/**
 * sec_lock() - PTE lock ranges: totals and the longest waits
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_lock(struct rep *r)
{
	static const struct kv kv[] = {
		{ "lock_ranges", "ranges", C_INT },
		{ "lock_finished", "finished", C_INT },
		{ "lock_wait_max", "longest wait", C_DUR },
		{ "lock_hold_max", "longest hold", C_DUR },
		{ "lock_wait_total", "total wait", C_DUR },
		{ "lock_hold_total", "total hold", C_DUR },
	};
	static const char figures[] =
		"SELECT count(*), coalesce(sum(finished), 0), "
		"coalesce(max(wait_ns), 0), coalesce(max(hold_ns), 0), "
		"coalesce(sum(wait_ns), 0), coalesce(sum(hold_ns), 0) "
		"FROM ranges WHERE run_id = :run";
	static const struct col cols[] = {
		{ "wait", C_DUR }, { "hold", C_DUR }, { "lock", C_REL },
		{ "cpu", C_INT }, { "unlock cpu", C_INT }, { "pid", C_INT },
		{ "comm", C_TEXT }, { "addr", C_HEX }, { "end", C_HEX },
		{ "end reason", C_TEXT },
	};
	static const char sql[] =
		"SELECT wait_ns, hold_ns, lock_ns, cpu, unlock_cpu, pid, comm,"
		" addr, \"end\", end_reason FROM ranges WHERE run_id = :run "
		"AND wait_ns IS NOT NULL ORDER BY wait_ns DESC, id DESC "
		"LIMIT :cap";
	int64_t n, shown;

	if (rep_one(r, "lock ranges", "SELECT count(*) FROM ranges WHERE "
		    "run_id = :run", &n) < 0)
		return -1;
	if (!n) {
		rp_note(r, "lack", "No PTE lock ranges in this run: record "
			"the zap_pte_lock, zap_pte_locked and zap_pte_unlock "
			"events (<code>trace-cmd record -e zap</code>, "
			"<code>zapd live --lock</code>).");
		return 0;
	}
	if (rep_kvs(r, "lock ranges", figures, kv,
		    sizeof(kv) / sizeof(kv[0])) < 0)
		return -1;
	r->cap = 20;
	rp(r, "<h3>Longest waits</h3>\n");
	if (rep_table(r, "lock-table", "lock ranges", sql, cols,
		      sizeof(cols) / sizeof(cols[0]), &shown) < 0)
		return -1;
	rp_capped(r, shown, n, "lock ranges");
	return 0;
}

/* why_has - 1 if the attribution table has @col, 0 if not, -1 error */
static int why_has(struct rep *r, const char *col)
{
	int rc = query_has_column(r->st, WHY_TABLE, WHY_ID);

	return rc == 1 ? query_has_column(r->st, WHY_TABLE, col) : rc;
}

/* struct why_sec - a breakdown of the attribution table by one column */
struct why_sec {
	const char	*col;		/* its column */
	const char	*id;		/* the table's id */
	const char	*head;		/* the column's header */
	const char	*sql;		/* count, total, longest per value */
	const char	*measured;	/* 1 if the run recorded its events */
	const char	*lack;		/* what to say without it */
	const char	*unrecorded;	/* ... when the run did not record it */
};

/* why_section - the breakdown, or what the database or run lacks */
static int why_section(struct rep *r, const struct why_sec *w)
{
	const struct col cols[] = {
		{ w->head, C_TEXT }, { "intervals", C_INT },
		{ "total time", C_DUR }, { "longest", C_DUR },
	};
	int rc = why_has(r, w->col);
	int64_t measured = 0;

	if (rc < 0)
		return -1;
	if (!rc) {
		rp_note(r, "lack", "%s", w->lack);
		return 0;
	}
	if (rep_one(r, w->head, w->measured, &measured) < 0)
		return -1;
	if (!measured) {
		rp_note(r, "lack", "%s", w->unrecorded);
		return 0;
	}
	return rep_table(r, w->id, w->head, w->sql, cols, 4, NULL);
}

/* how to record what attribution and callers need (docs/events.md) */
#define WHY_RECORD								"<code>trace-cmd record -e zap -e zap:zap_pte_lock -R stacktrace " 	"-e irq_vectors -e irq -e nmi -e sched:sched_switch ...</code> or " 	"<code>zapd live --why</code>"

/* the breakdown of WHY_TABLE by column COL, for the run (durations of
 * the finished ones: 0 for a group of unfinished intervals only) */
#define WHY_SQL(COL)							\
	"SELECT w." COL ", count(*), coalesce(sum(i.dur_ns), 0), "	\
	"coalesce(max(i.dur_ns), 0) FROM "				\
	WHY_TABLE " AS w JOIN interval_rows AS i ON i.id = w." WHY_ID	\
	" WHERE i.id BETWEEN :lo AND :hi AND i.run_id = :run "		\
	"GROUP BY 1 ORDER BY 3 DESC"

/**
 * sec_why() - why the slow intervals were slow (schema 005), if known
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_why(struct rep *r)
{
	static const struct why_sec w = {
		WHY_CAUSE, "why-table", "dominant cause", WHY_SQL(WHY_CAUSE),
		"SELECT irq OR softirq OR nmi OR sched FROM why_measured "
		"WHERE run_id = :run",
		"Not in this database: per-interval attribution (hard IRQ, "
		"softirq, NMI, switched-out, stage and PTE-lock time, the "
		"dominant cause). Record the context events with the trace "
		"(<code>-e sched:sched_switch -e irq -e irq_vectors</code>) "
		"and import with a zapd whose schema has it. Until "
		"then, the events inside the slowest intervals are listed "
		"below.",
		"Not in this run: per-interval attribution (hard IRQ, softirq, "
		"NMI, switched-out time, the dominant cause) needs the handler "
		"and switch events in the trace: record with " WHY_RECORD ". "
		"The events inside the slowest intervals are listed below.",
	};

	return why_section(r, &w);
}

/**
 * sec_callers() - who zapped: munmap, madvise, exit, OOM reaper, truncate
 * @r: the report
 *
 * Return: 0, or -1 after one line.
 */
int sec_callers(struct rep *r)
{
	static const struct why_sec w = {
		WHY_CALLER, "callers-table", "caller", WHY_SQL(WHY_CALLER),
		"SELECT stack FROM why_measured WHERE run_id = :run",
		"Not in this database: the caller of each zap (munmap, "
		"madvise, exit, OOM reaper, truncate). Import with a zapd "
		"whose schema has it; the per-process view is "
		"<code>zapd query per-process</code>.",
		"Not in this run: the caller of each zap (munmap, madvise, "
		"exit, OOM reaper, truncate) comes from the kernel stack of "
		"each page table: record with " WHY_RECORD ". The per-process "
		"view is <code>zapd query per-process</code>.",
	};

	return why_section(r, &w);
}

/**
 * sec_context() - extra events (-e) inside the slowest intervals
 * @r: the report
 *
 * Per event name: how many of the REP_CONTEXT_N slowest finished
 * intervals had it on their start or done CPU while open, and how many
 * such records there were (queries/inside.sql, for this run).
 *
 * Return: 0, or -1 after one line.
 */
int sec_context(struct rep *r)
{
	static const struct col cols[] = {
		{ "event", C_TEXT }, { "intervals with it", C_INT },
		{ "records inside", C_INT },
	};
#define INSIDE(IDS)							\
		"WITH slow AS (SELECT id, cpu, done_cpu, start_ns, " \
		"start_ns + dur_ns AS done_ns FROM interval_rows WHERE " IDS \
		" AND dur_ns IS NOT NULL ORDER BY dur_ns DESC, id DESC " \
		"LIMIT :cap), hits AS (SELECT s.id AS iv, e.event AS ev FROM " \
		"slow AS s JOIN event_rows AS e ON e.run_id = :run AND " \
		"e.ts_ns >= s.start_ns AND e.ts_ns <= s.done_ns AND (e.cpu = " \
		"s.cpu OR e.cpu = s.done_cpu)) SELECT (SELECT s FROM strings " \
		"WHERE id = h.ev), count(DISTINCT h.iv), count(*) FROM hits " \
		"AS h GROUP BY h.ev ORDER BY 2 DESC, 3 DESC, 1"
	static const char *const sql[2] = { INSIDE(IDS_RANGE),
					     INSIDE(IDS_INDEX) };
	int64_t n, rows;

	if (rep_one(r, "events", "SELECT count(*) FROM event_rows WHERE "
		    "run_id = :run", &n) < 0)
		return -1;
	if (!n) {
		rp_note(r, "lack", "No extra events in this run. Record what "
			"else ran on the CPU with the zap events, e.g. "
			"<code>trace-cmd record -e zap -e sched:sched_switch "
			"-e irq:irq_handler_entry -e irq:softirq_entry</code> "
			"or <code>zapd live -e sched:sched_switch ...</code>.");
		return 0;
	}
	r->cap = REP_CONTEXT_N;
	rp_note(r, "note", "Of the %d slowest finished intervals: the extra "
		"events recorded on their CPU while they were open "
		"(<code>zapd query inside</code> lists each).", REP_CONTEXT_N);
	if (rep_table(r, "context-table", "events inside", sql[r->by_dur],
		      cols,
		      sizeof(cols) / sizeof(cols[0]), &rows) < 0)
		return -1;
	if (!rows)
		rp_note(r, "ok", "None of them had an extra event inside.");
	return 0;
}
