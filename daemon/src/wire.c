// SPDX-License-Identifier: GPL-2.0
/*
 * wire.c - frames of the reader process: writing them (the child) and
 * reading their strings (the parent). See wire.h.
 *
 * Owns: struct wire_out, the frame being written (reserved on the ring
 * at its largest size, committed at the size it took).
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

struct wire_out {
	struct ring	*r;
	unsigned char	*f;		/* reserved frame, NULL: none */
	uint32_t	n, max;		/* bytes written, reserved */
};

/**
 * wire_str() - read a string into @buf, NUL-terminated
 * @c: cursor
 * @buf: where (may be NULL to skip the string)
 * @size: its size; a longer string is cut (its bytes still consumed)
 * @len: set to the string's full length (may be NULL)
 *
 * Return: 0, or -1 (and c->bad) if the frame ends first or the string
 * is longer than WIRE_MAX_STR.
 */
int wire_str(struct wire_cur *c, char *buf, size_t size, uint32_t *len)
{
	uint16_t n;
	size_t k;

	wire_get(c, &n, sizeof(n));
	if (c->bad || n > WIRE_MAX_STR || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		if (buf && size)
			buf[0] = '\0';
		return -1;
	}
	if (buf && size) {
		k = n < size - 1 ? n : size - 1;
		memcpy(buf, c->p, k);
		buf[k] = '\0';
	}
	if (len)
		*len = n;
	c->p += n;
	return 0;
}

/**
 * wire_strdup() - read a string into new memory (NUL-terminated; it may
 * hold NUL bytes itself: @len tells its length)
 * @c: cursor
 * @len: set to its length (may be NULL)
 *
 * Return: the copy, or NULL (c->bad set unless out of memory).
 */
char *wire_strdup(struct wire_cur *c, uint32_t *len)
{
	const unsigned char *at;
	uint32_t n;
	char *s;

	at = c->p;
	if (wire_str(c, NULL, 0, &n) < 0)
		return NULL;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, at + sizeof(uint16_t), n);
	s[n] = '\0';
	if (len)
		*len = n;
	return s;
}

/**
 * wire_out_new() - a frame writer on @r (producer side)
 * @r: the ring
 *
 * Return: the writer, or NULL on ENOMEM.
 */
struct wire_out *wire_out_new(struct ring *r)
{
	struct wire_out *o = calloc(1, sizeof(*o));

	if (o)
		o->r = r;
	return o;
}

/**
 * wire_begin() - start a frame of at most @max_len payload bytes
 * @o: writer
 * @max_len: payload bytes (header not counted)
 *
 * Return: the payload's start, or NULL if the parent has gone (or the
 * frame would be larger than RING_MAX_FRAME).
 */
void *wire_begin(struct wire_out *o, uint32_t max_len)
{
	uint32_t len = (uint32_t)sizeof(struct ring_frame) + max_len;

	if (max_len > RING_MAX_FRAME - sizeof(struct ring_frame)) {
		o->f = NULL;
		return NULL;
	}
	o->f = ring_reserve(o->r, len);
	o->n = sizeof(struct ring_frame);
	o->max = len;
	return o->f ? o->f + o->n : NULL;
}

/**
 * wire_put() - append @n bytes of @v (nothing if they do not fit)
 * @o: writer, after wire_begin()
 * @v: the bytes
 * @n: how many
 */
void wire_put(struct wire_out *o, const void *v, uint32_t n)
{
	if (!o->f || o->max - o->n < n)
		return;
	memcpy(o->f + o->n, v, n);
	o->n += n;
}

/**
 * wire_put_str() - append a string (cut to WIRE_MAX_STR bytes)
 * @o: writer, after wire_begin() with room for 2 + @n bytes
 * @s: its bytes (NULL: "")
 * @n: how many
 */
void wire_put_str(struct wire_out *o, const char *s, uint32_t n)
{
	uint16_t l;

	if (!s)
		n = 0;
	if (n > WIRE_MAX_STR)
		n = WIRE_MAX_STR;
	l = (uint16_t)n;
	if (!o->f || o->max - o->n < sizeof(l) + n)
		return;
	wire_put(o, &l, sizeof(l));
	wire_put(o, s, n);
}

/**
 * wire_send() - commit the frame begun
 * @o: writer
 * @type: enum wire_type
 * @aux: the frame's aux field
 *
 * Return: 0, or -1 if there was no frame (the parent has gone).
 */
int wire_send(struct wire_out *o, uint16_t type, uint16_t aux)
{
	if (!o->f)
		return -1;
	ring_commit(o->r, o->n, type, aux);
	o->f = NULL;
	return 0;
}

/**
 * wire_text() - a frame of one string (@s cut to WIRE_MAX_STR bytes)
 * @o: writer
 * @type: enum wire_type
 * @aux: the frame's aux field
 * @s: the text
 *
 * Return: 0, or -1 if the parent has gone.
 */
int wire_text(struct wire_out *o, uint16_t type, uint16_t aux,
	      const char *s)
{
	size_t n = strlen(s);

	if (n > WIRE_MAX_STR)
		n = WIRE_MAX_STR;
	if (!wire_begin(o, 2 + (uint32_t)n))
		return -1;
	wire_put_str(o, s, (uint32_t)n);
	return wire_send(o, type, aux);
}

/**
 * wire_out_free() - free the writer (not the ring)
 * @o: writer (NULL is fine)
 */
void wire_out_free(struct wire_out *o)
{
	free(o);
}
