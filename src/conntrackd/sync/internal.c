// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: filing kernel events in the internal cache and peer
 * messages in the external cache, with 1.4.7's rules (internal_cache.c,
 * external_cache.c, cache.c), plus one thing 1.4.7 does not need with its
 * single event socket: per-CPU readers can deliver a DESTROY before the NEW
 * of the same conntrack, so a destroyed conntrack leaves a tombstone that
 * keeps its late NEW or UPDATE from resurrecting it on the peer.
 */
#include <stdlib.h>
#include <string.h>

#include <ctflow/log.h>

#include "engine.h"
#include "wheel.h"

#define TOMB_SECS 3

static void obj_touch(struct sync_obj *o, const struct sync_ev *ev)
{
	o->updated = sync_wall_secs();
	if (ev->reply.l3num)
		o->reply = ev->reply;
	if (ev->ct_id)
		o->ct_id = ev->ct_id;
}

static struct sync_obj *obj_new(struct sync_engine *e, const struct sync_ev *ev, uint32_t hash)
{
	struct sync_obj *o;

	o = sync_cache_add(&e->internal, &ev->key, hash, ev->body, ev->body_len);
	if (!o) {
		e->internal.st.created_fail++;
		return NULL;
	}
	e->internal.st.created++;
	o->created = sync_wall_secs();
	o->related = ev->related;
	obj_touch(o, ev);
	if (e->wheel_int)
		sync_alarm_arm(e, o);
	return o;
}

/* Take @o out of the cache and of every queue and timer. */
static void obj_drop(struct sync_engine *e, struct sync_cache *c, struct sync_obj *o)
{
	if (e->mode->forget)
		e->mode->forget(e, o);
	sync_queue_del(&o->q);
	sync_cache_unlink(c, o);
}

static bool is_late(const struct sync_obj *o, const struct sync_ev *ev)
{
	return o->status == SYNC_OBJ_DEAD && ev->ct_id && o->ct_id == ev->ct_id;
}

static void send_if_mine(struct sync_engine *e, struct sync_obj *o, uint8_t origin)
{
	/* Events we caused ourselves (commit, flush) are cached, not sent (1.4.7). */
	if (origin == SYNC_ORIGIN_NOT_ME)
		e->mode->enqueue(e, o);
}

static void on_new(struct sync_engine *e, const struct sync_ev *ev)
{
	uint32_t hash = sync_cache_hash(&e->internal, &ev->key);
	struct sync_obj *o = sync_cache_find(&e->internal, &ev->key, hash);

	if (o && is_late(o, ev))
		return;
	/* its UPDATE came first, from another reader: what it carried is newer */
	if (o && o->status != SYNC_OBJ_DEAD && ev->ct_id && o->ct_id == ev->ct_id)
		return;
	if (o)
		obj_drop(e, &e->internal, o);
	o = obj_new(e, ev, hash);
	if (o)
		send_if_mine(e, o, ev->origin);
}

static void on_update(struct sync_engine *e, const struct sync_ev *ev)
{
	uint32_t hash = sync_cache_hash(&e->internal, &ev->key);
	struct sync_obj *o = sync_cache_find(&e->internal, &ev->key, hash);

	if (o && is_late(o, ev))
		return;
	o = sync_internal_upsert(e, o, ev, hash);
	if (!o)
		return;
	if (e->wheel_int)
		sync_alarm_arm(e, o);
	send_if_mine(e, o, ev->origin);
}

static void on_destroy(struct sync_engine *e, const struct sync_ev *ev)
{
	uint32_t hash = sync_cache_hash(&e->internal, &ev->key);
	struct sync_obj *o = sync_cache_find(&e->internal, &ev->key, hash);
	uint32_t expire = sync_now_secs() + TOMB_SECS;

	if (!o) {
		/* a tombstone only, never sent: its NEW may still be on the way */
		o = sync_cache_add(&e->internal, &ev->key, hash, ev->body, ev->body_len);
		if (o) {
			obj_touch(o, ev);
			sync_cache_kill(&e->internal, o, expire);
		}
		return;
	}
	if (o->status == SYNC_OBJ_DEAD)
		return;
	if (sync_obj_set_body(o, ev->body, ev->body_len) == 0)
		obj_touch(o, ev);
	/* "traffic processed" sums what the flows we replicated carried (update_traffic_stats) */
	for (int d = 0; d < 2; d++) {
		e->ctr.traffic[d].bytes += ev->counters[d].bytes;
		e->ctr.traffic[d].packets += ev->counters[d].packets;
	}
	sync_cache_kill(&e->internal, o, expire);
	e->internal.st.destroyed++;
	if (e->wheel_int)
		sync_wheel_del(o);
	send_if_mine(e, o, ev->origin);
}

/* DisableInternalCache (NOTRACK): events go out as they come, nothing is kept. */
static void bypass(struct sync_engine *e, const struct sync_ev *ev)
{
	struct sync_obj tmp = { .body = (uint8_t *)ev->body, .len = ev->body_len };

	if (ev->origin != SYNC_ORIGIN_NOT_ME)
		return;
	tmp.status = ev->type == SYNC_EV_DESTROY ? SYNC_OBJ_DEAD
		     : ev->type == SYNC_EV_NEW	 ? SYNC_OBJ_NEW
						 : SYNC_OBJ_ALIVE;
	sync_send_obj(e, &tmp, 0);
}

void sync_internal_event_cb(const struct sync_ev *ev, void *data)
{
	struct sync_engine *e = data;

	e->ctr.events++;
	/* 1.4.7 skips what its own injection caused (DisableExternalCache) */
	if (ev->origin == SYNC_ORIGIN_INJECT)
		return;
	if (e->stats_mode) {
		sync_stats_event(e, ev);
		return;
	}
	if (e->sc->disable_internal_cache) {
		bypass(e, ev);
		return;
	}
	switch (ev->type) {
	case SYNC_EV_NEW:
		on_new(e, ev);
		break;
	case SYNC_EV_UPDATE:
		on_update(e, ev);
		break;
	case SYNC_EV_DESTROY:
		on_destroy(e, ev);
		break;
	}
}

/* 1.4.7's cache_update_force(): update a live entry, or add one in place of a dead one. */
struct sync_obj *sync_internal_upsert(struct sync_engine *e, struct sync_obj *o,
				      const struct sync_ev *ev, uint32_t hash)
{
	if (o && o->status == SYNC_OBJ_DEAD) {
		obj_drop(e, &e->internal, o);
		o = NULL;
	}
	if (!o)
		return obj_new(e, ev, hash);
	if (sync_obj_set_body(o, ev->body, ev->body_len) < 0) {
		e->internal.st.updated_fail++;
		return o;
	}
	obj_touch(o, ev);
	o->status = SYNC_OBJ_ALIVE;
	e->internal.st.updated++;
	return o;
}

/*
 * An entry found by a kernel dump: no tombstone rule (a dump is the truth).
 * With @send (overrun resync), new and changed entries go to the peer.
 */
void sync_internal_dumped(struct sync_engine *e, const struct sync_ev *ev, bool send)
{
	uint32_t hash = sync_cache_hash(&e->internal, &ev->key);
	struct sync_obj *o = sync_cache_find(&e->internal, &ev->key, hash);

	o = sync_internal_upsert(e, o, ev, hash);
	if (!o)
		return;
	o->epoch = e->epoch;
	if (send)
		e->mode->enqueue(e, o);
}

void sync_internal_committed(struct sync_engine *e, const struct sync_obj *ext)
{
	struct sync_ev_buf x;
	struct sync_ev *ev = sync_ev_of(&x);
	struct ctf_flow f;
	struct sync_obj *o;
	uint32_t hash;

	if (e->sc->disable_internal_cache || ext->len > CTF_SYNC_BODY_MAX ||
	    ctf_sync_ct_decode(ext->body, ext->len, &f, NULL) < 0)
		return;
	memset(ev, 0, sizeof(*ev));
	ev->key = ext->key;
	ev->related = ext->related;
	ev->body_len = ext->len;
	memcpy(ev->body, ext->body, ext->len);
	ctf_sync_reply_from_nat(&f, &ev->reply);
	hash = sync_cache_hash(&e->internal, &ev->key);
	o = sync_cache_find(&e->internal, &ev->key, hash);
	(void)sync_internal_upsert(e, o, ev, hash);
}

void sync_internal_flushed(struct sync_engine *e, const struct ctf_flow *f)
{
	struct sync_key k;
	struct sync_obj *o;

	sync_key_from_flow(&k, f);
	o = sync_cache_find(&e->internal, &k, sync_cache_hash(&e->internal, &k));
	if (!o || o->status == SYNC_OBJ_DEAD)
		return;
	sync_cache_kill(&e->internal, o, sync_now_secs() + TOMB_SECS);
	e->internal.st.destroyed++;
	if (e->wheel_int)
		sync_wheel_del(o);
}

/* After an overrun resync: what the dump did not see is gone, and its DEL goes out. */
static void purge_unseen(struct sync_obj *o, void *data)
{
	struct sync_engine *e = data;

	if (o->status == SYNC_OBJ_DEAD || o->epoch == e->epoch)
		return;
	sync_cache_kill(&e->internal, o, sync_now_secs() + TOMB_SECS);
	e->internal.st.destroyed++;
	if (e->wheel_int)
		sync_wheel_del(o);
	e->mode->enqueue(e, o);
}

void sync_internal_purge(struct sync_engine *e)
{
	sync_cache_each(&e->internal, purge_unseen, e);
}

struct flush_ctx {
	struct sync_engine *e;
	struct sync_cache *c;
};

static void flush_one(struct sync_obj *o, void *data)
{
	struct flush_ctx *fc = data;

	obj_drop(fc->e, fc->c, o);
}

void sync_internal_flush(struct sync_engine *e)
{
	struct flush_ctx fc = { .e = e, .c = &e->internal };

	sync_cache_each(&e->internal, flush_one, &fc);
}

void sync_external_flush(struct sync_engine *e)
{
	struct flush_ctx fc = { .e = e, .c = &e->external };

	sync_cache_each(&e->external, flush_one, &fc);
}

/* ---- The external cache: NEW replaces, UPD upserts, DEL removes (external_cache.c) ---- */

static struct sync_obj *ext_add(struct sync_engine *e, const struct sync_key *k, uint32_t hash,
				const struct ctf_flow *f, const uint8_t *body, size_t len)
{
	struct sync_obj *o = sync_cache_add(&e->external, k, hash, body, len);

	if (!o) {
		e->external.st.created_fail++;
		sync_engine_refused(e, &e->external);
		return NULL;
	}
	e->external.st.created++;
	o->created = o->updated = sync_wall_secs();
	o->related = ctf_flow_has(f, CTF_FLOW_A_MASTER);
	return o;
}

void sync_external_msg(struct sync_engine *e, uint8_t type, const struct ctf_flow *f,
		       const uint8_t *body, size_t len)
{
	struct sync_key k;
	uint8_t kflags = 0;
	uint32_t hash;
	struct sync_obj *o;

	sync_key_from_flow(&k, f);
	hash = sync_cache_hash(&e->external, &k);
	o = sync_cache_find(&e->external, &k, hash);
	if (type == CTF_SYNC_T_CT_DEL) {
		if (o) {
			e->external.st.destroyed++;
			if (e->eager)
				sync_eager_delete(e, o);
			obj_drop(e, &e->external, o);
		}
		return;
	}
	if (o && type == CTF_SYNC_T_CT_NEW) {
		/* a NEW replaces; the kernel entry we wrote stays and is updated */
		kflags = o->kflags;
		e->external.st.destroyed++;
		obj_drop(e, &e->external, o);
		o = NULL;
	}
	if (!o) {
		o = ext_add(e, &k, hash, f, body, len);
	} else if (sync_obj_set_body(o, body, len) < 0) {
		e->external.st.updated_fail++;
		return;
	} else {
		o->updated = sync_wall_secs();
		o->status = SYNC_OBJ_ALIVE;
		e->external.st.updated++;
	}
	if (!o)
		return;
	if (e->wheel_ext)
		sync_alarm_expire_arm(e, o);
	if (e->eager) {
		o->kflags |= kflags;
		sync_eager_mark(e, o);
	}
}
