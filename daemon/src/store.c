// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - the SQLite store: runs and their transactions.
 *
 * The store owns the database file. store-db.c opens it and migrates its
 * schema, store-rows.c encodes and queues the rows, this file decides
 * when they are committed. What holds, whoever calls:
 *
 * Transactions. All writing happens in a write transaction opened with
 * BEGIN IMMEDIATE (the write lock is held from the start), by one thread
 * (the writer thread, writer.c, while a run is open). A run is written
 * between store_run_begin() and store_run_end() or store_run_abort():
 *  - store_run_begin() inserts the run row with state = 'importing' and
 *    the writer's pid and COMMITS it at once, alone;
 *  - a bulk run (zapd import) then writes all its rows in ONE transaction
 *    with synchronous = OFF and no automatic checkpoints: nothing of it is
 *    durable or visible until store_run_end(), so it needs no fsync until
 *    then;
 *  - a non-bulk run (zapd live) commits when store_commit() is called (at
 *    least every --commit-ms) and every STORE_BATCH rows, with
 *    synchronous = NORMAL and a smaller page cache (STORE_LIVE_CACHE): a
 *    crash loses at most the last transaction;
 *  - histogram and task/CPU rows (store_hist(), store_tally()) are
 *    upserts that add what a bucket, task or CPU gained: the run layer
 *    writes each part once, so the committed rows are sums of parts;
 *  - store_run_end() writes the totals and state = 'done' in the last
 *    transaction; a bulk run then checkpoints (TRUNCATE) and leaves the
 *    pragmas as a non-bulk store has them. A checkpoint that fails after
 *    that commit (a full disk: the database file cannot grow) leaves the
 *    run done, its pages in the WAL, and says so in one line.
 *
 * Ids. Interval ids are assigned here, not by SQLite: max(id) + 1 when
 * the write transaction begins (nobody else can insert until COMMIT), so
 * a row's stages are queued with its id before the row is written, and a
 * watchdog row keeps its id when it is replaced. Every commit records the
 * run's id range in runs.first_id/last_id: a run's interval and stage
 * rows are a rowid range, deleted without a run_id index.
 *
 * Deferred index. A bulk run into an empty interval table, or one that
 * has written DEFER_MIN_ROWS rows and at least as many as the table held,
 * drops intervals_dur inside its transaction: one sort at the end beats a
 * random index insert per row. intervals_staged (schema/004, partial: the
 * rows with stages) is kept up to date as rows arrive (most rows are not
 * in it: a test of their flags) until the run has written DEFER_MIN_ROWS
 * rows with stages; then it is dropped too and built at the end (a second
 * full scan, paid only by runs whose rows have stages).
 * store_run_end() builds them in the same transaction (a small sort
 * cache: PMAs that fit the CPU cache), before state = 'done': the rows,
 * the index and the state commit together. (An earlier zapd committed
 * the rows first and checkpointed them on a second connection while the
 * index was built: faster by the checkpoint's time, but a failure or a
 * crash in between left a run's rows visible under 'importing', and on a
 * full disk the delete that should have removed them could not get the
 * space; docs/performance.md.)
 *
 * Failures. Every failure is one line (st_failed(): the first error of
 * the store is said, what fails because of it is debug). A transaction
 * SQLite ended itself (SQLITE_FULL, an I/O error, OR ROLLBACK) is
 * forgotten with what was queued in it. store_run_abort() (any failure
 * while the writer lives) rolls back; an import's run row, committed
 * alone at its start, is then deleted (a few pages: SQLite reuses the
 * WAL space of the failed transaction; if even that fails the row stays
 * 'importing', without rows, until the next writer deletes it); a live
 * run is kept up to its last commit, done and incomplete.
 *
 * Crash recovery. A run left 'importing' whose writer pid is gone was
 * interrupted (kill -9, crash, power): the next store_open() for writing
 * deletes an interrupted import (its rows, if an older zapd committed
 * any, by id range) and keeps an interrupted live run up to its last
 * commit, marked done and incomplete; it also builds intervals_dur if it
 * is missing. So after any zapd exit no partial import is visible.
 *
 * What readers see. The database is in WAL mode: a reader sees the last
 * committed state and never blocks the writer, nor the writer it. A live
 * run is visible (state 'importing') as it commits; a bulk run is
 * invisible until it is 'done' (its run row alone is visible, 'importing',
 * while it is written). zapd's connections never checkpoint at close
 * (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE): that would write-lock the database
 * file for a moment, and a reader opening then fails at once unless it
 * has a busy timeout (docs/schema.md, "Readers"); a writer checkpoints
 * itself before it closes, without waiting for readers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store-int.h"
#include "timeutil.h"

/*
 * st_begin_txn - open the write transaction if none is open (BEGIN
 * IMMEDIATE: the write lock is ours until COMMIT, so max(id) + 1 stays
 * free for the interval ids assigned here)
 */
int st_begin_txn(struct store *st)
{
	sqlite3_stmt *s = st->stmt[S_MAXID];

	if (st->in_txn)
		return 0;
	if (st_exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	st->in_txn = 1;
	st->rows = 0;
	if (sqlite3_step(s) != SQLITE_ROW) {
		st_db_err(st, "cannot read interval ids");
		sqlite3_reset(s);
		return -1;
	}
	st->next_id = sqlite3_column_int64(s, 0) + 1;
	sqlite3_reset(s);
	return 0;
}

/* st_exec_id3 - run @sql with ?1..?3 = @a, @b, @c; -1 on error */
int st_exec_id3(struct store *st, const char *sql, int64_t a, int64_t b,
		    int64_t c)
{
	sqlite3_stmt *s;
	int ret;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		st_db_err(st, "cannot prepare statement");
		return -1;
	}
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	sqlite3_bind_int64(s, 3, c);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (ret)
		st_db_err(st, "write failed");
	sqlite3_finalize(s);
	return ret;
}

/* id_range - runs.first_id/last_id of the open run (what it wrote) */
static int id_range(struct store *st)
{
	if (!st->run_id || !st->first_id)
		return 0;
	return st_exec_id3(st, "UPDATE runs SET first_id = ?2, last_id = ?3"
			" WHERE id = ?1", st->run_id, st->first_id,
			st->last_id);
}

/* st_commit_txn - flush and COMMIT the open transaction (with the run's id
 * range: every committed interval row is inside it) */
int st_commit_txn(struct store *st)
{
	if (!st->in_txn)
		return 0;
	if (st_flush(st) < 0 || id_range(st) < 0 || st_exec(st, "COMMIT") < 0)
		return -1;
	st->in_txn = 0;
	st->rows = 0;
	return 0;
}

/* st_row - account @n rows; a non-bulk run commits every STORE_BATCH */
int st_row(struct store *st, unsigned int n)
{
	st->rows += n;
	if (st->bulk || st->rows < STORE_BATCH)
		return 0;
	return st_commit_txn(st);
}

/* bulk_off - the pragmas of a non-bulk store again (outside a txn) */
static void bulk_off(struct store *st)
{
	if (!st->bulk)
		return;
	st_exec(st, "PRAGMA synchronous = NORMAL");
	st_exec(st, "PRAGMA wal_autocheckpoint = 1000");
	st->bulk = false;
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
		st_db_err(st, "cannot look up run");
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
		st_db_err(st, "cannot look up run");
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
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

	st->bulk = ri->bulk;	/* what store_run_abort() does with it */
	if (st_exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO runs (source, path, hash,"
			       " size, label, kernel, host, clock, buffers,"
			       " importer_pid, slower_than_ns, window_ns)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			       " ?10, ?11, ?12)", -1, &s, NULL) != SQLITE_OK)
		goto out;
	st_bind_text(s, 1, ri->source);
	st_bind_text(s, 2, ri->path);
	st_bind_text(s, 3, ri->hash);
	sqlite3_bind_int64(s, 4, ri->size);
	st_bind_text(s, 5, ri->label);
	st_bind_text(s, 6, ri->kernel);
	st_bind_text(s, 7, ri->host);
	st_bind_text(s, 8, ri->clock);
	st_bind_text(s, 9, ri->buffers);
	sqlite3_bind_int64(s, 10, getpid());
	if (ri->slower_than_ns >= 0)
		sqlite3_bind_int64(s, 11, ri->slower_than_ns);
	if (ri->window_ns)
		sqlite3_bind_int64(s, 12, (int64_t)ri->window_ns);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	st->run_id = sqlite3_last_insert_rowid(st->db);
	/* commit the 'importing' marker so a crash leaves a reapable row */
	if (st_exec(st, "COMMIT") < 0)
		goto out;
	st->run_rows = st->run_staged = 0;
	st->first_id = st->last_id = 0;
	st->dur_deferred = st->staged_deferred = false;
	st->niv = st->nsg = st->nev = st->nwh = 0;
	if (!st->bulk &&
	    st_exec(st, "PRAGMA cache_size = " STORE_LIVE_CACHE) < 0)
		goto out;
	if (st->bulk) {
		/* nothing of the run is committed before store_run_end(): a
		 * crash rolls it back and the run row is reaped, so the
		 * transaction needs no fsync (the final checkpoint has one) */
		if (st_exec(st, "PRAGMA synchronous = OFF") < 0 ||
		    st_exec(st, "PRAGMA wal_autocheckpoint = 0") < 0 ||
		    st_begin_txn(st) < 0)
			goto out;
		st->old_rows = st->next_id - 1;
	}
	*run_id = st->run_id;
	ret = 0;
out:
	if (ret < 0) {
		st_db_err(st, "cannot create run");
		if (st->run_id)
			store_run_abort(st);
		else
			st_rollback(st);
	}
	sqlite3_finalize(s);
	return ret;
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
	double t0 = mono_ms();
	int ret;

	if (!st->dur_deferred)
		return 0;
	if (st_exec(st, "PRAGMA cache_size = " STORE_SORT_CACHE) < 0)
		return -1;
	ret = st_exec(st, DUR_INDEX_SQL);
	if (st_exec(st, "PRAGMA cache_size = " STORE_CACHE) < 0)
		ret = -1;
	if (!ret)
		st->dur_deferred = st->staged_deferred = false;
	log_debug("run %lld: intervals_dur built in %.0f ms",
		  (long long)st->run_id, mono_ms() - t0);
	return ret;
}

/*
 * final_checkpoint - a bulk run's WAL into the database file (with an
 * fsync: its commit had none) and truncated. The run is committed
 * either way: a failure (a full disk: the database file cannot grow) is
 * one line, and its rows stay in the WAL until a checkpoint succeeds.
 */
static void final_checkpoint(struct store *st, int64_t run_id)
{
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
					   SQLITE_CHECKPOINT_TRUNCATE, NULL,
					   NULL);

	if (rc == SQLITE_OK || rc == SQLITE_BUSY) {	/* BUSY: a reader */
		log_debug("checkpoint: %s", sqlite3_errstr(rc));
		return;
	}
	log_warnx("database '%s': run %lld is imported, but the checkpoint "
		  "failed: %s (its rows stay in '%s-wal' until one succeeds)",
		  st->path, (long long)run_id, sqlite3_errmsg(st->db),
		  st->path);
	st->said = true;
}

/* run_done - state = 'done' and the totals of the open run (in its
 * transaction) */
static int run_done(struct store *st, const struct run_end *re)
{
	sqlite3_stmt *s;
	int ret;

	if (sqlite3_prepare_v2(st->db, "UPDATE runs SET state = 'done',"
			       " importer_pid = NULL, complete = ?2,"
			       " first_ts = ?3, last_ts = ?4, events = ?5,"
			       " zap_events = ?6 WHERE id = ?1", -1, &s,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_int(s, 2, re->complete);
	if (re->events) {
		sqlite3_bind_int64(s, 3, (int64_t)re->first_ts);
		sqlite3_bind_int64(s, 4, (int64_t)re->last_ts);
	}
	sqlite3_bind_int64(s, 5, (int64_t)re->events);
	sqlite3_bind_int64(s, 6, (int64_t)re->zap_events);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	return ret;
}

/**
 * store_run_end() - finish the run: fill in its totals, state = 'done',
 * commit (a bulk run: with its rows and the deferred index, in its one
 * transaction)
 * @st: store with an open run
 * @re: totals
 *
 * Return: 0, or -1 after one line (the run is then aborted).
 */
int store_run_end(struct store *st, const struct run_end *re)
{
	int64_t id = st->run_id;
	double t0 = mono_ms();

	log_debug("run %lld: ending (%lld intervals)", (long long)id,
		  (long long)st->run_rows);
	if (st_begin_txn(st) < 0 || st_flush(st) < 0 ||
	    build_dur_index(st) < 0 || run_done(st, re) < 0 ||
	    st_commit_txn(st) < 0) {
		st_db_err(st, "cannot finish run");
		store_run_abort(st);
		return -1;
	}
	log_debug("run %lld: committed (%.0f ms)", (long long)id,
		  mono_ms() - t0);
	st->run_id = 0;
	st_rows_clear(st);
	if (st->bulk) {
		bulk_off(st);
		final_checkpoint(st, id);
		log_debug("checkpointed (%.0f ms)", mono_ms() - t0);
	}
	/* a statistics refresh: nothing to say if it fails */
	sqlite3_exec(st->db, "PRAGMA optimize", NULL, NULL, NULL);
	log_debug("run end: %.0f ms", mono_ms() - t0);
	return 0;
}

/*
 * forget_run - delete what an aborted import committed: its run row
 * (committed alone at the start) and any rows (none: they are committed
 * only with state = 'done'). Needs a few pages: after a failed
 * transaction, SQLite reuses its part of the WAL. If even that fails,
 * the run stays 'importing' without rows until the next writer deletes
 * it (store_open).
 */
static int forget_run(struct store *st)
{
	if (st_exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (st_delete_run(st, st->run_id, st->first_id ? st->first_id : 1,
			  st->first_id ? st->last_id : 0) < 0 ||
	    st_exec(st, "COMMIT") < 0) {
		st_db_err(st, "cannot delete the aborted run");
		st_rollback(st);
		return -1;
	}
	return 0;
}

/**
 * store_run_abort() - roll back the open run: an import is deleted
 * (nothing of it remains), a live run is kept up to its last commit,
 * done and incomplete, as the next open would settle an interrupted one
 * @st: store
 */
void store_run_abort(struct store *st)
{
	bool bulk = st->bulk;

	if (!st->run_id)
		return;
	st->niv = st->nsg = st->nev = st->nwh = 0;
	st_rollback(st);
	if (st->in_txn)
		st_strs_clear(st);	/* ids interned in it are gone */
	st->in_txn = 0;
	st->dur_deferred = st->staged_deferred = false; /* dropped in it */
	bulk_off(st);
	if (bulk)
		forget_run(st);
	else if (st_exec_id3(st, "UPDATE runs SET state = 'done', complete = 0,"
			     " importer_pid = NULL WHERE id = ?1", st->run_id,
			     0, 0) < 0)
		log_debug("run %lld stays 'importing' until the next writer "
			  "settles it", (long long)st->run_id);
	st->run_id = 0;
	st_rows_clear(st);
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
	return st_commit_txn(st);
}

/**
 * st_defer_index() - account @n interval rows written (@staged of them
 * with stages); drop intervals_dur when a bulk run grows past the
 * threshold, and intervals_staged once the run has as many rows with
 * stages (see the essay)
 * @st: store in a write transaction
 * @n: rows just written
 * @staged: how many of them have stages
 *
 * Return: 0 or -1.
 */
int st_defer_index(struct store *st, int n, int staged)
{
	st->run_rows += n;
	st->run_staged += staged;
	if (!st->bulk || (st->dur_deferred && st->staged_deferred))
		return 0;
	if (st->old_rows && (st->run_rows < DEFER_MIN_ROWS ||
			     st->run_rows < st->old_rows))
		return 0;
	if (!st->dur_deferred) {
		log_debug("run %lld: building intervals_dur at the end",
			  (long long)st->run_id);
		if (st_exec(st, DUR_INDEX_DROP) < 0)
			return -1;
		st->dur_deferred = true;
	}
	if (st->run_staged < DEFER_MIN_ROWS)
		return 0;
	log_debug("run %lld: building intervals_staged at the end",
		  (long long)st->run_id);
	if (st_exec(st, STAGED_INDEX_DROP) < 0)
		return -1;
	st->staged_deferred = true;
	return 0;
}
