// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the sync engine's timer wheel (src/conntrackd/sync/wheel.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "wheel.h"

#define SLOT 100U	      /* ms */
#define TURN (4096ULL * SLOT) /* 409.6 s */
#define NOBJ 5000

struct rec;
typedef void (*rec_hook)(struct rec *r, struct sync_obj *o);

/* What fired: per object, how often and at which run time. */
struct rec {
	struct sync_wheel *w;
	uint64_t now; /* the time the wheel is being run at */
	struct sync_obj *objs;
	unsigned int count[NOBJ];
	uint64_t when[NOBJ];
	unsigned int calls;
	rec_hook hook;
	struct sync_cache *cache;
};

static void rec_cb(struct sync_obj *o, void *data)
{
	struct rec *r = data;
	uintptr_t p = (uintptr_t)o, first = (uintptr_t)r->objs;
	size_t i = (p - first) / sizeof(*o);

	r->calls++;
	if (p >= first && i < NOBJ) { /* not a cache object or a stray */
		r->count[i]++;
		r->when[i] = r->now;
	}
	if (r->hook)
		r->hook(r, o);
}

static struct rec *rec_new(uint64_t now)
{
	struct rec *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->objs = calloc(NOBJ, sizeof(*r->objs));
	assert_non_null(r->objs);
	r->now = now;
	assert_int_equal(sync_wheel_new(&r->w, now, rec_cb, r), 0);
	return r;
}

static void rec_free(struct rec *r)
{
	sync_wheel_free(r->w);
	free(r->objs);
	free(r);
}

static void run_at(struct rec *r, uint64_t now)
{
	r->now = now;
	sync_wheel_run(r->w, now);
}

static bool armed(const struct sync_obj *o)
{
	return o->timer.next && o->timer.next != &o->timer;
}

/*
 * Run from @from to @to in @step ms steps: each timer fires once, never
 * before its time, and at the latest in the first run of the slot after;
 * or, if it was due by then, in the run at @stalled (0: none).
 */
static void step_and_check_stalled(struct rec *r, const uint64_t *at, size_t n, uint64_t from,
				   uint64_t to, uint64_t step, uint64_t stalled)
{
	uint64_t now;
	bool late;
	size_t i;

	for (now = from; now <= to; now += step)
		run_at(r, now);
	for (i = 0; i < n; i++) {
		late = r->when[i] >= at[i] + SLOT + step;
		if (stalled && r->when[i] == stalled && at[i] <= stalled)
			late = false;
		if (r->count[i] != 1 || r->when[i] < at[i] || late)
			print_error("timer %zu at %llu: fired %u times, last at %llu\n", i,
				    (unsigned long long)at[i], r->count[i],
				    (unsigned long long)r->when[i]);
		assert_int_equal(r->count[i], 1);
		assert_true(r->when[i] >= at[i]);
		assert_false(late);
		assert_false(armed(&r->objs[i]));
	}
}

static void step_and_check(struct rec *r, const uint64_t *at, size_t n, uint64_t from, uint64_t to,
			   uint64_t step)
{
	step_and_check_stalled(r, at, n, from, to, step, 0);
}

/* At or after the time, within a slot; also a turn and more ahead, from any phase of a slot. */
static void test_sync_wheel_fires_never_early(void **state)
{
	static const uint64_t offs[] = {
		0,	   1,	       50,	 99,	       100,
		101,	   150,	       199,	 999,	       1000,
		12345,	   TURN - 100, TURN - 1, TURN,	       TURN + 1,
		TURN + 50, TURN + 150, 500000,	 2 * TURN + 7, 3 * TURN + 301,
	};
	static const uint64_t bases[] = { 1000000, 1000037, 1000099, 99, 0 };
	uint64_t at[sizeof(offs) / sizeof(offs[0])];
	size_t b, i, n = sizeof(offs) / sizeof(offs[0]);
	struct rec *r;

	for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		r = rec_new(bases[b]);
		for (i = 0; i < n; i++) {
			at[i] = bases[b] + offs[i];
			sync_wheel_add(r->w, &r->objs[i], at[i]);
			assert_int_equal(r->objs[i].timer_at, at[i]);
		}
		step_and_check(r, at, n, bases[b], bases[b] + 3 * TURN + 600, 7);
		rec_free(r);
	}
}

/* The engine's own rhythm: the loop wakes about once a second. */
static void test_sync_wheel_coarse_runs(void **state)
{
	uint64_t at[64], t0 = 5000000;
	struct rec *r = rec_new(t0);
	size_t i;

	for (i = 0; i < 64; i++) {
		at[i] = t0 + 1 + i * 12347; /* up to ~778 s: almost two turns */
		sync_wheel_add(r->w, &r->objs[i], at[i]);
	}
	step_and_check(r, at, 64, t0, t0 + 2 * TURN, 1000);
	rec_free(r);
}

/* A time already past fires at the next slot, never in the run that armed it. */
static void test_sync_wheel_past_fires_next_slot(void **state)
{
	struct rec *r = rec_new(10000);

	run_at(r, 10050);
	sync_wheel_add(r->w, &r->objs[0], 5000);
	sync_wheel_add(r->w, &r->objs[1], 10050);
	run_at(r, 10099);
	assert_int_equal(r->calls, 0);
	run_at(r, 10100);
	assert_int_equal(r->count[0], 1);
	assert_int_equal(r->count[1], 1);
	rec_free(r);
}

/* Re-arming moves the timer, later or earlier; it fires once, at the new time. */
static void test_sync_wheel_rearm_moves(void **state)
{
	uint64_t t0 = 200000, at[3];
	struct rec *r = rec_new(t0);

	sync_wheel_add(r->w, &r->objs[0], t0 + 1000);
	sync_wheel_add(r->w, &r->objs[1], t0 + 5000);
	sync_wheel_add(r->w, &r->objs[2], t0 + 3000);
	at[0] = t0 + 5000;	  /* later */
	at[1] = t0 + 300;	  /* earlier */
	at[2] = t0 + 3000 + TURN; /* same slot, next turn */
	sync_wheel_add(r->w, &r->objs[0], at[0]);
	sync_wheel_add(r->w, &r->objs[1], at[1]);
	sync_wheel_add(r->w, &r->objs[2], at[2]);
	step_and_check(r, at, 3, t0, t0 + TURN + 4000, 10);
	rec_free(r);
}

/* A cancelled timer never fires; cancelling twice, unarmed or fired timers is harmless. */
static void test_sync_wheel_del_cancels(void **state)
{
	uint64_t t0 = 777777;
	struct rec *r = rec_new(t0);
	struct sync_obj never = { 0 };
	unsigned int i;

	sync_wheel_del(&never); /* zeroed: not armed */
	for (i = 0; i < 10; i++)
		sync_wheel_add(r->w, &r->objs[i], t0 + 100 * i + (i % 2 ? TURN : 0));
	for (i = 0; i < 10; i += 2) {
		sync_wheel_del(&r->objs[i]);
		sync_wheel_del(&r->objs[i]);
		assert_false(armed(&r->objs[i]));
	}
	for (i = 0; i < 10; i++)
		run_at(r, t0 + 100 * i + TURN + 100);
	for (i = 0; i < 10; i++)
		assert_int_equal(r->count[i], i % 2);
	sync_wheel_del(&r->objs[1]); /* fired already */
	run_at(r, t0 + 3 * TURN);
	assert_int_equal(r->calls, 5);
	rec_free(r);
}

/* obj 0 re-arms itself into the slot being run and at the same slot a turn on; it cancels 2, moves 3. */
static void hook_same_slot(struct rec *r, struct sync_obj *o)
{
	if (o == &r->objs[0] && r->count[0] == 1) {
		sync_wheel_add(r->w, o, r->now);
		sync_wheel_del(&r->objs[2]);
		sync_wheel_add(r->w, &r->objs[3], r->now + 1000);
	}
	if (o == &r->objs[1] && r->count[1] == 1)
		sync_wheel_add(r->w, o, o->timer_at + TURN);
}

static void test_sync_wheel_callback_rearms_same_slot(void **state)
{
	uint64_t t0 = 3000000, t = t0 + 500;
	struct rec *r = rec_new(t0);
	unsigned int i;

	r->hook = hook_same_slot;
	for (i = 0; i < 4; i++)
		sync_wheel_add(r->w, &r->objs[i], t); /* one slot; 0 fires first */
	run_at(r, t);
	assert_int_equal(r->count[0], 1);
	assert_int_equal(r->count[1], 1);
	assert_int_equal(r->count[2], 0); /* cancelled by 0 before its turn */
	assert_int_equal(r->count[3], 0); /* moved by 0 before its turn */
	assert_true(armed(&r->objs[0]));
	assert_true(armed(&r->objs[1]));
	assert_false(armed(&r->objs[2]));
	run_at(r, t + 99);
	assert_int_equal(r->calls, 2);
	run_at(r, t + 100); /* "now" was due: the next slot */
	assert_int_equal(r->count[0], 2);
	run_at(r, t + 999);
	assert_int_equal(r->count[3], 0);
	run_at(r, t + 1000);
	assert_int_equal(r->count[3], 1);
	run_at(r, t + TURN - 1);
	assert_int_equal(r->count[1], 1);
	run_at(r, t + TURN);
	assert_int_equal(r->count[1], 2);
	assert_int_equal(r->count[2], 0);
	assert_int_equal(r->calls, 5);
	rec_free(r);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* After a stall (the loop blocked, the host slept) everything due fires once, nothing early. */
static void test_sync_wheel_long_stall(void **state)
{
	static const uint64_t jumps[] = { 4096 * SLOT, 4097 * SLOT, 2 * TURN + 12300, 10 * TURN };
	uint64_t t0 = 123456789, seed = 42, at[NOBJ], now;
	struct rec *r;
	size_t j, i;

	for (j = 0; j < sizeof(jumps) / sizeof(jumps[0]); j++) {
		r = rec_new(t0);
		for (i = 0; i < NOBJ; i++) {
			at[i] = t0 + 1 + lcg(&seed) % (3 * TURN);
			sync_wheel_add(r->w, &r->objs[i], at[i]);
		}
		run_at(r, t0 + 1);
		now = t0 + jumps[j];
		run_at(r, now);
		for (i = 0; i < NOBJ; i++) {
			if (at[i] <= now - now % SLOT)
				assert_int_equal(r->count[i], 1);
			else if (at[i] > now)
				assert_int_equal(r->count[i], 0);
		}
		/* then on as usual: the rest fire at their time */
		step_and_check_stalled(r, at, NOBJ, now, t0 + 3 * TURN + 200, 50, now);
		rec_free(r);
	}
}

static void hook_rearm_now(struct rec *r, struct sync_obj *o)
{
	sync_wheel_add(r->w, o, r->now);
}

/* A callback that keeps re-arming at the run's own time cannot keep a stalled run going. */
static void test_sync_wheel_stall_rearm_bounded(void **state)
{
	uint64_t t0 = 50000000;
	struct rec *r = rec_new(t0);

	r->hook = hook_rearm_now;
	sync_wheel_add(r->w, &r->objs[0], t0 + 1000);
	run_at(r, t0 + 5 * TURN);
	assert_true(r->count[0] >= 1 && r->count[0] <= 2);
	r->count[0] = 0;
	run_at(r, t0 + 5 * TURN + 100);
	assert_int_equal(r->count[0], 1);
	rec_free(r);
}

/* A time before the last run is ignored: nothing fires, and the wheel keeps its place. */
static void test_sync_wheel_time_backwards(void **state)
{
	static const uint64_t t0s[] = { 1000, 2000000000 };
	uint64_t t0;
	struct rec *r;
	size_t i;

	for (i = 0; i < sizeof(t0s) / sizeof(t0s[0]); i++) {
		t0 = t0s[i];
		r = rec_new(t0);
		sync_wheel_add(r->w, &r->objs[0], t0 + 50);
		run_at(r, t0 - 500);
		assert_int_equal(r->calls, 0);
		sync_wheel_add(r->w, &r->objs[1], t0 + 1000);
		run_at(r, t0 + 99);
		assert_int_equal(r->count[0], 0);
		run_at(r, t0 + 100);
		assert_int_equal(r->count[0], 1);
		run_at(r, t0 + 999);
		assert_int_equal(r->count[1], 0);
		run_at(r, t0 + 1000);
		assert_int_equal(r->count[1], 1);
		rec_free(r);
	}
}

/* Freeing the wheel disarms what is left; the objects can be re-armed on another wheel. */
static void test_sync_wheel_free_disarms(void **state)
{
	struct sync_wheel *w;
	struct rec *r = rec_new(1000);
	struct sync_obj o = { 0 };

	assert_int_equal(sync_wheel_new(&w, 1000, rec_cb, r), 0);
	sync_wheel_add(w, &o, 5000);
	sync_wheel_add(w, &r->objs[0], 5000 + TURN * 2);
	sync_wheel_free(w);
	sync_wheel_free(NULL);
	assert_false(armed(&o));
	assert_false(armed(&r->objs[0]));
	sync_wheel_del(&o);
	sync_wheel_add(r->w, &r->objs[0], 2000);
	run_at(r, 10000);
	assert_int_equal(r->calls, 1);
	rec_free(r);
}

static void hook_unlink(struct rec *r, struct sync_obj *o)
{
	sync_cache_unlink(r->cache, o); /* frees it: the wheel must not touch it again */
}

/* Cache objects: a callback may free its object, and unlinking an armed object disarms it. */
static void test_sync_wheel_with_cache(void **state)
{
	struct sync_obj *o[100];
	struct sync_cache c;
	struct sync_key k;
	struct rec *r = rec_new(0);
	uint8_t body[4] = { 1, 2, 3, 4 };
	unsigned int i;

	assert_int_equal(sync_cache_init(&c, "test", 64, 0), 0);
	r->cache = &c;
	r->hook = hook_unlink;
	for (i = 0; i < 100; i++) {
		memset(&k, 0, sizeof(k));
		k.family = AF_INET;
		k.src.ip = i;
		o[i] = sync_cache_add(&c, &k, sync_cache_hash(&c, &k), body, sizeof(body));
		assert_non_null(o[i]);
		sync_wheel_add(r->w, o[i], 1001 + (i % 3) * 10); /* all in one slot */
	}
	for (i = 0; i < 100; i += 2)
		sync_cache_unlink(&c, o[i]);
	assert_int_equal(c.count, 50);
	run_at(r, 1100);
	assert_int_equal(r->calls, 50);
	assert_int_equal(c.count, 0);
	run_at(r, 1000 + 3 * TURN);
	assert_int_equal(r->calls, 50);
	sync_cache_done(&c);
	rec_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_wheel_fires_never_early),
		cmocka_unit_test(test_sync_wheel_coarse_runs),
		cmocka_unit_test(test_sync_wheel_past_fires_next_slot),
		cmocka_unit_test(test_sync_wheel_rearm_moves),
		cmocka_unit_test(test_sync_wheel_del_cancels),
		cmocka_unit_test(test_sync_wheel_callback_rearms_same_slot),
		cmocka_unit_test(test_sync_wheel_long_stall),
		cmocka_unit_test(test_sync_wheel_stall_rearm_bounded),
		cmocka_unit_test(test_sync_wheel_time_backwards),
		cmocka_unit_test(test_sync_wheel_free_disarms),
		cmocka_unit_test(test_sync_wheel_with_cache),
	};

	return cmocka_run_group_tests_name("sync_wheel", tests, NULL, NULL);
}
