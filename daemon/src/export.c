// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - zapd export --perfetto: a run as a Chrome JSON trace.
 *
 * Owns: the trace-event file that ui.perfetto.dev and chrome://tracing
 * open (the "JSON Object Format": {"traceEvents": [...], "otherData":
 * {...}}), its tracks and their names, and its ordering. docs/report.md
 * states the format's limits.
 *
 * Tracks. Two synthetic processes: EXP_PID_CPUS ("zap: CPUs", one thread
 * track per CPU) and EXP_PID_TASKS ("zap: tasks", one thread track per
 * kernel task, named "comm pid"). A CPU track holds the intervals started
 * on it and the PTE lock wait/hold slices; a task track holds its lock
 * slices, its intervals and, nested in them, its stages (start..cleared,
 * cleared..rmap, rmap..tlb, last stage..done: the split of
 * queries/stages.sql). Extra events (the `events` table) and loss markers
 * are instants on their CPU's track; the run is a global instant and
 * otherData.
 *
 * Nesting. Complete events ("X") on one thread track must nest. Slices
 * are read in one statement ordered by (start, duration descending) and
 * each is put on the first lane of its track where it nests (a stack of
 * end times per lane); a slice that overlaps without nesting (a task
 * preempted mid-zap on a CPU track) goes to the next lane, a thread named
 * "... (overlap N)". Nothing is dropped unless a track would need more
 * than EXP_LANES lanes or nest deeper than EXP_DEPTH (counted in
 * otherData.dropped, and one warning line).
 *
 * Invariants: ts and dur are microseconds with exactly three decimals
 * (the ns, exact: Perfetto parses them as decimal text); tids are unique
 * across both processes; the file is streamed (memory: one track state
 * per CPU and task) and appears whole or not at all (outfile.h); strings
 * are escaped ESC_VISIBLE (escape.h).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "export.h"
#include "log.h"
#include "outfile.h"
#include "query.h"
#include "store.h"

#include <sqlite3.h>

#define EXP_PID_CPUS	0x40000000	/* above any kernel pid (2^22) */
#define EXP_PID_TASKS	0x3fffffff
#define EXP_LANES	64
#define EXP_DEPTH	8
#define EXP_PID_SPAN	0x400000	/* PID_MAX_LIMIT */

/* enum slice_type - the rows of SLICES_SQL, column 0 */
enum slice_type { SL_INTERVAL, SL_STAGE, SL_TAIL, SL_WAIT, SL_HOLD, SL_N };

static const char *const slice_cat[SL_N] = {
	"interval", "stage", "stage", "pte_lock", "pte_lock",
};

/* struct lane - the end times of the open slices of one lane */
struct lane {
	int64_t		end[EXP_DEPTH];
	int		depth;
	int		named;		/* its thread_name was written */
};

/* struct track - a CPU's or a task's lanes; key = cpu or pid */
struct track {
	int64_t		key;
	int		used;
	int		nlanes;
	struct lane	*lanes;		/* EXP_LANES, allocated on first use */
};

/* struct tracks - open addressing map key -> track */
struct tracks {
	struct track	*t;
	size_t		n, cap;
};

/* struct exp - one export being written */
struct exp {
	struct store		*st;
	FILE			*f;
	struct query_run	run;
	int64_t			min_ns;		/* --slower-than, 0: all */
	struct tracks		cpus, tasks;
	int64_t			count[SL_N], cpu_slices, events, lost;
	int64_t			dropped;
	int			first;		/* no event written yet */
};

/* bind_run - the named parameters of the export's statements */
static void bind_run(struct exp *x, sqlite3_stmt *s)
{
	const struct { const char *name; int64_t v; } p[] = {
		{ ":run", x->run.id }, { ":lo", x->run.first_id },
		{ ":hi", x->run.last_id }, { ":t1", x->run.last_ts },
		{ ":min", x->min_ns },
	};
	size_t i;
	int idx;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		idx = sqlite3_bind_parameter_index(s, p[i].name);
		if (idx)
			sqlite3_bind_int64(s, idx, p[i].v);
	}
}

/* tracks_get - the track of @key, created empty; NULL on ENOMEM */
static struct track *tracks_get(struct tracks *m, int64_t key)
{
	size_t i, j;

	if (m->n * 2 >= m->cap) {
		struct tracks g = { .cap = m->cap ? m->cap * 2 : 64 };

		g.t = calloc(g.cap, sizeof(*g.t));
		if (!g.t)
			return NULL;
		for (i = 0; i < m->cap; i++) {
			if (!m->t[i].used)
				continue;
			for (j = (uint64_t)m->t[i].key * 0x9e3779b97f4a7c15ULL
			     % g.cap; g.t[j].used; j = (j + 1) % g.cap)
				;
			g.t[j] = m->t[i];
		}
		g.n = m->n;
		free(m->t);
		*m = g;
	}
	for (i = (uint64_t)key * 0x9e3779b97f4a7c15ULL % m->cap;
	     m->t[i].used; i = (i + 1) % m->cap)
		if (m->t[i].key == key)
			return &m->t[i];
	m->t[i].used = 1;
	m->t[i].key = key;
	m->n++;
	return &m->t[i];
}

/* tracks_free - every track's lanes and the map */
static void tracks_free(struct tracks *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->t[i].lanes);
	free(m->t);
	memset(m, 0, sizeof(*m));
}

/* lane_fits - pop what ended by @ts; can [ts, end] nest on top? */
static int lane_fits(struct lane *l, int64_t ts, int64_t end)
{
	while (l->depth && l->end[l->depth - 1] <= ts)
		l->depth--;
	if (l->depth && l->end[l->depth - 1] < end)
		return 0;
	return l->depth < EXP_DEPTH;
}

/**
 * lane_take() - the lane of @t where [@ts, @ts + @dur] nests
 * @t: the track
 * @ts: start (the stream is ordered by start, then longest first)
 * @dur: duration
 *
 * Return: the lane index, or -1 (no lane left, or out of memory).
 */
static int lane_take(struct track *t, int64_t ts, int64_t dur)
{
	int i;

	if (!t->lanes && !(t->lanes = calloc(EXP_LANES, sizeof(*t->lanes))))
		return -1;
	for (i = 0; i < EXP_LANES; i++) {
		struct lane *l = &t->lanes[i];

		if (i == t->nlanes)
			t->nlanes++;
		if (lane_fits(l, ts, ts + dur)) {
			l->end[l->depth++] = ts + dur;
			return i;
		}
	}
	return -1;
}

/* put_us - ns as microseconds with three decimals: exact */
static void put_us(FILE *f, int64_t ns)
{
	if (ns < 0) {
		putc('-', f);
		ns = -ns;
	}
	fprintf(f, "%" PRId64 ".%03d", ns / 1000, (int)(ns % 1000));
}

/* ev_begin - the separator and the common fields of one event */
static void ev_begin(struct exp *x, const char *ph, const char *cat,
		     int64_t pid, int64_t tid)
{
	fputs(x->first ? "\n" : ",\n", x->f);
	x->first = 0;
	fprintf(x->f, "{\"ph\":\"%s\",\"pid\":%" PRId64 ",\"tid\":%" PRId64,
		ph, pid, tid);
	if (cat)
		fprintf(x->f, ",\"cat\":\"%s\"", cat);
}

/* cpu_tid, task_tid - the thread of lane @lane of a CPU's / task's track */
static int64_t cpu_tid(int64_t cpu, int lane)
{
	return EXP_PID_CPUS + 1 + cpu * EXP_LANES + lane;
}

static int64_t task_tid(int64_t pid, int lane)
{
	return lane ? 0x20000000 + (int64_t)lane * EXP_PID_SPAN + pid : pid;
}

/* name_thread - thread_name (and sort index) of a lane, once */
static void name_thread(struct exp *x, struct lane *l, int cpu_track,
			int64_t key, int lane, const char *comm)
{
	int64_t pid = cpu_track ? EXP_PID_CPUS : EXP_PID_TASKS;
	int64_t tid = cpu_track ? cpu_tid(key, lane) : task_tid(key, lane);

	if (l->named)
		return;
	l->named = 1;
	ev_begin(x, "M", NULL, pid, tid);
	fputs(",\"name\":\"thread_name\",\"args\":{\"name\":\"", x->f);
	if (cpu_track) {
		fprintf(x->f, "CPU %" PRId64, key);
	} else {
		comm = comm ? comm : "?";
		esc_json_in(x->f, comm, strlen(comm), ESC_VISIBLE);
		fprintf(x->f, " %" PRId64, key);
	}
	if (lane)
		fprintf(x->f, " (overlap %d)", lane);
	fputs("\"}}", x->f);
	ev_begin(x, "M", NULL, pid, tid);
	fprintf(x->f, ",\"name\":\"thread_sort_index\",\"args\":{"
		"\"sort_index\":%" PRId64 "}}", key * EXP_LANES + lane);
}

/* the interval filter: all, or those at least :min long (open: to :t1) */
#define IV_DUR	"coalesce(t.dur_ns, coalesce(t.end_ns, :t1) - t.start_ns)"
#define IV_END	"CASE t.f >> 8 & 7 WHEN 0 THEN 'done' WHEN 1 THEN 'restart' " \
		"WHEN 2 THEN 'lost' WHEN 3 THEN 'mismatch' WHEN 4 THEN 'eof' " \
		"ELSE 'open' END"
#define RG_MIN	"(wait_ns >= :min OR coalesce(hold_ns, 0) >= :min)"

/*
 * The intervals exported, as the CTE "iv": all of the run's (its rowid
 * range), or with --slower-than the finished ones at least :min long
 * (the intervals_dur index: "+id" keeps the planner off the rowid range)
 * and the unfinished ones open that long (the partial index).
 */
#define IV_COLS	"id, start_ns, dur_ns, end_ns, cpu, done_cpu, pid, comm, " \
		"path, kind, addr, nr, f"
#define IV_ALL	"iv AS (SELECT " IV_COLS " FROM interval_rows WHERE id " \
		"BETWEEN :lo AND :hi AND run_id = :run)"
#define IV_SLOW	"iv AS MATERIALIZED (SELECT " IV_COLS " FROM interval_rows " \
		"WHERE dur_ns >= :min AND +id BETWEEN :lo AND :hi AND "	\
		"run_id = :run UNION ALL SELECT " IV_COLS " FROM " \
		"interval_rows WHERE finished = 0 AND id BETWEEN :lo AND :hi " \
		"AND run_id = :run AND coalesce(end_ns, :t1) - start_ns >= " \
		":min)"

/*
 * Every slice of the run, ordered for the lanes: type, ts, dur, cpu, pid,
 * comm, name, kind, addr, nr, end reason, done cpu (stages: delay_rmap),
 * tainted (stages: full), pr. At equal start the longer first; at equal
 * extent lock before interval before stage (the parent first).
 */
#define SLICES(IV)							\
	"WITH " IV " SELECT 0 AS ty, t.start_ns AS ts, " IV_DUR " AS dur, " \
	"t.cpu, t.pid, (SELECT s FROM strings WHERE id = t.comm), "	\
	"(SELECT s FROM strings WHERE id = t.path), (SELECT s FROM "	\
	"strings WHERE id = t.kind), t.addr, t.nr, " IV_END ", " \
	"t.done_cpu, t.f & 1, 1 AS pr FROM iv AS t "			\
	"UNION ALL SELECT 1, s.ts_ns - s.since_prev_ns, s.since_prev_ns, " \
	"t.cpu, t.pid, NULL, s.stage, NULL, NULL, s.nr, NULL, s.delay_rmap, "\
	"s.\"full\", 2 FROM iv AS t JOIN stages AS s ON s.interval_id = " \
	"t.id UNION ALL SELECT 2, max(s.ts_ns), t.start_ns + t.dur_ns - " \
	"max(s.ts_ns), t.cpu, t.pid, NULL, 'done', NULL, NULL, NULL, NULL, "\
	"NULL, NULL, 2 FROM iv AS t JOIN stages AS s ON s.interval_id = " \
	"t.id WHERE t.dur_ns IS NOT NULL GROUP BY t.id " \
	"UNION ALL SELECT 3, lock_ns, wait_ns, cpu, pid, comm, NULL, NULL, "\
	"addr, \"end\", end_reason, unlock_cpu, tainted, 0 FROM ranges " \
	"WHERE run_id = :run AND wait_ns IS NOT NULL AND " RG_MIN " "	\
	"UNION ALL SELECT 4, lock_ns + wait_ns, hold_ns, cpu, pid, comm, " \
	"NULL, NULL, addr, \"end\", end_reason, unlock_cpu, tainted, 0 " \
	"FROM ranges WHERE run_id = :run AND hold_ns IS NOT NULL AND "	\
	RG_MIN " ORDER BY ts, dur DESC, pr"

static const char *const slices_sql[2] = { SLICES(IV_ALL), SLICES(IV_SLOW) };

/* col_text - text column @c, NULL if NULL */
static const char *col_text(sqlite3_stmt *s, int c)
{
	return (const char *)sqlite3_column_text(s, c);
}

/* put_int_arg - ,"key":v or ,"key":null */
static void put_int_arg(FILE *f, const char *key, sqlite3_stmt *s, int c)
{
	if (sqlite3_column_type(s, c) == SQLITE_NULL)
		fprintf(f, ",\"%s\":null", key);
	else
		fprintf(f, ",\"%s\":%lld", key, sqlite3_column_int64(s, c));
}

/* put_name - the slice's name: "zap small (eof)", "rmap", "pte lock wait" */
static void put_name(FILE *f, int type, sqlite3_stmt *s)
{
	const char *name = col_text(s, 6), *kind = col_text(s, 7),
		   *end = col_text(s, 10);

	fputs(",\"name\":\"", f);
	if (type == SL_WAIT || type == SL_HOLD) {
		fputs(type == SL_WAIT ? "pte lock wait" : "pte lock hold", f);
	} else {
		if (type == SL_INTERVAL && kind) {
			esc_json_in(f, kind, strlen(kind), ESC_VISIBLE);
			if (name)
				putc(' ', f);
		}
		if (name)
			esc_json_in(f, name, strlen(name), ESC_VISIBLE);
	}
	if ((type == SL_INTERVAL || type == SL_WAIT) && end &&
	    strcmp(end, "done"))
		fprintf(f, " (%s)", end);
	putc('"', f);
}

/* put_args - the slice's args object */
static void put_args(FILE *f, int type, sqlite3_stmt *s)
{
	fputs(",\"args\":{", f);
	if (type == SL_STAGE || type == SL_TAIL) {
		fputs("\"stage\":", f);
		esc_json_str(f, col_text(s, 6), ESC_VISIBLE);
		put_int_arg(f, "nr", s, 9);
		put_int_arg(f, "delay_rmap", s, 11);
		put_int_arg(f, "full", s, 12);
		fputs("}}", f);
		return;
	}
	fprintf(f, "\"cpu\":%d", sqlite3_column_int(s, 3));
	put_int_arg(f, type == SL_INTERVAL ? "done_cpu" : "unlock_cpu", s,
		    11);
	fprintf(f, ",\"pid\":%d,\"comm\":", sqlite3_column_int(s, 4));
	esc_json_str(f, col_text(s, 5), ESC_VISIBLE);
	fprintf(f, ",\"addr\":\"0x%llx\"",
		(unsigned long long)sqlite3_column_int64(s, 8));
	if (type == SL_INTERVAL)
		put_int_arg(f, "nr", s, 9);
	else
		fprintf(f, ",\"end_addr\":\"0x%llx\"",
			(unsigned long long)sqlite3_column_int64(s, 9));
	fputs(",\"end\":", f);
	esc_json_str(f, col_text(s, 10), ESC_VISIBLE);
	put_int_arg(f, "tainted", s, 12);
	fputs("}}", f);
}

/* put_x - one complete event on lane @lane of a CPU's or task's track */
static void put_x(struct exp *x, int type, sqlite3_stmt *s, int cpu_track,
		  int64_t key, int lane)
{
	int64_t ts = sqlite3_column_int64(s, 1);
	int64_t dur = sqlite3_column_int64(s, 2);

	if (cpu_track)
		ev_begin(x, "X", slice_cat[type], EXP_PID_CPUS,
			 cpu_tid(key, lane));
	else
		ev_begin(x, "X", slice_cat[type], EXP_PID_TASKS,
			 task_tid(key, lane));
	put_name(x->f, type, s);
	fputs(",\"ts\":", x->f);
	put_us(x->f, ts);
	fputs(",\"dur\":", x->f);
	put_us(x->f, dur);
	put_args(x->f, type, s);
}

/* place - put the current slice on the track @key of @m; -1 ENOMEM */
static int place(struct exp *x, struct tracks *m, int cpu_track,
		 int64_t key, int type, sqlite3_stmt *s)
{
	struct track *t = tracks_get(m, key);
	int64_t ts = sqlite3_column_int64(s, 1);
	int64_t dur = sqlite3_column_int64(s, 2);
	int lane;

	if (!t)
		return -1;
	lane = lane_take(t, ts, dur < 0 ? 0 : dur);
	if (lane < 0) {
		if (!t->lanes)
			return -1;
		x->dropped++;
		return 0;
	}
	name_thread(x, &t->lanes[lane], cpu_track, key, lane,
		    col_text(s, 5));
	put_x(x, type, s, cpu_track, key, lane);
	return 0;
}

/* put_slices - every slice on its task track, intervals and lock slices
 * also on their CPU's track */
static int put_slices(struct exp *x)
{
	sqlite3_stmt *s = query_prepare(x->st, "slices",
					slices_sql[x->min_ns > 0]);
	int rc, type;

	if (!s)
		return -1;
	bind_run(x, s);
	while ((rc = query_step(x->st, s, "slices")) == 1) {
		type = sqlite3_column_int(s, 0);
		if (type < 0 || type >= SL_N)
			continue;
		x->count[type]++;
		if (place(x, &x->tasks, 0, sqlite3_column_int64(s, 4), type,
			  s) < 0)
			goto nomem;
		if (type == SL_STAGE || type == SL_TAIL)
			continue;
		x->cpu_slices++;
		if (place(x, &x->cpus, 1, sqlite3_column_int64(s, 3), type,
			  s) < 0)
			goto nomem;
	}
	sqlite3_finalize(s);
	return rc;
nomem:
	log_warnx("out of memory");
	sqlite3_finalize(s);
	return -1;
}

/* struct evname - an extra event's name and the names of a0..a5 */
struct evname {
	int64_t		id;
	char		*name;
	char		*field[6];
};

/* struct evnames - the run's extra events (few: one per event type) */
struct evnames {
	struct evname	*e;
	int		n;
};

/* evnames_load - event_fields of the run, and every event's name */
static int evnames_load(struct exp *x, struct evnames *v)
{
	static const char sql[] =
		"WITH ev AS (SELECT DISTINCT event FROM event_rows WHERE "
		"run_id = :run) SELECT ev.event, (SELECT s FROM strings WHERE "
		"id = ev.event), f.idx, f.name FROM ev LEFT JOIN event_fields "
		"AS f ON f.run_id = :run AND f.event = ev.event "
		"ORDER BY ev.event, f.idx";
	sqlite3_stmt *s = query_prepare(x->st, "event names", sql);
	struct evname *e = NULL;
	int rc, idx;

	if (!s)
		return -1;
	bind_run(x, s);
	while ((rc = query_step(x->st, s, "event names")) == 1) {
		if (!e || e->id != sqlite3_column_int64(s, 0)) {
			e = realloc(v->e, (v->n + 1) * sizeof(*e));
			if (!e)
				goto nomem;
			v->e = e;
			e = &v->e[v->n++];
			memset(e, 0, sizeof(*e));
			e->id = sqlite3_column_int64(s, 0);
			if (!(e->name = strdup(col_text(s, 1) ?
					       col_text(s, 1) : "?")))
				goto nomem;
		}
		idx = sqlite3_column_int(s, 2);
		if (sqlite3_column_type(s, 2) != SQLITE_NULL && idx >= 0 &&
		    idx < 6 && !(e->field[idx] = strdup(col_text(s, 3))))
			goto nomem;
	}
	sqlite3_finalize(s);
	return rc;
nomem:
	log_warnx("out of memory");
	sqlite3_finalize(s);
	return -1;
}

/* evnames_free - the names */
static void evnames_free(struct evnames *v)
{
	int i, j;

	for (i = 0; i < v->n; i++) {
		free(v->e[i].name);
		for (j = 0; j < 6; j++)
			free(v->e[i].field[j]);
	}
	free(v->e);
}

/* evname_find - the names of event @id, NULL if unknown */
static const struct evname *evname_find(const struct evnames *v, int64_t id)
{
	int i;

	for (i = 0; i < v->n; i++)
		if (v->e[i].id == id)
			return &v->e[i];
	return NULL;
}

/* cpu_lane0 - name lane 0 of @cpu's track (instants go there) */
static int cpu_lane0(struct exp *x, int64_t cpu)
{
	struct track *t = tracks_get(&x->cpus, cpu);

	if (!t || (!t->lanes &&
		   !(t->lanes = calloc(EXP_LANES, sizeof(*t->lanes))))) {
		log_warnx("out of memory");
		return -1;
	}
	if (!t->nlanes)
		t->nlanes = 1;
	name_thread(x, &t->lanes[0], 1, cpu, 0, NULL);
	return 0;
}

/* put_event - the current row (ts, cpu, pid, event, a0..a5) as an instant */
static int put_event(struct exp *x, const struct evnames *v,
		     sqlite3_stmt *s)
{
	int64_t cpu = sqlite3_column_int64(s, 1);
	const struct evname *e = evname_find(v, sqlite3_column_int64(s, 3));
	int i;

	if (cpu_lane0(x, cpu) < 0)
		return -1;
	ev_begin(x, "i", "event", EXP_PID_CPUS, cpu_tid(cpu, 0));
	fputs(",\"s\":\"t\",\"name\":", x->f);
	esc_json_str(x->f, e ? e->name : "?", ESC_VISIBLE);
	fputs(",\"ts\":", x->f);
	put_us(x->f, sqlite3_column_int64(s, 0));
	fprintf(x->f, ",\"args\":{\"pid\":%d", sqlite3_column_int(s, 2));
	for (i = 0; e && i < 6; i++) {
		if (!e->field[i] || !strcmp(e->field[i], "pid"))
			continue;
		putc(',', x->f);
		esc_json_str(x->f, e->field[i], ESC_VISIBLE);
		putc(':', x->f);
		if (sqlite3_column_type(s, 4 + i) == SQLITE_NULL)
			fputs("null", x->f);
		else
			fprintf(x->f, "%lld", sqlite3_column_int64(s, 4 + i));
	}
	fputs("}}", x->f);
	x->events++;
	return 0;
}

/* put_events_sql - every row of @sql as an instant; -1 after one line */
static int put_events_sql(struct exp *x, const struct evnames *v,
			  sqlite3_stmt *s)
{
	int rc;

	while ((rc = query_step(x->st, s, "events")) == 1)
		if (put_event(x, v, s) < 0)
			return -1;
	return rc;
}

#define EV_COLS "ts_ns, cpu, pid, event, a0, a1, a2, a3, a4, a5"

/* put_events_all - every extra event of the run */
static int put_events_all(struct exp *x, const struct evnames *v)
{
	sqlite3_stmt *s = query_prepare(x->st, "events", "SELECT " EV_COLS
					" FROM event_rows WHERE run_id = :run");
	int rc;

	if (!s)
		return -1;
	bind_run(x, s);
	rc = put_events_sql(x, v, s);
	sqlite3_finalize(s);
	return rc;
}

/* struct window - a CPU's time covered by slow intervals, merged */
struct window {
	int64_t		cpu, from, to;
};

/* window_flush - the extra events of one window */
static int window_flush(struct exp *x, const struct evnames *v,
			sqlite3_stmt *ev, const struct window *w)
{
	int rc;

	sqlite3_reset(ev);
	sqlite3_bind_int64(ev, 1, w->from);
	sqlite3_bind_int64(ev, 2, w->to);
	sqlite3_bind_int64(ev, 3, w->cpu);
	rc = put_events_sql(x, v, ev);
	return rc;
}

/* window_add - cover [@from, @to] on @cpu; flush the window it ends */
static int window_add(struct exp *x, const struct evnames *v,
		      sqlite3_stmt *ev, struct window **w, int *nw,
		      int64_t cpu, int64_t from, int64_t to)
{
	struct window *n;
	int i;

	for (i = 0; i < *nw && (*w)[i].cpu != cpu; i++)
		;
	if (i < *nw && from <= (*w)[i].to) {
		if (to > (*w)[i].to)
			(*w)[i].to = to;
		return 0;
	}
	if (i < *nw) {
		if (window_flush(x, v, ev, &(*w)[i]) < 0)
			return -1;
	} else {
		n = realloc(*w, (*nw + 1) * sizeof(*n));
		if (!n) {
			log_warnx("out of memory");
			return -1;
		}
		*w = n;
		(*nw)++;
	}
	(*w)[i] = (struct window){ cpu, from, to };
	return 0;
}

/* put_events_slow - the extra events on the CPUs of the slow intervals
 * while they were open, each once (windows merged per CPU) */
static int put_events_slow(struct exp *x, const struct evnames *v)
{
	sqlite3_stmt *iv = query_prepare(x->st, "slow intervals",
		"WITH " IV_SLOW " SELECT t.start_ns, t.start_ns + " IV_DUR
		", t.cpu, coalesce(t.done_cpu, t.cpu) FROM iv AS t "
		"ORDER BY t.start_ns");
	sqlite3_stmt *ev = query_prepare(x->st, "events", "SELECT " EV_COLS
		" FROM event_rows WHERE run_id = ?4 AND ts_ns BETWEEN ?1 AND "
		"?2 AND cpu = ?3");
	struct window *w = NULL;
	int nw = 0, rc = -1, i;

	if (!iv || !ev)
		goto out;
	bind_run(x, iv);
	sqlite3_bind_int64(ev, 4, x->run.id);
	while ((rc = query_step(x->st, iv, "slow intervals")) == 1) {
		int64_t a = sqlite3_column_int64(iv, 0),
			b = sqlite3_column_int64(iv, 1);

		if (window_add(x, v, ev, &w, &nw, sqlite3_column_int64(iv, 2),
			       a, b) < 0 ||
		    (sqlite3_column_int64(iv, 3) != sqlite3_column_int64(iv, 2)
		     && window_add(x, v, ev, &w, &nw,
				   sqlite3_column_int64(iv, 3), a, b) < 0)) {
			rc = -1;
			break;
		}
	}
	for (i = 0; rc == 0 && i < nw; i++)
		rc = window_flush(x, v, ev, &w[i]);
out:
	free(w);
	sqlite3_finalize(iv);
	sqlite3_finalize(ev);
	return rc;
}

/* put_lost - the ring-buffer gaps, as instants on their CPU */
static int put_lost(struct exp *x)
{
	sqlite3_stmt *s = query_prepare(x->st, "losses", "SELECT ts_ns, cpu, "
		"count, buffer FROM lost WHERE run_id = :run AND source = "
		"'marker' AND ts_ns IS NOT NULL");
	int rc;

	if (!s)
		return -1;
	bind_run(x, s);
	while ((rc = query_step(x->st, s, "losses")) == 1) {
		int64_t cpu = sqlite3_column_int64(s, 1);

		if (cpu_lane0(x, cpu) < 0) {
			rc = -1;
			break;
		}
		ev_begin(x, "i", "lost", EXP_PID_CPUS, cpu_tid(cpu, 0));
		fputs(",\"s\":\"t\",\"name\":\"lost events\",\"ts\":", x->f);
		put_us(x->f, sqlite3_column_int64(s, 0));
		fputs(",\"args\":{\"count\":", x->f);
		if (sqlite3_column_type(s, 2) == SQLITE_NULL)
			fputs("null", x->f);
		else
			fprintf(x->f, "%lld", sqlite3_column_int64(s, 2));
		fputs(",\"buffer\":", x->f);
		esc_json_str(x->f, col_text(s, 3), ESC_VISIBLE);
		fputs("}}", x->f);
		x->lost++;
	}
	sqlite3_finalize(s);
	return rc;
}

/* put_run_args - the run's metadata as JSON members (no braces) */
static void put_run_args(struct exp *x)
{
	const struct query_run *r = &x->run;
	const struct { const char *k, *v; } str[] = {
		{ "source", r->source }, { "path", r->path },
		{ "label", r->label }, { "kernel", r->kernel },
		{ "host", r->host }, { "clock", r->clock },
		{ "state", r->state },
	};
	size_t i;

	fprintf(x->f, "\"zapd\":\"%s\",\"run\":%" PRId64, ZAPD_VERSION, r->id);
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++) {
		fprintf(x->f, ",\"%s\":", str[i].k);
		esc_json_str(x->f, str[i].v, ESC_VISIBLE);
	}
	fprintf(x->f, ",\"complete\":%d,\"first_ts_ns\":%" PRId64
		",\"last_ts_ns\":%" PRId64 ",\"events\":%" PRId64
		",\"zap_events\":%" PRId64 ",\"slower_than_ns\":%" PRId64,
		r->complete, r->first_ts, r->last_ts, r->events,
		r->zap_events, x->min_ns);
}

/* put_head - the array, both processes' names, the run as an instant */
static void put_head(struct exp *x)
{
	static const struct { int64_t pid; const char *name; int sort; } p[] = {
		{ EXP_PID_CPUS, "zap: CPUs", 0 },
		{ EXP_PID_TASKS, "zap: tasks", 1 },
	};
	size_t i;

	fputs("{\"traceEvents\":[", x->f);
	x->first = 1;
	for (i = 0; i < 2; i++) {
		ev_begin(x, "M", NULL, p[i].pid, p[i].pid);
		fprintf(x->f, ",\"name\":\"process_name\",\"args\":{\"name\":"
			"\"%s\"}}", p[i].name);
		ev_begin(x, "M", NULL, p[i].pid, p[i].pid);
		fprintf(x->f, ",\"name\":\"process_sort_index\",\"args\":{"
			"\"sort_index\":%d}}", p[i].sort);
	}
	ev_begin(x, "i", "run", EXP_PID_CPUS, EXP_PID_CPUS);
	fprintf(x->f, ",\"s\":\"g\",\"name\":\"zapd run %" PRId64 "\","
		"\"ts\":", x->run.id);
	put_us(x->f, x->run.first_ts);
	fputs(",\"args\":{", x->f);
	put_run_args(x);
	fputs("}}", x->f);
}

/* put_tail - close the array; otherData: the run and what was written */
static void put_tail(struct exp *x)
{
	fputs("\n],\n\"otherData\":{", x->f);
	put_run_args(x);
	fprintf(x->f, ",\"intervals\":%" PRId64 ",\"stages\":%" PRId64
		",\"stage_tails\":%" PRId64 ",\"lock_wait\":%" PRId64
		",\"lock_hold\":%" PRId64 ",\"cpu_slices\":%" PRId64
		",\"extra_events\":%" PRId64 ",\"lost_markers\":%" PRId64
		",\"dropped\":%" PRId64 "}}\n", x->count[SL_INTERVAL],
		x->count[SL_STAGE], x->count[SL_TAIL], x->count[SL_WAIT],
		x->count[SL_HOLD], x->cpu_slices, x->events, x->lost,
		x->dropped);
}

/* export_body - everything between the head and the tail */
static int export_body(struct exp *x)
{
	struct evnames v = { 0 };
	int rc;

	if (put_slices(x) < 0 || evnames_load(x, &v) < 0) {
		evnames_free(&v);
		return -1;
	}
	rc = x->min_ns ? put_events_slow(x, &v) : put_events_all(x, &v);
	evnames_free(&v);
	if (rc < 0)
		return -1;
	return put_lost(x);
}

/* export_write - open, pick the run, stream the trace into @out */
static int export_write(const char *db, long run, int64_t min_ns,
			const char *out)
{
	struct exp x = { .min_ns = min_ns };
	struct outfile o;
	int ret = ZAPD_EXIT_ERR;

	x.st = store_open(db, STORE_RO);
	if (!x.st)
		return ZAPD_EXIT_ERR;
	if (query_select_run(x.st, run, &x.run) < 0 ||
	    outfile_open(&o, out) < 0)
		goto out;
	x.f = o.f;
	put_head(&x);
	if (export_body(&x) < 0) {
		outfile_abort(&o);
		goto out;
	}
	put_tail(&x);
	if (outfile_commit(&o) < 0)
		goto out;
	if (x.dropped)
		log_warnx("export: %" PRId64 " slices left out: a track "
			  "needed more than %d lanes or %d levels", x.dropped,
			  EXP_LANES, EXP_DEPTH);
	ret = ZAPD_EXIT_OK;
out:
	tracks_free(&x.cpus);
	tracks_free(&x.tasks);
	query_run_free(&x.run);
	store_close(x.st);
	return ret;
}

/**
 * cmd_export() - zapd export --perfetto FILE [--db PATH] [--run N]
 *                [--slower-than DUR]
 * @argc: argument count (argv[0] = "export")
 * @argv: arguments
 *
 * Return: exit code (cli.h).
 */
int cmd_export(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "perfetto", required_argument, NULL, 'p' },
		{ "db", required_argument, NULL, 'd' },
		{ "run", required_argument, NULL, 'r' },
		{ "slower-than", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = ZAPD_DEFAULT_DB, *out = NULL;
	int64_t min_ns = 0;
	long run = -1;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (cli_nonempty("export", "--perfetto", optarg) < 0)
				return ZAPD_EXIT_USAGE;
			out = optarg;
			break;
		case 'd':
			if (cli_nonempty("export", "--db", optarg) < 0)
				return ZAPD_EXIT_USAGE;
			db = optarg;
			break;
		case 'r':
			if (cli_long("export", "--run", optarg, 1,
				     INT64_MAX >> 1, &run) < 0)
				return ZAPD_EXIT_USAGE;
			break;
		case 's':
			if (cli_duration("export", "--slower-than", optarg,
					 &min_ns) < 0)
				return ZAPD_EXIT_USAGE;
			break;
		case 'h':
			usage_print(stdout, "export");
			return ZAPD_EXIT_OK;
		default:
			cli_bad_option("export", argv);
			return ZAPD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_usage_error("export", "unexpected argument '%s'",
				argv[optind]);
		return ZAPD_EXIT_USAGE;
	}
	if (!out) {
		cli_usage_error("export", "need --perfetto FILE.json (- for "
				"stdout)");
		return ZAPD_EXIT_USAGE;
	}
	return export_write(db, run, min_ns, out);
}
