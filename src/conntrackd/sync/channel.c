// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync channels: the set (open, epoll, dispatch, timer), packing,
 * the TCP error queue, multichannel and 1.4.7's statistics texts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <ctflow/log.h>
#include <ctflow/nl.h>

#include "channel_impl.h"

/* ------------------------------------------------------------ helpers */

uint64_t ch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ch_ep_add(struct sync_channels *set, int fd, uint64_t idx, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = set->tag | idx };

	if (set->epfd < 0 || fd < 0)
		return 0;
	if (epoll_ctl(set->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

void ch_ep_mod(struct sync_channels *set, int fd, uint64_t idx, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = set->tag | idx };

	if (set->epfd >= 0 && fd >= 0)
		(void)epoll_ctl(set->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void ch_ep_del(struct sync_channels *set, int fd)
{
	if (set->epfd >= 0 && fd >= 0)
		(void)epoll_ctl(set->epfd, EPOLL_CTL_DEL, fd, NULL);
}

void ch_close_fd(struct sync_channels *set, int *fd)
{
	if (*fd < 0)
		return;
	ch_ep_del(set, *fd);
	close(*fd);
	*fd = -1;
}

const char *ch_addr_str(const union ch_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->in.sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(a->in.sin_port));
	} else {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(a->in6.sin6_port));
	}
	return buf;
}

/* ------------------------------------------------------------ the TCP error queue */

static int errq_push(struct sync_channels *set, const uint8_t *buf, size_t len, size_t off,
		     unsigned int msgs)
{
	struct sync_ch *c = &set->ch[set->cur];
	struct ch_err *e;

	if (set->errq_len >= set->errq_max) {
		c->cnt.dropped_tx += msgs;
		return -ENOBUFS;
	}
	e = malloc(sizeof(*e) + len);
	if (!e) {
		c->cnt.dropped_tx += msgs;
		return -ENOMEM;
	}
	memcpy(e->buf, buf, len);
	e->next = NULL;
	e->len = len;
	e->off = off;
	e->msgs = msgs;
	e->chan = set->cur;
	*set->errq_tail = e;
	set->errq_tail = &e->next;
	set->errq_len++;
	return 0;
}

static void errq_pop(struct sync_channels *set)
{
	struct ch_err *e = set->errq;

	set->errq = e->next;
	if (!set->errq)
		set->errq_tail = &set->errq;
	set->errq_len--;
	free(e);
}

/* Which channel the head of the queue must go out on: where it started, else the current. */
static unsigned int errq_chan(const struct sync_channels *set)
{
	return set->errq->off ? set->errq->chan : set->cur;
}

bool ch_errq_wants(const struct sync_channels *set, unsigned int chan)
{
	return set->errq && errq_chan(set) == chan;
}

void ch_errq_conn_lost(struct sync_channels *set, unsigned int chan)
{
	if (set->errq && set->errq->off && set->errq->chan == chan)
		set->errq->off = 0; /* the peer dropped the torn part with the connection */
}

/* Send queued buffers in order until one does not go out whole. */
void ch_errq_drain(struct sync_channels *set)
{
	struct ch_err *e;
	unsigned int i;
	ssize_t n;

	while ((e = set->errq)) {
		i = errq_chan(set);
		n = ch_tcp_send(&set->ch[i], e->buf + e->off, e->len - e->off);
		if (n <= 0)
			break;
		e->chan = i;
		e->off += (size_t)n;
		if (e->off < e->len)
			break;
		errq_pop(set);
	}
	for (i = 0; i < set->n; i++)
		ch_tcp_arm(&set->ch[i]);
}

/* ------------------------------------------------------------ sending */

static size_t pack_limit(const struct sync_channels *set)
{
	unsigned int mtu = set->ch[set->cur].mtu;
	unsigned int hdr = set->type == CTF_CONF_CHANNEL_TCP ? 40 : 28; /* IPv4 + TCP or UDP */
	size_t limit = mtu > hdr ? mtu - hdr : 1;

	return limit < CH_DGRAM_MAX ? limit : CH_DGRAM_MAX;
}

/* TCP: whatever waits goes first; what does not go out now waits behind it. */
static int tcp_out(struct sync_channels *set, const uint8_t *buf, size_t len, unsigned int msgs)
{
	struct sync_ch *c = &set->ch[set->cur];
	size_t off = 0;
	ssize_t n;
	int r;

	ch_errq_drain(set);
	if (!set->errq) {
		n = ch_tcp_send(c, buf, len);
		if (n == (ssize_t)len)
			return 0;
		off = n > 0 ? (size_t)n : 0;
	}
	/* a partial send found the queue empty, so there is room: the stream stays whole */
	r = errq_push(set, buf, len, off, msgs);
	if (r < 0 && off)
		ch_tcp_lost(c, r); /* out of memory: the peer must drop the torn part */
	ch_tcp_arm(c);
	return r;
}

/*
 * One buffer of @msgs messages to the current channel. UDP and multicast do
 * not queue: a link that is down or a failed send loses the messages.
 */
static int out_buffer(struct sync_channels *set, const uint8_t *buf, size_t len, unsigned int msgs)
{
	struct sync_ch *c = &set->ch[set->cur];
	int r;

	if (set->type == CTF_CONF_CHANNEL_TCP)
		return tcp_out(set, buf, len, msgs);
	r = ch_link_up(c) ? ch_dgram_send(c, buf, len) : -ENETDOWN;
	if (r < 0)
		c->cnt.dropped_tx += msgs;
	return r;
}

static int pack_out(struct sync_channels *set)
{
	int r;

	if (!set->pack_len)
		return 0;
	r = out_buffer(set, set->pack, set->pack_len, set->pack_msgs);
	set->pack_len = 0;
	set->pack_msgs = 0;
	return r;
}

int sync_channels_send(struct sync_channels *set, const void *msg, size_t len)
{
	struct sync_ch *c = &set->ch[set->cur];
	size_t limit = pack_limit(set);

	if (!len || len > CH_DGRAM_MAX)
		return -EINVAL;
	if (set->type != CTF_CONF_CHANNEL_TCP && !ch_link_up(c)) {
		c->cnt.dropped_tx++;
		return -ENETDOWN;
	}
	if (set->pack_len && set->pack_len + len > limit)
		(void)pack_out(set); /* its losses are counted; this message is not one */
	memcpy(set->pack + set->pack_len, msg, len);
	set->pack_len += len;
	set->pack_msgs++;
	/* a full buffer, or a message larger than one, goes out now */
	if (set->pack_len >= limit)
		return pack_out(set);
	return 0;
}

void sync_channels_flush(struct sync_channels *set)
{
	(void)pack_out(set);
	if (set->type == CTF_CONF_CHANNEL_TCP)
		ch_errq_drain(set);
}

/* ------------------------------------------------------------ multichannel */

void ch_set_current(struct sync_channels *set, unsigned int chan)
{
	unsigned int i;

	set->cur = chan;
	for (i = 0; i < set->n; i++)
		ch_tcp_arm(&set->ch[i]); /* EPOLLOUT for the queue follows the current channel */
}

/* As 1.4.7's multichannel_change_current_channel: silent. */
void sync_channels_set_current(struct sync_channels *set, unsigned int chan)
{
	if (chan < set->n && chan != set->cur)
		ch_set_current(set, chan);
}

bool sync_channels_failover(struct sync_channels *set)
{
	unsigned int k, i;

	for (k = 1; k < set->n; k++) {
		i = (set->cur + k) % set->n;
		if (!ch_link_up(&set->ch[i]))
			continue;
		ch_set_current(set, i);
		ctf_log(LOG_NOTICE, "device `%s' becomes dedicated link", set->ch[i].ifname);
		return true;
	}
	return false;
}

unsigned int sync_channels_current(const struct sync_channels *set)
{
	return set->cur;
}

size_t sync_channels_mtu(const struct sync_channels *set)
{
	return pack_limit(set);
}

bool sync_channels_can_send(const struct sync_channels *set)
{
	const struct sync_ch *c = &set->ch[set->cur];

	if (set->type != CTF_CONF_CHANNEL_TCP)
		return ch_link_up(c);
	return c->tx_state == CH_TX_CONNECTED;
}

unsigned int sync_channels_count(const struct sync_channels *set)
{
	return set->n;
}

void sync_channels_counters(const struct sync_channels *set, unsigned int chan,
			    struct sync_channel_counters *ret)
{
	const struct sync_ch *c = &set->ch[chan < set->n ? chan : set->cur];

	*ret = c->cnt;
	ret->up = ch_link_up(c);
	ret->connected = set->type == CTF_CONF_CHANNEL_TCP && c->tx_state == CH_TX_CONNECTED;
	ret->accepted = c->conn_fd >= 0;
	ret->ifname = c->ifname;
}

/* ------------------------------------------------------------ timers */

static uint64_t next_deadline(const struct sync_channels *set)
{
	uint64_t next = UINT64_MAX, d;
	unsigned int i;

	if (set->type != CTF_CONF_CHANNEL_TCP)
		return next;
	for (i = 0; i < set->n; i++) {
		d = ch_tcp_deadline(&set->ch[i]);
		if (d < next)
			next = d;
	}
	return next;
}

/* The set's own timer fires at the next TCP deadline, however coarse the caller's timer is. */
static void timer_arm(struct sync_channels *set)
{
	struct itimerspec its = { 0 };
	uint64_t next = next_deadline(set);

	set->timer_dirty = false;
	if (next != UINT64_MAX) {
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000 + 1; /* never 0: disarms */
	}
	(void)timerfd_settime(set->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void run_timers(struct sync_channels *set, uint64_t now_ms)
{
	unsigned int i;

	if (set->type != CTF_CONF_CHANNEL_TCP)
		return;
	for (i = 0; i < set->n; i++)
		ch_tcp_tick(&set->ch[i], now_ms);
	ch_errq_drain(set);
	timer_arm(set);
}

unsigned int sync_channels_tick(struct sync_channels *set, uint64_t now_ms)
{
	uint64_t next;

	run_timers(set, now_ms);
	next = next_deadline(set);
	if (next == UINT64_MAX || next >= now_ms + 1000)
		return 1000;
	return next > now_ms ? (unsigned int)(next - now_ms) : 0;
}

/* ------------------------------------------------------------ events */

void sync_channels_handle(struct sync_channels *set, uint64_t u64, uint32_t events, sync_rx_cb cb,
			  void *data)
{
	unsigned int idx = (unsigned int)(u64 & CH_IDX_MASK);
	enum ch_kind kind = (enum ch_kind)(idx & 3);
	unsigned int chan = (idx >> 2) & 3, gen = idx >> 4;
	uint64_t expirations;

	if (kind == CH_K_SET && chan == CH_SET_LINK) {
		ch_link_handle(set);
	} else if (kind == CH_K_SET) {
		if (read(set->timer_fd, &expirations, sizeof(expirations)) < 0)
			expirations = 0; /* EAGAIN: another handler got there first */
		run_timers(set, ch_now_ms());
	} else if (chan < set->n && set->type == CTF_CONF_CHANNEL_TCP) {
		ch_tcp_handle(&set->ch[chan], kind, gen, events, cb, data);
	} else if (chan < set->n && kind == CH_K_RX) {
		ch_dgram_read(&set->ch[chan], cb, data);
	}
	if (set->timer_dirty)
		timer_arm(set);
}

int sync_channels_watch(struct sync_channels *set, int epfd, uint64_t tag)
{
	unsigned int i;
	int r;

	set->epfd = epfd;
	set->tag = tag & ~(uint64_t)CH_IDX_MASK;
	r = ch_ep_add(set, ctf_nl_fd(set->link), ch_idx(CH_K_SET, CH_SET_LINK, 0), EPOLLIN);
	if (r >= 0)
		r = ch_ep_add(set, set->timer_fd, ch_idx(CH_K_SET, CH_SET_TIMER, 0), EPOLLIN);
	for (i = 0; i < set->n && r >= 0; i++) {
		r = ch_ep_add(set, set->ch[i].rx_fd, ch_idx(CH_K_RX, i, 0), EPOLLIN);
		if (r >= 0 && set->type == CTF_CONF_CHANNEL_TCP)
			r = ch_tcp_watch(&set->ch[i]);
	}
	return r;
}

/* ------------------------------------------------------------ open and close */

static int ch_open(struct sync_channels *set, unsigned int i, const struct ctf_conf_channel *conf)
{
	struct sync_ch *c = &set->ch[i];

	c->set = set;
	c->index = i;
	c->conf = *conf;
	c->conf.ifname = NULL;
	c->rx_fd = c->tx_fd = c->conn_fd = -1;
	snprintf(c->ifname, sizeof(c->ifname), "%s", conf->ifname ? conf->ifname : "");
	ch_link_probe(c);
	switch (conf->type) {
	case CTF_CONF_CHANNEL_MCAST:
		return ch_mcast_open(c);
	case CTF_CONF_CHANNEL_UDP:
		return ch_udp_open(c);
	case CTF_CONF_CHANNEL_TCP:
		return ch_tcp_open(c);
	}
	return -EINVAL;
}

static struct sync_channels *set_alloc(const struct ctf_conf_sync *conf)
{
	struct sync_channels *set;

	set = calloc(1, sizeof(*set));
	if (!set)
		return NULL;
	set->epfd = -1;
	set->timer_fd = -1;
	set->n = (unsigned int)conf->n_channels;
	set->cur =
		conf->default_channel < conf->n_channels ? (unsigned int)conf->default_channel : 0;
	set->type = conf->channels[0].type;
	set->errq_max = conf->error_queue_length ? conf->error_queue_length : 128;
	set->errq_tail = &set->errq;
	set->pack = malloc(CH_DGRAM_MAX);
	set->rxbuf = malloc(CH_RX_READ);
	if (!set->pack || !set->rxbuf) {
		sync_channels_close(set);
		return NULL;
	}
	return set;
}

int sync_channels_open(struct sync_channels **ret_set, const struct ctf_conf_sync *conf)
{
	struct sync_channels *set;
	unsigned int i;
	int r;

	if (!conf->n_channels || conf->n_channels > CTF_CONF_MAX_CHANNELS)
		return -EINVAL;
	for (i = 1; i < conf->n_channels; i++)
		if (conf->channels[i].type != conf->channels[0].type)
			return -EINVAL;
	set = set_alloc(conf);
	if (!set)
		return ctf_log_err(-ENOMEM, "can't open channel socket");
	set->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	r = set->timer_fd < 0 ? ctf_log_err(-errno, "can't open channel socket: timerfd") : 0;
	/* the watch first, so no change falls between the probe and the first event */
	if (r >= 0)
		r = ch_link_open(set);
	for (i = 0; i < set->n && r >= 0; i++)
		r = ch_open(set, i, &conf->channels[i]);
	if (r < 0) {
		sync_channels_close(set);
		return r;
	}
	timer_arm(set);
	*ret_set = set;
	return 0;
}

void sync_channels_close(struct sync_channels *set)
{
	struct sync_ch *c;
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++) {
		c = &set->ch[i];
		if (!c->set)
			continue; /* never opened */
		if (set->type == CTF_CONF_CHANNEL_TCP)
			ch_tcp_close(c);
		ch_close_fd(set, &c->rx_fd);
		ch_close_fd(set, &c->tx_fd);
	}
	while (set->errq)
		errq_pop(set);
	if (set->link)
		ch_ep_del(set, ctf_nl_fd(set->link));
	ctf_nl_close(set->link);
	ch_close_fd(set, &set->timer_fd);
	free(set->pack);
	free(set->rxbuf);
	free(set);
}

/* ------------------------------------------------------------ 1.4.7's texts */

#define STATS_LINES                             \
	"%20llu Bytes sent %20llu Bytes recv\n" \
	"%20llu Pckts sent %20llu Pckts recv\n" \
	"%20llu Error send %20llu Error recv\n\n"

#define STATS_ARGS(c)                                                                              \
	(unsigned long long)(c)->cnt.bytes_tx, (unsigned long long)(c)->cnt.bytes_rx,              \
		(unsigned long long)(c)->cnt.datagrams_tx,                                         \
		(unsigned long long)(c)->cnt.datagrams_rx, (unsigned long long)(c)->cnt.errors_tx, \
		(unsigned long long)(c)->cnt.errors_rx

static const char *const type_names[] = {
	[CTF_CONF_CHANNEL_MCAST] = "multicast",
	[CTF_CONF_CHANNEL_UDP] = "UDP",
	[CTF_CONF_CHANNEL_TCP] = "TCP",
};

/* The channel block of "-s" (1.4.7's udp_, mcast_ and tcp_snprintf_stats): the current one. */
void sync_channels_stats_text(const struct sync_channels *set, struct sync_out *o)
{
	const struct sync_ch *c = &set->ch[set->cur];

	if (set->type != CTF_CONF_CHANNEL_TCP) {
		out_printf(o, "%s traffic (active device=%s):\n" STATS_LINES, type_names[set->type],
			   c->ifname, STATS_ARGS(c));
		return;
	}
	out_printf(o, "TCP traffic (active device=%s) server=%s client=%s:\n" STATS_LINES,
		   c->ifname, c->conn_fd >= 0 ? "connected" : "disconnected",
		   c->tx_state == CH_TX_CONNECTED ? "connected" : "disconnected", STATS_ARGS(c));
}

/* "-s link" (1.4.7's multichannel_stats_extended): every channel, in order. */
void sync_channels_link_text(const struct sync_channels *set, struct sync_out *o)
{
	const struct sync_ch *c;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		c = &set->ch[i];
		out_printf(o, "%s traffic device=%s status=%s role=%s:\n" STATS_LINES,
			   type_names[set->type], c->ifname, ch_link_status(c),
			   i == set->cur ? "ACTIVE" : "BACKUP", STATS_ARGS(c));
	}
}
