// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - one-way frames from a child to its parent (see ring.h).
 *
 * Owns: the shared mapping (counters on their own cache lines, then the
 * frames), the producer's private position, the consumer's private
 * position and what it last saw published, and the wake-up socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ring.h"

/* struct ring_shm - what both processes see */
struct ring_shm {
	_Atomic uint64_t	head;		/* bytes published */
	char			pad0[56];
	_Atomic uint64_t	tail;		/* bytes consumed */
	char			pad1[56];
	_Atomic uint32_t	cons_waiting;	/* the parent sleeps */
	char			pad2[60];
	_Atomic uint32_t	prod_waiting;	/* the child sleeps */
	char			pad3[60];
	unsigned char		data[RING_SIZE];
};

struct ring {
	struct ring_shm	*shm;
	int		sock[2];	/* wake-ups: [0] parent's, [1] child's */
	int		me;		/* this side's end */
	/* producer */
	uint64_t	pos;		/* end of the frames written */
	uint64_t	published;	/* last @head stored */
	uint32_t	want;		/* length of the frame reserved */
	/* consumer */
	uint64_t	rpos;		/* next frame to read */
	uint64_t	seen;		/* last @head read and checked */
	uint64_t	released;	/* last @tail stored */
	bool		hup;		/* the producer has gone */
};

/**
 * ring_new() - a ring, its mapping and pipes; call before fork()
 *
 * Return: the ring, or NULL (errno set).
 */
struct ring *ring_new(void)
{
	struct ring *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->sock[0] = r->sock[1] = r->me = -1;
	r->shm = mmap(NULL, sizeof(*r->shm), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->shm == MAP_FAILED) {
		r->shm = NULL;
		goto fail;
	}
	/* a socket, not pipes: a wake-up sent to a dead peer is EPIPE with
	 * MSG_NOSIGNAL, not a SIGPIPE that would kill the import */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->sock) < 0)
		goto fail;
	return r;
fail:
	ring_free(r);
	return NULL;
}

/* close_fd - close *@fd if open */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/**
 * ring_child() - after fork(), in the producer: keep its socket end
 * @r: ring
 */
void ring_child(struct ring *r)
{
	close_fd(&r->sock[0]);
	r->me = r->sock[1];
}

/**
 * ring_parent() - after fork(), in the consumer: keep its socket end (the
 * producer's death then reads as end of file)
 * @r: ring
 */
void ring_parent(struct ring *r)
{
	close_fd(&r->sock[1]);
	r->me = r->sock[0];
}

/* kick - wake the other side (a full socket is awake anyway; a dead
 * peer's EPIPE is its own news) */
static void kick(int fd)
{
	ssize_t n = send(fd, "", 1, MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)n;
}

/* drain - read the wake-ups waiting on @fd; 1 if the peer has gone */
static int drain(int fd)
{
	char buf[64];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

/* sleep_on - poll @fd for a wake-up; 1 woken, 0 timeout, -1 hang-up */
static int sleep_on(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	if (drain(fd) || (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return -1;
	return 1;
}

/*
 * post - store @v into the shared counter @c (after the frames or the
 * reads it stands for), then wake the other side if it announced, on
 * @waiting, that it sleeps (the fence pairs with the one it made between
 * announcing and looking once more)
 */
static void post(struct ring *r, _Atomic uint64_t *c, uint64_t v,
		 _Atomic uint32_t *waiting)
{
	atomic_store_explicit(c, v, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(waiting, memory_order_relaxed))
		kick(r->me);
}

/* publish - the producer makes its frames visible and wakes a sleeper */
static void publish(struct ring *r)
{
	if (r->published == r->pos)
		return;
	r->published = r->pos;
	post(r, &r->shm->head, r->pos, &r->shm->cons_waiting);
}

/* room - wait until @need bytes after pos are free; -1 if the consumer
 * has gone */
static int room(struct ring *r, uint64_t need)
{
	struct ring_shm *s = r->shm;

	for (;;) {
		uint64_t tail = atomic_load_explicit(&s->tail,
						     memory_order_acquire);

		if (r->pos + need - tail <= RING_SIZE)
			return 0;
		publish(r);
		atomic_store(&s->prod_waiting, 1);
		atomic_thread_fence(memory_order_seq_cst);
		tail = atomic_load(&s->tail);
		if (r->pos + need - tail > RING_SIZE &&
		    sleep_on(r->me, -1) < 0) {
			atomic_store(&s->prod_waiting, 0);
			return -1;
		}
		atomic_store(&s->prod_waiting, 0);
	}
}

/**
 * ring_reserve() - room for a frame of @len bytes (header included)
 * @r: ring (producer)
 * @len: at most RING_MAX_FRAME; rounded up to 8
 *
 * Sleeps while the ring is full. The frame's payload follows the
 * struct ring_frame at the returned address; ring_commit() sends it.
 *
 * Return: the frame, or NULL if the consumer has gone or @len is too big.
 */
void *ring_reserve(struct ring *r, uint32_t len)
{
	uint32_t off, pad;

	len = ring_align(len);
	if (len < sizeof(struct ring_frame) || len > RING_MAX_FRAME)
		return NULL;
	off = (uint32_t)(r->pos % RING_SIZE);
	pad = off + len > RING_SIZE ? RING_SIZE - off : 0;
	if (room(r, (uint64_t)pad + len) < 0)
		return NULL;
	if (pad) {
		struct ring_frame f = { .len = pad, .type = 0 };

		memcpy(r->shm->data + off, &f, sizeof(f));
		r->pos += pad;
	}
	r->want = len;
	return r->shm->data + r->pos % RING_SIZE;
}

/**
 * ring_commit() - send the frame ring_reserve() returned
 * @r: ring (producer)
 * @len: the bytes it used, header included (at most what was reserved)
 * @type: its type (not 0)
 * @aux: for the consumer
 */
void ring_commit(struct ring *r, uint32_t len, uint16_t type, uint16_t aux)
{
	struct ring_frame f = { .type = type, .aux = aux };

	len = ring_align(len);
	f.len = len < r->want ? len : r->want;

	memcpy(r->shm->data + r->pos % RING_SIZE, &f, sizeof(f));
	r->pos += f.len;
	r->want = 0;
	if (r->pos - r->published >= RING_BATCH)
		publish(r);
}

/**
 * ring_flush() - publish what was committed (a heartbeat, the end)
 * @r: ring (producer)
 *
 * Return: 0.
 */
int ring_flush(struct ring *r)
{
	publish(r);
	return 0;
}

/* release - the consumer gives the space it read back */
static void release(struct ring *r)
{
	if (r->released == r->rpos)
		return;
	r->released = r->rpos;
	post(r, &r->shm->tail, r->rpos, &r->shm->prod_waiting);
}

/* look - read @head; 1 if there is more to read, 0 none, RING_BAD */
static int look(struct ring *r)
{
	uint64_t h = atomic_load_explicit(&r->shm->head,
					  memory_order_acquire);

	if (h < r->seen || h - r->rpos > RING_SIZE)
		return RING_BAD;
	r->seen = h;
	return h > r->rpos;
}

/* wait_data - until frames are published: 1, or RING_EOF/_TIMEOUT/_BAD */
static int wait_data(struct ring *r, int timeout_ms)
{
	int rc = look(r);

	while (!rc) {
		if (r->hup)
			return RING_EOF;
		release(r);
		atomic_store(&r->shm->cons_waiting, 1);
		atomic_thread_fence(memory_order_seq_cst);
		rc = look(r);
		if (!rc) {
			int w = sleep_on(r->me, timeout_ms);

			if (w < 0)
				r->hup = true;
			else if (!w)
				rc = RING_TIMEOUT;
		}
		atomic_store(&r->shm->cons_waiting, 0);
		if (!rc)
			rc = look(r);
	}
	return rc;
}

/**
 * ring_next() - the next frame, copied out of the shared mapping
 * @r: ring (consumer)
 * @timeout_ms: how long to wait for one (-1: for ever)
 * @buf: RING_MAX_FRAME bytes; the frame (header first) is copied here
 *
 * Return: the frame's length; RING_EOF when the producer has gone and
 * every frame it published was read; RING_TIMEOUT when nothing came in
 * @timeout_ms; RING_BAD when the producer broke the framing (its frames
 * cannot be trusted any more).
 */
int ring_next(struct ring *r, int timeout_ms, void *buf)
{
	struct ring_frame f;
	uint32_t off;
	int rc;

	for (;;) {
		rc = wait_data(r, timeout_ms);
		if (rc <= 0)
			return rc;
		off = (uint32_t)(r->rpos % RING_SIZE);
		memcpy(&f, r->shm->data + off, sizeof(f));
		if (f.len < sizeof(f) || f.len % 8 || f.len > RING_MAX_FRAME ||
		    off + f.len > RING_SIZE || r->rpos + f.len > r->seen)
			return RING_BAD;
		memcpy(buf, r->shm->data + off, f.len);
		memcpy(buf, &f, sizeof(f));	/* the header checked */
		r->rpos += f.len;
		if (r->rpos - r->released >= RING_BATCH)
			release(r);
		if (f.type)
			return (int)f.len;
	}
}

/**
 * ring_consumed() - bytes of frames read so far
 * @r: ring (consumer)
 *
 * Return: the count.
 */
uint64_t ring_consumed(const struct ring *r)
{
	return r->rpos;
}

/**
 * ring_free() - unmap and close what this process holds
 * @r: ring (NULL is fine)
 */
void ring_free(struct ring *r)
{
	if (!r)
		return;
	if (r->shm)
		munmap(r->shm, sizeof(*r->shm));
	close_fd(&r->sock[0]);
	close_fd(&r->sock[1]);
	free(r);
}
