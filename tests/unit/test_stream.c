// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the record stream: the flow.proto codec (every field, both
 * families, the varint framing and its errors), the exporter thread (all
 * records written in order, drained at stop, rotation by size and time with
 * Keep, reopen, ring drops and write errors marked by GAP records, a torn
 * file repaired at open) and the reader's text and JSON formats.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <ctflow/ring.h>
#include <stream/stream.h>

#include "records.h"

#define WAIT_MS 10000 /* bound on every wait for the exporter thread */

/* ---- helpers ---- */

static void addr(uint8_t family, const char *s, union ctf_addr *a)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(family, s, a->raw), 1);
}

/* The shared sample flows (tests/lib/records.h) with every field this codec carries set. */
static void tcp4(struct ctf_record *r, uint32_t id)
{
	sample_tcp4(r, id);
	r->mark = 0xdeadbeef;
	r->orig.l3num = r->reply.l3num = AF_INET;
	r->orig.l4proto = r->reply.l4proto = IPPROTO_TCP;
	r->labels[15] = 0x80;
	r->seq = 42;
}

static void udp6(struct ctf_record *r)
{
	sample_udp6(r);
	r->start_ns = 1;
	r->end_ns = 2;
	r->export_ns = 3;
	r->seq = UINT64_C(0x100000005); /* sequence_num keeps the low 32 bits */
	r->reader = 65535;
}

static void icmp4(struct ctf_record *r)
{
	sample_icmp4(r);
	r->orig.l4.icmp.code = 0;
	r->reply.l4.icmp.type = 0;
	r->seq = 1;
}

static void icmp6(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_EVICTED;
	r->family = AF_INET6;
	r->l4proto = IPPROTO_ICMPV6;
	addr(AF_INET6, "::1", &r->orig.src);
	addr(AF_INET6, "fe80::1", &r->orig.dst);
	addr(AF_INET6, "fe80::1", &r->reply.src);
	addr(AF_INET6, "::1", &r->reply.dst);
	r->orig.l4.icmp.type = 128;
	r->orig.l4.icmp.code = 3;
	r->orig.l4.icmp.id = 77;
	r->reply.l4.icmp.id = 77;
	r->seq = 2;
}

static void gre4(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_RESYNC_END;
	r->family = AF_INET;
	r->l4proto = IPPROTO_GRE;
	addr(AF_INET, "10.0.0.1", &r->orig.src);
	addr(AF_INET, "10.0.0.2", &r->orig.dst);
	addr(AF_INET, "10.0.0.2", &r->reply.src);
	addr(AF_INET, "10.0.0.1", &r->reply.dst);
	r->orig.l4.gre.skey = 11;
	r->orig.l4.gre.dkey = 22;
	r->reply.l4.gre.skey = 22;
	r->reply.l4.gre.dkey = 11;
	r->seq = 3;
}

static void gap(struct ctf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_GAP;
	r->reader = 3;
	r->lost_events = 123456;
	r->export_ns = r->start_ns = r->end_ns = 99;
	r->seq = 4;
}

static void check_tuple(const struct ctf_record *a, const struct ctf_tuple *x,
			const struct ctf_tuple *y, bool orig)
{
	size_t alen = a->family == AF_INET6 ? 16 : 4;

	if (!a->family) {
		assert_int_equal(y->flags & (CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST), 0);
		return;
	}
	assert_int_equal(y->flags & (CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST),
			 CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST);
	assert_memory_equal(x->src.raw, y->src.raw, alen);
	assert_memory_equal(x->dst.raw, y->dst.raw, alen);
	assert_int_equal(y->l3num, a->family);
	assert_int_equal(y->l4proto, a->l4proto);
	if (a->l4proto == IPPROTO_ICMP || a->l4proto == IPPROTO_ICMPV6) {
		/* The reply direction's type is not sent: it follows from the original's. */
		if (orig) {
			assert_int_equal(x->l4.icmp.type, y->l4.icmp.type);
			assert_int_equal(x->l4.icmp.code, y->l4.icmp.code);
		}
		assert_int_equal(x->l4.icmp.id, y->l4.icmp.id);
	} else {
		assert_int_equal(x->l4.port.sport, y->l4.port.sport);
		assert_int_equal(x->l4.port.dport, y->l4.port.dport);
	}
}

static void check_same(const struct ctf_record *a, const struct ctf_record *b)
{
	assert_int_equal(a->reason, b->reason);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->l4proto, b->l4proto);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->zone, b->zone);
	assert_int_equal(a->reader, b->reader);
	assert_int_equal(a->ct_id, b->ct_id);
	assert_int_equal(a->mark, b->mark);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->netns, b->netns);
	check_tuple(a, &a->orig, &b->orig, true);
	check_tuple(a, &a->reply, &b->reply, false);
	assert_int_equal(a->start_ns, b->start_ns);
	assert_int_equal(a->end_ns, b->end_ns);
	assert_int_equal(a->export_ns, b->export_ns);
	assert_memory_equal(a->total, b->total, sizeof(a->total));
	assert_memory_equal(a->delta, b->delta, sizeof(a->delta));
	assert_memory_equal(a->labels, b->labels, sizeof(a->labels));
	assert_int_equal(a->lost_events, b->lost_events);
	assert_int_equal(a->seq, b->seq);
}

/* Whether the encoded message holds field 6 (src_addr) as exactly @len bytes equal to @a. */
static bool has_src_addr(const uint8_t *msg, size_t n, const union ctf_addr *a, size_t len)
{
	uint8_t want[18] = { 0x32, (uint8_t)len };

	memcpy(want + 2, a->raw, len);
	return memmem(msg, n, want, len + 2) != NULL;
}

/* ---- codec ---- */

struct codec_case {
	const char *name;
	void (*make)(struct ctf_record *r);
	const char *state;
};

static void tcp4_default(struct ctf_record *r)
{
	tcp4(r, 0xfeedf00d);
}

static const struct codec_case codec_cases[] = {
	{ "tcp4", tcp4_default, "TIME_WAIT" },
	{ "udp6", udp6, "" },
	{ "icmp4", icmp4, "" },
	{ "icmp6", icmp6, "" },
	{ "gre4", gre4, "" },
	{ "gap", gap, "" },
};

static void test_stream_codec_roundtrip(void **state)
{
	struct ctf_stream_meta meta = { .hostname = "node-1.example", .netns = "blue" };
	uint8_t buf[CTF_STREAM_RECORD_MAX];

	addr(AF_INET6, "2001:db8::99", &meta.sampler_addr);
	meta.sampler_family = AF_INET6;
	for (size_t i = 0; i < sizeof(codec_cases) / sizeof(codec_cases[0]); i++) {
		const struct codec_case *c = &codec_cases[i];
		struct ctf_stream_decoded d;
		struct ctf_record r;
		size_t hdr = 0, need = 0;
		int n;

		print_message("case %s\n", c->name);
		c->make(&r);
		n = ctf_stream_encode(&r, &meta, buf, sizeof(buf));
		assert_true(n > 0 && n <= CTF_STREAM_RECORD_MAX);
		assert_int_equal(ctf_stream_frame(buf, (size_t)n, &hdr, &need), n);
		assert_int_equal(ctf_stream_decode(buf + hdr, (size_t)n - hdr, &d), 0);
		check_same(&r, &d.rec);
		assert_int_equal(d.type, 100);
		assert_string_equal(d.hostname, "node-1.example");
		assert_string_equal(d.netns, "blue");
		assert_string_equal(d.state_name, c->state);
		assert_int_equal(d.sampler_family, AF_INET6);
		assert_memory_equal(d.sampler_addr.raw, meta.sampler_addr.raw, 16);
		assert_int_equal(d.gap_source, r.reason == CTF_REASON_GAP ? CTF_GAP_NETLINK : 0);
		if (r.family)
			assert_true(has_src_addr(buf + hdr, (size_t)n - hdr, &r.orig.src,
						 r.family == AF_INET ? 4 : 16));
	}
}

/* Without meta nothing of it is sent; labels all zero are not sent either. */
static void test_stream_codec_minimal(void **state)
{
	struct ctf_stream_decoded d;
	struct ctf_record r;
	uint8_t buf[CTF_STREAM_RECORD_MAX];
	size_t hdr = 0;
	int n;

	icmp4(&r);
	n = ctf_stream_encode(&r, NULL, buf, sizeof(buf));
	assert_true(n > 0 && n < 128);
	assert_int_equal(ctf_stream_frame(buf, (size_t)n, &hdr, NULL), n);
	assert_int_equal(hdr, 1);
	assert_int_equal(buf[0], n - 1);
	assert_null(memmem(buf, (size_t)n, "\xea\x3e", 2)); /* field 1005 (labels) tag */
	assert_int_equal(ctf_stream_decode(buf + 1, (size_t)n - 1, &d), 0);
	assert_string_equal(d.hostname, "");
	assert_int_equal(d.sampler_family, 0);
	check_same(&r, &d.rec);
	/* Too small a buffer says so, and so does one a byte short. */
	assert_int_equal(ctf_stream_encode(&r, NULL, buf, 4), -EMSGSIZE);
	assert_int_equal(ctf_stream_encode(&r, NULL, buf, (size_t)n - 1), -EMSGSIZE);
	assert_int_equal(ctf_stream_encode(&r, NULL, buf, (size_t)n), n);
}

/* Long names make the message longer than 127 bytes: a two-byte prefix; names are cut. */
static void test_stream_codec_prefix(void **state)
{
	char host[400];
	struct ctf_stream_meta meta = { .hostname = host };
	struct ctf_stream_decoded d;
	struct ctf_record r;
	uint8_t buf[CTF_STREAM_RECORD_MAX];
	size_t hdr = 0, len;
	int n;

	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	tcp4(&r, 1);
	n = ctf_stream_encode(&r, &meta, buf, sizeof(buf));
	assert_true(n > 128);
	assert_int_equal(ctf_stream_frame(buf, (size_t)n, &hdr, NULL), n);
	assert_int_equal(hdr, 2);
	len = (size_t)(buf[0] & 0x7f) | (size_t)buf[1] << 7;
	assert_int_equal(len, (size_t)n - 2);
	assert_int_equal(ctf_stream_decode(buf + 2, len, &d), 0);
	assert_int_equal(strlen(d.hostname), CTF_STREAM_STR_MAX);
	assert_int_equal(d.hostname[0], 'h');
}

/* Every field at its largest still fits CTF_STREAM_RECORD_MAX; both encoder paths agree. */
static void test_stream_codec_largest(void **state)
{
	char name[400];
	struct ctf_stream_meta meta = { .hostname = name, .netns = name, .gap_source = 3 };
	uint8_t big[CTF_STREAM_RECORD_MAX], exact[CTF_STREAM_RECORD_MAX];
	struct ctf_stream_decoded d;
	struct ctf_record r;
	size_t hdr = 0;
	int n;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memset(&r, 0xff, sizeof(r));
	r.family = AF_INET6;
	r.l4proto = IPPROTO_TCP;
	r.reason = CTF_REASON_START;
	r.state = 3;
	meta.sampler_family = AF_INET6;
	memset(meta.sampler_addr.raw, 0xff, 16);
	n = ctf_stream_encode(&r, &meta, big, sizeof(big));
	assert_true(n > 800 && n <= CTF_STREAM_RECORD_MAX);
	assert_int_equal(ctf_stream_frame(big, (size_t)n, &hdr, NULL), n);
	assert_int_equal(ctf_stream_decode(big + hdr, (size_t)n - hdr, &d), 0);
	assert_int_equal(d.rec.total[1].bytes, UINT64_MAX);
	assert_int_equal(d.rec.seq, UINT64_MAX);
	/* The one-pass path (room for the largest record) and the exact-size path agree. */
	assert_int_equal(ctf_stream_encode(&r, &meta, exact, (size_t)n), n);
	assert_memory_equal(big, exact, (size_t)n);
	icmp4(&r);
	n = ctf_stream_encode(&r, NULL, big, sizeof(big));
	assert_true(n < 128);
	assert_int_equal(ctf_stream_encode(&r, NULL, exact, (size_t)n), n);
	assert_memory_equal(big, exact, (size_t)n);
}

static void test_stream_frame_errors(void **state)
{
	static const struct {
		const char *name;
		uint8_t bytes[16];
		size_t len;
		int ret;
		size_t hdr, need;
	} cases[] = {
		{ "empty", { 0 }, 0, 0, 0, 0 },
		{ "prefix cut", { 0x80 }, 1, 0, 0, 0 },
		{ "message cut", { 0x05, 1, 2 }, 3, 0, 1, 6 },
		{ "two-byte prefix, cut", { 0x81, 0x01, 1 }, 3, 0, 2, 131 },
		{ "complete", { 0x02, 0x08, 0x64 }, 3, 3, 1, 0 },
		{ "complete with more behind", { 0x01, 0x08, 0x01, 0x08 }, 4, 2, 1, 0 },
		{ "zero length (a hole)", { 0x00, 0x00 }, 2, -EBADMSG, 0, 0 },
		{ "over the maximum", { 0x81, 0x80, 0x04 }, 3, -EBADMSG, 0, 0 },
		{ "eleven-byte varint",
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 },
		  11,
		  -EBADMSG,
		  0,
		  0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t hdr = 0, need = 0;

		print_message("case %s\n", cases[i].name);
		assert_int_equal(ctf_stream_frame(cases[i].bytes, cases[i].len, &hdr, &need),
				 cases[i].ret);
		if (cases[i].ret >= 0) {
			assert_int_equal(hdr, cases[i].hdr);
			assert_int_equal(need, cases[i].need);
		}
	}
}

static void test_stream_decode_errors(void **state)
{
	/* etype 0x800 (tag 30: f0 01, value 80 10) with a 16-byte src_addr */
	uint8_t v4_long[21] = { 0xf0, 0x01, 0x80, 0x10, 0x32, 0x10 };
	/* etype 0x86dd with a 4-byte src_addr */
	uint8_t v6_short[11] = { 0xf0, 0x01, 0xdd, 0x8d, 0x02, 0x32, 0x04, 1, 2, 3, 4 };
	/* no etype but an address */
	uint8_t no_family[6] = { 0x32, 0x04, 1, 2, 3, 4 };
	/* a length running past the end */
	uint8_t cut[3] = { 0x32, 0x10, 1 };
	struct ctf_stream_decoded d;

	assert_int_equal(ctf_stream_decode(v4_long, sizeof(v4_long), &d), -EBADMSG);
	assert_int_equal(ctf_stream_decode(v6_short, sizeof(v6_short), &d), -EBADMSG);
	assert_int_equal(ctf_stream_decode(no_family, sizeof(no_family), &d), -EBADMSG);
	assert_int_equal(ctf_stream_decode(cut, sizeof(cut), &d), -EBADMSG);
	/* An empty message is a valid (all-default) record. */
	assert_int_equal(ctf_stream_decode("", 0, &d), 0);
	assert_int_equal(d.rec.family, 0);
}

static void test_stream_format(void **state)
{
	struct ctf_stream_meta meta = { .hostname = "a\"b\\c\n", .netns = "blue" };
	uint8_t buf[CTF_STREAM_RECORD_MAX];
	struct ctf_stream_decoded d;
	struct ctf_record r;
	char line[4096];
	size_t hdr;
	int n;

	tcp4(&r, 77);
	n = ctf_stream_encode(&r, &meta, buf, sizeof(buf));
	assert_true(ctf_stream_frame(buf, (size_t)n, &hdr, NULL) == n);
	assert_int_equal(ctf_stream_decode(buf + hdr, (size_t)n - hdr, &d), 0);

	n = ctf_stream_format_text(line, sizeof(line), &d);
	assert_int_equal((size_t)n, strlen(line));
	assert_non_null(strstr(line, "2023-11-14T22:13:22.623456Z END ipv4 tcp TIME_WAIT "
				     "src=10.0.0.1 dst=192.0.2.80 sport=40000 dport=80 "
				     "packets=4 bytes=600 total_packets=10 total_bytes=1500 "
				     "src=10.1.0.80 dst=198.51.100.1 sport=8080 dport=61000 "
				     "packets=3 bytes=4500 total_packets=8 total_bytes=9000000000 "
				     "[ASSURED] mark=3735928559 zone=7 "
				     "labels=0x05000000000000000000000000000080 duration=2.500s "
				     "id=77 cpu=1 netns=blue netns_inode=4026531840"));
	assert_non_null(strstr(line, " seq=42"));

	n = ctf_stream_format_json(line, sizeof(line), &d);
	assert_int_equal((size_t)n, strlen(line));
	assert_int_equal(line[0], '{');
	assert_int_equal(line[n - 1], '}');
	assert_non_null(strstr(line, "\"src_addr\":\"10.0.0.1\""));
	assert_non_null(strstr(line, "\"reply_dst_addr\":\"198.51.100.1\""));
	assert_non_null(strstr(line, "\"reply_total_bytes\":9000000000"));
	assert_non_null(strstr(line, "\"reason\":\"END\""));
	assert_non_null(strstr(line, "\"ct_state_name\":\"TIME_WAIT\""));
	assert_non_null(strstr(line, "\"host_name\":\"a\\\"b\\\\c\\u000a\""));
	assert_non_null(strstr(line, "\"sequence\":42"));

	/* A short buffer is terminated and the needed length returned, as snprintf does. */
	assert_int_equal(ctf_stream_format_json(line, 10, &d), n);
	assert_int_equal(strlen(line), 9);

	/* Records the dump thread made name it instead of a CPU number. */
	d.rec.reader = CTF_RECORD_POLLER;
	n = ctf_stream_format_text(line, sizeof(line), &d);
	assert_int_equal((size_t)n, strlen(line));
	assert_non_null(strstr(line, " id=77 cpu=poller "));
	assert_null(strstr(line, "65535"));
	n = ctf_stream_format_json(line, sizeof(line), &d);
	assert_non_null(strstr(line, "\"reader_cpu\":65535"));
}

/* ---- the exporter thread ---- */

struct fixture {
	char dir[64];
	char path[128];
	struct ctf_ring *rings[2];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/ctf-stream-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/flows.pb", f->dir);
	if (ctf_ring_new(&f->rings[0], 1024) < 0 || ctf_ring_new(&f->rings[1], 1024) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *e;
	DIR *d = opendir(f->dir);

	while (d && (e = readdir(d))) {
		char p[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	ctf_ring_free(f->rings[0]);
	ctf_ring_free(f->rings[1]);
	free(f);
	return 0;
}

/* Everything in a record file, decoded; fails the test on any framing or decoding error. */
struct records {
	struct ctf_stream_decoded *d;
	size_t n;
	size_t bytes;
};

static void read_records(const char *path, struct records *out)
{
	struct stat st;
	uint8_t *buf;
	size_t off = 0, cap = 0;
	int fd = open(path, O_RDONLY);

	memset(out, 0, sizeof(*out));
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	while (off < (size_t)st.st_size) {
		size_t hdr = 0, need = 0;
		int n = ctf_stream_frame(buf + off, (size_t)st.st_size - off, &hdr, &need);

		assert_true(n > 0);
		if (out->n == cap) {
			cap = cap ? cap * 2 : 256;
			out->d = realloc(out->d, cap * sizeof(*out->d));
		}
		assert_int_equal(
			ctf_stream_decode(buf + off + hdr, (size_t)n - hdr, &out->d[out->n]), 0);
		out->n++;
		off += (size_t)n;
	}
	out->bytes = off;
	free(buf);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait (bounded) until the stream reports at least @records written. */
static void wait_written(struct ctf_stream *s, uint64_t records)
{
	struct ctf_stream_stats st;

	for (unsigned int ms = 0; ms < WAIT_MS; ms += 5) {
		ctf_stream_get_stats(s, &st);
		if (st.records >= records)
			return;
		sleep_ms(5);
	}
	fail_msg("stream wrote %llu of %llu records in time", (unsigned long long)st.records,
		 (unsigned long long)records);
}

static void push(struct ctf_ring *ring, uint32_t id, uint16_t reader)
{
	struct ctf_record r;

	tcp4(&r, id);
	r.reader = reader;
	r.reason = (uint8_t)(1 + id % 7);
	if (r.reason == CTF_REASON_GAP)
		r.reason = CTF_REASON_END;
	/* Never offer a full ring a record: it would count a drop (and a GAP record). */
	for (unsigned int ms = 0; ctf_ring_len(ring) >= 1024; ms++) {
		assert_true(ms < WAIT_MS);
		sleep_ms(1);
	}
	assert_true(ctf_ring_push(ring, &r));
}

struct producer {
	struct ctf_ring *ring;
	uint16_t reader;
	uint32_t n;
};

static void *produce(void *p)
{
	struct producer *a = p;

	for (uint32_t i = 1; i <= a->n; i++)
		push(a->ring, i, a->reader);
	return NULL;
}

/* Records from each ring come out in that ring's order, and the sequence counts up by one. */
static void check_order(const struct records *recs, uint32_t per_ring, size_t nrings)
{
	uint32_t next[2] = { 1, 1 };

	for (size_t i = 0; i < recs->n; i++) {
		const struct ctf_record *r = &recs->d[i].rec;

		assert_int_equal(r->seq, i + 1);
		assert_true(r->reader < nrings);
		assert_int_equal(r->ct_id, next[r->reader]);
		next[r->reader]++;
	}
	for (size_t k = 0; k < nrings; k++)
		assert_int_equal(next[k], per_ring + 1);
}

static const struct ctf_stream_config base_cfg = {
	.hostname = "test-host",
	.flush_ms = 20,
};

static void run_writers(struct fixture *f, bool plain)
{
	struct ctf_stream_config cfg = base_cfg;
	struct producer pr[2] = { { f->rings[0], 0, 20000 }, { f->rings[1], 1, 20000 } };
	struct ctf_stream_stats st;
	struct ctf_stream *s;
	struct records recs;
	uint64_t by_reason = 0;
	pthread_t t[2];

	cfg.path = f->path;
	cfg.plain_write = plain;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 2), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, produce, &pr[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	wait_written(s, 40000);
	ctf_stream_get_stats(s, &st);
	assert_int_equal(ctf_stream_stop(s), 0);
	read_records(f->path, &recs);
	assert_int_equal(recs.n, 40000);
	check_order(&recs, 20000, 2);
	assert_int_equal(st.records, 40000);
	assert_int_equal(st.bytes, recs.bytes);
	for (int i = 0; i < 8; i++)
		by_reason += st.records_by_reason[i];
	assert_int_equal(by_reason, 40000);
	assert_int_equal(st.records_by_reason[CTF_REASON_GAP], 0);
	assert_int_equal(st.records_lost + st.write_errors + st.ring_drops, 0);
	assert_true(st.batches > 0 && st.batches < 40000);
	assert_int_equal(st.uring, !plain && st.uring); /* plain never says io_uring */
	assert_string_equal(recs.d[0].hostname, "test-host");
	free(recs.d);
}

static void test_stream_write_uring(void **state)
{
	run_writers(*state, false);
}

static void test_stream_write_plain(void **state)
{
	run_writers(*state, true);
}

/* Records still in the rings when stop is called are all written (flush_ms is far away). */
static void test_stream_stop_drains(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream *s;
	struct records recs;

	cfg.path = f->path;
	cfg.flush_ms = 600000;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 2), 0);
	for (uint32_t i = 1; i <= 1000; i++)
		push(f->rings[i % 2], (i + 1) / 2, (uint16_t)(i % 2));
	assert_int_equal(ctf_stream_stop(s), 0);
	read_records(f->path, &recs);
	assert_int_equal(recs.n, 1000);
	free(recs.d);
}

/* The rotated files of the fixture's path. */
static size_t list_rotated(struct fixture *f, char names[][128], size_t max)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(f->dir);

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "flows.pb.", 9))
			continue;
		assert_true(n < max);
		snprintf(names[n++], 128, "%s/%.60s", f->dir, e->d_name);
	}
	closedir(d);
	return n;
}

static int by_first_seq(const void *a, const void *b)
{
	const struct records *x = a, *y = b;

	return x->d[0].rec.seq < y->d[0].rec.seq ? -1 : 1;
}

/* The files hold seq first..last with no hole, in file order by their first seq. */
static uint64_t check_contiguous(struct records *files, size_t n, uint64_t last)
{
	uint64_t first, next;

	qsort(files, n, sizeof(*files), by_first_seq);
	first = next = files[0].d[0].rec.seq;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < files[i].n; k++)
			assert_int_equal(files[i].d[k].rec.seq, next++);
	assert_int_equal(next - 1, last);
	return first;
}

static void test_stream_rotate_size(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream_stats st;
	struct records files[8];
	struct ctf_stream *s;
	char names[64][128];
	struct stat sb;
	size_t n;

	cfg.path = f->path;
	cfg.rotate_bytes = 4096;
	cfg.keep = 3;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 1), 0);
	for (uint32_t i = 1; i <= 600; i++)
		push(f->rings[0], i, 0);
	wait_written(s, 600);
	ctf_stream_get_stats(s, &st);
	assert_int_equal(ctf_stream_stop(s), 0);

	/* ~150 bytes a record: about 22 files were made, 3 rotated ones are kept. */
	assert_true(st.rotations >= 15);
	assert_int_equal(st.files_removed, st.rotations - 3);
	n = list_rotated(f, names, 64);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(stat(names[i], &sb), 0);
		assert_true(sb.st_size > 0 && sb.st_size <= 4096);
		/* flows.pb.YYYYmmddTHHMMSSZ[.N] */
		assert_int_equal(names[i][strlen(f->dir) + 1 + 9 + 8], 'T');
		read_records(names[i], &files[i]);
	}
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size <= 4096);
	read_records(f->path, &files[n]);
	assert_true(check_contiguous(files, n + 1, 600) > 1);
	for (size_t i = 0; i <= n; i++)
		free(files[i].d);
}

static void test_stream_rotate_time(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream_stats st = { 0 };
	struct records files[8];
	char names[8][128];
	struct ctf_stream *s;
	size_t n;

	cfg.path = f->path;
	cfg.rotate_secs = 1;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 1), 0);
	for (uint32_t i = 1; i <= 10; i++)
		push(f->rings[0], i, 0);
	wait_written(s, 10);
	for (unsigned int ms = 0; !st.rotations; ms += 10) {
		assert_true(ms < WAIT_MS);
		sleep_ms(10);
		ctf_stream_get_stats(s, &st);
	}
	for (uint32_t i = 11; i <= 20; i++)
		push(f->rings[0], i, 0);
	wait_written(s, 20);
	assert_int_equal(ctf_stream_stop(s), 0);
	n = list_rotated(f, names, 7);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++)
		read_records(names[i], &files[i]);
	read_records(f->path, &files[n]);
	assert_int_equal(check_contiguous(files, n + 1, 20), 1);
	for (size_t i = 0; i <= n; i++)
		free(files[i].d);
}

/* logrotate's way: the file is moved, we are told, the next records go to a new file. */
static void test_stream_reopen(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream_stats st = { 0 };
	struct records old, cur;
	struct ctf_stream *s;
	char moved[160];

	cfg.path = f->path;
	snprintf(moved, sizeof(moved), "%s.moved", f->path);
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 1), 0);
	for (uint32_t i = 1; i <= 10; i++)
		push(f->rings[0], i, 0);
	wait_written(s, 10);
	assert_int_equal(rename(f->path, moved), 0);
	ctf_stream_reopen(s);
	for (unsigned int ms = 0; !st.reopens; ms += 5) {
		assert_true(ms < WAIT_MS);
		sleep_ms(5);
		ctf_stream_get_stats(s, &st);
	}
	for (uint32_t i = 11; i <= 30; i++)
		push(f->rings[0], i, 0);
	wait_written(s, 30);
	assert_int_equal(ctf_stream_stop(s), 0);
	read_records(moved, &old);
	read_records(f->path, &cur);
	assert_int_equal(old.n, 10);
	assert_int_equal(cur.n, 20);
	assert_int_equal(old.d[9].rec.seq, 10);
	assert_int_equal(cur.d[0].rec.seq, 11);
	unlink(moved);
	free(old.d);
	free(cur.d);
}

/* Records a full ring refused show up as one GAP record after what the ring held. */
static void test_stream_ring_drops(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream_stats st;
	struct ctf_ring *small;
	struct ctf_stream *s;
	struct records recs;
	struct ctf_record r;

	assert_int_equal(ctf_ring_new(&small, 8), 0);
	for (uint32_t i = 1; i <= 20; i++) {
		tcp4(&r, i);
		(void)ctf_ring_push(small, &r);
	}
	assert_int_equal(ctf_ring_dropped(small), 12);
	cfg.path = f->path;
	assert_int_equal(ctf_stream_start(&s, &cfg, &small, 1), 0);
	wait_written(s, 9);
	ctf_stream_get_stats(s, &st);
	assert_int_equal(ctf_stream_stop(s), 0);
	read_records(f->path, &recs);
	assert_int_equal(recs.n, 9);
	assert_int_equal(recs.d[7].rec.ct_id, 8);
	assert_int_equal(recs.d[8].rec.reason, CTF_REASON_GAP);
	assert_int_equal(recs.d[8].gap_source, CTF_GAP_RING);
	assert_int_equal(recs.d[8].rec.lost_events, 12);
	assert_int_equal(recs.d[8].rec.reader, 0);
	assert_int_equal(recs.d[8].rec.family, 0);
	assert_int_equal(st.ring_drops, 12);
	assert_int_equal(st.records_by_reason[CTF_REASON_GAP], 1);
	free(recs.d);
	ctf_ring_free(small);
}

/*
 * The file size limit makes writes fail (short, then EFBIG): what is in the
 * file is a clean prefix of the stream, every other record is counted lost,
 * and stop reports the error.
 */
static void test_stream_write_errors(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct producer pr = { f->rings[0], 0, 5000 };
	struct rlimit old, lim = { .rlim_cur = 200000 };
	struct ctf_stream_stats st = { 0 };
	struct ctf_stream *s;
	struct records recs;
	struct stat sb;
	pthread_t t;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	cfg.path = f->path;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 1), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
	pthread_join(t, NULL);
	for (unsigned int ms = 0; st.records + st.records_lost < 5000; ms += 5) {
		assert_true(ms < WAIT_MS);
		sleep_ms(5);
		ctf_stream_get_stats(s, &st);
	}
	assert_int_equal(ctf_stream_stop(s), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);

	assert_true(st.write_errors >= 1 && st.records_lost >= 1);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size <= 200000);
	read_records(f->path, &recs); /* every frame complete and decodable: nothing torn */
	assert_int_equal(recs.bytes, (size_t)sb.st_size);
	/*
	 * The file is a clean prefix, then (after the cut back to a failed write) what
	 * still fitted, GAP records among it. Sequence numbers only grow, and the GAP
	 * records account for every missing one, unless the last GAP itself was lost.
	 */
	uint64_t gap_lost = 0, prev = 0, flows = 0;

	for (size_t i = 0; i < recs.n; i++) {
		const struct ctf_stream_decoded *d = &recs.d[i];

		assert_true(d->rec.seq > prev);
		prev = d->rec.seq;
		if (d->rec.reason == CTF_REASON_GAP) {
			assert_int_equal(d->gap_source, CTF_GAP_WRITE);
			gap_lost += d->rec.lost_events;
		} else {
			assert_int_equal(d->rec.ct_id, ++flows); /* flows keep their order */
		}
	}
	assert_true(recs.n < 5000 && gap_lost > 0);
	if (recs.d[recs.n - 1].rec.reason == CTF_REASON_GAP)
		assert_int_equal(gap_lost, prev - recs.n);
	else
		assert_true(gap_lost < prev - recs.n);
	free(recs.d);
}

/* A torn last record (a crash mid-write) is cut off before new records are appended. */
static void test_stream_repair_torn(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	uint8_t buf[4 * CTF_STREAM_RECORD_MAX];
	struct ctf_stream_stats st;
	struct ctf_stream *s;
	struct records recs;
	struct ctf_record r;
	size_t len = 0;
	int fd;

	for (uint32_t i = 1; i <= 4; i++) {
		tcp4(&r, i);
		r.seq = i;
		len += (size_t)ctf_stream_encode(&r, NULL, buf + len, sizeof(buf) - len);
	}
	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, buf, len - 7), (ssize_t)(len - 7));
	close(fd);
	cfg.path = f->path;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 1), 0);
	ctf_stream_get_stats(s, &st);
	push(f->rings[0], 100, 0);
	wait_written(s, 1);
	assert_int_equal(ctf_stream_stop(s), 0);
	assert_true(st.repaired_bytes > 7 && st.repaired_bytes < CTF_STREAM_RECORD_MAX);
	read_records(f->path, &recs);
	assert_int_equal(recs.n, 4);
	assert_int_equal(recs.d[2].rec.ct_id, 3);
	assert_int_equal(recs.d[3].rec.ct_id, 100);
	free(recs.d);
}

/* A file whose framing is broken is moved aside, never appended to. */
static void test_stream_corrupt_renamed(void **state)
{
	struct fixture *f = *state;
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream_stats st;
	struct ctf_stream *s;
	char names[4][128];
	struct stat sb;
	int fd;

	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, "\x02\x08\x64\0\0\0\0", 7), 7);
	close(fd);
	cfg.path = f->path;
	assert_int_equal(ctf_stream_start(&s, &cfg, f->rings, 1), 0);
	ctf_stream_get_stats(s, &st);
	assert_int_equal(ctf_stream_stop(s), 0);
	assert_int_equal(st.rotations, 1);
	assert_int_equal(list_rotated(f, names, 4), 1);
	assert_int_equal(stat(names[0], &sb), 0);
	assert_int_equal(sb.st_size, 7);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
}

static void test_stream_start_errors(void **state)
{
	struct ctf_stream_config cfg = base_cfg;
	struct ctf_stream *s = NULL;

	assert_int_equal(ctf_stream_start(&s, &cfg, NULL, 0), -EINVAL);
	cfg.path = "";
	assert_int_equal(ctf_stream_start(&s, &cfg, NULL, 0), -EINVAL);
	cfg.path = "/nonexistent-ctflow-dir/flows.pb";
	assert_int_equal(ctf_stream_start(&s, &cfg, NULL, 0), -ENOENT);
	cfg.path = "/tmp";
	assert_int_equal(ctf_stream_start(&s, &cfg, NULL, 0), -EISDIR);
	assert_null(s);
	assert_int_equal(ctf_stream_stop(NULL), 0);
}

#define FIXTURE(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_codec_roundtrip),
		cmocka_unit_test(test_stream_codec_minimal),
		cmocka_unit_test(test_stream_codec_prefix),
		cmocka_unit_test(test_stream_codec_largest),
		cmocka_unit_test(test_stream_frame_errors),
		cmocka_unit_test(test_stream_decode_errors),
		cmocka_unit_test(test_stream_format),
		FIXTURE(test_stream_write_uring),
		FIXTURE(test_stream_write_plain),
		FIXTURE(test_stream_stop_drains),
		FIXTURE(test_stream_rotate_size),
		FIXTURE(test_stream_rotate_time),
		FIXTURE(test_stream_reopen),
		FIXTURE(test_stream_ring_drops),
		FIXTURE(test_stream_write_errors),
		FIXTURE(test_stream_repair_torn),
		FIXTURE(test_stream_corrupt_renamed),
		cmocka_unit_test(test_stream_start_errors),
	};

	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
