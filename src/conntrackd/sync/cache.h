/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd sync: the object caches (internal: our kernel's conntracks;
 * external: the peer's) and the queues their objects wait in. Objects keep
 * their state as the encoded wire body, so sending needs no re-encoding and
 * a cache dump decodes on demand. Owned by the sync thread.
 */
#ifndef CONNTRACKD_SYNC_CACHE_H
#define CONNTRACKD_SYNC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/ct.h>
#include <ctflow/syncwire.h>

/* What identifies an object: the original tuple and the zone, as 1.4.7's cache compares. */
struct sync_key {
	union ctf_addr src;
	union ctf_addr dst;
	uint16_t sport; /* ports; ICMP: the id */
	uint16_t dport; /* ports; ICMP: type << 8 | code */
	uint16_t zone;
	uint8_t family;
	uint8_t l4proto;
};

/* sync_key_from_flow - the key of @f (orig tuple and CTA_ZONE). */
void sync_key_from_flow(struct sync_key *ret_key, const struct ctf_flow *f);

/* A doubly linked list node; a queue is a ring through its head. */
struct sync_link {
	struct sync_link *prev;
	struct sync_link *next;
};

struct sync_queue;

enum sync_qkind { SYNC_Q_OBJ, SYNC_Q_CTL };

/* Something a queue holds: an object or a control message. */
struct sync_qitem {
	struct sync_link link;
	struct sync_queue *in; /* NULL: in no queue */
	uint8_t kind;	       /* enum sync_qkind */
	uint32_t seq;	       /* FTFW: the sequence number it was last sent with */
};

struct sync_queue {
	struct sync_link head;
	const char *name;
	size_t len;
	size_t max;	    /* 0: unbounded */
	uint64_t refused;   /* "not enough space errors" */
	uint64_t overflows; /* items dropped to make room (FTFW resend queue) */
};

/* A queued control message (ACK, NACK, RESYNC, ALIVE). */
struct sync_ctlmsg {
	struct sync_qitem q; /* first */
	struct ctf_sync_hdr hdr;
};

enum sync_obj_status { SYNC_OBJ_NEW, SYNC_OBJ_ALIVE, SYNC_OBJ_DEAD };

/* Where an external object stands with our kernel (CommitMode Eager). */
enum {
	SYNC_K_WRITTEN = 1U << 0, /* the kernel has it from us: the next write updates */
	SYNC_K_RETRIED = 1U << 1, /* this batch already retried it once */
};

/* Who caused the last kernel event of an internal object. */
enum sync_origin { SYNC_ORIGIN_NOT_ME, SYNC_ORIGIN_COMMIT, SYNC_ORIGIN_FLUSH, SYNC_ORIGIN_INJECT };

struct sync_obj {
	struct sync_qitem q; /* first: a queue item */
	struct sync_obj *hnext;
	struct sync_link dead; /* dead objects, oldest first, while hashed */
	struct sync_link timer; /* ALARM refresh / external expiry */
	uint64_t timer_at;	/* ms, CLOCK_MONOTONIC */
	struct sync_key key;
	struct ctf_tuple reply; /* internal: the kernel's reply tuple */
	uint32_t hash;
	uint32_t ct_id;	      /* internal: the kernel's conntrack id, 0 unknown */
	int64_t created;      /* CLOCK_REALTIME seconds: "[active since]" */
	int64_t updated;      /* the last event or message */
	uint32_t expire;      /* dead objects: CLOCK_MONOTONIC seconds they may go */
	uint32_t epoch;	      /* internal: the last kernel dump that saw it */
	uint8_t status;	      /* enum sync_obj_status */
	bool hashed;
	bool related;	      /* has a master tuple: committed after the masters */
	uint8_t kflags;	      /* external, CommitMode Eager: SYNC_K_* */
	uint16_t len;	      /* body bytes */
	uint16_t cap;
	uint8_t *body;	      /* attributes as on the wire */
};

struct sync_cache_counters {
	uint64_t created, created_fail;
	uint64_t updated, updated_fail;
	uint64_t destroyed, destroyed_fail;
	uint64_t refused; /* inserts refused: the cache was full */
};

struct sync_cache {
	const char *name;
	struct sync_obj **buckets;
	uint32_t nbuckets;
	size_t count;	  /* hashed objects, dead ones included */
	size_t dead;	  /* hashed dead objects */
	size_t limit;	  /* HashLimit */
	struct sync_link dead_list;
	struct sync_cache_counters st;
};

/* sync_cache_init - @nbuckets buckets (HashSize), at most @limit objects (HashLimit). 0 or -ENOMEM. */
int sync_cache_init(struct sync_cache *c, const char *name, size_t nbuckets, size_t limit);

/* sync_cache_done - free every object; none may be in a queue. */
void sync_cache_done(struct sync_cache *c);

/* sync_cache_hash - the bucket hash of @k. */
uint32_t sync_cache_hash(const struct sync_cache *c, const struct sync_key *k);

/* sync_cache_find - the object with key @k and hash @hash, or NULL. */
struct sync_obj *sync_cache_find(struct sync_cache *c, const struct sync_key *k, uint32_t hash);

/*
 * sync_cache_add - a new object (status NEW) with a copy of @body. NULL when
 * the cache is full (counted in st.refused), memory ran out, or @len is
 * above 65535.
 */
struct sync_obj *sync_cache_add(struct sync_cache *c, const struct sync_key *k, uint32_t hash,
				const uint8_t *body, size_t len);

/* sync_obj_set_body - replace the body. 0, -EMSGSIZE above 65535 bytes, or -ENOMEM (the old body stays). */
int sync_obj_set_body(struct sync_obj *o, const uint8_t *body, size_t len);

/* sync_cache_kill - mark @o dead; it stays hashed (a tombstone) until @expire. */
void sync_cache_kill(struct sync_cache *c, struct sync_obj *o, uint32_t expire);

/* sync_cache_unlink - take @o out of the cache (a no-op when it is not in); freed unless a queue holds it. */
void sync_cache_unlink(struct sync_cache *c, struct sync_obj *o);

/*
 * sync_cache_gc - unlink dead objects whose time has come (monotonic seconds
 * @now). The dead list is in kill order, so objects must be killed in order
 * of their expiry (every caller uses now + the same tombstone time).
 */
void sync_cache_gc(struct sync_cache *c, uint32_t now);

/* Called for each object by sync_cache_each(); may unlink it. */
typedef void (*sync_obj_cb)(struct sync_obj *o, void *data);

/* sync_cache_each - run @cb on every hashed object, dead ones included. */
void sync_cache_each(struct sync_cache *c, sync_obj_cb cb, void *data);

/* sync_obj_release - free @o if it is neither hashed nor queued. */
void sync_obj_release(struct sync_obj *o);

/* Queues. */
void sync_queue_init(struct sync_queue *q, const char *name, size_t max);
/* Append @it (taken out of its current queue first). Returns false when @q is full. */
bool sync_queue_add(struct sync_queue *q, struct sync_qitem *it);
void sync_queue_del(struct sync_qitem *it);
static inline bool sync_queue_empty(const struct sync_queue *q)
{
	return q->head.next == &q->head;
}
static inline struct sync_qitem *sync_queue_first(const struct sync_queue *q)
{
	return sync_queue_empty(q) ? NULL : (struct sync_qitem *)q->head.next;
}
static inline struct sync_qitem *sync_queue_next(const struct sync_queue *q,
						 const struct sync_qitem *it)
{
	return it->link.next == &q->head ? NULL : (struct sync_qitem *)it->link.next;
}

/* sync_ctlmsg_new - a control message with @flags, @from, @to (the header is completed at send). */
struct sync_ctlmsg *sync_ctlmsg_new(uint8_t flags, uint32_t from, uint32_t to);

/* sync_qitem_free - free a control message, or release an object (see sync_obj_release). */
void sync_qitem_free(struct sync_qitem *it);

#endif /* CONNTRACKD_SYNC_CACHE_H */
