/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store.h - the SQLite sink.
 *
 * Owns: the database file: schema migrations, the run lifecycle and every
 * INSERT. Depends on engine.h for the record types only.
 *
 * Invariants:
 *  - all SQL with values goes through prepared statements, prepared once
 *    per store and reused;
 *  - a run is written between store_run_begin() and store_run_end() or
 *    store_run_abort(); the run row is committed first with state =
 *    'importing', store_run_end() flips it to 'done' in the last
 *    transaction. A bulk run (import) writes everything else in one
 *    transaction with synchronous = OFF; when it dropped intervals_dur
 *    (a big run: one sort beats random inserts) its rows are committed
 *    first, still 'importing', and checkpointed by a second connection
 *    while the index is rebuilt in the last transaction. A live run
 *    commits with store_commit() and at least every STORE_BATCH rows.
 *    store_run_abort() deletes the run's rows; a run left 'importing' by a
 *    dead process is deleted (and a missing intervals_dur rebuilt) by the
 *    next store_open() for writing. So after any zapd exit there is no
 *    partial run in the database.
 *  - a run's interval rows have ids in [runs.first_id, runs.last_id].
 *  - one thread at a time uses a store (opened SQLITE_OPEN_NOMUTEX).
 *  - interval rows are queued and written 32 per INSERT; their ids are
 *    assigned by the store inside its write transaction (BEGIN IMMEDIATE).
 */
#ifndef ZAPD_STORE_H
#define ZAPD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

#define STORE_BATCH	50000	/* live: rows per transaction at most */

struct store;

/* struct run_info - what is known about a run when it starts */
struct run_info {
	const char	*source;	/* "file" or "live" */
	const char	*path;
	const char	*hash;		/* content hash, NULL for live */
	int64_t		size;
	const char	*label;
	const char	*kernel;
	const char	*host;
	const char	*clock;
	const char	*buffers;
	bool		bulk;		/* one transaction for the run (import) */
};

/* struct run_end - what is known when it ends */
struct run_end {
	bool		complete;
	uint64_t	first_ts, last_ts;
	uint64_t	events, zap_events;
};

enum store_mode {
	STORE_RW,	/* create if missing, migrate, writable */
	STORE_RO,	/* must exist; migrations must be current */
};

struct store *store_open(const char *path, enum store_mode mode);
void store_close(struct store *st);
void *store_db(struct store *st);
void store_set_names(struct store *st, const struct zap_names *names);
int store_find_run(struct store *st, const char *hash, int64_t *id,
		   char **state);
int store_run_begin(struct store *st, const struct run_info *ri,
		    int64_t *run_id);
int store_interval(struct store *st, const struct zap_interval *iv,
		   const char *comm);
int store_range(struct store *st, const struct zap_range *r,
		const char *comm);
int store_lost(struct store *st, const char *buffer, int cpu, int64_t ts_ns,
	       int64_t count, const char *source);
int store_orphan(struct store *st, const struct zap_orphan *o,
		 const char *comm);
int store_event(struct store *st, const struct ext_event *e);
int store_event_fields(struct store *st, const char *name, int n,
		       const char *const *fields);
int store_event_count(struct store *st, const char *buffer,
		      const char *system, const char *event, int cpu,
		      int64_t count);
int store_stat(struct store *st, const char *name, int64_t value);
int store_engine_stats(struct store *st, const struct engine_stats *es);
int store_run_end(struct store *st, const struct run_end *re);
void store_run_abort(struct store *st);

/* live source: periodic commits and the watchdog's open-interval rows */
int store_commit(struct store *st);
int store_interval_open(struct store *st, const struct zap_interval *iv,
			const char *comm, int64_t *id);
int store_interval_close(struct store *st, int64_t id,
			 const struct zap_interval *iv, const char *comm);

#endif /* ZAPD_STORE_H */
