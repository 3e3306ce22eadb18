// SPDX-License-Identifier: GPL-2.0
/*
 * sink.c - the store on a writer thread (see sink.h).
 *
 * A ring of NBATCH batches: the producer fills slot prod (= (head + full)
 * % NBATCH, tracked on its own), the writer drains slot head; one mutex
 * and one condition variable, taken once per batch (a few thousand
 * records), never per record. A slot's contents change hands under the
 * mutex (full++ by the producer, full-- by the writer).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sink.h"

#define NBATCH		4
#define BATCH_BYTES	(256 * 1024)

enum { R_IV, R_RANGE, R_LOST, R_ORPHAN, R_EVENT };

/* struct rec - a record header; the payload follows, 8-byte aligned */
struct rec {
	uint32_t	type;
	uint32_t	len;		/* whole record, header included */
	const char	*comm;		/* or buffer (R_LOST) */
};

struct lost_rec {
	const char	*source;
	int		cpu;
	int64_t		ts_ns, count;
};

struct batch {
	size_t		used;
	unsigned char	*data;
};

struct sink {
	struct store		*st;
	pthread_t		thread;
	pthread_mutex_t		mu;
	pthread_cond_t		cv;
	struct batch		b[NBATCH];
	int			head, full;	/* writer's slot, full slots */
	int			prod;		/* producer's slot (its own) */
	bool			done;		/* producer: no more batches */
	bool			failed;		/* writer: a write failed */
	bool			started;
	double			prod_wait, writer_wait;	/* ms, debug */
};

/* mono_ms - CLOCK_MONOTONIC in ms */
static double mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* apply - one record to the store */
static int apply(struct store *st, const struct rec *r)
{
	const void *p = r + 1;
	const struct lost_rec *l;

	switch (r->type) {
	case R_IV:
		return store_interval(st, p, r->comm);
	case R_RANGE:
		return store_range(st, p, r->comm);
	case R_LOST:
		l = p;
		return store_lost(st, r->comm, l->cpu, l->ts_ns, l->count,
				  l->source);
	case R_ORPHAN:
		return store_orphan(st, p, r->comm);
	case R_EVENT:
		return store_event(st, p);
	}
	return -1;
}

/* writer - the thread: drain full batches until done */
static void *writer(void *arg)
{
	struct sink *k = arg;
	struct batch *b;
	size_t off;
	bool failed = false;

	for (;;) {
		double t0 = mono_ms();

		pthread_mutex_lock(&k->mu);
		while (!k->full && !k->done)
			pthread_cond_wait(&k->cv, &k->mu);
		k->writer_wait += mono_ms() - t0;
		if (!k->full) {
			pthread_mutex_unlock(&k->mu);
			break;
		}
		b = &k->b[k->head];
		pthread_mutex_unlock(&k->mu);

		for (off = 0; !failed && off < b->used;) {
			const struct rec *r = (const void *)(b->data + off);

			failed = apply(k->st, r) < 0;
			off += r->len;
		}
		b->used = 0;

		pthread_mutex_lock(&k->mu);
		k->head = (k->head + 1) % NBATCH;
		k->full--;
		k->failed |= failed;
		pthread_cond_broadcast(&k->cv);
		pthread_mutex_unlock(&k->mu);
	}
	return NULL;
}

/**
 * sink_start() - start the writer thread for @st
 * @st: store with an open run; not touched by the caller until sink_stop()
 *
 * Return: the sink, or NULL (one line logged).
 */
struct sink *sink_start(struct store *st)
{
	struct sink *k = calloc(1, sizeof(*k));
	int i;

	if (!k)
		goto nomem;
	k->st = st;
	for (i = 0; i < NBATCH; i++) {
		k->b[i].data = malloc(BATCH_BYTES);
		if (!k->b[i].data)
			goto nomem;
	}
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	if (pthread_create(&k->thread, NULL, writer, k)) {
		log_warnx("cannot start the database writer thread");
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
		goto fail;
	}
	pthread_setname_np(k->thread, "zapd-writer");
	k->started = true;
	return k;
nomem:
	log_warnx("out of memory");
fail:
	for (i = 0; k && i < NBATCH; i++)
		free(k->b[i].data);
	free(k);
	return NULL;
}

/* handoff - pass the producer's slot to the writer, wait for a free one */
static int handoff(struct sink *k)
{
	bool failed;

	double t0 = mono_ms();

	pthread_mutex_lock(&k->mu);
	k->full++;
	pthread_cond_broadcast(&k->cv);
	while (k->full == NBATCH)
		pthread_cond_wait(&k->cv, &k->mu);
	k->prod_wait += mono_ms() - t0;
	failed = k->failed;
	pthread_mutex_unlock(&k->mu);
	k->prod = (k->prod + 1) % NBATCH;
	return failed ? -1 : 0;
}

/* put - a record of @len payload bytes; returns where the payload goes */
static void *put(struct sink *k, uint32_t type, const char *comm,
		 size_t len, int *err)
{
	size_t need = (sizeof(struct rec) + len + 7) & ~(size_t)7;
	struct batch *b;
	struct rec *r;

	/* the producer's slot: nobody else touches it while it is not full */
	b = &k->b[k->prod];
	if (b->used + need > BATCH_BYTES) {
		if (handoff(k) < 0) {
			*err = -1;
			return NULL;
		}
		b = &k->b[k->prod];
	}
	r = (void *)(b->data + b->used);
	r->type = type;
	r->len = (uint32_t)need;
	r->comm = comm;
	b->used += need;
	*err = 0;
	return r + 1;
}

/**
 * sink_interval() - queue store_interval(@iv, @comm)
 * @k: sink
 * @iv: copied (its used stages only)
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed (abort the run).
 */
int sink_interval(struct sink *k, const struct zap_interval *iv,
		  const char *comm)
{
	size_t len = offsetof(struct zap_interval, stages) +
		     (size_t)iv->nstages * sizeof(iv->stages[0]);
	int err;
	void *p = put(k, R_IV, comm, len, &err);

	if (p)
		memcpy(p, iv, len);
	return err;
}

/**
 * sink_range() - queue store_range(@r, @comm)
 * @k: sink
 * @r: copied
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int sink_range(struct sink *k, const struct zap_range *r, const char *comm)
{
	int err;
	void *p = put(k, R_RANGE, comm, sizeof(*r), &err);

	if (p)
		memcpy(p, r, sizeof(*r));
	return err;
}

/**
 * sink_lost() - queue store_lost()
 * @k: sink
 * @buffer: NOT copied
 * @cpu: CPU
 * @ts_ns: time, < 0 if none
 * @count: events lost, < 0 if unknown
 * @source: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int sink_lost(struct sink *k, const char *buffer, int cpu, int64_t ts_ns,
	      int64_t count, const char *source)
{
	int err;
	struct lost_rec *l = put(k, R_LOST, buffer, sizeof(*l), &err);

	if (l) {
		l->source = source;
		l->cpu = cpu;
		l->ts_ns = ts_ns;
		l->count = count;
	}
	return err;
}

/**
 * sink_orphan() - queue store_orphan(@o, @comm)
 * @k: sink
 * @o: copied (o->name is not)
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int sink_orphan(struct sink *k, const struct zap_orphan *o,
		const char *comm)
{
	int err;
	void *p = put(k, R_ORPHAN, comm, sizeof(*o), &err);

	if (p)
		memcpy(p, o, sizeof(*o));
	return err;
}

/**
 * sink_event() - queue store_event(@e)
 * @k: sink
 * @e: copied (e->name is not)
 *
 * Return: 0, or -1 if the writer failed.
 */
int sink_event(struct sink *k, const struct ext_event *e)
{
	int err;
	void *p = put(k, R_EVENT, NULL, sizeof(*e), &err);

	if (p)
		memcpy(p, e, sizeof(*e));
	return err;
}

/**
 * sink_stop() - write what is queued, stop the thread, free the sink
 * @k: sink (NULL is fine)
 *
 * The store belongs to the caller again afterwards.
 *
 * Return: 0, or -1 if any write failed.
 */
int sink_stop(struct sink *k)
{
	bool failed;
	double t0;
	int i;

	if (!k)
		return 0;
	pthread_mutex_lock(&k->mu);
	if (k->b[k->prod].used)
		k->full++;
	k->done = true;
	pthread_cond_broadcast(&k->cv);
	pthread_mutex_unlock(&k->mu);
	t0 = mono_ms();
	pthread_join(k->thread, NULL);
	failed = k->failed;
	log_debug("writer thread: waited %.0f ms for work; importer waited "
		  "%.0f ms for the writer, %.0f ms at the end",
		  k->writer_wait, k->prod_wait, mono_ms() - t0);
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	for (i = 0; i < NBATCH; i++)
		free(k->b[i].data);
	free(k);
	return failed ? -1 : 0;
}
