// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd sync: the object caches and the queues their objects wait in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

void sync_key_from_flow(struct sync_key *ret_key, const struct ctf_flow *f)
{
	const struct ctf_tuple *o = &f->orig;
	struct sync_key *k = ret_key;

	memset(k, 0, sizeof(*k));
	k->family = o->l3num ? o->l3num : f->family;
	k->l4proto = o->l4proto;
	if (k->family == AF_INET) {
		k->src.ip = o->src.ip;
		k->dst.ip = o->dst.ip;
	} else {
		k->src = o->src;
		k->dst = o->dst;
	}
	if (o->l4proto == IPPROTO_ICMP || o->l4proto == IPPROTO_ICMPV6) {
		k->sport = o->l4.icmp.id;
		k->dport = (uint16_t)(o->l4.icmp.type << 8 | o->l4.icmp.code);
	} else {
		k->sport = o->l4.port.sport;
		k->dport = o->l4.port.dport;
	}
	k->zone = ctf_flow_has(f, CTF_FLOW_A_ZONE) ? f->zone : 0;
}

static void link_init(struct sync_link *l)
{
	l->prev = l->next = l;
}

static void link_del(struct sync_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	link_init(l);
}

static void link_tail(struct sync_link *head, struct sync_link *l)
{
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

int sync_cache_init(struct sync_cache *c, const char *name, size_t nbuckets, size_t limit)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->nbuckets = nbuckets ? (uint32_t)nbuckets : 65536;
	c->limit = limit;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets)
		return -ENOMEM;
	link_init(&c->dead_list);
	return 0;
}

static void obj_free(struct sync_obj *o)
{
	free(o->body);
	free(o);
}

void sync_cache_done(struct sync_cache *c)
{
	struct sync_obj *o, *next;
	uint32_t i;

	for (i = 0; c->buckets && i < c->nbuckets; i++)
		for (o = c->buckets[i]; o; o = next) {
			next = o->hnext;
			obj_free(o);
		}
	free(c->buckets);
	c->buckets = NULL;
	c->count = 0;
}

/* FNV-1a over the key: cheap, and the key has no padding holes we hash. */
uint32_t sync_cache_hash(const struct sync_cache *c, const struct sync_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return (uint32_t)(((uint64_t)h * c->nbuckets) >> 32);
}

struct sync_obj *sync_cache_find(struct sync_cache *c, const struct sync_key *k, uint32_t hash)
{
	struct sync_obj *o;

	for (o = c->buckets[hash]; o; o = o->hnext)
		if (memcmp(&o->key, k, sizeof(*k)) == 0)
			return o;
	return NULL;
}

int sync_obj_set_body(struct sync_obj *o, const uint8_t *body, size_t len)
{
	uint8_t *p;

	if (len > UINT16_MAX)
		return -EMSGSIZE;
	if (len > o->cap) {
		p = malloc(len);
		if (!p)
			return -ENOMEM;
		free(o->body);
		o->body = p;
		o->cap = (uint16_t)len;
	}
	if (len) /* an empty body may be NULL, and so is a new object's buffer */
		memcpy(o->body, body, len);
	o->len = (uint16_t)len;
	return 0;
}

struct sync_obj *sync_cache_add(struct sync_cache *c, const struct sync_key *k, uint32_t hash,
				const uint8_t *body, size_t len)
{
	struct sync_obj *o;

	if (c->limit && c->count >= c->limit) {
		c->st.refused++;
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	if (sync_obj_set_body(o, body, len) < 0) {
		free(o);
		return NULL;
	}
	o->q.kind = SYNC_Q_OBJ;
	link_init(&o->dead);
	link_init(&o->timer);
	o->key = *k;
	o->hash = hash;
	o->hnext = c->buckets[hash];
	c->buckets[hash] = o;
	o->hashed = true;
	c->count++;
	return o;
}

void sync_cache_kill(struct sync_cache *c, struct sync_obj *o, uint32_t expire)
{
	if (o->status != SYNC_OBJ_DEAD) {
		o->status = SYNC_OBJ_DEAD;
		c->dead++;
	} else {
		link_del(&o->dead);
	}
	o->expire = expire;
	link_tail(&c->dead_list, &o->dead);
}

void sync_obj_release(struct sync_obj *o)
{
	if (!o->hashed && !o->q.in)
		obj_free(o);
}

void sync_cache_unlink(struct sync_cache *c, struct sync_obj *o)
{
	struct sync_obj **pp;

	if (!o->hashed)
		return;
	for (pp = &c->buckets[o->hash]; *pp; pp = &(*pp)->hnext) {
		if (*pp != o)
			continue;
		*pp = o->hnext;
		break;
	}
	if (o->status == SYNC_OBJ_DEAD)
		c->dead--;
	link_del(&o->dead);
	link_del(&o->timer);
	o->hashed = false;
	c->count--;
	sync_obj_release(o);
}

void sync_cache_gc(struct sync_cache *c, uint32_t now)
{
	struct sync_obj *o;

	while (c->dead_list.next != &c->dead_list) {
		o = (struct sync_obj *)((char *)c->dead_list.next - offsetof(struct sync_obj, dead));
		if ((int32_t)(now - o->expire) < 0)
			return;
		sync_cache_unlink(c, o);
	}
}

void sync_cache_each(struct sync_cache *c, sync_obj_cb cb, void *data)
{
	struct sync_obj *o, *next;
	uint32_t i;

	for (i = 0; i < c->nbuckets; i++)
		for (o = c->buckets[i]; o; o = next) {
			next = o->hnext;
			cb(o, data);
		}
}

void sync_queue_init(struct sync_queue *q, const char *name, size_t max)
{
	memset(q, 0, sizeof(*q));
	link_init(&q->head);
	q->name = name;
	q->max = max;
}

void sync_queue_del(struct sync_qitem *it)
{
	if (!it->in)
		return;
	link_del(&it->link);
	it->in->len--;
	it->in = NULL;
}

bool sync_queue_add(struct sync_queue *q, struct sync_qitem *it)
{
	if (it->in == q)
		return true;
	if (q->max && q->len >= q->max) {
		q->refused++;
		return false;
	}
	sync_queue_del(it);
	link_tail(&q->head, &it->link);
	it->in = q;
	q->len++;
	return true;
}

struct sync_ctlmsg *sync_ctlmsg_new(uint8_t flags, uint32_t from, uint32_t to)
{
	struct sync_ctlmsg *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->q.kind = SYNC_Q_CTL;
	m->hdr.type = CTF_SYNC_T_CTL;
	m->hdr.flags = flags;
	m->hdr.from = from;
	m->hdr.to = to;
	return m;
}

void sync_qitem_free(struct sync_qitem *it)
{
	sync_queue_del(it);
	if (it->kind == SYNC_Q_CTL)
		free(it);
	else
		sync_obj_release((struct sync_obj *)it);
}
