// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real-kernel tests of nl.c: batched creates and deletes, plain and pipelined
 * dumps, early-stopped dumps, request errors. Runs in a private network
 * namespace it creates for itself (unshare), so the host table is untouched.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

#include "netns.h"

#define N_ENTRIES 6000

static struct ctf_nl *nl;

/* One UDP entry 10.0.x.y:i -> 10.1.0.1:53, both tuples given, mark i. */
static void make_flow(struct ctf_flow *f, unsigned int i)
{
	netns_flow4(f, IPPROTO_UDP, 0x0a000000 | i, 0x0a010001, (uint16_t)(1024 + i), 53, i);
}

struct acks {
	unsigned int ok;
	unsigned int failed;
	int last_error;
};

static int ack_cb(uint32_t seq, int error, void *data)
{
	struct acks *a = data;

	if (error) {
		a->failed++;
		a->last_error = error;
	} else {
		a->ok++;
	}
	return 0;
}

/* Send one request per i in [0, n) with @step, built by @build, in batches. */
static struct acks run_batch(unsigned int n, unsigned int step, uint16_t type, uint16_t flags,
			     unsigned int what)
{
	struct acks a = { 0 };
	struct ctf_nl_batch *b;
	struct ctf_flow f;
	unsigned int i;

	assert_int_equal(ctf_nl_batch_new(&b, nl, 256), 0);
	for (i = 0; i < n; i += step) {
		void *buf = ctf_nl_batch_current(b);
		struct nlmsghdr *nlh =
			ctf_ct_msg_put(buf, type, NLM_F_ACK | flags, AF_INET, ctf_nl_next_seq(nl));

		make_flow(&f, i);
		assert_int_equal(ctf_ct_put_flow(nlh, ctf_nl_batch_room(b), &f, what), 0);
		if (ctf_nl_batch_next(b))
			assert_int_equal(ctf_nl_batch_flush(b, NULL, ack_cb, &a), 0);
	}
	assert_int_equal(ctf_nl_batch_flush(b, NULL, ack_cb, &a), 0);
	ctf_nl_batch_free(b);
	return a;
}

struct seen {
	unsigned int count;
	uint8_t *hit; /* per entry index */
	unsigned int dups;
	unsigned int stop_after;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct seen *s = data;
	struct ctf_flow f;
	unsigned int i;

	assert_int_equal(ctf_flow_parse(nlh, &f), 0);
	i = ntohl(f.orig.src.ip) & 0xffff;
	assert_true(i < N_ENTRIES);
	assert_int_equal(f.mark, i); /* the entry is the one we created */
	assert_true(ctf_flow_has(&f, CTF_FLOW_A_ID));
	if (s->hit[i])
		s->dups++;
	s->hit[i] = 1;
	s->count++;
	if (s->stop_after && s->count == s->stop_after)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

static struct seen dump(unsigned int flags, unsigned int stop_after)
{
	struct seen s = { .stop_after = stop_after };
	char req[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;

	s.hit = calloc(N_ENTRIES, 1);
	assert_non_null(s.hit);
	nlh = ctf_ct_msg_put(req, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC, ctf_nl_next_seq(nl));
	assert_int_equal(ctf_nl_dump(nl, nlh, dump_cb, &s, flags), 0);
	return s;
}

static void test_nl_kernel_batched_create(void **state)
{
	struct acks a = run_batch(N_ENTRIES, 1, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL,
				  CTF_CT_PUT_ORIG | CTF_CT_PUT_REPLY | CTF_CT_PUT_META);

	assert_int_equal(a.ok, N_ENTRIES);
	assert_int_equal(a.failed, 0);
}

static void test_nl_kernel_dump_plain_and_pipelined(void **state)
{
	unsigned int flags[] = { 0, CTF_NL_DUMP_PIPELINE };
	unsigned int k, i;

	for (k = 0; k < 2; k++) {
		struct seen s = dump(flags[k], 0);

		assert_int_equal(s.count, N_ENTRIES);
		assert_int_equal(s.dups, 0);
		for (i = 0; i < N_ENTRIES; i++)
			assert_int_equal(s.hit[i], 1);
		free(s.hit);
	}
}

static void test_nl_kernel_dump_stopped_early_leaves_socket_usable(void **state)
{
	unsigned int flags[] = { 0, CTF_NL_DUMP_PIPELINE };
	unsigned int k;

	for (k = 0; k < 2; k++) {
		struct seen s = dump(flags[k], 10);

		assert_int_equal(s.count, 10);
		free(s.hit);
		/* The rest of the dump was drained: a new dump sees everything. */
		s = dump(flags[k], 0);
		assert_int_equal(s.count, N_ENTRIES);
		free(s.hit);
	}
}

static void test_nl_kernel_request_errors(void **state)
{
	char req[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ctf_flow f;

	make_flow(&f, 1);
	nlh = ctf_ct_msg_put(req, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
			     AF_INET, ctf_nl_next_seq(nl));
	assert_int_equal(ctf_ct_put_flow(nlh, sizeof(req), &f, CTF_CT_PUT_ALL), 0);
	assert_int_equal(ctf_nl_request(nl, nlh, NULL, NULL), -EEXIST);

	make_flow(&f, N_ENTRIES + 1); /* never created */
	nlh = ctf_ct_msg_put(req, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, AF_INET, ctf_nl_next_seq(nl));
	assert_int_equal(ctf_ct_put_flow(nlh, sizeof(req), &f, CTF_CT_PUT_ORIG), 0);
	assert_int_equal(ctf_nl_request(nl, nlh, NULL, NULL), -ENOENT);
}

static void test_nl_kernel_batched_delete_half(void **state)
{
	struct acks a = run_batch(N_ENTRIES, 2, IPCTNL_MSG_CT_DELETE, 0, CTF_CT_PUT_ORIG);
	struct seen s;
	unsigned int i;

	assert_int_equal(a.ok, N_ENTRIES / 2);
	assert_int_equal(a.failed, 0);
	s = dump(CTF_NL_DUMP_PIPELINE, 0);
	assert_int_equal(s.count, N_ENTRIES / 2);
	for (i = 0; i < N_ENTRIES; i++)
		assert_int_equal(s.hit[i], i % 2);
	free(s.hit);

	/* Deleting them again fails per request, and the batch reports each. */
	a = run_batch(N_ENTRIES, 2, IPCTNL_MSG_CT_DELETE, 0, CTF_CT_PUT_ORIG);
	assert_int_equal(a.ok, 0);
	assert_int_equal(a.failed, N_ENTRIES / 2);
	assert_int_equal(a.last_error, -ENOENT);
}

static int global_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	uint32_t *got = data;

	assert_int_equal(ctf_ct_parse_global_stats(nlh, &got[0], &got[1]), 0);
	return MNL_CB_OK;
}

static void test_nl_kernel_global_stats(void **state)
{
	char req[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	uint32_t got[2] = { 0, 0 };

	nlh = ctf_ct_msg_put(req, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC,
			     ctf_nl_next_seq(nl));
	assert_int_equal(ctf_nl_request(nl, nlh, global_stats_cb, got), 0);
	assert_int_equal(got[0], N_ENTRIES / 2);
	assert_true(got[1] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nl_kernel_batched_create),
		cmocka_unit_test(test_nl_kernel_dump_plain_and_pipelined),
		cmocka_unit_test(test_nl_kernel_dump_stopped_early_leaves_socket_usable),
		cmocka_unit_test(test_nl_kernel_request_errors),
		cmocka_unit_test(test_nl_kernel_batched_delete_half),
		cmocka_unit_test(test_nl_kernel_global_stats),
	};
	int r;

	r = netns_enter_private(&nl);
	if (r != 0)
		return r;
	r = cmocka_run_group_tests_name("nl_kernel", tests, NULL, NULL);
	ctf_nl_close(nl);
	return r;
}
