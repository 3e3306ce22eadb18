// SPDX-License-Identifier: GPL-2.0
/*
 * reader.c - the import process's side of the reader process (see
 * reader.h, wire.h).
 *
 * Owns: the reader process's life: struct reader (reader-int.h) made and
 * freed, the fork, the child's limits and stdio, the loop over frames
 * (pump(): each frame handed to reader-frames.c), the end (W_END, W_FAIL,
 * a crash, a hang, garbage) and its words, the position reached
 * (records, last time stamp) and the reason when the reader ended early;
 * the saved stats parsed into loss rows at the end.
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
#include "libmsg.h"
#include "log.h"
#include "progress.h"
#include "reader.h"
#include "reader-int.h"
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
		r = reader_dispatch(rd, run, len);
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
	return reader_keep(rd, strndup(name, len));
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
