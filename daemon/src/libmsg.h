/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmsg.h - messages of the tracing libraries, kept off the terminal.
 *
 * Owns: zapd's override of libtraceevent's weak tep_vprint(), through
 * which libtraceevent, libtracefs (tracefs_warning) and libtracecmd
 * (tracecmd_warning/critical) report. Every line on stderr is zapd's
 * own (log.h); a library message is counted, the last error is kept for
 * the one line zapd prints, and -vv shows them all.
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

#endif /* ZAPD_LIBMSG_H */
