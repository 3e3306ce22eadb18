/* munmap-bench [--mb MB] [--reps N] [--mthp] [--quiet]
 *
 * Kernel cost of tearing down present PTEs: map an anonymous region of MB
 * MiB (default 1024), write one byte per 4K page so every PTE is present,
 * then time munmap() alone with clock_gettime(CLOCK_MONOTONIC).  Repeated
 * N times (default 15); prints every sample and a summary as KEY=VALUE lines:
 *
 *   sample=I ns=...                      one line per repetition
 *   median_ns= min_ns= max_ns= ptes=     over the N munmap() calls
 *   ns_per_pte_median= ns_per_pte_min= ns_per_pte_max=
 *   munmap_total_ns=                     sum of the N timed windows
 *
 * Default: 4K pages (MADV_NOHUGEPAGE), one small folio per PTE.
 * --mthp: the region is 64K-aligned and MADV_HUGEPAGE'd, for 64K mTHP folios
 * (the caller must enable them: echo madvise >
 * /sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled and disable the
 * PMD size so 2M folios do not take over); the number of 64K faults is read
 * from hugepages-64kB/stats/anon_fault_alloc and printed as mthp64k_faults=.
 * Static, libc only (vm/bench-kernel.sh runs it in the QEMU guest).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MTHP (64UL * 1024)

static void die(const char *what)
{
	fprintf(stderr, "munmap-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static char *map_region(size_t len, int mthp)
{
	size_t align = mthp ? MTHP : PAGE;
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap");
	uintptr_t a = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	/* Trim the unaligned ends before touching: nothing is present there. */
	if (a > (uintptr_t)raw && munmap(raw, a - (uintptr_t)raw))
		die("munmap head");
	size_t tail = (uintptr_t)raw + len + align - (a + len);
	if (tail && munmap((char *)a + len, tail))
		die("munmap tail");
	if (madvise((char *)a, len, mthp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise");
	return (char *)a;
}

int main(int argc, char **argv)
{
	long mb = 1024, reps = 15;
	int mthp = 0, quiet = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mb") && i + 1 < argc)
			mb = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--mthp"))
			mthp = 1;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = 1;
		else {
			fprintf(stderr, "usage: munmap-bench [--mb MB] [--reps N] [--mthp] [--quiet]\n");
			return 2;
		}
	}
	if (mb <= 0 || reps <= 0) {
		fprintf(stderr, "munmap-bench: --mb and --reps must be > 0\n");
		return 2;
	}

	size_t len = (size_t)mb << 20;
	size_t ptes = len / PAGE;
	uint64_t *ns = calloc((size_t)reps, sizeof(*ns));
	if (!ns)
		die("calloc");
	const char *stat64 = "/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/anon_fault_alloc";
	long f0 = read_long(stat64);

	printf("workload=munmap-bench\nmode=%s\nmb=%ld\nreps=%ld\nptes=%zu\n",
	       mthp ? "mthp64k" : "4k", mb, reps, ptes);
	fflush(stdout);

	uint64_t total = 0;
	for (long r = 0; r < reps; r++) {
		char *p = map_region(len, mthp);
		for (size_t off = 0; off < len; off += PAGE)
			((volatile char *)p)[off] = 1;
		uint64_t t0 = now_ns();
		if (munmap(p, len))
			die("munmap");
		uint64_t t1 = now_ns();
		ns[r] = t1 - t0;
		total += ns[r];
		if (!quiet) {
			printf("sample=%ld ns=%llu\n", r, (unsigned long long)ns[r]);
			fflush(stdout);
		}
	}
	long f1 = read_long(stat64);

	qsort(ns, (size_t)reps, sizeof(*ns), cmp_u64);
	double med = reps % 2 ? (double)ns[reps / 2]
			      : ((double)ns[reps / 2 - 1] + (double)ns[reps / 2]) / 2;
	printf("median_ns=%.0f\nmin_ns=%llu\nmax_ns=%llu\n", med,
	       (unsigned long long)ns[0], (unsigned long long)ns[reps - 1]);
	printf("ns_per_pte_median=%.2f\nns_per_pte_min=%.2f\nns_per_pte_max=%.2f\n",
	       med / ptes, (double)ns[0] / ptes, (double)ns[reps - 1] / ptes);
	printf("munmap_total_ns=%llu\n", (unsigned long long)total);
	if (f0 >= 0 && f1 >= 0)
		printf("mthp64k_faults=%ld\nmthp64k_expected=%zu\n", f1 - f0,
		       mthp ? (size_t)reps * (len / MTHP) : 0);
	return 0;
}
