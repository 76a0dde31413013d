// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: ALARM (1.4.7's sync-alarm.c): no control messages at all;
 * every internal entry is sent again 1..RefreshTime s (plus 0.2-1 s) after
 * its last change, and the peer forgets an external entry CacheTimeout s
 * after its last refresh.
 */
#include <stdlib.h>

#include <ctflow/log.h>

#include "engine.h"
#include "wheel.h"

static uint64_t refresh_delay_ms(const struct sync_engine *e)
{
	unsigned int refresh = e->sc->refresh_time ? e->sc->refresh_time : 1;

	/* random() % RefreshTime + 1 seconds, and (random() % 5 + 1) * 200 ms - 1 us */
	return (uint64_t)(random() % refresh + 1) * 1000 + (uint64_t)(random() % 5 + 1) * 200;
}

void sync_alarm_arm(struct sync_engine *e, struct sync_obj *o)
{
	sync_wheel_add(e->wheel_int, o, sync_now_ms() + refresh_delay_ms(e));
}

void sync_alarm_expire_arm(struct sync_engine *e, struct sync_obj *o)
{
	sync_wheel_add(e->wheel_ext, o, sync_now_ms() + (uint64_t)e->sc->cache_timeout * 1000);
}

static void refresh(struct sync_obj *o, void *data)
{
	struct sync_engine *e = data;

	if (o->status == SYNC_OBJ_DEAD)
		return;
	sync_alarm_arm(e, o);
	sync_enqueue_tx(e, o);
}

static void expire(struct sync_obj *o, void *data)
{
	struct sync_engine *e = data;

	e->external.st.destroyed++;
	sync_queue_del(&o->q);
	sync_cache_unlink(&e->external, o);
}

int sync_alarm_setup(struct sync_engine *e)
{
	uint64_t now = sync_now_ms();
	int r;

	r = sync_wheel_new(&e->wheel_int, now, refresh, e);
	if (r == 0)
		r = sync_wheel_new(&e->wheel_ext, now, expire, e);
	return r;
}

/* Messages with any flag are not ALARM's: ignored (alarm_recv), seq tracked for stats. */
static enum sync_msg_verdict alarm_recv(struct sync_engine *e, const struct ctf_sync_hdr *h)
{
	uint32_t exp;

	if (h->flags)
		return SYNC_MSG_CTL;
	(void)sync_track_seq(e, h->seq, &exp);
	sync_track_update(e, h->seq);
	return SYNC_MSG_DATA;
}

const struct sync_mode sync_mode_alarm = {
	.name = "ALARM",
	.recv = alarm_recv,
	.enqueue = sync_enqueue_tx,
	.xmit = sync_xmit_unreliable,
	/* 1.4.7's ALARM has no bulk of its own; -B sending everything is what a user means */
	.send_bulk = sync_send_bulk,
};
