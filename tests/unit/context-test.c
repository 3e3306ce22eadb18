// SPDX-License-Identifier: GPL-2.0
/*
 * context-test.c - unit tests of the --context-ms windows (TAP).
 *
 * Drives context.c with hand-built extra events and checks what slow
 * intervals store: their window, each event once, truncation counted,
 * memory bounded. No libraries, no I/O besides TAP on stdout.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "tap.h"

#define MAXGOT	4096

static uint64_t got[MAXGOT];
static int ngot;

static int keep(void *arg, const struct ext_event *e)
{
	if (ngot < MAXGOT)
		got[ngot++] = e->ts_ns;
	return 0;
}

static void push(struct context *c, int cpu, uint64_t ts)
{
	struct ext_event e = { .name = "irq:x", .ts_ns = ts, .cpu = cpu };

	context_push(c, &e);
}

static void t_window(void)
{
	struct context *c = context_new(1000, 500);
	uint64_t t;

	for (t = 0; t < 10000; t += 100)
		push(c, 0, t);
	push(c, 1, 5000);			/* another CPU */
	ok(!context_slow(c, 499) && context_slow(c, 500), "slow: >= 500");
	ngot = 0;
	context_store(c, 0, 5000, 6000, keep, NULL);
	is(ngot, 21, "window: 1000 ns before the start to the end, its CPU");
	is(got[0], 4000, "window: first event at start - 1000");
	is(got[ngot - 1], 6000, "window: last at the end");
	ngot = 0;
	context_store(c, 0, 5500, 7000, keep, NULL);	/* overlaps */
	is(ngot, 10, "overlapping window: only what was not stored yet");
	is(got[0], 6100, "overlapping window: after the last stored");
	is(context_stats(c)->stored, 31, "stored counted once each");
	is(context_stats(c)->truncated, 0, "nothing truncated");
	context_free(c);
}

static void t_bounded(void)
{
	struct context *c = context_new(1000000, 1);
	uint64_t t;

	/* 1 ns apart: all within the horizon, so the ring grows to its
	 * bound and then overwrites */
	for (t = 1; t <= 3 * CONTEXT_MAX_EVENTS; t++)
		push(c, 0, t);
	ok(context_bytes(c) <= CONTEXT_MAX_EVENTS *
			       sizeof(struct ext_event) + 4096,
	   "memory bounded at CONTEXT_MAX_EVENTS (%llu bytes)",
	   (unsigned long long)context_bytes(c));
	is(context_stats(c)->overwritten, 2 * CONTEXT_MAX_EVENTS,
	   "overwritten while still needed: counted");
	ngot = 0;
	context_store(c, 0, 100, 3 * CONTEXT_MAX_EVENTS, keep, NULL);
	is(context_stats(c)->truncated, 1, "a window older than the ring: "
	   "truncated, counted");
	is(ngot, MAXGOT, "it stores what the ring still holds");
	context_free(c);
}

static void t_horizon(void)
{
	struct context *c = context_new(1000, 1);
	uint64_t t;

	/* 1 ms apart: beyond N + CONTEXT_HORIZON_NS the oldest go instead
	 * of the ring growing */
	for (t = 0; t < 10000; t++)
		push(c, 0, t * 1000000ull);
	ok(context_bytes(c) < 4096 * sizeof(struct ext_event),
	   "events older than the horizon are dropped, the ring stays small "
	   "(%llu bytes)", (unsigned long long)context_bytes(c));
	is(context_stats(c)->overwritten, 0, "none of them was needed");
	context_free(c);
}

int main(void)
{
	t_window();
	t_bounded();
	t_horizon();
	return done_testing();
}
