/* SPDX-License-Identifier: GPL-2.0 */
/*
 * subbuf.h - walk the records of a ring-buffer sub-buffer in place.
 *
 * Owns: the kernel's sub-buffer format (kernel/trace/ring_buffer.c, as
 * described by events/header_page and events/header_event) for the
 * machine zapd runs on: a u64 timestamp, a commit word (long: its low 27
 * bits the bytes of data, bit 31 events were lost before this page, bit 30
 * their count is stored after the data), then the events. An event is a
 * u32 header (type_len:5, time_delta:27) and, for type_len 1..28, a
 * payload of type_len * 4 bytes; type_len 0: array[0] = payload bytes
 * + 4, payload after it; 29 padding (array[0] bytes follow; time_delta 0:
 * the rest of the page is empty); 30 a time extend (delta += array[0] <<
 * 27); 31 an absolute time stamp (array[0] << 27 | time_delta, its top 5
 * bits from the current time). kbuffer (libtraceevent) reads the same
 * format through a function pointer per field; this walker is inline
 * and costs a few instructions per record on the live hot path.
 *
 * Invariants:
 *  - host byte order only (zapd live reads the kernel it runs on); the
 *    long size is the kernel's (tep_get_header_page_size());
 *  - never reads outside [page, page + the commit size] of a page the
 *    caller owns, whatever its bytes: a corrupt length ends the page;
 *  - the timestamps are those kbuffer would give (tests/live compare
 *    zapd live against the kernel's own counts and trace-cmd).
 */
#ifndef ZAPD_SUBBUF_H
#define ZAPD_SUBBUF_H

#include <stdint.h>
#include <string.h>

#define SB_COMMIT_MASK	((1u << 27) - 1)
#define SB_MISSED	(1ull << 31)
#define SB_MISSED_STORED (1ull << 30)
#define SB_TS_SHIFT	27
#define SB_TS_MSB	(0xf8ull << 56)

enum {
	SB_PADDING = 29, SB_TIME_EXTEND = 30, SB_TIME_STAMP = 31,
};

/* struct subbuf - a cursor on the records of one sub-buffer */
struct subbuf {
	const unsigned char	*data;	/* first event */
	uint32_t		size;	/* bytes of events */
	uint32_t		next;	/* offset of the next event */
	uint64_t		ts;	/* of the last record returned */
	int64_t			missed;	/* lost before this page, -1 unknown */
	uint32_t		rec_len;	/* payload bytes of the record
						 * sb_next() returned last */
};

static inline uint32_t sb_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t sb_long(const unsigned char *p, int long_size)
{
	uint64_t v8;

	if (long_size == 8) {
		memcpy(&v8, p, 8);
		return v8;
	}
	return sb_u32(p);
}

/**
 * sb_load() - start walking a sub-buffer
 * @sb: the cursor
 * @page: the sub-buffer, @len bytes as read
 * @len: its length
 * @long_size: the kernel's long (4 or 8)
 *
 * Return: 0, or -1 if the page is too short for its header.
 */
static inline int sb_load(struct subbuf *sb, const void *page, uint32_t len,
			  int long_size)
{
	const unsigned char *p = page;
	uint32_t hdr = 8 + (uint32_t)long_size;
	uint64_t commit;

	if (len < hdr)
		return -1;
	memcpy(&sb->ts, p, 8);
	commit = sb_long(p + 8, long_size);
	sb->data = p + hdr;
	sb->size = (uint32_t)commit & SB_COMMIT_MASK;
	if (sb->size > len - hdr)
		sb->size = len - hdr;
	sb->next = 0;
	sb->missed = 0;
	if (commit & SB_MISSED) {
		sb->missed = -1;
		if ((commit & SB_MISSED_STORED) &&
		    sb->size + (uint32_t)long_size <= len - hdr)
			sb->missed = (int64_t)sb_long(sb->data + sb->size,
						      long_size);
	}
	return 0;
}

/**
 * sb_next() - the next record of the sub-buffer
 * @sb: the cursor
 * @ts: set to its timestamp
 *
 * Return: a pointer to its payload (the trace event: common_type
 * first; sb->rec_len bytes), or NULL at the end of the sub-buffer.
 */
static inline const void *sb_next(struct subbuf *sb, uint64_t *ts)
{
	while (sb->next + 4 <= sb->size) {
		const unsigned char *e = sb->data + sb->next;
		uint32_t h = sb_u32(e), type = h & 31, delta = h >> 5;
		uint32_t room = sb->size - sb->next - 4, len, a0;

		if (type && type <= 28) {
			len = type * 4;
			if (len > room)
				break;
			sb->next += 4 + len;
			sb->ts += delta;
			*ts = sb->ts;
			sb->rec_len = len;
			return e + 4;
		}
		if (room < 4 || (type == SB_PADDING && !delta))
			break;
		a0 = sb_u32(e + 4);
		switch (type) {
		case 0:			/* a0 = payload + 4 */
			len = (a0 + 3) & ~3u;
			if (a0 < 4 || len > room)
				goto end;
			sb->next += 4 + len;
			sb->ts += delta;
			*ts = sb->ts;
			sb->rec_len = a0 - 4;
			return e + 8;
		case SB_PADDING:
			if (a0 > room)
				goto end;
			sb->next += 4 + a0;
			break;
		case SB_TIME_EXTEND:
			sb->ts += ((uint64_t)a0 << SB_TS_SHIFT) + delta;
			sb->next += 8;
			break;
		default: {		/* SB_TIME_STAMP: absolute */
			uint64_t abs = ((uint64_t)a0 << SB_TS_SHIFT) | delta;
			uint64_t msb = sb->ts & SB_TS_MSB;

			if (msb) {
				abs |= msb;
				if (abs < sb->ts)
					abs += 1ull << 59;
			}
			sb->ts = abs;
			sb->next += 8;
			break;
		}
		}
	}
end:
	sb->next = sb->size;
	return NULL;
}

#endif /* ZAPD_SUBBUF_H */
