// SPDX-License-Identifier: GPL-2.0
/*
 * readlimit.c - how fast libtracecmd alone can read a trace.dat: every
 * record of every buffer in time order (tracecmd_iterate_events_multi(),
 * as zapd's reader does), and one field of each (common_pid), nothing
 * else. The ceiling for zapd import (daemon/bench/import-bench.sh).
 *
 * usage: readlimit FILE.dat    prints "records=N seconds=S"
 */
#include <stdio.h>
#include <time.h>

#include <event-parse.h>
#include <trace-cmd.h>

static unsigned long long records, pidsum;

/* on_record - count the record and read its pid */
static int on_record(struct tracecmd_input *h, struct tep_record *rec,
		     int cpu, void *data)
{
	records++;
	pidsum += (unsigned int)tep_data_pid(tracecmd_get_tep(h), rec);
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *h[64];
	struct timespec a, b;
	int i, n;

	if (argc != 2) {
		fprintf(stderr, "usage: readlimit FILE.dat\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	h[0] = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h[0]) {
		fprintf(stderr, "readlimit: cannot open '%s'\n", argv[1]);
		return 1;
	}
	n = tracecmd_buffer_instances(h[0]);
	for (i = 0; i < n && i < 63; i++)
		h[i + 1] = tracecmd_buffer_instance_handle(h[0], i);
	for (i = 1; i <= n && i < 64; i++)
		if (!h[i])
			return 1;
	tracecmd_iterate_events_multi(h, n + 1 < 64 ? n + 1 : 64, on_record,
				      NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("records=%llu seconds=%.3f (pid sum %llu)\n", records,
	       (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       pidsum);
	return 0;
}
