// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd sync channels: multicast (join, bind the group, send without loopback). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <ctflow/log.h>

#include "channel_impl.h"

#ifndef IP_MULTICAST_ALL
#define IP_MULTICAST_ALL 49
#endif
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

static int set_int(int fd, int level, int opt, int v)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

/*
 * Join on Interface's index when it exists (IPv4_interface names the source
 * address); 1.4.7 joined on IPv4_interface's address alone, which is the
 * same link in any configuration that works.
 */
static int mcast_join(const struct sync_ch *c)
{
	struct ip_mreqn mr4 = {
		.imr_multiaddr = c->conf.addr.in,
		.imr_address = c->conf.ifaddr.in,
		.imr_ifindex = c->ifindex,
	};
	struct ipv6_mreq mr6 = {
		.ipv6mr_multiaddr = c->conf.addr.in6,
		.ipv6mr_interface = (unsigned int)c->ifindex,
	};
	int r;

	if (c->conf.family == AF_INET)
		r = setsockopt(c->rx_fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr4, sizeof(mr4));
	else
		r = setsockopt(c->rx_fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr6, sizeof(mr6));
	return r < 0 ? -errno : 0;
}

/*
 * Bind the group, not INADDR_ANY as 1.4.7 did: there the socket also took
 * unicast datagrams to the port and other groups' traffic (fixed upstream
 * after 1.4.7, commit d30b3f6, netfilter bugzilla #1819 "multicast sync
 * messages can be received from any interface"). MULTICAST_ALL off keeps
 * out the group's traffic from links that only another socket joined. A
 * correct setup sees no difference.
 */
static int mcast_rx_open(struct sync_ch *c)
{
	char addr[INET6_ADDRSTRLEN + 8];
	int r;

	r = ch_socket(c, SOCK_DGRAM, &c->rx_fd);
	if (r >= 0)
		r = set_int(c->rx_fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (r >= 0)
		r = ch_set_bufs(c, c->rx_fd, true);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket: multicast on '%s'", c->ifname);
	if (bind(c->rx_fd, &c->local.sa, c->salen) < 0)
		return ctf_log_err(-errno, "can't open channel socket: multicast on '%s': bind %s",
				   c->ifname, ch_addr_str(&c->local, addr, sizeof(addr)));
	r = mcast_join(c);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket: multicast on '%s': join %s",
				   c->ifname, ch_addr_str(&c->local, addr, sizeof(addr)));
	if (c->conf.family == AF_INET)
		(void)set_int(c->rx_fd, IPPROTO_IP, IP_MULTICAST_ALL, 0);
	else
		(void)set_int(c->rx_fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
	return 0;
}

/* Our own datagrams must not come back (LOOP 0); they leave by the dedicated link. */
static int mcast_tx_opts(const struct sync_ch *c)
{
	struct ip_mreqn mr4 = { .imr_address = c->conf.ifaddr.in, .imr_ifindex = c->ifindex };
	int r;

	if (c->conf.family == AF_INET6) {
		r = set_int(c->tx_fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
		if (r >= 0)
			r = set_int(c->tx_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, c->ifindex);
		return r;
	}
	r = set_int(c->tx_fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
	if (r >= 0 && setsockopt(c->tx_fd, IPPROTO_IP, IP_MULTICAST_IF, &mr4, sizeof(mr4)) < 0)
		r = -errno;
	return r;
}

static int mcast_tx_open(struct sync_ch *c)
{
	int r;

	r = ch_dgram_tx_socket(c);
	if (r >= 0)
		r = mcast_tx_opts(c);
	if (r < 0)
		return ctf_log_err(r, "can't open channel socket: multicast on '%s'", c->ifname);
	return 0;
}

int ch_mcast_open(struct sync_ch *c)
{
	int r;

	/* the group is both where we listen and where we send */
	ch_fill_addr(&c->local, c->conf.family, &c->conf.addr, c->conf.port, c->ifindex, &c->salen);
	c->peer = c->local;
	r = mcast_rx_open(c);
	if (r >= 0)
		r = mcast_tx_open(c);
	return r;
}
