// SPDX-License-Identifier: GPL-2.0
/*
 * attr.c - attribution of task time to handlers and switches (see attr.h).
 *
 * Owns: struct attr: the per-CPU handler nesting stacks and the table of
 * tasks that have open items (chained hash by pid; records recycled on a
 * free list, never moved while referenced, so an item keeps a pointer).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"

#define NEST_MAX	8	/* NMI in IRQ in softirq in IRQ ... */

enum { H_IRQ, H_SOFTIRQ };

/* struct frame - a handler running on a CPU */
struct frame {
	int		type;		/* H_* */
	int		family;		/* zev.pair: which entry/exit pair */
	uint64_t	entry_ns;
	uint64_t	nested_ns;	/* handlers nested inside it */
};

/* struct nest - the handlers running on one CPU, innermost last */
struct nest {
	int		depth;
	struct frame	f[NEST_MAX];
};

struct attr_task {
	struct attr_task *next;		/* hash chain, or free list */
	int		pid;
	int		refs;		/* open items */
	bool		out;		/* switched out since out_ns */
	bool		out_runnable;
	uint64_t	out_ns;
	struct attr_mark tot;		/* totals since it was created */
};

struct attr {
	struct nest	*cpus;
	int		ncpus;
	struct attr_task **buckets;
	size_t		nbuckets;	/* power of two */
	size_t		ntasks;
	struct attr_task *free;
	struct attr_stats st;
};

/* bucket - the chain head of @pid */
static struct attr_task **bucket(const struct attr *a, int pid)
{
	uint64_t h = (uint64_t)(uint32_t)pid * 0x9e3779b97f4a7c15ull;

	return &a->buckets[(h >> 32) & (a->nbuckets - 1)];
}

/* find - the task record of @pid, or NULL */
static struct attr_task *find(const struct attr *a, int pid)
{
	struct attr_task *t;

	for (t = *bucket(a, pid); t; t = t->next)
		if (t->pid == pid)
			return t;
	return NULL;
}

/* grow - double the buckets; -1 on ENOMEM (the table stays valid) */
static int grow(struct attr *a)
{
	size_t n = a->nbuckets * 2, old = a->nbuckets, i;
	struct attr_task **nb = calloc(n, sizeof(*nb)), **ob = a->buckets;
	struct attr_task *t, *next;

	if (!nb)
		return -1;
	a->buckets = nb;
	a->nbuckets = n;
	for (i = 0; i < old; i++) {
		for (t = ob[i]; t; t = next) {
			struct attr_task **b = bucket(a, t->pid);

			next = t->next;
			t->next = *b;
			*b = t;
		}
	}
	free(ob);
	return 0;
}

/* nest_of - the nesting stack of @cpu, growing the array; NULL on ENOMEM */
static struct nest *nest_of(struct attr *a, int cpu)
{
	struct nest *n;
	int want;

	if (cpu < 0)
		cpu = 0;
	if (cpu >= a->ncpus) {
		want = cpu + 8;
		n = realloc(a->cpus, want * sizeof(*n));
		if (!n)
			return NULL;
		memset(n + a->ncpus, 0, (want - a->ncpus) * sizeof(*n));
		a->cpus = n;
		a->ncpus = want;
	}
	return &a->cpus[cpu];
}

/**
 * attr_new() - an empty attribution state
 *
 * Return: it, or NULL on ENOMEM.
 */
struct attr *attr_new(void)
{
	struct attr *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->nbuckets = 256;
	a->buckets = calloc(a->nbuckets, sizeof(*a->buckets));
	if (!a->buckets || !nest_of(a, 0)) {
		attr_free(a);
		return NULL;
	}
	return a;
}

/**
 * attr_free() - free everything (references still held become invalid)
 * @a: the state (NULL is fine)
 */
void attr_free(struct attr *a)
{
	struct attr_task *t, *next;
	size_t i;

	if (!a)
		return;
	for (i = 0; a->buckets && i < a->nbuckets; i++) {
		for (t = a->buckets[i]; t; t = next) {
			next = t->next;
			free(t);
		}
	}
	for (t = a->free; t; t = next) {
		next = t->next;
		free(t);
	}
	free(a->buckets);
	free(a->cpus);
	free(a);
}

/* charge - @ns of handler type @type to @pid, if it has open items */
static void charge(struct attr *a, int pid, int type, uint64_t ns)
{
	struct attr_task *t = find(a, pid);

	if (!t)
		return;
	if (type == H_IRQ) {
		t->tot.irq += ns;
		t->tot.nirq++;
	} else {
		t->tot.softirq += ns;
		t->tot.nsoftirq++;
	}
}

/* enter - a handler of @type starts on the event's CPU; a full stack
 * drops its oldest frame (an entry whose exit never came) */
static void enter(struct attr *a, const struct zev *ev, int type)
{
	struct nest *n = nest_of(a, ev->cpu);
	struct frame *f;

	if (!n)
		return;
	if (n->depth == NEST_MAX) {
		memmove(n->f, n->f + 1, (NEST_MAX - 1) * sizeof(n->f[0]));
		n->depth--;
		a->st.too_deep++;
	}
	f = &n->f[n->depth++];
	f->type = type;
	f->family = ev->pair;
	f->entry_ns = ev->ts_ns;
	f->nested_ns = 0;
}

/* leave - a handler ends: its frame (the innermost of its entry/exit
 * family; frames above it lost their exit and are dropped uncharged)
 * goes, its self time is charged; no frame: its entry was not seen
 * (tracing began inside it, or it was lost), nothing is charged */
static void leave(struct attr *a, const struct zev *ev, int type)
{
	struct nest *n = nest_of(a, ev->cpu);
	struct frame *f;
	uint64_t dur, self;
	int k;

	if (!n)
		return;
	for (k = n->depth - 1; k >= 0; k--)
		if (n->f[k].type == type && n->f[k].family == ev->pair)
			break;
	if (k < 0 || ev->ts_ns < n->f[k].entry_ns) {
		a->st.unmatched++;
		return;
	}
	a->st.unmatched += n->depth - 1 - k;
	n->depth = k;
	f = &n->f[k];
	dur = ev->ts_ns - f->entry_ns;
	self = dur > f->nested_ns ? dur - f->nested_ns : 0;
	if (n->depth)
		n->f[n->depth - 1].nested_ns += dur;
	charge(a, ev->pid, type, self);
}

/* nmi - an NMI handler of ev->nr ns ended at ev->ts_ns */
static void nmi(struct attr *a, const struct zev *ev)
{
	struct nest *n = nest_of(a, ev->cpu);
	struct attr_task *t = find(a, ev->pid);
	uint64_t d = ev->nr > 0 ? (uint64_t)ev->nr : 0;

	if (n && n->depth)
		n->f[n->depth - 1].nested_ns += d;
	if (t) {
		t->tot.nmi += d;
		t->tot.nnmi++;
	}
}

/* sched_switch - ev->pid leaves its CPU, task ev->key comes in */
static void sched_switch(struct attr *a, const struct zev *ev)
{
	struct attr_task *prev = find(a, ev->pid);
	struct attr_task *next = find(a, (int)ev->key);

	if (prev && ev->pid != (int)ev->key) {
		prev->out = true;
		prev->out_runnable = ev->flags & ZF_RUNNABLE;
		prev->out_ns = ev->ts_ns;
	}
	if (next && next->out) {
		uint64_t d = ev->ts_ns > next->out_ns ?
			     ev->ts_ns - next->out_ns : 0;

		next->tot.sched += d;
		if (next->out_runnable)
			next->tot.runnable += d;
		next->tot.nswitch++;
		next->out = false;
	}
}

/**
 * attr_feed() - one attribution event (ZEV_IRQ_* .. ZEV_SWITCH)
 * @a: the state
 * @ev: the event; other kinds are ignored
 *
 * Return: 0, or -1 on ENOMEM (a CPU's stack could not be made).
 */
int attr_feed(struct attr *a, const struct zev *ev)
{
	if (!nest_of(a, ev->cpu))
		return -1;
	switch (ev->kind) {
	case ZEV_IRQ_ENTRY:
		enter(a, ev, H_IRQ);
		break;
	case ZEV_IRQ_EXIT:
		leave(a, ev, H_IRQ);
		break;
	case ZEV_SOFTIRQ_ENTRY:
		enter(a, ev, H_SOFTIRQ);
		break;
	case ZEV_SOFTIRQ_EXIT:
		leave(a, ev, H_SOFTIRQ);
		break;
	case ZEV_NMI:
		nmi(a, ev);
		break;
	case ZEV_SWITCH:
		sched_switch(a, ev);
		break;
	default:
		break;
	}
	return 0;
}

/**
 * attr_lost() - events were lost on @cpu: what ran there is unknown
 * @a: the state
 * @cpu: the CPU
 */
void attr_lost(struct attr *a, int cpu)
{
	struct nest *n = nest_of(a, cpu);

	if (n)
		n->depth = 0;
}

/**
 * attr_get() - a reference on the record of task @pid, which is running
 * now (it just emitted an event)
 * @a: the state
 * @pid: the task
 *
 * Return: the record, or NULL on ENOMEM.
 */
struct attr_task *attr_get(struct attr *a, int pid)
{
	struct attr_task *t = find(a, pid), **b;

	if (t) {
		t->refs++;
		t->out = false;
		return t;
	}
	if (a->ntasks >= a->nbuckets && grow(a) < 0)
		return NULL;
	if (a->free) {
		t = a->free;
		a->free = t->next;
	} else {
		t = malloc(sizeof(*t));
		if (!t)
			return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->refs = 1;
	b = bucket(a, pid);
	t->next = *b;
	*b = t;
	a->ntasks++;
	return t;
}

/**
 * attr_put() - drop a reference; the record is recycled at the last one
 * @a: the state
 * @t: from attr_get() (NULL is fine)
 */
void attr_put(struct attr *a, struct attr_task *t)
{
	struct attr_task **pp;

	if (!t || --t->refs > 0)
		return;
	for (pp = bucket(a, t->pid); *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	a->ntasks--;
	t->next = a->free;
	a->free = t;
}

/**
 * attr_mark() - @t's totals at @ts_ns (a switch-out in progress counts
 * up to @ts_ns)
 * @t: the task
 * @ts_ns: now
 * @m: filled in
 */
void attr_mark(const struct attr_task *t, uint64_t ts_ns, struct attr_mark *m)
{
	*m = t->tot;
	if (t->out && ts_ns > t->out_ns) {
		m->sched += ts_ns - t->out_ns;
		if (t->out_runnable)
			m->runnable += ts_ns - t->out_ns;
	}
}

/**
 * attr_diff() - the components between two marks of one task
 * @from: the earlier mark
 * @to: the later one
 * @out: its time and count fields are set (the rest is left alone)
 */
void attr_diff(const struct attr_mark *from, const struct attr_mark *to,
	       struct zap_attr *out)
{
	out->irq_ns = to->irq - from->irq;
	out->softirq_ns = to->softirq - from->softirq;
	out->nmi_ns = to->nmi - from->nmi;
	out->sched_ns = to->sched - from->sched;
	out->runnable_ns = to->runnable - from->runnable;
	out->nirq = to->nirq - from->nirq;
	out->nsoftirq = to->nsoftirq - from->nsoftirq;
	out->nnmi = to->nnmi - from->nnmi;
	out->nswitch = to->nswitch - from->nswitch;
}

/* cap - *v at most *left, *left reduced by it; true if it was cut */
static bool cap(uint64_t *v, uint64_t *left)
{
	bool cut = *v > *left;

	if (cut)
		*v = *left;
	*left -= *v;
	return cut;
}

/**
 * attr_clamp() - keep the components of @at within @dur_ns: they are
 * disjoint by construction, so this only acts on inconsistent input
 * (clocks that went backwards, lost events); counted
 * @a: the state (its counter)
 * @at: the components
 * @dur_ns: the item's duration
 */
void attr_clamp(struct attr *a, struct zap_attr *at, uint64_t dur_ns)
{
	uint64_t left = dur_ns;
	bool cut = false;

	cut |= cap(&at->irq_ns, &left);
	cut |= cap(&at->softirq_ns, &left);
	cut |= cap(&at->nmi_ns, &left);
	cut |= cap(&at->sched_ns, &left);
	cut |= cap(&at->lock_ns, &left);
	if (at->runnable_ns > at->sched_ns)
		at->runnable_ns = at->sched_ns;
	if (cut)
		a->st.clamped++;
}

/**
 * attr_stats() - what could not be attributed so far
 * @a: the state
 *
 * Return: a pointer into @a.
 */
const struct attr_stats *attr_stats(const struct attr *a)
{
	return &a->st;
}
