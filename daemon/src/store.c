// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - the SQLite sink.
 *
 * Owns: the sqlite3 handle, the prepared statements, the row queues, the
 * interned strings and the run transaction. See store.h for the
 * invariants. Pragmas while writing: journal_mode=WAL, synchronous=NORMAL
 * (a crash can lose the last transaction, never corrupt; the run then
 * stays 'importing' and is deleted by the next writer); a bulk run's
 * transaction runs with synchronous=OFF until its final COMMIT.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "embed.h"
#include "log.h"
#include "store.h"

/*
 * Rows of interval_rows and stages are queued and written STORE_ROWS at a
 * time by one multi-row INSERT (the remainder one row per statement):
 * SQLite's per-statement cost is paid once per STORE_ROWS rows. They are
 * INSERT OR ROLLBACK: a statement that can fail half-way (NOT NULL ->
 * ABORT) over several rows keeps a statement journal of every page it
 * touches (16 KiB each, spilled to /var/tmp past 64 KiB: 0.5 MB per
 * 32-row statement while intervals_dur is maintained); a failure fails
 * the run anyway. Interval
 * ids are assigned here (max(id) + 1 when the write transaction begins,
 * BEGIN IMMEDIATE holds the write lock), so stage rows can be queued with
 * their interval's id before it is written.
 */
#define STORE_ROWS	32
#define STORE_CACHE	"-65536"	/* KiB: page cache while writing */
#define STORE_SORT_CACHE "-1024"	/* KiB: CREATE INDEX sorter PMAs */
#define IV_COLS		18	/* interval_rows: id + 17 */
#define SG_COLS		9	/* stages */
#define EV_COLS		11	/* event_rows */

enum {
	S_IV1, S_IVN, S_IVID, S_SG1, S_SGN, S_EV1, S_EVN, S_RANGE, S_LOST,
	S_ORPHAN, S_COUNT, S_STAT, S_STR_GET, S_STR_ADD, S_MAXID, S_FIELD,
	S_NR
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
	" force_break, end_reason, tainted, finished)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18)",
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
};

/* deletes of one run, in dependency order; ?1 = run id, its interval ids
 * are in [?2, ?3] (runs.first_id, last_id: a rowid range, no index) */
static const char *const delete_sql[] = {
	"DELETE FROM stages WHERE interval_id BETWEEN ?2 AND ?3 AND"
	" interval_id IN (SELECT id FROM interval_rows WHERE run_id = ?1"
	" AND id BETWEEN ?2 AND ?3)",
	"DELETE FROM interval_rows WHERE run_id = ?1 AND id BETWEEN ?2 AND ?3",
	"DELETE FROM event_rows WHERE run_id = ?1",
	"DELETE FROM event_fields WHERE run_id = ?1",
	"DELETE FROM ranges WHERE run_id = ?1",
	"DELETE FROM lost WHERE run_id = ?1",
	"DELETE FROM orphans WHERE run_id = ?1",
	"DELETE FROM event_counts WHERE run_id = ?1",
	"DELETE FROM run_stats WHERE run_id = ?1",
	"DELETE FROM runs WHERE id = ?1",
};

/* a bulk run drops intervals_dur and builds it at the end when the table
 * was empty, or once it has written this many rows and at least as many
 * as the table had before: one sort of n rows is cheaper than n random
 * index inserts */
#define DEFER_MIN_ROWS	65536
#define DUR_INDEX_SQL	"CREATE INDEX IF NOT EXISTS intervals_dur" \
			" ON interval_rows(dur_ns)"

/* struct qrow - a queued row: integer values, bit i set = column i NULL */
struct qrow {
	int64_t		v[IV_COLS];
	uint32_t	null;
	bool		own_id;		/* v[0] replaces a row: bind it */
	const char	*text;		/* stages: the stage column */
	char		num[16];	/* stage name fallback: the number */
};

/* struct shadow - what a row statement's parameter holds (bind_int) */
struct shadow {
	int64_t		v;
	uint8_t		state;		/* 0 unknown, 1 NULL, 2 integer v */
};

/* struct istr - an interned string (strings.id), open addressing */
struct istr {
	char		*s;
	uint64_t	h;
	int64_t		id;
};

struct store {
	sqlite3			*db;
	char			*path;
	sqlite3_stmt		*stmt[S_NR];
	struct shadow		*shadow[S_NR];	/* row statements' bindings */
	int64_t			run_id;		/* 0: no run open */
	bool			bulk;		/* one transaction (import) */
	int			in_txn;
	unsigned int		rows;		/* in this transaction */
	int64_t			next_id;	/* next interval id */
	int64_t			run_rows;	/* intervals of this run */
	int64_t			first_id, last_id;	/* its ids, 0: none */
	int64_t			old_rows;	/* ids in the table before */
	bool			dur_deferred;	/* intervals_dur dropped */
	struct qrow		iv[STORE_ROWS];
	int			niv;
	struct qrow		sg[STORE_ROWS];
	int			nsg;
	struct qrow		ev[STORE_ROWS];
	int			nev;
	const char		*ev_name;	/* last event name interned */
	int64_t			ev_id;
	struct istr		*strs;		/* interned strings */
	size_t			nstrs, strcap;	/* used, slots (power of 2) */
	int64_t			path_id[ZAP_NAMES_MAX];
	int64_t			stage_id[ZAP_NAMES_MAX];
	int64_t			kind_id;	/* last kind interned */
	int64_t			comm_id;	/* last comm interned, 0: none */
	char			comm_last[64];
	const char		*kind_ptr;
	struct zap_names	names;
};

/* mono_ms - CLOCK_MONOTONIC in ms (debug timings of bulk runs) */
static double mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* db_err - log one line about a failed SQLite call */
static void db_err(struct store *st, const char *what)
{
	log_warnx("database '%s': %s: %s", st->path, what,
		  sqlite3_errmsg(st->db));
}

/* exec - run constant SQL (no values); -1 on error */
static int exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("database '%s': %s", st->path,
			  msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* user_version - PRAGMA user_version, or -1 */
static int user_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
			       NULL) != SQLITE_OK) {
		db_err(st, "cannot read schema version");
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	else
		db_err(st, "cannot read schema version");
	sqlite3_finalize(s);
	return v;
}

/* migrate - apply migrations user_version..n-1, one transaction each */
static int migrate(struct store *st, int v, bool writable)
{
	char sql[64];

	for (; v < zapd_nmigrations; v++) {
		if (!writable) {
			log_warnx("database '%s': schema version %d is older "
				  "than %d and the database is read-only",
				  st->path, v, zapd_nmigrations);
			return -1;
		}
		log_debug("applying migration %s", zapd_migrations[v].name);
		if (exec(st, "BEGIN IMMEDIATE") < 0)
			return -1;
		/* the version is our own integer, PRAGMA takes no params */
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(st, zapd_migrations[v].text) < 0 ||
		    exec(st, sql) < 0 || exec(st, "COMMIT") < 0) {
			exec(st, "ROLLBACK");
			return -1;
		}
	}
	return 0;
}

/*
 * delete_run - every row of run @id (inside the caller's transaction);
 * its interval ids are in [@lo, @hi]
 */
static int delete_run(struct store *st, int64_t id, int64_t lo, int64_t hi)
{
	sqlite3_stmt *d;
	size_t j;
	int ret = 0;

	for (j = 0; j < sizeof(delete_sql) / sizeof(delete_sql[0]); j++) {
		if (sqlite3_prepare_v2(st->db, delete_sql[j], -1, &d,
				       NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int64(d, 1, id);
		sqlite3_bind_int64(d, 2, lo);
		sqlite3_bind_int64(d, 3, hi);
		if (sqlite3_step(d) != SQLITE_DONE)
			ret = -1;
		sqlite3_finalize(d);
	}
	return ret;
}

/*
 * reap_stale - settle runs left 'importing' by a writer that is gone (kill
 * -9, crash). A live run holds everything committed up to its last
 * commit: keep it, marked done and incomplete. An import is deleted: a
 * bulk import commits its rows only with state = 'done', so there is
 * usually nothing but the run row; without first_id (rows inserted by
 * other means) the whole table is searched.
 */
static int reap_stale(struct store *st)
{
	sqlite3_stmt *s;
	int64_t ids[64], lo[64], hi[64];
	bool live[64];
	int n = 0, i, ret = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id, importer_pid, first_id,"
			       " last_id, source = 'live' FROM runs"
			       " WHERE state = 'importing'",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW && n < 64) {
		pid_t pid = (pid_t)sqlite3_column_int64(s, 1);

		if (pid > 0 && pid != getpid() && (kill(pid, 0) == 0 ||
						    errno == EPERM))
			continue;	/* its writer is still running */
		ids[n] = sqlite3_column_int64(s, 0);
		lo[n] = sqlite3_column_type(s, 2) == SQLITE_NULL ? INT64_MIN :
			sqlite3_column_int64(s, 2);
		hi[n] = sqlite3_column_type(s, 3) == SQLITE_NULL ? INT64_MAX :
			sqlite3_column_int64(s, 3);
		live[n] = sqlite3_column_int(s, 4);
		n++;
	}
	sqlite3_finalize(s);
	if (!n)
		return 0;
	if (exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	for (i = 0; i < n && !ret; i++) {
		if (!live[i]) {
			log_warnx("database '%s': deleting run %lld left "
				  "incomplete by an interrupted import",
				  st->path, (long long)ids[i]);
			ret = delete_run(st, ids[i], lo[i], hi[i]);
			continue;
		}
		log_warnx("database '%s': live run %lld was interrupted: kept "
			  "up to its last commit, marked incomplete", st->path,
			  (long long)ids[i]);
		if (sqlite3_prepare_v2(st->db, "UPDATE runs SET state = 'done',"
				       " complete = 0, importer_pid = NULL"
				       " WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
			ret = -1;
		else {
			sqlite3_bind_int64(s, 1, ids[i]);
			if (sqlite3_step(s) != SQLITE_DONE)
				ret = -1;
			sqlite3_finalize(s);
		}
	}
	if (ret || exec(st, "COMMIT") < 0) {
		db_err(st, "cannot settle an interrupted run");
		exec(st, "ROLLBACK");
		return -1;
	}
	return 0;
}

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

/* prepare_all - the persistent statements of a writable store */
static int prepare_all(struct store *st)
{
	char *multi[S_NR] = { 0 };
	int i, ret = 0;

	multi[S_IVN] = build_multi(IV_INSERT, IV_COLS - 1, STORE_ROWS);
	multi[S_SGN] = build_multi(SG_INSERT, SG_COLS, STORE_ROWS);
	multi[S_EVN] = build_multi(EV_INSERT, EV_COLS, STORE_ROWS);
	for (i = 0; i < S_NR && !ret; i++) {
		const char *sql = stmt_sql[i] ? stmt_sql[i] : multi[i];

		if (!sql ||
		    sqlite3_prepare_v3(st->db, sql, -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK) {
			db_err(st, "cannot prepare statement");
			ret = -1;
		}
	}
	free(multi[S_IVN]);
	free(multi[S_SGN]);
	free(multi[S_EVN]);
	for (i = 0; i < S_NR && !ret; i++) {
		if (i != S_IV1 && i != S_IVN && i != S_IVID && i != S_SG1 &&
		    i != S_SGN && i != S_EV1 && i != S_EVN)
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

/* strs_clear - forget interned ids (after a rollback they may be gone) */
static void strs_clear(struct store *st)
{
	size_t i;

	for (i = 0; st->strs && i < st->strcap; i++)
		free(st->strs[i].s);
	if (st->strs)
		memset(st->strs, 0, st->strcap * sizeof(*st->strs));
	st->nstrs = 0;
	st->comm_id = 0;
	st->ev_name = NULL;
	memset(st->path_id, 0, sizeof(st->path_id));
	memset(st->stage_id, 0, sizeof(st->stage_id));
	st->kind_ptr = NULL;
}

/**
 * store_open() - open (and create/migrate) a zapd database
 * @path: database file
 * @mode: STORE_RW to create/migrate/write, STORE_RO to read an existing one
 *
 * Refuses a database whose user_version is newer than the migrations
 * compiled in. Logs one line on failure.
 *
 * Return: the store, or NULL.
 */
struct store *store_open(const char *path, enum store_mode mode)
{
	struct store *st = calloc(1, sizeof(*st));
	int flags, v;

	if (!st)
		return NULL;
	st->path = strdup(path);
	if (!st->path)
		goto fail;
	/* one thread uses a store at a time: no per-call mutex */
	flags = (mode == STORE_RW ?
		 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
		 SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
	if (mode == STORE_RO && access(path, F_OK) < 0) {
		log_warn("cannot open database '%s'", path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		log_warnx("cannot open database '%s': %s", path,
			  st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	v = user_version(st);
	if (v < 0)
		goto fail;
	if (v > zapd_nmigrations) {
		log_warnx("database '%s' has schema version %d, newer than "
			  "this zapd knows (%d): upgrade zapd", path, v,
			  zapd_nmigrations);
		goto fail;
	}
	if (mode == STORE_RO && v == 0) {
		log_warnx("'%s' is not a zapd database (schema version 0): "
			  "zapd import creates one", path);
		goto fail;
	}
	if (mode == STORE_RW) {
		/* a new database: 16 KiB pages (4x fewer page writes and
		 * B-tree splits than 4 KiB; must precede WAL mode) */
		if (v == 0 && exec(st, "PRAGMA page_size = 16384") < 0)
			goto fail;
		if (exec(st, "PRAGMA journal_mode = WAL") < 0 ||
		    exec(st, "PRAGMA synchronous = NORMAL") < 0 ||
		    exec(st, "PRAGMA cache_size = " STORE_CACHE) < 0 ||
		    exec(st, "PRAGMA journal_size_limit = 67108864") < 0 ||
		    exec(st, "PRAGMA secure_delete = OFF") < 0)
			goto fail;
	}
	if (migrate(st, v, mode == STORE_RW) < 0)
		goto fail;
	if (mode == STORE_RO)
		return st;
	/* a bulk import that died between its two commits left its rows
	 * (reaped here) and no intervals_dur (built again here) */
	if (reap_stale(st) < 0 ||
	    exec(st, DUR_INDEX_SQL) < 0)
		goto fail;
	if (prepare_all(st) < 0)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

/**
 * store_close() - close the database (aborts an open run)
 * @st: store (NULL is fine)
 */
void store_close(struct store *st)
{
	int i;

	if (!st)
		return;
	if (st->run_id)
		store_run_abort(st);
	for (i = 0; i < S_NR; i++) {
		sqlite3_finalize(st->stmt[i]);
		free(st->shadow[i]);
	}
	strs_clear(st);
	free(st->strs);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/**
 * store_db() - the underlying sqlite3 handle (for read-only queries)
 * @st: store
 *
 * Return: a sqlite3 *, as void * so callers need not include sqlite3.h.
 */
void *store_db(struct store *st)
{
	return st->db;
}

/**
 * store_set_names() - symbolic names used for path and stage columns
 * @st: store
 * @names: copied; a NULL name makes the number be stored as text
 */
void store_set_names(struct store *st, const struct zap_names *names)
{
	st->names = *names;
}

/**
 * store_find_run() - look a file run up by content hash
 * @st: store
 * @hash: content hash
 * @id: set to the run id when found
 * @state: if not NULL, set to a malloc'd copy of runs.state when found
 *
 * Return: 1 found, 0 not found, -1 error.
 */
int store_find_run(struct store *st, const char *hash, int64_t *id,
		   char **state)
{
	sqlite3_stmt *s;
	int ret;

	if (sqlite3_prepare_v2(st->db, "SELECT id, state FROM runs"
			       " WHERE hash = ?1", -1, &s, NULL) != SQLITE_OK) {
		db_err(st, "cannot look up run");
		return -1;
	}
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	ret = sqlite3_step(s);
	if (ret == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		if (state)
			*state = strdup((const char *)
					sqlite3_column_text(s, 1));
		ret = 1;
	} else if (ret == SQLITE_DONE) {
		ret = 0;
	} else {
		db_err(st, "cannot look up run");
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
}

/* step - run a statement with all its parameters bound, and reset it */
static int step(struct store *st, sqlite3_stmt *s)
{
	int ret = sqlite3_step(s);

	sqlite3_reset(s);
	if (ret != SQLITE_DONE && ret != SQLITE_ROW) {
		db_err(st, "write failed");
		if (st->in_txn && sqlite3_get_autocommit(st->db)) {
			/* OR ROLLBACK (or SQLite) ended the transaction */
			st->in_txn = 0;
			st->niv = st->nsg = st->nev = 0;
			strs_clear(st);
		}
		return -1;
	}
	return 0;
}

/* step_clear - step(), then unbind (statements binding only some) */
static int step_clear(struct store *st, int which)
{
	int ret = step(st, st->stmt[which]);

	sqlite3_clear_bindings(st->stmt[which]);
	return ret;
}

/*
 * begin_txn - open the write transaction if none is open (BEGIN
 * IMMEDIATE: the write lock is ours until COMMIT, so max(id) + 1 stays
 * free for the interval ids assigned here)
 */
static int begin_txn(struct store *st)
{
	sqlite3_stmt *s = st->stmt[S_MAXID];

	if (st->in_txn)
		return 0;
	if (exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	st->in_txn = 1;
	st->rows = 0;
	if (sqlite3_step(s) != SQLITE_ROW) {
		db_err(st, "cannot read interval ids");
		sqlite3_reset(s);
		return -1;
	}
	st->next_id = sqlite3_column_int64(s, 0) + 1;
	sqlite3_reset(s);
	return 0;
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
	if (begin_txn(st) < 0)
		return -1;
	q = st->stmt[S_STR_GET];
	sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (id < 0) {
		q = st->stmt[S_STR_ADD];
		sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
		if (step(st, q) < 0)
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

/*
 * Bound values stay bound across sqlite3_reset() (and a re-prepare), and
 * binding costs SQLite more than the INSERT's own work per column: the
 * integers each parameter of a row statement holds are remembered, and a
 * parameter is bound again only when its value changes (run_id, kind,
 * cpu, pid, comm, mm, path, flags... repeat from row to row).
 */
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
		ret = step(st, s);
	} else {
		s = st->stmt[s1];
		for (i = 0; i < *n && !ret; i++) {
			bind_row(st, s1, 0, &q[i], 0, ncols, textcol);
			ret = step(st, s);
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
		if (step(st, s) < 0)
			return -1;
		return appended(st, st->iv[n - 1].v[0]);
	}
	for (i = 0; i < n && !ret; i++) {
		const struct qrow *r = &st->iv[i];

		s = st->stmt[r->own_id ? S_IVID : S_IV1];
		bind_row(st, r->own_id ? S_IVID : S_IV1, 0, r,
			 r->own_id ? 0 : 1, IV_COLS, -1);
		ret = step(st, s);
		if (!ret && !r->own_id)
			ret = appended(st, r->v[0]);
	}
	return ret;
}

/*
 * flush_iv - write the queued intervals. A bulk run into an empty table,
 * or one that has written DEFER_MIN_ROWS rows and at least as many as the
 * table held before it, drops intervals_dur (inside its transaction):
 * store_run_end() builds it again with one sort.
 */
static int flush_iv(struct store *st)
{
	int n = st->niv;

	if (!n)
		return 0;
	if (write_iv(st) < 0)
		return -1;
	st->run_rows += n;
	if (st->bulk && !st->dur_deferred && (!st->old_rows ||
	    (st->run_rows >= DEFER_MIN_ROWS && st->run_rows >= st->old_rows))) {
		log_debug("run %lld: building intervals_dur at the end",
			  (long long)st->run_id);
		if (exec(st, "DROP INDEX IF EXISTS intervals_dur") < 0)
			return -1;
		st->dur_deferred = true;
	}
	return 0;
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

/* flush - write every queued row */
static int flush(struct store *st)
{
	if (flush_iv(st) < 0 || flush_sg(st) < 0 || flush_ev(st) < 0)
		return -1;
	return 0;
}

/* exec_id3 - run @sql with ?1..?3 = @a, @b, @c; -1 on error */
static int exec_id3(struct store *st, const char *sql, int64_t a, int64_t b,
		    int64_t c)
{
	sqlite3_stmt *s;
	int ret;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_err(st, "cannot prepare statement");
		return -1;
	}
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	sqlite3_bind_int64(s, 3, c);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (ret)
		db_err(st, "write failed");
	sqlite3_finalize(s);
	return ret;
}

#define exec_id(st, sql, a, b)	exec_id3(st, sql, a, b, 0)

/* id_range - runs.first_id/last_id of the open run (what it wrote) */
static int id_range(struct store *st)
{
	if (!st->run_id || !st->first_id)
		return 0;
	return exec_id3(st, "UPDATE runs SET first_id = ?2, last_id = ?3"
			" WHERE id = ?1", st->run_id, st->first_id,
			st->last_id);
}

/* commit_txn - flush and COMMIT the open transaction (with the run's id
 * range: every committed interval row is inside it) */
static int commit_txn(struct store *st)
{
	if (!st->in_txn)
		return 0;
	if (flush(st) < 0 || id_range(st) < 0 || exec(st, "COMMIT") < 0)
		return -1;
	st->in_txn = 0;
	st->rows = 0;
	return 0;
}

/* row - account @n rows; a non-bulk run commits every STORE_BATCH */
static int row(struct store *st, unsigned int n)
{
	st->rows += n;
	if (st->bulk || st->rows < STORE_BATCH)
		return 0;
	return commit_txn(st);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
}

/* bulk_off - the pragmas of a non-bulk store again (outside a txn) */
static void bulk_off(struct store *st)
{
	if (!st->bulk)
		return;
	exec(st, "PRAGMA synchronous = NORMAL");
	exec(st, "PRAGMA wal_autocheckpoint = 1000");
	st->bulk = false;
}

/**
 * store_run_begin() - insert a run row (state 'importing') and commit it
 * @st: store
 * @ri: run description; @ri->bulk: write the whole run in one transaction
 *	(see store.h)
 * @run_id: set to the new run's id
 *
 * Return: 0 or -1.
 */
int store_run_begin(struct store *st, const struct run_info *ri,
		    int64_t *run_id)
{
	sqlite3_stmt *s = NULL;
	int ret = -1;

	if (exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO runs (source, path, hash,"
			       " size, label, kernel, host, clock, buffers,"
			       " importer_pid) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
			       " ?7, ?8, ?9, ?10)", -1, &s, NULL) != SQLITE_OK)
		goto out;
	bind_text(s, 1, ri->source);
	bind_text(s, 2, ri->path);
	bind_text(s, 3, ri->hash);
	sqlite3_bind_int64(s, 4, ri->size);
	bind_text(s, 5, ri->label);
	bind_text(s, 6, ri->kernel);
	bind_text(s, 7, ri->host);
	bind_text(s, 8, ri->clock);
	bind_text(s, 9, ri->buffers);
	sqlite3_bind_int64(s, 10, getpid());
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	st->run_id = sqlite3_last_insert_rowid(st->db);
	/* commit the 'importing' marker so a crash leaves a reapable row */
	if (exec(st, "COMMIT") < 0)
		goto out;
	st->bulk = ri->bulk;
	st->run_rows = 0;
	st->first_id = st->last_id = 0;
	st->dur_deferred = false;
	st->niv = st->nsg = st->nev = 0;
	if (st->bulk) {
		/* nothing of the run is committed before store_run_end(): a
		 * crash rolls it back and the run row is reaped, so the
		 * transaction needs no fsync (the final COMMIT has one) */
		if (exec(st, "PRAGMA synchronous = OFF") < 0 ||
		    exec(st, "PRAGMA wal_autocheckpoint = 0") < 0 ||
		    begin_txn(st) < 0)
			goto out;
		st->old_rows = st->next_id - 1;
	}
	*run_id = st->run_id;
	ret = 0;
out:
	if (ret < 0) {
		db_err(st, "cannot create run");
		if (st->run_id)
			store_run_abort(st);
		else
			exec(st, "ROLLBACK");
	}
	sqlite3_finalize(s);
	return ret;
}

/*
 * fill_iv - queue @iv as interval_rows row @id; @open: the watchdog's;
 * @replace: @id is an old row's (deleted), else the next one appended
 */
static int fill_iv(struct store *st, const struct zap_interval *iv,
		   const char *comm, int64_t id, bool open, bool replace)
{
	struct qrow *r;
	uint64_t f = 0;
	int64_t kind, cid = 0, path = 0, last = 0;
	int i, delay = 0;

	if (begin_txn(st) < 0)
		return -1;
	if (iv->kind != st->kind_ptr) {
		st->kind_id = intern(st, iv->kind);
		st->kind_ptr = iv->kind;
	}
	kind = st->kind_id;
	if (comm && st->comm_id && !strcmp(comm, st->comm_last)) {
		cid = st->comm_id;	/* the same task as last time */
	} else if (comm) {
		cid = intern(st, comm);
		snprintf(st->comm_last, sizeof(st->comm_last), "%s", comm);
		st->comm_id = strlen(comm) < sizeof(st->comm_last) ? cid : 0;
	}
	if (!open && iv->finished && iv->pair < 0 && iv->path >= 0)
		path = name_id(st, st->names.path, st->path_id, iv->path);
	if (iv->last_stage >= 0)
		last = name_id(st, st->names.stage, st->stage_id,
			       iv->last_stage);
	if (kind < 0 || cid < 0 || path < 0 || last < 0)
		return -1;
	if (st->niv == STORE_ROWS && flush_iv(st) < 0)
		return -1;
	r = &st->iv[st->niv++];
	r->null = 0;
	r->own_id = replace;
	r->v[0] = id;
	if (!st->first_id || id < st->first_id)
		st->first_id = id;
	if (id > st->last_id)
		st->last_id = id;
	r->v[1] = st->run_id;
	r->v[2] = kind;
	r->v[3] = iv->cpu;
	r->v[4] = iv->done_cpu;
	if (iv->done_cpu < 0)
		r->null |= 1u << 4;
	r->v[5] = iv->pid;
	r->v[6] = cid;
	if (!comm)
		r->null |= 1u << 6;
	if (iv->pair < 0) {
		for (i = 0; i < iv->nstages; i++)
			delay |= !!(iv->stages[i].flags & ZF_DELAY_RMAP);
		r->v[7] = (int64_t)iv->mm;
		r->v[8] = (int64_t)iv->addr;
		r->v[9] = (int64_t)iv->pfn;
		f |= 1u << 2;
		f |= (uint64_t)!!(iv->flags & ZF_PAGE) << 3;
		f |= (uint64_t)!!(iv->flags & ZF_ANON) << 4;
		f |= (uint64_t)!!(iv->flags & ZF_FORCE_FLUSH) << 5;
		f |= (uint64_t)!!(iv->flags & ZF_FORCE_BREAK) << 6;
		f |= (uint64_t)delay << 7;
		f |= (uint64_t)(iv->order & 255) << 16;
		f |= (uint64_t)iv->max_nr << 24;
	} else {
		r->null |= 1u << 7 | 1u << 8 | 1u << 9;
	}
	if (!open && iv->finished) {
		r->v[10] = iv->nr;
		if (iv->pair >= 0)
			r->null |= 1u << 10;
		r->v[11] = path;
		if (!path)
			r->null |= 1u << 11;
		r->v[13] = (int64_t)(iv->end_ns - iv->start_ns);
		r->null |= 1u << 14;	/* end_ns = start_ns + dur_ns */
	} else {
		r->null |= 1u << 10 | 1u << 11 | 1u << 13;
		r->v[14] = (int64_t)iv->end_ns;
		if (open)
			r->null |= 1u << 14;
	}
	r->v[12] = (int64_t)iv->start_ns;
	r->v[15] = last;
	if (!last)
		r->null |= 1u << 15;
	r->v[16] = !open && iv->finished;
	f |= (uint64_t)(!open && iv->tainted);
	f |= (uint64_t)!!iv->migrated << 1;
	f |= (uint64_t)(open ? 5 : (iv->why & 7)) << 8;
	f |= (uint64_t)(iv->nstages & 15) << 12;
	r->v[17] = (int64_t)f;
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

	if (begin_txn(st) < 0)
		return -1;
	id = st->next_id++;
	if (fill_iv(st, iv, comm, id, false, false) < 0 ||
	    fill_stages(st, iv, id) < 0)
		return -1;
	return row(st, 1 + iv->nstages);
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

	if (begin_txn(st) < 0)
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
	return row(st, 1);
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

	if (begin_txn(st) < 0)
		return -1;
	id = intern(st, name);
	if (id < 0)
		return -1;
	for (i = 0; i < n && i < EXT_MAX_ARGS; i++) {
		sqlite3_bind_int64(s, 1, st->run_id);
		sqlite3_bind_int64(s, 2, id);
		sqlite3_bind_int(s, 3, i);
		sqlite3_bind_text(s, 4, fields[i], -1, SQLITE_STATIC);
		if (step(st, s) < 0)
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

	if (begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_int(s, 2, r->cpu);
	if (r->unlock_cpu >= 0)
		sqlite3_bind_int(s, 3, r->unlock_cpu);
	sqlite3_bind_int(s, 4, r->pid);
	bind_text(s, 5, comm);
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
	if (step_clear(st, S_RANGE) < 0)
		return -1;
	return row(st, 1);
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

	if (begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, buffer);
	sqlite3_bind_int(s, 3, cpu);
	if (ts_ns >= 0)
		sqlite3_bind_int64(s, 4, ts_ns);
	if (count >= 0)
		sqlite3_bind_int64(s, 5, count);
	bind_text(s, 6, source);
	if (step_clear(st, S_LOST) < 0)
		return -1;
	return row(st, 1);
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

	if (begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, o->name);
	sqlite3_bind_int(s, 3, o->cpu);
	sqlite3_bind_int(s, 4, o->pid);
	bind_text(s, 5, comm);
	sqlite3_bind_int64(s, 6, (int64_t)o->ts_ns);
	sqlite3_bind_int64(s, 7, (int64_t)o->mm);
	sqlite3_bind_int64(s, 8, (int64_t)o->addr);
	if (step_clear(st, S_ORPHAN) < 0)
		return -1;
	return row(st, 1);
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

	if (begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, buffer);
	bind_text(s, 3, system);
	bind_text(s, 4, event);
	sqlite3_bind_int(s, 5, cpu);
	sqlite3_bind_int64(s, 6, count);
	if (step_clear(st, S_COUNT) < 0)
		return -1;
	return row(st, 1);
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

	if (begin_txn(st) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, name);
	sqlite3_bind_int64(s, 3, value);
	if (step_clear(st, S_STAT) < 0)
		return -1;
	return row(st, 1);
}

/**
 * store_engine_stats() - set the pairing engine's counters of the run
 * @st: store with an open run
 * @es: engine_stats() of the run's engine
 *
 * The counters every source stores (import and live add their own with
 * store_stat()).
 *
 * Return: 0 or -1.
 */
int store_engine_stats(struct store *st, const struct engine_stats *es)
{
	const struct { const char *name; uint64_t v; } c[] = {
		{ "intervals",		es->intervals },
		{ "finished",		es->finished },
		{ "unfinished",		es->unfinished },
		{ "tainted",		es->tainted },
		{ "migrated",		es->migrated },
		{ "ranges",		es->ranges },
		{ "ranges_finished",	es->ranges_finished },
		{ "orphans",		es->orphans },
		{ "restarts",		es->restarts },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (store_stat(st, c[i].name, (int64_t)c[i].v) < 0)
			return -1;
	return 0;
}

/*
 * build_dur_index - a bulk run that dropped intervals_dur builds it:
 * CREATE INDEX sorts in PMAs of the cache size. SQLite's in-memory merge
 * sort walks linked lists, so PMAs larger than the CPU cache are several
 * times slower: a small cache (and temp files, not temp_store = MEMORY)
 * for the sort, then the cache size back.
 */
static int build_dur_index(struct store *st)
{
	int ret;

	double t0 = mono_ms();

	if (!st->dur_deferred)
		return 0;
	if (exec(st, "PRAGMA cache_size = " STORE_SORT_CACHE) < 0)
		return -1;
	ret = exec(st, DUR_INDEX_SQL);
	if (exec(st, "PRAGMA cache_size = " STORE_CACHE) < 0)
		ret = -1;
	if (!ret)
		st->dur_deferred = false;
	log_debug("run %lld: intervals_dur built in %.0f ms",
		  (long long)st->run_id, mono_ms() - t0);
	return ret;
}

/* struct ckpt - a PASSIVE checkpoint on its own connection and thread */
struct ckpt {
	pthread_t	th;
	const char	*path;
	double		ms;
	bool		started;
};

static void *ckpt_main(void *arg)
{
	struct ckpt *ck = arg;
	double t0 = mono_ms();
	sqlite3 *db = NULL;

	int rc, nlog = -1, nck = -1;

	rc = sqlite3_open_v2(ck->path, &db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	/* a new connection is in WAL mode once it has read the database */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(db, NULL,
					       SQLITE_CHECKPOINT_PASSIVE,
					       &nlog, &nck);
	if (rc != SQLITE_OK)
		log_debug("background checkpoint: %s", db ?
			  sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	ck->ms = mono_ms() - t0;
	return NULL;
}

/* ckpt_start - checkpoint what is committed, in the background */
static void ckpt_start(struct ckpt *ck, const char *path)
{
	ck->path = path;
	ck->started = !pthread_create(&ck->th, NULL, ckpt_main, ck);
}

static void ckpt_join(struct ckpt *ck)
{
	if (!ck->started)
		return;
	pthread_join(ck->th, NULL);
	ck->started = false;
	log_debug("background checkpoint: %.0f ms", ck->ms);
}

/**
 * store_run_end() - finish the run: fill in its totals, state = 'done',
 * commit
 * @st: store with an open run
 * @re: totals
 *
 * Return: 0, or -1 (the run is then aborted).
 */
int store_run_end(struct store *st, const struct run_end *re)
{
	struct ckpt ck = { .started = false };
	sqlite3_stmt *s = NULL;
	double t0 = mono_ms();
	int ret = -1;

	log_debug("run %lld: ending (%lld intervals)", (long long)st->run_id,
		  (long long)st->run_rows);
	if (begin_txn(st) < 0 || flush(st) < 0)
		goto out;
	if (st->dur_deferred) {
		/*
		 * The rows first, without intervals_dur (the run is still
		 * 'importing': a crash now is reaped like any, and the next
		 * writer builds a missing intervals_dur). Another connection
		 * checkpoints them while this one sorts the index.
		 */
		if (commit_txn(st) < 0)
			goto out;
		ckpt_start(&ck, st->path);
		if (begin_txn(st) < 0 || build_dur_index(st) < 0)
			goto out;
	}
	if (sqlite3_prepare_v2(st->db, "UPDATE runs SET state = 'done',"
			       " importer_pid = NULL, complete = ?2,"
			       " first_ts = ?3, last_ts = ?4, events = ?5,"
			       " zap_events = ?6 WHERE id = ?1", -1, &s,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_int(s, 2, re->complete);
	if (re->events) {
		sqlite3_bind_int64(s, 3, (int64_t)re->first_ts);
		sqlite3_bind_int64(s, 4, (int64_t)re->last_ts);
	}
	sqlite3_bind_int64(s, 5, (int64_t)re->events);
	sqlite3_bind_int64(s, 6, (int64_t)re->zap_events);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	if (commit_txn(st) < 0)
		goto out;
	ckpt_join(&ck);
	log_debug("run %lld: committed (%.0f ms)", (long long)st->run_id,
		  mono_ms() - t0);
	st->run_id = 0;
	ret = 0;
	if (st->bulk) {
		/* as durable as a synchronous = NORMAL commit: the WAL holds
		 * the whole run; checkpoint it (fsync) and shrink it */
		bulk_off(st);
		exec(st, "PRAGMA wal_checkpoint(TRUNCATE)");
		log_debug("checkpointed (%.0f ms)", mono_ms() - t0);
	}
	exec(st, "PRAGMA optimize");
	log_debug("run end: %.0f ms", mono_ms() - t0);
out:
	ckpt_join(&ck);
	if (ret < 0) {
		db_err(st, "cannot finish run");
		store_run_abort(st);
	}
	sqlite3_finalize(s);
	return ret;
}

/**
 * store_run_abort() - roll back and delete everything of the open run
 * @st: store
 */
void store_run_abort(struct store *st)
{
	if (!st->run_id)
		return;
	st->niv = st->nsg = st->nev = 0;
	if (st->in_txn) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		strs_clear(st);	/* ids interned in it are gone */
	}
	st->in_txn = 0;
	st->dur_deferred = false;
	bulk_off(st);
	if (exec(st, "BEGIN IMMEDIATE") < 0)
		goto out;
	/* committed interval rows of the run: ids in [first_id, last_id];
	 * intervals_dur is missing if it failed after its rows' commit */
	if (delete_run(st, st->run_id, st->first_id ? st->first_id : 1,
		       st->first_id ? st->last_id : 0) < 0 ||
	    exec(st, DUR_INDEX_SQL) < 0 || exec(st, "COMMIT") < 0)
		exec(st, "ROLLBACK");
out:
	st->run_id = 0;
}

/**
 * store_commit() - commit what the open run wrote so far (live source);
 * a bulk run commits once, in store_run_end(): no-op
 * @st: store with an open run
 *
 * Return: 0 or -1.
 */
int store_commit(struct store *st)
{
	if (st->bulk)
		return 0;
	return commit_txn(st);
}

/**
 * store_interval_open() - write an interval that is still open (the live
 * watchdog): finished = 0, end_reason 'open', no end time
 * @st: store with an open run
 * @iv: the open interval (engine_walk_open())
 * @comm: task name or NULL
 * @id: set to the row id, for store_interval_close()
 *
 * Return: 0 or -1.
 */
int store_interval_open(struct store *st, const struct zap_interval *iv,
			const char *comm, int64_t *id)
{
	if (begin_txn(st) < 0)
		return -1;
	*id = st->next_id++;
	if (fill_iv(st, iv, comm, *id, true, false) < 0 ||
	    fill_stages(st, iv, *id) < 0 || flush(st) < 0)
		return -1;
	return row(st, 1 + iv->nstages);
}

/**
 * store_interval_close() - replace a row of store_interval_open() by the
 * interval's final state, keeping its id
 * @st: store with an open run
 * @id: the row id
 * @iv: the interval, as emitted by the engine
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_interval_close(struct store *st, int64_t id,
			 const struct zap_interval *iv, const char *comm)
{
	if (begin_txn(st) < 0 || flush(st) < 0 ||
	    exec_id(st, "DELETE FROM stages WHERE interval_id = ?1", id,
		    0) < 0 ||
	    exec_id(st, "DELETE FROM interval_rows WHERE id = ?1", id, 0) < 0)
		return -1;
	if (fill_iv(st, iv, comm, id, false, true) < 0 ||
	    fill_stages(st, iv, id) < 0 || flush(st) < 0)
		return -1;
	return row(st, 1 + iv->nstages);
}
