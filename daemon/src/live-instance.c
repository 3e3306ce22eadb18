// SPDX-License-Identifier: GPL-2.0
/*
 * live-instance.c - zapd live's tracefs instance and its events.
 *
 * Owns: the event formats zapd reads (only the systems it uses), the
 * decoders of the enabled events (classified by decode.c like an import
 * classifies them), the instance (created here, its identity written to
 * its owner file at once (live-owner.c), configured, removed on every
 * exit path after it was created; an instance of the same name that
 * already exists is refused, never touched), its filters, the
 * stacktrace trigger of --why, the kallsyms that symbolize its stacks,
 * and the file descriptors opened in it.
 *
 * Invariants:
 *  - the instance uses the "mono" trace clock, so a record's timestamp and
 *    mono_ns() are on one time line (the watchdog and the merge compare
 *    them directly);
 *  - tracing stays off until live.c turns it on, after the run began;
 *  - a setup error is one line; what was created is removed by
 *    live_remove_instance().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "live-int.h"
#include "log.h"

/**
 * live_load_tep() - the event formats of the systems the options name
 * (not all of tracefs: that takes seconds)
 * @l: the run, options parsed
 *
 * Return: 0, or -1 after one line.
 */
int live_load_tep(struct live *l)
{
	const char *sys[7 + 2 * ZAPD_MAX_PAIRS + LIVE_MAX_EVENTS + 1];
	char *copies[LIVE_MAX_EVENTS] = { 0 };
	int n = 0, i, j;

	/* add - a system name once */
#define ADD(s) do {							\
		for (j = 0; j < n && strcmp(sys[j], (s)); j++)		\
			;						\
		if (j == n)						\
			sys[n++] = (s);					\
	} while (0)
	if (l->o.zap)
		ADD("zap");
	for (i = 0; i < l->o.npairs; i++) {
		ADD(l->o.pairs[i].start_sys);
		ADD(l->o.pairs[i].end_sys);
	}
	for (i = 0; l->o.why && i < dec_nwhys; i++)
		ADD(dec_whys[i].sys);
	for (i = 0; i < l->o.nevents; i++) {
		copies[i] = strndup(l->o.events[i],
				    strcspn(l->o.events[i], ":"));
		if (!copies[i])
			break;
		ADD(copies[i]);
	}
#undef ADD
	sys[n] = NULL;
	l->tep = tracefs_local_events_system(NULL, sys);
	for (i = 0; i < LIVE_MAX_EVENTS; i++)
		free(copies[i]);
	if (!l->tep) {
		log_warn("live: cannot read event formats from %s",
			 tracefs_tracing_dir());
		return -1;
	}
	return 0;
}

/* read_all - the whole of a /proc file (no size known), NUL-terminated;
 * NULL on error */
static char *read_all(const char *path)
{
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap), *nb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += r;
		if (len + 1 < cap)
			continue;
		nb = realloc(buf, cap * 2);
		if (!nb)
			goto fail;
		buf = nb;
		cap *= 2;
	}
	if (r < 0)
		goto fail;
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* kallsyms_real - does @ks show addresses? (the first text symbol's; per
 * CPU and absolute symbols are 0 anyway) */
static bool kallsyms_real(const char *ks)
{
	const char *t = strstr(ks, " T ");

	if (!t)
		t = strstr(ks, " t ");
	while (t && t > ks && t[-1] != '\n')
		t--;
	return t && strncmp(t, "0000000000000000 ", 17);
}

/**
 * live_load_kallsyms() - the host's kernel symbols into the tep, so the
 * stacks of --why name functions (as trace-cmd saves them in a trace.dat)
 * @l: the run, formats loaded
 *
 * Return: 0, or -1 after one line.
 */
int live_load_kallsyms(struct live *l)
{
	char *ks;
	int ret;

	if (!l->o.why || !l->o.lock)
		return 0;
	ks = read_all("/proc/kallsyms");
	if (!ks) {
		log_warn("live: cannot read /proc/kallsyms (--why names "
			 "callers from kernel stacks)");
		return -1;
	}
	if (!kallsyms_real(ks))
		log_warnx("live: /proc/kallsyms shows no addresses "
			  "(kptr_restrict): stacks stay unnamed");
	ret = tep_parse_kallsyms(l->tep, ks);
	free(ks);
	if (ret < 0) {
		log_warnx("live: cannot parse /proc/kallsyms");
		return -1;
	}
	return 0;
}

/* zap_missing - dec_classify() callback: remember the first field the
 * format lacks (one error line) */
static void zap_missing(void *arg, const struct dec_zap *z,
			const char *field)
{
	const char **first = arg;

	if (!*first)
		*first = field;
}

/* event_dec - the decoder of @sys:@name (@fresh: it was created now);
 * NULL after one line */
static struct evdec *event_dec(struct live *l, const char *sys,
			       const char *name, const char *hint,
			       bool *fresh)
{
	struct tep_event *ev = tep_find_event_by_name(l->tep, sys, name);
	struct evdec *d, **nh;

	*fresh = false;
	if (!ev) {
		log_warnx("live: unknown event '%s:%s'%s", sys, name,
			  hint ? hint : " (not in tracefs available_events)");
		return NULL;
	}
	d = dectab_get(&l->dec, ev->id);
	if (d)
		return d;
	nh = realloc(l->hs, (l->nh + 1) * sizeof(*nh));
	if (nh)
		l->hs = nh;
	d = nh ? dectab_add(&l->dec, ev->id, ev,
			    (int)sysconf(_SC_NPROCESSORS_CONF)) : NULL;
	if (!d) {
		log_warnx("live: out of memory");
		return NULL;
	}
	l->hs[l->nh++] = d;
	*fresh = true;
	return d;
}

/* classify - decode.c's decision for a new decoder; -1 after one line */
static int classify(struct live *l, struct evdec *d, const char *key)
{
	const char *missing = NULL;
	int r = dec_classify(d, l->o.pairs, l->o.npairs, zap_missing,
			     &missing);

	if (r < 0 && key) {
		log_warnx("live: event '%s:%s' has no field '%s' (--pair key)",
			  d->ev->system, d->ev->name, key);
		return -1;
	}
	if (r < 0) {
		log_warnx("live: out of memory");
		return -1;
	}
	if (missing) {
		log_warnx("live: zap:%s has no field '%s' (format differs from "
			  "docs/events.md)", d->ev->name, missing);
		return -1;
	}
	return 0;
}

/* setup_zap - the zap events the options ask for; -1 after one line */
static int setup_zap(struct live *l)
{
	static const char hint[] = " (this kernel has no zap events: "
		"apply kernel-patches/, or use --pair on a stock kernel)";
	const struct live_opts *o = &l->o;
	struct evdec *d;
	bool fresh;
	int i;

	for (i = 0; o->zap && i < dec_nzaps; i++) {
		const struct dec_zap *z = &dec_zaps[i];

		if ((z->need == DEC_NEED_STAGES && !o->stages) ||
		    (z->need == DEC_NEED_LOCK && !o->lock))
			continue;
		d = event_dec(l, "zap", z->name, hint, &fresh);
		if (!d || classify(l, d, NULL) < 0)
			return -1;
	}
	return 0;
}

/* setup_pairs - the start and end events of every --pair, each used once */
static int setup_pairs(struct live *l)
{
	const struct live_opts *o = &l->o;
	struct evdec *d;
	bool fresh;
	int i, k;

	for (i = 0; i < o->npairs; i++) {
		const struct pair_spec *ps = &o->pairs[i];

		for (k = 0; k < 2; k++) {
			d = event_dec(l, k ? ps->end_sys : ps->start_sys,
				      k ? ps->end_ev : ps->start_ev, NULL,
				      &fresh);
			if (!d)
				return -1;
			if (!fresh) {
				log_warnx("live: event '%s:%s' is used twice "
					  "(in --pair or the zap events)",
					  d->ev->system, d->ev->name);
				return -1;
			}
			if (classify(l, d, ps->key_field) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * setup_why - --why: every attribution event this kernel has (decode.c's
 * dec_whys[]: irq_vectors:*_entry/_exit, irq handlers and softirqs, NMI
 * handlers, sched_switch; ftrace:kernel_stack, written by the stacktrace
 * trigger, with the lock events). Not stored (only attributed) unless -e
 * asked for one, or --context-ms holds them for the windows.
 */
static int setup_why(struct live *l)
{
	int i, n = tep_get_events_count(l->tep), found = 0;
	struct evdec *d;
	bool fresh;

	for (i = 0; l->o.why && i < n; i++) {
		struct tep_event *ev = tep_get_event(l->tep, i);

		if (!ev || !dec_find_why(ev->system, ev->name))
			continue;
		if (!strcmp(ev->system, "ftrace") && !l->o.lock)
			continue;
		d = event_dec(l, ev->system, ev->name, NULL, &fresh);
		if (!d)
			return -1;
		found++;
		if (!fresh)
			continue;	/* -e asked for it: stored as asked */
		if (classify(l, d, NULL) < 0)
			return -1;
		d->extra = l->o.context_ms > 0;
	}
	if (l->o.why && !found)
		log_warnx("live: --why: this kernel has none of the irq, "
			  "irq_vectors, nmi and sched events");
	return 0;
}

/* is_ftrace - an ftrace-internal event (kernel_stack): read, never
 * enabled or filtered (it has neither file) */
static bool is_ftrace(const struct tep_event *ev)
{
	return !strcmp(ev->system, "ftrace");
}

/**
 * live_setup_events() - resolve every requested event: the zap events,
 * the --pair events, the -e events (stored as extra events, unless they
 * are zap or pair events already)
 * @l: the run, formats loaded
 *
 * Return: 0, or -1 after one line.
 */
int live_setup_events(struct live *l)
{
	const struct live_opts *o = &l->o;
	char sys[128], *ev;
	struct evdec *d;
	bool fresh;
	int i;

	if (setup_zap(l) < 0 || setup_pairs(l) < 0)
		return -1;
	for (i = 0; i < o->nevents; i++) {
		snprintf(sys, sizeof(sys), "%s", o->events[i]);
		ev = strchr(sys, ':');
		*ev++ = '\0';
		d = event_dec(l, sys, ev, NULL, &fresh);
		if (!d)
			return -1;
		if (fresh && classify(l, d, NULL) < 0)
			return -1;
	}
	l->nh_asked = l->nh;
	return setup_why(l);
}

/* error_line - the kernel's last error_log entry of the instance, 1 line */
static void error_line(struct live *l, char *out, size_t len)
{
	char *e = tracefs_error_last(l->inst), *p, *q;

	out[0] = '\0';
	if (!e)
		return;
	p = e;
	if (*p == '[' && (q = strchr(p, ']')))	/* "[ 716.05] " stamp */
		p = q + 1;
	p += strspn(p, " ");
	p[strcspn(p, "\n")] = '\0';
	snprintf(out, len, "%s", p);
	free(e);
}

/* filter_of - the filter text of @ev (""= none); -1 if too long. --why's
 * own events take --comm only: a sched_switch matches it on either side
 * (the task coming back is next_comm), --filter names other fields */
static int filter_of(const struct live_opts *o, struct tep_event *ev,
		     bool why_own, char *f, size_t size, bool *mm_used)
{
	bool has_mm = o->mm && tep_find_field(ev, "mm");
	bool sw = !strcmp(ev->system, "sched") &&
		  !strcmp(ev->name, "sched_switch");
	size_t n = 0;

	f[0] = '\0';
	if (o->comm && sw)
		n += snprintf(f + n, size - n, "(prev_comm == \"%s\" || "
			      "next_comm == \"%s\")", o->comm, o->comm);
	else if (o->comm)
		n += snprintf(f + n, size - n, "COMM == \"%s\"", o->comm);
	if (has_mm && n < size)
		n += snprintf(f + n, size - n, "%smm == %s", n ? " && " : "",
			      o->mm);
	if (o->filter && !why_own && n < size)
		n += snprintf(f + n, size - n, "%s(%s)", n ? " && " : "",
			      o->filter);
	if (n >= size) {
		log_warnx("live: filter too long");
		return -1;
	}
	*mm_used |= has_mm;
	return 0;
}

/* set_filters - in-kernel filters of every enabled event */
static int set_filters(struct live *l)
{
	char f[1024], kerr[512];
	bool mm_used = false;
	int i;

	for (i = 0; i < l->nh; i++) {
		struct tep_event *ev = l->hs[i]->ev;

		if (is_ftrace(ev))
			continue;
		if (filter_of(&l->o, ev, i >= l->nh_asked, f, sizeof(f),
			      &mm_used) < 0)
			return -1;
		if (!f[0])
			continue;
		tracefs_error_clear(l->inst);
		if (tracefs_event_file_write(l->inst, ev->system, ev->name,
					     "filter", f) < 0) {
			error_line(l, kerr, sizeof(kerr));
			log_warnx("live: the kernel rejects filter '%s' on "
				  "%s:%s: %s", f, ev->system, ev->name,
				  kerr[0] ? kerr : "invalid filter");
			return -1;
		}
		log_debug("filter %s:%s: %s", ev->system, ev->name, f);
	}
	if (l->o.mm && !mm_used) {
		log_warnx("live: --mm: no enabled event has an mm field (the "
			  "zap events do)");
		return -1;
	}
	return 0;
}

/* open_file - open an instance file, one line on error */
static int open_file(struct live *l, const char *name, int flags)
{
	int fd = tracefs_instance_file_open(l->inst, name, flags | O_CLOEXEC);
	int err = errno;
	char *dir;

	if (fd >= 0)
		return fd;
	dir = tracefs_instance_get_dir(l->inst);	/* allocated */
	errno = err;
	log_warn("live: cannot open %s/%s", dir ? dir : "?", name);
	tracefs_put_tracing_file(dir);
	return -1;
}

/* open_cpu - the reader and stats file of CPU @i into @c; -1 + one line */
static int open_cpu(struct live *l, struct lcpu *c, int i)
{
	char name[64];

	c->cpu = i;
	c->fd = c->stats_fd = -1;
	snprintf(name, sizeof(name), "per_cpu/cpu%d/trace_pipe_raw", i);
	c->fd = open_file(l, name, O_RDONLY | O_NONBLOCK);
	if (c->fd < 0)
		return -1;
	snprintf(name, sizeof(name), "per_cpu/cpu%d/stats", i);
	c->stats_fd = open_file(l, name, O_RDONLY);
	if (c->stats_fd < 0)
		return -1;
	c->tcpu = tracefs_cpu_alloc_fd(c->fd, l->subbuf, true);
	if (!c->tcpu) {
		log_warnx("live: cannot set up the reader of CPU %d", i);
		return -1;
	}
	return 0;
}

/*
 * reader_formats - what the reader needs from the formats: the kernel's
 * long (the sub-buffer commit word, subbuf.h) and where every record has
 * its common_type (read at its offset when the buffer is in host order)
 */
static int reader_formats(struct live *l)
{
	struct tep_event *ev = l->nh ? l->hs[0]->ev : NULL;

	l->long_size = tep_get_header_page_size(l->tep);
	if (l->long_size != 4 && l->long_size != 8) {
		log_warnx("live: unknown ring buffer page header (commit of "
			  "%d bytes)", l->long_size);
		return -1;
	}
	l->type_fast = dec_type_fast(l->tep, ev, &l->ftype);
	return 0;
}

/* open_cpus - per-CPU readers and stats files of the instance */
static int open_cpus(struct live *l)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	char name[64], *s;
	int i;

	if (n < 1)
		n = 1;
	s = tracefs_instance_file_read(l->inst, "buffer_subbuf_size_kb",
				       NULL);
	l->subbuf = s ? atoi(s) * 1024 : 0;
	free(s);
	if (l->subbuf <= 0)
		l->subbuf = getpagesize();
	if (reader_formats(l) < 0)
		return -1;
	l->cpus = calloc(n, sizeof(*l->cpus));
	if (!l->cpus) {
		log_warnx("live: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "per_cpu/cpu%d", i);
		if (!tracefs_dir_exists(l->inst, name))
			continue;
		if (open_cpu(l, &l->cpus[l->ncpus++], i) < 0)
			return -1;
	}
	if (!l->ncpus) {
		log_warnx("live: instance has no per_cpu buffers");
		return -1;
	}
	return 0;
}

/**
 * live_instance_in_use() - the one line when --instance exists
 * @name: the instance
 */
void live_instance_in_use(const char *name)
{
	log_warnx("live: tracefs instance '%s' already exists (another zapd "
		  "live, or a leftover: rmdir %s/instances/%s); use --instance "
		  "NAME", name, tracefs_tracing_dir(), name);
}

/*
 * set_trigger - --why with the lock events: a kernel stack after every
 * zap_pte_lock (one per page table), written to this instance's buffer
 * as ftrace:kernel_stack; it names the caller (kstack.c)
 */
static int set_trigger(struct live *l)
{
	char kerr[512];

	if (!l->o.why || !l->o.lock)
		return 0;
	tracefs_error_clear(l->inst);
	if (tracefs_event_file_write(l->inst, "zap", "zap_pte_lock",
				     "trigger", "stacktrace") < 0) {
		error_line(l, kerr, sizeof(kerr));
		log_warnx("live: cannot set the stacktrace trigger on "
			  "zap:zap_pte_lock%s%s", kerr[0] ? ": " : "", kerr);
		return -1;
	}
	l->trigger = true;
	return 0;
}

/* configure - clock, buffer size, pid filter, filters, enable events */
static int configure(struct live *l)
{
	const struct live_opts *o = &l->o;
	int i;

	if (tracefs_trace_off(l->inst) < 0) {
		log_warn("live: cannot stop tracing in instance '%s'",
			 o->instance);
		return -1;
	}
	if (tracefs_instance_file_write(l->inst, "trace_clock", "mono") < 0) {
		log_warn("live: cannot set trace_clock mono");
		return -1;
	}
	if (o->buffer_kb &&
	    tracefs_instance_set_buffer_size(l->inst, o->buffer_kb, -1) < 0) {
		log_warn("live: cannot set buffer_size_kb to %ld",
			 o->buffer_kb);
		return -1;
	}
	if (o->pids[0] && tracefs_instance_file_write(l->inst, "set_event_pid",
						      o->pids) < 0) {
		log_warn("live: cannot write set_event_pid '%s'", o->pids);
		return -1;
	}
	if (set_filters(l) < 0)
		return -1;
	for (i = 0; i < l->nh; i++) {
		struct tep_event *ev = l->hs[i]->ev;

		if (is_ftrace(ev))
			continue;
		if (tracefs_event_file_write(l->inst, ev->system, ev->name,
					     "enable", "1") < 0) {
			log_warn("live: cannot enable %s:%s", ev->system,
				 ev->name);
			return -1;
		}
	}
	return set_trigger(l);
}

/* open_cmdlines - saved_cmdlines (comm of exited tasks; root only) */
static void open_cmdlines(struct live *l)
{
	char *p;

	l->cmdlines_fd = open("/sys/kernel/tracing/saved_cmdlines",
			      O_RDONLY | O_CLOEXEC);
	if (l->cmdlines_fd >= 0)
		return;
	p = tracefs_get_tracing_file("saved_cmdlines");
	if (p)
		l->cmdlines_fd = open(p, O_RDONLY | O_CLOEXEC);
	tracefs_put_tracing_file(p);
}

/**
 * live_setup_instance() - create and configure the instance, open its
 * files (tracing stays off)
 * @l: the run, events resolved
 *
 * Return: 0, or -1 after one line.
 */
int live_setup_instance(struct live *l)
{
	const struct live_opts *o = &l->o;

	l->inst = tracefs_instance_create(o->instance);
	if (!l->inst) {
		log_warn("live: cannot create tracefs instance '%s'",
			 o->instance);
		return -1;
	}
	if (!tracefs_instance_is_new(l->inst)) {
		live_instance_in_use(o->instance);
		return -1;
	}
	l->own_inst = true;
	live_owner_record(l);	/* before tracing can be turned on */
	if (configure(l) < 0 || open_cpus(l) < 0)
		return -1;
	l->on_fd = open_file(l, "tracing_on", O_WRONLY);
	if (l->on_fd < 0)
		return -1;
	open_cmdlines(l);
	log_info("instance '%s': %d CPUs, sub-buffer %d bytes, %d events",
		 o->instance, l->ncpus, l->subbuf, l->nh);
	return 0;
}

/**
 * live_close_files() - close every tracefs fd (the instance cannot be
 * removed before)
 * @l: the run
 */
void live_close_files(struct live *l)
{
	int i;

	for (i = 0; l->cpus && i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (c->tcpu)
			tracefs_cpu_free_fd(c->tcpu);
		c->tcpu = NULL;
		if (c->fd >= 0)
			close(c->fd);
		if (c->stats_fd >= 0)
			close(c->stats_fd);
		c->fd = c->stats_fd = -1;
	}
	if (l->on_fd >= 0)
		close(l->on_fd);
	if (l->cmdlines_fd >= 0)
		close(l->cmdlines_fd);
	l->on_fd = l->cmdlines_fd = -1;
}

/**
 * live_remove_instance() - disable and remove our instance (never
 * another's), closing our files first; then its owner file goes (or
 * stays for the next sweep if the instance could not be removed)
 * @l: the run
 *
 * Return: 0, or -1 after one line (it is still there).
 */
int live_remove_instance(struct live *l)
{
	int ret = 0, tries;

	live_close_files(l);
	if (!l->inst) {
		live_owner_release(l, true);	/* none was created */
		return 0;
	}
	if (l->own_inst) {
		tracefs_trace_off(l->inst);
		if (l->trigger)
			tracefs_event_file_write(l->inst, "zap",
						 "zap_pte_lock", "trigger",
						 "!stacktrace");
		l->trigger = false;
		/* rmdir fails with EBUSY while a reader still holds a file */
		for (tries = 0; tries < 50; tries++) {
			if (tracefs_instance_destroy(l->inst) == 0)
				break;
			if (errno != EBUSY)
				break;
			usleep(20000);
		}
		if (tracefs_instance_exists(l->o.instance)) {
			log_warn("live: cannot remove tracefs instance '%s'",
				 l->o.instance);
			ret = -1;
		}
	}
	live_owner_release(l, l->own_inst && !ret);
	tracefs_instance_free(l->inst);
	l->inst = NULL;
	l->own_inst = false;
	return ret;
}
