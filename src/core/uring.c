// SPDX-License-Identifier: GPL-2.0-or-later
/* The batched writer over liburing 2.3 (the only file that includes liburing), or plain write(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

#include <ctflow/uring.h>

#define MAX_ENTRIES 4096
#define MAX_RETRIES 8 /* -EAGAIN/-EINTR retries of one write, not counting short writes */

struct ctf_uring {
	struct io_uring ring;
	bool plain;
	unsigned int entries;
	unsigned int pending;	  /* queued + in flight + finished but not reaped */
	unsigned int unsubmitted; /* prepared SQEs (or plain queue entries) not yet submitted */
	/* plain mode: queued writes, then finished ones waiting for ctf_uring_reap() */
	struct ctf_uring_buf **plain_q;
	unsigned int plain_nq;
	unsigned int plain_ndone;
};

bool ctf_uring_is_plain(const struct ctf_uring *u)
{
	return u->plain;
}

unsigned int ctf_uring_pending(const struct ctf_uring *u)
{
	return u->pending;
}

unsigned int ctf_uring_room(const struct ctf_uring *u)
{
	return u->entries - u->pending;
}

static int ring_init(struct ctf_uring *u)
{
	int r;

	/*
	 * COOP_TASKRUN (5.19) saves an interrupt per completion: we reap from
	 * our own thread anyway. Older kernels reject the flag with -EINVAL.
	 * SINGLE_ISSUER is not used: the ring is made by the thread that
	 * starts the stream but submitted to by the exporter thread.
	 */
	r = io_uring_queue_init(u->entries, &u->ring, IORING_SETUP_COOP_TASKRUN);
	if (r == -EINVAL)
		r = io_uring_queue_init(u->entries, &u->ring, 0);
	return r;
}

int ctf_uring_new(struct ctf_uring **ret_uring, unsigned int entries, unsigned int flags)
{
	struct ctf_uring *u;
	int r;

	if (entries == 0 || entries > MAX_ENTRIES || (flags & ~CTF_URING_F_PLAIN))
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->entries = entries;
	u->plain = flags & CTF_URING_F_PLAIN;
	if (u->plain) {
		u->plain_q = calloc(entries, sizeof(*u->plain_q));
		if (!u->plain_q) {
			r = -ENOMEM;
			goto out_free;
		}
	} else {
		r = ring_init(u);
		if (r < 0)
			goto out_free;
	}
	*ret_uring = u;
	return 0;
out_free:
	free(u);
	return r;
}

static void discard(struct ctf_uring_buf *b, void *data)
{
}

void ctf_uring_free(struct ctf_uring *u)
{
	if (!u)
		return;
	if (u->plain) {
		free(u->plain_q);
	} else {
		/* The kernel may still write from our callers' buffers: wait. */
		if (u->unsubmitted)
			(void)io_uring_submit(&u->ring);
		u->unsubmitted = 0;
		while (u->pending && ctf_uring_reap(u, u->pending, discard, NULL) >= 0)
			;
		io_uring_queue_exit(&u->ring);
	}
	free(u);
}

/* Prepare the SQE for what is left of @b. There is always an SQE: pending <= entries. */
static void prep(struct ctf_uring *u, struct ctf_uring_buf *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	uint64_t off = b->offset == CTF_URING_OFF_CUR ? (uint64_t)-1 : b->offset + b->done;

	io_uring_prep_write(sqe, b->fd, (const char *)b->data + b->done, b->len - b->done, off);
	io_uring_sqe_set_data(sqe, b);
	u->unsubmitted++;
}

int ctf_uring_queue(struct ctf_uring *u, struct ctf_uring_buf *b)
{
	if (b->len == 0 || b->len > UINT32_MAX)
		return -EINVAL;
	if (u->pending >= u->entries)
		return -EBUSY;
	b->done = 0;
	b->error = 0;
	b->retries = 0;
	u->pending++;
	if (u->plain) {
		u->plain_q[u->plain_nq++] = b;
		u->unsubmitted++;
		return 0;
	}
	prep(u, b);
	return 0;
}

/* One write done the plain way, continued over short writes and bounded retries. */
static void plain_write(struct ctf_uring_buf *b)
{
	while (b->done < b->len) {
		const char *p = (const char *)b->data + b->done;
		size_t left = b->len - b->done;
		ssize_t n;

		if (b->offset == CTF_URING_OFF_CUR)
			n = write(b->fd, p, left);
		else
			n = pwrite(b->fd, p, left, (off_t)(b->offset + b->done));
		if (n > 0) {
			b->done += n;
			if (b->done < b->len)
				b->retries++;
			continue;
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN) && b->retries < MAX_RETRIES) {
			b->retries++;
			continue;
		}
		b->error = n < 0 ? -errno : -EIO;
		return;
	}
}

int ctf_uring_submit(struct ctf_uring *u)
{
	int r;

	if (u->plain) {
		/* Queue order is kept: the done list is the queue's prefix. */
		for (unsigned int i = u->plain_ndone; i < u->plain_nq; i++)
			plain_write(u->plain_q[i]);
		r = (int)(u->plain_nq - u->plain_ndone);
		u->plain_ndone = u->plain_nq;
		u->unsubmitted = 0;
		return r;
	}
	if (!u->unsubmitted)
		return 0;
	r = io_uring_submit(&u->ring);
	if (r < 0)
		return r;
	u->unsubmitted -= (unsigned int)r < u->unsubmitted ? (unsigned int)r : u->unsubmitted;
	return r;
}

static int plain_reap(struct ctf_uring *u, ctf_uring_done_cb cb, void *data)
{
	unsigned int n = u->plain_ndone;

	for (unsigned int i = 0; i < n; i++)
		cb(u->plain_q[i], data);
	/* Writes queued after the submit stay, moved to the front. */
	memmove(u->plain_q, u->plain_q + n, (u->plain_nq - n) * sizeof(*u->plain_q));
	u->plain_nq -= n;
	u->plain_ndone = 0;
	u->pending -= n;
	return (int)n;
}

/* Account one CQE; returns true when @b is finished, false when it was requeued. */
static bool complete(struct ctf_uring *u, struct ctf_uring_buf *b, int res)
{
	if (res > 0) {
		b->done += (size_t)res;
		if (b->done >= b->len)
			return true;
		b->retries++; /* short write: continue with the rest */
	} else if ((res == -EAGAIN || res == -EINTR) && b->retries < MAX_RETRIES) {
		b->retries++;
	} else {
		b->error = res < 0 ? res : -EIO; /* 0 bytes for a non-empty write */
		return true;
	}
	prep(u, b);
	return false;
}

/* Take every CQE there is now; returns how many writes finished. */
static unsigned int drain_cqes(struct ctf_uring *u, ctf_uring_done_cb cb, void *data)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0, n = 0;

	io_uring_for_each_cqe(&u->ring, head, cqe)
	{
		struct ctf_uring_buf *b = io_uring_cqe_get_data(cqe);

		seen++;
		if (complete(u, b, cqe->res)) {
			u->pending--;
			cb(b, data);
			n++;
		}
	}
	io_uring_cq_advance(&u->ring, seen);
	return n;
}

static int submit_requeued(struct ctf_uring *u)
{
	int r = io_uring_submit(&u->ring);

	if (r < 0)
		return r;
	u->unsubmitted -= (unsigned int)r < u->unsubmitted ? (unsigned int)r : u->unsubmitted;
	return 0;
}

int ctf_uring_reap(struct ctf_uring *u, unsigned int min_done, ctf_uring_done_cb cb, void *data)
{
	struct io_uring_cqe *cqe;
	unsigned int n = 0;
	int r;

	if (u->plain)
		return plain_reap(u, cb, data);
	for (;;) {
		unsigned int before = u->unsubmitted;

		n += drain_cqes(u, cb, data);
		if (u->unsubmitted > before) {
			/* Continuations of short writes (and any queued writes) start now. */
			r = submit_requeued(u);
			if (r < 0)
				return r;
		}
		/* Only submitted writes can finish. */
		if (n >= min_done || u->pending == u->unsubmitted)
			return (int)n;
		r = io_uring_wait_cqe(&u->ring, &cqe);
		if (r < 0 && r != -EINTR)
			return r;
	}
}
