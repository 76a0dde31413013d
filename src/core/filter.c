// SPDX-License-Identifier: GPL-2.0-or-later
/* Conntrack entry filters: 1.4.7's userspace matching and the kernel-side CTA_FILTER part. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/cbpf.h>
#include <ctflow/filter.h>

/* Kernel CTA_FILTER flag bits (include/uapi/.../nfnetlink_conntrack.h, 5.8+). */
#define FILTER_F_IP_SRC		(1U << 0)
#define FILTER_F_IP_DST		(1U << 1)
#define FILTER_F_PROTO_NUM	(1U << 3)
#define FILTER_F_SRC_PORT	(1U << 4)
#define FILTER_F_DST_PORT	(1U << 5)
#define FILTER_F_ICMP_TYPE	(1U << 6)
#define FILTER_F_ICMP_CODE	(1U << 7)
#define FILTER_F_ICMP_ID	(1U << 8)
#define FILTER_F_ICMPV6_TYPE	(1U << 9)
#define FILTER_F_ICMPV6_CODE	(1U << 10)
#define FILTER_F_ICMPV6_ID	(1U << 11)
#define CTA_FILTER_ORIG_FLAGS_	1
#define CTA_FILTER_REPLY_FLAGS_ 2
#define CTA_FILTER_		25
#define CTA_STATUS_MASK_	26

void ctf_filter_init(struct ctf_filter *f)
{
	memset(f, 0, sizeof(*f));
}

void ctf_filter_prefix_mask(uint8_t family, unsigned int prefix, union ctf_addr *ret_mask)
{
	unsigned int words = family == AF_INET6 ? 4 : 1, i;

	memset(ret_mask, 0, sizeof(*ret_mask));
	for (i = 0; i < words; i++) {
		if (prefix >= 32) {
			ret_mask->ip6[i] = 0xffffffff;
			prefix -= 32;
		} else if (prefix > 0) {
			ret_mask->ip6[i] = htonl(~0U << (32 - prefix));
			prefix = 0;
		}
	}
}

int ctf_filter_set_net(struct ctf_filter *f, bool dst, uint8_t family, const union ctf_addr *addr,
		       unsigned int prefix)
{
	union ctf_addr *net = dst ? &f->dst_net : &f->src_net;
	union ctf_addr *mask = dst ? &f->dst_mask : &f->src_mask;
	unsigned int i;

	if ((family != AF_INET && family != AF_INET6) || prefix > (family == AF_INET6 ? 128U : 32U))
		return -EINVAL;
	ctf_filter_prefix_mask(family, prefix, mask);
	memset(net, 0, sizeof(*net));
	for (i = 0; i < (family == AF_INET6 ? 4U : 1U); i++)
		net->ip6[i] = addr->ip6[i] & mask->ip6[i];
	f->family = family;
	f->set |= dst ? CTF_FILTER_DST_NET : CTF_FILTER_SRC_NET;
	return 0;
}

static bool addr_eq(uint8_t family, const union ctf_addr *a, const union ctf_addr *b)
{
	if (family == AF_INET6)
		return memcmp(a->ip6, b->ip6, 16) == 0;
	return a->ip == b->ip;
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/*
 * libnetfilter_conntrack keeps the layer 4 tuple as two 16-bit unions and its
 * NAT predicates compare them across directions whatever the protocol: for
 * ICMP the "source" is the id and the "destination" is type and code.
 */
static uint16_t l4_src_all(const struct ctf_tuple *t)
{
	return is_icmp(t->l4proto) ? t->l4.icmp.id : t->l4.port.sport;
}

static uint16_t l4_dst_all(const struct ctf_tuple *t)
{
	if (is_icmp(t->l4proto))
		return (uint16_t)(t->l4.icmp.type << 8 | t->l4.icmp.code);
	return t->l4.port.dport;
}

static bool nat_done(const struct ctf_flow *flow, uint32_t bit)
{
	return !ctf_flow_has(flow, CTF_FLOW_A_STATUS) || (flow->status & bit);
}

/* IPv6 compares the whole address; 1.4.7 compared only its first 32 bits. */
bool ctf_flow_is_snat(const struct ctf_flow *flow)
{
	return nat_done(flow, IPS_SRC_NAT_DONE) &&
	       !addr_eq(flow->orig.l3num, &flow->reply.dst, &flow->orig.src);
}

bool ctf_flow_is_dnat(const struct ctf_flow *flow)
{
	return nat_done(flow, IPS_DST_NAT_DONE) &&
	       !addr_eq(flow->orig.l3num, &flow->reply.src, &flow->orig.dst);
}

bool ctf_flow_is_spat(const struct ctf_flow *flow)
{
	return nat_done(flow, IPS_SRC_NAT_DONE) &&
	       l4_dst_all(&flow->reply) != l4_src_all(&flow->orig);
}

bool ctf_flow_is_dpat(const struct ctf_flow *flow)
{
	return nat_done(flow, IPS_DST_NAT_DONE) &&
	       l4_src_all(&flow->reply) != l4_dst_all(&flow->orig);
}

/*
 * One NAT direction as 1.4.7's filter_nat() decides it: an address must be
 * the NATed one, a port the NATed port, and with neither any NAT counts.
 */
static bool nat_side(const struct ctf_filter_nat *n, const struct ctf_flow *flow, bool src)
{
	bool is_nat = src ? ctf_flow_is_snat(flow) : ctf_flow_is_dnat(flow);
	bool is_pat = src ? ctf_flow_is_spat(flow) : ctf_flow_is_dpat(flow);
	const union ctf_addr *a = src ? &flow->reply.dst : &flow->reply.src;
	uint16_t port = src ? l4_dst_all(&flow->reply) : l4_src_all(&flow->reply);
	bool match = false;

	if (n->set & CTF_FN_ADDR)
		match = is_nat && n->family == flow->orig.l3num && addr_eq(n->family, &n->addr, a);
	if (n->set & CTF_FN_PORT) {
		bool port_ok = is_pat && n->port == port;

		if (n->set & CTF_FN_ADDR)
			match = match && port_ok;
		else
			match = port_ok;
	}
	if (!(n->set & (CTF_FN_ADDR | CTF_FN_PORT)))
		match = is_nat || is_pat;
	return match;
}

static bool match_nat(const struct ctf_filter *f, const struct ctf_flow *flow)
{
	bool any = f->set & CTF_FILTER_ANY_NAT;
	bool want_s = any || (f->set & CTF_FILTER_SNAT);
	bool want_d = any || (f->set & CTF_FILTER_DNAT);
	bool has_s = want_s && nat_side(&f->snat, flow, true);
	bool has_d = want_d && nat_side(&f->dnat, flow, false);

	if (any)
		return has_s || has_d;
	if (want_s && want_d)
		return has_s && has_d;
	if (want_s)
		return has_s;
	if (want_d)
		return has_d;
	return true;
}

static bool match_labels(const struct ctf_filter *f, const struct ctf_flow *flow)
{
	unsigned int i;

	if (!ctf_flow_has(flow, CTF_FLOW_A_LABELS))
		return false;
	for (i = 0; i < CTF_LABELS_LEN; i++) {
		uint8_t have = i < flow->labels_len ? flow->labels[i] : 0;

		if ((f->labels[i] & have) != f->labels[i])
			return false;
	}
	return true;
}

static bool match_net(const struct ctf_filter *f, const union ctf_addr *a,
		      const union ctf_addr *net, const union ctf_addr *mask)
{
	unsigned int i;

	for (i = 0; i < (f->family == AF_INET6 ? 4U : 1U); i++)
		if ((a->ip6[i] & mask->ip6[i]) != net->ip6[i])
			return false;
	return true;
}

static bool match_nets(const struct ctf_filter *f, const struct ctf_flow *flow)
{
	if ((f->set & (CTF_FILTER_SRC_NET | CTF_FILTER_DST_NET)) && flow->orig.l3num != f->family)
		return false;
	if ((f->set & CTF_FILTER_SRC_NET) &&
	    !match_net(f, &flow->orig.src, &f->src_net, &f->src_mask))
		return false;
	if ((f->set & CTF_FILTER_DST_NET) &&
	    !match_net(f, &flow->orig.dst, &f->dst_net, &f->dst_mask))
		return false;
	return true;
}

/*
 * nfct_cmp()'s rule for one attribute: both present => compare; template only
 * => with CMP_MASK, strict attributes fail and the others compare against 0;
 * otherwise (entry only, or neither, or template only without CMP_MASK) pass.
 */
enum attr_kind { ATTR_STRICT, ATTR_LOOSE };

static bool attr_cmp(bool strict_mode, bool in_tmpl, bool in_flow, enum attr_kind kind, bool eq,
		     bool eq_zero)
{
	if (in_tmpl && in_flow)
		return eq;
	if (in_tmpl && strict_mode)
		return kind == ATTR_STRICT ? false : eq_zero;
	return true;
}

static bool cmp_icmp(const struct ctf_filter *f, const struct ctf_flow *flow, bool sm)
{
	const struct ctf_tuple *o = &flow->orig;

	return attr_cmp(sm, f->meta & CTF_FM_ICMP_ID, o->flags & CTF_TUPLE_F_ICMP_ID, ATTR_STRICT,
			f->icmp_id == o->l4.icmp.id, false) &&
	       attr_cmp(sm, f->meta & CTF_FM_ICMP_CODE, o->flags & CTF_TUPLE_F_ICMP_CODE,
			ATTR_STRICT, f->icmp_code == o->l4.icmp.code, false) &&
	       attr_cmp(sm, f->meta & CTF_FM_ICMP_TYPE, o->flags & CTF_TUPLE_F_ICMP_TYPE,
			ATTR_STRICT, f->icmp_type == o->l4.icmp.type, false);
}

static bool has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_DCCP:
	case IPPROTO_SCTP:
		return true;
	default:
		return false;
	}
}

/* The layer 4 part, switched on the template's protocol as libnetfilter_conntrack does. */
static bool cmp_l4(const struct ctf_filter *f, const struct ctf_filter_tuple *ft,
		   const struct ctf_tuple *t, const struct ctf_flow *flow, bool sm)
{
	if (ft->l4proto != t->l4proto)
		return false;
	if (is_icmp(ft->l4proto))
		return cmp_icmp(f, flow, sm);
	if (!has_ports(ft->l4proto))
		return true;
	return attr_cmp(sm, ft->set & CTF_FT_SPORT, t->flags & CTF_TUPLE_F_SPORT, ATTR_STRICT,
			ft->sport == t->l4.port.sport, false) &&
	       attr_cmp(sm, ft->set & CTF_FT_DPORT, t->flags & CTF_TUPLE_F_DPORT, ATTR_STRICT,
			ft->dport == t->l4.port.dport, false);
}

static bool cmp_tuple(const struct ctf_filter *f, const struct ctf_filter_tuple *ft,
		      const struct ctf_tuple *t, bool present, const struct ctf_flow *flow, bool sm)
{
	bool v6 = ft->l3num == AF_INET6, tv6 = t->l3num == AF_INET6;
	bool has_src = present && (t->flags & CTF_TUPLE_F_SRC);
	bool has_dst = present && (t->flags & CTF_TUPLE_F_DST);
	uint16_t zone = (t->flags & CTF_TUPLE_F_ZONE) ? t->zone : 0;

	if (!attr_cmp(sm, ft->set & CTF_FT_L3, present, ATTR_STRICT, ft->l3num == t->l3num, false))
		return false;
	if (!attr_cmp(sm, ft->set & CTF_FT_L4, present && (t->flags & CTF_TUPLE_F_PROTO),
		      ATTR_STRICT, cmp_l4(f, ft, t, flow, sm), false))
		return false;
	/* IPv4 and IPv6 addresses are distinct attributes in libnetfilter_conntrack. */
	if (!attr_cmp(sm, (ft->set & CTF_FT_SRC) && !v6, has_src && !tv6, ATTR_STRICT,
		      ft->src.ip == t->src.ip, false) ||
	    !attr_cmp(sm, (ft->set & CTF_FT_DST) && !v6, has_dst && !tv6, ATTR_STRICT,
		      ft->dst.ip == t->dst.ip, false) ||
	    !attr_cmp(sm, (ft->set & CTF_FT_SRC) && v6, has_src && tv6, ATTR_STRICT,
		      addr_eq(AF_INET6, &ft->src, &t->src), false) ||
	    !attr_cmp(sm, (ft->set & CTF_FT_DST) && v6, has_dst && tv6, ATTR_STRICT,
		      addr_eq(AF_INET6, &ft->dst, &t->dst), false))
		return false;
	return attr_cmp(sm, ft->set & CTF_FT_ZONE, t->flags & CTF_TUPLE_F_ZONE, ATTR_LOOSE,
			ft->zone == zone, ft->zone == 0);
}

static bool cmp_meta(const struct ctf_filter *f, const struct ctf_flow *flow, bool sm)
{
	const unsigned int m = f->meta;

	return attr_cmp(sm, m & CTF_FM_ID, ctf_flow_has(flow, CTF_FLOW_A_ID), ATTR_STRICT,
			f->id == flow->id, false) &&
	       attr_cmp(sm, m & CTF_FM_TIMEOUT, ctf_flow_has(flow, CTF_FLOW_A_TIMEOUT), ATTR_STRICT,
			f->timeout == flow->timeout, false) &&
	       attr_cmp(sm, m & CTF_FM_STATUS, ctf_flow_has(flow, CTF_FLOW_A_STATUS), ATTR_STRICT,
			(f->status & flow->status) == f->status, false) &&
	       attr_cmp(sm, m & CTF_FM_TCP_STATE, ctf_flow_has(flow, CTF_FLOW_A_TCP_STATE),
			ATTR_STRICT, f->tcp_state == flow->tcp.state, false) &&
	       attr_cmp(sm, m & CTF_FM_SCTP_STATE, ctf_flow_has(flow, CTF_FLOW_A_SCTP_STATE),
			ATTR_STRICT, f->sctp_state == flow->sctp.state, false) &&
	       attr_cmp(sm, m & CTF_FM_DCCP_STATE, ctf_flow_has(flow, CTF_FLOW_A_DCCP_STATE),
			ATTR_STRICT, f->dccp_state == flow->dccp.state, false) &&
	       attr_cmp(sm, m & CTF_FM_ZONE, ctf_flow_has(flow, CTF_FLOW_A_ZONE), ATTR_LOOSE,
			f->zone == flow->zone, f->zone == 0);
}

static bool match_cmp(const struct ctf_filter *f, const struct ctf_flow *flow)
{
	bool sm = f->set & CTF_FILTER_CMP_STRICT;

	if ((f->set & CTF_FILTER_CMP_META) && !cmp_meta(f, flow, sm))
		return false;
	if ((f->set & CTF_FILTER_CMP_ORIG) &&
	    !cmp_tuple(f, &f->orig, &flow->orig, ctf_flow_has(flow, CTF_FLOW_A_ORIG), flow, sm))
		return false;
	if ((f->set & CTF_FILTER_CMP_REPLY) &&
	    !cmp_tuple(f, &f->reply, &flow->reply, ctf_flow_has(flow, CTF_FLOW_A_REPLY), flow, sm))
		return false;
	return true;
}

bool ctf_filter_match(const struct ctf_filter *f, const struct ctf_flow *flow)
{
	if ((f->set & CTF_FILTER_FAMILY) && flow->family != f->family)
		return false;
	if ((f->set & (CTF_FILTER_SNAT | CTF_FILTER_DNAT | CTF_FILTER_ANY_NAT)) &&
	    !match_nat(f, flow))
		return false;
	if ((f->set & CTF_FILTER_MARK) &&
	    (!ctf_flow_has(flow, CTF_FLOW_A_MARK) || (flow->mark & f->mark_mask) != f->mark_value))
		return false;
	if ((f->set & CTF_FILTER_LABELS) && !match_labels(f, flow))
		return false;
	if (!match_nets(f, flow))
		return false;
	if ((f->set & CTF_FILTER_ID) && (f->meta & CTF_FM_ID) &&
	    ctf_flow_has(flow, CTF_FLOW_A_ID) && f->id != flow->id)
		return false;
	if ((f->set & CTF_FILTER_CMP) && !match_cmp(f, flow))
		return false;
	return true;
}

uint8_t ctf_filter_dump_family(const struct ctf_filter *f)
{
	return (f->set & CTF_FILTER_FAMILY) ? f->family : AF_UNSPEC;
}

/* ICMP types the kernel accepts in a filter tuple (its invmap tables). */
static bool icmp_type_ok(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP)
		return type == 0 || type == 8 || (type >= 13 && type <= 18);
	return type == 128 || type == 129 || type == 139 || type == 140;
}

/*
 * The kernel flags for one template tuple, or 0 when nothing can be pushed.
 * The kernel compares addresses only with a family, and ports only for TCP
 * and UDP; userspace compares more, so everything else stays in userspace.
 */
static uint32_t tuple_flags(const struct ctf_filter *f, const struct ctf_filter_tuple *ft,
			    bool with_icmp)
{
	uint32_t fl = 0;
	bool v6 = ft->l4proto == IPPROTO_ICMPV6;

	/*
	 * IPv4 only: the kernel's IPv6 address test is inverted (it uses
	 * !ipv6_addr_cmp(), which is true for equal addresses), so an IPv6
	 * address filter would drop exactly the entries asked for.
	 */
	if (f->family == AF_INET && (ft->set & CTF_FT_L3) && ft->l3num == AF_INET) {
		if (ft->set & CTF_FT_SRC)
			fl |= FILTER_F_IP_SRC;
		if (ft->set & CTF_FT_DST)
			fl |= FILTER_F_IP_DST;
	}
	if (!(ft->set & CTF_FT_L4))
		return fl;
	fl |= FILTER_F_PROTO_NUM;
	if (ft->l4proto == IPPROTO_TCP || ft->l4proto == IPPROTO_UDP) {
		if (ft->set & CTF_FT_SPORT)
			fl |= FILTER_F_SRC_PORT;
		if (ft->set & CTF_FT_DPORT)
			fl |= FILTER_F_DST_PORT;
	} else if (with_icmp && is_icmp(ft->l4proto)) {
		if ((f->meta & CTF_FM_ICMP_TYPE) && icmp_type_ok(ft->l4proto, f->icmp_type))
			fl |= v6 ? FILTER_F_ICMPV6_TYPE : FILTER_F_ICMP_TYPE;
		if (f->meta & CTF_FM_ICMP_CODE)
			fl |= v6 ? FILTER_F_ICMPV6_CODE : FILTER_F_ICMP_CODE;
		if (f->meta & CTF_FM_ICMP_ID)
			fl |= v6 ? FILTER_F_ICMPV6_ID : FILTER_F_ICMP_ID;
	}
	return fl;
}

static int put_filter_tuple(const struct ctf_filter *f, struct nlmsghdr *nlh, size_t len,
			    uint16_t type, const struct ctf_filter_tuple *ft, uint32_t fl)
{
	struct ctf_tuple t = { .l3num = f->family, .l4proto = ft->l4proto };

	t.src = ft->src;
	t.dst = ft->dst;
	if (fl & FILTER_F_IP_SRC)
		t.flags |= CTF_TUPLE_F_SRC;
	if (fl & FILTER_F_IP_DST)
		t.flags |= CTF_TUPLE_F_DST;
	if (fl & FILTER_F_PROTO_NUM)
		t.flags |= CTF_TUPLE_F_PROTO;
	if (is_icmp(ft->l4proto)) {
		t.l4.icmp.type = f->icmp_type;
		t.l4.icmp.code = f->icmp_code;
		t.l4.icmp.id = f->icmp_id;
		if (fl & (FILTER_F_ICMP_TYPE | FILTER_F_ICMPV6_TYPE))
			t.flags |= CTF_TUPLE_F_ICMP_TYPE;
		if (fl & (FILTER_F_ICMP_CODE | FILTER_F_ICMPV6_CODE))
			t.flags |= CTF_TUPLE_F_ICMP_CODE;
		if (fl & (FILTER_F_ICMP_ID | FILTER_F_ICMPV6_ID))
			t.flags |= CTF_TUPLE_F_ICMP_ID;
	} else {
		t.l4.port.sport = ft->sport;
		t.l4.port.dport = ft->dport;
		if (fl & FILTER_F_SRC_PORT)
			t.flags |= CTF_TUPLE_F_SPORT;
		if (fl & FILTER_F_DST_PORT)
			t.flags |= CTF_TUPLE_F_DPORT;
	}
	return ctf_ct_put_tuple(nlh, len, type, &t);
}

static int put_tuples(const struct ctf_filter *f, struct nlmsghdr *nlh, size_t len)
{
	uint32_t ofl = 0, rfl = 0;
	struct nlattr *nest;

	if ((f->set & CTF_FILTER_CMP) && (f->set & CTF_FILTER_CMP_ORIG))
		ofl = tuple_flags(f, &f->orig, true);
	if ((f->set & CTF_FILTER_CMP) && (f->set & CTF_FILTER_CMP_REPLY))
		rfl = tuple_flags(f, &f->reply, false);
	if (!ofl && !rfl)
		return 0;
	nest = mnl_attr_nest_start_check(nlh, len, CTA_FILTER_);
	if (!nest || !mnl_attr_put_u32_check(nlh, len, CTA_FILTER_ORIG_FLAGS_, ofl) ||
	    !mnl_attr_put_u32_check(nlh, len, CTA_FILTER_REPLY_FLAGS_, rfl))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	if (ofl && put_filter_tuple(f, nlh, len, CTA_TUPLE_ORIG, &f->orig, ofl) < 0)
		return -EMSGSIZE;
	if (rfl && put_filter_tuple(f, nlh, len, CTA_TUPLE_REPLY, &f->reply, rfl) < 0)
		return -EMSGSIZE;
	return 0;
}

/*
 * The kernel matches CTA_ZONE against the entry's zone id in any direction;
 * userspace compares absent zones as 0, so only a nonzero zone is a superset.
 */
static int put_zone(const struct ctf_filter *f, struct nlmsghdr *nlh, size_t len)
{
	uint16_t zone = 0;

	if (!(f->set & CTF_FILTER_CMP) || !(f->set & CTF_FILTER_CMP_STRICT))
		return 0;
	if ((f->set & CTF_FILTER_CMP_META) && (f->meta & CTF_FM_ZONE))
		zone = f->zone;
	else if ((f->set & CTF_FILTER_CMP_ORIG) && (f->orig.set & CTF_FT_ZONE))
		zone = f->orig.zone;
	else if ((f->set & CTF_FILTER_CMP_REPLY) && (f->reply.set & CTF_FT_ZONE))
		zone = f->reply.zone;
	if (!zone)
		return 0;
	return mnl_attr_put_u16_check(nlh, len, CTA_ZONE, htons(zone)) ? 0 : -EMSGSIZE;
}

int ctf_filter_put_dump(const struct ctf_filter *f, struct nlmsghdr *nlh, size_t buflen,
			unsigned int what)
{
	if ((what & CTF_FILTER_PUT_MARK) && (f->set & CTF_FILTER_MARK) &&
	    (!mnl_attr_put_u32_check(nlh, buflen, CTA_MARK, htonl(f->mark_value)) ||
	     !mnl_attr_put_u32_check(nlh, buflen, CTA_MARK_MASK, htonl(f->mark_mask))))
		return -EMSGSIZE;
	/* A zero mask matches everything, and the kernel rejects it with EINVAL. */
	if ((what & CTF_FILTER_PUT_STATUS) && (f->set & CTF_FILTER_KSTATUS) && f->kstatus_mask &&
	    (!mnl_attr_put_u32_check(nlh, buflen, CTA_STATUS, htonl(f->kstatus_value)) ||
	     !mnl_attr_put_u32_check(nlh, buflen, CTA_STATUS_MASK_, htonl(f->kstatus_mask))))
		return -EMSGSIZE;
	if ((what & CTF_FILTER_PUT_ZONE) && put_zone(f, nlh, buflen) < 0)
		return -EMSGSIZE;
	if ((what & CTF_FILTER_PUT_TUPLE) && put_tuples(f, nlh, buflen) < 0)
		return -EMSGSIZE;
	return 0;
}

/* ---- classic BPF for event sockets ---- */

#define NO_LABEL CTF_CBPF_NO_LABEL

/* A = the one-byte attribute at @path (drop when absent); jump to @drop unless it is @v. */
static void bpf_byte_eq(struct ctf_cbpf *p, const uint16_t *path, unsigned int depth, uint8_t v,
			int drop)
{
	ctf_cbpf_find_attr(p, path, depth, drop);
	ctf_cbpf_emit(p, BPF_LD | BPF_B | BPF_IND, NLA_HDRLEN, NO_LABEL, NO_LABEL);
	ctf_cbpf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, v, NO_LABEL, drop);
}

/* The same for a big-endian 16-bit attribute (ports). */
static void bpf_u16_eq(struct ctf_cbpf *p, const uint16_t *path, uint16_t v, int drop)
{
	ctf_cbpf_find_attr(p, path, 3, drop);
	ctf_cbpf_emit(p, BPF_LD | BPF_H | BPF_IND, NLA_HDRLEN, NO_LABEL, NO_LABEL);
	ctf_cbpf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, v, NO_LABEL, drop);
}

/*
 * The address attribute at @path, word by word, masked by @mask (NULL: all
 * ones) must equal @want (network order): 1 word for IPv4, 4 for IPv6.
 * Word loads are big-endian, so they compare with ntohl() of our words.
 */
static void bpf_addr_eq(struct ctf_cbpf *p, const uint16_t *path, unsigned int words,
			const union ctf_addr *want, const union ctf_addr *mask, int drop)
{
	unsigned int i;

	ctf_cbpf_find_attr(p, path, 3, drop);
	for (i = 0; i < words; i++) {
		uint32_t m = mask ? ntohl(mask->ip6[i]) : 0xffffffffu;

		ctf_cbpf_emit(p, BPF_LD | BPF_W | BPF_IND, NLA_HDRLEN + 4 * i, NO_LABEL, NO_LABEL);
		if (m != 0xffffffffu)
			ctf_cbpf_emit(p, BPF_ALU | BPF_AND | BPF_K, m, NO_LABEL, NO_LABEL);
		ctf_cbpf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, ntohl(want->ip6[i]) & m, NO_LABEL,
			      drop);
	}
}

static bool bpf_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_DCCP;
}

/* What cmp_tuple() requires of one direction, for the parts that have one exact attribute. */
static void bpf_tuple(struct ctf_cbpf *p, uint16_t dir, const struct ctf_filter_tuple *ft, int drop)
{
	bool v6 = ft->l3num == AF_INET6;
	uint16_t path[3] = { dir, CTA_TUPLE_PROTO, CTA_PROTO_NUM };

	if (ft->set & CTF_FT_L4) {
		bpf_byte_eq(p, path, 3, ft->l4proto, drop);
		if (bpf_ports(ft->l4proto) && (ft->set & CTF_FT_SPORT)) {
			path[2] = CTA_PROTO_SRC_PORT;
			bpf_u16_eq(p, path, ft->sport, drop);
		}
		if (bpf_ports(ft->l4proto) && (ft->set & CTF_FT_DPORT)) {
			path[2] = CTA_PROTO_DST_PORT;
			bpf_u16_eq(p, path, ft->dport, drop);
		}
	}
	path[1] = CTA_TUPLE_IP;
	if (ft->set & CTF_FT_SRC) {
		path[2] = v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
		bpf_addr_eq(p, path, v6 ? 4 : 1, &ft->src, NULL, drop);
	}
	if (ft->set & CTF_FT_DST) {
		path[2] = v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST;
		bpf_addr_eq(p, path, v6 ? 4 : 1, &ft->dst, NULL, drop);
	}
}

/* Protocol states: in strict mode an event without the state fails, as it does here. */
static void bpf_states(struct ctf_cbpf *p, const struct ctf_filter *f, int drop)
{
	uint16_t path[3] = { CTA_PROTOINFO, CTA_PROTOINFO_TCP, CTA_PROTOINFO_TCP_STATE };

	if (f->meta & CTF_FM_TCP_STATE)
		bpf_byte_eq(p, path, 3, f->tcp_state, drop);
	if (f->meta & CTF_FM_SCTP_STATE) {
		path[1] = CTA_PROTOINFO_SCTP;
		path[2] = CTA_PROTOINFO_SCTP_STATE;
		bpf_byte_eq(p, path, 3, f->sctp_state, drop);
	}
	if (f->meta & CTF_FM_DCCP_STATE) {
		path[1] = CTA_PROTOINFO_DCCP;
		path[2] = CTA_PROTOINFO_DCCP_STATE;
		bpf_byte_eq(p, path, 3, f->dccp_state, drop);
	}
}

/* The CIDR test of match_nets(): the entry's family must be the filter's. */
static void bpf_net(struct ctf_cbpf *p, const struct ctf_filter *f, bool dst, int drop)
{
	bool v6 = f->family == AF_INET6;
	uint16_t path[3] = { CTA_TUPLE_ORIG, CTA_TUPLE_IP,
			     v6 ? (dst ? CTA_IP_V6_DST : CTA_IP_V6_SRC)
				: (dst ? CTA_IP_V4_DST : CTA_IP_V4_SRC) };

	bpf_addr_eq(p, path, v6 ? 4 : 1, dst ? &f->dst_net : &f->src_net,
		    dst ? &f->dst_mask : &f->src_mask, drop);
}

static void bpf_mark(struct ctf_cbpf *p, const struct ctf_filter *f, int drop)
{
	const uint16_t path[1] = { CTA_MARK };

	ctf_cbpf_find_attr(p, path, 1, drop);
	ctf_cbpf_emit(p, BPF_LD | BPF_W | BPF_IND, NLA_HDRLEN, NO_LABEL, NO_LABEL);
	if (f->mark_mask != 0xffffffffu)
		ctf_cbpf_emit(p, BPF_ALU | BPF_AND | BPF_K, f->mark_mask, NO_LABEL, NO_LABEL);
	ctf_cbpf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, f->mark_value, NO_LABEL, drop);
}

int ctf_filter_build_bpf(const struct ctf_filter *f, struct sock_filter *prog, unsigned int max)
{
	struct ctf_cbpf p;
	bool cmp = (f->set & CTF_FILTER_CMP) && (f->set & CTF_FILTER_CMP_STRICT);
	int drop;

	ctf_cbpf_init(&p, prog, max);
	drop = ctf_cbpf_label(&p);
	if (f->set & CTF_FILTER_FAMILY) {
		ctf_cbpf_emit(&p, BPF_LD | BPF_B | BPF_ABS, NLMSG_HDRLEN, NO_LABEL, NO_LABEL);
		ctf_cbpf_emit(&p, BPF_JMP | BPF_JEQ | BPF_K, f->family, NO_LABEL, drop);
	}
	if (f->set & CTF_FILTER_MARK)
		bpf_mark(&p, f, drop);
	if ((f->set & CTF_FILTER_SRC_NET) && (f->family == AF_INET || f->family == AF_INET6))
		bpf_net(&p, f, false, drop);
	if ((f->set & CTF_FILTER_DST_NET) && (f->family == AF_INET || f->family == AF_INET6))
		bpf_net(&p, f, true, drop);
	if (cmp && (f->set & CTF_FILTER_CMP_ORIG))
		bpf_tuple(&p, CTA_TUPLE_ORIG, &f->orig, drop);
	if (cmp && (f->set & CTF_FILTER_CMP_REPLY))
		bpf_tuple(&p, CTA_TUPLE_REPLY, &f->reply, drop);
	if (cmp && (f->set & CTF_FILTER_CMP_META))
		bpf_states(&p, f, drop);
	if (p.n == 0)
		return 0; /* nothing the kernel can do for us */
	ctf_cbpf_emit(&p, BPF_RET | BPF_K, 0xffffffffu, NO_LABEL, NO_LABEL);
	ctf_cbpf_place(&p, drop);
	ctf_cbpf_emit(&p, BPF_RET | BPF_K, 0, NO_LABEL, NO_LABEL);
	return ctf_cbpf_finish(&p);
}
