// SPDX-License-Identifier: GPL-2.0
/*
 * live.c - zapd live: stream events from a private tracefs instance into
 * the pairing engine and the SQLite store while the workload runs.
 *
 * Owns: the tracefs instance (created here, configured, removed on every
 * exit path after it was created; an instance of the same name that
 * already exists is refused, never touched), the per-CPU trace_pipe_raw
 * readers, the merge of the per-CPU streams into one time-ordered stream,
 * the loss accounting (sub-buffer markers and the per-CPU stats files),
 * the hang watchdog and the commit cadence.
 *
 * Invariants:
 *  - the instance uses the "mono" trace clock, so a record's timestamp and
 *    clock_gettime(CLOCK_MONOTONIC) are on one time line: the watchdog and
 *    the merge watermark compare them directly.
 *  - decoding is binary only and the same as import's (decode.c):
 *    tep_format_field pointers are resolved once per event at setup, each
 *    record costs tep_read_number_field() calls.
 *  - the engine is fed in timestamp order: records are queued per CPU and
 *    released up to a watermark W = (time before the read pass) - SLACK,
 *    lowered to the last timestamp read on any CPU that was not drained.
 *    Every record with ts <= W had been committed when its CPU was read.
 *  - a lost-events marker (first record of a sub-buffer after a gap) is fed
 *    as ZEV_LOST on its CPU before that record, and written to the lost
 *    table; with --pair (tasks migrate inside a pair) it also closes every
 *    open interval on every other CPU as tainted (no extra lost row).
 *  - an interval open for --stall-ms is written and committed at once
 *    ('open'); when it closes, that row is replaced by the final one.
 *  - the database is committed at least every --commit-ms.
 *  - signal handlers only set a flag; SIGINT/SIGTERM/SIGHUP are blocked
 *    except inside ppoll(), so a signal during setup cannot leave an
 *    instance behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "decode.h"
#include "engine.h"
#include "import.h"
#include "live.h"
#include "log.h"
#include "store.h"

#define DEFAULT_DB		"zap.db"
#define DEFAULT_INSTANCE	"zapd"
#define LIVE_MAX_EVENTS		32	/* -e */
#define LIVE_MAX_PIDS		64	/* --pid */
#define SLACK_NS		(10 * 1000000ull)	/* reserve -> commit */
#define PAGES_PER_PASS		256	/* per CPU, keeps the loop responsive */
#define STALL_LOG_MAX		100	/* stall lines before going quiet */
#define COMM_SLOTS		4096
#define NS_PER_MS		1000000ull

/* struct live_opts - the command line of zapd live */
struct live_opts {
	const char		*db, *instance, *label, *user;
	const char		*comm, *mm, *filter;
	char			pids[LIVE_MAX_PIDS * 12];
	bool			zap, stages, lock;
	const char		*events[LIVE_MAX_EVENTS];
	int			nevents;
	struct pair_spec	pairs[IMPORT_MAX_PAIRS];
	int			npairs;
	long			buffer_kb;	/* 0: kernel default */
	long			stall_ms, commit_ms;
	double			duration;	/* 0: until a signal */
	uid_t			uid;
	gid_t			gid;
};

/* struct handler - decoder (decode.c) and counts of one enabled event */
struct handler {
	struct evdec		d;
	uint64_t		*count;	/* per CPU, not yet stored */
	char			*name;	/* -e: "sys:event", stored as rows */
};

/* struct pend - a decoded record waiting for the watermark */
struct pend {
	struct zev	ev;
	bool		shadow;	/* ZEV_LOST that taints but writes no row */
};

/* struct lcpu - one CPU's reader */
struct lcpu {
	int			cpu;
	int			fd;		/* trace_pipe_raw, O_NONBLOCK */
	int			stats_fd;	/* per_cpu/cpuN/stats */
	struct tracefs_cpu	*tcpu;
	struct kbuffer		*kbuf;
	uint64_t		overrun, dropped;	/* stats last seen */
	uint64_t		last_ts;	/* last record read */
	struct pend		*q;
	size_t			qhead, qlen, qcap;
};

/* struct stall - an interval reported by the watchdog, by its row id */
struct stall {
	struct stall	*next;
	int		pair;
	uint64_t	key, start_ns;
	int64_t		id;
};

/* struct comm_slot - pid -> comm cache entry */
struct comm_slot {
	int	pid;
	char	comm[16];
};

/* struct live - one zapd live run */
struct live {
	struct live_opts	o;
	struct tracefs_instance	*inst;
	bool			own_inst;	/* we created it: remove it */
	struct tep_handle	*tep;
	struct handler		**byid;		/* by event id */
	int			nbyid;
	struct handler		**hs;		/* all, in setup order */
	int			nh;
	struct lcpu		*cpus;
	int			ncpus;
	void			*page;
	int			subbuf;
	int			on_fd;		/* tracing_on */
	int			cmdlines_fd;	/* saved_cmdlines */
	char			*cmdlines;
	uint64_t		cmdlines_ns;
	struct store		*st;
	struct engine		*eng;
	int			pair_ids[IMPORT_MAX_PAIRS];
	struct zap_names	names;
	struct stall		*stalls;
	struct comm_slot	*comms;
	bool			shadow;		/* feeding a shadow marker */
	bool			commit_now;	/* a stall row was written */
	uint64_t		events, zap_events, other_events;
	uint64_t		extra_events;	/* -e records stored */
	uint64_t		first_ts, last_ts;
	uint64_t		lost_markers, lost_stats, stall_count;
	int64_t			run_id;
	int			failed;
};

static volatile sig_atomic_t stop_sig;

/* on_signal - SIGINT/SIGTERM/SIGHUP: ask the loop to stop */
static void on_signal(int sig)
{
	stop_sig = sig;
}

/* mono_ns - CLOCK_MONOTONIC in ns: the "mono" trace clock's time line */
static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * tep_vprint() is overridden in import.c: libtraceevent and libtracefs
 * messages go to log_debug, so every error line on stderr is ours.
 */

static void usage(FILE *f)
{
	fprintf(f,
"usage: zapd [-v] live [--db PATH] [--duration SEC] [--run-label L]\n"
"                  [--stages] [--lock] [--zap] [-e SYS:EVENT]...\n"
"                  [--pair SYS:START,SYS:END[,FIELD]]...\n"
"                  [--pid PID[,PID...]] [--comm COMM] [--mm ADDR]\n"
"                  [--filter EXPR] [--buffer-kb KB] [--stall-ms MS]\n"
"                  [--commit-ms MS] [--instance NAME] [--user USER] [-v]\n"
"\n"
"Trace into a private tracefs instance (default '" DEFAULT_INSTANCE "')"
" and store\n"
"intervals in the database while the workload runs (docs/live.md).\n"
"  --zap             zap start/done (default unless --pair is given)\n"
"  --stages, --lock  also the stage / PTE lock events (imply --zap)\n"
"  -e SYS:EVENT      also enable EVENT, store its records (correlation)\n"
"  --pair S,E[,KEY]  pair any two events, keyed by pid or field KEY\n"
"  --pid, --comm     in-kernel filters: set_event_pid, COMM == \"..\"\n"
"  --mm ADDR         in-kernel filter on the zap events' mm field\n"
"  --filter EXPR     ANDed into every enabled event's filter\n"
"  --buffer-kb KB    per-CPU ring buffer size (default: kernel's)\n"
"  --stall-ms MS     write an 'open' row for an interval open MS ms"
" (100)\n"
"  --commit-ms MS    commit the database at least every MS ms (200)\n"
"  --duration SEC    stop after SEC seconds (default: SIGINT/SIGTERM)\n"
"  --user USER       drop privileges to USER after opening tracefs\n");
}

/* parse_long - a decimal in [min, max]; -1 with a message otherwise */
static int parse_long(const char *opt, const char *s, long min, long max,
		      long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		log_warnx("live: bad %s '%s' (want %ld..%ld)", opt, s, min,
			  max);
		return -1;
	}
	*out = v;
	return 0;
}

/* add_pids - append "PID[,PID...]" to o->pids as set_event_pid text */
static int add_pids(struct live_opts *o, const char *arg)
{
	char *s = strdup(arg), *p, *save = NULL;
	long v;
	int ret = -1;

	if (!s)
		return -1;
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(o->pids);

		if (parse_long("--pid", p, 1, 0x3fffffff, &v) < 0)
			goto out;
		if (l + 13 >= sizeof(o->pids)) {
			log_warnx("live: at most %d pids", LIVE_MAX_PIDS);
			goto out;
		}
		snprintf(o->pids + l, sizeof(o->pids) - l, "%s%ld",
			 l ? " " : "", v);
	}
	ret = 0;
out:
	free(s);
	return ret;
}

/* resolve_user - USER or UID[:GID] -> uid, gid (before any fork/chroot) */
static int resolve_user(struct live_opts *o, const char *arg)
{
	struct passwd *pw = getpwnam(arg);
	unsigned long u, g;
	char c;
	int n;

	if (pw) {
		o->uid = pw->pw_uid;
		o->gid = pw->pw_gid;
		return 0;
	}
	n = sscanf(arg, "%lu:%lu%c", &u, &g, &c);
	if (n == 2 || (n == 1 && !strchr(arg, ':') &&
		       sscanf(arg, "%lu%c", &u, &c) == 1)) {
		o->uid = (uid_t)u;
		o->gid = n == 2 ? (gid_t)g : (gid_t)u;
		return 0;
	}
	log_warnx("live: unknown user '%s' for --user", arg);
	return -1;
}

/* parse_opts - zapd live's command line; 0, 1 (--help) or -1 */
static int parse_opts(struct live_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "duration", required_argument, NULL, 'D' },
		{ "run-label", required_argument, NULL, 'l' },
		{ "instance", required_argument, NULL, 'I' },
		{ "zap", no_argument, NULL, 'z' },
		{ "stages", no_argument, NULL, 'S' },
		{ "lock", no_argument, NULL, 'L' },
		{ "event", required_argument, NULL, 'e' },
		{ "pair", required_argument, NULL, 'p' },
		{ "pid", required_argument, NULL, 'P' },
		{ "comm", required_argument, NULL, 'c' },
		{ "mm", required_argument, NULL, 'm' },
		{ "filter", required_argument, NULL, 'f' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "stall-ms", required_argument, NULL, 's' },
		{ "commit-ms", required_argument, NULL, 'C' },
		{ "user", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	o->db = DEFAULT_DB;
	o->instance = DEFAULT_INSTANCE;
	o->stall_ms = 100;
	o->commit_ms = 200;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "e:vh", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->db = optarg;
			break;
		case 'D':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !(o->duration > 0) || o->duration > 1e9) {
				log_warnx("live: bad --duration '%s' (want "
					  "seconds > 0)", optarg);
				return -1;
			}
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'I':
			if (!*optarg || strchr(optarg, '/') ||
			    optarg[0] == '.') {
				log_warnx("live: bad --instance '%s'", optarg);
				return -1;
			}
			o->instance = optarg;
			break;
		case 'z':
			o->zap = true;
			break;
		case 'S':
			o->stages = o->zap = true;
			break;
		case 'L':
			o->lock = o->zap = true;
			break;
		case 'e':
			if (!strchr(optarg, ':') || optarg[0] == ':' ||
			    !strchr(optarg, ':')[1]) {
				log_warnx("live: bad -e '%s': want SYS:EVENT",
					  optarg);
				return -1;
			}
			if (o->nevents == LIVE_MAX_EVENTS) {
				log_warnx("live: at most %d -e",
					  LIVE_MAX_EVENTS);
				return -1;
			}
			o->events[o->nevents++] = optarg;
			break;
		case 'p':
			if (o->npairs == IMPORT_MAX_PAIRS) {
				log_warnx("live: at most %d --pair",
					  IMPORT_MAX_PAIRS);
				return -1;
			}
			if (pair_spec_parse(&o->pairs[o->npairs], optarg) < 0)
				return -1;
			o->npairs++;
			break;
		case 'P':
			if (add_pids(o, optarg) < 0)
				return -1;
			break;
		case 'c':
			o->comm = optarg;
			break;
		case 'm':
			strtoull(optarg, &end, 0);
			if (end == optarg || *end) {
				log_warnx("live: bad --mm '%s' (want an "
					  "address, e.g. 0xffff888004a5c000)",
					  optarg);
				return -1;
			}
			o->mm = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'b':
			if (parse_long("--buffer-kb", optarg, 1, 1L << 30,
				       &o->buffer_kb) < 0)
				return -1;
			break;
		case 's':
			if (parse_long("--stall-ms", optarg, 1, 86400000,
				       &o->stall_ms) < 0)
				return -1;
			break;
		case 'C':
			if (parse_long("--commit-ms", optarg, 10, 3600000,
				       &o->commit_ms) < 0)
				return -1;
			break;
		case 'u':
			if (resolve_user(o, optarg) < 0)
				return -1;
			o->user = optarg;
			break;
		case 'v':
			log_init(log_verbose() + 1);
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:	/* one line, not getopt's message + usage */
			log_warnx("live: bad option or missing argument '%s' "
				  "(zapd live --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc) {
		log_warnx("live: unexpected argument '%s' (zapd live --help)",
			  argv[optind]);
		return -1;
	}
	if (!o->npairs)
		o->zap = true;
	return 0;
}

/* ---- setup: events ---------------------------------------------------- */

/* handler_for - the handler of @sys:@name, created if needed; NULL + log */
static struct handler *handler_for(struct live *l, const char *sys,
				   const char *name, const char *hint)
{
	struct tep_event *ev = tep_find_event_by_name(l->tep, sys, name);
	struct handler *h, **nb, **nh;
	int n;

	if (!ev) {
		log_warnx("live: unknown event '%s:%s'%s", sys, name,
			  hint ? hint : " (not in tracefs available_events)");
		return NULL;
	}
	if (ev->id < l->nbyid && l->byid[ev->id])
		return l->byid[ev->id];
	if (ev->id >= l->nbyid) {
		n = ev->id + 64;
		nb = realloc(l->byid, n * sizeof(*nb));
		if (!nb)
			goto nomem;
		memset(nb + l->nbyid, 0, (n - l->nbyid) * sizeof(*nb));
		l->byid = nb;
		l->nbyid = n;
	}
	nh = realloc(l->hs, (l->nh + 1) * sizeof(*nh));
	if (!nh)
		goto nomem;
	l->hs = nh;
	h = calloc(1, sizeof(*h));
	if (!h)
		goto nomem;
	dec_init(&h->d, ev);
	l->byid[ev->id] = h;
	l->hs[l->nh++] = h;
	return h;
nomem:
	log_warnx("live: out of memory");
	return NULL;
}

/* zap_missing - dec_setup_zap() callback: remember the first field the
 * format lacks (one error line) */
static void zap_missing(void *arg, const struct dec_zap *z,
			const char *field)
{
	const char **first = arg;

	if (!*first)
		*first = field;
}

/* setup_handlers - resolve every requested event; -1 + one line on error */
static int setup_handlers(struct live *l)
{
	static const char zap_hint[] = " (this kernel has no zap events: "
		"apply kernel-patches/, or use --pair on a stock kernel)";
	struct live_opts *o = &l->o;
	struct handler *h;
	char sys[128], *ev;
	int i, k;

	for (i = 0; o->zap && i < dec_nzaps; i++) {
		const struct dec_zap *z = &dec_zaps[i];
		const char *missing = NULL;

		if ((z->need == DEC_NEED_STAGES && !o->stages) ||
		    (z->need == DEC_NEED_LOCK && !o->lock))
			continue;
		h = handler_for(l, "zap", z->name, zap_hint);
		if (!h)
			return -1;
		if (dec_setup_zap(&h->d, z, zap_missing, &missing)) {
			log_warnx("live: zap:%s has no field '%s' (format "
				  "differs from docs/events.md)", z->name,
				  missing);
			return -1;
		}
	}
	for (i = 0; i < o->npairs; i++) {
		const struct pair_spec *ps = &o->pairs[i];

		for (k = 0; k < 2; k++) {
			h = handler_for(l, k ? ps->end_sys : ps->start_sys,
					k ? ps->end_ev : ps->start_ev, NULL);
			if (!h)
				return -1;
			if (h->d.kind >= 0) {
				log_warnx("live: event '%s:%s' is used twice "
					  "(in --pair or the zap events)",
					  h->d.ev->system, h->d.ev->name);
				return -1;
			}
			/* the engine pair id is known in begin_run() */
			if (dec_setup_pair(&h->d, k, i, -1,
					   ps->key_field) < 0) {
				log_warnx("live: event '%s:%s' has no field "
					  "'%s' (--pair key)", h->d.ev->system,
					  h->d.ev->name, ps->key_field);
				return -1;
			}
		}
	}
	for (i = 0; i < o->nevents; i++) {
		snprintf(sys, sizeof(sys), "%s", o->events[i]);
		ev = strchr(sys, ':');
		*ev++ = '\0';
		h = handler_for(l, sys, ev, NULL);
		if (!h)
			return -1;
		if (h->d.kind >= 0 || h->name)
			continue;	/* paired, or a second -e */
		/* not paired: every record is stored, for correlation */
		dec_setup_args(&h->d);
		if (asprintf(&h->name, "%s:%s", h->d.ev->system,
			     h->d.ev->name) < 0) {
			h->name = NULL;
			log_warnx("live: out of memory");
			return -1;
		}
	}
	return 0;
}

/* load_tep - event formats of the systems we use (not all of tracefs) */
static int load_tep(struct live *l)
{
	const char *sys[2 + 2 * IMPORT_MAX_PAIRS + LIVE_MAX_EVENTS + 1];
	char *copies[LIVE_MAX_EVENTS] = { 0 };
	int n = 0, i, j;

	/* add - a system name once */
#define ADD(s) do {							\
		for (j = 0; j < n && strcmp(sys[j], (s)); j++)		\
			;						\
		if (j == n)						\
			sys[n++] = (s);					\
	} while (0)
	if (l->o.zap)
		ADD("zap");
	for (i = 0; i < l->o.npairs; i++) {
		ADD(l->o.pairs[i].start_sys);
		ADD(l->o.pairs[i].end_sys);
	}
	for (i = 0; i < l->o.nevents; i++) {
		copies[i] = strndup(l->o.events[i],
				    strcspn(l->o.events[i], ":"));
		if (!copies[i])
			break;
		ADD(copies[i]);
	}
#undef ADD
	sys[n] = NULL;
	l->tep = tracefs_local_events_system(NULL, sys);
	for (i = 0; i < LIVE_MAX_EVENTS; i++)
		free(copies[i]);
	if (!l->tep) {
		log_warn("live: cannot read event formats from %s",
			 tracefs_tracing_dir());
		return -1;
	}
	return 0;
}

/* ---- setup: instance -------------------------------------------------- */

/* error_line - the kernel's last error_log entry of the instance, 1 line */
static void error_line(struct live *l, char *out, size_t len)
{
	char *e = tracefs_error_last(l->inst), *p, *q;

	out[0] = '\0';
	if (!e)
		return;
	p = e;
	if (*p == '[' && (q = strchr(p, ']')))	/* "[ 716.05] " stamp */
		p = q + 1;
	p += strspn(p, " ");
	p[strcspn(p, "\n")] = '\0';
	snprintf(out, len, "%s", p);
	free(e);
}

/* set_filters - in-kernel filters of every enabled event */
static int set_filters(struct live *l)
{
	struct live_opts *o = &l->o;
	char f[1024], kerr[512];
	bool mm_used = false;
	int i, n;

	for (i = 0; i < l->nh; i++) {
		struct tep_event *ev = l->hs[i]->d.ev;
		bool has_mm = o->mm && tep_find_field(ev, "mm");

		n = 0;
		f[0] = '\0';
		if (o->comm)
			n += snprintf(f + n, sizeof(f) - n, "COMM == \"%s\"",
				      o->comm);
		if (has_mm)
			n += snprintf(f + n, sizeof(f) - n, "%smm == %s",
				      n ? " && " : "", o->mm);
		if (o->filter)
			n += snprintf(f + n, sizeof(f) - n, "%s(%s)",
				      n ? " && " : "", o->filter);
		if (!n)
			continue;
		if ((size_t)n >= sizeof(f)) {
			log_warnx("live: filter too long");
			return -1;
		}
		mm_used |= has_mm;
		tracefs_error_clear(l->inst);
		if (tracefs_event_file_write(l->inst, ev->system, ev->name,
					     "filter", f) < 0) {
			error_line(l, kerr, sizeof(kerr));
			log_warnx("live: the kernel rejects filter '%s' on "
				  "%s:%s: %s", f, ev->system, ev->name,
				  kerr[0] ? kerr : "invalid filter");
			return -1;
		}
		log_debug("filter %s:%s: %s", ev->system, ev->name, f);
	}
	if (o->mm && !mm_used) {
		log_warnx("live: --mm: no enabled event has an mm field (the "
			  "zap events do)");
		return -1;
	}
	return 0;
}

/* open_file - open an instance file, one line on error */
static int open_file(struct live *l, const char *name, int flags)
{
	int fd = tracefs_instance_file_open(l->inst, name, flags | O_CLOEXEC);

	if (fd < 0)
		log_warn("live: cannot open %s/%s",
			 tracefs_instance_get_dir(l->inst) ?: "?", name);
	return fd;
}

/* open_cpus - per-CPU readers and stats files of the instance */
static int open_cpus(struct live *l)
{
	char name[64], *s;
	long n = sysconf(_SC_NPROCESSORS_CONF);
	int i;

	if (n < 1)
		n = 1;
	s = tracefs_instance_file_read(l->inst, "buffer_subbuf_size_kb",
				       NULL);
	l->subbuf = s ? atoi(s) * 1024 : 0;
	free(s);
	if (l->subbuf <= 0)
		l->subbuf = getpagesize();
	l->page = malloc(l->subbuf);
	l->cpus = calloc(n, sizeof(*l->cpus));
	if (!l->page || !l->cpus) {
		log_warnx("live: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct lcpu *c = &l->cpus[l->ncpus];

		snprintf(name, sizeof(name), "per_cpu/cpu%d", i);
		if (!tracefs_dir_exists(l->inst, name))
			continue;
		c->cpu = i;
		c->fd = c->stats_fd = -1;
		l->ncpus++;
		snprintf(name, sizeof(name), "per_cpu/cpu%d/trace_pipe_raw", i);
		c->fd = open_file(l, name, O_RDONLY | O_NONBLOCK);
		if (c->fd < 0)
			return -1;
		snprintf(name, sizeof(name), "per_cpu/cpu%d/stats", i);
		c->stats_fd = open_file(l, name, O_RDONLY);
		if (c->stats_fd < 0)
			return -1;
		c->tcpu = tracefs_cpu_alloc_fd(c->fd, l->subbuf, true);
		c->kbuf = tep_kbuffer(l->tep);
		if (!c->tcpu || !c->kbuf) {
			log_warnx("live: cannot set up the reader of CPU %d",
				  i);
			return -1;
		}
	}
	if (!l->ncpus) {
		log_warnx("live: instance has no per_cpu buffers");
		return -1;
	}
	return 0;
}

/* instance_in_use - the one line when --instance exists; returns -1 */
static int instance_in_use(const char *name)
{
	log_warnx("live: tracefs instance '%s' already exists (another zapd "
		  "live, or a leftover: rmdir %s/instances/%s); use --instance "
		  "NAME", name, tracefs_tracing_dir(), name);
	return -1;
}

/* setup_instance - create and configure the instance; -1 + one line */
static int setup_instance(struct live *l)
{
	struct live_opts *o = &l->o;
	int i;

	l->inst = tracefs_instance_create(o->instance);
	if (!l->inst) {
		log_warn("live: cannot create tracefs instance '%s'",
			 o->instance);
		return -1;
	}
	if (!tracefs_instance_is_new(l->inst))
		return instance_in_use(o->instance);
	l->own_inst = true;
	if (tracefs_trace_off(l->inst) < 0) {
		log_warn("live: cannot stop tracing in instance '%s'",
			 o->instance);
		return -1;
	}
	if (tracefs_instance_file_write(l->inst, "trace_clock", "mono") < 0) {
		log_warn("live: cannot set trace_clock mono");
		return -1;
	}
	if (o->buffer_kb &&
	    tracefs_instance_set_buffer_size(l->inst, o->buffer_kb, -1) < 0) {
		log_warn("live: cannot set buffer_size_kb to %ld",
			 o->buffer_kb);
		return -1;
	}
	if (o->pids[0] &&
	    tracefs_instance_file_write(l->inst, "set_event_pid",
					o->pids) < 0) {
		log_warn("live: cannot write set_event_pid '%s'", o->pids);
		return -1;
	}
	if (set_filters(l) < 0)
		return -1;
	for (i = 0; i < l->nh; i++) {
		struct tep_event *ev = l->hs[i]->d.ev;

		if (tracefs_event_file_write(l->inst, ev->system, ev->name,
					     "enable", "1") < 0) {
			log_warn("live: cannot enable %s:%s", ev->system,
				 ev->name);
			return -1;
		}
	}
	if (open_cpus(l) < 0)
		return -1;
	l->on_fd = open_file(l, "tracing_on", O_WRONLY);
	if (l->on_fd < 0)
		return -1;
	/* comm fallback for exited tasks; global, readable by root only */
	l->cmdlines_fd = open("/sys/kernel/tracing/saved_cmdlines",
			      O_RDONLY | O_CLOEXEC);
	if (l->cmdlines_fd < 0) {
		char *p = tracefs_get_tracing_file("saved_cmdlines");

		if (p)
			l->cmdlines_fd = open(p, O_RDONLY | O_CLOEXEC);
		tracefs_put_tracing_file(p);
	}
	log_info("instance '%s': %d CPUs, sub-buffer %d bytes, %d events",
		 o->instance, l->ncpus, l->subbuf, l->nh);
	return 0;
}

/* close_files - close every tracefs fd (the instance cannot go before) */
static void close_files(struct live *l)
{
	int i;

	for (i = 0; l->cpus && i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (c->tcpu)
			tracefs_cpu_free_fd(c->tcpu);
		c->tcpu = NULL;
		if (c->fd >= 0)
			close(c->fd);
		if (c->stats_fd >= 0)
			close(c->stats_fd);
		c->fd = c->stats_fd = -1;
	}
	if (l->on_fd >= 0)
		close(l->on_fd);
	if (l->cmdlines_fd >= 0)
		close(l->cmdlines_fd);
	l->on_fd = l->cmdlines_fd = -1;
}

/* remove_instance - disable and remove our instance (never another's) */
static int remove_instance(struct live *l)
{
	int ret = 0, tries;

	close_files(l);
	if (!l->inst)
		return 0;
	if (l->own_inst) {
		tracefs_trace_off(l->inst);
		/* rmdir fails with EBUSY while a reader still holds a file */
		for (tries = 0; tries < 50; tries++) {
			if (tracefs_instance_destroy(l->inst) == 0)
				break;
			if (errno != EBUSY)
				break;
			usleep(20000);
		}
		if (tracefs_instance_exists(l->o.instance)) {
			log_warn("live: cannot remove tracefs instance '%s'",
				 l->o.instance);
			ret = -1;
		}
	}
	tracefs_instance_free(l->inst);
	l->inst = NULL;
	l->own_inst = false;
	return ret;
}

/* ---- comm names ------------------------------------------------------- */

/* cmdlines_lookup - @pid in saved_cmdlines (re-read at most every 100 ms) */
static const char *cmdlines_lookup(struct live *l, int pid)
{
	char buf[16], *p;
	ssize_t n;
	size_t cap = 1 << 16, len = 0;
	uint64_t now = mono_ns();

	if (l->cmdlines_fd < 0)
		return NULL;
	if (!l->cmdlines || now - l->cmdlines_ns > 100 * NS_PER_MS) {
		char *b = malloc(cap);

		if (!b)
			return NULL;
		while ((n = pread(l->cmdlines_fd, b + len, cap - len - 1,
				  len)) > 0) {
			len += n;
			if (len + 1 >= cap) {
				char *nb = realloc(b, cap * 2);

				if (!nb)
					break;
				b = nb;
				cap *= 2;
			}
		}
		b[len] = '\0';
		free(l->cmdlines);
		l->cmdlines = b;
		l->cmdlines_ns = now;
	}
	snprintf(buf, sizeof(buf), "%d ", pid);
	for (p = l->cmdlines; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1
						      : NULL) {
		if (!strncmp(p, buf, strlen(buf)))
			return p + strlen(buf);
	}
	return NULL;
}

/* comm_of - task name of @pid, NULL if unknown */
static const char *comm_of(struct live *l, int pid)
{
	struct comm_slot *s = &l->comms[(unsigned)pid % COMM_SLOTS];
	char path[40];
	const char *c;
	ssize_t n;
	int fd;

	if (s->pid == pid && s->comm[0])
		return s->comm;
	s->pid = pid;
	s->comm[0] = '\0';
	if (pid == 0) {
		snprintf(s->comm, sizeof(s->comm), "swapper");
		return s->comm;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, s->comm, sizeof(s->comm) - 1);
		close(fd);
		s->comm[n > 0 ? n : 0] = '\0';
		s->comm[strcspn(s->comm, "\n")] = '\0';
		if (s->comm[0])
			return s->comm;
	}
	c = cmdlines_lookup(l, pid);
	if (!c)
		return NULL;
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)strcspn(c, "\n"), c);
	return s->comm[0] ? s->comm : NULL;
}

/* ---- engine -> store -------------------------------------------------- */

/* stall_take - unlink the watchdog entry of @iv; NULL if none */
static struct stall *stall_take(struct live *l, const struct zap_interval *iv)
{
	struct stall **pp, *s;

	for (pp = &l->stalls; (s = *pp); pp = &s->next) {
		if (s->pair == iv->pair && s->key == iv->key &&
		    s->start_ns == iv->start_ns) {
			*pp = s->next;
			return s;
		}
	}
	return NULL;
}

static int out_interval(void *arg, const struct zap_interval *iv)
{
	struct live *l = arg;
	const char *comm = comm_of(l, iv->pid);
	struct stall *s = iv->flagged ? stall_take(l, iv) : NULL;
	int ret;

	if (!s)
		return store_interval(l->st, iv, comm);
	ret = store_interval_close(l->st, s->id, iv, comm);
	log_info("stall over: %s pid %d after %llu ms (%s)", iv->kind,
		 iv->pid, (unsigned long long)((iv->end_ns - iv->start_ns) /
					       NS_PER_MS),
		 zap_end_name(iv->why));
	free(s);
	return ret;
}

static int out_range(void *arg, const struct zap_range *r)
{
	struct live *l = arg;

	return store_range(l->st, r, comm_of(l, r->pid));
}

static int out_lost(void *arg, int cpu, uint64_t ts, int64_t count)
{
	struct live *l = arg;

	if (l->shadow)
		return 0;
	return store_lost(l->st, l->o.instance, cpu, (int64_t)ts, count,
			  "marker");
}

static int out_orphan(void *arg, const struct zap_orphan *o)
{
	struct live *l = arg;

	return store_orphan(l->st, o, comm_of(l, o->pid));
}

static const struct engine_ops live_ops = {
	.interval = out_interval,
	.range = out_range,
	.lost = out_lost,
	.orphan = out_orphan,
};

/* on_stall - engine_walk_open() callback: report a new stall at once */
static int on_stall(void *arg, const struct zap_interval *iv, uint64_t age)
{
	struct live *l = arg;
	const char *comm = comm_of(l, iv->pid);
	struct stall *s;
	char where[96] = "";

	if (iv->flagged)
		return 0;	/* already written */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->pair = iv->pair;
	s->key = iv->key;
	s->start_ns = iv->start_ns;
	if (store_interval_open(l->st, iv, comm, &s->id) < 0) {
		free(s);
		return -1;
	}
	s->next = l->stalls;
	l->stalls = s;
	l->commit_now = true;
	if (iv->pair < 0)
		snprintf(where, sizeof(where), " mm %#llx addr %#llx, last "
			 "stage %s", (unsigned long long)iv->mm,
			 (unsigned long long)iv->addr,
			 iv->last_stage < 0 ? "none" :
			 iv->last_stage < ZAP_NAMES_MAX &&
			 l->names.stage[iv->last_stage] ?
			 l->names.stage[iv->last_stage] : "?");
	if (++l->stall_count <= STALL_LOG_MAX)
		log_warnx("stall: %s open for %llu ms: cpu %d pid %d (%s)%s",
			  iv->kind, (unsigned long long)(age / NS_PER_MS),
			  iv->cpu, iv->pid, comm ? comm : "?", where);
	else if (l->stall_count == STALL_LOG_MAX + 1)
		log_warnx("stall: more than %d stalls, not logging more (see "
			  "the intervals table, end_reason 'open')",
			  STALL_LOG_MAX);
	return 1;
}

/* ---- reading ---------------------------------------------------------- */

/* push - append a pending record to @c's queue; NULL on ENOMEM */
static struct pend *push(struct lcpu *c)
{
	struct pend *p;

	if (c->qlen == c->qcap) {
		size_t n = c->qcap ? c->qcap * 2 : 1024;

		if (c->qhead) {	/* compact first */
			memmove(c->q, c->q + c->qhead,
				(c->qlen - c->qhead) * sizeof(*c->q));
			c->qlen -= c->qhead;
			c->qhead = 0;
		}
		if (c->qlen == c->qcap) {
			p = realloc(c->q, n * sizeof(*p));
			if (!p)
				return NULL;
			c->q = p;
			c->qcap = n;
		}
	}
	p = &c->q[c->qlen++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* decode - one record of @c into its queue (binary fields only) */
static int decode(struct live *l, struct lcpu *c, struct tep_record *rec)
{
	struct handler *h;
	struct pend *p;
	struct zev *ev;
	int id;

	if (!l->events)
		l->first_ts = rec->ts;
	l->events++;
	l->last_ts = rec->ts;
	c->last_ts = rec->ts;
	id = tep_data_type(l->tep, rec);
	h = id >= 0 && id < l->nbyid ? l->byid[id] : NULL;
	if (!h) {
		l->other_events++;	/* e.g. a trace_marker write */
		return 0;
	}
	h->count[c->cpu]++;
	if (h->d.kind < 0) {
		struct ext_event e;

		if (!h->name)
			return 0;
		dec_event(&h->d, l->tep, rec, c->cpu, h->name, &e);
		l->extra_events++;
		return store_event(l->st, &e);
	}
	p = push(c);
	if (!p)
		return -1;
	ev = &p->ev;
	dec_record(&h->d, l->tep, rec, c->cpu, ev);
	if (ev->kind < ZEV_PAIR_START)
		l->zap_events++;
	return 0;
}

/* decode_page - every record of the sub-buffer in l->page */
static int decode_page(struct live *l, struct lcpu *c)
{
	struct tep_record rec = { .cpu = c->cpu };
	unsigned long long ts;
	struct pend *p;
	void *data;
	int missed;

	if (kbuffer_load_subbuffer(c->kbuf, l->page) < 0) {
		log_warnx("live: CPU %d: unreadable sub-buffer", c->cpu);
		return -1;
	}
	missed = kbuffer_missed_events(c->kbuf);	/* first event only */
	data = kbuffer_read_event(c->kbuf, &ts);
	if (missed) {
		p = push(c);
		if (!p)
			return -1;
		p->ev.kind = ZEV_LOST;
		p->ev.cpu = c->cpu;
		p->ev.ts_ns = data ? ts : c->last_ts;
		p->ev.count = missed > 0 ? missed : -1;
	}
	for (; data; data = kbuffer_next_event(c->kbuf, &ts)) {
		rec.ts = ts;
		rec.data = data;
		rec.size = kbuffer_event_size(c->kbuf);
		rec.missed_events = missed;
		missed = 0;
		if (decode(l, c, &rec) < 0)
			return -1;
	}
	return 0;
}

/* read_cpu - up to @max sub-buffers of @c; 1 drained, 0 more, -1 error */
static int read_cpu(struct live *l, struct lcpu *c, int max)
{
	int n, r;

	for (n = 0; n < max; n++) {
		r = tracefs_cpu_read(c->tcpu, l->page, true);
		if (r <= 0) {
			if (r < 0 && errno != EAGAIN && errno != EINTR &&
			    errno != ENODATA) {
				log_warn("live: CPU %d: read trace_pipe_raw",
					 c->cpu);
				return -1;
			}
			return 1;
		}
		if (decode_page(l, c) < 0)
			return -1;
	}
	return 0;
}

/* read_stats - overrun and dropped (+ commit overrun) of @c */
static int read_stats(struct lcpu *c, uint64_t *overrun, uint64_t *dropped)
{
	char buf[1024], *line;
	unsigned long long v;
	ssize_t n = pread(c->stats_fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	*overrun = *dropped = 0;
	for (line = buf; line; line = strchr(line, '\n') ?
				      strchr(line, '\n') + 1 : NULL) {
		if (sscanf(line, "overrun: %llu", &v) == 1)
			*overrun = v;
		else if (sscanf(line, "commit overrun: %llu", &v) == 1 ||
			 sscanf(line, "dropped events: %llu", &v) == 1)
			*dropped += v;
	}
	return 0;
}

/*
 * check_stats - per-CPU stats file deltas -> lost rows (source 'stats').
 * Overruns also show up as a marker in the stream; dropped events (and
 * commit overruns) do not, so they taint the CPU's open items (a shadow
 * marker queued after everything read from that CPU).
 */
static int check_stats(struct live *l, uint64_t now)
{
	uint64_t ov, dr;
	struct pend *p;
	int i;

	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (read_stats(c, &ov, &dr) < 0)
			continue;
		if (ov > c->overrun &&
		    store_lost(l->st, l->o.instance, c->cpu, (int64_t)now,
			       (int64_t)(ov - c->overrun), "stats") < 0)
			return -1;
		if (dr > c->dropped) {
			if (store_lost(l->st, l->o.instance, c->cpu,
				       (int64_t)now, (int64_t)(dr - c->dropped),
				       "stats") < 0)
				return -1;
			p = push(c);
			if (!p)
				return -1;
			p->ev.kind = ZEV_LOST;
			p->ev.cpu = c->cpu;
			p->ev.ts_ns = c->last_ts > now ? c->last_ts : now;
			p->ev.count = -1;
			p->shadow = true;
		}
		if (ov > c->overrun || dr > c->dropped)
			l->lost_stats++;
		c->overrun = ov;
		c->dropped = dr;
	}
	return 0;
}

/* feed_lost - a loss marker; with pairs it taints every CPU's items */
static int feed_lost(struct live *l, const struct pend *p)
{
	struct zev sh = p->ev;
	int i, ret;

	l->shadow = p->shadow;
	if (!p->shadow)
		l->lost_markers++;
	ret = engine_feed(l->eng, &p->ev);
	l->shadow = true;
	for (i = 0; !ret && l->o.npairs && i < l->ncpus; i++) {
		if (l->cpus[i].cpu == p->ev.cpu)
			continue;
		sh.cpu = l->cpus[i].cpu;
		ret = engine_feed(l->eng, &sh);
	}
	l->shadow = false;
	return ret;
}

/* feed_until - feed queued records with ts <= @w, in timestamp order */
static int feed_until(struct live *l, uint64_t w)
{
	struct lcpu *best;
	struct pend *p;
	int i;

	for (;;) {
		best = NULL;
		for (i = 0; i < l->ncpus; i++) {
			struct lcpu *c = &l->cpus[i];

			if (c->qhead == c->qlen ||
			    c->q[c->qhead].ev.ts_ns > w)
				continue;
			if (!best || c->q[c->qhead].ev.ts_ns <
				     best->q[best->qhead].ev.ts_ns)
				best = c;
		}
		if (!best)
			break;
		p = &best->q[best->qhead++];
		if (p->ev.kind == ZEV_LOST) {
			if (feed_lost(l, p) < 0)
				return -1;
		} else if (engine_feed(l->eng, &p->ev) < 0) {
			return -1;
		}
	}
	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		if (c->qhead == c->qlen)
			c->qhead = c->qlen = 0;
	}
	return 0;
}

/* pass - one read pass over all CPUs and feed what is safe; -1 on error */
static int pass(struct live *l, bool drain)
{
	uint64_t t0 = mono_ns(), w;
	int i, r;

	w = drain ? UINT64_MAX : (t0 > SLACK_NS ? t0 - SLACK_NS : 0);
	for (i = 0; i < l->ncpus; i++) {
		struct lcpu *c = &l->cpus[i];

		do {
			r = read_cpu(l, c, PAGES_PER_PASS);
		} while (r == 0 && drain);
		if (r < 0)
			return -1;
		if (r == 0 && c->last_ts < w)	/* not drained: its unread */
			w = c->last_ts;		/* records may be older */
	}
	if (feed_until(l, w) < 0)
		return -1;
	if (!drain && engine_walk_open(l->eng, w,
				       (uint64_t)l->o.stall_ms * NS_PER_MS,
				       on_stall, l) < 0)
		return -1;
	return 0;
}

/* checkpoint - counts, stats, engine counters, then COMMIT */
static int checkpoint(struct live *l, uint64_t now)
{
	const struct engine_stats *es = engine_stats(l->eng);
	int i, c;

	if (check_stats(l, now) < 0)
		return -1;
	for (i = 0; i < l->nh; i++) {
		struct handler *h = l->hs[i];

		for (c = 0; c < l->ncpus; c++) {
			int cpu = l->cpus[c].cpu;

			if (!h->count[cpu])
				continue;
			if (store_event_count(l->st, l->o.instance,
					      h->d.ev->system, h->d.ev->name, cpu,
					      (int64_t)h->count[cpu]) < 0)
				return -1;
			h->count[cpu] = 0;
		}
	}
	if (store_engine_stats(l->st, es) < 0)
		return -1;
#define STAT(n, v)	if (store_stat(l->st, n, (int64_t)(v)) < 0) return -1
	STAT("lost_markers", l->lost_markers);
	STAT("lost_stats", l->lost_stats);
	STAT("stalls", l->stall_count);
	STAT("events", l->events);
	STAT("other_events", l->other_events);
	STAT("extra_events", l->extra_events);
#undef STAT
	return store_commit(l->st);
}

/* ---- run -------------------------------------------------------------- */

/* drop_privs - become --user for good; -1 + one line */
static int drop_privs(const struct live_opts *o)
{
	if (setgroups(1, &o->gid) < 0 ||
	    setresgid(o->gid, o->gid, o->gid) < 0 ||
	    setresuid(o->uid, o->uid, o->uid) < 0) {
		log_warn("live: cannot drop privileges to '%s'", o->user);
		return -1;
	}
	if (o->uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		log_warnx("live: privileges could not be dropped for good");
		return -1;
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return 0;
}

/* begin_run - engine, names, run row */
static int begin_run(struct live *l)
{
	struct run_info ri = { .source = "live", .clock = "mono" };
	struct utsname u;
	char path[512];
	int i;

	dec_load_names(tep_find_event_by_name(l->tep, "zap",
					      "zap_present_ptes_done"),
		       tep_find_event_by_name(l->tep, "zap",
					      "zap_present_folio_stage"),
		       &l->names);
	store_set_names(l->st, &l->names);
	l->eng = engine_new(&live_ops, l);
	if (!l->eng)
		goto nomem;
	for (i = 0; i < l->o.npairs; i++) {
		l->pair_ids[i] = engine_add_pair(l->eng,
						 l->o.pairs[i].start_ev);
		if (l->pair_ids[i] < 0)
			goto nomem;
	}
	for (i = 0; i < l->nh; i++) {
		struct handler *h = l->hs[i];

		if (h->d.spec >= 0)
			h->d.pair = l->pair_ids[h->d.spec];
		h->count = calloc(l->cpus[l->ncpus - 1].cpu + 1,
				  sizeof(*h->count));
		if (!h->count)
			goto nomem;
	}
	l->comms = calloc(COMM_SLOTS, sizeof(*l->comms));
	if (!l->comms)
		goto nomem;
	uname(&u);
	snprintf(path, sizeof(path), "%s/instances/%s", tracefs_tracing_dir(),
		 l->o.instance);
	ri.path = path;
	ri.label = l->o.label;
	ri.kernel = u.release;
	ri.host = u.nodename;
	ri.buffers = l->o.instance;
	if (store_run_begin(l->st, &ri, &l->run_id) < 0)
		return -1;
	for (i = 0; i < l->nh; i++) {	/* -e events: names of a0..a5 */
		struct handler *h = l->hs[i];
		const char *names[DEC_MAX_ARGS];
		int j;

		if (!h->name)
			continue;
		for (j = 0; j < h->d.nargs; j++)
			names[j] = h->d.arg[j]->name;
		if (store_event_fields(l->st, h->name, h->d.nargs, names) < 0)
			return -1;
	}
	for (i = 0; i < l->ncpus; i++) {	/* baseline: a new instance */
		struct lcpu *c = &l->cpus[i];

		read_stats(c, &c->overrun, &c->dropped);
	}
	return 0;
nomem:
	log_warnx("live: out of memory");
	return -1;
}

/* loop - trace until --duration or a signal; -1 on a failure */
static int loop(struct live *l, const sigset_t *unblocked)
{
	uint64_t start = mono_ns(), now, next_commit, deadline = 0, tick_ns;
	uint64_t commit_ns = (uint64_t)l->o.commit_ms * NS_PER_MS, wait;
	struct pollfd *pfd;
	struct timespec ts;
	int i, ret = -1;

	/* wake often enough to see a stall and to keep the commit cadence */
	tick_ns = (uint64_t)l->o.stall_ms * NS_PER_MS / 4;
	if (tick_ns > commit_ns / 2)
		tick_ns = commit_ns / 2;
	if (tick_ns > 100 * NS_PER_MS)
		tick_ns = 100 * NS_PER_MS;
	if (tick_ns < 5 * NS_PER_MS)
		tick_ns = 5 * NS_PER_MS;
	if (l->o.duration > 0)
		deadline = start + (uint64_t)(l->o.duration * 1e9);
	next_commit = start + commit_ns;
	pfd = calloc(l->ncpus, sizeof(*pfd));
	if (!pfd)
		return -1;
	for (i = 0; i < l->ncpus; i++) {
		pfd[i].fd = l->cpus[i].fd;
		pfd[i].events = POLLIN;
	}
	while (!stop_sig) {
		now = mono_ns();
		if (deadline && now >= deadline)
			break;
		wait = tick_ns;
		if (deadline && deadline - now < wait)
			wait = deadline - now;
		ts.tv_sec = wait / 1000000000ull;
		ts.tv_nsec = wait % 1000000000ull;
		/* POLLIN early only when a buffer passes buffer_percent */
		if (ppoll(pfd, l->ncpus, &ts, unblocked) < 0 &&
		    errno != EINTR) {
			log_warn("live: poll");
			goto out;
		}
		if (pass(l, false) < 0)
			goto out;
		now = mono_ns();
		if (now >= next_commit || l->commit_now) {
			if (checkpoint(l, now) < 0)
				goto out;
			l->commit_now = false;
			next_commit = now + commit_ns;
		}
	}
	ret = 0;
out:
	free(pfd);
	return ret;
}

/*
 * supervise - --user: the root parent waits for the unprivileged child,
 * forwards SIGINT/SIGTERM/SIGHUP to it and removes the instance when it
 * is gone (even after a kill -9 of the child). Signals stay blocked and
 * are taken with sigtimedwait(): no race with waitpid().
 */
static int supervise(struct live *l, pid_t child)
{
	struct timespec tmo = { 0, 200 * 1000000L };
	sigset_t set;
	int status = 0, sig, ret;

	close_files(l);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG);

		if (r == child || (r < 0 && errno != EINTR))
			break;
		sig = sigtimedwait(&set, NULL, &tmo);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			kill(child, SIGTERM);
	}
	if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else {
		log_warnx("live: traced by pid %d, killed by signal %d",
			  (int)child, WIFSIGNALED(status) ?
			  WTERMSIG(status) : 0);
		ret = LIVE_ERR;
	}
	if (remove_instance(l) < 0)
		ret = LIVE_ERR;
	return ret;
}

/* live_free - everything but the instance (see remove_instance) */
static void live_free(struct live *l)
{
	struct stall *s;
	int i;

	for (i = 0; l->cpus && i < l->ncpus; i++) {
		kbuffer_free(l->cpus[i].kbuf);
		free(l->cpus[i].q);
	}
	for (i = 0; i < l->nh; i++) {
		free(l->hs[i]->count);
		free(l->hs[i]->name);
		free(l->hs[i]);
	}
	while ((s = l->stalls)) {
		l->stalls = s->next;
		free(s);
	}
	for (i = 0; i < l->o.npairs; i++)
		pair_spec_free(&l->o.pairs[i]);
	free(l->hs);
	free(l->byid);
	free(l->cpus);
	free(l->page);
	free(l->cmdlines);
	free(l->comms);
	engine_free(l->eng);
	tep_free(l->tep);
}

/* finish - stop, drain, close open items, end the run; 0 or -1 */
static int finish(struct live *l, int ok)
{
	struct run_end re = { 0 };
	const struct engine_stats *es;
	uint64_t stop = mono_ns();
	char extra[64] = "";
	int ret = ok;

	if (tracefs_trace_off_fd(l->on_fd) < 0)
		log_warn("live: cannot stop tracing");
	if (!ret)
		ret = pass(l, true);
	if (!ret)
		ret = engine_finish(l->eng, stop > l->last_ts ? stop :
							       l->last_ts);
	if (!ret)
		ret = checkpoint(l, stop);
	re.complete = ret == 0;
	re.first_ts = l->first_ts;
	re.last_ts = l->last_ts;
	re.events = l->events;
	re.zap_events = l->zap_events;
	if (store_run_end(l->st, &re) < 0)
		return -1;
	es = engine_stats(l->eng);
	if (l->extra_events)
		snprintf(extra, sizeof(extra), ", %llu extra events",
			 (unsigned long long)l->extra_events);
	printf("live run %lld%s: %llu events, %llu zap, %llu intervals "
	       "(%llu unfinished, %llu tainted), %llu lock ranges, "
	       "%llu orphans, %llu loss markers, %llu stalls%s\n",
	       (long long)l->run_id, ret ? " (incomplete)" : "",
	       (unsigned long long)l->events,
	       (unsigned long long)l->zap_events,
	       (unsigned long long)es->intervals,
	       (unsigned long long)es->unfinished,
	       (unsigned long long)es->tainted,
	       (unsigned long long)es->ranges,
	       (unsigned long long)es->orphans,
	       (unsigned long long)l->lost_markers,
	       (unsigned long long)l->stall_count, extra);
	fflush(stdout);
	return ret;
}

/**
 * zapd_live_main() - zapd live
 * @argc: arguments after "zapd [-v]", argv[0] = "live"
 * @argv: the arguments
 *
 * Return: LIVE_OK after a run stopped by --duration or a signal, LIVE_ERR
 * after one line on stderr (the instance is removed), LIVE_USAGE.
 */
int zapd_live_main(int argc, char **argv)
{
	struct live l = { .on_fd = -1, .cmdlines_fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, unblocked;
	const char *dir = NULL;
	pid_t child;
	int ret = LIVE_ERR, r;

	r = parse_opts(&l.o, argc, argv);
	if (r) {
		ret = r > 0 ? LIVE_OK : LIVE_USAGE;
		goto out;
	}
	if (geteuid() != 0) {
		log_warnx("live: must run as root (tracefs instances are "
			  "root-only; --user drops privileges afterwards)");
		goto out;
	}
	/* no signal may interrupt setup: they wait for ppoll() */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (tracefs_tracing_dir_is_mounted(true, &dir) < 0 || !dir ||
	    !tracefs_tracing_dir()) {
		log_warnx("live: tracefs is not mounted and cannot be mounted "
			  "(mount -t tracefs nodev /sys/kernel/tracing)");
		goto out;
	}
	if (load_tep(&l) < 0 || setup_handlers(&l) < 0)
		goto out;
	/* early, so a refusal says nothing about the database */
	if (tracefs_instance_exists(l.o.instance)) {
		instance_in_use(l.o.instance);
		goto out;
	}
	if (!l.o.user) {
		l.st = store_open(l.o.db, STORE_RW);
		if (!l.st)
			goto out;
	}
	if (setup_instance(&l) < 0)
		goto out;
	if (l.o.user) {
		fflush(NULL);
		child = fork();
		if (child < 0) {
			log_warn("live: fork");
			goto out;
		}
		if (child > 0) {
			ret = supervise(&l, child);
			goto out;
		}
		l.own_inst = false;	/* the root parent removes it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (drop_privs(&l.o) < 0)
			goto out;
		l.st = store_open(l.o.db, STORE_RW);
		if (!l.st)
			goto out;
	}
	if (begin_run(&l) < 0)
		goto out;
	if (tracefs_trace_on_fd(l.on_fd) < 0) {
		log_warn("live: cannot start tracing");
		finish(&l, -1);
		goto out;
	}
	log_info("tracing into '%s' (run %lld, instance '%s'%s)", l.o.db,
		 (long long)l.run_id, l.o.instance,
		 l.o.user ? ", unprivileged" : "");
	r = loop(&l, &unblocked);
	if (finish(&l, r) == 0 && !r)
		ret = LIVE_OK;
	if (stop_sig)
		log_info("stopped by signal %d", (int)stop_sig);
out:
	store_close(l.st);
	if (remove_instance(&l) < 0)
		ret = LIVE_ERR;
	live_free(&l);
	return ret;
}
