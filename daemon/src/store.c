// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - the SQLite sink.
 *
 * Owns: the sqlite3 handle, the prepared statements and the run
 * transaction. See store.h for the invariants. Pragmas while writing:
 * journal_mode=WAL, synchronous=NORMAL (a crash can lose the last
 * transaction, never corrupt; the run then stays 'importing' and is
 * deleted by the next writer).
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
#include "store.h"

enum {
	S_INTERVAL, S_STAGE, S_RANGE, S_LOST, S_ORPHAN, S_COUNT, S_STAT,
	S_BEGIN, S_COMMIT, S_NR
};

static const char *const stmt_sql[S_NR] = {
	[S_INTERVAL] =
	"INSERT INTO intervals (run_id, kind, cpu, done_cpu, pid, comm, mm,"
	" addr, pfn, max_nr, nr, path, anon, \"order\", page, start_ns,"
	" done_ns, dur_ns, end_ns, end_reason, force_flush, force_break,"
	" delay_rmap, tainted, finished, migrated, last_stage, nstages)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
	" ?28)",
	[S_STAGE] =
	"INSERT INTO stages (interval_id, stage, seq, cpu, ts_ns,"
	" since_prev_ns, nr, delay_rmap, \"full\")"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
	[S_BEGIN] = "BEGIN",
	[S_COMMIT] = "COMMIT",
};

/* deletes of one run, in dependency order; ?1 = run id */
static const char *const delete_sql[] = {
	"DELETE FROM stages WHERE interval_id IN"
	" (SELECT id FROM intervals WHERE run_id = ?1)",
	"DELETE FROM intervals WHERE run_id = ?1",
	"DELETE FROM ranges WHERE run_id = ?1",
	"DELETE FROM lost WHERE run_id = ?1",
	"DELETE FROM orphans WHERE run_id = ?1",
	"DELETE FROM event_counts WHERE run_id = ?1",
	"DELETE FROM run_stats WHERE run_id = ?1",
	"DELETE FROM runs WHERE id = ?1",
};

struct store {
	sqlite3			*db;
	char			*path;
	sqlite3_stmt		*stmt[S_NR];
	int64_t			run_id;		/* 0: no run open */
	int			in_txn;
	unsigned int		rows;		/* in this transaction */
	struct zap_names	names;
};

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
 * keep_stale_live - a live run left 'importing' by a zapd live that is
 * gone (kill -9, crash) holds everything committed up to its last commit:
 * keep it, marked done and incomplete, instead of letting reap_stale()
 * delete it.
 */
static int keep_stale_live(struct store *st)
{
	sqlite3_stmt *s, *u;
	int64_t ids[64];
	int n = 0, i, ret = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id, importer_pid FROM runs"
			       " WHERE state = 'importing' AND source = 'live'",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW && n < 64) {
		pid_t pid = (pid_t)sqlite3_column_int64(s, 1);

		if (pid > 0 && pid != getpid() && (kill(pid, 0) == 0 ||
						    errno == EPERM))
			continue;	/* still tracing */
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (!n)
		return 0;
	if (sqlite3_prepare_v2(st->db, "UPDATE runs SET state = 'done',"
			       " complete = 0, importer_pid = NULL"
			       " WHERE id = ?1", -1, &u, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < n && !ret; i++) {
		log_warnx("database '%s': live run %lld was interrupted: kept "
			  "up to its last commit, marked incomplete", st->path,
			  (long long)ids[i]);
		sqlite3_bind_int64(u, 1, ids[i]);
		if (sqlite3_step(u) != SQLITE_DONE)
			ret = -1;
		sqlite3_reset(u);
	}
	sqlite3_finalize(u);
	if (ret)
		db_err(st, "cannot close interrupted live run");
	return ret;
}

/* reap_stale - delete runs left 'importing' by a process that is gone */
static int reap_stale(struct store *st)
{
	sqlite3_stmt *s, *d;
	int64_t ids[64];
	int n = 0, i, j, ret = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id, importer_pid FROM runs"
			       " WHERE state = 'importing'", -1, &s,
			       NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW && n < 64) {
		pid_t pid = (pid_t)sqlite3_column_int64(s, 1);

		if (pid > 0 && pid != getpid() && (kill(pid, 0) == 0 ||
						    errno == EPERM))
			continue;	/* its importer is still running */
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (!n)
		return 0;
	if (exec(st, "BEGIN IMMEDIATE") < 0)
		return -1;
	for (i = 0; i < n && !ret; i++) {
		log_warnx("database '%s': deleting run %lld left incomplete "
			  "by an interrupted import", st->path,
			  (long long)ids[i]);
		for (j = 0; j < (int)(sizeof(delete_sql) /
				      sizeof(delete_sql[0])); j++) {
			if (sqlite3_prepare_v2(st->db, delete_sql[j], -1, &d,
					       NULL) != SQLITE_OK) {
				ret = -1;
				break;
			}
			sqlite3_bind_int64(d, 1, ids[i]);
			if (sqlite3_step(d) != SQLITE_DONE)
				ret = -1;
			sqlite3_finalize(d);
		}
	}
	if (ret || exec(st, "COMMIT") < 0) {
		db_err(st, "cannot delete stale run");
		exec(st, "ROLLBACK");
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
	int flags, v, i;

	if (!st)
		return NULL;
	st->path = strdup(path);
	if (!st->path)
		goto fail;
	flags = mode == STORE_RW ?
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
		SQLITE_OPEN_READONLY;
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
		if (exec(st, "PRAGMA journal_mode = WAL") < 0 ||
		    exec(st, "PRAGMA synchronous = NORMAL") < 0 ||
		    exec(st, "PRAGMA cache_size = -65536") < 0)
			goto fail;
	}
	if (migrate(st, v, mode == STORE_RW) < 0)
		goto fail;
	if (mode == STORE_RO)
		return st;
	if (keep_stale_live(st) < 0 || reap_stale(st) < 0)
		goto fail;
	for (i = 0; i < S_NR; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK) {
			db_err(st, "cannot prepare statement");
			goto fail;
		}
	}
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
	for (i = 0; i < S_NR; i++)
		sqlite3_finalize(st->stmt[i]);
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

/* step - run a bound statement to completion and reset it */
static int step(struct store *st, int which)
{
	sqlite3_stmt *s = st->stmt[which];
	int ret = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (ret != SQLITE_DONE) {
		db_err(st, "write failed");
		return -1;
	}
	return 0;
}

/* row - account one row; commit and re-begin every STORE_BATCH rows */
static int row(struct store *st)
{
	if (++st->rows < STORE_BATCH)
		return 0;
	st->rows = 0;
	if (step(st, S_COMMIT) < 0)
		return -1;
	return step(st, S_BEGIN);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
}

/* bind_name - bind names[v] if known, else the number as text */
static void bind_name(sqlite3_stmt *s, int i, const char *const *names,
		      int v)
{
	char buf[16];

	if (v < 0)
		return;
	if (v < ZAP_NAMES_MAX && names[v]) {
		sqlite3_bind_text(s, i, names[v], -1, SQLITE_STATIC);
		return;
	}
	snprintf(buf, sizeof(buf), "%d", v);
	sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

/**
 * store_run_begin() - insert a run row (state 'importing') and open the
 * first transaction
 * @st: store
 * @ri: run description
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
	st->in_txn = 1;
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
	*run_id = st->run_id;
	/* commit the 'importing' marker so a crash leaves a reapable row */
	if (exec(st, "COMMIT") < 0 || exec(st, "BEGIN") < 0)
		goto out;
	st->rows = 0;
	ret = 0;
out:
	if (ret < 0) {
		db_err(st, "cannot create run");
		exec(st, "ROLLBACK");
		st->in_txn = 0;
		st->run_id = 0;
	}
	sqlite3_finalize(s);
	return ret;
}

/**
 * store_interval() - insert an interval and its stages
 * @st: store with an open run
 * @iv: the interval, as emitted by the engine
 * @comm: task name or NULL
 *
 * Return: 0 or -1.
 */
int store_interval(struct store *st, const struct zap_interval *iv,
		   const char *comm)
{
	sqlite3_stmt *s = st->stmt[S_INTERVAL];
	int64_t id;
	int i, delay = 0;

	for (i = 0; i < iv->nstages; i++)
		delay |= !!(iv->stages[i].flags & ZF_DELAY_RMAP);
	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, iv->kind);
	sqlite3_bind_int(s, 3, iv->cpu);
	if (iv->done_cpu >= 0)
		sqlite3_bind_int(s, 4, iv->done_cpu);
	sqlite3_bind_int(s, 5, iv->pid);
	bind_text(s, 6, comm);
	if (iv->pair < 0) {
		sqlite3_bind_int64(s, 7, (int64_t)iv->mm);
		sqlite3_bind_int64(s, 8, (int64_t)iv->addr);
		sqlite3_bind_int64(s, 9, (int64_t)iv->pfn);
		sqlite3_bind_int64(s, 10, iv->max_nr);
		sqlite3_bind_int(s, 13, !!(iv->flags & ZF_ANON));
		sqlite3_bind_int(s, 14, iv->order);
		sqlite3_bind_int(s, 15, !!(iv->flags & ZF_PAGE));
		if (iv->nstages)
			sqlite3_bind_int(s, 23, delay);
	}
	if (iv->finished) {
		if (iv->pair < 0) {
			sqlite3_bind_int64(s, 11, iv->nr);
			bind_name(s, 12, st->names.path, iv->path);
			sqlite3_bind_int(s, 21,
					 !!(iv->flags & ZF_FORCE_FLUSH));
			sqlite3_bind_int(s, 22,
					 !!(iv->flags & ZF_FORCE_BREAK));
		}
		sqlite3_bind_int64(s, 17, (int64_t)iv->end_ns);
		sqlite3_bind_int64(s, 18, (int64_t)(iv->end_ns -
						    iv->start_ns));
	}
	sqlite3_bind_int64(s, 16, (int64_t)iv->start_ns);
	sqlite3_bind_int64(s, 19, (int64_t)iv->end_ns);
	sqlite3_bind_text(s, 20, zap_end_name(iv->why), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 24, iv->tainted);
	sqlite3_bind_int(s, 25, iv->finished);
	sqlite3_bind_int(s, 26, iv->migrated);
	bind_name(s, 27, st->names.stage, iv->last_stage);
	sqlite3_bind_int(s, 28, iv->nstages);
	if (step(st, S_INTERVAL) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(st->db);

	s = st->stmt[S_STAGE];
	for (i = 0; i < iv->nstages; i++) {
		const struct zap_stage *sg = &iv->stages[i];

		sqlite3_bind_int64(s, 1, id);
		bind_name(s, 2, st->names.stage, sg->stage);
		sqlite3_bind_int(s, 3, i);
		sqlite3_bind_int(s, 4, sg->cpu);
		sqlite3_bind_int64(s, 5, (int64_t)sg->ts_ns);
		sqlite3_bind_int64(s, 6, (int64_t)sg->since_prev_ns);
		sqlite3_bind_int64(s, 7, sg->nr);
		sqlite3_bind_int(s, 8, !!(sg->flags & ZF_DELAY_RMAP));
		sqlite3_bind_int(s, 9, !!(sg->flags & ZF_FULL));
		if (step(st, S_STAGE) < 0 || row(st) < 0)
			return -1;
	}
	return row(st);
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
	if (step(st, S_RANGE) < 0)
		return -1;
	return row(st);
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

	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, buffer);
	sqlite3_bind_int(s, 3, cpu);
	if (ts_ns >= 0)
		sqlite3_bind_int64(s, 4, ts_ns);
	if (count >= 0)
		sqlite3_bind_int64(s, 5, count);
	bind_text(s, 6, source);
	if (step(st, S_LOST) < 0)
		return -1;
	return row(st);
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

	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, o->name);
	sqlite3_bind_int(s, 3, o->cpu);
	sqlite3_bind_int(s, 4, o->pid);
	bind_text(s, 5, comm);
	sqlite3_bind_int64(s, 6, (int64_t)o->ts_ns);
	sqlite3_bind_int64(s, 7, (int64_t)o->mm);
	sqlite3_bind_int64(s, 8, (int64_t)o->addr);
	if (step(st, S_ORPHAN) < 0)
		return -1;
	return row(st);
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

	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, buffer);
	bind_text(s, 3, system);
	bind_text(s, 4, event);
	sqlite3_bind_int(s, 5, cpu);
	sqlite3_bind_int64(s, 6, count);
	if (step(st, S_COUNT) < 0)
		return -1;
	return row(st);
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

	sqlite3_bind_int64(s, 1, st->run_id);
	bind_text(s, 2, name);
	sqlite3_bind_int64(s, 3, value);
	if (step(st, S_STAT) < 0)
		return -1;
	return row(st);
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
	sqlite3_stmt *s = NULL;
	int ret = -1;

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
	if (step(st, S_COMMIT) < 0)
		goto out;
	st->in_txn = 0;
	st->run_id = 0;
	ret = 0;
	exec(st, "PRAGMA optimize");
out:
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
	sqlite3_stmt *d;
	size_t j;

	if (!st->run_id)
		return;
	if (st->in_txn)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_txn = 0;
	if (exec(st, "BEGIN IMMEDIATE") < 0)
		goto out;
	for (j = 0; j < sizeof(delete_sql) / sizeof(delete_sql[0]); j++) {
		if (sqlite3_prepare_v2(st->db, delete_sql[j], -1, &d,
				       NULL) != SQLITE_OK)
			break;
		sqlite3_bind_int64(d, 1, st->run_id);
		sqlite3_step(d);
		sqlite3_finalize(d);
	}
	if (exec(st, "COMMIT") < 0)
		exec(st, "ROLLBACK");
out:
	st->run_id = 0;
}

/**
 * store_commit() - commit what the open run wrote so far (live source)
 * @st: store with an open run
 *
 * Return: 0 or -1.
 */
int store_commit(struct store *st)
{
	if (!st->in_txn)
		return 0;
	st->rows = 0;
	if (step(st, S_COMMIT) < 0)
		return -1;
	return step(st, S_BEGIN);
}

/* exec_id - run @sql with ?1 = @a, ?2 = @b; -1 on error */
static int exec_id(struct store *st, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *s;
	int ret;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_err(st, "cannot prepare statement");
		return -1;
	}
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	ret = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (ret)
		db_err(st, "write failed");
	sqlite3_finalize(s);
	return ret;
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
	struct zap_interval o = *iv;

	o.finished = false;
	o.tainted = false;
	if (store_interval(st, &o, comm) < 0)
		return -1;
	/* stages are WITHOUT ROWID: the last rowid is the interval's */
	*id = sqlite3_last_insert_rowid(st->db);
	return exec_id(st, "UPDATE intervals SET end_reason = 'open',"
		       " end_ns = NULL WHERE id = ?1", *id, 0);
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
	int64_t nid;

	if (exec_id(st, "DELETE FROM stages WHERE interval_id = ?1", id,
		    0) < 0 ||
	    exec_id(st, "DELETE FROM intervals WHERE id = ?1", id, 0) < 0 ||
	    store_interval(st, iv, comm) < 0)
		return -1;
	nid = sqlite3_last_insert_rowid(st->db);
	if (exec_id(st, "UPDATE stages SET interval_id = ?1"
		    " WHERE interval_id = ?2", id, nid) < 0)
		return -1;
	return exec_id(st, "UPDATE intervals SET id = ?1 WHERE id = ?2", id,
		       nid);
}
