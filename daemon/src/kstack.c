// SPDX-License-Identifier: GPL-2.0
/*
 * kstack.c - kernel stacks: read, intern, symbolize, classify (see
 * kstack.h).
 *
 * Owns: the process's stack table (open addressing over the hash of the
 * raw frames; entries allocated one by one and never moved), the caller
 * rules, and the shared entries of stacks past KSTACK_MAX.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kstack.h"
#include "log.h"

/* struct kent - one interned stack: what callers see, and its frames */
struct kent {
	struct zap_stack s;
	int		n;
	uint64_t	frames[];
};

static struct kent **tab;
static size_t tab_cap, tab_used;	/* slots (power of two), entries */
static uint64_t overflowed;
static struct zap_stack over[ZAP_CALLER_NR];	/* past KSTACK_MAX */

enum { EXACT, PREFIX, SUB };

/*
 * The functions that name a caller, as they appear on the stack of a
 * zap (6.12; static helpers are often inlined into the ones below, the
 * rules match what remains). Checked innermost frame first.
 */
static const struct rule {
	const char	*pat;
	int		how;
	enum zap_caller	caller;
} rules[] = {
	{ "oom_reap", SUB, ZAP_CALLER_OOM },	/* __oom_reap_task_mm, ... */
	{ "process_mrelease", SUB, ZAP_CALLER_OOM },
	{ "unmap_mapping_", PREFIX, ZAP_CALLER_TRUNCATE },
	{ "madvise", SUB, ZAP_CALLER_MADVISE },	/* do_madvise, ... */
	{ "exit_mmap", PREFIX, ZAP_CALLER_EXIT },
	{ "vms_", PREFIX, ZAP_CALLER_MUNMAP },	/* vms_clear_ptes, ... */
	{ "do_vmi_", PREFIX, ZAP_CALLER_MUNMAP },
	{ "unmap_region", PREFIX, ZAP_CALLER_MUNMAP },
	{ "munmap", SUB, ZAP_CALLER_MUNMAP },
	{ "mremap", SUB, ZAP_CALLER_MUNMAP },
	{ "mmap_region", SUB, ZAP_CALLER_MUNMAP },
	{ "sys_brk", SUB, ZAP_CALLER_MUNMAP },
};

/* the zap machinery itself and the tracing code: never the caller */
static const char *const plumbing[] = {
	"zap_", "unmap_page_range", "unmap_single_vma", "unmap_vmas",
	"trace", "__trace", "ftrace", "event_trigger", "perf_", "rb_",
};

/**
 * kstack_classify() - the caller a function on a zap's stack names
 * @func: the function
 * @frame: set to the rule's match (@func) when it names one
 *
 * Return: the caller, or ZAP_CALLER_NONE.
 */
enum zap_caller kstack_classify(const char *func, const char **frame)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		bool hit;

		if (r->how == EXACT)
			hit = !strcmp(func, r->pat);
		else if (r->how == PREFIX)
			hit = !strncmp(func, r->pat, strlen(r->pat));
		else
			hit = strstr(func, r->pat) != NULL;
		if (hit) {
			*frame = func;
			return r->caller;
		}
	}
	return ZAP_CALLER_NONE;
}

/* is_plumbing - is @func part of the zap or the tracing code? */
static bool is_plumbing(const char *func)
{
	size_t i;

	for (i = 0; i < sizeof(plumbing) / sizeof(plumbing[0]); i++)
		if (!strncmp(func, plumbing[i], strlen(plumbing[i])))
			return true;
	return false;
}

/* hash_frames - of the raw addresses */
static uint64_t hash_frames(const uint64_t *f, int n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ull;
	int i;

	for (i = 0; i < n; i++) {
		h ^= f[i];
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h ? h : 1;
}

/* slot - where the stack (@h, @f, @n) is or would go */
static struct kent **slot(uint64_t h, const uint64_t *f, int n)
{
	size_t i = h & (tab_cap - 1);

	for (; tab[i]; i = (i + 1) & (tab_cap - 1)) {
		const struct kent *k = tab[i];

		if (k->s.hash == h && k->n == n &&
		    !memcmp(k->frames, f, n * sizeof(*f)))
			break;
	}
	return &tab[i];
}

/* grow - double the table; -1 on ENOMEM (it stays valid) */
static int grow(void)
{
	size_t old = tab_cap, i;
	struct kent **ot = tab;

	tab_cap = old ? old * 2 : 1024;
	tab = calloc(tab_cap, sizeof(*tab));
	if (!tab) {
		tab = ot;
		tab_cap = old;
		return -1;
	}
	for (i = 0; i < old; i++)
		if (ot[i])
			*slot(ot[i]->s.hash, ot[i]->frames, ot[i]->n) = ot[i];
	free(ot);
	return 0;
}

/* symbolize - "func+0xoff" lines into @buf (@len bytes), and the caller */
static void symbolize(struct tep_handle *tep, const uint64_t *f, int n,
		      char *buf, size_t len, struct zap_stack *s,
		      const char **frame)
{
	const char *fallback = NULL, *name;
	unsigned long long start;
	unsigned long size;
	size_t o = 0;
	int i;

	buf[0] = '\0';
	s->caller = ZAP_CALLER_NONE;
	*frame = NULL;
	for (i = 0; i < n; i++) {
		if (tep_find_function_info(tep, f[i], &name, &start, &size)) {
			o += snprintf(buf + o, o < len ? len - o : 0,
				      "%s%s+0x%llx", i ? "\n" : "", name,
				      f[i] - start);
			if (!s->caller)
				s->caller = kstack_classify(name, frame);
			if (!fallback && !is_plumbing(name))
				fallback = name;
		} else {
			o += snprintf(buf + o, o < len ? len - o : 0,
				      "%s0x%llx", i ? "\n" : "",
				      (unsigned long long)f[i]);
		}
	}
	if (!s->caller) {
		s->caller = ZAP_CALLER_OTHER;
		*frame = fallback;
	}
}

/* make - a new entry for the stack: symbolized, classified; NULL ENOMEM */
static struct kent *make(struct tep_handle *tep, uint64_t h,
			 const uint64_t *f, int n)
{
	char text[KSTACK_FRAMES * 96], *t, *fr = NULL;
	const char *frame;
	struct kent *k;
	size_t tl;

	k = calloc(1, sizeof(*k) + n * sizeof(*f));
	if (!k)
		return NULL;
	k->s.hash = h;
	k->s.depth = k->n = n;
	memcpy(k->frames, f, n * sizeof(*f));
	symbolize(tep, f, n, text, sizeof(text), &k->s, &frame);
	tl = strlen(text) + 1;
	t = malloc(tl + (frame ? strlen(frame) + 1 : 0));
	if (!t) {
		free(k);
		return NULL;
	}
	memcpy(t, text, tl);
	if (frame) {
		fr = t + tl;
		strcpy(fr, frame);
	}
	k->s.text = t;
	k->s.frame = fr;
	log_debug("kernel stack %zu: %s (%s), %d frames", tab_used + 1,
		  zap_caller_name(k->s.caller), fr ? fr : "?", n);
	return k;
}

/* overflow - the shared entry of a stack past KSTACK_MAX */
static const struct zap_stack *overflow(struct tep_handle *tep,
					const uint64_t *f, int n)
{
	char text[KSTACK_FRAMES * 96];
	struct zap_stack s = { 0 };
	const char *frame;

	symbolize(tep, f, n, text, sizeof(text), &s, &frame);
	if (!overflowed++)
		log_info("more than %d distinct kernel stacks: later ones are "
			 "classified, not kept", KSTACK_MAX);
	if (!over[s.caller].text) {	/* made once: the writer reads it */
		over[s.caller].caller = s.caller;
		over[s.caller].text = "(not kept: too many distinct stacks)";
	}
	return &over[s.caller];
}

/**
 * kstack_intern() - the interned stack of @n frames (innermost first)
 * @tep: resolves the addresses (kallsyms of the trace or of this host)
 * @frames: the return addresses
 * @n: how many (1..KSTACK_FRAMES)
 *
 * Return: the stack, or NULL on ENOMEM.
 */
const struct zap_stack *kstack_intern(struct tep_handle *tep,
				      const uint64_t *frames, int n)
{
	uint64_t h = hash_frames(frames, n);
	struct kent **sl, *k;

	if (tab_used * 2 >= tab_cap && tab_used < KSTACK_MAX && grow() < 0)
		return NULL;
	sl = slot(h, frames, n);
	if (*sl)
		return &(*sl)->s;
	if (tab_used >= KSTACK_MAX)
		return overflow(tep, frames, n);
	k = make(tep, h, frames, n);
	if (!k)
		return NULL;
	*sl = k;
	tab_used++;
	return &k->s;
}

/**
 * kstack_adopt() - keep a stack another process interned and symbolized
 * (the reader process of zapd import, wire.h): a new entry, whatever its
 * hash, or the shared entry of its caller if that process's table was full
 * @s: its caller, depth, hash, deciding frame and text (copied)
 * @shared: it is that process's shared entry of its caller
 *
 * Return: the stack (lives until kstack_free_all()), or NULL on ENOMEM.
 */
const struct zap_stack *kstack_adopt(const struct zap_stack *s, bool shared)
{
	size_t tl = strlen(s->text ? s->text : "") + 1, i;
	size_t fl = s->frame ? strlen(s->frame) + 1 : 0;
	int c = s->caller >= 0 && s->caller < ZAP_CALLER_NR ? s->caller :
		ZAP_CALLER_OTHER;
	struct kent *k;
	char *t;

	if (shared || tab_used >= KSTACK_MAX) {
		overflowed++;
		if (!over[c].text) {
			over[c].caller = (enum zap_caller)c;
			over[c].text = "(not kept: too many distinct stacks)";
		}
		return &over[c];
	}
	if (tab_used * 2 >= tab_cap && grow() < 0)
		return NULL;
	k = calloc(1, sizeof(*k));
	t = malloc(tl + fl);
	if (!k || !t) {
		free(k);
		free(t);
		return NULL;
	}
	k->s = *s;
	k->s.caller = (enum zap_caller)c;
	memcpy(t, s->text ? s->text : "", tl);
	k->s.text = t;
	k->s.frame = fl ? memcpy(t + tl, s->frame, fl) : NULL;
	for (i = s->hash & (tab_cap - 1); tab[i]; i = (i + 1) & (tab_cap - 1))
		;
	tab[i] = k;
	tab_used++;
	return &k->s;
}

/**
 * kstack_read() - the interned stack of a kernel_stack record
 * @tep: the record's tep handle
 * @caller: the event's caller[] field (its offset; entries past its
 *	    declared size follow in the record)
 * @rec: the record
 * @n: its size field (the number of entries)
 *
 * Return: the stack, or NULL (no frames, or ENOMEM).
 */
const struct zap_stack *kstack_read(struct tep_handle *tep,
				    const struct tep_format_field *caller,
				    const struct tep_record *rec, int64_t n)
{
	uint64_t f[KSTACK_FRAMES];
	int ls = caller->elementsize ? (int)caller->elementsize :
		 tep_get_long_size(tep);
	int i, k = 0;
	int64_t avail;

	if (ls != 4 && ls != 8)
		return NULL;
	avail = rec->size > caller->offset ?
		(rec->size - caller->offset) / ls : 0;
	if (n > avail)
		n = avail;
	if (n > KSTACK_FRAMES)
		n = KSTACK_FRAMES;
	for (i = 0; i < n; i++) {
		uint64_t a = tep_read_number(tep, (const char *)rec->data +
					     caller->offset + i * ls, ls);

		if (a && a != (ls == 8 ? ~0ull : 0xffffffffull))
			f[k++] = a;
	}
	return k ? kstack_intern(tep, f, k) : NULL;
}

/**
 * kstack_is_shared() - is @s the shared entry of stacks past KSTACK_MAX?
 * @s: a stack of this process
 *
 * Return: true if so.
 */
bool kstack_is_shared(const struct zap_stack *s)
{
	return s >= over && s < over + ZAP_CALLER_NR;
}

/**
 * kstack_count() - distinct stacks kept
 *
 * Return: the count.
 */
uint64_t kstack_count(void)
{
	return tab_used;
}

/**
 * kstack_overflow() - stacks seen after the table was full
 *
 * Return: the count.
 */
uint64_t kstack_overflow(void)
{
	return overflowed;
}

/**
 * kstack_free_all() - free the table (after the writer stopped)
 */
void kstack_free_all(void)
{
	size_t i;

	for (i = 0; i < tab_cap; i++) {
		if (!tab[i])
			continue;
		free((char *)tab[i]->s.text);
		free(tab[i]);
	}
	free(tab);
	tab = NULL;
	tab_cap = tab_used = 0;
	overflowed = 0;
}
