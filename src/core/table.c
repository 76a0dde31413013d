// SPDX-License-Identifier: GPL-2.0-or-later
/* The collector's concurrent flow table: two-choice buckets, per-slot CAS ownership. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/table.h>

/*
 * Layout. Slots are grouped in buckets of 16; a key may live in one of two
 * buckets chosen by its hash ("two choices"), so a lookup reads at most two
 * buckets of control words (128 bytes each) and the key of each slot whose tag matches.
 * With a bounded candidate set there are no probe chains: a freed slot is
 * immediately reusable and deletions never leave tombstone chains behind
 * (the collector's own flow tombstones are live entries in state DEAD).
 *
 * Each slot has one 64-bit control word:
 *   bits 0-1  state: FREE, CLAIMED (being filled), LIVE, DEAD (tombstone)
 *   bit  2    BUSY: a thread owns the entry's value
 *   bits 8-31 generation, bumped whenever the slot gets a new key
 *   bits 32-63 tag: 32 bits of the key's hash
 *
 * Concurrency protocol:
 * - Lookups read keys without owning the slot, seqlock-style: load the
 *   control word (acquire), compare the key words (relaxed atomic loads),
 *   and re-check that the generation did not change. A key never changes
 *   while its slot is CLAIMED, LIVE or DEAD.
 * - To read or write a value a thread sets BUSY with a CAS (acquire) and
 *   clears it with a release store. Only one thread owns an entry at a time;
 *   the callback it runs is a few dozen instructions, so a second thread
 *   that wants the same flow spins briefly. Threads working on different
 *   flows never wait for each other.
 * - Inserts must not create the same key twice when two readers see the
 *   first events of one conntrack at once. An insert therefore holds one of
 *   4096 stripe flags chosen by the key's hash while it re-checks both
 *   buckets and claims a free slot (CAS FREE -> CLAIMED). Only inserts whose
 *   hashes share a stripe serialize, for the time of one two-bucket scan;
 *   lookups, updates and deletes never touch the stripes.
 */
#define BUCKET_SLOTS 16
#define NSTRIPES     4096
#define LOAD_PCT     75 /* slots = capacity / 75%: with 16-slot buckets no placement
			 * failure in 4M simulated inserts */

enum { S_FREE = 0, S_CLAIMED = 1, S_LIVE = 2, S_DEAD = 3 };
#define CTL_STATE   UINT64_C(0x3)
#define CTL_BUSY    UINT64_C(0x4)
#define CTL_GEN_ONE UINT64_C(0x100)
#define CTL_GEN	    UINT64_C(0xffffff00)
#define KEY_WORDS   (sizeof(struct ctf_table_key) / sizeof(uint64_t))

_Static_assert(sizeof(struct ctf_table_key) == 48, "table key must have no padding");

struct entry {
	_Atomic uint64_t key[KEY_WORDS];
	struct ctf_table_val val; /* owned by whoever holds BUSY (or CLAIMED) */
};

struct ctf_table {
	_Atomic uint64_t *ctl; /* nbuckets * BUCKET_SLOTS, cache-line aligned */
	struct entry *ent;
	size_t nbuckets;
	size_t capacity;
	uint32_t tomb_secs;
	_Atomic uint8_t stripe[NSTRIPES];
	alignas(64) _Atomic size_t used; /* live + dead entries */
	_Atomic size_t dead;
	_Atomic uint64_t inserts;
	_Atomic uint64_t refused;
};

/* Where a key may live. */
struct place {
	uint64_t w[KEY_WORDS];
	uint32_t tag;
	size_t bucket[2];
	unsigned int stripe;
};

static inline uint64_t ctl_state(uint64_t c)
{
	return c & CTL_STATE;
}

static inline uint32_t ctl_tag(uint64_t c)
{
	return (uint32_t)(c >> 32);
}

static inline uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

static void cpu_relax(unsigned int *spins)
{
	if (++*spins % 64 == 0) {
		(void)sched_yield(); /* the owner was preempted */
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void place_key(const struct ctf_table *t, const struct ctf_table_key *key,
		      struct place *p)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
	size_t i;

	memcpy(p->w, key, sizeof(p->w));
	for (i = 0; i < KEY_WORDS; i++) {
		h = (h ^ p->w[i]) * UINT64_C(0x9e3779b97f4a7c15);
		h ^= h >> 29;
	}
	h = fmix64(h);
	/* Lemire's multiply-shift maps 32 hash bits onto any bucket count. */
	p->bucket[0] = (size_t)(((h & 0xffffffffu) * (uint64_t)t->nbuckets) >> 32);
	p->bucket[1] = (size_t)(((h >> 32) * (uint64_t)t->nbuckets) >> 32);
	h = fmix64(h ^ UINT64_C(0x5bd1e9955bd1e995));
	p->tag = (uint32_t)h;
	p->stripe = (unsigned int)(h >> 52) % NSTRIPES;
}

/* Does slot @i (control word @c, just loaded) hold the key? Lock-free. */
static bool slot_has_key(struct ctf_table *t, size_t i, uint64_t c, const struct place *p)
{
	const struct entry *e = &t->ent[i];
	uint64_t c2;
	size_t k;

	if (ctl_state(c) < S_LIVE || ctl_tag(c) != p->tag)
		return false;
	/*
	 * Seqlock read side: acquire loads keep the re-check below after the key
	 * reads (a fence would do, but TSan does not model fences; on x86 both
	 * are plain loads).
	 */
	for (k = 0; k < KEY_WORDS; k++)
		if (atomic_load_explicit(&e->key[k], memory_order_acquire) != p->w[k])
			return false;
	c2 = atomic_load_explicit(&t->ctl[i], memory_order_relaxed);
	return (c2 & CTL_GEN) == (c & CTL_GEN) && ctl_state(c2) >= S_LIVE;
}

/* Find the slot of a key; writes its index and control word. */
static bool find(struct ctf_table *t, const struct place *p, size_t *ret_i, uint64_t *ret_c)
{
	unsigned int b, s;

	for (b = 0; b < 2; b++) {
		size_t base = p->bucket[b] * BUCKET_SLOTS;

		for (s = 0; s < BUCKET_SLOTS; s++) {
			uint64_t c = atomic_load_explicit(&t->ctl[base + s], memory_order_acquire);

			if (slot_has_key(t, base + s, c, p)) {
				*ret_i = base + s;
				*ret_c = c;
				return true;
			}
		}
		if (p->bucket[1] == p->bucket[0])
			break;
	}
	return false;
}

/*
 * Take ownership of slot @i if it still holds the occupant of generation
 * @seen. Returns the owned control word (BUSY set), or 0 when the occupant
 * is gone.
 */
static uint64_t own(struct ctf_table *t, size_t i, uint64_t seen)
{
	unsigned int spins = 0;
	uint64_t c = atomic_load_explicit(&t->ctl[i], memory_order_relaxed);

	for (;;) {
		if ((c & CTL_GEN) != (seen & CTL_GEN) || ctl_state(c) < S_LIVE)
			return 0;
		if (c & CTL_BUSY) {
			cpu_relax(&spins);
			c = atomic_load_explicit(&t->ctl[i], memory_order_relaxed);
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(&t->ctl[i], &c, c | CTL_BUSY,
							  memory_order_acquire,
							  memory_order_relaxed))
			return c | CTL_BUSY;
	}
}

/* Give an owned (or claimed) slot back in the state the verdict asks for. */
static void release(struct ctf_table *t, size_t i, uint64_t c, enum ctf_table_verdict v,
		    uint32_t now)
{
	uint64_t st = ctl_state(c), base = c & ~(CTL_STATE | CTL_BUSY);

	switch (v) {
	case CTF_TABLE_KEEP:
		if (st == S_CLAIMED)
			st = S_LIVE;
		break;
	case CTF_TABLE_KILL:
		/* Never shorter than the table's time; the callback may ask for longer. */
		if (!t->ent[i].val.expire ||
		    (int32_t)(t->ent[i].val.expire - (now + t->tomb_secs)) < 0)
			t->ent[i].val.expire = now + t->tomb_secs;
		if (st != S_DEAD)
			atomic_fetch_add_explicit(&t->dead, 1, memory_order_relaxed);
		st = S_DEAD;
		break;
	case CTF_TABLE_DROP:
		if (st == S_DEAD)
			atomic_fetch_sub_explicit(&t->dead, 1, memory_order_relaxed);
		atomic_fetch_sub_explicit(&t->used, 1, memory_order_relaxed);
		st = S_FREE;
		break;
	}
	atomic_store_explicit(&t->ctl[i], base | st, memory_order_release);
}

int ctf_table_new(struct ctf_table **ret_table, size_t capacity, uint32_t tomb_secs)
{
	struct ctf_table *t;
	size_t slots, i;

	if (capacity == 0 || capacity > (SIZE_MAX / sizeof(struct entry)) / 2 ||
	    capacity / LOAD_PCT * 100 / BUCKET_SLOTS >= UINT32_MAX)
		return -EINVAL;
	t = aligned_alloc(64, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	t->nbuckets = (capacity * 100 / LOAD_PCT + BUCKET_SLOTS - 1) / BUCKET_SLOTS;
	if (t->nbuckets < 2)
		t->nbuckets = 2;
	slots = t->nbuckets * BUCKET_SLOTS;
	t->ctl = aligned_alloc(64, slots * sizeof(*t->ctl));
	t->ent = calloc(slots, sizeof(*t->ent));
	if (!t->ctl || !t->ent) {
		ctf_table_free(t);
		return -ENOMEM;
	}
	for (i = 0; i < slots; i++)
		atomic_init(&t->ctl[i], 0);
	for (i = 0; i < NSTRIPES; i++)
		atomic_init(&t->stripe[i], 0);
	t->capacity = capacity;
	t->tomb_secs = tomb_secs;
	*ret_table = t;
	return 0;
}

void ctf_table_free(struct ctf_table *t)
{
	if (!t)
		return;
	free(t->ctl);
	free(t->ent);
	free(t);
}

/* Run @cb on the entry of slot @i, owned as @c, and give it back. Returns the found status. */
static int run_owned(struct ctf_table *t, size_t i, uint64_t c, uint32_t now, ctf_table_cb cb,
		     void *data)
{
	enum ctf_table_found found = ctl_state(c) == S_DEAD ? CTF_TABLE_DEAD : CTF_TABLE_LIVE;
	struct ctf_table_key key;
	uint64_t w[KEY_WORDS];
	size_t k;

	for (k = 0; k < KEY_WORDS; k++)
		w[k] = atomic_load_explicit(&t->ent[i].key[k], memory_order_relaxed);
	memcpy(&key, w, sizeof(key));
	release(t, i, c, cb(&key, &t->ent[i].val, found, data), now);
	return (int)found;
}

/* Run @cb on a found entry. Returns the found status, or -EAGAIN when it vanished. */
static int update_found(struct ctf_table *t, size_t i, uint64_t seen, uint32_t now,
			ctf_table_cb cb, void *data)
{
	uint64_t c = own(t, i, seen);

	if (!c)
		return -EAGAIN;
	return run_owned(t, i, c, now, cb, data);
}

/* Owning @c's slot: is it a tombstone whose time has passed? */
static bool expired(const struct ctf_table *t, size_t i, uint64_t c, uint32_t now)
{
	return ctl_state(c) == S_DEAD && (int32_t)(now - t->ent[i].val.expire) >= 0;
}

/* Both buckets are full: free one expired tombstone in them, if there is one. */
static bool drop_expired(struct ctf_table *t, const struct place *p, unsigned int nb,
			 uint32_t now)
{
	unsigned int b, s;

	for (b = 0; b < nb; b++) {
		for (s = 0; s < BUCKET_SLOTS; s++) {
			size_t i = p->bucket[b] * BUCKET_SLOTS + s;
			uint64_t c = atomic_load_explicit(&t->ctl[i], memory_order_relaxed);

			if (ctl_state(c) != S_DEAD || !(c = own(t, i, c)))
				continue;
			if (expired(t, i, c, now)) {
				release(t, i, c, CTF_TABLE_DROP, now);
				return true;
			}
			release(t, i, c, CTF_TABLE_KEEP, now);
		}
	}
	return false;
}

/*
 * Claim a free slot in the emptier of the two buckets, recycling an expired
 * tombstone if both are full. Caller holds the key's stripe. Returns the
 * claimed control word and index, or 0 when both buckets are full.
 */
static uint64_t claim(struct ctf_table *t, const struct place *p, uint32_t now, size_t *ret_i)
{
	unsigned int b, s, nb = p->bucket[0] == p->bucket[1] ? 1 : 2;

	for (;;) {
		size_t free_i[2] = { SIZE_MAX, SIZE_MAX }, nfree[2] = { 0, 0 };
		uint64_t c, want;
		size_t i;

		for (b = 0; b < nb; b++) {
			for (s = 0; s < BUCKET_SLOTS; s++) {
				i = p->bucket[b] * BUCKET_SLOTS + s;
				c = atomic_load_explicit(&t->ctl[i], memory_order_relaxed);
				if (ctl_state(c) == S_FREE) {
					if (free_i[b] == SIZE_MAX)
						free_i[b] = i;
					nfree[b]++;
				}
			}
		}
		i = nfree[1] > nfree[0] ? free_i[1] : free_i[0];
		if (i == SIZE_MAX) {
			if (!drop_expired(t, p, nb, now))
				return 0;
			continue;
		}
		c = atomic_load_explicit(&t->ctl[i], memory_order_relaxed);
		if (ctl_state(c) != S_FREE)
			continue;
		want = (((c & CTL_GEN) + CTL_GEN_ONE) & CTL_GEN) | ((uint64_t)p->tag << 32) |
		       S_CLAIMED;
		if (atomic_compare_exchange_strong_explicit(&t->ctl[i], &c, want,
							    memory_order_acquire,
							    memory_order_relaxed)) {
			*ret_i = i;
			return want;
		}
	}
}

/* Insert under the key's stripe, or find what another thread inserted meanwhile. */
static int insert(struct ctf_table *t, const struct place *p, uint32_t now, ctf_table_cb cb,
		  void *data)
{
	unsigned int spins = 0;
	enum ctf_table_verdict v;
	struct ctf_table_key key;
	size_t i, k;
	uint64_t c;
	int r;

	while (atomic_exchange_explicit(&t->stripe[p->stripe], 1, memory_order_acquire))
		cpu_relax(&spins);
	if (find(t, p, &i, &c)) {
		r = -EAGAIN; /* the caller updates it without the stripe */
		goto out;
	}
	if (atomic_fetch_add_explicit(&t->used, 1, memory_order_relaxed) >= t->capacity) {
		atomic_fetch_sub_explicit(&t->used, 1, memory_order_relaxed);
		c = 0;
	} else if (!(c = claim(t, p, now, &i))) {
		atomic_fetch_sub_explicit(&t->used, 1, memory_order_relaxed);
	}
	if (!c) {
		atomic_fetch_add_explicit(&t->refused, 1, memory_order_relaxed);
		r = -ENOSPC;
		goto out;
	}
	/*
	 * Seqlock write side: release stores, so a lookup that reads a new key
	 * word also sees the generation our claim bumped, and rejects the slot.
	 */
	for (k = 0; k < KEY_WORDS; k++)
		atomic_store_explicit(&t->ent[i].key[k], p->w[k], memory_order_release);
	memset(&t->ent[i].val, 0, sizeof(t->ent[i].val));
	/* CLAIMED slots are invisible to lookups, so the callback owns the value. */
	memcpy(&key, p->w, sizeof(key));
	v = cb(&key, &t->ent[i].val, CTF_TABLE_NEW, data);
	if (v != CTF_TABLE_DROP)
		atomic_fetch_add_explicit(&t->inserts, 1, memory_order_relaxed);
	release(t, i, c, v, now);
	r = CTF_TABLE_NEW;
out:
	atomic_store_explicit(&t->stripe[p->stripe], 0, memory_order_release);
	return r;
}

int ctf_table_update(struct ctf_table *t, const struct ctf_table_key *key, bool create,
		     uint32_t now, ctf_table_cb cb, void *data)
{
	struct place p;
	uint64_t c;
	size_t i;
	int r;

	place_key(t, key, &p);
	for (;;) {
		if (find(t, &p, &i, &c)) {
			r = update_found(t, i, c, now, cb, data);
			if (r != -EAGAIN)
				return r;
			continue; /* deleted under us: look again */
		}
		if (!create)
			return -ENOENT;
		r = insert(t, &p, now, cb, data);
		if (r != -EAGAIN)
			return r;
	}
}

size_t ctf_table_walk(struct ctf_table *t, uint32_t now, ctf_table_cb cb, void *data)
{
	size_t i, n = 0, slots = t->nbuckets * BUCKET_SLOTS;

	for (i = 0; i < slots; i++) {
		uint64_t c = atomic_load_explicit(&t->ctl[i], memory_order_acquire);

		if (ctl_state(c) < S_LIVE || (!cb && ctl_state(c) != S_DEAD) || !(c = own(t, i, c)))
			continue;
		if (expired(t, i, c, now)) {
			release(t, i, c, CTF_TABLE_DROP, now);
			continue;
		}
		if (!cb) {
			release(t, i, c, CTF_TABLE_KEEP, now);
			continue;
		}
		(void)run_owned(t, i, c, now, cb, data);
		n++;
	}
	return n;
}

void ctf_table_get_stats(const struct ctf_table *t, struct ctf_table_stats *ret_stats)
{
	size_t used = atomic_load_explicit(&t->used, memory_order_relaxed);
	size_t dead = atomic_load_explicit(&t->dead, memory_order_relaxed);
	size_t slots = t->nbuckets * BUCKET_SLOTS;

	memset(ret_stats, 0, sizeof(*ret_stats));
	ret_stats->capacity = t->capacity;
	ret_stats->slots = slots;
	ret_stats->tombstones = dead < used ? dead : used;
	ret_stats->live = used - ret_stats->tombstones;
	ret_stats->inserts = atomic_load_explicit(&t->inserts, memory_order_relaxed);
	ret_stats->refused = atomic_load_explicit(&t->refused, memory_order_relaxed);
	ret_stats->bytes = sizeof(*t) + slots * (sizeof(*t->ctl) + sizeof(*t->ent));
}

void ctf_table_key_from_flow(struct ctf_table_key *ret_key, const struct ctf_flow *f,
			     uint32_t netns)
{
	const struct ctf_tuple *o = &f->orig;

	memset(ret_key, 0, sizeof(*ret_key));
	ret_key->family = o->l3num ? o->l3num : f->family;
	ret_key->l4proto = o->l4proto;
	if (ret_key->family == AF_INET) {
		ret_key->src.ip = o->src.ip;
		ret_key->dst.ip = o->dst.ip;
	} else {
		ret_key->src = o->src;
		ret_key->dst = o->dst;
	}
	switch (o->l4proto) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		ret_key->sport = o->l4.icmp.id;
		ret_key->dport = (uint16_t)(o->l4.icmp.type << 8 | o->l4.icmp.code);
		break;
	default:
		ret_key->sport = o->l4.port.sport;
		ret_key->dport = o->l4.port.dport;
		break;
	}
	ret_key->zone = ctf_flow_has(f, CTF_FLOW_A_ZONE) ? f->zone : 0;
	ret_key->netns = netns;
	ret_key->id = f->id;
}

void ctf_table_key_tuple(const struct ctf_table_key *key, struct ctf_tuple *ret_tuple)
{
	struct ctf_tuple *t = ret_tuple;

	memset(t, 0, sizeof(*t));
	t->l3num = key->family;
	t->l4proto = key->l4proto;
	t->src = key->src;
	t->dst = key->dst;
	t->flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO;
	switch (key->l4proto) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		t->l4.icmp.id = key->sport;
		t->l4.icmp.type = (uint8_t)(key->dport >> 8);
		t->l4.icmp.code = (uint8_t)key->dport;
		t->flags |= CTF_TUPLE_F_ICMP_ID | CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE;
		break;
	default:
		t->l4.port.sport = key->sport;
		t->l4.port.dport = key->dport;
		t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
		break;
	}
	t->zone = key->zone;
}
