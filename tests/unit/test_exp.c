// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Expectation codec and formatter tests: build/parse round trips of every
 * attribute, malformed and truncated messages parsed flush against a
 * PROT_NONE page, the per-CPU stats, and the recorded fixtures
 * (tests/fixtures/exp: real ftp/tftp/sip helper expectations and hand-built
 * messages) formatted exactly as 1.4.7 printed the very same bytes, in its
 * default, XML and timestamp forms, plus JSON that must be valid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/exp.h>
#include <ctflow/format.h>
#include <ctflow/nl.h>

#include "checks.h"
#include "fixtures.h"

#define BUF_SIZE 8192

/*
 * The first @len bytes of @msg, claiming @len, placed to end at the guard
 * page, or up to 3 bytes before it: netlink messages start 4-aligned.
 */
static const struct nlmsghdr *at_guard(const void *msg, size_t len)
{
	const struct nlmsghdr *nlh = ctf_guard_nlmsg(&ctf_guard_page, msg, len);

	assert_non_null(nlh); /* at most a page */
	return nlh;
}

/* An expectation with every attribute set. */
static void full_exp(struct ctf_exp *e)
{
	memset(e, 0, sizeof(*e));
	tuple4(&e->master, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, 40000, 21);
	tuple4(&e->tuple, "10.0.0.2", "10.0.0.1", IPPROTO_TCP, 0, 2121);
	tuple4(&e->mask, "255.255.255.255", "255.255.255.255", IPPROTO_TCP, 0, 0xffff);
	tuple4(&e->nat.tuple, "192.0.2.1", "192.0.2.1", IPPROTO_TCP, 5000, 0);
	e->nat.dir = 1;
	e->timeout = 300;
	e->id = 0xdeadbeef;
	e->flags = CTF_EXP_F_PERMANENT | CTF_EXP_F_USERSPACE;
	e->class = 2;
	e->zone = 7;
	strcpy(e->helper, "ftp");
	strcpy(e->fn, "nat-follow-master");
	e->set = (1U << (CTF_EXP_A_MAX + 1)) - 1;
}

static struct nlmsghdr *build(char *buf, const struct ctf_exp *e, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = ctf_exp_msg_put(buf, type, flags, AF_INET, 7);

	assert_int_equal(ctf_exp_put(nlh, BUF_SIZE, e), 0);
	return nlh;
}

static void assert_tuple_equal(const struct ctf_tuple *a, const struct ctf_tuple *b)
{
	assert_int_equal(a->l3num, b->l3num);
	assert_int_equal(a->l4proto, b->l4proto);
	assert_memory_equal(&a->src, &b->src, sizeof(a->src));
	assert_memory_equal(&a->dst, &b->dst, sizeof(a->dst));
	assert_int_equal(a->l4.port.sport, b->l4.port.sport);
	assert_int_equal(a->l4.port.dport, b->l4.port.dport);
	assert_int_equal(a->flags, b->flags);
}

static void test_exp_roundtrip(void **state)
{
	char buf[BUF_SIZE];
	struct ctf_exp e, got;
	struct nlmsghdr *nlh;

	(void)state;
	full_exp(&e);
	nlh = build(buf, &e, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE);
	nlh->nlmsg_pid = 1234;
	assert_int_equal(ctf_exp_parse(nlh, &got), 0);
	assert_int_equal(got.set, e.set);
	assert_int_equal(got.family, AF_INET);
	assert_int_equal(got.event, CTF_EVENT_NEW);
	assert_int_equal(got.nl_portid, 1234);
	assert_tuple_equal(&got.master, &e.master);
	assert_tuple_equal(&got.tuple, &e.tuple);
	assert_tuple_equal(&got.mask, &e.mask);
	assert_tuple_equal(&got.nat.tuple, &e.nat.tuple);
	assert_int_equal(got.nat.dir, 1);
	assert_int_equal(got.timeout, 300);
	assert_int_equal(got.id, 0xdeadbeef);
	assert_int_equal(got.flags, e.flags);
	assert_int_equal(got.class, 2);
	assert_int_equal(got.zone, 7);
	assert_string_equal(got.helper, "ftp");
	assert_string_equal(got.fn, "nat-follow-master");
}

static void test_exp_events(void **state)
{
	char buf[BUF_SIZE];
	struct ctf_exp e, got;

	(void)state;
	full_exp(&e);
	assert_int_equal(ctf_exp_parse(build(buf, &e, IPCTNL_MSG_EXP_DELETE, 0), &got), 0);
	assert_int_equal(got.event, CTF_EVENT_DESTROY);
	assert_int_equal(ctf_exp_parse(build(buf, &e, IPCTNL_MSG_EXP_NEW, 0), &got), 0);
	assert_int_equal(got.event, CTF_EVENT_UPDATE);
	/* only what is set goes out */
	e.set = CTF_EXP_BIT(CTF_EXP_A_TUPLE);
	assert_int_equal(ctf_exp_parse(build(buf, &e, IPCTNL_MSG_EXP_DELETE, 0), &got), 0);
	assert_int_equal(got.set, CTF_EXP_BIT(CTF_EXP_A_TUPLE));
	assert_tuple_equal(&got.tuple, &e.tuple);
}

static void test_exp_not_expectation(void **state)
{
	char buf[BUF_SIZE];
	struct ctf_exp e, got;
	struct nlmsghdr *nlh;

	(void)state;
	full_exp(&e);
	nlh = build(buf, &e, IPCTNL_MSG_EXP_GET_STATS_CPU, 0);
	assert_int_equal(ctf_exp_parse(nlh, &got), -EPROTO);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_EXP_NEW;
	assert_int_equal(ctf_exp_parse(nlh, &got), -EPROTO);
}

/* Every truncation of a full message: no crash, no read past its end. */
static void test_exp_truncated(void **state)
{
	char buf[BUF_SIZE];
	struct ctf_exp e, got;
	struct nlmsghdr *nlh;
	size_t len, full;
	int r;

	(void)state;
	full_exp(&e);
	nlh = build(buf, &e, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE);
	full = nlh->nlmsg_len;
	for (len = sizeof(struct nlmsghdr); len <= full; len++) {
		r = ctf_exp_parse(at_guard(nlh, len), &got);
		if (len == full)
			assert_int_equal(r, 0);
		else
			assert_true(r == 0 || r == -EBADMSG);
	}
}

/* A message of one attribute (@type, @len payload bytes of @fill). */
static const struct nlmsghdr *one_attr(char *buf, uint16_t type, size_t len, uint8_t fill)
{
	struct nlmsghdr *nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_NEW, 0, AF_INET, 1);
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memset((char *)a + NLA_HDRLEN, fill, len);
	nlh->nlmsg_len += NLA_ALIGN(a->nla_len);
	return at_guard(nlh, nlh->nlmsg_len);
}

static void test_exp_malformed(void **state)
{
	static const struct {
		uint16_t type;
		size_t len;
		uint8_t fill;
		int want;
	} cases[] = {
		{ CTA_EXPECT_TIMEOUT, 4, 0, 0 },	    { CTA_EXPECT_TIMEOUT, 3, 0, -EBADMSG },
		{ CTA_EXPECT_TIMEOUT, 8, 0, -EBADMSG },	    { CTA_EXPECT_ZONE, 2, 1, 0 },
		{ CTA_EXPECT_ZONE, 4, 1, -EBADMSG },	    { CTA_EXPECT_FLAGS, 1, 1, -EBADMSG },
		{ CTA_EXPECT_HELP_NAME, 4, 'a', -EBADMSG }, /* no NUL */
		{ CTA_EXPECT_HELP_NAME, 0, 0, -EBADMSG },   { CTA_EXPECT_HELP_NAME, 16, 0, 0 },
		{ CTA_EXPECT_HELP_NAME, 17, 0, -EBADMSG },  /* longer than the kernel's */
		{ CTA_EXPECT_FN, 40, 0, -EBADMSG },	    { CTA_EXPECT_TUPLE, 2, 0, -EBADMSG },
		{ CTA_EXPECT_TUPLE, 0, 0, 0 },		    { CTA_EXPECT_NAT, 3, 0, -EBADMSG },
		{ CTA_EXPECT_MAX + 1, 3, 0, 0 }, /* unknown: skipped */
	};
	struct ctf_exp got;
	char buf[BUF_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct nlmsghdr *nlh = one_attr(buf, cases[i].type, cases[i].len, cases[i].fill);

		assert_int_equal(ctf_exp_parse(nlh, &got), cases[i].want);
	}
	/* a nest whose inner attribute overruns it */
	{
		struct nlmsghdr *nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_NEW, 0, AF_INET, 1);
		struct nlattr *n = mnl_attr_nest_start(nlh, CTA_EXPECT_MASTER);

		mnl_attr_put_u32(nlh, CTA_TUPLE_IP, 0);
		((struct nlattr *)mnl_attr_get_payload(n))->nla_len = 64;
		mnl_attr_nest_end(nlh, n);
		assert_int_equal(ctf_exp_parse(at_guard(nlh, nlh->nlmsg_len), &got), -EBADMSG);
	}
}

static void test_exp_put_too_small(void **state)
{
	char buf[BUF_SIZE];
	struct ctf_exp e;
	struct nlmsghdr *nlh;
	size_t room;

	(void)state;
	full_exp(&e);
	nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_NEW, 0, AF_INET, 1);
	assert_int_equal(ctf_exp_put(nlh, BUF_SIZE, &e), 0);
	room = nlh->nlmsg_len;
	for (size_t len = NLMSG_HDRLEN + 4; len < room; len += 3) {
		nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_NEW, 0, AF_INET, 1);
		assert_int_equal(ctf_exp_put(nlh, len, &e), -EMSGSIZE);
		assert_true(nlh->nlmsg_len <= len);
	}
}

static void test_exp_stats(void **state)
{
	char buf[BUF_SIZE];
	struct ctf_exp_cpu_stats s;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	(void)state;
	nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_GET_STATS_CPU, 0, AF_UNSPEC, 1);
	nfg = mnl_nlmsg_get_payload(nlh);
	nfg->res_id = htons(3);
	mnl_attr_put_u32(nlh, CTA_STATS_EXP_NEW, htonl(5));
	mnl_attr_put_u32(nlh, CTA_STATS_EXP_DELETE, htonl(0xffffffff));
	assert_int_equal(ctf_exp_parse_cpu_stats(nlh, &s), 0);
	assert_int_equal(s.cpu, 3);
	assert_int_equal(s.present, (1U << CTF_EXP_STAT_NEW) | (1U << CTF_EXP_STAT_DELETE));
	assert_int_equal(s.value[CTF_EXP_STAT_NEW], 5);
	assert_int_equal(s.value[CTF_EXP_STAT_DELETE], 0xffffffff);
	mnl_attr_put_u16(nlh, CTA_STATS_EXP_CREATE, 1);
	assert_int_equal(ctf_exp_parse_cpu_stats(nlh, &s), -EBADMSG);
}

/* ---- the recorded fixtures against 1.4.7's output ---- */

static const struct fixture_variant variants[] = {
	{ "default", CTF_FMT_DEFAULT, 0 },
	{ "xml", CTF_FMT_XML, 0 },
	{ "timestamp", CTF_FMT_DEFAULT, CTF_FMT_F_TIMESTAMP },
	{ "xmltimestamp", CTF_FMT_XML, CTF_FMT_F_TIMESTAMP },
};

static const char *exp_dir(void)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/exp", fixture_dir());
	return dir;
}

/* What 1.4.7 printed for the fixture: header, lines, footer. */
static char *render(const struct fixture *fx, const struct fixture_variant *v, void *ctx)
{
	bool events = strstr(fx->name, "-events") != NULL, header = false;
	struct ctf_fmt fmt = {
		.style = v->style,
		.flags = v->flags | (events ? CTF_FMT_F_EVENT : 0),
		/* 1.4.7 reads gettimeofday(), pinned by the shim to the recording time */
		.event_ns = fx->now_ns / 1000 * 1000,
	};
	char line[CTF_FMT_LINE_MAX];
	struct sb out = { 0 };
	struct ctf_exp e;
	size_t i, n;

	(void)ctx;
	sb_add(&out, "", 0);
	for (i = 0; i < fx->count; i++) {
		assert_int_equal(ctf_exp_parse(fx->msgs[i], &e), 0);
		if (!header) {
			n = ctf_fmt_exp_header(line, sizeof(line), &fmt);
			sb_add(&out, line, n);
			header = true;
		}
		n = ctf_fmt_exp(line, sizeof(line), &e, &fmt);
		assert_true(n < sizeof(line));
		assert_int_equal(strlen(line), n);
		sb_add(&out, line, n);
	}
	if (header) {
		n = ctf_fmt_exp_footer(line, sizeof(line), &fmt);
		sb_add(&out, line, n);
	}
	return out.s;
}

static void test_exp_fixtures(void **state)
{
	unsigned int compared;

	(void)state;
	compared = fixture_replay(exp_dir(), "exp/", variants,
				  sizeof(variants) / sizeof(variants[0]), true, render, NULL);
	/* kernel, kernel-events, synth, synth-events: a vanished fixture must fail */
	assert_true(compared >= 4 * 4);
}

/* ---- JSON: every fixture message is one valid object ---- */

static void test_exp_json_fixtures(void **state)
{
	char **names = fixture_list(exp_dir());
	struct ctf_fmt fmt = { .style = CTF_FMT_JSON, .flags = CTF_FMT_F_TIMESTAMP };
	char line[CTF_FMT_LINE_MAX];
	size_t i, m;

	(void)state;
	for (i = 0; names[i]; i++) {
		struct fixture fx;

		assert_int_equal(fixture_load(&fx, exp_dir(), names[i]), 0);
		for (m = 0; m < fx.count; m++) {
			struct ctf_exp e;
			const char *end;
			size_t n;

			assert_int_equal(ctf_exp_parse(fx.msgs[m], &e), 0);
			fmt.flags = CTF_FMT_F_TIMESTAMP | (m % 2 ? CTF_FMT_F_EVENT : 0);
			n = ctf_fmt_exp(line, sizeof(line), &e, &fmt);
			assert_true(n < sizeof(line) && line[n - 1] == '\n');
			line[n - 1] = '\0';
			/* compact: not even a space between tokens */
			if (!json_value_ok(line, true, &end) || *end)
				fail_msg("not JSON: %s", line);
			assert_non_null(strstr(line, "\"protonum\":"));
		}
		fixture_free(&fx);
		free(names[i]);
	}
	free(names);
}

/* ctf_fmt_json_str: the escaping -E uses for "progname" (a command name may hold anything). */
static void test_json_str(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(ctf_fmt_json_str(buf, sizeof(buf), "conntrack"), 11);
	assert_string_equal(buf, "\"conntrack\"");
	ctf_fmt_json_str(buf, sizeof(buf), "a\"b\\c\n\x01");
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	ctf_fmt_json_str(buf, sizeof(buf), "caf\xc3\xa9\xff");
	assert_string_equal(buf, "\"caf\xc3\xa9\\u00ff\"");
	/* too small: the length it needs, the buffer NUL-terminated */
	assert_int_equal(ctf_fmt_json_str(buf, 4, "conntrack"), 11);
	assert_int_equal(strlen(buf), 3);
}

/* snprintf's contract: the full length always, a NUL-terminated prefix on truncation. */
static void test_exp_truncated_output(void **state)
{
	struct ctf_fmt fmts[] = { { .style = CTF_FMT_DEFAULT, .flags = CTF_FMT_F_EVENT },
				  { .style = CTF_FMT_XML, .flags = CTF_FMT_F_TIMESTAMP },
				  { .style = CTF_FMT_JSON, .flags = CTF_FMT_F_EVENT } };
	char full[CTF_FMT_LINE_MAX], buf[CTF_FMT_LINE_MAX];
	struct ctf_exp e;
	size_t f, n, len;

	(void)state;
	full_exp(&e);
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		fmts[f].event_ns = 1795350000123456789ULL;
		n = ctf_fmt_exp(full, sizeof(full), &e, &fmts[f]);
		assert_int_equal(strlen(full), n);
		for (len = 0; len <= n + 1; len++) {
			memset(buf, 0x5a, sizeof(buf));
			assert_int_equal(ctf_fmt_exp(len ? buf : NULL, len, &e, &fmts[f]), n);
			if (len) {
				size_t kept = len - 1 < n ? len - 1 : n;

				assert_memory_equal(buf, full, kept);
				assert_int_equal(buf[kept], '\0');
			}
			assert_int_equal((unsigned char)buf[len], 0x5a);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exp_roundtrip),
		cmocka_unit_test(test_exp_events),
		cmocka_unit_test(test_exp_not_expectation),
		cmocka_unit_test(test_exp_truncated),
		cmocka_unit_test(test_exp_malformed),
		cmocka_unit_test(test_exp_put_too_small),
		cmocka_unit_test(test_exp_stats),
		cmocka_unit_test(test_exp_fixtures),
		cmocka_unit_test(test_exp_json_fixtures),
		cmocka_unit_test(test_exp_truncated_output),
		cmocka_unit_test(test_json_str),
	};

	/* the fixtures were recorded with TZ=UTC: <when> is local time */
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests_name("exp", tests, ctf_guard_page_setup,
					   ctf_guard_page_teardown);
}
