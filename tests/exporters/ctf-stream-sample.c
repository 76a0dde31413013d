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

#include <ctflow/ring.h>
#include <stream/stream.h>

#include "records.h"

/* The shared sample flows, with the ids, times and mark the script tests expect. */
static void tcp4(struct ctf_record *r, uint32_t id)
{
	sample_tcp4(r, id);
	r->mark = 0x2a;
}

static void udp6(struct ctf_record *r)
{
	sample_udp6(r);
	r->ct_id = 2;
	r->start_ns = r->end_ns = r->export_ns = 1700000001000000000ULL;
}

static void icmp4(struct ctf_record *r)
{
	sample_icmp4(r);
	r->ct_id = 3;
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
	sample_addr(AF_INET, "192.0.2.254", &cfg.sampler_addr);
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
