// SPDX-License-Identifier: GPL-2.0
/*
 * tracedat.c - the reader process: a trace.dat through libtracecmd,
 * decoded, sent to the import process (see tracedat.h, wire.h).
 *
 * Owns: struct tracedat: the file's handles (top buffer first), one
 * decoder table per buffer, the ids of what was sent (decoders, task
 * names, kernel stacks), the progress figures, and what went wrong.
 *
 * Invariants:
 *  - decoding is binary only (decode.c): a struct tep_event and its
 *    struct tep_format_field pointers are resolved once per (buffer, event
 *    id), classified by dec_classify() like zapd live does; per record
 *    the fields are read at their offsets (or by tep_read_number_field()).
 *    No event is formatted to text.
 *  - records of all buffers are merged in time order by
 *    tracecmd_iterate_events_multi(); the record's CPU is rec->cpu (the
 *    iterator's cpu argument is an index over all handles). CPUs are
 *    global across buffers.
 *  - a record's missed_events (set on the first record of a sub-buffer
 *    after a gap, -1 = count unknown) is sent as W_LOST before the record.
 *  - a compressed file is read after its data was decompressed into
 *    temporary files (unzip.h): the library's in-memory path is quadratic.
 *  - libtracecmd 3.1.6 crashes (tracecmd_close() on a half-built handle
 *    in tracecmd_buffer_instance_handle()'s error path) when a version 6
 *    file is truncated inside an instance's data: instance buffers of v6
 *    files are opened once in a forked child first, and those that fail
 *    or crash are skipped (the run is then incomplete). Any other crash
 *    ends this process; the import process says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event-parse.h>

#include "decode.h"
#include "kstack.h"
#include "libmsg.h"
#include "tcpriv.h"
#include "tracedat.h"
#include "unzip.h"
#include "wire.h"

#define MAX_BUFFERS	WIRE_MAX_BUFS
#define BEAT_NS		100000000ull	/* progress at most every 100 ms */

/* struct idmap - u64 -> id, open addressing (val 0: empty slot) */
struct idmap {
	uint64_t	*key;
	uint32_t	*val;		/* id + 1 */
	size_t		n, cap;
};

/* struct buf - one buffer (top or instance) of the file */
struct buf {
	struct tracecmd_input	*h;
	struct tep_handle	*tep;
	const char		*name;		/* "" for the top buffer */
	int			idx;
	int			ncpus;
	struct dectab		dec;
	bool			type_fast;	/* common_type at ftype */
	struct dec_fast		ftype;
	uint64_t		*off;		/* per CPU: last record's offset */
	struct tracedat		*td;
};

struct tracedat {
	const struct tracedat_args *a;
	struct wire_out		*o;
	struct buf		bufs[MAX_BUFFERS];
	int			nbufs;
	uint32_t		ndesc;
	struct idmap		comms;		/* pids named */
	struct idmap		stacks;		/* struct zap_stack * -> id */
	int			last_pid;	/* the last pid named */
	uint64_t		done, records;	/* progress */
	uint64_t		beat_ns;
	uint64_t		data_size;	/* bytes to read, 0: the file's */
	bool			compressed;
	bool			complete;	/* nothing skipped or cut */
	bool			failed;		/* stop: sent W_FAIL or lost
						 * the import process */
};

/* slen - a name's length, cut at 1 KiB (a format can hold anything) */
static uint32_t slen(const char *s)
{
	return (uint32_t)strnlen(s, 1024);
}

/* now_ns - CLOCK_MONOTONIC_COARSE: the heartbeat's clock */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* idmap_slot - where @k is or would go (the map has room) */
static size_t idmap_slot(const struct idmap *m, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);

	while (m->val[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* idmap_get - @k's id + 1, 0 if absent */
static uint32_t idmap_get(const struct idmap *m, uint64_t k)
{
	return m->cap ? m->val[idmap_slot(m, k)] : 0;
}

/* idmap_put - @k -> @id; -1 on ENOMEM */
static int idmap_put(struct idmap *m, uint64_t k, uint32_t id)
{
	struct idmap o = *m;
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		m->cap = o.cap ? o.cap * 2 : 1024;
		m->key = calloc(m->cap, sizeof(*m->key));
		m->val = calloc(m->cap, sizeof(*m->val));
		if (!m->key || !m->val) {
			free(m->key);
			free(m->val);
			*m = o;
			return -1;
		}
		for (i = 0; i < o.cap; i++) {
			if (o.val[i]) {
				size_t j = idmap_slot(m, o.key[i]);

				m->key[j] = o.key[i];
				m->val[j] = o.val[i];
			}
		}
		free(o.key);
		free(o.val);
	}
	i = idmap_slot(m, k);
	m->n += !m->val[i];
	m->key[i] = k;
	m->val[i] = id + 1;
	return 0;
}

/* fail - the one line the import process prints; the read stops */
static void fail(struct tracedat *td, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct tracedat *td, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	wire_text(td->o, W_FAIL, 0, line);
	td->failed = true;
}

/* send_phase - what the process does now and how many bytes it reads */
static int send_phase(struct tracedat *td, enum wire_phase ph,
		      uint64_t total)
{
	if (!wire_begin(td->o, sizeof(total)))
		return -1;
	wire_put(td->o, &total, sizeof(total));
	if (wire_send(td->o, W_PHASE, ph) < 0)
		return -1;
	return ring_flush(td->a->ring);
}

/* send_progress - bytes and records done so far, published at once */
static int send_progress(struct tracedat *td, uint64_t done)
{
	if (!wire_begin(td->o, 2 * sizeof(uint64_t)))
		return -1;
	wire_put(td->o, &done, sizeof(done));
	wire_put(td->o, &td->records, sizeof(td->records));
	if (wire_send(td->o, W_PROGRESS, 0) < 0)
		return -1;
	return ring_flush(td->a->ring);
}

/* relay - libmsg sink: a library message to the import process */
static void relay(void *arg, int err, const char *msg)
{
	struct tracedat *td = arg;

	wire_text(td->o, W_LIBMSG, err ? 1 : 0, msg);
}

/* struct beat - the heartbeat thread of a conversion */
struct beat {
	struct tracedat		*td;
	pthread_mutex_t		lock;
	pthread_cond_t		stop_cv;
	bool			stop;
};

/* beat_main - every 100 ms, what was decompressed (the only writer of the
 * ring while unzip_open() runs) */
static void *beat_main(void *arg)
{
	struct beat *b = arg;
	struct timespec until;

	pthread_mutex_lock(&b->lock);
	while (!b->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&b->stop_cv, &b->lock, &until);
		if (!b->stop && send_progress(b->td, unzip_written()) < 0)
			break;
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* convert - the file, its data decompressed first (after checking the
 * space that needs): the handle, or NULL after fail() */
static struct tracecmd_input *convert(struct tracedat *td, uint64_t need)
{
	struct tracecmd_input *h;
	struct beat b = { .td = td };
	char msg[512];
	pthread_t t;
	int errs = libmsg_errors(), started;

	if (unzip_check_space(need, msg, sizeof(msg)) < 0) {
		fail(td, "'%s' is compressed: %s", td->a->file, msg);
		return NULL;
	}
	if (send_phase(td, WIRE_CONVERT, need) < 0)
		return NULL;
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.stop_cv, NULL);
	libmsg_set_sink(NULL, NULL);	/* the beat owns the ring now */
	started = pthread_create(&t, NULL, beat_main, &b) == 0;
	h = unzip_open(td->a->fd, msg, sizeof(msg));
	if (started) {
		pthread_mutex_lock(&b.lock);
		b.stop = true;
		pthread_cond_signal(&b.stop_cv);
		pthread_mutex_unlock(&b.lock);
		pthread_join(t, NULL);
	}
	libmsg_set_sink(relay, td);
	if (libmsg_errors() > errs)
		relay(td, 1, libmsg_last());
	if (!h)
		fail(td, "cannot read '%s': %s", td->a->file, msg);
	return h;
}

/* open_fd - tracecmd_open_fd(), which then owns @fd; if it fails, @fd
 * is closed (the library closes it when the headers fail, not when
 * tracecmd_alloc_fd() does: this process is single-threaded here, so a
 * descriptor still open is still @fd) */
static struct tracecmd_input *open_fd(int fd)
{
	struct tracecmd_input *h;

	if (fd < 0)
		return NULL;
	h = tracecmd_open_fd(fd, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h && fcntl(fd, F_GETFD) >= 0)
		close(fd);
	return h;
}

/* open_top - the top buffer, its data decompressed first if the file is
 * compressed; -1 after fail() */
static int open_top(struct tracedat *td)
{
	struct tracecmd_input *h = open_fd(dup(td->a->fd));

	if (h && unzip_needed(h)) {
		/* instance buffers are decompressed twice: by the copy, then
		 * by their own handles */
		int twice = tracecmd_buffer_instances(h) > 0 ? 2 : 1;

		td->data_size = unzip_estimate(h);
		tracecmd_close(h);
		h = convert(td, twice * td->data_size + (16u << 20));
		if (!h)
			return -1;
		td->compressed = true;
	}
	if (!h) {
		fail(td, "'%s' is a truncated or corrupt trace.dat: nothing "
		     "readable%s%s", td->a->file, libmsg_last()[0] ? ": " : "",
		     libmsg_last());
		return -1;
	}
	td->bufs[0].h = h;
	td->bufs[0].name = "";
	td->nbufs = 1;
	return 0;
}

/* file_version - the trace.dat version digit ('6', '7') */
static char file_version(int fd)
{
	char c = 0;

	if (pread(fd, &c, 1, 10) != 1)
		return 0;
	return c;
}

/*
 * probe_buffers - which instance buffers open without crashing? A child
 * opens each and writes '1'/'0' per buffer; a crash leaves the rest
 * unwritten = bad.
 */
static void probe_buffers(struct tracecmd_input *top, int n, char *okv)
{
	int p[2], i, st;
	pid_t pid;
	ssize_t got = 0, r;

	memset(okv, '0', n);
	if (pipe(p) < 0)
		return;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		for (i = 0; i < n; i++) {
			struct tracecmd_input *b;

			b = tracecmd_buffer_instance_handle(top, i);
			if (write(p[1], b ? "1" : "0", 1) != 1)
				break;
		}
		_exit(0);
	}
	close(p[1]);
	while (got < n && (r = read(p[0], okv + got, n - got)) > 0)
		got += r;
	close(p[0]);
	waitpid(pid, &st, 0);
}

/* open_instances - the instance buffers of the top buffer's file */
static void open_instances(struct tracedat *td)
{
	struct tracecmd_input *top = td->bufs[0].h;
	char okv[MAX_BUFFERS];
	int i, n = tracecmd_buffer_instances(top);

	if (n > MAX_BUFFERS - 1)
		n = MAX_BUFFERS - 1;
	memset(okv, '1', sizeof(okv));
	if (n > 0 && file_version(td->a->fd) == '6')
		probe_buffers(top, n, okv);
	for (i = 0; i < n; i++) {
		const char *name = tracecmd_buffer_instance_name(top, i);
		struct tracecmd_input *bh = NULL;
		char msg[160];

		if (okv[i] == '1')
			bh = tracecmd_buffer_instance_handle(top, i);
		if (!bh) {
			snprintf(msg, sizeof(msg), "buffer '%s' unreadable "
				 "(truncated?): skipped", name ? name : "?");
			relay(td, 1, msg);
			td->complete = false;
			continue;
		}
		td->bufs[td->nbufs].h = bh;
		td->bufs[td->nbufs].name = name ? name : "?";
		td->nbufs++;
	}
}

/* setup_bufs - per buffer: its tep, CPUs, progress offsets; W_BUFFER */
static int setup_bufs(struct tracedat *td)
{
	int i;

	for (i = 0; i < td->nbufs; i++) {
		struct buf *b = &td->bufs[i];

		b->tep = tracecmd_get_tep(b->h);
		b->type_fast = dec_type_fast(b->tep, tep_get_event(b->tep, 0),
					     &b->ftype);
		b->ncpus = tracecmd_cpus(b->h);
		if (b->ncpus < 0 || b->ncpus > WIRE_MAX_CPUS)
			b->ncpus = 0;
		b->off = calloc(b->ncpus + 1, sizeof(*b->off));
		if (!b->off)
			return -1;
		b->idx = i;
		b->td = td;
		tracecmd_set_private(b->h, b);
		if (wire_text(td->o, W_BUFFER, (uint16_t)i, b->name) < 0)
			return -1;
	}
	return 0;
}

/* find_zap - the zap event @name in any buffer, or NULL */
static struct tep_event *find_zap(struct tracedat *td, const char *name)
{
	struct tep_event *ev;
	int i;

	for (i = 0; i < td->nbufs; i++) {
		ev = tep_find_event_by_name(td->bufs[i].tep, "zap", name);
		if (ev)
			return ev;
	}
	return NULL;
}

/* has_zap - does any buffer have the format of a zap event? */
static bool has_zap(struct tracedat *td)
{
	int i;

	for (i = 0; i < dec_nzaps; i++)
		if (find_zap(td, dec_zaps[i].name))
			return true;
	return false;
}

/* send_names - the path and stage names of the zap events' formats */
static int send_names(struct tracedat *td)
{
	struct zap_names n;
	int i;

	dec_load_names(find_zap(td, "zap_present_ptes_done"),
		       find_zap(td, "zap_present_folio_stage"), &n);
	for (i = 0; i < ZAP_NAMES_MAX; i++) {
		if ((n.path[i] && wire_text(td->o, W_NAME,
				(WIRE_NAME_PATH << 8) | i, n.path[i]) < 0) ||
		    (n.stage[i] && wire_text(td->o, W_NAME,
				(WIRE_NAME_STAGE << 8) | i, n.stage[i]) < 0))
			return -1;
	}
	return 0;
}

/* send_ready - the file is open: W_READY with what it says of itself */
static int send_ready(struct tracedat *td)
{
	struct tracecmd_input *h = td->bufs[0].h;
	const char *u = tracecmd_get_uname(h);
	const char *clock = tracecmd_get_trace_clock(h);
	char sys[64] = "", host[64] = "", rel[64] = "";
	uint32_t ver = (uint32_t)(file_version(td->a->fd) - '0');
	uint16_t fl = (has_zap(td) ? WIRE_READY_HAS_ZAP : 0) |
		      (td->compressed ? WIRE_READY_COMPRESSED : 0);

	if (u)
		sscanf(u, "%63s %63s %63s", sys, host, rel);
	clock = clock ? clock : "";
	if (!wire_begin(td->o, sizeof(ver) + 6 + slen(clock) + strlen(host) +
			strlen(rel)))
		return -1;
	wire_put(td->o, &ver, sizeof(ver));
	wire_put_str(td->o, clock, slen(clock));
	wire_put_str(td->o, host, (uint32_t)strlen(host));
	wire_put_str(td->o, rel, (uint32_t)strlen(rel));
	return wire_send(td->o, W_READY, fl);
}

/* zap_missing - dec_classify() callback: a field the format lacks (a
 * corrupt or foreign format): counted as a library error, so the run is
 * incomplete and the last such line is the import's one line */
static void zap_missing(void *arg, const struct dec_zap *z,
			const char *field)
{
	struct tracedat *td = arg;
	char line[256];

	snprintf(line, sizeof(line), "zap:%s has no field '%s': read as 0",
		 z->name, field);
	relay(td, 1, line);
}

/* pair_key_missing - the one line for a --pair event without its key */
static void pair_key_missing(struct tracedat *td, const struct tep_event *ev)
{
	const struct tracedat_args *a = td->a;
	int i;

	for (i = 0; i < a->npairs; i++) {
		const struct pair_spec *ps = &a->pairs[i];

		if (ps->key_field &&
		    ((!strcmp(ev->system, ps->start_sys) &&
		      !strcmp(ev->name, ps->start_ev)) ||
		     (!strcmp(ev->system, ps->end_sys) &&
		      !strcmp(ev->name, ps->end_ev)))) {
			fail(td, "%s:%s has no field '%s'", ev->system,
			     ev->name, ps->key_field);
			return;
		}
	}
	fail(td, "out of memory");
}

/* send_desc - W_DESC: how the import process treats @d's records */
static int send_desc(struct tracedat *td, struct buf *b, int id,
		     struct evdec *d, int cls)
{
	struct wire_desc w = {
		.id = td->ndesc, .event = id, .cls = cls, .kind = d->kind,
		.pair = d->pair, .extra = d->extra && d->name,
		.nargs = d->name ? (uint8_t)d->nargs : 0,
	};
	const char *sys = d->sys ? d->sys : "", *ev = d->evname ? d->evname :
			  "";
	uint32_t len = sizeof(w) + 4 + slen(sys) + slen(ev);
	int i;

	for (i = 0; i < w.nargs; i++)
		len += 2 + slen(d->argname[i]);
	if (td->ndesc >= WIRE_MAX_DESCS || !wire_begin(td->o, len))
		return -1;
	wire_put(td->o, &w, sizeof(w));
	wire_put_str(td->o, sys, slen(sys));
	wire_put_str(td->o, ev, slen(ev));
	for (i = 0; i < w.nargs; i++)
		wire_put_str(td->o, d->argname[i], slen(d->argname[i]));
	d->tag = (int)td->ndesc++;
	return wire_send(td->o, W_DESC, (uint16_t)b->idx);
}

/* new_dec - the decoder of event @id of @b, classified and announced
 * (W_DESC); NULL if the read must stop */
static struct evdec *new_dec(struct tracedat *td, struct buf *b, int id)
{
	struct tep_event *ev = tep_find_event(b->tep, id);
	struct evdec *d = dectab_add(&b->dec, id, ev, b->ncpus);
	int cls;

	if (!d) {
		fail(td, "out of memory");
		return NULL;
	}
	cls = dec_classify(d, td->a->pairs, td->a->npairs, zap_missing, td);
	if (cls < 0) {
		pair_key_missing(td, ev);
		return NULL;
	}
	if (td->ndesc >= WIRE_MAX_DESCS) {
		relay(td, 1, "more than 65535 distinct events: the rest is "
		      "not read");
		td->complete = false;
		return NULL;
	}
	return send_desc(td, b, id, d, cls) < 0 ? NULL : d;
}

/* name_task - W_COMM for @pid the first time it is paired; -1 stop */
static int name_task(struct tracedat *td, int pid)
{
	const char *s;
	int32_t p = pid;

	if (pid == td->last_pid)
		return 0;
	td->last_pid = pid;
	if (idmap_get(&td->comms, (uint32_t)pid))
		return 0;
	if (idmap_put(&td->comms, (uint32_t)pid, 0) < 0)
		return -1;
	s = tep_data_comm_from_pid(td->bufs[0].tep, pid);
	if (!s || !strcmp(s, "<...>"))
		return 0;		/* unknown: the import leaves it NULL */
	if (!wire_begin(td->o, sizeof(p) + 2 + slen(s)))
		return -1;
	wire_put(td->o, &p, sizeof(p));
	wire_put_str(td->o, s, slen(s));
	return wire_send(td->o, W_COMM, 0);
}

/* stack_id - the id of kernel stack @st, sent (W_STACK) when new; 0 if
 * the read must stop, else id + 1 */
static uint32_t stack_id(struct tracedat *td, const struct zap_stack *st)
{
	uint32_t id = idmap_get(&td->stacks, (uintptr_t)st);
	struct wire_stack w = {
		.caller = st->caller, .depth = st->depth, .hash = st->hash,
	};
	const char *fr = st->frame ? st->frame : "";
	const char *tx = st->text ? st->text : "";

	if (id)
		return id;
	w.id = (uint32_t)td->stacks.n;
	if (idmap_put(&td->stacks, (uintptr_t)st, w.id) < 0 ||
	    !wire_begin(td->o, sizeof(w) + 4 + slen(fr) +
			strnlen(tx, WIRE_MAX_STR)))
		return 0;
	wire_put(td->o, &w, sizeof(w));
	wire_put_str(td->o, fr, slen(fr));
	wire_put_str(td->o, tx, (uint32_t)strnlen(tx, WIRE_MAX_STR));
	if (wire_send(td->o, W_STACK, kstack_is_shared(st)) < 0)
		return 0;
	return w.id + 1;
}

/* send_lost - W_LOST: @count events lost on @cpu before @ts */
static int send_lost(struct tracedat *td, struct buf *b, int cpu,
		     uint64_t ts, int64_t count)
{
	int32_t c = cpu;

	if (!wire_begin(td->o, sizeof(c) + sizeof(ts) + sizeof(count)))
		return -1;
	wire_put(td->o, &c, sizeof(c));
	wire_put(td->o, &ts, sizeof(ts));
	wire_put(td->o, &count, sizeof(count));
	return wire_send(td->o, W_LOST, (uint16_t)b->idx);
}

/* send_rec - W_REC: a record of @d (NULL: no event id) at @ts on @cpu,
 * decoded into @ev (paired) and/or @e (extra event), or neither (counted
 * only) */
static int send_rec(struct tracedat *td, const struct evdec *d,
		    uint64_t ts, int cpu, const struct zev *ev,
		    const struct ext_event *e)
{
	struct wire_rec w = { .ts = ts, .cpu = cpu };
	uint32_t nargs = e ? (uint32_t)e->nargs : 0;

	if (ev) {
		w.ts = ev->ts_ns;
		w.cpu = ev->cpu;
		w.pid = ev->pid;
		w.key = ev->key;
		w.mm = ev->mm;
		w.addr = ev->addr;
		w.pfn = ev->pfn;
		w.end = ev->end;
		w.nr = ev->nr;
		w.max_nr = ev->max_nr;
		w.flags = ev->flags;
		w.path = ev->path;
		w.stage = ev->stage;
		w.order = ev->order;
		if (ev->stack && !(w.stack = stack_id(td, ev->stack)))
			return -1;
	} else if (e) {
		w.pid = e->pid;
	}
	if (!wire_begin(td->o, sizeof(w) + nargs * sizeof(int64_t)))
		return -1;
	wire_put(td->o, &w, sizeof(w));
	if (nargs)
		wire_put(td->o, e->a, nargs * sizeof(int64_t));
	return wire_send(td->o, W_REC, d ? (uint16_t)d->tag : UINT16_MAX);
}

/* progress - count a record at @off of @b's @cpu; a W_PROGRESS at most
 * every BEAT_NS */
static int progress(struct tracedat *td, struct buf *b, int cpu,
		    uint64_t off)
{
	uint64_t t;

	if (cpu < b->ncpus) {
		if (b->off[cpu] && off > b->off[cpu])
			td->done += off - b->off[cpu];
		b->off[cpu] = off;
	}
	if (++td->records % 4096)
		return 0;
	t = now_ns();
	if (t - td->beat_ns < BEAT_NS)
		return 0;
	td->beat_ns = t;
	return send_progress(td, td->done);
}

/* on_record - tracecmd_iterate_events_multi() callback: one record */
static int on_record(struct tracecmd_input *h, struct tep_record *rec,
		     int cpu, void *data)
{
	struct buf *b = tracecmd_get_private(h);
	struct tracedat *td = b->td;
	struct evdec *d = NULL;
	struct zev ev;
	int id;

	cpu = rec->cpu;
	if (cpu < 0 || cpu >= WIRE_MAX_CPUS) {
		relay(td, 1, "a record of a CPU out of range: not read");
		td->complete = false;
		return 0;
	}
	if (progress(td, b, cpu, rec->offset) < 0 ||
	    (rec->missed_events &&
	     send_lost(td, b, cpu, rec->ts, rec->missed_events) < 0))
		return -1;
	if (!b->type_fast)
		id = tep_data_type(b->tep, rec);
	else if (rec->size >= b->ftype.off + b->ftype.size)
		id = (int)dec_fast_read(&b->ftype, rec->data);
	else
		id = -1;
	if (id >= 0 && !(d = dectab_get(&b->dec, id)) &&
	    !(d = new_dec(td, b, id)))
		return -1;
	if (!d || (d->kind < 0 && !d->name))
		return send_rec(td, d, rec->ts, cpu, NULL, NULL);
	if (d->kind < 0) {
		dec_event(d, b->tep, rec, cpu, d->name, &ev.ext);
		return send_rec(td, d, rec->ts, cpu, NULL, &ev.ext);
	}
	dec_record(d, b->tep, rec, cpu, &ev);
	if (ev.kind < ZEV_LOST && name_task(td, ev.pid) < 0)
		return -1;
	return send_rec(td, d, rec->ts, cpu, &ev,
			ev.ext.name ? &ev.ext : NULL);
}

/* read_all - every record of every buffer, in time order */
static void read_all(struct tracedat *td)
{
	struct tracecmd_input *handles[MAX_BUFFERS];
	int i;

	for (i = 0; i < td->nbufs; i++)
		handles[i] = td->bufs[i].h;
	if (tracecmd_iterate_events_multi(handles, td->nbufs, on_record,
					  NULL) < 0 && !td->failed)
		td->complete = false;
}

/* send_end - the saved kernel stats (W_STATS, in parts) and W_END */
static int send_end(struct tracedat *td)
{
	const char *s = tracecmd_get_cpustats(td->bufs[0].h);
	size_t n = s ? strlen(s) : 0, k;

	if (n > (1u << 20))
		n = 1u << 20;	/* a few hundred bytes per CPU */
	for (; n; s += k, n -= k) {
		k = n < 8192 ? n : 8192;
		if (!wire_begin(td->o, 2 + (uint32_t)k))
			return -1;
		wire_put_str(td->o, s, (uint32_t)k);
		if (wire_send(td->o, W_STATS, 0) < 0)
			return -1;
	}
	if (send_progress(td, td->done) < 0 || !wire_begin(td->o, 0))
		return -1;
	return wire_send(td->o, W_END, td->complete);
}

/* data_size - bytes of data to read (a compressed file's: estimated) */
static uint64_t data_size(struct tracedat *td)
{
	struct stat sb;

	if (td->data_size)
		return td->data_size;
	return fstat(td->a->fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* td_free - everything tracedat_serve() made, after the last frame was
 * published (the import process may kill this process meanwhile: it has
 * all it needs); lets a test or fuzzer call tracedat_serve() in a loop */
static void td_free(struct tracedat *td)
{
	int i;

	libmsg_set_sink(NULL, NULL);
	for (i = td->nbufs - 1; i >= 0; i--) {
		dectab_free(&td->bufs[i].dec);
		free(td->bufs[i].off);
		tracecmd_close(td->bufs[i].h);	/* instances first */
	}
	free(td->comms.key);
	free(td->comms.val);
	free(td->stacks.key);
	free(td->stacks.val);
	wire_out_free(td->o);
	free(td);
}

/**
 * tracedat_serve() - the reader process's work: open the file, tell the
 * import process what it holds, send every record, then the end
 * @a: the file and the ring
 *
 * Runs in a process of its own, which ends when this returns; what it
 * made is freed once every frame is published. A failure is sent as
 * W_FAIL; a crash or hang is the import process's to notice.
 *
 * Return: its exit code: 0, or 1 after a failure.
 */
int tracedat_serve(const struct tracedat_args *a)
{
	struct tracedat *td = calloc(1, sizeof(*td));
	int ret;

	if (!td)
		return 1;
	td->a = a;
	td->complete = true;
	td->last_pid = INT32_MIN;
	td->o = wire_out_new(a->ring);
	if (!td->o) {
		free(td);
		return 1;
	}
	libmsg_set_sink(relay, td);
	if (send_phase(td, WIRE_OPEN, 0) < 0 || open_top(td) < 0)
		goto out;
	open_instances(td);
	if (setup_bufs(td) < 0 || send_names(td) < 0 || send_ready(td) < 0 ||
	    send_phase(td, WIRE_READ, data_size(td)) < 0)
		goto out;
	read_all(td);
	if (!td->failed)
		send_end(td);
out:
	ring_flush(a->ring);
	ret = td->failed ? 1 : 0;
	td_free(td);
	return ret;
}
