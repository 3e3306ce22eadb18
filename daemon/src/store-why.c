// SPDX-License-Identifier: GPL-2.0
/*
 * store-why.c - the attribution of intervals and ranges on disk
 * (schema/005-why.sql; see the essay in store.c).
 *
 * Owns: the encoding of struct zap_attr: the interval_why row of an
 * interval (queued STORE_ROWS at a time like the stages, keyed by the
 * interval's id), the attribution columns of a ranges row, the packed
 * counts, and the strings.id of caller names and of stack texts (cached
 * by pointer: a stack is interned once per process, kstack.h).
 *
 * Invariants:
 *  - a row (or the ranges columns) is written only when the attribution
 *    is valid (the run fed attribution events, the item is a task's):
 *    no row means not measured, never zero;
 *  - counts saturate at 65535 in their 16 bits of `n`.
 */
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "store-int.h"

/* pack - the four counts into interval_why.n / ranges.n */
static int64_t pack(const struct zap_attr *a)
{
	uint64_t c[4] = { a->nirq, a->nsoftirq, a->nnmi, a->nswitch }, n = 0;
	int i;

	for (i = 0; i < 4; i++)
		n |= (c[i] > 65535 ? 65535 : c[i]) << (16 * i);
	return (int64_t)n;
}

/* caller_id - strings.id of @c's name, 0 if it has none; -1 on error */
static int64_t caller_id(struct store *st, enum zap_caller c)
{
	const char *name = zap_caller_name(c);

	if (!name)
		return 0;
	if (!st->caller_id[c])
		st->caller_id[c] = st_intern(st, name);
	return st->caller_id[c];
}

/* stack_id - strings.id of @k's text, 0 if none; -1 on error */
static int64_t stack_id(struct store *st, const struct zap_stack *k)
{
	size_t slot;
	int64_t id;

	if (!k || !k->text)
		return 0;
	slot = (size_t)(((uintptr_t)k >> 4) * 0x9e3779b97f4a7c15ull >> 56) %
	       STACK_CACHE;
	if (st->stack_id[slot].p == k)
		return st->stack_id[slot].id;
	id = st_intern(st, k->text);
	if (id > 0) {
		st->stack_id[slot].p = k;
		st->stack_id[slot].id = id;
	}
	return id;
}

/* ids - strings.id of @a's caller and stack (0: none); -1 on error */
static int ids(struct store *st, const struct zap_attr *a, int64_t *cid,
	       int64_t *sid)
{
	*cid = caller_id(st, a->stack ? a->stack->caller : ZAP_CALLER_NONE);
	*sid = stack_id(st, a->stack);
	return *cid < 0 || *sid < 0 ? -1 : 0;
}

/**
 * st_fill_why() - queue the interval_why row of interval @id
 * @st: store in a write transaction
 * @iv: the interval
 * @id: its interval_rows.id
 *
 * Return: 0 (also when there is nothing to write), or -1.
 */
int st_fill_why(struct store *st, const struct zap_interval *iv, int64_t id)
{
	const struct zap_attr *a = &iv->attr;
	int64_t cid, sid;
	struct qrow *r;

	if (!a->valid)
		return 0;
	if (ids(st, a, &cid, &sid) < 0)
		return -1;
	if (st->nwh == STORE_ROWS && st_flush_why(st) < 0)
		return -1;
	r = &st->wh[st->nwh++];
	r->null = 0;
	r->v[0] = id;
	r->v[1] = (int64_t)a->irq_ns;
	r->v[2] = (int64_t)a->softirq_ns;
	r->v[3] = (int64_t)a->nmi_ns;
	r->v[4] = (int64_t)a->sched_ns;
	r->v[5] = (int64_t)a->runnable_ns;
	r->v[6] = pack(a);
	r->v[7] = cid;
	r->v[8] = sid;
	r->v[9] = (int64_t)a->range_lock_ns;
	r->v[10] = (int64_t)a->range_wait_ns;
	if (!cid)
		r->null |= 1u << 7;
	if (!sid)
		r->null |= 1u << 8;
	if (!a->range_lock_ns)
		r->null |= 1u << 9 | 1u << 10;
	return 0;
}

/**
 * st_bind_range_why() - bind a range's attribution columns, 9 parameters
 * from @first (left NULL when it has none)
 * @st: store in a write transaction
 * @s: the ranges INSERT
 * @r: the range
 * @first: the index of its irq_ns parameter
 *
 * Return: 0, or -1.
 */
int st_bind_range_why(struct store *st, sqlite3_stmt *s,
		      const struct zap_range *r, int first)
{
	const struct zap_attr *a = &r->attr;
	int64_t cid, sid;

	if (!a->valid)
		return 0;
	if (ids(st, a, &cid, &sid) < 0)
		return -1;
	sqlite3_bind_int64(s, first, (int64_t)a->irq_ns);
	sqlite3_bind_int64(s, first + 1, (int64_t)a->softirq_ns);
	sqlite3_bind_int64(s, first + 2, (int64_t)a->nmi_ns);
	sqlite3_bind_int64(s, first + 3, (int64_t)a->sched_ns);
	sqlite3_bind_int64(s, first + 4, (int64_t)a->runnable_ns);
	sqlite3_bind_int64(s, first + 5, pack(a));
	if (r->has_locked)
		sqlite3_bind_int64(s, first + 6, (int64_t)a->lock_ns);
	if (cid)
		sqlite3_bind_int64(s, first + 7, cid);
	if (sid)
		sqlite3_bind_int64(s, first + 8, sid);
	return 0;
}

/**
 * st_why_clear() - forget the cached string ids (after a rollback)
 * @st: store
 */
void st_why_clear(struct store *st)
{
	memset(st->caller_id, 0, sizeof(st->caller_id));
	memset(st->stack_id, 0, sizeof(st->stack_id));
}
