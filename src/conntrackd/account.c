// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flow accounting: what an event or a dumped entry does to the flow table,
 * and the records that come out of it. Shared by the readers and the poller.
 *
 * The invariant: for every flow, the deltas of all its records add up to
 * the totals of its last record. The table keeps, per flow, the counters
 * already reported; a record's delta is "kernel counters now - reported",
 * computed and stored while the flow's entry is owned, so an interim record
 * made by the poller and the final record made by a reader can never count
 * the same bytes twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include <ctflow/log.h>

#include "collector.h"

uint32_t coll_now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

uint64_t coll_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum coll_proto coll_proto_of(uint8_t l4proto)
{
	switch (l4proto) {
	case IPPROTO_TCP:
		return P_TCP;
	case IPPROTO_UDP:
		return P_UDP;
	case IPPROTO_ICMP:
		return P_ICMP;
	case IPPROTO_ICMPV6:
		return P_ICMPV6;
	case IPPROTO_SCTP:
		return P_SCTP;
	case IPPROTO_DCCP:
		return P_DCCP;
	case IPPROTO_GRE:
		return P_GRE;
	case IPPROTO_UDPLITE:
		return P_UDPLITE;
	default:
		return P_OTHER;
	}
}

uint8_t coll_state_of(const struct ctf_flow *f)
{
	uint8_t s = 0;

	if (ctf_flow_has(f, CTF_FLOW_A_TCP_STATE))
		s = f->tcp.state;
	else if (ctf_flow_has(f, CTF_FLOW_A_SCTP_STATE))
		s = f->sctp.state;
	else if (ctf_flow_has(f, CTF_FLOW_A_DCCP_STATE))
		s = f->dccp.state;
	return s < STATE_N ? s : 0;
}

static bool has_state(const struct ctf_flow *f)
{
	return f->set & (CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) |
			 CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE));
}

/* A record with everything the flow itself says. */
static void record_from_flow(struct ctf_record *r, const struct ctf_flow *f, uint8_t reason,
			     const struct coll_producer *p)
{
	unsigned int d;

	memset(r, 0, sizeof(*r));
	r->reason = reason;
	r->family = f->orig.l3num ? f->orig.l3num : f->family;
	r->l4proto = f->orig.l4proto;
	r->state = coll_state_of(f);
	r->zone = ctf_flow_has(f, CTF_FLOW_A_ZONE) ? f->zone : 0;
	r->reader = p->id;
	r->ct_id = f->id;
	r->mark = f->mark;
	r->status = f->status;
	r->netns = p->c->netns;
	r->orig = f->orig;
	r->reply = f->reply;
	r->export_ns = coll_now_ns();
	r->end_ns = r->export_ns;
	if (ctf_flow_has(f, CTF_FLOW_A_TS_START))
		r->start_ns = f->ts_start;
	for (d = 0; d < 2; d++) {
		r->total[d].packets = f->counters[d].packets;
		r->total[d].bytes = f->counters[d].bytes;
	}
	memcpy(r->labels, f->labels, sizeof(r->labels));
}

/* delta = total - reported; reported = total. Counters zeroed with conntrack -Z restart. */
static void take_delta(struct ctf_record *r, struct ctf_table_val *val)
{
	unsigned int d;

	for (d = 0; d < 2; d++) {
		uint64_t rp = val->reported[d].packets, rb = val->reported[d].bytes;

		r->delta[d].packets = r->total[d].packets >= rp ? r->total[d].packets - rp
								 : r->total[d].packets;
		r->delta[d].bytes = r->total[d].bytes >= rb ? r->total[d].bytes - rb
							     : r->total[d].bytes;
		val->reported[d].packets = r->total[d].packets;
		val->reported[d].bytes = r->total[d].bytes;
	}
}

void coll_push(struct coll_producer *p, struct ctf_record *rec)
{
	enum coll_proto pr = coll_proto_of(rec->l4proto);
	unsigned int d;

	if (rec->reason < 8)
		ctr_add(&p->ctr.records[rec->reason], 1);
	for (d = 0; d < 2; d++) {
		ctr_add(&p->ctr.bytes[pr][d], rec->delta[d].bytes);
		ctr_add(&p->ctr.packets[pr][d], rec->delta[d].packets);
	}
	/* A refused record is counted here and by the ring; the stream marks it with a GAP. */
	if (!ctf_ring_push(p->ring, rec))
		ctr_add(&p->ctr.ring_full, 1);
}

void coll_push_gap(struct coll_producer *p, uint64_t lost)
{
	struct ctf_record r;

	memset(&r, 0, sizeof(r));
	r.reason = CTF_REASON_GAP;
	r.reader = p->id;
	r.netns = p->c->netns;
	r.lost_events = lost;
	r.export_ns = coll_now_ns();
	r.end_ns = r.export_ns;
	r.start_ns = r.export_ns;
	coll_push(p, &r);
}

static void count_flow(struct coll_producer *p, uint8_t l4proto, uint8_t state, int64_t v)
{
	ctr_sadd(&p->ctr.flows[coll_proto_of(l4proto)][state < STATE_N ? state : 0], v);
}

/* A flow enters the table. */
static void init_val(struct coll_producer *p, struct ctf_table_val *val, const struct ctf_flow *f)
{
	if (ctf_flow_has(f, CTF_FLOW_A_TS_START))
		val->start_ns = f->ts_start;
	else if (ctf_flow_has(f, CTF_FLOW_A_TS_EVENT))
		val->start_ns = f->ts_event;
	else
		val->start_ns = coll_now_ns();
	val->state = coll_state_of(f);
	val->epoch = atomic_load_explicit(&p->c->epoch, memory_order_relaxed);
	val->last_report = coll_now_secs();
	count_flow(p, f->orig.l4proto, val->state, 1);
}

static void update_state(struct coll_producer *p, struct ctf_table_val *val,
			 const struct ctf_flow *f)
{
	uint8_t s;

	if (!has_state(f))
		return;
	s = coll_state_of(f);
	if (s == val->state)
		return;
	count_flow(p, f->orig.l4proto, val->state, -1);
	count_flow(p, f->orig.l4proto, s, 1);
	val->state = s;
}

struct op {
	struct coll_producer *p;
	const struct ctf_flow *f;
	struct ctf_record rec;
	bool emit;
	enum coll_dump_kind kind;
};

static enum ctf_table_verdict on_new_or_update(const struct ctf_table_key *key,
					       struct ctf_table_val *val,
					       enum ctf_table_found found, void *data)
{
	struct op *o = data;

	switch (found) {
	case CTF_TABLE_NEW:
		init_val(o->p, val, o->f);
		if (o->f->event == CTF_EVENT_NEW && o->p->c->conf->collector.start_records) {
			record_from_flow(&o->rec, o->f, CTF_REASON_START, o->p);
			o->rec.start_ns = val->start_ns;
			o->emit = true;
		}
		return CTF_TABLE_KEEP;
	case CTF_TABLE_LIVE:
		update_state(o->p, val, o->f);
		val->epoch = atomic_load_explicit(&o->p->c->epoch, memory_order_relaxed);
		return CTF_TABLE_KEEP;
	case CTF_TABLE_DEAD:
	default:
		/* A late NEW/UPDATE of a destroyed conntrack: never resurrect it. */
		ctr_add(&o->p->ctr.late, 1);
		return CTF_TABLE_KEEP;
	}
}

static enum ctf_table_verdict on_destroy(const struct ctf_table_key *key,
					 struct ctf_table_val *val, enum ctf_table_found found,
					 void *data)
{
	struct op *o = data;

	switch (found) {
	case CTF_TABLE_LIVE:
		record_from_flow(&o->rec, o->f, CTF_REASON_END, o->p);
		if (!o->rec.start_ns)
			o->rec.start_ns = val->start_ns;
		take_delta(&o->rec, val);
		count_flow(o->p, o->f->orig.l4proto, val->state, -1);
		o->emit = true;
		return CTF_TABLE_KILL;
	case CTF_TABLE_NEW:
		/* Its NEW is late or was lost: the event alone makes a correct final record. */
		ctr_add(&o->p->ctr.unknown_destroy, 1);
		record_from_flow(&o->rec, o->f, CTF_REASON_END, o->p);
		take_delta(&o->rec, val);
		o->emit = true;
		return CTF_TABLE_KILL; /* the tombstone stops the late NEW */
	case CTF_TABLE_DEAD:
	default:
		ctr_add(&o->p->ctr.dup_destroy, 1);
		return CTF_TABLE_KEEP;
	}
}

/*
 * The table is full: the flow is not tracked, and the stream says so. Its
 * final record (END, SHUTDOWN) carries the kernel's totals as deltas.
 */
static void refused(struct op *o, uint8_t reason)
{
	record_from_flow(&o->rec, o->f, reason, o->p);
	if (reason != CTF_REASON_EVICTED)
		memcpy(o->rec.delta, o->rec.total, sizeof(o->rec.delta));
	if (!o->rec.start_ns)
		o->rec.start_ns = o->rec.export_ns;
	o->emit = true;
}

void coll_apply_event(struct coll_producer *p, const struct ctf_flow *f)
{
	struct collector *c = p->c;
	struct op o = { .p = p, .f = f };
	struct ctf_table_key key;
	bool destroy = f->event == CTF_EVENT_DESTROY;
	int r;

	ctf_table_key_from_flow(&key, f, c->netns);
	r = ctf_table_update(c->table, &key, true, coll_now_secs(),
			     destroy ? on_destroy : on_new_or_update, &o);
	if (r == -ENOSPC)
		refused(&o, destroy ? CTF_REASON_END : CTF_REASON_EVICTED);
	if (o.emit)
		coll_push(p, &o.rec);
}

static enum ctf_table_verdict on_dumped(const struct ctf_table_key *key,
					struct ctf_table_val *val, enum ctf_table_found found,
					void *data)
{
	struct op *o = data;
	const struct ctf_conf_collector *cc = &o->p->c->conf->collector;
	uint32_t now = coll_now_secs();

	if (found == CTF_TABLE_DEAD)
		return CTF_TABLE_KEEP; /* destroyed while the dump ran */
	if (found == CTF_TABLE_NEW) {
		init_val(o->p, val, o->f);
		if (o->kind != DUMP_SHUTDOWN)
			return CTF_TABLE_KEEP;
	}
	val->epoch = atomic_load_explicit(&o->p->c->epoch, memory_order_relaxed);
	update_state(o->p, val, o->f);
	if (o->kind == DUMP_SHUTDOWN) {
		record_from_flow(&o->rec, o->f, CTF_REASON_SHUTDOWN, o->p);
	} else if (o->kind == DUMP_POLL && cc->active_timeout &&
		   now - val->last_report >= cc->active_timeout) {
		record_from_flow(&o->rec, o->f, CTF_REASON_ACTIVE_TIMEOUT, o->p);
		val->last_report = now;
	} else {
		return CTF_TABLE_KEEP;
	}
	if (!o->rec.start_ns)
		o->rec.start_ns = val->start_ns;
	take_delta(&o->rec, val);
	/* Interim records only when something moved; the final record always comes. */
	o->emit = o->kind == DUMP_SHUTDOWN || o->rec.delta[0].packets || o->rec.delta[1].packets;
	if (o->kind == DUMP_SHUTDOWN) {
		count_flow(o->p, o->f->orig.l4proto, val->state, -1);
		return CTF_TABLE_DROP;
	}
	return CTF_TABLE_KEEP;
}

void coll_apply_dumped(struct coll_producer *p, const struct ctf_flow *f, enum coll_dump_kind kind)
{
	struct op o = { .p = p, .f = f, .kind = kind };
	struct ctf_table_key key;
	int r;

	ctf_table_key_from_flow(&key, f, p->c->netns);
	r = ctf_table_update(p->c->table, &key, true, coll_now_secs(), on_dumped, &o);
	if (r == -ENOSPC && kind == DUMP_SHUTDOWN)
		refused(&o, CTF_REASON_SHUTDOWN);
	if (o.emit)
		coll_push(p, &o.rec);
}

struct sweep {
	struct coll_producer *p;
	uint32_t older_than;
	size_t n;
};

/* A flow missing from two complete dumps: its DESTROY was lost. */
static enum ctf_table_verdict on_sweep(const struct ctf_table_key *key, struct ctf_table_val *val,
				       enum ctf_table_found found, void *data)
{
	struct sweep *s = data;
	struct ctf_record r;

	if (found != CTF_TABLE_LIVE || (int32_t)(val->epoch - s->older_than) >= 0)
		return CTF_TABLE_KEEP;
	memset(&r, 0, sizeof(r));
	r.reason = CTF_REASON_RESYNC_END;
	r.family = key->family;
	r.l4proto = key->l4proto;
	r.state = val->state;
	r.zone = key->zone;
	r.reader = s->p->id;
	r.ct_id = key->id;
	r.netns = key->netns;
	ctf_table_key_tuple(key, &r.orig);
	r.start_ns = val->start_ns;
	r.export_ns = coll_now_ns();
	r.end_ns = r.export_ns;
	/* The final counters are unknown: totals are what was reported, delta 0. */
	memcpy(r.total, val->reported, sizeof(r.total));
	count_flow(s->p, key->l4proto, val->state, -1);
	coll_push(s->p, &r);
	s->n++;
	val->expire = coll_now_secs() + COLL_SWEPT_TOMB_SECS;
	return CTF_TABLE_KILL;
}

size_t coll_sweep_missing(struct coll_producer *p, uint32_t older_than)
{
	struct sweep s = { .p = p, .older_than = older_than };

	(void)ctf_table_walk(p->c->table, coll_now_secs(), on_sweep, &s);
	if (s.n)
		ctf_log(LOG_NOTICE, "%zu flows ended without a DESTROY event (RESYNC_END)", s.n);
	return s.n;
}
