// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-record: write the raw ctnetlink datagrams of a conntrack dump, or of
 * the events seen for a while, to a .nl file that the unit tests replay.
 * Run it inside a network namespace made for the purpose.
 *
 *   ctf-record dump OUT.nl [ipv4|ipv6]
 *   ctf-record events OUT.nl SECONDS [MAX_DATAGRAMS]
 *   ctf-record exp-dump OUT.nl [ipv4|ipv6]       (the expectation table)
 *   ctf-record exp-events OUT.nl SECONDS [MAX_DATAGRAMS]
 *
 * "events" stops early, keeping what it has, on SIGINT or SIGTERM.
 *
 * .nl file format (all integers in host byte order, little-endian on every
 * machine this project runs on):
 *
 *   offset 0   8 bytes  magic "CTFNL1\n\0"
 *   offset 8   u64      CLOCK_REALTIME in ns when the recording ended: the
 *                       "now" that time-dependent fields (delta-time) are
 *                       formatted against, by our tests and by the oracle
 *   offset 16  records until end of file:
 *                u32    length of the datagram
 *                bytes  the datagram exactly as recv() returned it (one or
 *                       more nlmsgs; a dump ends with its NLMSG_DONE)
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/exp.h>
#include <ctflow/nl.h>

#define CTF_NL_MAGIC "CTFNL1\n"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int write_header(FILE *fp, uint64_t now_ns)
{
	char magic[8] = CTF_NL_MAGIC;

	if (fseek(fp, 0, SEEK_SET) < 0 || fwrite(magic, sizeof(magic), 1, fp) != 1 ||
	    fwrite(&now_ns, sizeof(now_ns), 1, fp) != 1)
		return -EIO;
	return 0;
}

static int write_datagram(FILE *fp, const void *buf, size_t len)
{
	uint32_t n = (uint32_t)len;

	if (fwrite(&n, sizeof(n), 1, fp) != 1 || fwrite(buf, 1, len, fp) != len)
		return -EIO;
	return 0;
}

/* True when the datagram holds the dump's NLMSG_DONE or an error. */
static int dump_finished(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;

	for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return -EPROTO;
	}
	return 0;
}

static int record_dump(struct ctf_nl *nl, FILE *fp, uint8_t family, void *buf, bool exp)
{
	char req[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	ssize_t n;
	int r;

	if (exp)
		nlh = ctf_exp_msg_put(req, IPCTNL_MSG_EXP_GET, NLM_F_DUMP, family,
				      ctf_nl_next_seq(nl));
	else
		nlh = ctf_ct_msg_put(req, IPCTNL_MSG_CT_GET, NLM_F_DUMP, family,
				     ctf_nl_next_seq(nl));
	r = ctf_nl_send(nl, nlh, nlh->nlmsg_len);
	if (r < 0)
		return r;
	do {
		n = ctf_nl_recv(nl, buf, CTF_NL_RECV_SIZE);
		if (n < 0)
			return (int)n;
		r = write_datagram(fp, buf, (size_t)n);
		if (r == 0)
			r = dump_finished(buf, (size_t)n);
	} while (r == 0);
	return r < 0 ? r : 0;
}

static int record_events(struct ctf_nl *nl, FILE *fp, int seconds, long max, void *buf)
{
	uint64_t until = realtime_ns() + (uint64_t)seconds * 1000000000ULL;
	struct pollfd pfd = { .fd = ctf_nl_fd(nl), .events = POLLIN };
	long count = 0;
	ssize_t n;
	int r;

	while (count < max && !stop) {
		uint64_t now = realtime_ns();

		if (now >= until)
			break;
		r = poll(&pfd, 1, (int)((until - now) / 1000000ULL) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			continue;
		n = ctf_nl_recv(nl, buf, CTF_NL_RECV_SIZE);
		if (n == -EAGAIN)
			continue;
		if (n < 0)
			return (int)n;
		r = write_datagram(fp, buf, (size_t)n);
		if (r < 0)
			return r;
		count++;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ctf-record dump OUT.nl [ipv4|ipv6]\n"
			"       ctf-record events OUT.nl SECONDS [MAX_DATAGRAMS]\n"
			"       ctf-record exp-dump OUT.nl [ipv4|ipv6]\n"
			"       ctf-record exp-events OUT.nl SECONDS [MAX_DATAGRAMS]\n");
	exit(2);
}

static int run(const char *mode, FILE *fp, int argc, char **argv, void *buf)
{
	bool exp = strncmp(mode, "exp-", 4) == 0;
	int r, events = strcmp(mode + (exp ? 4 : 0), "events") == 0;
	unsigned int groups = 0;
	uint8_t family = AF_UNSPEC;
	struct ctf_nl *nl;

	if (!events && argc > 3)
		family = strcmp(argv[3], "ipv6") == 0 ? AF_INET6 : AF_INET;
	if (events && exp)
		groups = (1U << (NFNLGRP_CONNTRACK_EXP_NEW - 1)) |
			 (1U << (NFNLGRP_CONNTRACK_EXP_UPDATE - 1)) |
			 (1U << (NFNLGRP_CONNTRACK_EXP_DESTROY - 1));
	else if (events)
		groups = (1U << (NFNLGRP_CONNTRACK_NEW - 1)) |
			 (1U << (NFNLGRP_CONNTRACK_UPDATE - 1)) |
			 (1U << (NFNLGRP_CONNTRACK_DESTROY - 1));
	r = ctf_nl_open(&nl, groups);
	if (r < 0)
		return r;
	if (events)
		r = record_events(nl, fp, atoi(argv[3]), argc > 4 ? atol(argv[4]) : 1L << 30, buf);
	else
		r = record_dump(nl, fp, family, buf, exp);
	ctf_nl_close(nl);
	return r;
}

int main(int argc, char **argv)
{
	void *buf;
	FILE *fp;
	int r;

	const char *mode = argc > 1 ? argv[1] : "";

	if (!strncmp(mode, "exp-", 4))
		mode += 4;
	if (argc < 3 || (strcmp(mode, "dump") && strcmp(mode, "events")) ||
	    (!strcmp(mode, "events") && argc < 4))
		usage();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fp = fopen(argv[2], "wb");
	buf = malloc(CTF_NL_RECV_SIZE);
	if (!fp || !buf) {
		perror(argv[2]);
		return 1;
	}
	r = write_header(fp, 0);
	if (r == 0)
		r = run(argv[1], fp, argc, argv, buf);
	if (r == 0)
		r = write_header(fp, realtime_ns());
	if (fclose(fp) != 0 && r == 0)
		r = -EIO;
	free(buf);
	if (r < 0) {
		fprintf(stderr, "ctf-record: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
