/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store-int.h - the store's private header, shared by store.c (run
 * lifecycle and transaction policy), store-db.c (open, pragmas,
 * migrations, recovery) and store-rows.c (statements, queues, interning,
 * row encoding, per-table writers). Nothing outside store*.c includes it.
 */
#ifndef ZAPD_STORE_INT_H
#define ZAPD_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

/*
 * Rows of interval_rows, stages and event_rows are queued and written
 * STORE_ROWS at a time by one multi-row INSERT (the remainder one row per
 * statement): SQLite's per-statement cost is paid once per STORE_ROWS
 * rows (store-rows.c).
 */
#define STORE_ROWS	32
#define STORE_CACHE	"-65536"	/* KiB: page cache while writing */
#define STORE_SORT_CACHE "-1024"	/* KiB: CREATE INDEX sorter PMAs */
#define STORE_LIVE_CACHE "-8192"	/* KiB: a live run appends: its RSS
					 * stays flat once the cache is full */
#define IV_COLS		18	/* interval_rows: id + 17 */
#define SG_COLS		9	/* stages */
#define EV_COLS		11	/* event_rows */
#define WH_COLS		11	/* interval_why (store-why.c) */
#define WH_INSERT							\
	"INSERT OR ROLLBACK INTO interval_why (interval_id, irq_ns,"	\
	" softirq_ns, nmi_ns, sched_ns, runnable_ns, n, caller, stack,"	\
	" range_lock_ns, range_wait_ns) VALUES "
#define STACK_CACHE	256	/* stack text -> strings.id, by pointer */

/* a bulk run drops intervals_dur (and intervals_staged, schema/004) and
 * builds them at the end when the table
 * was empty, or once it has written this many rows and at least as many
 * as the table had before: one sort of n rows is cheaper than n random
 * index inserts */
#define DEFER_MIN_ROWS	65536
#define DUR_INDEX_SQL	"CREATE INDEX IF NOT EXISTS intervals_dur" \
			" ON interval_rows(dur_ns);" \
			" CREATE INDEX IF NOT EXISTS intervals_staged" \
			" ON interval_rows(dur_ns) WHERE (f >> 12 & 15) > 0"
#define DUR_INDEX_DROP	"DROP INDEX IF EXISTS intervals_dur"
#define STAGED_INDEX_DROP "DROP INDEX IF EXISTS intervals_staged"

/* the persistent statements of a writable store (store-rows.c) */
enum {
	S_IV1, S_IVN, S_IVID, S_SG1, S_SGN, S_EV1, S_EVN, S_RANGE, S_LOST,
	S_ORPHAN, S_COUNT, S_STAT, S_STR_GET, S_STR_ADD, S_MAXID, S_FIELD,
	S_WH1, S_WHN, S_HIST, S_TASK, S_CPU, S_NR
};

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

/* struct open_row - a watchdog row still open: (pair, key, start) -> id */
struct open_row {
	struct open_row	*next;
	int		pair;
	uint64_t	key, start_ns;
	int64_t		id;
};

struct store {
	sqlite3			*db;
	char			*path;
	sqlite3_stmt		*stmt[S_NR];
	struct shadow		*shadow[S_NR];	/* row statements' bindings */
	int64_t			run_id;		/* 0: no run open */
	bool			rw;		/* STORE_RW */
	bool			said;		/* a failure was logged */
	bool			bulk;		/* one transaction (import) */
	int			in_txn;
	unsigned int		rows;		/* in this transaction */
	int64_t			next_id;	/* next interval id */
	int64_t			run_rows;	/* intervals of this run */
	int64_t			first_id, last_id;	/* its ids, 0: none */
	int64_t			old_rows;	/* ids in the table before */
	bool			dur_deferred;	/* intervals_dur dropped */
	bool			staged_deferred; /* intervals_staged too */
	int64_t			run_staged;	/* rows with stages written */
	struct qrow		iv[STORE_ROWS];
	int			niv;
	struct qrow		sg[STORE_ROWS];
	int			nsg;
	struct qrow		ev[STORE_ROWS];
	int			nev;
	struct qrow		wh[STORE_ROWS];	/* interval_why */
	int			nwh;
	int64_t			caller_id[ZAP_CALLER_NR];
	struct {
		const struct zap_stack	*p;
		int64_t			id;
	}			stack_id[STACK_CACHE];
	const char		*ev_name;	/* last event name interned */
	int64_t			ev_id;
	struct istr		*strs;		/* interned strings */
	size_t			nstrs, strcap;	/* used, slots (power of 2) */
	int64_t			path_id[ZAP_NAMES_MAX];
	int64_t			stage_id[ZAP_NAMES_MAX];
	int64_t			kind_id;	/* last kind interned */
	int64_t			comm_id;	/* last comm interned, 0: none */
	const char		*comm_ptr;	/* its pointer (comm.h: stable) */
	const char		*kind_ptr;
	struct open_row		*open_rows;	/* watchdog rows */
	struct zap_names	names;
};

/* store-db.c */
void st_db_err(struct store *st, const char *what);
int st_exec(struct store *st, const char *sql);
void st_rollback(struct store *st);
int st_delete_run(struct store *st, int64_t id, int64_t lo, int64_t hi);

/* store.c: the transaction */
int st_begin_txn(struct store *st);
int st_commit_txn(struct store *st);
int st_row(struct store *st, unsigned int n);
int st_exec_id3(struct store *st, const char *sql, int64_t a, int64_t b,
		int64_t c);
int st_defer_index(struct store *st, int n, int staged);

/* store-rows.c */
int st_prepare_all(struct store *st);
int64_t st_intern(struct store *st, const char *s);
int st_flush_why(struct store *st);
void st_strs_clear(struct store *st);
void st_rows_clear(struct store *st);
int st_flush(struct store *st);
int st_step(struct store *st, sqlite3_stmt *s);
void st_bind_text(sqlite3_stmt *s, int i, const char *t);

/* store-why.c */
int st_fill_why(struct store *st, const struct zap_interval *iv,
		int64_t id);
int st_bind_range_why(struct store *st, sqlite3_stmt *s,
		      const struct zap_range *r, int first);
void st_why_clear(struct store *st);

#endif /* ZAPD_STORE_INT_H */
