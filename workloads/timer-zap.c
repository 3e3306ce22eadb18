/* timer-zap [PAGES=512] [ROUNDS=20] [PERIOD_US=100] [PAUSE_US=0]: zaps on a
 * CPU that also takes a high-rate timer. A thread pinned to CPU 0 reads a
 * timerfd that expires every PERIOD_US (an hrtimer: irq_vectors:local_timer
 * on CPU 0, and a wakeup); the main thread, pinned to CPU 0 too, maps,
 * dirties and munmaps PAGES 4K pages ROUNDS times (PAUSE_US apart), so
 * timer interrupts land inside zap intervals and lock ranges. Prints
 * pid=, tid_timer=, cpu=, pages= (all rounds), expirations=. */
#include "common.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/timerfd.h>

static atomic_int stop;
static pid_t timer_tid;
static uint64_t expirations;

static void *timer_thread(void *v)
{
	long period_us = *(long *)v;
	struct itimerspec it = {
		.it_interval = { 0, period_us * 1000 },
		.it_value = { 0, period_us * 1000 },
	};
	uint64_t n;
	int fd;

	pin_cpu(0);
	timer_tid = gettid_();
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (fd < 0 || timerfd_settime(fd, 0, &it, NULL))
		die("timerfd");
	while (!atomic_load(&stop))
		if (read(fd, &n, sizeof(n)) == sizeof(n))
			expirations += n;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 512);
	long rounds = arg_long(argc, argv, 2, 20);
	long period = arg_long(argc, argv, 3, 100);
	long pause = argc > 4 ? arg_long(argc, argv, 4, 1) : 0;
	size_t len = (size_t)pages * PAGE;
	pthread_t t;

	print_header("timer-zap", pages * rounds);
	pin_cpu(0);
	if ((errno = pthread_create(&t, NULL, timer_thread, &period)))
		die("pthread_create");
	usleep(20000);
	for (long r = 0; r < rounds; r++) {
		char *p = map_anon_4k(len);

		touch(p, len, (int)r);
		if (munmap(p, len))
			die("munmap");
		if (pause)
			usleep((useconds_t)pause);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	kv("tid_timer", "%d", (int)timer_tid);
	kv("cpu", "%d", 0);
	kv("pages", "%ld", pages * rounds);
	kv("period_us", "%ld", period);
	kv("expirations", "%llu", (unsigned long long)expirations);
	return 0;
}
