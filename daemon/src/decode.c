// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - binary decoding of trace records (see decode.h).
 *
 * Owns: the zap event table, the path/stage symbol tables, the decoder
 * tables and the field reads. Callers (import.c, live-*.c) decide when
 * an event is classified and what a classification error means to them.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "kstack.h"
#include "log.h"

/* targets a decoded field is written to */
enum tgt {
	T_NONE, T_MM, T_ADDR, T_PFN, T_MAXNR, T_NR, T_PATH, T_STAGE,
	T_ORDER, T_END, T_KEY,
	T_STATE,	/* sched_switch prev_state: ZF_RUNNABLE */
	T_STACK,	/* kernel_stack caller[]: zev.stack (kstack.c) */
	T_FLAG,		/* T_FLAG + n: flag bit n */
};

#define FLAGT(f)	(T_FLAG + __builtin_ctz(f))

const struct dec_zap dec_zaps[] = {
	{ "zap_present_ptes_start", ZEV_START, DEC_NEED_ZAP, {
		{ "mm", T_MM }, { "addr", T_ADDR }, { "pfn", T_PFN },
		{ "max_nr", T_MAXNR }, { "page", FLAGT(ZF_PAGE) },
		{ "anon", FLAGT(ZF_ANON) }, { "order", T_ORDER } } },
	{ "zap_present_folio_stage", ZEV_STAGE, DEC_NEED_STAGES, {
		{ "mm", T_MM }, { "addr", T_ADDR }, { "nr", T_NR },
		{ "stage", T_STAGE }, { "delay_rmap", FLAGT(ZF_DELAY_RMAP) },
		{ "full", FLAGT(ZF_FULL) } } },
	{ "zap_present_ptes_done", ZEV_DONE, DEC_NEED_ZAP, {
		{ "mm", T_MM }, { "addr", T_ADDR }, { "nr", T_NR },
		{ "path", T_PATH }, { "force_flush", FLAGT(ZF_FORCE_FLUSH) },
		{ "force_break", FLAGT(ZF_FORCE_BREAK) } } },
	{ "zap_pte_lock", ZEV_LOCK, DEC_NEED_LOCK, {
		{ "mm", T_MM }, { "addr", T_ADDR }, { "end", T_END } } },
	{ "zap_pte_locked", ZEV_LOCKED, DEC_NEED_LOCK, {
		{ "mm", T_MM }, { "addr", T_ADDR },
		{ "mapped", FLAGT(ZF_MAPPED) } } },
	{ "zap_pte_unlock", ZEV_UNLOCK, DEC_NEED_LOCK, {
		{ "mm", T_MM }, { "addr", T_ADDR }, { "end", T_END },
		{ "force_flush", FLAGT(ZF_FORCE_FLUSH) },
		{ "force_break", FLAGT(ZF_FORCE_BREAK) } } },
};
const int dec_nzaps = (int)(sizeof(dec_zaps) / sizeof(dec_zaps[0]));

/* x86's local timer, IPIs and reschedule interrupt are irq_vectors:*, not
 * irq:irq_handler_*; sched_switch's pid is the task leaving (common_pid) */
const struct dec_why dec_whys[] = {
	{ "irq_vectors", NULL, "_entry", ZEV_IRQ_ENTRY, { { NULL } } },
	{ "irq_vectors", NULL, "_exit", ZEV_IRQ_EXIT, { { NULL } } },
	{ "irq", "irq_handler_entry", NULL, ZEV_IRQ_ENTRY, { { NULL } } },
	{ "irq", "irq_handler_exit", NULL, ZEV_IRQ_EXIT, { { NULL } } },
	{ "irq", "softirq_entry", NULL, ZEV_SOFTIRQ_ENTRY, { { NULL } } },
	{ "irq", "softirq_exit", NULL, ZEV_SOFTIRQ_EXIT, { { NULL } } },
	{ "nmi", "nmi_handler", NULL, ZEV_NMI, { { "delta_ns", T_NR } } },
	{ "sched", "sched_switch", NULL, ZEV_SWITCH, {
		{ "next_pid", T_KEY }, { "prev_state", T_STATE } } },
	{ "ftrace", "kernel_stack", NULL, ZEV_STACK, {
		{ "size", T_NR }, { "caller", T_STACK } } },
};
const int dec_nwhys = (int)(sizeof(dec_whys) / sizeof(dec_whys[0]));

/* documented fallbacks (docs/events.md) */
static const char *const path_fallback[] = { "nopage", "skip", "small",
					     "batch" };
static const char *const stage_fallback[] = { "cleared", "rmap", "tlb" };

/**
 * dec_find_zap() - the zap event called @name
 * @name: event name (system "zap")
 *
 * Return: its table entry, or NULL.
 */
const struct dec_zap *dec_find_zap(const char *name)
{
	int i;

	for (i = 0; i < dec_nzaps; i++)
		if (!strcmp(dec_zaps[i].name, name))
			return &dec_zaps[i];
	return NULL;
}

/* ends_with - does @s end in @suffix? */
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/**
 * dec_find_why() - the attribution event @sys:@name
 * @sys: event system
 * @name: event name
 *
 * Return: its table entry, or NULL.
 */
const struct dec_why *dec_find_why(const char *sys, const char *name)
{
	int i;

	for (i = 0; i < dec_nwhys; i++) {
		const struct dec_why *w = &dec_whys[i];

		if (strcmp(w->sys, sys))
			continue;
		if (w->name ? !strcmp(w->name, name) :
			      ends_with(name, w->suffix))
			return w;
	}
	return NULL;
}

/**
 * dectab_add() - the (empty, unclassified) decoder of event @id
 * @t: the buffer's table
 * @id: event id
 * @ev: the event (NULL: unknown id)
 * @ncpus: CPUs to count records for at first (dec_count() grows it)
 *
 * Return: the decoder, or NULL on ENOMEM.
 */
struct evdec *dectab_add(struct dectab *t, int id, struct tep_event *ev,
			 int ncpus)
{
	struct evdec *d, **nb;
	int n;

	if (id < 0)
		return NULL;
	if (id >= t->n) {
		n = id + 64;
		nb = realloc(t->byid, n * sizeof(*nb));
		if (!nb)
			return NULL;
		memset(nb + t->n, 0, (n - t->n) * sizeof(*nb));
		t->byid = nb;
		t->n = n;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->ncount = ncpus > 0 ? ncpus : 8;
	d->count = calloc(d->ncount, sizeof(*d->count));
	if (!d->count) {
		free(d);
		return NULL;
	}
	d->ev = ev;
	d->sys = ev ? ev->system : NULL;
	d->evname = ev ? ev->name : NULL;
	d->kind = -1;
	d->pair = -1;
	free(t->byid[id]);
	t->byid[id] = d;
	return d;
}

/**
 * dectab_free() - free every decoder of @t (the events are the tep's)
 * @t: the table (emptied)
 */
void dectab_free(struct dectab *t)
{
	int i;

	for (i = 0; i < t->n; i++) {
		if (!t->byid[i])
			continue;
		free(t->byid[i]->count);
		free(t->byid[i]->name);
		free(t->byid[i]->strs);
		free(t->byid[i]);
	}
	free(t->byid);
	t->byid = NULL;
	t->n = 0;
}

/**
 * dec_count() - count a record of @d on @cpu
 * @d: decoder
 * @cpu: the record's CPU
 *
 * Return: 0, or -1 on ENOMEM.
 */
int dec_count(struct evdec *d, int cpu)
{
	uint64_t *c;
	int n;

	if (cpu < 0)
		cpu = 0;
	if (cpu >= d->ncount) {
		n = cpu + 8;
		c = realloc(d->count, n * sizeof(*c));
		if (!c)
			return -1;
		memset(c + d->ncount, 0, (n - d->ncount) * sizeof(*c));
		d->count = c;
		d->ncount = n;
	}
	d->count[cpu]++;
	return 0;
}

/**
 * dec_setup_zap() - make @d decode zap event @z
 * @d: decoder of the event
 * @z: its table entry
 * @missing: called for each field the event's format lacks (it then
 *	     reads as 0); may be NULL
 * @arg: for @missing
 *
 * Return: the number of fields missing.
 */
static int dec_setup_zap(struct evdec *d, const struct dec_zap *z,
			 void (*missing)(void *arg, const struct dec_zap *z,
				  const char *field),
		  void *arg)
{
	int j, n = 0;

	d->kind = z->kind;
	for (j = 0; j < DEC_MAX_FIELDS && z->f[j].name; j++) {
		d->field[d->nf] = tep_find_field(d->ev, z->f[j].name);
		if (!d->field[d->nf]) {
			n++;
			if (missing)
				missing(arg, z, z->f[j].name);
			continue;
		}
		d->tgt[d->nf++] = z->f[j].tgt;
	}
	return n;
}

/* family - which entry/exit pair @name belongs to: a hash of its system
 * and its name without _entry/_exit (zev.pair of attribution events) */
static int family(const char *sys, const char *name)
{
	size_t n = strlen(name);
	uint32_t h = 2166136261u;

	if (n > 6 && !strcmp(name + n - 6, "_entry"))
		n -= 6;
	else if (n > 5 && !strcmp(name + n - 5, "_exit"))
		n -= 5;
	for (; *sys; sys++)
		h = (h ^ (unsigned char)*sys) * 16777619u;
	while (n--)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return (int)(h & 0x7fffffff);
}

/* dec_setup_why - make @d decode attribution event @w; -1 if the event
 * lacks a field it needs (it is then an extra event only) */
static int dec_setup_why(struct evdec *d, const struct dec_why *w)
{
	int j;

	for (j = 0; j < 2 && w->f[j].name; j++) {
		d->field[d->nf] = tep_find_field(d->ev, w->f[j].name);
		if (!d->field[d->nf]) {
			d->nf = 0;
			return -1;
		}
		d->tgt[d->nf++] = w->f[j].tgt;
	}
	d->kind = w->kind;
	d->pair = family(d->ev->system, d->ev->name);
	return 0;
}

/* dec_setup_pair - make @d decode the start or end of pair @pair, keyed
 * by @key_field (NULL: the pid); -1 if the event has no such field */
static int dec_setup_pair(struct evdec *d, bool end, int pair,
			  const char *key_field)
{
	d->kind = end ? ZEV_PAIR_END : ZEV_PAIR_START;
	d->pair = pair;
	if (!key_field)
		return 0;
	d->field[0] = tep_find_any_field(d->ev, key_field);
	if (!d->field[0])
		return -1;
	d->tgt[0] = T_KEY;
	d->nf = 1;
	return 0;
}

/*
 * dec_setup_args - the numeric fields of an extra (not paired) event to
 * keep: the first DEC_MAX_ARGS of its own fields (not the common_ ones)
 * that are integers of at most 8 bytes (no arrays, strings, dynamic data)
 */
static void dec_setup_args(struct evdec *d)
{
	struct tep_format_field *f;

	d->nargs = 0;
	for (f = d->ev->format.fields; f && d->nargs < DEC_MAX_ARGS;
	     f = f->next) {
		if (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING |
				TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_RELATIVE))
			continue;
		if (f->size < 1 || f->size > 8)
			continue;
		d->argname[d->nargs] = f->name;
		d->arg[d->nargs++] = f;
	}
}

/* pair_of - the index of the pair spec @d's event starts or ends (*end
 * set), -1 if none */
static int pair_of(const struct evdec *d, const struct pair_spec *pairs,
		   int npairs, bool *end)
{
	int i;

	for (i = 0; i < npairs; i++) {
		const struct pair_spec *ps = &pairs[i];

		if (!strcmp(d->ev->system, ps->start_sys) &&
		    !strcmp(d->ev->name, ps->start_ev)) {
			*end = false;
			return i;
		}
		if (!strcmp(d->ev->system, ps->end_sys) &&
		    !strcmp(d->ev->name, ps->end_ev)) {
			*end = true;
			return i;
		}
	}
	return -1;
}

/**
 * dec_fast_field() - can @f be read at its offset in host byte order?
 * @f: a field of an event of a buffer in host byte order
 * @out: its offset, size and sign when it can
 *
 * Return: true for a plain integer field of 1, 2, 4 or 8 bytes.
 */
bool dec_fast_field(const struct tep_format_field *f, struct dec_fast *out)
{
	if (!f || (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING |
			       TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_RELATIVE)) ||
	    (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) ||
	    f->offset < 0 || f->offset > 65535 - 8)
		return false;
	out->off = (uint16_t)f->offset;
	out->size = (uint8_t)f->size;
	out->sign = (f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8;
	return true;
}

/**
 * dec_type_fast() - can the event id (common_type) of @tep's records be
 * read at its offset in host byte order?
 * @tep: the records' tep handle
 * @ev: any of its events (the common fields are the same in all)
 * @out: common_type's offset and size when it can
 *
 * Return: true if so.
 */
bool dec_type_fast(struct tep_handle *tep, struct tep_event *ev,
		   struct dec_fast *out)
{
	return ev && tep_is_file_bigendian(tep) == tep_is_local_bigendian(tep) &&
	       dec_fast_field(tep_find_common_field(ev, "common_type"), out);
}

/* fast_dst - where target @tgt goes in struct zev (dec_fast) */
static void fast_dst(struct dec_fast *f, int tgt)
{
#define DST(m) do {							\
		f->dst = offsetof(struct zev, m);			\
		f->dsize = sizeof(((struct zev *)0)->m);		\
	} while (0)
	switch (tgt) {
	case T_MM:	DST(mm); break;
	case T_ADDR:	DST(addr); break;
	case T_PFN:	DST(pfn); break;
	case T_MAXNR:	DST(max_nr); break;
	case T_NR:	DST(nr); break;
	case T_PATH:	DST(path); break;
	case T_STAGE:	DST(stage); break;
	case T_ORDER:	DST(order); break;
	case T_END:	DST(end); break;
	case T_KEY:	DST(key); break;
	default:
		f->dsize = 0;
		f->flag = (uint16_t)(1u << (tgt - T_FLAG));
		break;
	}
#undef DST
}

/*
 * std_layout - DEC_STD_START/DONE if @d is a zap start/done event with
 * every field of dec_zaps[] present, in order, of the documented size
 */
static int std_layout(const struct evdec *d)
{
	static const uint8_t start[] = { 8, 8, 8, 4, 1, 1, 1 };
	static const uint8_t done[] = { 8, 8, 4, 1, 1, 1 };
	const uint8_t *want = d->kind == ZEV_START ? start : done;
	int i, n = d->kind == ZEV_START ? 7 : 6;

	if ((d->kind != ZEV_START && d->kind != ZEV_DONE) || d->nf != n)
		return DEC_STD_NONE;
	for (i = 0; i < n; i++) {
		if (d->f[i].size != want[i] ||
		    d->tgt[i] != dec_find_zap(d->ev->name)->f[i].tgt)
			return DEC_STD_NONE;
	}
	return d->kind == ZEV_START ? DEC_STD_START : DEC_STD_DONE;
}

/* setup_fast - read @d's pid and fields at their offsets if possible */
static void setup_fast(struct evdec *d)
{
	struct tep_handle *tep = d->ev->tep;
	int i;

	d->fast = false;
	if (!tep || tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep) ||
	    !dec_fast_field(tep_find_common_field(d->ev, "common_pid"),
			    &d->fpid))
		return;
	for (i = 0; i < d->nf; i++) {
		if (!dec_fast_field(d->field[i], &d->f[i]))
			return;
		fast_dst(&d->f[i], d->tgt[i]);
	}
	d->fast = true;
	d->std = std_layout(d);
}

/**
 * dec_classify() - decide how @d's event is decoded, the same way for
 * both sources: a zap event of docs/events.md; else the start or end of
 * a --pair (pair id = spec index); else an extra event, stored with its
 * numeric fields, and fed to attribution too if it is one of dec_whys[]
 * (d->extra set: the caller may clear it to only attribute)
 * @d: a decoder from dectab_add()
 * @pairs: the --pair specs
 * @npairs: how many
 * @missing: called for each field a zap event's format lacks (it then
 *	     reads as 0); may be NULL
 * @arg: for @missing
 *
 * Return: the enum dec_class, or -1 when the event is a pair's but lacks
 * the key field (nothing logged: the caller says so), or on ENOMEM.
 */
int dec_classify(struct evdec *d, const struct pair_spec *pairs, int npairs,
		 void (*missing)(void *arg, const struct dec_zap *z,
				 const char *field),
		 void *arg)
{
	const struct dec_zap *z;
	const struct dec_why *w;
	bool end;
	int i;

	if (!d->ev)
		return DEC_NONE;
	if (!strcmp(d->ev->system, "zap") && (z = dec_find_zap(d->ev->name))) {
		dec_setup_zap(d, z, missing, arg);
		setup_fast(d);
		return DEC_ZAP;
	}
	i = pair_of(d, pairs, npairs, &end);
	if (i >= 0) {
		if (dec_setup_pair(d, end, i, pairs[i].key_field) < 0)
			return -1;
		setup_fast(d);
		return DEC_PAIR;
	}
	dec_setup_args(d);
	if (asprintf(&d->name, "%s:%s", d->ev->system, d->ev->name) < 0) {
		d->name = NULL;
		return -1;
	}
	d->extra = true;
	w = dec_find_why(d->ev->system, d->ev->name);
	if (w && dec_setup_why(d, w) == 0)
		return DEC_WHY;
	return DEC_EXTRA;
}

/**
 * dec_read_field() - a number field, sign-extended if the field is signed
 * @f: the field
 * @data: the record's data
 *
 * Return: the value (0 if it cannot be read).
 */
uint64_t dec_read_field(const struct tep_format_field *f, const void *data)
{
	unsigned long long v = 0;

	if (tep_read_number_field((struct tep_format_field *)f, data, &v) < 0)
		return 0;
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8) {
		int sh = 64 - 8 * f->size;

		return (uint64_t)(((int64_t)(v << sh)) >> sh);
	}
	return v;
}

/**
 * dec_record() - decode one record of a paired (zap or generic) event
 * @d: its decoder (d->kind >= 0)
 * @tep: the tep handle the record belongs to
 * @rec: the record
 * @cpu: its CPU
 * @ev: filled in (fields the kind does not use are 0)
 */
void dec_record(const struct evdec *d, struct tep_handle *tep,
		const struct tep_record *rec, int cpu, struct zev *ev)
{
	int i;

	if (d->fast) {
		dec_record_fast(d, rec->data, rec->ts, cpu, ev);
		return;
	}
	memset(ev, 0, offsetof(struct zev, ext));
	ev->ext.name = NULL;
	ev->kind = d->kind;
	ev->cpu = cpu;
	ev->ts_ns = rec->ts;
	ev->pair = d->pair;
	ev->pid = tep_data_pid(tep, (struct tep_record *)rec);
	ev->key = (uint64_t)ev->pid;
	for (i = 0; i < d->nf; i++) {
		uint64_t v = dec_read_field(d->field[i], rec->data);

		switch (d->tgt[i]) {
		case T_MM:	ev->mm = v; break;
		case T_ADDR:	ev->addr = v; break;
		case T_PFN:	ev->pfn = v; break;
		case T_MAXNR:	ev->max_nr = (uint32_t)v; break;
		case T_NR:	ev->nr = (int64_t)v; break;
		case T_PATH:	ev->path = (int)v; break;
		case T_STAGE:	ev->stage = (int)v; break;
		case T_ORDER:	ev->order = (int)v; break;
		case T_END:	ev->end = v; break;
		case T_KEY:	ev->key = v; break;
		case T_STATE:
			/* TASK_REPORT_MAX (0x100): preempted; state 0:
			 * runnable; else the bits of a sleep */
			if (!(v & 0xff))
				ev->flags |= ZF_RUNNABLE;
			break;
		case T_STACK:
			ev->stack = kstack_read(tep, d->field[i], rec,
						ev->nr);
			break;
		default:
			if (d->tgt[i] >= T_FLAG && v)
				ev->flags |= 1u << (d->tgt[i] - T_FLAG);
			break;
		}
	}
	if (d->extra && d->name)
		dec_event(d, tep, rec, cpu, d->name, &ev->ext);
}

/**
 * dec_event() - decode a record of an extra event (dec_setup_args)
 * @d: its decoder
 * @tep: the tep handle the record belongs to
 * @rec: the record
 * @cpu: its CPU
 * @name: "system:event", kept by pointer
 * @e: filled in (unused args 0)
 */
void dec_event(const struct evdec *d, struct tep_handle *tep,
	       const struct tep_record *rec, int cpu, const char *name,
	       struct ext_event *e)
{
	int i;

	e->name = name;
	e->ts_ns = rec->ts;
	e->cpu = cpu;
	e->pid = tep_data_pid(tep, (struct tep_record *)rec);
	e->nargs = d->nargs;
	for (i = 0; i < DEC_MAX_ARGS; i++)
		e->a[i] = i < d->nargs ?
			  (int64_t)dec_read_field(d->arg[i], rec->data) : 0;
}

/* sym_walk - find the __print_symbolic() table printing field @fname */
static struct tep_print_flag_sym *sym_walk(struct tep_print_arg *arg,
					   const char *fname)
{
	struct tep_print_flag_sym *s;

	for (; arg; arg = arg->next) {
		switch (arg->type) {
		case TEP_PRINT_SYMBOL:
			if (arg->symbol.field &&
			    arg->symbol.field->type == TEP_PRINT_FIELD &&
			    !strcmp(arg->symbol.field->field.name, fname))
				return arg->symbol.symbols;
			break;
		case TEP_PRINT_OP:
			s = sym_walk(arg->op.left, fname);
			if (!s)
				s = sym_walk(arg->op.right, fname);
			if (s)
				return s;
			break;
		case TEP_PRINT_TYPE:
			s = sym_walk(arg->typecast.item, fname);
			if (s)
				return s;
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* load_names - symbolic values of @fname from @ev's print format */
static void load_names(struct tep_event *ev, const char *fname,
		       const char **names, const char *const *fallback,
		       int nfallback)
{
	struct tep_print_flag_sym *s;
	unsigned long v;
	char *end;
	int i, n = 0;

	for (i = 0; i < nfallback; i++)
		names[i] = fallback[i];
	if (!ev)
		return;
	for (s = sym_walk(ev->print_fmt.args, fname); s; s = s->next) {
		v = strtoul(s->value, &end, 0);
		if (*end || v >= ZAP_NAMES_MAX || !s->str)
			continue;
		names[v] = s->str;
		n++;
	}
	log_debug("%s.%s: %d symbolic names from the print format",
		  ev->name, fname, n);
}

/**
 * dec_load_names() - names of the path and stage values
 * @done: zap_present_ptes_done's format, or NULL
 * @stage: zap_present_folio_stage's format, or NULL
 * @names: filled in: the __print_symbolic() tables of the formats over
 *	   the numbers of docs/events.md (the strings belong to the formats)
 */
void dec_load_names(struct tep_event *done, struct tep_event *stage,
		    struct zap_names *names)
{
	memset(names, 0, sizeof(*names));
	load_names(done, "path", names->path, path_fallback, 4);
	load_names(stage, "stage", names->stage, stage_fallback, 3);
}
