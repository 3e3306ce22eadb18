// SPDX-License-Identifier: GPL-2.0
/*
 * live-owner.c - which tracefs instances are zapd's, and what is left
 * when a zapd live is killed.
 *
 * Owns: the owner files in LIVE_OWNER_DIR, one per instance a zapd live
 * created ("NAME.owner": the creator's pid, the identity of the instance
 * directory - inode number and ctime, new with every mkdir - and its
 * path), each flock()ed by its creator for as long as it lives; the
 * sweep of stale instances; the guardian process.
 *
 * The lock is the liveness test: it belongs to the open file, so the
 * --user child and the guardian, which inherit it, hold it too, and the
 * kernel drops it when the last of them is gone (a kill -9 included; no
 * pid is reused into it). An owner file whose lock can be taken belongs
 * to no living zapd.
 *
 * Invariants:
 *  - an instance is removed here only if an owner file names it with
 *    its identity (a zapd created exactly that directory) and nobody
 *    holds the file's lock (no process of that zapd lives): never an
 *    instance in use, never one zapd did not create;
 *  - removing a stale instance turns tracing off first, then its
 *    stacktrace trigger, then removes it; each sweep says what it
 *    removed in one line;
 *  - the guardian holds no file of the instance (it is forked before
 *    the instance exists) and acts only once every other process of its
 *    zapd is gone (end of file on a pipe they hold).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "live-int.h"
#include "log.h"

/* struct owner - what an owner file says */
struct owner {
	int		pid;
	uint64_t	ino;
	int64_t		ctime_s, ctime_ns;
	char		path[4096];	/* the instance directory */
};

/* mkdirs - LIVE_OWNER_DIR and the directories above it (an initramfs
 * may have no /run), root only; -1 if it cannot be made */
static int mkdirs(void)
{
	char path[sizeof(LIVE_OWNER_DIR)];
	char *p;

	snprintf(path, sizeof(path), "%s", LIVE_OWNER_DIR);
	for (p = strchr(path + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(path, p ? 0755 : 0700) < 0 && errno != EEXIST)
			return -1;
		if (!p)
			return 0;
		*p = '/';
	}
}

/* read_owner - parse an owner file; -1 if it holds no identity (its
 * zapd died before it recorded one) */
static int read_owner(int fd, struct owner *ow)
{
	char buf[4200];
	unsigned long long ino;
	long long cs, cns;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *p;
	int pid;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "pid %d\nino %llu\nctime %lld.%lld\n", &pid, &ino,
		   &cs, &cns) != 4)
		return -1;
	p = strstr(buf, "\npath ");
	if (!p || !n || buf[n - 1] != '\n')
		return -1;
	buf[n - 1] = '\0';
	snprintf(ow->path, sizeof(ow->path), "%s", p + 6);
	ow->pid = pid;
	ow->ino = ino;
	ow->ctime_s = cs;
	ow->ctime_ns = cns;
	return 0;
}

/* same_dir - is @path the very directory @ow recorded? */
static bool same_dir(const struct owner *ow)
{
	struct stat sb;

	return stat(ow->path, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	       (uint64_t)sb.st_ino == ow->ino &&
	       (int64_t)sb.st_ctim.tv_sec == ow->ctime_s &&
	       (int64_t)sb.st_ctim.tv_nsec == ow->ctime_ns;
}

/* write_file - write @val into @dir/@name (a tracefs control file) */
static int write_file(const char *dir, const char *name, const char *val)
{
	char path[4200];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return ret;
}

/* remove_dir - tracing off, the trigger off, rmdir (retried while a
 * dying reader still holds one of its files); 0 or -1 with errno */
static int remove_dir(const char *path, bool *was_on)
{
	char on[4200], c = '0';
	int fd, tries;

	snprintf(on, sizeof(on), "%s/tracing_on", path);
	fd = open(on, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		*was_on = read(fd, &c, 1) == 1 && c == '1';
		close(fd);
	}
	write_file(path, "tracing_on", "0");
	write_file(path, "events/zap/zap_pte_lock/trigger", "!stacktrace");
	for (tries = 0; tries < 100; tries++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(20000);
	}
	return -1;
}

/*
 * sweep_one - the owner file @name, if stale: its instance removed and
 * the file deleted. Appends "'NAME' (pid N)" to @said for the line; -1
 * with errno if the instance could not be removed (the file stays, the
 * next sweep tries again)
 */
static int sweep_one(int dfd, const char *name, char *said, size_t len,
		     char *failed, size_t flen, int *nsaid, int *nfailed)
{
	struct owner ow;
	struct stat sb;
	bool was_on = false;
	size_t n = strlen(name) - strlen(".owner"), k;
	int fd = openat(dfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 ||	/* its zapd lives */
	    fstat(fd, &sb) < 0 || sb.st_nlink == 0) {	/* swept already */
		close(fd);
		return 0;
	}
	if (read_owner(fd, &ow) == 0 && same_dir(&ow)) {
		if (remove_dir(ow.path, &was_on) < 0) {
			k = strlen(failed);
			snprintf(failed + k, flen - k, "%s'%.*s' (%s)",
				 k ? ", " : "", (int)n, name, strerror(errno));
			(*nfailed)++;
			close(fd);
			return -1;
		}
		k = strlen(said);
		snprintf(said + k, len - k, "%s'%.*s' (pid %d%s)",
			 k ? ", " : "", (int)n, name, ow.pid,
			 was_on ? ", was tracing" : "");
		(*nsaid)++;
	} else {
		log_debug("live: owner file %s: no instance of its own", name);
	}
	unlinkat(dfd, name, 0);
	close(fd);
	return 0;
}

/**
 * live_owner_sweep() - remove the tracefs instances of zapd lives that
 * are gone (kill -9, crash), whatever their name, and say so in one line
 */
void live_owner_sweep(void)
{
	char said[1024] = "", failed[1024] = "";
	DIR *d = opendir(LIVE_OWNER_DIR);
	int nsaid = 0, nfailed = 0;
	struct dirent *e;
	size_t n;

	if (!d)
		return;
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (n > 6 && !strcmp(e->d_name + n - 6, ".owner"))
			sweep_one(dirfd(d), e->d_name, said, sizeof(said),
				  failed, sizeof(failed), &nsaid, &nfailed);
	}
	closedir(d);
	if (nsaid)
		log_notice("live: removed the tracefs instance%s of %s that "
			   "was killed: %s", nsaid > 1 ? "s" : "",
			   nsaid > 1 ? "zapd lives" : "a zapd live", said);
	if (nfailed)
		log_warnx("live: cannot remove the stale tracefs instance%s of "
			  "a killed zapd live: %s", nfailed > 1 ? "s" : "",
			  failed);
}

/**
 * live_owner_claim() - the owner file of --instance, created and locked
 * before the instance is (a sweep running meanwhile never takes it)
 * @l: the run
 *
 * Return: 0 (also when there is no owner directory: the instance is
 * then only removed by this process), 1 if a living zapd holds it (the
 * instance is in use).
 */
int live_owner_claim(struct live *l)
{
	struct stat a, b;
	char buf[64];
	int tries, fd;

	l->owner_fd = -1;
	if (mkdirs() < 0 || asprintf(&l->owner_path, "%s/%s.owner",
				     LIVE_OWNER_DIR, l->o.instance) < 0) {
		l->owner_path = NULL;
		log_debug("live: no owner file in %s", LIVE_OWNER_DIR);
		return 0;
	}
	for (tries = 0; tries < 10; tries++) {
		fd = open(l->owner_path, O_RDWR | O_CREAT | O_CLOEXEC |
			  O_NOFOLLOW, 0600);
		if (fd < 0)
			break;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			return 1;
		}
		/* a sweep may have deleted the file we opened */
		if (fstat(fd, &a) == 0 && stat(l->owner_path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			l->owner_fd = fd;
			snprintf(buf, sizeof(buf), "pid %d\n", (int)getpid());
			if (ftruncate(fd, 0) < 0 ||
			    pwrite(fd, buf, strlen(buf), 0) < 0)
				log_debug("live: cannot write %s", l->owner_path);
			return 0;
		}
		close(fd);
	}
	log_debug("live: cannot take %s", l->owner_path);
	free(l->owner_path);
	l->owner_path = NULL;
	return 0;
}

/**
 * live_owner_record() - write the identity of the instance just created
 * into the owner file: from now on a sweep may remove it once its zapd
 * is gone
 * @l: the run, instance created
 */
void live_owner_record(struct live *l)
{
	char *dir = tracefs_instance_get_dir(l->inst);	/* allocated */
	char buf[4200];
	struct stat sb;
	int n;

	if (l->owner_fd < 0 || !dir || stat(dir, &sb) < 0)
		goto out;
	n = snprintf(buf, sizeof(buf), "pid %d\nino %" PRIu64 "\nctime "
		     "%lld.%09ld\npath %s\n", (int)getpid(),
		     (uint64_t)sb.st_ino, (long long)sb.st_ctim.tv_sec,
		     sb.st_ctim.tv_nsec, dir);
	if (n >= (int)sizeof(buf) || ftruncate(l->owner_fd, 0) < 0 ||
	    pwrite(l->owner_fd, buf, n, 0) != n)
		log_debug("live: cannot write %s", l->owner_path);
out:
	tracefs_put_tracing_file(dir);
}

/**
 * live_owner_release() - the instance is gone: delete the owner file
 * (only its creator, which removes the instance, calls this), unlock
 * @l: the run
 * @removed: the instance was removed (else the file stays for a sweep)
 */
void live_owner_release(struct live *l, bool removed)
{
	if (l->owner_fd >= 0) {
		if (removed && l->owner_path)
			unlink(l->owner_path);
		close(l->owner_fd);
	}
	l->owner_fd = -1;
	free(l->owner_path);
	l->owner_path = NULL;
}

/* guardian - the guardian's life: wait until every process of its zapd
 * is gone (end of file on @rfd), then remove what they left; exits */
static void guardian(struct live *l, int rfd)
{
	struct owner ow;
	bool was_on = false;
	ssize_t r;
	char c;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null >= 0)		/* a reader of zapd's stdout sees its end */
		dup2(null, STDOUT_FILENO);
	do
		r = read(rfd, &c, 1);
	while (r > 0 || (r < 0 && errno == EINTR));
	if (l->owner_fd < 0 || read_owner(l->owner_fd, &ow) < 0 ||
	    !same_dir(&ow))
		_exit(0);	/* removed by its zapd (or never created) */
	if (remove_dir(ow.path, &was_on) < 0) {
		log_warn("live: zapd live pid %d was killed; cannot remove its "
			 "tracefs instance '%s'", ow.pid, l->o.instance);
		_exit(1);
	}
	unlink(l->owner_path);
	log_notice("live: zapd live pid %d was killed: removed its tracefs "
		   "instance '%s'%s", ow.pid, l->o.instance,
		   was_on ? " (it was tracing)" : "");
	_exit(0);
}

/**
 * live_guard() - fork the guardian: a root process that removes the
 * instance as soon as zapd's own processes are all gone without having
 * done it (kill -9). It holds no file of the instance (the instance does
 * not exist yet) and ignores the signals zapd itself stops on (they are
 * blocked).
 * @l: the run, owner file claimed, instance not yet created
 *
 * Return: 0, or -1 after one line.
 */
int live_guard(struct live *l)
{
	int p[2];
	pid_t pid;

	if (l->owner_fd < 0)
		return 0;	/* nothing to prove the instance ours */
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_warn("live: pipe");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_warn("live: fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		setsid();	/* not in the terminal's process group */
		guardian(l, p[0]);
	}
	close(p[0]);
	l->guard_fd = p[1];	/* held until exit (inherited by --user's
				 * child: its end is the end of both) */
	return 0;
}
