// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: the client requests on the UNIX socket, answered as
 * 1.4.7 answers them in Sync mode (run.c local_handler, ctnl.c ctnl_local,
 * sync-mode.c local_handler_sync and the modes' local hooks): the same
 * log lines, the same texts. 1.4.7 forks a child for dumps and flushes;
 * ours answers from the sync thread, which owns the caches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ctflow/log.h>

#include "ctl.h"
#include "engine.h"
#include "request.h"
#include "requests.h"
#include "stats.h"

#define ACCEPTS_PER_TURN 16

/* ---- Counters as the texts want them ---- */

static void cache_stats(const struct sync_engine *e, const struct sync_cache *c, bool external,
			struct sync_cache_stats *ret)
{
	const struct sync_cache_counters *st = &c->st;

	memset(ret, 0, sizeof(*ret));
	ret->kind = SYNC_CACHE_TABLE;
	if (!external && e->sc->disable_internal_cache)
		ret->kind = SYNC_CACHE_BYPASS;
	if (external && e->sc->disable_external_cache)
		ret->kind = SYNC_CACHE_INJECT;
	ret->active = c->count - c->dead;
	ret->objects = c->count;
	ret->entries = c->count;
	ret->add_ok = st->created;
	ret->add_fail = st->created_fail;
	ret->add_fail_enospc = st->refused;
	ret->upd_ok = st->updated;
	ret->upd_fail = st->updated_fail;
	ret->del_ok = st->destroyed;
	ret->del_fail = st->destroyed_fail;
}

static void msg_stats(const struct sync_engine *e, struct sync_msg_stats *ret)
{
	const struct sync_counters *c = &e->ctr;

	*ret = (struct sync_msg_stats){
		.rx_malformed = c->rx_malformed,
		.rx_bad_version = c->rx_error[CTF_SYNC_RX_VERSION],
		.rx_bad_header = c->rx_error[CTF_SYNC_RX_HEADER],
		.rx_bad_payload = c->rx_error[CTF_SYNC_RX_PAYLOAD],
		.rx_bad_type = c->rx_error[CTF_SYNC_RX_TYPE],
		.rx_truncated = c->rx_error[CTF_SYNC_RX_TRUNCATED],
		.rx_bad_size = c->rx_error[CTF_SYNC_RX_SIZE],
		.tx_malformed = c->tx_malformed,
		.rx_lost = c->rx_lost,
		.rx_before = c->rx_before,
	};
}

static void traffic_stats(const struct sync_engine *e, struct sync_traffic_stats *ret)
{
	*ret = (struct sync_traffic_stats){
		.bytes_orig = e->ctr.traffic[0].bytes,
		.bytes_repl = e->ctr.traffic[1].bytes,
		.packets_orig = e->ctr.traffic[0].packets,
		.packets_repl = e->ctr.traffic[1].packets,
	};
}

static void runtime_stats(const struct sync_engine *e, struct sync_runtime_stats *ret)
{
	const struct sync_counters *c = &e->ctr;

	*ret = (struct sync_runtime_stats){
		.uptime_secs = (uint64_t)(sync_wall_secs() - e->start_time),
		.nl_events_received = c->events,
		.nl_events_filtered = c->events_filtered,
		.nl_overrun = c->nl_overruns,
		.nl_kernel_table_flush = c->kernel_flushes,
		.nl_kernel_table_resync = c->kernel_resyncs,
		.nl_buffer_size = e->conf->general.netlink_buffer_size,
		.local_read_failed = c->local_read_failed,
		.local_unknown_request = c->local_unknown,
	};
}

static size_t queue_stats(const struct sync_engine *e, struct sync_queue_stats q[3])
{
	size_t n = 0;

	q[n++] = (struct sync_queue_stats){ "txqueue", e->txq.len, e->txq.max ? e->txq.max
									      : INT32_MAX,
					    e->txq.refused };
	q[n++] = (struct sync_queue_stats){ "errorq", 0, e->sc->error_queue_length, 0 };
	if (e->mode == &sync_mode_ftfw)
		q[n++] = (struct sync_queue_stats){ "rsqueue", e->rsq.len, e->rsq.max,
						    e->rsq.refused };
	return n;
}

unsigned int sync_requests_not_ready(const struct sync_engine *e)
{
	uint64_t now = sync_now_ms();
	unsigned int r = 0;

	if (e->stats_mode)
		return 0;
	if (!sync_channels_can_send(e->ch))
		r |= SYNC_NOT_READY_NO_CHANNEL;
	if (e->mode == &sync_mode_alarm) {
		/* ALARM is silent when idle and has no resync: one refresh round after start */
		if (now - e->resync_asked_ms < ((uint64_t)e->sc->refresh_time + 2) * 1000)
			r |= SYNC_NOT_READY_RESYNC_PENDING;
	} else {
		if (!e->peer_heard_ms ||
		    now - e->peer_heard_ms > (uint64_t)e->sc->ready_peer_timeout * 1000)
			r |= SYNC_NOT_READY_PEER_SILENT;
		if (e->resync_pending)
			r |= SYNC_NOT_READY_RESYNC_PENDING;
	}
	if (e->refused_since_resync)
		r |= SYNC_NOT_READY_CACHE_REFUSED;
	if (e->rsq_overflow_since_resync)
		r |= SYNC_NOT_READY_RSQUEUE_OVERFLOW;
	return r;
}

/* ---- The texts ---- */

static void text_stats(struct sync_engine *e, struct sync_out *o)
{
	struct sync_cache_stats cs;
	struct sync_traffic_stats ts;
	struct sync_msg_stats ms;

	cache_stats(e, &e->internal, false, &cs);
	sync_stats_cache(o, "internal", &cs);
	cache_stats(e, &e->external, true, &cs);
	sync_stats_cache(o, "external", &cs);
	traffic_stats(e, &ts);
	sync_stats_traffic(o, &ts);
	sync_channels_stats_text(e->ch, o);
	msg_stats(e, &ms);
	sync_stats_msg(o, &ms);
}

static void text_network(struct sync_engine *e, struct sync_out *o)
{
	struct sync_msg_stats ms;

	msg_stats(e, &ms);
	sync_stats_network(o, &ms);
	sync_channels_stats_text(e->ch, o);
}

static void text_cache(struct sync_engine *e, struct sync_out *o)
{
	struct sync_cache_stats cs;

	cache_stats(e, &e->internal, false, &cs);
	sync_stats_cache_ext(o, "internal", &cs);
	cache_stats(e, &e->external, true, &cs);
	sync_stats_cache_ext(o, "external", &cs);
}

static void text_runtime(struct sync_engine *e, struct sync_out *o)
{
	struct sync_runtime_stats rs;

	runtime_stats(e, &rs);
	sync_stats_runtime(o, &rs);
}

static void text_queue(struct sync_engine *e, struct sync_out *o)
{
	struct sync_queue_stats q[3];
	size_t n = queue_stats(e, q);

	sync_stats_queues(o, e->txq.len + e->rsq.len, q, n);
}

static void text_rsqueue(struct sync_engine *e, struct sync_out *o)
{
	const struct sync_qitem *it;
	struct sync_rsq_entry *v;
	size_t n = 0;

	if (e->mode != &sync_mode_ftfw)
		return;
	v = calloc(e->rsq.len ? e->rsq.len : 1, sizeof(*v));
	if (!v)
		return;
	for (it = sync_queue_first(&e->rsq); it; it = sync_queue_next(&e->rsq, it)) {
		v[n].is_ctl = it->kind == SYNC_Q_CTL;
		v[n].seq = it->seq;
		if (v[n].is_ctl)
			v[n].flags = ((const struct sync_ctlmsg *)it)->hdr.flags;
		n++;
	}
	sync_stats_rsqueue(o, v, n);
	free(v);
}

static void text_json(struct sync_engine *e, struct sync_out *o)
{
	static const char *const modes[] = { "ftfw", "alarm", "notrack" };
	const char *mode = e->stats_mode ? "stats" : modes[e->sc->mode];
	struct sync_channel_counters ch[CTF_CONF_MAX_CHANNELS];
	struct sync_cache_stats ext;
	struct sync_msg_stats ms;
	struct sync_queue_stats q[3];
	struct sync_stats_snapshot s = { .mode = mode };
	unsigned int i;

	s.not_ready = sync_requests_not_ready(e);
	runtime_stats(e, &s.runtime);
	cache_stats(e, &e->internal, false, &s.internal);
	cache_stats(e, &e->external, true, &ext);
	s.external = &ext;
	traffic_stats(e, &s.traffic);
	msg_stats(e, &ms);
	s.msg = &ms;
	s.queue_nodes = e->txq.len + e->rsq.len;
	s.queues = q;
	s.nqueues = queue_stats(e, q);
	s.has_rsqueue = e->mode == &sync_mode_ftfw;
	s.rsqueue_len = e->rsq.len;
	for (i = 0; e->ch && i < sync_channels_count(e->ch) && i < CTF_CONF_MAX_CHANNELS; i++)
		sync_channels_counters(e->ch, i, &ch[i]);
	s.channels = ch;
	s.nchannels = i;
	s.current_channel = e->ch ? sync_channels_current(e->ch) : 0;
	if (e->stats_mode) {
		s.external = NULL;
		s.msg = NULL;
	}
	sync_stats_json(o, &s);
}

/* ---- Actions ---- */

static void flush_kernel(struct sync_engine *e)
{
	ctf_log(LOG_NOTICE, "flushing kernel conntrack table");
	(void)sync_kernel_flush(e);
}

static void resync_kernel(struct sync_engine *e)
{
	if (e->sc->disable_internal_cache) {
		ctf_log(LOG_NOTICE, "resync is unsupported in this mode");
		return;
	}
	e->ctr.kernel_resyncs++;
	ctf_log(LOG_NOTICE, "resync with master conntrack table");
	(void)sync_kernel_dump(e, false);
}

static bool flush_caches(struct sync_engine *e, bool internal, bool external)
{
	if (external && e->commit_fd >= 0) {
		ctf_log(LOG_ERR, "ignoring flush command, commit still in progress");
		return false;
	}
	if (internal)
		e->purge_at = 0;
	if (internal && external)
		ctf_log(LOG_NOTICE, "flushing caches");
	else
		ctf_log(LOG_NOTICE, internal ? "flushing internal cache" : "flushing external cache");
	if (internal)
		sync_internal_flush(e);
	if (external)
		sync_external_flush(e);
	return true;
}

static void commit(struct sync_engine *e, int code)
{
	e->purge_at = 0;
	ctf_log(LOG_NOTICE, code == CTD_REQ_ALL_COMMIT ? "committing all external caches"
						       : "committing conntrack cache");
	if (e->eager)
		sync_eager_commit(e);
	else if (!e->sc->disable_external_cache)
		(void)sync_kernel_commit(e);
}

static void reset_timers(struct sync_engine *e)
{
	if (e->purge_at)
		return;
	ctf_log(LOG_NOTICE, "flushing conntrack table in %u secs", e->sc->purge_timeout);
	e->purge_at = sync_now_ms() + (uint64_t)e->sc->purge_timeout * 1000;
}

void sync_requests_purge(struct sync_engine *e)
{
	e->ctr.kernel_flushes++;
	ctf_log(LOG_NOTICE, "flushing kernel conntrack table (scheduled)");
	(void)sync_kernel_flush(e);
	sync_internal_flush(e);
	/* the peer's states belong in a backup's kernel: write them again */
	if (e->eager)
		sync_eager_rewrite(e);
}

static void dump(struct sync_engine *e, bool internal, bool xml, struct sync_out *o)
{
	if (internal && e->sc->disable_internal_cache) {
		(void)sync_kernel_print(e, xml, o);
		return;
	}
	sync_dump_cache(e, internal ? &e->internal : &e->external, internal, xml, o);
}

static void kill_daemon(void)
{
	/* main() waits for this signal and shuts everything down in order */
	kill(getpid(), SIGTERM);
}

/* Codes that only act, or print nothing in Sync mode. Returns false when unknown. */
static bool act(struct sync_engine *e, int code)
{
	switch (code) {
	case CTD_REQ_CT_FLUSH_MASTER:
	case CTD_REQ_ALL_FLUSH_MASTER:
		flush_kernel(e);
		return true;
	case CTD_REQ_CT_RESYNC_MASTER:
	case CTD_REQ_ALL_RESYNC_MASTER:
		resync_kernel(e);
		return true;
	case CTD_REQ_CT_COMMIT:
	case CTD_REQ_ALL_COMMIT:
		commit(e, code);
		return true;
	case CTD_REQ_RESET_TIMERS:
		reset_timers(e);
		return true;
	case CTD_REQ_CT_FLUSH_CACHE:
	case CTD_REQ_ALL_FLUSH_CACHE:
		(void)flush_caches(e, true, true);
		return true;
	case CTD_REQ_CT_FLUSH_INT_CACHE:
		(void)flush_caches(e, true, false);
		return true;
	case CTD_REQ_CT_FLUSH_EXT_CACHE:
		(void)flush_caches(e, false, true);
		return true;
	case CTD_REQ_SEND_BULK:
		if (e->mode->send_bulk)
			e->mode->send_bulk(e);
		return true;
	case CTD_REQ_REQUEST_DUMP:
		if (e->mode->request_resync)
			e->mode->request_resync(e);
		return true;
	case CTD_REQ_KILL:
		kill_daemon();
		return true;
	case CTD_REQ_EXP_FLUSH_MASTER:
	case CTD_REQ_EXP_RESYNC_MASTER:
	case CTD_REQ_EXP_DUMP_INTERNAL:
	case CTD_REQ_EXP_DUMP_EXTERNAL:
	case CTD_REQ_EXP_DUMP_INT_XML:
	case CTD_REQ_EXP_DUMP_EXT_XML:
	case CTD_REQ_EXP_COMMIT:
	case CTD_REQ_EXP_STATS:
	case CTD_REQ_STATS_PROCESS:
		/* nothing without ExpectationSync (1.4.7 checks CTD_EXPECT first); no children */
		return true;
	}
	return false;
}

/* Codes that answer with text. Returns false when @code is not one of them. */
static bool answer(struct sync_engine *e, int code, struct sync_out *o)
{
	switch (code) {
	case CTD_REQ_CT_DUMP_INTERNAL:
	case CTD_REQ_CT_DUMP_INT_XML:
		dump(e, true, code == CTD_REQ_CT_DUMP_INT_XML, o);
		return true;
	case CTD_REQ_CT_DUMP_EXTERNAL:
	case CTD_REQ_CT_DUMP_EXT_XML:
		dump(e, false, code == CTD_REQ_CT_DUMP_EXT_XML, o);
		return true;
	case CTD_REQ_STATS:
		text_stats(e, o);
		return true;
	case CTD_REQ_STATS_NETWORK:
		text_network(e, o);
		return true;
	case CTD_REQ_STATS_CACHE:
		text_cache(e, o);
		return true;
	case CTD_REQ_STATS_RUNTIME:
		text_runtime(e, o);
		return true;
	case CTD_REQ_STATS_LINK:
		sync_channels_link_text(e->ch, o);
		return true;
	case CTD_REQ_STATS_RSQUEUE:
		text_rsqueue(e, o);
		return true;
	case CTD_REQ_STATS_QUEUE:
		text_queue(e, o);
		return true;
	case CTD_REQ_STATS_READY:
		sync_stats_ready(o, sync_requests_not_ready(e));
		return true;
	case CTD_REQ_STATS_JSON:
		text_json(e, o);
		return true;
	}
	return false;
}

/* Stats mode (stats-mode.c local_handler_stats, after run.c and ctnl.c). */
static bool serve_stats(struct sync_engine *e, int code, struct sync_out *o)
{
	struct sync_cache_stats cs;

	cache_stats(e, &e->internal, false, &cs);
	switch (code) {
	case CTD_REQ_CT_DUMP_INTERNAL:
	case CTD_REQ_CT_DUMP_INT_XML:
		sync_dump_cache(e, &e->internal, true, code == CTD_REQ_CT_DUMP_INT_XML, o);
		return true;
	case CTD_REQ_CT_FLUSH_CACHE:
	case CTD_REQ_CT_FLUSH_INT_CACHE:
		ctf_log(LOG_NOTICE, "flushing caches");
		sync_internal_flush(e);
		return true;
	case CTD_REQ_STATS: {
		struct sync_traffic_stats ts;

		sync_stats_cache(o, "stats", &cs);
		traffic_stats(e, &ts);
		sync_stats_traffic(o, &ts);
		return true;
	}
	case CTD_REQ_STATS_CACHE:
		sync_stats_cache_ext(o, "stats", &cs);
		return true;
	case CTD_REQ_STATS_RUNTIME:
		text_runtime(e, o);
		return true;
	case CTD_REQ_STATS_READY:
		sync_stats_ready(o, 0);
		return true;
	case CTD_REQ_STATS_JSON:
		text_json(e, o);
		return true;
	case CTD_REQ_CT_FLUSH_MASTER:
	case CTD_REQ_ALL_FLUSH_MASTER:
	case CTD_REQ_CT_RESYNC_MASTER:
	case CTD_REQ_ALL_RESYNC_MASTER:
	case CTD_REQ_KILL:
		return act(e, code);
	}
	/* 1.4.7's Stats mode has nothing else to say; it counts none of them */
	return true;
}

static void serve(struct sync_engine *e, int fd, int code)
{
	struct sync_out o = { 0 };
	int r;

	if (e->stats_mode)
		(void)serve_stats(e, code, &o);
	else if (!answer(e, code, &o) && !act(e, code))
		e->ctr.local_unknown++;
	/* the transmission of what the request queued goes first, as 1.4.7's loop does */
	e->mode->xmit(e);
	if (e->ch)
		sync_channels_flush(e->ch);
	r = sync_ctl_reply(fd, o.buf ? o.buf : "", o.len);
	if (r < 0 && r != -EPIPE)
		ctf_log_errno(LOG_DEBUG, r, "reply to %s", ctd_request_name(code));
	out_done(&o);
	if (e->ncommitted)
		sync_kernel_file_committed(e);
}

void sync_requests_accept(struct sync_engine *e)
{
	int i, r, fd, code;

	for (i = 0; i < ACCEPTS_PER_TURN; i++) {
		r = sync_ctl_accept(e->ctl, &fd, &code);
		if (r == -EAGAIN)
			return;
		if (r == -EBADMSG) {
			e->ctr.local_read_failed++;
			continue;
		}
		if (r < 0) {
			ctf_log_errno(LOG_WARNING, r, "UNIX socket accept failed, ignoring");
			return;
		}
		serve(e, fd, code);
	}
}

void sync_requests_done(struct sync_engine *e)
{
	if (e->commit_fd >= 0)
		close(e->commit_fd);
	e->commit_fd = -1;
}
