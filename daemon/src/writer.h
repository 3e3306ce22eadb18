/* SPDX-License-Identifier: GPL-2.0 */
/*
 * writer.h - the store on its own thread, for both sources.
 *
 * Owns: one writer thread and the batches handed to it. The reading
 * thread (import or live) decodes and pairs; the writer thread makes
 * every store_* call of the run's rows, in the order they were queued.
 * The two run in parallel: a run costs about max(read, SQLite), not
 * their sum, and a slow disk stalls the writer, not the reader.
 *
 * Invariants:
 *  - between writer_start() and writer_stop() only the writer thread
 *    touches the store;
 *  - records are copied into 256 KiB batches (an interval without its
 *    unused stage slots); strings are NOT copied: comm (comm.h interns
 *    them), buffer, source, kind, stat and event names (also those of
 *    histogram and tally rows) must stay valid
 *    until writer_stop();
 *  - a batch is handed over when it is full, at writer_commit() (so a
 *    live run's rows reach the database within its commit interval) and
 *    at writer_stop();
 *  - after a failed write the writer drops the rest (the store logged one
 *    line); the next writer_* call, or writer_stop(), returns -1 and the
 *    caller aborts the run.
 */
#ifndef ZAPD_WRITER_H
#define ZAPD_WRITER_H

#include <stdint.h>

#include "record.h"

struct store;
struct writer;

struct writer *writer_start(struct store *st);
int writer_interval(struct writer *w, const struct zap_interval *iv,
		    const char *comm);
int writer_interval_open(struct writer *w, const struct zap_interval *iv,
			 const char *comm);
int writer_interval_close(struct writer *w, const struct zap_interval *iv,
			  const char *comm);
int writer_range(struct writer *w, const struct zap_range *r,
		 const char *comm);
int writer_lost(struct writer *w, const char *buffer, int cpu, int64_t ts_ns,
		int64_t count, const char *source);
int writer_orphan(struct writer *w, const struct zap_orphan *o,
		  const char *comm);
int writer_event(struct writer *w, const struct ext_event *e);
int writer_event_fields(struct writer *w, const char *name, int n,
			const char *const *fields);
int writer_event_count(struct writer *w, const char *buffer,
		       const char *system, const char *event, int cpu,
		       int64_t count);
int writer_stat(struct writer *w, const char *name, int64_t value);
int writer_hist(struct writer *w, const struct hist_row *row);
int writer_tally(struct writer *w, const struct tally_row *row);
int writer_commit(struct writer *w);
int writer_stop(struct writer *w);

#endif /* ZAPD_WRITER_H */
