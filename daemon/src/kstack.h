/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstack.h - kernel stacks: who zapped.
 *
 * Owns: reading the frames of an ftrace:kernel_stack record (written by
 * the `stacktrace` event trigger on zap:zap_pte_lock, docs/events.md),
 * interning each distinct stack once per process (struct zap_stack: its
 * frames symbolized with the tep's kallsyms, "func+0xoff" innermost
 * first), and classifying it: the innermost frame that is one of the
 * callers' functions names the kernel path that zapped (munmap, madvise,
 * exit, oom_reaper, truncate; "other" if none is on the stack).
 *
 * Invariants:
 *  - one table per process (a zapd process runs one import or one live
 *    run; the import's reader process interns and symbolizes, the
 *    import process adopts what it is sent, kstack_adopt()): a struct
 *    zap_stack never moves or changes once made and lives
 *    until kstack_free_all(), which runs after the writer stopped
 *    (writer.h: strings passed by pointer);
 *  - the caller comes from the stack alone, innermost frame first, so a
 *    path that calls another (madvise(MADV_REMOVE) punches a hole:
 *    unmap_mapping_range) is named by the one that zapped;
 *  - O(frames) per record; a stack is symbolized once, when first seen;
 *    at most KSTACK_MAX distinct stacks are kept, later ones are
 *    classified but share one entry per caller (counted);
 *  - bounds: frames are read within the record, at most KSTACK_FRAMES.
 */
#ifndef ZAPD_KSTACK_H
#define ZAPD_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include <event-parse.h>

#include "record.h"

#define KSTACK_FRAMES	64
#define KSTACK_MAX	65536

const struct zap_stack *kstack_read(struct tep_handle *tep,
				    const struct tep_format_field *caller,
				    const struct tep_record *rec, int64_t n);
const struct zap_stack *kstack_intern(struct tep_handle *tep,
				      const uint64_t *frames, int n);
const struct zap_stack *kstack_adopt(const struct zap_stack *s,
				     bool shared);
enum zap_caller kstack_classify(const char *func, const char **frame);
bool kstack_is_shared(const struct zap_stack *s);
uint64_t kstack_count(void);
uint64_t kstack_overflow(void);
void kstack_free_all(void);

#endif /* ZAPD_KSTACK_H */
