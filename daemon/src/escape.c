// SPDX-License-Identifier: GPL-2.0
/*
 * escape.c - byte-safe JSON strings and HTML text (see escape.h).
 *
 * Owns: UTF-8 validation and the two escapings. Runs of bytes that need
 * no escaping are written with one fwrite(), so a large export costs one
 * pass over its strings.
 */
#include <string.h>

#include "escape.h"

/**
 * esc_utf8_len() - length of the valid UTF-8 sequence at @p
 * @p: bytes
 * @n: bytes available (> 0)
 *
 * Return: 1..4, or 0 if @p does not start a valid sequence (stray
 * continuation byte, overlong form, surrogate, > U+10FFFF, truncated).
 */
size_t esc_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* json_plain - a byte copied as is inside a JSON string */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

/* json_ctl - one escaped ASCII byte */
static void json_ctl(FILE *f, unsigned char c)
{
	switch (c) {
	case '"':	fputs("\\\"", f); break;
	case '\\':	fputs("\\\\", f); break;
	case '\n':	fputs("\\n", f); break;
	case '\t':	fputs("\\t", f); break;
	case '\r':	fputs("\\r", f); break;
	default:	fprintf(f, "\\u%04x", c); break;
	}
}

/**
 * esc_json_in() - write @n bytes of @s escaped for the inside of a JSON
 * string (no quotes)
 * @f: output
 * @s: bytes (may hold NUL and any other byte; NULL if @n is 0, as
 *	sqlite3_column_blob() gives for an empty value)
 * @n: their number
 * @mode: how bytes that are not valid UTF-8 are written (escape.h)
 */
void esc_json_in(FILE *f, const char *s, size_t n, enum esc_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len;

	if (!n)
		return;		/* no NULL + 0 below (UBSan, check-asan) */
	while (i < n) {
		if (p[i] < 0x80 && json_plain(p[i])) {
			i++;
			continue;
		}
		len = p[i] < 0x80 ? 0 : esc_utf8_len(p + i, n - i);
		if (len) {
			i += len;
			continue;
		}
		fwrite(p + run, 1, i - run, f);
		if (p[i] < 0x80)
			json_ctl(f, p[i]);
		else if (mode == ESC_LOSSLESS)
			fprintf(f, "\\udc%02x", p[i]);
		else
			fprintf(f, "\\\\x%02x", p[i]);
		run = ++i;
	}
	fwrite(p + run, 1, i - run, f);
}

/**
 * esc_json() - write @n bytes of @s as a quoted JSON string
 * @f: output
 * @s: bytes (may hold NUL and any other byte)
 * @n: their number
 * @mode: how bytes that are not valid UTF-8 are written (escape.h)
 */
void esc_json(FILE *f, const char *s, size_t n, enum esc_mode mode)
{
	putc('"', f);
	esc_json_in(f, s, n, mode);
	putc('"', f);
}

/**
 * esc_json_str() - a NUL-terminated string as JSON, NULL as null
 * @f: output
 * @s: the string or NULL
 * @mode: escape.h
 */
void esc_json_str(FILE *f, const char *s, enum esc_mode mode)
{
	if (s)
		esc_json(f, s, strlen(s), mode);
	else
		fputs("null", f);
}

/* html_ent - the entity of an HTML-special byte, NULL if none */
static const char *html_ent(unsigned char c)
{
	switch (c) {
	case '&':	return "&amp;";
	case '<':	return "&lt;";
	case '>':	return "&gt;";
	case '"':	return "&quot;";
	case '\'':	return "&#39;";
	default:	return NULL;
	}
}

/**
 * esc_html() - write @n bytes of @s as HTML text (also safe in attributes)
 * @f: output
 * @s: bytes
 * @n: their number
 *
 * Bytes that are not valid UTF-8 and control bytes are written as the
 * visible text \xNN.
 */
void esc_html(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len;
	const char *ent;

	while (i < n) {
		ent = html_ent(p[i]);
		if (!ent && p[i] >= 0x20 && p[i] != 0x7f) {
			len = esc_utf8_len(p + i, n - i);
			if (len) {
				i += len;
				continue;
			}
		}
		fwrite(p + run, 1, i - run, f);
		if (ent)
			fputs(ent, f);
		else
			fprintf(f, "\\x%02x", p[i]);
		run = ++i;
	}
	fwrite(p + run, 1, i - run, f);
}

/**
 * esc_html_str() - a NUL-terminated string as HTML text, NULL as nothing
 * @f: output
 * @s: the string or NULL
 */
void esc_html_str(FILE *f, const char *s)
{
	if (s)
		esc_html(f, s, strlen(s));
}
