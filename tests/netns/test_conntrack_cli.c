// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real-kernel tests of the conntrack CLI and the core filter: kernel-side
 * filters send fewer messages yet select the same entries, a batched -D of
 * half of 20,000 entries leaves exactly the other half, -U updates every
 * match, and --netns acts on a named namespace. Runs in a private network
 * namespace (plus one named namespace it creates and deletes).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/filter.h>
#include <ctflow/nl.h>

#include "netns.h"

#define N_BIG 20000

static struct ctf_nl *nl;

/* Entry i: udp for even i, tcp for odd; 10.0.x.y -> 10.1.0.(1 + i % 4), zone i % 3. */
static void make_flow(struct ctf_flow *f, unsigned int i)
{
	bool tcp = i & 1;

	netns_flow4(f, tcp ? IPPROTO_TCP : IPPROTO_UDP, 0x0a000000 | i, 0x0a010001 + (i % 4),
		    (uint16_t)(1024 + i % 50000), (uint16_t)(i % 4 == 0 ? 53 : 80), i % 8);
	f->zone = (uint16_t)(i % 3);
	if (f->zone)
		ctf_flow_set(f, CTF_FLOW_A_ZONE);
	if (tcp) {
		f->tcp.state = 3; /* ESTABLISHED */
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
		f->status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED;
		ctf_flow_set(f, CTF_FLOW_A_STATUS);
	}
}

/* IPv6 entry i: udp 2001:db8::(i) -> 2001:db8:1::1. */
static void make_flow6(struct ctf_flow *f, unsigned int i)
{
	make_flow(f, i & ~1U);
	f->family = f->orig.l3num = f->reply.l3num = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::", &f->orig.src.in6);
	f->orig.src.ip6[3] = htonl(i);
	inet_pton(AF_INET6, "2001:db8:1::1", &f->orig.dst.in6);
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
}

static int count_ack(uint32_t seq, int error, void *data)
{
	unsigned int *failed = data;

	(void)seq;
	if (error)
		(*failed)++;
	return 0;
}

static void populate_family(unsigned int n, uint8_t family)
{
	struct ctf_nl_batch *b;
	unsigned int i, failed = 0;
	struct ctf_flow f;
	struct nlmsghdr *nlh;

	assert_int_equal(ctf_nl_batch_new(&b, nl, 512), 0);
	for (i = 0; i < n; i++) {
		if (family == AF_INET6)
			make_flow6(&f, i);
		else
			make_flow(&f, i);
		nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), IPCTNL_MSG_CT_NEW,
				     NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, family,
				     ctf_nl_next_seq(nl));
		assert_int_equal(ctf_ct_put_flow(nlh, ctf_nl_batch_room(b), &f, CTF_CT_PUT_ALL), 0);
		if (ctf_nl_batch_next(b))
			assert_int_equal(ctf_nl_batch_flush(b, NULL, count_ack, &failed), 0);
	}
	assert_int_equal(ctf_nl_batch_flush(b, NULL, count_ack, &failed), 0);
	ctf_nl_batch_free(b);
	assert_int_equal(failed, 0);
}

static void populate(unsigned int n)
{
	populate_family(n, AF_INET);
}

static void flush_table(void)
{
	char buf[8192];
	struct nlmsghdr *nlh;

	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, AF_UNSPEC, ctf_nl_next_seq(nl));
	assert_int_equal(ctf_nl_request(nl, nlh, NULL, NULL), 0);
}

struct tally {
	const struct ctf_filter *filter;
	unsigned int received; /* messages the kernel sent */
	unsigned int matched;  /* entries passing ctf_filter_match() */
	uint64_t id_sum;       /* which ones, order-independent */
	unsigned int tcp, udp;
	bool all_mark_42;
};

static int tally_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tally *t = data;
	struct ctf_flow f;

	if (ctf_flow_parse(nlh, &f) < 0)
		return MNL_CB_ERROR;
	t->received++;
	if (t->filter && !ctf_filter_match(t->filter, &f))
		return MNL_CB_OK;
	t->matched++;
	t->id_sum += f.orig.src.ip ^ ((uint64_t)f.orig.l4.port.sport << 32);
	if (f.orig.l4proto == IPPROTO_TCP) {
		t->tcp++;
		if (f.mark != 42)
			t->all_mark_42 = false;
	} else {
		t->udp++;
	}
	return MNL_CB_OK;
}

static struct tally dump(const struct ctf_filter *filter, unsigned int put)
{
	struct tally t = { .filter = filter, .all_mark_42 = true };
	char buf[8192];
	struct nlmsghdr *nlh;

	/* put 0: a plain full dump, everything filtered in userspace. */
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP,
			     filter && put ? ctf_filter_dump_family(filter) : AF_UNSPEC,
			     ctf_nl_next_seq(nl));
	if (filter)
		assert_int_equal(ctf_filter_put_dump(filter, nlh, sizeof(buf), put), 0);
	assert_int_equal(ctf_nl_dump(nl, nlh, tally_cb, &t, CTF_NL_DUMP_PIPELINE), 0);
	return t;
}

static void strict_cmp(struct ctf_filter *f)
{
	f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_STRICT | CTF_FILTER_CMP_ORIG |
		  CTF_FILTER_CMP_REPLY | CTF_FILTER_CMP_META;
	f->family = AF_INET;
	f->set |= CTF_FILTER_FAMILY;
}

/* The filters the CLI builds for -p udp, -s A, -p tcp --dport 80, -m 3/7, -w 2, -u ASSURED. */
static void build_filters(struct ctf_filter *fs, unsigned int *n)
{
	unsigned int i = 0;

	ctf_filter_init(&fs[i]);
	strict_cmp(&fs[i]);
	fs[i].orig.set = CTF_FT_L4;
	fs[i++].orig.l4proto = IPPROTO_UDP;

	ctf_filter_init(&fs[i]);
	strict_cmp(&fs[i]);
	fs[i].orig.set = CTF_FT_L3 | CTF_FT_SRC;
	fs[i].orig.l3num = AF_INET;
	fs[i++].orig.src.ip = htonl(0x0a000000 | 77);

	ctf_filter_init(&fs[i]);
	strict_cmp(&fs[i]);
	fs[i].orig.set = CTF_FT_L4 | CTF_FT_DPORT;
	fs[i].orig.l4proto = IPPROTO_TCP;
	fs[i++].orig.dport = 80;

	ctf_filter_init(&fs[i]);
	fs[i].set = CTF_FILTER_MARK;
	fs[i].mark_value = 3;
	fs[i++].mark_mask = 7;

	ctf_filter_init(&fs[i]);
	strict_cmp(&fs[i]);
	fs[i].meta = CTF_FM_ZONE;
	fs[i++].zone = 2;

	/* An IPv6 address: only the family may go to the kernel (its v6 test is inverted). */
	ctf_filter_init(&fs[i]);
	strict_cmp(&fs[i]);
	fs[i].family = AF_INET6;
	fs[i].orig.set = CTF_FT_L3 | CTF_FT_SRC;
	fs[i].orig.l3num = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::", &fs[i].orig.src.in6);
	fs[i++].orig.src.ip6[3] = htonl(77);

	ctf_filter_init(&fs[i]);
	strict_cmp(&fs[i]);
	fs[i].set |= CTF_FILTER_KSTATUS;
	fs[i].meta = CTF_FM_STATUS;
	fs[i].status = fs[i].kstatus_value = fs[i].kstatus_mask = IPS_ASSURED;
	i++;
	*n = i;
}

static void test_conntrack_cli_kernel_filter(void **state)
{
	struct ctf_filter fs[8];
	unsigned int n, i;

	(void)state;
	flush_table();
	populate(4000);
	populate_family(200, AF_INET6);
	build_filters(fs, &n);
	for (i = 0; i < n; i++) {
		struct tally pushed = dump(&fs[i], CTF_FILTER_PUT_ALL);
		struct tally local = dump(&fs[i], 0);

		/* Same selection, but the kernel did part of the work. */
		assert_int_equal(local.received, 4200);
		assert_true(pushed.received < local.received);
		assert_int_equal(pushed.matched, local.matched);
		assert_true(pushed.id_sum == local.id_sum);
		assert_true(pushed.matched > 0);
	}
}

/* Run the conntrack binary with @args; its stdout/stderr go to the returned files. */
static int run_cli(const char *const *args, FILE **ret_out, FILE **ret_err)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char *argv[32];
	int status;
	pid_t pid;
	size_t i;

	assert_non_null(out);
	assert_non_null(err);
	argv[0] = (char *)"conntrack";
	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		execv(CTF_CONNTRACK_BIN, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rewind(out);
	rewind(err);
	*ret_out = out;
	*ret_err = err;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned int count_lines(FILE *f)
{
	unsigned int n = 0;
	int c;

	while ((c = fgetc(f)) != EOF)
		if (c == '\n')
			n++;
	return n;
}

static void expect_stderr(FILE *err, const char *want)
{
	char line[512] = "";

	assert_non_null(fgets(line, sizeof(line), err));
	assert_string_equal(line, want);
}

static void test_conntrack_cli_delete_half(void **state)
{
	const char *const args[] = { "-D", "-p", "udp", NULL };
	FILE *out, *err;
	struct tally t;

	(void)state;
	flush_table();
	populate(N_BIG);
	assert_int_equal(run_cli(args, &out, &err), 0);
	assert_int_equal(count_lines(out), N_BIG / 2);
	expect_stderr(err, "conntrack v1.4.7 (conntrack-tools): 10000 flow entries have been "
			   "deleted.\n");
	fclose(out);
	fclose(err);
	t = dump(NULL, 0);
	assert_int_equal(t.received, N_BIG / 2);
	assert_int_equal(t.tcp, N_BIG / 2);
	assert_int_equal(t.udp, 0);
}

static void test_conntrack_cli_update_many(void **state)
{
	const char *const args[] = { "-U", "-p", "tcp", "-m", "42", NULL };
	FILE *out, *err;
	struct tally t;

	(void)state;
	flush_table();
	populate(N_BIG);
	assert_int_equal(run_cli(args, &out, &err), 0);
	assert_int_equal(count_lines(out), N_BIG / 2);
	expect_stderr(err, "conntrack v1.4.7 (conntrack-tools): 10000 flow entries have been "
			   "updated.\n");
	fclose(out);
	fclose(err);
	t = dump(NULL, 0);
	assert_int_equal(t.tcp, N_BIG / 2);
	assert_true(t.all_mark_42);
	/* A second run changes nothing, and -U without matches fails. */
	assert_int_equal(run_cli(args, &out, &err), 1);
	assert_int_equal(count_lines(out), 0);
	fclose(out);
	fclose(err);
}

/* --netns NAME reaches a namespace made with ip-netns; ours stays untouched. */
static void test_conntrack_cli_netns(void **state)
{
	char name[64], cmd[256];
	FILE *out, *err;
	int r;

	(void)state;
	flush_table();
	snprintf(name, sizeof(name), "ctf_cli_%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s", name);
	if (system(cmd) != 0)
		skip();
	{
		const char *const add[] = { "--netns",	name,	   "-I",       "-p",
					    "udp",	"-s",	   "10.9.0.1", "-d",
					    "10.9.0.2", "--sport", "1",	       "--dport",
					    "2",	"-t",	   "100",      NULL };
		const char *const list[] = { "--netns", name, "-L", "-p", "udp", NULL };
		const char *const missing[] = { "--netns", "ctf_cli_no_such_ns", "-L", NULL };

		r = run_cli(add, &out, &err);
		fclose(out);
		fclose(err);
		assert_int_equal(r, 0);
		r = run_cli(list, &out, &err);
		assert_int_equal(r, 0);
		assert_int_equal(count_lines(out), 1);
		fclose(out);
		fclose(err);
		assert_int_equal(dump(NULL, 0).received, 0);
		r = run_cli(missing, &out, &err);
		assert_int_equal(r, 1);
		fclose(out);
		fclose(err);
	}
	snprintf(cmd, sizeof(cmd), "ip netns del %s", name);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conntrack_cli_kernel_filter),
		cmocka_unit_test(test_conntrack_cli_delete_half),
		cmocka_unit_test(test_conntrack_cli_update_many),
		cmocka_unit_test(test_conntrack_cli_netns),
	};
	int r;

	r = netns_enter_private(&nl);
	if (r != 0)
		return r;
	flush_table();
	r = cmocka_run_group_tests_name("conntrack_cli", tests, NULL, NULL);
	ctf_nl_close(nl);
	return r;
}
