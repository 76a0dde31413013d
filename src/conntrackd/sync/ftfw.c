// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: FTFW, the reliable mode (1.4.7's sync-ftfw.c on the wire):
 * every message takes a sequence number, data and ACK/NACK/RESYNC wait in
 * the resend queue until the peer acknowledges them, a NACK sends them
 * again, and a 1 s alive timer sends an ACK or an ALIVE when idle.
 *
 * Loss during the HELLO handshake is never repaired by 1.4.7 (every message
 * carrying HELLO skips the sequence check, and a HELLO empties the
 * receiver's resend queue). Ours differs in ways a 1.4.7 peer cannot see:
 *  - a HELLO from the peer (it restarted) does not silently empty our
 *    resend queue: stale control messages go, objects are sent again with
 *    new numbers, and (ResyncOnPeerRestart, on) our whole cache follows;
 *  - only the first HELLO of a (re)started peer bypasses the sequence
 *    check; later ones are tracked, a gap among them is NACKed, and it
 *    makes us ask for a resync once the handshake is over (a 1.4.7 sender
 *    may have dropped what we NACK);
 *  - an ACK [from, to] means the peer never saw the objects we still hold
 *    from before @from (it would have NACKed them had it seen anything
 *    later): they are sent again. This also covers the peer's first
 *    messages, which no receiver can know it missed.
 */
#include <stdlib.h>

#include <ctflow/log.h>

#include "engine.h"

enum { HELLO_INIT, HELLO_SAY, HELLO_DONE };

#define ALIVE_MS 1000

static bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

/* The HELLO flags of our next message (nethdr_set_hello). */
static uint8_t hello_flags(struct sync_engine *e)
{
	struct sync_ftfw *s = &e->ftfw;
	uint8_t flags = 0;

	if (s->hello == HELLO_INIT)
		s->hello = HELLO_SAY;
	if (s->hello == HELLO_SAY)
		flags |= CTF_SYNC_F_HELLO;
	if (s->say_hello_back) {
		flags |= CTF_SYNC_F_HELLO_BACK;
		s->say_hello_back = false;
	}
	return flags;
}

/* The resend queue is full: 1.4.7 drops its oldest item silently; we count and say so. */
static void rsq_make_room(struct sync_engine *e)
{
	struct sync_qitem *it = sync_queue_first(&e->rsq);

	if (!it)
		return;
	e->rsq.overflows++;
	e->rsq_overflow_since_resync = true;
	sync_ratelimit_log(e, &e->rsq_log, LOG_WARNING,
			   "resend queue full (ResendQueueSize %zu): the oldest unacknowledged "
			   "message is dropped, the peer may miss it; a resync repairs it",
			   e->rsq.max);
	sync_qitem_free(it);
}

static void rsq_keep(struct sync_engine *e, struct sync_qitem *it)
{
	if (!sync_queue_add(&e->rsq, it)) {
		rsq_make_room(e);
		if (!sync_queue_add(&e->rsq, it))
			sync_qitem_free(it);
	}
}

static void xmit_one(struct sync_engine *e, struct sync_qitem *it)
{
	struct sync_ctlmsg *m;

	sync_queue_del(it);
	if (it->kind == SYNC_Q_OBJ) {
		sync_send_obj(e, (struct sync_obj *)it, hello_flags(e));
		rsq_keep(e, it);
		return;
	}
	m = (struct sync_ctlmsg *)it;
	sync_send_ctl(e, m, hello_flags(e));
	if (m->hdr.flags & (CTF_SYNC_F_ACK | CTF_SYNC_F_NACK | CTF_SYNC_F_RESYNC))
		rsq_keep(e, it);
	else
		free(m);
}

static void ftfw_xmit(struct sync_engine *e)
{
	struct sync_qitem *it;

	if (sync_queue_empty(&e->txq))
		return;
	while ((it = sync_queue_first(&e->txq)))
		xmit_one(e, it);
	e->ftfw.alive_at = sync_now_ms() + ALIVE_MS;
}

static void ftfw_request_resync(struct sync_engine *e)
{
	ctf_log(LOG_NOTICE, "resync requested");
	e->ctr.resyncs_sent++;
	sync_await_transfer(e);
	sync_queue_ctl(e, CTF_SYNC_F_RESYNC, 0, 0);
}

/*
 * ACK [from, to]: the peer has these (rs_queue_empty), and what is older
 * never reached it: objects go out again, stale control messages go.
 * NACK [from, to]: send them again (rs_queue_to_tx).
 */
static void rsq_range(struct sync_engine *e, const struct ctf_sync_hdr *h, bool nack)
{
	struct sync_qitem *it = sync_queue_first(&e->rsq), *next;

	for (; it; it = next) {
		next = sync_queue_next(&e->rsq, it);
		if (seq_after(it->seq, h->to))
			break;
		if (seq_before(it->seq, h->from)) {
			/*
			 * Control messages stay: the peer may still NACK them, and
			 * that chain is how a lost NACK gets repaired.
			 */
			if (nack || it->kind == SYNC_Q_CTL)
				continue;
			e->ctr.rsq_presumed_lost++;
			sync_queue_add(&e->txq, it);
		} else if (nack) {
			sync_queue_add(&e->txq, it);
		} else {
			sync_qitem_free(it);
		}
	}
}

static enum sync_msg_verdict digest_msg(struct sync_engine *e, const struct ctf_sync_hdr *h)
{
	if (h->type == CTF_SYNC_T_CTL && (h->flags & (CTF_SYNC_F_ACK | CTF_SYNC_F_NACK))) {
		if (seq_before(h->to, h->from))
			return SYNC_MSG_BAD;
		rsq_range(e, h, !(h->flags & CTF_SYNC_F_ACK));
		if (!(h->flags & CTF_SYNC_F_ACK))
			e->ctr.nacks_received++;
		return SYNC_MSG_CTL;
	}
	return sync_digest_msg(e, h);
}

/* The peer (re)started: what we queued for its old self is sent again, whole. */
static void peer_restarted(struct sync_engine *e)
{
	struct sync_qitem *it;

	while ((it = sync_queue_first(&e->rsq))) {
		if (it->kind == SYNC_Q_CTL)
			sync_qitem_free(it);
		else
			sync_queue_add(&e->txq, it);
	}
	if (e->resync_on_peer_restart)
		sync_send_bulk(e);
}

/*
 * HELLO and HELLO_BACK (digest_hello). Returns true when @h is the first
 * HELLO of a (re)started peer, which bypasses the sequence check.
 */
static bool digest_hello(struct sync_engine *e, const struct ctf_sync_hdr *h)
{
	struct sync_ftfw *s = &e->ftfw;

	if ((h->flags & CTF_SYNC_F_HELLO_BACK) && s->hello == HELLO_SAY)
		s->hello = HELLO_DONE;
	if (!(h->flags & CTF_SYNC_F_HELLO)) {
		if (s->peer_hello && s->hello_gap) {
			s->hello_gap = false;
			ctf_log(LOG_NOTICE, "messages were lost during the handshake, "
					    "requesting a resync");
			ftfw_request_resync(e);
		}
		s->peer_hello = false;
		return false;
	}
	s->say_hello_back = true;
	if (s->peer_hello)
		return false;
	s->peer_hello = true;
	peer_restarted(e);
	return true;
}

/* Received in order (or bypassed): count it into the ACK window. */
static void window_step(struct sync_engine *e, uint32_t seq)
{
	struct sync_ftfw *s = &e->ftfw;

	if (!s->ack_from_set) {
		s->ack_from_set = true;
		s->ack_from = seq;
	}
	if (--s->window == 0) {
		sync_queue_ctl(e, CTF_SYNC_F_ACK, s->ack_from, seq);
		s->window = e->sc->window_size;
		s->ack_from_set = false;
	}
}

/* A gap: acknowledge what came before it, ask for the missing part (SEQ_AFTER). */
static void gap(struct sync_engine *e, uint32_t seq, uint32_t exp)
{
	struct sync_ftfw *s = &e->ftfw;

	if (s->ack_from_set) {
		sync_queue_ctl(e, CTF_SYNC_F_ACK, s->ack_from, exp - 1);
		s->ack_from_set = false;
	}
	sync_queue_ctl(e, CTF_SYNC_F_NACK, exp, seq - 1);
	e->ctr.nacks_sent++;
	s->window = e->sc->window_size - 1;
	s->ack_from = seq;
	s->ack_from_set = true;
}

static enum sync_msg_verdict ftfw_recv(struct sync_engine *e, const struct ctf_sync_hdr *h)
{
	struct sync_ftfw *s = &e->ftfw;
	enum sync_msg_verdict v;
	uint32_t exp = 0;
	int t;

	if (digest_hello(e, h)) {
		/* 1.4.7: the peer knows nothing of the window we were counting */
		if (s->ack_from_set && seq_before(h->seq, s->ack_from)) {
			s->window = e->sc->window_size - 1;
			s->ack_from = h->seq;
		}
		t = SYNC_SEQ_IN_SYNC;
	} else {
		t = sync_track_seq(e, h->seq, &exp);
	}
	if (t == SYNC_SEQ_BEFORE)
		return SYNC_MSG_DROP;
	v = digest_msg(e, h);
	if (v == SYNC_MSG_BAD)
		return v;
	if (t == SYNC_SEQ_AFTER) {
		if (h->flags & CTF_SYNC_F_HELLO)
			s->hello_gap = true;
		gap(e, h->seq, exp);
	} else {
		window_step(e, h->seq);
	}
	sync_track_update(e, h->seq);
	return v;
}

/* The 1 s alive timer (do_alive_alarm). */
static void ftfw_tick(struct sync_engine *e, uint64_t now)
{
	struct sync_ftfw *s = &e->ftfw;

	if (!s->alive_at)
		s->alive_at = now + ALIVE_MS;
	if (now < s->alive_at)
		return;
	if (s->ack_from_set && e->seq_recv_set) {
		sync_queue_ctl(e, CTF_SYNC_F_ACK, s->ack_from, e->last_seq_recv);
		s->ack_from_set = false;
	} else {
		sync_queue_ctl(e, CTF_SYNC_F_ALIVE, 0, 0);
	}
	s->alive_at = now + ALIVE_MS;
}

const struct sync_mode sync_mode_ftfw = {
	.name = "FTFW",
	.recv = ftfw_recv,
	.enqueue = sync_enqueue_tx,
	.xmit = ftfw_xmit,
	.tick = ftfw_tick,
	.request_resync = ftfw_request_resync,
	.send_bulk = sync_send_bulk,
};
