// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of nl.c's message walk and batch bookkeeping (no kernel needed). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

static char buf[16384];

/* Append a message of @type with @payload_len zero bytes at @off; returns the new offset. */
static size_t put_msg(size_t off, uint16_t type, uint16_t flags, uint32_t seq, size_t payload_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + off);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	memset(mnl_nlmsg_put_extra_header(nlh, payload_len), 0, payload_len);
	return off + NLMSG_ALIGN(nlh->nlmsg_len);
}

static size_t put_error(size_t off, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + off);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	return off + NLMSG_ALIGN(nlh->nlmsg_len);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

static int stop_after_one_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_STOP;
}

static int fail_cb(const struct nlmsghdr *nlh, void *data)
{
	return -EIO;
}

static void test_nl_walk_counts_until_done(void **state)
{
	size_t len = 0;
	int n = 0;

	len = put_msg(len, 0x100, NLM_F_MULTI, 7, 4);
	len = put_msg(len, 0x100, NLM_F_MULTI, 7, 20);
	len = put_msg(len, NLMSG_DONE, NLM_F_MULTI, 7, 4);
	len = put_msg(len, 0x100, NLM_F_MULTI, 7, 4); /* after DONE: not walked */
	assert_int_equal(ctf_nl_walk(buf, len, 7, count_cb, &n, NULL), 0);
	assert_int_equal(n, 2);
}

static void test_nl_walk_wants_more_without_done(void **state)
{
	size_t len = 0;
	int n = 0;

	len = put_msg(len, 0x100, NLM_F_MULTI, 7, 4);
	len = put_msg(len, 0x100, NLM_F_MULTI, 7, 4);
	assert_int_equal(ctf_nl_walk(buf, len, 7, count_cb, &n, NULL), 1);
	assert_int_equal(n, 2);
}

static void test_nl_walk_skips_other_sequences(void **state)
{
	size_t len = 0;
	int n = 0;

	len = put_msg(len, 0x100, 0, 6, 4);
	len = put_msg(len, 0x100, 0, 7, 4);
	len = put_error(len, 6, -ENOENT); /* a late reply to an older request */
	len = put_error(len, 7, 0);
	assert_int_equal(ctf_nl_walk(buf, len, 7, count_cb, &n, NULL), 0);
	assert_int_equal(n, 1);
}

static void test_nl_walk_returns_kernel_error(void **state)
{
	size_t len = 0;
	int n = 0;

	len = put_error(len, 9, -EEXIST);
	assert_int_equal(ctf_nl_walk(buf, len, 9, count_cb, &n, NULL), -EEXIST);
	assert_int_equal(n, 0);
}

static void test_nl_walk_callback_stop_and_error(void **state)
{
	size_t len = 0;
	int n = 0;

	len = put_msg(len, 0x100, 0, 1, 4);
	len = put_msg(len, 0x100, 0, 1, 4);
	assert_int_equal(ctf_nl_walk(buf, len, 1, stop_after_one_cb, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ctf_nl_walk(buf, len, 1, fail_cb, NULL, NULL), -EIO);
}

static void test_nl_walk_reports_dump_intr(void **state)
{
	bool intr = false;
	size_t len = 0;
	int n = 0;

	len = put_msg(len, 0x100, NLM_F_MULTI | NLM_F_DUMP_INTR, 3, 4);
	len = put_msg(len, NLMSG_DONE, NLM_F_MULTI, 3, 4);
	assert_int_equal(ctf_nl_walk(buf, len, 3, count_cb, &n, &intr), 0);
	assert_true(intr);
}

static void test_nl_walk_rejects_truncated(void **state)
{
	struct nlmsghdr *nlh;
	size_t len;
	int n = 0;

	len = put_msg(0, 0x100, 0, 1, 32);
	nlh = (struct nlmsghdr *)buf;
	/* The header claims more than the datagram holds. */
	assert_int_equal(ctf_nl_walk(buf, len - 8, 1, count_cb, &n, NULL), -EBADMSG);
	/* A length shorter than a header. */
	nlh->nlmsg_len = 4;
	assert_int_equal(ctf_nl_walk(buf, len, 1, count_cb, &n, NULL), -EBADMSG);
	assert_int_equal(n, 0);
}

static void test_nl_walk_rejects_huge_length(void **state)
{
	struct nlmsghdr *nlh;
	size_t len;
	int n = 0;

	/* libmnl's signed compare lets 2^31 through and then never advances. */
	len = put_msg(0, 0x100, 0, 1, 4);
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_len = 0x80000000U;
	assert_int_equal(ctf_nl_walk(buf, len, 1, count_cb, &n, NULL), -EBADMSG);
	nlh->nlmsg_len = 0xffffffffU;
	assert_int_equal(ctf_nl_walk(buf, len, 1, count_cb, &n, NULL), -EBADMSG);
	assert_int_equal(n, 0);
}

static void test_nl_walk_unpadded_last_message(void **state)
{
	size_t len;
	int n = 0;

	/* A 21-byte message: its aligned length runs past the datagram. */
	len = put_msg(0, 0x100, 0, 1, 8);
	((struct nlmsghdr *)buf)->nlmsg_len = 21;
	assert_int_equal(ctf_nl_walk(buf, len - 3, 1, count_cb, &n, NULL), 1);
	assert_int_equal(n, 1);
}

static void test_nl_walk_error_too_short(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 1;
	mnl_nlmsg_put_extra_header(nlh, 2); /* no room for struct nlmsgerr */
	assert_int_equal(ctf_nl_walk(buf, NLMSG_ALIGN(nlh->nlmsg_len), 1, NULL, NULL, NULL),
			 -EBADMSG);
}

static void test_nl_batch_asks_for_flush_at_max(void **state)
{
	struct ctf_nl_batch *b;
	unsigned int i;

	/* A batch needs a socket only to flush; bookkeeping works without one. */
	assert_int_equal(ctf_nl_batch_new(&b, NULL, 3), 0);
	for (i = 0; i < 3; i++) {
		struct nlmsghdr *nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), IPCTNL_MSG_CT_DELETE,
						      NLM_F_ACK, AF_INET, i);

		assert_true(ctf_nl_batch_room(b) >= CTF_NL_REQ_SIZE);
		assert_int_equal(ctf_nl_batch_next(b), i == 2);
		(void)nlh;
	}
	assert_int_equal(ctf_nl_batch_count(b), 3);
	ctf_nl_batch_free(b);
	ctf_nl_batch_free(NULL);
}

static void test_nl_batch_asks_for_flush_when_buffer_full(void **state)
{
	struct ctf_nl_batch *b;
	unsigned int n = 0;

	assert_int_equal(ctf_nl_batch_new(&b, NULL, 1024), 0);
	for (;;) {
		struct nlmsghdr *nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), IPCTNL_MSG_CT_NEW,
						      NLM_F_ACK, AF_INET, n);

		/* Large requests: the buffer fills before the message limit. */
		memset(mnl_nlmsg_put_extra_header(nlh, 4000), 0, 4000);
		n++;
		if (ctf_nl_batch_next(b))
			break;
		assert_true(ctf_nl_batch_room(b) >= CTF_NL_REQ_SIZE);
	}
	assert_true(n < 1024);
	assert_true(n > 10);
	ctf_nl_batch_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nl_walk_counts_until_done),
		cmocka_unit_test(test_nl_walk_wants_more_without_done),
		cmocka_unit_test(test_nl_walk_skips_other_sequences),
		cmocka_unit_test(test_nl_walk_returns_kernel_error),
		cmocka_unit_test(test_nl_walk_callback_stop_and_error),
		cmocka_unit_test(test_nl_walk_reports_dump_intr),
		cmocka_unit_test(test_nl_walk_rejects_truncated),
		cmocka_unit_test(test_nl_walk_rejects_huge_length),
		cmocka_unit_test(test_nl_walk_unpadded_last_message),
		cmocka_unit_test(test_nl_walk_error_too_short),
		cmocka_unit_test(test_nl_batch_asks_for_flush_at_max),
		cmocka_unit_test(test_nl_batch_asks_for_flush_when_buffer_full),
	};

	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
