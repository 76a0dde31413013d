/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd sync: what a reader thread hands to the sync thread. Each
 * reader has one single-producer single-consumer byte ring of events, each
 * already encoded as its sync wire body, so the readers do the encoding in
 * parallel and the sync thread only files and sends.
 */
#ifndef CONNTRACKD_SYNC_EVQ_H
#define CONNTRACKD_SYNC_EVQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"

enum sync_ev_type { SYNC_EV_NEW, SYNC_EV_UPDATE, SYNC_EV_DESTROY, SYNC_EV_PAD };

/* One event as queued; @body_len bytes of wire body follow. */
struct sync_ev {
	uint32_t size;	  /* the whole record, 8-byte aligned */
	uint8_t type;	  /* enum sync_ev_type */
	uint8_t origin;	  /* enum sync_origin */
	uint16_t body_len;
	uint32_t ct_id;
	uint8_t related; /* the conntrack has a master */
	uint8_t pad[3];
	struct sync_key key;
	struct ctf_tuple reply;
	struct ctf_counters counters[2]; /* DESTROY: the final counters, [0] original */
	uint8_t body[];
};

struct sync_evq {
	_Atomic size_t head __attribute__((aligned(64))); /* consumer position */
	_Atomic size_t tail __attribute__((aligned(64))); /* producer position */
	size_t size;					  /* bytes, a power of two */
	uint8_t *buf;
	_Atomic uint64_t dropped; /* events refused: the ring was full */
};

/* sync_evq_init - a ring of @bytes (rounded up to a power of two). 0 or -ENOMEM. */
int sync_evq_init(struct sync_evq *q, size_t bytes);
void sync_evq_done(struct sync_evq *q);

/*
 * sync_evq_push - producer: queue the event @ev (its size is ignored) with
 * @ev->body_len bytes of @body (NULL when that is 0). Returns false when the ring is
 * full (counted in q->dropped): the event is lost and the caller must have
 * the sync thread resynchronise with the kernel.
 */
bool sync_evq_push(struct sync_evq *q, const struct sync_ev *ev, const uint8_t *body);

/* Called by sync_evq_drain() for each event, in queue order. */
typedef void (*sync_ev_cb)(const struct sync_ev *ev, void *data);

/* sync_evq_drain - consumer: run @cb on up to @max events. Returns how many. */
size_t sync_evq_drain(struct sync_evq *q, size_t max, sync_ev_cb cb, void *data);

#endif /* CONNTRACKD_SYNC_EVQ_H */
