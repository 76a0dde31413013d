// SPDX-License-Identifier: GPL-2.0-or-later
/* ctnetlink conntrack codec: messages <-> struct ctf_flow, with no per-entry allocation. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

/* Newer than the 6.1 uapi headers Debian 12 ships. */
#define CTA_TIMESTAMP_EVENT_ 27
#define CTA_MAX_ CTA_TIMESTAMP_EVENT_

static const uint8_t top_types[CTA_MAX_ + 1] = {
	[CTA_TUPLE_ORIG] = MNL_TYPE_NESTED,	  [CTA_TUPLE_REPLY] = MNL_TYPE_NESTED,
	[CTA_STATUS] = MNL_TYPE_U32,		  [CTA_PROTOINFO] = MNL_TYPE_NESTED,
	[CTA_HELP] = MNL_TYPE_NESTED,		  [CTA_NAT_SRC] = MNL_TYPE_NESTED,
	[CTA_TIMEOUT] = MNL_TYPE_U32,		  [CTA_MARK] = MNL_TYPE_U32,
	[CTA_COUNTERS_ORIG] = MNL_TYPE_NESTED,	  [CTA_COUNTERS_REPLY] = MNL_TYPE_NESTED,
	[CTA_USE] = MNL_TYPE_U32,		  [CTA_ID] = MNL_TYPE_U32,
	[CTA_NAT_DST] = MNL_TYPE_NESTED,	  [CTA_TUPLE_MASTER] = MNL_TYPE_NESTED,
	[CTA_SEQ_ADJ_ORIG] = MNL_TYPE_NESTED,	  [CTA_SEQ_ADJ_REPLY] = MNL_TYPE_NESTED,
	[CTA_SECMARK] = MNL_TYPE_U32,		  [CTA_ZONE] = MNL_TYPE_U16,
	[CTA_SECCTX] = MNL_TYPE_NESTED,		  [CTA_TIMESTAMP] = MNL_TYPE_NESTED,
	[CTA_MARK_MASK] = MNL_TYPE_U32,		  [CTA_LABELS] = MNL_TYPE_BINARY,
	[CTA_LABELS_MASK] = MNL_TYPE_BINARY,	  [CTA_SYNPROXY] = MNL_TYPE_NESTED,
	[CTA_FILTER] = MNL_TYPE_NESTED,		  [CTA_STATUS_MASK] = MNL_TYPE_U32,
	[CTA_TIMESTAMP_EVENT_] = MNL_TYPE_U64,
};

/*
 * Attribute accessors. The parser runs once per entry of a dump of millions,
 * so these are inline rather than calls into the shared libmnl; they read
 * unaligned-safe and do what mnl_attr_get_*() do.
 */
static inline uint16_t attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline uint16_t attr_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
}

static inline const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static inline uint8_t attr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)attr_data(a);
}

static inline uint16_t attr_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static inline uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static inline uint64_t attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

/*
 * Validate @attr against @types[] and store it in tb[]; unknown types are
 * skipped. Integers must have their exact size (libmnl checks only a
 * minimum; the kernel always sends the exact size), strings must end in a
 * NUL inside the attribute, and a nest holds nothing or whole attributes.
 */
static int store_attr(const struct nlattr *attr, const struct nlattr **tb, const uint8_t *types,
		      unsigned int max)
{
	static const uint8_t int_size[MNL_TYPE_MAX] = {
		[MNL_TYPE_U8] = 1, [MNL_TYPE_U16] = 2, [MNL_TYPE_U32] = 4, [MNL_TYPE_U64] = 8,
	};
	unsigned int type = attr_type(attr);
	uint16_t len = attr_len(attr);

	if (type > max || types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	switch (types[type]) {
	case MNL_TYPE_NESTED:
		if (len != 0 && len < MNL_ATTR_HDRLEN)
			return MNL_CB_ERROR;
		break;
	case MNL_TYPE_NUL_STRING:
		if (len == 0 || ((const char *)attr_data(attr))[len - 1] != '\0')
			return MNL_CB_ERROR;
		break;
	case MNL_TYPE_BINARY:
		break;
	default:
		if (len != int_size[types[type]])
			return MNL_CB_ERROR;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

struct nest_ctx {
	const struct nlattr **tb;
	const uint8_t *types;
	unsigned int max;
};

/*
 * Walk the attributes in @len bytes at @buf. Unlike mnl_attr_parse(), which
 * stops silently at an attribute that overruns its container, bytes left
 * over that do not form a whole attribute make the message malformed.
 */
static int walk_attrs(const void *buf, size_t len, const struct nest_ctx *ctx)
{
	const struct nlattr *attr = buf;
	int rem = (int)len;

	while (rem >= (int)sizeof(*attr) && attr->nla_len >= sizeof(*attr) && attr->nla_len <= rem) {
		if (store_attr(attr, ctx->tb, ctx->types, ctx->max) < 0)
			return -EBADMSG;
		rem -= MNL_ALIGN(attr->nla_len);
		attr = (const struct nlattr *)((const char *)attr + MNL_ALIGN(attr->nla_len));
	}
	/* rem < 0 only when the last attribute lacks its final padding */
	return rem <= 0 ? 0 : -EBADMSG;
}

/* Parse the attributes nested in @nest into tb[0..max] (cleared by the caller). */
static int parse_nest(const struct nlattr *nest, const struct nlattr **tb, const uint8_t *types,
		      unsigned int max)
{
	struct nest_ctx ctx = { tb, types, max };

	return walk_attrs(attr_data(nest), attr_len(nest), &ctx);
}

/* Parse the attributes after the nfgenmsg header of @nlh (its length checked by the caller). */
static int parse_msg_attrs(const struct nlmsghdr *nlh, const struct nest_ctx *ctx)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));

	return walk_attrs((const char *)nlh + off, nlh->nlmsg_len - off, ctx);
}

static const uint8_t tuple_types[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP] = MNL_TYPE_NESTED,
	[CTA_TUPLE_PROTO] = MNL_TYPE_NESTED,
	[CTA_TUPLE_ZONE] = MNL_TYPE_U16,
};

static const uint8_t ip_types[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC] = MNL_TYPE_U32,
	[CTA_IP_V4_DST] = MNL_TYPE_U32,
	[CTA_IP_V6_SRC] = MNL_TYPE_BINARY,
	[CTA_IP_V6_DST] = MNL_TYPE_BINARY,
};

static const uint8_t proto_types[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM] = MNL_TYPE_U8,		[CTA_PROTO_SRC_PORT] = MNL_TYPE_U16,
	[CTA_PROTO_DST_PORT] = MNL_TYPE_U16,	[CTA_PROTO_ICMP_ID] = MNL_TYPE_U16,
	[CTA_PROTO_ICMP_TYPE] = MNL_TYPE_U8,	[CTA_PROTO_ICMP_CODE] = MNL_TYPE_U8,
	[CTA_PROTO_ICMPV6_ID] = MNL_TYPE_U16,	[CTA_PROTO_ICMPV6_TYPE] = MNL_TYPE_U8,
	[CTA_PROTO_ICMPV6_CODE] = MNL_TYPE_U8,
};

static int parse_ip(const struct nlattr *nest, struct ctf_tuple *t)
{
	const struct nlattr *tb[CTA_IP_MAX + 1] = { 0 };
	int i;

	if (parse_nest(nest, tb, ip_types, CTA_IP_MAX) < 0)
		return -EBADMSG;
	for (i = CTA_IP_V6_SRC; i <= CTA_IP_V6_DST; i++)
		if (tb[i] && attr_len(tb[i]) != sizeof(struct in6_addr))
			return -EBADMSG;
	if (tb[CTA_IP_V4_SRC] || tb[CTA_IP_V4_DST]) {
		t->l3num = AF_INET;
		if (tb[CTA_IP_V4_SRC]) {
			t->src.ip = attr_u32(tb[CTA_IP_V4_SRC]);
			t->flags |= CTF_TUPLE_F_SRC;
		}
		if (tb[CTA_IP_V4_DST]) {
			t->dst.ip = attr_u32(tb[CTA_IP_V4_DST]);
			t->flags |= CTF_TUPLE_F_DST;
		}
	} else if (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST]) {
		t->l3num = AF_INET6;
		if (tb[CTA_IP_V6_SRC]) {
			memcpy(&t->src.in6, attr_data(tb[CTA_IP_V6_SRC]), 16);
			t->flags |= CTF_TUPLE_F_SRC;
		}
		if (tb[CTA_IP_V6_DST]) {
			memcpy(&t->dst.in6, attr_data(tb[CTA_IP_V6_DST]), 16);
			t->flags |= CTF_TUPLE_F_DST;
		}
	}
	return 0;
}

static void parse_icmp(const struct nlattr **tb, struct ctf_tuple *t, unsigned int id,
		       unsigned int type, unsigned int code)
{
	if (tb[id]) {
		t->l4.icmp.id = ntohs(attr_u16(tb[id]));
		t->flags |= CTF_TUPLE_F_ICMP_ID | CTF_TUPLE_F_SPORT;
	}
	if (tb[type]) {
		t->l4.icmp.type = attr_u8(tb[type]);
		t->flags |= CTF_TUPLE_F_ICMP_TYPE;
	}
	if (tb[code]) {
		t->l4.icmp.code = attr_u8(tb[code]);
		t->flags |= CTF_TUPLE_F_ICMP_CODE;
	}
}

static int parse_proto(const struct nlattr *nest, struct ctf_tuple *t)
{
	const struct nlattr *tb[CTA_PROTO_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, proto_types, CTA_PROTO_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTO_NUM]) {
		t->l4proto = attr_u8(tb[CTA_PROTO_NUM]);
		t->flags |= CTF_TUPLE_F_PROTO;
	}
	if (tb[CTA_PROTO_SRC_PORT]) {
		t->l4.port.sport = ntohs(attr_u16(tb[CTA_PROTO_SRC_PORT]));
		t->flags |= CTF_TUPLE_F_SPORT;
	}
	if (tb[CTA_PROTO_DST_PORT]) {
		t->l4.port.dport = ntohs(attr_u16(tb[CTA_PROTO_DST_PORT]));
		t->flags |= CTF_TUPLE_F_DPORT;
	}
	parse_icmp(tb, t, CTA_PROTO_ICMP_ID, CTA_PROTO_ICMP_TYPE, CTA_PROTO_ICMP_CODE);
	parse_icmp(tb, t, CTA_PROTO_ICMPV6_ID, CTA_PROTO_ICMPV6_TYPE, CTA_PROTO_ICMPV6_CODE);
	return 0;
}

int ctf_ct_parse_tuple(const struct nlattr *nest, struct ctf_tuple *ret_tuple)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1] = { 0 };
	struct ctf_tuple t = { 0 };

	if (parse_nest(nest, tb, tuple_types, CTA_TUPLE_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_TUPLE_IP] && parse_ip(tb[CTA_TUPLE_IP], &t) < 0)
		return -EBADMSG;
	if (tb[CTA_TUPLE_PROTO] && parse_proto(tb[CTA_TUPLE_PROTO], &t) < 0)
		return -EBADMSG;
	if (tb[CTA_TUPLE_ZONE]) {
		t.zone = ntohs(attr_u16(tb[CTA_TUPLE_ZONE]));
		t.flags |= CTF_TUPLE_F_ZONE;
	}
	*ret_tuple = t;
	return 0;
}

static const uint8_t tcp_types[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = MNL_TYPE_U8,
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = MNL_TYPE_U8,
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = MNL_TYPE_U8,
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = MNL_TYPE_U16, /* struct nf_ct_tcp_flags */
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = MNL_TYPE_U16,
};

static int parse_tcp(const struct nlattr *nest, struct ctf_flow *f)
{
	const struct nlattr *tb[CTA_PROTOINFO_TCP_MAX + 1] = { 0 };
	const uint8_t *fl;
	int d;

	if (parse_nest(nest, tb, tcp_types, CTA_PROTOINFO_TCP_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_TCP_STATE]) {
		f->tcp.state = attr_u8(tb[CTA_PROTOINFO_TCP_STATE]);
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
	}
	for (d = 0; d < 2; d++) {
		const struct nlattr *ws = tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL + d];
		const struct nlattr *fa = tb[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL + d];

		if (ws) {
			f->tcp.wscale[d] = attr_u8(ws);
			ctf_flow_set(f, CTF_FLOW_A_TCP_WSCALE_ORIG + d);
		}
		if (fa) {
			fl = attr_data(fa);
			f->tcp.flags[d] = fl[0];
			f->tcp.mask[d] = fl[1];
			ctf_flow_set(f, CTF_FLOW_A_TCP_FLAGS_ORIG + d);
		}
	}
	return 0;
}

static const uint8_t sctp_types[CTA_PROTOINFO_SCTP_MAX + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = MNL_TYPE_U8,
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = MNL_TYPE_U32,
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = MNL_TYPE_U32,
};

static int parse_sctp(const struct nlattr *nest, struct ctf_flow *f)
{
	const struct nlattr *tb[CTA_PROTOINFO_SCTP_MAX + 1] = { 0 };
	int d;

	if (parse_nest(nest, tb, sctp_types, CTA_PROTOINFO_SCTP_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_SCTP_STATE]) {
		f->sctp.state = attr_u8(tb[CTA_PROTOINFO_SCTP_STATE]);
		ctf_flow_set(f, CTF_FLOW_A_SCTP_STATE);
	}
	for (d = 0; d < 2; d++) {
		if (!tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL + d])
			continue;
		f->sctp.vtag[d] = ntohl(attr_u32(tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL + d]));
		ctf_flow_set(f, CTF_FLOW_A_SCTP_VTAG_ORIG + d);
	}
	return 0;
}

static const uint8_t dccp_types[CTA_PROTOINFO_DCCP_MAX + 1] = {
	[CTA_PROTOINFO_DCCP_STATE] = MNL_TYPE_U8,
	[CTA_PROTOINFO_DCCP_ROLE] = MNL_TYPE_U8,
	[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = MNL_TYPE_U64,
};

static int parse_dccp(const struct nlattr *nest, struct ctf_flow *f)
{
	const struct nlattr *tb[CTA_PROTOINFO_DCCP_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, dccp_types, CTA_PROTOINFO_DCCP_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_DCCP_STATE]) {
		f->dccp.state = attr_u8(tb[CTA_PROTOINFO_DCCP_STATE]);
		ctf_flow_set(f, CTF_FLOW_A_DCCP_STATE);
	}
	if (tb[CTA_PROTOINFO_DCCP_ROLE]) {
		f->dccp.role = attr_u8(tb[CTA_PROTOINFO_DCCP_ROLE]);
		ctf_flow_set(f, CTF_FLOW_A_DCCP_ROLE);
	}
	if (tb[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ]) {
		f->dccp.handshake_seq = be64toh(attr_u64(tb[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ]));
		ctf_flow_set(f, CTF_FLOW_A_DCCP_HANDSHAKE_SEQ);
	}
	return 0;
}

static const uint8_t protoinfo_types[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP] = MNL_TYPE_NESTED,
	[CTA_PROTOINFO_DCCP] = MNL_TYPE_NESTED,
	[CTA_PROTOINFO_SCTP] = MNL_TYPE_NESTED,
};

static int parse_protoinfo(const struct nlattr *nest, struct ctf_flow *f)
{
	const struct nlattr *tb[CTA_PROTOINFO_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, protoinfo_types, CTA_PROTOINFO_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_TCP] && parse_tcp(tb[CTA_PROTOINFO_TCP], f) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_SCTP] && parse_sctp(tb[CTA_PROTOINFO_SCTP], f) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_DCCP] && parse_dccp(tb[CTA_PROTOINFO_DCCP], f) < 0)
		return -EBADMSG;
	return 0;
}

static const uint8_t counters_types[CTA_COUNTERS_MAX + 1] = {
	[CTA_COUNTERS_PACKETS] = MNL_TYPE_U64,
	[CTA_COUNTERS_BYTES] = MNL_TYPE_U64,
	[CTA_COUNTERS32_PACKETS] = MNL_TYPE_U32,
	[CTA_COUNTERS32_BYTES] = MNL_TYPE_U32,
};

static int parse_counters(const struct nlattr *nest, struct ctf_counters *c)
{
	const struct nlattr *tb[CTA_COUNTERS_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, counters_types, CTA_COUNTERS_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_COUNTERS_PACKETS])
		c->packets = be64toh(attr_u64(tb[CTA_COUNTERS_PACKETS]));
	else if (tb[CTA_COUNTERS32_PACKETS])
		c->packets = ntohl(attr_u32(tb[CTA_COUNTERS32_PACKETS]));
	if (tb[CTA_COUNTERS_BYTES])
		c->bytes = be64toh(attr_u64(tb[CTA_COUNTERS_BYTES]));
	else if (tb[CTA_COUNTERS32_BYTES])
		c->bytes = ntohl(attr_u32(tb[CTA_COUNTERS32_BYTES]));
	return 0;
}

static const uint8_t seqadj_types[CTA_SEQADJ_MAX + 1] = {
	[CTA_SEQADJ_CORRECTION_POS] = MNL_TYPE_U32,
	[CTA_SEQADJ_OFFSET_BEFORE] = MNL_TYPE_U32,
	[CTA_SEQADJ_OFFSET_AFTER] = MNL_TYPE_U32,
};

static int parse_seqadj(const struct nlattr *nest, struct ctf_seqadj *s)
{
	const struct nlattr *tb[CTA_SEQADJ_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, seqadj_types, CTA_SEQADJ_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_SEQADJ_CORRECTION_POS])
		s->correction_pos = ntohl(attr_u32(tb[CTA_SEQADJ_CORRECTION_POS]));
	if (tb[CTA_SEQADJ_OFFSET_BEFORE])
		s->offset_before = ntohl(attr_u32(tb[CTA_SEQADJ_OFFSET_BEFORE]));
	if (tb[CTA_SEQADJ_OFFSET_AFTER])
		s->offset_after = ntohl(attr_u32(tb[CTA_SEQADJ_OFFSET_AFTER]));
	return 0;
}

static const uint8_t tstamp_types[CTA_TIMESTAMP_MAX + 1] = {
	[CTA_TIMESTAMP_START] = MNL_TYPE_U64,
	[CTA_TIMESTAMP_STOP] = MNL_TYPE_U64,
};

static int parse_timestamp(const struct nlattr *nest, struct ctf_flow *f)
{
	const struct nlattr *tb[CTA_TIMESTAMP_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, tstamp_types, CTA_TIMESTAMP_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_TIMESTAMP_START]) {
		f->ts_start = be64toh(attr_u64(tb[CTA_TIMESTAMP_START]));
		ctf_flow_set(f, CTF_FLOW_A_TS_START);
	}
	if (tb[CTA_TIMESTAMP_STOP]) {
		f->ts_stop = be64toh(attr_u64(tb[CTA_TIMESTAMP_STOP]));
		ctf_flow_set(f, CTF_FLOW_A_TS_STOP);
	}
	return 0;
}

static const uint8_t synproxy_types[CTA_SYNPROXY_MAX + 1] = {
	[CTA_SYNPROXY_ISN] = MNL_TYPE_U32,
	[CTA_SYNPROXY_ITS] = MNL_TYPE_U32,
	[CTA_SYNPROXY_TSOFF] = MNL_TYPE_U32,
};

static int parse_synproxy(const struct nlattr *nest, struct ctf_flow *f)
{
	const struct nlattr *tb[CTA_SYNPROXY_MAX + 1] = { 0 };

	if (parse_nest(nest, tb, synproxy_types, CTA_SYNPROXY_MAX) < 0)
		return -EBADMSG;
	if (tb[CTA_SYNPROXY_ISN])
		f->synproxy.isn = ntohl(attr_u32(tb[CTA_SYNPROXY_ISN]));
	if (tb[CTA_SYNPROXY_ITS])
		f->synproxy.its = ntohl(attr_u32(tb[CTA_SYNPROXY_ITS]));
	if (tb[CTA_SYNPROXY_TSOFF])
		f->synproxy.tsoff = ntohl(attr_u32(tb[CTA_SYNPROXY_TSOFF]));
	ctf_flow_set(f, CTF_FLOW_A_SYNPROXY);
	return 0;
}

/* A string nest (CTA_HELP_NAME, CTA_SECCTX_NAME) copied NUL-terminated into @dst. */
static int parse_name(const struct nlattr *nest, char *dst, size_t len)
{
	static const uint8_t types[2] = { [1] = MNL_TYPE_NUL_STRING };
	const struct nlattr *tb[2] = { 0 };
	size_t n;

	if (parse_nest(nest, tb, types, 1) < 0)
		return -EBADMSG;
	if (!tb[1])
		return 0;
	n = strnlen((const char *)attr_data(tb[1]), attr_len(tb[1]));
	if (n >= len)
		n = len - 1;
	memcpy(dst, (const char *)attr_data(tb[1]), n);
	dst[n] = '\0';
	return 1;
}

static int parse_tuples(const struct nlattr **tb, struct ctf_flow *f)
{
	static const struct {
		unsigned int attr;
		enum ctf_flow_attr flag, zone;
		size_t off;
	} map[] = {
		{ CTA_TUPLE_ORIG, CTF_FLOW_A_ORIG, CTF_FLOW_A_ORIG_ZONE, offsetof(struct ctf_flow, orig) },
		{ CTA_TUPLE_REPLY, CTF_FLOW_A_REPLY, CTF_FLOW_A_REPLY_ZONE,
		  offsetof(struct ctf_flow, reply) },
		{ CTA_TUPLE_MASTER, CTF_FLOW_A_MASTER, __CTF_FLOW_A_MAX,
		  offsetof(struct ctf_flow, master) },
	};
	struct ctf_tuple *t;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!tb[map[i].attr])
			continue;
		t = (struct ctf_tuple *)((char *)f + map[i].off);
		if (ctf_ct_parse_tuple(tb[map[i].attr], t) < 0)
			return -EBADMSG;
		if (!t->l3num)
			t->l3num = f->family;
		ctf_flow_set(f, map[i].flag);
		if ((t->flags & CTF_TUPLE_F_ZONE) && map[i].zone != __CTF_FLOW_A_MAX)
			ctf_flow_set(f, map[i].zone);
	}
	return 0;
}

/* Plain 32-bit attributes: CTA_* -> (flow field, flag). */
static void parse_u32s(const struct nlattr **tb, struct ctf_flow *f)
{
	static const struct {
		unsigned int attr;
		enum ctf_flow_attr flag;
		size_t off;
	} map[] = {
		{ CTA_STATUS, CTF_FLOW_A_STATUS, offsetof(struct ctf_flow, status) },
		{ CTA_TIMEOUT, CTF_FLOW_A_TIMEOUT, offsetof(struct ctf_flow, timeout) },
		{ CTA_MARK, CTF_FLOW_A_MARK, offsetof(struct ctf_flow, mark) },
		{ CTA_MARK_MASK, CTF_FLOW_A_MARK_MASK, offsetof(struct ctf_flow, mark_mask) },
		{ CTA_SECMARK, CTF_FLOW_A_SECMARK, offsetof(struct ctf_flow, secmark) },
		{ CTA_USE, CTF_FLOW_A_USE, offsetof(struct ctf_flow, use) },
		{ CTA_ID, CTF_FLOW_A_ID, offsetof(struct ctf_flow, id) },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!tb[map[i].attr])
			continue;
		*(uint32_t *)((char *)f + map[i].off) = ntohl(attr_u32(tb[map[i].attr]));
		ctf_flow_set(f, map[i].flag);
	}
}

static void parse_labels(const struct nlattr **tb, struct ctf_flow *f)
{
	size_t n;

	if (tb[CTA_LABELS]) {
		n = attr_len(tb[CTA_LABELS]);
		f->labels_len = n > CTF_LABELS_LEN ? CTF_LABELS_LEN : (uint8_t)n;
		memcpy(f->labels, attr_data(tb[CTA_LABELS]), f->labels_len);
		ctf_flow_set(f, CTF_FLOW_A_LABELS);
	}
	if (tb[CTA_LABELS_MASK]) {
		n = attr_len(tb[CTA_LABELS_MASK]);
		memcpy(f->labels_mask, attr_data(tb[CTA_LABELS_MASK]),
		       n > CTF_LABELS_LEN ? CTF_LABELS_LEN : n);
		ctf_flow_set(f, CTF_FLOW_A_LABELS_MASK);
	}
}

static int parse_nests(const struct nlattr **tb, struct ctf_flow *f)
{
	int d;

	if (tb[CTA_PROTOINFO] && parse_protoinfo(tb[CTA_PROTOINFO], f) < 0)
		return -EBADMSG;
	for (d = 0; d < 2; d++) {
		if (tb[CTA_COUNTERS_ORIG + d]) {
			if (parse_counters(tb[CTA_COUNTERS_ORIG + d], &f->counters[d]) < 0)
				return -EBADMSG;
			ctf_flow_set(f, CTF_FLOW_A_COUNTERS_ORIG + d);
		}
		if (tb[CTA_SEQ_ADJ_ORIG + d]) {
			if (parse_seqadj(tb[CTA_SEQ_ADJ_ORIG + d], &f->seqadj[d]) < 0)
				return -EBADMSG;
			ctf_flow_set(f, CTF_FLOW_A_SEQADJ_ORIG + d);
		}
	}
	if (tb[CTA_TIMESTAMP] && parse_timestamp(tb[CTA_TIMESTAMP], f) < 0)
		return -EBADMSG;
	if (tb[CTA_SYNPROXY] && parse_synproxy(tb[CTA_SYNPROXY], f) < 0)
		return -EBADMSG;
	if (tb[CTA_HELP]) {
		int r = parse_name(tb[CTA_HELP], f->helper, sizeof(f->helper));

		if (r < 0)
			return r;
		if (r > 0)
			ctf_flow_set(f, CTF_FLOW_A_HELPER);
	}
	if (tb[CTA_SECCTX]) {
		int r = parse_name(tb[CTA_SECCTX], f->secctx, sizeof(f->secctx));

		if (r < 0)
			return r;
		if (r > 0)
			ctf_flow_set(f, CTF_FLOW_A_SECCTX);
	}
	return 0;
}

static uint8_t event_of(uint16_t type, uint16_t flags)
{
	if (type == IPCTNL_MSG_CT_DELETE)
		return CTF_EVENT_DESTROY;
	if (flags & (NLM_F_CREATE | NLM_F_EXCL))
		return CTF_EVENT_NEW;
	return CTF_EVENT_UPDATE;
}

int ctf_flow_parse(const struct nlmsghdr *nlh, struct ctf_flow *ret_flow)
{
	const struct nlattr *tb[CTA_MAX_ + 1] = { 0 };
	struct nest_ctx ctx = { tb, top_types, CTA_MAX_ };
	const struct nfgenmsg *nfg;
	struct ctf_flow *f = ret_flow;
	uint16_t type = nlh->nlmsg_type & 0xff;

	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK ||
	    (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE))
		return -EPROTO;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -EBADMSG;
	memset(f, 0, sizeof(*f));
	nfg = mnl_nlmsg_get_payload(nlh);
	f->family = nfg->nfgen_family;
	f->event = event_of(type, nlh->nlmsg_flags);
	f->nl_portid = nlh->nlmsg_pid;
	if (parse_msg_attrs(nlh, &ctx) < 0)
		return -EBADMSG;
	if (parse_tuples(tb, f) < 0)
		return -EBADMSG;
	parse_u32s(tb, f);
	if (tb[CTA_ZONE]) {
		f->zone = ntohs(attr_u16(tb[CTA_ZONE]));
		ctf_flow_set(f, CTF_FLOW_A_ZONE);
	}
	if (tb[CTA_TIMESTAMP_EVENT_]) {
		f->ts_event = be64toh(attr_u64(tb[CTA_TIMESTAMP_EVENT_]));
		ctf_flow_set(f, CTF_FLOW_A_TS_EVENT);
	}
	parse_labels(tb, f);
	return parse_nests(tb, f);
}

struct nlmsghdr *ctf_ct_msg_put(void *buf, uint16_t type, uint16_t flags, uint8_t family,
				uint32_t seq)
{
	return ctf_nfnl_msg_put(buf, NFNL_SUBSYS_CTNETLINK, (uint8_t)type, flags, family, seq);
}

/* Each put helper returns false once the buffer is full; callers turn that into -EMSGSIZE. */
static bool put_ip(struct nlmsghdr *nlh, size_t len, const struct ctf_tuple *t)
{
	struct nlattr *nest;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_TUPLE_IP);
	if (!nest)
		return false;
	if (t->l3num == AF_INET6) {
		if (t->flags & CTF_TUPLE_F_SRC)
			ok = ok && mnl_attr_put_check(nlh, len, CTA_IP_V6_SRC, 16, &t->src.in6);
		if (t->flags & CTF_TUPLE_F_DST)
			ok = ok && mnl_attr_put_check(nlh, len, CTA_IP_V6_DST, 16, &t->dst.in6);
	} else {
		if (t->flags & CTF_TUPLE_F_SRC)
			ok = ok && mnl_attr_put_u32_check(nlh, len, CTA_IP_V4_SRC, t->src.ip);
		if (t->flags & CTF_TUPLE_F_DST)
			ok = ok && mnl_attr_put_u32_check(nlh, len, CTA_IP_V4_DST, t->dst.ip);
	}
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_proto(struct nlmsghdr *nlh, size_t len, const struct ctf_tuple *t)
{
	bool v6 = t->l4proto == IPPROTO_ICMPV6, icmp = v6 || t->l4proto == IPPROTO_ICMP;
	struct nlattr *nest;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_TUPLE_PROTO);
	if (!nest)
		return false;
	if (t->flags & CTF_TUPLE_F_PROTO)
		ok = ok && mnl_attr_put_u8_check(nlh, len, CTA_PROTO_NUM, t->l4proto);
	if (icmp) {
		if (t->flags & CTF_TUPLE_F_ICMP_ID)
			ok = ok && mnl_attr_put_u16_check(nlh, len,
							  v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID,
							  htons(t->l4.icmp.id));
		if (t->flags & CTF_TUPLE_F_ICMP_TYPE)
			ok = ok && mnl_attr_put_u8_check(nlh, len,
							 v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE,
							 t->l4.icmp.type);
		if (t->flags & CTF_TUPLE_F_ICMP_CODE)
			ok = ok && mnl_attr_put_u8_check(nlh, len,
							 v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE,
							 t->l4.icmp.code);
	} else {
		if (t->flags & CTF_TUPLE_F_SPORT)
			ok = ok && mnl_attr_put_u16_check(nlh, len, CTA_PROTO_SRC_PORT,
							  htons(t->l4.port.sport));
		if (t->flags & CTF_TUPLE_F_DPORT)
			ok = ok && mnl_attr_put_u16_check(nlh, len, CTA_PROTO_DST_PORT,
							  htons(t->l4.port.dport));
	}
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

int ctf_ct_put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const struct ctf_tuple *t)
{
	const uint16_t l4 = CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT |
			    CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
	struct nlattr *nest;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, buflen, type);
	if (!nest)
		return -EMSGSIZE;
	if (t->flags & (CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST))
		ok = put_ip(nlh, buflen, t);
	if (ok && (t->flags & l4))
		ok = put_proto(nlh, buflen, t);
	if (ok && (t->flags & CTF_TUPLE_F_ZONE))
		ok = mnl_attr_put_u16_check(nlh, buflen, CTA_TUPLE_ZONE, htons(t->zone));
	mnl_attr_nest_end(nlh, nest);
	return ok ? 0 : -EMSGSIZE;
}

static bool put_tcp(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	struct nlattr *nest;
	bool ok = true;
	int d;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_PROTOINFO_TCP);
	if (!nest)
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_TCP_STATE))
		ok = mnl_attr_put_u8_check(nlh, len, CTA_PROTOINFO_TCP_STATE, f->tcp.state);
	for (d = 0; d < 2 && ok; d++) {
		uint8_t fl[2] = { f->tcp.flags[d], f->tcp.mask[d] };

		if (ctf_flow_has(f, CTF_FLOW_A_TCP_WSCALE_ORIG + d))
			ok = mnl_attr_put_u8_check(nlh, len, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL + d,
						   f->tcp.wscale[d]);
		if (ok && ctf_flow_has(f, CTF_FLOW_A_TCP_FLAGS_ORIG + d))
			ok = mnl_attr_put_check(nlh, len, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL + d,
						sizeof(fl), fl);
	}
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_sctp(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	struct nlattr *nest;
	bool ok = true;
	int d;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_PROTOINFO_SCTP);
	if (!nest)
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_SCTP_STATE))
		ok = mnl_attr_put_u8_check(nlh, len, CTA_PROTOINFO_SCTP_STATE, f->sctp.state);
	for (d = 0; d < 2 && ok; d++)
		if (ctf_flow_has(f, CTF_FLOW_A_SCTP_VTAG_ORIG + d))
			ok = mnl_attr_put_u32_check(nlh, len, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL + d,
						    htonl(f->sctp.vtag[d]));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_dccp(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	struct nlattr *nest;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_PROTOINFO_DCCP);
	if (!nest)
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_DCCP_STATE))
		ok = mnl_attr_put_u8_check(nlh, len, CTA_PROTOINFO_DCCP_STATE, f->dccp.state);
	if (ok && ctf_flow_has(f, CTF_FLOW_A_DCCP_ROLE))
		ok = mnl_attr_put_u8_check(nlh, len, CTA_PROTOINFO_DCCP_ROLE, f->dccp.role);
	if (ok && ctf_flow_has(f, CTF_FLOW_A_DCCP_HANDSHAKE_SEQ))
		ok = mnl_attr_put_u64_check(nlh, len, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ,
					    htobe64(f->dccp.handshake_seq));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_protoinfo(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	const uint64_t tcp = CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE) |
			     CTF_FLOW_BIT(CTF_FLOW_A_TCP_WSCALE_ORIG) |
			     CTF_FLOW_BIT(CTF_FLOW_A_TCP_WSCALE_REPLY) |
			     CTF_FLOW_BIT(CTF_FLOW_A_TCP_FLAGS_ORIG) |
			     CTF_FLOW_BIT(CTF_FLOW_A_TCP_FLAGS_REPLY);
	const uint64_t sctp = CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) |
			      CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_ORIG) |
			      CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_REPLY);
	const uint64_t dccp = CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) |
			      CTF_FLOW_BIT(CTF_FLOW_A_DCCP_ROLE) |
			      CTF_FLOW_BIT(CTF_FLOW_A_DCCP_HANDSHAKE_SEQ);
	struct nlattr *nest;
	bool ok = true;

	if (!(f->set & (tcp | sctp | dccp)))
		return true;
	nest = mnl_attr_nest_start_check(nlh, len, CTA_PROTOINFO);
	if (!nest)
		return false;
	if (f->set & tcp)
		ok = put_tcp(nlh, len, f);
	if (ok && (f->set & sctp))
		ok = put_sctp(nlh, len, f);
	if (ok && (f->set & dccp))
		ok = put_dccp(nlh, len, f);
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_nat(struct nlmsghdr *nlh, size_t len, uint16_t type, const struct ctf_nat *n,
		    uint8_t family)
{
	struct nlattr *nest, *proto;
	bool ok;

	nest = mnl_attr_nest_start_check(nlh, len, type);
	if (!nest)
		return false;
	if (family == AF_INET6)
		ok = mnl_attr_put_check(nlh, len, CTA_NAT_V6_MINIP, 16, &n->min.in6) &&
		     mnl_attr_put_check(nlh, len, CTA_NAT_V6_MAXIP, 16, &n->max.in6);
	else
		ok = mnl_attr_put_u32_check(nlh, len, CTA_NAT_V4_MINIP, n->min.ip) &&
		     mnl_attr_put_u32_check(nlh, len, CTA_NAT_V4_MAXIP, n->max.ip);
	if (ok && n->has_port) {
		proto = mnl_attr_nest_start_check(nlh, len, CTA_NAT_PROTO);
		ok = proto &&
		     mnl_attr_put_u16_check(nlh, len, CTA_PROTONAT_PORT_MIN, htons(n->port_min)) &&
		     mnl_attr_put_u16_check(nlh, len, CTA_PROTONAT_PORT_MAX, htons(n->port_max));
		if (proto)
			mnl_attr_nest_end(nlh, proto);
	}
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_seqadj(struct nlmsghdr *nlh, size_t len, uint16_t type, const struct ctf_seqadj *s)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, len, type);
	bool ok;

	if (!nest)
		return false;
	ok = mnl_attr_put_u32_check(nlh, len, CTA_SEQADJ_CORRECTION_POS, htonl(s->correction_pos)) &&
	     mnl_attr_put_u32_check(nlh, len, CTA_SEQADJ_OFFSET_BEFORE, htonl(s->offset_before)) &&
	     mnl_attr_put_u32_check(nlh, len, CTA_SEQADJ_OFFSET_AFTER, htonl(s->offset_after));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_synproxy(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, len, CTA_SYNPROXY);
	bool ok;

	if (!nest)
		return false;
	ok = mnl_attr_put_u32_check(nlh, len, CTA_SYNPROXY_ISN, htonl(f->synproxy.isn)) &&
	     mnl_attr_put_u32_check(nlh, len, CTA_SYNPROXY_ITS, htonl(f->synproxy.its)) &&
	     mnl_attr_put_u32_check(nlh, len, CTA_SYNPROXY_TSOFF, htonl(f->synproxy.tsoff));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_helper(struct nlmsghdr *nlh, size_t len, const char *name)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, len, CTA_HELP);
	bool ok;

	if (!nest)
		return false;
	ok = mnl_attr_put_strz_check(nlh, len, CTA_HELP_NAME, name);
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_u32_attrs(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	static const struct {
		enum ctf_flow_attr flag;
		uint16_t attr;
		size_t off;
	} map[] = {
		{ CTF_FLOW_A_STATUS, CTA_STATUS, offsetof(struct ctf_flow, status) },
		{ CTF_FLOW_A_TIMEOUT, CTA_TIMEOUT, offsetof(struct ctf_flow, timeout) },
		{ CTF_FLOW_A_MARK, CTA_MARK, offsetof(struct ctf_flow, mark) },
		{ CTF_FLOW_A_MARK_MASK, CTA_MARK_MASK, offsetof(struct ctf_flow, mark_mask) },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const uint32_t *v = (const uint32_t *)((const char *)f + map[i].off);

		if (ctf_flow_has(f, map[i].flag) &&
		    !mnl_attr_put_u32_check(nlh, len, map[i].attr, htonl(*v)))
			return false;
	}
	return true;
}

static bool put_labels(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	size_t n = f->labels_len ? f->labels_len : CTF_LABELS_LEN;

	if (ctf_flow_has(f, CTF_FLOW_A_LABELS) &&
	    !mnl_attr_put_check(nlh, len, CTA_LABELS, n, f->labels))
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_LABELS_MASK) &&
	    !mnl_attr_put_check(nlh, len, CTA_LABELS_MASK, n, f->labels_mask))
		return false;
	return true;
}

static bool put_meta(struct nlmsghdr *nlh, size_t len, const struct ctf_flow *f)
{
	uint8_t family = f->orig.l3num ? f->orig.l3num : f->family;
	int d;

	if (!put_u32_attrs(nlh, len, f) || !put_protoinfo(nlh, len, f) || !put_labels(nlh, len, f))
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_HELPER) && !put_helper(nlh, len, f->helper))
		return false;
	for (d = 0; d < 2; d++)
		if (ctf_flow_has(f, CTF_FLOW_A_SEQADJ_ORIG + d) &&
		    !put_seqadj(nlh, len, CTA_SEQ_ADJ_ORIG + d, &f->seqadj[d]))
			return false;
	if (ctf_flow_has(f, CTF_FLOW_A_SYNPROXY) && !put_synproxy(nlh, len, f))
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_NAT_SRC) &&
	    !put_nat(nlh, len, CTA_NAT_SRC, &f->nat_src, family))
		return false;
	if (ctf_flow_has(f, CTF_FLOW_A_NAT_DST) &&
	    !put_nat(nlh, len, CTA_NAT_DST, &f->nat_dst, family))
		return false;
	return true;
}

int ctf_ct_put_flow(struct nlmsghdr *nlh, size_t buflen, const struct ctf_flow *f,
		    unsigned int what)
{
	static const struct {
		unsigned int what;
		enum ctf_flow_attr flag;
		uint16_t attr;
		size_t off;
	} tuples[] = {
		{ CTF_CT_PUT_ORIG, CTF_FLOW_A_ORIG, CTA_TUPLE_ORIG, offsetof(struct ctf_flow, orig) },
		{ CTF_CT_PUT_REPLY, CTF_FLOW_A_REPLY, CTA_TUPLE_REPLY, offsetof(struct ctf_flow, reply) },
		{ CTF_CT_PUT_MASTER, CTF_FLOW_A_MASTER, CTA_TUPLE_MASTER,
		  offsetof(struct ctf_flow, master) },
	};
	size_t i;

	for (i = 0; i < sizeof(tuples) / sizeof(tuples[0]); i++) {
		const struct ctf_tuple *t = (const void *)((const char *)f + tuples[i].off);

		if ((what & tuples[i].what) && ctf_flow_has(f, tuples[i].flag) &&
		    ctf_ct_put_tuple(nlh, buflen, tuples[i].attr, t) < 0)
			return -EMSGSIZE;
	}
	if ((what & CTF_CT_PUT_META) && !put_meta(nlh, buflen, f))
		return -EMSGSIZE;
	if ((what & CTF_CT_PUT_ZONE) && ctf_flow_has(f, CTF_FLOW_A_ZONE) &&
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_ZONE, htons(f->zone)))
		return -EMSGSIZE;
	if ((what & CTF_CT_PUT_ID) && ctf_flow_has(f, CTF_FLOW_A_ID) &&
	    !mnl_attr_put_u32_check(nlh, buflen, CTA_ID, htonl(f->id)))
		return -EMSGSIZE;
	return 0;
}

int ctf_ct_parse_cpu_stats(const struct nlmsghdr *nlh, struct ctf_ct_cpu_stats *ret_stats)
{
	static const uint8_t types[CTA_STATS_MAX + 1] = {
		[CTA_STATS_SEARCHED ... CTA_STATS_MAX] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[CTA_STATS_MAX + 1] = { 0 };
	struct nest_ctx ctx = { tb, types, CTA_STATS_MAX };
	struct ctf_ct_cpu_stats s = { 0 };
	const struct nfgenmsg *nfg;
	unsigned int i;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (parse_msg_attrs(nlh, &ctx) < 0)
		return -EBADMSG;
	s.cpu = ntohs(nfg->res_id);
	for (i = CTA_STATS_SEARCHED; i <= CTA_STATS_MAX; i++) {
		if (!tb[i])
			continue;
		s.present |= 1U << (i - CTA_STATS_SEARCHED);
		s.value[i - CTA_STATS_SEARCHED] = ntohl(attr_u32(tb[i]));
	}
	*ret_stats = s;
	return 0;
}

int ctf_ct_parse_global_stats(const struct nlmsghdr *nlh, uint32_t *ret_entries, uint32_t *ret_max)
{
	static const uint8_t types[CTA_STATS_GLOBAL_MAX + 1] = {
		[CTA_STATS_GLOBAL_ENTRIES] = MNL_TYPE_U32,
		[CTA_STATS_GLOBAL_MAX_ENTRIES] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[CTA_STATS_GLOBAL_MAX + 1] = { 0 };
	struct nest_ctx ctx = { tb, types, CTA_STATS_GLOBAL_MAX };

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -EBADMSG;
	if (parse_msg_attrs(nlh, &ctx) < 0)
		return -EBADMSG;
	if (!tb[CTA_STATS_GLOBAL_ENTRIES])
		return -EBADMSG;
	*ret_entries = ntohl(attr_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	*ret_max = tb[CTA_STATS_GLOBAL_MAX_ENTRIES] ?
			   ntohl(attr_u32(tb[CTA_STATS_GLOBAL_MAX_ENTRIES])) :
			   0;
	return 0;
}

const char *ctf_tcp_state_name(uint8_t state)
{
	static const char *const names[] = {
		"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

const char *ctf_sctp_state_name(uint8_t state)
{
	static const char *const names[] = {
		"NONE",		 "CLOSED",	  "COOKIE_WAIT",       "COOKIE_ECHOED",
		"ESTABLISHED",	 "SHUTDOWN_SENT", "SHUTDOWN_RECD",     "SHUTDOWN_ACK_SENT",
		"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

const char *ctf_dccp_state_name(uint8_t state)
{
	static const char *const names[] = {
		"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
		"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

const char *ctf_l4proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_GRE:
		return "gre";
	case IPPROTO_DCCP:
		return "dccp";
	default:
		return "unknown";
	}
}

const char *ctf_l3proto_name(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	default:
		return "unknown";
	}
}
