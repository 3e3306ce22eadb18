// SPDX-License-Identifier: GPL-2.0
/*
 * reader.c - the import process's side of the reader process (see
 * reader.h, wire.h).
 *
 * Owns: struct reader: the child's pid and ring, a frame buffer, what
 * the frames defined (buffers, names, decoders by desc id with their
 * per-buffer tables and record counts, task names in a comm table, kernel
 * stacks adopted into kstack.c's table, the saved stats text), the
 * position reached (records, last time stamp) and, when the reader ended
 * badly, the reason. Each frame is checked whole before it is used; a
 * frame that fails a check ends the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "comm.h"
#include "decode.h"
#include "kstack.h"
#include "libmsg.h"
#include "log.h"
#include "progress.h"
#include "reader.h"
#include "run.h"
#include "tracedat.h"
#include "wire.h"

/* ASan (gcc says so with __SANITIZE_ADDRESS__, clang with __has_feature)
 * reserves terabytes of shadow address space: no RLIMIT_DATA under it */
#if defined(__SANITIZE_ADDRESS__)
#define READER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define READER_ASAN 1
#endif
#endif

/*
 * results of a frame handler or of pump() besides 0 (go on): the phase
 * ended (F_END); the run failed: its writer said why (F_FAIL); the reader
 * sent a malformed frame (F_BAD), sent nothing for READER_QUIET_MS
 * (F_HUNG), ended without W_END (F_GONE), or it or this process failed
 * and said why in the one line already printed (F_SAID: W_FAIL, memory)
 */
enum { F_END = 1, F_FAIL = -1, F_BAD = -2, F_HUNG = -3, F_GONE = -4,
       F_SAID = -5 };

/* struct rdesc - a decoder the reader defined, and its buffer */
struct rdesc {
	struct evdec	*d;
	int		buf;
};

struct reader {
	const char		*file;
	pid_t			pid;		/* 0: reaped */
	int			status;		/* its wait status */
	struct ring		*ring;
	bool			own_ring;	/* false: reader_attach() */
	unsigned char		*frame;		/* RING_MAX_FRAME bytes */
	struct progress		*prog;
	struct comm		*comm;
	int			npairs;
	struct reader_info	info;
	char			*strs[2 + 2 * ZAP_NAMES_MAX + 3];
	int			nstrs;
	char			bufnames[1024];
	char			*bufname[WIRE_MAX_BUFS];
	int			nbufs;
	struct dectab		dec[WIRE_MAX_BUFS];
	struct rdesc		*desc;		/* by desc id */
	uint32_t		ndesc, desc_cap;
	const struct zap_stack	**stacks;
	uint32_t		nstacks, stack_cap;
	char			*stats;
	size_t			nstats;
	uint64_t		records, last_ts;
	bool			ready, ended, complete;
	char			problem[512];	/* why it is incomplete */
};

/* oom - out of memory: the one line, and F_SAID */
static int oom(void)
{
	log_warnx("out of memory");
	return F_SAID;
}

/* sig_name - "SIGSEGV" for a signal number */
static const char *sig_name(int sig, char *buf, size_t len)
{
	const char *d = sigabbrev_np(sig);

	if (d)
		snprintf(buf, len, "SIG%s", d);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

/* reap - wait for the child: killed first unless @gently, in which case
 * it gets a second to exit by itself (it has sent W_END, or died) */
static void reap(struct reader *rd, bool gently)
{
	int i;

	if (!rd->pid)
		return;
	for (i = 0; gently && i < 100; i++) {
		if (waitpid(rd->pid, &rd->status, WNOHANG) == rd->pid) {
			rd->pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(rd->pid, SIGKILL);
	while (waitpid(rd->pid, &rd->status, 0) < 0 && errno == EINTR)
		;
	rd->pid = 0;
}

/* how_ended - the child's end, in words, after reap() */
static void how_ended(struct reader *rd, char *buf, size_t len)
{
	char sig[32];

	if (WIFSIGNALED(rd->status))
		snprintf(buf, len, "the reader process was killed by %s",
			 sig_name(WTERMSIG(rd->status), sig, sizeof(sig)));
	else
		snprintf(buf, len, "the reader process exited with status %d",
			 WEXITSTATUS(rd->status));
}

/* child_limits - the reader process: no core files, bounded memory */
static void child_limits(void)
{
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
#ifndef READER_ASAN
	{
		/* a hostile size field must not take the machine's memory */
		struct rlimit data = { 1ull << 30, 1ull << 30 };

		setrlimit(RLIMIT_DATA, &data);
	}
#endif
}

/* child - the reader process: it dies with its parent, prints nothing */
static void child(struct reader *rd, pid_t parent, int fd,
		  const struct pair_spec *pairs, int npairs)
{
	struct tracedat_args a = {
		.file = rd->file, .fd = fd, .ring = rd->ring,
		.pairs = pairs, .npairs = npairs,
	};
	int null;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	ring_child(rd->ring);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);	/* libtracecmd prints too */
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	signal(SIGPIPE, SIG_DFL);
	child_limits();
	_exit(tracedat_serve(&a));
}

/* keep - a string the reader owns until reader_close() */
static const char *keep(struct reader *rd, char *s)
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
	*slot = keep(rd, wire_strdup(c, NULL));
	return c->bad ? F_BAD : 0;
}

/* on_ready - W_READY: the file is open */
static int on_ready(struct reader *rd, uint16_t aux, struct wire_cur *c)
{
	if (rd->ready || !rd->nbufs)
		return F_BAD;
	rd->info.version = (int)wire_u32(c);
	rd->info.clock = keep(rd, wire_strdup(c, NULL));
	rd->info.host = keep(rd, wire_strdup(c, NULL));
	rd->info.release = keep(rd, wire_strdup(c, NULL));
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

/* dispatch - check and act on the frame in rd->frame (@len bytes); @run
 * is NULL until the file is open */
static int dispatch(struct reader *rd, struct run *run, int len)
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

/* pump - act on frames until one ends the phase or something fails */
static int pump(struct reader *rd, struct run *run)
{
	int len, r;

	for (;;) {
		len = ring_next(rd->ring, READER_QUIET_MS, rd->frame);
		if (len == RING_TIMEOUT)
			return F_HUNG;
		if (len == RING_BAD)
			return F_BAD;
		if (len <= 0)
			return F_GONE;
		r = dispatch(rd, run, len);
		if (r)
			return r;
	}
}

/* why_stopped - what ended the reader (@r of pump()), in words; the
 * reader is reaped */
static void why_stopped(struct reader *rd, int r, char *buf, size_t len)
{
	reap(rd, r == F_GONE);
	if (r == F_HUNG)
		snprintf(buf, len, "the reader made no progress in %d s "
			 "(killed)", READER_QUIET_MS / 1000);
	else if (r == F_BAD)
		snprintf(buf, len, "the reader sent garbage (killed)");
	else
		how_ended(rd, buf, len);
}

/* start - fork the reader process; -1 after one line */
static int start(struct reader *rd, int fd, const struct pair_spec *pairs,
		 int npairs)
{
	pid_t parent = getpid();

	fflush(NULL);
	rd->pid = fork();
	if (rd->pid < 0) {
		rd->pid = 0;
		log_warn("cannot start a reader process");
		return -1;
	}
	if (!rd->pid)
		child(rd, parent, fd, pairs, npairs);
	ring_parent(rd->ring);
	return 0;
}

/* reader_new - a reader with no frame source yet; NULL after one line */
static struct reader *reader_new(const char *file, int npairs,
				 bool progress)
{
	struct reader *rd = calloc(1, sizeof(*rd));

	if (!rd || !(rd->frame = malloc(RING_MAX_FRAME)) ||
	    !(rd->comm = comm_new_table())) {
		log_warnx("out of memory");
		reader_close(rd);
		return NULL;
	}
	rd->file = file;
	rd->npairs = npairs;
	rd->prog = progress_new(file, progress);
	return rd;
}

/**
 * reader_start() - start reading @file in a process of its own
 * @file: its name (kept by pointer)
 * @fd: the file, open and checked to be a regular file with the
 *	trace.dat magic (the reader process reads it through this)
 * @pairs: --pair specs
 * @npairs: how many
 * @progress: a progress line on stderr if it is a terminal
 *
 * The reader opens the file while the caller goes on; reader_ready()
 * waits for it.
 *
 * Return: the reader, or NULL after one line.
 */
struct reader *reader_start(const char *file, int fd,
			    const struct pair_spec *pairs, int npairs,
			    bool progress)
{
	struct reader *rd = reader_new(file, npairs, progress);

	if (!rd)
		return NULL;
	rd->ring = ring_new();
	rd->own_ring = true;
	if (!rd->ring) {
		log_warnx("out of memory");
		goto fail;
	}
	if (start(rd, fd, pairs, npairs) < 0)
		goto fail;
	return rd;
fail:
	reader_close(rd);
	return NULL;
}

/**
 * reader_attach() - a reader of the frames someone else writes to @ring,
 * with no reader process: the entry of the tests and fuzzers
 * (tests/fuzz/) into the frame checks and their dispatch, which then run
 * exactly as for reader_start()
 * @file: a name for messages (kept by pointer)
 * @ring: the ring, made by the caller, who writes the frames (from
 *	another thread) and ends them with ring_parent() (end of data);
 *	reader_close() does not free it
 * @npairs: how many --pair specs the run has
 *
 * Return: the reader, or NULL after one line.
 */
struct reader *reader_attach(const char *file, struct ring *ring,
			     int npairs)
{
	struct reader *rd = reader_new(file, npairs, false);

	if (rd)
		rd->ring = ring;
	return rd;
}

/**
 * reader_ready() - wait until the reader has opened the file (W_READY)
 * @rd: reader
 *
 * Return: 0, or -1 after one line (nothing readable, the reader failed);
 * the caller then closes it.
 */
int reader_ready(struct reader *rd)
{
	char why[256];
	int r = pump(rd, NULL);

	if (r == F_END)
		return 0;
	progress_end(rd->prog);
	if (r != F_SAID) {
		why_stopped(rd, r, why, sizeof(why));
		log_warnx("'%s' is a truncated or corrupt trace.dat: nothing "
			  "readable (%s)", rd->file, why);
	}
	return -1;
}

/**
 * reader_info() - what the file says of itself
 * @rd: reader
 *
 * Return: the info, after reader_ready() (strings valid until
 * reader_close()).
 */
const struct reader_info *reader_info(struct reader *rd)
{
	return &rd->info;
}

/**
 * reader_comm() - the task names the reader sends (a comm table filled
 * as records arrive; valid until reader_close())
 * @rd: reader
 *
 * Return: the cache.
 */
struct comm *reader_comm(struct reader *rd)
{
	return rd->comm;
}

/**
 * reader_read() - feed every record the reader sends to @run, in time
 * order, up to its end, its failure, its crash or its hang
 * @rd: reader, after reader_ready()
 * @run: the run (its pair ids are the specs' indexes)
 *
 * A reader that crashes, hangs or sends garbage leaves the run with what
 * came before (reader_problem() says where and why): not a failure.
 *
 * Return: 0, or -1 if the run failed (the writer, memory, or a failure
 * the reader reported), after one line.
 */
int reader_read(struct reader *rd, struct run *run)
{
	char why[256], at[96];
	int r = pump(rd, run);

	progress_end(rd->prog);
	if (r == F_END) {
		reap(rd, true);
		return 0;
	}
	if (r == F_SAID || r == F_FAIL) {
		reap(rd, false);
		return -1;
	}
	why_stopped(rd, r, why, sizeof(why));
	if (rd->records)
		snprintf(at, sizeof(at), "at or after %llu.%09llu s (record "
			 "%llu)", (unsigned long long)(rd->last_ts / 1000000000),
			 (unsigned long long)(rd->last_ts % 1000000000),
			 (unsigned long long)rd->records + 1);
	else
		snprintf(at, sizeof(at), "before its first record");
	snprintf(rd->problem, sizeof(rd->problem), "%s: %s", at, why);
	return 0;
}

/* stats_buffer - the name of the buffer of a "Buffer: NAME" line */
static const char *stats_buffer(struct reader *rd, const char *name,
				size_t len)
{
	int i;

	for (i = 0; i < rd->nbufs; i++)
		if (strlen(rd->bufname[i]) == len &&
		    !strncmp(rd->bufname[i], name, len))
			return rd->bufname[i];
	return keep(rd, strndup(name, len));
}

/* store_cpustats - per-CPU overrun/dropped from the saved kernel stats */
static int store_cpustats(struct reader *rd, struct run *run)
{
	const char *line, *nl, *buffer = "";
	long long v, lost = 0;
	int cpu = -1;

	for (line = rd->stats; line && *line; line = *nl ? nl + 1 : nl) {
		nl = line + strcspn(line, "\n");
		if (!strncmp(line, "Buffer: ", 8)) {
			cpu = -1;
			buffer = stats_buffer(rd, line + 8, nl - line - 8);
		} else if (sscanf(line, "CPU: %d", &cpu) == 1) {
			lost = 0;
		} else if (cpu >= 0 && cpu < WIRE_MAX_CPUS &&
			   (sscanf(line, "overrun: %lld", &v) == 1 ||
			    sscanf(line, "dropped events: %lld", &v) == 1)) {
			lost += v;
			if (!strncmp(line, "dropped", 7) && lost > 0 &&
			    run_lost_stats(run, buffer, cpu, -1, lost) < 0)
				return -1;
		}
	}
	return 0;
}

/**
 * reader_store() - what the file says after its records: the kernel's
 * saved loss counts and the record counts of every buffer
 * @rd: reader, after reader_read()
 * @run: the run
 *
 * Return: 0, or -1 if the writer failed.
 */
int reader_store(struct reader *rd, struct run *run)
{
	int i;

	if (store_cpustats(rd, run) < 0)
		return -1;
	for (i = 0; i < rd->nbufs; i++)
		if (run_store_counts(run, &rd->dec[i], rd->bufname[i]) < 0)
			return -1;
	return 0;
}

/**
 * reader_complete() - was everything read (the reader reached the end
 * with nothing skipped or cut, and no library message)?
 * @rd: reader
 *
 * Return: true if so.
 */
bool reader_complete(struct reader *rd)
{
	return rd->ended && rd->complete && !rd->problem[0] &&
	       !libmsg_errors();
}

/**
 * reader_problem() - where and why the reader stopped early ("" if it
 * did not): "at or after T s (record N): the reader process was killed
 * by SIGSEGV"
 * @rd: reader
 *
 * Return: the text.
 */
const char *reader_problem(struct reader *rd)
{
	return rd->problem;
}

/**
 * reader_systems() - comma list of the event systems that had records
 * (after reader_read()), for messages
 * @rd: reader
 * @out: the list, "none" if empty
 * @len: its size
 */
void reader_systems(struct reader *rd, char *out, size_t len)
{
	size_t n = 0;
	uint32_t i;

	out[0] = '\0';
	for (i = 0; i < rd->ndesc; i++) {
		const char *sys = rd->desc[i].d->sys;

		if (!sys || strstr(out, sys))	/* seen (or a part of one) */
			continue;
		n += snprintf(out + n, len > n ? len - n : 0, "%s%s",
			      n ? ", " : "", sys);
	}
	if (!n)
		snprintf(out, len, "none");
}

/**
 * reader_close() - end the reader process if it runs, free what it sent
 * (after the writer stopped: rows point at its strings)
 * @rd: reader (NULL is fine)
 */
void reader_close(struct reader *rd)
{
	int i;

	if (!rd)
		return;
	reap(rd, false);
	progress_free(rd->prog);
	if (rd->own_ring)
		ring_free(rd->ring);
	for (i = 0; i < rd->nbufs; i++) {
		dectab_free(&rd->dec[i]);
		free(rd->bufname[i]);
	}
	for (i = 0; i < rd->nstrs; i++)
		free(rd->strs[i]);
	comm_free(rd->comm);
	free(rd->desc);
	free(rd->stacks);
	free(rd->stats);
	free(rd->frame);
	free(rd);
}
