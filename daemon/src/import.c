// SPDX-License-Identifier: GPL-2.0
/*
 * import.c - the trace.dat source: libtracecmd records -> struct zev.
 *
 * Owns: opening the file (top buffer and every instance buffer), the
 * per-event-id decoder cache (decoders from decode.c, shared with the
 * live source), lost-event markers, the content hash, and the adapter
 * that forwards engine output to the store (adding comm names).
 *
 * Invariants:
 *  - decoding is binary only (decode.c): a struct tep_event and its
 *    struct tep_format_field pointers are resolved once per (buffer, event
 *    id); per record only tep_read_number_field() is called. No event is
 *    ever formatted to text.
 *  - a record's missed_events (set on the first record of a sub-buffer
 *    after a gap, -1 = count unknown) is fed to the engine as a ZEV_LOST
 *    on that CPU before the record itself.
 *  - path/stage names come from the events' __print_symbolic() tables,
 *    falling back to the numbers documented in docs/events.md.
 *  - on any error the run is aborted (store_run_abort): no partial run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <trace-cmd.h>
#include <event-parse.h>

#include "decode.h"
#include "engine.h"
#include "import.h"
#include "log.h"
#include "sink.h"
#include "store.h"

/* exported by libtracecmd but only declared in its private header */
const char *tracecmd_get_uname(struct tracecmd_input *handle);
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);

#define MAX_BUFFERS	64

/* struct bdec - decoder and per-CPU record counts of one event id */
struct bdec {
	struct evdec		d;
	uint64_t		*count;		/* per CPU */
	int			ncount;
	char			*name;		/* "sys:event" if stored as an
						 * extra event, else NULL */
};

/* struct buf - one buffer (top or instance) of the file */
struct buf {
	struct tracecmd_input	*h;
	struct tep_handle	*tep;
	const char		*name;		/* "" for the top buffer */
	int			ncpus;
	struct bdec		**dec;		/* by event id */
	int			ndec;
	struct imp		*imp;
};

/* struct imp - one import */
struct imp {
	const struct import_opts *o;
	struct store		*st;
	struct sink		*sk;		/* st's writer thread */
	struct engine		*eng;
	struct buf		bufs[MAX_BUFFERS];
	int			nbufs;
	struct tep_handle	*tep;		/* for comm lookups */
	int			pair_ids[IMPORT_MAX_PAIRS];
	uint64_t		events, zap_events, extra_events;
	uint64_t		first_ts, last_ts;
	int			failed;
	const char		*cur_buf;	/* buffer of the current record */
	int			comm_pid;	/* last comm() lookup */
	const char		*comm_last;
	struct zap_names	names;
};

/* libtraceevent/libtracecmd diagnostics, captured (see tep_vprint) */
static int lib_errors;
static char lib_last[256];

/*
 * tep_vprint - override of libtraceevent's weak hook: keep library
 * messages off stderr (one-line diagnostics are ours), remember the last
 * error so a truncated file can be reported, show them with -vv.
 */
int tep_vprint(const char *name, enum tep_loglevel level, bool print_err,
	       const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	if (level <= TEP_LOG_WARNING) {
		lib_errors++;
		snprintf(lib_last, sizeof(lib_last), "%s", buf);
	}
	log_debug("%s: %s", name ? name : "lib", buf);
	return 0;
}

/**
 * pair_spec_parse() - parse "sys:start,sys:end[,field]"
 * @ps: filled in (free with pair_spec_free)
 * @arg: the text
 *
 * Return: 0, or -1 with a message logged.
 */
int pair_spec_parse(struct pair_spec *ps, const char *arg)
{
	char *s = strdup(arg), *a, *b, *c;

	memset(ps, 0, sizeof(*ps));
	if (!s)
		return -1;
	a = strtok(s, ",");
	b = strtok(NULL, ",");
	c = strtok(NULL, ",");
	if (!a || !b || !strchr(a, ':') || !strchr(b, ':') ||
	    strtok(NULL, ",")) {
		log_warnx("bad --pair '%s': want SYS:START,SYS:END[,FIELD]",
			  arg);
		free(s);
		return -1;
	}
	*strchr(a, ':') = '\0';
	*strchr(b, ':') = '\0';
	ps->start_sys = strdup(a);
	ps->start_ev = strdup(a + strlen(a) + 1);
	ps->end_sys = strdup(b);
	ps->end_ev = strdup(b + strlen(b) + 1);
	ps->key_field = c ? strdup(c) : NULL;
	free(s);
	return 0;
}

/**
 * pair_spec_free() - free what pair_spec_parse() allocated
 * @ps: the spec
 */
void pair_spec_free(struct pair_spec *ps)
{
	free(ps->start_sys);
	free(ps->start_ev);
	free(ps->end_sys);
	free(ps->end_ev);
	free(ps->key_field);
	memset(ps, 0, sizeof(*ps));
}

/* file_hash - 128-bit content hash of @fd (two 64-bit multiply-xor lanes) */
static int file_hash(int fd, off_t size, char *out, size_t outlen)
{
	const unsigned char *p;
	uint64_t a = 0x243f6a8885a308d3ull ^ (uint64_t)size;
	uint64_t b = 0x13198a2e03707344ull;
	uint64_t w;
	off_t i;

	if (size == 0) {
		snprintf(out, outlen, "%016llx%016llx", (unsigned long long)a,
			 (unsigned long long)b);
		return 0;
	}
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise((void *)p, size, MADV_SEQUENTIAL);
	for (i = 0; i + 8 <= size; i += 8) {
		memcpy(&w, p + i, 8);
		a = (a ^ w) * 0x9e3779b97f4a7c15ull;
		a ^= a >> 32;
		b = (b + w) * 0xff51afd7ed558ccdull;
		b ^= b >> 29;
	}
	for (w = 0; i < size; i++)
		w = (w << 8) | p[i];
	a = (a ^ w) * 0x9e3779b97f4a7c15ull;
	b = (b + w) * 0xc4ceb9fe1a85ec53ull;
	a ^= b >> 17;
	b ^= a >> 23;
	munmap((void *)p, size);
	snprintf(out, outlen, "%016llx%016llx", (unsigned long long)a,
		 (unsigned long long)b);
	return 0;
}

/* find_zap - the zap event @name in any buffer, or NULL */
static struct tep_event *find_zap(struct imp *im, const char *name)
{
	struct tep_event *ev;
	int i;

	for (i = 0; i < im->nbufs; i++) {
		ev = tep_find_event_by_name(im->bufs[i].tep, "zap", name);
		if (ev)
			return ev;
	}
	return NULL;
}

/* zap_missing - dec_setup_zap() callback: a field the format lacks */
static void zap_missing(void *arg, const struct dec_zap *z,
			const char *field)
{
	log_warnx("zap:%s has no field '%s': read as 0", z->name, field);
}

/* make_dec - decoder for event id @id of buffer @b */
static struct bdec *make_dec(struct buf *b, int id)
{
	struct imp *im = b->imp;
	const struct dec_zap *z;
	struct tep_event *ev;
	struct bdec *bd;
	int i;

	if (id >= b->ndec) {
		int n = id + 256;
		struct bdec **nd = realloc(b->dec, n * sizeof(*nd));

		if (!nd)
			return NULL;
		memset(nd + b->ndec, 0, (n - b->ndec) * sizeof(*nd));
		b->dec = nd;
		b->ndec = n;
	}
	bd = calloc(1, sizeof(*bd));
	if (!bd)
		return NULL;
	bd->ncount = b->ncpus > 0 ? b->ncpus : 8;
	bd->count = calloc(bd->ncount, sizeof(*bd->count));
	if (!bd->count) {
		free(bd);
		return NULL;
	}
	b->dec[id] = bd;
	ev = tep_find_event(b->tep, id);
	dec_init(&bd->d, ev);
	if (!ev)
		return bd;
	if (!strcmp(ev->system, "zap")) {
		z = dec_find_zap(ev->name);
		if (z) {
			dec_setup_zap(&bd->d, z, zap_missing, NULL);
			return bd;
		}
	}
	for (i = 0; i < im->o->npairs; i++) {
		const struct pair_spec *ps = &im->o->pairs[i];
		bool start = !strcmp(ev->system, ps->start_sys) &&
			     !strcmp(ev->name, ps->start_ev);
		bool end = !strcmp(ev->system, ps->end_sys) &&
			   !strcmp(ev->name, ps->end_ev);

		if (!start && !end)
			continue;
		if (dec_setup_pair(&bd->d, !start, i, im->pair_ids[i],
				   ps->key_field) < 0) {
			log_warnx("%s:%s has no field '%s'", ev->system,
				  ev->name, ps->key_field);
			return NULL;
		}
		return bd;
	}
	/* neither zap nor paired: an extra event, stored for correlation */
	dec_setup_args(&bd->d);
	if (asprintf(&bd->name, "%s:%s", ev->system, ev->name) < 0) {
		bd->name = NULL;
		return NULL;
	}
	return bd;
}

/* count_grow - make d->count hold @cpu */
static int count_grow(struct bdec *d, int cpu)
{
	int n = cpu + 8;
	uint64_t *c = realloc(d->count, n * sizeof(*c));

	if (!c)
		return -1;
	memset(c + d->ncount, 0, (n - d->ncount) * sizeof(*c));
	d->count = c;
	d->ncount = n;
	return 0;
}

/* on_record - tracecmd_iterate_events_multi() callback */
static int on_record(struct tracecmd_input *h, struct tep_record *rec,
		     int cpu, void *data)
{
	struct buf *b = tracecmd_get_private(h);
	struct imp *im = b->imp;
	struct bdec *d;
	struct zev ev;
	int id;

	/* the multi iterator's @cpu is an index over all handles */
	cpu = rec->cpu;
	im->cur_buf = b->name;
	if (!im->events)
		im->first_ts = rec->ts;
	im->events++;
	im->last_ts = rec->ts;
	if (rec->missed_events) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = ZEV_LOST;
		ev.cpu = cpu;
		ev.ts_ns = rec->ts;
		ev.count = rec->missed_events > 0 ? rec->missed_events : -1;
		if (engine_feed(im->eng, &ev) < 0)
			goto fail;
	}
	id = tep_data_type(b->tep, rec);
	if (id < 0)
		return 0;
	d = id < b->ndec ? b->dec[id] : NULL;
	if (!d) {
		d = make_dec(b, id);
		if (!d)
			goto fail;
	}
	if (cpu >= d->ncount && count_grow(d, cpu) < 0)
		goto fail;
	d->count[cpu]++;
	if (d->d.kind < 0) {
		struct ext_event e;

		if (!d->name)
			return 0;
		dec_event(&d->d, b->tep, rec, cpu, d->name, &e);
		im->extra_events++;
		if (im->sk && sink_event(im->sk, &e) < 0)
			goto fail;
		return 0;
	}

	dec_record(&d->d, b->tep, rec, cpu, &ev);
	if (ev.kind < ZEV_PAIR_START)
		im->zap_events++;
	if (engine_feed(im->eng, &ev) < 0)
		goto fail;
	return 0;
fail:
	im->failed = 1;
	return -1;
}

/* comm - task name of @pid from the saved cmdlines, NULL if unknown (the
 * string is libtraceevent's: valid until the file is closed) */
static const char *comm(struct imp *im, int pid)
{
	const char *c;

	if (!im->tep)
		return NULL;
	if (pid == im->comm_pid && im->comm_last)
		return im->comm_last;
	c = tep_data_comm_from_pid(im->tep, pid);
	if (!c || !strcmp(c, "<...>"))
		c = NULL;
	im->comm_pid = pid;
	im->comm_last = c;
	return c;
}

/* engine -> writer thread (-> store) adapters */
static int out_interval(void *arg, const struct zap_interval *iv)
{
	struct imp *im = arg;

	return im->sk ? sink_interval(im->sk, iv, comm(im, iv->pid)) : 0;
}

static int out_range(void *arg, const struct zap_range *r)
{
	struct imp *im = arg;

	return im->sk ? sink_range(im->sk, r, comm(im, r->pid)) : 0;
}

static int out_lost(void *arg, int cpu, uint64_t ts, int64_t count)
{
	struct imp *im = arg;

	return im->sk ? sink_lost(im->sk, im->cur_buf, cpu, (int64_t)ts, count,
				  "marker") : 0;
}

static int out_orphan(void *arg, const struct zap_orphan *o)
{
	struct imp *im = arg;

	return im->sk ? sink_orphan(im->sk, o, comm(im, o->pid)) : 0;
}

static const struct engine_ops import_ops = {
	.interval = out_interval,
	.range = out_range,
	.lost = out_lost,
	.orphan = out_orphan,
};

/* store_cpustats - per-CPU overrun/dropped from the saved kernel stats */
static int store_cpustats(struct imp *im)
{
	const char *s = tracecmd_get_cpustats(im->bufs[0].h);
	char buffer[128] = "";
	int cpu = -1;
	long long v, lost = 0;
	const char *line, *nl;

	if (!s)
		return 0;
	for (line = s; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		if (sscanf(line, "Buffer: %127[^\n]", buffer) == 1) {
			cpu = -1;
		} else if (sscanf(line, "CPU: %d", &cpu) == 1) {
			lost = 0;
		} else if (cpu >= 0 &&
			   (sscanf(line, "overrun: %lld", &v) == 1 ||
			    sscanf(line, "dropped events: %lld", &v) == 1)) {
			lost += v;
			if (!strncmp(line, "dropped", 7) && lost > 0 &&
			    store_lost(im->st, buffer, cpu, -1, lost,
				       "stats") < 0)
				return -1;
		}
		if (!*nl)
			break;
	}
	return 0;
}

/* store_fields - the names of an extra event's a0..a5 columns */
static int store_fields(struct store *st, const struct bdec *d)
{
	const char *names[DEC_MAX_ARGS];
	int i;

	for (i = 0; i < d->d.nargs; i++)
		names[i] = d->d.arg[i]->name;
	return store_event_fields(st, d->name, d->d.nargs, names);
}

/* store_counts - per-event per-CPU record counts, extra events' field
 * names and engine counters */
static int store_counts(struct imp *im)
{
	const struct engine_stats *es = engine_stats(im->eng);
	int i, j, c, n;

	for (i = 0; i < im->nbufs; i++) {
		struct buf *b = &im->bufs[i];

		for (j = 0; j < b->ndec; j++) {
			struct bdec *d = b->dec[j];

			if (!d)
				continue;
			for (n = 0, c = 0; c < d->ncount; c++) {
				if (!d->count[c])
					continue;
				n++;
				if (store_event_count(im->st, b->name,
					d->d.ev ? d->d.ev->system : "?",
					d->d.ev ? d->d.ev->name : "?", c,
					(int64_t)d->count[c]) < 0)
					return -1;
			}
			if (n && d->name && store_fields(im->st, d) < 0)
				return -1;
		}
	}
	if (store_engine_stats(im->st, es) < 0)
		return -1;
#define STAT(n, v)	if (store_stat(im->st, n, (int64_t)(v)) < 0) return -1
	STAT("lost_markers", es->lost_markers);
	STAT("library_errors", lib_errors);
	STAT("extra_events", im->extra_events);
#undef STAT
	return 0;
}

/* systems_seen - comma list of event systems with records (for errors) */
static void systems_seen(struct imp *im, char *out, size_t len)
{
	size_t n = 0;
	int i, j, k;

	out[0] = '\0';
	for (i = 0; i < im->nbufs; i++) {
		struct buf *b = &im->bufs[i];

		for (j = 0; j < b->ndec; j++) {
			const char *sys;
			bool dup = false;

			if (!b->dec[j] || !b->dec[j]->d.ev)
				continue;
			sys = b->dec[j]->d.ev->system;
			for (k = 0; k < j && !dup; k++)
				dup = b->dec[k] && b->dec[k]->d.ev &&
				      !strcmp(b->dec[k]->d.ev->system, sys);
			if (dup || strstr(out, sys))
				continue;
			n += snprintf(out + n, len > n ? len - n : 0, "%s%s",
				      n ? ", " : "", sys);
		}
	}
	if (!n)
		snprintf(out, len, "none");
}

static void imp_free(struct imp *im)
{
	int i, j;

	for (i = 0; i < im->nbufs; i++) {
		struct buf *b = &im->bufs[i];

		for (j = 0; j < b->ndec; j++) {
			if (b->dec[j]) {
				free(b->dec[j]->count);
				free(b->dec[j]->name);
			}
			free(b->dec[j]);
		}
		free(b->dec);
		if (i > 0 && b->h)
			tracecmd_close(b->h);
	}
	if (im->nbufs && im->bufs[0].h)
		tracecmd_close(im->bufs[0].h);
	engine_free(im->eng);
}

/* is_tracedat - does the file start with the trace.dat magic? */
static int is_tracedat(int fd)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r',
					       'a', 'c', 'i', 'n', 'g' };
	unsigned char buf[sizeof(magic)];

	if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return 0;
	return !memcmp(buf, magic, sizeof(magic));
}

 /*
 * probe_buffers - which instance buffers open without crashing?
 *
 * libtracecmd 1.3.1 crashes (tracecmd_close() on a half-built handle in
 * tracecmd_buffer_instance_handle()'s error path) when a version 6 file
 * is truncated inside an instance's data. Open them once in a child: it
 * writes '1'/'0' per buffer; a crash leaves the rest unwritten = bad.
 */
static void probe_buffers(const char *file, int n, char *okv)
{
	int p[2], i, st;
	pid_t pid;
	ssize_t got = 0, r;

	memset(okv, '0', n);
	if (pipe(p) < 0)
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		struct tracecmd_input *h, *b;

		close(p[0]);
		h = tracecmd_open(file, TRACECMD_FL_LOAD_NO_PLUGINS);
		for (i = 0; h && i < n; i++) {
			b = tracecmd_buffer_instance_handle(h, i);
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

/* file_version - the trace.dat version digit ('6', '7') */
static char file_version(int fd)
{
	char c = 0;

	if (pread(fd, &c, 1, 10) != 1)
		return 0;
	return c;
}

/* split_uname - "Linux host release arch ..." -> host, release */
static void split_uname(const char *u, char *host, char *rel, size_t len)
{
	char sys[64];

	host[0] = rel[0] = '\0';
	if (u)
		sscanf(u, "%63s %63s %63s", sys, host, rel);
	(void)len;
}

/**
 * zapd_import() - import one trace.dat into the database
 * @o: options
 *
 * Return: IMPORT_OK, IMPORT_ERR (one line logged, nothing written) or
 * IMPORT_INCOMPLETE (the readable part is in, the run has complete = 0).
 */
int zapd_import(const struct import_opts *o)
{
	struct imp im = { .o = o };
	struct tracecmd_input *handles[MAX_BUFFERS];
	struct run_info ri = { .source = "file", .bulk = true };
	struct run_end re = { 0 };
	char hash[40], host[64], rel[64], bufnames[512] = "", *state = NULL;
	char extra[64] = "";
	char okv[MAX_BUFFERS];
	const struct engine_stats *es;
	struct stat sb;
	int fd = -1, i, n, ret = IMPORT_ERR, complete = 1;
	int64_t run_id = 0;

	lib_errors = 0;
	fd = open(o->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		log_warn("cannot open '%s'", o->file);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_warnx("'%s' is not a regular file", o->file);
		goto out;
	}
	if (!is_tracedat(fd)) {
		log_warnx("'%s' is not a trace.dat file (no trace-cmd "
			  "magic)", o->file);
		goto out;
	}
	if (file_hash(fd, sb.st_size, hash, sizeof(hash)) < 0) {
		log_warn("cannot read '%s'", o->file);
		goto out;
	}

	im.bufs[0].h = tracecmd_open(o->file, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!im.bufs[0].h) {
		log_warnx("'%s' is a truncated or corrupt trace.dat: "
			  "nothing readable%s%s", o->file,
			  lib_last[0] ? ": " : "", lib_last);
		goto out;
	}
	im.nbufs = 1;
	im.bufs[0].name = "";
	n = tracecmd_buffer_instances(im.bufs[0].h);
	if (n > MAX_BUFFERS - 1)
		n = MAX_BUFFERS - 1;
	memset(okv, '1', sizeof(okv));
	if (n > 0 && file_version(fd) == '6')
		probe_buffers(o->file, n, okv);
	for (i = 0; i < n; i++) {
		struct tracecmd_input *bh = NULL;

		if (okv[i] == '1')
			bh = tracecmd_buffer_instance_handle(im.bufs[0].h, i);
		if (!bh) {
			log_info("'%s': buffer '%s' is unreadable "
				 "(truncated?): skipped", o->file,
				 tracecmd_buffer_instance_name(im.bufs[0].h,
							       i));
			snprintf(lib_last, sizeof(lib_last), "buffer '%s' "
				 "unreadable", tracecmd_buffer_instance_name(
				 im.bufs[0].h, i));
			complete = 0;
			continue;
		}
		im.bufs[im.nbufs].h = bh;
		im.bufs[im.nbufs].name =
			tracecmd_buffer_instance_name(im.bufs[0].h, i);
		im.nbufs++;
	}
	for (i = 0; i < im.nbufs; i++) {
		struct buf *b = &im.bufs[i];
		size_t l = strlen(bufnames);

		b->tep = tracecmd_get_tep(b->h);
		b->ncpus = tracecmd_cpus(b->h);
		if (b->ncpus < 0)
			b->ncpus = 0;
		b->imp = &im;
		tracecmd_set_private(b->h, b);
		handles[i] = b->h;
		snprintf(bufnames + l, sizeof(bufnames) - l, "%s%s",
			 i ? "," : "", b->name);
	}
	im.tep = im.bufs[0].tep;

	for (i = 0; i < dec_nzaps && !find_zap(&im, dec_zaps[i].name); i++)
		;
	if (i == dec_nzaps && !o->npairs) {
		char sys[256];

		/* nothing to pair: say what the file has, touch no DB */
		im.eng = engine_new(&(struct engine_ops){ 0 }, &im);
		if (im.eng)
			tracecmd_iterate_events_multi(handles, im.nbufs,
						      on_record, NULL);
		systems_seen(&im, sys, sizeof(sys));
		log_warnx("'%s' has no zap events (records from: %s); "
			  "record with: trace-cmd record -e zap ...",
			  o->file, sys);
		goto out;
	}
	dec_load_names(find_zap(&im, "zap_present_ptes_done"),
		       find_zap(&im, "zap_present_folio_stage"), &im.names);

	im.eng = engine_new(&import_ops, &im);
	if (!im.eng) {
		log_warnx("out of memory");
		goto out;
	}
	for (i = 0; i < o->npairs; i++) {
		im.pair_ids[i] = engine_add_pair(im.eng, o->pairs[i].start_ev);
		if (im.pair_ids[i] < 0) {
			log_warnx("too many pairs");
			goto out;
		}
	}

	if (!o->decode_only) {
		im.st = store_open(o->db, STORE_RW);
		if (!im.st)
			goto out;
		store_set_names(im.st, &im.names);
		switch (store_find_run(im.st, hash, &run_id, &state)) {
		case 1:
			if (!strcmp(state, "done")) {
				printf("'%s' is already imported as run %lld "
				       "in '%s' (same content): nothing to "
				       "do\n", o->file, (long long)run_id,
				       o->db);
				ret = IMPORT_OK;
			} else {
				log_warnx("'%s' is being imported into '%s' "
					  "by another zapd", o->file, o->db);
			}
			goto out;
		case 0:
			break;
		default:
			goto out;
		}
		split_uname(tracecmd_get_uname(im.bufs[0].h), host, rel,
			    sizeof(host));
		ri.path = o->file;
		ri.hash = hash;
		ri.size = sb.st_size;
		ri.label = o->label;
		ri.kernel = rel[0] ? rel : NULL;
		ri.host = host[0] ? host : NULL;
		ri.clock = tracecmd_get_trace_clock(im.bufs[0].h);
		ri.buffers = bufnames;
		if (store_run_begin(im.st, &ri, &run_id) < 0)
			goto out;
		im.sk = sink_start(im.st);
		if (!im.sk)
			goto out;
	}

	if (tracecmd_iterate_events_multi(handles, im.nbufs, on_record,
					  NULL) < 0 && !im.failed)
		complete = 0;
	if (im.failed || engine_finish(im.eng, im.last_ts) < 0) {
		sink_stop(im.sk);
		im.sk = NULL;
		log_warnx("import of '%s' failed: nothing written", o->file);
		goto out;
	}
	if (sink_stop(im.sk) < 0) {
		im.sk = NULL;
		log_warnx("import of '%s' failed: nothing written", o->file);
		goto out;
	}
	im.sk = NULL;
	if (lib_errors)
		complete = 0;
	es = engine_stats(im.eng);
	if (im.st) {
		if (store_cpustats(&im) < 0 || store_counts(&im) < 0)
			goto out;
		re.complete = complete;
		re.first_ts = im.first_ts;
		re.last_ts = im.last_ts;
		re.events = im.events;
		re.zap_events = im.zap_events;
		if (store_run_end(im.st, &re) < 0)
			goto out;
	}
	if (!complete)
		log_warnx("'%s' is truncated or corrupt: imported the "
			  "readable part (%llu events), run %lld marked "
			  "incomplete%s%s", o->file,
			  (unsigned long long)im.events, (long long)run_id,
			  lib_last[0] ? ": " : "", lib_last);
	if (!im.zap_events && !o->npairs)
		log_warnx("'%s' has zap event formats but no zap records",
			  o->file);
	if (im.extra_events)
		snprintf(extra, sizeof(extra), ", %llu extra events",
			 (unsigned long long)im.extra_events);
	printf("%s '%s'%s%.0lld: %llu events, %llu zap, %llu intervals "
	       "(%llu unfinished, %llu tainted), %llu lock ranges, "
	       "%llu orphans, %llu loss markers%s\n",
	       o->decode_only ? "decoded" : "imported", o->file,
	       o->decode_only ? "" : " as run ", (long long)run_id,
	       (unsigned long long)im.events,
	       (unsigned long long)im.zap_events,
	       (unsigned long long)es->intervals,
	       (unsigned long long)es->unfinished,
	       (unsigned long long)es->tainted,
	       (unsigned long long)es->ranges,
	       (unsigned long long)es->orphans,
	       (unsigned long long)es->lost_markers, extra);
	ret = complete ? IMPORT_OK : IMPORT_INCOMPLETE;
out:
	sink_stop(im.sk);
	if (im.st) {
		store_run_abort(im.st);	/* no-op after store_run_end */
		store_close(im.st);
	}
	free(state);
	imp_free(&im);
	if (fd >= 0)
		close(fd);
	return ret;
}
