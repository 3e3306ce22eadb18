/* oom-reap MODE [MB=256] [HOG_S=5]: zaps by the OOM reaper's
 * __oom_reap_task_mm(), two ways.
 *
 * mrelease: a child pinned to CPU 1 dirties MB and pauses; this process,
 *   SCHED_FIFO on CPU 1 (so the child cannot run to its exit), kills it
 *   and reaps its memory with process_mrelease(pidfd): the zaps of
 *   __oom_reap_task_mm() run in this process. Prints
 *     phase=mrelease caller=oom_reaper pid=PID t0=NS t1=NS victim=VPID
 *   and the child's own exit afterwards as phase=exit.
 * oom: the OOM killer. A victim (oom_score_adj 1000) pinned to CPU 1
 *   dirties MB and sleeps; a SCHED_FIFO hog spins on CPU 1 (with
 *   sched_rt_runtime_us = -1, restored after), so the killed victim
 *   cannot run to its exit; a trigger allocates until the OOM killer
 *   picks the victim; OOM_REAPER_DELAY (2 s) later the oom_reaper kthread
 *   reaps it; HOG_S seconds after the kill the hog stops and the victim
 *   exits. Prints phase=oom victim=VPID t0= (trigger started) t1= (hog
 *   stopped); the trigger's munmap and every exit as phase= lines like
 *   callers.c.
 * MB is at most half of MemAvailable: a victim that the OOM killer picks
 * before it dirtied all of MB fails ("did not get ready"; seen with the
 * ASan build of zapd live beside it, whose quarantine holds 256 MB).
 * Times are CLOCK_MONOTONIC ns (trace-cmd record -C mono, zapd live). */
#include "common.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void set_fifo(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		die("SCHED_FIFO");
}

static void oom_adj(const char *v)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		die("oom_score_adj");
	close(fd);
}

static void write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		die("%s", path);
	close(fd);
}

/* victim - a child that dirties @len on CPU 1, says so, then sleeps */
static pid_t victim(size_t len, const char *adj)
{
	char c = 'r';
	int fd;
	pid_t pid = fork_piped(&fd);

	if (!pid) {
		pin_cpu(1);
		oom_adj(adj);
		touch(map_anon_4k(len), len, 3);
		if (write(fd, &c, 1) != 1)
			die("ready");
		for (;;)
			pause();
	}
	if (read(fd, &c, 1) != 1)
		die("victim %d did not get ready", (int)pid);
	close(fd);
	return pid;
}

/* reaped - wait for @pid (killed), print its exit phase from @t0 */
static void reaped(pid_t pid, uint64_t t0)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid %d", (int)pid);
	printf("phase=exit caller=exit pid=%d t0=%llu t1=%llu\n", (int)pid,
	       (unsigned long long)t0, (unsigned long long)now_ns());
	fflush(stdout);
}

static void mrelease(size_t len)
{
	pid_t v;
	uint64_t t0, t1;
	int fd;

	pin_cpu(1);
	v = victim(len, "0");
	set_fifo(10);	/* from now on the victim cannot run on CPU 1 */
	fd = (int)syscall(SYS_pidfd_open, v, 0);
	if (fd < 0)
		die("pidfd_open");
	t0 = now_ns();
	if (kill(v, SIGKILL))
		die("kill");
	if (syscall(SYS_process_mrelease, fd, 0))
		die("process_mrelease");
	t1 = now_ns();
	printf("phase=mrelease caller=oom_reaper pid=%d t0=%llu t1=%llu "
	       "victim=%d\n", (int)getpid(), (unsigned long long)t0,
	       (unsigned long long)t1, (int)v);
	fflush(stdout);
	reaped(v, t1);
}

/* hog - SCHED_FIFO on CPU 1 until *@stop (60 s at most): nothing else
 * runs there */
static pid_t hog(volatile int *stop)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		uint64_t end;

		pin_cpu(1);
		oom_adj("-1000");
		set_fifo(50);
		end = now_ns() + 60000000000ull;
		while (!*stop && now_ns() < end)
			;
		_exit(0);
	}
	return pid;
}

/* killed - has @pid a SIGKILL pending (the OOM killer sent it)? */
static int killed(pid_t pid)
{
	char path[64], line[128];
	unsigned long long mask;
	int hit = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "ShdPnd: %llx", &mask) == 1 ||
		    sscanf(line, "SigPnd: %llx", &mask) == 1)
			hit |= !!(mask & (1ull << (SIGKILL - 1)));
	if (f)
		fclose(f);
	return hit;
}

/* mem_available - MemAvailable of /proc/meminfo, bytes */
static size_t mem_available(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (size_t)kb * 1024;
}

/* trigger - allocate until the OOM killer acted, then unmap it all; in
 * transparent huge pages where it can (PMD zaps have no zap events: the
 * trace stays small enough to keep up with) */
static void trigger(size_t want)
{
	const size_t chunk = 4u << 20;
	char **c = calloc(want / chunk + 1, sizeof(*c));
	size_t n = 0, i;
	uint64_t t0, t1;

	pin_cpu(0);
	for (; n * chunk < want; n++) {
		c[n] = map_aligned(chunk, 2u << 20);
		madvise(c[n], chunk, MADV_HUGEPAGE);
		touch(c[n], chunk, 1);
	}
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (munmap(c[i], chunk))
			die("munmap");
	t1 = now_ns();
	printf("phase=trigger caller=munmap pid=%d t0=%llu t1=%llu\n",
	       (int)getpid(), (unsigned long long)t0, (unsigned long long)t1);
	fflush(stdout);
	t0 = now_ns();
	printf("phase=exit-start pid=%d t0=%llu\n", (int)getpid(),
	       (unsigned long long)t0);
	fflush(stdout);
	_exit(0);
}

static void oom(size_t len, double secs)
{
	volatile int *stop = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t v, h, t;
	uint64_t t0, t1;
	int st, i;

	if (stop == MAP_FAILED)
		die("mmap");
	v = victim(len, "1000");
	write_file("/proc/sys/kernel/sched_rt_runtime_us", "-1");
	h = hog(stop);
	usleep(100000);
	t0 = now_ns();
	fflush(stdout);
	t = fork();
	if (t < 0)
		die("fork");
	if (!t)
		trigger(mem_available() + (64u << 20));
	for (i = 0; i < 1000 && !killed(v); i++)	/* 50 s at most */
		usleep(50000);
	usleep((useconds_t)(secs * 1e6));	/* the reaper's turn */
	*stop = 1;
	if (waitpid(h, &st, 0) != h)
		die("hog");
	t1 = now_ns();
	write_file("/proc/sys/kernel/sched_rt_runtime_us", "950000");
	printf("phase=oom caller=oom_reaper victim=%d t0=%llu t1=%llu\n",
	       (int)v, (unsigned long long)t0, (unsigned long long)t1);
	fflush(stdout);
	reaped(v, t1);
	if (waitpid(t, &st, 0) != t || !WIFEXITED(st))
		die("trigger");
	printf("phase=exit-end pid=%d t1=%llu\n", (int)t,
	       (unsigned long long)now_ns());
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "mrelease";
	size_t len = (size_t)arg_long(argc, argv, 2, 256) << 20;
	double secs = (double)arg_long(argc, argv, 3, 5);
	size_t half = mem_available() / 2 & ~(size_t)(PAGE - 1);

	if (len > half)		/* the victim must get ready first */
		len = half;
	print_header("oom-reap", (long)(len / PAGE));
	kv("mode", "%s", mode);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		errno = 0;
		die("needs 2 online CPUs");
	}
	if (!strcmp(mode, "mrelease"))
		mrelease(len);
	else if (!strcmp(mode, "oom"))
		oom(len, secs);
	else {
		errno = 0;
		die("unknown mode '%s'", mode);
	}
	return 0;
}
