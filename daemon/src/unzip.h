/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unzip.h - a compressed trace.dat made readable in linear time.
 *
 * libtracecmd 1.3.1 (trace-cmd 3.1.6, Debian bookworm) reads the chunks
 * of a compressed (version 7) file through a per-CPU list of decompressed
 * chunks that it searches linearly and never frees (free_zpage(): fixed
 * upstream in trace-cmd 3.2, commit 5274db32): reading is quadratic in
 * the trace's size and its memory only grows. The library's own linear
 * path is the one `trace-cmd convert` takes: tracecmd_copy() makes the
 * input handle decompress each CPU's data into a temporary file, then
 * copies it out. unzip.c copies to /dev/null and reads that handle.
 *
 * Owns: the library's temporary files (files with no name: O_TMPFILE,
 * gone with their last descriptor, also after kill -9; the reader
 * process's mkstemp64() takes over the library's
 * "/tmp/trace_cpu_dataXXXXXX"), the estimate of the space they need and
 * its check against the free space of the directory ($TMPDIR, else
 * /var/tmp), and a progress figure (bytes decompressed).
 *
 * Invariants:
 *  - runs in the reader process only (tracedat.c), never in the process
 *    that holds the database;
 *  - no temporary file ever has a name, so none can be left behind; the
 *    library's unlink() of the name it thinks it made is harmless;
 *  - nothing is written before the free space is checked (one line if it
 *    does not fit).
 */
#ifndef ZAPD_UNZIP_H
#define ZAPD_UNZIP_H

#include <stdbool.h>
#include <stdint.h>

struct tracecmd_input;

bool unzip_needed(struct tracecmd_input *h);
uint64_t unzip_estimate(struct tracecmd_input *h);
const char *unzip_dir(void);
int unzip_check_space(uint64_t need, char *msg, size_t len);
struct tracecmd_input *unzip_open(int fd, char *msg, size_t len);
uint64_t unzip_written(void);

#endif /* ZAPD_UNZIP_H */
