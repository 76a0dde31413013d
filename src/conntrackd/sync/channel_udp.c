// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd sync channels: UDP, and the socket options and datagram I/O multicast shares. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <ctflow/log.h>

#include "channel_impl.h"

int ch_socket(const struct sync_ch *c, int type, int *ret_fd)
{
	int fd = socket(c->conf.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

/*
 * Snd/RcvSocketBuffer. The FORCE variants pass the rmem_max/wmem_max caps
 * but need CAP_NET_ADMIN; without it the plain option still gets up to the
 * cap, where 1.4.7 gave up opening the channel.
 */
int ch_set_bufs(const struct sync_ch *c, int fd, bool rcv)
{
	unsigned int bytes = rcv ? c->conf.rcvbuf : c->conf.sndbuf;
	int v = (int)bytes;

	if (!bytes)
		return 0;
	if (!setsockopt(fd, SOL_SOCKET, rcv ? SO_RCVBUFFORCE : SO_SNDBUFFORCE, &v, sizeof(v)))
		return 0;
	ctf_log(LOG_DEBUG, "'%s': %s %u: %s, trying without FORCE", c->ifname,
		rcv ? "RcvSocketBuffer" : "SndSocketBuffer", bytes, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, rcv ? SO_RCVBUF : SO_SNDBUF, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

/* Checksum off sets SO_NO_CHECK; on is the kernel's default (IPv6 always checksums). */
int ch_set_checksum(const struct sync_ch *c, int fd)
{
	int one = 1;

	if (c->conf.checksum)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

/*
 * The scope id only matters for link-local addresses, where the kernel
 * needs it (bind, send, connect) and 1.4.7 took it from Interface too.
 */
void ch_fill_addr(union ch_addr *a, int family, const union ctf_addr *ip, uint16_t port,
		  int ifindex, socklen_t *ret_len)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons(port);
		a->in.sin_addr = ip->in;
		*ret_len = sizeof(a->in);
		return;
	}
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_port = htons(port);
	a->in6.sin6_addr = ip->in6;
	a->in6.sin6_scope_id = (uint32_t)ifindex;
	*ret_len = sizeof(a->in6);
}

/* The receiving socket, bound to IPvN_address:Port as 1.4.7 (with SO_REUSEADDR). */
static int udp_rx_open(struct sync_ch *c)
{
	char addr[INET6_ADDRSTRLEN + 8];
	int one = 1, r;

	r = ch_socket(c, SOCK_DGRAM, &c->rx_fd);
	if (r >= 0 && setsockopt(c->rx_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		r = -errno;
	if (r >= 0)
		r = ch_set_bufs(c, c->rx_fd, true);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket: UDP on '%s'", c->ifname);
	if (bind(c->rx_fd, &c->local.sa, c->salen) < 0)
		return ctf_log_err(-errno, "can't open channel socket: UDP on '%s': bind %s",
				   c->ifname, ch_addr_str(&c->local, addr, sizeof(addr)));
	return 0;
}

int ch_dgram_tx_socket(struct sync_ch *c)
{
	int r = ch_socket(c, SOCK_DGRAM, &c->tx_fd);

	if (r >= 0)
		r = ch_set_checksum(c, c->tx_fd);
	if (r >= 0)
		r = ch_set_bufs(c, c->tx_fd, false);
	return r;
}

/* The sending socket stays unbound: datagrams leave from an ephemeral port, as in 1.4.7. */
static int udp_tx_open(struct sync_ch *c)
{
	int r;

	r = ch_dgram_tx_socket(c);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket: UDP on '%s'", c->ifname);
	return 0;
}

int ch_udp_open(struct sync_ch *c)
{
	socklen_t len;
	int r;

	ch_fill_addr(&c->local, c->conf.family, &c->conf.addr, c->conf.port, c->ifindex, &c->salen);
	ch_fill_addr(&c->peer, c->conf.family, &c->conf.dest, c->conf.port, c->ifindex, &len);
	r = udp_rx_open(c);
	if (r >= 0)
		r = udp_tx_open(c);
	return r;
}

int ch_dgram_send(struct sync_ch *c, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = sendto(c->tx_fd, buf, len, MSG_DONTWAIT, &c->peer.sa, c->salen);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		c->cnt.errors_tx++;
		return -errno;
	}
	c->cnt.bytes_tx += (uint64_t)n;
	c->cnt.datagrams_tx++;
	return 0;
}

/* Up to CH_BUDGET datagrams, each handed whole to @cb. */
void ch_dgram_read(struct sync_ch *c, sync_rx_cb cb, void *data)
{
	uint8_t *buf = c->set->rxbuf;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < CH_BUDGET; i++) {
		n = recv(c->rx_fd, buf, CH_RX_READ, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->cnt.errors_rx++;
			return;
		}
		c->cnt.bytes_rx += (uint64_t)n;
		c->cnt.datagrams_rx++;
		if (n > 0)
			(void)cb(buf, (size_t)n, c->index, false, data);
	}
}
