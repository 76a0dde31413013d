// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: the sync thread. One epoll loop over the readers' wake-up
 * eventfd, the channels and the control socket; after each turn the mode
 * sends what was queued and the channels flush, as 1.4.7's tx queue does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <ctflow/evfilter.h>
#include <ctflow/log.h>

#include "ctl.h"
#include "engine.h"
#include "requests.h"
#include "wheel.h"

#define TAG_WAKE    (1ULL << 32)
#define TAG_CTL	    (2ULL << 32)
#define TAG_CHANNEL (3ULL << 32)
#define TAG_MASK    (0xffffULL << 32)

#define EVQ_BYTES	   (8U << 20) /* per reader: ~80k events of headroom */
#define EVENTS_PER_TURN	   4096       /* per ring and loop turn, so rx and requests interleave */
#define TICK_MS		   100

uint64_t sync_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint32_t sync_now_secs(void)
{
	return (uint32_t)(sync_now_ms() / 1000);
}

int64_t sync_wall_secs(void)
{
	return (int64_t)time(NULL);
}

/* ---- Transmission ---- */

static uint32_t next_seq(struct sync_engine *e)
{
	/* 1.4.7 starts at time(NULL) on the first message; receivers accept any start. */
	if (!e->seq_set) {
		e->seq_set = true;
		e->seq_next = (uint32_t)time(NULL);
	}
	return e->seq_next++;
}

static void send_msg(struct sync_engine *e, const uint8_t *msg, size_t len, uint8_t type)
{
	if (sync_channels_send(e->ch, msg, len) < 0)
		return;
	e->ctr.tx_msgs[type <= CTF_SYNC_T_CTL ? type : CTF_SYNC_T_CTL]++;
}

void sync_send_ctl(struct sync_engine *e, struct sync_ctlmsg *m, uint8_t extra_flags)
{
	uint8_t buf[CTF_SYNC_CTL_LEN];
	size_t n;

	m->hdr.flags |= extra_flags;
	m->hdr.len = (uint16_t)ctf_sync_hdr_size(m->hdr.flags);
	m->hdr.seq = next_seq(e);
	m->q.seq = m->hdr.seq;
	n = ctf_sync_put_hdr(buf, &m->hdr);
	send_msg(e, buf, n, CTF_SYNC_T_CTL);
}

uint8_t sync_obj_type(const struct sync_obj *o)
{
	if (o->status == SYNC_OBJ_DEAD)
		return CTF_SYNC_T_CT_DEL;
	return o->status == SYNC_OBJ_NEW ? CTF_SYNC_T_CT_NEW : CTF_SYNC_T_CT_UPD;
}

void sync_send_obj(struct sync_engine *e, struct sync_obj *o, uint8_t flags)
{
	uint8_t buf[CTF_SYNC_HDR_LEN + UINT16_MAX];
	struct ctf_sync_hdr h = {
		.type = sync_obj_type(o),
		.flags = flags,
		.len = (uint16_t)(CTF_SYNC_HDR_LEN + o->len),
	};

	if ((size_t)CTF_SYNC_HDR_LEN + o->len > UINT16_MAX) {
		e->ctr.tx_malformed++;
		return;
	}
	h.seq = next_seq(e);
	o->q.seq = h.seq;
	ctf_sync_put_hdr(buf, &h);
	memcpy(buf + CTF_SYNC_HDR_LEN, o->body, o->len);
	send_msg(e, buf, h.len, h.type);
}

void sync_queue_ctl(struct sync_engine *e, uint8_t flags, uint32_t from, uint32_t to)
{
	struct sync_ctlmsg *m = sync_ctlmsg_new(flags, from, to);

	if (!m)
		return;
	if (!sync_queue_add(&e->txq, &m->q))
		free(m);
}

void sync_enqueue_tx(struct sync_engine *e, struct sync_obj *o)
{
	/* from the resend queue (FTFW) it moves; already waiting, it stays */
	if (!sync_queue_add(&e->txq, &o->q))
		e->ctr.tx_malformed++;
}

static void bulk_one(struct sync_obj *o, void *data)
{
	struct sync_engine *e = data;

	if (o->status != SYNC_OBJ_DEAD)
		e->mode->enqueue(e, o);
}

void sync_send_bulk(struct sync_engine *e)
{
	ctf_log(LOG_NOTICE, "sending bulk update");
	sync_bulk_begin(e);
	sync_cache_each(&e->internal, bulk_one, e);
}

void sync_xmit_unreliable(struct sync_engine *e)
{
	struct sync_qitem *it;

	while ((it = sync_queue_first(&e->txq))) {
		sync_queue_del(it);
		if (it->kind == SYNC_Q_CTL) {
			sync_send_ctl(e, (struct sync_ctlmsg *)it, 0);
			free(it);
			continue;
		}
		sync_send_obj(e, (struct sync_obj *)it, 0);
		sync_obj_dequeued(e, (struct sync_obj *)it);
	}
}

void sync_obj_dequeued(struct sync_engine *e, struct sync_obj *o)
{
	(void)e;
	sync_obj_release(o);
}

/* ---- Sequence tracking, shared by the modes (network.c) ---- */

int sync_track_seq(struct sync_engine *e, uint32_t seq, uint32_t *ret_exp)
{
	uint32_t exp = e->last_seq_recv + 1;

	*ret_exp = exp;
	if (!e->seq_recv_set)
		return SYNC_SEQ_UNSET;
	if (seq == exp)
		return SYNC_SEQ_IN_SYNC;
	if ((int32_t)(seq - exp) > 0) {
		/* 1.4.7 adds seq - last + 1, two more than were lost; we count the gap */
		e->ctr.rx_lost += seq - exp;
		e->ctr.rx_gaps++;
		return SYNC_SEQ_AFTER;
	}
	e->ctr.rx_before++;
	return SYNC_SEQ_BEFORE;
}

void sync_track_update(struct sync_engine *e, uint32_t seq)
{
	e->seq_recv_set = true;
	e->last_seq_recv = seq;
	e->peer_heard_ms = sync_now_ms();
}

void sync_ratelimit_log(struct sync_engine *e, uint32_t *last, int prio, const char *fmt, ...)
{
	uint32_t now = sync_now_secs();
	char msg[512];
	va_list ap;

	(void)e;
	if (*last && now - *last < 10)
		return;
	*last = now ? now : 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctf_log(prio, "%s", msg);
}

void sync_engine_refused(struct sync_engine *e, struct sync_cache *c)
{
	e->refused_since_resync = true;
	sync_ratelimit_log(e, &e->refuse_log, LOG_WARNING,
			   "the %s cache is full (HashLimit %zu): an entry was refused; "
			   "raise HashLimit, a resync repairs it",
			   c->name, c->limit);
}

void sync_await_transfer(struct sync_engine *e)
{
	e->resync_pending = true;
	e->resync_asked_ms = sync_now_ms();
}

/*
 * The peer's whole state has come when, after we began waiting, it sends a
 * control message from its idle alive timer: 1.4.7 re-arms that timer
 * after every transmission, so an ACK or ALIVE a second after its last data
 * means its queue, the bulk included, has drained. What we had refused or
 * dropped is now made good.
 */
static void transfer_done(struct sync_engine *e, const struct ctf_sync_hdr *h, uint64_t now)
{
	if (!e->resync_pending || !(h->flags & (CTF_SYNC_F_ACK | CTF_SYNC_F_ALIVE)))
		return;
	if (now - e->resync_asked_ms < 1000 || now - e->data_heard_ms < 1000)
		return;
	e->resync_pending = false;
	e->refused_since_resync = false;
	e->rsq_overflow_since_resync = false;
}

void sync_bulk_begin(struct sync_engine *e)
{
	e->ctr.bulks++;
	e->bulk_started_ms = sync_now_ms();
}

enum sync_msg_verdict sync_digest_msg(struct sync_engine *e, const struct ctf_sync_hdr *h)
{
	if (h->type <= CTF_SYNC_T_DATA_MAX &&
	    !(h->flags & ~(CTF_SYNC_F_HELLO | CTF_SYNC_F_HELLO_BACK)))
		return SYNC_MSG_DATA;
	if (h->type != CTF_SYNC_T_CTL)
		return SYNC_MSG_BAD;
	if (h->flags & CTF_SYNC_F_RESYNC) {
		ctf_log(LOG_NOTICE, "resync requested by other node");
		e->ctr.resyncs_received++;
		e->mode->send_bulk(e);
		return SYNC_MSG_CTL;
	}
	return h->flags & CTF_SYNC_F_ALIVE ? SYNC_MSG_CTL : SYNC_MSG_BAD;
}

/* ---- Reception ---- */

struct rx_ctx {
	struct sync_engine *e;
	unsigned int chan;
};

static void rx_refuse(struct sync_engine *e, enum ctf_sync_rx_error why)
{
	e->ctr.rx_malformed++;
	e->ctr.rx_error[why]++;
}

static void rx_data(struct sync_engine *e, const struct ctf_sync_msg *m)
{
	const uint8_t *body = m->data + CTF_SYNC_HDR_LEN;
	size_t len = m->len - CTF_SYNC_HDR_LEN;
	unsigned int unknown = 0;
	struct ctf_flow f;

	if (m->hdr.type > CTF_SYNC_T_CT_DEL) {
		/* expectations: not replicated yet, but counted, never refused */
		e->ctr.rx_msgs[m->hdr.type]++;
		return;
	}
	if (ctf_sync_ct_decode(body, len, &f, &unknown) < 0) {
		rx_refuse(e, CTF_SYNC_RX_PAYLOAD);
		return;
	}
	e->ctr.rx_unknown_attr += unknown;
	e->ctr.rx_msgs[m->hdr.type]++;
	if (e->sc->disable_external_cache)
		sync_kernel_inject(e, m->hdr.type, &f);
	else
		sync_external_msg(e, m->hdr.type, &f, body, len);
}

/* One message: 1.4.7's do_channel_handler_step (the version was checked by the split). */
static void rx_msg(const struct ctf_sync_msg *m, void *data)
{
	struct rx_ctx *rx = data;
	struct sync_engine *e = rx->e;

	switch (e->mode->recv(e, &m->hdr)) {
	case SYNC_MSG_DATA:
		sync_channels_set_current(e->ch, rx->chan);
		e->data_heard_ms = sync_now_ms();
		break;
	case SYNC_MSG_CTL:
		sync_channels_set_current(e->ch, rx->chan);
		e->ctr.rx_msgs[CTF_SYNC_T_CTL]++;
		transfer_done(e, &m->hdr, sync_now_ms());
		return;
	case SYNC_MSG_BAD:
		rx_refuse(e, CTF_SYNC_RX_HEADER);
		return;
	case SYNC_MSG_DROP:
		return;
	}
	if (m->hdr.type > CTF_SYNC_T_DATA_MAX) {
		rx_refuse(e, CTF_SYNC_RX_TYPE);
		return;
	}
	rx_data(e, m);
}

static size_t rx_bytes(const uint8_t *buf, size_t len, unsigned int chan, bool stream, void *data)
{
	struct sync_engine *e = data;
	uint64_t errs[__CTF_SYNC_RX_MAX] = { 0 };
	struct rx_ctx rx = { .e = e, .chan = chan };
	size_t used;
	int i;

	used = ctf_sync_split(buf, len, stream, rx_msg, &rx, errs);
	for (i = 0; i < __CTF_SYNC_RX_MAX; i++) {
		e->ctr.rx_error[i] += errs[i];
		e->ctr.rx_malformed += errs[i];
	}
	return used;
}

/* ---- Events from the readers ---- */

static void drain_events(struct sync_engine *e)
{
	unsigned int i;

	for (i = 0; i < e->nevq; i++)
		(void)sync_evq_drain(&e->evq[i], EVENTS_PER_TURN, sync_internal_event_cb, e);
	if (atomic_exchange(&e->events_lost, false) && !e->resync_at &&
	    e->conf->general.netlink_overrun_resync >= 0) {
		e->ctr.nl_overruns++;
		e->resync_at = sync_now_ms() + (uint64_t)e->conf->general.netlink_overrun_resync * 1000;
	}
}

static bool events_pending(const struct sync_engine *e)
{
	unsigned int i;

	for (i = 0; i < e->nevq; i++)
		if (atomic_load(&e->evq[i].head) != atomic_load(&e->evq[i].tail))
			return true;
	return false;
}

/* ---- Timers ---- */

/*
 * PeerDeadTime (ctflow, off by default): the peer is silent on a link that
 * still looks up (a dead switch port, a filter): try the next link. 1.4.7
 * only follows the link state.
 */
static void peer_dead(struct sync_engine *e, uint64_t now)
{
	uint64_t dead = (uint64_t)e->sc->peer_dead_time * 1000;
	uint64_t since = e->peer_heard_ms > e->peer_dead_ms ? e->peer_heard_ms : e->peer_dead_ms;

	if (!dead || !e->ch || sync_channels_count(e->ch) < 2 || !since || now - since < dead)
		return;
	e->peer_dead_ms = now;
	if (sync_channels_failover(e->ch))
		e->ctr.failovers_silence++;
}

static void run_timers(struct sync_engine *e, uint64_t now)
{
	if (e->mode->tick)
		e->mode->tick(e, now);
	if (e->ch)
		(void)sync_channels_tick(e->ch, now);
	peer_dead(e, now);
	if (e->purge_at && now >= e->purge_at) {
		e->purge_at = 0;
		sync_requests_purge(e);
	}
	if (e->resync_at && now >= e->resync_at) {
		e->resync_at = 0;
		e->ctr.kernel_resyncs++;
		(void)sync_kernel_dump(e, true);
	}
	sync_cache_gc(&e->internal, (uint32_t)(now / 1000));
	if (e->wheel_int)
		sync_wheel_run(e->wheel_int, now);
	if (e->wheel_ext)
		sync_wheel_run(e->wheel_ext, now);
	if (e->wheel_kern)
		sync_wheel_run(e->wheel_kern, now);
	sync_publish(e, now);
}

/* ---- The loop ---- */

static void handle(struct sync_engine *e, const struct epoll_event *ev)
{
	uint64_t tag = ev->data.u64 & TAG_MASK, v;

	switch (tag) {
	case TAG_WAKE:
		if (read(e->wake_fd, &v, sizeof(v)) < 0)
			ctf_log(LOG_DEBUG, "wake-up read failed");
		break;
	case TAG_CTL:
		sync_requests_accept(e);
		break;
	case TAG_CHANNEL:
		sync_channels_handle(e->ch, ev->data.u64, ev->events, rx_bytes, e);
		break;
	}
}

static void *engine_main(void *arg)
{
	struct sync_engine *e = arg;
	struct epoll_event evs[32];
	int i, n, timeout;

	while (!atomic_load(&e->stop)) {
		timeout = events_pending(e) ? 0 : TICK_MS;
		if (timeout) {
			/*
			 * Readers kick only a sleeping thread: say so, then look
			 * once more (seq_cst on both sides: no wake-up is lost).
			 */
			atomic_store(&e->sleeping, true);
			if (events_pending(e))
				timeout = 0;
		}
		n = epoll_wait(e->epfd, evs, 32, timeout);
		atomic_store(&e->sleeping, false);
		if (n < 0 && errno != EINTR) {
			ctf_log_err(-errno, "sync: epoll_wait failed");
			break;
		}
		for (i = 0; i < n; i++)
			handle(e, &evs[i]);
		drain_events(e);
		run_timers(e, sync_now_ms());
		if (e->eager)
			(void)sync_eager_flush(e);
		e->mode->xmit(e);
		if (e->ch)
			sync_channels_flush(e->ch);
	}
	return NULL;
}

/* ---- Reader side ---- */

static uint8_t origin_of(struct sync_engine *e, const struct ctf_flow *f)
{
	unsigned int i;

	for (i = SYNC_ORIGIN_COMMIT; i <= SYNC_ORIGIN_INJECT; i++)
		if (f->nl_portid && f->nl_portid == atomic_load_explicit(&e->portid[i],
									 memory_order_relaxed))
			return (uint8_t)i;
	return SYNC_ORIGIN_NOT_ME;
}

void sync_engine_event(struct sync_engine *e, unsigned int reader, const struct ctf_flow *f)
{
	uint8_t body[CTF_SYNC_BODY_MAX];
	struct sync_ev ev = { 0 };
	unsigned int dropped = 0;
	int n;

	if (reader >= e->nevq)
		return;
	n = ctf_sync_ct_encode(body, sizeof(body), f, &e->opts, &dropped);
	if (n < 0)
		return;
	ev.type = f->event == CTF_EVENT_NEW	  ? SYNC_EV_NEW
		  : f->event == CTF_EVENT_DESTROY ? SYNC_EV_DESTROY
						  : SYNC_EV_UPDATE;
	ev.origin = origin_of(e, f);
	ev.body_len = (uint16_t)n;
	ev.ct_id = f->id;
	ev.related = ctf_flow_has(f, CTF_FLOW_A_MASTER);
	sync_key_from_flow(&ev.key, f);
	if (ctf_flow_has(f, CTF_FLOW_A_REPLY))
		ev.reply = f->reply;
	if (ev.type == SYNC_EV_DESTROY) {
		ev.counters[0] = f->counters[0];
		ev.counters[1] = f->counters[1];
	}
	if (dropped & CTF_SYNC_DROPPED_HELPER)
		atomic_fetch_add_explicit(&e->helper_dropped, 1, memory_order_relaxed);
	if (!sync_evq_push(&e->evq[reader], &ev, body))
		atomic_store(&e->events_lost, true);
}

unsigned int sync_engine_portids(const struct sync_engine *e, uint32_t *ret, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = SYNC_ORIGIN_COMMIT; i <= SYNC_ORIGIN_INJECT && n < max; i++)
		ret[n++] = atomic_load(&e->portid[i]);
	return n;
}

static void wake(struct sync_engine *e)
{
	uint64_t one = 1;

	if (write(e->wake_fd, &one, sizeof(one)) < 0)
		ctf_log(LOG_DEBUG, "sync: wake-up write failed");
}

/* A thread that is busy finds the events itself: a system call per batch would cost more. */
void sync_engine_kick(struct sync_engine *e)
{
	if (atomic_exchange(&e->sleeping, false))
		wake(e);
}

void sync_engine_overrun(struct sync_engine *e)
{
	atomic_store(&e->events_lost, true);
	wake(e);
}

/* ---- Life cycle ---- */

static int epoll_add(struct sync_engine *e, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

static const struct sync_mode *pick_mode(const struct ctf_conf *conf)
{
	if (conf->mode == CTF_CONF_MODE_STATS)
		return &sync_mode_stats;
	switch (conf->sync.mode) {
	case CTF_CONF_SYNC_ALARM:
		return &sync_mode_alarm;
	case CTF_CONF_SYNC_NOTRACK:
		return &sync_mode_notrack;
	default:
		return &sync_mode_ftfw;
	}
}

static int open_queues(struct sync_engine *e, unsigned int nreaders)
{
	unsigned int i;
	int r;

	e->evq = calloc(nreaders ? nreaders : 1, sizeof(*e->evq));
	if (!e->evq)
		return -ENOMEM;
	for (i = 0; i < nreaders; i++) {
		r = sync_evq_init(&e->evq[i], EVQ_BYTES);
		if (r < 0)
			return r;
		e->nevq++;
	}
	sync_queue_init(&e->txq, "txqueue", 0);
	sync_queue_init(&e->rsq, "rsqueue", e->sc->resend_queue_size);
	return 0;
}

static int open_caches(struct sync_engine *e)
{
	const struct ctf_conf_general *g = &e->conf->general;
	int r;

	r = sync_cache_init(&e->internal, e->stats_mode ? "stats" : "internal", g->hash_size,
			    g->hash_limit);
	if (r == 0)
		r = sync_cache_init(&e->external, "external", g->hash_size, g->hash_limit);
	if (r < 0)
		return ctf_log_err(r, "can't allocate memory for the caches");
	if (e->sc->mode == CTF_CONF_SYNC_ALARM) {
		r = sync_alarm_setup(e);
		if (r < 0)
			return ctf_log_err(r, "can't allocate the refresh timers");
	}
	return 0;
}

static int open_channels(struct sync_engine *e)
{
	int r;

	if (e->stats_mode)
		return sync_stats_open_log(e);
	r = sync_channels_open(&e->ch, e->sc);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket");
	return sync_channels_watch(e->ch, e->epfd, TAG_CHANNEL);
}

static int open_fds(struct sync_engine *e)
{
	int r;

	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->epfd < 0 || e->wake_fd < 0)
		return ctf_log_err(-errno, "sync: cannot create the event loop");
	r = epoll_add(e, e->wake_fd, TAG_WAKE);
	if (r == 0)
		r = open_channels(e);
	if (r < 0)
		return r;
	r = sync_ctl_open(&e->ctl, e->conf->general.unix_path);
	if (r < 0)
		return ctf_log_err(r, "can't open unix socket!");
	return epoll_add(e, sync_ctl_fd(e->ctl), TAG_CTL);
}

static void log_modes(const struct sync_engine *e)
{
	if (e->sc->disable_internal_cache)
		ctf_log(LOG_NOTICE, "disabling internal cache");
	if (e->sc->disable_external_cache)
		ctf_log(LOG_NOTICE, "disabling external cache");
}

int sync_engine_new(struct sync_engine **ret_e, const struct ctf_conf *conf,
		    unsigned int nreaders)
{
	struct sync_engine *e;
	int r;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->conf = conf;
	e->sc = &conf->sync;
	e->mode = pick_mode(conf);
	e->stats_mode = conf->mode == CTF_CONF_MODE_STATS;
	e->epfd = e->wake_fd = e->commit_fd = -1;
	pthread_mutex_init(&e->pub_lock, NULL);
	e->start_time = sync_wall_secs();
	e->opts.no_timeout = e->sc->commit_timeout != 0;
	e->opts.wscale = e->sc->tcp_window_tracking;
	e->ftfw.window = e->sc->window_size;
	e->resync_on_peer_restart = e->sc->resync_on_peer_restart;
	e->eager = !e->stats_mode && e->sc->commit_mode == CTF_CONF_COMMIT_EAGER &&
		   !e->sc->disable_external_cache;
	log_modes(e);
	r = open_queues(e, nreaders);
	if (r == 0)
		r = open_caches(e);
	if (r == 0)
		r = open_fds(e);
	if (r == 0)
		r = sync_kernel_open(e);
	if (r == 0 && e->eager)
		r = sync_eager_open(e);
	if (r < 0) {
		sync_engine_free(e);
		return r;
	}
	*ret_e = e;
	return 0;
}

/*
 * 1.4.7 runs its one thread SCHED_RR at the highest priority unless told
 * otherwise; on two cores that would let a busy sync starve the host, so
 * ours does it only when a Scheduler section asks, and for the sync thread.
 */
static void set_scheduler(struct sync_engine *e)
{
	const struct ctf_conf_general *g = &e->conf->general;
	struct sched_param sp = { .sched_priority = g->sched_priority };
	int r;

	if (!g->sched_given)
		return;
	if (sp.sched_priority < 0)
		sp.sched_priority = sched_get_priority_max(g->sched_policy);
	r = pthread_setschedparam(e->thread, g->sched_policy, &sp);
	if (r)
		ctf_log(LOG_WARNING, "scheduler configuration failed: %s. Continuing with system "
				     "default scheduler.", strerror(r));
}

int sync_engine_start(struct sync_engine *e)
{
	int r;

	/* The readers run by now: what changes during the dump waits in their rings. */
	if (!e->sc->disable_internal_cache) {
		r = sync_kernel_dump(e, false);
		if (r < 0)
			return r;
	}
	if (e->sc->startup_resync && e->mode->request_resync)
		e->mode->request_resync(e);
	/* a ctflow peer sends us its state when it hears our HELLO; 1.4.7 after -n */
	if (!e->stats_mode)
		sync_await_transfer(e);
	r = -pthread_create(&e->thread, NULL, engine_main, e);
	if (r < 0)
		return ctf_log_err(r, "cannot start the sync thread");
	e->started = true;
	set_scheduler(e);
	return 0;
}

void sync_engine_stop(struct sync_engine *e)
{
	if (!e || !e->started)
		return;
	atomic_store(&e->stop, true);
	wake(e);
	pthread_join(e->thread, NULL);
	e->started = false;
}

static void drop_queue(struct sync_queue *q)
{
	struct sync_qitem *it;

	while ((it = sync_queue_first(q)))
		sync_qitem_free(it);
}

void sync_engine_free(struct sync_engine *e)
{
	unsigned int i;

	if (!e)
		return;
	sync_engine_stop(e);
	drop_queue(&e->txq);
	drop_queue(&e->rsq);
	if (e->eager)
		sync_eager_close(e);
	sync_wheel_free(e->wheel_int);
	sync_wheel_free(e->wheel_ext);
	sync_cache_done(&e->internal);
	sync_cache_done(&e->external);
	sync_requests_done(e);
	free(e->committed);
	sync_ctl_close(e->ctl);
	sync_channels_close(e->ch);
	if (e->stats_log)
		fclose(e->stats_log);
	sync_kernel_close(e);
	for (i = 0; i < e->nevq; i++)
		sync_evq_done(&e->evq[i]);
	free(e->evq);
	if (e->epfd >= 0)
		close(e->epfd);
	if (e->wake_fd >= 0)
		close(e->wake_fd);
	pthread_mutex_destroy(&e->pub_lock);
	free(e);
}
