// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: CommitMode Eager (ctflow). The peer's states go into our
 * kernel as they arrive, in one batch per loop turn, so a backup's kernel
 * already holds them when keepalived moves the VIPs, before it runs -c.
 * With 1.4.7's order (VIPs first, then -c) the replies of SNATed sessions
 * reach a backup that has no state for them, the local stack answers them
 * with RSTs, and the sessions die (ha-sync.md 5.3: 10 of 10, 3 of 3 runs).
 *
 * The external cache stays, for -e and so that -c only writes what is not
 * in the kernel yet. Kernel entries are refreshed before they expire with
 * the last timeout received (FTFW and NOTRACK send no message while a flow
 * only carries traffic), and removed when the peer's DEL arrives. Writes go
 * through the inject socket, so the events they cause are not sent back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/log.h>

#include "engine.h"
#include "wheel.h"

#define EAGER_BATCH	  1024U
#define REFRESH_MARGIN_MS 10000 /* refresh this long before the kernel's timeout */
#define REFRESH_MIN_MS	  1000

static bool eager_refreshes(const struct sync_engine *e)
{
	/* ALARM refreshes on its own: each refresh is an UPD we write */
	return e->sc->mode != CTF_CONF_SYNC_ALARM;
}

void sync_eager_mark(struct sync_engine *e, struct sync_obj *o)
{
	if (!sync_queue_add(&e->eager_q, &o->q))
		e->ctr.eager_fail++;
}

/* The peer deleted it: the kernel entry goes in the next batch. */
void sync_eager_delete(struct sync_engine *e, struct sync_obj *o)
{
	struct ctf_flow f;
	uint32_t seq;

	sync_queue_del(&o->q);
	if (!(o->kflags & SYNC_K_WRITTEN) || ctf_sync_ct_decode(o->body, o->len, &f, NULL) < 0)
		return;
	if (sync_kernel_put_delete(e->eager_del, e->inject_nl, &f, &seq) < 0)
		return;
	if (ctf_nl_batch_next(e->eager_del))
		(void)sync_eager_flush(e);
}

static void arm_refresh(struct sync_engine *e, struct sync_obj *o, const struct ctf_flow *f)
{
	uint64_t t;

	if (!eager_refreshes(e) || !e->wheel_kern)
		return;
	t = ctf_flow_has(f, CTF_FLOW_A_TIMEOUT) ? (uint64_t)f->timeout * 1000 : 0;
	if (e->sc->commit_timeout)
		t = (uint64_t)e->sc->commit_timeout * 1000;
	if (!t)
		return;
	t = t > REFRESH_MARGIN_MS + REFRESH_MIN_MS ? t - REFRESH_MARGIN_MS : REFRESH_MIN_MS;
	sync_wheel_add(e->wheel_kern, o, sync_now_ms() + t);
}

static void refresh(struct sync_obj *o, void *data)
{
	sync_eager_mark(data, o);
}

struct eager_ctx {
	struct sync_engine *e;
	struct sync_obj **slot;
	uint32_t base;
	unsigned int n;
	struct sync_queue again; /* EEXIST on create: update; ENOENT on update: create */
};

static int eager_ack(uint32_t seq, int error, void *data)
{
	struct eager_ctx *x = data;
	uint32_t i = seq - x->base;
	struct sync_obj *o;

	if (i >= x->n)
		return 0;
	o = x->slot[i];
	if (!error) {
		o->kflags = SYNC_K_WRITTEN;
		x->e->ctr.eager_ok++;
		return 0;
	}
	if ((error == -EEXIST || error == -ENOENT) && !(o->kflags & SYNC_K_RETRIED)) {
		o->kflags = (uint8_t)((error == -EEXIST ? SYNC_K_WRITTEN : 0) | SYNC_K_RETRIED);
		sync_queue_add(&x->again, &o->q);
		return 0;
	}
	o->kflags &= (uint8_t)~SYNC_K_RETRIED;
	x->e->ctr.eager_fail++;
	sync_ratelimit_log(x->e, &x->e->eager_log, LOG_WARNING,
			   "eager commit: cannot write a state into the kernel: %s; -c retries it",
			   strerror(-error));
	return 0;
}

static int flush_batch(struct eager_ctx *x)
{
	int r = 0;

	if (x->n)
		r = ctf_nl_batch_flush(x->e->eager_b, NULL, eager_ack, x);
	x->n = 0;
	return r;
}

/* One object: create it when the kernel has not got it from us yet, else update it. */
static void put_one(struct eager_ctx *x, struct sync_obj *o)
{
	struct ctf_flow f;
	uint32_t seq;
	int r;

	if (ctf_sync_ct_decode(o->body, o->len, &f, NULL) < 0)
		return;
	arm_refresh(x->e, o, &f);
	if (o->kflags & SYNC_K_WRITTEN)
		r = sync_kernel_put_update(x->e, x->e->eager_b, &f, &seq);
	else
		r = sync_kernel_put_create(x->e, x->e->eager_b, x->e->inject_nl, &f, 0, &seq);
	if (r < 0) {
		x->e->ctr.eager_fail++;
		return;
	}
	if (x->n == 0)
		x->base = seq;
	x->slot[x->n++] = o;
	if (ctf_nl_batch_next(x->e->eager_b))
		(void)flush_batch(x);
}

/* Masters first, then related entries (their masters must exist). */
static void write_queue(struct eager_ctx *x, struct sync_queue *q)
{
	struct sync_qitem *it, *next;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (it = sync_queue_first(q); it; it = next) {
			struct sync_obj *o = (struct sync_obj *)it;

			next = sync_queue_next(q, it);
			if (o->related != (pass == 1))
				continue;
			sync_queue_del(it);
			put_one(x, o);
		}
		(void)flush_batch(x);
	}
}

int sync_eager_flush(struct sync_engine *e)
{
	struct eager_ctx x = { .e = e, .slot = e->eager_slot };
	int r = 0;

	if (ctf_nl_batch_count(e->eager_del))
		r = ctf_nl_batch_flush(e->eager_del, NULL, NULL, NULL);
	if (sync_queue_empty(&e->eager_q))
		return r;
	sync_queue_init(&x.again, "eager-again", 0);
	write_queue(&x, &e->eager_q);
	write_queue(&x, &x.again);
	return r;
}

/* -c: what the kernel does not hold from us yet (a failed write, a purge) goes now. */
static void mark_unwritten(struct sync_obj *o, void *data)
{
	if (!(o->kflags & SYNC_K_WRITTEN))
		sync_eager_mark(data, o);
}

void sync_eager_commit(struct sync_engine *e)
{
	uint64_t ok = e->ctr.eager_ok, fail = e->ctr.eager_fail;

	sync_cache_each(&e->external, mark_unwritten, e);
	(void)sync_eager_flush(e);
	ctf_log(LOG_NOTICE, "Committed %llu new entries",
		(unsigned long long)(e->ctr.eager_ok - ok));
	if (e->ctr.eager_fail != fail)
		ctf_log(LOG_NOTICE, "%llu entries can't be committed",
			(unsigned long long)(e->ctr.eager_fail - fail));
}

/* After a kernel flush (-F, the -t purge) the peer's states are written again. */
static void mark_all(struct sync_obj *o, void *data)
{
	o->kflags = 0;
	sync_eager_mark(data, o);
}

void sync_eager_rewrite(struct sync_engine *e)
{
	sync_cache_each(&e->external, mark_all, e);
}

int sync_eager_open(struct sync_engine *e)
{
	int r;

	sync_queue_init(&e->eager_q, "eager", 0);
	e->eager_slot = calloc(EAGER_BATCH, sizeof(*e->eager_slot));
	if (!e->eager_slot)
		return -ENOMEM;
	r = ctf_nl_batch_new(&e->eager_b, e->inject_nl, EAGER_BATCH);
	if (r == 0)
		r = ctf_nl_batch_new(&e->eager_del, e->inject_nl, EAGER_BATCH);
	if (r == 0 && eager_refreshes(e))
		r = sync_wheel_new(&e->wheel_kern, sync_now_ms(), refresh, e);
	if (r < 0)
		return ctf_log_err(r, "eager commit: cannot allocate its batches");
	ctf_log(LOG_NOTICE, "CommitMode Eager: the peer's states go into the kernel as they arrive");
	return 0;
}

void sync_eager_close(struct sync_engine *e)
{
	struct sync_qitem *it;

	while ((it = sync_queue_first(&e->eager_q)))
		sync_queue_del(it);
	ctf_nl_batch_free(e->eager_b);
	ctf_nl_batch_free(e->eager_del);
	sync_wheel_free(e->wheel_kern);
	free(e->eager_slot);
}
