// SPDX-License-Identifier: GPL-2.0
/*
 * store-rows.c - the rows of a run: prepared statements, row queues,
 * interned strings, the on-disk encoding of interval rows, and one
 * writer per table (see the essay in store.c).
 *
 * Owns: the persistent statements (prepared once per store, values only
 * ever bound), the STORE_ROWS-row queues of interval_rows, stages and
 * event_rows, the strings table cache, and the packing of interval_rows.f.
 *
 * Rows are INSERT OR ROLLBACK: a statement that can fail half-way (NOT
 * NULL -> ABORT) over several rows keeps a statement journal of every
 * page it touches (16 KiB each, spilled to /var/tmp past 64 KiB: 0.5 MB
 * per 32-row statement while intervals_dur is maintained); a failure
 * fails the run anyway. Interval ids are assigned by the store (store.c:
 * max(id) + 1 when the write transaction begins), so stage rows can be
 * queued with their interval's id before it is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store-int.h"

/*
 * interval_rows.f, ON DISK (schema/002-compact-intervals.sql, whose view
 * `intervals` and trigger `intervals_insert` decode and encode the same
 * bits): 0 tainted, 1 migrated, 2 zap (page/anon/order/max_nr valid),
 * 3 page, 4 anon, 5 force_flush, 6 force_break, 7 delay_rmap,
 * 8-10 end_reason (enum zap_end, 5 = open), 12-15 nstages, 16-23 order,
 * 24-55 max_nr.
 */
#define IVF_TAINTED		(1ull << 0)
#define IVF_MIGRATED		(1ull << 1)
#define IVF_ZAP			(1ull << 2)
#define IVF_PAGE		(1ull << 3)
#define IVF_ANON		(1ull << 4)
#define IVF_FORCE_FLUSH		(1ull << 5)
#define IVF_FORCE_BREAK		(1ull << 6)
#define IVF_DELAY_RMAP		(1ull << 7)
#define IVF_END_SHIFT		8	/* 3 bits */
#define IVF_NSTAGES_SHIFT	12	/* 4 bits */
#define IVF_ORDER_SHIFT		16	/* 8 bits */
#define IVF_MAXNR_SHIFT		24	/* 32 bits */

/* interval_rows columns, as queued in struct qrow (v[0] = id) */
enum {
	C_ID, C_RUN, C_KIND, C_CPU, C_DONE_CPU, C_PID, C_COMM, C_MM, C_ADDR,
	C_PFN, C_NR, C_PATH, C_START, C_DUR, C_END, C_LAST_STAGE, C_FINISHED,
	C_F,
};

/* without id: SQLite appends (max(id) + 1, the id queued, checked) */
#define IV_INSERT							\
	"INSERT OR ROLLBACK INTO interval_rows (run_id, kind, cpu,"	\
	" done_cpu, pid,"						\
	" comm, mm, addr, pfn, nr, path, start_ns, dur_ns, end_ns,"	\
	" last_stage, finished, f) VALUES "
#define IV_INSERT_ID							\
	"INSERT OR ROLLBACK INTO interval_rows (id, run_id, kind, cpu,"	\
	" done_cpu, pid,"						\
	" comm, mm, addr, pfn, nr, path, start_ns, dur_ns, end_ns,"	\
	" last_stage, finished, f) VALUES "
#define SG_INSERT							\
	"INSERT OR ROLLBACK INTO stages (interval_id, stage, seq, cpu,"	\
	" ts_ns,"							\
	" since_prev_ns, nr, delay_rmap, \"full\") VALUES "

#define EV_INSERT							\
	"INSERT OR ROLLBACK INTO event_rows (run_id, ts_ns, cpu, pid,"	\
	" event, a0, a1,"						\
	" a2, a3, a4, a5) VALUES "

static const char *const stmt_sql[S_NR] = {
	[S_IV1] = IV_INSERT "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[S_IVN] = NULL,		/* built: STORE_ROWS rows */
	[S_IVID] = IV_INSERT_ID "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[S_SG1] = SG_INSERT "(?,?,?,?,?,?,?,?,?)",
	[S_SGN] = NULL,
	[S_EV1] = EV_INSERT "(?,?,?,?,?,?,?,?,?,?,?)",
	[S_EVN] = NULL,
	[S_RANGE] =
	"INSERT INTO ranges (run_id, cpu, unlock_cpu, pid, comm, mm, addr,"
	" \"end\", reached, lock_ns, wait_ns, hold_ns, mapped, force_flush,"
	" force_break, end_reason, tainted, finished, irq_ns, softirq_ns,"
	" nmi_ns, sched_ns, runnable_ns, n, spin_ns, caller, stack)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
	[S_LOST] =
	"INSERT INTO lost (run_id, buffer, cpu, ts_ns, count, source)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_ORPHAN] =
	"INSERT INTO orphans (run_id, event, cpu, pid, comm, ts_ns, mm, addr)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_COUNT] =
	"INSERT INTO event_counts (run_id, buffer, system, event, cpu, count)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	" ON CONFLICT DO UPDATE SET count = count + excluded.count",
	[S_STAT] =
	"INSERT OR REPLACE INTO run_stats (run_id, name, value)"
	" VALUES (?1, ?2, ?3)",
	[S_STR_GET] = "SELECT id FROM strings WHERE s = ?1",
	[S_STR_ADD] = "INSERT INTO strings (s) VALUES (?1)",
	[S_MAXID] = "SELECT coalesce(max(id), 0) FROM interval_rows",
	[S_FIELD] = "INSERT OR IGNORE INTO event_fields (run_id, event, idx,"
		    " name) VALUES (?1, ?2, ?3, ?4)",
	[S_WH1] = WH_INSERT "(?,?,?,?,?,?,?,?,?,?,?)",
	[S_WHN] = NULL,
	/* histogram and tally rows add up (hist.h, tally.h) */
	[S_HIST] =
	"INSERT INTO histograms (run_id, kind, path, metric, win_ns, bucket,"
	" count, total_ns, min_ns, max_ns)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	" ON CONFLICT DO UPDATE SET count = count + excluded.count,"
	" total_ns = total_ns + excluded.total_ns,"
	" min_ns = min(min_ns, excluded.min_ns),"
	" max_ns = max(max_ns, excluded.max_ns)",
	[S_TASK] =
	"INSERT INTO task_stats (run_id, kind, pid, comm, intervals, finished,"
	" tainted, hung, pages, total_ns, max_ns)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	" ON CONFLICT DO UPDATE SET intervals = intervals + excluded.intervals,"
	" finished = finished + excluded.finished,"
	" tainted = tainted + excluded.tainted, hung = hung + excluded.hung,"
	" pages = pages + excluded.pages,"
	" total_ns = total_ns + excluded.total_ns,"
	" max_ns = max(max_ns, excluded.max_ns)",
	/* SET sees the old row: max_pid/max_comm follow a larger max_ns */
	[S_CPU] =
	"INSERT INTO cpu_stats (run_id, kind, cpu, finished, total_ns, max_ns,"
	" max_pid, max_comm) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	" ON CONFLICT DO UPDATE SET finished = finished + excluded.finished,"
	" total_ns = total_ns + excluded.total_ns,"
	" max_pid = CASE WHEN excluded.max_ns > max_ns THEN excluded.max_pid"
	" ELSE max_pid END,"
	" max_comm = CASE WHEN excluded.max_ns > max_ns THEN excluded.max_comm"
	" ELSE max_comm END,"
	" max_ns = max(max_ns, excluded.max_ns)",
};

/* build_multi - "PREFIX (?,...),(?,...)..." with @rows rows of @cols */
static char *build_multi(const char *prefix, int cols, int rows)
{
	size_t len = strlen(prefix) + (size_t)rows * (2 * cols + 2) + 1;
	char *sql = malloc(len), *p;
	int r, c;

	if (!sql)
		return NULL;
	p = sql + sprintf(sql, "%s", prefix);
	for (r = 0; r < rows; r++) {
		*p++ = r ? ',' : '(';
		if (r)
			*p++ = '(';
		for (c = 0; c < cols; c++) {
			if (c)
				*p++ = ',';
			*p++ = '?';
		}
		*p++ = ')';
	}
	*p = '\0';
	return sql;
}

/* st_prepare_all - the persistent statements of a writable store */
int st_prepare_all(struct store *st)
{
	char *multi[S_NR] = { 0 };
	int i, ret = 0;

	multi[S_IVN] = build_multi(IV_INSERT, IV_COLS - 1, STORE_ROWS);
	multi[S_SGN] = build_multi(SG_INSERT, SG_COLS, STORE_ROWS);
	multi[S_EVN] = build_multi(EV_INSERT, EV_COLS, STORE_ROWS);
	multi[S_WHN] = build_multi(WH_INSERT, WH_COLS, STORE_ROWS);
	for (i = 0; i < S_NR && !ret; i++) {
		const char *sql = stmt_sql[i] ? stmt_sql[i] : multi[i];

		if (!sql ||
		    sqlite3_prepare_v3(st->db, sql, -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK) {
			st_db_err(st, "cannot prepare statement");
			ret = -1;
		}
	}
	free(multi[S_IVN]);
	free(multi[S_SGN]);
	free(multi[S_EVN]);
	free(multi[S_WHN]);
	for (i = 0; i < S_NR && !ret; i++) {
		if (i != S_IV1 && i != S_IVN && i != S_IVID && i != S_SG1 &&
		    i != S_SGN && i != S_EV1 && i != S_EVN && i != S_WH1 &&
		    i != S_WHN)
			continue;
		st->shadow[i] = calloc(sqlite3_bind_parameter_count(
					st->stmt[i]), sizeof(struct shadow));
		if (!st->shadow[i]) {
			log_warnx("out of memory");
			ret = -1;
		}
	}
	return ret;
}

/* st_strs_clear - forget interned ids (after a rollback they may be gone) */
void st_strs_clear(struct store *st)
{
	size_t i;

	for (i = 0; st->strs && i < st->strcap; i++)
		free(st->strs[i].s);
	if (st->strs)
		memset(st->strs, 0, st->strcap * sizeof(*st->strs));
	st->nstrs = 0;
	st->comm_id = 0;
	st->comm_ptr = NULL;
	st->ev_name = NULL;
	memset(st->path_id, 0, sizeof(st->path_id));
	memset(st->stage_id, 0, sizeof(st->stage_id));
	st->kind_ptr = NULL;
	st_why_clear(st);
}

/* st_step - run a statement with all its parameters bound, and reset it */
int st_step(struct store *st, sqlite3_stmt *s)
{
	int ret = sqlite3_step(s);

	sqlite3_reset(s);
	if (ret != SQLITE_DONE && ret != SQLITE_ROW) {
		/* also forgets a transaction OR ROLLBACK (or SQLite) ended */
		st_db_err(st, "write failed");
		return -1;
	}
	return 0;
}

/* step_clear - st_step(), then unbind (statements binding only some) */
static int step_clear(struct store *st, int which)
{
	int ret = st_step(st, st->stmt[which]);

	sqlite3_clear_bindings(st->stmt[which]);
	return ret;
}

/* str_hash - FNV-1a */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* strs_grow - double the intern table; -1 on ENOMEM */
static int strs_grow(struct store *st)
{
	size_t n = st->strcap ? st->strcap * 2 : 256, i, j;
	struct istr *t = calloc(n, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < st->strcap; i++) {
		if (!st->strs[i].s)
			continue;
		for (j = st->strs[i].h & (n - 1); t[j].s; j = (j + 1) & (n - 1))
			;
		t[j] = st->strs[i];
	}
	free(st->strs);
	st->strs = t;
	st->strcap = n;
	return 0;
}

/* intern - strings.id of @s, inserted if new; -1 on error */
static int64_t intern(struct store *st, const char *s)
{
	uint64_t h = str_hash(s);
	sqlite3_stmt *q;
	struct istr *e;
	int64_t id = -1;
	size_t i;

	if (st->strcap) {
		for (i = h & (st->strcap - 1); st->strs[i].s;
		     i = (i + 1) & (st->strcap - 1)) {
			if (st->strs[i].h == h && !strcmp(st->strs[i].s, s))
				return st->strs[i].id;
		}
	}
	if (st_begin_txn(st) < 0)
		return -1;
	q = st->stmt[S_STR_GET];
	sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (id < 0) {
		q = st->stmt[S_STR_ADD];
		sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
		if (st_step(st, q) < 0)
			return -1;
		id = sqlite3_last_insert_rowid(st->db);
	}
	if ((st->nstrs + 1) * 2 > st->strcap && strs_grow(st) < 0)
		return id;	/* not cached, still right */
	for (i = h & (st->strcap - 1); st->strs[i].s;
	     i = (i + 1) & (st->strcap - 1))
		;
	e = &st->strs[i];
	e->s = strdup(s);
	if (!e->s)
		return id;
	e->h = h;
	e->id = id;
	st->nstrs++;
	return id;
}

/* st_intern - intern() for the other store files */
int64_t st_intern(struct store *st, const char *s)
{
	return intern(st, s);
}

/* name_id - strings.id of names[v], or of the number if it has no name */
static int64_t name_id(struct store *st, const char *const *names,
		       int64_t *cache, int v)
{
	char buf[16];
	const char *n = buf;
	int64_t id;

	if (v < ZAP_NAMES_MAX && cache[v])
		return cache[v];
	if (v < ZAP_NAMES_MAX && names[v])
		n = names[v];
	else
		snprintf(buf, sizeof(buf), "%d", v);
	id = intern(st, n);
	if (v < ZAP_NAMES_MAX && id > 0)
		cache[v] = id;
	return id;
}

/* bind_int - bind @v (or NULL) to parameter @i unless it already holds it */
static inline void bind_int(sqlite3_stmt *s, struct shadow *sh, int i,
			    bool null, int64_t v)
{
	struct shadow *x = &sh[i - 1];

	if (null) {
		if (x->state != 1)
			sqlite3_bind_null(s, i);
		x->state = 1;
		return;
	}
	if (x->state != 2 || x->v != v)
		sqlite3_bind_int64(s, i, v);
	x->state = 2;
	x->v = v;
}

/* bind_row - bind columns @first.. of queued row @r at offset @base */
static void bind_row(struct store *st, int which, int base,
		     const struct qrow *r, int first, int ncols, int textcol)
{
	sqlite3_stmt *s = st->stmt[which];
	struct shadow *sh = st->shadow[which];
	int c, i = base + 1;

	for (c = first; c < ncols; c++, i++) {
		if (c == textcol) {
			sqlite3_bind_text(s, i, r->text, -1, SQLITE_STATIC);
			sh[i - 1].state = 0;
		} else {
			bind_int(s, sh, i, r->null & (1u << c), r->v[c]);
		}
	}
}

/* flush_rows - write queued stage rows: STORE_ROWS at once, or one by one */
static int flush_rows(struct store *st, struct qrow *q, int *n, int s1,
		      int sn, int ncols, int textcol)
{
	sqlite3_stmt *s;
	int i, ret = 0;

	if (*n == STORE_ROWS) {
		s = st->stmt[sn];
		for (i = 0; i < *n; i++)
			bind_row(st, sn, i * ncols, &q[i], 0, ncols, textcol);
		ret = st_step(st, s);
	} else {
		s = st->stmt[s1];
		for (i = 0; i < *n && !ret; i++) {
			bind_row(st, s1, 0, &q[i], 0, ncols, textcol);
			ret = st_step(st, s);
		}
	}
	*n = 0;
	return ret;
}

/* appended - SQLite gave the last row the id queued for it? */
static int appended(struct store *st, int64_t id)
{
	if (sqlite3_last_insert_rowid(st->db) == id)
		return 0;
	log_warnx("database '%s': interval id %lld expected, got %lld",
		  st->path, (long long)id,
		  (long long)sqlite3_last_insert_rowid(st->db));
	return -1;
}

/*
 * write_iv - the queued intervals: STORE_ROWS in one statement, else one
 * by one. Ids are not bound (SQLite appends without a uniqueness seek)
 * unless a row replaces an older one (own_id).
 */
static int write_iv(struct store *st)
{
	const int nc = IV_COLS - 1;
	sqlite3_stmt *s;
	int i, n = st->niv, ret = 0;

	st->niv = 0;
	for (i = 0; i < n && !st->iv[i].own_id; i++)
		;
	if (n == STORE_ROWS && i == n) {
		s = st->stmt[S_IVN];
		for (i = 0; i < n; i++)
			bind_row(st, S_IVN, i * nc, &st->iv[i], 1, IV_COLS,
				 -1);
		if (st_step(st, s) < 0)
			return -1;
		return appended(st, st->iv[n - 1].v[0]);
	}
	for (i = 0; i < n && !ret; i++) {
		const struct qrow *r = &st->iv[i];

		s = st->stmt[r->own_id ? S_IVID : S_IV1];
		bind_row(st, r->own_id ? S_IVID : S_IV1, 0, r,
			 r->own_id ? 0 : 1, IV_COLS, -1);
		ret = st_step(st, s);
		if (!ret && !r->own_id)
			ret = appended(st, r->v[0]);
	}
	return ret;
}

/* flush_iv - write the queued intervals (and let the transaction policy
 * decide about intervals_dur) */
static int flush_iv(struct store *st)
{
	int n = st->niv, staged = 0, i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		staged += (st->iv[i].v[C_F] >> IVF_NSTAGES_SHIFT & 15) != 0;
	if (write_iv(st) < 0)
		return -1;
	return st_defer_index(st, n, staged);
}

static int flush_sg(struct store *st)
{
	if (!st->nsg)
		return 0;
	return flush_rows(st, st->sg, &st->nsg, S_SG1, S_SGN, SG_COLS, 1);
}

static int flush_ev(struct store *st)
{
	if (!st->nev)
		return 0;
	return flush_rows(st, st->ev, &st->nev, S_EV1, S_EVN, EV_COLS, -1);
}

/* st_flush_why - write the queued interval_why rows (store-why.c) */
int st_flush_why(struct store *st)
{
	if (!st->nwh)
		return 0;
	return flush_rows(st, st->wh, &st->nwh, S_WH1, S_WHN, WH_COLS, -1);
}

/* st_flush - write every queued row */
int st_flush(struct store *st)
{
	if (flush_iv(st) < 0 || flush_sg(st) < 0 || flush_ev(st) < 0 ||
	    st_flush_why(st) < 0)
		return -1;
	return 0;
}

void st_bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
}

/* iv_strings - strings.id of @iv's kind, comm, path and last stage (0:
 * NULL); -1 on error */
static int iv_strings(struct store *st, const struct zap_interval *iv,
		      const char *comm, bool open, int64_t ids[4])
{
	if (iv->kind != st->kind_ptr) {
		st->kind_id = intern(st, iv->kind);
		st->kind_ptr = iv->kind;
	}
	ids[0] = st->kind_id;
	ids[1] = 0;
	if (comm && comm == st->comm_ptr) {
		ids[1] = st->comm_id;	/* the same task as last time */
	} else if (comm) {
		ids[1] = intern(st, comm);
		st->comm_ptr = ids[1] > 0 ? comm : NULL;
		st->comm_id = ids[1];
	}
	ids[2] = 0;
	if (!open && iv->finished && iv->pair < 0 && iv->path >= 0)
		ids[2] = name_id(st, st->names.path, st->path_id, iv->path);
	ids[3] = 0;
	if (iv->last_stage >= 0)
		ids[3] = name_id(st, st->names.stage, st->stage_id,
				 iv->last_stage);
	return ids[0] < 0 || ids[1] < 0 || ids[2] < 0 || ids[3] < 0 ? -1 : 0;
}

/* iv_zap_bits - the f bits and columns only a zap interval has */
static uint64_t iv_zap_bits(const struct zap_interval *iv, struct qrow *r)
{
	uint64_t f = IVF_ZAP;
	int i;

	for (i = 0; i < iv->nstages; i++)
		if (iv->stages[i].flags & ZF_DELAY_RMAP)
			f |= IVF_DELAY_RMAP;
	r->v[C_MM] = (int64_t)iv->mm;
	r->v[C_ADDR] = (int64_t)iv->addr;
	r->v[C_PFN] = (int64_t)iv->pfn;
	if (iv->flags & ZF_PAGE)
		f |= IVF_PAGE;
	if (iv->flags & ZF_ANON)
		f |= IVF_ANON;
	if (iv->flags & ZF_FORCE_FLUSH)
		f |= IVF_FORCE_FLUSH;
	if (iv->flags & ZF_FORCE_BREAK)
		f |= IVF_FORCE_BREAK;
	f |= (uint64_t)(iv->order & 255) << IVF_ORDER_SHIFT;
	f |= (uint64_t)iv->max_nr << IVF_MAXNR_SHIFT;
	return f;
}

/* iv_end_cols - nr, path, dur_ns, end_ns: a finished interval's end is
 * start + dur (end_ns NULL); an unfinished one has no dur, an open
 * (watchdog) one no end either */
static void iv_end_cols(const struct zap_interval *iv, struct qrow *r,
			bool open, int64_t path)
{
	if (!open && iv->finished) {
		r->v[C_NR] = iv->nr;
		if (iv->pair >= 0)
			r->null |= 1u << C_NR;
		r->v[C_PATH] = path;
		if (!path)
			r->null |= 1u << C_PATH;
		r->v[C_DUR] = (int64_t)(iv->end_ns - iv->start_ns);
		r->null |= 1u << C_END;
	} else {
		r->null |= 1u << C_NR | 1u << C_PATH | 1u << C_DUR;
		r->v[C_END] = (int64_t)iv->end_ns;
		if (open)
			r->null |= 1u << C_END;
	}
}

/*
 * fill_iv - queue @iv as interval_rows row @id; @open: the watchdog's;
 * @replace: @id is an old row's (deleted), else the next one appended
 */
static int fill_iv(struct store *st, const struct zap_interval *iv,
		   const char *comm, int64_t id, bool open, bool replace)
{
	int64_t s[4];	/* kind, comm, path, last_stage */
	struct qrow *r;
	uint64_t f = 0;

	if (st_begin_txn(st) < 0 || iv_strings(st, iv, comm, open, s) < 0)
		return -1;
	if (st->niv == STORE_ROWS && flush_iv(st) < 0)
		return -1;
	r = &st->iv[st->niv++];
	r->null = 0;
	r->own_id = replace;
	r->v[C_ID] = id;
	if (!st->first_id || id < st->first_id)
		st->first_id = id;
	if (id > st->last_id)
		st->last_id = id;
	r->v[C_RUN] = st->run_id;
	r->v[C_KIND] = s[0];
	r->v[C_CPU] = iv->cpu;
	r->v[C_DONE_CPU] = iv->done_cpu;
	if (iv->done_cpu < 0)
		r->null |= 1u << C_DONE_CPU;
	r->v[C_PID] = iv->pid;
	r->v[C_COMM] = s[1];
	if (!comm)
		r->null |= 1u << C_COMM;
	if (iv->pair < 0)
		f = iv_zap_bits(iv, r);
	else
		r->null |= 1u << C_MM | 1u << C_ADDR | 1u << C_PFN;
	iv_end_cols(iv, r, open, s[2]);
	r->v[C_START] = (int64_t)iv->start_ns;
	r->v[C_LAST_STAGE] = s[3];
	if (!s[3])
		r->null |= 1u << C_LAST_STAGE;
	r->v[C_FINISHED] = !open && iv->finished;
	if (!open && iv->tainted)
		f |= IVF_TAINTED;
	if (iv->migrated)
		f |= IVF_MIGRATED;
	f |= (uint64_t)(open ? ZAP_END_OPEN : (iv->why & 7)) << IVF_END_SHIFT;
	f |= (uint64_t)(iv->nstages & 15) << IVF_NSTAGES_SHIFT;
	r->v[C_F] = (int64_t)f;
	return 0;
}

/* fill_stages - queue the stage rows of interval @id */
static int fill_stages(struct store *st, const struct zap_interval *iv,
		       int64_t id)
{
	int i;

	for (i = 0; i < iv->nstages; i++) {
		const struct zap_stage *sg = &iv->stages[i];
		struct qrow *r;

		if (st->nsg == STORE_ROWS && flush_sg(st) < 0)
			return -1;
		r = &st->sg[st->nsg++];
		r->null = 0;
		r->v[0] = id;
		if (sg->stage >= 0 && sg->stage < ZAP_NAMES_MAX &&
		    st->names.stage[sg->stage]) {
			r->text = st->names.stage[sg->stage];
		} else {
			snprintf(r->num, sizeof(r->num), "%d", sg->stage);
			r->text = r->num;
		}
		r->v[2] = i;
		r->v[3] = sg->cpu;
		r->v[4] = (int64_t)sg->ts_ns;
		r->v[5] = (int64_t)sg->since_prev_ns;
		r->v[6] = sg->nr;
		r->v[7] = !!(sg->flags & ZF_DELAY_RMAP);
		r->v[8] = !!(sg->flags & ZF_FULL);
	}
	return 0;
}

/**
 * store_interval() - queue an interval and its stages
 * @st: store with an open run
 * @iv: the interval, as emitted by the engine
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_interval(struct store *st, const struct zap_interval *iv,
		   const char *comm)
{
	int64_t id;

	if (st_begin_txn(st) < 0)
		return -1;
	id = st->next_id++;
	if (fill_iv(st, iv, comm, id, false, false) < 0 ||
	    fill_stages(st, iv, id) < 0 || st_fill_why(st, iv, id) < 0)
		return -1;
	return st_row(st, 1 + iv->nstages);
}

/* event_id - strings.id of an extra event's name (cached by pointer) */
static int64_t event_id(struct store *st, const char *name)
{
	if (name != st->ev_name) {
		st->ev_id = intern(st, name);
		st->ev_name = st->ev_id > 0 ? name : NULL;
	}
	return st->ev_id;
}

/**
 * store_event() - queue a row of event_rows (an extra event)
 * @st: store with an open run
 * @e: the event; e->name must stay valid until the run ends
 *
 * Return: 0 or -1.
 */
int store_event(struct store *st, const struct ext_event *e)
{
	struct qrow *r;
	int64_t id;
	int i;

	if (st_begin_txn(st) < 0)
		return -1;
	id = event_id(st, e->name);
	if (id < 0)
		return -1;
	if (st->nev == STORE_ROWS && flush_ev(st) < 0)
		return -1;
	r = &st->ev[st->nev++];
	r->null = 0;
	r->v[0] = st->run_id;
	r->v[1] = (int64_t)e->ts_ns;
	r->v[2] = e->cpu;
	r->v[3] = e->pid;
	r->v[4] = id;
	for (i = 0; i < EXT_MAX_ARGS; i++) {
		r->v[5 + i] = e->a[i];
		if (i >= e->nargs)
			r->null |= 1u << (5 + i);
	}
	return st_row(st, 1);
}

/**
 * store_event_fields() - name the a0..a5 columns of an event in this run
 * @st: store with an open run
 * @name: "system:event"
 * @n: number of fields
 * @fields: their names, in column order
 *
 * Return: 0 or -1.
 */
int store_event_fields(struct store *st, const char *name, int n,
		       const char *const *fields)
{
	sqlite3_stmt *s = st->stmt[S_FIELD];
	int64_t id;
	int i;

	if (st_begin_txn(st) < 0)
		return -1;
	id = intern(st, name);
	if (id < 0)
		return -1;
	for (i = 0; i < n && i < EXT_MAX_ARGS; i++) {
		sqlite3_bind_int64(s, 1, st->run_id);
		sqlite3_bind_int64(s, 2, id);
		sqlite3_bind_int(s, 3, i);
		sqlite3_bind_text(s, 4, fields[i], -1, SQLITE_STATIC);
		if (st_step(st, s) < 0)
			return -1;
	}
	return 0;
}

/**
 * store_range() - insert a PTE lock range
 * @st: store with an open run
 * @r: the range, as emitted by the engine
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_range(struct store *st, const struct zap_range *r,
		const char *comm)
{
	sqlite3_stmt *s = st->stmt[S_RANGE];

	if (st_begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_int(s, 2, r->cpu);
	if (r->unlock_cpu >= 0)
		sqlite3_bind_int(s, 3, r->unlock_cpu);
	sqlite3_bind_int(s, 4, r->pid);
	st_bind_text(s, 5, comm);
	sqlite3_bind_int64(s, 6, (int64_t)r->mm);
	sqlite3_bind_int64(s, 7, (int64_t)r->addr);
	sqlite3_bind_int64(s, 8, (int64_t)r->end);
	if (r->has_unlock)
		sqlite3_bind_int64(s, 9, (int64_t)r->reached);
	sqlite3_bind_int64(s, 10, (int64_t)r->lock_ns);
	if (r->has_locked) {
		sqlite3_bind_int64(s, 11, (int64_t)(r->locked_ns -
						    r->lock_ns));
		sqlite3_bind_int(s, 13, !!(r->flags & ZF_MAPPED));
	}
	if (r->has_unlock) {
		sqlite3_bind_int64(s, 12, (int64_t)(r->end_ns -
						    r->locked_ns));
		sqlite3_bind_int(s, 14, !!(r->flags & ZF_FORCE_FLUSH));
		sqlite3_bind_int(s, 15, !!(r->flags & ZF_FORCE_BREAK));
	}
	sqlite3_bind_text(s, 16, zap_end_name(r->why), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 17, r->tainted);
	sqlite3_bind_int(s, 18, r->finished);
	if (st_bind_range_why(st, s, r, 19) < 0)
		return -1;
	if (step_clear(st, S_RANGE) < 0)
		return -1;
	return st_row(st, 1);
}

/**
 * store_lost() - record lost events
 * @st: store with an open run
 * @buffer: buffer (instance) name, "" for the top buffer
 * @cpu: CPU
 * @ts_ns: time of the first event after the gap, < 0 if none
 * @count: events lost, < 0 if unknown
 * @source: "marker" (ring-buffer gap) or "stats" (kernel overrun count)
 *
 * Return: 0 or -1.
 */
int store_lost(struct store *st, const char *buffer, int cpu, int64_t ts_ns,
	       int64_t count, const char *source)
{
	sqlite3_stmt *s = st->stmt[S_LOST];

	if (st_begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	st_bind_text(s, 2, buffer);
	sqlite3_bind_int(s, 3, cpu);
	if (ts_ns >= 0)
		sqlite3_bind_int64(s, 4, ts_ns);
	if (count >= 0)
		sqlite3_bind_int64(s, 5, count);
	st_bind_text(s, 6, source);
	if (step_clear(st, S_LOST) < 0)
		return -1;
	return st_row(st, 1);
}

/**
 * store_orphan() - record an event that had nothing to pair with
 * @st: store with an open run
 * @o: the orphan, as emitted by the engine
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_orphan(struct store *st, const struct zap_orphan *o,
		 const char *comm)
{
	sqlite3_stmt *s = st->stmt[S_ORPHAN];

	if (st_begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	st_bind_text(s, 2, o->name);
	sqlite3_bind_int(s, 3, o->cpu);
	sqlite3_bind_int(s, 4, o->pid);
	st_bind_text(s, 5, comm);
	sqlite3_bind_int64(s, 6, (int64_t)o->ts_ns);
	sqlite3_bind_int64(s, 7, (int64_t)o->mm);
	sqlite3_bind_int64(s, 8, (int64_t)o->addr);
	if (step_clear(st, S_ORPHAN) < 0)
		return -1;
	return st_row(st, 1);
}

/**
 * store_event_count() - add to the record count of (buffer, event, cpu)
 * @st: store with an open run
 * @buffer: buffer name, "" for the top buffer
 * @system: event system
 * @event: event name
 * @cpu: CPU
 * @count: records
 *
 * Return: 0 or -1.
 */
int store_event_count(struct store *st, const char *buffer,
		      const char *system, const char *event, int cpu,
		      int64_t count)
{
	sqlite3_stmt *s = st->stmt[S_COUNT];

	if (st_begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	st_bind_text(s, 2, buffer);
	st_bind_text(s, 3, system);
	st_bind_text(s, 4, event);
	sqlite3_bind_int(s, 5, cpu);
	sqlite3_bind_int64(s, 6, count);
	if (step_clear(st, S_COUNT) < 0)
		return -1;
	return st_row(st, 1);
}

/**
 * store_stat() - set a named per-run counter
 * @st: store with an open run
 * @name: counter name
 * @value: value
 *
 * Return: 0 or -1.
 */
int store_stat(struct store *st, const char *name, int64_t value)
{
	sqlite3_stmt *s = st->stmt[S_STAT];

	if (st_begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	st_bind_text(s, 2, name);
	sqlite3_bind_int64(s, 3, value);
	if (step_clear(st, S_STAT) < 0)
		return -1;
	return st_row(st, 1);
}

/**
 * store_interval_open() - write an interval that is still open (the live
 * watchdog): finished = 0, end_reason 'open', no end time; the store
 * remembers its row for store_interval_close()
 * @st: store with an open run
 * @iv: the open interval (engine_walk_open())
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_interval_open(struct store *st, const struct zap_interval *iv,
			const char *comm)
{
	struct open_row *o;

	if (st_begin_txn(st) < 0)
		return -1;
	o = calloc(1, sizeof(*o));
	if (!o) {
		log_warnx("out of memory");
		return -1;
	}
	o->pair = iv->pair;
	o->key = iv->key;
	o->start_ns = iv->start_ns;
	o->id = st->next_id++;
	o->next = st->open_rows;
	st->open_rows = o;
	if (fill_iv(st, iv, comm, o->id, true, false) < 0 ||
	    fill_stages(st, iv, o->id) < 0 || st_flush(st) < 0)
		return -1;
	return st_row(st, 1 + iv->nstages);
}

/* take_open_row - unlink the watchdog row of @iv; its id, 0 if none */
static int64_t take_open_row(struct store *st, const struct zap_interval *iv)
{
	struct open_row **pp, *o;
	int64_t id;

	for (pp = &st->open_rows; (o = *pp); pp = &o->next) {
		if (o->pair == iv->pair && o->key == iv->key &&
		    o->start_ns == iv->start_ns) {
			*pp = o->next;
			id = o->id;
			free(o);
			return id;
		}
	}
	return 0;
}

/**
 * store_interval_close() - replace the row of store_interval_open() by
 * the interval's final state, keeping its id (a plain store_interval()
 * if it has none)
 * @st: store with an open run
 * @iv: the interval, as emitted by the engine
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_interval_close(struct store *st, const struct zap_interval *iv,
			 const char *comm)
{
	int64_t id = take_open_row(st, iv);

	if (!id)
		return store_interval(st, iv, comm);
	if (st_begin_txn(st) < 0 || st_flush(st) < 0 ||
	    st_exec_id3(st, "DELETE FROM stages WHERE interval_id = ?1", id,
			0, 0) < 0 ||
	    st_exec_id3(st, "DELETE FROM interval_why WHERE interval_id = ?1",
			id, 0, 0) < 0 ||
	    st_exec_id3(st, "DELETE FROM interval_rows WHERE id = ?1", id, 0,
			0) < 0)
		return -1;
	if (fill_iv(st, iv, comm, id, false, true) < 0 ||
	    fill_stages(st, iv, id) < 0 || st_fill_why(st, iv, id) < 0 ||
	    st_flush(st) < 0)
		return -1;
	return st_row(st, 1 + iv->nstages);
}

/**
 * st_rows_clear() - forget the watchdog rows (the run ended)
 * @st: store
 */
void st_rows_clear(struct store *st)
{
	struct open_row *o;

	while ((o = st->open_rows)) {
		st->open_rows = o->next;
		free(o);
	}
}

/* path_text - the stored name of done path @v ("" for none) in @buf */
static const char *path_text(const struct store *st, int v, char *buf,
			     size_t len)
{
	if (v < 0)
		return "";
	if (v < ZAP_NAMES_MAX && st->names.path[v])
		return st->names.path[v];
	snprintf(buf, len, "%d", v);
	return buf;
}

/**
 * store_hist() - add a histogram bucket's part to its row (upsert)
 * @st: store with an open run
 * @row: what the bucket gained (hist.h)
 *
 * Return: 0 or -1.
 */
int store_hist(struct store *st, const struct hist_row *row)
{
	sqlite3_stmt *s = st->stmt[S_HIST];
	char num[16];

	if (st_begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_text(s, 2, row->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, path_text(st, row->path, num, sizeof(num)),
			  -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, hist_metric_name(row->metric), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)row->win_ns);
	sqlite3_bind_int(s, 6, row->bucket);
	sqlite3_bind_int64(s, 7, (int64_t)row->count);
	sqlite3_bind_int64(s, 8, (int64_t)row->total_ns);
	sqlite3_bind_int64(s, 9, (int64_t)row->min_ns);
	sqlite3_bind_int64(s, 10, (int64_t)row->max_ns);
	if (st_step(st, s) < 0)
		return -1;
	return st_row(st, 1);
}

/* store_task - a task's part of task_stats */
static int store_task(struct store *st, const struct tally_row *row)
{
	sqlite3_stmt *s = st->stmt[S_TASK];

	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_text(s, 2, row->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, row->pid);
	sqlite3_bind_text(s, 4, row->comm ? row->comm : "", -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)row->intervals);
	sqlite3_bind_int64(s, 6, (int64_t)row->finished);
	sqlite3_bind_int64(s, 7, (int64_t)row->tainted);
	sqlite3_bind_int64(s, 8, (int64_t)row->hung);
	sqlite3_bind_int64(s, 9, (int64_t)row->pages);
	sqlite3_bind_int64(s, 10, (int64_t)row->total_ns);
	sqlite3_bind_int64(s, 11, (int64_t)row->max_ns);
	return st_step(st, s);
}

/* store_cpu - a start CPU's part of cpu_stats */
static int store_cpu(struct store *st, const struct tally_row *row)
{
	sqlite3_stmt *s = st->stmt[S_CPU];

	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_text(s, 2, row->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, row->cpu);
	sqlite3_bind_int64(s, 4, (int64_t)row->intervals);
	sqlite3_bind_int64(s, 5, (int64_t)row->total_ns);
	sqlite3_bind_int64(s, 6, (int64_t)row->max_ns);
	sqlite3_bind_int(s, 7, row->max_pid);
	if (row->max_comm)
		sqlite3_bind_text(s, 8, row->max_comm, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 8);
	return st_step(st, s);
}

/**
 * store_tally() - add a task's (@row->cpu < 0) or a CPU's part to its row
 * of task_stats or cpu_stats (upsert)
 * @st: store with an open run
 * @row: what it gained (tally.h)
 *
 * Return: 0 or -1.
 */
int store_tally(struct store *st, const struct tally_row *row)
{
	if (st_begin_txn(st) < 0)
		return -1;
	if ((row->cpu < 0 ? store_task(st, row) : store_cpu(st, row)) < 0)
		return -1;
	return st_row(st, 1);
}
