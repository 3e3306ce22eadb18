/* SPDX-License-Identifier: GPL-2.0 */
/*
 * query.h - the read side: canned queries (queries/NAME.sql, embedded)
 * and their output, and what zapd report / zapd export read with.
 */
#ifndef ZAPD_QUERY_H
#define ZAPD_QUERY_H

#include <stdbool.h>
#include <stdint.h>

struct store;
struct sqlite3_stmt;

enum query_fmt {
	QUERY_TABLE,	/* aligned columns */
	QUERY_CSV,	/* RFC 4180 */
	QUERY_JSON,	/* one array of objects */
};

/* struct query_run - one runs row; first_id > last_id: no intervals */
struct query_run {
	int64_t	id, first_id, last_id;
	int64_t	first_ts, last_ts;
	int64_t	events, zap_events;
	int	complete;
	char	*source, *path, *label, *kernel, *host, *clock, *state;
	char	*imported_at;
};

void query_list(void);
int query_run(const char *db, const char *name, long n, enum query_fmt fmt);

struct sqlite3_stmt *query_prepare(struct store *st, const char *what,
				   const char *sql);
int query_step(struct store *st, struct sqlite3_stmt *s, const char *what);
int query_has_table(struct store *st, const char *name);
int query_has_column(struct store *st, const char *table, const char *col);
int query_select_run(struct store *st, long want, struct query_run *r);
void query_run_free(struct query_run *r);

#endif /* ZAPD_QUERY_H */
