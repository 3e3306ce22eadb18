/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live-int.h - the live source's private header, shared by live.c (the
 * run: orchestration, main loop, signals, privilege separation),
 * live-opts.c (command line), live-instance.c (tracefs instance, events,
 * filters), live-reader.c (per-CPU readers, time merge, loss accounting),
 * live-owner.c (owner files, stale instances, the guardian) and
 * watchdog.c (stall rows). Nothing outside live*.c and watchdog.c
 * includes it.
 */
#ifndef ZAPD_LIVE_INT_H
#define ZAPD_LIVE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "decode.h"
#include "record.h"
#include "subbuf.h"

#define DEFAULT_INSTANCE	"zapd"
/* owner files of the instances zapd live created (live-owner.c) */
#define LIVE_OWNER_DIR		"/run/zapd/instances"
/* zapd live's --slower-than unless --all or --slower-than is given: keeps
 * up with a munmap storm (docs/performance.md) */
#define LIVE_SLOWER_THAN_NS	(100 * 1000ll)
/* histograms, totals, counters, record counts and stats-file losses are
 * committed this often (ms), rows every --commit-ms */
#define LIVE_STATS_MS		5000
#define LIVE_MAX_EVENTS		32	/* -e */
#define LIVE_MAX_PIDS		64	/* --pid */

struct tracefs_instance;
struct tracefs_cpu;
struct tep_handle;
struct store;
struct writer;
struct run;
struct run_counts;
struct comm;

/* struct live_opts - the command line of zapd live */
struct live_opts {
	const char		*db, *instance, *label, *user;
	const char		*comm, *mm, *filter;
	char			pids[LIVE_MAX_PIDS * 12];
	bool			zap, stages, lock;
	bool			why;		/* attribution + caller */
	long			context_ms;	/* 0: store every extra */
	long			context_min_us;	/* slow for --context-ms */
	const char		*events[LIVE_MAX_EVENTS];
	int			nevents;
	struct pair_spec	pairs[ZAPD_MAX_PAIRS];
	int			npairs;
	long			buffer_kb;	/* 0: kernel default */
	long			stall_ms, commit_ms;
	double			duration;	/* 0: until a signal */
	struct keep_opts	keep;		/* --slower-than, --all */
	uid_t			uid;
	gid_t			gid;
};

/*
 * struct rslot - what a CPU's reader queued for the merge: a sub-buffer
 * as read from trace_pipe_raw (decoded in place when the merge reaches
 * it), or a loss
 */
struct rslot {
	void		*page;		/* NULL: a loss at @ts */
	uint32_t	len;		/* page: bytes read */
	uint64_t	ts;		/* page: timestamp (<= its records') */
	int64_t		count;		/* loss: events lost, -1 unknown */
	bool		shadow;		/* loss: taints, writes no row */
};

/* struct lcpu - one CPU's reader and its place in the merge */
struct lcpu {
	int			cpu;
	int			fd;		/* trace_pipe_raw, O_NONBLOCK */
	int			stats_fd;	/* per_cpu/cpuN/stats */
	struct tracefs_cpu	*tcpu;
	struct subbuf		sb;		/* on the head page */
	uint64_t		overrun, dropped;	/* stats last seen */
	uint64_t		last_ts;	/* timestamp of the last page */
	struct rslot		*q;		/* FIFO: [qhead, qlen) */
	size_t			qhead, qlen, qcap;
	const void		*rec;		/* head page's next record */
	uint64_t		rec_ts;
	int64_t			missed;		/* lost before @rec (marker) */
};
/* struct live - one zapd live run */
struct live {
	struct live_opts	o;
	struct tracefs_instance	*inst;
	bool			own_inst;	/* we created it: remove it */
	int			owner_fd;	/* its owner file, locked */
	char			*owner_path;
	int			guard_fd;	/* the guardian's pipe */
	pid_t			parent;		/* --user child: the root one */
	struct tep_handle	*tep;
	struct dectab		dec;		/* enabled events, by id */
	struct evdec		**hs;		/* the same, in setup order */
	int			nh;
	int			nh_asked;	/* hs[nh_asked..]: --why's */
	struct lcpu		*cpus;
	int			ncpus;
	void			**pool;		/* free sub-buffer pages */
	int			npool, poolcap;
	int			subbuf;
	int			long_size;	/* the kernel's (subbuf.h) */
	bool			type_fast;	/* common_type at ftype */
	struct dec_fast		ftype;
	int			on_fd;		/* tracing_on */
	bool			trigger;	/* stacktrace on zap_pte_lock */
	int			cmdlines_fd;	/* saved_cmdlines */
	struct store		*st;
	struct writer		*w;
	struct comm		*comm;
	struct run		*run;
	struct run_counts	*counts;	/* run_counts(run) */
	struct zap_names	names;
	bool			commit_now;	/* a stall row was written */
	int64_t			run_id;
};

/* live-opts.c */
int live_parse_opts(struct live_opts *o, int argc, char **argv);

/* live-instance.c */
int live_load_tep(struct live *l);
int live_load_kallsyms(struct live *l);
int live_setup_events(struct live *l);
int live_setup_instance(struct live *l);
void live_instance_in_use(const char *name);
void live_close_files(struct live *l);
int live_remove_instance(struct live *l);

/* live-owner.c */
void live_owner_sweep(void);
int live_owner_claim(struct live *l);
void live_owner_record(struct live *l);
void live_owner_release(struct live *l, bool gone);
int live_guard(struct live *l);

/* live-reader.c */
int live_pass(struct live *l, bool drain);
int live_read_stats(struct lcpu *c, uint64_t *overrun, uint64_t *dropped);
int live_check_stats(struct live *l, uint64_t now);
void live_reader_free(struct live *l);

/* watchdog.c */
int watchdog_check(struct live *l, uint64_t now_ns);

#endif /* ZAPD_LIVE_INT_H */
