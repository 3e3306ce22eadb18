/* SPDX-License-Identifier: GPL-2.0 */
/*
 * query.h - canned queries (queries/NAME.sql, embedded) and their output.
 */
#ifndef ZAPD_QUERY_H
#define ZAPD_QUERY_H

#include <stdbool.h>

void query_list(void);
int query_run(const char *db, const char *name, long n, bool csv);

#endif /* ZAPD_QUERY_H */
