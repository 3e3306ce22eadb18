// SPDX-License-Identifier: GPL-2.0
/*
 * writer.c - the store on a writer thread (see writer.h).
 *
 * A ring of NBATCH batches: the producer fills slot prod (= (head + full)
 * % NBATCH, tracked on its own), the writer drains slot head; one mutex
 * and one condition variable, taken once per batch (a few thousand
 * records, or one commit interval), never per record. A slot's contents
 * change hands under the mutex (full++ by the producer, full-- by the
 * writer).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "timeutil.h"
#include "writer.h"

#define NBATCH		4
#define BATCH_BYTES	(256 * 1024)

enum {
	R_IV, R_IV_OPEN, R_IV_CLOSE, R_RANGE, R_LOST, R_ORPHAN, R_EVENT,
	R_FIELDS, R_COUNT, R_STAT, R_COMMIT, R_HIST, R_TALLY,
};

/* struct rec - a record header; the payload follows, 8-byte aligned */
struct rec {
	uint32_t	type;
	uint32_t	len;		/* whole record, header included */
	const char	*str;		/* comm, or buffer (R_LOST, R_COUNT),
					 * or name (R_FIELDS, R_STAT) */
};

struct lost_rec {
	const char	*source;
	int		cpu;
	int64_t		ts_ns, count;
};

struct fields_rec {
	int		n;
	const char	*f[EXT_MAX_ARGS];
};

struct count_rec {
	const char	*system, *event;
	int		cpu;
	int64_t		count;
};

struct batch {
	size_t		used;
	unsigned char	*data;
};

struct writer {
	struct store		*st;
	pthread_t		thread;
	pthread_mutex_t		mu;
	pthread_cond_t		cv;
	struct batch		b[NBATCH];
	int			head, full;	/* writer's slot, full slots */
	int			prod;		/* producer's slot (its own) */
	bool			done;		/* producer: no more batches */
	bool			failed;		/* writer: a write failed */
	double			prod_wait, writer_wait;	/* ms, debug */
};

/* apply - one record to the store */
static int apply(struct store *st, const struct rec *r)
{
	const void *p = r + 1;
	const struct lost_rec *l = p;
	const struct fields_rec *f = p;
	const struct count_rec *c = p;

	switch (r->type) {
	case R_IV:
		return store_interval(st, p, r->str);
	case R_IV_OPEN:
		return store_interval_open(st, p, r->str);
	case R_IV_CLOSE:
		return store_interval_close(st, p, r->str);
	case R_RANGE:
		return store_range(st, p, r->str);
	case R_LOST:
		return store_lost(st, r->str, l->cpu, l->ts_ns, l->count,
				  l->source);
	case R_ORPHAN:
		return store_orphan(st, p, r->str);
	case R_EVENT:
		return store_event(st, p);
	case R_FIELDS:
		return store_event_fields(st, r->str, f->n, f->f);
	case R_COUNT:
		return store_event_count(st, r->str, c->system, c->event,
					 c->cpu, c->count);
	case R_STAT:
		return store_stat(st, r->str, *(const int64_t *)p);
	case R_COMMIT:
		return store_commit(st);
	case R_HIST:
		return store_hist(st, p);
	case R_TALLY:
		return store_tally(st, p);
	}
	return -1;
}

/* take - wait for a full batch; NULL when the producer is done */
static struct batch *take(struct writer *w)
{
	double t0 = mono_ms();
	struct batch *b = NULL;

	pthread_mutex_lock(&w->mu);
	while (!w->full && !w->done)
		pthread_cond_wait(&w->cv, &w->mu);
	w->writer_wait += mono_ms() - t0;
	if (w->full)
		b = &w->b[w->head];
	pthread_mutex_unlock(&w->mu);
	return b;
}

/* writer_main - the thread: drain full batches until done */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct batch *b;
	bool failed = false;
	size_t off;

	while ((b = take(w))) {
		for (off = 0; !failed && off < b->used;) {
			const struct rec *r = (const void *)(b->data + off);

			failed = apply(w->st, r) < 0;
			off += r->len;
		}
		b->used = 0;
		pthread_mutex_lock(&w->mu);
		w->head = (w->head + 1) % NBATCH;
		w->full--;
		w->failed |= failed;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/**
 * writer_start() - start the writer thread for @st
 * @st: store with an open run; not touched by the caller until
 *	writer_stop()
 *
 * Return: the writer, or NULL (one line logged).
 */
struct writer *writer_start(struct store *st)
{
	struct writer *w = calloc(1, sizeof(*w));
	int i;

	if (!w)
		goto nomem;
	w->st = st;
	for (i = 0; i < NBATCH; i++) {
		w->b[i].data = malloc(BATCH_BYTES);
		if (!w->b[i].data)
			goto nomem;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		log_warnx("cannot start the database writer thread");
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		goto fail;
	}
	pthread_setname_np(w->thread, "zapd-writer");
	return w;
nomem:
	log_warnx("out of memory");
fail:
	for (i = 0; w && i < NBATCH; i++)
		free(w->b[i].data);
	free(w);
	return NULL;
}

/* handoff - pass the producer's slot to the writer, wait for a free one */
static int handoff(struct writer *w)
{
	double t0 = mono_ms();
	bool failed;

	pthread_mutex_lock(&w->mu);
	w->full++;
	pthread_cond_broadcast(&w->cv);
	while (w->full == NBATCH)
		pthread_cond_wait(&w->cv, &w->mu);
	w->prod_wait += mono_ms() - t0;
	failed = w->failed;
	pthread_mutex_unlock(&w->mu);
	w->prod = (w->prod + 1) % NBATCH;
	return failed ? -1 : 0;
}

/* put - a record of @len payload bytes; returns where the payload goes */
static void *put(struct writer *w, uint32_t type, const char *str,
		 size_t len, int *err)
{
	size_t need = (sizeof(struct rec) + len + 7) & ~(size_t)7;
	struct batch *b;
	struct rec *r;

	/* the producer's slot: nobody else touches it while it is not full */
	b = &w->b[w->prod];
	if (b->used + need > BATCH_BYTES) {
		if (handoff(w) < 0) {
			*err = -1;
			return NULL;
		}
		b = &w->b[w->prod];
	}
	r = (void *)(b->data + b->used);
	r->type = type;
	r->len = (uint32_t)need;
	r->str = str;
	b->used += need;
	*err = 0;
	return r + 1;
}

/* put_copy - a record whose payload is a copy of @len bytes at @p */
static int put_copy(struct writer *w, uint32_t type, const char *str,
		    const void *p, size_t len)
{
	int err;
	void *d = put(w, type, str, len, &err);

	if (d)
		memcpy(d, p, len);
	return err;
}

/* iv_len - the bytes of @iv worth copying: no unused stage slots */
static size_t iv_len(const struct zap_interval *iv)
{
	return offsetof(struct zap_interval, stages) +
	       (size_t)iv->nstages * sizeof(iv->stages[0]);
}

/**
 * writer_interval() - queue store_interval(@iv, @comm)
 * @w: writer
 * @iv: copied (its used stages only)
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed (abort the run).
 */
int writer_interval(struct writer *w, const struct zap_interval *iv,
		    const char *comm)
{
	return put_copy(w, R_IV, comm, iv, iv_len(iv));
}

/**
 * writer_interval_open() - queue store_interval_open(@iv, @comm): the
 * watchdog's row of an interval that is still open
 * @w: writer
 * @iv: copied
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_interval_open(struct writer *w, const struct zap_interval *iv,
			 const char *comm)
{
	return put_copy(w, R_IV_OPEN, comm, iv, iv_len(iv));
}

/**
 * writer_interval_close() - queue store_interval_close(@iv, @comm): the
 * final row of an interval the watchdog wrote as open
 * @w: writer
 * @iv: copied
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_interval_close(struct writer *w, const struct zap_interval *iv,
			  const char *comm)
{
	return put_copy(w, R_IV_CLOSE, comm, iv, iv_len(iv));
}

/**
 * writer_range() - queue store_range(@r, @comm)
 * @w: writer
 * @r: copied
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_range(struct writer *w, const struct zap_range *r,
		 const char *comm)
{
	return put_copy(w, R_RANGE, comm, r, sizeof(*r));
}

/**
 * writer_lost() - queue store_lost()
 * @w: writer
 * @buffer: NOT copied
 * @cpu: CPU
 * @ts_ns: time, < 0 if none
 * @count: events lost, < 0 if unknown
 * @source: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_lost(struct writer *w, const char *buffer, int cpu, int64_t ts_ns,
		int64_t count, const char *source)
{
	struct lost_rec l = {
		.source = source, .cpu = cpu, .ts_ns = ts_ns, .count = count,
	};

	return put_copy(w, R_LOST, buffer, &l, sizeof(l));
}

/**
 * writer_orphan() - queue store_orphan(@o, @comm)
 * @w: writer
 * @o: copied (o->name is not)
 * @comm: NOT copied
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_orphan(struct writer *w, const struct zap_orphan *o,
		  const char *comm)
{
	return put_copy(w, R_ORPHAN, comm, o, sizeof(*o));
}

/**
 * writer_event() - queue store_event(@e)
 * @w: writer
 * @e: copied (e->name is not)
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_event(struct writer *w, const struct ext_event *e)
{
	return put_copy(w, R_EVENT, NULL, e, sizeof(*e));
}

/**
 * writer_event_fields() - queue store_event_fields()
 * @w: writer
 * @name: "system:event", NOT copied
 * @n: number of fields (at most EXT_MAX_ARGS are kept)
 * @fields: their names, NOT copied (the array is)
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_event_fields(struct writer *w, const char *name, int n,
			const char *const *fields)
{
	struct fields_rec f = { .n = n < EXT_MAX_ARGS ? n : EXT_MAX_ARGS };

	memcpy(f.f, fields, f.n * sizeof(f.f[0]));
	return put_copy(w, R_FIELDS, name, &f, sizeof(f));
}

/**
 * writer_event_count() - queue store_event_count()
 * @w: writer
 * @buffer: NOT copied
 * @system: NOT copied
 * @event: NOT copied
 * @cpu: CPU
 * @count: records to add
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_event_count(struct writer *w, const char *buffer,
		       const char *system, const char *event, int cpu,
		       int64_t count)
{
	struct count_rec c = {
		.system = system, .event = event, .cpu = cpu, .count = count,
	};

	return put_copy(w, R_COUNT, buffer, &c, sizeof(c));
}

/**
 * writer_stat() - queue store_stat(@name, @value)
 * @w: writer
 * @name: NOT copied
 * @value: the counter's value
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_stat(struct writer *w, const char *name, int64_t value)
{
	return put_copy(w, R_STAT, name, &value, sizeof(value));
}

/**
 * writer_hist() - queue store_hist(@row)
 * @w: writer
 * @row: copied (its kind is not)
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_hist(struct writer *w, const struct hist_row *row)
{
	return put_copy(w, R_HIST, NULL, row, sizeof(*row));
}

/**
 * writer_tally() - queue store_tally(@row)
 * @w: writer
 * @row: copied (its kind and comm strings are not)
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_tally(struct writer *w, const struct tally_row *row)
{
	return put_copy(w, R_TALLY, NULL, row, sizeof(*row));
}

/**
 * writer_commit() - queue store_commit() and hand the batch over now
 * @w: writer
 *
 * Return: 0, or -1 if the writer failed.
 */
int writer_commit(struct writer *w)
{
	int err;

	put(w, R_COMMIT, NULL, 0, &err);
	if (err)
		return err;
	return handoff(w);
}

/**
 * writer_stop() - write what is queued, stop the thread, free the writer
 * @w: writer (NULL is fine)
 *
 * The store belongs to the caller again afterwards.
 *
 * Return: 0, or -1 if any write failed.
 */
int writer_stop(struct writer *w)
{
	bool failed;
	double t0;
	int i;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	if (w->b[w->prod].used)
		w->full++;
	w->done = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	t0 = mono_ms();
	pthread_join(w->thread, NULL);
	failed = w->failed;
	log_debug("writer thread: waited %.0f ms for work; producer waited "
		  "%.0f ms for the writer, %.0f ms at the end",
		  w->writer_wait, w->prod_wait, mono_ms() - t0);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	for (i = 0; i < NBATCH; i++)
		free(w->b[i].data);
	free(w);
	return failed ? -1 : 0;
}
