// SPDX-License-Identifier: GPL-2.0
/*
 * store-db.c - opening a zapd database: pragmas, schema migrations and
 * the recovery of runs whose writer died (see the essay in store.c).
 *
 * Owns: the sqlite3 handle's life (store_open .. store_close), PRAGMA
 * user_version (= the number of schema/NNN-*.sql migrations applied, one
 * transaction each), the writer pragmas, the deletion of a run, and the
 * failure lines (st_failed(): one line per failure).
 *
 * Invariants:
 *  - no connection checkpoints at close (it would write-lock the file: a
 *    reader opening meanwhile fails); a writable store checkpoints
 *    before closing, never waiting for a reader;
 *  - after the first failure line of a store, its later errors are debug
 *    lines (store_said()).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

#include "embed.h"
#include "log.h"
#include "store-int.h"

/* deletes of one run, in dependency order; ?1 = run id, its interval ids
 * are in [?2, ?3] (runs.first_id, last_id: a rowid range, no index) */
static const char *const delete_sql[] = {
	"DELETE FROM stages WHERE interval_id BETWEEN ?2 AND ?3 AND"
	" interval_id IN (SELECT id FROM interval_rows WHERE run_id = ?1"
	" AND id BETWEEN ?2 AND ?3)",
	"DELETE FROM interval_why WHERE interval_id BETWEEN ?2 AND ?3 AND"
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
	"DELETE FROM histograms WHERE run_id = ?1",
	"DELETE FROM task_stats WHERE run_id = ?1",
	"DELETE FROM cpu_stats WHERE run_id = ?1",
	"DELETE FROM runs WHERE id = ?1",
};

/*
 * st_failed - a failed SQLite call: one line for the store's first
 * failure (its cause: "database or disk is full"), debug lines for what
 * fails after it (the rollback, the end of the run), so every failure is
 * one line; a transaction SQLite ended itself (SQLITE_FULL, IOERR, OR
 * ROLLBACK) is forgotten with what was queued and interned in it
 */
static void st_failed(struct store *st, const char *what, const char *msg)
{
	/* SQLite says "disk I/O error" when the -shm file cannot grow */
	const char *nospc = sqlite3_system_errno(st->db) == ENOSPC &&
			    !strstr(msg, "full") ? " (no space left on device)" :
			    "";

	if (st->said) {
		log_debug("database '%s': %s%s%s%s", st->path,
			  what ? what : "", what ? ": " : "", msg, nospc);
	} else {
		log_warnx("database '%s': %s%s%s%s", st->path,
			  what ? what : "", what ? ": " : "", msg, nospc);
		st->said = true;
	}
	if (st->in_txn && sqlite3_get_autocommit(st->db)) {
		st->in_txn = 0;
		st->niv = st->nsg = st->nev = st->nwh = 0;
		st_strs_clear(st);
	}
}

/* st_db_err - log one line about a failed SQLite call (see st_failed) */
void st_db_err(struct store *st, const char *what)
{
	st_failed(st, what, sqlite3_errmsg(st->db));
}

/* st_exec - run constant SQL (no values); -1 on error */
int st_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		st_failed(st, NULL, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* st_rollback - end the open transaction, if SQLite has not; quiet */
void st_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* user_version - PRAGMA user_version, or -1 */
static int user_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
			       NULL) != SQLITE_OK) {
		st_db_err(st, "cannot read schema version");
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	else
		st_db_err(st, "cannot read schema version");
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
		if (st_exec(st, "BEGIN IMMEDIATE") < 0)
			return -1;
		/* the version is our own integer, PRAGMA takes no params */
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (st_exec(st, zapd_migrations[v].text) < 0 ||
		    st_exec(st, sql) < 0 || st_exec(st, "COMMIT") < 0) {
			st_rollback(st);
			return -1;
		}
	}
	return 0;
}

/*
 * st_delete_run - every row of run @id (inside the caller's transaction);
 * its interval ids are in [@lo, @hi]
 */
int st_delete_run(struct store *st, int64_t id, int64_t lo, int64_t hi)
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
	if (st_exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	for (i = 0; i < n && !ret; i++) {
		if (!live[i]) {
			log_warnx("database '%s': deleting run %lld left "
				  "incomplete by an interrupted import",
				  st->path, (long long)ids[i]);
			ret = st_delete_run(st, ids[i], lo[i], hi[i]);
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
	if (ret || st_exec(st, "COMMIT") < 0) {
		st_db_err(st, "cannot settle an interrupted run");
		st_rollback(st);
		return -1;
	}
	return 0;
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
	/* never the close-time checkpoint: it write-locks the database
	 * file, and a reader opening meanwhile fails at once (docs/schema.md,
	 * "Readers"); a writer checkpoints itself (store_close()) */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	st->rw = mode == STORE_RW;
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
		if (v == 0 && st_exec(st, "PRAGMA page_size = 16384") < 0)
			goto fail;
		if (st_exec(st, "PRAGMA journal_mode = WAL") < 0 ||
		    st_exec(st, "PRAGMA synchronous = NORMAL") < 0 ||
		    st_exec(st, "PRAGMA cache_size = " STORE_CACHE) < 0 ||
		    st_exec(st, "PRAGMA journal_size_limit = 67108864") < 0 ||
		    st_exec(st, "PRAGMA secure_delete = OFF") < 0)
			goto fail;
	}
	if (migrate(st, v, mode == STORE_RW) < 0)
		goto fail;
	if (mode == STORE_RO)
		return st;
	/* a bulk import of an older zapd that died between its two commits
	 * left its rows (reaped here) and no intervals_dur (built here) */
	if (reap_stale(st) < 0 ||
	    st_exec(st, DUR_INDEX_SQL) < 0)
		goto fail;
	if (st_prepare_all(st) < 0)
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
	/* what the close would have checkpointed; without waiting for a
	 * reader (then as much as it can: the rest stays in the WAL) */
	if (st->rw && st->db) {
		sqlite3_busy_timeout(st->db, 0);
		if (sqlite3_wal_checkpoint_v2(st->db, NULL,
					      SQLITE_CHECKPOINT_TRUNCATE, NULL,
					      NULL) != SQLITE_OK)
			log_debug("database '%s': checkpoint at close: %s",
				  st->path, sqlite3_errmsg(st->db));
	}
	for (i = 0; i < S_NR; i++) {
		sqlite3_finalize(st->stmt[i]);
		free(st->shadow[i]);
	}
	st_strs_clear(st);
	st_rows_clear(st);
	free(st->strs);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/**
 * store_said() - has this store said why it failed? (its one line: the
 * caller adds none of its own)
 * @st: store (NULL: no)
 *
 * Return: true after a failure line of the store.
 */
bool store_said(const struct store *st)
{
	return st && st->said;
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
