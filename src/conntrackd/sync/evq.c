// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd sync: the readers' event rings to the sync thread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"

#define EVQ_ALIGN 8U

static size_t record_size(size_t body_len)
{
	return (sizeof(struct sync_ev) + body_len + EVQ_ALIGN - 1) & ~(size_t)(EVQ_ALIGN - 1);
}

int sync_evq_init(struct sync_evq *q, size_t bytes)
{
	size_t size = 4096;

	while (size < bytes)
		size <<= 1;
	memset(q, 0, sizeof(*q));
	q->buf = aligned_alloc(64, size);
	if (!q->buf)
		return -ENOMEM;
	q->size = size;
	return 0;
}

void sync_evq_done(struct sync_evq *q)
{
	free(q->buf);
	q->buf = NULL;
}

/* Room for @need contiguous bytes at the tail, padding to the start if needed. */
static struct sync_ev *reserve(struct sync_evq *q, size_t need)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	size_t off = tail & (q->size - 1);
	size_t to_end = q->size - off;
	struct sync_ev *pad;

	if (to_end < need) {
		if (q->size - (tail - head) < to_end + need)
			return NULL;
		pad = (struct sync_ev *)(q->buf + off);
		pad->size = (uint32_t)to_end;
		pad->type = SYNC_EV_PAD;
		tail += to_end;
		atomic_store_explicit(&q->tail, tail, memory_order_release);
		off = 0;
	} else if (q->size - (tail - head) < need) {
		return NULL;
	}
	return (struct sync_ev *)(q->buf + off);
}

bool sync_evq_push(struct sync_evq *q, const struct sync_ev *ev, const uint8_t *body)
{
	size_t need = record_size(ev->body_len);
	struct sync_ev *slot = reserve(q, need);

	if (!slot) {
		atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
		return false;
	}
	*slot = *ev;
	slot->size = (uint32_t)need;
	if (ev->body_len) /* an empty body may come as NULL */
		memcpy(slot->body, body, ev->body_len);
	atomic_store_explicit(&q->tail, atomic_load_explicit(&q->tail, memory_order_relaxed) + need,
			      memory_order_release);
	return true;
}

size_t sync_evq_drain(struct sync_evq *q, size_t max, sync_ev_cb cb, void *data)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	size_t n = 0;

	while (head != tail && n < max) {
		const struct sync_ev *ev = (const struct sync_ev *)(q->buf + (head & (q->size - 1)));

		if (ev->type != SYNC_EV_PAD) {
			cb(ev, data);
			n++;
		}
		head += ev->size;
		if (head == tail)
			tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	}
	atomic_store_explicit(&q->head, head, memory_order_release);
	return n;
}
