/* ptl-contention [ITERS=200] [PAGES=128]: one 2MB-aligned region (one PTE
 * page table); two threads pinned to CPU 0 and 1 each own a PAGES-page half
 * of it and loop ITERS times: fault it in (write), zap it (MADV_DONTNEED).
 * Both take the same PTE lock, so zap_pte_lock -> zap_pte_locked waits show
 * up.  pages= is the total zapped: 2 * ITERS * PAGES. */
#include "common.h"
#include <pthread.h>

#define SZ2M (2UL << 20)

struct arg {
	int cpu;
	long iters, pages;
	char *addr;
	pid_t tid;
};

static pthread_barrier_t bar;

static void *worker(void *v)
{
	struct arg *a = v;
	size_t len = (size_t)a->pages * PAGE;

	pin_cpu(a->cpu);
	a->tid = gettid_();
	pthread_barrier_wait(&bar);
	for (long i = 0; i < a->iters; i++) {
		touch(a->addr, len, (int)i);
		if (madvise(a->addr, len, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long iters = arg_long(argc, argv, 1, 200);
	long pages = arg_long(argc, argv, 2, 128);
	pthread_t t[2];

	print_header("ptl-contention", 2 * iters * pages);
	if (pages * 2 * PAGE > SZ2M) {
		errno = 0;
		die("PAGES must be <= 256 so both halves share one page table");
	}
	char *p = map_aligned(SZ2M, SZ2M);
	if (madvise(p, SZ2M, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	struct arg a[2] = {
		{ .cpu = 0, .iters = iters, .pages = pages, .addr = p },
		{ .cpu = 1, .iters = iters, .pages = pages, .addr = p + SZ2M / 2 },
	};
	pthread_barrier_init(&bar, NULL, 2);
	for (int i = 0; i < 2; i++)
		if ((errno = pthread_create(&t[i], NULL, worker, &a[i])))
			die("pthread_create");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	kv("addr", "%#lx", (unsigned long)p);
	kv("len", "%lu", SZ2M);
	kv("tid0", "%d", (int)a[0].tid);
	kv("tid1", "%d", (int)a[1].tid);
	kv("iters", "%ld", iters);
	kv("threads", "2");
	/* munmap of the (now empty) region zaps no present PTE */
	if (munmap(p, SZ2M))
		die("munmap");
	kv("pages", "%ld", 2 * iters * pages);
	return 0;
}
