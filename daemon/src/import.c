// SPDX-License-Identifier: GPL-2.0
/*
 * import.c - zapd import: one trace.dat into the database (see import.h).
 *
 * Owns: the subcommand's command line, the input checks (a regular file
 * with the trace.dat magic, opened without waiting), the run identity (a
 * 128-bit content hash: importing the same content again is a no-op),
 * and the order of a run: start the reader process (reader.c: the file
 * is parsed there, never here), open the store, begin the run, feed what
 * the reader sends into the run layer (run.c) with its writer thread,
 * end or abort the run.
 *
 * Invariants:
 *  - nothing is created before the command line and the file checked out
 *    (a file with no zap events creates no database);
 *  - on any failure the run is aborted (store_run_abort()): no partial
 *    run; a truncated file, or one the reader process crashed or hung
 *    on, imports what was read before, run incomplete, exit
 *    ZAPD_EXIT_INCOMPLETE; every outcome but success is one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "kstack.h"
#include "libmsg.h"
#include "log.h"
#include "reader.h"
#include "run.h"
#include "store.h"
#include "writer.h"

/* struct imp - one import */
struct imp {
	const struct import_opts *o;
	int			fd;
	off_t			size;
	char			hash[40];
	struct reader		*rd;
	struct run		*run;
	int			warned;		/* log_warnings() at the start */
	struct store		*st;
	struct writer		*w;
	int64_t			run_id;
	struct zap_names	names;
};

/**
 * cmd_import() - zapd import's command line
 * @argc: arguments, argv[0] = "import"
 * @argv: the arguments
 *
 * Return: the exit code.
 */
int cmd_import(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "run-label", required_argument, NULL, 'l' },
		{ "pair", required_argument, NULL, 'p' },
		{ "decode-only", no_argument, NULL, 'D' },
		{ "slower-than", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "window", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts o = { .db = ZAPD_DEFAULT_DB };
	int ch, ret = ZAPD_EXIT_USAGE, i;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hq", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (cli_nonempty("import", "--db", optarg) < 0)
				goto out;
			o.db = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'D':
			o.decode_only = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 's':
		case 'a':
		case 'w':
			if (cli_keep_opt(&o.keep, "import", ch == 's' ?
					 "--slower-than" : ch == 'a' ? "--all" :
					 "--window", optarg) < 0)
				goto out;
			break;
		case 'p':
			if (o.npairs == ZAPD_MAX_PAIRS) {
				cli_usage_error("import", "at most %d --pair",
						ZAPD_MAX_PAIRS);
				goto out;
			}
			if (cli_pair_parse(&o.pairs[o.npairs], "import",
					   optarg) < 0)
				goto out;
			o.npairs++;
			break;
		case 'h':
			usage_print(stdout, "import");
			ret = ZAPD_EXIT_OK;
			goto out;
		default:
			cli_bad_option("import", argv);
			goto out;
		}
	}
	if (argc - optind != 1) {
		cli_usage_error("import", "need exactly one FILE.dat");
		goto out;
	}
	/* a trace.dat is bounded: every interval gets a row by default */
	if (cli_keep_done(&o.keep, "import", -1) < 0)
		goto out;
	o.file = argv[optind];
	ret = zapd_import(&o);
out:
	for (i = 0; i < o.npairs; i++)
		cli_pair_free(&o.pairs[i]);
	return ret;
}

/* file_hash - 128-bit content hash of @fd (two 64-bit multiply-xor lanes
 * over 8-byte words, then the tail bytes); read with pread(), not mapped:
 * a file cut while it is read must not raise SIGBUS here */
static int file_hash(int fd, off_t size, char *out, size_t outlen)
{
	const size_t chunk = 1u << 20;	/* a multiple of 8 */
	unsigned char *p = malloc(chunk);
	uint64_t a = 0x243f6a8885a308d3ull ^ (uint64_t)size;
	uint64_t b = 0x13198a2e03707344ull;
	uint64_t w = 0;
	off_t at = 0;
	ssize_t n = 0, i;

	if (!p)
		return -1;
	while (at < size) {
		n = pread(fd, p, chunk, at);
		if (n <= 0) {
			free(p);
			errno = n < 0 ? errno : EIO;	/* cut meanwhile */
			return -1;
		}
		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, p + i, 8);
			a = (a ^ w) * 0x9e3779b97f4a7c15ull;
			a ^= a >> 32;
			b = (b + w) * 0xff51afd7ed558ccdull;
			b ^= b >> 29;
		}
		at += n;
		if (i < n && at < size) {	/* a short read: realign */
			at -= n - i;
			continue;
		}
		for (w = 0; i < n; i++)
			w = (w << 8) | p[i];
	}
	free(p);
	if (size) {
		a = (a ^ w) * 0x9e3779b97f4a7c15ull;
		b = (b + w) * 0xc4ceb9fe1a85ec53ull;
		a ^= b >> 17;
		b ^= a >> 23;
	}
	snprintf(out, outlen, "%016llx%016llx", (unsigned long long)a,
		 (unsigned long long)b);
	return 0;
}

/* is_tracedat - does the file start with the trace.dat magic? */
static int is_tracedat(int fd)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r',
					       'a', 'c', 'i', 'n', 'g' };
	unsigned char buf[sizeof(magic)];

	if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return 0;
	return !memcmp(buf, magic, sizeof(magic));
}

/* open_input - open and check the file; -1 after one line */
static int open_input(struct imp *im)
{
	const char *file = im->o->file;
	struct stat sb;

	/* O_NONBLOCK: a FIFO without a writer must not hold us */
	im->fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (im->fd < 0 || fstat(im->fd, &sb) < 0) {
		log_warn("cannot open '%s'", file);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_warnx("'%s' is not a regular file", file);
		return -1;
	}
	fcntl(im->fd, F_SETFL, 0);
	if (!is_tracedat(im->fd)) {
		log_warnx("'%s' is not a trace.dat file (no trace-cmd magic)",
			  file);
		return -1;
	}
	im->size = sb.st_size;
	return 0;
}

/* no_zap - nothing to pair: say what the file has, touch no database */
static void no_zap(struct imp *im)
{
	char sys[256];

	if (im->run)
		reader_read(im->rd, im->run);
	reader_systems(im->rd, sys, sizeof(sys));
	log_warnx("'%s' has no zap events (records from: %s); record with: "
		  "trace-cmd record -e zap ...", im->o->file, sys);
}

/* already - is this content in the database? 1 yes (said so), 0 no,
 * -1 error */
static int already(struct imp *im)
{
	char *state = NULL;
	int64_t id;
	int r = store_find_run(im->st, im->hash, &id, &state);

	if (r == 1 && !strcmp(state, "done"))
		printf("'%s' is already imported as run %lld in '%s' (same "
		       "content): nothing to do\n", im->o->file, (long long)id,
		       im->o->db);
	else if (r == 1)
		log_warnx("'%s' is being imported into '%s' by another zapd",
			  im->o->file, im->o->db);
	r = r == 1 && strcmp(state, "done") ? -1 : r;
	free(state);
	return r;
}

/* begin - open the store, begin the run, start the writer: 1 begun, 0
 * nothing to do (already imported), -1 after one line */
static int begin(struct imp *im)
{
	struct run_info ri = {
		.source = "file", .bulk = true,
		.slower_than_ns = im->o->keep.slower_than_ns,
		.window_ns = im->o->keep.window_ns,
	};
	const struct reader_info *in = reader_info(im->rd);
	int r;

	im->st = store_open(im->o->db, STORE_RW);
	if (!im->st)
		return -1;
	store_set_names(im->st, &im->names);
	r = already(im);
	if (r)
		return r < 0 ? -1 : 0;
	ri.path = im->o->file;
	ri.hash = im->hash;
	ri.size = im->size;
	ri.label = im->o->label;
	ri.kernel = in->release[0] ? in->release : NULL;
	ri.host = in->host[0] ? in->host : NULL;
	ri.clock = in->clock[0] ? in->clock : NULL;
	ri.buffers = in->buffers;
	if (store_run_begin(im->st, &ri, &im->run_id) < 0)
		return -1;
	im->w = writer_start(im->st);
	if (!im->w)
		return -1;
	run_set_writer(im->run, im->w);
	return 1;
}

/* fill - read every record into the run, then what the file says after
 * them; -1 if the run failed */
static int fill(struct imp *im)
{
	struct run_counts *c = run_counts(im->run);

	if (reader_read(im->rd, im->run) < 0 ||
	    run_finish(im->run, c->last_ts) < 0)
		return -1;
	c->library_errors = libmsg_errors();
	if (reader_store(im->rd, im->run) < 0 || run_store_stats(im->run) < 0)
		return -1;
	return 0;
}

/* end - stop the writer, end the run, say what was imported; the exit
 * code */
static int end(struct imp *im, bool complete)
{
	const struct run_counts *c = run_counts(im->run);
	struct run_end re = {
		.complete = complete, .first_ts = c->first_ts,
		.last_ts = c->last_ts, .events = c->events,
		.zap_events = c->zap_events,
	};
	char what[PATH_MAX + 64];

	if (im->st && store_run_end(im->st, &re) < 0)
		return ZAPD_EXIT_ERR;
	if (!complete && reader_problem(im->rd)[0])
		log_warnx("'%s' is corrupt %s; imported the %llu events "
			  "before it, run %lld marked incomplete", im->o->file,
			  reader_problem(im->rd), (unsigned long long)c->events,
			  (long long)im->run_id);
	else if (!complete)
		log_warnx("'%s' is truncated or corrupt: imported the "
			  "readable part (%llu events), run %lld marked "
			  "incomplete%s%s", im->o->file,
			  (unsigned long long)c->events, (long long)im->run_id,
			  libmsg_last()[0] ? ": " : "", libmsg_last());
	/* a note, not a problem: on stdout, as "already imported" (an exit
	 * 0 says nothing on stderr; an incomplete run said its one line) */
	if (complete && !c->zap_events && !im->o->npairs)
		printf("'%s' has zap event formats but no zap records\n",
		       im->o->file);
	if (im->o->decode_only)
		snprintf(what, sizeof(what), "decoded '%s'", im->o->file);
	else
		snprintf(what, sizeof(what), "imported '%s' as run %lld",
			 im->o->file, (long long)im->run_id);
	run_summary(im->run, what, false);
	return complete ? ZAPD_EXIT_OK : ZAPD_EXIT_INCOMPLETE;
}

/* import_run - read, pair and store; the exit code */
static int import_run(struct imp *im)
{
	int r;

	if (!im->o->decode_only) {
		r = begin(im);
		if (r <= 0)
			return r < 0 ? ZAPD_EXIT_ERR : ZAPD_EXIT_OK;
	}
	r = fill(im);
	if (writer_stop(im->w) < 0)
		r = -1;
	im->w = NULL;
	if (r < 0) {
		if (log_warnings() == im->warned)	/* else it was said */
			log_warnx("import of '%s' failed: nothing written",
				  im->o->file);
		return ZAPD_EXIT_ERR;
	}
	return end(im, reader_complete(im->rd));
}

/**
 * zapd_import() - import one trace.dat into the database
 * @o: options
 *
 * Return: ZAPD_EXIT_OK, ZAPD_EXIT_ERR (one line logged, nothing written)
 * or ZAPD_EXIT_INCOMPLETE (the readable part is in, the run has
 * complete = 0).
 */
int zapd_import(const struct import_opts *o)
{
	struct imp im = { .o = o, .fd = -1 };
	const struct reader_info *in;
	int ret = ZAPD_EXIT_ERR;

	libmsg_reset();
	im.warned = log_warnings();
	if (open_input(&im) < 0)
		goto out;
	im.rd = reader_start(o->file, im.fd, o->pairs, o->npairs,
			     !o->quiet && !log_verbose());
	if (!im.rd)
		goto out;
	/* the reader opens the file meanwhile */
	if (file_hash(im.fd, im.size, im.hash, sizeof(im.hash)) < 0) {
		log_warn("cannot read '%s'", o->file);
		goto out;
	}
	if (reader_ready(im.rd) < 0)
		goto out;
	in = reader_info(im.rd);
	im.run = run_new(o->pairs, o->npairs, reader_comm(im.rd), &o->keep);
	if (!im.run)
		goto out;
	if (!in->has_zap && !o->npairs) {
		no_zap(&im);
		goto out;
	}
	im.names = in->names;
	ret = import_run(&im);
out:
	writer_stop(im.w);
	if (im.st) {
		store_run_abort(im.st);	/* no-op after store_run_end */
		store_close(im.st);
	}
	run_free(im.run);
	reader_close(im.rd);	/* after the writer: rows use its strings */
	kstack_free_all();
	if (im.fd >= 0)
		close(im.fd);
	return ret;
}
