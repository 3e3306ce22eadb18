/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmsg.h - messages of the tracing libraries, kept off the terminal.
 *
 * Owns: zapd's override of libtraceevent's weak tep_vprint(), through
 * which libtraceevent, libtracefs (tracefs_warning) and libtracecmd
 * (tracecmd_warning/critical) report. Every line on stderr is zapd's
 * own (log.h); a library message is counted, the last error is kept for
 * the one line zapd prints, and -v shows them all. zapd import's reader
 * process relays its messages to the import process (libmsg_set_sink(),
 * libmsg_add()).
 */
#ifndef ZAPD_LIBMSG_H
#define ZAPD_LIBMSG_H

/* libmsg_reset - forget the messages so far (a new input) */
void libmsg_reset(void);
/* libmsg_errors - library messages of warning level or worse so far */
int libmsg_errors(void);
/* libmsg_last - the last such message ("" if none), one line */
const char *libmsg_last(void);
/* libmsg_note - remember @msg as the last error without counting it */
void libmsg_note(const char *msg);
/* libmsg_add - a message another process captured (@err: warning or
 * worse: counted), as if the library had printed it here */
void libmsg_add(int err, const char *msg);
/* libmsg_set_sink - also hand every message to @fn (NULL: none): the
 * reader process sends them to the import process */
void libmsg_set_sink(void (*fn)(void *arg, int err, const char *msg),
		     void *arg);

#endif /* ZAPD_LIBMSG_H */
