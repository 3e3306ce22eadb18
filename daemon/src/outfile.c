// SPDX-License-Identifier: GPL-2.0
/*
 * outfile.c - write a file whole or not at all (see outfile.h).
 *
 * Owns: the temporary file, its mode (0644 less the umask, as a file
 * created by open(2) would be), the final rename. Invariant: after
 * outfile_commit() failed or outfile_abort(), the target is as it was
 * and no temporary file is left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "outfile.h"

#define OUT_BUF	(1 << 20)

/* set_buffer - a large stdio buffer: the writers print small pieces */
static void set_buffer(struct outfile *o)
{
	o->buf = malloc(OUT_BUF);
	if (o->buf)
		setvbuf(o->f, o->buf, _IOFBF, OUT_BUF);
}

/**
 * outfile_open() - start writing @path ("-": stdout)
 * @o: filled in
 * @path: the target
 *
 * Return: 0, or -1 after one line.
 */
int outfile_open(struct outfile *o, const char *path)
{
	mode_t um;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	if (!(o->path = strdup(path)) ||
	    asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		o->tmp = NULL;
		log_warnx("out of memory");
		goto fail;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		log_warn("cannot write '%s'", path);
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0644 & ~um) < 0 || !(o->f = fdopen(fd, "w"))) {
		log_warn("cannot write '%s'", path);
		close(fd);
		goto fail;
	}
	set_buffer(o);
	return 0;
fail:
	outfile_abort(o);
	return -1;
}

/**
 * outfile_commit() - finish: flush, check, close, rename over the target
 * @o: the file (freed)
 *
 * Return: 0, or -1 after one line (e.g. ENOSPC), the target untouched.
 */
int outfile_commit(struct outfile *o)
{
	int err = 0;

	if (fflush(o->f) || ferror(o->f))
		err = errno ? errno : EIO;
	if (o->f != stdout) {
		if (fclose(o->f) && !err)
			err = errno;
		o->f = NULL;
		if (!err && rename(o->tmp, o->path) < 0)
			err = errno;
	}
	if (err) {
		errno = err;
		log_warn("cannot write '%s'", o->path ? o->path : "stdout");
		outfile_abort(o);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	outfile_abort(o);
	return 0;
}

/**
 * outfile_abort() - drop what was written (the temporary file)
 * @o: the file (freed; a second call does nothing)
 */
void outfile_abort(struct outfile *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	if (o->f == stdout)
		fflush(stdout);
	else
		free(o->buf);
	memset(o, 0, sizeof(*o));
}
