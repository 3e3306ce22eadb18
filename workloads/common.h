/* workloads/common.h - helpers shared by the zap workloads.
 *
 * Every workload prints what it touched as KEY=VALUE lines on stdout
 * (workload=, pid=, pages=, addr=, len=, ...) so the host can check a
 * trace against it.  Static, no dependencies beyond libc.
 */
#ifndef ZAPD_WORKLOAD_COMMON_H
#define ZAPD_WORKLOAD_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static const char *wl_name __attribute__((unused)) = "workload";

__attribute__((noreturn, format(printf, 1, 2)))
static inline void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", wl_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	exit(1);
}

__attribute__((format(printf, 2, 3)))
static inline void kv(const char *key, const char *fmt, ...)
{
	va_list ap;
	printf("%s=", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline long arg_long(int argc, char **argv, int i, long def)
{
	if (argc <= i)
		return def;
	char *end;
	long v = strtol(argv[i], &end, 0);
	if (*end || v <= 0) {
		errno = 0;
		die("bad argument '%s'", argv[i]);
	}
	return v;
}

static inline pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* Anonymous private mapping that takes the 4K PTE path (no THP). */
static inline char *map_anon_4k(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap %zu", len);
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

/* Write one byte per 4K page so every PTE is present, writable and dirty. */
static inline void touch(char *p, size_t len, int val)
{
	for (size_t off = 0; off < len; off += PAGE)
		((volatile char *)p)[off] = (char)val;
}

/* Anonymous region of len bytes aligned to align (power of two). */
static inline char *map_aligned(size_t len, size_t align)
{
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap %zu", len + align);
	uintptr_t a = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)raw)
		munmap(raw, a - (uintptr_t)raw);
	size_t tail = (uintptr_t)raw + len + align - (a + len);
	if (tail)
		munmap((char *)a + len, tail);
	return (char *)a;
}

static inline void pin_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(cpu %d)", cpu);
}

/* fork_piped - fork(); *fd is then the write end of a new pipe in the
 * child, its read end in the parent (stdout flushed first) */
static inline pid_t fork_piped(int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	close(pid ? p[1] : p[0]);
	*fd = pid ? p[0] : p[1];
	return pid;
}

static inline void print_header(const char *name, long pages)
{
	wl_name = name;
	kv("workload", "%s", name);
	kv("pid", "%d", (int)getpid());
	(void)pages;
}

#endif
