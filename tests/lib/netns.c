// SPDX-License-Identifier: GPL-2.0-or-later
/* What the real-kernel tests share (see netns.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "netns.h"

int netns_enter_private(struct ctf_nl **ret_nl)
{
	if (geteuid() != 0) {
		fprintf(stderr, "skip: needs root to create a network namespace\n");
		return SKIP_RETURN_CODE;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "skip: cannot create a network namespace: %s\n", strerror(errno));
		return SKIP_RETURN_CODE;
	}
	return ret_nl ? netns_open_ctnetlink(ret_nl) : 0;
}

int netns_open_ctnetlink(struct ctf_nl **ret_nl)
{
	int r = ctf_nl_open(ret_nl, 0);

	if (r < 0) {
		fprintf(stderr, "skip: no ctnetlink: %s\n", strerror(-r));
		return SKIP_RETURN_CODE;
	}
	return 0;
}

void netns_flow4(struct ctf_flow *f, uint8_t l4proto, uint32_t src, uint32_t dst, uint16_t sport,
		 uint16_t dport, uint32_t mark)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->orig.l3num = AF_INET;
	f->orig.l4proto = l4proto;
	f->orig.src.ip = htonl(src);
	f->orig.dst.ip = htonl(dst);
	f->orig.l4.port.sport = sport;
	f->orig.l4.port.dport = dport;
	f->orig.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT |
			CTF_TUPLE_F_DPORT;
	f->reply = f->orig;
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.l4.port.sport = f->orig.l4.port.dport;
	f->reply.l4.port.dport = f->orig.l4.port.sport;
	f->timeout = 600;
	f->mark = mark;
	ctf_flow_set(f, CTF_FLOW_A_ORIG);
	ctf_flow_set(f, CTF_FLOW_A_REPLY);
	ctf_flow_set(f, CTF_FLOW_A_TIMEOUT);
	ctf_flow_set(f, CTF_FLOW_A_MARK);
}
