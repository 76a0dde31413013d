// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-synth: write hand-built ctnetlink messages to .nl files (format in
 * ctf-record.c), for what no kernel produces on demand: every TCP, SCTP and
 * DCCP state and out-of-range ones, huge and 32-bit counters, all-ones
 * labels, long security contexts, odd address forms, unknown families,
 * and a few thousand random flows. record.sh runs the 1.4.7 oracle on them
 * through ctf-oracle-shim, so the expected output is still 1.4.7's own.
 *
 *   ctf-synth edge OUT.nl       the hand-picked cases (dump messages)
 *   ctf-synth oob OUT.nl        states past the name tables (15..255)
 *   ctf-synth noorig OUT.nl     messages without an original tuple
 *   ctf-synth random OUT.nl N   N random flows from a fixed seed
 *   ctf-synth events OUT.nl N   N random NEW/UPDATE/DESTROY events
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>

/* Fixed "now" of the synthetic files: 2027-01-15T08:00:00Z. */
#define SYNTH_NOW_NS (1800000000ULL * 1000000000ULL)

#define CTA_TIMESTAMP_EVENT_ 27

enum synth_extra {
	X_COUNTERS32 = 1U << 0, /* counters as CTA_COUNTERS32_* */
	X_NO_SECCTX_NAME = 1U << 1,
};

struct synth {
	struct ctf_flow f;
	unsigned int extra;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	/* splitmix64: fixed seed, same files on every machine */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static void put_counters(struct nlmsghdr *nlh, uint16_t type, const struct ctf_counters *c,
			 bool c32)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (c32) {
		mnl_attr_put_u32(nlh, CTA_COUNTERS32_PACKETS, htonl((uint32_t)c->packets));
		mnl_attr_put_u32(nlh, CTA_COUNTERS32_BYTES, htonl((uint32_t)c->bytes));
	} else {
		mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(c->packets));
		mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(c->bytes));
	}
	mnl_attr_nest_end(nlh, nest);
}

/* What the kernel adds to a dump that requests never carry. */
static void put_kernel_only(struct nlmsghdr *nlh, const struct synth *s)
{
	const struct ctf_flow *f = &s->f;
	struct nlattr *nest;
	int d;

	for (d = 0; d < 2; d++)
		if (ctf_flow_has(f, CTF_FLOW_A_COUNTERS_ORIG + d))
			put_counters(nlh, CTA_COUNTERS_ORIG + d, &f->counters[d],
				     s->extra & X_COUNTERS32);
	if (ctf_flow_has(f, CTF_FLOW_A_TS_START) || ctf_flow_has(f, CTF_FLOW_A_TS_STOP)) {
		nest = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
		if (ctf_flow_has(f, CTF_FLOW_A_TS_START))
			mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(f->ts_start));
		if (ctf_flow_has(f, CTF_FLOW_A_TS_STOP))
			mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(f->ts_stop));
		mnl_attr_nest_end(nlh, nest);
	}
	if (ctf_flow_has(f, CTF_FLOW_A_TS_EVENT))
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_EVENT_, htobe64(f->ts_event));
	if (ctf_flow_has(f, CTF_FLOW_A_SECMARK))
		mnl_attr_put_u32(nlh, CTA_SECMARK, htonl(f->secmark));
	if (ctf_flow_has(f, CTF_FLOW_A_SECCTX)) {
		nest = mnl_attr_nest_start(nlh, CTA_SECCTX);
		mnl_attr_put_strz(nlh, CTA_SECCTX_NAME, f->secctx);
		mnl_attr_nest_end(nlh, nest);
	}
	if (ctf_flow_has(f, CTF_FLOW_A_USE))
		mnl_attr_put_u32(nlh, CTA_USE, htonl(f->use));
}

static void emit(FILE *fp, const struct synth *s)
{
	static char buf[16384];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	const struct ctf_flow *f = &s->f;
	struct nfgenmsg *nfg;
	uint32_t len;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
			  (f->event == CTF_EVENT_DESTROY ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW);
	nlh->nlmsg_flags = f->event == CTF_EVENT_NEW  ? NLM_F_CREATE | NLM_F_EXCL :
			   f->event == CTF_EVENT_NONE ? NLM_F_MULTI :
							0;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = f->family;
	nfg->version = NFNETLINK_V0;
	if (ctf_ct_put_flow(nlh, sizeof(buf), f, CTF_CT_PUT_ALL) < 0) {
		fprintf(stderr, "ctf-synth: message too large\n");
		exit(1);
	}
	put_kernel_only(nlh, s);
	len = nlh->nlmsg_len;
	fwrite(&len, sizeof(len), 1, fp);
	fwrite(buf, 1, len, fp);
}

static void set_addr(union ctf_addr *a, uint8_t l3, const char *s)
{
	if (inet_pton(l3, s, a) != 1) {
		fprintf(stderr, "ctf-synth: bad address %s\n", s);
		exit(1);
	}
}

/* A complete flow of protocol @proto between @src and @dst (reply mirrored). */
static void base_flow(struct synth *s, uint8_t l3, uint8_t proto, const char *src,
		      const char *dst)
{
	struct ctf_flow *f = &s->f;
	const uint16_t tf = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO;
	bool icmp = proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;

	memset(s, 0, sizeof(*s));
	f->family = l3;
	f->orig.l3num = f->reply.l3num = l3;
	f->orig.l4proto = f->reply.l4proto = proto;
	set_addr(&f->orig.src, l3, src);
	set_addr(&f->orig.dst, l3, dst);
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->orig.flags = f->reply.flags = tf;
	if (icmp) {
		f->orig.l4.icmp.type = 8;
		f->orig.l4.icmp.id = 77;
		f->reply.l4.icmp.id = 77;
		f->orig.flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
		f->reply.flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
	} else if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
		   proto == IPPROTO_SCTP || proto == IPPROTO_DCCP || proto == IPPROTO_GRE) {
		f->orig.l4.port.sport = 40000;
		f->orig.l4.port.dport = 80;
		f->reply.l4.port.sport = 80;
		f->reply.l4.port.dport = 40000;
		f->orig.flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
		f->reply.flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	}
	f->set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY);
	f->status = IPS_CONFIRMED | IPS_SEEN_REPLY;
	f->timeout = 120;
	f->use = 1;
	f->id = 12345;
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_STATUS) | CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) |
		  CTF_FLOW_BIT(CTF_FLOW_A_MARK) | CTF_FLOW_BIT(CTF_FLOW_A_USE) |
		  CTF_FLOW_BIT(CTF_FLOW_A_ID);
}

static void v4(struct synth *s, uint8_t proto)
{
	base_flow(s, AF_INET, proto, "10.0.0.1", "10.0.0.2");
}

/*
 * Every state of each protocol from @first to @last: 0..11 covers the named
 * ones and the first unnamed ones. Further out 1.4.7's save printer reads
 * past its name tables and crashes, so those ("oob") are only checked
 * against the oracle's text and XML output.
 */
static void edge_states(FILE *fp, unsigned int first, unsigned int last)
{
	struct synth s;
	unsigned int st;

	for (st = first; st <= last; st = st < 11 ? st + 1 : st * 2 + 1) {
		v4(&s, IPPROTO_TCP);
		s.f.tcp.state = (uint8_t)st;
		ctf_flow_set(&s.f, CTF_FLOW_A_TCP_STATE);
		emit(fp, &s);
		v4(&s, IPPROTO_SCTP);
		s.f.sctp.state = (uint8_t)st;
		s.f.sctp.vtag[0] = 0xdeadbeef;
		s.f.sctp.vtag[1] = st;
		s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) |
			   CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_ORIG) |
			   CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_REPLY);
		emit(fp, &s);
		v4(&s, IPPROTO_DCCP);
		s.f.dccp.state = (uint8_t)st;
		s.f.dccp.role = (uint8_t)(st % 2);
		s.f.dccp.handshake_seq = 0x123456789ULL;
		s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_DCCP_ROLE) |
			   CTF_FLOW_BIT(CTF_FLOW_A_DCCP_HANDSHAKE_SEQ);
		emit(fp, &s);
	}
}

static void edge_counters(FILE *fp)
{
	static const uint64_t vals[] = { 0, 1, 4294967295ULL, 4294967296ULL, UINT64_MAX };
	struct synth s;
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		v4(&s, IPPROTO_UDP);
		s.f.counters[0].packets = vals[i];
		s.f.counters[0].bytes = UINT64_MAX - vals[i];
		s.f.counters[1].packets = vals[i] / 3;
		s.f.counters[1].bytes = vals[i] / 7;
		s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_COUNTERS_ORIG) |
			   CTF_FLOW_BIT(CTF_FLOW_A_COUNTERS_REPLY);
		s.extra = i == 2 ? X_COUNTERS32 : 0;
		emit(fp, &s);
	}
	/* reply counters only: XML keys both directions on the original's */
	v4(&s, IPPROTO_UDP);
	s.f.counters[1].packets = 9;
	ctf_flow_set(&s.f, CTF_FLOW_A_COUNTERS_REPLY);
	emit(fp, &s);
}

static void edge_labels(FILE *fp)
{
	static const uint8_t patterns[][CTF_LABELS_LEN] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x02 },			    /* bit 1: unnamed in the test map */
		{ 0x01, 0, 0, 0, 0, 0, 0, 0x80 },   /* bits 0 and 63 */
		{ [15] = 0x80 },		    /* bit 127 */
		{ 0x21, 0x04, [8] = 0x01 },	    /* several named */
	};
	struct synth s;
	size_t i;

	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		v4(&s, IPPROTO_TCP);
		s.f.tcp.state = 3;
		ctf_flow_set(&s.f, CTF_FLOW_A_TCP_STATE);
		memcpy(s.f.labels, patterns[i], CTF_LABELS_LEN);
		s.f.labels_len = CTF_LABELS_LEN;
		ctf_flow_set(&s.f, CTF_FLOW_A_LABELS);
		emit(fp, &s);
	}
}

static void edge_strings(FILE *fp)
{
	struct synth s;

	v4(&s, IPPROTO_TCP);
	memset(s.f.secctx, 'a', CTF_SECCTX_LEN - 1);
	memcpy(s.f.secctx, "system_u:object_r:unlabeled_t:s0-", 33);
	s.f.secmark = 4294967295U;
	s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_SECCTX) | CTF_FLOW_BIT(CTF_FLOW_A_SECMARK);
	emit(fp, &s);
	v4(&s, IPPROTO_TCP);
	strcpy(s.f.helper, "abcdefghijklmno");
	strcpy(s.f.secctx, "system_u:object_r:ssh_t:s0");
	s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_HELPER) | CTF_FLOW_BIT(CTF_FLOW_A_SECCTX);
	emit(fp, &s);
}

static void edge_addresses(FILE *fp)
{
	static const char *const v6[][2] = {
		{ "::", "::1" },
		{ "::ffff:1.2.3.4", "::1.2.3.4" },
		{ "::ffff:0:0", "1:0:0:1::" },
		{ "2001:db8:0:0:1:0:0:1", "fe80::1:0:0:0" },
		{ "1:2:3:4:5:6:7:8", "0:1:0:1:0:1:0:1" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:255.255.255.255" },
		{ "::2:0:0:1", "1::" },
	};
	struct synth s;
	size_t i;

	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		base_flow(&s, AF_INET6, i % 2 ? IPPROTO_UDP : IPPROTO_ICMPV6, v6[i][0], v6[i][1]);
		emit(fp, &s);
	}
	base_flow(&s, AF_INET, IPPROTO_TCP, "0.0.0.0", "255.255.255.255");
	emit(fp, &s);
	base_flow(&s, AF_INET, IPPROTO_GRE, "192.168.100.200", "9.10.99.100");
	s.f.orig.l4.gre.skey = 0xffff;
	s.f.orig.l4.gre.dkey = 0;
	emit(fp, &s);
}

static void edge_status(FILE *fp)
{
	static const uint32_t st[] = {
		0,
		IPS_SEEN_REPLY | IPS_ASSURED | IPS_OFFLOAD,
		IPS_ASSURED | IPS_HW_OFFLOAD | IPS_OFFLOAD,
		IPS_EXPECTED | IPS_FIXED_TIMEOUT | IPS_SEEN_REPLY | IPS_ASSURED,
		IPS_FIXED_TIMEOUT,
		0xffffffff,
	};
	struct synth s;
	size_t i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		v4(&s, IPPROTO_UDP);
		s.f.status = st[i];
		emit(fp, &s);
	}
	v4(&s, IPPROTO_UDP);
	s.f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_STATUS);
	emit(fp, &s);
}

/* DNAT/SNAT detection for save: done bits with and without changed addresses, v4 and v6. */
static void edge_nat(FILE *fp)
{
	static const uint32_t st[] = { IPS_DST_NAT_DONE, IPS_SRC_NAT_DONE,
				       IPS_DST_NAT_DONE | IPS_SRC_NAT_DONE, 0 };
	struct synth s;
	size_t i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		v4(&s, IPPROTO_TCP);
		set_addr(&s.f.reply.src, AF_INET, "192.168.1.1");
		set_addr(&s.f.reply.dst, AF_INET, "172.16.0.9");
		s.f.status |= st[i];
		emit(fp, &s);
		v4(&s, IPPROTO_TCP);
		s.f.status |= st[i];
		emit(fp, &s);
		base_flow(&s, AF_INET6, IPPROTO_UDP, "2001:db8::1", "2001:db8::2");
		set_addr(&s.f.reply.src, AF_INET6, "2001:db8::99");
		set_addr(&s.f.reply.dst, AF_INET6, "2001:db8::98");
		s.f.status |= st[i];
		emit(fp, &s);
	}
}

static void edge_zones_times(FILE *fp)
{
	struct synth s;

	v4(&s, IPPROTO_UDP);
	s.f.zone = 65535;
	s.f.orig.zone = 1;
	s.f.reply.zone = 0;
	s.f.orig.flags |= CTF_TUPLE_F_ZONE;
	s.f.reply.flags |= CTF_TUPLE_F_ZONE;
	s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_ORIG_ZONE) |
		   CTF_FLOW_BIT(CTF_FLOW_A_REPLY_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_SECMARK);
	emit(fp, &s);
	/* start only, start+stop, stop only, start in the future, stop before start */
	v4(&s, IPPROTO_UDP);
	s.f.ts_start = SYNTH_NOW_NS - 3500000000ULL;
	ctf_flow_set(&s.f, CTF_FLOW_A_TS_START);
	emit(fp, &s);
	s.f.ts_stop = SYNTH_NOW_NS - 1;
	ctf_flow_set(&s.f, CTF_FLOW_A_TS_STOP);
	emit(fp, &s);
	s.f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_TS_START);
	emit(fp, &s);
	v4(&s, IPPROTO_UDP);
	s.f.ts_start = SYNTH_NOW_NS + 7000000000ULL;
	ctf_flow_set(&s.f, CTF_FLOW_A_TS_START);
	emit(fp, &s);
	s.f.ts_stop = SYNTH_NOW_NS;
	ctf_flow_set(&s.f, CTF_FLOW_A_TS_STOP);
	emit(fp, &s);
	v4(&s, IPPROTO_UDP);
	s.f.ts_start = 1;
	s.f.ts_stop = 999999999ULL * 1000000000ULL;
	s.f.set |= CTF_FLOW_BIT(CTF_FLOW_A_TS_START) | CTF_FLOW_BIT(CTF_FLOW_A_TS_STOP);
	emit(fp, &s);
}

static void edge_shapes(FILE *fp)
{
	struct synth s;

	v4(&s, 99);
	emit(fp, &s);
	v4(&s, 0);
	emit(fp, &s);
	v4(&s, 255);
	s.f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_MARK);
	emit(fp, &s);
	v4(&s, IPPROTO_ICMP);
	s.f.orig.flags &= (uint16_t)~CTF_TUPLE_F_ICMP_ID;
	s.f.orig.l4.icmp.code = 255;
	s.f.orig.l4.icmp.type = 255;
	emit(fp, &s);
	v4(&s, IPPROTO_TCP);
	s.f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_REPLY);
	emit(fp, &s);
	v4(&s, IPPROTO_ICMP);
	s.f.orig.flags &= (uint16_t)~(CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE);
	s.f.reply.l4.icmp.type = 3;
	s.f.reply.l4.icmp.code = 1;
	emit(fp, &s);
	v4(&s, IPPROTO_ICMP);
	s.f.reply.flags &= (uint16_t)~(CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_ID);
	s.f.orig.l4.icmp.id = 0;
	emit(fp, &s);
	v4(&s, IPPROTO_TCP);
	s.f.orig.flags &= (uint16_t)~(CTF_TUPLE_F_SRC | CTF_TUPLE_F_DPORT);
	s.f.reply.flags &= (uint16_t)~CTF_TUPLE_F_SPORT;
	emit(fp, &s);
	v4(&s, IPPROTO_UDP);
	s.f.set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) | CTF_FLOW_BIT(CTF_FLOW_A_USE) |
		     CTF_FLOW_BIT(CTF_FLOW_A_ID) | CTF_FLOW_BIT(CTF_FLOW_A_STATUS) |
		     CTF_FLOW_BIT(CTF_FLOW_A_MARK));
	emit(fp, &s);
}

/*
 * Messages without an original tuple: 1.4.7 prints nothing for them but the
 * stale contents of its line buffer (the previous entry), so they live in a
 * file of their own that is checked by hand, not against the oracle.
 */
static void edge_noorig(FILE *fp)
{
	struct synth s;

	v4(&s, IPPROTO_TCP);
	s.f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_ORIG);
	emit(fp, &s);
	v4(&s, IPPROTO_UDP);
	s.f.set = 0;
	emit(fp, &s);
	v4(&s, IPPROTO_UDP);
	s.f.family = AF_BRIDGE;
	s.f.set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY));
	emit(fp, &s);
}

static void rnd_addr(union ctf_addr *a, uint8_t l3)
{
	unsigned int i, mode = rnd_below(6);

	memset(a, 0, sizeof(*a));
	if (l3 == AF_INET) {
		a->ip = (uint32_t)rnd();
		return;
	}
	for (i = 0; i < 8; i++) {
		/* mostly zero words, so every "::" placement shows up */
		uint16_t w = rnd_below(3) ? 0 : (uint16_t)(rnd_below(2) ? rnd() : rnd_below(16));

		a->raw[2 * i] = (uint8_t)(w >> 8);
		a->raw[2 * i + 1] = (uint8_t)w;
	}
	if (mode == 0) { /* v4-mapped */
		memset(a->raw, 0, 10);
		a->raw[10] = a->raw[11] = 0xff;
	} else if (mode == 1) { /* v4-compatible */
		memset(a->raw, 0, 12);
	}
}

static const uint8_t rnd_protos[] = {
	IPPROTO_TCP,  IPPROTO_TCP,  IPPROTO_UDP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP,
	IPPROTO_DCCP, IPPROTO_ICMP, IPPROTO_GRE, 2,	      41,	       132,
};

static void rnd_l4(struct ctf_flow *f)
{
	uint8_t p = rnd_protos[rnd_below(sizeof(rnd_protos))];

	if (f->family == AF_INET6 && p == IPPROTO_ICMP)
		p = IPPROTO_ICMPV6;
	f->orig.l4proto = f->reply.l4proto = p;
	f->orig.l4.port.sport = (uint16_t)rnd();
	f->orig.l4.port.dport = (uint16_t)(rnd_below(2) ? rnd() : rnd_below(1024));
	f->reply.l4.port.sport = f->orig.l4.port.dport;
	f->reply.l4.port.dport = rnd_below(4) ? f->orig.l4.port.sport : (uint16_t)rnd();
	if (p == IPPROTO_ICMP || p == IPPROTO_ICMPV6) {
		f->orig.l4.icmp.type = (uint8_t)rnd_below(20);
		f->orig.l4.icmp.code = (uint8_t)rnd_below(3);
		f->reply.l4.icmp.type = (uint8_t)rnd_below(20);
		f->reply.l4.icmp.id = f->orig.l4.icmp.id;
	}
	if (p == IPPROTO_TCP) {
		f->tcp.state = (uint8_t)rnd_below(10);
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
	} else if (p == IPPROTO_SCTP) {
		f->sctp.state = (uint8_t)rnd_below(8);
		f->sctp.vtag[0] = (uint32_t)rnd();
		f->sctp.vtag[1] = (uint32_t)rnd();
		f->set |= CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) |
			  CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_ORIG) |
			  CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_REPLY);
	} else if (p == IPPROTO_DCCP && rnd_below(2)) {
		f->dccp.state = (uint8_t)rnd_below(10);
		f->dccp.role = (uint8_t)rnd_below(2);
		f->set |= CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_DCCP_ROLE);
	}
}

static uint64_t rnd_magnitude(void)
{
	return rnd() >> (rnd_below(64));
}

static void rnd_meta(struct synth *s)
{
	struct ctf_flow *f = &s->f;
	static const char *const helpers[] = { "ftp", "tftp", "sip", "h323", "irc", "pptp" };

	f->status = (uint32_t)rnd() & 0xffff;
	if (rnd_below(3))
		f->status |= IPS_CONFIRMED;
	f->timeout = (uint32_t)rnd_magnitude();
	f->mark = rnd_below(2) ? (uint32_t)rnd() : rnd_below(4);
	f->use = rnd_below(4);
	f->id = (uint32_t)rnd();
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_STATUS) | CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) |
		  CTF_FLOW_BIT(CTF_FLOW_A_MARK) | CTF_FLOW_BIT(CTF_FLOW_A_USE) |
		  CTF_FLOW_BIT(CTF_FLOW_A_ID);
	f->set &= ~(rnd_below(8) ? 0 : rnd());
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY);
	if (!rnd_below(3)) {
		f->counters[0].packets = rnd_magnitude();
		f->counters[0].bytes = rnd_magnitude();
		f->counters[1].packets = rnd_magnitude();
		f->counters[1].bytes = rnd_magnitude();
		f->set |= CTF_FLOW_BIT(CTF_FLOW_A_COUNTERS_ORIG) |
			  CTF_FLOW_BIT(CTF_FLOW_A_COUNTERS_REPLY);
	}
	if (!rnd_below(3)) {
		f->ts_start = SYNTH_NOW_NS - rnd() % (400000ULL * 1000000000ULL);
		ctf_flow_set(f, CTF_FLOW_A_TS_START);
		if (rnd_below(2)) {
			f->ts_stop = f->ts_start + rnd() % (4000ULL * 1000000000ULL);
			ctf_flow_set(f, CTF_FLOW_A_TS_STOP);
		}
	}
	if (!rnd_below(6)) {
		strcpy(f->helper, helpers[rnd_below(6)]);
		ctf_flow_set(f, CTF_FLOW_A_HELPER);
	}
	if (!rnd_below(5)) {
		f->zone = (uint16_t)rnd();
		ctf_flow_set(f, CTF_FLOW_A_ZONE);
	}
	if (!rnd_below(6)) {
		f->orig.zone = (uint16_t)rnd_below(5);
		f->orig.flags |= CTF_TUPLE_F_ZONE;
		ctf_flow_set(f, CTF_FLOW_A_ORIG_ZONE);
	}
	if (!rnd_below(6)) {
		f->reply.zone = (uint16_t)rnd();
		f->reply.flags |= CTF_TUPLE_F_ZONE;
		ctf_flow_set(f, CTF_FLOW_A_REPLY_ZONE);
	}
	if (!rnd_below(6)) {
		f->secmark = (uint32_t)rnd();
		ctf_flow_set(f, CTF_FLOW_A_SECMARK);
	}
	if (!rnd_below(4)) {
		int i;

		for (i = 0; i < CTF_LABELS_LEN; i++)
			f->labels[i] = rnd_below(3) ? 0 : (uint8_t)rnd();
		f->labels_len = CTF_LABELS_LEN;
		ctf_flow_set(f, CTF_FLOW_A_LABELS);
	}
}

static void rnd_flow(struct synth *s)
{
	struct ctf_flow *f = &s->f;
	const uint16_t tf = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO |
			    CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;

	memset(s, 0, sizeof(*s));
	f->family = rnd_below(3) ? AF_INET : AF_INET6;
	f->orig.l3num = f->reply.l3num = f->family;
	rnd_addr(&f->orig.src, f->family);
	rnd_addr(&f->orig.dst, f->family);
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	if (!rnd_below(4))
		rnd_addr(rnd_below(2) ? &f->reply.src : &f->reply.dst, f->family);
	f->orig.flags = f->reply.flags = tf;
	rnd_l4(f);
	if (f->orig.l4proto == IPPROTO_ICMP || f->orig.l4proto == IPPROTO_ICMPV6) {
		f->orig.flags = f->reply.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST |
						 CTF_TUPLE_F_PROTO | CTF_TUPLE_F_ICMP_TYPE |
						 CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
	} else if (f->orig.l4proto != IPPROTO_TCP && f->orig.l4proto != IPPROTO_UDP &&
		   f->orig.l4proto != IPPROTO_UDPLITE && f->orig.l4proto != IPPROTO_SCTP &&
		   f->orig.l4proto != IPPROTO_DCCP && f->orig.l4proto != IPPROTO_GRE) {
		f->orig.flags = f->reply.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST |
						 CTF_TUPLE_F_PROTO;
		f->orig.l4.port.sport = f->orig.l4.port.dport = 0;
		f->reply.l4.port.sport = f->reply.l4.port.dport = 0;
	}
	rnd_meta(s);
}

int main(int argc, char **argv)
{
	uint64_t now = SYNTH_NOW_NS;
	char magic[8] = "CTFNL1\n";
	struct synth s;
	long i, n;
	FILE *fp;

	if (argc < 3 || !(fp = fopen(argv[2], "wb"))) {
		fprintf(stderr, "usage: ctf-synth edge|oob|noorig|random|events OUT.nl [N]\n");
		return 2;
	}
	fwrite(magic, sizeof(magic), 1, fp);
	fwrite(&now, sizeof(now), 1, fp);
	n = argc > 3 ? atol(argv[3]) : 1000;
	if (strcmp(argv[1], "edge") == 0) {
		edge_states(fp, 0, 11);
		edge_counters(fp);
		edge_labels(fp);
		edge_strings(fp);
		edge_addresses(fp);
		edge_status(fp);
		edge_nat(fp);
		edge_zones_times(fp);
		edge_shapes(fp);
	} else if (strcmp(argv[1], "oob") == 0) {
		edge_states(fp, 15, 255);
	} else if (strcmp(argv[1], "noorig") == 0) {
		edge_noorig(fp);
	} else {
		for (i = 0; i < n; i++) {
			rnd_flow(&s);
			if (strcmp(argv[1], "events") == 0)
				s.f.event = (uint8_t)(1U << rnd_below(3));
			emit(fp, &s);
		}
	}
	return fclose(fp) == 0 ? 0 : 1;
}
