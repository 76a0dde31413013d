// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Conntrack churn for the collector benchmark: create and delete UDP entries
 * with batched ctnetlink requests at a target rate, so every entry yields one
 * NEW and one DESTROY event. Run it inside a network namespace made for the
 * benchmark (never the host's).
 *   collector_churn RATE SECONDS [LIVE]
 * RATE new entries per second (0: as fast as possible), LIVE entries kept
 * alive at once (default 4096). SECONDS 0 creates LIVE entries and leaves
 * them (the scale phase). Prints "created N deleted N seconds S".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

#define BATCH 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void make_flow(struct ctf_flow *f, uint64_t i)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->orig.l3num = AF_INET;
	f->orig.l4proto = IPPROTO_UDP;
	f->orig.src.ip = htonl(0x0a000000 | (uint32_t)(i & 0xffffff));
	f->orig.dst.ip = htonl(0x0a400001);
	f->orig.l4.port.sport = (uint16_t)(1024 + (i >> 24) % 60000);
	f->orig.l4.port.dport = 53;
	f->orig.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT |
			CTF_TUPLE_F_DPORT;
	f->reply = f->orig;
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.l4.port.sport = 53;
	f->reply.l4.port.dport = f->orig.l4.port.sport;
	f->timeout = 300;
	ctf_flow_set(f, CTF_FLOW_A_ORIG);
	ctf_flow_set(f, CTF_FLOW_A_REPLY);
	ctf_flow_set(f, CTF_FLOW_A_TIMEOUT);
}

/* Queue one request for entry @i: create or delete. */
static int queue(struct ctf_nl *nl, struct ctf_nl_batch *b, uint64_t i, bool create)
{
	struct nlmsghdr *nlh;
	struct ctf_flow f;

	make_flow(&f, i);
	nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), create ? IPCTNL_MSG_CT_NEW : IPCTNL_MSG_CT_DELETE,
			     NLM_F_ACK | (create ? NLM_F_CREATE | NLM_F_EXCL : 0), AF_INET,
			     ctf_nl_next_seq(nl));
	if (ctf_ct_put_flow(nlh, ctf_nl_batch_room(b), &f,
			    create ? CTF_CT_PUT_ORIG | CTF_CT_PUT_REPLY | CTF_CT_PUT_META
				   : CTF_CT_PUT_ORIG) < 0)
		return -EMSGSIZE;
	if (ctf_nl_batch_next(b))
		return ctf_nl_batch_flush(b, NULL, NULL, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	double rate, secs, t0, t;
	uint64_t created = 0, deleted = 0, live;
	struct ctf_nl_batch *b;
	struct ctf_nl *nl;
	unsigned int k;

	if (argc < 3) {
		fprintf(stderr, "usage: %s RATE SECONDS [LIVE]\n", argv[0]);
		return 2;
	}
	rate = atof(argv[1]);
	secs = atof(argv[2]);
	live = argc > 3 ? strtoull(argv[3], NULL, 10) : 4096;
	if (ctf_nl_open(&nl, 0) < 0 || ctf_nl_batch_new(&b, nl, BATCH) < 0) {
		fprintf(stderr, "collector_churn: cannot open ctnetlink\n");
		return 1;
	}
	t0 = now();
	if (secs <= 0) {
		while (created < live)
			(void)queue(nl, b, created++, true);
		deleted = created; /* held, not deleted */
	}
	while ((t = now()) - t0 < secs) {
		/* Pace by batches: sleep until the schedule allows the next one. */
		if (rate > 0 && created > (t - t0) * rate) {
			struct timespec ts = { 0, 200000 };

			nanosleep(&ts, NULL);
			continue;
		}
		for (k = 0; k < BATCH / 2; k++) {
			(void)queue(nl, b, created++, true);
			if (created > live)
				(void)queue(nl, b, deleted++, false);
		}
	}
	while (secs > 0 && deleted < created)
		(void)queue(nl, b, deleted++, false);
	(void)ctf_nl_batch_flush(b, NULL, NULL, NULL);
	printf("created %llu deleted %llu seconds %.3f\n", (unsigned long long)created,
	       (unsigned long long)deleted, now() - t0);
	ctf_nl_batch_free(b);
	ctf_nl_close(nl);
	return 0;
}
