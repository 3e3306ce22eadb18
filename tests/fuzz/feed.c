// SPDX-License-Identifier: GPL-2.0
/*
 * feed.c - zapd import's reader, both sides, in one process (see feed.h).
 *
 * Owns: the rings and threads of one call: a producer thread (the
 * reader's code, or a writer of stored frames) and the calling thread as
 * the consumer, joined before the call returns.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kstack.h"
#include "libmsg.h"
#include "reader.h"
#include "ring.h"
#include "run.h"
#include "tracedat.h"
#include "feed.h"

/* struct stored - stored frames written into a ring by a thread */
struct stored {
	struct ring		*r;
	const unsigned char	*p;
	size_t			len;
};

/* frame_len - the bytes the frame at @p takes of the @left bytes left */
static uint32_t frame_len(const unsigned char *p, size_t left)
{
	struct ring_frame f;
	uint32_t n;

	memcpy(&f, p, sizeof(f));
	n = f.len < sizeof(f) ? (uint32_t)sizeof(f) : ring_align(f.len);
	if (n > RING_MAX_FRAME)
		n = RING_MAX_FRAME;
	return n > left ? (uint32_t)left : n;
}

/* write_stored - thread: every stored frame into the ring, then the end
 * of data (the producer's ends closed); stops early if the consumer
 * closed its ends */
static void *write_stored(void *arg)
{
	struct stored *s = arg;
	size_t at = 0;

	while (s->len - at >= sizeof(struct ring_frame)) {
		const unsigned char *p = s->p + at;
		uint32_t n = frame_len(p, s->len - at);
		struct ring_frame f;
		unsigned char *dst = ring_reserve(s->r, n);

		if (!dst)
			break;
		memcpy(&f, p, sizeof(f));
		memcpy(dst + sizeof(f), p + sizeof(f), n - sizeof(f));
		ring_commit(s->r, n, f.type, f.aux);
		at += n;
	}
	ring_flush(s->r);
	ring_parent(s->r);
	return NULL;
}

/* import_side - what zapd_import() (import.c) does with a reader, with
 * no database (--decode-only); 0 complete, 3 incomplete, 1 failed */
static int import_side(struct reader *rd, const struct pair_spec *pairs,
		       int npairs)
{
	struct keep_opts keep = { 0 };
	struct run *run;
	char sys[256];
	int ret = 1;

	if (cli_keep_done(&keep, "import", -1) < 0 || reader_ready(rd) < 0)
		return 1;
	run = run_new(pairs, npairs, reader_comm(rd), &keep);
	if (!run)
		return 1;
	if (!reader_info(rd)->has_zap && !npairs) {
		reader_read(rd, run);
		reader_systems(rd, sys, sizeof(sys));
	} else if (reader_read(rd, run) == 0 &&
		   run_finish(run, run_counts(run)->last_ts) == 0 &&
		   reader_store(rd, run) == 0 && run_store_stats(run) == 0) {
		ret = reader_complete(rd) ? 0 : 3;
	}
	run_free(run);
	return ret;
}

/**
 * feed_import() - the import process's side on stored frames
 * @frames: the frames (any bytes)
 * @len: their length
 * @pairs: --pair specs of the run
 * @npairs: how many
 *
 * Return: 0 read whole, 3 incomplete, 1 refused or failed (zapd import's
 * exit codes), -1 if the test itself could not run (memory, threads).
 */
int feed_import(const unsigned char *frames, size_t len,
		const struct pair_spec *pairs, int npairs)
{
	struct stored s = { .p = frames, .len = len };
	struct reader *rd;
	pthread_t t;
	int ret;

	libmsg_reset();
	s.r = ring_new();
	if (!s.r)
		return -1;
	if (pthread_create(&t, NULL, write_stored, &s)) {
		ring_free(s.r);
		return -1;
	}
	rd = reader_attach("fuzz.dat", s.r, npairs);
	ret = rd ? import_side(rd, pairs, npairs) : -1;
	ring_child(s.r);	/* the writer stops if it waits for room */
	pthread_join(t, NULL);
	reader_close(rd);
	kstack_free_all();
	ring_free(s.r);
	return ret;
}

/* struct serve - the reader's code on a thread */
struct serve {
	struct tracedat_args	a;
	int			ret;
};

/* serve_main - thread: tracedat_serve(), then the end of data */
static void *serve_main(void *arg)
{
	struct serve *sv = arg;

	sv->ret = tracedat_serve(&sv->a);
	ring_parent(sv->a.ring);
	return NULL;
}

/* append - @n bytes at the end of a growing buffer; -1 on ENOMEM */
static int append(unsigned char **buf, size_t *len, size_t *cap,
		  const void *p, size_t n)
{
	if (*len + n > *cap) {
		size_t nc = *cap ? *cap * 2 : 1u << 20;
		unsigned char *nb;

		while (nc < *len + n)
			nc *= 2;
		nb = realloc(*buf, nc);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	return 0;
}

/**
 * feed_capture() - the reader process's side on a trace.dat: every frame
 * it sends
 * @fd: the file (read through a dup and pread(): its offset must be 0)
 * @pairs: --pair specs
 * @npairs: how many
 * @frames: set to the frames (malloc'ed; the caller frees them)
 * @len: set to their length
 *
 * Return: tracedat_serve()'s exit code (0, or 1 after a W_FAIL), -1 if
 * the test itself could not run.
 */
int feed_capture(int fd, const struct pair_spec *pairs, int npairs,
		 unsigned char **frames, size_t *len)
{
	struct serve sv = { .a = { .file = "fuzz.dat", .fd = fd,
				   .pairs = pairs, .npairs = npairs } };
	unsigned char *frame = malloc(RING_MAX_FRAME);
	size_t cap = 0;
	pthread_t t;
	int n, ret = -1;

	*frames = NULL;
	*len = 0;
	sv.a.ring = ring_new();
	if (!frame || !sv.a.ring ||
	    pthread_create(&t, NULL, serve_main, &sv)) {
		free(frame);
		ring_free(sv.a.ring);
		return -1;
	}
	while ((n = ring_next(sv.a.ring, -1, frame)) > 0)
		if (append(frames, len, &cap, frame, (size_t)n) < 0)
			break;
	ring_child(sv.a.ring);
	pthread_join(t, NULL);
	if (n <= 0)
		ret = sv.ret;
	ring_free(sv.a.ring);
	free(frame);
	kstack_free_all();	/* a process of its own in zapd */
	libmsg_reset();
	return ret;
}

/**
 * feed_pairs() - the --pair specs fuzz-wire's runs have (so that pair
 * frames can be valid): munmap's syscalls keyed by pid, a sched pair
 * keyed by a field
 *
 * Return: the two specs (parsed once), or NULL if they do not parse.
 */
const struct pair_spec *feed_pairs(void)
{
	static struct pair_spec ps[FEED_NPAIRS];
	static int done;

	if (!done &&
	    (cli_pair_parse(&ps[0], "import", "syscalls:sys_enter_munmap,"
			    "syscalls:sys_exit_munmap") < 0 ||
	     cli_pair_parse(&ps[1], "import", "sched:sched_waking,"
			    "sched:sched_switch,pid") < 0))
		return NULL;
	done = 1;
	return ps;
}

/**
 * feed_is_tracedat() - would zapd import start a reader on these bytes
 * (the trace.dat magic: import.c's is_tracedat())?
 * @data: the file's bytes
 * @size: how many
 *
 * Return: 1 if so, 0 if not.
 */
int feed_is_tracedat(const unsigned char *data, size_t size)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r',
					       'a', 'c', 'i', 'n', 'g' };

	return size >= sizeof(magic) && !memcmp(data, magic, sizeof(magic));
}
