/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sink.h - the store on a writer thread (zapd import).
 *
 * Owns: one writer thread and the batches handed to it. The importing
 * thread reads, decodes and pairs; the writer thread makes every store_*
 * call of the run's rows, in the order they were queued. The two run in
 * parallel: import time is about max(decode, SQLite), not their sum.
 *
 * Invariants:
 *  - between sink_start() and sink_stop() only the writer thread touches
 *    the store;
 *  - records are copied into 256 KiB batches (an interval without its
 *    unused stage slots); strings are NOT copied: comm, buffer, source,
 *    kind and event names (also ext_event.name) must stay valid until
 *    sink_stop();
 *  - after a failed write the writer drops the rest; the next sink_*
 *    call (or sink_stop) returns -1, and the caller aborts the run.
 */
#ifndef ZAPD_SINK_H
#define ZAPD_SINK_H

#include <stdint.h>

#include "engine.h"
#include "store.h"

struct sink;

struct sink *sink_start(struct store *st);
int sink_interval(struct sink *k, const struct zap_interval *iv,
		  const char *comm);
int sink_range(struct sink *k, const struct zap_range *r, const char *comm);
int sink_lost(struct sink *k, const char *buffer, int cpu, int64_t ts_ns,
	      int64_t count, const char *source);
int sink_orphan(struct sink *k, const struct zap_orphan *o,
		const char *comm);
int sink_event(struct sink *k, const struct ext_event *e);
int sink_stop(struct sink *k);

#endif /* ZAPD_SINK_H */
