// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - the progress line (see progress.h).
 *
 * Owns: the phase (its verb, its total and when it began), the time of
 * the last line, and whether a line is on the terminal now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "timeutil.h"

struct progress {
	char		what[256];	/* the object: "'x.dat'" */
	const char	*verb;		/* "reading", "decompressing" */
	uint64_t	total;		/* bytes of the phase, 0 unknown */
	uint64_t	t0, last;	/* phase start, last line (ns) */
	bool		on;		/* a line is shown */
};

/**
 * progress_new() - a progress line for work on @what
 * @what: e.g. the file name
 * @allow: false for -q (and -v: debug lines would cut through it)
 *
 * Return: the line, or NULL when there is none to show (stderr is not a
 * terminal, not allowed, or no memory): every function takes NULL.
 */
struct progress *progress_new(const char *what, bool allow)
{
	struct progress *p;

	if (!allow || !isatty(STDERR_FILENO))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p)
		snprintf(p->what, sizeof(p->what), "'%s'", what);
	return p;
}

/**
 * progress_phase() - a new phase of the work
 * @p: the line
 * @verb: what is done ("reading")
 * @total: bytes it will take, 0 if unknown
 */
void progress_phase(struct progress *p, const char *verb, uint64_t total)
{
	if (!p)
		return;
	p->verb = verb;
	p->total = total;
	p->t0 = mono_ns();
	p->last = 0;
}

/* human - @v with a k/M/G suffix into @buf */
static const char *human(char *buf, size_t len, double v)
{
	static const char sfx[] = " kMGT";
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, i ? "%.1f%c" : "%.0f%c", v, sfx[i]);
	buf[strcspn(buf, " ")] = '\0';
	return buf;
}

/**
 * progress_update() - where the phase is (shown at most PROGRESS_HZ times
 * a second)
 * @p: the line
 * @done: bytes done
 * @events: events done (0: not counted in this phase)
 */
void progress_update(struct progress *p, uint64_t done, uint64_t events)
{
	char line[512], a[16], b[16];
	uint64_t now;
	double s, frac;
	int n;

	if (!p || !p->verb)
		return;
	now = mono_ns();
	if (p->last && now - p->last < 1000000000ull / PROGRESS_HZ)
		return;
	p->last = now;
	s = (double)(now - p->t0) / 1e9;
	n = snprintf(line, sizeof(line), "zapd: %s %s", p->verb, p->what);
	if (events)
		n += snprintf(line + n, sizeof(line) - n, ": %s events, %s/s",
			      human(a, sizeof(a), (double)events),
			      human(b, sizeof(b), s > 0 ? events / s : 0));
	else
		n += snprintf(line + n, sizeof(line) - n, ": %sB",
			      human(a, sizeof(a), (double)done));
	frac = p->total ? (double)done / (double)p->total : 0;
	if (frac > 0 && frac <= 1 && s > 0.5)
		snprintf(line + n, sizeof(line) - n, ", %.0f%%, %.0f s left",
			 frac * 100, s / frac - s);
	else if (frac > 0 && frac <= 1)
		snprintf(line + n, sizeof(line) - n, ", %.0f%%", frac * 100);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->on = true;
}

/**
 * progress_end() - erase the line (before any other output)
 * @p: the line
 */
void progress_end(struct progress *p)
{
	if (!p || !p->on)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->on = false;
}

/**
 * progress_free() - erase and free the line
 * @p: the line (NULL is fine)
 */
void progress_free(struct progress *p)
{
	progress_end(p);
	free(p);
}
