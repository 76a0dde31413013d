// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd sync channels: link state (rtnetlink watch, MTU) and dedicated-link failover. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <ctflow/log.h>
#include <ctflow/nl.h>

#include "channel_impl.h"

int ch_link_open(struct sync_channels *set)
{
	int r = ctf_nl_link_open(&set->link);

	if (r < 0)
		return ctf_log_err(r, "can't open interface watcher");
	return 0;
}

/* IFF_UP is the administrative state, IFF_RUNNING the carrier: a link needs both. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* <linux/if.h>: carrier, in rtnetlink's flags only */
#endif

/*
 * Up and with a carrier. The kernel sets IFF_RUNNING from the operational
 * state, up to a second after the carrier (linkwatch): a link just brought
 * up already has IFF_LOWER_UP, and is usable.
 */
bool ch_link_up(const struct sync_ch *c)
{
	return c->ifindex && (c->ifflags & IFF_UP) && (c->ifflags & (IFF_RUNNING | IFF_LOWER_UP));
}

/* 1.4.7's words for "-s link". */
const char *ch_link_status(const struct sync_ch *c)
{
	if (!(c->ifflags & IFF_UP))
		return "DOWN";
	return c->ifflags & IFF_RUNNING ? "RUNNING" : "NO-CARRIER";
}

/*
 * What the interface is now, before the watch reports anything. 1.4.7
 * refused to start without Interface's MTU; a missing interface is a link
 * that is down here, and its MTU the common 1500.
 */
void ch_link_probe(struct sync_ch *c)
{
	struct ifreq ifr = { 0 };
	int fd;

	c->ifindex = (int)if_nametoindex(c->ifname);
	c->mtu = CH_MTU_FALLBACK;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		c->mtu = (unsigned int)ifr.ifr_mtu;
	else
		ctf_log(LOG_WARNING, "cannot read the MTU of '%s': %s, using %u", c->ifname,
			strerror(errno), CH_MTU_FALLBACK);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		c->ifflags = (unsigned short)ifr.ifr_flags;
	close(fd);
}

/* Follow the channel's link by index (a rename keeps it), or adopt it by name when it appears. */
static void link_cb(const struct ctf_nl_link *l, void *data)
{
	struct sync_channels *set = data;
	struct sync_ch *c;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		c = &set->ch[i];
		if (c->ifindex ? c->ifindex != l->ifindex : strcmp(c->ifname, l->name) != 0)
			continue;
		if (l->deleted) {
			c->ifindex = 0;
			c->ifflags = 0;
			continue;
		}
		c->ifindex = l->ifindex;
		c->ifflags = l->flags;
		if (l->mtu)
			c->mtu = l->mtu;
		if (l->name[0])
			snprintf(c->ifname, sizeof(c->ifname), "%s", l->name);
	}
}

/*
 * The current link lost IFF_UP or IFF_RUNNING: the next channel (in order,
 * wrapping) whose link has both becomes current, with 1.4.7's messages and
 * levels. 1.4.7 took a link with either flag, so it could move to a link
 * without carrier; and it repeated the error on every link event.
 */
static void link_failover(struct sync_channels *set)
{
	if (ch_link_up(&set->ch[set->cur]) || sync_channels_failover(set)) {
		set->no_link_logged = false;
		return;
	}
	if (!set->no_link_logged)
		ctf_log(LOG_ERR, "no dedicated links available!");
	set->no_link_logged = true;
}

void ch_link_handle(struct sync_channels *set)
{
	int r = ctf_nl_link_read(set->link, link_cb, set);

	if (r < 0)
		ctf_log(LOG_DEBUG, "interface watcher: %s", strerror(-r));
	link_failover(set);
}
