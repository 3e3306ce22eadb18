/* two-threads [PAGES=1024]: two threads pinned to CPU 0 and CPU 1, each
 * maps, dirties and munmaps its own PAGES-page region at the same time. */
#include "common.h"
#include <pthread.h>

struct arg {
	int cpu;
	long pages;
	pid_t tid;
	int ran_on;
	char *addr;
};

static pthread_barrier_t bar;

static void *worker(void *v)
{
	struct arg *a = v;
	size_t len = (size_t)a->pages * PAGE;

	pin_cpu(a->cpu);
	a->tid = gettid_();
	a->addr = map_anon_4k(len);
	touch(a->addr, len, 6);
	pthread_barrier_wait(&bar);
	a->ran_on = sched_getcpu();
	if (munmap(a->addr, len))
		die("munmap");
	return NULL;
}

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 1024);
	struct arg a[2] = { { .cpu = 0, .pages = pages }, { .cpu = 1, .pages = pages } };
	pthread_t t[2];

	print_header("two-threads", 2 * pages);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		errno = 0;
		die("needs 2 online CPUs, have %ld", sysconf(_SC_NPROCESSORS_ONLN));
	}
	pthread_barrier_init(&bar, NULL, 2);
	for (int i = 0; i < 2; i++)
		if ((errno = pthread_create(&t[i], NULL, worker, &a[i])))
			die("pthread_create");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++) {
		char k[16];
		snprintf(k, sizeof(k), "tid%d", i);
		kv(k, "%d", (int)a[i].tid);
		snprintf(k, sizeof(k), "cpu%d", i);
		kv(k, "%d", a[i].ran_on);
		snprintf(k, sizeof(k), "addr%d", i);
		kv(k, "%#lx", (unsigned long)a[i].addr);
		snprintf(k, sizeof(k), "pages%d", i);
		kv(k, "%ld", a[i].pages);
	}
	kv("len", "%zu", (size_t)pages * PAGE);
	kv("threads", "2");
	kv("pages", "%ld", 2 * pages);
	return 0;
}
