/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpriv.h - functions libtracecmd exports but its installed header
 * (trace-cmd.h) does not declare.
 *
 * They are declared in trace-cmd's own lib/trace-cmd/include/private/
 * trace-cmd-private.h, which Debian does not ship; the prototypes below
 * are those of trace-cmd 3.1.6 (libtracecmd.so.1, 1.3.1), the version
 * zapd is built and tested with (scripts/packages.txt). trace-cmd's own
 * tools (report, convert) call them. Only the reader process
 * (tracedat.c, unzip.c) uses them.
 */
#ifndef ZAPD_TCPRIV_H
#define ZAPD_TCPRIV_H

#include <trace-cmd.h>

struct tracecmd_output;

/* enum tracecmd_file_states: TRACECMD_FILE_CPU_FLYRECORD (copy all) */
#define TCPRIV_FILE_CPU_FLYRECORD	11

const char *tracecmd_get_uname(struct tracecmd_input *handle);
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);
int tracecmd_page_size(struct tracecmd_input *handle);
struct tep_record *tracecmd_read_cpu_last(struct tracecmd_input *handle,
					  int cpu);
int tracecmd_get_file_compress_proto(struct tracecmd_input *handle,
				     const char **name, const char **version);
struct tracecmd_output *tracecmd_copy(struct tracecmd_input *ihandle,
				      const char *file, int state,
				      int file_version,
				      const char *compression);
void tracecmd_output_close(struct tracecmd_output *handle);
int tracecmd_set_all_cpus_to_timestamp(struct tracecmd_input *handle,
				       unsigned long long time);

#endif /* ZAPD_TCPRIV_H */
