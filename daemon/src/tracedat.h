/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracedat.h - reading a trace-cmd trace.dat with libtracecmd.
 *
 * Owns: the libtracecmd handles of one file (the top buffer and every
 * instance buffer), their decoder tables (decode.h), the merge of all
 * buffers' records in time order, lost-event markers, and what the file
 * says about itself (uname, clock, saved kernel stats, event formats).
 * It feeds a run (run.h) and knows nothing of the database.
 */
#ifndef ZAPD_TRACEDAT_H
#define ZAPD_TRACEDAT_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

struct pair_spec;
struct run;
struct tracedat;

struct tracedat *tracedat_open(const char *file, int fd);
bool tracedat_has_zap(struct tracedat *td);
void tracedat_systems(struct tracedat *td, char *out, size_t len);
void tracedat_names(struct tracedat *td, struct zap_names *names);
struct tep_handle *tracedat_tep(struct tracedat *td);
void tracedat_uname(struct tracedat *td, char *host, char *rel, size_t len);
const char *tracedat_clock(struct tracedat *td);
const char *tracedat_buffers(struct tracedat *td);
int tracedat_read(struct tracedat *td, struct run *run,
		  const struct pair_spec *pairs, int npairs);
int tracedat_store(struct tracedat *td, struct run *run);
bool tracedat_complete(struct tracedat *td);
void tracedat_close(struct tracedat *td);

#endif /* ZAPD_TRACEDAT_H */
