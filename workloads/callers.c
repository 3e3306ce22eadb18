/* callers MODE [PAGES=256]: every kernel path that zaps, each in its own
 * child process, so a trace can be checked caller by caller.
 *
 * MODE: munmap mremap mmap-fixed madvise truncate punch remove free exit,
 * "all" (each in turn, on alternating CPUs) or "mixed" (all at once, on
 * both CPUs). A child maps and dirties PAGES 4K pages (anonymous, or a
 * memfd shared mapping for truncate/punch/remove), then
 *   munmap      munmap()                                  -> munmap
 *   mremap      mremap() shrinking it to half in place     -> munmap
 *   mmap-fixed  mmap(MAP_FIXED) over it                    -> munmap
 *   madvise     madvise(MADV_DONTNEED)                     -> madvise
 *   truncate    ftruncate(memfd, 0): unmap_mapping_range() -> truncate
 *   punch       fallocate(PUNCH_HOLE)                      -> truncate
 *   remove      madvise(MADV_REMOVE): a hole punch         -> truncate
 *   free        madvise(MADV_FREE): no zap at all          -> (none)
 *   exit        nothing: its exit zaps it                  -> exit
 * and exits. Lines on stdout, times CLOCK_MONOTONIC in ns (the trace
 * clock of trace-cmd record -C mono and of zapd live):
 *   phase=NAME caller=LABEL pid=PID cpu=CPU t0=NS t1=NS addr=A len=L
 *   phase=exit caller=exit pid=PID t0=(before its _exit) t1=(reaped)
 * Every zap of PID between t0 and t1 has that caller. */
#include "common.h"
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>

static const struct op {
	const char *name, *caller;
	int shmem;
} ops[] = {
	{ "munmap", "munmap", 0 }, { "mremap", "munmap", 0 },
	{ "mmap-fixed", "munmap", 0 }, { "madvise", "madvise", 0 },
	{ "truncate", "truncate", 1 }, { "punch", "truncate", 1 },
	{ "remove", "truncate", 1 }, { "free", "none", 0 },
	{ "exit", "exit", 0 },
};
#define NOPS ((int)(sizeof(ops) / sizeof(ops[0])))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* setup - the child's region, dirty; *fd the memfd for shmem ops */
static char *setup(const struct op *op, size_t len, int *fd)
{
	char *p;

	*fd = -1;
	if (!op->shmem) {
		p = map_anon_4k(len);
	} else {
		*fd = (int)syscall(SYS_memfd_create, "callers", 0);
		if (*fd < 0 || ftruncate(*fd, (off_t)len))
			die("memfd");
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
		if (p == MAP_FAILED)
			die("mmap memfd");
	}
	touch(p, len, 7);
	return p;
}

/* run_op - the operation itself */
static void run_op(const struct op *op, char *p, size_t len, int fd)
{
	const char *n = op->name;
	int r = 0;

	if (!strcmp(n, "munmap"))
		r = munmap(p, len);
	else if (!strcmp(n, "mremap"))
		r = mremap(p, len, len / 2, 0) == MAP_FAILED;
	else if (!strcmp(n, "mmap-fixed"))
		r = mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED;
	else if (!strcmp(n, "madvise"))
		r = madvise(p, len, MADV_DONTNEED);
	else if (!strcmp(n, "truncate"))
		r = ftruncate(fd, 0);
	else if (!strcmp(n, "punch"))
		r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      0, (off_t)len);
	else if (!strcmp(n, "remove"))
		r = madvise(p, len, MADV_REMOVE);
	else if (!strcmp(n, "free"))
		r = madvise(p, len, MADV_FREE);
	if (r)
		die("%s", n);
}

/* child - one operation, then its exit; @go: wait for a byte (mixed) */
static void child(const struct op *op, int cpu, size_t len, int go, int out)
{
	uint64_t t0, t1;
	char *p, c;
	int fd;

	pin_cpu(cpu);
	p = setup(op, len, &fd);
	if (go >= 0 && read(go, &c, 1) < 0)
		die("start");
	t0 = now_ns();
	if (strcmp(op->name, "exit"))
		run_op(op, p, len, fd);
	t1 = now_ns();
	if (strcmp(op->name, "exit"))
		printf("phase=%s caller=%s pid=%d cpu=%d t0=%llu t1=%llu "
		       "addr=%#lx len=%zu\n", op->name, op->caller,
		       (int)getpid(), sched_getcpu(), (unsigned long long)t0,
		       (unsigned long long)t1, (unsigned long)p, len);
	fflush(stdout);
	t0 = now_ns();
	if (write(out, &t0, sizeof(t0)) != sizeof(t0))
		die("pipe");
	_exit(0);
}

/* start - fork the child of @op; its pid, its exit time pipe in *rd */
static pid_t start(const struct op *op, int cpu, size_t len, int go,
		   int *rd)
{
	pid_t pid = fork_piped(rd);

	if (!pid)
		child(op, cpu, len, go, *rd);
	return pid;
}

/* reap - wait for @pid, print its exit phase */
static void reap(pid_t pid, int rd)
{
	uint64_t t0 = 0;
	int st;

	if (read(rd, &t0, sizeof(t0)) != sizeof(t0))
		die("child %d died", (int)pid);
	close(rd);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child %d failed", (int)pid);
	printf("phase=exit caller=exit pid=%d t0=%llu t1=%llu\n", (int)pid,
	       (unsigned long long)t0, (unsigned long long)now_ns());
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	long pages = arg_long(argc, argv, 2, 256);
	size_t len = (size_t)pages * PAGE;
	int rd[NOPS], go[2] = { -1, -1 }, i, n = 0;
	bool all = !strcmp(mode, "all"), mixed = !strcmp(mode, "mixed");
	pid_t pid[NOPS];

	print_header("callers", pages);
	kv("mode", "%s", mode);
	kv("pages", "0");	/* its own: its children dirty theirs */
	if (mixed && pipe(go))
		die("pipe");
	for (i = 0; i < NOPS; i++) {
		if (!all && !mixed && strcmp(mode, ops[i].name))
			continue;
		pid[n] = start(&ops[i], n % 2, len, go[0], &rd[n]);
		if (!mixed)
			reap(pid[n], rd[n]);
		n++;
	}
	if (!n) {
		errno = 0;
		die("unknown mode '%s'", mode);
	}
	if (mixed) {
		usleep(200000);		/* every child mapped and dirtied */
		for (i = 0; i < n; i++)
			if (write(go[1], "g", 1) != 1)
				die("start");
		for (i = 0; i < n; i++)
			reap(pid[i], rd[i]);
	}
	kv("children", "%d", n);
	return 0;
}
