// SPDX-License-Identifier: GPL-2.0-or-later
/* The sample flows of the record-stream tests (see records.h). */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "records.h"

void sample_addr(int family, const char *s, union ctf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(family, s, a->raw) != 1)
		abort();
}

static void ports(struct ctf_tuple *t, uint16_t sport, uint16_t dport)
{
	t->l4.port.sport = sport;
	t->l4.port.dport = dport;
}

void sample_tcp4(struct ctf_record *r, uint32_t id)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_END;
	r->family = AF_INET;
	r->l4proto = IPPROTO_TCP;
	r->state = TCP_CONNTRACK_TIME_WAIT;
	r->zone = 7;
	r->reader = 1;
	r->ct_id = id;
	r->status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | IPS_SRC_NAT | IPS_DST_NAT;
	r->netns = 4026531840u;
	sample_addr(AF_INET, "10.0.0.1", &r->orig.src);
	sample_addr(AF_INET, "192.0.2.80", &r->orig.dst);
	ports(&r->orig, 40000, 80);
	sample_addr(AF_INET, "10.1.0.80", &r->reply.src);
	sample_addr(AF_INET, "198.51.100.1", &r->reply.dst);
	ports(&r->reply, 8080, 61000);
	r->start_ns = 1700000000123456789ULL;
	r->end_ns = r->start_ns + 2500000000ULL;
	r->export_ns = r->end_ns + 1000;
	r->total[0] = (struct ctf_record_counters){ .packets = 10, .bytes = 1500 };
	r->total[1] = (struct ctf_record_counters){ .packets = 8, .bytes = 9000000000ULL };
	r->delta[0] = (struct ctf_record_counters){ .packets = 4, .bytes = 600 };
	r->delta[1] = (struct ctf_record_counters){ .packets = 3, .bytes = 4500 };
	r->labels[0] = 0x05;
}

void sample_udp6(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_ACTIVE_TIMEOUT;
	r->family = AF_INET6;
	r->l4proto = IPPROTO_UDP;
	sample_addr(AF_INET6, "2001:db8::1", &r->orig.src);
	sample_addr(AF_INET6, "2001:db8:ffff::53", &r->orig.dst);
	sample_addr(AF_INET6, "2001:db8:ffff::53", &r->reply.src);
	sample_addr(AF_INET6, "2001:db8::1", &r->reply.dst);
	ports(&r->orig, 5353, 53);
	ports(&r->reply, 53, 5353);
	r->status = IPS_SEEN_REPLY;
	r->total[0].packets = r->delta[0].packets = 1;
	r->total[0].bytes = r->delta[0].bytes = 72;
}

void sample_icmp4(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_START;
	r->family = AF_INET;
	r->l4proto = IPPROTO_ICMP;
	sample_addr(AF_INET, "127.0.0.1", &r->orig.src);
	sample_addr(AF_INET, "127.0.0.2", &r->orig.dst);
	sample_addr(AF_INET, "127.0.0.2", &r->reply.src);
	sample_addr(AF_INET, "127.0.0.1", &r->reply.dst);
	r->orig.l4.icmp.type = 8;
	r->orig.l4.icmp.id = 0x1234;
	r->reply.l4.icmp.id = 0x1234;
}
