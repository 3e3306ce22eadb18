// SPDX-License-Identifier: GPL-2.0
/*
 * reader-frames.c - what the reader process's frames say (see wire.h,
 * reader-int.h).
 *
 * Owns: the checks every frame passes before anything in it is used (its
 * length, every field against the frame's end, ids against what was
 * defined, the CPU, the kind against its decoder's class, pair ids,
 * strings), and what a checked frame does: the buffers, names and
 * decoders it defines (with their record counts), task names (a comm
 * table), kernel stacks (adopted into kstack.c's table), the saved stats
 * text, library messages, the progress line, and the records fed to the
 * run. A frame that fails a check is F_BAD: the reader is stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "decode.h"
#include "kstack.h"
#include "libmsg.h"
#include "log.h"
#include "progress.h"
#include "reader-int.h"
#include "run.h"
#include "wire.h"

/* oom - out of memory: the one line, and F_SAID */
static int oom(void)
{
	log_warnx("out of memory");
	return F_SAID;
}

/* reader_keep - a string the reader owns until reader_close() */
const char *reader_keep(struct reader *rd, char *s)
{
	if (!s || rd->nstrs == (int)(sizeof(rd->strs) / sizeof(rd->strs[0]))) {
		free(s);
		return "";
	}
	rd->strs[rd->nstrs++] = s;
	return s;
}

/* on_buffer - W_BUFFER: buffer @aux is named */
static int on_buffer(struct reader *rd, uint16_t aux, struct wire_cur *c)
{
	size_t l = strlen(rd->bufnames);
	char *name;

	if (rd->ready || aux != rd->nbufs || aux >= WIRE_MAX_BUFS)
		return F_BAD;
	name = wire_strdup(c, NULL);
	if (!name)
		return c->bad ? F_BAD : oom();
	rd->bufname[rd->nbufs++] = name;
	snprintf(rd->bufnames + l, sizeof(rd->bufnames) - l, "%s%s",
		 aux ? "," : "", name);
	return 0;
}

/* on_name - W_NAME: a path or stage value's name */
static int on_name(struct reader *rd, uint16_t aux, struct wire_cur *c)
{
	int table = aux >> 8, v = aux & 0xff;
	const char **slot;

	if (rd->ready || table > WIRE_NAME_STAGE || v >= ZAP_NAMES_MAX)
		return F_BAD;
	slot = table == WIRE_NAME_PATH ? &rd->info.names.path[v] :
	       &rd->info.names.stage[v];
	*slot = reader_keep(rd, wire_strdup(c, NULL));
	return c->bad ? F_BAD : 0;
}

/* on_ready - W_READY: the file is open */
static int on_ready(struct reader *rd, uint16_t aux, struct wire_cur *c)
{
	if (rd->ready || !rd->nbufs)
		return F_BAD;
	rd->info.version = (int)wire_u32(c);
	rd->info.clock = reader_keep(rd, wire_strdup(c, NULL));
	rd->info.host = reader_keep(rd, wire_strdup(c, NULL));
	rd->info.release = reader_keep(rd, wire_strdup(c, NULL));
	rd->info.has_zap = aux & WIRE_READY_HAS_ZAP;
	rd->info.compressed = aux & WIRE_READY_COMPRESSED;
	rd->info.buffers = rd->bufnames;
	rd->ready = true;
	return c->bad ? F_BAD : F_END;
}

/* desc_ok - is @w a class, kind and pair this zapd could have sent? */
static bool desc_ok(const struct reader *rd, const struct wire_desc *w)
{
	if (w->event < 0 || w->event >= WIRE_MAX_DESCS ||
	    w->nargs > DEC_MAX_ARGS)
		return false;
	switch (w->cls) {
	case DEC_NONE:
	case DEC_EXTRA:
		return w->kind == -1 && (w->cls == DEC_EXTRA || !w->nargs);
	case DEC_ZAP:
		return w->kind >= ZEV_START && w->kind <= ZEV_UNLOCK &&
		       !w->extra;
	case DEC_PAIR:
		return (w->kind == ZEV_PAIR_START ||
			w->kind == ZEV_PAIR_END) && !w->extra &&
		       w->pair >= 0 && w->pair < rd->npairs;
	case DEC_WHY:
		return w->kind >= ZEV_IRQ_ENTRY && w->kind <= ZEV_STACK;
	}
	return false;
}

/* desc_strings - the event's names into @d (one block it owns): -1 F_BAD
 * or ENOMEM (c->bad tells) */
static int desc_strings(struct evdec *d, const struct wire_desc *w,
			struct wire_cur *c)
{
	const unsigned char *at = c->p;
	char *s[2 + DEC_MAX_ARGS], *p;
	size_t total = 0;
	int i, n = 2 + w->nargs;
	uint32_t len;

	for (i = 0; i < n; i++) {
		if (wire_str(c, NULL, 0, &len) < 0)
			return -1;
		total += len + 1;
	}
	d->strs = p = malloc(total);
	if (!p)
		return -1;
	c->p = at;		/* again, copying this time */
	for (i = 0; i < n; i++) {
		wire_str(c, p, total, &len);
		s[i] = p;
		p += len + 1;
	}
	d->sys = *s[0] ? s[0] : NULL;
	d->evname = *s[1] ? s[1] : NULL;
	for (i = 0; i < w->nargs; i++)
		d->argname[i] = s[2 + i];
	return 0;
}

/* grow - make room for one more entry of an array of @size-byte items */
static int grow(void **arr, uint32_t n, uint32_t *cap, size_t size)
{
	uint32_t nc = *cap ? *cap * 2 : 256;
	void *na;

	if (n < *cap)
		return 0;
	na = realloc(*arr, (size_t)nc * size);
	if (!na)
		return -1;
	*arr = na;
	*cap = nc;
	return 0;
}

/* on_desc - W_DESC: a decoder of buffer @aux */
static int on_desc(struct reader *rd, uint16_t aux, struct wire_cur *c)
{
	struct wire_desc w;
	struct evdec *d;

	wire_get(c, &w, sizeof(w));
	if (c->bad || aux >= rd->nbufs || w.id != rd->ndesc ||
	    !desc_ok(rd, &w) || dectab_get(&rd->dec[aux], w.event))
		return F_BAD;
	if (grow((void **)&rd->desc, rd->ndesc, &rd->desc_cap,
		 sizeof(*rd->desc)) < 0)
		return oom();
	d = dectab_add(&rd->dec[aux], w.event, NULL, 0);
	if (!d || desc_strings(d, &w, c) < 0)
		return c->bad ? F_BAD : oom();
	d->kind = w.kind;
	d->pair = w.pair;
	d->nargs = w.nargs;
	d->extra = w.extra;
	if ((w.cls == DEC_EXTRA || w.extra) &&
	    asprintf(&d->name, "%s:%s", d->sys ? d->sys : "",
		     d->evname ? d->evname : "") < 0) {
		d->name = NULL;
		return oom();
	}
	rd->desc[rd->ndesc].d = d;
	rd->desc[rd->ndesc++].buf = aux;
	return 0;
}

/* on_comm - W_COMM: a task's name, byte for byte */
static int on_comm(struct reader *rd, struct wire_cur *c)
{
	char name[WIRE_MAX_STR + 1];
	int32_t pid = (int32_t)wire_u32(c);
	uint32_t len;

	if (wire_str(c, name, sizeof(name), &len) < 0)
		return F_BAD;
	return comm_set(rd->comm, pid, name, (int)len) < 0 ? oom() : 0;
}

/* on_stack - W_STACK: a kernel stack, adopted */
static int on_stack(struct reader *rd, uint16_t aux, struct wire_cur *c)
{
	char frame[1100], text[WIRE_MAX_STR + 1];
	struct wire_stack w;
	struct zap_stack s = { 0 };
	const struct zap_stack *k;

	wire_get(c, &w, sizeof(w));
	if (wire_str(c, frame, sizeof(frame), NULL) < 0 ||
	    wire_str(c, text, sizeof(text), NULL) < 0 || w.id != rd->nstacks ||
	    w.caller < 0 || w.caller >= ZAP_CALLER_NR || aux > 1)
		return F_BAD;
	s.hash = w.hash;
	s.caller = (enum zap_caller)w.caller;
	s.depth = w.depth;
	s.frame = frame[0] ? frame : NULL;
	s.text = text;
	if (grow((void **)&rd->stacks, rd->nstacks, &rd->stack_cap,
		 sizeof(*rd->stacks)) < 0 || !(k = kstack_adopt(&s, aux)))
		return oom();
	rd->stacks[rd->nstacks++] = k;
	return 0;
}

/* rec_zev - the struct zev of a W_REC of paired/attribution decoder @d;
 * F_BAD if it names a stack it was not told */
static int rec_zev(struct reader *rd, const struct evdec *d,
		   const struct wire_rec *w, struct zev *ev)
{
	memset(ev, 0, offsetof(struct zev, ext));
	ev->ext.name = NULL;
	ev->kind = (enum zev_kind)d->kind;
	ev->cpu = w->cpu;
	ev->pid = w->pid;
	ev->pair = d->pair;
	ev->ts_ns = w->ts;
	ev->key = w->key;
	ev->mm = w->mm;
	ev->addr = w->addr;
	ev->pfn = w->pfn;
	ev->end = w->end;
	ev->nr = w->nr;
	ev->max_nr = w->max_nr;
	ev->flags = w->flags;
	ev->path = w->path;
	ev->stage = w->stage;
	ev->order = w->order;
	if (w->stack) {
		if (w->stack > rd->nstacks)
			return F_BAD;
		ev->stack = rd->stacks[w->stack - 1];
	}
	return 0;
}

/* rec_ext - the extra event of a W_REC of decoder @d (its args follow) */
static int rec_ext(const struct evdec *d, const struct wire_rec *w,
		   struct wire_cur *c, struct ext_event *e)
{
	int i;

	e->name = d->name;
	e->ts_ns = w->ts;
	e->cpu = w->cpu;
	e->pid = w->pid;
	e->nargs = d->nargs;
	for (i = 0; i < EXT_MAX_ARGS; i++)
		e->a[i] = i < d->nargs ? (int64_t)wire_u64(c) : 0;
	return c->bad || c->p != c->end ? F_BAD : 0;
}

/* on_rec - W_REC: one record, counted and fed to the run */
static int on_rec(struct reader *rd, struct run *run, uint16_t aux,
		  struct wire_cur *c)
{
	struct wire_rec w;
	struct evdec *d;
	struct zev ev;

	wire_get(c, &w, sizeof(w));
	if (c->bad || w.cpu < 0 || w.cpu >= WIRE_MAX_CPUS ||
	    (aux != UINT16_MAX && aux >= rd->ndesc))
		return F_BAD;
	rd->records++;
	rd->last_ts = w.ts;
	if (aux == UINT16_MAX) {	/* no event id: counted only */
		run_record(run, w.ts);
		return 0;
	}
	d = rd->desc[aux].d;
	run_set_buffer(run, rd->bufname[rd->desc[aux].buf]);
	run_record(run, w.ts);
	if (dec_count(d, w.cpu) < 0)
		return oom();
	if (d->kind < 0) {
		if (!d->name)
			return c->p == c->end ? 0 : F_BAD;
		if (rec_ext(d, &w, c, &ev.ext) < 0)
			return F_BAD;
		return run_event(run, &ev.ext) < 0 ? F_FAIL : 0;
	}
	if (rec_zev(rd, d, &w, &ev) < 0 ||
	    (d->extra && rec_ext(d, &w, c, &ev.ext) < 0) ||
	    (!d->extra && c->p != c->end))
		return F_BAD;
	return run_feed(run, &ev) < 0 ? F_FAIL : 0;
}

/* on_lost - W_LOST: events lost on a CPU of buffer @aux */
static int on_lost(struct reader *rd, struct run *run, uint16_t aux,
		   struct wire_cur *c)
{
	int32_t cpu = (int32_t)wire_u32(c);
	uint64_t ts = wire_u64(c);
	int64_t count = (int64_t)wire_u64(c);

	if (c->bad || aux >= rd->nbufs || cpu < 0 || cpu >= WIRE_MAX_CPUS)
		return F_BAD;
	run_set_buffer(run, rd->bufname[aux]);
	return run_lost(run, cpu, ts, count, false) < 0 ? F_FAIL : 0;
}

/* on_stats - W_STATS: a part of the saved kernel stats */
static int on_stats(struct reader *rd, struct wire_cur *c)
{
	char *s = wire_strdup(c, NULL), *ns;
	size_t n = s ? strlen(s) : 0;

	if (!s)
		return c->bad ? F_BAD : oom();
	if (rd->nstats + n > (2u << 20)) {
		free(s);
		return F_BAD;
	}
	ns = realloc(rd->stats, rd->nstats + n + 1);
	if (!ns) {
		free(s);
		return oom();
	}
	memcpy(ns + rd->nstats, s, n + 1);
	rd->stats = ns;
	rd->nstats += n;
	free(s);
	return 0;
}

/* on_text - W_LIBMSG, W_FAIL: text, kept (W_LIBMSG) or printed as plain
 * bytes (W_FAIL: the one line, then the reader is done) */
static int on_text(struct reader *rd, uint16_t type, uint16_t aux,
		   struct wire_cur *c)
{
	char msg[1024];
	unsigned char *p;

	if (wire_str(c, msg, sizeof(msg), NULL) < 0)
		return F_BAD;
	for (p = (unsigned char *)msg; *p; p++)	/* no terminal controls */
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (type == W_LIBMSG) {
		libmsg_add(aux != 0, msg);
		return 0;
	}
	progress_end(rd->prog);
	log_warnx("%s", msg);
	return F_SAID;
}

/* on_phase - W_PHASE and W_PROGRESS: the progress line */
static int on_phase(struct reader *rd, uint16_t type, uint16_t aux,
		    struct wire_cur *c)
{
	static const char *const verbs[] = {
		[WIRE_OPEN] = "opening", [WIRE_CONVERT] = "decompressing",
		[WIRE_READ] = "reading",
	};
	uint64_t a = wire_u64(c), b = type == W_PROGRESS ? wire_u64(c) : 0;

	if (c->bad || (type == W_PHASE && aux > WIRE_READ))
		return F_BAD;
	if (type == W_PHASE)
		progress_phase(rd->prog, verbs[aux], a);
	else
		progress_update(rd->prog, a, b);
	return 0;
}

/**
 * reader_dispatch() - check and act on the frame in rd->frame
 * @rd: reader
 * @run: the run, NULL until the file is open
 * @len: the frame's length (ring_next())
 *
 * Return: 0 (go on), or an F_* result (reader-int.h).
 */
int reader_dispatch(struct reader *rd, struct run *run, int len)
{
	struct ring_frame f;
	struct wire_cur c;

	memcpy(&f, rd->frame, sizeof(f));
	wire_cur_init(&c, rd->frame, (uint32_t)len);
	if (f.type == W_PHASE || f.type == W_PROGRESS)
		return on_phase(rd, f.type, f.aux, &c);
	if (f.type == W_LIBMSG || f.type == W_FAIL)
		return on_text(rd, f.type, f.aux, &c);
	if (!run) {
		switch (f.type) {
		case W_BUFFER:	return on_buffer(rd, f.aux, &c);
		case W_NAME:	return on_name(rd, f.aux, &c);
		case W_READY:	return on_ready(rd, f.aux, &c);
		}
		return F_BAD;
	}
	switch (f.type) {
	case W_REC:	return on_rec(rd, run, f.aux, &c);
	case W_DESC:	return on_desc(rd, f.aux, &c);
	case W_COMM:	return on_comm(rd, &c);
	case W_STACK:	return on_stack(rd, f.aux, &c);
	case W_LOST:	return on_lost(rd, run, f.aux, &c);
	case W_STATS:	return on_stats(rd, &c);
	case W_END:
		rd->complete = f.aux == 1;
		rd->ended = true;
		return F_END;
	}
	return F_BAD;
}

