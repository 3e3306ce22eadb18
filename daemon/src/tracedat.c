// SPDX-License-Identifier: GPL-2.0
/*
 * tracedat.c - a trace.dat through libtracecmd (see tracedat.h).
 *
 * Owns: struct tracedat: the file's handles (top buffer first), one
 * decoder table per buffer, and what went wrong while reading.
 *
 * Invariants:
 *  - decoding is binary only (decode.c): a struct tep_event and its
 *    struct tep_format_field pointers are resolved once per (buffer, event
 *    id), classified by dec_classify() like zapd live does; per record
 *    only tep_read_number_field() runs. No event is formatted to text.
 *  - records of all buffers are merged in time order by
 *    tracecmd_iterate_events_multi(); the record's CPU is rec->cpu (the
 *    iterator's cpu argument is an index over all handles). CPUs are
 *    global across buffers: a loss in one buffer's CPU c taints items
 *    last seen on CPU c (conservative).
 *  - a record's missed_events (set on the first record of a sub-buffer
 *    after a gap, -1 = count unknown) is fed as a loss on its CPU before
 *    the record itself.
 *  - libtracecmd 3.1.6 crashes (tracecmd_close() on a half-built handle
 *    in tracecmd_buffer_instance_handle()'s error path) when a version 6
 *    file is truncated inside an instance's data: instance buffers of v6
 *    files are opened once in a forked child first, and those that fail
 *    or crash are skipped (the run is then incomplete).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event-parse.h>
#include <trace-cmd.h>

#include "comm.h"
#include "decode.h"
#include "libmsg.h"
#include "log.h"
#include "run.h"
#include "tracedat.h"

/* exported by libtracecmd but only declared in its private header */
const char *tracecmd_get_uname(struct tracecmd_input *handle);
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);

#define MAX_BUFFERS	64

/* struct buf - one buffer (top or instance) of the file */
struct buf {
	struct tracecmd_input	*h;
	struct tep_handle	*tep;
	const char		*name;		/* "" for the top buffer */
	int			ncpus;
	struct dectab		dec;
	struct tracedat		*td;
};

struct tracedat {
	const char		*file;
	struct buf		bufs[MAX_BUFFERS];
	int			nbufs;
	char			bufnames[512];
	struct run		*run;		/* while reading */
	const struct pair_spec	*pairs;
	int			npairs;
	char			*stat_names[MAX_BUFFERS];	/* saved
						 * stats of buffers not read */
	int			nstat_names;
	bool			complete;	/* nothing skipped or cut */
	bool			failed;		/* the run failed: stop */
};

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

/* open_instances - the instance buffers of the top buffer's file */
static void open_instances(struct tracedat *td, int fd)
{
	struct tracecmd_input *top = td->bufs[0].h;
	char okv[MAX_BUFFERS];
	int i, n = tracecmd_buffer_instances(top);

	if (n > MAX_BUFFERS - 1)
		n = MAX_BUFFERS - 1;
	memset(okv, '1', sizeof(okv));
	if (n > 0 && file_version(fd) == '6')
		probe_buffers(td->file, n, okv);
	for (i = 0; i < n; i++) {
		const char *name = tracecmd_buffer_instance_name(top, i);
		struct tracecmd_input *bh = NULL;
		char msg[160];

		if (okv[i] == '1')
			bh = tracecmd_buffer_instance_handle(top, i);
		if (!bh) {
			log_info("'%s': buffer '%s' is unreadable (truncated?):"
				 " skipped", td->file, name);
			snprintf(msg, sizeof(msg), "buffer '%s' unreadable",
				 name);
			libmsg_note(msg);
			td->complete = false;
			continue;
		}
		td->bufs[td->nbufs].h = bh;
		td->bufs[td->nbufs].name = name;
		td->nbufs++;
	}
}

/**
 * tracedat_open() - open every buffer of a trace.dat
 * @file: its path (kept by pointer)
 * @fd: an open descriptor of the same file (for its version byte)
 *
 * Return: the reader, or NULL after one line (nothing readable).
 */
struct tracedat *tracedat_open(const char *file, int fd)
{
	struct tracedat *td = calloc(1, sizeof(*td));
	int i;

	if (!td) {
		log_warnx("out of memory");
		return NULL;
	}
	td->file = file;
	td->complete = true;
	td->bufs[0].h = tracecmd_open(file, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!td->bufs[0].h) {
		log_warnx("'%s' is a truncated or corrupt trace.dat: "
			  "nothing readable%s%s", file,
			  libmsg_last()[0] ? ": " : "", libmsg_last());
		free(td);
		return NULL;
	}
	td->nbufs = 1;
	td->bufs[0].name = "";
	open_instances(td, fd);
	for (i = 0; i < td->nbufs; i++) {
		struct buf *b = &td->bufs[i];
		size_t l = strlen(td->bufnames);

		b->tep = tracecmd_get_tep(b->h);
		b->ncpus = tracecmd_cpus(b->h);
		if (b->ncpus < 0)
			b->ncpus = 0;
		b->td = td;
		tracecmd_set_private(b->h, b);
		snprintf(td->bufnames + l, sizeof(td->bufnames) - l, "%s%s",
			 i ? "," : "", b->name);
	}
	return td;
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

/**
 * tracedat_has_zap() - does any buffer have the format of a zap event?
 * @td: reader
 *
 * Return: true if so.
 */
bool tracedat_has_zap(struct tracedat *td)
{
	int i;

	for (i = 0; i < dec_nzaps; i++)
		if (find_zap(td, dec_zaps[i].name))
			return true;
	return false;
}

/**
 * tracedat_systems() - comma list of the event systems that had records
 * (after tracedat_read()), for messages
 * @td: reader
 * @out: the list, "none" if empty
 * @len: its size
 */
void tracedat_systems(struct tracedat *td, char *out, size_t len)
{
	size_t n = 0;
	int i, j;

	out[0] = '\0';
	for (i = 0; i < td->nbufs; i++) {
		struct dectab *t = &td->bufs[i].dec;

		for (j = 0; j < t->n; j++) {
			const char *sys;

			if (!t->byid[j] || !t->byid[j]->ev)
				continue;
			sys = t->byid[j]->ev->system;
			if (strstr(out, sys))	/* seen (or a part of one) */
				continue;
			n += snprintf(out + n, len > n ? len - n : 0, "%s%s",
				      n ? ", " : "", sys);
		}
	}
	if (!n)
		snprintf(out, len, "none");
}

/**
 * tracedat_names() - names of the path and stage values (the strings
 * belong to the file's formats: valid until tracedat_close())
 * @td: reader
 * @names: filled in
 */
void tracedat_names(struct tracedat *td, struct zap_names *names)
{
	dec_load_names(find_zap(td, "zap_present_ptes_done"),
		       find_zap(td, "zap_present_folio_stage"), names);
}

/**
 * tracedat_tep() - the top buffer's tep handle (its saved cmdlines name
 * the tasks)
 * @td: reader
 *
 * Return: the handle, valid until tracedat_close().
 */
struct tep_handle *tracedat_tep(struct tracedat *td)
{
	return td->bufs[0].tep;
}

/**
 * tracedat_uname() - host name and kernel release the file was recorded
 * on ("" if unknown)
 * @td: reader
 * @host: out, @len bytes
 * @rel: out, @len bytes
 * @len: at least 64
 */
void tracedat_uname(struct tracedat *td, char *host, char *rel, size_t len)
{
	const char *u = tracecmd_get_uname(td->bufs[0].h);
	char sys[64];

	host[0] = rel[0] = '\0';
	if (u && len >= 64)
		sscanf(u, "%63s %63s %63s", sys, host, rel);
}

/**
 * tracedat_clock() - the trace clock the file was recorded with
 * @td: reader
 *
 * Return: its name, or NULL.
 */
const char *tracedat_clock(struct tracedat *td)
{
	return tracecmd_get_trace_clock(td->bufs[0].h);
}

/**
 * tracedat_buffers() - the buffers read, comma separated ("" = top)
 * @td: reader
 *
 * Return: the list, valid until tracedat_close().
 */
const char *tracedat_buffers(struct tracedat *td)
{
	return td->bufnames;
}

/* zap_missing - dec_classify() callback: a field the format lacks */
static void zap_missing(void *arg, const struct dec_zap *z,
			const char *field)
{
	log_warnx("zap:%s has no field '%s': read as 0", z->name, field);
}

/* new_dec - the decoder of event @id of @b, classified; NULL + one line */
static struct evdec *new_dec(struct tracedat *td, struct buf *b, int id)
{
	struct tep_event *ev = tep_find_event(b->tep, id);
	struct evdec *d = dectab_add(&b->dec, id, ev, b->ncpus);
	int i;

	if (!d) {
		log_warnx("out of memory");
		return NULL;
	}
	if (dec_classify(d, td->pairs, td->npairs, zap_missing, NULL) >= 0)
		return d;
	for (i = 0; i < td->npairs; i++) {
		const struct pair_spec *ps = &td->pairs[i];

		if (ps->key_field &&
		    ((!strcmp(ev->system, ps->start_sys) &&
		      !strcmp(ev->name, ps->start_ev)) ||
		     (!strcmp(ev->system, ps->end_sys) &&
		      !strcmp(ev->name, ps->end_ev))))
			log_warnx("%s:%s has no field '%s'", ev->system,
				  ev->name, ps->key_field);
	}
	return NULL;
}

/* on_record - tracecmd_iterate_events_multi() callback: one record */
static int on_record(struct tracecmd_input *h, struct tep_record *rec,
		     int cpu, void *data)
{
	struct buf *b = tracecmd_get_private(h);
	struct tracedat *td = b->td;
	struct ext_event e;
	struct evdec *d;
	struct zev ev;
	int id;

	cpu = rec->cpu;
	run_set_buffer(td->run, b->name);
	run_record(td->run, rec->ts);
	if (rec->missed_events &&
	    run_lost(td->run, cpu, rec->ts, rec->missed_events, false) < 0)
		goto fail;
	id = tep_data_type(b->tep, rec);
	if (id < 0)
		return 0;
	d = dectab_get(&b->dec, id);
	if (!d && !(d = new_dec(td, b, id)))
		goto fail;
	if (dec_count(d, cpu) < 0)
		goto fail;
	if (d->kind >= 0) {
		dec_record(d, b->tep, rec, cpu, &ev);
		if (run_feed(td->run, &ev) < 0)
			goto fail;
	} else if (d->name) {
		dec_event(d, b->tep, rec, cpu, d->name, &e);
		if (run_event(td->run, &e) < 0)
			goto fail;
	}
	return 0;
fail:
	td->failed = true;
	return -1;
}

/**
 * tracedat_read() - feed every record of every buffer to @run, in time
 * order
 * @td: reader
 * @run: the run (its pair ids are the specs' indexes)
 * @pairs: the --pair specs
 * @npairs: how many
 *
 * A read error of the library (a truncated file) makes the reader
 * incomplete, not failed.
 *
 * Return: 0, or -1 if the run failed (the writer, or memory).
 */
int tracedat_read(struct tracedat *td, struct run *run,
		  const struct pair_spec *pairs, int npairs)
{
	struct tracecmd_input *handles[MAX_BUFFERS];
	int i;

	for (i = 0; i < td->nbufs; i++)
		handles[i] = td->bufs[i].h;
	td->run = run;
	td->pairs = pairs;
	td->npairs = npairs;
	if (tracecmd_iterate_events_multi(handles, td->nbufs, on_record,
					  NULL) < 0 && !td->failed)
		td->complete = false;
	td->run = NULL;
	return td->failed ? -1 : 0;
}

/* stat_buffer - the stable name of the buffer in a "Buffer: NAME" line */
static const char *stat_buffer(struct tracedat *td, const char *name,
			       size_t len)
{
	int i;

	for (i = 0; i < td->nbufs; i++)
		if (strlen(td->bufs[i].name) == len &&
		    !strncmp(td->bufs[i].name, name, len))
			return td->bufs[i].name;
	for (i = 0; i < td->nstat_names; i++)
		if (strlen(td->stat_names[i]) == len &&
		    !strncmp(td->stat_names[i], name, len))
			return td->stat_names[i];
	if (td->nstat_names == MAX_BUFFERS)
		return "?";
	td->stat_names[td->nstat_names] = strndup(name, len);
	return td->stat_names[td->nstat_names] ?
	       td->stat_names[td->nstat_names++] : "?";
}

/* store_cpustats - per-CPU overrun/dropped from the saved kernel stats */
static int store_cpustats(struct tracedat *td, struct run *run)
{
	const char *s = tracecmd_get_cpustats(td->bufs[0].h);
	const char *line, *nl, *buffer = "";
	long long v, lost = 0;
	int cpu = -1;

	for (line = s; line && *line; line = *nl ? nl + 1 : nl) {
		nl = line + strcspn(line, "\n");
		if (!strncmp(line, "Buffer: ", 8)) {
			cpu = -1;
			buffer = stat_buffer(td, line + 8, nl - line - 8);
		} else if (sscanf(line, "CPU: %d", &cpu) == 1) {
			lost = 0;
		} else if (cpu >= 0 &&
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
 * tracedat_store() - what the file says after its records: the kernel's
 * saved loss counts and the record counts of every buffer
 * @td: reader, after tracedat_read()
 * @run: the run
 *
 * Return: 0, or -1 if the writer failed.
 */
int tracedat_store(struct tracedat *td, struct run *run)
{
	int i;

	if (store_cpustats(td, run) < 0)
		return -1;
	for (i = 0; i < td->nbufs; i++)
		if (run_store_counts(run, &td->bufs[i].dec,
				     td->bufs[i].name) < 0)
			return -1;
	return 0;
}

/**
 * tracedat_complete() - was everything read (no buffer skipped, no read
 * error, no library message)?
 * @td: reader
 *
 * Return: true if so.
 */
bool tracedat_complete(struct tracedat *td)
{
	return td->complete && !libmsg_errors();
}

/**
 * tracedat_close() - close the file's handles and free the reader
 * @td: reader (NULL is fine)
 */
void tracedat_close(struct tracedat *td)
{
	int i;

	if (!td)
		return;
	for (i = td->nbufs - 1; i >= 0; i--) {
		dectab_free(&td->bufs[i].dec);
		if (td->bufs[i].h)
			tracecmd_close(td->bufs[i].h);
	}
	for (i = 0; i < td->nstat_names; i++)
		free(td->stat_names[i]);
	free(td);
}
