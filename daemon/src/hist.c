// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - log2 latency histograms of a run (see hist.h).
 *
 * Owns: the series (one per kind, path and metric), each holding the
 * buckets of its current window that were not emitted yet. A series
 * emits its buckets when a value of another window arrives (values come
 * in end-time order, so that is once per window) and at hist_flush() (a
 * live commit, the end of a run), then starts empty: an emitted bucket
 * is never emitted again, the store adds the parts (histograms upsert).
 *
 * Invariants: see hist.h. In addition: a bucket is in a series' @dirty
 * mask iff its count is non-zero; an empty series has no window.
 */
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "log.h"

/* struct hbucket - what a bucket gained since it was last emitted */
struct hbucket {
	uint64_t	count, total, min, max;
};

/* struct series - one histogram: its key and its current window */
struct series {
	const char	*kind;		/* by pointer: one per kind */
	int		path;
	enum hist_metric metric;
	uint64_t	win;		/* window of the dirty buckets */
	uint64_t	win_end;	/* win + window: no division inside */
	uint64_t	dirty;		/* bit b: bucket b has values */
	struct hbucket	b[HIST_BUCKETS];
};

struct hist {
	uint64_t	window;
	hist_emit_fn	emit;
	void		*arg;
	struct series	*s;
	int		n, cap, last;
};

/**
 * hist_new() - an empty set of histograms
 * @window_ns: window length (> 0)
 * @emit: called with every row emitted; may be NULL (count only)
 * @arg: for @emit
 *
 * Return: the histograms, or NULL after one line.
 */
struct hist *hist_new(uint64_t window_ns, hist_emit_fn emit, void *arg)
{
	struct hist *h = calloc(1, sizeof(*h));

	if (!h) {
		log_warnx("out of memory");
		return NULL;
	}
	h->window = window_ns ? window_ns : 1;
	h->emit = emit;
	h->arg = arg;
	return h;
}

/* find - the series of (@kind, @path, @metric), created if new */
static struct series *find(struct hist *h, const char *kind, int path,
			   enum hist_metric metric)
{
	struct series *s;
	int i;

	s = h->n ? &h->s[h->last] : NULL;	/* a storm: the same one */
	if (s && s->kind == kind && s->path == path && s->metric == metric)
		return s;
	for (i = 0; i < h->n; i++) {
		s = &h->s[i];
		if (s->kind == kind && s->path == path && s->metric == metric) {
			h->last = i;
			return s;
		}
	}
	if (h->n == h->cap) {
		int cap = h->cap ? h->cap * 2 : 8;

		s = realloc(h->s, cap * sizeof(*s));
		if (!s)
			return NULL;
		h->s = s;
		h->cap = cap;
	}
	s = &h->s[h->n];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->path = path;
	s->metric = metric;
	h->last = h->n++;
	return s;
}

/* emit - the dirty buckets of @s as rows, then @s is empty */
static int emit(struct hist *h, struct series *s)
{
	struct hist_row r = {
		.kind = s->kind, .path = s->path, .metric = s->metric,
		.win_ns = s->win,
	};
	int ret = 0;

	while (s->dirty) {
		int b = __builtin_ctzll(s->dirty);
		struct hbucket *hb = &s->b[b];

		s->dirty &= s->dirty - 1;
		r.bucket = b;
		r.count = hb->count;
		r.total_ns = hb->total;
		r.min_ns = hb->min;
		r.max_ns = hb->max;
		memset(hb, 0, sizeof(*hb));
		if (h->emit && !ret && h->emit(h->arg, &r))
			ret = -1;
	}
	return ret;
}

/**
 * hist_add() - count one value
 * @h: histograms
 * @kind: the interval's kind ("zap", a pair's, "pte_lock"), by pointer
 * @path: the zap done path, -1 for none
 * @metric: what @dur_ns is
 * @end_ns: when it ended: picks the window
 * @dur_ns: the value
 *
 * Return: 0, or -1 (out of memory after one line, or @emit failed).
 */
int hist_add(struct hist *h, const char *kind, int path,
	     enum hist_metric metric, uint64_t end_ns, uint64_t dur_ns)
{
	struct series *s = find(h, kind, path, metric);
	struct hbucket *hb;
	int b, ret = 0;

	if (!s) {
		log_warnx("out of memory");
		return -1;
	}
	if (end_ns < s->win || end_ns >= s->win_end || !s->win_end) {
		if (s->dirty)
			ret = emit(h, s);
		s->win = end_ns - end_ns % h->window;
		s->win_end = s->win + h->window;
	}
	b = hist_bucket(dur_ns);
	hb = &s->b[b];
	if (!hb->count || dur_ns < hb->min)
		hb->min = dur_ns;
	if (dur_ns > hb->max)
		hb->max = dur_ns;
	hb->count++;
	hb->total += dur_ns;
	s->dirty |= 1ull << b;
	return ret;
}

/**
 * hist_flush() - emit what every series gained since its last rows
 * @h: histograms
 *
 * Return: 0, or -1 if @emit failed.
 */
int hist_flush(struct hist *h)
{
	int i, ret = 0;

	for (i = 0; h && i < h->n; i++)
		if (emit(h, &h->s[i]) < 0)
			ret = -1;
	return ret;
}

/**
 * hist_free() - free the histograms (what was not flushed is lost)
 * @h: histograms (NULL is fine)
 */
void hist_free(struct hist *h)
{
	if (!h)
		return;
	free(h->s);
	free(h);
}
