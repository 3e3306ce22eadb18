/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store.h - the SQLite store: zapd's database file.
 *
 * Owns: the database: schema migrations, the run lifecycle, the
 * transactions and every INSERT. The invariants (transactions, ids, the
 * deferred index, crash recovery, what readers see) are the essay at the
 * top of store.c. Depends on record.h for the record types only.
 *
 * Use: store_open(); store_run_begin(); the row calls (from one thread:
 * the writer thread while a run is open, see writer.h); store_commit()
 * as often as readers should see rows (live); store_run_end() or
 * store_run_abort(); store_close().
 */
#ifndef ZAPD_STORE_H
#define ZAPD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

#define STORE_BATCH	50000	/* non-bulk run: rows per transaction at most */

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
	int64_t		slower_than_ns;	/* rows only from here, < 0: all */
	uint64_t	window_ns;	/* histogram window */
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

/* store-db.c */
struct store *store_open(const char *path, enum store_mode mode);
void store_close(struct store *st);
bool store_said(const struct store *st);
void *store_db(struct store *st);

/* store.c: runs and transactions */
void store_set_names(struct store *st, const struct zap_names *names);
int store_find_run(struct store *st, const char *hash, int64_t *id,
		   char **state);
int store_run_begin(struct store *st, const struct run_info *ri,
		    int64_t *run_id);
int store_commit(struct store *st);
int store_run_end(struct store *st, const struct run_end *re);
void store_run_abort(struct store *st);

/* store-rows.c: rows of the open run */
int store_interval(struct store *st, const struct zap_interval *iv,
		   const char *comm);
int store_interval_open(struct store *st, const struct zap_interval *iv,
			const char *comm);
int store_interval_close(struct store *st, const struct zap_interval *iv,
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
int store_hist(struct store *st, const struct hist_row *row);
int store_tally(struct store *st, const struct tally_row *row);

#endif /* ZAPD_STORE_H */
