// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctnetlink codec tests: build/parse round trips for every attribute and
 * protocol, the recorded fixtures, malformed messages, and every parser
 * input placed flush against a PROT_NONE page so an over-read faults.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>

#include "fixtures.h"

#define CTA_TIMESTAMP_EVENT_ 27
#define BUF_SIZE 8192

/*
 * @len bytes of @msg ending at the PROT_NONE page, claiming @len in
 * nlmsg_len. The header must stay 4-byte aligned, so a length that is not a
 * multiple of 4 leaves up to 3 bytes of slack.
 */
static struct nlmsghdr *guarded(const void *msg, size_t len)
{
	struct nlmsghdr *nlh;

	assert_true(len >= sizeof(*nlh));
	nlh = ctf_guard_nlmsg(&ctf_guard_page, msg, len);
	assert_non_null(nlh); /* at most a page */
	return nlh;
}

static int parse_guarded(const void *msg, size_t len, struct ctf_flow *f)
{
	return ctf_flow_parse(guarded(msg, len), f);
}

/* ---- flows and their comparison ---- */

static void set_addr(union ctf_addr *a, uint8_t l3, const char *s)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(l3, s, a), 1);
}

static void tuple(struct ctf_tuple *t, uint8_t l3, const char *src, const char *dst, uint8_t proto)
{
	memset(t, 0, sizeof(*t));
	t->l3num = l3;
	t->l4proto = proto;
	set_addr(&t->src, l3, src);
	set_addr(&t->dst, l3, dst);
	t->flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO;
}

static void ports(struct ctf_tuple *t, uint16_t sport, uint16_t dport)
{
	t->l4.port.sport = sport;
	t->l4.port.dport = dport;
	t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
}

static void icmp(struct ctf_tuple *t, uint8_t type, uint8_t code, uint16_t id)
{
	t->l4.icmp.type = type;
	t->l4.icmp.code = code;
	t->l4.icmp.id = id;
	t->flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID |
		    CTF_TUPLE_F_SPORT;
}

static void assert_tuple_equal(const struct ctf_tuple *a, const struct ctf_tuple *b)
{
	size_t alen = a->l3num == AF_INET6 ? 16 : 4;

	assert_int_equal(a->l3num, b->l3num);
	assert_int_equal(a->l4proto, b->l4proto);
	assert_int_equal(a->flags, b->flags);
	if (a->flags & CTF_TUPLE_F_SRC)
		assert_memory_equal(a->src.raw, b->src.raw, alen);
	if (a->flags & CTF_TUPLE_F_DST)
		assert_memory_equal(a->dst.raw, b->dst.raw, alen);
	if (a->flags & (CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID)) {
		assert_int_equal(a->l4.icmp.type, b->l4.icmp.type);
		assert_int_equal(a->l4.icmp.code, b->l4.icmp.code);
		assert_int_equal(a->l4.icmp.id, b->l4.icmp.id);
	} else {
		if (a->flags & CTF_TUPLE_F_SPORT)
			assert_int_equal(a->l4.port.sport, b->l4.port.sport);
		if (a->flags & CTF_TUPLE_F_DPORT)
			assert_int_equal(a->l4.port.dport, b->l4.port.dport);
	}
	if (a->flags & CTF_TUPLE_F_ZONE)
		assert_int_equal(a->zone, b->zone);
}

/* The attributes ctf_ct_put_flow() writes that ctf_flow_parse() reads back. */
#define ROUND_TRIP_BITS                                                                          \
	(~(CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC) | CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST)))

static void assert_flow_equal(const struct ctf_flow *a, const struct ctf_flow *b)
{
	int d;

	assert_int_equal(a->set & ROUND_TRIP_BITS, b->set & ROUND_TRIP_BITS);
	if (ctf_flow_has(a, CTF_FLOW_A_ORIG))
		assert_tuple_equal(&a->orig, &b->orig);
	if (ctf_flow_has(a, CTF_FLOW_A_REPLY))
		assert_tuple_equal(&a->reply, &b->reply);
	if (ctf_flow_has(a, CTF_FLOW_A_MASTER))
		assert_tuple_equal(&a->master, &b->master);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->timeout, b->timeout);
	assert_int_equal(a->mark, b->mark);
	assert_int_equal(a->mark_mask, b->mark_mask);
	assert_int_equal(a->zone, b->zone);
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->tcp.state, b->tcp.state);
	assert_int_equal(a->sctp.state, b->sctp.state);
	assert_int_equal(a->dccp.state, b->dccp.state);
	assert_int_equal(a->dccp.role, b->dccp.role);
	assert_int_equal(a->dccp.handshake_seq, b->dccp.handshake_seq);
	for (d = 0; d < 2; d++) {
		assert_int_equal(a->tcp.wscale[d], b->tcp.wscale[d]);
		assert_int_equal(a->tcp.flags[d], b->tcp.flags[d]);
		assert_int_equal(a->tcp.mask[d], b->tcp.mask[d]);
		assert_int_equal(a->sctp.vtag[d], b->sctp.vtag[d]);
		assert_memory_equal(&a->seqadj[d], &b->seqadj[d], sizeof(a->seqadj[d]));
	}
	assert_memory_equal(&a->synproxy, &b->synproxy, sizeof(a->synproxy));
	assert_memory_equal(a->labels, b->labels, sizeof(a->labels));
	assert_memory_equal(a->labels_mask, b->labels_mask, sizeof(a->labels_mask));
	assert_string_equal(a->helper, b->helper);
}

static size_t build(void *buf, size_t buflen, const struct ctf_flow *f)
{
	struct nlmsghdr *nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, f->family, 42);

	assert_int_equal(ctf_ct_put_flow(nlh, buflen, f, CTF_CT_PUT_ALL), 0);
	return nlh->nlmsg_len;
}

/* Every attribute the builder knows, on a TCP flow. */
static struct ctf_flow full_tcp(void)
{
	struct ctf_flow f = { .family = AF_INET };
	int d;

	tuple(&f.orig, AF_INET, "192.0.2.1", "198.51.100.2", IPPROTO_TCP);
	ports(&f.orig, 40000, 443);
	tuple(&f.reply, AF_INET, "198.51.100.2", "203.0.113.9", IPPROTO_TCP);
	ports(&f.reply, 443, 1024);
	f.orig.zone = 3;
	f.orig.flags |= CTF_TUPLE_F_ZONE;
	f.reply.zone = 65535;
	f.reply.flags |= CTF_TUPLE_F_ZONE;
	f.status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_SRC_NAT;
	f.timeout = 431999;
	f.mark = 0xdeadbeef;
	f.mark_mask = 0xffff0000;
	f.zone = 7;
	f.id = 0xfedcba98;
	f.tcp.state = 3;
	for (d = 0; d < 2; d++) {
		f.tcp.wscale[d] = (uint8_t)(7 + d);
		f.tcp.flags[d] = (uint8_t)(0x23 + d);
		f.tcp.mask[d] = 0x33;
		f.seqadj[d] = (struct ctf_seqadj){ 0x10000000U + d, 5, 4294967295U };
	}
	f.synproxy.isn = 1;
	f.synproxy.its = 0x80000000U;
	f.synproxy.tsoff = 3;
	memset(f.labels, 0xa5, sizeof(f.labels));
	memset(f.labels_mask, 0xff, sizeof(f.labels_mask));
	f.labels_len = CTF_LABELS_LEN;
	strcpy(f.helper, "abcdefghijklmno");
	f.set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY) |
		CTF_FLOW_BIT(CTF_FLOW_A_ORIG_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY_ZONE) |
		CTF_FLOW_BIT(CTF_FLOW_A_STATUS) | CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) |
		CTF_FLOW_BIT(CTF_FLOW_A_MARK) | CTF_FLOW_BIT(CTF_FLOW_A_MARK_MASK) |
		CTF_FLOW_BIT(CTF_FLOW_A_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_ID) |
		CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_TCP_WSCALE_ORIG) |
		CTF_FLOW_BIT(CTF_FLOW_A_TCP_WSCALE_REPLY) | CTF_FLOW_BIT(CTF_FLOW_A_TCP_FLAGS_ORIG) |
		CTF_FLOW_BIT(CTF_FLOW_A_TCP_FLAGS_REPLY) | CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_ORIG) |
		CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_REPLY) | CTF_FLOW_BIT(CTF_FLOW_A_SYNPROXY) |
		CTF_FLOW_BIT(CTF_FLOW_A_LABELS) | CTF_FLOW_BIT(CTF_FLOW_A_LABELS_MASK) |
		CTF_FLOW_BIT(CTF_FLOW_A_HELPER);
	return f;
}

static struct ctf_flow proto_flow(uint8_t l3, uint8_t proto)
{
	const char *a = l3 == AF_INET ? "10.0.0.1" : "2001:db8::1";
	const char *b = l3 == AF_INET ? "10.0.0.2" : "::ffff:10.0.0.2";
	struct ctf_flow f = { .family = l3 };

	tuple(&f.orig, l3, a, b, proto);
	tuple(&f.reply, l3, b, a, proto);
	f.set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY);
	switch (proto) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		icmp(&f.orig, proto == IPPROTO_ICMP ? 8 : 128, 0, 0xffff);
		icmp(&f.reply, proto == IPPROTO_ICMP ? 0 : 129, 255, 0xffff);
		break;
	case IPPROTO_SCTP:
		ports(&f.orig, 1, 2);
		ports(&f.reply, 2, 1);
		f.sctp.state = 9;
		f.sctp.vtag[0] = 0xdeadbeef;
		f.sctp.vtag[1] = 1;
		f.set |= CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_ORIG) |
			 CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_REPLY);
		break;
	case IPPROTO_DCCP:
		ports(&f.orig, 5000, 5001);
		ports(&f.reply, 5001, 5000);
		f.dccp.state = 4;
		f.dccp.role = 1;
		f.dccp.handshake_seq = 0x0123456789abcdefULL;
		f.set |= CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_DCCP_ROLE) |
			 CTF_FLOW_BIT(CTF_FLOW_A_DCCP_HANDSHAKE_SEQ);
		break;
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_GRE: /* GRE keys travel as ports */
		ports(&f.orig, 0, 65535);
		ports(&f.reply, 65535, 0);
		break;
	}
	return f;
}

static void round_trip(const struct ctf_flow *f)
{
	char buf[BUF_SIZE];
	struct ctf_flow out;
	size_t len = build(buf, sizeof(buf), f);

	assert_int_equal(parse_guarded(buf, len, &out), 0);
	assert_int_equal(out.family, f->family);
	assert_int_equal(out.event, CTF_EVENT_NEW);
	assert_flow_equal(f, &out);
}

static void test_ct_round_trip_all_attributes(void **state)
{
	struct ctf_flow f = full_tcp();

	round_trip(&f);
	/* a master tuple, and short label bitmaps */
	tuple(&f.master, AF_INET, "192.0.2.1", "198.51.100.2", IPPROTO_TCP);
	ports(&f.master, 1, 21);
	ctf_flow_set(&f, CTF_FLOW_A_MASTER);
	f.labels_len = 4;
	memset(f.labels + 4, 0, CTF_LABELS_LEN - 4);
	memset(f.labels_mask + 4, 0, CTF_LABELS_LEN - 4);
	round_trip(&f);
}

static void test_ct_round_trip_protocols(void **state)
{
	static const uint8_t protos[] = { IPPROTO_TCP,	IPPROTO_UDP,  IPPROTO_UDPLITE, IPPROTO_SCTP,
					  IPPROTO_DCCP, IPPROTO_ICMP, IPPROTO_GRE,     99,
					  0,		255 };
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct ctf_flow f = proto_flow(AF_INET, protos[i]);

		round_trip(&f);
		f = proto_flow(AF_INET6, protos[i] == IPPROTO_ICMP ? IPPROTO_ICMPV6 : protos[i]);
		round_trip(&f);
	}
}

/* Tuples with only some parts: what -D/-G requests and filters send. */
static void test_ct_round_trip_partial_tuples(void **state)
{
	static const uint16_t parts[] = {
		CTF_TUPLE_F_SRC,
		CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO,
		CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT,
		CTF_TUPLE_F_ZONE,
		CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO | CTF_TUPLE_F_DPORT,
	};
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct ctf_flow f = proto_flow(AF_INET6, IPPROTO_UDP);

		f.orig.flags = parts[i];
		f.orig.zone = 9;
		/* what is not sent does not come back */
		if (!(parts[i] & CTF_TUPLE_F_PROTO))
			f.orig.l4proto = 0;
		f.set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG);
		if (parts[i] & CTF_TUPLE_F_ZONE)
			ctf_flow_set(&f, CTF_FLOW_A_ORIG_ZONE);
		round_trip(&f);
	}
}

/* The builder never writes past @buflen and reports -EMSGSIZE until it fits. */
static void test_ct_build_emsgsize(void **state)
{
	struct ctf_flow f = full_tcp();
	char full[BUF_SIZE], buf[BUF_SIZE + 64];
	size_t len = build(full, sizeof(full), &f), l;

	for (l = sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg); l <= len; l++) {
		struct nlmsghdr *nlh;
		int r;

		memset(buf, 0x5a, sizeof(buf));
		nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, AF_INET, 42);
		r = ctf_ct_put_flow(nlh, l, &f, CTF_CT_PUT_ALL);
		assert_int_equal(r, l < len ? -EMSGSIZE : 0);
		assert_true(nlh->nlmsg_len <= l);
		assert_int_equal((unsigned char)buf[l], 0x5a);
	}
}

/* NAT ranges are request-only: check their encoding on the wire. */
static void test_ct_build_nat(void **state)
{
	struct ctf_flow f = proto_flow(AF_INET, IPPROTO_TCP);
	const struct nlattr *attr, *in, *pn;
	char buf[BUF_SIZE];
	struct nlmsghdr *nlh;
	int found = 0;

	set_addr(&f.nat_src.min, AF_INET, "203.0.113.1");
	set_addr(&f.nat_src.max, AF_INET, "203.0.113.2");
	f.nat_src.has_port = true;
	f.nat_src.port_min = 1024;
	f.nat_src.port_max = 65535;
	ctf_flow_set(&f, CTF_FLOW_A_NAT_SRC);
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, AF_INET, 1);
	assert_int_equal(ctf_ct_put_flow(nlh, sizeof(buf), &f, CTF_CT_PUT_ALL), 0);
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(attr) != CTA_NAT_SRC)
			continue;
		found++;
		mnl_attr_for_each_nested(in, attr) {
			switch (mnl_attr_get_type(in)) {
			case CTA_NAT_V4_MINIP:
				assert_int_equal(mnl_attr_get_u32(in), f.nat_src.min.ip);
				found++;
				break;
			case CTA_NAT_V4_MAXIP:
				assert_int_equal(mnl_attr_get_u32(in), f.nat_src.max.ip);
				found++;
				break;
			case CTA_NAT_PROTO:
				mnl_attr_for_each_nested(pn, in) {
					uint16_t p = ntohs(mnl_attr_get_u16(pn));

					assert_int_equal(p, mnl_attr_get_type(pn) == CTA_PROTONAT_PORT_MIN ?
								    1024 :
								    65535);
					found++;
				}
				break;
			}
		}
	}
	assert_int_equal(found, 5);
	/* and the parser ignores it without failing */
	assert_int_equal(parse_guarded(nlh, nlh->nlmsg_len, &f), 0);
	assert_false(ctf_flow_has(&f, CTF_FLOW_A_NAT_SRC));
}

/* ---- fixtures ---- */

/* What ctf_ct_put_flow() writes of a flow the kernel sent. */
#define BUILDER_BITS                                                                             \
	(CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY) |                        \
	 CTF_FLOW_BIT(CTF_FLOW_A_MASTER) | CTF_FLOW_BIT(CTF_FLOW_A_STATUS) |                     \
	 CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) | CTF_FLOW_BIT(CTF_FLOW_A_MARK) |                      \
	 CTF_FLOW_BIT(CTF_FLOW_A_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_ID) |                           \
	 CTF_FLOW_BIT(CTF_FLOW_A_ORIG_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY_ZONE) |              \
	 CTF_FLOW_BIT(CTF_FLOW_A_LABELS) | CTF_FLOW_BIT(CTF_FLOW_A_HELPER) |                     \
	 (CTF_FLOW_BIT(CTF_FLOW_A_SYNPROXY + 1) - CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE)))

/* Lengths at which a prefix of @nlh ends on a top-level attribute boundary. */
static size_t boundaries(const struct nlmsghdr *nlh, size_t *out, size_t max)
{
	const struct nlattr *attr;
	size_t n = 0, base = (size_t)nlh;

	out[n++] = MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg);
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		size_t off = (size_t)attr - base;

		size_t end;

		/* anywhere from the attribute's end to the end of its padding */
		for (end = off + attr->nla_len; end <= off + MNL_ALIGN(attr->nla_len); end++) {
			assert_true(n < max);
			out[n++] = end;
		}
	}
	return n;
}

static bool in_list(const size_t *v, size_t n, size_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/*
 * Every prefix of a valid message, claiming its own length, flush against
 * the guard page: it parses exactly when it ends between two top-level
 * attributes, and is -EBADMSG otherwise, without ever reading past its end.
 */
static void check_prefixes(const struct nlmsghdr *nlh)
{
	size_t b[1024], nb = boundaries(nlh, b, 1024), l;
	struct ctf_flow f;

	for (l = sizeof(struct nlmsghdr); l <= nlh->nlmsg_len; l++) {
		int r = parse_guarded(nlh, l, &f), exp = in_list(b, nb, l) ? 0 : -EBADMSG;

		if (r != exp)
			fail_msg("prefix %zu of %u: %d, expected %d", l, nlh->nlmsg_len, r, exp);
	}
}

static void test_ct_fixtures(void **state)
{
	char **names = fixture_list(fixture_dir());
	size_t i, m, total = 0;

	for (i = 0; names[i]; i++) {
		struct fixture fx;

		assert_int_equal(fixture_load(&fx, fixture_dir(), names[i]), 0);
		for (m = 0; m < fx.count; m++) {
			const struct nlmsghdr *nlh = fx.msgs[m];
			const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
			struct ctf_flow f, again;
			char buf[BUF_SIZE];
			size_t len;

			assert_int_equal(parse_guarded(nlh, nlh->nlmsg_len, &f), 0);
			assert_int_equal(f.family, nfg->nfgen_family);
			assert_int_equal(f.nl_portid, nlh->nlmsg_pid);
			if (strncmp(names[i], "kernel", 6) == 0) {
				/* what every real entry has */
				assert_true(ctf_flow_has(&f, CTF_FLOW_A_ORIG));
				assert_true(ctf_flow_has(&f, CTF_FLOW_A_REPLY));
				assert_int_equal(f.orig.l4proto, f.reply.l4proto);
				assert_int_equal(f.orig.l3num, f.family);
			}
			/* re-encoding what the builder knows parses back the same */
			len = build(buf, sizeof(buf), &f);
			assert_int_equal(parse_guarded(buf, len, &again), 0);
			f.set &= BUILDER_BITS;
			assert_flow_equal(&f, &again);
			if (m % 7 == 0 || strncmp(names[i], "kernel", 6) == 0)
				check_prefixes(nlh);
			total++;
		}
		fixture_free(&fx);
		free(names[i]);
	}
	free(names);
	assert_true(total > 1000);
}

/* Kernel-only attributes, from the synthetic fixture whose values are known. */
static void test_ct_kernel_attributes(void **state)
{
	struct fixture fx;
	struct ctf_flow f;
	size_t m;
	bool c64 = false, c32 = false, secctx = false, ts = false;

	assert_int_equal(fixture_load(&fx, fixture_dir(), "synth-edge"), 0);
	for (m = 0; m < fx.count; m++) {
		assert_int_equal(ctf_flow_parse(fx.msgs[m], &f), 0);
		if (ctf_flow_has(&f, CTF_FLOW_A_COUNTERS_ORIG)) {
			c64 |= f.counters[0].packets == UINT64_MAX && f.counters[0].bytes == 0;
			/* CTA_COUNTERS32_*: 2^64-2^32 bytes arrived as their low 32 bits */
			c32 |= f.counters[0].packets == 4294967295ULL && f.counters[0].bytes == 0 &&
			       f.counters[1].bytes == 4294967295ULL / 7;
		}
		secctx |= ctf_flow_has(&f, CTF_FLOW_A_SECCTX) && strlen(f.secctx) == 255;
		ts |= ctf_flow_has(&f, CTF_FLOW_A_TS_STOP) && f.ts_stop == 999999999ULL * 1000000000ULL;
	}
	assert_true(c64);
	assert_true(c32);
	assert_true(secctx);
	assert_true(ts);
	fixture_free(&fx);
}

/* ---- malformed messages ---- */

struct msg {
	char buf[1024];
	struct nlmsghdr *nlh;
};

static void msg_start(struct msg *m, uint16_t type)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = ctf_ct_msg_put(m->buf, type, 0, AF_INET, 1);
}

static void put_raw(struct msg *m, uint16_t type, size_t len, const void *data)
{
	mnl_attr_put(m->nlh, type, len, data);
}

static const uint8_t zeros[64];

static void mal_status_short(struct msg *m)
{
	put_raw(m, CTA_STATUS, 2, zeros);
}

static void mal_status_long(struct msg *m)
{
	put_raw(m, CTA_STATUS, 8, zeros);
}

static void mal_zone_long(struct msg *m)
{
	put_raw(m, CTA_ZONE, 4, zeros);
}

static void mal_ts_event_short(struct msg *m)
{
	put_raw(m, CTA_TIMESTAMP_EVENT_, 4, zeros);
}

static void mal_v6_short(struct msg *m)
{
	struct nlattr *t = mnl_attr_nest_start(m->nlh, CTA_TUPLE_ORIG);
	struct nlattr *ip = mnl_attr_nest_start(m->nlh, CTA_TUPLE_IP);

	put_raw(m, CTA_IP_V6_SRC, 8, zeros);
	mnl_attr_nest_end(m->nlh, ip);
	mnl_attr_nest_end(m->nlh, t);
}

/* A nested attribute whose last member claims more than the nest holds. */
static void mal_nest_overrun(struct msg *m)
{
	struct nlattr *t = mnl_attr_nest_start(m->nlh, CTA_TUPLE_ORIG);
	struct nlattr *zone = mnl_nlmsg_get_payload_tail(m->nlh);

	mnl_attr_put_u16(m->nlh, CTA_TUPLE_ZONE, htons(1));
	mnl_attr_nest_end(m->nlh, t);
	zone->nla_len = 14; /* 8 bytes in the nest, 14 claimed */
}

static void mal_short_attr_header(struct msg *m)
{
	struct nlattr *a = (void *)((char *)m->nlh + m->nlh->nlmsg_len);

	a->nla_len = 2;
	a->nla_type = CTA_MARK;
	m->nlh->nlmsg_len += 4;
}

static void mal_attr_past_end(struct msg *m)
{
	mnl_attr_put_u32(m->nlh, CTA_MARK, 1);
	((struct nlattr *)((char *)m->nlh + m->nlh->nlmsg_len - 8))->nla_len = 12;
}

static void mal_trailing_bytes(struct msg *m)
{
	mnl_attr_put_u32(m->nlh, CTA_MARK, 1);
	m->nlh->nlmsg_len += 3;
}

static void mal_helper_no_nul(struct msg *m)
{
	struct nlattr *h = mnl_attr_nest_start(m->nlh, CTA_HELP);

	put_raw(m, CTA_HELP_NAME, 3, "ftp");
	mnl_attr_nest_end(m->nlh, h);
}

static void mal_secctx_no_nul(struct msg *m)
{
	struct nlattr *h = mnl_attr_nest_start(m->nlh, CTA_SECCTX);

	put_raw(m, CTA_SECCTX_NAME, 4, "abcd");
	mnl_attr_nest_end(m->nlh, h);
}

static void mal_counter_u32(struct msg *m)
{
	struct nlattr *c = mnl_attr_nest_start(m->nlh, CTA_COUNTERS_ORIG);

	mnl_attr_put_u32(m->nlh, CTA_COUNTERS_PACKETS, 1);
	mnl_attr_nest_end(m->nlh, c);
}

static void mal_tcp_flags_short(struct msg *m)
{
	struct nlattr *p = mnl_attr_nest_start(m->nlh, CTA_PROTOINFO);
	struct nlattr *t = mnl_attr_nest_start(m->nlh, CTA_PROTOINFO_TCP);

	put_raw(m, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, 1, zeros);
	mnl_attr_nest_end(m->nlh, t);
	mnl_attr_nest_end(m->nlh, p);
}

static void mal_nest_too_small(struct msg *m)
{
	put_raw(m, CTA_TUPLE_ORIG, 2, zeros);
}

static void mal_no_nfgenmsg(struct msg *m)
{
	m->nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
}

static void mal_deep_overrun(struct msg *m)
{
	struct nlattr *p = mnl_attr_nest_start(m->nlh, CTA_PROTOINFO);
	struct nlattr *s = mnl_attr_nest_start(m->nlh, CTA_PROTOINFO_SCTP);

	mnl_attr_put_u8(m->nlh, CTA_PROTOINFO_SCTP_STATE, 3);
	mnl_attr_nest_end(m->nlh, s);
	mnl_attr_nest_end(m->nlh, p);
	s->nla_len += 4; /* the inner nest overruns the outer one */
}

static void ok_unknown_attrs(struct msg *m)
{
	struct nlattr *t;

	mnl_attr_put_u32(m->nlh, 200, 1);
	t = mnl_attr_nest_start(m->nlh, CTA_TUPLE_ORIG);
	mnl_attr_put_u64(m->nlh, 9, 1);
	mnl_attr_nest_end(m->nlh, t);
	put_raw(m, CTA_LABELS, 32, zeros);
}

static void ok_empty(struct msg *m)
{
}

static void ok_unpadded_end(struct msg *m)
{
	mnl_attr_put_u8(m->nlh, 250, 1);
	m->nlh->nlmsg_len -= 3; /* the final padding is missing */
}

static const struct {
	const char *what;
	void (*make)(struct msg *m);
	uint16_t type;
	int ret;
} malformed[] = {
	{ "u32 of 2 bytes", mal_status_short, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "u32 of 8 bytes", mal_status_long, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "u16 of 4 bytes", mal_zone_long, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "u64 of 4 bytes", mal_ts_event_short, IPCTNL_MSG_CT_DELETE, -EBADMSG },
	{ "IPv6 address of 8 bytes", mal_v6_short, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "nested attribute overruns its nest", mal_nest_overrun, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "nest overruns its parent", mal_deep_overrun, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "attribute header too short", mal_short_attr_header, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "attribute past the message", mal_attr_past_end, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "trailing bytes", mal_trailing_bytes, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "helper name without NUL", mal_helper_no_nul, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "secctx without NUL", mal_secctx_no_nul, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "64-bit counter of 4 bytes", mal_counter_u32, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "tcp flags of 1 byte", mal_tcp_flags_short, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "nest of 2 bytes", mal_nest_too_small, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "no nfgenmsg", mal_no_nfgenmsg, IPCTNL_MSG_CT_NEW, -EBADMSG },
	{ "a GET request", ok_empty, IPCTNL_MSG_CT_GET, -EPROTO },
	{ "unknown attributes are skipped", ok_unknown_attrs, IPCTNL_MSG_CT_NEW, 0 },
	{ "no attributes", ok_empty, IPCTNL_MSG_CT_DELETE, 0 },
	{ "last attribute without padding", ok_unpadded_end, IPCTNL_MSG_CT_NEW, 0 },
};

static void test_ct_malformed(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct ctf_flow f;
		struct msg m;
		int r;

		msg_start(&m, malformed[i].type);
		malformed[i].make(&m);
		r = parse_guarded(m.nlh, m.nlh->nlmsg_len, &f);
		if (r != malformed[i].ret)
			fail_msg("%s: %d, expected %d", malformed[i].what, r, malformed[i].ret);
	}
}

static void test_ct_wrong_subsystem(void **state)
{
	struct ctf_flow f;
	struct msg m;

	msg_start(&m, IPCTNL_MSG_CT_NEW);
	m.nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_CT_NEW;
	assert_int_equal(parse_guarded(m.nlh, m.nlh->nlmsg_len, &f), -EPROTO);
	m.nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(parse_guarded(m.nlh, m.nlh->nlmsg_len, &f), -EPROTO);
}

/* Events: NEW needs NLM_F_CREATE, DELETE is DESTROY, the rest UPDATE. */
static void test_ct_event_types(void **state)
{
	struct ctf_flow f;
	struct msg m;

	msg_start(&m, IPCTNL_MSG_CT_NEW);
	m.nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	m.nlh->nlmsg_pid = 4242;
	assert_int_equal(parse_guarded(m.nlh, m.nlh->nlmsg_len, &f), 0);
	assert_int_equal(f.event, CTF_EVENT_NEW);
	assert_int_equal(f.nl_portid, 4242);
	m.nlh->nlmsg_flags = 0;
	assert_int_equal(parse_guarded(m.nlh, m.nlh->nlmsg_len, &f), 0);
	assert_int_equal(f.event, CTF_EVENT_UPDATE);
	msg_start(&m, IPCTNL_MSG_CT_DELETE);
	assert_int_equal(parse_guarded(m.nlh, m.nlh->nlmsg_len, &f), 0);
	assert_int_equal(f.event, CTF_EVENT_DESTROY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_round_trip_all_attributes),
		cmocka_unit_test(test_ct_round_trip_protocols),
		cmocka_unit_test(test_ct_round_trip_partial_tuples),
		cmocka_unit_test(test_ct_build_emsgsize),
		cmocka_unit_test(test_ct_build_nat),
		cmocka_unit_test(test_ct_fixtures),
		cmocka_unit_test(test_ct_kernel_attributes),
		cmocka_unit_test(test_ct_malformed),
		cmocka_unit_test(test_ct_wrong_subsystem),
		cmocka_unit_test(test_ct_event_types),
	};

	return cmocka_run_group_tests_name("ct", tests, ctf_guard_page_setup,
					   ctf_guard_page_teardown);
}
