// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conntrack CLI's event filters as classic BPF (ctf_filter_build_bpf):
 * for the filters `conntrack -E` builds from real command lines, the program
 * must be accepted by the kernel, and run (ctf_cbpf_run, the kernel's
 * semantics) over event messages of thousands of generated entries it must
 * never drop one the user-space filter keeps. Where every part of the
 * filter compiles, it must also keep nothing more.
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
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/cbpf.h>
#include <ctflow/filter.h>
#include <ctflow/nl.h>

#include "conntrack.h"

static const struct fcase {
	const char *args;
	bool exact; /* every part compiles: the program keeps exactly what match() keeps */
} filters[] = {
	{ "-E", true },
	{ "-E -s 10.0.0.1", true },
	{ "-E -d 10.0.0.2", true },
	{ "-E -s 10.0.0.1 -d 10.0.0.2", true },
	{ "-E -r 10.0.0.2", true },
	{ "-E -q 10.0.0.1", true },
	{ "-E -s 2001:db8::1", true },
	{ "-E -d 2001:db8::2 -p udp", true },
	{ "-E -p tcp", true },
	{ "-E -p udp --sport 53", true },
	{ "-E -p tcp --dport 80", true },
	{ "-E -p tcp --sport 1000 --dport 80 --reply-port-src 80 --reply-port-dst 1000", true },
	{ "-E -p sctp", true },
	{ "-E -p 99", true },
	{ "-E -p tcp --state ESTABLISHED", true },
	{ "-E -p sctp --state COOKIE_WAIT", true },
	{ "-E -f ipv4", true },
	{ "-E -f ipv6", true },
	{ "-E -m 5", true },
	{ "-E -m 0x10/0xf0", true },
	{ "-E -m 0", true },
	{ "-E -s 10.0.0.0/8", true },
	{ "-E -s 10.0.0.0/24 -d 10.0.1.0/24", true },
	{ "-E -s 2001:db8::/32", true },
	{ "-E -s 10.0.0.9 --mask-src 255.255.0.0", true },
	{ "-E -s 10.0.0.1 -p tcp --dport 80 -m 5 -f ipv4", true },
	{ "-E -p icmp --icmp-type 8", false },
	{ "-E -w 3", false },
	{ "-E --orig-zone 2", false },
	{ "-E -n", false },
	{ "-E -g 192.168.0.1", false },
	{ "-E -j", false },
	{ "-E -c 0", false },
	{ "-E -p gre --srckey 1", false },
	{ "-E -s 10.0.0.1 -n -p udp", false },
};

static uint32_t rng = 4711;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 1664525 + 1013904223;
	return (rng >> 8) % n;
}

static void rnd_tuple(struct ctf_tuple *t, uint8_t l3, uint8_t l4, bool reply)
{
	static const char *const v4[] = { "10.0.0.1",	 "10.0.0.2", "10.0.1.7",
					  "192.168.0.1", "10.0.0.9", "10.1.0.9" };
	static const char *const v6[] = { "2001:db8::1", "2001:db8::2", "2001:db9::1", "::1" };
	static const uint16_t ports[] = { 53, 80, 1000, 5, 443 };

	memset(t, 0, sizeof(*t));
	t->l3num = l3;
	t->l4proto = l4;
	if (l3 == AF_INET) {
		inet_pton(AF_INET, v4[rnd(6)], &t->src);
		inet_pton(AF_INET, v4[rnd(6)], &t->dst);
	} else {
		inet_pton(AF_INET6, v6[rnd(4)], &t->src);
		inet_pton(AF_INET6, v6[rnd(4)], &t->dst);
	}
	t->flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO;
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6) {
		t->l4.icmp.type = reply ? 0 : (uint8_t)(rnd(2) ? 8 : 13);
		t->l4.icmp.id = (uint16_t)rnd(3);
		t->flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
	} else if (l4 != 99) {
		t->l4.port.sport = ports[rnd(5)];
		t->l4.port.dport = ports[rnd(5)];
		t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	}
}

/* An event of a random entry, as the kernel sends one; parsed back as we receive it. */
static size_t rnd_event(char *buf, struct ctf_flow *parsed)
{
	static const uint8_t protos[] = { IPPROTO_TCP,	IPPROTO_UDP, IPPROTO_SCTP,
					  IPPROTO_ICMP, 99,	     IPPROTO_GRE };
	uint8_t l3 = rnd(3) ? AF_INET : AF_INET6, l4 = protos[rnd(6)];
	struct nlmsghdr *nlh;
	struct ctf_flow f;

	if (l3 == AF_INET6 && l4 == IPPROTO_ICMP)
		l4 = IPPROTO_ICMPV6;
	memset(&f, 0, sizeof(f));
	f.family = l3;
	rnd_tuple(&f.orig, l3, l4, false);
	rnd_tuple(&f.reply, l3, l4, true);
	if (rnd(2)) { /* the usual entry: the reply mirrors the original direction */
		f.reply.src = f.orig.dst;
		f.reply.dst = f.orig.src;
		if (l4 != IPPROTO_ICMP && l4 != IPPROTO_ICMPV6) {
			f.reply.l4.port.sport = f.orig.l4.port.dport;
			f.reply.l4.port.dport = f.orig.l4.port.sport;
		}
	}
	ctf_flow_set(&f, CTF_FLOW_A_ORIG);
	ctf_flow_set(&f, CTF_FLOW_A_REPLY);
	f.status = (rnd(2) ? 0xe : 0x8) | (rnd(2) ? 0x180 : 0); /* maybe SRC/DST_NAT_DONE */
	ctf_flow_set(&f, CTF_FLOW_A_STATUS);
	if (rnd(3)) { /* events carry a mark only when it is set */
		f.mark = rnd(2) ? 5 : (uint32_t)rnd(64);
		ctf_flow_set(&f, CTF_FLOW_A_MARK);
	}
	if (l4 == IPPROTO_TCP && rnd(4)) {
		f.tcp.state = (uint8_t)rnd(10);
		ctf_flow_set(&f, CTF_FLOW_A_TCP_STATE);
	}
	if (l4 == IPPROTO_SCTP && rnd(2)) {
		f.sctp.state = (uint8_t)rnd(8);
		ctf_flow_set(&f, CTF_FLOW_A_SCTP_STATE);
	}
	if (!rnd(4)) {
		f.zone = (uint16_t)rnd(4);
		ctf_flow_set(&f, CTF_FLOW_A_ZONE);
	}
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, rnd(2) ? NLM_F_CREATE : 0, l3, 0);
	assert_int_equal(ctf_ct_put_flow(nlh, CTF_NL_REQ_SIZE, &f, CTF_CT_PUT_ALL), 0);
	assert_int_equal(ctf_flow_parse(nlh, parsed), 0);
	return nlh->nlmsg_len;
}

static void filter_of(const char *args, struct ctf_filter *f)
{
	char copy[256], *argv[32], *save = NULL, *w;
	struct ct_cmd cmd;
	struct ct_err err;
	int argc = 0;

	snprintf(copy, sizeof(copy), "conntrack %s", args);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (ct_args_parse(argc, argv, &cmd, NULL, &err) < 0)
		fail_msg("'%s': %s", args, err.msg);
	ct_build_filter(&cmd, f);
	ct_cmd_done(&cmd);
}

static void kernel_accepts(const struct sock_filter *prog, int n, const char *args)
{
	struct ctf_nl *nl;

	if (ctf_nl_open(&nl, 0) < 0)
		return; /* no netlink here: the interpreter check below still runs */
	if (ctf_nl_attach_filter(nl, prog, (unsigned int)n) < 0)
		fail_msg("'%s': the kernel refuses the program", args);
	ctf_nl_close(nl);
}

static void test_evbpf_filters(void **state)
{
	struct sock_filter prog[CTF_FILTER_BPF_MAX];
	char buf[CTF_NL_REQ_SIZE];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		unsigned int kept = 0, passed = 0;
		struct ctf_filter f;
		int n;

		filter_of(filters[i].args, &f);
		n = ctf_filter_build_bpf(&f, prog, CTF_FILTER_BPF_MAX);
		assert_true(n >= 0);
		if (i == 0) {
			assert_int_equal(n, 0); /* nothing to filter: nothing attached */
			continue;
		}
		if (n == 0 && !filters[i].exact)
			continue; /* nothing of it compiles (zones, NAT, secmark...): user space only */
		assert_true(n > 0);
		kernel_accepts(prog, n, filters[i].args);
		for (k = 0; k < 3000; k++) {
			struct ctf_flow flow;
			size_t len = rnd_event(buf, &flow);
			bool bpf = ctf_cbpf_run(prog, (unsigned int)n, (const uint8_t *)buf,
						(uint32_t)len, 0) != 0;
			bool match = ctf_filter_match(&f, &flow);

			if (match && !bpf)
				fail_msg("'%s': the kernel would drop an event the filter keeps",
					 filters[i].args);
			if (filters[i].exact && bpf != match)
				fail_msg("'%s': program %d, filter %d", filters[i].args, bpf,
					 match);
			kept += bpf;
			passed += match;
		}
		/* not vacuous: some pass, and the compiled part drops something */
		if (filters[i].exact && !passed)
			fail_msg("'%s': no generated event passes", filters[i].args);
		assert_true(kept < 3000);
	}
}

/* The interpreter follows the kernel's attribute walks: a missing path drops. */
static void test_evbpf_missing_attribute(void **state)
{
	struct sock_filter prog[CTF_FILTER_BPF_MAX];
	char buf[CTF_NL_REQ_SIZE];
	struct ctf_filter f;
	struct nlmsghdr *nlh;
	struct ctf_flow flow;
	int n;

	(void)state;
	filter_of("-E -m 5", &f);
	n = ctf_filter_build_bpf(&f, prog, CTF_FILTER_BPF_MAX);
	assert_true(n > 0);
	memset(&flow, 0, sizeof(flow));
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, AF_INET, 0);
	assert_int_equal(ctf_ct_put_flow(nlh, sizeof(buf), &flow, CTF_CT_PUT_ALL), 0);
	assert_int_equal(
		ctf_cbpf_run(prog, (unsigned int)n, (const uint8_t *)buf, nlh->nlmsg_len, 0), 0);
	flow.mark = 5;
	ctf_flow_set(&flow, CTF_FLOW_A_MARK);
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, AF_INET, 0);
	assert_int_equal(ctf_ct_put_flow(nlh, sizeof(buf), &flow, CTF_CT_PUT_ALL), 0);
	assert_int_not_equal(
		ctf_cbpf_run(prog, (unsigned int)n, (const uint8_t *)buf, nlh->nlmsg_len, 0), 0);
}

static void test_evbpf_too_small(void **state)
{
	struct sock_filter prog[8];
	struct ctf_filter f;

	(void)state;
	filter_of("-E -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1 --dport 2", &f);
	assert_int_equal(ctf_filter_build_bpf(&f, prog, 8), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evbpf_filters),
		cmocka_unit_test(test_evbpf_missing_attribute),
		cmocka_unit_test(test_evbpf_too_small),
	};

	return cmocka_run_group_tests_name("evbpf", tests, NULL, NULL);
}
