// SPDX-License-Identifier: GPL-2.0
/*
 * live-reader.c - zapd live's per-CPU readers and their time merge.
 *
 * Owns: reading trace_pipe_raw of every CPU (sub-buffers, libtracefs),
 * decoding their records (decode.c), the per-CPU queues of decoded
 * records, the merge of the queues into one time-ordered stream fed to
 * the run layer, and the loss accounting (sub-buffer markers and the
 * per-CPU stats files).
 *
 * Invariants:
 *  - the run is fed in timestamp order: records are queued per CPU and
 *    released up to a watermark W = (time before the read pass) - SLACK,
 *    lowered to the last timestamp read on any CPU that was not drained.
 *    Every record with ts <= W had been committed when its CPU was read.
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
#include <kbuffer.h>
#include <tracefs.h>

#include "live-int.h"
#include "log.h"
#include "run.h"
#include "timeutil.h"

#define SLACK_NS		(10 * 1000000ull)	/* reserve -> commit */
#define PAGES_PER_PASS		256	/* per CPU, keeps the loop responsive */

/* push - append a pending record to @c's queue; NULL on ENOMEM */
static struct pend *push(struct lcpu *c)
{
	struct pend *p;

	if (c->qlen == c->qcap) {
		size_t n = c->qcap ? c->qcap * 2 : 1024;

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
	struct pend *p = push(c);

	if (!p)
		return -1;
	p->ev.kind = ZEV_LOST;
	p->ev.cpu = c->cpu;
	p->ev.ts_ns = ts;
	p->ev.count = count;
	p->shadow = shadow;
	return 0;
}

/* decode - one record of @c into its queue (extra events too: the
 * context windows of --context-ms want them in time order) */
static int decode(struct live *l, struct lcpu *c, struct tep_record *rec)
{
	struct evdec *d;
	struct pend *p;

	run_record(l->run, rec->ts);
	c->last_ts = rec->ts;
	d = dectab_get(&l->dec, tep_data_type(l->tep, rec));
	if (!d) {
		run_counts(l->run)->other_events++;	/* a trace_marker */
		return 0;
	}
	if (dec_count(d, c->cpu) < 0)
		return -1;
	if (d->kind < 0 && !d->name)
		return 0;
	p = push(c);
	if (!p)
		return -1;
	if (d->kind >= 0) {
		dec_record(d, l->tep, rec, c->cpu, &p->ev);
		return 0;
	}
	p->ev.kind = ZEV_EXTRA;
	p->ev.cpu = c->cpu;
	p->ev.ts_ns = rec->ts;
	dec_event(d, l->tep, rec, c->cpu, d->name, &p->ev.ext);
	return 0;
}

/* decode_page - every record of the sub-buffer in l->page */
static int decode_page(struct live *l, struct lcpu *c)
{
	struct tep_record rec = { .cpu = c->cpu };
	unsigned long long ts;
	void *data;
	int missed;

	if (kbuffer_load_subbuffer(c->kbuf, l->page) < 0) {
		log_warnx("live: CPU %d: unreadable sub-buffer", c->cpu);
		return -1;
	}
	missed = kbuffer_missed_events(c->kbuf);	/* first event only */
	data = kbuffer_read_event(c->kbuf, &ts);
	if (missed && push_lost(c, data ? ts : c->last_ts,
				missed > 0 ? missed : -1, false) < 0)
		return -1;
	for (; data; data = kbuffer_next_event(c->kbuf, &ts)) {
		rec.ts = ts;
		rec.data = data;
		rec.size = kbuffer_event_size(c->kbuf);
		rec.missed_events = missed;
		missed = 0;
		if (decode(l, c, &rec) < 0)
			return -1;
	}
	return 0;
}

/* read_cpu - up to @max sub-buffers of @c; 1 drained, 0 more, -1 error */
static int read_cpu(struct live *l, struct lcpu *c, int max)
{
	int n, r;

	for (n = 0; n < max; n++) {
		r = tracefs_cpu_read(c->tcpu, l->page, true);
		if (r <= 0) {
			if (r < 0 && errno != EAGAIN && errno != EINTR &&
			    errno != ENODATA) {
				log_warn("live: CPU %d: read trace_pipe_raw",
					 c->cpu);
				return -1;
			}
			return 1;
		}
		if (decode_page(l, c) < 0)
			return -1;
	}
	return 0;
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

/* feed_lost - a loss; with pairs it taints every CPU's items */
static int feed_lost(struct live *l, const struct pend *p)
{
	int i, ret;

	ret = run_lost(l->run, p->ev.cpu, p->ev.ts_ns, p->ev.count,
		       p->shadow);
	for (i = 0; !ret && l->o.npairs && i < l->ncpus; i++) {
		if (l->cpus[i].cpu == p->ev.cpu)
			continue;
		ret = run_lost(l->run, l->cpus[i].cpu, p->ev.ts_ns,
			       p->ev.count, true);
	}
	return ret;
}

/* oldest - the CPU whose queue head is the oldest record <= @w, or NULL */
static struct lcpu *oldest(struct live *l, uint64_t w)
{
	struct lcpu *best = NULL;
	int i;

	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (c->qhead == c->qlen || c->q[c->qhead].ev.ts_ns > w)
			continue;
		if (!best || c->q[c->qhead].ev.ts_ns <
			     best->q[best->qhead].ev.ts_ns)
			best = c;
	}
	return best;
}

/* feed_until - feed queued records with ts <= @w, in timestamp order */
static int feed_until(struct live *l, uint64_t w)
{
	struct lcpu *best;
	struct pend *p;
	int i;

	while ((best = oldest(l, w))) {
		p = &best->q[best->qhead++];
		if (p->ev.kind == ZEV_LOST) {
			if (feed_lost(l, p) < 0)
				return -1;
		} else if (run_feed(l->run, &p->ev) < 0) {
			return -1;
		}
	}
	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (c->qhead == c->qlen)
			c->qhead = c->qlen = 0;
	}
	return 0;
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
	int i;

	for (i = 0; l->cpus && i < l->ncpus; i++) {
		kbuffer_free(l->cpus[i].kbuf);
		free(l->cpus[i].q);
	}
	free(l->cpus);
	free(l->page);
	l->cpus = NULL;
	l->page = NULL;
}
