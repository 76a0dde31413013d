// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sync wire codec: headers, the message walk of datagrams and streams in
 * every malformed case 1.4.7's channel handler knows, conntrack and
 * expectation round trips of every attribute and quirk, the exact bytes of
 * 1.4.7's messages, and the decoders' limits. Every parser input sits flush
 * against a PROT_NONE page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctflow/syncwire.h>

#include "checks.h"
#include "fixtures.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define END	      0xff /* ends an id list */

/* Bytes from hex; spaces and '|' are for the reader. Fails the test on a bad digit. */
static size_t unhex(uint8_t *out, size_t max, const char *s)
{
	size_t n = 0;
	unsigned int v;

	for (; *s; s++) {
		if (*s == ' ' || *s == '|')
			continue;
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s++;
		assert_true(*s != 0);
	}
	return n;
}

/* @n bytes of @p ending right before the guard page. */
static const uint8_t *guarded(const void *p, size_t n)
{
	const uint8_t *g = ctf_guard_place(&ctf_guard_page, p, n, 1);

	assert_non_null(g);
	return g;
}

static int decode_ct(const uint8_t *body, size_t len, struct ctf_flow *f, unsigned int *unknown)
{
	return ctf_sync_ct_decode(guarded(body, len), len, f, unknown);
}

static int decode_exp(const uint8_t *body, size_t len, struct ctf_exp *e, unsigned int *unknown)
{
	return ctf_sync_exp_decode(guarded(body, len), len, e, unknown);
}

/* The attribute ids of @len bytes of TLVs, in order, END-terminated, into @ids. */
static void attr_ids(const uint8_t *p, size_t len, uint8_t *ids, size_t max)
{
	size_t off = 0, n = 0;

	while (off + 4 <= len) {
		uint16_t alen = (uint16_t)(p[off] << 8 | p[off + 1]);

		assert_true(alen >= 4 && off + alen <= len && n + 1 < max);
		ids[n++] = p[off + 3];
		off += (alen + 3U) & ~3U;
	}
	assert_int_equal(off, len);
	ids[n] = END;
}

static void tuple_addr(struct ctf_tuple *t, int af, const char *src, const char *dst)
{
	t->l3num = (uint8_t)af;
	assert_int_equal(inet_pton(af, src, &t->src), 1);
	assert_int_equal(inet_pton(af, dst, &t->dst), 1);
	t->flags |= CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST;
}

/* A flow as ctf_sync_ct_decode() returns it: orig tuple, STATUS, and what @f adds. */
static void flow_base(struct ctf_flow *f, int af, const char *src, const char *dst, uint8_t proto,
		      uint16_t sport, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	tuple_addr(&f->orig, af, src, dst);
	f->family = (uint8_t)af;
	f->orig.l4proto = proto;
	f->orig.flags |= CTF_TUPLE_F_PROTO;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP ||
	    proto == IPPROTO_DCCP) {
		f->orig.l4.port.sport = sport;
		f->orig.l4.port.dport = dport;
		f->orig.flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	}
	f->status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED;
	f->timeout = 300;
	f->mark = 7;
	f->set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_STATUS) |
		 CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) | CTF_FLOW_BIT(CTF_FLOW_A_MARK);
}

static void tcp_est(struct ctf_flow *f)
{
	f->tcp.state = 3;
	ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
}

static void set_icmp(struct ctf_tuple *t, uint8_t type, uint8_t code, uint16_t id)
{
	t->l4.icmp.type = type;
	t->l4.icmp.code = code;
	t->l4.icmp.id = id;
	t->flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID |
		    CTF_TUPLE_F_SPORT;
}

static void set_nat(struct ctf_flow *f, bool src, int af, const char *addr, int port)
{
	struct ctf_nat *n = src ? &f->nat_src : &f->nat_dst;

	if (addr)
		assert_int_equal(inet_pton(af, addr, &n->min), 1);
	else
		n->min = src ? f->orig.src : f->orig.dst;
	n->max = n->min;
	if (port >= 0) {
		n->has_port = true;
		n->port_min = n->port_max = (uint16_t)port;
	}
	ctf_flow_set(f, src ? CTF_FLOW_A_NAT_SRC : CTF_FLOW_A_NAT_DST);
}

/* ---- headers ---- */

static void test_syncwire_hdr(void **state)
{
	static const struct {
		struct ctf_sync_hdr h;
		const char *hex;
	} cases[] = {
		{ { .type = CTF_SYNC_T_CT_NEW,
		    .flags = CTF_SYNC_F_HELLO_BACK,
		    .len = 84,
		    .seq = 0x6b02d2a1 },
		  "10 40 0054 6b02d2a1" },
		{ { .type = CTF_SYNC_T_CTL,
		    .flags = CTF_SYNC_F_ALIVE | CTF_SYNC_F_HELLO,
		    .len = 8,
		    .seq = 0x6b02da7f,
		    .from = 1,
		    .to = 2 },
		  "1a 30 0008 6b02da7f" },
		{ { .type = CTF_SYNC_T_CTL,
		    .flags = CTF_SYNC_F_ACK | CTF_SYNC_F_HELLO | CTF_SYNC_F_HELLO_BACK,
		    .len = 16,
		    .seq = 0x6b02da7f,
		    .from = 0x6b02da7f,
		    .to = 0x6b02da80 },
		  "1a 68 0010 6b02da7f 6b02da7f 6b02da80" },
		{ { .type = CTF_SYNC_T_CTL,
		    .flags = CTF_SYNC_F_NACK,
		    .len = 16,
		    .seq = 1,
		    .from = 2,
		    .to = 3 },
		  "1a 04 0010 00000001 00000002 00000003" },
		{ { .type = CTF_SYNC_T_CTL, .flags = CTF_SYNC_F_RESYNC, .len = 16, .seq = 9 },
		  "1a 02 0010 00000009 00000000 00000000" },
		/* the version is always ours, and a type keeps to its nibble */
		{ { .version = 7, .type = CTF_SYNC_T_EXP_DEL, .len = 0xffff, .seq = 0xffffffff },
		  "15 00 ffff ffffffff" },
	};
	uint8_t want[16], got[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = unhex(want, sizeof(want), cases[i].hex);
		assert_int_equal(ctf_sync_hdr_size(cases[i].h.flags), n);
		memset(got, 0xaa, sizeof(got));
		assert_int_equal(ctf_sync_put_hdr(got, &cases[i].h), n);
		assert_memory_equal(got, want, n);
		if (n < sizeof(got))
			assert_int_equal(got[n], 0xaa);
	}
	assert_string_equal(ctf_sync_type_name(CTF_SYNC_T_CT_NEW), "CT_NEW");
	assert_string_equal(ctf_sync_type_name(CTF_SYNC_T_EXP_UPD), "EXP_UPD");
	assert_string_equal(ctf_sync_type_name(CTF_SYNC_T_CTL), "CTL");
	assert_null(ctf_sync_type_name(6));
	assert_null(ctf_sync_type_name(11));
	assert_null(ctf_sync_type_name(255));
}

/* ---- the message walk ---- */

struct seen {
	unsigned int n;
	uint32_t seq[16];
	size_t off[16];
	const uint8_t *base;
	struct ctf_sync_hdr last;
};

static void on_msg(const struct ctf_sync_msg *m, void *data)
{
	struct seen *s = data;

	assert_int_equal(m->len, m->hdr.len);
	assert_int_equal(m->hdr.version, 1);
	assert_true(s->n < ARRAY_SIZE(s->seq));
	s->seq[s->n] = m->hdr.seq;
	s->off[s->n] = (size_t)(m->data - s->base);
	s->last = m->hdr;
	s->n++;
}

static void test_syncwire_split(void **state)
{
	static const struct {
		const char *name, *hex;
		bool stream;
		size_t used;	  /* SIZE_MAX: all of it */
		const char *seqs; /* the seq of each message delivered, low byte, hex */
		uint64_t trunc, size, version;
	} cases[] = {
		{ "empty", "", false, SIZE_MAX, "", 0, 0, 0 },
		{ "alive", "1a100008 00000001", false, SIZE_MAX, "01", 0, 0, 0 },
		{ "two in one datagram", "1a100008 00000001 1a080010 00000002 00000001 00000002",
		  false, SIZE_MAX, "0102", 0, 0, 0 },
		{ "short header", "1a1000", false, SIZE_MAX, "", 1, 0, 0 },
		{ "short header, stream", "1a1000", true, 0, "", 0, 0, 0 },
		{ "tail after a message", "1a100008 00000001 1a10", false, SIZE_MAX, "01", 1, 0,
		  0 },
		{ "tail after a message, stream", "1a100008 00000001 1a10", true, 8, "01", 0, 0,
		  0 },
		{ "len 0", "1a100000 00000001", false, SIZE_MAX, "", 0, 1, 0 },
		{ "len 0, stream", "1a100000 00000001", true, SIZE_MAX, "", 0, 1, 0 },
		/* len 0 is checked before the ACK header's 16 bytes are waited for */
		{ "ack with len 0, stream", "1a080000 00000001", true, SIZE_MAX, "", 0, 1, 0 },
		{ "len past the end", "10000054 00000001 00000000", false, SIZE_MAX, "", 0, 1, 0 },
		{ "len past the end, stream", "1a100008 00000001 10000054 00000002", true, 8, "01",
		  0, 0, 0 },
		{ "len under a header", "1a100004 00000001", false, SIZE_MAX, "", 0, 1, 0 },
		{ "len under a header, stream", "1a100007 00000001", true, SIZE_MAX, "", 0, 1, 0 },
		/* ACK, NACK, RESYNC need 16 bytes there and a len of 16 */
		{ "ack cut short", "1a080008 00000001 0000", false, SIZE_MAX, "", 1, 0, 0 },
		{ "ack cut short, stream", "1a080008 00000001 0000", true, 0, "", 0, 0, 0 },
		{ "ack with len 8", "1a080008 00000001 00000000 00000000", false, SIZE_MAX, "", 0,
		  1, 0 },
		{ "nack with len 12", "1a04000c 00000001 00000000 00000000", true, SIZE_MAX, "", 0,
		  1, 0 },
		{ "resync with len 8", "1a020008 00000001 00000000 00000000", false, SIZE_MAX, "",
		  0, 1, 0 },
		/* the ACK flag on a data message is not a control header (IS_ACK wants CTL) */
		{ "data with ack flag", "10080008 00000001", false, SIZE_MAX, "01", 0, 0, 0 },
		{ "wrong version skipped", "2a100008 00000001 1a100008 00000002", false, SIZE_MAX,
		  "02", 0, 0, 1 },
		{ "version 0 skipped", "0a100008 00000001 0a100008 00000002", true, SIZE_MAX, "", 0,
		  0, 2 },
		/* framing comes first: a bad version with a bad length is a size error */
		{ "wrong version, len 0", "2a100000 00000001", false, SIZE_MAX, "", 0, 1, 0 },
		/* 1.4.7 steps by len, unpadded: the next message starts at 9 */
		{ "unpadded step", "10000009 00000001 ff 1a100008 00000002", false, SIZE_MAX,
		  "0102", 0, 0, 0 },
		{ "error ends the walk", "1a100008 00000001 1a100000 00000002 1a100008 00000003",
		  false, SIZE_MAX, "01", 0, 1, 0 },
	};
	uint8_t buf[64], want[16];
	size_t i, n, used, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t errs[__CTF_SYNC_RX_MAX] = { 0 };
		struct seen s = { 0 };
		const uint8_t *g;

		n = unhex(buf, sizeof(buf), cases[i].hex);
		g = guarded(buf, n);
		s.base = g;
		used = ctf_sync_split(g, n, cases[i].stream, on_msg, &s, errs);
		k = unhex(want, sizeof(want), cases[i].seqs);
		if (used != (cases[i].used == SIZE_MAX ? n : cases[i].used) || s.n != k ||
		    errs[CTF_SYNC_RX_TRUNCATED] != cases[i].trunc ||
		    errs[CTF_SYNC_RX_SIZE] != cases[i].size ||
		    errs[CTF_SYNC_RX_VERSION] != cases[i].version)
			fail_msg("%s: used %zu, %u messages, errors %lu/%lu/%lu", cases[i].name,
				 used, s.n, (unsigned long)errs[CTF_SYNC_RX_TRUNCATED],
				 (unsigned long)errs[CTF_SYNC_RX_SIZE],
				 (unsigned long)errs[CTF_SYNC_RX_VERSION]);
		while (k--)
			assert_int_equal(s.seq[k], want[k]);
	}
}

/* The ACK header's from/to, and a NULL callback and counter array. */
static void test_syncwire_split_fields(void **state)
{
	static const char hex[] = "1a680010 6b02da7f 6b02da70 6b02da7e";
	uint8_t buf[16];
	struct seen s = { 0 };
	size_t n = unhex(buf, sizeof(buf), hex);
	const uint8_t *g = guarded(buf, n);

	(void)state;
	s.base = g;
	assert_int_equal(ctf_sync_split(g, n, false, on_msg, &s, NULL), n);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.type, CTF_SYNC_T_CTL);
	assert_int_equal(s.last.flags, CTF_SYNC_F_ACK | CTF_SYNC_F_HELLO | CTF_SYNC_F_HELLO_BACK);
	assert_int_equal(s.last.len, 16);
	assert_int_equal(s.last.seq, 0x6b02da7f);
	assert_int_equal(s.last.from, 0x6b02da70);
	assert_int_equal(s.last.to, 0x6b02da7e);
	assert_int_equal(ctf_sync_split(g, n, true, NULL, NULL, NULL), n);
}

/* A stream read in pieces of every size: each message comes out once, whole, in order. */
static void test_syncwire_split_stream_pieces(void **state)
{
	static const char hex[] = "1a100008 00000001 "
				  "10000018 00000002 0008 0005 0000000e 0005 0002 06000000 "
				  "1a080010 00000003 00000001 00000002 "
				  "1a100008 00000004";
	uint8_t all[64], buf[64];
	size_t n = unhex(all, sizeof(all), hex), piece;

	(void)state;
	for (piece = 1; piece <= n; piece++) {
		uint64_t errs[__CTF_SYNC_RX_MAX] = { 0 };
		struct seen s = { 0 };
		size_t have = 0, fed = 0, used, i;

		while (fed < n) {
			size_t add = n - fed < piece ? n - fed : piece;

			memcpy(buf + have, all + fed, add);
			have += add;
			fed += add;
			s.base = guarded(buf, have);
			used = ctf_sync_split(s.base, have, true, on_msg, &s, errs);
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		assert_int_equal(have, 0);
		assert_int_equal(s.n, 4);
		for (i = 0; i < 4; i++)
			assert_int_equal(s.seq[i], i + 1);
		for (i = 0; i < __CTF_SYNC_RX_MAX; i++)
			assert_int_equal(errs[i], 0);
	}
}

/* ---- conntrack encoding ---- */

static void test_syncwire_readme_ct_new(void **state)
{
	/* shared/ha/README.md, "Example CT_NEW" */
	static const char want_hex[] = "10 40 0054 6b02d2a1"
				       "000c 0000 c0000232 c6336432"
				       "0008 0005 0000000e"
				       "0005 0002 06 000000"
				       "0008 0003 4e21 0050"
				       "0005 0004 03 000000"
				       "0008 0006 0000012c"
				       "0008 0007 00000101"
				       "0010 001f 00000000 00000000 00000000";
	uint8_t want[128], msg[CTF_SYNC_HDR_LEN + CTF_SYNC_BODY_MAX];
	struct ctf_sync_hdr h = { .type = CTF_SYNC_T_CT_NEW,
				  .flags = CTF_SYNC_F_HELLO_BACK,
				  .seq = 0x6b02d2a1 };
	unsigned int dropped = 0xff;
	struct ctf_flow f;
	size_t n = unhex(want, sizeof(want), want_hex);
	int body;

	(void)state;
	flow_base(&f, AF_INET, "192.0.2.50", "198.51.100.50", IPPROTO_TCP, 20001, 80);
	tcp_est(&f);
	f.mark = 0x101;
	ctf_flow_set(&f, CTF_FLOW_A_SYNPROXY);
	body = ctf_sync_ct_encode(msg + CTF_SYNC_HDR_LEN, CTF_SYNC_BODY_MAX, &f, NULL, &dropped);
	assert_int_equal(body, 76);
	assert_int_equal(dropped, 0);
	h.len = (uint16_t)(CTF_SYNC_HDR_LEN + body);
	assert_int_equal(ctf_sync_put_hdr(msg, &h), CTF_SYNC_HDR_LEN);
	assert_int_equal(n, CTF_SYNC_HDR_LEN + (size_t)body);
	assert_memory_equal(msg, want, n);
}

static void mk_tcp(struct ctf_flow *f)
{
	flow_base(f, AF_INET, "192.0.2.50", "198.51.100.50", IPPROTO_TCP, 20001, 80);
	tcp_est(f);
	ctf_flow_set(f, CTF_FLOW_A_SYNPROXY);
	f->synproxy.isn = 0x01020304;
	f->synproxy.its = 0x05060708;
	f->synproxy.tsoff = 0x090a0b0c;
}

static void mk_wscale(struct ctf_flow *f)
{
	mk_tcp(f);
	f->tcp.wscale[0] = 7;
	f->tcp.wscale[1] = 14;
	ctf_flow_set(f, CTF_FLOW_A_TCP_WSCALE_ORIG);
	ctf_flow_set(f, CTF_FLOW_A_TCP_WSCALE_REPLY);
}

static void mk_sctp(struct ctf_flow *f)
{
	flow_base(f, AF_INET, "192.0.2.50", "198.51.100.50", IPPROTO_SCTP, 20007, 5000);
	f->sctp.state = 4;
	f->sctp.vtag[0] = 0x11223344;
	f->sctp.vtag[1] = 0xaabbccdd;
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_ORIG) |
		  CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_REPLY);
}

static void mk_dccp(struct ctf_flow *f)
{
	flow_base(f, AF_INET, "192.0.2.50", "198.51.100.50", IPPROTO_DCCP, 1, 2);
	f->dccp.state = 3;
	f->dccp.role = 1;
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_DCCP_ROLE);
}

static void mk_icmp(struct ctf_flow *f)
{
	flow_base(f, AF_INET, "192.0.2.50", "198.51.100.50", IPPROTO_ICMP, 0, 0);
	set_icmp(&f->orig, 8, 0, 0x1234);
}

static void mk_icmpv6(struct ctf_flow *f)
{
	flow_base(f, AF_INET6, "2001:db8:c::50", "2001:db8:5::50", IPPROTO_ICMPV6, 0, 0);
	set_icmp(&f->orig, 128, 0, 77);
}

static void mk_udp6(struct ctf_flow *f)
{
	flow_base(f, AF_INET6, "2001:db8:c::50", "2001:db8:5::50", IPPROTO_UDP, 20009, 53);
}

/* udplite and GRE have ports in the kernel, but 1.4.7 sends no PORT for them */
static void mk_udplite(struct ctf_flow *f)
{
	flow_base(f, AF_INET, "192.0.2.1", "192.0.2.2", IPPROTO_UDPLITE, 0, 0);
}

static void mk_master4(struct ctf_flow *f)
{
	mk_tcp(f);
	tuple4(&f->master, "192.0.2.50", "198.51.100.50", IPPROTO_TCP, 40000, 21);
	ctf_flow_set(f, CTF_FLOW_A_MASTER);
	f->status |= IPS_EXPECTED;
}

static void mk_master6(struct ctf_flow *f)
{
	mk_udp6(f);
	tuple_addr(&f->master, AF_INET6, "2001:db8:c::50", "2001:db8:5::50");
	f->master.l4proto = IPPROTO_TCP;
	f->master.flags |= CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	f->master.l4.port.sport = 5060;
	f->master.l4.port.dport = 5061;
	ctf_flow_set(f, CTF_FLOW_A_MASTER);
}

static void mk_snat4(struct ctf_flow *f)
{
	mk_tcp(f);
	f->status |= IPS_SRC_NAT | IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
	set_nat(f, true, AF_INET, "198.51.100.1", 30012);
}

static void mk_dnat4(struct ctf_flow *f)
{
	mk_tcp(f);
	f->status |= IPS_DST_NAT | IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
	set_nat(f, false, AF_INET, "198.51.100.60", 8080);
}

static void mk_nat6(struct ctf_flow *f)
{
	mk_udp6(f);
	set_nat(f, true, AF_INET6, "2001:db8::1", 1000);
	set_nat(f, false, AF_INET6, "2001:db8::2", 2000);
}

/* the address is kept, the port changed (a clash the kernel resolved) */
static void mk_spat_only(struct ctf_flow *f)
{
	mk_tcp(f);
	set_nat(f, true, AF_INET, NULL, 30000);
}

/* NAT without ports, both ways */
static void mk_nat_addr_only(struct ctf_flow *f)
{
	mk_icmp(f);
	set_nat(f, true, AF_INET, "10.0.0.1", -1);
	set_nat(f, false, AF_INET, "10.0.0.2", -1);
}

static void mk_seqadj(struct ctf_flow *f)
{
	mk_tcp(f);
	f->seqadj[0] = (struct ctf_seqadj){ 1, 2, 3 };
	f->seqadj[1] = (struct ctf_seqadj){ 0xfffffffd, 0xfffffffe, 0xffffffff };
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_REPLY);
}

static void mk_helper(struct ctf_flow *f)
{
	mk_master4(f);
	strcpy(f->helper, "ftp");
	ctf_flow_set(f, CTF_FLOW_A_HELPER);
}

static void mk_labels(struct ctf_flow *f)
{
	mk_tcp(f);
	f->labels[0] = 0x01;  /* label 0 */
	f->labels[3] = 0x80;  /* label 31 */
	f->labels[4] = 0x01;  /* label 32 */
	f->labels[15] = 0x80; /* label 127 */
	f->labels_len = 16;
	ctf_flow_set(f, CTF_FLOW_A_LABELS);
}

static void mk_zone(struct ctf_flow *f)
{
	mk_tcp(f);
	f->zone = 7;
	ctf_flow_set(f, CTF_FLOW_A_ZONE);
}

/* 1.4.7 on a NAT-hooked ICMP echo: SPAT = the reply's type/code, DPAT = the id */
static void mk_icmp_nat_quirk(struct ctf_flow *f)
{
	mk_icmp(f);
	f->status |= IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
	set_nat(f, true, AF_INET, NULL, 0);
	set_nat(f, false, AF_INET, NULL, 0x1234);
}

/* everything at once, IPv6: the largest body we build */
static void mk_big(struct ctf_flow *f)
{
	flow_base(f, AF_INET6, "2001:db8:c::50", "2001:db8:5::50", IPPROTO_TCP, 1, 2);
	tcp_est(f);
	f->tcp.wscale[0] = 1;
	f->tcp.wscale[1] = 2;
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_TCP_WSCALE_ORIG) |
		  CTF_FLOW_BIT(CTF_FLOW_A_TCP_WSCALE_REPLY) | CTF_FLOW_BIT(CTF_FLOW_A_SYNPROXY) |
		  CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_SEQADJ_REPLY) |
		  CTF_FLOW_BIT(CTF_FLOW_A_HELPER) | CTF_FLOW_BIT(CTF_FLOW_A_LABELS) |
		  CTF_FLOW_BIT(CTF_FLOW_A_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_MASTER);
	tuple_addr(&f->master, AF_INET6, "2001:db8:c::51", "2001:db8:5::51");
	f->master.l4proto = IPPROTO_TCP;
	f->master.flags |= CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	set_nat(f, true, AF_INET6, "2001:db8::1", 1000);
	set_nat(f, false, AF_INET6, "2001:db8::2", 2000);
	strcpy(f->helper, "abcdefghijk");
	/* a decoded flow may carry every protocol's state: the encoder sends what is set */
	f->sctp.vtag[0] = 1;
	f->dccp.role = 2;
	f->set |= CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_ORIG) |
		  CTF_FLOW_BIT(CTF_FLOW_A_SCTP_VTAG_REPLY) | CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) |
		  CTF_FLOW_BIT(CTF_FLOW_A_DCCP_ROLE);
	memset(f->labels, 0xff, sizeof(f->labels));
	f->labels_len = 16;
	f->zone = 65535;
}

static const struct ct_case {
	const char *name;
	void (*make)(struct ctf_flow *f);
	bool wscale;
	uint8_t ids[32];
} ct_cases[] = {
	{ "tcp", mk_tcp, false, { 0, 5, 2, 3, 4, 6, 7, 31, END } },
	{ "tcp wscale", mk_wscale, true, { 0, 5, 2, 3, 4, 25, 26, 6, 7, 31, END } },
	{ "sctp", mk_sctp, false, { 0, 5, 2, 3, 17, 18, 19, 6, 7, END } },
	{ "dccp", mk_dccp, false, { 0, 5, 2, 3, 20, 21, 6, 7, END } },
	{ "icmp", mk_icmp, false, { 0, 5, 2, 22, 23, 24, 6, 7, END } },
	{ "icmpv6", mk_icmpv6, false, { 1, 5, 2, 22, 23, 24, 6, 7, END } },
	{ "udp6", mk_udp6, false, { 1, 5, 2, 3, 6, 7, END } },
	{ "udplite", mk_udplite, false, { 0, 5, 2, 6, 7, END } },
	{ "master4", mk_master4, false, { 0, 5, 2, 3, 4, 6, 7, 8, 10, 11, 31, END } },
	{ "master6", mk_master6, false, { 1, 5, 2, 3, 6, 7, 9, 10, 11, END } },
	{ "snat4", mk_snat4, false, { 0, 5, 2, 3, 4, 6, 7, 12, 14, 31, END } },
	{ "dnat4", mk_dnat4, false, { 0, 5, 2, 3, 4, 6, 7, 13, 15, 31, END } },
	{ "nat6", mk_nat6, false, { 1, 5, 2, 3, 6, 7, 29, 30, 14, 15, END } },
	{ "spat only", mk_spat_only, false, { 0, 5, 2, 3, 4, 6, 7, 14, 31, END } },
	{ "nat addresses only",
	  mk_nat_addr_only,
	  false,
	  { 0, 5, 2, 22, 23, 24, 6, 7, 12, 13, END } },
	{ "seqadj", mk_seqadj, false, { 0, 5, 2, 3, 4, 6, 7, 16, 31, END } },
	{ "helper", mk_helper, false, { 0, 5, 2, 3, 4, 6, 7, 8, 10, 11, 27, 31, END } },
	{ "labels", mk_labels, false, { 0, 5, 2, 3, 4, 6, 7, 28, 31, END } },
	{ "zone", mk_zone, false, { 0, 5, 2, 3, 4, 6, 7, 31, 32, END } },
	{ "icmp nat quirk", mk_icmp_nat_quirk, false, { 0, 5, 2, 22, 23, 24, 6, 7, 14, 15, END } },
	{ "everything", mk_big, true, { 1, 5,  2,  3,  4,  25, 26, 17, 18, 19, 20, 21, 6,  7,
					9, 10, 11, 29, 30, 14, 15, 16, 27, 28, 31, 32, END } },
};

/* encode, check the order, decode to exactly the flow, encode the same bytes again */
static void test_syncwire_ct_roundtrip(void **state)
{
	uint8_t body[CTF_SYNC_BODY_MAX], again[CTF_SYNC_BODY_MAX], ids[32];
	struct ctf_flow f, got;
	unsigned int unknown, dropped;
	size_t i, k;
	int n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ct_cases); i++) {
		struct ctf_sync_ct_opts opts = { .wscale = ct_cases[i].wscale };

		ct_cases[i].make(&f);
		n = ctf_sync_ct_encode(body, sizeof(body), &f, &opts, &dropped);
		if (n <= 0)
			fail_msg("%s: encode %d", ct_cases[i].name, n);
		assert_int_equal(n % 4, 0);
		assert_int_equal(dropped, 0);
		attr_ids(body, (size_t)n, ids, sizeof(ids));
		for (k = 0; ids[k] != END || ct_cases[i].ids[k] != END; k++)
			if (ids[k] != ct_cases[i].ids[k])
				fail_msg("%s: attribute %zu is %u, want %u", ct_cases[i].name, k,
					 ids[k], ct_cases[i].ids[k]);
		unknown = 99;
		assert_int_equal(decode_ct(body, (size_t)n, &got, &unknown), 0);
		assert_int_equal(unknown, 0);
		if (memcmp(&got, &f, sizeof(f)))
			fail_msg("%s: decoded flow differs (set %#lx, want %#lx)", ct_cases[i].name,
				 (unsigned long)got.set, (unsigned long)f.set);
		assert_int_equal(ctf_sync_ct_encode(again, sizeof(again), &got, &opts, NULL), n);
		assert_memory_equal(again, body, (size_t)n);
	}
}

/* The quirks, byte by byte, on any host. */
static void test_syncwire_ct_quirk_bytes(void **state)
{
	static const struct {
		void (*make)(struct ctf_flow *f);
		uint8_t id;
		const char *payload;
	} cases[] = {
		{ mk_dnat4, CTF_SYNC_NTA_DPAT_PORT, "901f" },	      /* 8080, little-endian */
		{ mk_snat4, CTF_SYNC_NTA_SPAT_PORT, "3c75" },	      /* 30012 */
		{ mk_icmp, CTF_SYNC_NTA_ICMP_ID, "3412" },	      /* 0x1234 */
		{ mk_sctp, CTF_SYNC_NTA_SCTP_VTAG_ORIG, "11223344" }, /* big-endian */
		{ mk_sctp, CTF_SYNC_NTA_SCTP_VTAG_REPL, "aabbccdd" },
		{ mk_dnat4, CTF_SYNC_NTA_DNAT_IPV4, "c633643c" },
		{ mk_tcp, CTF_SYNC_NTA_PORT, "4e210050" },
		{ mk_tcp, CTF_SYNC_NTA_SYNPROXY,
		  "05060708 01020304 090a0b0c" }, /* its, isn, tsoff */
		{ mk_zone, CTF_SYNC_NTA_ZONE, "0007" },
		{ mk_labels, CTF_SYNC_NTA_LABELS, "80000001 00000001 00000000 80000000" },
		{ mk_seqadj, CTF_SYNC_NTA_NAT_SEQ_ADJ,
		  "00000001 00000002 00000003 fffffffd fffffffe ffffffff" },
		{ mk_helper, CTF_SYNC_NTA_HELPER_NAME, "66747000" },
		{ mk_icmp_nat_quirk, CTF_SYNC_NTA_SPAT_PORT, "0000" },
		{ mk_icmp_nat_quirk, CTF_SYNC_NTA_DPAT_PORT, "3412" },
	};
	uint8_t body[CTF_SYNC_BODY_MAX], want[32];
	struct ctf_flow f;
	size_t i, off, wn;
	int n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cases[i].make(&f);
		n = ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL);
		assert_true(n > 0);
		wn = unhex(want, sizeof(want), cases[i].payload);
		for (off = 0; off < (size_t)n; off += ((body[off] << 8 | body[off + 1]) + 3U) & ~3U)
			if (body[off + 3] == cases[i].id)
				break;
		if (off >= (size_t)n)
			fail_msg("case %zu: no attribute %u", i, cases[i].id);
		assert_int_equal(body[off] << 8 | body[off + 1], 4 + wn);
		assert_memory_equal(body + off + 4, want, wn);
	}
}

static void test_syncwire_ct_options(void **state)
{
	uint8_t body[CTF_SYNC_BODY_MAX], ids[32];
	struct ctf_sync_ct_opts opts = { .no_timeout = true };
	static const uint8_t want[] = { 0, 5, 2, 3, 4, 7, 31, END };
	struct ctf_flow f;
	size_t k;
	int n;

	(void)state;
	mk_wscale(&f);
	n = ctf_sync_ct_encode(body, sizeof(body), &f, &opts, NULL);
	assert_true(n > 0);
	attr_ids(body, (size_t)n, ids, sizeof(ids));
	for (k = 0; k < sizeof(want); k++)
		assert_int_equal(ids[k], want[k]);
	/* what 1.4.7 never sends: a zero zone, a label set with no bit */
	mk_tcp(&f);
	f.set |= CTF_FLOW_BIT(CTF_FLOW_A_ZONE) | CTF_FLOW_BIT(CTF_FLOW_A_LABELS);
	f.labels_len = 16;
	assert_int_equal(ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL), 76);
}

/* Names of 12 characters or more would make a 1.4.7 peer refuse the whole message. */
static void test_syncwire_ct_helper_limit(void **state)
{
	uint8_t body[CTF_SYNC_BODY_MAX];
	struct ctf_flow f, got;
	unsigned int dropped;
	size_t len;
	int n, base;

	(void)state;
	mk_tcp(&f);
	base = ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL);
	for (len = 0; len < CTF_HELPER_NAME_LEN; len++) {
		mk_tcp(&f);
		memset(f.helper, 'h', len);
		ctf_flow_set(&f, CTF_FLOW_A_HELPER);
		dropped = 0xff;
		n = ctf_sync_ct_encode(body, sizeof(body), &f, NULL, &dropped);
		if (len <= 11) {
			assert_int_equal(n, base + (int)((4 + len + 1 + 3) & ~3U));
			assert_int_equal(dropped, 0);
			assert_int_equal(decode_ct(body, (size_t)n, &got, NULL), 0);
			assert_string_equal(got.helper, f.helper);
		} else {
			assert_int_equal(n, base);
			assert_int_equal(dropped, CTF_SYNC_DROPPED_HELPER);
		}
	}
	/* no NUL in the whole array: dropped, never read past it */
	mk_tcp(&f);
	memset(f.helper, 'x', sizeof(f.helper));
	ctf_flow_set(&f, CTF_FLOW_A_HELPER);
	assert_int_equal(ctf_sync_ct_encode(body, sizeof(body), &f, NULL, &dropped), base);
	assert_int_equal(dropped, CTF_SYNC_DROPPED_HELPER);
}

/* A flow as the kernel reports it: reply tuple, no nat_src/nat_dst. */
static void kernel_flow(struct ctf_flow *f, const char *rsrc, const char *rdst, uint16_t rsport,
			uint16_t rdport, uint32_t status)
{
	mk_tcp(f);
	tuple4(&f->reply, rsrc, rdst, IPPROTO_TCP, rsport, rdport);
	ctf_flow_set(f, CTF_FLOW_A_REPLY);
	f->status = status;
}

/* Kernel flows come out as 1.4.7 sends them (bodies from tests/ha/captures/ftfw-udp.txt) */
static void test_syncwire_ct_from_kernel(void **state)
{
	static const struct {
		const char *name, *rsrc, *rdst;
		uint16_t sport, rsport, rdport;
		uint32_t status;
		const char *nat; /* the NAT attributes we expect, hex */
	} cases[] = {
		{ "snat", "198.51.100.50", "198.51.100.1", 20012, 80, 30012, 0x19e,
		  "0008000c c6336401 0006000e 3c750000" },
		{ "dnat", "198.51.100.60", "192.0.2.50", 20013, 8080, 20013, 0x1ae,
		  "0008000d c633643c 0006000f 901f0000" },
		{ "null binding", "198.51.100.50", "192.0.2.50", 20001, 80, 20001, 0x18e, "" },
		/* NFCT_GOPT_IS_SNAT wants SRC_NAT_DONE when the status is known */
		{ "not done", "198.51.100.50", "198.51.100.1", 20012, 80, 30012, 0x0e, "" },
		{ "both", "198.51.100.60", "198.51.100.1", 20012, 8080, 30012, 0x1be,
		  "0008000c c6336401 0008000d c633643c 0006000e 3c750000 0006000f 901f0000" },
	};
	uint8_t body[CTF_SYNC_BODY_MAX], again[CTF_SYNC_BODY_MAX], want[64];
	struct ctf_flow f, got, base;
	struct ctf_tuple r;
	size_t i, wn;
	int n, bn;

	(void)state;
	mk_tcp(&base);
	bn = ctf_sync_ct_encode(body, sizeof(body), &base, NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		kernel_flow(&f, cases[i].rsrc, cases[i].rdst, cases[i].rsport, cases[i].rdport,
			    cases[i].status);
		f.orig.l4.port.sport = cases[i].sport;
		n = ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL);
		wn = unhex(want, sizeof(want), cases[i].nat);
		if (n != bn + (int)wn || memcmp(body + 60, want, wn))
			fail_msg("%s: %d bytes, NAT part differs", cases[i].name, n);
		assert_int_equal(decode_ct(body, (size_t)n, &got, NULL), 0);
		assert_false(ctf_flow_has(&got, CTF_FLOW_A_REPLY));
		assert_int_equal(ctf_sync_ct_encode(again, sizeof(again), &got, NULL, NULL), n);
		assert_memory_equal(again, body, (size_t)n);
		if (cases[i].status & IPS_SRC_NAT_DONE) {
			/* what a commit of the decoded flow ends with is the sender's reply */
			ctf_sync_reply_from_nat(&got, &r);
			assert_memory_equal(&r.src, &f.reply.src, sizeof(r.src));
			assert_memory_equal(&r.dst, &f.reply.dst, sizeof(r.dst));
			assert_int_equal(r.l4.port.sport, f.reply.l4.port.sport);
			assert_int_equal(r.l4.port.dport, f.reply.l4.port.dport);
			assert_int_equal(r.flags, f.reply.flags);
		}
	}
	/* no status at all: the getters only compare the tuples */
	kernel_flow(&f, "198.51.100.50", "198.51.100.1", 80, 30012, 0);
	f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_STATUS);
	n = ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL);
	assert_int_equal(n, bn + 16);
}

/* An ICMP echo the NAT hooks saw: 1.4.7 sends SPAT = reply type/code, DPAT = the id. */
static void test_syncwire_ct_icmp_nat_quirk(void **state)
{
	uint8_t body[CTF_SYNC_BODY_MAX], quirk[CTF_SYNC_BODY_MAX];
	struct ctf_flow f, want;
	struct ctf_tuple r;
	int n;

	(void)state;
	mk_icmp(&f);
	f.status |= IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
	f.reply = f.orig;
	assert_int_equal(inet_pton(AF_INET, "198.51.100.50", &f.reply.src), 1);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.50", &f.reply.dst), 1);
	f.reply.l4.icmp.type = 0;
	ctf_flow_set(&f, CTF_FLOW_A_REPLY);
	n = ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL);
	mk_icmp_nat_quirk(&want);
	assert_int_equal(ctf_sync_ct_encode(quirk, sizeof(quirk), &want, NULL, NULL), n);
	assert_memory_equal(body, quirk, (size_t)n);
	ctf_sync_reply_from_nat(&want, &r);
	assert_memory_equal(&r, &f.reply, sizeof(r));
}

static void test_syncwire_ct_encode_errors(void **state)
{
	static const struct ctf_sync_ct_opts opts = { .wscale = true };
	uint8_t body[CTF_SYNC_BODY_MAX];
	struct ctf_flow f;
	unsigned int dropped = 0x55;
	size_t len;
	int n;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(ctf_sync_ct_encode(body, sizeof(body), &f, NULL, NULL), -EINVAL);
	mk_big(&f);
	n = ctf_sync_ct_encode(body, sizeof(body), &f, &opts, NULL);
	/* the largest body we build, with room to spare in CTF_SYNC_BODY_MAX */
	assert_int_equal(n, 336);
	for (len = 0; len < (size_t)n; len++) {
		memset(body, 0xee, sizeof(body));
		assert_int_equal(ctf_sync_ct_encode(body, len, &f, &opts, &dropped), -EMSGSIZE);
		assert_int_equal(dropped, 0x55);
		assert_int_equal(body[len], 0xee); /* nothing past @len */
	}
}

/* ---- conntrack decoding ---- */

static void test_syncwire_ct_decode_malformed(void **state)
{
	static const struct {
		const char *name, *hex;
		int ret;
		unsigned int unknown;
	} cases[] = {
		{ "empty", "", 0, 0 },
		{ "4 bytes left are ignored", "ffffffff", 0, 0 },
		{ "3 bytes left are ignored", "000800", 0, 0 },
		{ "nta_len 3", "0003 0002 06000000", -EBADMSG, 0 },
		{ "nta_len 0", "0000 0002 06000000", -EBADMSG, 0 },
		{ "nta_len past the end", "000c 0000 c0000232 c63364", -EBADMSG, 0 },
		{ "last attribute unpadded", "0005 0002 06", 0, 0 },
		{ "nta_len 4 on a fixed attribute", "0004 0002 0005 0002 06000000", -EBADMSG, 0 },
		/* msg2ct() loops while more than 4 bytes are left: a lone header is never read */
		{ "a lone bad header", "0004 0002", 0, 0 },
		{ "ipv4 too long", "000d 0000 c0000232 c6336432 00000000", -EBADMSG, 0 },
		{ "status too short", "0007 0005 000000 00", -EBADMSG, 0 },
		{ "id 33 skipped", "0008 0021 00000000 0005 0002 06000000", 0, 1 },
		{ "id 65535 skipped, then an unread tail", "0004 ffff 0004 ffff", 0, 1 },
		{ "two unknown", "0004 ffff 0004 0022 0005 0002 06000000", 0, 2 },
		{ "unknown, any size", "0011 0040 00000000 00000000 00000000 00000000 00000000", 0,
		  1 },
		{ "unknown past the end", "0010 0021 00000000", -EBADMSG, 0 },
		{ "unknown with nta_len 2", "0002 0021 00000000", -EBADMSG, 0 },
		{ "helper nta_len 16", "0010 001b 61626364 65666768 696a6b00", 0, 0 },
		{ "helper nta_len 17", "0011 001b 61626364 65666768 696a6b6c 00000000", -EBADMSG,
		  0 },
		{ "helper without NUL", "0008 001b 66747066", -EBADMSG, 0 },
		{ "helper empty", "0004 001b 0005 0002 06000000", -EBADMSG, 0 },
		{ "labels odd size: ignored", "0007 001c 010203 00", 0, 0 },
		{ "labels empty: ignored", "0004 001c", 0, 0 },
		{ "a good attribute, then a bad one", "0005 0002 06000000 0003 0000 0000", -EBADMSG,
		  0 },
		{ "a bad header as the last 4 bytes", "0005 0002 06000000 0003 0000", 0, 0 },
	};
	uint8_t body[128];
	struct ctf_flow f;
	unsigned int unknown;
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = unhex(body, sizeof(body), cases[i].hex);
		unknown = 99;
		r = decode_ct(body, n, &f, &unknown);
		if (r != cases[i].ret || (r == 0 && unknown != cases[i].unknown))
			fail_msg("%s: %d, %u unknown", cases[i].name, r, unknown);
		if (r < 0)
			assert_int_equal(unknown, 99);
	}
}

/* Every fixed-size attribute refuses one byte more or less (1.4.7's h[].size). */
static void test_syncwire_ct_decode_sizes(void **state)
{
	static const uint8_t size[__CTF_SYNC_NTA_MAX] = {
		8, 32, 1, 4, 1, 4, 4, 4, 8, 32, 1, 4, 4,  4,  2,  2, 24,
		1, 4,  4, 1, 1, 1, 1, 2, 1, 1,	0, 0, 16, 16, 12, 2,
	};
	uint8_t body[64];
	struct ctf_flow f;
	unsigned int id;
	int d;

	(void)state;
	for (id = 0; id < __CTF_SYNC_NTA_MAX; id++) {
		if (!size[id])
			continue;
		for (d = -1; d <= 1; d++) {
			size_t n = (size_t)(size[id] + d);

			memset(body, 0, sizeof(body));
			body[0] = (uint8_t)((4 + n) >> 8);
			body[1] = (uint8_t)(4 + n);
			body[3] = (uint8_t)id;
			/* 4 bytes more, so that even a 4-byte attribute is looked at */
			if (decode_ct(body, ((4 + n + 3) & ~3U) + 4, &f, NULL) !=
			    (d ? -EBADMSG : 0))
				fail_msg("id %u with %zu bytes", id, n);
		}
	}
}

/* The biggest labels a 1.4.7 peer takes: 1024 bytes; bits above 127 are dropped. */
static void test_syncwire_ct_decode_labels(void **state)
{
	static uint8_t body[4 + 1028];
	struct ctf_flow f;
	size_t n;

	(void)state;
	for (n = 4; n <= 1028; n += 4) {
		memset(body, 0, sizeof(body));
		body[0] = (uint8_t)((4 + n) >> 8);
		body[1] = (uint8_t)(4 + n);
		body[3] = CTF_SYNC_NTA_LABELS;
		body[4 + 3] = 0x02;	/* label 1 */
		body[4 + n - 4] = 0x80; /* the top label of the last word */
		if (n == 1028) {
			assert_int_equal(decode_ct(body, 4 + n, &f, NULL), -EBADMSG);
			continue;
		}
		assert_int_equal(decode_ct(body, 4 + n, &f, NULL), 0);
		assert_true(ctf_flow_has(&f, CTF_FLOW_A_LABELS));
		assert_int_equal(f.labels_len, n < 16 ? n : 16);
		assert_int_equal(f.labels[0], 0x02);
		assert_int_equal(f.labels[n <= 16 ? n - 1 : 0], n <= 16 ? 0x80 : 0x02);
	}
	/* only labels above 127: nothing left to set */
	memset(body, 0, sizeof(body));
	body[1] = 4 + 20;
	body[3] = CTF_SYNC_NTA_LABELS;
	body[4 + 16] = 0x01;
	assert_int_equal(decode_ct(body, 24, &f, NULL), 0);
	assert_false(ctf_flow_has(&f, CTF_FLOW_A_LABELS));
	assert_int_equal(f.labels[0], 0);
}

/*
 * What the sender's rules never produce is normalised away, so a decoded flow
 * re-encodes to what decodes to itself.
 */
static void test_syncwire_ct_decode_normalised(void **state)
{
	static const struct {
		const char *name, *hex;
		uint64_t set;	/* CTF_FLOW_A_* bits beyond ORIG and STATUS */
		uint16_t flags; /* orig tuple flags */
	} cases[] = {
		{ "zone 0", "000c 0000 01010101 02020202 0006 0020 00000000", 0,
		  CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST },
		{ "snat to the same address", "000c 0000 01010101 02020202 0008 000c 01010101", 0,
		  CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST },
		{ "snat6 on an ipv4 flow",
		  "000c 0000 01010101 02020202 0014 001d 20010db8 00000000 "
		  "00000000 00000001",
		  0, CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST },
		{ "port on udplite",
		  "000c 0000 01010101 02020202 0005 0002 88000000 0008 0003 00010002", 0,
		  CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO },
		{ "tcp without port", "0005 0002 06000000", 0,
		  CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT },
		{ "master without addresses",
		  "0005 0002 11000000 0005 000a 06000000 0008 000b 00010002", 0,
		  CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT },
		{ "spat equal to sport",
		  "0005 0002 06000000 0008 0003 00010002 0006 000e 0100 0000", 0,
		  CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT },
		{ "dpat differs", "0005 0002 06000000 0008 0003 00010002 0006 000f 0300 0000",
		  CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST),
		  CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT },
		/* PORT on an ICMP flow lands where libnetfilter_conntrack keeps id, type, code */
		{ "port on icmp", "0005 0002 01000000 0008 0003 12340800", 0,
		  CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_ICMP_ID |
			  CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE },
	};
	uint8_t body[128], again[CTF_SYNC_BODY_MAX];
	struct ctf_flow f, g;
	const uint64_t base = CTF_FLOW_BIT(CTF_FLOW_A_STATUS);
	size_t i, n;
	int m;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = unhex(body, sizeof(body), cases[i].hex);
		assert_int_equal(decode_ct(body, n, &f, NULL), 0);
		if (f.set != (base | cases[i].set | CTF_FLOW_BIT(CTF_FLOW_A_ORIG)) ||
		    f.orig.flags != cases[i].flags)
			fail_msg("%s: set %#lx, flags %#x", cases[i].name, (unsigned long)f.set,
				 f.orig.flags);
		m = ctf_sync_ct_encode(again, sizeof(again), &f, NULL, NULL);
		assert_true(m > 0);
		assert_int_equal(decode_ct(again, (size_t)m, &g, NULL), 0);
		assert_memory_equal(&g, &f, sizeof(f));
	}
	n = unhex(body, sizeof(body), "0005 0002 01000000 0008 0003 12340800");
	assert_int_equal(decode_ct(body, n, &f, NULL), 0);
	assert_int_equal(f.orig.l4.icmp.id, 0x1234);
	assert_int_equal(f.orig.l4.icmp.type, 8);
	assert_int_equal(f.orig.l4.icmp.code, 0);
	/* nothing but a mark: no tuple, so nothing to send back */
	n = unhex(body, sizeof(body), "0008 0007 00000001");
	assert_int_equal(decode_ct(body, n, &f, NULL), 0);
	assert_false(ctf_flow_has(&f, CTF_FLOW_A_ORIG));
	assert_int_equal(ctf_sync_ct_encode(again, sizeof(again), &f, NULL, NULL), -EINVAL);
}

/* Every prefix of a full body, flush against the guard page: no read past the end. */
static void test_syncwire_ct_decode_truncated(void **state)
{
	uint8_t body[CTF_SYNC_BODY_MAX];
	struct ctf_sync_ct_opts opts = { .wscale = true };
	struct ctf_flow f;
	size_t len;
	int n, r;

	(void)state;
	mk_big(&f);
	n = ctf_sync_ct_encode(body, sizeof(body), &f, &opts, NULL);
	assert_true(n > 0);
	for (len = 0; len <= (size_t)n; len++) {
		r = decode_ct(body, len, &f, NULL);
		assert_true(r == 0 || r == -EBADMSG);
		r = ctf_sync_exp_decode(guarded(body, len), len, &(struct ctf_exp){ 0 }, NULL);
		assert_true(r == 0 || r == -EBADMSG);
	}
}

/* ---- the reply tuple of a commit ---- */

static void test_syncwire_reply_from_nat(void **state)
{
	static const struct {
		uint8_t proto, type, reply;
	} icmp[] = {
		{ IPPROTO_ICMP, 8, 0 },	      { IPPROTO_ICMP, 0, 8 },
		{ IPPROTO_ICMP, 13, 14 },     { IPPROTO_ICMP, 14, 13 },
		{ IPPROTO_ICMP, 15, 16 },     { IPPROTO_ICMP, 16, 15 },
		{ IPPROTO_ICMP, 17, 18 },     { IPPROTO_ICMP, 18, 17 },
		{ IPPROTO_ICMP, 3, 3 },	      { IPPROTO_ICMPV6, 128, 129 },
		{ IPPROTO_ICMPV6, 129, 128 }, { IPPROTO_ICMPV6, 139, 140 },
		{ IPPROTO_ICMPV6, 140, 139 }, { IPPROTO_ICMPV6, 8, 8 },
	};
	struct ctf_flow f;
	struct ctf_tuple r, want;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(icmp); i++) {
		mk_icmp(&f);
		f.orig.l4proto = icmp[i].proto;
		f.orig.l4.icmp.type = icmp[i].type;
		f.orig.l4.icmp.code = 5;
		ctf_sync_reply_from_nat(&f, &r);
		assert_int_equal(r.l4.icmp.type, icmp[i].reply);
		assert_int_equal(r.l4.icmp.code, 5);
		assert_int_equal(r.l4.icmp.id, 0x1234);
		assert_int_equal(r.flags, f.orig.flags);
		assert_memory_equal(&r.src, &f.orig.dst, sizeof(r.src));
	}
	/* SNAT moves the reply's destination, DNAT its source; the zone goes along */
	mk_tcp(&f);
	f.orig.zone = 9;
	f.orig.flags |= CTF_TUPLE_F_ZONE;
	set_nat(&f, true, AF_INET, "198.51.100.1", 30012);
	set_nat(&f, false, AF_INET, "198.51.100.60", 8080);
	ctf_sync_reply_from_nat(&f, &r);
	tuple4(&want, "198.51.100.60", "198.51.100.1", IPPROTO_TCP, 8080, 30012);
	want.zone = 9;
	want.flags |= CTF_TUPLE_F_ZONE;
	assert_memory_equal(&r, &want, sizeof(r));
	/* no NAT: just the inverse */
	mk_udp6(&f);
	ctf_sync_reply_from_nat(&f, &r);
	assert_memory_equal(&r.src, &f.orig.dst, sizeof(r.src));
	assert_memory_equal(&r.dst, &f.orig.src, sizeof(r.dst));
	assert_int_equal(r.l4.port.sport, 53);
	assert_int_equal(r.l4.port.dport, 20009);
	assert_int_equal(r.l3num, AF_INET6);
}

/* ---- expectations ---- */

/* An expectation as ctf_sync_exp_decode() returns it. */
static void exp_ftp(struct ctf_exp *e)
{
	memset(e, 0, sizeof(*e));
	tuple4(&e->master, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, 40000, 21);
	tuple4(&e->tuple, "10.0.0.2", "10.0.0.1", IPPROTO_TCP, 0, 2121);
	tuple4(&e->mask, "255.255.255.255", "255.255.255.255", IPPROTO_TCP, 0, 0xffff);
	tuple4(&e->nat.tuple, "192.0.2.1", "192.0.2.1", IPPROTO_TCP, 5000, 0);
	e->family = AF_INET;
	e->nat.dir = 1;
	e->timeout = 300;
	e->flags = CTF_EXP_F_PERMANENT | CTF_EXP_F_USERSPACE;
	e->class = 2;
	strcpy(e->helper, "ftp");
	strcpy(e->fn, "nat-follow-master");
	e->set = CTF_EXP_BIT(CTF_EXP_A_MASTER) | CTF_EXP_BIT(CTF_EXP_A_TUPLE) |
		 CTF_EXP_BIT(CTF_EXP_A_MASK) | CTF_EXP_BIT(CTF_EXP_A_NAT) |
		 CTF_EXP_BIT(CTF_EXP_A_TIMEOUT) | CTF_EXP_BIT(CTF_EXP_A_FLAGS) |
		 CTF_EXP_BIT(CTF_EXP_A_CLASS) | CTF_EXP_BIT(CTF_EXP_A_HELPER) |
		 CTF_EXP_BIT(CTF_EXP_A_FN);
}

static void exp_v6(struct ctf_exp *e)
{
	memset(e, 0, sizeof(*e));
	tuple_addr(&e->master, AF_INET6, "2001:db8::1", "2001:db8::2");
	tuple_addr(&e->tuple, AF_INET6, "2001:db8::2", "2001:db8::1");
	tuple_addr(&e->mask, AF_INET6, "ffff::", "ffff::ffff");
	e->master.l4proto = e->tuple.l4proto = e->mask.l4proto = IPPROTO_UDP;
	e->master.flags |= CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	e->tuple.flags |= CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	e->mask.flags |= CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	e->master.l4.port.dport = 69;
	e->tuple.l4.port.sport = 69;
	e->family = AF_INET6;
	e->set = CTF_EXP_BIT(CTF_EXP_A_MASTER) | CTF_EXP_BIT(CTF_EXP_A_TUPLE) |
		 CTF_EXP_BIT(CTF_EXP_A_MASK) | CTF_EXP_BIT(CTF_EXP_A_FLAGS);
}

/* a master with no ports (GRE): no port groups anywhere */
static void exp_gre(struct ctf_exp *e)
{
	memset(e, 0, sizeof(*e));
	tuple_addr(&e->master, AF_INET, "10.0.0.1", "10.0.0.2");
	e->master.l4proto = IPPROTO_GRE;
	e->master.flags |= CTF_TUPLE_F_PROTO;
	e->family = AF_INET;
	e->set = CTF_EXP_BIT(CTF_EXP_A_MASTER) | CTF_EXP_BIT(CTF_EXP_A_FLAGS);
}

static void test_syncwire_exp_roundtrip(void **state)
{
	static const struct {
		void (*make)(struct ctf_exp *e);
		uint8_t ids[24];
	} cases[] = {
		{ exp_ftp,
		  { 0, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15, 17, 16, 18, 19, 20, END } },
		{ exp_v6, { 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, END } },
		{ exp_gre, { 0, 2, 13, END } },
	};
	uint8_t body[CTF_SYNC_BODY_MAX], again[CTF_SYNC_BODY_MAX], ids[32];
	struct ctf_exp e, got;
	unsigned int unknown;
	size_t i, k;
	int n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cases[i].make(&e);
		n = ctf_sync_exp_encode(body, sizeof(body), &e);
		assert_true(n > 0);
		attr_ids(body, (size_t)n, ids, sizeof(ids));
		for (k = 0; ids[k] != END || cases[i].ids[k] != END; k++)
			if (ids[k] != cases[i].ids[k])
				fail_msg("case %zu: attribute %zu is %u, want %u", i, k, ids[k],
					 cases[i].ids[k]);
		assert_int_equal(decode_exp(body, (size_t)n, &got, &unknown), 0);
		assert_int_equal(unknown, 0);
		assert_memory_equal(&got, &e, sizeof(e));
		assert_int_equal(ctf_sync_exp_encode(again, sizeof(again), &got), n);
		assert_memory_equal(again, body, (size_t)n);
	}
}

static void test_syncwire_exp_limits(void **state)
{
	uint8_t body[CTF_SYNC_BODY_MAX];
	struct ctf_exp e, got;
	int full, n;
	size_t len;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(ctf_sync_exp_encode(body, sizeof(body), &e), -EINVAL);
	exp_ftp(&e);
	full = ctf_sync_exp_encode(body, sizeof(body), &e);
	for (len = 0; len < (size_t)full; len++)
		assert_int_equal(ctf_sync_exp_encode(body, len, &e), -EMSGSIZE);
	/* a 1.4.7 receiver takes nta_len <= 16 for the helper, <= 32 for the function */
	memset(e.helper, 'h', 12);
	memset(e.fn, 'f', 28);
	n = ctf_sync_exp_encode(body, sizeof(body), &e);
	assert_int_equal(n, full - 8 - 24);
	memset(e.helper, 'h', 11);
	e.helper[11] = 0;
	memset(e.fn, 0, sizeof(e.fn));
	memset(e.fn, 'f', 27);
	n = ctf_sync_exp_encode(body, sizeof(body), &e);
	assert_int_equal(n, full - 8 - 24 + 16 + 32);
	assert_int_equal(decode_exp(body, (size_t)n, &got, NULL), 0);
	assert_string_equal(got.helper, e.helper);
	assert_string_equal(got.fn, e.fn);
}

static void test_syncwire_exp_decode_malformed(void **state)
{
	static const struct {
		const char *name, *hex;
		int ret;
		unsigned int unknown;
	} cases[] = {
		{ "id 21 skipped", "0008 0015 00000000", 0, 1 },
		{ "fn nta_len 32",
		  "0020 0014 61616161 61616161 61616161 61616161 61616161 61616161 "
		  "61616100",
		  0, 0 },
		{ "fn nta_len 33",
		  "0021 0014 61616161 61616161 61616161 61616161 61616161 61616161 "
		  "61616161 00000000",
		  -EBADMSG, 0 },
		{ "helper nta_len 17", "0011 0013 61616161 61616161 61616161 61616161 00000000",
		  -EBADMSG, 0 },
		{ "flags too short", "0007 000d 000000 00", -EBADMSG, 0 },
		{ "nat ipv4 too long", "000d 000f 00000000 00000000 00000000", -EBADMSG, 0 },
		{ "nta_len 2", "0002 0000 00000000", -EBADMSG, 0 },
		{ "nta_len past the end", "0008 000c 0000", -EBADMSG, 0 },
	};
	uint8_t body[64];
	struct ctf_exp e;
	unsigned int unknown;
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = unhex(body, sizeof(body), cases[i].hex);
		unknown = 99;
		r = decode_exp(body, n, &e, &unknown);
		if (r != cases[i].ret || (r == 0 && unknown != cases[i].unknown))
			fail_msg("%s: %d, %u unknown", cases[i].name, r, unknown);
	}
	/* no master protocol with ports: port attributes say nothing */
	n = unhex(body, sizeof(body), "0008 0007 00010002 0008 000d 00000000");
	assert_int_equal(decode_exp(body, n, &e, NULL), 0);
	assert_int_equal(e.set, CTF_EXP_BIT(CTF_EXP_A_FLAGS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syncwire_hdr),
		cmocka_unit_test(test_syncwire_split),
		cmocka_unit_test(test_syncwire_split_fields),
		cmocka_unit_test(test_syncwire_split_stream_pieces),
		cmocka_unit_test(test_syncwire_readme_ct_new),
		cmocka_unit_test(test_syncwire_ct_roundtrip),
		cmocka_unit_test(test_syncwire_ct_quirk_bytes),
		cmocka_unit_test(test_syncwire_ct_options),
		cmocka_unit_test(test_syncwire_ct_helper_limit),
		cmocka_unit_test(test_syncwire_ct_from_kernel),
		cmocka_unit_test(test_syncwire_ct_icmp_nat_quirk),
		cmocka_unit_test(test_syncwire_ct_encode_errors),
		cmocka_unit_test(test_syncwire_ct_decode_malformed),
		cmocka_unit_test(test_syncwire_ct_decode_sizes),
		cmocka_unit_test(test_syncwire_ct_decode_labels),
		cmocka_unit_test(test_syncwire_ct_decode_normalised),
		cmocka_unit_test(test_syncwire_ct_decode_truncated),
		cmocka_unit_test(test_syncwire_reply_from_nat),
		cmocka_unit_test(test_syncwire_exp_roundtrip),
		cmocka_unit_test(test_syncwire_exp_limits),
		cmocka_unit_test(test_syncwire_exp_decode_malformed),
	};

	return cmocka_run_group_tests_name("syncwire", tests, ctf_guard_page_setup,
					   ctf_guard_page_teardown);
}
