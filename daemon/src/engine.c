// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - pairing engine: decoded zap events in, intervals out.
 *
 * Owns: the table of open items. An item is an open zap interval, an open
 * generic pair or an open PTE lock range, identified by (class, key):
 * class CL_ZAP and CL_RANGE are keyed by pid, class CL_PAIR + n by the
 * pair's key. Items live in a chained hash (O(1) lookup) and, at the same
 * time, on the list of the CPU they were last seen on (so a loss marker
 * closes exactly the items of that CPU).
 *
 * Attribution (attr.c): an item of a task (a zap interval, a lock range,
 * a pair keyed by pid) holds a reference on the task's attr record and
 * its marks; when it closes, the difference of the marks is its
 * struct zap_attr. A kernel stack (ZEV_STACK) names the caller of the
 * task's newest open zap item.
 *
 * Invariants: see engine.h. In addition: an item is on exactly one hash
 * chain and one CPU list while open, on the free list after it is closed.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "engine.h"

#define CL_ZAP		0
#define CL_RANGE	1
#define CL_PAIR		2	/* CL_PAIR + pair id */

#define MAX_PAIRS	64

/* struct item - one open interval or range */
struct item {
	struct item	*hnext;			/* hash chain */
	struct item	*cnext, *cprev;		/* per-CPU list */
	int		class;
	int		last_cpu;
	uint64_t	key;
	union {
		struct zap_interval	iv;
		struct zap_range	r;
	};
	/* not zeroed by open_item(): valid when task is set */
	struct attr_task *task;			/* NULL: not a task's */
	struct attr_mark m_open;		/* at start / lock */
	struct attr_mark m_locked;		/* range: at locked */
};

/* open_item() zeroes an item up to the stages: a range must fit there */
_Static_assert(sizeof(struct zap_range) <= offsetof(struct zap_interval,
						     stages),
	       "struct zap_range outgrew the head of struct zap_interval");

/* struct cpu_list - circular list head of items last seen on a CPU */
struct cpu_list {
	struct item	head;
};

struct engine {
	struct engine_ops	ops;
	void			*arg;
	struct item		**buckets;
	size_t			nbuckets;	/* power of two */
	struct cpu_list		*cpus;
	int			ncpus;
	struct item		*free;
	char			*pairs[MAX_PAIRS];
	bool			keyed[MAX_PAIRS];	/* not by task */
	int			npairs;
	struct attr		*attr;
	bool			why_seen;	/* attribution events fed */
	struct engine_stats	st;
	int			err;
};

static const char *const kind_names[ZEV_NR_KINDS] = {
	[ZEV_START]	 = "zap_present_ptes_start",
	[ZEV_STAGE]	 = "zap_present_folio_stage",
	[ZEV_DONE]	 = "zap_present_ptes_done",
	[ZEV_LOCK]	 = "zap_pte_lock",
	[ZEV_LOCKED]	 = "zap_pte_locked",
	[ZEV_UNLOCK]	 = "zap_pte_unlock",
	[ZEV_PAIR_START] = "pair_start",
	[ZEV_PAIR_END]	 = "pair_end",
	[ZEV_LOST]	 = "lost",
	[ZEV_IRQ_ENTRY]	 = "irq_entry",
	[ZEV_IRQ_EXIT]	 = "irq_exit",
	[ZEV_SOFTIRQ_ENTRY] = "softirq_entry",
	[ZEV_SOFTIRQ_EXIT] = "softirq_exit",
	[ZEV_NMI]	 = "nmi_handler",
	[ZEV_SWITCH]	 = "sched_switch",
	[ZEV_STACK]	 = "kernel_stack",
	[ZEV_EXTRA]	 = "extra",
};

/**
 * zev_kind_name() - name of an event kind (the zap event name if any)
 * @kind: the kind
 *
 * Return: a static string.
 */
const char *zev_kind_name(enum zev_kind kind)
{
	if ((unsigned)kind >= ZEV_NR_KINDS)
		return "?";
	return kind_names[kind];
}

/* hash - mix (class, key) into a bucket index */
static size_t hash(const struct engine *e, int class, uint64_t key)
{
	uint64_t h = (key ^ ((uint64_t)class << 56)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (e->nbuckets - 1);
}

/* grow - double the bucket array; -1 on ENOMEM (table stays valid) */
static int grow(struct engine *e)
{
	size_t n = e->nbuckets * 2, i;
	struct item **nb = calloc(n, sizeof(*nb));
	struct item *it, *next;
	size_t old = e->nbuckets;
	struct item **ob = e->buckets;

	if (!nb)
		return -1;
	e->buckets = nb;
	e->nbuckets = n;
	for (i = 0; i < old; i++) {
		for (it = ob[i]; it; it = next) {
			size_t b = hash(e, it->class, it->key);

			next = it->hnext;
			it->hnext = nb[b];
			nb[b] = it;
		}
	}
	free(ob);
	return 0;
}

/* cpu_head - list head of @cpu, growing the array; NULL on ENOMEM */
static struct item *cpu_head(struct engine *e, int cpu)
{
	int i, n;
	struct cpu_list *nc;

	if (cpu < 0)
		cpu = 0;
	if (cpu >= e->ncpus) {
		n = cpu + 16;
		nc = malloc(n * sizeof(*nc));
		if (!nc)
			return NULL;
		/* lists are circular: re-anchor neighbours of moved heads */
		for (i = 0; i < n; i++) {
			struct item *h = &nc[i].head;

			if (i < e->ncpus && e->cpus[i].head.cnext !=
			    &e->cpus[i].head) {
				*h = e->cpus[i].head;
				h->cnext->cprev = h;
				h->cprev->cnext = h;
			} else {
				h->cnext = h->cprev = h;
			}
		}
		free(e->cpus);
		e->cpus = nc;
		e->ncpus = n;
	}
	return &e->cpus[cpu].head;
}

static void list_del(struct item *it)
{
	it->cprev->cnext = it->cnext;
	it->cnext->cprev = it->cprev;
	it->cnext = it->cprev = it;
}

static void list_add(struct item *head, struct item *it)
{
	it->cnext = head->cnext;
	it->cprev = head;
	head->cnext->cprev = it;
	head->cnext = it;
}

/* find - open item for (class, key), or NULL */
static struct item *find(struct engine *e, int class, uint64_t key)
{
	struct item *it;

	for (it = e->buckets[hash(e, class, key)]; it; it = it->hnext)
		if (it->class == class && it->key == key)
			return it;
	return NULL;
}

/* open_item - insert a zeroed item for (class, key) on @cpu; NULL on ENOMEM */
static struct item *open_item(struct engine *e, int class, uint64_t key,
			      int cpu)
{
	struct item *it, *head;
	size_t b;

	head = cpu_head(e, cpu);
	if (!head)
		return NULL;
	if (e->st.open >= e->nbuckets && grow(e) < 0)
		return NULL;
	if (e->free) {
		it = e->free;
		e->free = it->hnext;
	} else {
		it = malloc(sizeof(*it));
		if (!it)
			return NULL;
	}
	/* zap_interval's stages are written as they are added (nstages) */
	memset(it, 0, offsetof(struct item, iv.stages));
	it->task = NULL;
	it->class = class;
	it->key = key;
	it->last_cpu = cpu;
	b = hash(e, class, key);
	it->hnext = e->buckets[b];
	e->buckets[b] = it;
	list_add(head, it);
	e->st.open++;
	return it;
}

/* touch - note that @it was seen on @cpu (moves it to that CPU's list) */
static void touch(struct engine *e, struct item *it, int cpu)
{
	struct item *head;

	if (it->last_cpu == cpu)
		return;
	head = cpu_head(e, cpu);
	if (!head)
		return;	/* stays on the old list: conservative for losses */
	list_del(it);
	list_add(head, it);
	it->last_cpu = cpu;
}

/* is_task - is @it one task's time (a zap item, a pair keyed by pid)? */
static bool is_task(const struct engine *e, const struct item *it)
{
	return it->class < CL_PAIR || !e->keyed[it->class - CL_PAIR];
}

/* task_open - @it, an item of task @pid, opened at @ts: mark its task
 * (nothing before the first attribution event: see why_start()) */
static void task_open(struct engine *e, struct item *it, int pid,
		      uint64_t ts)
{
	if (!e->why_seen || !is_task(e, it))
		return;
	it->task = attr_get(e->attr, pid);
	if (it->task)
		attr_mark(it->task, ts, &it->m_open);
}

/*
 * why_start - the first attribution event: from now on items of tasks are
 * attributed (a trace without any costs nothing). The items open now get
 * their marks at @ts: with no attribution event before, a task's totals
 * are zero at any earlier moment too, so this is exact.
 */
static __attribute__((noinline)) void why_start(struct engine *e,
						 uint64_t ts)
{
	struct item *head, *it;
	int i;

	e->why_seen = true;
	for (i = 0; i < e->ncpus; i++) {
		head = &e->cpus[i].head;
		for (it = head->cnext; it != head; it = it->cnext) {
			bool r = it->class == CL_RANGE;

			task_open(e, it, r ? it->r.pid : it->iv.pid, ts);
			if (it->task && r && it->r.has_locked)
				it->m_locked = it->m_open;
		}
	}
}

/* range_spin - a range's wait for the lock minus what interrupted it */
static void range_spin(const struct item *it, struct zap_attr *at)
{
	const struct zap_range *r = &it->r;
	struct zap_attr w = { 0 };
	uint64_t wait = r->locked_ns - r->lock_ns, in;

	attr_diff(&it->m_open, &it->m_locked, &w);
	in = w.irq_ns + w.softirq_ns + w.nmi_ns + w.sched_ns;
	at->lock_ns = wait > in ? wait - in : 0;
}

/* iv_in_range - an interval's enclosing lock range: its wait, its lock
 * time (the key of its row) and its stack */
static void iv_in_range(struct engine *e, const struct item *it,
			struct zap_attr *at)
{
	const struct item *ri = find(e, CL_RANGE, (uint64_t)it->iv.pid);

	if (!ri || !ri->r.has_locked || ri->r.lock_ns > it->iv.start_ns)
		return;
	at->range_wait_ns = ri->r.locked_ns - ri->r.lock_ns;
	at->range_lock_ns = ri->r.lock_ns;
	if (!at->stack)
		at->stack = ri->r.attr.stack;
}

/* attribute - @it closes: its components from its marks (attr.c) */
static void attribute(struct engine *e, struct item *it)
{
	struct attr_mark now;
	struct zap_attr *at;
	uint64_t start, end;

	if (!it->task)
		return;
	if (it->class == CL_RANGE) {
		at = &it->r.attr;
		start = it->r.lock_ns;
		end = it->r.end_ns;
	} else {
		at = &it->iv.attr;
		start = it->iv.start_ns;
		end = it->iv.end_ns;
	}
	attr_mark(it->task, end, &now);
	attr_diff(&it->m_open, &now, at);
	at->valid = true;
	if (it->class == CL_RANGE && it->r.has_locked)
		range_spin(it, at);
	else if (it->class == CL_ZAP)
		iv_in_range(e, it, at);
	attr_clamp(e->attr, at, end > start ? end - start : 0);
	attr_put(e->attr, it->task);
	it->task = NULL;
}

/* close_item - unlink @it, emit it, put it on the free list */
static void close_item(struct engine *e, struct item *it)
{
	struct item **pp;
	int ret = 0;

	attribute(e, it);

	for (pp = &e->buckets[hash(e, it->class, it->key)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == it) {
			*pp = it->hnext;
			break;
		}
	}
	list_del(it);
	e->st.open--;

	if (it->class == CL_RANGE) {
		struct zap_range *r = &it->r;

		e->st.ranges++;
		if (r->finished)
			e->st.ranges_finished++;
		if (e->ops.range)
			ret = e->ops.range(e->arg, r);
	} else {
		struct zap_interval *iv = &it->iv;

		e->st.intervals++;
		if (iv->finished)
			e->st.finished++;
		else
			e->st.unfinished++;
		if (iv->tainted)
			e->st.tainted++;
		if (iv->migrated)
			e->st.migrated++;
		if (e->ops.interval)
			ret = e->ops.interval(e->arg, iv);
	}
	if (ret)
		e->err = -1;
	it->hnext = e->free;
	e->free = it;
}

/* close_unfinished - close @it without its end event */
static void close_unfinished(struct engine *e, struct item *it,
			     enum zap_end why, uint64_t ts)
{
	if (it->class == CL_RANGE) {
		it->r.why = why;
		it->r.end_ns = ts;
		it->r.tainted = why == ZAP_END_LOST;
	} else {
		it->iv.why = why;
		it->iv.end_ns = ts;
		it->iv.tainted = why == ZAP_END_LOST;
	}
	if (why == ZAP_END_RESTART)
		e->st.restarts++;
	close_item(e, it);
}

/* orphan - report an event with nothing open to pair with */
static void orphan(struct engine *e, const struct zev *ev)
{
	struct zap_orphan o = {
		.kind = ev->kind, .cpu = ev->cpu, .pid = ev->pid,
		.ts_ns = ev->ts_ns, .mm = ev->mm, .addr = ev->addr,
		.key = ev->key,
	};

	o.name = ev->kind == ZEV_PAIR_END ? engine_pair_name(e, ev->pair) :
		 zev_kind_name(ev->kind);
	e->st.orphans++;
	if (e->ops.orphan && e->ops.orphan(e->arg, &o))
		e->err = -1;
}

/**
 * engine_new() - create an engine
 * @ops: output callbacks (copied; NULL members are allowed)
 * @arg: passed to every callback
 *
 * Return: the engine, or NULL on ENOMEM.
 */
struct engine *engine_new(const struct engine_ops *ops, void *arg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ops = *ops;
	e->arg = arg;
	e->nbuckets = 1024;
	e->buckets = calloc(e->nbuckets, sizeof(*e->buckets));
	e->attr = attr_new();
	if (!e->buckets || !e->attr || !cpu_head(e, 0))
		goto fail;
	return e;
fail:
	engine_free(e);
	return NULL;
}

/**
 * engine_add_pair() - register a generic START -> END pair
 * @e: engine
 * @name: the interval kind stored for it (e.g. "sys_enter_munmap")
 *
 * Events of the pair are fed as ZEV_PAIR_START/ZEV_PAIR_END with
 * zev.pair = the returned id and zev.key = the pairing key (the pid, or a
 * field value: the source decides).
 *
 * Return: pair id >= 0, or -1 (too many pairs or ENOMEM).
 */
int engine_add_pair(struct engine *e, const char *name)
{
	if (e->npairs >= MAX_PAIRS)
		return -1;
	e->pairs[e->npairs] = strdup(name);
	if (!e->pairs[e->npairs])
		return -1;
	return e->npairs++;
}

/**
 * engine_pair_keyed() - pair @pair is keyed by a field, not by the task:
 * its intervals are not one task's time, so they get no attribution
 * @e: engine
 * @pair: pair id
 */
void engine_pair_keyed(struct engine *e, int pair)
{
	if (pair >= 0 && pair < e->npairs)
		e->keyed[pair] = true;
}

/**
 * engine_pair_name() - name given to engine_add_pair()
 * @e: engine
 * @pair: pair id
 *
 * Return: the name, or "?" for an unknown id.
 */
const char *engine_pair_name(const struct engine *e, int pair)
{
	if (pair < 0 || pair >= e->npairs)
		return "?";
	return e->pairs[pair];
}

/* iv_start - open an interval of class @class (CL_ZAP or CL_PAIR + n) */
static void iv_start(struct engine *e, const struct zev *ev, int class)
{
	struct item *it = find(e, class, ev->key);
	struct zap_interval *iv;

	if (it)
		close_unfinished(e, it, ZAP_END_RESTART, ev->ts_ns);
	it = open_item(e, class, ev->key, ev->cpu);
	if (!it) {
		e->err = -1;
		return;
	}
	iv = &it->iv;
	iv->kind = class == CL_ZAP ? "zap" :
		   engine_pair_name(e, class - CL_PAIR);
	iv->pair = class == CL_ZAP ? -1 : class - CL_PAIR;
	iv->cpu = ev->cpu;
	iv->done_cpu = -1;
	iv->pid = ev->pid;
	iv->key = ev->key;
	iv->mm = ev->mm;
	iv->addr = ev->addr;
	iv->pfn = ev->pfn;
	iv->max_nr = ev->max_nr;
	iv->order = ev->order;
	iv->flags = ev->flags & (ZF_PAGE | ZF_ANON);
	iv->path = -1;
	iv->last_stage = -1;
	iv->start_ns = ev->ts_ns;
	task_open(e, it, ev->pid, ev->ts_ns);
}

/* iv_stage - add a stage to the open zap interval of ev->pid */
static void iv_stage(struct engine *e, const struct zev *ev)
{
	struct item *it = find(e, CL_ZAP, (uint64_t)ev->pid);
	struct zap_interval *iv;
	struct zap_stage *s;
	uint64_t prev;

	if (!it) {
		orphan(e, ev);
		return;
	}
	touch(e, it, ev->cpu);
	iv = &it->iv;
	prev = iv->nstages ? iv->stages[iv->nstages - 1].ts_ns : iv->start_ns;
	iv->last_stage = ev->stage;
	if (iv->nstages >= ZAP_MAX_STAGES) {
		iv->stages_dropped++;
		return;
	}
	s = &iv->stages[iv->nstages++];
	s->stage = ev->stage;
	s->cpu = ev->cpu;
	s->ts_ns = ev->ts_ns;
	s->since_prev_ns = ev->ts_ns >= prev ? ev->ts_ns - prev : 0;
	s->nr = ev->nr;
	s->flags = ev->flags & (ZF_DELAY_RMAP | ZF_FULL);
}

/* iv_done - finish the open interval of class @class */
static void iv_done(struct engine *e, const struct zev *ev, int class)
{
	struct item *it = find(e, class, ev->key);
	struct zap_interval *iv;

	if (!it) {
		orphan(e, ev);
		return;
	}
	iv = &it->iv;
	iv->done_cpu = ev->cpu;
	iv->migrated = ev->cpu != iv->cpu;
	iv->end_ns = ev->ts_ns;
	iv->finished = true;
	iv->why = ZAP_END_DONE;
	if (class == CL_ZAP) {
		iv->nr = ev->nr;
		iv->path = ev->path;
		iv->flags |= ev->flags & (ZF_FORCE_FLUSH | ZF_FORCE_BREAK);
	}
	close_item(e, it);
}

static void r_lock(struct engine *e, const struct zev *ev)
{
	struct item *it = find(e, CL_RANGE, (uint64_t)ev->pid);
	struct zap_range *r;

	if (it)
		close_unfinished(e, it, ZAP_END_RESTART, ev->ts_ns);
	it = open_item(e, CL_RANGE, (uint64_t)ev->pid, ev->cpu);
	if (!it) {
		e->err = -1;
		return;
	}
	r = &it->r;
	r->cpu = ev->cpu;
	r->unlock_cpu = -1;
	r->pid = ev->pid;
	r->mm = ev->mm;
	r->addr = ev->addr;
	r->end = ev->end;
	r->lock_ns = ev->ts_ns;
	task_open(e, it, ev->pid, ev->ts_ns);
}

static void r_locked(struct engine *e, const struct zev *ev)
{
	struct item *it = find(e, CL_RANGE, (uint64_t)ev->pid);
	struct zap_range *r;

	if (!it || it->r.has_locked) {
		orphan(e, ev);
		return;
	}
	touch(e, it, ev->cpu);
	r = &it->r;
	r->has_locked = true;
	r->locked_ns = ev->ts_ns;
	if (it->task)
		attr_mark(it->task, ev->ts_ns, &it->m_locked);
	r->flags |= ev->flags & ZF_MAPPED;
	if (!(ev->flags & ZF_MAPPED)) {
		/* the map failed: no lock is held, the range ends here */
		r->finished = true;
		r->why = ZAP_END_DONE;
		r->end_ns = ev->ts_ns;
		close_item(e, it);
	}
}

static void r_unlock(struct engine *e, const struct zev *ev)
{
	struct item *it = find(e, CL_RANGE, (uint64_t)ev->pid);
	struct zap_range *r;

	if (!it) {
		orphan(e, ev);
		return;
	}
	if (!it->r.has_locked) {
		/* unlock without locked: never guess the wait/hold split */
		close_unfinished(e, it, ZAP_END_MISMATCH, ev->ts_ns);
		orphan(e, ev);
		return;
	}
	r = &it->r;
	r->has_unlock = true;
	r->unlock_cpu = ev->cpu;
	r->reached = ev->addr;
	r->end = ev->end;
	r->flags |= ev->flags & (ZF_FORCE_FLUSH | ZF_FORCE_BREAK);
	r->end_ns = ev->ts_ns;
	r->finished = true;
	r->why = ZAP_END_DONE;
	close_item(e, it);
}

/*
 * on_stack - a kernel stack of ev->pid: it names the caller of the task's
 * newest open zap item (the stacktrace trigger writes it right after the
 * event it fired on, from the same task), if that item has none yet
 */
static __attribute__((noinline)) void on_stack(struct engine *e,
						const struct zev *ev)
{
	struct item *iv = find(e, CL_ZAP, (uint64_t)ev->pid);
	struct item *r = find(e, CL_RANGE, (uint64_t)ev->pid);
	struct zap_attr *at;

	if (iv && r && r->r.lock_ns > iv->iv.start_ns)
		iv = NULL;	/* the range is newer */
	at = iv ? &iv->iv.attr : r ? &r->r.attr : NULL;
	if (!at || at->stack || !ev->stack) {
		e->st.stacks_unattached++;
		return;
	}
	at->stack = ev->stack;
	e->st.stacks++;
}

/* lost - close every item last seen on ev->cpu as tainted */
static void lost(struct engine *e, const struct zev *ev)
{
	struct item *head = cpu_head(e, ev->cpu);

	e->st.lost_markers++;
	attr_lost(e->attr, ev->cpu);
	if (head) {
		while (head->cnext != head)
			close_unfinished(e, head->cnext, ZAP_END_LOST,
					 ev->ts_ns);
	}
	if (e->ops.lost && e->ops.lost(e->arg, ev->cpu, ev->ts_ns, ev->count))
		e->err = -1;
}

/**
 * engine_feed() - feed one decoded event
 * @e: engine
 * @ev: the event (not kept)
 *
 * A lost-events marker must be fed as its own ZEV_LOST event before the
 * first event after the gap.
 *
 * Return: 0, or -1 if a callback failed or memory ran out.
 */
int engine_feed(struct engine *e, const struct zev *ev)
{
	struct zev k;

	e->err = 0;
	if ((unsigned)ev->kind >= ZEV_NR_KINDS)
		return -1;
	e->st.events[ev->kind]++;
	switch (ev->kind) {
	case ZEV_START:
	case ZEV_DONE:
		if (ev->key != (uint64_t)ev->pid) {	/* zap: keyed by pid */
			k = *ev;
			k.key = (uint64_t)ev->pid;
			ev = &k;
		}
		if (ev->kind == ZEV_START)
			iv_start(e, ev, CL_ZAP);
		else
			iv_done(e, ev, CL_ZAP);
		break;
	case ZEV_STAGE:
		iv_stage(e, ev);
		break;
	case ZEV_PAIR_START:
	case ZEV_PAIR_END:
		if (ev->pair < 0 || ev->pair >= e->npairs)
			return -1;
		if (ev->kind == ZEV_PAIR_START)
			iv_start(e, ev, CL_PAIR + ev->pair);
		else
			iv_done(e, ev, CL_PAIR + ev->pair);
		break;
	case ZEV_LOCK:
		r_lock(e, ev);
		break;
	case ZEV_LOCKED:
		r_locked(e, ev);
		break;
	case ZEV_UNLOCK:
		r_unlock(e, ev);
		break;
	case ZEV_LOST:
		lost(e, ev);
		break;
	case ZEV_IRQ_ENTRY:
	case ZEV_IRQ_EXIT:
	case ZEV_SOFTIRQ_ENTRY:
	case ZEV_SOFTIRQ_EXIT:
	case ZEV_NMI:
	case ZEV_SWITCH:
		if (!e->why_seen)
			why_start(e, ev->ts_ns);
		if (attr_feed(e->attr, ev) < 0)
			return -1;
		break;
	case ZEV_STACK:
		if (!e->why_seen)
			why_start(e, ev->ts_ns);
		on_stack(e, ev);
		break;
	default:
		return -1;
	}
	return e->err;
}

/**
 * engine_finish() - end of input: emit every open item as unfinished
 * @e: engine
 * @ts_ns: timestamp of the last event (stored as the items' end_ns)
 *
 * The engine can be fed again afterwards.
 *
 * Return: 0, or -1 if a callback failed.
 */
int engine_finish(struct engine *e, uint64_t ts_ns)
{
	int i, err = 0;

	for (i = 0; i < e->ncpus; i++) {
		struct item *head = &e->cpus[i].head;

		while (head->cnext != head) {
			e->err = 0;
			close_unfinished(e, head->cnext, ZAP_END_EOF, ts_ns);
			if (e->err)
				err = -1;
		}
	}
	return err;
}

/**
 * engine_stats() - counters so far
 * @e: engine
 *
 * Return: pointer into the engine, valid until engine_free().
 */
const struct engine_stats *engine_stats(const struct engine *e)
{
	return &e->st;
}

/**
 * engine_attr_stats() - what attribution could not account for so far
 * @e: engine
 *
 * Return: pointer into the engine, valid until engine_free().
 */
const struct attr_stats *engine_attr_stats(const struct engine *e)
{
	return attr_stats(e->attr);
}

/**
 * engine_walk_open() - visit open intervals older than a threshold
 * @e: engine
 * @now_ns: the current trace time
 * @min_age_ns: visit intervals with now_ns - start_ns >= min_age_ns
 * @fn: called per interval; returning 1 flags it (it is then emitted with
 *	flagged = true when it closes, so a sink can update a "hung" report),
 *	returning < 0 stops the walk
 * @arg: passed to @fn
 *
 * The hook for a live hang watchdog. O(open items). Ranges are skipped.
 *
 * Return: number of intervals visited, or -1 if @fn stopped the walk.
 */
int engine_walk_open(struct engine *e, uint64_t now_ns, uint64_t min_age_ns,
		     int (*fn)(void *arg, const struct zap_interval *iv,
			       uint64_t age_ns),
		     void *arg)
{
	int i, n = 0, ret;
	struct item *head, *it;

	for (i = 0; i < e->ncpus; i++) {
		head = &e->cpus[i].head;
		for (it = head->cnext; it != head; it = it->cnext) {
			uint64_t age;

			if (it->class == CL_RANGE)
				continue;
			age = now_ns > it->iv.start_ns ?
			      now_ns - it->iv.start_ns : 0;
			if (age < min_age_ns)
				continue;
			n++;
			ret = fn(arg, &it->iv, age);
			if (ret < 0)
				return -1;
			if (ret == 1)
				it->iv.flagged = true;
		}
	}
	return n;
}

/**
 * engine_free() - free the engine; open items are discarded, not emitted
 * @e: engine (NULL is fine)
 */
void engine_free(struct engine *e)
{
	struct item *it, *next;
	size_t i;

	if (!e)
		return;
	for (i = 0; e->buckets && i < e->nbuckets; i++) {
		for (it = e->buckets[i]; it; it = next) {
			next = it->hnext;
			free(it);
		}
	}
	for (it = e->free; it; it = next) {
		next = it->hnext;
		free(it);
	}
	for (i = 0; i < (size_t)e->npairs; i++)
		free(e->pairs[i]);
	attr_free(e->attr);
	free(e->buckets);
	free(e->cpus);
	free(e);
}
