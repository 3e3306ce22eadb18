/* SPDX-License-Identifier: GPL-2.0 */
/*
 * comm.h - task names (comm) of pids, for the rows zapd stores.
 *
 * Owns: a pid -> comm cache over one of three backends:
 *  - trace: the saved cmdlines of a trace.dat (libtraceevent's list);
 *  - host: /proc/PID/comm, falling back to tracefs saved_cmdlines for
 *    tasks that already exited (zapd live);
 *  - table: names handed in with comm_set() (a reader process sends the
 *    trace's cmdlines).
 *
 * Invariants:
 *  - a returned name is interned: the pointer stays valid, and the bytes
 *    unchanged, until comm_free() (the writer thread stores it later);
 *  - names are byte for byte the kernel's (tabs, newlines, an empty
 *    name ""), only /proc's one trailing newline is dropped; NULL means
 *    unknown.
 */
#ifndef ZAPD_COMM_H
#define ZAPD_COMM_H

struct tep_handle;
struct comm;

struct comm *comm_new_trace(struct tep_handle *tep);
struct comm *comm_new_host(int cmdlines_fd);
struct comm *comm_new_table(void);
int comm_set(struct comm *c, int pid, const char *name, int len);
const char *comm_get(struct comm *c, int pid);
void comm_free(struct comm *c);

#endif /* ZAPD_COMM_H */
