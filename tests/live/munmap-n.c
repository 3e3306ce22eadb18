// SPDX-License-Identifier: GPL-2.0
/*
 * munmap-n.c - do a known number of munmap(2) calls, for tests/live.
 *
 * usage: munmap-n N [--wait] [--sleep-ms MS] [--rate R] [--getppid]
 *                  [--comm NAME]
 *   prints its pid, then with --wait blocks until a line arrives on
 *   stdin (so a tracer can be started with --pid first), then does N
 *   mmap+munmap pairs of one page (exactly N munmap syscalls, nothing else
 *   calls munmap: no stdio after the start, no free() of big blocks), at
 *   most R per second with --rate (paced by spinning on clock_gettime:
 *   no munmap), then with --sleep-ms does one nanosleep of MS ms, and
 *   exits 0. --getppid: N getppid() calls instead of mmap+munmap (the
 *   cheapest syscall pair to trace: the highest event rate one task can
 *   make, for daemon/bench/live-host.sh). --comm NAME: rename the task
 *   (prctl(PR_SET_NAME), any bytes, "" included) before printing its pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* now_ns - CLOCK_MONOTONIC */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* main - parse the options, rename, wait, do the syscalls */
int main(int argc, char **argv)
{
	double rate = 0, t0 = 0;
	long n, i, sleep_ms = 0;
	int wait = 0, ppid = 0, a;
	const char *comm = NULL;
	char line[16];
	void *p;

	if (argc < 2) {
		fprintf(stderr, "usage: munmap-n N [--wait] [--sleep-ms MS] "
			"[--rate R] [--getppid] [--comm NAME]\n");
		return 2;
	}
	n = strtol(argv[1], NULL, 10);
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--wait"))
			wait = 1;
		else if (!strcmp(argv[a], "--sleep-ms") && a + 1 < argc)
			sleep_ms = strtol(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--rate") && a + 1 < argc)
			rate = strtod(argv[++a], NULL);
		else if (!strcmp(argv[a], "--getppid"))
			ppid = 1;
		else if (!strcmp(argv[a], "--comm") && a + 1 < argc)
			comm = argv[++a];
	}
	if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0) < 0)
		return 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (wait && read(0, line, sizeof(line)) < 0)
		return 1;
	if (rate > 0)
		t0 = now_ns();
	for (i = 0; i < n; i++) {
		while (rate > 0 && now_ns() < t0 + i * 1e9 / rate)
			;
		if (ppid) {
			getppid();
			continue;
		}
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		*(volatile char *)p = 1;	/* a present PTE to zap */
		if (munmap(p, 4096) < 0)
			return 1;
	}
	if (sleep_ms > 0) {
		struct timespec ts = { sleep_ms / 1000,
				       (sleep_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	return 0;
}
