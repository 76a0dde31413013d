// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real-kernel tests of conntrackd's sync channels (src/conntrackd/sync/
 * channel*.c, link.c): UDP over IPv4 and IPv6, packing, multicast, TCP
 * (start orders, streams split across reads, peer restarts, the error
 * queue), link failover, and 1.4.7's "-s" texts. Two private network
 * namespaces, A (the process) and B, are joined by two veth pairs:
 *   A vetha 10.77.1.1 fd77:1::1 <-> vethb 10.77.1.2 fd77:1::2 B
 *   A vethc 10.77.2.1           <-> vethd 10.77.2.2           B
 * One thread drives every channel set from one event loop; B's sets are
 * opened (and pumped) with the thread inside B, so their sockets live there.
 * Every wait is bounded; a timeout is a failure.
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
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctflow/conf.h>
#include <ctflow/log.h>

#include "channel.h"
#include "netns.h"
#include "out.h"

#define CONNTRACKD_147 "/usr/sbin/conntrackd"

static int ns_a = -1, ns_b = -1, ns_cur = -1;
static int master_ep = -1;

/* ------------------------------------------------------------ namespaces */

static void enter(int ns)
{
	if (ns == ns_cur)
		return;
	assert_int_equal(setns(ns, CLONE_NEWNET), 0);
	ns_cur = ns;
}

/* Run a shell command inside namespace @ns. */
static int __attribute__((format(printf, 2, 3))) sh(int ns, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	enter(ns);
	r = system(cmd);
	enter(ns_a);
	return r;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	(void)!write(fd, text, strlen(text));
	close(fd);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned int if_flags(int ns, const char *name)
{
	struct ifreq ifr = { 0 };
	int fd;

	enter(ns);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	enter(ns_a);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ifr.ifr_flags = 0;
	if (fd >= 0)
		close(fd);
	return (unsigned short)ifr.ifr_flags;
}

static bool wait_running(int ns, const char *name, bool running)
{
	uint64_t end = now_ms() + 5000;
	struct timespec ts = { 0, 10 * 1000000 };

	while (now_ms() < end) {
		if (!!(if_flags(ns, name) & IFF_RUNNING) == running)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static int make_namespaces(void)
{
	static const char *const setup_a[] = {
		"ip link set lo up",
		"ip addr add 10.77.1.1/24 dev vetha && ip addr add fd77:1::1/64 dev vetha nodad",
		"ip addr add 10.77.2.1/24 dev vethc",
	};
	static const char *const setup_b[] = {
		"ip link set lo up",
		"ip addr add 10.77.1.2/24 dev vethb && ip addr add fd77:1::2/64 dev vethb nodad",
		"ip addr add 10.77.2.2/24 dev vethd",
		"ip link set vethb up && ip link set vethd up",
	};
	char path[64];
	size_t i;

	ns_a = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns_a < 0 || unshare(CLONE_NEWNET) < 0)
		return -errno;
	ns_b = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_cur = ns_b;
	/* link-local addresses usable at once: IPv6 multicast sends from them */
	write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
	enter(ns_a);
	write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
	/* B has no name: ip finds it as our descriptor */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), ns_b);
	if (sh(ns_a, "ip link add vetha type veth peer name vethb netns %s", path) != 0 ||
	    sh(ns_a, "ip link add vethc type veth peer name vethd netns %s", path) != 0)
		return -EIO;
	for (i = 0; i < sizeof(setup_a) / sizeof(setup_a[0]); i++)
		if (sh(ns_a, "%s", setup_a[i]) != 0)
			return -EIO;
	for (i = 0; i < sizeof(setup_b) / sizeof(setup_b[0]); i++)
		if (sh(ns_b, "%s", setup_b[i]) != 0)
			return -EIO;
	if (sh(ns_a, "ip link set vetha up && ip link set vethc up") != 0)
		return -EIO;
	if (!wait_running(ns_a, "vetha", true) || !wait_running(ns_a, "vethc", true) ||
	    !wait_running(ns_b, "vethb", true) || !wait_running(ns_b, "vethd", true))
		return -ETIMEDOUT;
	return 0;
}

/* ------------------------------------------------------------ log capture */

struct logline {
	int prio;
	char text[200];
};

static struct logline logs[64];
static unsigned int n_logs;

static void log_sink(int prio, const char *msg, void *data)
{
	if (n_logs < sizeof(logs) / sizeof(logs[0])) {
		logs[n_logs].prio = prio;
		snprintf(logs[n_logs].text, sizeof(logs[n_logs].text), "%s", msg);
		n_logs++;
	}
}

static int log_find(const char *text)
{
	unsigned int i;

	for (i = 0; i < n_logs; i++)
		if (!strcmp(logs[i].text, text))
			return logs[i].prio;
	return -1;
}

/* ------------------------------------------------------------ test messages */

/*
 * A message shaped as 1.4.7's: u8 version/type, u8 flags, u16 length,
 * u32 sequence, then a payload that depends on the sequence, so a torn or
 * misjoined message is caught.
 */
static size_t make_msg(uint8_t *buf, uint32_t seq, size_t len)
{
	uint16_t l = htons((uint16_t)len);
	uint32_t s = htonl(seq);
	size_t i;

	buf[0] = 0x10;
	buf[1] = 0;
	memcpy(buf + 2, &l, 2);
	memcpy(buf + 4, &s, 4);
	for (i = 8; i < len; i++)
		buf[i] = (uint8_t)(seq * 7 + i);
	return len;
}

/* make_msg(), returning the buffer for a sync_channels_send() argument. */
static const uint8_t *msg(uint8_t *buf, uint32_t seq, size_t len)
{
	make_msg(buf, seq, len);
	return buf;
}

static bool msg_valid(const uint8_t *buf, size_t len, uint32_t *ret_seq)
{
	uint32_t s;
	size_t i;

	if (buf[0] != 0x10 || buf[1] != 0)
		return false;
	memcpy(&s, buf + 4, 4);
	s = ntohl(s);
	for (i = 8; i < len; i++)
		if (buf[i] != (uint8_t)(s * 7 + i))
			return false;
	*ret_seq = s;
	return true;
}

#define MAX_SEQS   8192
#define MAX_DGRAMS 64

struct rx {
	unsigned int calls;
	unsigned int bad;
	unsigned int msgs;
	unsigned int per_chan[4];
	uint32_t seqs[MAX_SEQS];
	unsigned int last_chan;
	size_t dgrams[MAX_DGRAMS];
	unsigned int n_dgrams;
};

struct peer {
	const char *name;
	int ns;
	struct sync_channels *set;
	int ep;
	bool paused;
	bool follow; /* make the receiving channel current, as the engine does */
	struct rx rx;
};

static struct peer pool[4]; /* static: a failed test's teardown still finds them */

static void rx_record(struct peer *p, uint32_t seq, unsigned int chan)
{
	if (p->rx.msgs < MAX_SEQS)
		p->rx.seqs[p->rx.msgs] = seq;
	p->rx.msgs++;
	p->rx.per_chan[chan & 3]++;
	p->rx.last_chan = chan;
}

/* The engine's side: walk whole messages, leave a partial one (stream) for the next call. */
static size_t rx_cb(const uint8_t *buf, size_t len, unsigned int chan, bool stream, void *data)
{
	struct peer *p = data;
	size_t off = 0, mlen;
	uint32_t seq;

	p->rx.calls++;
	if (!stream && p->rx.n_dgrams < MAX_DGRAMS)
		p->rx.dgrams[p->rx.n_dgrams++] = len;
	while (len - off >= 8) {
		mlen = (size_t)buf[off + 2] << 8 | buf[off + 3];
		if (mlen < 8) {
			p->rx.bad++;
			return len;
		}
		if (mlen > len - off)
			break;
		if (msg_valid(buf + off, mlen, &seq))
			rx_record(p, seq, chan);
		else
			p->rx.bad++;
		off += mlen;
	}
	if (!stream && off != len)
		p->rx.bad++;
	if (p->follow && off)
		sync_channels_set_current(p->set, chan);
	return off;
}

/* ------------------------------------------------------------ peers and the loop */

static void peer_resume(struct peer *p)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = p };

	assert_int_equal(epoll_ctl(master_ep, EPOLL_CTL_ADD, p->ep, &ev), 0);
	p->paused = false;
}

/* Stop serving @p: its sockets fill up as a stalled peer's would. */
static void peer_pause(struct peer *p)
{
	assert_int_equal(epoll_ctl(master_ep, EPOLL_CTL_DEL, p->ep, NULL), 0);
	p->paused = true;
}

static int peer_open(struct peer **ret, const char *name, int ns, const struct ctf_conf_sync *conf)
{
	struct peer *p = NULL;
	unsigned int i;
	int r;

	for (i = 0; i < 4 && !p; i++)
		if (!pool[i].set)
			p = &pool[i];
	assert_non_null(p);
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->ns = ns;
	enter(ns);
	r = sync_channels_open(&p->set, conf);
	enter(ns_a);
	if (r < 0)
		return r;
	p->ep = epoll_create1(EPOLL_CLOEXEC);
	assert_true(p->ep >= 0);
	assert_int_equal(sync_channels_watch(p->set, p->ep, 7ULL << 16), 0);
	peer_resume(p);
	*ret = p;
	return 0;
}

static void peer_close(struct peer *p)
{
	if (!p->set)
		return;
	if (!p->paused)
		peer_pause(p);
	sync_channels_close(p->set);
	p->set = NULL;
	close(p->ep);
}

/* One round of the event loop: what an engine does, for every peer. */
static void pump(int timeout_ms)
{
	struct epoll_event mev[4], ev[32];
	struct peer *p;
	int n, k, i, j;

	n = epoll_wait(master_ep, mev, 4, timeout_ms);
	for (i = 0; i < n; i++) {
		p = mev[i].data.ptr;
		enter(p->ns);
		k = epoll_wait(p->ep, ev, 32, 0);
		for (j = 0; j < k; j++)
			sync_channels_handle(p->set, ev[j].data.u64, ev[j].events, rx_cb, p);
	}
	for (i = 0; i < 4; i++) {
		p = &pool[i];
		if (p->set && !p->paused) {
			enter(p->ns);
			(void)sync_channels_tick(p->set, now_ms());
		}
	}
	enter(ns_a);
}

static void pump_for(int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	while (now_ms() < end)
		pump(10);
}

#define PUMP_UNTIL(cond, ms)                       \
	({                                         \
		uint64_t end_ = now_ms() + (ms);   \
		while (!(cond) && now_ms() < end_) \
			pump(10);                  \
		(cond);                            \
	})

static struct sync_channel_counters counters(const struct peer *p, unsigned int chan)
{
	struct sync_channel_counters c;

	sync_channels_counters(p->set, chan, &c);
	return c;
}

/* Send @n messages of @len bytes with sequence numbers from @seq, then flush. */
static void send_msgs(struct peer *p, uint32_t seq, unsigned int n, size_t len)
{
	uint8_t buf[2048];
	unsigned int i;

	for (i = 0; i < n; i++) {
		make_msg(buf, seq + i, len);
		assert_int_equal(sync_channels_send(p->set, buf, len), 0);
	}
	sync_channels_flush(p->set);
}

static void assert_seqs(const struct peer *p, unsigned int from, uint32_t seq, unsigned int n)
{
	unsigned int i;

	assert_true(p->rx.msgs >= from + n);
	for (i = 0; i < n; i++)
		assert_int_equal(p->rx.seqs[from + i], seq + i);
}

/* ------------------------------------------------------------ configurations */

static char if_a1[] = "vetha", if_a2[] = "vethc", if_b1[] = "vethb", if_b2[] = "vethd";

static void conf_channel(struct ctf_conf_sync *s, enum ctf_conf_channel_type type, char *ifname,
			 int family, const char *self, const char *dest, uint16_t port)
{
	struct ctf_conf_channel *ch = &s->channels[s->n_channels++];

	ch->type = type;
	ch->ifname = ifname;
	ch->family = (uint8_t)family;
	ch->port = port;
	ch->checksum = true;
	assert_int_equal(inet_pton(family, self, &ch->addr), 1);
	if (dest)
		assert_int_equal(inet_pton(family, dest, &ch->dest), 1);
}

static void conf_init(struct ctf_conf_sync *s)
{
	memset(s, 0, sizeof(*s));
	s->error_queue_length = 128;
}

/* A and B pointed at each other over vetha/vethb (and vethc/vethd when @two). */
static void conf_pair(struct ctf_conf_sync *a, struct ctf_conf_sync *b,
		      enum ctf_conf_channel_type type, uint16_t port, bool two)
{
	conf_init(a);
	conf_init(b);
	conf_channel(a, type, if_a1, AF_INET, "10.77.1.1", "10.77.1.2", port);
	conf_channel(b, type, if_b1, AF_INET, "10.77.1.2", "10.77.1.1", port);
	if (!two)
		return;
	conf_channel(a, type, if_a2, AF_INET, "10.77.2.1", "10.77.2.2", port + 1);
	conf_channel(b, type, if_b2, AF_INET, "10.77.2.2", "10.77.2.1", port + 1);
}

/* ------------------------------------------------------------ UDP */

static void udp_roundtrip(int family, const char *a_ip, const char *b_ip, uint16_t port)
{
	struct peer *a, *b;
	struct ctf_conf_sync ca, cb;

	conf_init(&ca);
	conf_init(&cb);
	conf_channel(&ca, CTF_CONF_CHANNEL_UDP, if_a1, family, a_ip, b_ip, port);
	conf_channel(&cb, CTF_CONF_CHANNEL_UDP, if_b1, family, b_ip, a_ip, port);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	assert_int_equal(sync_channels_mtu(a->set), 1500 - 28);
	assert_true(sync_channels_can_send(a->set));
	assert_true(counters(a, 0).up);

	send_msgs(a, 100, 3, 40);
	assert_true(PUMP_UNTIL(b->rx.msgs == 3, 2000));
	assert_seqs(b, 0, 100, 3);
	assert_int_equal(b->rx.bad, 0);
	/* the three were packed into one datagram by the flush */
	assert_int_equal(b->rx.n_dgrams, 1);
	assert_int_equal(counters(a, 0).datagrams_tx, 1);
	assert_int_equal(counters(a, 0).bytes_tx, 120);
	assert_int_equal(counters(b, 0).datagrams_rx, 1);
	assert_int_equal(counters(b, 0).bytes_rx, 120);

	send_msgs(b, 7, 1, 16);
	assert_true(PUMP_UNTIL(a->rx.msgs == 1, 2000));
	assert_seqs(a, 0, 7, 1);
	assert_int_equal(a->rx.last_chan, 0);
	peer_close(a);
	peer_close(b);
}

static void test_sync_channel_udp4(void **state)
{
	udp_roundtrip(AF_INET, "10.77.1.1", "10.77.1.2", 3700);
}

static void test_sync_channel_udp6(void **state)
{
	udp_roundtrip(AF_INET6, "fd77:1::1", "fd77:1::2", 3702);
}

/* N messages of len bytes arrive in ceil(N * len / (MTU - 28)) datagrams, in order. */
static void test_sync_channel_packing(void **state)
{
	struct ctf_conf_sync ca, cb;
	uint8_t big[2000];
	struct peer *a, *b;
	unsigned int i;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_UDP, 3710, false);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);

	/* 1472 = 23 * 64: every datagram but the last is full to the byte */
	send_msgs(a, 0, 100, 64);
	assert_true(PUMP_UNTIL(b->rx.msgs == 100, 2000));
	assert_int_equal(b->rx.n_dgrams, (100 * 64 + 1471) / 1472);
	for (i = 0; i + 1 < b->rx.n_dgrams; i++)
		assert_int_equal(b->rx.dgrams[i], 1472);
	assert_int_equal(b->rx.dgrams[i], 100 * 64 - 4 * 1472);
	assert_seqs(b, 0, 0, 100);

	/* a message larger than the buffer goes alone, after what was packed */
	b->rx.n_dgrams = 0;
	send_msgs(a, 200, 1, 64);
	assert_int_equal(sync_channels_send(a->set, msg(big, 201, 64), 64), 0);
	assert_int_equal(sync_channels_send(a->set, msg(big, 202, sizeof(big)), sizeof(big)), 0);
	sync_channels_flush(a->set);
	assert_true(PUMP_UNTIL(b->rx.msgs == 103, 2000));
	assert_int_equal(b->rx.n_dgrams, 3);
	assert_int_equal(b->rx.dgrams[0], 64);
	assert_int_equal(b->rx.dgrams[1], 64);
	assert_int_equal(b->rx.dgrams[2], sizeof(big));
	assert_seqs(b, 100, 200, 3);
	assert_int_equal(b->rx.bad, 0);

	/* the watch follows MTU changes */
	assert_int_equal(sh(ns_a, "ip link set vetha mtu 1200"), 0);
	assert_true(PUMP_UNTIL(sync_channels_mtu(a->set) == 1200 - 28, 2000));
	b->rx.n_dgrams = 0;
	send_msgs(a, 300, 50, 100);
	assert_true(PUMP_UNTIL(b->rx.msgs == 153, 2000));
	assert_int_equal(b->rx.dgrams[0], 11 * 100);
	assert_int_equal(sh(ns_a, "ip link set vetha mtu 1500"), 0);
	peer_close(a);
	peer_close(b);
}

/* ------------------------------------------------------------ multicast */

static void mcast_conf(struct ctf_conf_sync *s, char *ifname, int family, const char *group,
		       const char *ifaddr, uint16_t port)
{
	conf_init(s);
	conf_channel(s, CTF_CONF_CHANNEL_MCAST, ifname, family, group, NULL, port);
	if (ifaddr)
		assert_int_equal(inet_pton(AF_INET, ifaddr, &s->channels[0].ifaddr), 1);
}

/* A unicast datagram to B's port, which a socket bound to INADDR_ANY (1.4.7) would take. */
static void send_unicast(const char *dst, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t buf[64];
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	inet_pton(AF_INET, dst, &sin.sin_addr);
	make_msg(buf, 999, sizeof(buf));
	assert_int_equal(sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin, sizeof(sin)),
			 sizeof(buf));
	close(fd);
}

static void mcast_roundtrip(int family, const char *group, uint16_t port)
{
	struct ctf_conf_sync ca, cb;
	struct peer *a, *b;

	mcast_conf(&ca, if_a1, family, group, family == AF_INET ? "10.77.1.1" : NULL, port);
	mcast_conf(&cb, if_b1, family, group, family == AF_INET ? "10.77.1.2" : NULL, port);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);

	if (family == AF_INET)
		send_unicast("10.77.1.2", port); /* same link, ahead of the group's datagram */
	send_msgs(a, 10, 2, 100);
	assert_true(PUMP_UNTIL(b->rx.msgs >= 2, 2000));
	send_msgs(b, 20, 1, 100);
	assert_true(PUMP_UNTIL(a->rx.msgs >= 1, 2000));
	/* the group was bound, so the unicast one never arrived; no loopback of our own */
	assert_int_equal(b->rx.msgs, 2);
	assert_seqs(b, 0, 10, 2);
	assert_int_equal(a->rx.msgs, 1);
	assert_seqs(a, 0, 20, 1);
	assert_int_equal(counters(a, 0).datagrams_rx, 1);
	assert_int_equal(counters(b, 0).datagrams_rx, 1);
	peer_close(a);
	peer_close(b);
}

static void test_sync_channel_mcast4(void **state)
{
	mcast_roundtrip(AF_INET, "225.0.0.77", 3720);
}

static void test_sync_channel_mcast6(void **state)
{
	mcast_roundtrip(AF_INET6, "ff12::77", 3722);
}

/* ------------------------------------------------------------ TCP */

static bool connected(struct peer *p)
{
	return sync_channels_can_send(p->set);
}

/* The second node starts 1.5 s after the first: both directions sync within 0.5 s. */
static void tcp_start_order(bool a_first, uint16_t port)
{
	struct ctf_conf_sync ca, cb;
	struct peer *first, *second;
	uint64_t t0;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_TCP, port, false);
	assert_int_equal(
		peer_open(&first, a_first ? "A" : "B", a_first ? ns_a : ns_b, a_first ? &ca : &cb),
		0);
	assert_false(connected(first));
	send_msgs(first, 1, 1, 50); /* waits in the error queue */
	pump_for(1500);		    /* the first node's connects are refused meanwhile */
	assert_false(connected(first));
	assert_true(counters(first, 0).errors_tx >= 2);

	t0 = now_ms();
	assert_int_equal(
		peer_open(&second, a_first ? "B" : "A", a_first ? ns_b : ns_a, a_first ? &cb : &ca),
		0);
	send_msgs(second, 2, 1, 50);
	assert_true(PUMP_UNTIL(second->rx.msgs == 1 && first->rx.msgs == 1, 2000));
	assert_true(now_ms() - t0 < 500);
	assert_seqs(second, 0, 1, 1);
	assert_seqs(first, 0, 2, 1);
	assert_true(connected(first) && connected(second));
	assert_true(counters(first, 0).accepted && counters(second, 0).accepted);
	assert_int_equal(sync_channels_mtu(first->set), 1500 - 40);
	peer_close(first);
	peer_close(second);
}

static void test_sync_channel_tcp_start_orders(void **state)
{
	tcp_start_order(true, 3730);
	tcp_start_order(false, 3732);
}

static int tcp_client(int ns, const char *dst, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1;

	enter(ns);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	enter(ns_a);
	assert_true(fd >= 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	inet_pton(AF_INET, dst, &sin.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* A message split across reads is reassembled; a replaced connection's torn tail is dropped. */
static void test_sync_channel_tcp_split(void **state)
{
	struct ctf_conf_sync ca, cb;
	uint8_t buf[3 * 60];
	uint64_t before;
	struct peer *a;
	int fd, fd2;
	size_t i;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_TCP, 3740, false);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	fd = tcp_client(ns_b, "10.77.1.1", 3740);
	for (i = 0; i < 3; i++)
		make_msg(buf + 60 * i, (uint32_t)(50 + i), 60);
	for (i = 0; i < sizeof(buf); i++) {
		before = counters(a, 0).bytes_rx;
		assert_int_equal(send(fd, buf + i, 1, 0), 1);
		assert_true(PUMP_UNTIL(counters(a, 0).bytes_rx == before + 1, 2000));
	}
	assert_int_equal(a->rx.msgs, 3);
	assert_seqs(a, 0, 50, 3);
	assert_int_equal(a->rx.bad, 0);
	assert_int_equal(counters(a, 0).datagrams_rx, sizeof(buf)); /* one byte per read */
	assert_true(counters(a, 0).accepted);

	/* half a message, then a new connection replaces this one */
	make_msg(buf, 60, 60);
	assert_int_equal(send(fd, buf, 30, 0), 30);
	assert_true(PUMP_UNTIL(counters(a, 0).bytes_rx == sizeof(buf) + 30, 2000));
	fd2 = tcp_client(ns_b, "10.77.1.1", 3740);
	make_msg(buf, 61, 60);
	assert_int_equal(send(fd2, buf, 60, 0), 60);
	assert_true(PUMP_UNTIL(a->rx.msgs == 4, 2000));
	assert_seqs(a, 3, 61, 1);
	assert_int_equal(a->rx.bad, 0);
	/* the old connection was closed by A */
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 0);
	close(fd);
	close(fd2);
	peer_close(a);
}

/*
 * B stalls with a message half sent and the rest of it, and more, in the
 * error queue; B restarts; A reconnects and the new B sees whole messages
 * only, in order, starting with the torn one.
 */
static void test_sync_channel_tcp_restart(void **state)
{
	static uint8_t huge[60000];
	unsigned int i, sent = 0, torn;
	struct ctf_conf_sync ca, cb;
	struct peer *a, *b;
	uint64_t before;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_TCP, 3750, false);
	ca.channels[0].sndbuf = 4096;
	cb.channels[0].rcvbuf = 4096;
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	assert_true(PUMP_UNTIL(connected(a) && connected(b), 2000));
	send_msgs(a, sent, 10, 300);
	sent += 10;
	assert_true(PUMP_UNTIL(b->rx.msgs == 10, 2000));

	/* more than both socket buffers take: the message goes out in part, the rest waits */
	peer_pause(b);
	before = counters(a, 0).bytes_tx;
	torn = sent++;
	assert_int_equal(sync_channels_send(a->set, msg(huge, torn, sizeof(huge)), sizeof(huge)),
			 0);
	assert_true(counters(a, 0).bytes_tx > before);
	assert_true(counters(a, 0).bytes_tx < before + sizeof(huge));
	send_msgs(a, sent, 5, 300);
	sent += 5;
	peer_close(b);
	assert_true(PUMP_UNTIL(!connected(a), 2000));
	assert_true(counters(a, 0).errors_tx > 0);
	send_msgs(a, sent, 5, 300);
	sent += 5;

	/* the new B gets the torn message again, whole, and everything behind it */
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	assert_true(PUMP_UNTIL(b->rx.msgs > 0 && b->rx.seqs[b->rx.msgs - 1] == sent - 1, 5000));
	assert_int_equal(b->rx.bad, 0);
	assert_int_equal(b->rx.msgs, sent - torn);
	for (i = 0; i < b->rx.msgs; i++)
		assert_int_equal(b->rx.seqs[i], torn + i);
	assert_true(connected(a));
	peer_close(a);
	peer_close(b);
}

/* Buffers wait while the peer is away; a full queue drops and counts; order holds. */
static void test_sync_channel_tcp_errq(void **state)
{
	struct ctf_conf_sync ca, cb;
	uint8_t big[1460];
	struct peer *a, *b;
	unsigned int i;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_TCP, 3760, false);
	ca.error_queue_length = 4;
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_false(sync_channels_can_send(a->set));
	for (i = 0; i < 10; i++)
		send_msgs(a, i, 1, 100); /* one buffer per flush */
	assert_int_equal(counters(a, 0).dropped_tx, 6);
	/* a message that fills a buffer goes out at once: here it is dropped, and says so */
	assert_int_equal(sync_channels_send(a->set, msg(big, 10, sizeof(big)), sizeof(big)),
			 -ENOBUFS);
	assert_int_equal(counters(a, 0).dropped_tx, 7);

	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	assert_true(PUMP_UNTIL(b->rx.msgs == 4, 2000));
	assert_seqs(b, 0, 0, 4);
	assert_true(sync_channels_can_send(a->set));
	send_msgs(a, 100, 10, 100);
	assert_true(PUMP_UNTIL(b->rx.msgs == 14, 2000));
	assert_seqs(b, 4, 100, 10);
	assert_int_equal(b->rx.bad, 0);
	peer_close(a);
	peer_close(b);
}

/* ------------------------------------------------------------ multichannel */

static void test_sync_channel_failover(void **state)
{
	struct ctf_conf_sync ca, cb;
	struct sync_out o = { 0 };
	struct peer *a, *b;
	uint8_t buf[64];

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_UDP, 3770, true);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	b->follow = true;
	n_logs = 0;
	assert_int_equal(sync_channels_count(a->set), 2);
	assert_int_equal(sync_channels_current(a->set), 0);
	send_msgs(a, 1, 1, 64);
	assert_true(PUMP_UNTIL(b->rx.msgs == 1, 2000));
	assert_int_equal(b->rx.last_chan, 0);

	assert_int_equal(sh(ns_a, "ip link set vetha down"), 0);
	assert_true(PUMP_UNTIL(
		sync_channels_current(a->set) == 1 && sync_channels_current(b->set) == 1, 3000));
	assert_int_equal(log_find("device `vethc' becomes dedicated link"), LOG_NOTICE);
	assert_int_equal(log_find("device `vethd' becomes dedicated link"), LOG_NOTICE);
	send_msgs(a, 2, 1, 64);
	assert_true(PUMP_UNTIL(b->rx.msgs == 2, 2000));
	assert_int_equal(b->rx.last_chan, 1);
	assert_int_equal(b->rx.per_chan[1], 1);

	sync_channels_link_text(a->set, &o);
	assert_non_null(strstr(o.buf, "UDP traffic device=vetha status=DOWN role=BACKUP:\n"));
	assert_non_null(strstr(o.buf, "UDP traffic device=vethc status=RUNNING role=ACTIVE:\n"));
	out_done(&o);
	sync_channels_link_text(b->set, &o);
	assert_non_null(strstr(o.buf, "UDP traffic device=vethb status=NO-CARRIER role=BACKUP:\n"));
	out_done(&o);

	/* nothing left: said once, and messages are refused and counted */
	assert_int_equal(sh(ns_a, "ip link set vethc down"), 0);
	assert_true(PUMP_UNTIL(log_find("no dedicated links available!") >= 0, 3000));
	assert_int_equal(log_find("no dedicated links available!"), LOG_ERR);
	assert_int_equal(sync_channels_send(a->set, msg(buf, 3, 64), 64), -ENETDOWN);
	assert_int_equal(counters(a, 1).dropped_tx, 1);
	assert_false(counters(a, 1).up);

	/* links back: the current one first, so it stays current */
	assert_int_equal(sh(ns_a, "ip link set vethc up"), 0);
	assert_true(PUMP_UNTIL(counters(a, 1).up, 3000));
	assert_int_equal(sh(ns_a, "ip link set vetha up"), 0);
	assert_true(PUMP_UNTIL(counters(a, 0).up, 3000));
	assert_true(wait_running(ns_b, "vethb", true) && wait_running(ns_b, "vethd", true));
	assert_int_equal(sync_channels_current(a->set), 1);

	/* a message on channel 0 makes it B's current channel, silently */
	n_logs = 0;
	sync_channels_set_current(a->set, 0);
	send_msgs(a, 4, 1, 64);
	assert_true(PUMP_UNTIL(b->rx.msgs == 3, 2000));
	assert_int_equal(b->rx.last_chan, 0);
	assert_int_equal(sync_channels_current(b->set), 0);
	assert_int_equal(n_logs, 0);
	peer_close(a);
	peer_close(b);
}

/* Default picks the first current channel; a message elsewhere moves it, silently. */
static void test_sync_channel_default(void **state)
{
	struct ctf_conf_sync ca, cb;
	struct peer *a, *b;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_UDP, 3775, true);
	ca.default_channel = 1;
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	b->follow = true;
	assert_int_equal(sync_channels_current(a->set), 1);
	assert_int_equal(sync_channels_current(b->set), 0);
	n_logs = 0;
	send_msgs(a, 1, 1, 64);
	assert_true(PUMP_UNTIL(b->rx.msgs == 1, 2000));
	assert_int_equal(b->rx.last_chan, 1);
	assert_int_equal(sync_channels_current(b->set), 1);
	assert_int_equal(n_logs, 0);
	peer_close(a);
	peer_close(b);
}

/* ------------------------------------------------------------ 1.4.7's texts */

/*
 * Captured from Debian's conntrackd 1.4.7 (two namespaces, two veth pairs
 * named as here, FTFW; "conntrackd -s" and "-s link"): see the test's
 * report for the configurations. Only the numbers differ between runs.
 */
static const char ref_udp_s[] = "UDP traffic (active device=vetha):\n"
				"                  40 Bytes sent                   48 Bytes recv\n"
				"                   3 Pckts sent                    3 Pckts recv\n"
				"                   0 Error send                    0 Error recv\n"
				"\n";
static const char ref_udp_link[] =
	"UDP traffic device=vetha status=RUNNING role=ACTIVE:\n"
	"                  40 Bytes sent                   48 Bytes recv\n"
	"                   3 Pckts sent                    3 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n"
	"UDP traffic device=vethc status=RUNNING role=BACKUP:\n"
	"                   0 Bytes sent                    0 Bytes recv\n"
	"                   0 Pckts sent                    0 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n";
static const char ref_udp_link_nocarrier[] =
	"UDP traffic device=vetha status=NO-CARRIER role=BACKUP:\n"
	"                  88 Bytes sent                   96 Bytes recv\n"
	"                   6 Pckts sent                    6 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n"
	"UDP traffic device=vethc status=RUNNING role=ACTIVE:\n"
	"                  32 Bytes sent                   32 Bytes recv\n"
	"                   2 Pckts sent                    2 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n";
static const char ref_mcast_s[] =
	"multicast traffic (active device=vetha):\n"
	"                  40 Bytes sent                   48 Bytes recv\n"
	"                   3 Pckts sent                    3 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n";
static const char ref_mcast_link[] =
	"multicast traffic device=vetha status=RUNNING role=ACTIVE:\n"
	"                  40 Bytes sent                   48 Bytes recv\n"
	"                   3 Pckts sent                    3 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n"
	"multicast traffic device=vethc status=RUNNING role=BACKUP:\n"
	"                   0 Bytes sent                    0 Bytes recv\n"
	"                   0 Pckts sent                    0 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n";
static const char ref_tcp_s_alone[] =
	"TCP traffic (active device=vetha) server=disconnected client=disconnected:\n"
	"                   0 Bytes sent                    0 Bytes recv\n"
	"                   0 Pckts sent                    0 Pckts recv\n"
	"                   2 Error send                    0 Error recv\n"
	"\n";
static const char ref_tcp_s[] =
	"TCP traffic (active device=vetha) server=connected client=connected:\n"
	"                  88 Bytes sent                   48 Bytes recv\n"
	"                   8 Pckts sent                    4 Pckts recv\n"
	"                   3 Error send                    0 Error recv\n"
	"\n";
static const char ref_tcp_link[] =
	"TCP traffic device=vetha status=RUNNING role=ACTIVE:\n"
	"                  88 Bytes sent                   48 Bytes recv\n"
	"                   8 Pckts sent                    4 Pckts recv\n"
	"                   3 Error send                    0 Error recv\n"
	"\n"
	"TCP traffic device=vethc status=RUNNING role=BACKUP:\n"
	"                   0 Bytes sent                    0 Bytes recv\n"
	"                   0 Pckts sent                    0 Pckts recv\n"
	"                   0 Error send                    0 Error recv\n"
	"\n";

/* Numbers are right-aligned in 20 columns: blank the digits and the layout remains. */
static void blank_digits(char *s)
{
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			*s = ' ';
}

static void assert_layout(const char *ours, const char *ref)
{
	char *a = strdup(ours), *b = strdup(ref);

	blank_digits(a);
	blank_digits(b);
	if (strcmp(a, b))
		fail_msg("layout differs from 1.4.7's:\n--- ours\n%s--- 1.4.7\n%s", ours, ref);
	free(a);
	free(b);
}

/* The numbers in the text are the counters. */
static void assert_numbers(const char *text, const struct sync_channel_counters *c)
{
	unsigned long long v[6];
	const char *p = strchr(text, '\n');

	assert_non_null(p);
	assert_int_equal(sscanf(p,
				" %llu Bytes sent %llu Bytes recv %llu Pckts sent %llu Pckts "
				"recv %llu Error send %llu Error recv",
				&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]),
			 6);
	assert_int_equal(v[0], c->bytes_tx);
	assert_int_equal(v[1], c->bytes_rx);
	assert_int_equal(v[2], c->datagrams_tx);
	assert_int_equal(v[3], c->datagrams_rx);
	assert_int_equal(v[4], c->errors_tx);
	assert_int_equal(v[5], c->errors_rx);
}

static void check_texts(struct peer *p, const char *ref_s, const char *ref_link)
{
	struct sync_channel_counters c = counters(p, sync_channels_current(p->set));
	struct sync_out o = { 0 };

	sync_channels_stats_text(p->set, &o);
	assert_false(o.oom);
	assert_layout(o.buf, ref_s);
	assert_numbers(o.buf, &c);
	out_done(&o);
	sync_channels_link_text(p->set, &o);
	assert_layout(o.buf, ref_link);
	out_done(&o);
}

static void assert_text(const struct peer *p, bool link, const char *ref)
{
	struct sync_out o = { 0 };

	if (link)
		sync_channels_link_text(p->set, &o);
	else
		sync_channels_stats_text(p->set, &o);
	assert_layout(o.buf, ref);
	out_done(&o);
}

/* UDP; then vethb loses its link, so vetha has no carrier and vethc takes over. */
static void test_sync_channel_stats_udp(void **state)
{
	struct ctf_conf_sync ca, cb;
	struct peer *a, *b;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_UDP, 3780, true);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	send_msgs(a, 1, 2, 20);
	send_msgs(b, 1, 3, 16);
	assert_true(PUMP_UNTIL(a->rx.msgs == 3 && b->rx.msgs == 2, 2000));
	check_texts(a, ref_udp_s, ref_udp_link);
	peer_close(b);
	assert_int_equal(sh(ns_b, "ip link set vethb down"), 0);
	assert_true(PUMP_UNTIL(sync_channels_current(a->set) == 1, 3000));
	assert_text(a, true, ref_udp_link_nocarrier);
	peer_close(a);
}

static void test_sync_channel_stats_mcast(void **state)
{
	struct ctf_conf_sync ca, cb;
	struct peer *a, *b;

	mcast_conf(&ca, if_a1, AF_INET, "225.0.0.78", "10.77.1.1", 3782);
	conf_channel(&ca, CTF_CONF_CHANNEL_MCAST, if_a2, AF_INET, "225.0.0.79", NULL, 3783);
	mcast_conf(&cb, if_b1, AF_INET, "225.0.0.78", "10.77.1.2", 3782);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	send_msgs(b, 1, 3, 16);
	assert_true(PUMP_UNTIL(a->rx.msgs == 3, 2000));
	check_texts(a, ref_mcast_s, ref_mcast_link);
	peer_close(a);
	peer_close(b);
}

/* TCP: alone, then connected both ways on both channels. */
static void test_sync_channel_stats_tcp(void **state)
{
	struct ctf_conf_sync ca, cb;
	struct peer *a, *b;

	conf_pair(&ca, &cb, CTF_CONF_CHANNEL_TCP, 3784, true);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	pump_for(200);
	assert_text(a, false, ref_tcp_s_alone);
	assert_int_equal(peer_open(&b, "B", ns_b, &cb), 0);
	assert_true(PUMP_UNTIL(connected(a) && counters(a, 0).accepted && counters(a, 1).accepted,
			       2000));
	send_msgs(a, 1, 1, 300); /* three digits, as in the reference */
	send_msgs(b, 1, 1, 100);
	assert_true(PUMP_UNTIL(a->rx.msgs == 1 && b->rx.msgs == 1, 2000));
	check_texts(a, ref_tcp_s, ref_tcp_link);
	peer_close(a);
	peer_close(b);
}

/*
 * The same against a live conntrackd 1.4.7 in B: our UDP channel in A takes
 * its datagrams, and its "-s" channel block has our layout.
 */
static char *run_capture(int ns, const char *cmd)
{
	struct sync_out o = { 0 };
	char buf[4096];
	size_t n;
	FILE *f;

	enter(ns);
	f = popen(cmd, "r");
	enter(ns_a);
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		out_put(&o, buf, n);
	pclose(f);
	return o.buf ? o.buf : strdup("");
}

/* The block from @head to its blank line, in place. */
static char *cut_block(char *text, const char *head)
{
	char *p = strstr(text, head), *end;

	if (!p)
		return NULL;
	end = strstr(p, "\n\n");
	if (end)
		end[2] = '\0';
	return p;
}

static void rename_dev(char *s, const char *from, const char *to)
{
	char *p;

	while ((p = strstr(s, from)))
		memcpy(p, to, strlen(to));
}

static pid_t pid_147 = -1;

static pid_t start_147(const char *dir)
{
	char conf[256], ctl[256];
	uint64_t end = now_ms() + 5000;
	struct stat st;
	FILE *f;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/b.conf", dir);
	snprintf(ctl, sizeof(ctl), "%s/b.ctl", dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f,
		"Sync {\n\tMode NOTRACK {\n\t}\n\tUDP {\n\t\tIPv4_address 10.77.2.2\n"
		"\t\tIPv4_Destination_Address 10.77.2.1\n\t\tPort 3790\n"
		"\t\tInterface vethd\n\t\tChecksum on\n\t}\n}\n"
		"General {\n\tHashSize 1024\n\tHashLimit 4096\n\tLogFile %s/b.log\n"
		"\tSyslog off\n\tLockFile %s/b.lock\n\tUNIX {\n\t\tPath %s\n\t}\n}\n",
		dir, dir, ctl);
	fclose(f);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (setns(ns_b, CLONE_NEWNET) < 0)
			_exit(1);
		dup2(null, 1);
		dup2(null, 2);
		execl(CONNTRACKD_147, "conntrackd", "-C", conf, (char *)NULL);
		_exit(127);
	}
	while (now_ms() < end && stat(ctl, &st) < 0)
		pump(10);
	if (stat(ctl, &st) < 0) {
		/* the reference cannot run here (no ctnetlink, ...): not our failure */
		fprintf(stderr, "skip: conntrackd 1.4.7 did not start, see %s/b.log\n", dir);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void test_sync_channel_live_147(void **state)
{
	char dir[] = "/tmp/ctf_sync_channel_XXXXXX", cmd[512], *text, *block;
	struct ctf_conf_sync ca;
	struct sync_out o = { 0 };
	unsigned int n_recv;
	struct peer *a;

	if (access(CONNTRACKD_147, X_OK) < 0)
		skip();
	assert_non_null(mkdtemp(dir));
	conf_init(&ca);
	conf_channel(&ca, CTF_CONF_CHANNEL_UDP, if_a2, AF_INET, "10.77.2.1", "10.77.2.2", 3790);
	assert_int_equal(peer_open(&a, "A", ns_a, &ca), 0);
	pid_147 = start_147(dir);
	if (pid_147 < 0)
		skip();
	/* 1.4.7 NOTRACK says ALIVE every second: 8-byte messages of type CTL */
	assert_true(PUMP_UNTIL(counters(a, 0).datagrams_rx > 0, 5000));
	sync_channels_send(a->set, "\x1a\x10\x00\x08\x00\x00\x00\x01", 8);
	sync_channels_flush(a->set);
	pump_for(100);

	snprintf(cmd, sizeof(cmd), CONNTRACKD_147 " -C %s/b.conf -s 2>&1", dir);
	text = run_capture(ns_b, cmd);
	block = cut_block(text, "UDP traffic (active device=");
	if (!block)
		fail_msg("no channel block in 1.4.7's -s output:\n%s", text);
	sync_channels_stats_text(a->set, &o);
	rename_dev(o.buf, "vethc", "vethd");
	assert_layout(o.buf, block);
	out_done(&o);
	/* and it took our datagram: its "Pckts recv" */
	assert_int_equal(sscanf(strchr(block, '\n'),
				" %*u Bytes sent %*u Bytes recv %*u Pckts sent %u", &n_recv),
			 1);
	assert_true(n_recv >= 1);
	free(text);

	snprintf(cmd, sizeof(cmd), CONNTRACKD_147 " -C %s/b.conf -s link 2>&1", dir);
	text = run_capture(ns_b, cmd);
	sync_channels_link_text(a->set, &o);
	rename_dev(o.buf, "vethc", "vethd");
	assert_layout(o.buf, text);
	out_done(&o);
	free(text);

	kill(pid_147, SIGTERM);
	waitpid(pid_147, NULL, 0);
	pid_147 = -1;
	peer_close(a);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
}

/* ------------------------------------------------------------ main */

/* After every test, failed or not: nothing it opened is left to disturb the next. */
static int teardown(void **state)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		peer_close(&pool[i]);
	if (pid_147 > 0) {
		kill(pid_147, SIGTERM);
		waitpid(pid_147, NULL, 0);
		pid_147 = -1;
	}
	enter(ns_a);
	/* links as the tests expect them, whatever a failed one left */
	if (sh(ns_a, "ip link set vetha mtu 1500 up && ip link set vethc up") != 0 ||
	    sh(ns_b, "ip link set vethb up && ip link set vethd up") != 0)
		return -1;
	if (!wait_running(ns_a, "vetha", true) || !wait_running(ns_a, "vethc", true) ||
	    !wait_running(ns_b, "vethb", true) || !wait_running(ns_b, "vethd", true))
		return -1;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sync_channel_udp4, teardown),
		cmocka_unit_test_teardown(test_sync_channel_udp6, teardown),
		cmocka_unit_test_teardown(test_sync_channel_packing, teardown),
		cmocka_unit_test_teardown(test_sync_channel_mcast4, teardown),
		cmocka_unit_test_teardown(test_sync_channel_mcast6, teardown),
		cmocka_unit_test_teardown(test_sync_channel_tcp_start_orders, teardown),
		cmocka_unit_test_teardown(test_sync_channel_tcp_split, teardown),
		cmocka_unit_test_teardown(test_sync_channel_tcp_restart, teardown),
		cmocka_unit_test_teardown(test_sync_channel_tcp_errq, teardown),
		cmocka_unit_test_teardown(test_sync_channel_failover, teardown),
		cmocka_unit_test_teardown(test_sync_channel_default, teardown),
		cmocka_unit_test_teardown(test_sync_channel_stats_udp, teardown),
		cmocka_unit_test_teardown(test_sync_channel_stats_mcast, teardown),
		cmocka_unit_test_teardown(test_sync_channel_stats_tcp, teardown),
		cmocka_unit_test_teardown(test_sync_channel_live_147, teardown),
	};
	int r;

	r = netns_enter_private(NULL);
	if (r != 0)
		return r;
	if (system("ip -V >/dev/null 2>&1") != 0) {
		fprintf(stderr, "skip: needs iproute2's ip\n");
		return SKIP_RETURN_CODE;
	}
	r = make_namespaces();
	if (r < 0) {
		fprintf(stderr, "skip: cannot set up the namespaces: %s\n", strerror(-r));
		return SKIP_RETURN_CODE;
	}
	master_ep = epoll_create1(EPOLL_CLOEXEC);
	ctf_log_set_sink(log_sink, NULL);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("sync_channel", tests, NULL, NULL);
}
