// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: NOTRACK, best effort (1.4.7's sync-notrack.c): no ACKs,
 * no resends; a RESYNC from the peer gets our whole cache (or, with
 * DisableInternalCache, a kernel dump); an ALIVE every second when idle.
 * Sequence numbers are tracked for the statistics only.
 */
#include <stdlib.h>

#include <ctflow/log.h>

#include "engine.h"

#define ALIVE_MS 1000

static void notrack_send_bulk(struct sync_engine *e)
{
	if (!e->sc->disable_internal_cache) {
		sync_send_bulk(e);
		return;
	}
	sync_bulk_begin(e);
	(void)sync_kernel_send_dump(e);
}

static void notrack_request_resync(struct sync_engine *e)
{
	ctf_log(LOG_NOTICE, "resync requested");
	e->ctr.resyncs_sent++;
	sync_await_transfer(e);
	sync_queue_ctl(e, CTF_SYNC_F_RESYNC, 0, 0);
}

static enum sync_msg_verdict notrack_recv(struct sync_engine *e, const struct ctf_sync_hdr *h)
{
	enum sync_msg_verdict v;
	uint32_t exp;

	(void)sync_track_seq(e, h->seq, &exp);
	v = sync_digest_msg(e, h);
	if (v != SYNC_MSG_BAD)
		sync_track_update(e, h->seq);
	return v;
}

static void notrack_xmit(struct sync_engine *e)
{
	if (sync_queue_empty(&e->txq))
		return;
	sync_xmit_unreliable(e);
	e->ftfw.alive_at = sync_now_ms() + ALIVE_MS;
}

static void notrack_tick(struct sync_engine *e, uint64_t now)
{
	if (!e->ftfw.alive_at)
		e->ftfw.alive_at = now + ALIVE_MS;
	if (now < e->ftfw.alive_at)
		return;
	sync_queue_ctl(e, CTF_SYNC_F_ALIVE, 0, 0);
	e->ftfw.alive_at = now + ALIVE_MS;
}

const struct sync_mode sync_mode_notrack = {
	.name = "NOTRACK",
	.recv = notrack_recv,
	.enqueue = sync_enqueue_tx,
	.xmit = notrack_xmit,
	.tick = notrack_tick,
	.request_resync = notrack_request_resync,
	.send_bulk = notrack_send_bulk,
};
