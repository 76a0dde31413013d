// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the readers' event rings (src/conntrackd/sync/evq.c): order, wrap, full, threads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "evq.h"

#define BODY_MAX  4096
#define DRAIN_ALL 100000 /* more than any test queues; bounded, so a torn ring fails, not hangs */

/* The record one event takes: header and body, rounded up to 8 bytes. */
static size_t rec_size(size_t body_len)
{
	return (sizeof(struct sync_ev) + body_len + 7) & ~(size_t)7;
}

/* Event @seq: every field and body byte derives from it, so the consumer can check all. */
static void ev_make(struct sync_ev *ev, uint8_t *body, uint64_t seq, uint16_t len)
{
	uint16_t i;

	memset(ev, 0, sizeof(*ev));
	ev->size = 0xdeadbeef; /* ignored by push */
	ev->type = (uint8_t)(seq % 3);
	ev->origin = (uint8_t)(seq % 4);
	ev->body_len = len;
	ev->ct_id = (uint32_t)(seq * 2654435761u);
	ev->related = (uint8_t)(seq & 1);
	ev->key.family = AF_INET;
	ev->key.src.ip = (uint32_t)seq;
	ev->key.dst.ip = (uint32_t)(seq >> 32);
	ev->key.sport = (uint16_t)(seq >> 7);
	ev->reply.src.ip6[3] = (uint32_t)~seq;
	ev->counters[0].packets = seq;
	ev->counters[1].bytes = ~seq;
	for (i = 0; i < len; i++)
		body[i] = (uint8_t)(seq * 31 + i);
}

/* Whether @ev is event @seq as ev_make() built it, intact. */
static bool ev_ok(const struct sync_ev *ev, uint64_t seq)
{
	uint16_t i;

	if (((uintptr_t)ev & 7) || ev->size != rec_size(ev->body_len))
		return false;
	if (ev->type != seq % 3 || ev->origin != seq % 4 || ev->related != (seq & 1))
		return false;
	if (ev->ct_id != (uint32_t)(seq * 2654435761u) || ev->key.src.ip != (uint32_t)seq ||
	    ev->key.dst.ip != (uint32_t)(seq >> 32) || ev->key.sport != (uint16_t)(seq >> 7) ||
	    ev->key.family != AF_INET || ev->reply.src.ip6[3] != (uint32_t)~seq ||
	    ev->counters[0].packets != seq || ev->counters[1].bytes != ~seq)
		return false;
	for (i = 0; i < ev->body_len; i++)
		if (ev->body[i] != (uint8_t)(seq * 31 + i))
			return false;
	return true;
}

/* Body sizes that vary from 0 to 300 bytes. */
static uint16_t len_of(uint64_t seq)
{
	return (uint16_t)(seq * 37 % 301);
}

static bool push_seq(struct sync_evq *q, uint64_t seq, uint16_t len)
{
	uint8_t body[BODY_MAX];
	struct sync_ev ev;

	ev_make(&ev, body, seq, len);
	return sync_evq_push(q, &ev, body);
}

/* What the consumer saw. In strict mode sequence numbers must follow on; else they only rise. */
struct sink {
	uint64_t next;
	uint64_t received;
	uint64_t gaps; /* events skipped (lost) */
	uint64_t sum;  /* a checksum of the bodies received */
	uint64_t bad;
	bool strict;
	uint16_t last_len;
};

static void sink_cb(const struct sync_ev *ev, void *data)
{
	struct sink *s = data;
	uint64_t seq = ev->counters[0].packets;
	uint16_t i;

	if (ev->type == SYNC_EV_PAD || seq < s->next || (s->strict && seq != s->next) ||
	    !ev_ok(ev, seq)) {
		s->bad++;
		return;
	}
	s->gaps += seq - s->next;
	s->next = seq + 1;
	s->received++;
	s->last_len = ev->body_len;
	for (i = 0; i < ev->body_len; i++)
		s->sum = s->sum * 131 + ev->body[i];
}

static void body_sum(uint64_t *sum, uint64_t seq, uint16_t len)
{
	uint16_t i;

	for (i = 0; i < len; i++)
		*sum = *sum * 131 + (uint8_t)(seq * 31 + i);
}

static size_t evq_tail(struct sync_evq *q)
{
	return atomic_load(&q->tail);
}

/* The size rounds up to a power of two, at least a page. */
static void test_sync_evq_init_rounds(void **state)
{
	static const struct {
		size_t asked, size;
	} cases[] = {
		{ 0, 4096 }, { 1, 4096 }, { 4096, 4096 }, { 4097, 8192 }, { 100000, 131072 }
	};
	struct sync_evq q;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sync_evq_init(&q, cases[i].asked), 0);
		assert_int_equal(q.size, cases[i].size);
		assert_int_equal((uintptr_t)q.buf % 64, 0);
		assert_int_equal(atomic_load(&q.dropped), 0);
		sync_evq_done(&q);
		assert_null(q.buf);
	}
}

/* Events come out in order, each intact, whatever its body size. */
static void test_sync_evq_order_and_sizes(void **state)
{
	struct sink s = { .strict = true };
	struct sync_evq q;
	uint64_t seq;

	assert_int_equal(sync_evq_init(&q, 1 << 16), 0);
	for (seq = 0; seq < 200; seq++)
		assert_true(push_seq(&q, seq, len_of(seq)));
	assert_int_equal(sync_evq_drain(&q, DRAIN_ALL, sink_cb, &s), 200);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.received, 200);
	assert_int_equal(sync_evq_drain(&q, DRAIN_ALL, sink_cb, &s), 0);
	assert_int_equal(atomic_load(&q.head), evq_tail(&q));
	sync_evq_done(&q);
}

/* An event with no body; a NULL body pointer is fine when there are no bytes to copy. */
static void test_sync_evq_empty_body(void **state)
{
	struct sink s = { .strict = true };
	uint8_t unused[1];
	struct sync_evq q;
	struct sync_ev ev;

	assert_int_equal(sync_evq_init(&q, 0), 0);
	ev_make(&ev, unused, 0, 0);
	assert_true(sync_evq_push(&q, &ev, unused));
	ev_make(&ev, unused, 1, 0);
	assert_true(sync_evq_push(&q, &ev, NULL));
	assert_int_equal(evq_tail(&q), 2 * rec_size(0));
	assert_int_equal(sync_evq_drain(&q, 10, sink_cb, &s), 2);
	assert_int_equal(s.bad, 0);
	sync_evq_done(&q);
}

/* A fresh ring takes exactly size / record events; the next is refused and counted, each time. */
static void test_sync_evq_full_refused(void **state)
{
	static const uint16_t lens[] = { 0, 40, 120, 1000 };
	struct sync_evq q;
	struct sink s;
	uint64_t seq, fits;
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		assert_int_equal(sync_evq_init(&q, 4096), 0);
		fits = 4096 / rec_size(lens[i]);
		for (seq = 0; seq < fits; seq++)
			assert_true(push_seq(&q, seq, lens[i]));
		assert_false(push_seq(&q, 1000, lens[i]));
		assert_false(push_seq(&q, 1001, lens[i]));
		assert_int_equal(atomic_load(&q.dropped), 2);
		assert_int_equal(evq_tail(&q), fits * rec_size(lens[i]));

		memset(&s, 0, sizeof(s));
		s.strict = true;
		assert_int_equal(sync_evq_drain(&q, 1, sink_cb, &s), 1);
		assert_true(push_seq(&q, fits, lens[i])); /* one out, one in */
		assert_int_equal(sync_evq_drain(&q, DRAIN_ALL, sink_cb, &s), fits);
		assert_int_equal(s.bad, 0);
		assert_int_equal(s.next, fits + 1);
		assert_int_equal(atomic_load(&q.dropped), 2);
		sync_evq_done(&q);
	}
}

/* More than the ring holds can never go in; it is counted and the ring carries on. */
static void test_sync_evq_oversize(void **state)
{
	struct sink s = { .strict = true };
	struct sync_evq q;
	uint16_t whole = (uint16_t)(4096 - sizeof(struct sync_ev));

	assert_int_equal(sync_evq_init(&q, 4096), 0);
	assert_false(push_seq(&q, 0, BODY_MAX));
	assert_int_equal(atomic_load(&q.dropped), 1);
	assert_int_equal(evq_tail(&q), 0);
	/* exactly the ring: fits when it is empty, twice in a row */
	assert_true(push_seq(&q, 0, whole));
	assert_false(push_seq(&q, 1, 0));
	assert_int_equal(sync_evq_drain(&q, 5, sink_cb, &s), 1);
	assert_true(push_seq(&q, 1, whole));
	assert_int_equal(sync_evq_drain(&q, 5, sink_cb, &s), 1);
	assert_true(push_seq(&q, 2, 8));
	assert_int_equal(sync_evq_drain(&q, 5, sink_cb, &s), 1);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.received, 3);
	assert_int_equal(atomic_load(&q.dropped), 2);
	sync_evq_done(&q);
}

/*
 * The end of the buffer: a record that does not fit before it goes to the
 * start behind a padding record, which needs room of its own and is never
 * delivered; a record that fits exactly needs no padding.
 */
static void test_sync_evq_wrap_padding(void **state)
{
	struct sink s = { .strict = true };
	const size_t r0 = rec_size(0);
	const size_t n0 = 4096 / r0; /* records before the end: the rest is too short */
	const size_t pad = 4096 - n0 * r0;
	struct sync_evq q;
	uint64_t seq;

	assert_true(pad > 0 && pad < r0);
	assert_int_equal(sync_evq_init(&q, 4096), 0);
	for (seq = 0; seq < n0; seq++)
		assert_true(push_seq(&q, seq, 0));
	assert_int_equal(sync_evq_drain(&q, 1, sink_cb, &s), 1);
	/* free: r0 + pad, in two pieces; a record of r0 + 8 does not fit, and costs nothing */
	assert_false(push_seq(&q, n0, 8));
	assert_int_equal(evq_tail(&q), n0 * r0);
	assert_int_equal(atomic_load(&q.dropped), 1);
	/* a record of r0 just does: the ring is then exactly full */
	assert_true(push_seq(&q, n0, 0));
	assert_int_equal(evq_tail(&q), (n0 + 1) * r0 + pad);
	assert_int_equal(evq_tail(&q) - atomic_load(&q.head), 4096);
	assert_false(push_seq(&q, n0 + 1, 0));
	assert_int_equal(sync_evq_drain(&q, DRAIN_ALL, sink_cb, &s), n0);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.next, n0 + 1);
	sync_evq_done(&q);

	/* 256-byte records fill the ring exactly: no padding, turn after turn */
	memset(&s, 0, sizeof(s));
	s.strict = true;
	assert_int_equal(sync_evq_init(&q, 4096), 0);
	for (seq = 0; seq < 64; seq++) {
		assert_true(push_seq(&q, seq, (uint16_t)(256 - sizeof(struct sync_ev))));
		if (seq % 16 == 15)
			assert_int_equal(sync_evq_drain(&q, DRAIN_ALL, sink_cb, &s), 16);
	}
	assert_int_equal(evq_tail(&q), 64 * 256);
	assert_int_equal(s.received, 64);
	assert_int_equal(s.bad, 0);
	sync_evq_done(&q);
}

/* Many turns of a small ring with mixed sizes and partial drains: nothing lost, reordered or torn. */
static void test_sync_evq_wrap_many_turns(void **state)
{
	struct sink s = { .strict = true };
	uint64_t seq = 0, refused = 0, bytes = 0, sum = 0;
	struct sync_evq q;
	unsigned int round, k;

	assert_int_equal(sync_evq_init(&q, 4096), 0);
	for (round = 0; round < 5000; round++) {
		for (k = 0; k < 1 + round % 7; k++) {
			if (!push_seq(&q, seq, len_of(seq))) {
				refused++; /* tried again next round, so the sequence has no hole */
				break;
			}
			bytes += rec_size(len_of(seq));
			body_sum(&sum, seq, len_of(seq));
			seq++;
		}
		(void)sync_evq_drain(&q, 1 + round % 4, sink_cb, &s);
	}
	(void)sync_evq_drain(&q, DRAIN_ALL, sink_cb, &s);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.received, seq);
	assert_int_equal(s.sum, sum);
	assert_int_equal(atomic_load(&q.dropped), refused);
	assert_true(refused > 0);
	/* the ring turned many times, and what it spent beyond the records was padding */
	assert_true(evq_tail(&q) > 100 * 4096);
	assert_true(evq_tail(&q) > bytes);
	assert_int_equal(atomic_load(&q.head), evq_tail(&q));
	sync_evq_done(&q);
}

/* drain stops at max and leaves the rest, in order, for the next call; max 0 takes nothing. */
static void test_sync_evq_drain_max(void **state)
{
	static const struct {
		size_t max, got;
	} steps[] = { { 3, 3 }, { 0, 0 }, { 3, 3 }, { 1, 1 }, { 5, 3 }, { 5, 0 } };
	struct sink s = { .strict = true };
	struct sync_evq q;
	uint64_t seq;
	size_t i;

	assert_int_equal(sync_evq_init(&q, 4096), 0);
	for (seq = 0; seq < 10; seq++)
		assert_true(push_seq(&q, seq, (uint16_t)seq));
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		assert_int_equal(sync_evq_drain(&q, steps[i].max, sink_cb, &s), steps[i].got);
	assert_int_equal(s.received, 10);
	assert_int_equal(s.bad, 0);
	sync_evq_done(&q);
}

#define THREAD_EVENTS 2000000u
#define LOSSY_EVENTS  1000000u

struct producer {
	struct sync_evq *q;
	uint64_t events;
	bool retry;	  /* retry a refused event until it goes in; else it is lost */
	uint64_t refused; /* pushes that failed */
	uint64_t sum;	  /* checksum of the bodies that went in */
	atomic_bool done; /* all pushed: release, so the consumer sees them all */
	atomic_bool stop; /* the consumer gave up */
};

/* Push event @seq; with retry, until it goes in or the consumer stops. Whether it went in. */
static bool produce(struct producer *p, uint64_t seq, uint8_t *body)
{
	uint16_t len = (uint16_t)(seq * 7 % 97);
	struct sync_ev ev;

	ev_make(&ev, body, seq, len);
	while (!sync_evq_push(p->q, &ev, body)) {
		p->refused++;
		if (!p->retry || atomic_load_explicit(&p->stop, memory_order_relaxed))
			return false;
		sched_yield();
	}
	body_sum(&p->sum, seq, len);
	return true;
}

static void *producer_main(void *arg)
{
	struct producer *p = arg;
	uint8_t body[BODY_MAX];
	uint64_t seq;

	for (seq = 0; seq < p->events; seq++)
		(void)produce(p, seq, body);
	atomic_store_explicit(&p->done, true, memory_order_release);
	return NULL;
}

/*
 * One producer and one consumer thread: every event arrives once, in order
 * and intact (strict), or, when the producer does not retry, in rising order
 * with exactly the refused ones missing. Ends on counts, not on time.
 */
static void run_threads(uint64_t events, bool retry, size_t ring)
{
	struct producer p = { .events = events, .retry = retry };
	struct sink s = { .strict = retry };
	struct sync_evq q;
	pthread_t t;
	size_t n;
	bool fin;

	assert_int_equal(sync_evq_init(&q, ring), 0);
	p.q = &q;
	assert_int_equal(pthread_create(&t, NULL, producer_main, &p), 0);
	for (;;) {
		fin = atomic_load_explicit(&p.done, memory_order_acquire);
		n = sync_evq_drain(&q, 256, sink_cb, &s);
		if (s.bad || (n == 0 && fin))
			break;
		if (n == 0)
			sched_yield();
	}
	atomic_store(&p.stop, true);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.sum, p.sum);
	assert_int_equal(atomic_load(&q.dropped), p.refused);
	if (retry) {
		assert_int_equal(s.received, events);
	} else {
		assert_int_equal(s.received + s.gaps + (events - s.next), events);
		assert_int_equal(s.gaps + (events - s.next), p.refused);
	}
	assert_int_equal(sync_evq_drain(&q, 256, sink_cb, &s), 0);
	sync_evq_done(&q);
}

static void test_sync_evq_threads_in_order(void **state)
{
	run_threads(THREAD_EVENTS, true, 1 << 16);
}

static void test_sync_evq_threads_lossy(void **state)
{
	run_threads(LOSSY_EVENTS, false, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_evq_init_rounds),
		cmocka_unit_test(test_sync_evq_order_and_sizes),
		cmocka_unit_test(test_sync_evq_empty_body),
		cmocka_unit_test(test_sync_evq_full_refused),
		cmocka_unit_test(test_sync_evq_oversize),
		cmocka_unit_test(test_sync_evq_wrap_padding),
		cmocka_unit_test(test_sync_evq_wrap_many_turns),
		cmocka_unit_test(test_sync_evq_drain_max),
		cmocka_unit_test(test_sync_evq_threads_in_order),
		cmocka_unit_test(test_sync_evq_threads_lossy),
	};

	return cmocka_run_group_tests_name("sync_evq", tests, NULL, NULL);
}
