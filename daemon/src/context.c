// SPDX-License-Identifier: GPL-2.0
/*
 * context.c - rolling per-CPU windows of extra events (see context.h).
 *
 * Owns: struct context: one ring per CPU. A ring holds n events, the
 * oldest at index head, numbered seq0, seq0 + 1, ...; stored_seq is the
 * number of the first event not yet stored (or skipped), so overlapping
 * windows store an event once.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"

#define RING_MIN	1024

/* struct ring - one CPU's events, oldest first from head */
struct ring {
	struct ext_event *ev;
	uint32_t	cap, head, n;
	uint64_t	seq0;		/* number of ev[head] */
	uint64_t	stored_seq;	/* events before it: stored/skipped */
};

struct context {
	uint64_t		window_ns, slow_ns;
	struct ring		*rings;
	int			nrings;
	struct context_stats	st;
};

/* at - the i-th oldest event of @r */
static struct ext_event *at(const struct ring *r, uint32_t i)
{
	return &r->ev[(r->head + i) & (r->cap - 1)];
}

/**
 * context_new() - rolling windows of @window_ns before slow intervals
 * @window_ns: how much before an interval's start to keep (--context-ms)
 * @slow_ns: intervals at least this long store their context
 *
 * Return: the state, or NULL on ENOMEM.
 */
struct context *context_new(uint64_t window_ns, uint64_t slow_ns)
{
	struct context *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->window_ns = window_ns;
	c->slow_ns = slow_ns;
	return c;
}

/**
 * context_free() - free every ring
 * @c: the state (NULL is fine)
 */
void context_free(struct context *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < c->nrings; i++)
		free(c->rings[i].ev);
	free(c->rings);
	free(c);
}

/* ring_of - @cpu's ring, growing the array; NULL on ENOMEM */
static struct ring *ring_of(struct context *c, int cpu)
{
	struct ring *nr;
	int n;

	if (cpu < 0)
		cpu = 0;
	if (cpu >= c->nrings) {
		n = cpu + 8;
		nr = realloc(c->rings, n * sizeof(*nr));
		if (!nr)
			return NULL;
		memset(nr + c->nrings, 0, (n - c->nrings) * sizeof(*nr));
		c->rings = nr;
		c->nrings = n;
	}
	return &c->rings[cpu];
}

/* grow - double @r's capacity, oldest first at index 0; -1 on ENOMEM */
static int grow(struct ring *r)
{
	uint32_t cap = r->cap ? r->cap * 2 : RING_MIN, i;
	struct ext_event *ev = malloc(cap * sizeof(*ev));

	if (!ev)
		return -1;
	for (i = 0; i < r->n; i++)
		ev[i] = *at(r, i);
	free(r->ev);
	r->ev = ev;
	r->cap = cap;
	r->head = 0;
	return 0;
}

/**
 * context_push() - hold an extra event (in time order per CPU)
 * @c: the state
 * @e: the event (copied; e->name is kept by pointer)
 *
 * Return: 0, or -1 on ENOMEM.
 */
int context_push(struct context *c, const struct ext_event *e)
{
	struct ring *r = ring_of(c, e->cpu);
	uint64_t keep = c->window_ns + CONTEXT_HORIZON_NS;

	if (!r)
		return -1;
	if (r->n == r->cap) {
		/* full: grow while the oldest is still within reach of a
		 * window, else the oldest goes */
		bool needed = r->n && (e->ts_ns < at(r, 0)->ts_ns ||
				       e->ts_ns - at(r, 0)->ts_ns < keep);

		if (r->cap < CONTEXT_MAX_EVENTS && (needed || !r->cap)) {
			if (grow(r) < 0)
				return -1;
		} else {
			if (needed)
				c->st.overwritten++;
			r->head = (r->head + 1) & (r->cap - 1);
			r->n--;
			r->seq0++;
		}
	}
	*at(r, r->n++) = *e;
	c->st.held++;
	return 0;
}

/**
 * context_slow() - does an interval this long store its context?
 * @c: the state
 * @dur_ns: its duration (or time open)
 *
 * Return: 1 if so.
 */
int context_slow(const struct context *c, uint64_t dur_ns)
{
	return dur_ns >= c->slow_ns;
}

/* first_at - index of the oldest event of @r with ts >= @ts (n if none) */
static uint32_t first_at(const struct ring *r, uint64_t ts)
{
	uint32_t lo = 0, hi = r->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (at(r, mid)->ts_ns < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * context_store() - the window of a slow interval on @cpu: its events
 * from window_ns before @start_ns to @end_ns not stored before, to @fn
 * @c: the state
 * @cpu: the interval's CPU
 * @start_ns: its start
 * @end_ns: its end (all events up to it have been pushed)
 * @fn: stores one event; non-zero stops with -1
 * @arg: for @fn
 *
 * Return: 0, or -1 if @fn failed.
 */
int context_store(struct context *c, int cpu, uint64_t start_ns,
		  uint64_t end_ns,
		  int (*fn)(void *arg, const struct ext_event *e), void *arg)
{
	struct ring *r = ring_of(c, cpu);
	uint64_t from = start_ns > c->window_ns ? start_ns - c->window_ns : 0;
	uint32_t i;

	if (!r || !r->n)
		return 0;
	c->st.windows++;
	i = first_at(r, from);
	if (!i && r->seq0 && at(r, 0)->ts_ns > from)
		c->st.truncated++;
	if (r->stored_seq > r->seq0 + i)
		i = (uint32_t)(r->stored_seq - r->seq0 < r->n ?
			       r->stored_seq - r->seq0 : r->n);
	for (; i < r->n && at(r, i)->ts_ns <= end_ns; i++) {
		if (fn(arg, at(r, i)))
			return -1;
		c->st.stored++;
		r->stored_seq = r->seq0 + i + 1;
	}
	return 0;
}

/**
 * context_stats() - counters so far
 * @c: the state
 *
 * Return: a pointer into @c.
 */
const struct context_stats *context_stats(const struct context *c)
{
	return &c->st;
}

/**
 * context_bytes() - memory held by the rings
 * @c: the state
 *
 * Return: bytes.
 */
uint64_t context_bytes(const struct context *c)
{
	uint64_t b = (uint64_t)c->nrings * sizeof(struct ring);
	int i;

	for (i = 0; i < c->nrings; i++)
		b += (uint64_t)c->rings[i].cap * sizeof(struct ext_event);
	return b;
}
