// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Formatter tests: every recorded fixture (tests/fixtures, *.nl) parsed and
 * formatted in every variant must equal, byte for byte, what conntrack 1.4.7
 * printed for the same messages (the *.<variant>.txt files, see record.sh);
 * plus hand-built cases for the return contract, address and number
 * converters, states, labels, JSON and the event prefixes.
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
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctflow/format.h>
#include <ctflow/labels.h>

#include "checks.h"
#include "fixtures.h"

#define LINE_MAX_ 16384

/* The output variants record.sh produced, as conntrack -o lists. */
static const struct fixture_variant variants[] = {
	{ "default", CTF_FMT_DEFAULT, 0 },
	{ "extended", CTF_FMT_DEFAULT, CTF_FMT_F_EXTENDED },
	{ "xml", CTF_FMT_XML, 0 },
	{ "save", CTF_FMT_SAVE, 0 },
	{ "id", CTF_FMT_DEFAULT, CTF_FMT_F_ID },
	{ "ktimestamp", CTF_FMT_DEFAULT, CTF_FMT_F_KTIMESTAMP },
	{ "labels", CTF_FMT_DEFAULT, CTF_FMT_F_LABELS },
	{ "full", CTF_FMT_DEFAULT,
	  CTF_FMT_F_EXTENDED | CTF_FMT_F_ID | CTF_FMT_F_KTIMESTAMP | CTF_FMT_F_LABELS },
	{ "xmlfull", CTF_FMT_XML, CTF_FMT_F_ID | CTF_FMT_F_KTIMESTAMP | CTF_FMT_F_LABELS },
	{ "timestamp", CTF_FMT_DEFAULT, CTF_FMT_F_TIMESTAMP },
	{ "xmltimestamp", CTF_FMT_XML, CTF_FMT_F_TIMESTAMP },
};

static struct ctf_labelmap *fixture_map(void)
{
	struct ctf_labelmap *map = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/connlabel.conf", fixture_dir());
	assert_int_equal(ctf_labelmap_load(&map, path), 0);
	return map;
}

/*
 * snprintf's contract for every buffer size around the line: the return is
 * always the full length, the buffer holds a NUL-terminated prefix, and not
 * one byte past @len is written.
 */
static void check_contract(const struct ctf_flow *f, const struct ctf_fmt *fmt, const char *line,
			   size_t n)
{
	const size_t lens[] = { 0, 1, 2, 7, n / 2, n - 1, n, n + 1 };
	char buf[LINE_MAX_ + 8];
	size_t i, r;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t l = lens[i] > n + 1 ? n + 1 : lens[i];

		memset(buf, 0x5a, sizeof(buf));
		r = ctf_fmt_flow(l ? buf : NULL, l, f, fmt);
		assert_int_equal(r, n);
		if (l) {
			size_t kept = l - 1 < n ? l - 1 : n;

			assert_memory_equal(buf, line, kept);
			assert_int_equal(buf[kept], '\0');
		}
		assert_int_equal((unsigned char)buf[l], l ? 0x5a : 0x5a);
	}
}

/* Format one message as conntrack would print it (events get the [USERSPACE] suffix). */
static void render_msg(struct sb *out, const struct nlmsghdr *nlh, const struct ctf_fmt *fmt,
		       bool events, bool *header)
{
	char line[LINE_MAX_], tail[64];
	struct ctf_flow f;
	size_t n;

	assert_int_equal(ctf_flow_parse(nlh, &f), 0);
	/* 1.4.7 stamps events with gettimeofday(), pinned to the recording time */
	if (events && (fmt->flags & CTF_FMT_F_TIMESTAMP))
		f.set &= ~CTF_FLOW_BIT(CTF_FLOW_A_TS_EVENT);
	if (!*header) {
		n = ctf_fmt_header(line, sizeof(line), fmt);
		sb_add(out, line, n);
		*header = true;
	}
	n = ctf_fmt_flow(line, sizeof(line), &f, fmt);
	assert_true(n < sizeof(line));
	assert_int_equal(strlen(line), n);
	assert_int_equal(line[n - 1], '\n');
	check_contract(&f, fmt, line, n);
	if (events && nlh->nlmsg_pid) {
		sb_add(out, line, n - 1);
		n = (size_t)snprintf(tail, sizeof(tail), " [USERSPACE] portid=%u\n", nlh->nlmsg_pid);
		sb_add(out, tail, n);
	} else {
		sb_add(out, line, n);
	}
}

/* @ctx: the label map */
static char *render(const struct fixture *fx, const struct fixture_variant *v, void *ctx)
{
	bool events = strstr(fx->name, "-events") != NULL, header = false;
	struct ctf_fmt fmt = {
		.style = v->style,
		.flags = v->flags | (events ? CTF_FMT_F_EVENT : 0),
		.labelmap = ctx,
		.now_ns = fx->now_ns,
		.event_ns = fx->now_ns,
	};
	struct sb out = { 0 };
	char tail[64];
	size_t i, n;

	sb_add(&out, "", 0);
	for (i = 0; i < fx->count; i++)
		render_msg(&out, fx->msgs[i], &fmt, events, &header);
	if (header) {
		n = ctf_fmt_footer(tail, sizeof(tail), &fmt);
		sb_add(&out, tail, n);
	}
	return out.s;
}

static void test_format_fixtures(void **state)
{
	struct ctf_labelmap *map = fixture_map();
	unsigned int compared;

	compared = fixture_replay(fixture_dir(), "", variants,
				  sizeof(variants) / sizeof(variants[0]), false, render, map);
	ctf_labelmap_free(map);
	/* kernel, kernel-events and the synthetic files: a vanished fixture must fail */
	assert_true(compared >= 50);
}

/* ---- hand-built flows ---- */

static struct ctf_flow tcp_flow(void)
{
	struct ctf_flow f = { 0 };

	f.family = AF_INET;
	tuple4(&f.orig, "1.1.1.1", "2.2.2.2", IPPROTO_TCP, 1000, 80);
	tuple4(&f.reply, "2.2.2.2", "1.1.1.1", IPPROTO_TCP, 80, 1000);
	f.status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED;
	f.timeout = 99;
	f.tcp.state = 3;
	f.mark = 5;
	f.use = 1;
	f.id = 7;
	f.set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY) |
		CTF_FLOW_BIT(CTF_FLOW_A_STATUS) | CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) |
		CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_MARK) |
		CTF_FLOW_BIT(CTF_FLOW_A_USE) | CTF_FLOW_BIT(CTF_FLOW_A_ID);
	return f;
}

static char *fmt_line(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	static char line[LINE_MAX_];
	size_t n = ctf_fmt_flow(line, sizeof(line), f, fmt);

	assert_true(n < sizeof(line));
	return line;
}

static void test_format_default_line(void **state)
{
	struct ctf_flow f = tcp_flow();

	assert_string_equal(fmt_line(&f, NULL),
			    "tcp      6 99 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=1000 dport=80 "
			    "src=2.2.2.2 dst=1.1.1.1 sport=80 dport=1000 [ASSURED] mark=5 use=1\n");
}

/* The return contract at every length, including 0 with a NULL buffer, in every style. */
static void test_format_truncation(void **state)
{
	static const enum ctf_fmt_style styles[] = { CTF_FMT_DEFAULT, CTF_FMT_XML, CTF_FMT_SAVE,
						     CTF_FMT_JSON };
	struct ctf_flow f = tcp_flow();
	char full[LINE_MAX_], buf[LINE_MAX_];
	size_t s, n, l;

	f.counters[0].packets = UINT64_MAX;
	ctf_flow_set(&f, CTF_FLOW_A_COUNTERS_ORIG);
	for (s = 0; s < sizeof(styles) / sizeof(styles[0]); s++) {
		struct ctf_fmt fmt = { .style = styles[s], .flags = CTF_FMT_F_ID, .now_ns = 1 };

		n = ctf_fmt_flow(full, sizeof(full), &f, &fmt);
		assert_int_equal(ctf_fmt_flow(NULL, 0, &f, &fmt), n);
		for (l = 1; l <= n + 2; l++) {
			memset(buf, 'X', sizeof(buf));
			assert_int_equal(ctf_fmt_flow(buf, l, &f, &fmt), n);
			assert_memory_equal(buf, full, l - 1 < n ? l - 1 : n);
			assert_int_equal(buf[l - 1 < n ? l - 1 : n], '\0');
			assert_int_equal(buf[l], l > n ? 'X' : 'X');
		}
	}
}

/* Counters at their limits, through the hand-written converter. */
static void test_format_huge_counters(void **state)
{
	static const uint64_t vals[] = { 0, 9, 10, 99, 100, 4294967295ULL, 4294967296ULL,
					 9999999999999999999ULL, UINT64_MAX };
	struct ctf_flow f = tcp_flow();
	char exp[128];
	size_t i;

	ctf_flow_set(&f, CTF_FLOW_A_COUNTERS_ORIG);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		f.counters[0].packets = vals[i];
		f.counters[0].bytes = UINT64_MAX - vals[i];
		snprintf(exp, sizeof(exp), " packets=%" PRIu64 " bytes=%" PRIu64 " ", vals[i],
			 UINT64_MAX - vals[i]);
		assert_non_null(strstr(fmt_line(&f, NULL), exp));
	}
	/* random values against printf */
	srand(1);
	for (i = 0; i < 20000; i++) {
		uint64_t v = ((uint64_t)rand() << 40 ^ (uint64_t)rand() << 20 ^ (uint64_t)rand()) >>
			     (rand() % 64);

		f.counters[0].packets = v;
		snprintf(exp, sizeof(exp), " packets=%" PRIu64 " ", v);
		assert_non_null(strstr(fmt_line(&f, NULL), exp));
	}
}

static void random_v6(uint8_t *a)
{
	int i, kind = rand() % 5;

	for (i = 0; i < 16; i += 2) {
		uint16_t w = rand() % 3 ? 0 : (uint16_t)(rand() % 2 ? rand() : rand() % 16);

		a[i] = (uint8_t)(w >> 8);
		a[i + 1] = (uint8_t)w;
	}
	if (kind == 0) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
	} else if (kind == 1) {
		memset(a, 0, 12);
	} else if (kind == 2) {
		memset(a, 0, 11);
		a[11] = (uint8_t)(rand() % 2 ? 0xff : 0);
	}
}

/* Addresses must equal inet_ntop() and inet_ntoa() byte for byte. */
static void test_format_addresses(void **state)
{
	struct ctf_flow f = tcp_flow();
	struct ctf_fmt fmt = { .style = CTF_FMT_XML };
	char exp[256], tmp[INET6_ADDRSTRLEN];
	int i;

	srand(7);
	f.orig.l3num = f.reply.l3num = f.family = AF_INET6;
	for (i = 0; i < 200000; i++) {
		random_v6(f.orig.src.raw);
		if (i < 65536) { /* every pattern of zero and non-zero words */
			int w;

			for (w = 0; w < 8; w++) {
				f.orig.src.raw[2 * w] = 0;
				f.orig.src.raw[2 * w + 1] = (i >> (w * 2)) & 1 ? (uint8_t)(w + 1) : 0;
			}
		}
		inet_ntop(AF_INET6, f.orig.src.raw, tmp, sizeof(tmp));
		snprintf(exp, sizeof(exp), "<src>%s</src>", tmp);
		assert_non_null(strstr(fmt_line(&f, &fmt), exp));
	}
	f.orig.l3num = f.reply.l3num = f.family = AF_INET;
	for (i = 0; i < 100000; i++) {
		struct in_addr a = { .s_addr = (uint32_t)rand() ^ ((uint32_t)rand() << 16) };

		if (i < 256)
			a.s_addr = htonl((uint32_t)i * 0x01010101U);
		f.orig.src.ip = a.s_addr;
		snprintf(exp, sizeof(exp), "<src>%s</src>", inet_ntoa(a));
		assert_non_null(strstr(fmt_line(&f, &fmt), exp));
	}
}

/* [start=...] equals ctime() without its newline, in the local time zone. */
static void test_format_ctime(void **state)
{
	struct ctf_flow f = tcp_flow();
	struct ctf_fmt fmt = { .flags = CTF_FMT_F_KTIMESTAMP, .now_ns = 1 };
	char exp[128], ct[64];
	time_t t;
	int i;

	ctf_flow_set(&f, CTF_FLOW_A_TS_START);
	srand(3);
	for (i = 0; i < 20000; i++) {
		f.ts_start = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) % (UINT64_MAX / 4);
		if (i < 4)
			f.ts_start = i == 3 ? UINT64_MAX : (uint64_t)i * 999999999ULL;
		t = (time_t)(f.ts_start / 1000000000ULL);
		assert_non_null(ctime_r(&t, ct));
		ct[strlen(ct) - 1] = '\0';
		snprintf(exp, sizeof(exp), " [start=%s] ", ct);
		assert_non_null(strstr(fmt_line(&f, &fmt), exp));
	}
}

struct state_case {
	uint8_t proto;
	uint8_t state;
	const char *text, *xml, *save;
};

/* Text names per protocol, XML always with TCP's table, save "(null)" past the tables. */
static const struct state_case state_cases[] = {
	{ IPPROTO_TCP, 0, "NONE", "NONE", "NONE" },
	{ IPPROTO_TCP, 3, "ESTABLISHED", "ESTABLISHED", "ESTABLISHED" },
	{ IPPROTO_TCP, 9, "SYN_SENT2", "SYN_SENT2", "SYN_SENT2" },
	{ IPPROTO_TCP, 10, "NONE", "NONE", "(null)" },
	{ IPPROTO_TCP, 255, "NONE", "NONE", "(null)" },
	{ IPPROTO_SCTP, 4, "ESTABLISHED", "FIN_WAIT", "ESTABLISHED" },
	{ IPPROTO_SCTP, 7, "SHUTDOWN_ACK_SENT", "TIME_WAIT", "SHUTDOWN_ACK_SENT" },
	{ IPPROTO_SCTP, 8, "HEARTBEAT_SENT", "CLOSE", "(null)" },
	{ IPPROTO_SCTP, 9, "HEARTBEAT_ACKED", "SYN_SENT2", "(null)" },
	{ IPPROTO_SCTP, 200, "NONE", "NONE", "(null)" },
	{ IPPROTO_DCCP, 4, "OPEN", "FIN_WAIT", "OPEN" },
	{ IPPROTO_DCCP, 9, "INVALID", "SYN_SENT2", "INVALID" },
	{ IPPROTO_DCCP, 10, "NONE", "NONE", "(null)" },
};

static void set_state(struct ctf_flow *f, uint8_t proto, uint8_t state)
{
	f->orig.l4proto = f->reply.l4proto = proto;
	f->set &= ~CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE);
	if (proto == IPPROTO_TCP) {
		f->tcp.state = state;
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
	} else if (proto == IPPROTO_SCTP) {
		f->sctp.state = state;
		ctf_flow_set(f, CTF_FLOW_A_SCTP_STATE);
	} else {
		f->dccp.state = state;
		ctf_flow_set(f, CTF_FLOW_A_DCCP_STATE);
	}
}

static void test_format_states(void **state)
{
	struct ctf_fmt xml = { .style = CTF_FMT_XML }, save = { .style = CTF_FMT_SAVE };
	char exp[128];
	size_t i;

	for (i = 0; i < sizeof(state_cases) / sizeof(state_cases[0]); i++) {
		const struct state_case *c = &state_cases[i];
		struct ctf_flow f = tcp_flow();

		set_state(&f, c->proto, c->state);
		snprintf(exp, sizeof(exp), " 99 %s src=", c->text);
		assert_non_null(strstr(fmt_line(&f, NULL), exp));
		snprintf(exp, sizeof(exp), "<state>%s</state>", c->xml);
		if (!strstr(fmt_line(&f, &xml), exp))
			fail_msg("case %zu: %s not in %s", i, exp, fmt_line(&f, &xml));
		snprintf(exp, sizeof(exp), " --state %s", c->save);
		assert_non_null(strstr(fmt_line(&f, &save), exp));
	}
}

static struct ctf_labelmap *test_map(void)
{
	struct ctf_labelmap *map = NULL;
	char path[] = "/tmp/ctf-test-format-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	assert_non_null(fp);
	fputs("0 zero\n2 two\n127 last\n", fp);
	fclose(fp);
	assert_int_equal(ctf_labelmap_load(&map, path), 0);
	unlink(path);
	return map;
}

static void test_format_labels(void **state)
{
	struct ctf_labelmap *map = test_map();
	struct ctf_fmt fmt = { .flags = CTF_FMT_F_LABELS, .labelmap = map };
	struct ctf_fmt json = { .style = CTF_FMT_JSON, .labelmap = map };
	struct ctf_fmt xml = { .style = CTF_FMT_XML, .flags = CTF_FMT_F_LABELS, .labelmap = map };
	struct ctf_flow f = tcp_flow();

	memset(f.labels, 0xff, sizeof(f.labels));
	f.labels_len = CTF_LABELS_LEN;
	ctf_flow_set(&f, CTF_FLOW_A_LABELS);
	assert_non_null(strstr(fmt_line(&f, &fmt), " use=1 labels=zero,two,last\n"));
	assert_non_null(strstr(fmt_line(&f, &xml),
			       "<labels><label>zero</label><label>two</label><label>last</label>"
			       "</labels><use>"));
	/* no map, or no flag: no labels at all (1.4.7 without a map file) */
	fmt.labelmap = NULL;
	assert_null(strstr(fmt_line(&f, &fmt), "labels"));
	fmt.labelmap = map;
	fmt.flags = 0;
	assert_null(strstr(fmt_line(&f, &fmt), "labels"));
	/* only unnamed bits: 1.4.7 trims the '=' and prints "labels" */
	fmt.flags = CTF_FMT_F_LABELS;
	memset(f.labels, 0, sizeof(f.labels));
	f.labels[0] = 0x02;
	f.labels[8] = 0x01;
	assert_non_null(strstr(fmt_line(&f, &fmt), " use=1 labels\n"));
	/* JSON: names where known, bit numbers otherwise, with or without the flag */
	f.labels[0] = 0x03;
	assert_non_null(strstr(fmt_line(&f, &json), ",\"labels\":[\"zero\",1,64]"));
	json.labelmap = NULL;
	assert_non_null(strstr(fmt_line(&f, &json), ",\"labels\":[0,1,64]"));
	ctf_labelmap_free(map);
}

static void test_format_long_strings(void **state)
{
	struct ctf_fmt xml = { .style = CTF_FMT_XML };
	struct ctf_flow f = tcp_flow();
	char exp[CTF_SECCTX_LEN + 64];

	memset(f.secctx, 's', CTF_SECCTX_LEN - 1);
	f.secctx[CTF_SECCTX_LEN - 1] = '\0';
	strcpy(f.helper, "abcdefghijklmno");
	f.set |= CTF_FLOW_BIT(CTF_FLOW_A_SECCTX) | CTF_FLOW_BIT(CTF_FLOW_A_HELPER);
	snprintf(exp, sizeof(exp), " mark=5 secctx=%s helper=abcdefghijklmno use=1\n", f.secctx);
	assert_non_null(strstr(fmt_line(&f, NULL), exp));
	snprintf(exp, sizeof(exp), "<secctx>%s</secctx>", f.secctx);
	assert_non_null(strstr(fmt_line(&f, &xml), exp));
	assert_non_null(strstr(fmt_line(&f, &xml), "<helper>abcdefghijklmno</helper></flow>\n"));
}

/* ---- JSON ---- */

static void assert_json(const char *line)
{
	const char *end;

	if (!json_value_ok(line, false, &end) || strcmp(end, "\n") != 0)
		fail_msg("not one JSON object per line: %s", line);
}

/* Every fixture flow, as an event and not, is one valid JSON object per line. */
static void test_format_json_fixtures(void **state)
{
	struct ctf_labelmap *map = fixture_map();
	char **names = fixture_list(fixture_dir());
	size_t i, m, lines = 0;

	for (i = 0; names[i]; i++) {
		struct fixture fx;

		assert_int_equal(fixture_load(&fx, fixture_dir(), names[i]), 0);
		for (m = 0; m < fx.count; m++) {
			struct ctf_fmt fmt = { .style = CTF_FMT_JSON,
					       .flags = m % 2 ? CTF_FMT_F_EVENT | CTF_FMT_F_TIMESTAMP : 0,
					       .labelmap = map,
					       .now_ns = fx.now_ns,
					       .event_ns = fx.now_ns };
			struct ctf_flow f;
			char *line;

			assert_int_equal(ctf_flow_parse(fx.msgs[m], &f), 0);
			line = fmt_line(&f, &fmt);
			assert_json(line);
			check_contract(&f, &fmt, line, strlen(line));
			lines++;
		}
		fixture_free(&fx);
		free(names[i]);
	}
	free(names);
	ctf_labelmap_free(map);
	assert_true(lines > 1000);
}

static void test_format_json_fields(void **state)
{
	struct ctf_fmt fmt = { .style = CTF_FMT_JSON, .flags = CTF_FMT_F_EVENT | CTF_FMT_F_TIMESTAMP,
			       .now_ns = 3000000000ULL, .event_ns = 1500000000ULL };
	struct ctf_flow f = tcp_flow();

	f.event = CTF_EVENT_DESTROY;
	f.ts_start = 1000000000ULL;
	f.counters[1].bytes = UINT64_MAX;
	f.set |= CTF_FLOW_BIT(CTF_FLOW_A_TS_START) | CTF_FLOW_BIT(CTF_FLOW_A_COUNTERS_REPLY);
	assert_string_equal(
		fmt_line(&f, &fmt),
		"{\"event\":\"destroy\",\"time_ns\":1500000000,\"family\":\"ipv4\",\"l3num\":2,"
		"\"proto\":\"tcp\",\"protonum\":6,"
		"\"orig\":{\"src\":\"1.1.1.1\",\"dst\":\"2.2.2.2\",\"sport\":1000,\"dport\":80},"
		"\"reply\":{\"src\":\"2.2.2.2\",\"dst\":\"1.1.1.1\",\"sport\":80,\"dport\":1000,"
		"\"packets\":0,\"bytes\":18446744073709551615},"
		"\"state\":\"ESTABLISHED\",\"timeout\":99,"
		"\"status\":[\"SEEN_REPLY\",\"ASSURED\",\"CONFIRMED\"],\"status_raw\":14,"
		"\"mark\":5,\"start_ns\":1000000000,\"delta_s\":2,\"use\":1,\"id\":7}\n");
}

static void test_format_json_escaping(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s", "\"q\\\"b\\\\s\"" },
		{ "tab\tnl\nbel\x07", "\"tab\\u0009nl\\u000abel\\u0007\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "bad\xff\xc3(", "\"bad\\u00ff\\u00c3(\"" },
		{ "\xed\xa0\x80surrogate", "\"\\u00ed\\u00a0\\u0080surrogate\"" },
		{ "\xc0\xafoverlong", "\"\\u00c0\\u00afoverlong\"" },
		{ "trunc\xe2\x82", "\"trunc\\u00e2\\u0082\"" },
	};
	struct ctf_fmt fmt = { .style = CTF_FMT_JSON };
	struct ctf_flow f = tcp_flow();
	char exp[128];
	size_t i;

	ctf_flow_set(&f, CTF_FLOW_A_SECCTX);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *line;

		snprintf(f.secctx, sizeof(f.secctx), "%s", cases[i].in);
		snprintf(exp, sizeof(exp), ",\"secctx\":%s,", cases[i].out);
		line = fmt_line(&f, &fmt);
		assert_json(line);
		if (!strstr(line, exp))
			fail_msg("case %zu: %s not in %s", i, exp, line);
	}
}

/* ---- events, save corner cases, header and footer ---- */

static void test_format_event_prefixes(void **state)
{
	static const struct {
		uint8_t event;
		const char *text, *xml, *save;
	} cases[] = {
		{ CTF_EVENT_NEW, "    [NEW] tcp ", "<flow type=\"new\">", "-A -t" },
		{ CTF_EVENT_UPDATE, " [UPDATE] tcp ", "<flow type=\"update\">", "-U -t" },
		{ CTF_EVENT_DESTROY, "[DESTROY] tcp ", "<flow type=\"destroy\">", "-D -t" },
		{ CTF_EVENT_NONE, "tcp ", "<flow>", "-t" },
	};
	struct ctf_flow f = tcp_flow();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctf_fmt t = { .flags = CTF_FMT_F_EVENT };
		struct ctf_fmt x = { .style = CTF_FMT_XML, .flags = CTF_FMT_F_EVENT };
		struct ctf_fmt s = { .style = CTF_FMT_SAVE, .flags = CTF_FMT_F_EVENT };

		f.event = cases[i].event;
		assert_true(strncmp(fmt_line(&f, &t), cases[i].text, strlen(cases[i].text)) == 0);
		assert_true(strncmp(fmt_line(&f, &x), cases[i].xml, strlen(cases[i].xml)) == 0);
		assert_true(strncmp(fmt_line(&f, &s), cases[i].save, strlen(cases[i].save)) == 0);
	}
	/* without CTF_FMT_F_EVENT: no marker, and save says -A as a dump does */
	f.event = CTF_EVENT_DESTROY;
	assert_true(strncmp(fmt_line(&f, &(struct ctf_fmt){ .style = CTF_FMT_SAVE }), "-A -t", 5) ==
		    0);
}

/* "[%-.8ld.%-.6ld]\t": precision pads with zeros; the kernel stamp wins over event_ns. */
static void test_format_event_timestamp(void **state)
{
	struct ctf_fmt fmt = { .flags = CTF_FMT_F_TIMESTAMP | CTF_FMT_F_EVENT,
			       .event_ns = 5000007000ULL };
	struct ctf_fmt xml = { .style = CTF_FMT_XML, .flags = CTF_FMT_F_TIMESTAMP,
			       .event_ns = 1795346176695627000ULL };
	struct ctf_flow f = tcp_flow();

	f.event = CTF_EVENT_NEW;
	assert_true(strncmp(fmt_line(&f, &fmt), "[00000005.000007]\t    [NEW] tcp", 31) == 0);
	f.ts_event = 1795346176695627123ULL;
	ctf_flow_set(&f, CTF_FLOW_A_TS_EVENT);
	assert_true(strncmp(fmt_line(&f, &fmt), "[1795346176.695627]\t    [NEW] ", 30) == 0);
	assert_non_null(strstr(fmt_line(&f, &xml),
			       "</meta><when><hour>11</hour><min>16</min><sec>16</sec><wday>1</wday>"
			       "<day>22</day><month>11</month><year>2026</year></when></flow>\n"));
}

/* Flows without an original tuple: 1.4.7 reprints its previous line; ours is defined. */
static void test_format_noorig(void **state)
{
	static const char *const exp[][3] = {
		{ "unknown  0 120 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000 mark=0 use=1\n",
		  "-A -t 120 -u SEEN_REPLY -r 10.0.0.2 -q 10.0.0.1 -p 0\n", "" },
		{ "unknown  0\n", "-A \n", "" },
		{ "unknown  0 120 mark=0 use=1\n", "-A -t 120 -u SEEN_REPLY \n", "" },
	};
	struct fixture fx;
	size_t i;

	assert_int_equal(fixture_load(&fx, fixture_dir(), "synth-noorig"), 0);
	assert_int_equal(fx.count, 3);
	for (i = 0; i < fx.count; i++) {
		struct ctf_fmt save = { .style = CTF_FMT_SAVE };
		struct ctf_flow f;

		assert_int_equal(ctf_flow_parse(fx.msgs[i], &f), 0);
		assert_string_equal(fmt_line(&f, NULL), exp[i][0]);
		assert_string_equal(fmt_line(&f, &save), exp[i][1]);
	}
	fixture_free(&fx);
}

/* An unsupported family: the caller warns, the line is what 1.4.7 had so far. */
static void test_format_save_unsupported(void **state)
{
	struct ctf_fmt save = { .style = CTF_FMT_SAVE };
	struct ctf_flow f = tcp_flow();

	assert_int_equal(ctf_fmt_save_l3proto(&f), AF_INET);
	f.orig.l3num = f.reply.l3num = 7;
	assert_int_equal(ctf_fmt_save_l3proto(&f), 7);
	assert_string_equal(fmt_line(&f, &save), "-A -t 99 -u SEEN_REPLY,ASSURED \n");
	f.set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY));
	assert_int_equal(ctf_fmt_save_l3proto(&f), 0);
}

/* CTF_FMT_F_NO_TIMEOUT (conntrackd's cache dumps) drops the timeout in every style. */
static void test_format_no_timeout(void **state)
{
	static const struct {
		enum ctf_fmt_style style;
		const char *with, *without;
	} cases[] = {
		{ CTF_FMT_DEFAULT, "tcp      6 99 ESTABLISHED ", "tcp      6 ESTABLISHED " },
		{ CTF_FMT_XML, "<state>ESTABLISHED</state><timeout>99</timeout><mark>",
		  "<state>ESTABLISHED</state><mark>" },
		{ CTF_FMT_SAVE, "-A -t 99 -u SEEN_REPLY,ASSURED -s ", "-A -u SEEN_REPLY,ASSURED -s " },
		{ CTF_FMT_JSON, "\"state\":\"ESTABLISHED\",\"timeout\":99,\"status\"",
		  "\"state\":\"ESTABLISHED\",\"status\"" },
	};
	struct ctf_flow f = tcp_flow();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctf_fmt fmt = { .style = cases[i].style };

		assert_non_null(strstr(fmt_line(&f, &fmt), cases[i].with));
		fmt.flags = CTF_FMT_F_NO_TIMEOUT;
		assert_non_null(strstr(fmt_line(&f, &fmt), cases[i].without));
		assert_null(strstr(fmt_line(&f, &fmt), "99"));
	}
}

static void test_format_header_footer(void **state)
{
	struct ctf_fmt xml = { .style = CTF_FMT_XML }, text = { 0 };
	char buf[128];

	assert_int_equal(ctf_fmt_header(buf, sizeof(buf), &xml), 51);
	assert_string_equal(buf, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n");
	assert_int_equal(ctf_fmt_footer(buf, sizeof(buf), &xml), 13);
	assert_string_equal(buf, "</conntrack>\n");
	assert_int_equal(ctf_fmt_header(buf, 5, &xml), 51);
	assert_string_equal(buf, "<?xm");
	assert_int_equal(ctf_fmt_header(buf, sizeof(buf), &text), 0);
	assert_string_equal(buf, "");
	assert_int_equal(ctf_fmt_footer(NULL, 0, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_fixtures),
		cmocka_unit_test(test_format_default_line),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_format_huge_counters),
		cmocka_unit_test(test_format_addresses),
		cmocka_unit_test(test_format_ctime),
		cmocka_unit_test(test_format_states),
		cmocka_unit_test(test_format_labels),
		cmocka_unit_test(test_format_long_strings),
		cmocka_unit_test(test_format_json_fixtures),
		cmocka_unit_test(test_format_json_fields),
		cmocka_unit_test(test_format_json_escaping),
		cmocka_unit_test(test_format_event_prefixes),
		cmocka_unit_test(test_format_event_timestamp),
		cmocka_unit_test(test_format_noorig),
		cmocka_unit_test(test_format_save_unsupported),
		cmocka_unit_test(test_format_no_timeout),
		cmocka_unit_test(test_format_header_footer),
	};

	/* the fixtures were recorded with TZ=UTC: ktimestamp and <when> are local time */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
