// SPDX-License-Identifier: GPL-2.0
/*
 * comm.c - pid -> task name cache (see comm.h).
 *
 * Owns: the interned names (an open-addressing set of malloc'd strings,
 * freed only by comm_free()), a direct-mapped pid cache of COMM_SLOTS
 * entries pointing into that set, and the backends' lookups. A pid whose
 * lookup failed is cached as unknown too, so a miss costs one lookup per
 * pid, not one per row. The table backend's names are kept in a pid map
 * (open addressing), the cache in front of it. The host backend's parsing
 * of /proc/PID/comm and tracefs saved_cmdlines keeps a name's bytes as
 * the kernel has them (newlines and tabs included, "" stays "").
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "comm.h"
#include "timeutil.h"

#define COMM_SLOTS	4096
#define COMM_MAX	64		/* longer names are cut (kernel: 16) */
#define CMDLINES_MS	100		/* re-read saved_cmdlines at most */
#define CMDLINES_MISS_MS 1		/* ... and after a miss */

enum backend { B_TRACE, B_HOST, B_TABLE };

/* struct slot - a cached pid */
struct slot {
	int		pid;
	bool		valid;
	const char	*name;		/* interned, NULL: unknown */
};

/* struct name - an interned name (binary safe: has its length) */
struct name {
	char		*s;
	int		len;
	uint64_t	h;
};

/* struct pidname - the table backend's entry: @pid's name */
struct pidname {
	int		pid;
	bool		used;
	const char	*name;		/* interned */
};

struct comm {
	enum backend		be;
	struct tep_handle	*tep;
	int			cmdlines_fd;
	char			*cmdlines;	/* saved_cmdlines text */
	size_t			cmdlines_len;
	uint64_t		cmdlines_ns;
	struct slot		slots[COMM_SLOTS];
	struct name		*set;
	size_t			nset, setcap;	/* power of two */
	struct pidname		*tab;		/* table backend */
	size_t			ntab, tabcap;	/* power of two */
};

/* hash - FNV-1a over @len bytes */
static uint64_t hash(const char *s, int len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	int i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

/* set_grow - double the intern set; -1 on ENOMEM */
static int set_grow(struct comm *c)
{
	size_t n = c->setcap ? c->setcap * 2 : 64, i, j;
	struct name *t = calloc(n, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < c->setcap; i++) {
		if (!c->set[i].s)
			continue;
		for (j = c->set[i].h & (n - 1); t[j].s; j = (j + 1) & (n - 1))
			;
		t[j] = c->set[i];
	}
	free(c->set);
	c->set = t;
	c->setcap = n;
	return 0;
}

/* intern - the stable copy of @s[0..len), NUL-terminated; NULL on ENOMEM */
static const char *intern(struct comm *c, const char *s, int len)
{
	struct name *e;
	uint64_t h;
	size_t i;

	if (len > COMM_MAX)
		len = COMM_MAX;
	h = hash(s, len);
	for (i = c->setcap ? h & (c->setcap - 1) : 0; c->setcap && c->set[i].s;
	     i = (i + 1) & (c->setcap - 1)) {
		e = &c->set[i];
		if (e->h == h && e->len == len && !memcmp(e->s, s, len))
			return e->s;
	}
	if ((c->nset + 1) * 2 > c->setcap && set_grow(c) < 0)
		return NULL;
	for (i = h & (c->setcap - 1); c->set[i].s; i = (i + 1) & (c->setcap - 1))
		;
	e = &c->set[i];
	e->s = malloc(len + 1);
	if (!e->s)
		return NULL;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->len = len;
	e->h = h;
	c->nset++;
	return e->s;
}

/* comm_alloc - an empty cache of backend @be */
static struct comm *comm_alloc(enum backend be)
{
	struct comm *c = calloc(1, sizeof(*c));

	if (c) {
		c->be = be;
		c->cmdlines_fd = -1;
	}
	return c;
}

/**
 * comm_new_trace() - names from a trace file's saved cmdlines
 * @tep: the trace's tep handle (outlives the cache)
 *
 * Return: the cache, or NULL on ENOMEM.
 */
struct comm *comm_new_trace(struct tep_handle *tep)
{
	struct comm *c = comm_alloc(B_TRACE);

	if (c)
		c->tep = tep;
	return c;
}

/**
 * comm_new_host() - names of this host's tasks
 * @cmdlines_fd: open tracefs saved_cmdlines (for exited tasks), or -1;
 *		 owned by the caller
 *
 * Return: the cache, or NULL on ENOMEM.
 */
struct comm *comm_new_host(int cmdlines_fd)
{
	struct comm *c = comm_alloc(B_HOST);

	if (c)
		c->cmdlines_fd = cmdlines_fd;
	return c;
}

/**
 * comm_new_table() - names given with comm_set() only
 *
 * Return: the cache, or NULL on ENOMEM.
 */
struct comm *comm_new_table(void)
{
	return comm_alloc(B_TABLE);
}

/* slot_of - the cache slot of @pid */
static struct slot *slot_of(struct comm *c, int pid)
{
	return &c->slots[(unsigned int)pid % COMM_SLOTS];
}

/* tab_find - the table entry of @pid, or the free one it would take */
static struct pidname *tab_find(struct comm *c, int pid)
{
	size_t i = ((unsigned int)pid * 0x9e3779b1u) & (c->tabcap - 1);

	while (c->tab[i].used && c->tab[i].pid != pid)
		i = (i + 1) & (c->tabcap - 1);
	return &c->tab[i];
}

/* tab_put - @pid's name into the table backend's map; -1 on ENOMEM */
static int tab_put(struct comm *c, int pid, const char *name)
{
	struct pidname *e, *old = c->tab;
	size_t i, oldcap = c->tabcap;

	if ((c->ntab + 1) * 2 > c->tabcap) {
		c->tabcap = oldcap ? oldcap * 2 : 256;
		c->tab = calloc(c->tabcap, sizeof(*c->tab));
		if (!c->tab) {
			c->tab = old;
			c->tabcap = oldcap;
			return -1;
		}
		for (i = 0; i < oldcap; i++)
			if (old[i].used)
				*tab_find(c, old[i].pid) = old[i];
		free(old);
	}
	e = tab_find(c, pid);
	if (!e->used)
		c->ntab++;
	e->used = true;
	e->pid = pid;
	e->name = name;
	return 0;
}

/**
 * comm_set() - set the name of @pid (table backend; any backend's cache)
 * @c: cache
 * @pid: the task
 * @name: its name, @len bytes (need not be NUL-terminated)
 * @len: length
 *
 * Return: 0, or -1 on ENOMEM.
 */
int comm_set(struct comm *c, int pid, const char *name, int len)
{
	struct slot *s = slot_of(c, pid);
	const char *n = intern(c, name, len);

	if (!n || (c->be == B_TABLE && tab_put(c, pid, n) < 0))
		return -1;
	s->pid = pid;
	s->valid = true;
	s->name = n;
	return 0;
}

/* proc_comm - /proc/PID/comm without its trailing newline; -1 if none */
static int proc_comm(int pid, char *buf, size_t size)
{
	char path[40];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	if (n <= 0)
		return -1;
	if (buf[n - 1] == '\n')
		n--;
	return (int)n;
}

/* cmdlines_load - (re)read saved_cmdlines if it is older than @max_ns */
static void cmdlines_load(struct comm *c, uint64_t max_ns)
{
	uint64_t now = mono_ns();
	size_t cap = 1 << 16, len = 0;
	char *b;
	ssize_t n;

	if (c->cmdlines && now - c->cmdlines_ns < max_ns)
		return;
	b = malloc(cap);
	if (!b)
		return;
	while ((n = pread(c->cmdlines_fd, b + len, cap - len, len)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(b, cap * 2);

			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
	}
	free(c->cmdlines);
	c->cmdlines = b;
	c->cmdlines_len = len;
	c->cmdlines_ns = now;
}

/* entry_pid - the pid of a saved_cmdlines entry at @p ("DIGITS "), its
 * name at *@name; -1 if @p does not start an entry */
static long entry_pid(const char *p, const char *end, const char **name)
{
	long pid = 0;
	const char *q = p;

	while (q < end && *q >= '0' && *q <= '9' && q - p < 10)
		pid = pid * 10 + (*q++ - '0');
	if (q == p || q >= end || *q != ' ')
		return -1;
	*name = q + 1;
	return pid;
}

/*
 * cmdlines_find - @pid's name in the loaded text; -1 if absent. The
 * kernel prints "%d %s\n" per entry and a name may hold newlines (tabs,
 * anything but NUL): an entry ends at the first newline followed by the
 * start of another entry or by the end of the text. (Ambiguous only for a
 * name that itself holds a newline followed by "DIGITS ".)
 */
static int cmdlines_find(const struct comm *c, int pid, const char **name)
{
	const char *p = c->cmdlines, *end = p + c->cmdlines_len, *n, *nl;
	const char *dummy;
	long epid;

	while (p < end) {
		epid = entry_pid(p, end, &n);
		if (epid < 0)
			return -1;	/* not the kernel's format */
		for (nl = memchr(n, '\n', end - n); nl && nl + 1 < end &&
		     entry_pid(nl + 1, end, &dummy) < 0;
		     nl = memchr(nl + 1, '\n', end - nl - 1))
			;
		if (!nl)
			nl = end;
		if (epid == pid) {
			*name = n;
			return (int)(nl - n);
		}
		p = nl + 1;
	}
	return -1;
}

/* cmdlines_comm - @pid in saved_cmdlines; -1 if none. The kernel saved
 * the entry when it recorded the pid's event, before zapd read that
 * event: a miss in an older copy of the text reads it again (at most
 * every CMDLINES_MISS_MS, so a storm of exited pids stays cheap) */
static int cmdlines_comm(struct comm *c, int pid, const char **name)
{
	int n;

	if (c->cmdlines_fd < 0)
		return -1;
	cmdlines_load(c, CMDLINES_MS * NS_PER_MS);
	n = c->cmdlines ? cmdlines_find(c, pid, name) : -1;
	if (n >= 0)
		return n;
	cmdlines_load(c, CMDLINES_MISS_MS * NS_PER_MS);
	return c->cmdlines ? cmdlines_find(c, pid, name) : -1;
}

/* lookup - ask the backend for @pid's name; NULL unknown */
static const char *lookup(struct comm *c, int pid)
{
	char buf[COMM_MAX];
	const char *s;
	int n;

	switch (c->be) {
	case B_TRACE:
		s = tep_data_comm_from_pid(c->tep, pid);
		if (!s || !strcmp(s, "<...>"))
			return NULL;
		return intern(c, s, (int)strlen(s));
	case B_HOST:
		if (pid == 0)
			return intern(c, "swapper", 7);
		n = proc_comm(pid, buf, sizeof(buf));
		if (n >= 0)
			return intern(c, buf, n);
		n = cmdlines_comm(c, pid, &s);
		return n >= 0 ? intern(c, s, n) : NULL;
	case B_TABLE:
		if (c->tabcap && tab_find(c, pid)->used)
			return tab_find(c, pid)->name;
		break;
	}
	return NULL;
}

/**
 * comm_get() - the name of @pid
 * @c: cache
 * @pid: the task
 *
 * Return: the interned name (valid until comm_free()), or NULL if unknown.
 */
const char *comm_get(struct comm *c, int pid)
{
	struct slot *s = slot_of(c, pid);

	if (s->valid && s->pid == pid)
		return s->name;
	s->pid = pid;
	s->valid = true;
	s->name = lookup(c, pid);
	return s->name;
}

/**
 * comm_free() - free the cache and every name it returned
 * @c: cache (NULL is fine)
 */
void comm_free(struct comm *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->setcap; i++)
		free(c->set[i].s);
	free(c->set);
	free(c->tab);
	free(c->cmdlines);
	free(c);
}
