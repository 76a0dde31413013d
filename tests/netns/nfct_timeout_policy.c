// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A timeout policy made with our nfct really takes effect: iptables' raw
 * table attaches it with `-j CT --timeout NAME` (xt_CT), real traffic over
 * loopback makes entries, and ctnetlink shows them with the policy's
 * timeouts instead of the defaults. Also default-set, the in-use rules of
 * delete and flush, -o json and --netns. Runs in a private network
 * namespace; skips (77) without root, namespaces, conntrack or iptables.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

#include "netns.h"

static char nfct[PATH_MAX];  /* our binary */
static const char *iptables; /* iptables-nft or iptables-legacy, whichever works here */
static char tmpdir[] = "/tmp/nfct-policy-XXXXXX";
static struct ctf_nl *nl;

struct result {
	int status;
	char out[8192];
	char err[2048];
};

static void slurp(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/* Run a shell command line; stdout and stderr are kept apart in @r. */
static __attribute__((format(printf, 2, 3))) void run(struct result *r, const char *fmt, ...)
{
	char cmd[4096], line[4200];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s >%s/out 2>%s/err", cmd, tmpdir, tmpdir);
	st = system(line);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp("out", r->out, sizeof(r->out));
	slurp("err", r->err, sizeof(r->err));
}

static __attribute__((format(printf, 1, 2))) void must(const char *fmt, ...)
{
	struct result r;
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	run(&r, "%s", cmd);
	if (r.status != 0)
		fail_msg("'%s' exited %d: %s", cmd, r.status, r.err);
}

static void send_udp(uint16_t port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	close(fd);
}

/* An established TCP connection over loopback; returns the three sockets to close. */
static void tcp_connect(uint16_t port, int fds[3])
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fds[0] >= 0);
	assert_int_equal(setsockopt(fds[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(fds[0], (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fds[0], 1), 0);
	fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(fds[1], (struct sockaddr *)&a, sizeof(a)), 0);
	fds[2] = accept(fds[0], NULL, NULL);
	assert_true(fds[2] >= 0);
	/* Data both ways so the kernel has seen the whole handshake settle. */
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(write(fds[2], "y", 1), 1);
}

struct lookup {
	uint8_t proto;
	uint16_t dport;
	unsigned int found;
	uint32_t timeout;
};

static int lookup_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lookup *l = data;
	struct ctf_flow f;

	if (ctf_flow_parse(nlh, &f) < 0)
		return 1;
	if (f.orig.l4proto == l->proto && f.orig.l4.port.dport == l->dport) {
		l->found++;
		l->timeout = f.timeout;
	}
	return 1;
}

/* The remaining timeout (seconds) of the one entry to 127.0.0.1:@dport, read over ctnetlink. */
static uint32_t entry_timeout(uint8_t proto, uint16_t dport)
{
	struct lookup l = { .proto = proto, .dport = dport };
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;

	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_INET, ctf_nl_next_seq(nl));
	assert_int_equal(ctf_nl_dump(nl, nlh, lookup_cb, &l, 0), 0);
	if (l.found != 1)
		fail_msg("%u entries to port %u, expected one", l.found, dport);
	return l.timeout;
}

static void test_nfct_policy_udp_unreplied(void **state)
{
	uint32_t t;

	(void)state;
	must("%s add timeout ctf-udp inet udp unreplied 7", nfct);
	must("%s -t raw -A OUTPUT -p udp --dport 9999 -j CT --timeout ctf-udp", iptables);
	send_udp(9999);
	send_udp(9998); /* no rule: the default, 30 s */
	t = entry_timeout(IPPROTO_UDP, 9999);
	if (t == 0 || t > 7)
		fail_msg("udp entry under policy ctf-udp has %u s, expected 1..7", t);
	t = entry_timeout(IPPROTO_UDP, 9998);
	if (t <= 7)
		fail_msg("udp entry without a policy has %u s, expected the default", t);
}

static void test_nfct_policy_tcp_established(void **state)
{
	int a[3], b[3], i;
	uint32_t t;

	(void)state;
	must("%s add timeout ctf-tcp inet tcp established 42", nfct);
	must("%s -t raw -A OUTPUT -p tcp --dport 9997 -j CT --timeout ctf-tcp", iptables);
	tcp_connect(9997, a);
	tcp_connect(9996, b); /* no rule: 432000 s (5 days) */
	t = entry_timeout(IPPROTO_TCP, 9997);
	if (t == 0 || t > 42)
		fail_msg("established tcp under policy ctf-tcp has %u s, expected 1..42", t);
	t = entry_timeout(IPPROTO_TCP, 9996);
	if (t <= 42)
		fail_msg("established tcp without a policy has %u s, expected the default", t);
	for (i = 0; i < 3; i++) {
		close(a[i]);
		close(b[i]);
	}
}

/* default-set changes what every new entry without a policy gets, in this namespace. */
static void test_nfct_default_set(void **state)
{
	struct result r;
	uint32_t t;

	(void)state;
	must("%s default-set timeout inet udp unreplied 11", nfct);
	run(&r, "%s default-get timeout inet udp", nfct);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\t\t.UNREPLIED = 11,\n"));
	send_udp(9995);
	t = entry_timeout(IPPROTO_UDP, 9995);
	if (t == 0 || t > 11 || t <= 7)
		fail_msg("udp entry after default-set has %u s, expected 8..11", t);
}

static void test_nfct_json_and_netns(void **state)
{
	struct result r;

	(void)state;
	run(&r, "%s -o json get timeout ctf-tcp", nfct);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"name\":\"ctf-tcp\""));
	assert_non_null(strstr(r.out, "\"established\":42"));
	/* From a fresh namespace the policy is only reachable with --netns. */
	run(&r, "unshare -n %s get timeout ctf-tcp", nfct);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "nfct v1.4.7: netlink error: No such file or directory\n");
	run(&r, "unshare -n %s --netns /proc/%d/ns/net get timeout ctf-tcp", nfct, (int)getpid());
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, ".ctf-tcp = {\n"));
}

/* A policy a rule holds cannot be deleted, and flush keeps it; without the rules both go. */
static void test_nfct_in_use(void **state)
{
	struct result r;

	(void)state;
	run(&r, "%s delete timeout ctf-udp", nfct);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "nfct v1.4.7: netlink error: Device or resource busy\n");
	must("%s add timeout ctf-unused inet icmp timeout 4", nfct);
	must("%s flush timeout", nfct);
	run(&r, "%s list timeout", nfct);
	assert_non_null(strstr(r.out, ".ctf-udp = {"));
	assert_non_null(strstr(r.out, ".ctf-tcp = {"));
	assert_null(strstr(r.out, ".ctf-unused = {"));
	must("%s -t raw -F OUTPUT", iptables);
	must("%s delete timeout ctf-udp", nfct);
	must("%s flush timeout", nfct);
	run(&r, "%s list timeout", nfct);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (r == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Our nfct: $CTF_NFCT, or bin/nfct next to the tests/ directory this binary is in. */
static int find_nfct(void)
{
	const char *env = getenv("CTF_NFCT");
	char exe[PATH_MAX - 16]; /* room for "/../bin/nfct" */
	ssize_t n;

	if (env) {
		snprintf(nfct, sizeof(nfct), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return -errno;
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(nfct, sizeof(nfct), "%s/../bin/nfct", exe);
	}
	return access(nfct, X_OK) == 0 ? 0 : -errno;
}

static const char *find_iptables(void)
{
	static const char *const tools[] = { "iptables-nft", "iptables-legacy" };
	struct result r;
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		run(&r, "%s -t raw -S", tools[i]);
		if (r.status == 0)
			return tools[i];
	}
	return NULL;
}

static int setup(void)
{
	int r;

	r = netns_enter_private(NULL);
	if (r != 0)
		return r;
	if (!mkdtemp(tmpdir) || lo_up() < 0) {
		fprintf(stderr, "skip: no temporary directory or loopback: %s\n", strerror(errno));
		return SKIP_RETURN_CODE;
	}
	r = find_nfct();
	if (r < 0) {
		fprintf(stderr, "cannot run our nfct at '%s': %s\n", nfct, strerror(-r));
		return 1; /* a build without the binary is broken, not skipped */
	}
	iptables = find_iptables();
	if (!iptables) {
		fprintf(stderr, "skip: neither iptables-nft nor iptables-legacy works here\n");
		return SKIP_RETURN_CODE;
	}
	return netns_open_ctnetlink(&nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfct_policy_udp_unreplied),
		cmocka_unit_test(test_nfct_policy_tcp_established),
		cmocka_unit_test(test_nfct_default_set),
		cmocka_unit_test(test_nfct_json_and_netns),
		cmocka_unit_test(test_nfct_in_use),
	};
	struct result r;
	int ret;

	ret = setup();
	if (ret != 0)
		return ret;
	ret = cmocka_run_group_tests_name("nfct_timeout_policy", tests, NULL, NULL);
	ctf_nl_close(nl);
	run(&r, "rm -rf %s", tmpdir);
	return ret;
}
