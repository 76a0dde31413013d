// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync channels: TCP. Each node listens and connects; the
 * outgoing connection only sends and the accepted one only receives.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>

#include <ctflow/log.h>

#include "channel_impl.h"

#define ACCEPT_MAX  4 /* connections taken per readiness; the last one wins */
#define CONN_EVENTS (EPOLLIN | EPOLLRDHUP)

/*
 * The next attempt, 100 ms after a failure and doubling up to 1 s. When
 * the peer connected to us while our attempt was under way, it is up now:
 * the next attempt is the quick one again.
 */
static void tx_schedule(struct sync_ch *c, uint64_t now)
{
	if (c->accepted_ms && c->accepted_ms >= c->connect_started_ms)
		c->backoff_ms = CH_CONNECT_MIN_MS;
	c->tx_state = CH_TX_IDLE;
	c->connect_at_ms = now + c->backoff_ms;
	c->backoff_ms =
		c->backoff_ms * 2 > CH_CONNECT_MAX_MS ? CH_CONNECT_MAX_MS : c->backoff_ms * 2;
	c->set->timer_dirty = true;
}

/* The outgoing connection failed or broke: count it, and connect again soon. */
void ch_tcp_lost(struct sync_ch *c, int r)
{
	ctf_log(LOG_DEBUG, "'%s': TCP connection to the peer: %s", c->ifname, strerror(-r));
	c->cnt.errors_tx++;
	ch_close_fd(c->set, &c->tx_fd);
	c->tx_events = 0;
	ch_errq_conn_lost(c->set, c->index);
	tx_schedule(c, ch_now_ms());
}

/*
 * One non-blocking connect on a fresh socket. TCP_NODELAY, which 1.4.7 does
 * not set: the set packs messages itself and flushes after each tx-queue
 * run, so Nagle would only hold back the small ACK/ALIVE messages.
 */
static void tx_connect(struct sync_ch *c, uint64_t now)
{
	int fd = -1, one = 1, r;

	c->connect_started_ms = now;
	r = ch_socket(c, SOCK_STREAM, &fd);
	if (r >= 0)
		r = ch_set_bufs(c, fd, false);
	if (r >= 0 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		r = -errno;
	if (r >= 0 && connect(fd, &c->peer.sa, c->salen) < 0 && errno != EINPROGRESS)
		r = -errno;
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		c->cnt.errors_tx++;
		tx_schedule(c, now);
		return;
	}
	c->tx_fd = fd;
	c->tx_gen++;
	c->tx_state = CH_TX_CONNECTING; /* EPOLLOUT says when, even if it is done already */
	c->tx_events = EPOLLOUT;
	if (ch_ep_add(c->set, fd, ch_idx(CH_K_TX, c->index, c->tx_gen), c->tx_events) < 0)
		ch_tcp_lost(c, -ENOMEM);
	c->set->timer_dirty = true;
}

/* Listen on IPvN_address:Port with backlog 1; accepted sockets inherit the options. */
static int tcp_listen(struct sync_ch *c)
{
	char addr[INET6_ADDRSTRLEN + 8];
	int one = 1, r;

	r = ch_socket(c, SOCK_STREAM, &c->rx_fd);
	if (r >= 0 && (setsockopt(c->rx_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		       setsockopt(c->rx_fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0))
		r = -errno;
	if (r >= 0)
		r = ch_set_bufs(c, c->rx_fd, true);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket: TCP on '%s'", c->ifname);
	if (bind(c->rx_fd, &c->local.sa, c->salen) < 0 || listen(c->rx_fd, 1) < 0)
		return ctf_log_err(-errno, "can't open channel socket: TCP on '%s': listen %s",
				   c->ifname, ch_addr_str(&c->local, addr, sizeof(addr)));
	return 0;
}

int ch_tcp_open(struct sync_ch *c)
{
	socklen_t len;
	int r;

	ch_fill_addr(&c->local, c->conf.family, &c->conf.addr, c->conf.port, c->ifindex, &c->salen);
	ch_fill_addr(&c->peer, c->conf.family, &c->conf.dest, c->conf.port, c->ifindex, &len);
	/* the kept tail (under 64 KiB: one message at most) and one read behind it */
	c->rxbuf = malloc(2 * CH_RX_READ);
	if (!c->rxbuf)
		return ctf_log_err(-ENOMEM, "can't open channel socket: TCP on '%s'", c->ifname);
	r = tcp_listen(c);
	if (r < 0)
		return r;
	c->backoff_ms = CH_CONNECT_MIN_MS;
	tx_connect(c, ch_now_ms());
	return 0;
}

void ch_tcp_close(struct sync_ch *c)
{
	ch_close_fd(c->set, &c->conn_fd);
	ch_close_fd(c->set, &c->tx_fd);
	free(c->rxbuf);
	c->rxbuf = NULL;
}

int ch_tcp_watch(struct sync_ch *c)
{
	int r = 0;

	if (c->conn_fd >= 0)
		r = ch_ep_add(c->set, c->conn_fd, ch_idx(CH_K_CONN, c->index, c->conn_gen),
			      CONN_EVENTS);
	if (r >= 0 && c->tx_fd >= 0)
		r = ch_ep_add(c->set, c->tx_fd, ch_idx(CH_K_TX, c->index, c->tx_gen), c->tx_events);
	return r;
}

void ch_tcp_arm(struct sync_ch *c)
{
	uint32_t want;

	if (c->tx_state != CH_TX_CONNECTED)
		return;
	want = CONN_EVENTS | (ch_errq_wants(c->set, c->index) ? EPOLLOUT : 0);
	if (want == c->tx_events)
		return;
	c->tx_events = want;
	ch_ep_mod(c->set, c->tx_fd, ch_idx(CH_K_TX, c->index, c->tx_gen), want);
}

ssize_t ch_tcp_send(struct sync_ch *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->tx_state != CH_TX_CONNECTED)
		return -ENOTCONN;
	do {
		n = send(c->tx_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		c->cnt.errors_tx++; /* as 1.4.7; the bytes wait in the error queue */
		return -EAGAIN;
	}
	if (n < 0) {
		n = -errno;
		ch_tcp_lost(c, (int)n);
		return n;
	}
	c->cnt.bytes_tx += (uint64_t)n;
	c->cnt.datagrams_tx++;
	return n;
}

/* The accepted connection ended: what is left of its stream is a torn message. */
static void conn_lost(struct sync_ch *c)
{
	ch_close_fd(c->set, &c->conn_fd);
	c->rx_tail = 0;
}

/* The peer connected to us, so it is up: replace the old session, and connect back now. */
static void tcp_accept(struct sync_ch *c)
{
	bool got = false;
	unsigned int i;
	int fd;

	for (i = 0; i < ACCEPT_MAX; i++) {
		fd = accept4(c->rx_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN)
				c->cnt.errors_rx++;
			break;
		}
		conn_lost(c);
		c->conn_fd = fd;
		c->conn_gen++;
		if (ch_ep_add(c->set, fd, ch_idx(CH_K_CONN, c->index, c->conn_gen), CONN_EVENTS) <
		    0)
			conn_lost(c);
		got = true;
	}
	if (!got)
		return;
	c->accepted_ms = ch_now_ms();
	if (c->tx_state == CH_TX_IDLE) {
		c->backoff_ms = CH_CONNECT_MIN_MS;
		tx_connect(c, c->accepted_ms);
	}
}

/* Hand everything buffered to @cb and keep what it did not consume. */
static void conn_deliver(struct sync_ch *c, size_t n, sync_rx_cb cb, void *data)
{
	size_t total = c->rx_tail + n, used;

	used = cb(c->rxbuf, total, c->index, true, data);
	if (used > total)
		used = total;
	c->rx_tail = total - used;
	if (c->rx_tail >= CH_RX_READ) {
		/* no message is that long: the callback cannot make progress */
		ctf_log(LOG_DEBUG, "'%s': dropping %zu unparsed stream bytes", c->ifname,
			c->rx_tail);
		c->cnt.errors_rx++;
		c->rx_tail = 0;
	} else if (c->rx_tail && used) {
		memmove(c->rxbuf, c->rxbuf + used, c->rx_tail);
	}
}

static void conn_read(struct sync_ch *c, sync_rx_cb cb, void *data)
{
	unsigned int i;
	ssize_t n;

	for (i = 0; i < CH_BUDGET && c->conn_fd >= 0; i++) {
		n = recv(c->conn_fd, c->rxbuf + c->rx_tail, CH_RX_READ, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n < 0)
				c->cnt.errors_rx++; /* a reset; a clean close is not an error */
			conn_lost(c);
			return;
		}
		c->cnt.bytes_rx += (uint64_t)n;
		c->cnt.datagrams_rx++;
		conn_deliver(c, (size_t)n, cb, data);
	}
}

static void tx_connecting(struct sync_ch *c, uint32_t events)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->tx_fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (!err && (events & (EPOLLERR | EPOLLHUP)))
		err = ECONNRESET;
	if (err) {
		ch_tcp_lost(c, -err);
		return;
	}
	c->tx_state = CH_TX_CONNECTED;
	c->backoff_ms = CH_CONNECT_MIN_MS;
	ctf_log(LOG_DEBUG, "'%s': TCP connected to the peer", c->ifname);
	c->tx_events = EPOLLOUT; /* so that arming below changes it */
	ch_tcp_arm(c);
	ch_errq_drain(c->set);
}

/* The outgoing connection carries nothing to us: readable means closed or reset. */
static void tx_readable(struct sync_ch *c)
{
	char scratch[256];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < CH_BUDGET; i++) {
		n = recv(c->tx_fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		ch_tcp_lost(c, n == 0 ? -EPIPE : -errno);
		return;
	}
}

void ch_tcp_handle(struct sync_ch *c, enum ch_kind kind, unsigned int gen, uint32_t events,
		   sync_rx_cb cb, void *data)
{
	switch (kind) {
	case CH_K_RX:
		tcp_accept(c);
		break;
	case CH_K_CONN:
		if (c->conn_fd >= 0 && gen == (c->conn_gen & CH_GEN_MASK))
			conn_read(c, cb, data);
		break;
	case CH_K_TX:
		if (c->tx_fd < 0 || gen != (c->tx_gen & CH_GEN_MASK))
			break; /* for a connection closed meanwhile */
		if (c->tx_state == CH_TX_CONNECTING) {
			tx_connecting(c, events);
			break;
		}
		if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			tx_readable(c);
		if (c->tx_fd >= 0 && (events & EPOLLOUT))
			ch_errq_drain(c->set);
		break;
	case CH_K_SET:
		break;
	}
}

/* Connect when due; give up a connect the link swallowed. */
void ch_tcp_tick(struct sync_ch *c, uint64_t now_ms)
{
	if (c->tx_state == CH_TX_CONNECTING &&
	    now_ms >= c->connect_started_ms + CH_CONNECT_TIMEOUT_MS)
		ch_tcp_lost(c, -ETIMEDOUT);
	if (c->tx_state == CH_TX_IDLE && now_ms >= c->connect_at_ms)
		tx_connect(c, now_ms);
}

/* When ch_tcp_tick() has work next (CLOCK_MONOTONIC ms), UINT64_MAX for never. */
uint64_t ch_tcp_deadline(const struct sync_ch *c)
{
	switch (c->tx_state) {
	case CH_TX_IDLE:
		return c->connect_at_ms;
	case CH_TX_CONNECTING:
		return c->connect_started_ms + CH_CONNECT_TIMEOUT_MS;
	default:
		return UINT64_MAX;
	}
}
