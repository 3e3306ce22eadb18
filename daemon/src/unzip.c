// SPDX-License-Identifier: GPL-2.0
/*
 * unzip.c - a compressed trace.dat copied uncompressed, in linear time,
 * into files without a name (see unzip.h).
 *
 * Owns: the descriptors of the library's temporary files (counted for
 * the progress figure), and
 * mkstemp64(): this program's definition takes precedence over libc's
 * for libtracecmd, which calls it with its fixed template in /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <event-parse.h>

#include "tcpriv.h"
#include "unzip.h"

#define MAX_TEMPS	512

/* the library's template (trace-input.c COMPR_TEMP_FILE) */
static const char lib_template[] = "/tmp/trace_cpu_data";

static int temps[MAX_TEMPS];		/* this copy's files */
static _Atomic int ntemps;

/**
 * unzip_dir() - where temporary files go: $TMPDIR, else /var/tmp
 *
 * Return: the directory.
 */
const char *unzip_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/var/tmp";
}

/* nameless - a new empty file in @dir that has no name; -1 (errno) */
static int nameless(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL))
		return fd;
	/* a file system without O_TMPFILE: named for a moment */
	if (snprintf(path, sizeof(path), "%s/zapd-unzip-XXXXXX", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* track - count @fd among this copy's files */
static void track(int fd)
{
	int i = atomic_load(&ntemps);

	if (i < MAX_TEMPS) {
		temps[i] = fd;
		atomic_store(&ntemps, i + 1);
	}
}

/**
 * mkstemp64() - libc's, except for libtracecmd's temporary files
 * @tmpl: a template ending in XXXXXX, rewritten to the name made
 *
 * libtracecmd decompresses into "/tmp/trace_cpu_dataXXXXXX" files that it
 * unlinks only when it closes the trace: a killed reader would leave
 * them. Those are made without a name in unzip_dir() instead, and the
 * template becomes "/proc/self/fd/N", which no unlink() can remove.
 *
 * Return: the descriptor, or -1 (errno set).
 */
int mkstemp64(char *tmpl)
{
	size_t room = strlen(tmpl);
	char name[32];
	int fd;

	if (strncmp(tmpl, lib_template, sizeof(lib_template) - 1))
		return mkostemp64(tmpl, 0);
	fd = nameless(unzip_dir());
	if (fd < 0)
		return -1;
	track(fd);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	if (strlen(name) <= room)
		memcpy(tmpl, name, strlen(name) + 1);
	return fd;
}

/**
 * unzip_needed() - is the trace's data compressed?
 * @h: the trace (opened)
 *
 * Return: true if it is.
 */
bool unzip_needed(struct tracecmd_input *h)
{
	const char *name = NULL, *ver = NULL;

	if (tracecmd_get_file_compress_proto(h, &name, &ver) < 0 || !name)
		return false;
	return strcmp(name, "none") != 0;
}

/* cpu_span - bytes of @cpu's data in @h, from its first and last record */
static uint64_t cpu_span(struct tracecmd_input *h, int cpu)
{
	struct tep_record *first = tracecmd_read_cpu_first(h, cpu);
	struct tep_record *last = first ? tracecmd_read_cpu_last(h, cpu) :
				  NULL;
	uint64_t n = 0;

	if (first && last && last->offset >= first->offset)
		n = last->offset - first->offset + (uint64_t)last->size +
		    (uint64_t)tracecmd_page_size(h);
	tracecmd_free_record(first);
	tracecmd_free_record(last);
	return n;
}

/* buf_span - bytes of all CPUs' data of one buffer */
static uint64_t buf_span(struct tracecmd_input *h)
{
	int cpu, n = tracecmd_cpus(h);
	uint64_t sum = 0;

	for (cpu = 0; cpu < n; cpu++)
		sum += cpu_span(h, cpu);
	return sum;
}

/**
 * unzip_estimate() - bytes of the uncompressed data of every buffer
 * @h: the trace (opened; its read positions move)
 *
 * Reads the first and the last record of every CPU (one chunk each).
 *
 * Return: the estimate.
 */
uint64_t unzip_estimate(struct tracecmd_input *h)
{
	uint64_t sum = buf_span(h);
	int i, n = tracecmd_buffer_instances(h);

	for (i = 0; i < n; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(h, i);

		if (!b)
			continue;
		sum += buf_span(b);
		tracecmd_close(b);
	}
	return sum;
}

/**
 * unzip_check_space() - can unzip_dir() take @need more bytes?
 * @need: bytes
 * @msg: set to the reason when it cannot
 * @len: its size
 *
 * Return: 0 if they fit, -1 if not (or the directory is unusable).
 */
int unzip_check_space(uint64_t need, char *msg, size_t len)
{
	const char *dir = unzip_dir();
	struct statvfs sv;
	uint64_t avail;

	if (statvfs(dir, &sv) < 0) {
		snprintf(msg, len, "temporary directory '%s' (TMPDIR): %s",
			 dir, strerror(errno));
		return -1;
	}
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= need)
		return 0;
	snprintf(msg, len, "decompressing it needs %llu MB in '%s' (TMPDIR), "
		 "%llu MB are free", (unsigned long long)(need >> 20) + 1,
		 dir, (unsigned long long)(avail >> 20));
	return -1;
}

/**
 * unzip_open() - the trace behind @fd, its data decompressed into
 * temporary files (the library's own linear path)
 * @fd: the compressed trace.dat (not consumed)
 * @msg: set to the reason on failure
 * @len: its size
 *
 * tracecmd_copy() (what `trace-cmd convert` calls) switches the input
 * handle to decompressing each CPU's data into a temporary file before it
 * copies it out; the copy goes to /dev/null, and the handle, its data now
 * in those files, is then read like any other (its instance buffers
 * decompress theirs the same way). tests/import/reader.t checks that every
 * fixture reads the same as its uncompressed copy.
 *
 * Return: the handle (positioned at the start), or NULL.
 */
struct tracecmd_input *unzip_open(int fd, char *msg, size_t len)
{
	struct tracecmd_output *oh;
	struct tracecmd_input *ih;
	char in[32], out[32];
	int null, err;

	snprintf(in, sizeof(in), "/proc/self/fd/%d", fd);
	ih = tracecmd_open_head(in, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!ih) {
		snprintf(msg, len, "cannot read its headers");
		return NULL;
	}
	atomic_store(&ntemps, 0);
	/* not the path "/dev/null": tracecmd_copy() unlink()s its output
	 * when it fails, and as root that removes the device node; a path
	 * under /proc/self/fd cannot be unlinked */
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0) {
		snprintf(msg, len, "/dev/null: %s", strerror(errno));
		return NULL;
	}
	snprintf(out, sizeof(out), "/proc/self/fd/%d", null);
	errno = 0;
	oh = tracecmd_copy(ih, out, TCPRIV_FILE_CPU_FLYRECORD, 7, "none");
	err = errno;
	close(null);
	if (!oh) {
		snprintf(msg, len, "decompressing it failed%s", err ==
			 ENOSPC ? ": no space left in the temporary directory" :
			 "");
		/* @ih is left open: libtracecmd 3.1.6's tracecmd_close()
		 * crashes on an input whose copy failed half way (list_del()
		 * of per-CPU lists never set up: a fuzz-read finding); the
		 * reader process ends after a failed copy anyway */
		return NULL;
	}
	tracecmd_output_close(oh);
	tracecmd_set_all_cpus_to_timestamp(ih, 0);
	return ih;
}

/**
 * unzip_written() - bytes decompressed so far into the library's per-CPU
 * files: a progress figure, safe to read from another thread
 *
 * Return: the bytes.
 */
uint64_t unzip_written(void)
{
	int i, n = atomic_load(&ntemps);
	uint64_t sum = 0;
	struct stat sb;

	for (i = 0; i < n; i++)
		if (fstat(temps[i], &sb) == 0)
			sum += (uint64_t)sb.st_size;
	return sum;
}
