// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd 1.4.7's sync wire format: headers, the message walk, CT and EXP attribute codecs. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctflow/syncwire.h>

#define CTL_ACKISH (CTF_SYNC_F_RESYNC | CTF_SYNC_F_NACK | CTF_SYNC_F_ACK)
#define ALIGN4(n)  (((n) + 3U) & ~(size_t)3)

/* Longest strings a 1.4.7 receiver takes: nta_len <= 16 (helper) and <= 32 (expectation fn). */
#define HELPER_NTA_MAX 16
#define FN_NTA_MAX     32
/* NTA_LABELS_MAX_SIZE: 1024 payload bytes ("4k labels"); we keep the kernel's 128. */
#define LABELS_NTA_MAX (CTF_SYNC_NTA_HDR_LEN + 1024)

/* ---- byte order: explicit on every host ---- */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* 1.4.7 htons() a value libnetfilter_conntrack keeps in network order: little-endian on x86. */
static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

/* ---- headers and the message walk ---- */

size_t ctf_sync_hdr_size(uint8_t flags)
{
	return flags & CTL_ACKISH ? CTF_SYNC_CTL_LEN : CTF_SYNC_HDR_LEN;
}

size_t ctf_sync_put_hdr(uint8_t *buf, const struct ctf_sync_hdr *h)
{
	size_t n = ctf_sync_hdr_size(h->flags);

	buf[0] = (uint8_t)(CTF_SYNC_VERSION << 4 | (h->type & 0x0f));
	buf[1] = h->flags;
	put_be16(buf + 2, h->len);
	put_be32(buf + 4, h->seq);
	if (n == CTF_SYNC_CTL_LEN) {
		put_be32(buf + 8, h->from);
		put_be32(buf + 12, h->to);
	}
	return n;
}

/* 1.4.7's IS_ACK || IS_NACK || IS_RESYNC: only a CTL message has the 16-byte header. */
static bool hdr_is_ackish(const struct ctf_sync_hdr *h)
{
	return h->type == CTF_SYNC_T_CTL && (h->flags & CTL_ACKISH);
}

enum frame { FRAME_MSG, FRAME_TAIL, FRAME_BAD };

/* Out of bytes: a stream keeps the tail for the next read, a datagram has a framing error. */
static enum frame frame_short(bool stream, enum ctf_sync_rx_error err,
			      enum ctf_sync_rx_error *ret_why)
{
	if (stream)
		return FRAME_TAIL;
	*ret_why = err;
	return FRAME_BAD;
}

/* The checks of channel_handler_routine(), in its order, on the message at @p. */
static enum frame frame_msg(const uint8_t *p, size_t remain, bool stream, struct ctf_sync_hdr *h,
			    enum ctf_sync_rx_error *ret_why)
{
	if (remain < CTF_SYNC_HDR_LEN)
		return frame_short(stream, CTF_SYNC_RX_TRUNCATED, ret_why);
	memset(h, 0, sizeof(*h));
	h->version = p[0] >> 4;
	h->type = p[0] & 0x0f;
	h->flags = p[1];
	h->len = get_be16(p + 2);
	h->seq = get_be32(p + 4);
	if (h->len == 0) {
		*ret_why = CTF_SYNC_RX_SIZE;
		return FRAME_BAD;
	}
	if (h->len > remain)
		return frame_short(stream, CTF_SYNC_RX_SIZE, ret_why);
	if (!hdr_is_ackish(h)) {
		if (h->len >= CTF_SYNC_HDR_LEN)
			return FRAME_MSG;
		*ret_why = CTF_SYNC_RX_SIZE;
		return FRAME_BAD;
	}
	if (remain < CTF_SYNC_CTL_LEN)
		return frame_short(stream, CTF_SYNC_RX_TRUNCATED, ret_why);
	if (h->len < CTF_SYNC_CTL_LEN) {
		*ret_why = CTF_SYNC_RX_SIZE;
		return FRAME_BAD;
	}
	h->from = get_be32(p + 8);
	h->to = get_be32(p + 12);
	return FRAME_MSG;
}

size_t ctf_sync_split(const uint8_t *buf, size_t len, bool stream, ctf_sync_msg_cb cb, void *data,
		      uint64_t errs[__CTF_SYNC_RX_MAX])
{
	enum ctf_sync_rx_error why = CTF_SYNC_RX_SIZE;
	struct ctf_sync_msg m;
	size_t off = 0;

	while (off < len) {
		switch (frame_msg(buf + off, len - off, stream, &m.hdr, &why)) {
		case FRAME_TAIL:
			return off;
		case FRAME_BAD:
			if (errs)
				errs[why]++;
			return len;
		case FRAME_MSG:
			break;
		}
		m.data = buf + off;
		m.len = m.hdr.len;
		if (m.hdr.version != CTF_SYNC_VERSION) {
			if (errs)
				errs[CTF_SYNC_RX_VERSION]++;
		} else if (cb) {
			cb(&m, data);
		}
		/* by len, unpadded, as 1.4.7 does: its own senders always pad */
		off += m.hdr.len;
	}
	return len;
}

const char *ctf_sync_type_name(uint8_t type)
{
	static const char *const names[] = {
		[CTF_SYNC_T_CT_NEW] = "CT_NEW",	  [CTF_SYNC_T_CT_UPD] = "CT_UPD",
		[CTF_SYNC_T_CT_DEL] = "CT_DEL",	  [CTF_SYNC_T_EXP_NEW] = "EXP_NEW",
		[CTF_SYNC_T_EXP_UPD] = "EXP_UPD", [CTF_SYNC_T_EXP_DEL] = "EXP_DEL",
		[CTF_SYNC_T_CTL] = "CTL",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

/* ---- the attribute walk (msg2ct / msg2exp) ---- */

/* One attribute's rule: a fixed payload size, or a limit on nta_len (and a string's NUL). */
struct nta_rule {
	uint16_t size; /* payload bytes; 0: variable, see max */
	uint16_t max;  /* largest nta_len of a variable attribute */
	bool str;      /* must hold a NUL */
};

/* Where one attribute's payload is, after the walk. */
struct nta {
	const uint8_t *p;
	uint16_t len;
};

static bool nta_ok(const struct nta_rule *r, const uint8_t *payload, size_t n)
{
	if (r->size)
		return n == r->size;
	if (n + CTF_SYNC_NTA_HDR_LEN > r->max)
		return false;
	/* 1.4.7 copies with "%s" and reads on past the attribute: refuse instead */
	return !r->str || memchr(payload, 0, n);
}

/*
 * Validate every attribute of @body and note the last of each id in tb[],
 * with msg2ct()'s loop: it runs while more than a header's worth is left,
 * so up to 4 trailing bytes are never looked at. Ids >= @n are counted.
 */
static int nta_walk(const uint8_t *body, size_t len, const struct nta_rule *rules, size_t n,
		    struct nta *tb, unsigned int *ret_unknown)
{
	unsigned int unknown = 0;

	while (len > CTF_SYNC_NTA_HDR_LEN) {
		uint16_t alen = get_be16(body), type = get_be16(body + 2);
		size_t step = ALIGN4((size_t)alen);

		/* nta_len is checked against what is left before anything else is read */
		if (alen > len || alen < CTF_SYNC_NTA_HDR_LEN)
			return -EBADMSG;
		if (type >= n) {
			unknown++;
		} else {
			if (!nta_ok(&rules[type], body + 4, alen - 4U))
				return -EBADMSG;
			tb[type].p = body + 4;
			tb[type].len = alen - 4U;
		}
		if (step >= len)
			break;
		body += step;
		len -= step;
	}
	*ret_unknown = unknown;
	return 0;
}

/* ---- tuples and their layer 4 part as libnetfilter_conntrack keeps it ---- */

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* The protocols 1.4.7 sends PORT (and the expectation port groups) for. */
static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static size_t addr_len(uint8_t l3num)
{
	return l3num == AF_INET ? 4 : l3num == AF_INET6 ? 16 : 0;
}

/* Both addresses of an IPv4 or IPv6 tuple: what makes 1.4.7's address group "set". */
static size_t tuple_addr_len(const struct ctf_tuple *t)
{
	const uint16_t both = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST;

	return (t->flags & both) == both ? addr_len(t->l3num) : 0;
}

/*
 * libnetfilter_conntrack keeps a tuple's layer 4 part as two u16 (l4src,
 * l4dst) whatever the protocol; ICMP puts the id in l4src and type, code in
 * l4dst. Its NAT getters compare these, so ours do too, as host values.
 */
static uint16_t l4src_raw(const struct ctf_tuple *t, uint8_t proto)
{
	return is_icmp(proto) ? t->l4.icmp.id : t->l4.port.sport;
}

static uint16_t l4dst_raw(const struct ctf_tuple *t, uint8_t proto)
{
	return is_icmp(proto) ? (uint16_t)(t->l4.icmp.type << 8 | t->l4.icmp.code)
			      : t->l4.port.dport;
}

static void set_l4src_raw(struct ctf_tuple *t, uint8_t proto, uint16_t v)
{
	if (is_icmp(proto)) {
		t->l4.icmp.id = v;
		t->flags |= CTF_TUPLE_F_ICMP_ID | CTF_TUPLE_F_SPORT;
	} else {
		t->l4.port.sport = v;
		t->flags |= CTF_TUPLE_F_SPORT;
	}
}

static void set_l4dst_raw(struct ctf_tuple *t, uint8_t proto, uint16_t v)
{
	if (is_icmp(proto)) {
		t->l4.icmp.type = (uint8_t)(v >> 8);
		t->l4.icmp.code = (uint8_t)v;
		t->flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE;
	} else {
		t->l4.port.dport = v;
		t->flags |= CTF_TUPLE_F_DPORT;
	}
}

/* ---- the encoder's output buffer ---- */

struct wbuf {
	uint8_t *p;
	size_t len, off;
	bool full;
};

/* Room for one attribute of @n payload bytes, padding zeroed; NULL (and full) when out of room. */
static uint8_t *put_attr(struct wbuf *w, uint16_t type, size_t n)
{
	size_t total = ALIGN4(CTF_SYNC_NTA_HDR_LEN + n);
	uint8_t *a;

	if (w->full || w->len - w->off < total) {
		w->full = true;
		return NULL;
	}
	a = w->p + w->off;
	put_be16(a, (uint16_t)(CTF_SYNC_NTA_HDR_LEN + n));
	put_be16(a + 2, type);
	memset(a + CTF_SYNC_NTA_HDR_LEN + n, 0, total - CTF_SYNC_NTA_HDR_LEN - n);
	w->off += total;
	return a + CTF_SYNC_NTA_HDR_LEN;
}

static void put_bytes(struct wbuf *w, uint16_t type, const void *v, size_t n)
{
	uint8_t *p = put_attr(w, type, n);

	if (p)
		memcpy(p, v, n);
}

static void put_u8(struct wbuf *w, uint16_t type, uint8_t v)
{
	put_bytes(w, type, &v, 1);
}

static void put_u16(struct wbuf *w, uint16_t type, uint16_t v, bool le)
{
	uint8_t *p = put_attr(w, type, 2);

	if (p && le)
		put_le16(p, v);
	else if (p)
		put_be16(p, v);
}

static void put_u32(struct wbuf *w, uint16_t type, uint32_t v)
{
	uint8_t *p = put_attr(w, type, 4);

	if (p)
		put_be32(p, v);
}

/* The address group (src, dst) and ports of @t, as nfct_attr_grp_ipv4/ipv6/port. */
static void put_addrs(struct wbuf *w, uint16_t type4, const struct ctf_tuple *t)
{
	size_t n = tuple_addr_len(t);
	uint8_t *p = n ? put_attr(w, n == 4 ? type4 : type4 + 1, 2 * n) : NULL;

	if (p) {
		memcpy(p, t->src.raw, n);
		memcpy(p + n, t->dst.raw, n);
	}
}

static void put_ports(struct wbuf *w, uint16_t type, const struct ctf_tuple *t)
{
	uint8_t *p = put_attr(w, type, 4);

	if (p) {
		put_be16(p, t->l4.port.sport);
		put_be16(p + 2, t->l4.port.dport);
	}
}

/* ---- conntrack: encode (ct2msg) ---- */

static const uint64_t seqadj_both =
	CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_REPLY);

/*
 * The layer 4 part. 1.4.7 picks a builder by protocol; a kernel flow only
 * has its own protocol's state, so sending what is set gives the same
 * bytes, and a decoded flow goes back out as it came in.
 */
static void put_ct_l4(struct wbuf *w, const struct ctf_flow *f, const struct ctf_sync_ct_opts *o)
{
	const struct ctf_tuple *t = &f->orig;
	int d;

	if (has_ports(t->l4proto))
		put_ports(w, CTF_SYNC_NTA_PORT, t);
	if (ctf_flow_has(f, CTF_FLOW_A_TCP_STATE))
		put_u8(w, CTF_SYNC_NTA_TCP_STATE, f->tcp.state);
	for (d = 0; d < 2 && o->wscale; d++)
		if (ctf_flow_has(f, CTF_FLOW_A_TCP_WSCALE_ORIG + d))
			put_u8(w, CTF_SYNC_NTA_TCP_WSCALE_ORIG + d, f->tcp.wscale[d]);
	if (ctf_flow_has(f, CTF_FLOW_A_SCTP_STATE))
		put_u8(w, CTF_SYNC_NTA_SCTP_STATE, f->sctp.state);
	/* libnetfilter_conntrack ntohl()s the vtags and 1.4.7 htonl()s them back: big-endian */
	for (d = 0; d < 2; d++)
		if (ctf_flow_has(f, CTF_FLOW_A_SCTP_VTAG_ORIG + d))
			put_u32(w, CTF_SYNC_NTA_SCTP_VTAG_ORIG + d, f->sctp.vtag[d]);
	if (ctf_flow_has(f, CTF_FLOW_A_DCCP_STATE))
		put_u8(w, CTF_SYNC_NTA_DCCP_STATE, f->dccp.state);
	if (ctf_flow_has(f, CTF_FLOW_A_DCCP_ROLE))
		put_u8(w, CTF_SYNC_NTA_DCCP_ROLE, f->dccp.role);
	if (!is_icmp(t->l4proto))
		return;
	if (t->flags & CTF_TUPLE_F_ICMP_TYPE)
		put_u8(w, CTF_SYNC_NTA_ICMP_TYPE, t->l4.icmp.type);
	if (t->flags & CTF_TUPLE_F_ICMP_CODE)
		put_u8(w, CTF_SYNC_NTA_ICMP_CODE, t->l4.icmp.code);
	if (t->flags & CTF_TUPLE_F_ICMP_ID)
		put_u16(w, CTF_SYNC_NTA_ICMP_ID, t->l4.icmp.id, true);
}

static void put_ct_master(struct wbuf *w, const struct ctf_flow *f)
{
	const struct ctf_tuple *m = &f->master;
	const uint16_t ports = CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;

	if (!ctf_flow_has(f, CTF_FLOW_A_MASTER) || !tuple_addr_len(m))
		return;
	put_addrs(w, CTF_SYNC_NTA_MASTER_IPV4, m);
	if (m->flags & CTF_TUPLE_F_PROTO)
		put_u8(w, CTF_SYNC_NTA_MASTER_L4PROTO, m->l4proto);
	if ((m->flags & ports) == ports)
		put_ports(w, CTF_SYNC_NTA_MASTER_PORT, m);
}

/* What the NAT attributes say, whichever way the flow holds its NAT. */
struct nat_out {
	const union ctf_addr *snat, *dnat; /* NULL: not sent */
	bool spat, dpat;
	uint16_t sport, dport;
};

/* A kernel flow: NFCT_GOPT_IS_SNAT/DNAT/SPAT/DPAT of libnetfilter_conntrack 1.0.9. */
static void nat_from_reply(const struct ctf_flow *f, struct nat_out *n)
{
	const struct ctf_tuple *o = &f->orig, *r = &f->reply;
	bool st = ctf_flow_has(f, CTF_FLOW_A_STATUS);
	bool src_done = !st || (f->status & IPS_SRC_NAT_DONE);
	bool dst_done = !st || (f->status & IPS_DST_NAT_DONE);
	size_t alen = addr_len(o->l3num);
	uint8_t proto = o->l4proto;

	if (alen && src_done && memcmp(r->dst.raw, o->src.raw, alen))
		n->snat = &r->dst;
	if (alen && dst_done && memcmp(r->src.raw, o->dst.raw, alen))
		n->dnat = &r->src;
	/* any protocol: for ICMP this compares the reply's type/code with the id (1.4.7 does) */
	n->spat = src_done && l4dst_raw(r, proto) != l4src_raw(o, proto);
	n->sport = l4dst_raw(r, proto);
	n->dpat = dst_done && l4src_raw(r, proto) != l4dst_raw(o, proto);
	n->dport = l4src_raw(r, proto);
}

/* A decoded flow being sent on: its nat_src/nat_dst, minus what changes nothing. */
static void nat_from_request(const struct ctf_flow *f, struct nat_out *n)
{
	const struct ctf_tuple *o = &f->orig;
	size_t alen = addr_len(o->l3num);
	uint8_t proto = o->l4proto;

	if (ctf_flow_has(f, CTF_FLOW_A_NAT_SRC)) {
		if (alen && memcmp(f->nat_src.min.raw, o->src.raw, alen))
			n->snat = &f->nat_src.min;
		n->spat = f->nat_src.has_port && f->nat_src.port_min != l4src_raw(o, proto);
		n->sport = f->nat_src.port_min;
	}
	if (ctf_flow_has(f, CTF_FLOW_A_NAT_DST)) {
		if (alen && memcmp(f->nat_dst.min.raw, o->dst.raw, alen))
			n->dnat = &f->nat_dst.min;
		n->dpat = f->nat_dst.has_port && f->nat_dst.port_min != l4dst_raw(o, proto);
		n->dport = f->nat_dst.port_min;
	}
}

static void put_ct_nat(struct wbuf *w, const struct ctf_flow *f)
{
	bool v6 = f->orig.l3num == AF_INET6;
	size_t alen = v6 ? 16 : 4;
	struct nat_out n = { 0 };

	if (ctf_flow_has(f, CTF_FLOW_A_REPLY))
		nat_from_reply(f, &n);
	else
		nat_from_request(f, &n);
	if (n.snat)
		put_bytes(w, v6 ? CTF_SYNC_NTA_SNAT_IPV6 : CTF_SYNC_NTA_SNAT_IPV4, n.snat->raw,
			  alen);
	if (n.dnat)
		put_bytes(w, v6 ? CTF_SYNC_NTA_DNAT_IPV6 : CTF_SYNC_NTA_DNAT_IPV4, n.dnat->raw,
			  alen);
	if (n.spat)
		put_u16(w, CTF_SYNC_NTA_SPAT_PORT, n.sport, true);
	if (n.dpat)
		put_u16(w, CTF_SYNC_NTA_DPAT_PORT, n.dport, true);
}

static void put_ct_seqadj(struct wbuf *w, const struct ctf_flow *f)
{
	uint8_t *p;
	int d;

	if ((f->set & seqadj_both) != seqadj_both)
		return;
	p = put_attr(w, CTF_SYNC_NTA_NAT_SEQ_ADJ, 24);
	for (d = 0; p && d < 2; d++) {
		put_be32(p + 12 * d, f->seqadj[d].correction_pos);
		put_be32(p + 12 * d + 4, f->seqadj[d].offset_before);
		put_be32(p + 12 * d + 8, f->seqadj[d].offset_after);
	}
}

/* Label bit 8k + j is bit j of labels[k]; on the wire bit j of be32 word i is label 32i + j. */
static void put_ct_labels(struct wbuf *w, const struct ctf_flow *f)
{
	size_t n =
		f->labels_len && f->labels_len <= CTF_LABELS_LEN ? f->labels_len : CTF_LABELS_LEN;
	size_t i, words = (n + 3) / 4;
	uint8_t *p;

	for (i = 0; i < n && !f->labels[i]; i++)
		;
	if (i == n)
		return; /* ct_build_clabel() sends nothing when no bit is set */
	p = put_attr(w, CTF_SYNC_NTA_LABELS, 4 * words);
	for (i = 0; p && i < 4 * words; i++)
		p[(i & ~(size_t)3) + 3 - (i & 3)] = i < n ? f->labels[i] : 0;
}

static void put_ct_tail(struct wbuf *w, const struct ctf_flow *f, unsigned int *dropped)
{
	size_t hlen = strnlen(f->helper, sizeof(f->helper));
	uint8_t *p;

	put_ct_seqadj(w, f);
	if (ctf_flow_has(f, CTF_FLOW_A_HELPER)) {
		if (hlen + 1 + CTF_SYNC_NTA_HDR_LEN <= HELPER_NTA_MAX)
			put_bytes(w, CTF_SYNC_NTA_HELPER_NAME, f->helper, hlen + 1);
		else
			*dropped |= CTF_SYNC_DROPPED_HELPER;
	}
	if (ctf_flow_has(f, CTF_FLOW_A_LABELS))
		put_ct_labels(w, f);
	if (ctf_flow_has(f, CTF_FLOW_A_SYNPROXY)) {
		p = put_attr(w, CTF_SYNC_NTA_SYNPROXY, 12);
		if (p) {
			put_be32(p, f->synproxy.its);
			put_be32(p + 4, f->synproxy.isn);
			put_be32(p + 8, f->synproxy.tsoff);
		}
	}
	/* the kernel sends no zone 0, and peers <= 1.4.6 drop any zoned message */
	if (ctf_flow_has(f, CTF_FLOW_A_ZONE) && f->zone)
		put_u16(w, CTF_SYNC_NTA_ZONE, f->zone, false);
}

int ctf_sync_ct_encode(uint8_t *buf, size_t len, const struct ctf_flow *f,
		       const struct ctf_sync_ct_opts *opts, unsigned int *ret_dropped)
{
	static const struct ctf_sync_ct_opts defaults = { 0 };
	struct wbuf w = { .p = buf, .len = len };
	unsigned int dropped = 0;

	if (!ctf_flow_has(f, CTF_FLOW_A_ORIG))
		return -EINVAL;
	if (!opts)
		opts = &defaults;
	put_addrs(&w, CTF_SYNC_NTA_IPV4, &f->orig);
	put_u32(&w, CTF_SYNC_NTA_STATUS, f->status); /* always, 0 when unknown */
	if (f->orig.flags & CTF_TUPLE_F_PROTO)
		put_u8(&w, CTF_SYNC_NTA_L4PROTO, f->orig.l4proto);
	put_ct_l4(&w, f, opts);
	if (ctf_flow_has(f, CTF_FLOW_A_TIMEOUT) && !opts->no_timeout)
		put_u32(&w, CTF_SYNC_NTA_TIMEOUT, f->timeout);
	if (ctf_flow_has(f, CTF_FLOW_A_MARK))
		put_u32(&w, CTF_SYNC_NTA_MARK, f->mark);
	put_ct_master(&w, f);
	put_ct_nat(&w, f);
	put_ct_tail(&w, f, &dropped);
	if (w.full)
		return -EMSGSIZE;
	if (ret_dropped)
		*ret_dropped = dropped;
	return (int)w.off;
}

/* ---- conntrack: decode (msg2ct) ---- */

static const struct nta_rule ct_rules[__CTF_SYNC_NTA_MAX] = {
	[CTF_SYNC_NTA_IPV4] = { .size = 8 },
	[CTF_SYNC_NTA_IPV6] = { .size = 32 },
	[CTF_SYNC_NTA_L4PROTO] = { .size = 1 },
	[CTF_SYNC_NTA_PORT] = { .size = 4 },
	[CTF_SYNC_NTA_TCP_STATE] = { .size = 1 },
	[CTF_SYNC_NTA_STATUS] = { .size = 4 },
	[CTF_SYNC_NTA_TIMEOUT] = { .size = 4 },
	[CTF_SYNC_NTA_MARK] = { .size = 4 },
	[CTF_SYNC_NTA_MASTER_IPV4] = { .size = 8 },
	[CTF_SYNC_NTA_MASTER_IPV6] = { .size = 32 },
	[CTF_SYNC_NTA_MASTER_L4PROTO] = { .size = 1 },
	[CTF_SYNC_NTA_MASTER_PORT] = { .size = 4 },
	[CTF_SYNC_NTA_SNAT_IPV4] = { .size = 4 },
	[CTF_SYNC_NTA_DNAT_IPV4] = { .size = 4 },
	[CTF_SYNC_NTA_SPAT_PORT] = { .size = 2 },
	[CTF_SYNC_NTA_DPAT_PORT] = { .size = 2 },
	[CTF_SYNC_NTA_NAT_SEQ_ADJ] = { .size = 24 },
	[CTF_SYNC_NTA_SCTP_STATE] = { .size = 1 },
	[CTF_SYNC_NTA_SCTP_VTAG_ORIG] = { .size = 4 },
	[CTF_SYNC_NTA_SCTP_VTAG_REPL] = { .size = 4 },
	[CTF_SYNC_NTA_DCCP_STATE] = { .size = 1 },
	[CTF_SYNC_NTA_DCCP_ROLE] = { .size = 1 },
	[CTF_SYNC_NTA_ICMP_TYPE] = { .size = 1 },
	[CTF_SYNC_NTA_ICMP_CODE] = { .size = 1 },
	[CTF_SYNC_NTA_ICMP_ID] = { .size = 2 },
	[CTF_SYNC_NTA_TCP_WSCALE_ORIG] = { .size = 1 },
	[CTF_SYNC_NTA_TCP_WSCALE_REPL] = { .size = 1 },
	[CTF_SYNC_NTA_HELPER_NAME] = { .max = HELPER_NTA_MAX, .str = true },
	[CTF_SYNC_NTA_LABELS] = { .max = LABELS_NTA_MAX },
	[CTF_SYNC_NTA_SNAT_IPV6] = { .size = 16 },
	[CTF_SYNC_NTA_DNAT_IPV6] = { .size = 16 },
	[CTF_SYNC_NTA_SYNPROXY] = { .size = 12 },
	[CTF_SYNC_NTA_ZONE] = { .size = 2 },
};

/* An address group (@v4 or @v6: src then dst) into @t; false when neither was sent. */
static bool rx_addrs(struct ctf_tuple *t, const struct nta *v4, const struct nta *v6)
{
	const struct nta *a = v4->p ? v4 : v6;
	size_t n = v4->p ? 4 : 16;

	if (!a->p)
		return false;
	t->l3num = v4->p ? AF_INET : AF_INET6;
	memcpy(t->src.raw, a->p, n);
	memcpy(t->dst.raw, a->p + n, n);
	t->flags |= CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST;
	return true;
}

/*
 * The original tuple's layer 4 part. libnetfilter_conntrack stores PORT
 * and the ICMP attributes into the same four bytes (l4src, l4dst), so they
 * are gathered in that layout and turned into ports or ICMP fields once
 * the protocol is known: ports for the protocols 1.4.7 sends PORT for
 * (always there, 0 when not sent, as the encoder always sends them), ICMP
 * fields for icmp and icmpv6, nothing for the rest.
 */
static void rx_orig_l4(struct ctf_tuple *t, const struct nta *tb)
{
	const struct nta *port = &tb[CTF_SYNC_NTA_PORT];
	const struct nta *type = &tb[CTF_SYNC_NTA_ICMP_TYPE], *code = &tb[CTF_SYNC_NTA_ICMP_CODE];
	bool id = port->p != NULL;
	uint8_t raw[4] = { 0 };

	if (port->p)
		memcpy(raw, port->p, 4);
	if (type->p)
		raw[2] = type->p[0];
	if (code->p)
		raw[3] = code->p[0];
	if (tb[CTF_SYNC_NTA_ICMP_ID].p) {
		/* sent little-endian: raw keeps network order */
		raw[0] = tb[CTF_SYNC_NTA_ICMP_ID].p[1];
		raw[1] = tb[CTF_SYNC_NTA_ICMP_ID].p[0];
		id = true;
	}
	if (has_ports(t->l4proto)) {
		t->l4.port.sport = get_be16(raw);
		t->l4.port.dport = get_be16(raw + 2);
		t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	} else if (is_icmp(t->l4proto)) {
		t->l4.icmp.id = get_be16(raw);
		t->l4.icmp.type = raw[2];
		t->l4.icmp.code = raw[3];
		if (id)
			t->flags |= CTF_TUPLE_F_ICMP_ID | CTF_TUPLE_F_SPORT;
		if (port->p || type->p)
			t->flags |= CTF_TUPLE_F_ICMP_TYPE;
		if (port->p || code->p)
			t->flags |= CTF_TUPLE_F_ICMP_CODE;
	}
}

static void rx_ct_tuples(struct ctf_flow *f, const struct nta *tb)
{
	struct ctf_tuple *o = &f->orig, *m = &f->master;
	const struct nta *proto = &tb[CTF_SYNC_NTA_L4PROTO];

	if (rx_addrs(o, &tb[CTF_SYNC_NTA_IPV4], &tb[CTF_SYNC_NTA_IPV6]))
		f->family = o->l3num;
	if (proto->p) {
		o->l4proto = proto->p[0];
		o->flags |= CTF_TUPLE_F_PROTO;
	}
	rx_orig_l4(o, tb);
	if (o->flags)
		ctf_flow_set(f, CTF_FLOW_A_ORIG);
	/* 1.4.7's commit ignores a master with no addresses, and it never sends one */
	if (!rx_addrs(m, &tb[CTF_SYNC_NTA_MASTER_IPV4], &tb[CTF_SYNC_NTA_MASTER_IPV6]))
		return;
	ctf_flow_set(f, CTF_FLOW_A_MASTER);
	if (tb[CTF_SYNC_NTA_MASTER_L4PROTO].p) {
		m->l4proto = tb[CTF_SYNC_NTA_MASTER_L4PROTO].p[0];
		m->flags |= CTF_TUPLE_F_PROTO;
	}
	if (tb[CTF_SYNC_NTA_MASTER_PORT].p) {
		m->l4.port.sport = get_be16(tb[CTF_SYNC_NTA_MASTER_PORT].p);
		m->l4.port.dport = get_be16(tb[CTF_SYNC_NTA_MASTER_PORT].p + 2);
		m->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	}
}

/*
 * One NAT direction: the address (of the flow's own family only) and the
 * port, each kept when it differs from what the original tuple has there,
 * which is the sender's own rule. A port alone keeps the original address,
 * since ctf_ct_put_flow() always writes one.
 */
static void rx_nat(struct ctf_flow *f, enum ctf_flow_attr a, struct ctf_nat *n,
		   const struct nta *v4, const struct nta *v6, const struct nta *port,
		   const union ctf_addr *addr, uint16_t l4)
{
	union ctf_addr to = *addr;

	if (f->orig.l3num == AF_INET && v4->p)
		memcpy(to.raw, v4->p, 4);
	else if (f->orig.l3num == AF_INET6 && v6->p)
		memcpy(to.raw, v6->p, 16);
	if (port->p && get_le16(port->p) != l4) {
		n->has_port = true;
		n->port_min = n->port_max = get_le16(port->p);
	}
	if (!n->has_port && !memcmp(&to, addr, sizeof(to)))
		return;
	n->min = n->max = to;
	ctf_flow_set(f, a);
}

static void rx_ct_nat(struct ctf_flow *f, const struct nta *tb)
{
	const struct ctf_tuple *o = &f->orig;

	rx_nat(f, CTF_FLOW_A_NAT_SRC, &f->nat_src, &tb[CTF_SYNC_NTA_SNAT_IPV4],
	       &tb[CTF_SYNC_NTA_SNAT_IPV6], &tb[CTF_SYNC_NTA_SPAT_PORT], &o->src,
	       l4src_raw(o, o->l4proto));
	rx_nat(f, CTF_FLOW_A_NAT_DST, &f->nat_dst, &tb[CTF_SYNC_NTA_DNAT_IPV4],
	       &tb[CTF_SYNC_NTA_DNAT_IPV6], &tb[CTF_SYNC_NTA_DPAT_PORT], &o->dst,
	       l4dst_raw(o, o->l4proto));
}

/* The one-value attributes: a u8 or be32 into a field of struct ctf_flow, and its flag. */
static void rx_ct_values(struct ctf_flow *f, const struct nta *tb)
{
	static const struct {
		uint8_t nta;
		uint8_t attr;
		uint8_t size;
		uint16_t off;
	} map[] = {
		{ CTF_SYNC_NTA_TIMEOUT, CTF_FLOW_A_TIMEOUT, 4, offsetof(struct ctf_flow, timeout) },
		{ CTF_SYNC_NTA_MARK, CTF_FLOW_A_MARK, 4, offsetof(struct ctf_flow, mark) },
		{ CTF_SYNC_NTA_TCP_STATE, CTF_FLOW_A_TCP_STATE, 1,
		  offsetof(struct ctf_flow, tcp.state) },
		{ CTF_SYNC_NTA_TCP_WSCALE_ORIG, CTF_FLOW_A_TCP_WSCALE_ORIG, 1,
		  offsetof(struct ctf_flow, tcp.wscale[0]) },
		{ CTF_SYNC_NTA_TCP_WSCALE_REPL, CTF_FLOW_A_TCP_WSCALE_REPLY, 1,
		  offsetof(struct ctf_flow, tcp.wscale[1]) },
		{ CTF_SYNC_NTA_SCTP_STATE, CTF_FLOW_A_SCTP_STATE, 1,
		  offsetof(struct ctf_flow, sctp.state) },
		{ CTF_SYNC_NTA_SCTP_VTAG_ORIG, CTF_FLOW_A_SCTP_VTAG_ORIG, 4,
		  offsetof(struct ctf_flow, sctp.vtag[0]) },
		{ CTF_SYNC_NTA_SCTP_VTAG_REPL, CTF_FLOW_A_SCTP_VTAG_REPLY, 4,
		  offsetof(struct ctf_flow, sctp.vtag[1]) },
		{ CTF_SYNC_NTA_DCCP_STATE, CTF_FLOW_A_DCCP_STATE, 1,
		  offsetof(struct ctf_flow, dccp.state) },
		{ CTF_SYNC_NTA_DCCP_ROLE, CTF_FLOW_A_DCCP_ROLE, 1,
		  offsetof(struct ctf_flow, dccp.role) },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const struct nta *a = &tb[map[i].nta];
		uint8_t *dst = (uint8_t *)f + map[i].off;
		uint32_t v;

		if (!a->p)
			continue;
		if (map[i].size == 1) {
			*dst = a->p[0];
		} else {
			v = get_be32(a->p);
			memcpy(dst, &v, sizeof(v));
		}
		ctf_flow_set(f, map[i].attr);
	}
}

/* LABELS as ct_parse_clabel() takes them: no words, or a partial word, means no labels. */
static void rx_ct_labels(struct ctf_flow *f, const struct nta *a)
{
	size_t i, n = a->len;
	bool any = false;

	if (!a->p || !n || (n & 3))
		return;
	if (n > CTF_LABELS_LEN)
		n = CTF_LABELS_LEN; /* the kernel has 128 labels; the bits above are dropped */
	for (i = 0; i < n; i++) {
		f->labels[i] = a->p[(i & ~(size_t)3) + 3 - (i & 3)];
		any = any || f->labels[i];
	}
	if (!any) {
		memset(f->labels, 0, sizeof(f->labels));
		return;
	}
	f->labels_len = (uint8_t)n;
	ctf_flow_set(f, CTF_FLOW_A_LABELS);
}

static void rx_ct_rest(struct ctf_flow *f, const struct nta *tb)
{
	const struct nta *a;
	int d;

	/* 1.4.7 always sends STATUS; a flow without it commits as status 0 */
	a = &tb[CTF_SYNC_NTA_STATUS];
	f->status = a->p ? get_be32(a->p) : 0;
	ctf_flow_set(f, CTF_FLOW_A_STATUS);
	a = &tb[CTF_SYNC_NTA_NAT_SEQ_ADJ];
	for (d = 0; a->p && d < 2; d++) {
		f->seqadj[d].correction_pos = get_be32(a->p + 12 * d);
		f->seqadj[d].offset_before = get_be32(a->p + 12 * d + 4);
		f->seqadj[d].offset_after = get_be32(a->p + 12 * d + 8);
		ctf_flow_set(f, CTF_FLOW_A_SEQADJ_ORIG + d);
	}
	a = &tb[CTF_SYNC_NTA_HELPER_NAME];
	if (a->p) {
		/* the walk made sure of a NUL within the (at most 12) payload bytes */
		memcpy(f->helper, a->p, strnlen((const char *)a->p, a->len));
		ctf_flow_set(f, CTF_FLOW_A_HELPER);
	}
	rx_ct_labels(f, &tb[CTF_SYNC_NTA_LABELS]);
	a = &tb[CTF_SYNC_NTA_SYNPROXY];
	if (a->p) {
		f->synproxy.its = get_be32(a->p);
		f->synproxy.isn = get_be32(a->p + 4);
		f->synproxy.tsoff = get_be32(a->p + 8);
		ctf_flow_set(f, CTF_FLOW_A_SYNPROXY);
	}
	a = &tb[CTF_SYNC_NTA_ZONE];
	if (a->p && get_be16(a->p)) {
		f->zone = get_be16(a->p);
		ctf_flow_set(f, CTF_FLOW_A_ZONE);
	}
}

int ctf_sync_ct_decode(const uint8_t *body, size_t len, struct ctf_flow *ret_flow,
		       unsigned int *ret_unknown)
{
	struct nta tb[__CTF_SYNC_NTA_MAX] = { 0 };
	unsigned int unknown;

	if (nta_walk(body, len, ct_rules, __CTF_SYNC_NTA_MAX, tb, &unknown) < 0)
		return -EBADMSG;
	memset(ret_flow, 0, sizeof(*ret_flow));
	rx_ct_tuples(ret_flow, tb);
	rx_ct_nat(ret_flow, tb);
	rx_ct_values(ret_flow, tb);
	rx_ct_rest(ret_flow, tb);
	if (ret_unknown)
		*ret_unknown = unknown;
	return 0;
}

/* ---- the reply tuple a commit ends up with ---- */

/* The kernel's ICMP and ICMPv6 invmap[]; a type with no pair is kept. */
static uint8_t icmp_reply_type(uint8_t proto, uint8_t type)
{
	static const uint8_t v4[][2] = { { 8, 0 }, { 13, 14 }, { 15, 16 }, { 17, 18 } };
	static const uint8_t v6[][2] = { { 128, 129 }, { 139, 140 } };
	const uint8_t(*map)[2] = proto == IPPROTO_ICMP ? v4 : v6;
	size_t i, n = proto == IPPROTO_ICMP ? 4 : 2;

	for (i = 0; i < n; i++) {
		if (map[i][0] == type)
			return map[i][1];
		if (map[i][1] == type)
			return map[i][0];
	}
	return type;
}

void ctf_sync_reply_from_nat(const struct ctf_flow *f, struct ctf_tuple *ret_reply)
{
	const struct ctf_tuple *o = &f->orig;
	const uint16_t keep = (uint16_t) ~(CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_SPORT |
					   CTF_TUPLE_F_DPORT);
	struct ctf_tuple r = *o;

	r.src = o->dst;
	r.dst = o->src;
	r.flags = (o->flags & keep) | (o->flags & CTF_TUPLE_F_SRC ? CTF_TUPLE_F_DST : 0) |
		  (o->flags & CTF_TUPLE_F_DST ? CTF_TUPLE_F_SRC : 0);
	if (is_icmp(o->l4proto)) {
		/* the id stays, the type turns into its answer */
		r.l4.icmp.type = icmp_reply_type(o->l4proto, o->l4.icmp.type);
		r.flags |= o->flags & CTF_TUPLE_F_SPORT;
	} else {
		r.l4.port.sport = o->l4.port.dport;
		r.l4.port.dport = o->l4.port.sport;
		r.flags |= (o->flags & CTF_TUPLE_F_SPORT ? CTF_TUPLE_F_DPORT : 0) |
			   (o->flags & CTF_TUPLE_F_DPORT ? CTF_TUPLE_F_SPORT : 0);
	}
	if (ctf_flow_has(f, CTF_FLOW_A_NAT_SRC)) {
		r.dst = f->nat_src.min;
		if (f->nat_src.has_port)
			set_l4dst_raw(&r, o->l4proto, f->nat_src.port_min);
	}
	if (ctf_flow_has(f, CTF_FLOW_A_NAT_DST)) {
		r.src = f->nat_dst.min;
		if (f->nat_dst.has_port)
			set_l4src_raw(&r, o->l4proto, f->nat_dst.port_min);
	}
	*ret_reply = r;
}

/* ---- expectations: exp2msg / msg2exp ---- */

static const struct nta_rule exp_rules[__CTF_SYNC_EXP_NTA_MAX] = {
	[CTF_SYNC_EXP_NTA_MASTER_IPV4] = { .size = 8 },
	[CTF_SYNC_EXP_NTA_MASTER_IPV6] = { .size = 32 },
	[CTF_SYNC_EXP_NTA_MASTER_L4PROTO] = { .size = 1 },
	[CTF_SYNC_EXP_NTA_MASTER_PORT] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_EXPECT_IPV4] = { .size = 8 },
	[CTF_SYNC_EXP_NTA_EXPECT_IPV6] = { .size = 32 },
	[CTF_SYNC_EXP_NTA_EXPECT_L4PROTO] = { .size = 1 },
	[CTF_SYNC_EXP_NTA_EXPECT_PORT] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_MASK_IPV4] = { .size = 8 },
	[CTF_SYNC_EXP_NTA_MASK_IPV6] = { .size = 32 },
	[CTF_SYNC_EXP_NTA_MASK_L4PROTO] = { .size = 1 },
	[CTF_SYNC_EXP_NTA_MASK_PORT] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_TIMEOUT] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_FLAGS] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_CLASS] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_NAT_IPV4] = { .size = 8 },
	[CTF_SYNC_EXP_NTA_NAT_PORT] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_NAT_L4PROTO] = { .size = 1 },
	[CTF_SYNC_EXP_NTA_NAT_DIR] = { .size = 4 },
	[CTF_SYNC_EXP_NTA_HELPER_NAME] = { .max = HELPER_NTA_MAX, .str = true },
	[CTF_SYNC_EXP_NTA_FN] = { .max = FN_NTA_MAX, .str = true },
};

/* The four ids of one tuple of an expectation message: addresses v4, v6, protocol, ports. */
struct exp_ids {
	uint8_t v4, v6, proto, port;
	uint8_t attr; /* CTF_EXP_A_* */
	uint16_t off; /* of the tuple in struct ctf_exp */
};

static const struct exp_ids exp_tuples[] = {
	{ CTF_SYNC_EXP_NTA_MASTER_IPV4, CTF_SYNC_EXP_NTA_MASTER_IPV6,
	  CTF_SYNC_EXP_NTA_MASTER_L4PROTO, CTF_SYNC_EXP_NTA_MASTER_PORT, CTF_EXP_A_MASTER,
	  offsetof(struct ctf_exp, master) },
	{ CTF_SYNC_EXP_NTA_EXPECT_IPV4, CTF_SYNC_EXP_NTA_EXPECT_IPV6,
	  CTF_SYNC_EXP_NTA_EXPECT_L4PROTO, CTF_SYNC_EXP_NTA_EXPECT_PORT, CTF_EXP_A_TUPLE,
	  offsetof(struct ctf_exp, tuple) },
	{ CTF_SYNC_EXP_NTA_MASK_IPV4, CTF_SYNC_EXP_NTA_MASK_IPV6, CTF_SYNC_EXP_NTA_MASK_L4PROTO,
	  CTF_SYNC_EXP_NTA_MASK_PORT, CTF_EXP_A_MASK, offsetof(struct ctf_exp, mask) },
	/* no IPv6 NAT in 1.4.7's expectation format: an id no rule accepts */
	{ CTF_SYNC_EXP_NTA_NAT_IPV4, UINT8_MAX, CTF_SYNC_EXP_NTA_NAT_L4PROTO,
	  CTF_SYNC_EXP_NTA_NAT_PORT, CTF_EXP_A_NAT, offsetof(struct ctf_exp, nat.tuple) },
};

static void put_exp_tuple(struct wbuf *w, const struct ctf_tuple *t, const struct exp_ids *id,
			  bool ports)
{
	size_t n = tuple_addr_len(t);

	if (n == 4 || (n == 16 && id->v6 != UINT8_MAX))
		put_addrs(w, id->v4, t);
	if (t->flags & CTF_TUPLE_F_PROTO)
		put_u8(w, id->proto, t->l4proto);
	if (ports)
		put_ports(w, id->port, t);
}

static void put_exp_str(struct wbuf *w, uint16_t type, const char *s, size_t size, size_t max)
{
	size_t n = strnlen(s, size);

	if (n + 1 + CTF_SYNC_NTA_HDR_LEN <= max)
		put_bytes(w, type, s, n + 1);
}

int ctf_sync_exp_encode(uint8_t *buf, size_t len, const struct ctf_exp *e)
{
	struct wbuf w = { .p = buf, .len = len };
	bool ports = has_ports(e->master.l4proto);
	size_t i;

	if (!ctf_exp_has(e, CTF_EXP_A_MASTER))
		return -EINVAL;
	for (i = 0; i < 3; i++)
		if (ctf_exp_has(e, exp_tuples[i].attr))
			put_exp_tuple(&w, (const void *)((const char *)e + exp_tuples[i].off),
				      &exp_tuples[i], ports);
	if (ctf_exp_has(e, CTF_EXP_A_TIMEOUT))
		put_u32(&w, CTF_SYNC_EXP_NTA_TIMEOUT, e->timeout);
	put_u32(&w, CTF_SYNC_EXP_NTA_FLAGS, e->flags); /* always, as exp2msg() */
	if (ctf_exp_has(e, CTF_EXP_A_CLASS))
		put_u32(&w, CTF_SYNC_EXP_NTA_CLASS, e->class);
	if (ctf_exp_has(e, CTF_EXP_A_NAT)) {
		put_exp_tuple(&w, &e->nat.tuple, &exp_tuples[3], ports);
		put_u32(&w, CTF_SYNC_EXP_NTA_NAT_DIR, e->nat.dir);
	}
	if (ctf_exp_has(e, CTF_EXP_A_HELPER))
		put_exp_str(&w, CTF_SYNC_EXP_NTA_HELPER_NAME, e->helper, sizeof(e->helper),
			    HELPER_NTA_MAX);
	if (ctf_exp_has(e, CTF_EXP_A_FN))
		put_exp_str(&w, CTF_SYNC_EXP_NTA_FN, e->fn, sizeof(e->fn), FN_NTA_MAX);
	return w.full ? -EMSGSIZE : (int)w.off;
}

/* One tuple; its ports count only when the master's protocol has them, as exp2msg() sends. */
static void rx_exp_tuple(struct ctf_exp *e, const struct nta *tb, const struct exp_ids *id,
			 bool ports)
{
	static const struct nta none;
	struct ctf_tuple *t = (void *)((char *)e + id->off);
	const struct nta *v6 = id->v6 == UINT8_MAX ? &none : &tb[id->v6];
	bool seen = rx_addrs(t, &tb[id->v4], v6);

	if (tb[id->proto].p) {
		t->l4proto = tb[id->proto].p[0];
		t->flags |= CTF_TUPLE_F_PROTO;
		seen = true;
	}
	if (ports && tb[id->port].p)
		seen = true;
	if (!seen)
		return;
	ctf_exp_set(e, id->attr);
	if (!ports)
		return;
	if (tb[id->port].p) {
		t->l4.port.sport = get_be16(tb[id->port].p);
		t->l4.port.dport = get_be16(tb[id->port].p + 2);
	}
	t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
}

static void rx_exp_values(struct ctf_exp *e, const struct nta *tb)
{
	const struct nta *timeout = &tb[CTF_SYNC_EXP_NTA_TIMEOUT],
			 *flags = &tb[CTF_SYNC_EXP_NTA_FLAGS];
	const struct nta *class = &tb[CTF_SYNC_EXP_NTA_CLASS], *dir = &tb[CTF_SYNC_EXP_NTA_NAT_DIR];
	const struct nta *helper = &tb[CTF_SYNC_EXP_NTA_HELPER_NAME],
			 *fn = &tb[CTF_SYNC_EXP_NTA_FN];

	if (timeout->p) {
		e->timeout = get_be32(timeout->p);
		ctf_exp_set(e, CTF_EXP_A_TIMEOUT);
	}
	/* exp2msg() always sends FLAGS */
	e->flags = flags->p ? get_be32(flags->p) : 0;
	ctf_exp_set(e, CTF_EXP_A_FLAGS);
	if (class->p) {
		e->class = get_be32(class->p);
		ctf_exp_set(e, CTF_EXP_A_CLASS);
	}
	/* a direction means something only with the NAT tuple, the only way it is sent */
	if (dir->p && ctf_exp_has(e, CTF_EXP_A_NAT))
		e->nat.dir = get_be32(dir->p);
	/* the walk made sure of a NUL within the payload, which fits both fields */
	if (helper->p) {
		memcpy(e->helper, helper->p, strnlen((const char *)helper->p, helper->len));
		ctf_exp_set(e, CTF_EXP_A_HELPER);
	}
	if (fn->p) {
		memcpy(e->fn, fn->p, strnlen((const char *)fn->p, fn->len));
		ctf_exp_set(e, CTF_EXP_A_FN);
	}
}

int ctf_sync_exp_decode(const uint8_t *body, size_t len, struct ctf_exp *ret_exp,
			unsigned int *ret_unknown)
{
	struct nta tb[__CTF_SYNC_EXP_NTA_MAX] = { 0 };
	unsigned int unknown;
	bool ports;
	size_t i;

	if (nta_walk(body, len, exp_rules, __CTF_SYNC_EXP_NTA_MAX, tb, &unknown) < 0)
		return -EBADMSG;
	memset(ret_exp, 0, sizeof(*ret_exp));
	/* the master's protocol decides the port groups of every tuple */
	ports = tb[CTF_SYNC_EXP_NTA_MASTER_L4PROTO].p &&
		has_ports(tb[CTF_SYNC_EXP_NTA_MASTER_L4PROTO].p[0]);
	for (i = 0; i < sizeof(exp_tuples) / sizeof(exp_tuples[0]); i++)
		rx_exp_tuple(ret_exp, tb, &exp_tuples[i], ports);
	ret_exp->family = ret_exp->master.l3num;
	rx_exp_values(ret_exp, tb);
	if (ret_unknown)
		*ret_unknown = unknown;
	return 0;
}
