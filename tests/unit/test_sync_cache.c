// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the sync engine's object cache and queues (src/conntrackd/sync/cache.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cache.h"

/*
 * The link seam (-Wl,--wrap=malloc,calloc,free): an allocation can be made to
 * fail, and frees are logged, so "freed" and "not freed" are checked in any
 * build, not only when ASan is there to notice a leak or a use after free.
 */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t sz);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t sz);
void __wrap_free(void *p);

#define FREE_LOG 64

static int fail_nth;	      /* 0, or the n-th allocation from now fails (once) */
static void *freed[FREE_LOG]; /* the last frees since free_log_reset() */
static unsigned int nfreed;

static bool alloc_fails(void)
{
	return fail_nth > 0 && --fail_nth == 0;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t sz)
{
	return alloc_fails() ? NULL : __real_calloc(n, sz);
}

void __wrap_free(void *p)
{
	if (p)
		freed[nfreed++ % FREE_LOG] = p;
	__real_free(p);
}

static void free_log_reset(void)
{
	nfreed = 0;
	memset(freed, 0, sizeof(freed));
}

/* Whether @p was freed since the last free_log_reset() (compares addresses only). */
static bool was_freed(const void *p)
{
	unsigned int i;

	for (i = 0; i < FREE_LOG && i < nfreed; i++)
		if (freed[i] == p)
			return true;
	return false;
}

static struct sync_key key_n(uint32_t n)
{
	struct sync_key k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.l4proto = IPPROTO_TCP;
	k.src.ip = htonl(0x0a000000u | n);
	k.dst.ip = htonl(0xc0a80000u | (n >> 16));
	k.sport = htons((uint16_t)(1024 + n));
	k.dport = htons(80);
	return k;
}

static struct sync_obj *add_n(struct sync_cache *c, uint32_t n)
{
	struct sync_key k = key_n(n);
	uint8_t body[8];

	memcpy(body, &n, sizeof(n));
	memcpy(body + 4, &n, sizeof(n));
	return sync_cache_add(c, &k, sync_cache_hash(c, &k), body, sizeof(body));
}

static struct sync_obj *find_n(struct sync_cache *c, uint32_t n)
{
	struct sync_key k = key_n(n);

	return sync_cache_find(c, &k, sync_cache_hash(c, &k));
}

/* The hash and the compare read the key's bytes: a padding hole would make equal keys differ. */
static void test_sync_cache_key_has_no_padding(void **state)
{
	const struct sync_key *k = NULL;

	assert_int_equal(sizeof(*k), sizeof(k->src) + sizeof(k->dst) + sizeof(k->sport) +
					     sizeof(k->dport) + sizeof(k->zone) +
					     sizeof(k->family) + sizeof(k->l4proto));
}

static void flow_v4(struct ctf_flow *f, uint8_t proto)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->orig.l3num = AF_INET;
	f->orig.l4proto = proto;
	f->orig.src.ip = htonl(0x0a000001);
	f->orig.dst.ip = htonl(0x0a000002);
}

/* The key is the orig tuple and the zone; what the kernel leaves around them does not count. */
static void test_sync_cache_key_from_flow(void **state)
{
	struct sync_key k1, k2;
	struct ctf_flow f;

	flow_v4(&f, IPPROTO_TCP);
	f.orig.l4.port.sport = htons(1234);
	f.orig.l4.port.dport = htons(22);
	f.reply.src.ip = 99; /* not part of the key */
	f.zone = 7;	     /* no CTF_FLOW_A_ZONE: no zone */
	sync_key_from_flow(&k1, &f);
	assert_int_equal(k1.family, AF_INET);
	assert_int_equal(k1.l4proto, IPPROTO_TCP);
	assert_int_equal(k1.src.ip, htonl(0x0a000001));
	assert_int_equal(k1.dst.ip, htonl(0x0a000002));
	assert_int_equal(k1.sport, htons(1234));
	assert_int_equal(k1.dport, htons(22));
	assert_int_equal(k1.zone, 0);
	/* stale bytes past an IPv4 address must not reach the key */
	f.orig.src.ip6[3] = 0xdeadbeef;
	f.orig.dst.ip6[1] = 0xdeadbeef;
	f.orig.zone = 3;
	sync_key_from_flow(&k2, &f);
	assert_memory_equal(&k1, &k2, sizeof(k1));

	ctf_flow_set(&f, CTF_FLOW_A_ZONE);
	sync_key_from_flow(&k2, &f);
	assert_int_equal(k2.zone, 7);

	flow_v4(&f, IPPROTO_ICMP);
	f.orig.l3num = 0; /* no l3num in the tuple: the message's family */
	f.orig.l4.icmp.type = 8;
	f.orig.l4.icmp.code = 3;
	f.orig.l4.icmp.id = htons(0x4242);
	sync_key_from_flow(&k1, &f);
	assert_int_equal(k1.family, AF_INET);
	assert_int_equal(k1.sport, htons(0x4242));
	assert_int_equal(k1.dport, 8 << 8 | 3);

	memset(&f, 0, sizeof(f));
	f.family = AF_INET6;
	f.orig.l3num = AF_INET6;
	f.orig.l4proto = IPPROTO_UDP;
	f.orig.src.ip6[0] = htonl(0x20010db8);
	f.orig.src.ip6[3] = htonl(1);
	f.orig.dst.ip6[3] = htonl(2);
	sync_key_from_flow(&k1, &f);
	assert_memory_equal(&k1.src, &f.orig.src, sizeof(k1.src));
	assert_memory_equal(&k1.dst, &f.orig.dst, sizeof(k1.dst));
}

/* The hash is a bucket index for every HashSize, and equal keys hash alike. */
static void test_sync_cache_hash_in_range(void **state)
{
	static const size_t sizes[] = { 1, 2, 7, 1000, 4096, 0 /* default 65536 */ };
	struct sync_cache c;
	struct sync_key k1, k2;
	unsigned int used[16] = { 0 };
	size_t s;
	uint32_t i, h;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		assert_int_equal(sync_cache_init(&c, "test", sizes[s], 0), 0);
		assert_int_equal(c.nbuckets, sizes[s] ? sizes[s] : 65536);
		for (i = 0; i < 20000; i++) {
			k1 = key_n(i);
			k2 = key_n(i);
			h = sync_cache_hash(&c, &k1);
			assert_true(h < c.nbuckets);
			assert_int_equal(h, sync_cache_hash(&c, &k2));
		}
		sync_cache_done(&c);
	}
	/* not all in one bucket: 20000 keys over 16 buckets reach each of them */
	assert_int_equal(sync_cache_init(&c, "test", 16, 0), 0);
	for (i = 0; i < 20000; i++) {
		k1 = key_n(i);
		used[sync_cache_hash(&c, &k1)]++;
	}
	for (i = 0; i < 16; i++)
		assert_true(used[i] > 20000 / 16 / 4);
	sync_cache_done(&c);
}

/* Many objects in few buckets: each is found by its key, with its own copy of the body. */
static void test_sync_cache_add_find(void **state)
{
	static const size_t sizes[] = { 1, 13, 65536 };
	struct sync_cache c;
	struct sync_obj *o;
	struct sync_key k;
	uint8_t body[8];
	uint32_t i;
	size_t s;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		assert_int_equal(sync_cache_init(&c, "test", sizes[s], 0), 0);
		for (i = 0; i < 2000; i++) {
			o = add_n(&c, i);
			assert_non_null(o);
			assert_true(o->hashed);
			assert_int_equal(o->status, SYNC_OBJ_NEW);
			assert_int_equal(o->q.kind, SYNC_Q_OBJ);
			assert_null(o->q.in);
		}
		assert_int_equal(c.count, 2000);
		assert_int_equal(c.dead, 0);
		for (i = 0; i < 2000; i++) {
			o = find_n(&c, i);
			assert_non_null(o);
			k = key_n(i);
			assert_memory_equal(&o->key, &k, sizeof(k));
			assert_int_equal(o->hash, sync_cache_hash(&c, &k));
			memcpy(body, &i, 4);
			memcpy(body + 4, &i, 4);
			assert_int_equal(o->len, sizeof(body));
			assert_memory_equal(o->body, body, sizeof(body));
		}
		assert_null(find_n(&c, 2000));
		/* same addresses, other zone: another object */
		k = key_n(5);
		k.zone = 1;
		assert_null(sync_cache_find(&c, &k, sync_cache_hash(&c, &k)));
		sync_cache_done(&c);
	}
}

/* A copy, not a reference: the caller's buffer may change after the add. */
static void test_sync_cache_add_copies_body(void **state)
{
	struct sync_cache c;
	struct sync_obj *o;
	struct sync_key k = key_n(1);
	uint8_t body[32];

	memset(body, 0xab, sizeof(body));
	assert_int_equal(sync_cache_init(&c, "test", 8, 0), 0);
	o = sync_cache_add(&c, &k, sync_cache_hash(&c, &k), body, sizeof(body));
	assert_non_null(o);
	assert_ptr_not_equal(o->body, body);
	memset(body, 0, sizeof(body));
	assert_int_equal(o->body[0], 0xab);
	assert_int_equal(o->body[31], 0xab);
	sync_cache_done(&c);
}

/* HashLimit: a full cache refuses and counts; dead objects still take room; unlinking frees it. */
static void test_sync_cache_limit_refused(void **state)
{
	struct sync_cache c;
	struct sync_obj *o[3];
	uint32_t i;

	assert_int_equal(sync_cache_init(&c, "test", 16, 3), 0);
	for (i = 0; i < 3; i++) {
		o[i] = add_n(&c, i);
		assert_non_null(o[i]);
	}
	assert_null(add_n(&c, 3));
	assert_null(add_n(&c, 4));
	assert_int_equal(c.st.refused, 2);
	assert_int_equal(c.count, 3);
	assert_null(find_n(&c, 3));

	sync_cache_kill(&c, o[0], 100);
	assert_null(add_n(&c, 3));
	assert_int_equal(c.st.refused, 3);

	sync_cache_unlink(&c, o[0]);
	assert_non_null(add_n(&c, 3));
	assert_int_equal(c.count, 3);
	assert_int_equal(c.st.refused, 3);
	sync_cache_done(&c);
}

/* Out of memory is not "cache full": NULL, nothing counted, nothing hashed, nothing leaked. */
static void test_sync_cache_add_enomem(void **state)
{
	struct sync_cache c, c2;
	int n;

	assert_int_equal(sync_cache_init(&c, "test", 16, 0), 0);
	for (n = 1; n <= 2; n++) { /* the object, then its body */
		fail_nth = n;
		free_log_reset();
		assert_null(add_n(&c, 1));
		assert_int_equal(fail_nth, 0);
		assert_int_equal(nfreed, n - 1); /* the object, when its body failed */
		assert_int_equal(c.count, 0);
		assert_int_equal(c.st.refused, 0);
		assert_null(find_n(&c, 1));
	}
	fail_nth = 1;
	assert_int_equal(sync_cache_init(&c2, "test", 16, 0), -ENOMEM);
	assert_null(c2.buckets);
	sync_cache_done(&c2);
	free_log_reset();
	sync_cache_done(&c);
	assert_int_equal(nfreed, 1); /* the buckets: nothing else was left */
}

/* An empty body: no allocation, and no memcpy to or from NULL (UBSan: nonnull-attribute). */
static void test_sync_cache_add_empty_body(void **state)
{
	struct sync_cache c;
	struct sync_obj *o;
	struct sync_key k = key_n(1);
	uint8_t unused[1] = { 0 };

	assert_int_equal(sync_cache_init(&c, "test", 8, 0), 0);
	o = sync_cache_add(&c, &k, sync_cache_hash(&c, &k), unused, 0);
	assert_non_null(o);
	assert_int_equal(o->len, 0);
	k = key_n(2);
	o = sync_cache_add(&c, &k, sync_cache_hash(&c, &k), NULL, 0);
	assert_non_null(o);
	assert_int_equal(o->len, 0);
	assert_int_equal(sync_obj_set_body(o, NULL, 0), 0);
	assert_int_equal(c.count, 2);
	sync_cache_done(&c);
}

/* Growth reallocates, shrinking keeps the buffer; too large or no memory keeps the old body. */
static void test_sync_obj_set_body_growth(void **state)
{
	static const size_t lens[] = { 4, 100, 100, 1000, 10, 0, 1001, UINT16_MAX };
	uint8_t src[UINT16_MAX + 1];
	struct sync_obj o;
	uint16_t cap = 0;
	uint8_t *before;
	size_t i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(src, (int)(i + 1), lens[i]);
		before = o.body;
		assert_int_equal(sync_obj_set_body(&o, src, lens[i]), 0);
		assert_int_equal(o.len, lens[i]);
		if (lens[i] > cap) {
			cap = (uint16_t)lens[i];
			assert_int_equal(o.cap, cap);
		} else {
			assert_ptr_equal(o.body, before); /* no reallocation to shrink */
			assert_int_equal(o.cap, cap);
		}
		if (lens[i])
			assert_memory_equal(o.body, src, lens[i]);
	}

	assert_int_equal(sync_obj_set_body(&o, src, 3), 0);
	before = o.body;
	memset(src, 0x77, sizeof(src));
	/* the header says "0 or -ENOMEM"; a body past 64 KiB is refused with -EMSGSIZE */
	assert_int_equal(sync_obj_set_body(&o, src, UINT16_MAX + 1), -EMSGSIZE);
	assert_ptr_equal(o.body, before);
	assert_int_equal(o.len, 3);
	assert_int_equal(o.body[0], (uint8_t)(sizeof(lens) / sizeof(lens[0])));
	free(o.body);

	memset(&o, 0, sizeof(o));
	assert_int_equal(sync_obj_set_body(&o, src, 8), 0);
	before = o.body;
	fail_nth = 1;
	assert_int_equal(sync_obj_set_body(&o, src, 16), -ENOMEM);
	assert_ptr_equal(o.body, before);
	assert_int_equal(o.len, 8);
	assert_int_equal(o.cap, 8);
	assert_int_equal(o.body[7], 0x77);
	free(o.body);
}

static struct sync_obj *dead_head(struct sync_cache *c)
{
	if (c->dead_list.next == &c->dead_list)
		return NULL;
	return (struct sync_obj *)((char *)c->dead_list.next - offsetof(struct sync_obj, dead));
}

/* Killed objects stay findable as tombstones, oldest first, until gc reaches their time. */
static void test_sync_cache_kill_and_gc(void **state)
{
	struct sync_cache c;
	struct sync_obj *a, *b, *d;

	assert_int_equal(sync_cache_init(&c, "test", 4, 0), 0);
	a = add_n(&c, 1);
	b = add_n(&c, 2);
	d = add_n(&c, 3);
	assert_non_null(add_n(&c, 4)); /* stays alive throughout */
	sync_cache_kill(&c, a, 10);
	sync_cache_kill(&c, b, 20);
	sync_cache_kill(&c, d, 30);
	assert_int_equal(c.count, 4);
	assert_int_equal(c.dead, 3);
	assert_int_equal(a->status, SYNC_OBJ_DEAD);
	assert_ptr_equal(find_n(&c, 1), a);
	assert_ptr_equal(dead_head(&c), a);

	/* killing again moves it to the end with its new time, and counts it once */
	sync_cache_kill(&c, a, 40);
	assert_int_equal(c.dead, 3);
	assert_ptr_equal(dead_head(&c), b);

	free_log_reset();
	sync_cache_gc(&c, 19);
	assert_int_equal(c.count, 4);
	assert_int_equal(nfreed, 0);
	sync_cache_gc(&c, 20); /* due at 20: goes at 20 */
	assert_true(was_freed(b));
	assert_null(find_n(&c, 2));
	assert_int_equal(c.count, 3);
	assert_int_equal(c.dead, 2);
	assert_ptr_equal(dead_head(&c), d);
	sync_cache_gc(&c, 39);
	assert_null(find_n(&c, 3));
	assert_ptr_equal(find_n(&c, 1), a);
	sync_cache_gc(&c, 1000);
	assert_null(find_n(&c, 1));
	assert_null(dead_head(&c));
	assert_int_equal(c.count, 1);
	assert_int_equal(c.dead, 0);
	assert_non_null(find_n(&c, 4));
	sync_cache_done(&c);
}

/* Monotonic seconds wrap after 136 years, but the comparison is modular anyway. */
static void test_sync_cache_gc_wraps(void **state)
{
	struct sync_cache c;
	struct sync_obj *o;

	assert_int_equal(sync_cache_init(&c, "test", 4, 0), 0);
	o = add_n(&c, 1);
	sync_cache_kill(&c, o, 5); /* killed at UINT32_MAX - 10, expires 16 s later */
	sync_cache_gc(&c, UINT32_MAX - 5);
	assert_ptr_equal(find_n(&c, 1), o);
	sync_cache_gc(&c, 4);
	assert_ptr_equal(find_n(&c, 1), o);
	sync_cache_gc(&c, 5);
	assert_null(find_n(&c, 1));
	assert_int_equal(c.count, 0);
	sync_cache_done(&c);
}

/* Unlink keeps the counters right for live and dead objects, in any bucket position. */
static void test_sync_cache_unlink_counts(void **state)
{
	struct sync_cache c;
	struct sync_obj *o[6];
	uint32_t i;

	assert_int_equal(sync_cache_init(&c, "test", 1, 0), 0); /* one chain: head, middle, tail */
	for (i = 0; i < 6; i++)
		o[i] = add_n(&c, i);
	sync_cache_kill(&c, o[1], 50);
	sync_cache_kill(&c, o[4], 50);
	free_log_reset();
	sync_cache_unlink(&c, o[5]); /* chain head (added last) */
	sync_cache_unlink(&c, o[0]); /* chain tail */
	sync_cache_unlink(&c, o[4]); /* dead, middle */
	assert_true(was_freed(o[5]));
	assert_true(was_freed(o[0]));
	assert_true(was_freed(o[4]));
	assert_int_equal(c.count, 3);
	assert_int_equal(c.dead, 1);
	assert_ptr_equal(dead_head(&c), o[1]);
	assert_ptr_equal(find_n(&c, 1), o[1]);
	assert_ptr_equal(find_n(&c, 2), o[2]);
	assert_ptr_equal(find_n(&c, 3), o[3]);
	assert_null(find_n(&c, 4));
	sync_cache_gc(&c, 50);
	assert_int_equal(c.dead, 0);
	assert_int_equal(c.count, 2);
	sync_cache_done(&c);
}

struct each_ctx {
	struct sync_cache *c;
	unsigned int seen[600];
	unsigned int calls;
};

static void each_unlink_odd(struct sync_obj *o, void *data)
{
	struct each_ctx *x = data;
	uint32_t n;

	memcpy(&n, o->body, sizeof(n));
	x->calls++;
	if (n < 600)
		x->seen[n]++;
	if (n & 1)
		sync_cache_unlink(x->c, o);
}

/* The callback may unlink (and so free) the object it is given; every object is seen once. */
static void test_sync_cache_each_unlink_current(void **state)
{
	static const size_t sizes[] = { 1, 3, 1024 };
	struct each_ctx x;
	struct sync_cache c;
	uint32_t i;
	size_t s;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		assert_int_equal(sync_cache_init(&c, "test", sizes[s], 0), 0);
		for (i = 0; i < 600; i++)
			assert_non_null(add_n(&c, i));
		for (i = 0; i < 600; i += 7)
			sync_cache_kill(&c, find_n(&c, i), 9); /* dead ones are visited too */
		memset(&x, 0, sizeof(x));
		x.c = &c;
		sync_cache_each(&c, each_unlink_odd, &x);
		assert_int_equal(x.calls, 600);
		for (i = 0; i < 600; i++)
			assert_int_equal(x.seen[i], 1);
		assert_int_equal(c.count, 300);
		for (i = 0; i < 600; i++)
			assert_true((find_n(&c, i) != NULL) == !(i & 1));
		memset(&x, 0, sizeof(x));
		x.c = &c;
		sync_cache_each(&c, each_unlink_odd, &x);
		assert_int_equal(x.calls, 300);
		sync_cache_done(&c);
	}
}

/* Dead and live objects alike are freed by done (ASan's leak check has the last word). */
static void test_sync_cache_done_frees_all(void **state)
{
	struct sync_cache c;
	struct sync_obj *a, *b;
	uint8_t *abody, *bbody;

	assert_int_equal(sync_cache_init(&c, "test", 2, 0), 0);
	a = add_n(&c, 1);
	b = add_n(&c, 2);
	assert_non_null(add_n(&c, 3));
	sync_cache_kill(&c, b, 1);
	abody = a->body;
	bbody = b->body;
	free_log_reset();
	sync_cache_done(&c);
	assert_true(was_freed(a));
	assert_true(was_freed(abody));
	assert_true(was_freed(b));
	assert_true(was_freed(bbody));
	assert_int_equal(nfreed, 3 * 2 + 1); /* objects, bodies, buckets */
	assert_null(c.buckets);
	sync_cache_done(&c); /* twice is harmless */
}

static struct sync_qitem *qitem_at(const struct sync_queue *q, unsigned int i)
{
	struct sync_qitem *it = sync_queue_first(q);

	while (it && i--)
		it = sync_queue_next(q, it);
	return it;
}

/* Items go in at the tail; first/next walk them in order; len tracks; del is idempotent. */
static void test_sync_queue_order_and_del(void **state)
{
	struct sync_ctlmsg *m[4];
	struct sync_queue q;
	unsigned int i;

	sync_queue_init(&q, "tx", 0);
	assert_true(sync_queue_empty(&q));
	assert_null(sync_queue_first(&q));
	for (i = 0; i < 4; i++) {
		m[i] = sync_ctlmsg_new(CTF_SYNC_F_ACK, i, i + 10);
		assert_non_null(m[i]);
		assert_true(sync_queue_add(&q, &m[i]->q));
		assert_ptr_equal(m[i]->q.in, &q);
	}
	assert_int_equal(q.len, 4);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(qitem_at(&q, i), &m[i]->q);
	assert_null(qitem_at(&q, 4));

	sync_queue_del(&m[1]->q);
	assert_null(m[1]->q.in);
	sync_queue_del(&m[1]->q);
	assert_int_equal(q.len, 3);
	assert_ptr_equal(qitem_at(&q, 1), &m[2]->q);

	/* adding to the queue it is in leaves it where it is */
	assert_true(sync_queue_add(&q, &m[0]->q));
	assert_int_equal(q.len, 3);
	assert_ptr_equal(qitem_at(&q, 0), &m[0]->q);

	assert_true(sync_queue_add(&q, &m[1]->q)); /* back in, at the tail */
	assert_ptr_equal(qitem_at(&q, 3), &m[1]->q);
	for (i = 0; i < 4; i++)
		sync_queue_del(&m[i]->q);
	assert_true(sync_queue_empty(&q));
	assert_int_equal(q.len, 0);
	for (i = 0; i < 4; i++)
		sync_qitem_free(&m[i]->q);
}

/* An item moves between queues; a full queue refuses, counts, and the item stays where it was. */
static void test_sync_queue_move_max_refused(void **state)
{
	struct sync_queue a, b;
	struct sync_ctlmsg *m[3];
	unsigned int i;

	sync_queue_init(&a, "a", 0);
	sync_queue_init(&b, "b", 2);
	for (i = 0; i < 3; i++) {
		m[i] = sync_ctlmsg_new(0, 0, 0);
		assert_true(sync_queue_add(&a, &m[i]->q));
	}
	assert_true(sync_queue_add(&b, &m[1]->q));
	assert_ptr_equal(m[1]->q.in, &b);
	assert_int_equal(a.len, 2);
	assert_int_equal(b.len, 1);
	assert_ptr_equal(qitem_at(&a, 0), &m[0]->q);
	assert_ptr_equal(qitem_at(&a, 1), &m[2]->q);
	assert_true(sync_queue_add(&b, &m[0]->q));
	assert_int_equal(b.len, 2);

	assert_false(sync_queue_add(&b, &m[2]->q));
	assert_int_equal(b.refused, 1);
	assert_ptr_equal(m[2]->q.in, &a);
	assert_int_equal(a.len, 1);
	assert_int_equal(b.len, 2);
	assert_ptr_equal(sync_queue_first(&a), &m[2]->q);
	/* re-adding what a full queue already holds is not a refusal */
	assert_true(sync_queue_add(&b, &m[1]->q));
	assert_int_equal(b.refused, 1);

	sync_queue_del(&m[1]->q);
	assert_true(sync_queue_add(&b, &m[2]->q));
	assert_true(sync_queue_empty(&a));
	assert_ptr_equal(qitem_at(&b, 0), &m[0]->q);
	assert_ptr_equal(qitem_at(&b, 1), &m[2]->q);
	for (i = 0; i < 3; i++)
		sync_qitem_free(&m[i]->q);
	assert_true(sync_queue_empty(&b));
	assert_int_equal(b.len, 0);
}

/* Control messages: the header as asked, freed (and dequeued) by sync_qitem_free. */
static void test_sync_queue_ctlmsg_free(void **state)
{
	struct sync_ctlmsg *m, *n;
	struct sync_queue q;

	sync_queue_init(&q, "ctl", 0);
	m = sync_ctlmsg_new(CTF_SYNC_F_NACK, 100, 200);
	n = sync_ctlmsg_new(CTF_SYNC_F_RESYNC, 0, 0);
	assert_non_null(m);
	assert_non_null(n);
	assert_int_equal(m->q.kind, SYNC_Q_CTL);
	assert_null(m->q.in);
	assert_int_equal(m->hdr.type, CTF_SYNC_T_CTL);
	assert_int_equal(m->hdr.flags, CTF_SYNC_F_NACK);
	assert_int_equal(m->hdr.from, 100);
	assert_int_equal(m->hdr.to, 200);
	assert_true(sync_queue_add(&q, &m->q));
	assert_true(sync_queue_add(&q, &n->q));
	free_log_reset();
	sync_qitem_free(&m->q);
	assert_true(was_freed(m));
	assert_int_equal(q.len, 1);
	assert_ptr_equal(sync_queue_first(&q), &n->q);
	sync_queue_del(&n->q);
	sync_qitem_free(&n->q); /* not queued: freed all the same */
	assert_true(was_freed(n));

	fail_nth = 1;
	assert_null(sync_ctlmsg_new(0, 0, 0));
}

/* An object goes when the last of cache and queue lets go of it, in either order. */
static void test_sync_queue_obj_lifetime(void **state)
{
	struct sync_queue q, r;
	struct sync_cache c;
	struct sync_obj *a, *b, *d;

	assert_int_equal(sync_cache_init(&c, "test", 8, 0), 0);
	sync_queue_init(&q, "q", 0);
	sync_queue_init(&r, "r", 0);
	a = add_n(&c, 1);
	b = add_n(&c, 2);
	d = add_n(&c, 3);
	assert_true(sync_queue_add(&q, &a->q));
	assert_true(sync_queue_add(&q, &b->q));
	assert_true(sync_queue_add(&q, &d->q));
	free_log_reset();

	/* a: unhashed while queued, then moved to another queue, then dequeued */
	sync_cache_unlink(&c, a);
	assert_false(was_freed(a));
	assert_false(a->hashed);
	assert_null(find_n(&c, 1));
	assert_int_equal(a->body[0], 1); /* still readable: ASan would object otherwise */
	assert_true(sync_queue_add(&r, &a->q));
	assert_false(was_freed(a));
	sync_qitem_free(&a->q);
	assert_true(was_freed(a));
	assert_int_equal(r.len, 0);

	/* b: dequeued by sync_qitem_free while hashed: stays, then unlink frees it */
	sync_qitem_free(&b->q);
	assert_false(was_freed(b));
	assert_null(b->q.in);
	assert_ptr_equal(find_n(&c, 2), b);
	sync_cache_unlink(&c, b);
	assert_true(was_freed(b));

	/* d: a tombstone that gc takes while it waits to be sent; the queue frees it */
	sync_cache_kill(&c, d, 10);
	sync_cache_gc(&c, 10);
	assert_false(was_freed(d));
	assert_ptr_equal(sync_queue_first(&q), &d->q);
	sync_queue_del(&d->q); /* a bare del only detaches: the owner releases */
	assert_false(was_freed(d));
	sync_obj_release(d);
	assert_true(was_freed(d));

	assert_true(sync_queue_empty(&q));
	assert_int_equal(c.count, 0);
	sync_cache_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_cache_key_has_no_padding),
		cmocka_unit_test(test_sync_cache_key_from_flow),
		cmocka_unit_test(test_sync_cache_hash_in_range),
		cmocka_unit_test(test_sync_cache_add_find),
		cmocka_unit_test(test_sync_cache_add_copies_body),
		cmocka_unit_test(test_sync_cache_limit_refused),
		cmocka_unit_test(test_sync_cache_add_enomem),
		cmocka_unit_test(test_sync_cache_add_empty_body),
		cmocka_unit_test(test_sync_obj_set_body_growth),
		cmocka_unit_test(test_sync_cache_kill_and_gc),
		cmocka_unit_test(test_sync_cache_gc_wraps),
		cmocka_unit_test(test_sync_cache_unlink_counts),
		cmocka_unit_test(test_sync_cache_each_unlink_current),
		cmocka_unit_test(test_sync_cache_done_frees_all),
		cmocka_unit_test(test_sync_queue_order_and_del),
		cmocka_unit_test(test_sync_queue_move_max_refused),
		cmocka_unit_test(test_sync_queue_ctlmsg_free),
		cmocka_unit_test(test_sync_queue_obj_lifetime),
	};

	return cmocka_run_group_tests_name("sync_cache", tests, NULL, NULL);
}
