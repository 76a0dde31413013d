// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay of conntrackd 1.4.7's sync traffic (tests/ha/captures/<name>.pcap)
 * through ctf_sync_split() and the decoders. The matching <name>.txt
 * (hatool.py decode) is parsed line by line and every packet, message
 * header and attribute value it lists must be what we decode, no more and
 * no less; every CT body must come back byte for byte from
 * ctf_sync_ct_encode(ctf_sync_ct_decode(body)). Datagrams are walked as
 * datagrams, the TCP channel's segments are reassembled per direction and
 * walked as a stream, with the tail carried over as the daemon does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <ctflow/syncwire.h>

#include "fixtures.h"

#define SYNC_PORT   3780
#define MAX_MSGS    128
#define MAX_STREAMS 8

/* ---- classic pcap, Ethernet / Linux cooked / raw IP, IPv4 / IPv6, UDP / TCP ---- */

struct pcap {
	const uint8_t *data;
	size_t len, off;
	bool swap;
	uint32_t linktype;
};

static uint32_t rd32(const struct pcap *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p->data + off, 4);
	return p->swap ? __builtin_bswap32(v) : v;
}

static void pcap_open(struct pcap *p, const uint8_t *data, size_t len)
{
	uint32_t magic;

	assert_true(len >= 24);
	memcpy(&magic, data, 4);
	p->data = data;
	p->len = len;
	p->off = 24;
	p->swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	assert_true(p->swap || magic == 0xa1b2c3d4 || magic == 0xa1b23c4d);
	p->linktype = rd32(p, 20);
}

static bool pcap_next(struct pcap *p, const uint8_t **ret_pkt, size_t *ret_len)
{
	uint32_t incl;

	if (p->off + 16 > p->len)
		return false;
	incl = rd32(p, p->off + 8);
	assert_true(p->off + 16 + incl <= p->len);
	*ret_pkt = p->data + p->off + 16;
	*ret_len = incl;
	p->off += 16 + incl;
	return true;
}

struct pkt {
	char flow[128]; /* "src:sport > dst:dport", as hatool prints it */
	bool tcp;
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t tcp_flags;
	const uint8_t *payload;
	size_t plen;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Where the IP header starts and its ethertype; false for other link types. */
static bool l2(uint32_t linktype, const uint8_t *b, size_t n, size_t *ret_off, uint16_t *ret_et)
{
	size_t off;
	uint16_t et;

	if (n < 20)
		return false;
	switch (linktype) {
	case 1: /* Ethernet, with VLAN tags */
		for (off = 12, et = be16(b + off); (et == 0x8100 || et == 0x88a8) && off + 6 <= n;
		     et = be16(b + off))
			off += 4;
		off += 2;
		break;
	case 113: /* Linux cooked v1 */
		et = be16(b + 14);
		off = 16;
		break;
	case 276: /* Linux cooked v2 */
		et = be16(b);
		off = 20;
		break;
	case 12:
	case 101: /* raw IP */
		et = b[0] >> 4 == 4 ? 0x0800 : 0x86dd;
		off = 0;
		break;
	default:
		return false;
	}
	*ret_off = off;
	*ret_et = et;
	return true;
}

static bool parse_pkt(uint32_t linktype, const uint8_t *b, size_t n, struct pkt *k)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t ip, l4, end;
	uint16_t et;
	uint8_t proto;

	if (!l2(linktype, b, n, &ip, &et))
		return false;
	if (et == 0x0800 && ip + 20 <= n) {
		proto = b[ip + 9];
		inet_ntop(AF_INET, b + ip + 12, src, sizeof(src));
		inet_ntop(AF_INET, b + ip + 16, dst, sizeof(dst));
		l4 = ip + (b[ip] & 0xf) * 4U;
		end = ip + be16(b + ip + 2);
	} else if (et == 0x86dd && ip + 40 <= n) {
		proto = b[ip + 6];
		inet_ntop(AF_INET6, b + ip + 8, src, sizeof(src));
		inet_ntop(AF_INET6, b + ip + 24, dst, sizeof(dst));
		l4 = ip + 40;
		end = l4 + be16(b + ip + 4);
	} else {
		return false;
	}
	if ((proto != 6 && proto != 17) || end > n || l4 + (proto == 6 ? 20U : 8U) > end)
		return false;
	memset(k, 0, sizeof(*k));
	k->tcp = proto == 6;
	k->sport = be16(b + l4);
	k->dport = be16(b + l4 + 2);
	snprintf(k->flow, sizeof(k->flow), "%s:%u > %s:%u", src, k->sport, dst, k->dport);
	k->payload = b + l4 + (k->tcp ? (b[l4 + 12] >> 4) * 4U : 8U);
	k->plen = (size_t)(b + end - k->payload);
	if (k->tcp) {
		k->seq = be32(b + l4 + 4);
		k->tcp_flags = b[l4 + 13];
	}
	return true;
}

/* ---- the .txt decode, one line at a time ---- */

struct txt {
	char *buf, *pos;
	unsigned int lineno;
	char line[4096];
};

static bool txt_peek(struct txt *t)
{
	char *nl;
	size_t n;

	if (!*t->pos)
		return false;
	nl = strchr(t->pos, '\n');
	n = nl ? (size_t)(nl - t->pos) : strlen(t->pos);
	assert_true(n < sizeof(t->line));
	memcpy(t->line, t->pos, n);
	t->line[n] = 0;
	return true;
}

static const char *txt_take(struct txt *t)
{
	if (!txt_peek(t))
		fail_msg("line %u: the decode ends early", t->lineno);
	t->pos += strlen(t->line) + (t->pos[strlen(t->line)] == '\n');
	t->lineno++;
	return t->line;
}

/* The next line starts with @prefix (and is taken). */
static bool txt_next_is(struct txt *t, const char *prefix)
{
	if (!txt_peek(t) || strncmp(t->line, prefix, strlen(prefix)))
		return false;
	txt_take(t);
	return true;
}

/* ---- names as hatool.py prints them ---- */

static const char *const nta_names[__CTF_SYNC_NTA_MAX] = {
	"IPV4",
	"IPV6",
	"L4PROTO",
	"PORT",
	"TCP_STATE",
	"STATUS",
	"TIMEOUT",
	"MARK",
	"MASTER_IPV4",
	"MASTER_IPV6",
	"MASTER_L4PROTO",
	"MASTER_PORT",
	"SNAT_IPV4",
	"DNAT_IPV4",
	"SPAT_PORT",
	"DPAT_PORT",
	"NAT_SEQ_ADJ",
	"SCTP_STATE",
	"SCTP_VTAG_ORIG",
	"SCTP_VTAG_REPL",
	"DCCP_STATE",
	"DCCP_ROLE",
	"ICMP_TYPE",
	"ICMP_CODE",
	"ICMP_ID",
	"TCP_WSCALE_ORIG",
	"TCP_WSCALE_REPL",
	"HELPER_NAME",
	"LABELS",
	"SNAT_IPV6",
	"DNAT_IPV6",
	"SYNPROXY",
	"ZONE",
};

static void flags_str(char *buf, size_t len, uint8_t flags)
{
	static const char *const names[] = { "UNUSED", "RESYNC", "NACK",      "ACK",
					     "ALIVE",  "HELLO",	 "HELLO_BACK" };
	size_t off = 0, i;

	buf[0] = 0;
	for (i = 0; i < 7; i++)
		if (flags & (1U << i))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
						names[i]);
	if (flags & 0x80)
		off += (size_t)snprintf(buf + off, len - off, "%s0x80", off ? "|" : "");
	if (!off)
		snprintf(buf, len, "0");
}

static void msg_label(char *buf, size_t len, const struct ctf_sync_hdr *h)
{
	const char *name = ctf_sync_type_name(h->type);
	char kind[64];

	if (h->type != CTF_SYNC_T_CTL) {
		if (name)
			snprintf(buf, len, "%s", name);
		else
			snprintf(buf, len, "T%u", h->type);
		return;
	}
	if (h->flags & ~0x60)
		flags_str(kind, sizeof(kind), h->flags & ~0x60);
	else
		snprintf(kind, sizeof(kind), "CTL");
	snprintf(buf, len, "CTL/%s", kind);
}

/* ---- message counts for the closing "# ..." line ---- */

struct counts {
	char key[32][32];
	unsigned int n[32], len;
};

static void count(struct counts *c, const char *key)
{
	unsigned int i;

	for (i = 0; i < c->len && strcmp(c->key[i], key); i++)
		;
	if (i == c->len) {
		assert_true(c->len < 32);
		snprintf(c->key[c->len++], sizeof(c->key[0]), "%s", key);
	}
	c->n[i]++;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void counts_str(struct counts *c, char *buf, size_t len)
{
	size_t off = 0, i, j;

	for (i = 0; i < c->len; i++) {
		char keys[32][32];

		memcpy(keys, c->key, sizeof(keys));
		qsort(keys, c->len, sizeof(keys[0]), cmp_key);
		for (j = 0; strcmp(c->key[j], keys[i]); j++)
			;
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%u", i ? ", " : "", keys[i],
					c->n[j]);
	}
}

/* ---- one replay ---- */

struct msg {
	struct ctf_sync_hdr hdr;
	uint8_t raw[65536];
	size_t len;
};

struct replay {
	const char *name;
	struct txt txt;
	struct msg *msgs;
	unsigned int nmsgs;
	uint64_t errs[__CTF_SYNC_RX_MAX];
	struct counts counts;
	unsigned int packets, attrs, roundtrips;
	struct {
		char flow[128];
		bool have_next;
		uint32_t next;
		uint8_t buf[1 << 17];
		size_t have;
	} streams[MAX_STREAMS];
	unsigned int nstreams;
};

static void on_msg(const struct ctf_sync_msg *m, void *data)
{
	struct replay *r = data;
	struct msg *out;

	assert_true(r->nmsgs < MAX_MSGS);
	out = &r->msgs[r->nmsgs++];
	out->hdr = m->hdr;
	out->len = m->len;
	memcpy(out->raw, m->data, m->len);
}

/* A value of the decode: everything after "NAME len=N ". */
struct attr_line {
	char name[32];
	unsigned int len;
	const char *value;
};

static void parse_attr_line(struct replay *r, const char *line, struct attr_line *a)
{
	int end = 0;

	if (sscanf(line, " %31s len=%u %n", a->name, &a->len, &end) != 2 || !end)
		fail_msg("%s.txt:%u: not an attribute: %s", r->name, r->txt.lineno, line);
	a->value = line + end;
}

static void check_addr(struct replay *r, const char *text, int af, const union ctf_addr *want)
{
	union ctf_addr a = { 0 };

	if (inet_pton(af, text, &a) != 1 || memcmp(&a, want, af == AF_INET ? 4 : 16))
		fail_msg("%s.txt:%u: address %s differs", r->name, r->txt.lineno, text);
}

static void check_pair(struct replay *r, const struct attr_line *a, const struct ctf_tuple *t)
{
	char src[64], dst[64];
	int af = strstr(a->name, "IPV6") ? AF_INET6 : AF_INET;

	assert_int_equal(sscanf(a->value, "src=%63s dst=%63s", src, dst), 2);
	assert_int_equal(t->l3num, af);
	check_addr(r, src, af, &t->src);
	check_addr(r, dst, af, &t->dst);
}

/* "bytes=901f (value 8080 if read little-endian, ...)": the value we must hold */
static uint16_t le_value(const struct attr_line *a)
{
	unsigned int bytes, value;

	assert_int_equal(
		sscanf(a->value, "bytes=%x (value %u if read little-endian", &bytes, &value), 2);
	assert_int_equal(value, (bytes >> 8) | ((bytes & 0xff) << 8));
	return (uint16_t)value;
}

static void check_hex_u32s(const char *hex, const uint32_t *want, size_t n)
{
	char w[9];
	size_t i;

	assert_int_equal(strlen(hex), 8 * n);
	for (i = 0; i < n; i++) {
		snprintf(w, sizeof(w), "%08" PRIx32, want[i]);
		assert_memory_equal(hex + 8 * i, w, 8);
	}
}

static unsigned long num(const struct attr_line *a)
{
	return strtoul(a->value, NULL, 0);
}

static void check_nat(struct replay *r, const struct attr_line *a, const struct ctf_flow *f,
		      uint64_t *want)
{
	bool src = a->name[0] == 'S';
	const struct ctf_nat *n = src ? &f->nat_src : &f->nat_dst;

	*want |= CTF_FLOW_BIT(src ? CTF_FLOW_A_NAT_SRC : CTF_FLOW_A_NAT_DST);
	if (strstr(a->name, "_PORT")) {
		assert_true(n->has_port);
		assert_int_equal(n->port_min, le_value(a));
		assert_int_equal(n->port_max, n->port_min);
		return;
	}
	check_addr(r, a->value, strstr(a->name, "IPV6") ? AF_INET6 : AF_INET, &n->min);
	assert_memory_equal(&n->max, &n->min, sizeof(n->min));
}

static void check_tuple_attr(struct replay *r, const struct attr_line *a, const struct ctf_flow *f)
{
	unsigned int sport, dport;

	if (!strcmp(a->name, "IPV4") || !strcmp(a->name, "IPV6")) {
		check_pair(r, a, &f->orig);
	} else if (!strcmp(a->name, "L4PROTO")) {
		assert_int_equal(f->orig.l4proto, num(a));
	} else if (!strcmp(a->name, "PORT")) {
		assert_int_equal(sscanf(a->value, "sport=%u dport=%u", &sport, &dport), 2);
		assert_int_equal(f->orig.l4.port.sport, sport);
		assert_int_equal(f->orig.l4.port.dport, dport);
	} else if (!strcmp(a->name, "ICMP_TYPE")) {
		assert_int_equal(f->orig.l4.icmp.type, num(a));
	} else if (!strcmp(a->name, "ICMP_CODE")) {
		assert_int_equal(f->orig.l4.icmp.code, num(a));
	} else if (!strcmp(a->name, "ICMP_ID")) {
		assert_int_equal(f->orig.l4.icmp.id, le_value(a));
	} else if (!strcmp(a->name, "MASTER_IPV4") || !strcmp(a->name, "MASTER_IPV6")) {
		check_pair(r, a, &f->master);
	} else if (!strcmp(a->name, "MASTER_L4PROTO")) {
		assert_int_equal(f->master.l4proto, num(a));
	} else {
		assert_string_equal(a->name, "MASTER_PORT");
		assert_int_equal(sscanf(a->value, "sport=%u dport=%u", &sport, &dport), 2);
		assert_int_equal(f->master.l4.port.sport, sport);
		assert_int_equal(f->master.l4.port.dport, dport);
	}
}

/* The u8/u32 attributes: the field, and the flag a value sets. */
static bool check_value_attr(const struct attr_line *a, const struct ctf_flow *f, uint64_t *want)
{
	static const struct {
		const char *name;
		enum ctf_flow_attr attr;
		size_t off, size;
	} map[] = {
		{ "TIMEOUT", CTF_FLOW_A_TIMEOUT, offsetof(struct ctf_flow, timeout), 4 },
		{ "MARK", CTF_FLOW_A_MARK, offsetof(struct ctf_flow, mark), 4 },
		{ "STATUS", CTF_FLOW_A_STATUS, offsetof(struct ctf_flow, status), 4 },
		{ "TCP_STATE", CTF_FLOW_A_TCP_STATE, offsetof(struct ctf_flow, tcp.state), 1 },
		{ "TCP_WSCALE_ORIG", CTF_FLOW_A_TCP_WSCALE_ORIG,
		  offsetof(struct ctf_flow, tcp.wscale), 1 },
		{ "TCP_WSCALE_REPL", CTF_FLOW_A_TCP_WSCALE_REPLY,
		  offsetof(struct ctf_flow, tcp.wscale) + 1, 1 },
		{ "SCTP_STATE", CTF_FLOW_A_SCTP_STATE, offsetof(struct ctf_flow, sctp.state), 1 },
		{ "SCTP_VTAG_ORIG", CTF_FLOW_A_SCTP_VTAG_ORIG, offsetof(struct ctf_flow, sctp.vtag),
		  4 },
		{ "SCTP_VTAG_REPL", CTF_FLOW_A_SCTP_VTAG_REPLY,
		  offsetof(struct ctf_flow, sctp.vtag) + 4, 4 },
		{ "DCCP_STATE", CTF_FLOW_A_DCCP_STATE, offsetof(struct ctf_flow, dccp.state), 1 },
		{ "DCCP_ROLE", CTF_FLOW_A_DCCP_ROLE, offsetof(struct ctf_flow, dccp.role), 1 },
	};
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(a->name, map[i].name))
			continue;
		if (map[i].size == 1)
			v = *((const uint8_t *)f + map[i].off);
		else
			memcpy(&v, (const char *)f + map[i].off, sizeof(v));
		assert_int_equal(v, num(a));
		*want |= CTF_FLOW_BIT(map[i].attr);
		return true;
	}
	return false;
}

static void check_other_attr(struct replay *r, const struct attr_line *a, const struct ctf_flow *f,
			     uint64_t *want)
{
	uint32_t words[6];
	size_t i, n;

	if (!strcmp(a->name, "SYNPROXY")) {
		words[0] = f->synproxy.its;
		words[1] = f->synproxy.isn;
		words[2] = f->synproxy.tsoff;
		check_hex_u32s(a->value, words, 3);
		*want |= CTF_FLOW_BIT(CTF_FLOW_A_SYNPROXY);
	} else if (!strcmp(a->name, "ZONE")) {
		assert_int_equal(f->zone, num(a));
		if (f->zone)
			*want |= CTF_FLOW_BIT(CTF_FLOW_A_ZONE);
	} else if (!strcmp(a->name, "NAT_SEQ_ADJ")) {
		for (i = 0; i < 2; i++) {
			words[3 * i] = f->seqadj[i].correction_pos;
			words[3 * i + 1] = f->seqadj[i].offset_before;
			words[3 * i + 2] = f->seqadj[i].offset_after;
		}
		check_hex_u32s(a->value, words, 6);
		*want |= CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_ORIG) |
			 CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_REPLY);
	} else if (!strcmp(a->name, "HELPER_NAME")) {
		n = strlen(a->value);
		assert_true(n >= 2 && a->value[0] == '\'' && a->value[n - 1] == '\'');
		assert_int_equal(strlen(f->helper), n - 2);
		assert_memory_equal(f->helper, a->value + 1, n - 2);
		*want |= CTF_FLOW_BIT(CTF_FLOW_A_HELPER);
	} else if (!strcmp(a->name, "LABELS")) {
		/* bit j of big-endian word i is label 32i + j, label 8k + b is labels[k] bit b */
		for (i = 0; i < strlen(a->value) / 2 && i < CTF_LABELS_LEN; i++) {
			unsigned int byte;

			assert_int_equal(sscanf(a->value + 2 * (i ^ 3), "%2x", &byte), 1);
			assert_int_equal(f->labels[i], byte);
		}
		if (ctf_flow_has(f, CTF_FLOW_A_LABELS))
			*want |= CTF_FLOW_BIT(CTF_FLOW_A_LABELS);
	} else {
		fail_msg("%s.txt:%u: unknown attribute %s", r->name, r->txt.lineno, a->name);
	}
}

/* The attribute lines of one CT message against its TLVs and the flow we decoded from them. */
static void check_ct_attrs(struct replay *r, const struct msg *m, const struct ctf_flow *f,
			   struct ctf_sync_ct_opts *opts)
{
	size_t off = CTF_SYNC_HDR_LEN;
	uint64_t want = CTF_FLOW_BIT(CTF_FLOW_A_STATUS);
	struct attr_line a;

	opts->no_timeout = true;
	while (off + 4 <= m->len) {
		uint16_t alen = be16(m->raw + off), id = be16(m->raw + off + 2);

		assert_true(alen >= 4 && off + alen <= m->len && id < __CTF_SYNC_NTA_MAX);
		parse_attr_line(r, txt_take(&r->txt), &a);
		if (strcmp(a.name, nta_names[id]) || a.len != alen)
			fail_msg("%s.txt:%u: %s len=%u, we have %s len=%u", r->name, r->txt.lineno,
				 a.name, a.len, nta_names[id], alen);
		if (id <= CTF_SYNC_NTA_PORT ||
		    (id >= CTF_SYNC_NTA_ICMP_TYPE && id <= CTF_SYNC_NTA_ICMP_ID)) {
			check_tuple_attr(r, &a, f);
			want |= CTF_FLOW_BIT(CTF_FLOW_A_ORIG);
		} else if (id >= CTF_SYNC_NTA_MASTER_IPV4 && id <= CTF_SYNC_NTA_MASTER_PORT) {
			check_tuple_attr(r, &a, f);
			want |= CTF_FLOW_BIT(CTF_FLOW_A_MASTER);
		} else if ((id >= CTF_SYNC_NTA_SNAT_IPV4 && id <= CTF_SYNC_NTA_DPAT_PORT) ||
			   id == CTF_SYNC_NTA_SNAT_IPV6 || id == CTF_SYNC_NTA_DNAT_IPV6) {
			check_nat(r, &a, f, &want);
		} else if (!check_value_attr(&a, f, &want)) {
			check_other_attr(r, &a, f, &want);
		}
		if (id == CTF_SYNC_NTA_TIMEOUT)
			opts->no_timeout = false;
		if (id == CTF_SYNC_NTA_TCP_WSCALE_ORIG || id == CTF_SYNC_NTA_TCP_WSCALE_REPL)
			opts->wscale = true;
		r->attrs++;
		off += (alen + 3U) & ~3U;
	}
	/* exactly what the decode lists: nothing more was set */
	if (f->set != want)
		fail_msg("%s.txt:%u: decoded %#" PRIx64 ", the decode lists %#" PRIx64, r->name,
			 r->txt.lineno, f->set, want);
}

static void check_ct_msg(struct replay *r, const struct msg *m)
{
	const uint8_t *body = m->raw + CTF_SYNC_HDR_LEN;
	size_t len = m->len - CTF_SYNC_HDR_LEN;
	struct ctf_sync_ct_opts opts = { 0 };
	uint8_t again[CTF_SYNC_BODY_MAX];
	unsigned int unknown = 1;
	struct ctf_flow f;
	int n;

	if (ctf_sync_ct_decode(body, len, &f, &unknown) < 0)
		fail_msg("%s.txt:%u: the message does not decode", r->name, r->txt.lineno);
	assert_int_equal(unknown, 0);
	check_ct_attrs(r, m, &f, &opts);
	/* 1.4.7 made these bytes: ours must make the very same from what we decoded */
	n = ctf_sync_ct_encode(again, sizeof(again), &f, &opts, NULL);
	if (n != (int)len || memcmp(again, body, len))
		fail_msg("%s.txt:%u: re-encoded body differs (%d bytes, want %zu)", r->name,
			 r->txt.lineno, n, len);
	r->roundtrips++;
}

static void check_hex(struct replay *r, const struct msg *m)
{
	char hex[2 * 65536 + 1];
	size_t i;

	if (!txt_peek(&r->txt) || strncmp(r->txt.line, "      hex ", 10))
		return;
	for (i = 0; i < m->len; i++)
		snprintf(hex + 2 * i, 3, "%02x", m->raw[i]);
	hex[2 * m->len] = 0;
	if (strcmp(txt_take(&r->txt) + 10, hex))
		fail_msg("%s.txt:%u: raw bytes differ", r->name, r->txt.lineno);
}

/* "    v1 CT_NEW flags=HELLO_BACK len=84 seq=1795349107" and the lines under it. */
static void check_msg(struct replay *r, const struct msg *m)
{
	char label[96], want_label[96], flags[96], want_flags[96], rest[64];
	unsigned int ver, len, seq, from, to;
	const char *line = txt_take(&r->txt);
	int end = 0;

	if (sscanf(line, "    v%u %95s flags=%95s len=%u seq=%u%n", &ver, label, flags, &len, &seq,
		   &end) != 5)
		fail_msg("%s.txt:%u: not a message: %s", r->name, r->txt.lineno, line);
	msg_label(want_label, sizeof(want_label), &m->hdr);
	flags_str(want_flags, sizeof(want_flags), m->hdr.flags);
	if (ver != m->hdr.version || strcmp(label, want_label) || strcmp(flags, want_flags) ||
	    len != m->hdr.len || seq != m->hdr.seq)
		fail_msg("%s.txt:%u: we have v%u %s flags=%s len=%u seq=%u", r->name, r->txt.lineno,
			 m->hdr.version, want_label, want_flags, m->hdr.len, m->hdr.seq);
	if (m->hdr.type == CTF_SYNC_T_CTL && (m->hdr.flags & 0x0e)) {
		assert_int_equal(sscanf(line + end, " from=%u to=%u", &from, &to), 2);
		assert_int_equal(from, m->hdr.from);
		assert_int_equal(to, m->hdr.to);
	} else {
		assert_int_not_equal(sscanf(line + end, "%63s", rest), 1);
	}
	count(&r->counts, want_label);
	if (m->hdr.flags & CTF_SYNC_F_HELLO)
		count(&r->counts, "flag HELLO");
	if (m->hdr.flags & CTF_SYNC_F_HELLO_BACK)
		count(&r->counts, "flag HELLO_BACK");
	check_hex(r, m);
	if (m->hdr.type <= CTF_SYNC_T_CT_DEL)
		check_ct_msg(r, m);
}

/* ---- packets ---- */

static void check_msgs(struct replay *r, unsigned int want)
{
	unsigned int i;

	if (r->nmsgs != want)
		fail_msg("%s.txt:%u: %u messages, the decode lists %u", r->name, r->txt.lineno,
			 r->nmsgs, want);
	for (i = 0; i < r->nmsgs; i++)
		check_msg(r, &r->msgs[i]);
	r->nmsgs = 0;
}

static void check_pkt_line(struct replay *r, const struct pkt *k, const char *what)
{
	const char *line = txt_take(&r->txt);
	const char *at = strstr(line, k->flow);

	if (!at || strncmp(at + strlen(k->flow), what, strlen(what)))
		fail_msg("%s.txt:%u: '%s' is not '%s%s'", r->name, r->txt.lineno, line, k->flow,
			 what);
}

static void replay_udp(struct replay *r, const struct pkt *k)
{
	char what[96];
	unsigned int want;
	size_t used;

	used = ctf_sync_split(k->payload, k->plen, false, on_msg, r, r->errs);
	assert_int_equal(used, k->plen);
	snprintf(what, sizeof(what), " udp %zu bytes, ", k->plen);
	check_pkt_line(r, k, what);
	assert_int_equal(sscanf(strstr(r->txt.line, what) + strlen(what), "%u message", &want), 1);
	check_msgs(r, want);
}

static unsigned int stream_of(struct replay *r, const struct pkt *k)
{
	unsigned int i;

	for (i = 0; i < r->nstreams && strcmp(r->streams[i].flow, k->flow); i++)
		;
	if (i == r->nstreams) {
		assert_true(r->nstreams < MAX_STREAMS);
		snprintf(r->streams[r->nstreams++].flow, sizeof(r->streams[0].flow), "%s", k->flow);
	}
	return i;
}

/* One TCP segment: in-order bytes join the stream, which is walked with its carried tail. */
static void replay_tcp(struct replay *r, const struct pkt *k)
{
	unsigned int s = stream_of(r, k), want;
	const uint8_t *p = k->payload;
	size_t n = k->plen, carried, used;
	uint32_t skip;
	char what[96];

	if (k->tcp_flags & 0x02) {
		r->streams[s].next = k->seq + 1;
		r->streams[s].have_next = true;
		check_pkt_line(r, k, " tcp SYN");
		return;
	}
	if (!n)
		return;
	if (!r->streams[s].have_next) {
		r->streams[s].next = k->seq;
		r->streams[s].have_next = true;
	}
	/* a retransmission: only what we have not seen yet */
	skip = r->streams[s].next - k->seq;
	if (skip >= n)
		return;
	p += skip;
	n -= skip;
	r->streams[s].next += (uint32_t)n;
	carried = r->streams[s].have;
	assert_true(carried + n <= sizeof(r->streams[s].buf));
	memcpy(r->streams[s].buf + carried, p, n);
	r->streams[s].have += n;
	used = ctf_sync_split(r->streams[s].buf, r->streams[s].have, true, on_msg, r, r->errs);
	snprintf(what, sizeof(what), " tcp %zu bytes (+%zu carried over), ", n, carried);
	check_pkt_line(r, k, what);
	assert_int_equal(sscanf(strstr(r->txt.line, what) + strlen(what), "%u message", &want), 1);
	check_msgs(r, want);
	memmove(r->streams[s].buf, r->streams[s].buf + used, r->streams[s].have - used);
	r->streams[s].have -= used;
}

/* The closing lines: packet and message counts, and the framing verdict. */
static void check_summary(struct replay *r)
{
	char want[2048], got[1536];
	unsigned int i;

	counts_str(&r->counts, got, sizeof(got));
	snprintf(want, sizeof(want), "# %u sync packets; message counts: %s", r->packets, got);
	assert_string_equal(txt_take(&r->txt), want);
	assert_true(txt_next_is(&r->txt, "# framing: all messages well-formed"));
	assert_false(txt_peek(&r->txt));
	for (i = 0; i < __CTF_SYNC_RX_MAX; i++)
		assert_int_equal(r->errs[i], 0);
	for (i = 0; i < r->nstreams; i++)
		assert_int_equal(r->streams[i].have, 0);
}

/* $CTF_CAPTURES replays another set (a fresh `ha-harness.sh capture`) instead of ours. */
static void replay(const char *name)
{
	const char *dir = getenv("CTF_CAPTURES");
	char path[512];
	struct replay *r = calloc(1, sizeof(*r));
	const uint8_t *pkt;
	size_t plen, len;
	uint8_t *cap;
	unsigned int i, ct;
	struct pcap p;
	struct pkt k;

	assert_non_null(r);
	r->msgs = calloc(MAX_MSGS, sizeof(*r->msgs));
	assert_non_null(r->msgs);
	r->name = name;
	if (!dir)
		dir = CTF_CAPTURES_DIR;
	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	r->txt.buf = r->txt.pos = read_text(path, NULL);
	if (!r->txt.buf)
		fail_msg("cannot read %s", path);
	r->txt.lineno = 1;
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	cap = (uint8_t *)read_text(path, &len);
	if (!cap)
		fail_msg("cannot read %s", path);
	pcap_open(&p, cap, len);
	while (pcap_next(&p, &pkt, &plen)) {
		if (!parse_pkt(p.linktype, pkt, plen, &k) ||
		    (k.sport != SYNC_PORT && k.dport != SYNC_PORT))
			continue;
		if (!k.tcp) {
			replay_udp(r, &k);
			r->packets++;
		} else if ((k.tcp_flags & 0x02) || k.plen) {
			replay_tcp(r, &k);
			r->packets += !(k.tcp_flags & 0x02);
		}
	}
	check_summary(r);
	print_message("%s: %u packets, %u CT bodies re-encoded, %u attributes checked\n", name,
		      r->packets, r->roundtrips, r->attrs);
	/* every CT message the decode counts went through the round trip */
	for (i = 0, ct = 0; i < r->counts.len; i++)
		if (!strncmp(r->counts.key[i], "CT_", 3))
			ct += r->counts.n[i];
	assert_true(ct > 0);
	assert_int_equal(r->roundtrips, ct);
	free(cap);
	free(r->txt.buf);
	free(r->msgs);
	free(r);
}

static void test_syncwire_captures_ftfw_udp(void **state)
{
	(void)state;
	replay("ftfw-udp");
}

static void test_syncwire_captures_ftfw_mcast(void **state)
{
	(void)state;
	replay("ftfw-mcast");
}

static void test_syncwire_captures_notrack_tcp(void **state)
{
	(void)state;
	replay("notrack-tcp");
}

static void test_syncwire_captures_ftfw_udp_loss(void **state)
{
	(void)state;
	replay("ftfw-udp+loss");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syncwire_captures_ftfw_udp),
		cmocka_unit_test(test_syncwire_captures_ftfw_mcast),
		cmocka_unit_test(test_syncwire_captures_notrack_tcp),
		cmocka_unit_test(test_syncwire_captures_ftfw_udp_loss),
	};

	return cmocka_run_group_tests_name("syncwire_captures", tests, NULL, NULL);
}
