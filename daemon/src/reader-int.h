/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reader-int.h - the private header of reader.c (the reader process's
 * life: start, end, crash, hang) and reader-frames.c (what its frames
 * say, each checked before use). No other file includes it.
 */
#ifndef ZAPD_READER_INT_H
#define ZAPD_READER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "decode.h"
#include "reader.h"
#include "wire.h"

struct progress;
struct run;

/*
 * results of a frame handler or of pump() besides 0 (go on): the phase
 * ended (F_END); the run failed: its writer said why (F_FAIL); the reader
 * sent a malformed frame (F_BAD), sent nothing for READER_QUIET_MS
 * (F_HUNG), ended without W_END (F_GONE), or it or this process failed
 * and said why in the one line already printed (F_SAID: W_FAIL, memory)
 */
enum { F_END = 1, F_FAIL = -1, F_BAD = -2, F_HUNG = -3, F_GONE = -4,
       F_SAID = -5 };

/* struct rdesc - a decoder the reader defined, and its buffer */
struct rdesc {
	struct evdec	*d;
	int		buf;
};

struct reader {
	const char		*file;
	pid_t			pid;		/* 0: reaped */
	int			status;		/* its wait status */
	struct ring		*ring;
	bool			own_ring;	/* false: reader_attach() */
	unsigned char		*frame;		/* RING_MAX_FRAME bytes */
	struct progress		*prog;
	struct comm		*comm;
	int			npairs;
	struct reader_info	info;
	char			*strs[2 + 2 * ZAP_NAMES_MAX + 3];
	int			nstrs;
	char			bufnames[1024];
	char			*bufname[WIRE_MAX_BUFS];
	int			nbufs;
	struct dectab		dec[WIRE_MAX_BUFS];
	struct rdesc		*desc;		/* by desc id */
	uint32_t		ndesc, desc_cap;
	const struct zap_stack	**stacks;
	uint32_t		nstacks, stack_cap;
	char			*stats;
	size_t			nstats;
	uint64_t		records, last_ts;
	bool			ready, ended, complete;
	char			problem[512];	/* why it is incomplete */
};

const char *reader_keep(struct reader *rd, char *s);
int reader_dispatch(struct reader *rd, struct run *run, int len);

#endif /* ZAPD_READER_INT_H */
