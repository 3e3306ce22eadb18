// SPDX-License-Identifier: GPL-2.0
/*
 * live.c - zapd live: stream events from a private tracefs instance into
 * the run layer (the same engine, writer and store as zapd import) while
 * the workload runs.
 *
 * Owns: the order of a live run (options, formats, events, instance,
 * database, run, trace, drain, end), the main loop and its cadences
 * (read passes, the watchdog, commits), signals and the privilege
 * separation of --user. Its parts: live-opts.c (command line),
 * live-instance.c (tracefs instance, events, filters), live-owner.c
 * (owner files, stale instances, the guardian), live-reader.c (per-CPU
 * readers, time merge, losses), watchdog.c (stall rows).
 *
 * Invariants:
 *  - signal handlers only set a flag; SIGINT/SIGTERM/SIGHUP are blocked
 *    except inside ppoll(), so a signal during setup cannot leave an
 *    instance behind;
 *  - nothing is created before the command line is checked; the instance
 *    is removed on every exit path after it was created (with --user by
 *    the root parent, also after a kill -9 of the traced child); if zapd
 *    is killed, by its guardian (live-owner.c) once all its processes
 *    are gone, or else by the next zapd live's sweep;
 *  - the --user child sets PR_SET_PDEATHSIG after its uid change (which
 *    clears it) and checks its parent is still the root one: it stops
 *    (drain, commit, run done) when that parent is killed;
 *  - the rows are committed at least every --commit-ms, and at once
 *    after a stall row; the histograms, totals and counters every
 *    LIVE_STATS_MS (or --commit-ms if longer) and at the end;
 *  - the store is the writer thread's from the run's begin to its end
 *    (writer.h); live.c only queues.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "comm.h"
#include "kstack.h"
#include "libmsg.h"
#include "live-int.h"
#include "live.h"
#include "log.h"
#include "run.h"
#include "store.h"
#include "timeutil.h"
#include "writer.h"

static volatile sig_atomic_t stop_sig;

/* on_signal - SIGINT/SIGTERM/SIGHUP: ask the loop to stop */
static void on_signal(int sig)
{
	stop_sig = sig;
}

/* block_signals - handlers that set a flag; the signals blocked until
 * ppoll() (@unblocked: the mask to wait with) */
static void block_signals(sigset_t *unblocked)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, unblocked);
	sigdelset(unblocked, SIGINT);
	sigdelset(unblocked, SIGTERM);
	sigdelset(unblocked, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* drop_privs - become --user for good; -1 + one line */
static int drop_privs(const struct live_opts *o)
{
	if (setgroups(1, &o->gid) < 0 ||
	    setresgid(o->gid, o->gid, o->gid) < 0 ||
	    setresuid(o->uid, o->uid, o->uid) < 0) {
		log_warn("live: cannot drop privileges to '%s'", o->user);
		return -1;
	}
	if (o->uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		log_warnx("live: privileges could not be dropped for good");
		return -1;
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return 0;
}

/* begin_run - names, comm cache, run layer, run row, writer thread */
static int begin_run(struct live *l)
{
	struct run_info ri = {
		.source = "live", .clock = "mono",
		.slower_than_ns = l->o.keep.slower_than_ns,
		.window_ns = l->o.keep.window_ns,
	};
	struct utsname u;
	char path[512];

	dec_load_names(tep_find_event_by_name(l->tep, "zap",
					      "zap_present_ptes_done"),
		       tep_find_event_by_name(l->tep, "zap",
					      "zap_present_folio_stage"),
		       &l->names);
	store_set_names(l->st, &l->names);
	l->comm = comm_new_host(l->cmdlines_fd);
	if (l->comm)
		l->run = run_new(l->o.pairs, l->o.npairs, l->comm,
				 &l->o.keep);
	if (!l->run)
		return -1;
	if (l->o.context_ms &&
	    run_set_context(l->run, (uint64_t)l->o.context_ms * NS_PER_MS,
			    (uint64_t)l->o.context_min_us * 1000) < 0)
		return -1;
	l->counts = run_counts(l->run);
	run_set_buffer(l->run, l->o.instance);
	uname(&u);
	snprintf(path, sizeof(path), "%s/instances/%s", tracefs_tracing_dir(),
		 l->o.instance);
	ri.path = path;
	ri.label = l->o.label;
	ri.kernel = u.release;
	ri.host = u.nodename;
	ri.buffers = l->o.instance;
	if (store_run_begin(l->st, &ri, &l->run_id) < 0)
		return -1;
	l->w = writer_start(l->st);
	if (!l->w)
		return -1;
	run_set_writer(l->run, l->w);
	return 0;
}

/*
 * checkpoint - a commit of the rows written since the last one; with
 * @full also losses, record counts, histograms, totals and counters
 * first (every LIVE_STATS_MS and at the end: an idle or fast-only run
 * writes nothing in between, so its WAL does not churn)
 */
static int checkpoint(struct live *l, uint64_t now, bool full)
{
	if (full) {
		if (live_check_stats(l, now) < 0 ||
		    run_store_counts(l->run, &l->dec, l->o.instance) < 0)
			return -1;
		run_counts(l->run)->library_errors = libmsg_errors();
		if (run_store_stats(l->run) < 0)
			return -1;
	}
	return writer_commit(l->w);
}

/* tick - how often the loop wakes: often enough to see a stall and to
 * keep the commit cadence, at most 100 ms, at least 5 ms */
static uint64_t tick(const struct live_opts *o)
{
	uint64_t t = (uint64_t)o->stall_ms * NS_PER_MS / 4;
	uint64_t commit_ns = (uint64_t)o->commit_ms * NS_PER_MS;

	if (t > commit_ns / 2)
		t = commit_ns / 2;
	if (t > 100 * NS_PER_MS)
		t = 100 * NS_PER_MS;
	if (t < 5 * NS_PER_MS)
		t = 5 * NS_PER_MS;
	return t;
}

/* poll_fds - a pollfd per CPU reader; NULL on ENOMEM */
static struct pollfd *poll_fds(struct live *l)
{
	struct pollfd *pfd = calloc(l->ncpus, sizeof(*pfd));
	int i;

	for (i = 0; pfd && i < l->ncpus; i++) {
		pfd[i].fd = l->cpus[i].fd;
		pfd[i].events = POLLIN;
	}
	return pfd;
}

/* loop - trace until --duration or a signal; -1 on a failure */
static int loop(struct live *l, const sigset_t *unblocked)
{
	uint64_t start = mono_ns(), now, deadline = 0, wait;
	uint64_t commit_ns = (uint64_t)l->o.commit_ms * NS_PER_MS;
	uint64_t tick_ns = tick(&l->o), next_commit = start + commit_ns;
	uint64_t stats_ns = (uint64_t)LIVE_STATS_MS * NS_PER_MS, next_stats;
	struct pollfd *pfd = poll_fds(l);
	struct timespec ts;
	int ret = -1;

	if (!pfd)
		return -1;
	if (stats_ns < commit_ns)
		stats_ns = commit_ns;
	next_stats = start + stats_ns;
	if (l->o.duration > 0)
		deadline = start + (uint64_t)(l->o.duration * 1e9);
	while (!stop_sig) {
		now = mono_ns();
		if (deadline && now >= deadline)
			break;
		wait = tick_ns;
		if (deadline && deadline - now < wait)
			wait = deadline - now;
		ts.tv_sec = wait / 1000000000ull;
		ts.tv_nsec = wait % 1000000000ull;
		/* POLLIN early only when a buffer passes buffer_percent */
		if (ppoll(pfd, l->ncpus, &ts, unblocked) < 0 &&
		    errno != EINTR) {
			log_warn("live: poll");
			goto out;
		}
		if (live_pass(l, false) < 0)
			goto out;
		now = mono_ns();
		if (now >= next_commit || l->commit_now) {
			bool full = now >= next_stats;

			if (checkpoint(l, now, full) < 0)
				goto out;
			l->commit_now = false;
			next_commit = now + commit_ns;
			if (full)
				next_stats = now + stats_ns;
		}
	}
	ret = 0;
out:
	free(pfd);
	return ret;
}

/*
 * supervise - --user: the root parent waits for the unprivileged child,
 * forwards SIGINT/SIGTERM/SIGHUP to it and removes the instance when it
 * is gone (even after a kill -9 of the child). Signals stay blocked and
 * are taken with sigtimedwait(): no race with waitpid().
 */
static int supervise(struct live *l, pid_t child)
{
	struct timespec tmo = { 0, 200 * 1000000L };
	sigset_t set;
	int status = 0, sig, ret;

	live_close_files(l);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG);

		if (r == child || (r < 0 && errno != EINTR))
			break;
		sig = sigtimedwait(&set, NULL, &tmo);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			kill(child, SIGTERM);
	}
	if (WIFEXITED(status)) {
		ret = WEXITSTATUS(status);
	} else {
		log_warnx("live: traced by pid %d, killed by signal %d",
			  (int)child, WIFSIGNALED(status) ?
			  WTERMSIG(status) : 0);
		ret = ZAPD_EXIT_ERR;
	}
	if (live_remove_instance(l) < 0)
		ret = ZAPD_EXIT_ERR;
	return ret;
}

/* finish - stop, drain, close open items, end the run; 0 or -1 */
static int finish(struct live *l, int ok)
{
	struct run_end re = { 0 };
	const struct run_counts *c = run_counts(l->run);
	uint64_t stop = mono_ns();
	char what[96];
	int ret = ok;

	if (tracefs_trace_off_fd(l->on_fd) < 0)
		log_warn("live: cannot stop tracing");
	if (!ret)
		ret = live_pass(l, true);
	if (!ret)
		ret = run_finish(l->run, stop > c->last_ts ? stop :
							     c->last_ts);
	if (!ret)
		ret = checkpoint(l, stop, true);
	if (writer_stop(l->w) < 0)
		ret = -1;
	l->w = NULL;
	re.complete = ret == 0;
	re.first_ts = c->first_ts;
	re.last_ts = c->last_ts;
	re.events = c->events;
	re.zap_events = c->zap_events;
	if (store_run_end(l->st, &re) < 0)
		return -1;
	snprintf(what, sizeof(what), "live run %lld%s", (long long)l->run_id,
		 ret ? " (incomplete)" : "");
	run_summary(l->run, what, true);
	return ret;
}

/* live_free - everything but the instance (live_remove_instance) */
static void live_free(struct live *l)
{
	int i;

	writer_stop(l->w);
	live_reader_free(l);
	for (i = 0; i < l->o.npairs; i++)
		cli_pair_free(&l->o.pairs[i]);
	dectab_free(&l->dec);
	free(l->hs);
	run_free(l->run);
	comm_free(l->comm);
	tep_free(l->tep);
	kstack_free_all();	/* the writer has stopped */
}

/* setup - formats, events, database (unless --user) and instance; -1
 * after one line */
static int setup(struct live *l)
{
	const char *dir = NULL;

	if (geteuid() != 0) {
		log_warnx("live: must run as root (tracefs instances are "
			  "root-only; --user drops privileges afterwards)");
		return -1;
	}
	if (tracefs_tracing_dir_is_mounted(true, &dir) < 0 || !dir ||
	    !tracefs_tracing_dir()) {
		log_warnx("live: tracefs is not mounted and cannot be mounted "
			  "(mount -t tracefs nodev /sys/kernel/tracing)");
		return -1;
	}
	if (live_load_tep(l) < 0 || live_load_kallsyms(l) < 0 ||
	    live_setup_events(l) < 0)
		return -1;
	/* what killed zapd lives left behind; then ours, early, so a
	 * refusal says nothing about the database */
	live_owner_sweep();
	if (live_owner_claim(l) > 0 ||
	    tracefs_instance_exists(l->o.instance)) {
		live_instance_in_use(l->o.instance);
		return -1;
	}
	if (live_guard(l) < 0)
		return -1;
	if (!l->o.user) {
		l->st = store_open(l->o.db, STORE_RW);
		if (!l->st)
			return -1;
	}
	return live_setup_instance(l);
}

/* privsep - --user: fork; the root parent supervises (returns its exit
 * code in *ret, 1), the child drops privileges and opens the database
 * (0), -1 after one line */
static int privsep(struct live *l, int *ret)
{
	pid_t child, parent = getpid();

	fflush(NULL);
	child = fork();
	if (child < 0) {
		log_warn("live: fork");
		return -1;
	}
	if (child > 0) {
		*ret = supervise(l, child);
		return 1;
	}
	l->own_inst = false;	/* the root parent removes it */
	if (drop_privs(&l->o) < 0)
		return -1;
	/* after the uid change, which clears it; then the race: a parent
	 * that died before it was set sent nothing */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) {
		log_warnx("live: the root parent (pid %d) is gone: not tracing",
			  (int)parent);
		return -1;
	}
	l->parent = parent;
	l->st = store_open(l->o.db, STORE_RW);
	return l->st ? 0 : -1;
}

/* say_keep - the one line that says which intervals get a row */
static void say_keep(const struct keep_opts *k)
{
	char d[32], w[32];

	cli_fmt_duration(w, sizeof(w), (int64_t)k->window_ns);
	if (k->slower_than_ns < 0) {
		log_notice("live: a row for every interval (--all), "
			   "histograms in %s windows", w);
		return;
	}
	cli_fmt_duration(d, sizeof(d), k->slower_than_ns);
	log_notice("live: rows only for intervals >= %s%s (--slower-than; "
		   "--all for every row); all of them counted in histograms "
		   "in %s windows (zapd query percentiles)", d,
		   k->thr ? "" : ", the default", w);
}

/* trace - begin the run, trace, end it; the exit code */
static int trace(struct live *l, const sigset_t *unblocked)
{
	int i, r, ret = ZAPD_EXIT_ERR;

	for (i = 0; i < l->ncpus; i++) {	/* baseline: a new instance */
		struct lcpu *c = &l->cpus[i];

		live_read_stats(c, &c->overrun, &c->dropped);
	}
	/* on before the run row commits: whoever sees the run (state
	 * 'importing') knows its events are being recorded */
	if (tracefs_trace_on_fd(l->on_fd) < 0) {
		log_warn("live: cannot start tracing");
		return ZAPD_EXIT_ERR;
	}
	if (begin_run(l) < 0) {
		tracefs_trace_off_fd(l->on_fd);
		return ZAPD_EXIT_ERR;
	}
	log_info("tracing into '%s' (run %lld, instance '%s'%s)", l->o.db,
		 (long long)l->run_id, l->o.instance,
		 l->o.user ? ", unprivileged" : "");
	say_keep(&l->o.keep);
	r = loop(l, unblocked);
	if (l->parent && getppid() != l->parent)
		log_warnx("live: the root parent (pid %d) was killed: stopping "
			  "(the instance goes when this process is gone)",
			  (int)l->parent);
	if (finish(l, r) == 0 && !r)
		ret = ZAPD_EXIT_OK;
	if (stop_sig)
		log_info("stopped by signal %d", (int)stop_sig);
	return ret;
}

/**
 * cmd_live() - zapd live
 * @argc: arguments after "zapd [-v]", argv[0] = "live"
 * @argv: the arguments
 *
 * Return: ZAPD_EXIT_OK after a run stopped by --duration or a signal,
 * ZAPD_EXIT_ERR after one line on stderr (the instance is removed),
 * ZAPD_EXIT_USAGE.
 */
int cmd_live(int argc, char **argv)
{
	struct live l = { .on_fd = -1, .cmdlines_fd = -1, .owner_fd = -1,
			  .guard_fd = -1 };
	sigset_t unblocked;
	int ret = ZAPD_EXIT_ERR, r;

	r = live_parse_opts(&l.o, argc, argv);
	if (r) {
		ret = r > 0 ? ZAPD_EXIT_OK : ZAPD_EXIT_USAGE;
		goto out;
	}
	libmsg_reset();
	/* no signal may interrupt setup: they wait for ppoll() */
	block_signals(&unblocked);
	if (setup(&l) < 0)
		goto out;
	if (l.o.user) {
		r = privsep(&l, &ret);
		if (r)
			goto out;
	}
	ret = trace(&l, &unblocked);
out:
	store_close(l.st);
	if (live_remove_instance(&l) < 0)
		ret = ZAPD_EXIT_ERR;
	live_free(&l);
	return ret;
}
