// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the daemon's event filters: the Filter section in user space,
 * and the classic BPF programs, run by a small interpreter of the kernel's
 * semantics (including SKF_AD_NLATTR/NLATTR_NEST and SKF_AD_CPU) on real
 * ctnetlink messages built by the codec. The interpreter's verdict must
 * equal the user-space match for every case, and the kernel must accept
 * every program (checked on a socket with no groups when we may open one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/evfilter.h>
#include <ctflow/nl.h>

/* Offset of attribute @type in [start, end), as the kernel's nla_find(); 0 if absent. */
static uint32_t nla_find_at(const uint8_t *pkt, uint32_t start, uint32_t end, uint32_t type)
{
	while (start + 4 <= end) {
		const struct nlattr *a = (const void *)(pkt + start);

		if (a->nla_len < 4 || start + a->nla_len > end)
			return 0;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return start;
		start += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

static uint32_t run_bpf(const struct sock_filter *p, int n, const uint8_t *pkt, uint32_t len,
			uint32_t cpu)
{
	uint32_t A = 0, X = 0, M[16] = { 0 };
	int pc;

	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];

		switch (i->code) {
		case BPF_LD | BPF_IMM:
			A = i->k;
			break;
		case BPF_LDX | BPF_IMM:
			X = i->k;
			break;
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_CPU))
				A = cpu;
			else if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR))
				A = A >= len ? 0 : nla_find_at(pkt, A, len, X);
			else if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR_NEST))
				A = A + 4 > len ? 0
						: nla_find_at(pkt, A + 4,
							      A + ((const struct nlattr *)(pkt + A))->nla_len,
							      X);
			else if (i->k + 4 <= len) /* a packet word, read big-endian as the kernel does */
				A = (uint32_t)pkt[i->k] << 24 | (uint32_t)pkt[i->k + 1] << 16 |
				    (uint32_t)pkt[i->k + 2] << 8 | pkt[i->k + 3];
			else
				fail_msg("unexpected absolute load %#x", i->k);
			break;
		case BPF_LD | BPF_B | BPF_IND:
			assert_true(X + i->k < len);
			A = pkt[X + i->k];
			break;
		case BPF_LD | BPF_W | BPF_IND:
			assert_true(X + i->k + 4 <= len);
			A = (uint32_t)pkt[X + i->k] << 24 | (uint32_t)pkt[X + i->k + 1] << 16 |
			    (uint32_t)pkt[X + i->k + 2] << 8 | pkt[X + i->k + 3];
			break;
		case BPF_ST:
			M[i->k] = A;
			break;
		case BPF_LD | BPF_MEM:
			A = M[i->k];
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= i->k;
			break;
		case BPF_ALU | BPF_MOD | BPF_K:
			A %= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += (int)i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += A == i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			fail_msg("unexpected instruction %#x", i->code);
		}
	}
	fail_msg("fell off the end of the program");
	return 0;
}

static void make_flow(struct ctf_flow *f, uint8_t proto, const char *src, const char *rsrc,
		      int tcp_state)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->orig.l3num = f->reply.l3num = AF_INET;
	f->orig.l4proto = f->reply.l4proto = proto;
	inet_pton(AF_INET, src, &f->orig.src);
	inet_pton(AF_INET, "192.0.2.1", &f->orig.dst);
	inet_pton(AF_INET, "192.0.2.1", &f->reply.src);
	inet_pton(AF_INET, rsrc, &f->reply.dst);
	if (rsrc[0])
		inet_pton(AF_INET, rsrc, &f->reply.src);
	f->orig.l4.port.sport = 1000;
	f->orig.l4.port.dport = 80;
	f->reply.l4.port.sport = 80;
	f->reply.l4.port.dport = 1000;
	f->orig.flags = f->reply.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO |
					 CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	ctf_flow_set(f, CTF_FLOW_A_ORIG);
	ctf_flow_set(f, CTF_FLOW_A_REPLY);
	if (tcp_state >= 0) {
		f->tcp.state = (uint8_t)tcp_state;
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
	}
}

static uint32_t msg_of(const struct ctf_flow *f, uint8_t *buf)
{
	struct nlmsghdr *nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, AF_INET, 1);

	assert_int_equal(ctf_ct_put_flow(nlh, CTF_NL_REQ_SIZE, f, CTF_CT_PUT_ALL), 0);
	return nlh->nlmsg_len;
}

/* The kernel accepts the program (when we may open a netlink socket at all). */
static void kernel_accepts(const struct sock_filter *prog, int n)
{
	struct ctf_nl *nl;

	if (ctf_nl_open(&nl, 0) < 0)
		return;
	assert_int_equal(ctf_nl_attach_filter(nl, prog, (unsigned int)n), 0);
	ctf_nl_close(nl);
}

static struct ctf_conf_net net4(const char *a, uint8_t prefix)
{
	struct ctf_conf_net n = { .family = AF_INET, .prefix = prefix };

	inet_pton(AF_INET, a, &n.addr);
	return n;
}

struct fcase {
	const char *name;
	uint8_t proto;
	const char *src, *rsrc;
	int state;
	bool pass;
};

/* Every case through user space and through the program must agree with @pass. */
static void check_cases(const struct ctf_conf_filter *f, const struct fcase *cs, size_t n)
{
	struct sock_filter prog[CTF_EVFILTER_MAX_INSNS];
	uint8_t buf[CTF_NL_REQ_SIZE];
	struct ctf_flow fl;
	size_t i;
	int len;

	len = ctf_evfilter_build(prog, 0, 1, f, NULL, 0);
	assert_true(len > 0);
	kernel_accepts(prog, len);
	for (i = 0; i < n; i++) {
		uint32_t mlen;

		make_flow(&fl, cs[i].proto, cs[i].src, cs[i].rsrc, cs[i].state);
		mlen = msg_of(&fl, buf);
		if (ctf_evfilter_match(f, &fl) != cs[i].pass)
			fail_msg("user space, case '%s'", cs[i].name);
		if ((run_bpf(prog, len, buf, mlen, 0) != 0) != cs[i].pass)
			fail_msg("BPF, case '%s'", cs[i].name);
	}
}

static void test_evfilter_protocol(void **state)
{
	struct ctf_conf_filter f = { .kernelspace = true, .has_proto = true, .proto_accept = true };
	const struct fcase cs[] = {
		{ "tcp listed", IPPROTO_TCP, "10.0.0.1", "192.0.2.1", 3, true },
		{ "udp listed", IPPROTO_UDP, "10.0.0.1", "192.0.2.1", -1, true },
		{ "sctp not listed", IPPROTO_SCTP, "10.0.0.1", "192.0.2.1", -1, false },
	};
	const struct fcase ignore[] = {
		{ "tcp ignored", IPPROTO_TCP, "10.0.0.1", "192.0.2.1", 3, false },
		{ "sctp kept", IPPROTO_SCTP, "10.0.0.1", "192.0.2.1", -1, true },
	};

	f.protos[IPPROTO_TCP] = f.protos[IPPROTO_UDP] = 1;
	check_cases(&f, cs, 3);
	f.proto_accept = false;
	check_cases(&f, ignore, 2);
}

static void test_evfilter_address(void **state)
{
	struct ctf_conf_net nets[2] = { net4("10.1.0.0", 16), net4("198.51.100.7", 32) };
	struct ctf_conf_filter f = { .kernelspace = true, .has_addr = true, .addr_accept = true,
				     .nets = nets, .n_nets = 2 };
	const struct fcase cs[] = {
		{ "orig src in /16", IPPROTO_TCP, "10.1.2.3", "192.0.2.1", 3, true },
		{ "reply src is the /32", IPPROTO_TCP, "10.9.9.9", "198.51.100.7", 3, true },
		{ "neither", IPPROTO_UDP, "10.2.0.1", "192.0.2.1", -1, false },
		{ "edge of /16", IPPROTO_UDP, "10.0.255.255", "192.0.2.1", -1, false },
	};
	const struct fcase ignore[] = {
		{ "ignored", IPPROTO_TCP, "10.1.2.3", "192.0.2.1", 3, false },
		{ "kept", IPPROTO_UDP, "10.2.0.1", "192.0.2.1", -1, true },
	};

	check_cases(&f, cs, 4);
	f.addr_accept = false;
	check_cases(&f, ignore, 2);
}

static void test_evfilter_tcp_state(void **state)
{
	struct ctf_conf_filter f = { .kernelspace = true, .has_state = true,
				     .state_accept = true, .tcp_states = 1U << 3 };
	const struct fcase cs[] = {
		{ "ESTABLISHED listed", IPPROTO_TCP, "10.0.0.1", "192.0.2.1", 3, true },
		{ "SYN_SENT not listed", IPPROTO_TCP, "10.0.0.1", "192.0.2.1", 1, false },
		{ "udp has no state", IPPROTO_UDP, "10.0.0.1", "192.0.2.1", -1, true },
		{ "tcp without state", IPPROTO_TCP, "10.0.0.1", "192.0.2.1", -1, true },
	};

	check_cases(&f, cs, 4);
}

/* Every event is kept by exactly one of N readers. */
static void test_evfilter_cpu_split(void **state)
{
	struct sock_filter prog[8][CTF_EVFILTER_MAX_INSNS];
	uint8_t buf[CTF_NL_REQ_SIZE];
	struct ctf_flow fl;
	int len[8];
	unsigned int n, r, cpu, keep;
	uint32_t mlen;

	make_flow(&fl, IPPROTO_TCP, "10.0.0.1", "192.0.2.1", 3);
	mlen = msg_of(&fl, buf);
	for (n = 1; n <= 8; n++) {
		for (r = 0; r < n; r++) {
			len[r] = ctf_evfilter_build(prog[r], r, n, NULL, NULL, 0);
			assert_true(len[r] > 0);
			kernel_accepts(prog[r], len[r]);
		}
		for (cpu = 0; cpu < 64; cpu++) {
			for (keep = 0, r = 0; r < n; r++)
				keep += run_bpf(prog[r], len[r], buf, mlen, cpu) != 0;
			assert_int_equal(keep, 1);
		}
	}
}

/* Events our own sockets caused (their nlmsg_pid) are dropped, every other one kept. */
static void test_evfilter_own_portids(void **state)
{
	static const uint32_t own[3] = { 0x1234, 0, 3049000000u };
	static const uint32_t drop[] = { 0x1234, 3049000000u };
	static const uint32_t keep[] = { 0, 1, 0x1235, 0x34120000 };
	struct sock_filter prog[CTF_EVFILTER_MAX_INSNS];
	uint8_t buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ctf_flow fl;
	uint32_t mlen;
	size_t i;
	int len;

	(void)state;
	make_flow(&fl, IPPROTO_TCP, "10.0.0.1", "192.0.2.1", 3);
	mlen = msg_of(&fl, buf);
	len = ctf_evfilter_build(prog, 0, 2, NULL, own, 3);
	assert_true(len > 0);
	kernel_accepts(prog, len);
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		nlh->nlmsg_pid = drop[i];
		assert_int_equal(run_bpf(prog, len, buf, mlen, 0), 0);
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		nlh->nlmsg_pid = keep[i];
		assert_int_not_equal(run_bpf(prog, len, buf, mlen, 0), 0);
		/* the CPU split still applies after the port id check */
		assert_int_equal(run_bpf(prog, len, buf, mlen, 1), 0);
	}
	assert_int_equal(ctf_evfilter_build(prog, 0, 1, NULL, own, CTF_EVFILTER_MAX_PORTIDS + 1),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evfilter_protocol),
		cmocka_unit_test(test_evfilter_address),
		cmocka_unit_test(test_evfilter_tcp_state),
		cmocka_unit_test(test_evfilter_cpu_split),
		cmocka_unit_test(test_evfilter_own_portids),
	};

	return cmocka_run_group_tests_name("evfilter", tests, NULL, NULL);
}
