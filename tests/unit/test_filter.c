// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the core filter: 1.4.7's userspace matching and the kernel push-down. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/filter.h>

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void ip6(const char *s, union ctf_addr *a)
{
	assert_int_equal(inet_pton(AF_INET6, s, &a->in6), 1);
}

/* A dumped-looking entry: udp/tcp/icmp over IPv4 with everything a dump carries. */
static void flow4(struct ctf_flow *f, uint8_t proto, const char *src, const char *dst,
		  uint16_t sport, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->orig.l3num = f->reply.l3num = AF_INET;
	f->orig.l4proto = f->reply.l4proto = proto;
	f->orig.src.ip = f->reply.dst.ip = ip4(src);
	f->orig.dst.ip = f->reply.src.ip = ip4(dst);
	f->orig.flags = f->reply.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO;
	if (proto == IPPROTO_ICMP) {
		f->orig.l4.icmp.type = 8;
		f->reply.l4.icmp.type = 0;
		f->orig.l4.icmp.id = f->reply.l4.icmp.id = sport;
		f->orig.flags |=
			CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
		f->reply.flags = f->orig.flags;
	} else {
		f->orig.l4.port.sport = f->reply.l4.port.dport = sport;
		f->orig.l4.port.dport = f->reply.l4.port.sport = dport;
		f->orig.flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
		f->reply.flags = f->orig.flags;
	}
	f->set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY) |
		 CTF_FLOW_BIT(CTF_FLOW_A_STATUS) | CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) |
		 CTF_FLOW_BIT(CTF_FLOW_A_MARK) | CTF_FLOW_BIT(CTF_FLOW_A_ID) |
		 CTF_FLOW_BIT(CTF_FLOW_A_USE);
	f->status = IPS_CONFIRMED;
	f->timeout = 100;
	f->id = 1234;
	if (proto == IPPROTO_TCP) {
		f->tcp.state = 3;
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
	}
}

static void strict(struct ctf_filter *f)
{
	f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_STRICT | CTF_FILTER_CMP_ORIG |
		  CTF_FILTER_CMP_REPLY | CTF_FILTER_CMP_META;
}

struct match_case {
	const char *name;
	void (*setup)(struct ctf_filter *f, struct ctf_flow *e);
	bool want;
};

static void c_empty(struct ctf_filter *f, struct ctf_flow *e)
{
	(void)f;
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 53, 5353);
}

static void c_proto_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 53, 5353);
	strict(f);
	f->orig.set = CTF_FT_L4;
	f->orig.l4proto = IPPROTO_UDP;
}

static void c_proto_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	c_proto_hit(f, e);
	f->orig.l4proto = IPPROTO_TCP;
}

static void c_src_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_TCP, "1.1.1.1", "2.2.2.2", 1000, 80);
	strict(f);
	f->orig.set = CTF_FT_L3 | CTF_FT_SRC;
	f->orig.l3num = AF_INET;
	f->orig.src.ip = ip4("1.1.1.1");
}

static void c_src_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	c_src_hit(f, e);
	f->orig.src.ip = ip4("1.1.1.2");
}

/* An IPv4 template never matches an IPv6 entry: the v4 attribute is absent there. */
static void c_src_family(struct ctf_filter *f, struct ctf_flow *e)
{
	c_src_hit(f, e);
	e->orig.l3num = AF_INET6;
	ip6("2001:db8::1", &e->orig.src);
}

static void c_port_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_TCP, "1.1.1.1", "2.2.2.2", 1000, 80);
	strict(f);
	f->orig.set = CTF_FT_L4 | CTF_FT_DPORT;
	f->orig.l4proto = IPPROTO_TCP;
	f->orig.dport = 80;
}

static void c_port_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	c_port_hit(f, e);
	f->orig.dport = 81;
}

/* 1.4.7 never compares GRE keys. */
static void c_gre_keys_ignored(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_GRE, "1.1.1.1", "2.2.2.2", 1, 2);
	strict(f);
	f->orig.set = CTF_FT_L4 | CTF_FT_SPORT;
	f->orig.l4proto = IPPROTO_GRE;
	f->orig.sport = 5;
}

static void c_reply_dst(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_TCP, "1.1.1.1", "2.2.2.2", 1000, 80);
	e->reply.dst.ip = ip4("9.9.9.9");
	strict(f);
	f->reply.set = CTF_FT_L3 | CTF_FT_DST;
	f->reply.l3num = AF_INET;
	f->reply.dst.ip = ip4("9.9.9.9");
}

static void c_icmp_type_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_ICMP, "1.1.1.1", "2.2.2.2", 77, 0);
	strict(f);
	f->orig.set = CTF_FT_L4;
	f->orig.l4proto = IPPROTO_ICMP;
	f->meta = CTF_FM_ICMP_TYPE | CTF_FM_ICMP_ID;
	f->icmp_type = 0;
	f->icmp_id = 77;
}

static void c_icmp_id_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	c_icmp_type_miss(f, e);
	f->icmp_type = 8;
}

static void c_status_subset(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_TCP, "1.1.1.1", "2.2.2.2", 1000, 80);
	e->status |= IPS_ASSURED | IPS_SEEN_REPLY;
	strict(f);
	f->meta = CTF_FM_STATUS;
	f->status = IPS_ASSURED;
}

static void c_status_missing_bit(struct ctf_filter *f, struct ctf_flow *e)
{
	c_status_subset(f, e);
	f->status = IPS_ASSURED | IPS_FIXED_TIMEOUT;
}

/* The kernel-only status part (negations) never runs in userspace. */
static void c_kstatus_not_userspace(struct ctf_filter *f, struct ctf_flow *e)
{
	c_status_subset(f, e);
	f->set |= CTF_FILTER_KSTATUS;
	f->kstatus_value = 0;
	f->kstatus_mask = IPS_ASSURED;
}

static void c_timeout_exact(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	strict(f);
	f->meta = CTF_FM_TIMEOUT;
	f->timeout = 99;
}

static void c_tcp_state_on_udp(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	strict(f);
	f->meta = CTF_FM_TCP_STATE;
	f->tcp_state = 3;
}

/* Absent zones compare as 0 (a loose attribute). */
static void c_zone_zero_matches_none(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	strict(f);
	f->meta = CTF_FM_ZONE;
	f->zone = 0;
}

static void c_zone_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	c_zone_zero_matches_none(f, e);
	f->zone = 3;
}

static void c_orig_zone_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	e->orig.zone = 2;
	e->orig.flags |= CTF_TUPLE_F_ZONE;
	strict(f);
	f->orig.set = CTF_FT_ZONE;
	f->orig.zone = 2;
}

static void c_mark_mask(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	e->mark = 0x1234;
	f->set = CTF_FILTER_MARK;
	f->mark_value = 0x30;
	f->mark_mask = 0xf0;
}

static void c_mark_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	c_mark_mask(f, e);
	f->mark_value = 0x20;
}

static void c_cidr_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	union ctf_addr a = { .ip = ip4("10.1.2.0") };

	flow4(e, IPPROTO_UDP, "10.1.2.77", "2.2.2.2", 1, 2);
	assert_int_equal(ctf_filter_set_net(f, false, AF_INET, &a, 24), 0);
}

static void c_cidr_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	c_cidr_hit(f, e);
	e->orig.src.ip = ip4("10.1.3.77");
}

static void c_cidr6_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	union ctf_addr a;

	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	e->family = e->orig.l3num = AF_INET6;
	ip6("2001:db8:1::5", &e->orig.dst);
	ip6("2001:db8:1::", &a);
	assert_int_equal(ctf_filter_set_net(f, true, AF_INET6, &a, 48), 0);
}

static void c_labels_all(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	e->labels[0] = 0x05;
	e->labels_len = 16;
	ctf_flow_set(e, CTF_FLOW_A_LABELS);
	f->set = CTF_FILTER_LABELS;
	f->labels[0] = 0x05;
}

static void c_labels_partial(struct ctf_filter *f, struct ctf_flow *e)
{
	c_labels_all(f, e);
	f->labels[0] = 0x07;
}

static void c_labels_absent(struct ctf_filter *f, struct ctf_flow *e)
{
	c_labels_all(f, e);
	e->set &= ~CTF_FLOW_BIT(CTF_FLOW_A_LABELS);
}

/* A NATed entry: 1.1.1.1 -> 2.2.2.2, SNAT to 5.5.5.5:999. */
static void nat_flow(struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1000, 53);
	e->reply.dst.ip = ip4("5.5.5.5");
	e->reply.l4.port.dport = 999;
	e->status |= IPS_SRC_NAT | IPS_SRC_NAT_DONE;
}

static void c_snat_any(struct ctf_filter *f, struct ctf_flow *e)
{
	nat_flow(e);
	f->set = CTF_FILTER_SNAT;
}

static void c_dnat_none(struct ctf_filter *f, struct ctf_flow *e)
{
	nat_flow(e);
	f->set = CTF_FILTER_DNAT;
}

static void c_anynat(struct ctf_filter *f, struct ctf_flow *e)
{
	nat_flow(e);
	f->set = CTF_FILTER_ANY_NAT;
}

static void c_snat_addr_port(struct ctf_filter *f, struct ctf_flow *e)
{
	nat_flow(e);
	f->set = CTF_FILTER_SNAT;
	f->snat.set = CTF_FN_ADDR | CTF_FN_PORT;
	f->snat.family = AF_INET;
	f->snat.addr.ip = ip4("5.5.5.5");
	f->snat.port = 999;
}

static void c_snat_wrong_port(struct ctf_filter *f, struct ctf_flow *e)
{
	c_snat_addr_port(f, e);
	f->snat.port = 998;
}

/* Without SRC_NAT_DONE in the status a different reply address is not SNAT. */
static void c_snat_needs_status(struct ctf_filter *f, struct ctf_flow *e)
{
	c_snat_any(f, e);
	e->status = IPS_CONFIRMED;
}

/* IPv6 NAT: the address is compared (1.4.7 ignored it and matched every v6 NAT). */
static void v6_nat(struct ctf_filter *f, struct ctf_flow *e, const char *want)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1000, 53);
	e->family = e->orig.l3num = e->reply.l3num = AF_INET6;
	ip6("2001:db8::1", &e->orig.src);
	ip6("2001:db8::2", &e->orig.dst);
	ip6("2001:db8::2", &e->reply.src);
	ip6("2001:db8::99", &e->reply.dst);
	e->status |= IPS_SRC_NAT_DONE;
	f->set = CTF_FILTER_SNAT;
	f->snat.set = CTF_FN_ADDR;
	f->snat.family = AF_INET6;
	ip6(want, &f->snat.addr);
}

static void c_snat6_hit(struct ctf_filter *f, struct ctf_flow *e)
{
	v6_nat(f, e, "2001:db8::99");
}

static void c_snat6_miss(struct ctf_filter *f, struct ctf_flow *e)
{
	v6_nat(f, e, "2001:db8::98");
}

static void c_family(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	f->set = CTF_FILTER_FAMILY;
	f->family = AF_INET6;
}

/* -U: a template attribute the entry lacks is not a mismatch, differing ids are. */
static void c_update_loose(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	e->orig.flags &= (uint16_t)~CTF_TUPLE_F_SPORT;
	f->set = CTF_FILTER_CMP | CTF_FILTER_CMP_ORIG;
	f->orig.set = CTF_FT_L4 | CTF_FT_SPORT;
	f->orig.l4proto = IPPROTO_UDP;
	f->orig.sport = 9;
}

static void c_update_id(struct ctf_filter *f, struct ctf_flow *e)
{
	flow4(e, IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 1, 2);
	f->set = CTF_FILTER_ID;
	f->meta = CTF_FM_ID;
	f->id = 4321;
}

static void c_strict_missing_port(struct ctf_filter *f, struct ctf_flow *e)
{
	c_update_loose(f, e);
	strict(f);
}

static const struct match_case match_cases[] = {
	{ "empty", c_empty, true },
	{ "proto hit", c_proto_hit, true },
	{ "proto miss", c_proto_miss, false },
	{ "src hit", c_src_hit, true },
	{ "src miss", c_src_miss, false },
	{ "src other family", c_src_family, false },
	{ "port hit", c_port_hit, true },
	{ "port miss", c_port_miss, false },
	{ "gre keys ignored", c_gre_keys_ignored, true },
	{ "reply dst", c_reply_dst, true },
	{ "icmp type miss", c_icmp_type_miss, false },
	{ "icmp id hit", c_icmp_id_hit, true },
	{ "status subset", c_status_subset, true },
	{ "status missing bit", c_status_missing_bit, false },
	{ "kstatus not in userspace", c_kstatus_not_userspace, true },
	{ "timeout exact", c_timeout_exact, false },
	{ "tcp state on udp", c_tcp_state_on_udp, false },
	{ "zone 0 matches no zone", c_zone_zero_matches_none, true },
	{ "zone miss", c_zone_miss, false },
	{ "orig zone hit", c_orig_zone_hit, true },
	{ "mark mask", c_mark_mask, true },
	{ "mark miss", c_mark_miss, false },
	{ "cidr hit", c_cidr_hit, true },
	{ "cidr miss", c_cidr_miss, false },
	{ "cidr6 hit", c_cidr6_hit, true },
	{ "labels all", c_labels_all, true },
	{ "labels partial", c_labels_partial, false },
	{ "labels absent", c_labels_absent, false },
	{ "snat any", c_snat_any, true },
	{ "dnat none", c_dnat_none, false },
	{ "any nat", c_anynat, true },
	{ "snat addr port", c_snat_addr_port, true },
	{ "snat wrong port", c_snat_wrong_port, false },
	{ "snat needs status", c_snat_needs_status, false },
	{ "snat6 hit", c_snat6_hit, true },
	{ "snat6 miss", c_snat6_miss, false },
	{ "family", c_family, false },
	{ "update loose", c_update_loose, true },
	{ "update id", c_update_id, false },
	{ "strict missing port", c_strict_missing_port, false },
};

static void test_filter_match_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		struct ctf_filter f;
		struct ctf_flow e;

		ctf_filter_init(&f);
		match_cases[i].setup(&f, &e);
		if (ctf_filter_match(&f, &e) != match_cases[i].want)
			fail_msg("case '%s': want %d", match_cases[i].name, match_cases[i].want);
	}
}

static void test_filter_prefix_mask(void **state)
{
	union ctf_addr m;

	(void)state;
	ctf_filter_prefix_mask(AF_INET, 24, &m);
	assert_int_equal(m.ip, ip4("255.255.255.0"));
	ctf_filter_prefix_mask(AF_INET, 0, &m);
	assert_int_equal(m.ip, 0);
	ctf_filter_prefix_mask(AF_INET6, 65, &m);
	assert_int_equal(m.ip6[0], 0xffffffff);
	assert_int_equal(m.ip6[1], 0xffffffff);
	assert_int_equal(m.ip6[2], htonl(0x80000000));
	assert_int_equal(m.ip6[3], 0);
	assert_int_equal(ctf_filter_set_net(&(struct ctf_filter){ 0 }, false, AF_INET, &m, 33),
			 -EINVAL);
}

/* The attributes a dump request ends up with. */
struct seen {
	const struct nlattr *tb[CTA_MAX + 1];
};

static int top_cb(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	if (mnl_attr_get_type(a) <= CTA_MAX)
		s->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static struct nlmsghdr *put(const struct ctf_filter *f, char *buf, size_t len, struct seen *s,
			    unsigned int what)
{
	struct nlmsghdr *nlh =
		ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, ctf_filter_dump_family(f), 1);

	assert_int_equal(ctf_filter_put_dump(f, nlh, len, what), 0);
	memset(s, 0, sizeof(*s));
	assert_true(mnl_attr_parse(nlh, sizeof(struct nfgenmsg), top_cb, s) >= 0);
	return nlh;
}

static uint32_t filter_flags(const struct seen *s, uint16_t which)
{
	const struct nlattr *a;

	if (!s->tb[CTA_FILTER])
		return 0;
	mnl_attr_for_each_nested(a, s->tb[CTA_FILTER]) if (mnl_attr_get_type(a) ==
							   which) return mnl_attr_get_u32(a);
	return 0;
}

static void test_filter_put_dump(void **state)
{
	char buf[8192];
	struct ctf_filter f;
	struct seen s;

	(void)state;
	/* -L -p tcp -s 1.1.1.1 --dport 80: address, protocol and port go to the kernel. */
	ctf_filter_init(&f);
	strict(&f);
	f.set |= CTF_FILTER_FAMILY;
	f.family = AF_INET;
	f.orig.set = CTF_FT_L3 | CTF_FT_L4 | CTF_FT_SRC | CTF_FT_DPORT;
	f.orig.l3num = AF_INET;
	f.orig.l4proto = IPPROTO_TCP;
	f.orig.src.ip = ip4("1.1.1.1");
	f.orig.dport = 80;
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_ALL);
	assert_non_null(s.tb[CTA_TUPLE_ORIG]);
	assert_int_equal(filter_flags(&s, 1), (1U << 0) | (1U << 3) | (1U << 5));
	assert_null(s.tb[CTA_MARK]);

	/* SCTP ports stay in userspace: the kernel compares only TCP/UDP ports. */
	f.orig.l4proto = IPPROTO_SCTP;
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_ALL);
	assert_int_equal(filter_flags(&s, 1), (1U << 0) | (1U << 3));

	/* IPv6 addresses stay in userspace: the kernel's IPv6 address test is inverted. */
	f.family = AF_INET6;
	f.orig.l3num = AF_INET6;
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_ALL);
	assert_int_equal(filter_flags(&s, 1), 1U << 3);
	f.orig.l3num = AF_INET;

	/* Without a family the kernel cannot compare addresses. */
	f.set &= ~CTF_FILTER_FAMILY;
	f.family = AF_UNSPEC;
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_ALL);
	assert_int_equal(filter_flags(&s, 1), 1U << 3);

	/* Nothing but what @what allows. */
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_MARK);
	assert_null(s.tb[CTA_FILTER]);

	/* Mark, status (never a zero mask), zone (never 0). */
	ctf_filter_init(&f);
	strict(&f);
	f.set |= CTF_FILTER_MARK | CTF_FILTER_KSTATUS;
	f.mark_value = 5;
	f.mark_mask = 0xff;
	f.kstatus_value = 0;
	f.kstatus_mask = 0;
	f.meta = CTF_FM_ZONE;
	f.zone = 0;
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_ALL);
	assert_int_equal(ntohl(mnl_attr_get_u32(s.tb[CTA_MARK])), 5);
	assert_int_equal(ntohl(mnl_attr_get_u32(s.tb[CTA_MARK_MASK])), 0xff);
	assert_null(s.tb[CTA_STATUS]);
	assert_null(s.tb[CTA_ZONE]);
	f.kstatus_mask = IPS_ASSURED;
	f.zone = 7;
	put(&f, buf, sizeof(buf), &s, CTF_FILTER_PUT_ALL);
	assert_int_equal(ntohl(mnl_attr_get_u32(s.tb[CTA_STATUS])), 0);
	assert_non_null(s.tb[CTA_STATUS_MASK]);
	assert_int_equal(ntohs(mnl_attr_get_u16(s.tb[CTA_ZONE])), 7);

	/* A too small buffer is reported, not overrun. */
	{
		char small[40];
		struct nlmsghdr *nlh = ctf_ct_msg_put(small, IPCTNL_MSG_CT_GET, NLM_F_DUMP, 0, 1);

		assert_int_equal(ctf_filter_put_dump(&f, nlh, sizeof(small), CTF_FILTER_PUT_ALL),
				 -EMSGSIZE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_match_table),
		cmocka_unit_test(test_filter_prefix_mask),
		cmocka_unit_test(test_filter_put_dump),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
