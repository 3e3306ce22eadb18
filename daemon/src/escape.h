/* SPDX-License-Identifier: GPL-2.0 */
/*
 * escape.h - byte-safe text output: JSON strings and HTML text.
 *
 * Owns: how bytes from the trace (comm names, paths, labels: any byte
 * the kernel or a file name allows) are written into JSON and HTML.
 *
 * Invariants:
 *  - the output is always valid JSON / HTML text, whatever the bytes;
 *  - valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF) is copied;
 *  - ESC_LOSSLESS: a byte that is not part of valid UTF-8 (always >=
 *    0x80) is written as the lone surrogate \udcXX (XX = the byte), as
 *    Python's "surrogateescape" does: unambiguous and reversible
 *    (json.loads(s), then s.encode('utf-8', 'surrogateescape'));
 *  - ESC_VISIBLE: such a byte is written as the four characters \xNN,
 *    for viewers that reject lone surrogates (Perfetto, HTML);
 *  - control bytes (< 0x20, 0x7f) are always escaped.
 */
#ifndef ZAPD_ESCAPE_H
#define ZAPD_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum esc_mode {
	ESC_LOSSLESS,	/* invalid bytes as \udcXX (zapd query --json) */
	ESC_VISIBLE,	/* invalid bytes as the text \xNN */
};

size_t esc_utf8_len(const unsigned char *p, size_t n);
void esc_json_in(FILE *f, const char *s, size_t n, enum esc_mode mode);
void esc_json(FILE *f, const char *s, size_t n, enum esc_mode mode);
void esc_json_str(FILE *f, const char *s, enum esc_mode mode);
void esc_html(FILE *f, const char *s, size_t n);
void esc_html_str(FILE *f, const char *s);

#endif /* ZAPD_ESCAPE_H */
