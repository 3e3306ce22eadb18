// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - the run layer shared by both sources (see run.h).
 *
 * Owns: struct run: the engine (created with one generic pair per --pair
 * spec, in order, so pair id = spec index), the comm cache it names
 * tasks with, the writer it forwards to, the buffer name of the records
 * being fed (for lost rows), the counters, with --context-ms the rolling
 * windows of extra events (context.c) that slow intervals store, and the
 * outlier stage between the engine and the writer: every closed interval
 * and lock range is counted (hist.c, tally.c), and only those the keep
 * rule selects become rows (keep_row()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "cli.h"
#include "comm.h"
#include "context.h"
#include "decode.h"
#include "engine.h"
#include "hist.h"
#include "kstack.h"
#include "log.h"
#include "run.h"
#include "tally.h"
#include "timeutil.h"
#include "writer.h"

/* the kind of lock ranges in the histograms */
static const char range_kind[] = "pte_lock";

struct run {
	struct engine		*eng;
	struct comm		*comm;		/* not owned */
	struct writer		*w;		/* not owned; NULL: store none */
	const char		*buffer;	/* of the records fed now */
	bool			shadow;		/* feeding a shadow loss */
	struct context		*ctx;		/* NULL: store every extra */
	int64_t			slower_than;	/* < 0: every row */
	struct hist		*hist;
	struct tally		*tally;
	int			last_pid;	/* the last task named */
	const char		*last_comm;
	struct run_counts	c;
};

/* store_ext - context_store() callback: one held event to the writer */
static int store_ext(void *arg, const struct ext_event *e)
{
	struct run *r = arg;

	return writer_event(r->w, e);
}

/* out_context - a slow interval closed: store what surrounded it */
static int out_context(struct run *r, const struct zap_interval *iv)
{
	uint64_t dur = iv->end_ns > iv->start_ns ? iv->end_ns - iv->start_ns :
		       0;

	if (!context_slow(r->ctx, dur))
		return 0;
	if (context_store(r->ctx, iv->cpu, iv->start_ns, iv->end_ns,
			  store_ext, r) < 0)
		return -1;
	if (iv->done_cpu >= 0 && iv->done_cpu != iv->cpu)
		return context_store(r->ctx, iv->done_cpu, iv->start_ns,
				     iv->end_ns, store_ext, r);
	return 0;
}

/* name - comm_get(), the last task first (a storm is one task) */
static const char *name(struct run *r, int pid)
{
	if (pid != r->last_pid || pid < 0) {
		r->last_comm = comm_get(r->comm, pid);
		r->last_pid = pid;
	}
	return r->last_comm;
}

/*
 * keep_row - does a closed item get a row? Unfinished ones (restart,
 * lost, mismatch, eof) always; finished ones when one of @a, @b (its
 * durations, UINT64_MAX: none) is at least --slower-than
 */
static bool keep_row(const struct run *r, bool finished, uint64_t a,
		     uint64_t b)
{
	uint64_t thr = (uint64_t)r->slower_than;

	if (r->slower_than < 0 || !finished)
		return true;
	return (a != UINT64_MAX && a >= thr) || (b != UINT64_MAX && b >= thr);
}

/* out_interval - an interval closed: counted, and its row (or its
 * watchdog row's) if it is kept */
static int out_interval(void *arg, const struct zap_interval *iv)
{
	struct run *r = arg;
	uint64_t dur = iv->end_ns - iv->start_ns;
	const char *comm = name(r, iv->pid);

	if ((iv->finished && hist_add(r->hist, iv->kind,
				      iv->pair < 0 ? iv->path : -1, HIST_DUR,
				      iv->end_ns, dur) < 0) ||
	    tally_interval(r->tally, iv, comm) < 0)
		return -1;
	if (!r->w)
		return 0;
	if (r->ctx && out_context(r, iv) < 0)
		return -1;
	if (iv->flagged) {	/* its 'open' row is written: always kept */
		log_info("stall over: %s pid %d after %llu ms (%s)", iv->kind,
			 iv->pid, (unsigned long long)(dur / NS_PER_MS),
			 zap_end_name(iv->why));
		return writer_interval_close(r->w, iv, comm);
	}
	if (!keep_row(r, iv->finished, dur, UINT64_MAX)) {
		r->c.below++;
		return 0;
	}
	r->c.rows++;
	return writer_interval(r->w, iv, comm);
}

/* out_range - a lock range closed: wait and hold counted, its row if
 * either is slow (or it did not finish) */
static int out_range(void *arg, const struct zap_range *rg)
{
	struct run *r = arg;
	uint64_t wait = UINT64_MAX, hold = UINT64_MAX;

	if (rg->finished && rg->has_locked) {
		wait = rg->locked_ns - rg->lock_ns;
		if (hist_add(r->hist, range_kind, -1, HIST_WAIT, rg->end_ns,
			     wait) < 0)
			return -1;
	}
	if (rg->finished && rg->has_unlock) {
		hold = rg->end_ns - rg->locked_ns;
		if (hist_add(r->hist, range_kind, -1, HIST_HOLD, rg->end_ns,
			     hold) < 0)
			return -1;
	}
	if (!r->w)
		return 0;
	if (!keep_row(r, rg->finished, wait, hold)) {
		r->c.ranges_below++;
		return 0;
	}
	return writer_range(r->w, rg, name(r, rg->pid));
}

static int out_lost(void *arg, int cpu, uint64_t ts, int64_t count)
{
	struct run *r = arg;

	if (!r->w || r->shadow)
		return 0;
	return writer_lost(r->w, r->buffer, cpu, (int64_t)ts, count,
			   "marker");
}

static int out_orphan(void *arg, const struct zap_orphan *o)
{
	struct run *r = arg;

	return r->w ? writer_orphan(r->w, o, name(r, o->pid)) : 0;
}

static const struct engine_ops run_ops = {
	.interval = out_interval,
	.range = out_range,
	.lost = out_lost,
	.orphan = out_orphan,
};

/* out_hist - a histogram row to the writer */
static int out_hist(void *arg, const struct hist_row *row)
{
	struct run *r = arg;

	return r->w ? writer_hist(r->w, row) : 0;
}

/* out_tally - a task or CPU row to the writer */
static int out_tally(void *arg, const struct tally_row *row)
{
	struct run *r = arg;

	return r->w ? writer_tally(r->w, row) : 0;
}

/**
 * run_new() - a run: its engine, with one generic pair per spec
 * @pairs: the --pair specs (pair id i = @pairs[i]; the interval kind is
 *	   the START event's name)
 * @npairs: how many
 * @comm: names of tasks (not owned; outlives the run)
 * @keep: which intervals become rows, the histogram window
 *
 * Return: the run, or NULL after one line.
 */
struct run *run_new(const struct pair_spec *pairs, int npairs,
		    struct comm *comm, const struct keep_opts *keep)
{
	struct run *r = calloc(1, sizeof(*r));
	int i;

	if (!r)
		goto nomem;
	r->comm = comm;
	r->buffer = "";
	r->last_pid = -1;
	r->slower_than = keep->slower_than_ns;
	r->hist = hist_new(keep->window_ns, out_hist, r);
	r->tally = tally_new(out_tally, r);
	r->eng = engine_new(&run_ops, r);
	if (!r->eng || !r->hist || !r->tally)
		goto nomem;
	for (i = 0; i < npairs; i++) {
		if (engine_add_pair(r->eng, pairs[i].start_ev) != i)
			goto nomem;
		if (pairs[i].key_field)
			engine_pair_keyed(r->eng, i);
	}
	return r;
nomem:
	log_warnx("out of memory");
	run_free(r);
	return NULL;
}

/**
 * run_set_writer() - where rows go from now on
 * @r: run
 * @w: the writer, NULL to store nothing
 */
void run_set_writer(struct run *r, struct writer *w)
{
	r->w = w;
}

/**
 * run_set_context() - hold extra events in per-CPU windows instead of
 * storing them all; an interval at least @slow_ns long stores its CPU's
 * events from @window_ns before its start to its end (--context-ms)
 * @r: run
 * @window_ns: the window before the start
 * @slow_ns: the threshold
 *
 * Return: 0, or -1 after one line (ENOMEM).
 */
int run_set_context(struct run *r, uint64_t window_ns, uint64_t slow_ns)
{
	r->ctx = context_new(window_ns, slow_ns);
	if (!r->ctx) {
		log_warnx("out of memory");
		return -1;
	}
	return 0;
}

/**
 * run_set_buffer() - the buffer (instance) the records fed next come from
 * @r: run
 * @buffer: its name, "" for the top buffer; kept by pointer
 */
void run_set_buffer(struct run *r, const char *buffer)
{
	r->buffer = buffer;
}

/**
 * run_record() - count a record read, whatever it is
 * @r: run
 * @ts_ns: its timestamp
 */
void run_record(struct run *r, uint64_t ts_ns)
{
	run_count_record(&r->c, ts_ns);
}

/**
 * run_feed() - one decoded event: a zap or pair event to pair, an
 * attribution event (handler, switch, stack) for the open items, and,
 * when it carries one (ev->ext.name, or ZEV_EXTRA), its extra event
 * @r: run
 * @ev: the event
 *
 * Return: 0, or -1 if the engine or the writer failed.
 */
int run_feed(struct run *r, const struct zev *ev)
{
	if (ev->kind < ZEV_PAIR_START) {
		r->c.zap_events++;
		return engine_feed(r->eng, ev);
	}
	/* only attribution events and ZEV_EXTRA carry an ext_event */
	if (ev->kind >= ZEV_IRQ_ENTRY && ev->ext.name &&
	    run_event(r, &ev->ext) < 0)
		return -1;
	if (ev->kind == ZEV_EXTRA)
		return 0;
	return engine_feed(r->eng, ev);
}

/**
 * run_lost() - events were lost on @cpu before @ts_ns
 * @r: run
 * @cpu: the CPU
 * @ts_ns: time of the first record after the gap
 * @count: events lost, < 0 if unknown
 * @shadow: taint only: no lost row, not counted as a marker
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_lost(struct run *r, int cpu, uint64_t ts_ns, int64_t count,
	     bool shadow)
{
	struct zev ev = {
		.kind = ZEV_LOST, .cpu = cpu, .ts_ns = ts_ns,
		.count = count < 0 ? -1 : count,
	};
	int ret;

	if (!shadow)
		r->c.lost_markers++;
	r->shadow = shadow;
	ret = engine_feed(r->eng, &ev);
	r->shadow = false;
	return ret;
}

/**
 * run_lost_stats() - a loss the kernel's per-CPU stats reported (a lost
 * row with source 'stats'; it taints nothing by itself)
 * @r: run
 * @buffer: buffer (instance) name, kept by pointer
 * @cpu: the CPU
 * @ts_ns: when it was seen, < 0 if unknown
 * @count: events lost
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_lost_stats(struct run *r, const char *buffer, int cpu,
		   int64_t ts_ns, int64_t count)
{
	r->c.lost_stats++;
	return r->w ? writer_lost(r->w, buffer, cpu, ts_ns, count, "stats") :
		      0;
}

/**
 * run_event() - store a record of an extra (not paired) event
 * @r: run
 * @e: the decoded record (e->name kept by pointer)
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_event(struct run *r, const struct ext_event *e)
{
	r->c.extra_events++;
	if (r->ctx)
		return context_push(r->ctx, e);
	return r->w ? writer_event(r->w, e) : 0;
}

/**
 * run_stall() - write the row of an interval the watchdog found open
 * @r: run
 * @iv: the open interval (engine_walk_open())
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_stall(struct run *r, const struct zap_interval *iv)
{
	r->c.stalls++;
	if (!r->w)
		return 0;
	return writer_interval_open(r->w, iv, name(r, iv->pid));
}

/**
 * run_finish() - end of input: close what is still open (unfinished)
 * @r: run
 * @ts_ns: when the input ended
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_finish(struct run *r, uint64_t ts_ns)
{
	return engine_finish(r->eng, ts_ns);
}

/* store_fields - the names of an extra event's a0..a5 columns, once */
static int store_fields(struct run *r, struct evdec *d)
{
	const char *names[DEC_MAX_ARGS];
	int i;

	if (d->fields_stored || !d->name)
		return 0;
	d->fields_stored = true;
	for (i = 0; i < d->nargs; i++)
		names[i] = d->argname[i];
	return writer_event_fields(r->w, d->name, d->nargs, names);
}

/**
 * run_store_counts() - add the record counts of @t since the last call to
 * event_counts (and name the columns of extra events that had records)
 * @r: run
 * @t: the decoders of one buffer
 * @buffer: its name ("" top buffer), kept by pointer
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_store_counts(struct run *r, struct dectab *t, const char *buffer)
{
	int id, cpu;

	if (!r->w)
		return 0;
	for (id = 0; id < t->n; id++) {
		struct evdec *d = t->byid[id];

		for (cpu = 0; d && cpu < d->ncount; cpu++) {
			if (!d->count[cpu])
				continue;
			if (writer_event_count(r->w, buffer,
					d->sys ? d->sys : "?",
					d->evname ? d->evname : "?", cpu,
					(int64_t)d->count[cpu]) < 0 ||
			    store_fields(r, d) < 0)
				return -1;
			d->count[cpu] = 0;
		}
	}
	return 0;
}

/**
 * run_store_stats() - what the histograms and the task/CPU totals gained,
 * and the engine's and the run's counters into run_stats
 * @r: run
 *
 * Return: 0, or -1 if the writer failed.
 */
int run_store_stats(struct run *r)
{
	const struct engine_stats *es = engine_stats(r->eng);
	const struct attr_stats *as = engine_attr_stats(r->eng);
	static const struct context_stats none;
	const struct context_stats *cs = r->ctx ? context_stats(r->ctx) :
					 &none;
	const struct { const char *name; uint64_t v; } c[] = {
		{ "intervals",		es->intervals },
		{ "finished",		es->finished },
		{ "unfinished",		es->unfinished },
		{ "tainted",		es->tainted },
		{ "migrated",		es->migrated },
		{ "ranges",		es->ranges },
		{ "ranges_finished",	es->ranges_finished },
		{ "orphans",		es->orphans },
		{ "restarts",		es->restarts },
		{ "events",		r->c.events },
		{ "other_events",	r->c.other_events },
		{ "extra_events",	r->c.extra_events },
		{ "lost_markers",	r->c.lost_markers },
		{ "lost_stats",		r->c.lost_stats },
		{ "stalls",		r->c.stalls },
		{ "library_errors",	r->c.library_errors },
		/* attribution: its inputs (0: that component was not
		 * traced) and what it could not account for */
		{ "why_irq_events",	es->events[ZEV_IRQ_ENTRY] +
					es->events[ZEV_IRQ_EXIT] },
		{ "why_softirq_events",	es->events[ZEV_SOFTIRQ_ENTRY] +
					es->events[ZEV_SOFTIRQ_EXIT] },
		{ "why_nmi_events",	es->events[ZEV_NMI] },
		{ "why_switch_events",	es->events[ZEV_SWITCH] },
		{ "why_stack_events",	es->events[ZEV_STACK] },
		{ "why_stacks",		es->stacks },
		{ "why_stacks_unattached", es->stacks_unattached },
		{ "why_stacks_distinct", kstack_count() },
		{ "why_unmatched",	as->unmatched },
		{ "why_too_deep",	as->too_deep },
		{ "why_clamped",	as->clamped },
		{ "context_held",	cs->held },
		{ "context_stored",	cs->stored },
		{ "context_windows",	cs->windows },
		{ "context_truncated",	cs->truncated },
		{ "context_overwritten", cs->overwritten },
		{ "rows",		r->c.rows },
		{ "below_threshold",	r->c.below },
		{ "ranges_below_threshold", r->c.ranges_below },
	};
	size_t i;

	if (!r->w)
		return 0;
	if (hist_flush(r->hist) < 0 || tally_flush(r->tally) < 0)
		return -1;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (writer_stat(r->w, c[i].name, (int64_t)c[i].v) < 0)
			return -1;
	return 0;
}

/**
 * run_counts() - the run's counters (the sources update some directly)
 * @r: run
 *
 * Return: a pointer into the run.
 */
struct run_counts *run_counts(struct run *r)
{
	return &r->c;
}

/**
 * run_engine() - the run's engine (the watchdog walks its open intervals)
 * @r: run
 *
 * Return: the engine.
 */
struct engine *run_engine(struct run *r)
{
	return r->eng;
}

/**
 * run_comm() - the name of @pid, as the run stores it
 * @r: run
 * @pid: the task
 *
 * Return: the name or NULL.
 */
const char *run_comm(struct run *r, int pid)
{
	return name(r, pid);
}

/**
 * run_summary() - print the one summary line on stdout
 * @r: run
 * @what: its head, e.g. "imported 'x.dat' as run 3"
 * @stalls: also the watchdog's count (zapd live)
 */
void run_summary(struct run *r, const char *what, bool stalls)
{
	const struct engine_stats *es = engine_stats(r->eng);
	char st[48] = "", extra[48] = "";

	if (stalls)
		snprintf(st, sizeof(st), ", %llu stalls",
			 (unsigned long long)r->c.stalls);
	if (r->c.extra_events)
		snprintf(extra, sizeof(extra), ", %llu extra events",
			 (unsigned long long)r->c.extra_events);
	printf("%s: %llu events, %llu zap, %llu intervals (%llu unfinished, "
	       "%llu tainted), %llu lock ranges, %llu orphans, %llu loss "
	       "markers%s%s\n", what, (unsigned long long)r->c.events,
	       (unsigned long long)r->c.zap_events,
	       (unsigned long long)es->intervals,
	       (unsigned long long)es->unfinished,
	       (unsigned long long)es->tainted,
	       (unsigned long long)es->ranges,
	       (unsigned long long)es->orphans,
	       (unsigned long long)r->c.lost_markers, st, extra);
	fflush(stdout);
}

/**
 * run_free() - free the run (its engine; not the comm cache or writer)
 * @r: run (NULL is fine)
 */
void run_free(struct run *r)
{
	if (!r)
		return;
	engine_free(r->eng);
	context_free(r->ctx);
	hist_free(r->hist);
	tally_free(r->tally);
	free(r);
}
