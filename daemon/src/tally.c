// SPDX-License-Identifier: GPL-2.0
/*
 * tally.c - per-task and per-CPU totals (see tally.h).
 *
 * Owns: two open-addressing tables of struct tally_row, one keyed by
 * (kind, pid, comm) for tasks, one by (kind, cpu) for start CPUs. Kind
 * and comm are compared by pointer (an engine's kind strings and comm.c's
 * interned names are one pointer per string). A flush emits every entry
 * and empties the table.
 *
 * Invariants: see tally.h. In addition: a table is at most half full; an
 * entry is in use iff its kind is not NULL.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tally.h"

#define TABLE_MIN	256

/* struct table - rows in use and their slots (power of two) */
struct table {
	struct tally_row	*e;
	size_t			n, cap;
};

struct tally {
	tally_emit_fn	emit;
	void		*arg;
	struct table	tasks, cpus;
	size_t		last_task;	/* slots of the last task and CPU */
	size_t		last_cpu;
};

/**
 * tally_new() - empty totals
 * @emit: called with every row; may be NULL (count only)
 * @arg: for @emit
 *
 * Return: the totals, or NULL after one line.
 */
struct tally *tally_new(tally_emit_fn emit, void *arg)
{
	struct tally *t = calloc(1, sizeof(*t));

	if (!t) {
		log_warnx("out of memory");
		return NULL;
	}
	t->emit = emit;
	t->arg = arg;
	return t;
}

/* slot_hash - mix a key */
static size_t slot_hash(const char *kind, int pid, int cpu, const char *comm)
{
	uint64_t h = (uint64_t)(uintptr_t)kind * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)(uint32_t)pid << 32 | (uint32_t)cpu) *
	     0xff51afd7ed558ccdull;
	h ^= (uint64_t)(uintptr_t)comm * 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ h >> 29);
}

static bool same(const struct tally_row *e, const char *kind, int pid,
		 int cpu, const char *comm)
{
	return e->kind == kind && e->pid == pid && e->cpu == cpu &&
	       e->comm == comm;
}

/* grow - double @tb (rehash); -1 on ENOMEM */
static int grow(struct table *tb)
{
	size_t cap = tb->cap ? tb->cap * 2 : TABLE_MIN, i, j;
	struct tally_row *e = calloc(cap, sizeof(*e));

	if (!e)
		return -1;
	for (i = 0; i < tb->cap; i++) {
		const struct tally_row *o = &tb->e[i];

		if (!o->kind)
			continue;
		for (j = slot_hash(o->kind, o->pid, o->cpu, o->comm) &
			 (cap - 1); e[j].kind; j = (j + 1) & (cap - 1))
			;
		e[j] = *o;
	}
	free(tb->e);
	tb->e = e;
	tb->cap = cap;
	return 0;
}

/* get - the entry of a key in @tb, created empty if new; NULL on ENOMEM */
static struct tally_row *get(struct table *tb, const char *kind, int pid,
			     int cpu, const char *comm)
{
	struct tally_row *e;
	size_t i;

	if ((tb->n + 1) * 2 > tb->cap && grow(tb) < 0)
		return NULL;
	for (i = slot_hash(kind, pid, cpu, comm) & (tb->cap - 1);
	     (e = &tb->e[i])->kind; i = (i + 1) & (tb->cap - 1))
		if (same(e, kind, pid, cpu, comm))
			return e;
	e->kind = kind;
	e->pid = pid;
	e->cpu = cpu;
	e->comm = comm;
	e->max_pid = -1;
	tb->n++;
	return e;
}

/* task - the entry of @iv's task (the last one first: a storm) */
static struct tally_row *task(struct tally *t, const struct zap_interval *iv,
			      const char *comm)
{
	struct tally_row *e;

	if (t->last_task < t->tasks.cap) {
		e = &t->tasks.e[t->last_task];
		if (e->kind && same(e, iv->kind, iv->pid, -1, comm))
			return e;
	}
	e = get(&t->tasks, iv->kind, iv->pid, -1, comm);
	if (e)
		t->last_task = (size_t)(e - t->tasks.e);
	return e;
}

/* cpu - the entry of @iv's start CPU (the last one first) */
static struct tally_row *cpu(struct tally *t, const struct zap_interval *iv)
{
	struct tally_row *e;

	if (t->last_cpu < t->cpus.cap) {
		e = &t->cpus.e[t->last_cpu];
		if (e->kind && same(e, iv->kind, -1, iv->cpu, NULL))
			return e;
	}
	e = get(&t->cpus, iv->kind, -1, iv->cpu, NULL);
	if (e)
		t->last_cpu = (size_t)(e - t->cpus.e);
	return e;
}

/* emit_table - every entry of @tb as a row; @tb empty afterwards */
static int emit_table(struct tally *t, struct table *tb)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < tb->cap && tb->n; i++) {
		struct tally_row *e = &tb->e[i];

		if (!e->kind)
			continue;
		if (t->emit && !ret && t->emit(t->arg, e))
			ret = -1;
		memset(e, 0, sizeof(*e));
		tb->n--;
	}
	return ret;
}

/**
 * tally_interval() - count a closed interval for its task and start CPU
 * @t: totals
 * @iv: the interval (kind by pointer)
 * @comm: its task's name (interned, by pointer) or NULL
 *
 * Return: 0, or -1 (out of memory after one line, or @emit failed).
 */
int tally_interval(struct tally *t, const struct zap_interval *iv,
		   const char *comm)
{
	uint64_t dur = iv->end_ns - iv->start_ns;
	struct tally_row *e, *c = NULL;

	if ((t->tasks.n >= TALLY_MAX || t->cpus.n >= TALLY_MAX) &&
	    tally_flush(t) < 0)
		return -1;
	e = task(t, iv, comm);
	if (e && iv->finished)
		c = cpu(t, iv);
	if (!e || (iv->finished && !c)) {
		log_warnx("out of memory");
		return -1;
	}
	e->intervals++;
	e->tainted += iv->tainted;
	if (!iv->finished) {
		e->hung += !iv->tainted;
		return 0;
	}
	e->finished++;
	e->pages += iv->pair < 0 ? (uint64_t)iv->nr : 0;
	e->total_ns += dur;
	if (dur > e->max_ns)
		e->max_ns = dur;
	c->intervals++;
	c->total_ns += dur;
	if (c->max_pid < 0 || dur > c->max_ns) {
		c->max_ns = dur;
		c->max_pid = iv->pid;
		c->max_comm = comm;
	}
	return 0;
}

/**
 * tally_flush() - emit every task and CPU entry, then forget them
 * @t: totals
 *
 * Return: 0, or -1 if @emit failed.
 */
int tally_flush(struct tally *t)
{
	int ret;

	if (!t)
		return 0;
	ret = emit_table(t, &t->tasks);
	if (emit_table(t, &t->cpus) < 0)
		ret = -1;
	return ret;
}

/**
 * tally_free() - free the totals (what was not flushed is lost)
 * @t: totals (NULL is fine)
 */
void tally_free(struct tally *t)
{
	if (!t)
		return;
	free(t->tasks.e);
	free(t->cpus.e);
	free(t);
}
