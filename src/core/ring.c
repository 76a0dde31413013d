// SPDX-License-Identifier: GPL-2.0-or-later
/* Single-producer single-consumer record rings (C11 atomics, no locks). */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/ring.h>

#define CACHELINE 64

/*
 * head and tail are free-running counters (they wrap at 2^64, never in
 * practice); the slot of position p is p & mask. Each side keeps a private
 * copy of the other side's index and reloads it only when the ring looks
 * full (producer) or empty (consumer), so in steady state the two cores
 * touch the other's cache line once per batch, not once per record.
 * Producer and consumer fields live on separate cache lines to avoid false
 * sharing.
 */
struct ctf_ring {
	size_t mask;
	struct ctf_record *slots;

	alignas(CACHELINE) _Atomic uint64_t head; /* written by the producer */
	uint64_t cached_tail;			  /* producer's view of tail */
	_Atomic uint64_t dropped;		  /* written by the producer */

	alignas(CACHELINE) _Atomic uint64_t tail; /* written by the consumer */
	uint64_t cached_head;			  /* consumer's view of head */
};

int ctf_ring_new(struct ctf_ring **ret_ring, size_t capacity)
{
	struct ctf_ring *ring;
	size_t n = 1;

	if (capacity == 0 || capacity > (SIZE_MAX / sizeof(struct ctf_record)) / 2)
		return -EINVAL;
	while (n < capacity)
		n <<= 1;
	ring = aligned_alloc(CACHELINE, sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	memset(ring, 0, sizeof(*ring));
	ring->slots = calloc(n, sizeof(*ring->slots));
	if (!ring->slots) {
		free(ring);
		return -ENOMEM;
	}
	ring->mask = n - 1;
	atomic_init(&ring->head, 0);
	atomic_init(&ring->tail, 0);
	atomic_init(&ring->dropped, 0);
	*ret_ring = ring;
	return 0;
}

void ctf_ring_free(struct ctf_ring *ring)
{
	if (!ring)
		return;
	free(ring->slots);
	free(ring);
}

bool ctf_ring_push(struct ctf_ring *ring, const struct ctf_record *rec)
{
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);

	if (head - ring->cached_tail > ring->mask) {
		/* Acquire: the consumer's copy out of the slot is done before we reuse it. */
		ring->cached_tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
		if (head - ring->cached_tail > ring->mask) {
			atomic_store_explicit(&ring->dropped,
					      atomic_load_explicit(&ring->dropped,
								   memory_order_relaxed) + 1,
					      memory_order_relaxed);
			return false;
		}
	}
	ring->slots[head & ring->mask] = *rec;
	/* Release: the record is visible before the consumer sees the new head. */
	atomic_store_explicit(&ring->head, head + 1, memory_order_release);
	return true;
}

size_t ctf_ring_pop(struct ctf_ring *ring, struct ctf_record *out, size_t max)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
	size_t n, i;

	/* Reload only when the cached view cannot fill the request. */
	if (ring->cached_head - tail < max)
		ring->cached_head = atomic_load_explicit(&ring->head, memory_order_acquire);
	n = (size_t)(ring->cached_head - tail);
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = ring->slots[(tail + i) & ring->mask];
	if (n)
		atomic_store_explicit(&ring->tail, tail + n, memory_order_release);
	return n;
}

size_t ctf_ring_len(const struct ctf_ring *ring)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);

	/* A third thread may see tail move past its stale head. */
	return head > tail ? (size_t)(head - tail) : 0;
}

uint64_t ctf_ring_dropped(const struct ctf_ring *ring)
{
	return atomic_load_explicit(&ring->dropped, memory_order_relaxed);
}
