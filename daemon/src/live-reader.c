// SPDX-License-Identifier: GPL-2.0
/*
 * live-reader.c - zapd live's per-CPU readers and their time merge.
 *
 * Owns: reading trace_pipe_raw of every CPU (sub-buffers, libtracefs),
 * the per-CPU queues of sub-buffers read and not yet merged, the pool of
 * sub-buffer pages, the merge of the queues into one time-ordered stream
 * decoded (decode.c) and fed to the run layer record by record, and the
 * loss accounting (sub-buffer markers and the per-CPU stats files).
 *
 * A sub-buffer is read into a page of the pool and queued as it is; the
 * merge walks the head page of every CPU (subbuf.h) and decodes each
 * record straight from the page into a struct zev on the stack: no copy
 * and no allocation per event (a page goes back to the pool when its
 * last record is fed; the pool only grows to the most pages held at
 * once).
 *
 * Invariants:
 *  - the run is fed in timestamp order: records are released up to a
 *    watermark W = (time before the read pass) - SLACK, lowered to the
 *    timestamp of the last sub-buffer read from any CPU that was not
 *    drained (its unread records are younger). Every record with ts <= W
 *    had been committed when its CPU was read.
 *  - a CPU's queue is FIFO: its records and losses are fed in the order
 *    they were read.
 *  - a lost-events marker (first record of a sub-buffer after a gap) is
 *    fed as a loss on its CPU before that record; with --pair (tasks
 *    migrate inside a pair) it also taints every other CPU's open
 *    intervals (shadow losses: no extra lost row).
 *  - dropped events and commit overruns of the stats files have no marker
 *    in the stream: they are written as 'stats' rows and taint the CPU
 *    with a shadow loss queued after everything read from it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "live-int.h"
#include "log.h"
#include "run.h"
#include "timeutil.h"

#define SLACK_NS		(10 * 1000000ull)	/* reserve -> commit */
#define PAGES_PER_PASS		256	/* per CPU, keeps the loop responsive */
#define TS_NONE			UINT64_MAX	/* nothing queued */

/* page_get - a free sub-buffer page (the pool's, or a new one) */
static void *page_get(struct live *l)
{
	if (l->npool)
		return l->pool[--l->npool];
	return malloc(l->subbuf);
}

/* page_put - back to the pool; -1 on ENOMEM (the page is freed) */
static int page_put(struct live *l, void *page)
{
	void **p;

	if (l->npool == l->poolcap) {
		int n = l->poolcap ? l->poolcap * 2 : 64;

		p = realloc(l->pool, n * sizeof(*p));
		if (!p) {
			free(page);
			return -1;
		}
		l->pool = p;
		l->poolcap = n;
	}
	l->pool[l->npool++] = page;
	return 0;
}

/* push - append a slot to @c's queue; NULL on ENOMEM */
static struct rslot *push(struct lcpu *c)
{
	struct rslot *p;

	if (c->qlen == c->qcap) {
		size_t n = c->qcap ? c->qcap * 2 : 256;

		if (c->qhead) {	/* compact first */
			memmove(c->q, c->q + c->qhead,
				(c->qlen - c->qhead) * sizeof(*c->q));
			c->qlen -= c->qhead;
			c->qhead = 0;
		}
		if (c->qlen == c->qcap) {
			p = realloc(c->q, n * sizeof(*p));
			if (!p)
				return NULL;
			c->q = p;
			c->qcap = n;
		}
	}
	p = &c->q[c->qlen++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* push_lost - queue a loss on @c at @ts */
static int push_lost(struct lcpu *c, uint64_t ts, int64_t count, bool shadow)
{
	struct rslot *p = push(c);

	if (!p)
		return -1;
	p->ts = ts;
	p->count = count;
	p->shadow = shadow;
	return 0;
}

/* pop - drop @c's head slot (its page back to the pool) */
static int pop(struct live *l, struct lcpu *c)
{
	struct rslot *p = &c->q[c->qhead++];
	int ret = p->page ? page_put(l, p->page) : 0;

	if (c->qhead == c->qlen)
		c->qhead = c->qlen = 0;
	return ret;
}

/* read_cpu - up to @max sub-buffers of @c; 1 drained, 0 more, -1 error */
static int read_cpu(struct live *l, struct lcpu *c, int max)
{
	struct rslot *p;
	void *page;
	int n, r;

	for (n = 0; n < max; n++) {
		page = page_get(l);
		if (!page)
			goto nomem;
		r = tracefs_cpu_read(c->tcpu, page, true);
		if (r <= 0) {
			page_put(l, page);
			if (r < 0 && errno != EAGAIN && errno != EINTR &&
			    errno != ENODATA) {
				log_warn("live: CPU %d: read trace_pipe_raw",
					 c->cpu);
				return -1;
			}
			return 1;
		}
		p = push(c);
		if (!p) {
			free(page);
			goto nomem;
		}
		p->page = page;
		p->len = (uint32_t)r;
		memcpy(&p->ts, page, sizeof(p->ts));	/* subbuf.h */
		if (p->ts > c->last_ts)
			c->last_ts = p->ts;
	}
	return 0;
nomem:
	log_warnx("live: out of memory");
	return -1;
}

/**
 * live_read_stats() - overrun and dropped (+ commit overrun) of @c
 * @c: the CPU
 * @overrun: out
 * @dropped: out
 *
 * Return: 0, or -1 if the stats file cannot be read.
 */
int live_read_stats(struct lcpu *c, uint64_t *overrun, uint64_t *dropped)
{
	char buf[1024], *line;
	unsigned long long v;
	ssize_t n = pread(c->stats_fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	*overrun = *dropped = 0;
	for (line = buf; line; line = strchr(line, '\n') ?
				      strchr(line, '\n') + 1 : NULL) {
		if (sscanf(line, "overrun: %llu", &v) == 1)
			*overrun = v;
		else if (sscanf(line, "commit overrun: %llu", &v) == 1 ||
			 sscanf(line, "dropped events: %llu", &v) == 1)
			*dropped += v;
	}
	return 0;
}

/**
 * live_check_stats() - per-CPU stats file deltas -> lost rows (source
 * 'stats'). Overruns also show up as a marker in the stream; dropped
 * events (and commit overruns) do not, so they taint the CPU's open items
 * (a shadow loss queued after everything read from that CPU).
 * @l: the run
 * @now: mono_ns() of the check
 *
 * Return: 0, or -1 if the writer failed.
 */
int live_check_stats(struct live *l, uint64_t now)
{
	uint64_t ov, dr;
	int i;

	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (live_read_stats(c, &ov, &dr) < 0)
			continue;
		if (ov > c->overrun &&
		    run_lost_stats(l->run, l->o.instance, c->cpu,
				   (int64_t)now, (int64_t)(ov - c->overrun)) < 0)
			return -1;
		if (dr > c->dropped &&
		    (run_lost_stats(l->run, l->o.instance, c->cpu,
				    (int64_t)now,
				    (int64_t)(dr - c->dropped)) < 0 ||
		     push_lost(c, c->last_ts > now ? c->last_ts : now, -1,
			       true) < 0))
			return -1;
		c->overrun = ov;
		c->dropped = dr;
	}
	return 0;
}

/* feed_lost - a loss on @cpu; with pairs it taints every CPU's items */
static int feed_lost(struct live *l, int cpu, uint64_t ts, int64_t count,
		     bool shadow)
{
	int i, ret;

	ret = run_lost(l->run, cpu, ts, count, shadow);
	for (i = 0; !ret && l->o.npairs && i < l->ncpus; i++) {
		if (l->cpus[i].cpu == cpu)
			continue;
		ret = run_lost(l->run, l->cpus[i].cpu, ts, count, true);
	}
	return ret;
}

/* record - decode one record of @c in place and feed it: paired ones to
 * the engine, extra ones stored as they are */
static int record(struct live *l, struct lcpu *c, const void *data,
		  uint64_t ts)
{
	struct tep_record rec = {
		.ts = ts, .cpu = c->cpu, .data = (void *)data,
		.size = (int)c->sb.rec_len,	/* bounds kstack_read() */
	};
	struct ext_event e;
	struct evdec *d;
	struct zev ev;

	run_count_record(l->counts, ts);
	d = dectab_get(&l->dec, l->type_fast ?
		       (int)dec_fast_read(&l->ftype, data) :
		       tep_data_type(l->tep, &rec));
	if (!d) {
		l->counts->other_events++;	/* a trace_marker */
		return 0;
	}
	if (c->cpu < d->ncount)
		d->count[c->cpu]++;
	else if (dec_count(d, c->cpu) < 0)
		return -1;
	if (d->kind >= 0) {
		if (d->fast)
			dec_record_fast(d, data, ts, c->cpu, &ev);
		else
			dec_record(d, l->tep, &rec, c->cpu, &ev);
		return run_feed(l->run, &ev);
	}
	if (!d->name)
		return 0;
	dec_event(d, l->tep, &rec, c->cpu, d->name, &e);
	return run_event(l->run, &e);
}

/*
 * head - the time of @c's next item (TS_NONE: nothing queued), loading
 * the head page into its cursor if needed; -1 on an unreadable page
 */
static int head(struct live *l, struct lcpu *c, uint64_t *ts)
{
	struct rslot *p;

	while (!c->rec) {
		if (c->qhead == c->qlen) {
			*ts = TS_NONE;
			return 0;
		}
		p = &c->q[c->qhead];
		if (!p->page) {			/* a loss */
			*ts = p->ts;
			return 0;
		}
		if (sb_load(&c->sb, p->page, p->len, l->long_size) < 0) {
			log_warnx("live: CPU %d: unreadable sub-buffer",
				  c->cpu);
			return -1;
		}
		c->missed = c->sb.missed;
		c->rec = sb_next(&c->sb, &c->rec_ts);
		if (c->rec)
			break;
		/* no record: the marker alone becomes a loss slot */
		if (page_put(l, p->page) < 0)
			return -1;
		p->page = NULL;
		if (c->missed) {
			p->count = c->missed;
			p->shadow = false;
		} else if (pop(l, c) < 0) {
			return -1;
		}
	}
	*ts = c->rec_ts;
	return 0;
}

/* step - feed @c's next item (head() found one) and, if it is a record,
 * the records after it on its page up to @limit */
static int step(struct live *l, struct lcpu *c, uint64_t limit)
{
	struct rslot *p;

	if (!c->rec) {
		p = &c->q[c->qhead];
		if (feed_lost(l, c->cpu, p->ts, p->count, p->shadow) < 0)
			return -1;
		return pop(l, c);
	}
	if (c->missed) {
		if (feed_lost(l, c->cpu, c->rec_ts, c->missed, false) < 0)
			return -1;
		c->missed = 0;
	}
	do {
		if (record(l, c, c->rec, c->rec_ts) < 0)
			return -1;
		c->rec = sb_next(&c->sb, &c->rec_ts);
	} while (c->rec && c->rec_ts <= limit);
	return c->rec ? 0 : pop(l, c);
}

/*
 * feed_until - feed every queued item with ts <= @w in timestamp order:
 * take the CPU with the oldest head and feed from it while its items are
 * no younger than every other CPU's head (one comparison per record)
 */
static int feed_until(struct live *l, uint64_t w)
{
	struct lcpu *best;
	uint64_t t, bt, limit;
	int i;

	for (;;) {
		best = NULL;
		bt = limit = w;
		for (i = 0; i < l->ncpus; i++) {
			struct lcpu *c = &l->cpus[i];

			if (head(l, c, &t) < 0)
				return -1;
			if (t == TS_NONE || t > w)
				continue;
			if (!best || t < bt) {
				if (best && bt < limit)
					limit = bt;
				best = c;
				bt = t;
			} else if (t < limit) {
				limit = t;
			}
		}
		if (!best)
			return 0;
		do {
			if (step(l, best, limit) < 0 || head(l, best, &t) < 0)
				return -1;
		} while (t != TS_NONE && t <= limit);
	}
}

/**
 * live_pass() - one read pass over all CPUs; feed what is safe to feed,
 * then let the watchdog look at what is still open
 * @l: the run
 * @drain: read everything and feed it all (tracing is off)
 *
 * Return: 0, or -1 after one line.
 */
int live_pass(struct live *l, bool drain)
{
	uint64_t t0 = mono_ns(), w;
	int i, r;

	w = drain ? UINT64_MAX : (t0 > SLACK_NS ? t0 - SLACK_NS : 0);
	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		do {
			r = read_cpu(l, c, PAGES_PER_PASS);
		} while (r == 0 && drain);
		if (r < 0)
			return -1;
		if (r == 0 && c->last_ts < w)	/* not drained: its unread */
			w = c->last_ts;		/* records may be older */
	}
	if (feed_until(l, w) < 0)
		return -1;
	if (!drain && watchdog_check(l, w) < 0)
		return -1;
	return 0;
}

/**
 * live_reader_free() - the readers' buffers and queues
 * @l: the run
 */
void live_reader_free(struct live *l)
{
	size_t j;
	int i;

	for (i = 0; l->cpus && i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		for (j = c->qhead; j < c->qlen; j++)
			free(c->q[j].page);
		free(c->q);
	}
	while (l->npool)
		free(l->pool[--l->npool]);
	free(l->pool);
	free(l->cpus);
	l->pool = NULL;
	l->cpus = NULL;
}
