/* SPDX-License-Identifier: GPL-2.0 */
/*
 * embed.h - SQL files compiled into the binary.
 *
 * Owns: nothing at run time; build/gen/embed.c is generated from
 * schema/NNN-name.sql and queries/name.sql by daemon/gen-embed.sh. Invariant:
 * zapd_migrations[] is sorted by file name, so index i is schema
 * version i + 1; every text is NUL-terminated.
 */
#ifndef ZAPD_EMBED_H
#define ZAPD_EMBED_H

/* struct zapd_embed - one embedded file: base name and contents */
struct zapd_embed {
	const char	*name;
	const char	*text;
};

extern const struct zapd_embed zapd_migrations[];
extern const int zapd_nmigrations;
extern const struct zapd_embed zapd_queries[];
extern const int zapd_nqueries;

#endif /* ZAPD_EMBED_H */
