/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A batched writer: many buffers queued, one io_uring_submit, completions reaped. */
#ifndef CTFLOW_URING_H
#define CTFLOW_URING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctf_uring;

/* Offset meaning "at the file position" (pipes, sockets, terminals). */
#define CTF_URING_OFF_CUR UINT64_MAX

/*
 * One write. The caller owns it and the bytes behind @data; both must stay
 * valid and unchanged from ctf_uring_queue() until the write's completion has
 * been handed to the ctf_uring_reap() callback.
 */
struct ctf_uring_buf {
	const void *data;
	size_t len;
	int fd;
	uint64_t offset; /* file offset, or CTF_URING_OFF_CUR */
	void *user;	 /* the caller's, untouched */
	/* Written by the writer; meaningful in the completion callback: */
	size_t done;	      /* bytes written; == len when error == 0 */
	int error;	      /* 0, or the -errno that stopped the write after @done bytes */
	unsigned int retries; /* short writes and -EAGAIN/-EINTR continued */
};

enum {
	CTF_URING_F_PLAIN = 1U << 0, /* no io_uring: pwrite()/write() at submit time */
};

/*
 * ctf_uring_new - a writer with room for @entries writes in flight (rounded
 * up to a power of two by the kernel, at most 4096). With CTF_URING_F_PLAIN
 * no ring is made. Only one thread may use a writer.
 * Returns 0 and a writer to free with ctf_uring_free(), or -errno:
 * -EINVAL, -ENOMEM, -ENOSYS (kernel without io_uring), -EPERM (io_uring
 * disabled by kernel.io_uring_disabled or a seccomp policy).
 */
int ctf_uring_new(struct ctf_uring **ret_uring, unsigned int entries, unsigned int flags);

/*
 * ctf_uring_free - free; accepts NULL. Writes still in flight are waited for
 * first (their buffers are not reported to anyone).
 */
void ctf_uring_free(struct ctf_uring *u);

/* Whether the writer uses plain write() calls (CTF_URING_F_PLAIN). */
bool ctf_uring_is_plain(const struct ctf_uring *u);

/* Writes queued or in flight whose completion has not been reaped yet. */
unsigned int ctf_uring_pending(const struct ctf_uring *u);

/* How many more writes ctf_uring_queue() accepts now. */
unsigned int ctf_uring_room(const struct ctf_uring *u);

/*
 * ctf_uring_queue - queue @b (borrowed until its completion, see above). It
 * is not started before ctf_uring_submit(). Returns 0, -EBUSY when
 * ctf_uring_room() is 0 (reap first), -EINVAL for a zero length.
 */
int ctf_uring_queue(struct ctf_uring *u, struct ctf_uring_buf *b);

/*
 * ctf_uring_submit - start every queued write with a single io_uring_submit()
 * (plain mode: perform them now, one write() each). Returns the number
 * started, or -errno when the kernel refused the submission (the writes stay
 * queued).
 */
int ctf_uring_submit(struct ctf_uring *u);

/* Called once per finished write, from inside ctf_uring_reap(). */
typedef void (*ctf_uring_done_cb)(struct ctf_uring_buf *b, void *data);

/*
 * ctf_uring_reap - hand finished writes to @cb. Waits until at least
 * @min_done writes have finished (capped at what is in flight; 0 never
 * waits). A short write is continued with the rest of the buffer, at the
 * offset after what was written, so @cb only sees writes that are complete
 * (error 0, done == len) or failed (error < 0, done = bytes that made it).
 * -EAGAIN and -EINTR are retried a bounded number of times. Continuing a
 * short write submits the ring, which also starts writes queued since the
 * last ctf_uring_submit(). Returns the number of writes handed to @cb, or -errno when waiting failed.
 */
int ctf_uring_reap(struct ctf_uring *u, unsigned int min_done, ctf_uring_done_cb cb, void *data);

#endif /* CTFLOW_URING_H */
