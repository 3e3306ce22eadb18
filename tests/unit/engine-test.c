// SPDX-License-Identifier: GPL-2.0
/*
 * engine-test.c - unit tests of the pairing engine (TAP).
 *
 * Drives engine.c with hand-built event sequences and checks every record
 * it emits. No libraries, no I/O besides TAP on stdout.
 */
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "engine.h"
#include "tap.h"

#define MAXREC	64

/* struct rec - everything the engine emitted, in order */
struct rec {
	struct zap_interval	iv[MAXREC];
	int			niv;
	struct zap_range	r[MAXREC];
	int			nr;
	struct zap_orphan	o[MAXREC];
	int			no;
	int			lost_cpu[MAXREC];
	int64_t			lost_count[MAXREC];
	int			nlost;
	int			fail_next;	/* make the next callback fail */
};

static int on_iv(void *a, const struct zap_interval *iv)
{
	struct rec *r = a;

	if (r->fail_next) {
		r->fail_next = 0;
		return -1;
	}
	if (r->niv < MAXREC)
		r->iv[r->niv++] = *iv;
	return 0;
}

static int on_range(void *a, const struct zap_range *x)
{
	struct rec *r = a;

	if (r->nr < MAXREC)
		r->r[r->nr++] = *x;
	return 0;
}

static int on_lost(void *a, int cpu, uint64_t ts, int64_t count)
{
	struct rec *r = a;

	r->lost_cpu[r->nlost] = cpu;
	r->lost_count[r->nlost++] = count;
	return 0;
}

static int on_orphan(void *a, const struct zap_orphan *o)
{
	struct rec *r = a;

	if (r->no < MAXREC)
		r->o[r->no++] = *o;
	return 0;
}

static const struct engine_ops ops = {
	on_iv, on_range, on_lost, on_orphan,
};

static struct engine *E;
static struct rec R;

static void reset(void)
{
	engine_free(E);
	memset(&R, 0, sizeof(R));
	E = engine_new(&ops, &R);
}

static int feed(enum zev_kind k, int cpu, int pid, uint64_t ts)
{
	struct zev ev = { .kind = k, .cpu = cpu, .pid = pid, .ts_ns = ts,
			  .key = (uint64_t)pid, .mm = 0xffff888000001000ull,
			  .addr = 0x7f0000000000ull + ts };

	return engine_feed(E, &ev);
}

static void start(int cpu, int pid, uint64_t ts, uint32_t max_nr)
{
	struct zev ev = { .kind = ZEV_START, .cpu = cpu, .pid = pid,
			  .ts_ns = ts, .max_nr = max_nr, .pfn = 42,
			  .order = 4, .flags = ZF_PAGE | ZF_ANON };

	engine_feed(E, &ev);
}

static void stage(int cpu, int pid, uint64_t ts, int st, unsigned fl)
{
	struct zev ev = { .kind = ZEV_STAGE, .cpu = cpu, .pid = pid,
			  .ts_ns = ts, .stage = st, .nr = 16, .flags = fl };

	engine_feed(E, &ev);
}

static void done(int cpu, int pid, uint64_t ts, int nr, int path,
		 unsigned fl)
{
	struct zev ev = { .kind = ZEV_DONE, .cpu = cpu, .pid = pid,
			  .ts_ns = ts, .nr = nr, .path = path, .flags = fl };

	engine_feed(E, &ev);
}

static void lostev(int cpu, uint64_t ts, int64_t count)
{
	struct zev ev = { .kind = ZEV_LOST, .cpu = cpu, .ts_ns = ts,
			  .count = count };

	engine_feed(E, &ev);
}

static void t_simple(void)
{
	reset();
	start(1, 100, 1000, 16);
	stage(1, 100, 1100, 0, 0);
	stage(1, 100, 1300, 1, ZF_DELAY_RMAP);
	stage(1, 100, 1600, 2, ZF_FULL);
	done(1, 100, 2000, 16, 3, ZF_FORCE_FLUSH);
	is(R.niv, 1, "simple: one interval");
	ok(R.iv[0].finished && !R.iv[0].tainted && !R.iv[0].migrated,
	   "simple: finished, clean, not migrated");
	is(R.iv[0].end_ns - R.iv[0].start_ns, 1000, "simple: duration");
	is(R.iv[0].nr, 16, "simple: nr from done");
	is(R.iv[0].path, 3, "simple: path from done");
	is(R.iv[0].max_nr, 16, "simple: max_nr from start");
	ok(R.iv[0].flags & ZF_FORCE_FLUSH, "simple: force_flush");
	ok((R.iv[0].flags & (ZF_PAGE | ZF_ANON)) == (ZF_PAGE | ZF_ANON),
	   "simple: page/anon from start");
	is(R.iv[0].nstages, 3, "simple: three stages");
	is(R.iv[0].stages[0].since_prev_ns, 100, "stage cleared: since start");
	is(R.iv[0].stages[1].since_prev_ns, 200, "stage rmap: since cleared");
	is(R.iv[0].stages[2].since_prev_ns, 300, "stage tlb: since rmap");
	ok(R.iv[0].stages[1].flags & ZF_DELAY_RMAP, "stage delay_rmap kept");
	ok(R.iv[0].stages[2].flags & ZF_FULL, "stage full kept");
	is(R.iv[0].last_stage, 2, "simple: last stage tlb");
	is(R.iv[0].why, ZAP_END_DONE, "simple: closed by done");
	is(engine_stats(E)->open, 0, "simple: nothing open");
}

static void t_done_paths(void)
{
	int p;

	reset();
	/* nopage and skip return without stages; small one PTE; batch */
	for (p = 0; p < 4; p++) {
		start(0, 200, 10000 * (p + 1), 8);
		if (p >= 2) {
			stage(0, 200, 10000 * (p + 1) + 10, 0, 0);
			stage(0, 200, 10000 * (p + 1) + 20, 1, 0);
			stage(0, 200, 10000 * (p + 1) + 30, 2, 0);
		}
		done(0, 200, 10000 * (p + 1) + 50, p == 3 ? 8 : 1, p, 0);
	}
	is(R.niv, 4, "done paths: four intervals");
	for (p = 0; p < 4; p++) {
		is(R.iv[p].path, p, "done path %d recorded", p);
		is(R.iv[p].nstages, p >= 2 ? 3 : 0, "path %d stages", p);
	}
	is(R.iv[3].nr, 8, "batch nr");
}

static void t_ordering_interleaved(void)
{
	reset();
	/* two tasks on two CPUs, interleaved in time */
	start(0, 1, 100, 1);
	start(1, 2, 110, 1);
	done(1, 2, 150, 1, 2, 0);
	done(0, 1, 400, 1, 2, 0);
	is(R.niv, 2, "interleaved: two intervals");
	is(R.iv[0].pid, 2, "interleaved: pid 2 finished first");
	is(R.iv[0].end_ns - R.iv[0].start_ns, 40, "interleaved: pid 2 dur");
	is(R.iv[1].end_ns - R.iv[1].start_ns, 300, "interleaved: pid 1 dur");
	is(R.no, 0, "interleaved: no orphans");
}

static void t_orphans(void)
{
	reset();
	done(0, 5, 100, 1, 2, 0);
	stage(0, 5, 90, 0, 0);
	feed(ZEV_UNLOCK, 0, 5, 120);
	feed(ZEV_LOCKED, 0, 5, 130);
	is(R.no, 4, "orphans: done, stage, unlock, locked without start");
	is(R.o[0].kind, ZEV_DONE, "orphan 0 is the done");
	ok(!strcmp(R.o[0].name, "zap_present_ptes_done"), "orphan name");
	is(R.niv, 0, "orphans: no interval invented");
	is(engine_stats(E)->orphans, 4, "orphans counted");
}

static void t_restart(void)
{
	reset();
	start(0, 7, 100, 1);
	start(0, 7, 200, 1);
	done(0, 7, 300, 1, 2, 0);
	is(R.niv, 2, "restart: old one emitted, not dropped");
	ok(!R.iv[0].finished && R.iv[0].why == ZAP_END_RESTART,
	   "restart: first is unfinished (restart)");
	ok(R.iv[1].finished && R.iv[1].start_ns == 200,
	   "restart: second pairs with the done");
	is(engine_stats(E)->restarts, 1, "restart counted");
}

static void t_loss_same_cpu(void)
{
	reset();
	start(2, 9, 100, 1);
	lostev(2, 150, -1);
	done(2, 9, 200, 1, 2, 0);
	is(R.niv, 1, "loss: one interval");
	ok(R.iv[0].tainted && !R.iv[0].finished, "loss: tainted, unfinished");
	is(R.iv[0].why, ZAP_END_LOST, "loss: reason lost");
	is(R.no, 1, "loss: done after the gap is an orphan");
	is(R.nlost, 1, "loss: reported");
	is(R.lost_count[0], -1, "loss: unknown count kept as -1");
}

static void t_loss_other_cpu(void)
{
	reset();
	start(0, 10, 100, 1);
	start(1, 11, 100, 1);
	lostev(1, 150, 37);
	done(0, 10, 200, 1, 2, 0);
	is(R.niv, 2, "loss elsewhere: two intervals");
	ok(R.iv[0].pid == 11 && R.iv[0].tainted, "loss: cpu1 one tainted");
	ok(R.iv[1].pid == 10 && R.iv[1].finished && !R.iv[1].tainted,
	   "loss on cpu1 leaves cpu0 interval intact");
	is(R.lost_count[0], 37, "loss: known count kept");
	is(R.lost_cpu[0], 1, "loss: cpu kept");
}

static void t_migration(void)
{
	reset();
	start(0, 12, 100, 1);
	done(3, 12, 200, 1, 2, 0);
	ok(R.niv == 1 && R.iv[0].migrated, "migration flagged");
	is(R.iv[0].cpu, 0, "migration: start cpu");
	is(R.iv[0].done_cpu, 3, "migration: done cpu");
	/* a loss on the old CPU after the task moved on must not taint it */
	reset();
	start(0, 13, 100, 1);
	stage(1, 13, 110, 0, 0);
	lostev(0, 120, 5);
	done(1, 13, 200, 1, 2, 0);
	ok(R.niv == 1 && R.iv[0].finished && !R.iv[0].tainted,
	   "migration: loss on the CPU it left does not taint");
}

static void t_ranges(void)
{
	struct zev ev;

	reset();
	memset(&ev, 0, sizeof(ev));
	ev = (struct zev){ .kind = ZEV_LOCK, .cpu = 0, .pid = 20,
			   .ts_ns = 1000, .addr = 0x1000, .end = 0x9000 };
	engine_feed(E, &ev);
	ev = (struct zev){ .kind = ZEV_LOCKED, .cpu = 0, .pid = 20,
			   .ts_ns = 1500, .flags = ZF_MAPPED };
	engine_feed(E, &ev);
	/* intervals nest inside the held lock */
	start(0, 20, 1600, 1);
	done(0, 20, 1700, 1, 2, 0);
	start(0, 20, 1800, 1);
	done(0, 20, 1900, 1, 2, 0);
	ev = (struct zev){ .kind = ZEV_UNLOCK, .cpu = 0, .pid = 20,
			   .ts_ns = 4000, .addr = 0x3000, .end = 0x9000,
			   .flags = ZF_FORCE_BREAK };
	engine_feed(E, &ev);
	is(R.niv, 2, "range: nested intervals independent");
	is(R.nr, 1, "range: one range");
	is(R.r[0].locked_ns - R.r[0].lock_ns, 500, "range: wait");
	is(R.r[0].end_ns - R.r[0].locked_ns, 2500, "range: hold");
	is(R.r[0].reached, 0x3000, "range: reached from unlock addr");
	ok(R.r[0].finished && (R.r[0].flags & ZF_FORCE_BREAK) &&
	   (R.r[0].flags & ZF_MAPPED), "range: flags");

	/* mapped = 0 ends the range at locked */
	reset();
	feed(ZEV_LOCK, 1, 21, 100);
	feed(ZEV_LOCKED, 1, 21, 130);	/* flags 0: not mapped */
	is(R.nr, 1, "range: unmapped locked ends the range");
	ok(R.r[0].finished && !R.r[0].has_unlock, "range: no unlock needed");
	feed(ZEV_UNLOCK, 1, 21, 200);
	is(R.no, 1, "range: later unlock is an orphan");

	/* lock while one is open: old one unfinished; loss taints ranges */
	reset();
	feed(ZEV_LOCK, 0, 22, 100);
	feed(ZEV_LOCK, 0, 22, 200);
	lostev(0, 250, -1);
	is(R.nr, 2, "range: restart and loss both emitted");
	is(R.r[0].why, ZAP_END_RESTART, "range: first restarted");
	ok(R.r[1].tainted && R.r[1].why == ZAP_END_LOST, "range: tainted");

	/* lock on cpu 0, migrate, locked on cpu 1 */
	reset();
	feed(ZEV_LOCK, 0, 23, 100);
	ev = (struct zev){ .kind = ZEV_LOCKED, .cpu = 1, .pid = 23,
			   .ts_ns = 900, .flags = ZF_MAPPED };
	engine_feed(E, &ev);
	lostev(0, 950, 1);
	feed(ZEV_UNLOCK, 1, 23, 1000);
	ok(R.nr == 1 && R.r[0].finished && R.r[0].unlock_cpu == 1,
	   "range: migrated before locked, loss on old cpu ignored");
	/* unlock without locked: mismatch, not guessed */
	reset();
	feed(ZEV_LOCK, 0, 24, 100);
	feed(ZEV_UNLOCK, 0, 24, 200);
	ok(R.nr == 1 && R.r[0].why == ZAP_END_MISMATCH && R.no == 1,
	   "range: unlock without locked is a mismatch + orphan");
}

static void t_pairs(void)
{
	struct zev ev;
	int p, q;

	reset();
	p = engine_add_pair(E, "sys_enter_munmap");
	q = engine_add_pair(E, "irq_handler_entry");
	ok(p == 0 && q == 1, "pairs: ids");
	ev = (struct zev){ .kind = ZEV_PAIR_START, .pair = p, .cpu = 0,
			   .pid = 30, .key = 30, .ts_ns = 100 };
	engine_feed(E, &ev);
	/* keyed by a field (irq number), not pid */
	ev = (struct zev){ .kind = ZEV_PAIR_START, .pair = q, .cpu = 0,
			   .pid = 31, .key = 5, .ts_ns = 110 };
	engine_feed(E, &ev);
	ev = (struct zev){ .kind = ZEV_PAIR_END, .pair = q, .cpu = 0,
			   .pid = 0, .key = 5, .ts_ns = 130 };
	engine_feed(E, &ev);
	/* zap interval with the same pid does not collide with the pair */
	start(0, 30, 140, 1);
	done(0, 30, 150, 1, 2, 0);
	ev = (struct zev){ .kind = ZEV_PAIR_END, .pair = p, .cpu = 0,
			   .pid = 30, .key = 30, .ts_ns = 300 };
	engine_feed(E, &ev);
	ev.ts_ns = 400;
	engine_feed(E, &ev);
	is(R.niv, 3, "pairs: three intervals");
	ok(!strcmp(R.iv[0].kind, "irq_handler_entry") &&
	   R.iv[0].end_ns - R.iv[0].start_ns == 20, "pairs: keyed by field");
	ok(!strcmp(R.iv[1].kind, "zap"), "pairs: zap separate");
	ok(!strcmp(R.iv[2].kind, "sys_enter_munmap") &&
	   R.iv[2].end_ns - R.iv[2].start_ns == 200, "pairs: keyed by pid");
	ok(R.no == 1 && !strcmp(R.o[0].name, "sys_enter_munmap"),
	   "pairs: second end is an orphan");
	ev.pair = 9;
	is(engine_feed(E, &ev), -1, "pairs: unknown pair id rejected");
}

static int walk_cb(void *arg, const struct zap_interval *iv, uint64_t age)
{
	int *n = arg;

	(*n)++;
	return iv->pid == 41 ? 1 : 0;
}

static void t_eof_and_walk(void)
{
	int n = 0, i;

	reset();
	start(0, 40, 100, 1);
	start(1, 41, 5000, 1);
	start(1, 42, 9000, 1);
	stage(1, 42, 9100, 0, 0);
	is(engine_walk_open(E, 10000, 4000, walk_cb, &n), 2,
	   "walk: two open longer than 4us");
	is(n, 2, "walk: callback called twice");
	done(1, 41, 12000, 1, 2, 0);
	ok(R.niv == 1 && R.iv[0].flagged && R.iv[0].finished,
	   "walk: flagged interval reports flag when it finishes");
	is(engine_finish(E, 20000), 0, "eof: finish ok");
	is(R.niv, 3, "eof: open ones emitted");
	for (i = 1; i < 3; i++)
		ok(!R.iv[i].finished && R.iv[i].why == ZAP_END_EOF &&
		   !R.iv[i].tainted && R.iv[i].end_ns == 20000,
		   "eof: interval %d unfinished, hung candidate", i);
	is(engine_stats(E)->open, 0, "eof: nothing open");
	ok(R.iv[1].last_stage == 0 || R.iv[2].last_stage == 0,
	   "eof: last stage kept");
}

static void t_many(void)
{
	int i;

	/* many tasks on many CPUs: hash growth and CPU array growth */
	reset();
	for (i = 0; i < 5000; i++)
		start(i % 300, 1000 + i, 100 + i, 1);
	lostev(299, 100000, -1);
	for (i = 0; i < 5000; i++)
		done(i % 300, 1000 + i, 200000 + i, 1, 2, 0);
	is(engine_stats(E)->intervals, 5000, "many: all intervals emitted");
	is(engine_stats(E)->tainted, 16, "many: only cpu 299's tainted");
	is(engine_stats(E)->orphans, 16, "many: their dones orphaned");
	is(engine_stats(E)->finished, 5000 - 16, "many: rest finished");
}

static void t_callback_error(void)
{
	reset();
	start(0, 50, 100, 1);
	R.fail_next = 1;
	is(feed(ZEV_DONE, 0, 50, 200), -1, "callback error propagates");
	is(engine_stats(E)->open, 0, "callback error: state consistent");
}

/* --- attribution (attr.c through the engine) --- */

static void locked(int cpu, int pid, uint64_t ts)
{
	struct zev ev = { .kind = ZEV_LOCKED, .cpu = cpu, .pid = pid,
			  .ts_ns = ts, .flags = ZF_MAPPED };

	engine_feed(E, &ev);
}

static void why(enum zev_kind k, int cpu, int pid, uint64_t ts, int64_t nr,
		uint64_t key, unsigned flags)
{
	struct zev ev = { .kind = k, .cpu = cpu, .pid = pid, .ts_ns = ts,
			  .nr = nr, .key = key, .flags = flags };

	engine_feed(E, &ev);
}

static void t_attr_nesting(void)
{
	const struct zap_attr *a;

	reset();
	start(0, 10, 1000, 1);
	why(ZEV_SOFTIRQ_ENTRY, 0, 10, 1100, 0, 0, 0);
	why(ZEV_IRQ_ENTRY, 0, 10, 1200, 0, 0, 0);	/* timer in softirq */
	why(ZEV_IRQ_EXIT, 0, 10, 1250, 0, 0, 0);
	why(ZEV_SOFTIRQ_EXIT, 0, 10, 1400, 0, 0, 0);
	why(ZEV_IRQ_ENTRY, 1, 11, 1410, 0, 0, 0);	/* other CPU, task */
	why(ZEV_IRQ_EXIT, 1, 11, 1490, 0, 0, 0);
	why(ZEV_IRQ_ENTRY, 0, 10, 1500, 0, 0, 0);
	why(ZEV_IRQ_EXIT, 0, 10, 1520, 0, 0, 0);
	why(ZEV_NMI, 0, 10, 1600, 30, 0, 0);
	why(ZEV_IRQ_ENTRY, 0, 10, 1700, 0, 0, 0);
	why(ZEV_NMI, 0, 10, 1710, 5, 0, 0);		/* NMI in an IRQ */
	why(ZEV_IRQ_EXIT, 0, 10, 1720, 0, 0, 0);
	done(0, 10, 2000, 1, 2, 0);
	why(ZEV_IRQ_ENTRY, 0, 10, 2100, 0, 0, 0);	/* after it */
	why(ZEV_IRQ_EXIT, 0, 10, 2200, 0, 0, 0);
	is(R.niv, 1, "attr nesting: one interval");
	a = &R.iv[0].attr;
	ok(a->valid, "attr nesting: attributed");
	is(a->irq_ns, 50 + 20 + 15, "attr nesting: IRQ self time (the timer "
	   "in the softirq counts as IRQ, the NMI in an IRQ as NMI)");
	is(a->softirq_ns, 250, "attr nesting: softirq minus the IRQ in it");
	is(a->nmi_ns, 35, "attr nesting: NMI time");
	is(a->nirq, 3, "attr nesting: 3 IRQs (not the other CPU's)");
	is(a->nsoftirq, 1, "attr nesting: 1 softirq");
	is(a->nnmi, 2, "attr nesting: 2 NMIs");
	is(a->sched_ns, 0, "attr nesting: never switched out");
	is(engine_attr_stats(E)->unmatched, 0, "attr nesting: all matched");
}

static void fam(enum zev_kind k, int pid, uint64_t ts, int family)
{
	struct zev ev = { .kind = k, .cpu = 0, .pid = pid, .ts_ns = ts,
			  .pair = family };

	engine_feed(E, &ev);
}

static void t_attr_family(void)
{
	reset();
	start(0, 50, 1000, 1);
	fam(ZEV_IRQ_ENTRY, 50, 1200, 2);	/* local_timer_entry */
	fam(ZEV_IRQ_ENTRY, 50, 1210, 1);	/* its exit was lost */
	fam(ZEV_IRQ_EXIT, 50, 1250, 2);		/* local_timer_exit */
	fam(ZEV_SOFTIRQ_EXIT, 50, 1300, 3);	/* entry before tracing */
	done(0, 50, 2000, 1, 2, 0);
	is(R.iv[0].attr.irq_ns, 50, "attr family: an exit ends its own "
	   "entry, not an orphaned one above it");
	is(engine_attr_stats(E)->unmatched, 2, "attr family: the orphaned "
	   "entry and the softirq exit are counted");
}

static void t_attr_switch(void)
{
	const struct zap_attr *a;

	reset();
	feed(ZEV_LOCK, 0, 20, 100);
	why(ZEV_SWITCH, 0, 20, 150, 0, 21, ZF_RUNNABLE);	/* preempted */
	why(ZEV_IRQ_ENTRY, 0, 21, 200, 0, 0, 0);	/* the other task's */
	why(ZEV_IRQ_EXIT, 0, 21, 210, 0, 0, 0);
	why(ZEV_SWITCH, 1, 22, 300, 0, 20, 0);		/* back, CPU 1 */
	locked(1, 20, 320);
	why(ZEV_SWITCH, 1, 20, 400, 0, 22, 0);		/* sleeps */
	why(ZEV_SWITCH, 1, 22, 450, 0, 20, 0);
	feed(ZEV_UNLOCK, 1, 20, 500);
	is(R.nr, 1, "attr switch: one range");
	a = &R.r[0].attr;
	is(a->sched_ns, 150 + 50, "attr switch: switched out 200 ns");
	is(a->runnable_ns, 150, "attr switch: 150 of it preempted");
	is(a->nswitch, 2, "attr switch: two switches back");
	is(a->irq_ns, 0, "attr switch: the other task's IRQ is not its");
	is(a->lock_ns, 220 - 150, "attr switch: spin = wait - switched out");
}

static const struct zap_stack stk = {
	.hash = 1, .caller = ZAP_CALLER_MADVISE, .text = "do_madvise+0x1",
	.depth = 1,
};

static void t_attr_stack(void)
{
	struct zev s = { .kind = ZEV_STACK, .cpu = 0, .pid = 30, .ts_ns = 105,
			 .stack = &stk };

	reset();
	engine_feed(E, &s);				/* nothing open */
	is(engine_stats(E)->stacks_unattached, 1, "attr stack: no item");
	feed(ZEV_LOCK, 0, 30, 100);
	s.ts_ns = 110;
	engine_feed(E, &s);
	locked(0, 30, 130);
	start(0, 30, 140, 1);
	done(0, 30, 190, 1, 2, 0);
	feed(ZEV_UNLOCK, 0, 30, 200);
	is(R.niv, 1, "attr stack: one interval");
	ok(R.iv[0].attr.stack == &stk, "attr stack: the interval gets its "
	   "range's stack");
	is(R.iv[0].attr.range_wait_ns, 30, "attr stack: its range's wait");
	is(R.iv[0].attr.range_lock_ns, 100, "attr stack: its range's lock");
	ok(R.r[0].attr.stack == &stk, "attr stack: the range has it");
	is(engine_stats(E)->stacks, 1, "attr stack: one attached");
}

static void t_attr_edges(void)
{
	reset();
	start(0, 40, 100, 1);
	done(0, 40, 200, 1, 2, 0);
	ok(!R.iv[0].attr.valid, "attr: no attribution events, not valid");
	why(ZEV_IRQ_ENTRY, 0, 40, 300, 0, 0, 0);
	lostev(0, 350, 5);
	why(ZEV_IRQ_EXIT, 0, 40, 400, 0, 0, 0);
	is(engine_attr_stats(E)->unmatched, 1, "attr: an exit after a loss "
	   "charges nothing");
	engine_add_pair(E, "req");
	engine_pair_keyed(E, 0);
	{
		struct zev p = { .kind = ZEV_PAIR_START, .cpu = 0, .pid = 41,
				 .ts_ns = 500, .key = 77, .pair = 0 };

		engine_feed(E, &p);
		p.kind = ZEV_PAIR_END;
		p.ts_ns = 600;
		engine_feed(E, &p);
	}
	is(R.niv, 2, "attr: the keyed pair closed");
	ok(!R.iv[1].attr.valid, "attr: a pair keyed by a field is no task's");
	start(1, 42, 700, 1);
	why(ZEV_IRQ_ENTRY, 1, 42, 710, 0, 0, 0);
	why(ZEV_IRQ_EXIT, 1, 42, 790, 0, 0, 0);
	engine_finish(E, 800);
	ok(R.iv[2].attr.valid && R.iv[2].attr.irq_ns == 80,
	   "attr: an unfinished interval is attributed up to its close");
}

int main(void)
{
	t_simple();
	t_done_paths();
	t_ordering_interleaved();
	t_orphans();
	t_restart();
	t_loss_same_cpu();
	t_loss_other_cpu();
	t_migration();
	t_ranges();
	t_pairs();
	t_eof_and_walk();
	t_many();
	t_callback_error();
	t_attr_nesting();
	t_attr_family();
	t_attr_switch();
	t_attr_stack();
	t_attr_edges();
	engine_free(E);
	return done_testing();
}
