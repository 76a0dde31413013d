// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the SPSC record ring: capacity, full/empty, order, two threads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include <ctflow/ring.h>

static struct ctf_record rec_n(uint64_t n)
{
	struct ctf_record r;

	memset(&r, 0, sizeof(r));
	r.seq = n;
	r.ct_id = (uint32_t)(n * 2654435761u);
	r.total[0].bytes = n ^ 0x5555;
	return r;
}

static void test_ring_rejects_bad_capacity(void **state)
{
	struct ctf_ring *ring = NULL;

	assert_int_equal(ctf_ring_new(&ring, 0), -EINVAL);
	assert_int_equal(ctf_ring_new(&ring, SIZE_MAX), -EINVAL);
	assert_null(ring);
	ctf_ring_free(NULL);
}

/* Capacity rounds up to a power of two; exactly that many fit, the next is dropped. */
static void test_ring_capacity_and_full(void **state)
{
	static const struct {
		size_t asked;
		size_t fits;
	} cases[] = { { 1, 1 }, { 3, 4 }, { 4, 4 }, { 5, 8 }, { 1000, 1024 } };
	struct ctf_record r, out[2048];
	struct ctf_ring *ring;
	size_t c, i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		assert_int_equal(ctf_ring_new(&ring, cases[c].asked), 0);
		for (i = 0; i < cases[c].fits; i++) {
			r = rec_n(i);
			assert_true(ctf_ring_push(ring, &r));
		}
		assert_int_equal(ctf_ring_len(ring), cases[c].fits);
		r = rec_n(999999);
		assert_false(ctf_ring_push(ring, &r));
		assert_false(ctf_ring_push(ring, &r));
		assert_int_equal(ctf_ring_dropped(ring), 2);
		assert_int_equal(ctf_ring_pop(ring, out, 2048), cases[c].fits);
		for (i = 0; i < cases[c].fits; i++)
			assert_int_equal(out[i].seq, i);
		assert_int_equal(ctf_ring_len(ring), 0);
		assert_int_equal(ctf_ring_pop(ring, out, 2048), 0);
		ctf_ring_free(ring);
	}
}

/* Partial pops keep FIFO order across the wrap-around of the slot array. */
static void test_ring_wraps_in_order(void **state)
{
	struct ctf_record r, out[3];
	struct ctf_ring *ring;
	uint64_t next_in = 0, next_out = 0;
	size_t n, i;
	int round;

	assert_int_equal(ctf_ring_new(&ring, 8), 0);
	for (round = 0; round < 100; round++) {
		while (ctf_ring_len(ring) < 7) {
			r = rec_n(next_in++);
			assert_true(ctf_ring_push(ring, &r));
		}
		n = ctf_ring_pop(ring, out, 3);
		assert_int_equal(n, 3);
		for (i = 0; i < n; i++) {
			assert_int_equal(out[i].seq, next_out);
			assert_int_equal(out[i].total[0].bytes, next_out ^ 0x5555);
			next_out++;
		}
	}
	assert_int_equal(ctf_ring_dropped(ring), 0);
	ctf_ring_free(ring);
}

#define THREAD_RECORDS 2000000u

struct producer {
	struct ctf_ring *ring;
	uint64_t pushed;
	uint64_t refused;
};

static void *producer_main(void *arg)
{
	struct producer *p = arg;
	struct ctf_record r;
	uint64_t i;

	for (i = 0; i < THREAD_RECORDS;) {
		r = rec_n(i);
		if (ctf_ring_push(p->ring, &r)) {
			i++;
			p->pushed++;
		} else {
			p->refused++;
			sched_yield();
		}
	}
	return NULL;
}

/*
 * One producer, one consumer on two threads: every record arrives once, in
 * order, intact. Refused pushes are retried and each refusal is counted.
 */
static void test_ring_two_threads(void **state)
{
	struct producer p = { 0 };
	struct ctf_record out[64];
	uint64_t expect = 0;
	pthread_t t;
	size_t n, i;

	assert_int_equal(ctf_ring_new(&p.ring, 256), 0);
	assert_int_equal(pthread_create(&t, NULL, producer_main, &p), 0);
	while (expect < THREAD_RECORDS) {
		n = ctf_ring_pop(p.ring, out, 64);
		if (n == 0)
			sched_yield();
		for (i = 0; i < n; i++) {
			assert_int_equal(out[i].seq, expect);
			assert_int_equal(out[i].ct_id, (uint32_t)(expect * 2654435761u));
			expect++;
		}
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(p.pushed, THREAD_RECORDS);
	assert_int_equal(ctf_ring_dropped(p.ring), p.refused);
	assert_int_equal(ctf_ring_pop(p.ring, out, 64), 0);
	ctf_ring_free(p.ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_rejects_bad_capacity),
		cmocka_unit_test(test_ring_capacity_and_full),
		cmocka_unit_test(test_ring_wraps_in_order),
		cmocka_unit_test(test_ring_two_threads),
	};

	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
