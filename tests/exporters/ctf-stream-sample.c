// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-stream-sample PATH [COUNT]: write a record file through the real
 * stream (rings, exporter thread, io_uring) with one record of every kind
 * the script tests look at, then COUNT more TCP records. Known values:
 *   1 tcp4 END   10.0.0.1:40000 -> 192.0.2.80:80, reply 10.1.0.80:8080 -> 198.51.100.1:61000
 *   2 udp6 ACTIVE_TIMEOUT 2001:db8::1:5353 -> 2001:db8:ffff::53:53
 *   3 icmp4 START 127.0.0.1 -> 127.0.0.2 type 8 id 0x1234
 *   4 GAP (netlink) lost 99 on cpu 1
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include <ctflow/ring.h>
#include <stream/stream.h>

static void addr(int family, const char *s, union ctf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(family, s, a->raw) != 1)
		abort();
}

static void tuple_ports(struct ctf_tuple *t, uint16_t sport, uint16_t dport)
{
	t->l4.port.sport = sport;
	t->l4.port.dport = dport;
}

static void tcp4(struct ctf_record *r, uint32_t id)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_END;
	r->family = AF_INET;
	r->l4proto = IPPROTO_TCP;
	r->state = TCP_CONNTRACK_TIME_WAIT;
	r->zone = 7;
	r->reader = 1;
	r->ct_id = id;
	r->mark = 0x2a;
	r->status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | IPS_SRC_NAT | IPS_DST_NAT;
	r->netns = 4026531840u;
	addr(AF_INET, "10.0.0.1", &r->orig.src);
	addr(AF_INET, "192.0.2.80", &r->orig.dst);
	tuple_ports(&r->orig, 40000, 80);
	addr(AF_INET, "10.1.0.80", &r->reply.src);
	addr(AF_INET, "198.51.100.1", &r->reply.dst);
	tuple_ports(&r->reply, 8080, 61000);
	r->start_ns = 1700000000123456789ULL;
	r->end_ns = r->start_ns + 2500000000ULL;
	r->export_ns = r->end_ns + 1000;
	r->total[0] = (struct ctf_record_counters){ .packets = 10, .bytes = 1500 };
	r->total[1] = (struct ctf_record_counters){ .packets = 8, .bytes = 9000000000ULL };
	r->delta[0] = (struct ctf_record_counters){ .packets = 4, .bytes = 600 };
	r->delta[1] = (struct ctf_record_counters){ .packets = 3, .bytes = 4500 };
	r->labels[0] = 0x05;
}

static void udp6(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_ACTIVE_TIMEOUT;
	r->family = AF_INET6;
	r->l4proto = IPPROTO_UDP;
	r->ct_id = 2;
	addr(AF_INET6, "2001:db8::1", &r->orig.src);
	addr(AF_INET6, "2001:db8:ffff::53", &r->orig.dst);
	addr(AF_INET6, "2001:db8:ffff::53", &r->reply.src);
	addr(AF_INET6, "2001:db8::1", &r->reply.dst);
	tuple_ports(&r->orig, 5353, 53);
	tuple_ports(&r->reply, 53, 5353);
	r->status = IPS_SEEN_REPLY;
	r->start_ns = r->end_ns = r->export_ns = 1700000001000000000ULL;
	r->total[0].packets = r->delta[0].packets = 1;
	r->total[0].bytes = r->delta[0].bytes = 72;
}

static void icmp4(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_START;
	r->family = AF_INET;
	r->l4proto = IPPROTO_ICMP;
	r->ct_id = 3;
	addr(AF_INET, "127.0.0.1", &r->orig.src);
	addr(AF_INET, "127.0.0.2", &r->orig.dst);
	addr(AF_INET, "127.0.0.2", &r->reply.src);
	addr(AF_INET, "127.0.0.1", &r->reply.dst);
	r->orig.l4.icmp.type = 8;
	r->orig.l4.icmp.id = 0x1234;
	r->reply.l4.icmp.id = 0x1234;
	r->start_ns = r->end_ns = r->export_ns = 1700000002000000000ULL;
}

static void gap(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_GAP;
	r->reader = 1;
	r->lost_events = 99;
	r->start_ns = r->end_ns = r->export_ns = 1700000003000000000ULL;
}

int main(int argc, char **argv)
{
	struct ctf_stream_config cfg = {
		.hostname = "sample-host",
		.netns = "blue",
		.flush_ms = 10,
		.sampler_family = AF_INET,
	};
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	struct ctf_stream *s;
	struct ctf_ring *ring;
	struct ctf_record r;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH [COUNT]\n", argv[0]);
		return 2;
	}
	cfg.path = argv[1];
	addr(AF_INET, "192.0.2.254", &cfg.sampler_addr);
	if (ctf_ring_new(&ring, 4 + count) < 0)
		return 1;
	tcp4(&r, 1);
	ctf_ring_push(ring, &r);
	udp6(&r);
	ctf_ring_push(ring, &r);
	icmp4(&r);
	ctf_ring_push(ring, &r);
	gap(&r);
	ctf_ring_push(ring, &r);
	for (unsigned long i = 0; i < count; i++) {
		tcp4(&r, (uint32_t)(100 + i));
		ctf_ring_push(ring, &r);
	}
	rc = ctf_stream_start(&s, &cfg, &ring, 1);
	if (rc < 0) {
		fprintf(stderr, "ctf-stream-sample: %s: %s\n", cfg.path, strerror(-rc));
		return 1;
	}
	rc = ctf_stream_stop(s);
	ctf_ring_free(ring);
	if (rc < 0) {
		fprintf(stderr, "ctf-stream-sample: %s: %s\n", cfg.path, strerror(-rc));
		return 1;
	}
	return 0;
}
