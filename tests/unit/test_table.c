// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the collector's flow table: keys, the entry life cycle
 * (live, tombstone, expiry), capacity and refusals, memory per flow, and
 * several threads inserting, updating, killing and walking the same keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <ctflow/table.h>

static struct ctf_table_key key_n(uint32_t n)
{
	struct ctf_table_key k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.l4proto = IPPROTO_UDP;
	k.src.ip = htonl(0x0a000000 | (n & 0xffffff));
	k.dst.ip = htonl(0x0a010001);
	k.sport = (uint16_t)(1024 + (n >> 24));
	k.dport = 53;
	k.netns = 4026531840u;
	k.id = n * 2654435761u;
	return k;
}

/* Callbacks driven by a small script: what to do and what was seen. */
struct probe {
	enum ctf_table_verdict verdict;
	int seen; /* -1: callback not run */
	uint8_t state;
	uint64_t packets;
	uint32_t expire; /* set on the value when not 0 */
};

static enum ctf_table_verdict probe_cb(const struct ctf_table_key *key, struct ctf_table_val *val,
				       enum ctf_table_found found, void *data)
{
	struct probe *p = data;

	p->seen = (int)found;
	p->packets = val->reported[0].packets;
	if (found == CTF_TABLE_NEW)
		val->state = p->state;
	val->reported[0].packets++;
	if (p->expire)
		val->expire = p->expire;
	return p->verdict;
}

static int run(struct ctf_table *t, uint32_t n, bool create, uint32_t now,
	       enum ctf_table_verdict v, struct probe *p)
{
	struct ctf_table_key k = key_n(n);

	p->verdict = v;
	p->seen = -1;
	return ctf_table_update(t, &k, create, now, probe_cb, p);
}

static void test_table_key_from_flow(void **state)
{
	struct ctf_table_key k, k2;
	struct ctf_tuple back;
	struct ctf_flow f;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET6;
	f.orig.l3num = AF_INET6;
	f.orig.l4proto = IPPROTO_ICMPV6;
	inet_pton(AF_INET6, "2001:db8::1", &f.orig.src);
	inet_pton(AF_INET6, "2001:db8::2", &f.orig.dst);
	f.orig.l4.icmp.type = 128;
	f.orig.l4.icmp.code = 0;
	f.orig.l4.icmp.id = 4242;
	f.id = 77;
	f.zone = 9;
	ctf_flow_set(&f, CTF_FLOW_A_ZONE);
	ctf_table_key_from_flow(&k, &f, 1234);
	assert_int_equal(k.family, AF_INET6);
	assert_int_equal(k.zone, 9);
	assert_int_equal(k.netns, 1234);
	assert_int_equal(k.id, 77);
	ctf_table_key_tuple(&k, &back);
	assert_memory_equal(&back.src, &f.orig.src, 16);
	assert_memory_equal(&back.dst, &f.orig.dst, 16);
	assert_int_equal(back.l4.icmp.type, 128);
	assert_int_equal(back.l4.icmp.id, 4242);

	/* Same tuple, another conntrack id: another key. */
	f.id = 78;
	ctf_table_key_from_flow(&k2, &f, 1234);
	assert_true(memcmp(&k, &k2, sizeof(k)) != 0);

	/* IPv4: only the first address word is used, the rest stays zero. */
	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.orig.l3num = AF_INET;
	f.orig.l4proto = IPPROTO_TCP;
	f.orig.src.ip6[3] = 0xdeadbeef; /* garbage past the IPv4 word must not leak in */
	f.orig.src.ip = htonl(0x7f000001);
	f.orig.l4.port.sport = 5555;
	f.orig.l4.port.dport = 80;
	ctf_table_key_from_flow(&k, &f, 0);
	assert_int_equal(k.src.ip6[3], 0);
	assert_int_equal(k.sport, 5555);
	assert_int_equal(k.zone, 0);
}

/* New -> live -> tombstone -> expired, and update without create. */
static void test_table_life_cycle(void **state)
{
	struct ctf_table_stats st;
	struct ctf_table *t;
	struct probe p = { .state = 3 };

	assert_int_equal(ctf_table_new(&t, 100, 5), 0);
	assert_int_equal(run(t, 1, false, 10, CTF_TABLE_KEEP, &p), -ENOENT);
	assert_int_equal(p.seen, -1);
	assert_int_equal(run(t, 1, true, 10, CTF_TABLE_KEEP, &p), CTF_TABLE_NEW);
	assert_int_equal(run(t, 1, true, 10, CTF_TABLE_KEEP, &p), CTF_TABLE_LIVE);
	assert_int_equal(p.packets, 1); /* the value persisted */
	assert_int_equal(run(t, 2, false, 10, CTF_TABLE_KEEP, &p), -ENOENT);
	assert_int_equal(run(t, 1, false, 10, CTF_TABLE_KILL, &p), CTF_TABLE_LIVE);
	assert_int_equal(run(t, 1, true, 12, CTF_TABLE_KEEP, &p), CTF_TABLE_DEAD);
	ctf_table_get_stats(t, &st);
	assert_int_equal(st.live, 0);
	assert_int_equal(st.tombstones, 1);

	/* The walk keeps the tombstone until its time, then drops it silently. */
	p.seen = -1;
	assert_int_equal(ctf_table_walk(t, 14, probe_cb, &p), 1);
	assert_int_equal(p.seen, CTF_TABLE_DEAD);
	p.seen = -1;
	assert_int_equal(ctf_table_walk(t, 15, probe_cb, &p), 0);
	assert_int_equal(p.seen, -1);
	assert_int_equal(run(t, 1, false, 15, CTF_TABLE_KEEP, &p), -ENOENT);

	/* A NEW the callback drops is not inserted; DROP on a live entry removes it. */
	assert_int_equal(run(t, 3, true, 15, CTF_TABLE_DROP, &p), CTF_TABLE_NEW);
	assert_int_equal(run(t, 3, false, 15, CTF_TABLE_KEEP, &p), -ENOENT);
	assert_int_equal(run(t, 4, true, 15, CTF_TABLE_KEEP, &p), CTF_TABLE_NEW);
	assert_int_equal(run(t, 4, true, 15, CTF_TABLE_DROP, &p), CTF_TABLE_LIVE);
	assert_int_equal(run(t, 4, false, 15, CTF_TABLE_KEEP, &p), -ENOENT);
	ctf_table_get_stats(t, &st);
	assert_int_equal(st.live + st.tombstones, 0);
	assert_int_equal(st.inserts, 2);

	/* A kill may ask for a longer tombstone, never a shorter one. */
	p.expire = 40;
	assert_int_equal(run(t, 5, true, 20, CTF_TABLE_KILL, &p), CTF_TABLE_NEW);
	p.expire = 21;
	assert_int_equal(run(t, 6, true, 20, CTF_TABLE_KILL, &p), CTF_TABLE_NEW);
	p.expire = 0;
	assert_int_equal(run(t, 5, true, 39, CTF_TABLE_KEEP, &p), CTF_TABLE_DEAD);
	assert_int_equal(run(t, 6, true, 24, CTF_TABLE_KEEP, &p), CTF_TABLE_DEAD);
	assert_int_equal(ctf_table_walk(t, 25, NULL, NULL), 0);
	assert_int_equal(run(t, 6, false, 25, CTF_TABLE_KEEP, &p), -ENOENT);
	/* Killing a tombstone again gives it at least the table's time from now. */
	assert_int_equal(run(t, 5, false, 39, CTF_TABLE_KILL, &p), CTF_TABLE_DEAD);
	assert_int_equal(run(t, 5, false, 43, CTF_TABLE_KEEP, &p), CTF_TABLE_DEAD);
	assert_int_equal(ctf_table_walk(t, 44, NULL, NULL), 0);
	assert_int_equal(run(t, 5, false, 44, CTF_TABLE_KEEP, &p), -ENOENT);
	ctf_table_free(t);
	ctf_table_free(NULL);
}

/* Fill to capacity: every insert fits, the next is refused and counted. */
static void test_table_capacity(void **state)
{
	static const size_t caps[] = { 1, 7, 1000, 100000 };
	struct ctf_table_stats st;
	struct ctf_table *t;
	struct probe p = { 0 };
	size_t c;
	uint32_t i;

	assert_int_equal(ctf_table_new(&t, 0, 1), -EINVAL);
	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		assert_int_equal(ctf_table_new(&t, caps[c], 1), 0);
		for (i = 0; i < caps[c]; i++)
			assert_int_equal(run(t, i, true, 0, CTF_TABLE_KEEP, &p), CTF_TABLE_NEW);
		assert_int_equal(run(t, i, true, 0, CTF_TABLE_KEEP, &p), -ENOSPC);
		assert_int_equal(p.seen, -1);
		/* Existing flows are still found and updated when full. */
		assert_int_equal(run(t, 0, true, 0, CTF_TABLE_KEEP, &p), CTF_TABLE_LIVE);
		ctf_table_get_stats(t, &st);
		assert_int_equal(st.live, caps[c]);
		assert_int_equal(st.refused, 1);
		ctf_table_free(t);
	}
}

/* A table full of tombstones takes new flows once they expire. */
static void test_table_recycles_expired_tombstones(void **state)
{
	struct ctf_table *t;
	struct probe p = { 0 };
	uint32_t i;

	assert_int_equal(ctf_table_new(&t, 64, 2), 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(run(t, i, true, 100, CTF_TABLE_KILL, &p), CTF_TABLE_NEW);
	assert_int_equal(run(t, 1000, true, 101, CTF_TABLE_KEEP, &p), -ENOSPC);
	/* used counts tombstones, so make room by walking at expiry time */
	assert_int_equal(ctf_table_walk(t, 102, probe_cb, &p), 0);
	for (i = 1000; i < 1064; i++)
		assert_int_equal(run(t, i, true, 102, CTF_TABLE_KEEP, &p), CTF_TABLE_NEW);
	ctf_table_free(t);
}

/* Memory per flow for 1,000,000 flows, slack included, is far below 1 KiB. */
static void test_table_bytes_per_flow(void **state)
{
	struct ctf_table_stats st;
	struct ctf_table *t;

	assert_int_equal(ctf_table_new(&t, 1000000, 10), 0);
	ctf_table_get_stats(t, &st);
	printf("# table: %zu slots, %zu bytes for 1000000 flows = %.1f bytes/flow\n", st.slots,
	       st.bytes, (double)st.bytes / 1e6);
	assert_true(st.bytes / 1000000 < 256);
	ctf_table_free(t);
}

/*
 * Threads. Every operation adds 1 to the packet counter of the entry it ran
 * on while owning it; if ownership ever failed, increments would be lost and
 * the sums below would not match. Pairs of threads work on the same keys at
 * once, so inserts race (no key may appear twice), updates race, and kills
 * race with updates.
 */
#define NTHREADS 4
#define NKEYS	 20000
#define ROUNDS	 8

struct worker {
	struct ctf_table *t;
	unsigned int id;
	uint64_t ops;	/* callbacks run */
	uint64_t kills; /* entries this thread turned into tombstones */
};

static enum ctf_table_verdict count_cb(const struct ctf_table_key *key, struct ctf_table_val *val,
				       enum ctf_table_found found, void *data)
{
	enum ctf_table_verdict *v = data;

	val->reported[0].packets++;
	val->reported[1].bytes += key->id; /* the key we were given is the entry's */
	if (*v == CTF_TABLE_KILL && found == CTF_TABLE_DEAD)
		*v = CTF_TABLE_KEEP; /* already dead: not our kill */
	return *v;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int r;
	uint32_t i;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < NKEYS; i++) {
			/* Threads 0/1 go forwards, 2/3 backwards: they meet on every key. */
			uint32_t n = (w->id & 2) ? NKEYS - 1 - i : i;
			struct ctf_table_key k = key_n(n);
			enum ctf_table_verdict v = CTF_TABLE_KEEP;

			/* In the last round thread 1 and 3 kill every key. */
			if (r == ROUNDS - 1 && (w->id & 1))
				v = CTF_TABLE_KILL;
			assert_true(ctf_table_update(w->t, &k, true, 0, count_cb, &v) >= 0);
			w->ops++;
			if (v == CTF_TABLE_KILL)
				w->kills++;
		}
	}
	return NULL;
}

struct sums {
	uint64_t packets;
	uint64_t entries;
	uint64_t dead;
	uint8_t *seen;
	bool bad_sum;
};

static enum ctf_table_verdict sum_cb(const struct ctf_table_key *key, struct ctf_table_val *val,
				     enum ctf_table_found found, void *data)
{
	struct sums *s = data;
	uint32_t n = ntohl(key->src.ip) & 0xffffff;

	s->packets += val->reported[0].packets;
	s->entries++;
	s->dead += found == CTF_TABLE_DEAD;
	if (n < NKEYS)
		s->seen[n]++;
	if (val->reported[1].bytes != val->reported[0].packets * key->id)
		s->bad_sum = true;
	return CTF_TABLE_KEEP;
}

static void test_table_threads(void **state)
{
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	struct sums s = { 0 };
	struct ctf_table *t;
	uint64_t ops = 0, kills = 0;
	unsigned int i;

	assert_int_equal(ctf_table_new(&t, NKEYS * 2, 1000), 0);
	for (i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .t = t, .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		ops += w[i].ops;
		kills += w[i].kills;
	}
	s.seen = calloc(NKEYS, 1);
	assert_non_null(s.seen);
	assert_int_equal(ctf_table_walk(t, 0, sum_cb, &s), NKEYS);
	assert_int_equal(s.entries, NKEYS);
	for (i = 0; i < NKEYS; i++)
		assert_int_equal(s.seen[i], 1); /* never inserted twice */
	assert_int_equal(s.packets, ops);	/* no update lost */
	assert_false(s.bad_sum);
	assert_int_equal(s.dead, NKEYS);
	assert_int_equal(kills, NKEYS); /* each key killed exactly once */
	free(s.seen);
	ctf_table_free(t);
}

/*
 * Churn with walks: two threads insert and drop short-lived flows while a
 * third walks the table and a fourth looks flows up; every insert is matched
 * by exactly one drop, so the table ends empty.
 */
struct churn {
	struct ctf_table *t;
	unsigned int id;
	atomic_bool *stop;
	uint64_t n;
};

static enum ctf_table_verdict verdict_cb(const struct ctf_table_key *key,
					 struct ctf_table_val *val, enum ctf_table_found found,
					 void *data)
{
	return *(enum ctf_table_verdict *)data;
}

static void *churn_main(void *arg)
{
	struct churn *c = arg;
	uint32_t i, base = c->id << 20;

	for (i = 0; i < 200000; i++) {
		struct ctf_table_key k = key_n(base + (i % 5000));
		enum ctf_table_verdict v = CTF_TABLE_KEEP;
		enum ctf_table_verdict d = CTF_TABLE_DROP;

		assert_int_equal(ctf_table_update(c->t, &k, true, 0, verdict_cb, &v),
				 CTF_TABLE_NEW);
		assert_int_equal(ctf_table_update(c->t, &k, false, 0, verdict_cb, &d),
				 CTF_TABLE_LIVE);
		c->n++;
	}
	return NULL;
}

static void *walker_main(void *arg)
{
	struct churn *c = arg;
	enum ctf_table_verdict v = CTF_TABLE_KEEP;

	while (!atomic_load(c->stop)) {
		if (c->id == 0) {
			(void)ctf_table_walk(c->t, 0, verdict_cb, &v);
		} else {
			struct ctf_table_key k = key_n((uint32_t)(c->n++ % 5000));

			(void)ctf_table_update(c->t, &k, false, 0, verdict_cb, &v);
		}
	}
	return NULL;
}

static void test_table_churn_with_walks(void **state)
{
	atomic_bool stop = false;
	struct churn c[4];
	struct ctf_table_stats st;
	pthread_t th[4];
	unsigned int i;

	assert_int_equal(ctf_table_new(&c[0].t, 4096, 1), 0);
	for (i = 0; i < 4; i++) {
		c[i] = (struct churn){ .t = c[0].t, .id = i % 2 + 1, .stop = &stop };
		if (i >= 2)
			c[i].id = i - 2;
		assert_int_equal(pthread_create(&th[i], NULL, i < 2 ? churn_main : walker_main,
						&c[i]),
				 0);
	}
	assert_int_equal(pthread_join(th[0], NULL), 0);
	assert_int_equal(pthread_join(th[1], NULL), 0);
	atomic_store(&stop, true);
	assert_int_equal(pthread_join(th[2], NULL), 0);
	assert_int_equal(pthread_join(th[3], NULL), 0);
	ctf_table_get_stats(c[0].t, &st);
	assert_int_equal(st.live, 0);
	assert_int_equal(st.tombstones, 0);
	assert_int_equal(st.inserts, 400000);
	assert_int_equal(st.refused, 0);
	ctf_table_free(c[0].t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_key_from_flow),
		cmocka_unit_test(test_table_life_cycle),
		cmocka_unit_test(test_table_capacity),
		cmocka_unit_test(test_table_recycles_expired_tombstones),
		cmocka_unit_test(test_table_bytes_per_flow),
		cmocka_unit_test(test_table_threads),
		cmocka_unit_test(test_table_churn_with_walks),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
