/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Single-producer single-consumer rings of records, one per reader thread. */
#ifndef CTFLOW_RING_H
#define CTFLOW_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/record.h>

struct ctf_ring;

/*
 * ctf_ring_new - a ring holding up to @capacity records (rounded up to a
 * power of two). Exactly one thread may push and one other thread pop.
 * Returns 0 and a ring to free with ctf_ring_free(), -EINVAL or -ENOMEM.
 */
int ctf_ring_new(struct ctf_ring **ret_ring, size_t capacity);

/* ctf_ring_free - free; accepts NULL. */
void ctf_ring_free(struct ctf_ring *ring);

/*
 * ctf_ring_push - producer side: copy @rec in. Returns false when the ring is
 * full; the record is then not queued and ctf_ring_dropped() counts it.
 */
bool ctf_ring_push(struct ctf_ring *ring, const struct ctf_record *rec);

/* ctf_ring_pop - consumer side: move up to @max records into @out. Returns how many. */
size_t ctf_ring_pop(struct ctf_ring *ring, struct ctf_record *out, size_t max);

/* Records queued now (approximate when read by a third thread). */
size_t ctf_ring_len(const struct ctf_ring *ring);

/* Records refused because the ring was full, since it was made. */
uint64_t ctf_ring_dropped(const struct ctf_ring *ring);

#endif /* CTFLOW_RING_H */
