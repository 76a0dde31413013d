// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's own limit, for ct_bench.py: the least a program can do with
 * plain libmnl (no libctflow), against which conntrack -L / -D are timed.
 *   nl_minimal fill N       create N entries, half udp, half tcp, in batches
 *   nl_minimal dump         dump the table and count the entries, nothing else
 *   nl_minimal dump-delete  dump the udp entries (kernel-side protocol filter)
 *                           and delete each one as it arrives
 * Run it inside the namespace under test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define RECV_SIZE (64U << 10)
#define BATCH_SIZE (128U << 10)
#define CTA_FILTER_F_PROTO_NUM (1U << 3) /* net/netfilter/nf_internals.h */

static struct nlmsghdr *put_header(void *buf, uint16_t type, uint16_t flags, uint8_t family,
				   uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	return nlh;
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, uint32_t src, uint32_t dst,
		      uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, src);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, dst);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, sport);
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, dport);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

static struct mnl_socket *open_sock(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int v = 16 << 20;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		exit(1);
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v));
	return nl;
}

/* Read replies until every one of @pending requests is ACKed; count errors. */
static unsigned long drain_acks(struct mnl_socket *nl, char *buf, unsigned long pending)
{
	unsigned long errors = 0;

	while (pending > 0) {
		int n = (int)mnl_socket_recvfrom(nl, buf, RECV_SIZE);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n < 0) {
			perror("recv");
			exit(1);
		}
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			pending--;
			if (((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error)
				errors++;
		}
	}
	return errors;
}

static int fill(unsigned long count)
{
	struct mnl_socket *nl = open_sock();
	char *batch = malloc(BATCH_SIZE), *rbuf = malloc(RECV_SIZE);
	unsigned long i, queued = 0, errors = 0;
	size_t len = 0;

	for (i = 0; i < count; i++) {
		struct nlmsghdr *nlh = put_header(batch + len, IPCTNL_MSG_CT_NEW,
						  NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, AF_INET,
						  (uint32_t)i);
		uint8_t proto = i % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		uint32_t src = htonl(0x0a000000 | (uint32_t)(i >> 1)), dst = htonl(0xc0a80001);
		uint16_t sport = htons((uint16_t)(1024 + i % 50000)), dport = htons(80);

		put_tuple(nlh, CTA_TUPLE_ORIG, src, dst, proto, sport, dport);
		put_tuple(nlh, CTA_TUPLE_REPLY, dst, src, proto, dport, sport);
		mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(3600));
		if (proto == IPPROTO_TCP) {
			struct nlattr *pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
			struct nlattr *tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);

			mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 3); /* ESTABLISHED */
			mnl_attr_nest_end(nlh, tcp);
			mnl_attr_nest_end(nlh, pi);
		}
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		queued++;
		if (len > BATCH_SIZE - 512 || queued == 512 || i + 1 == count) {
			if (mnl_socket_sendto(nl, batch, len) < 0) {
				perror("send");
				return 1;
			}
			errors += drain_acks(nl, rbuf, queued);
			len = 0;
			queued = 0;
		}
	}
	printf("created %lu entries, %lu errors\n", count - errors, errors);
	mnl_socket_close(nl);
	free(batch);
	free(rbuf);
	return errors ? 1 : 0;
}

/* Walk a dump until NLMSG_DONE; @each (may be NULL) sees every entry. */
static unsigned long dump(struct mnl_socket *nl, struct nlmsghdr *req,
			  void (*each)(const struct nlmsghdr *, void *), void *data)
{
	char *buf = malloc(RECV_SIZE);
	unsigned long entries = 0;

	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		perror("send");
		exit(1);
	}
	for (;;) {
		int n = (int)mnl_socket_recvfrom(nl, buf, RECV_SIZE);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n < 0) {
			perror("recv");
			exit(1);
		}
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				free(buf);
				return entries;
			}
			entries++;
			if (each)
				each(nlh, data);
		}
	}
}

struct deleter {
	struct mnl_socket *nl;
	char buf[8192];
	uint32_t seq;
};

/* Delete the entry @dumped names: its original tuple, copied as it came. */
static void delete_one(const struct nlmsghdr *dumped, void *data)
{
	struct deleter *d = data;
	struct nlmsghdr *nlh = put_header(d->buf, IPCTNL_MSG_CT_DELETE, 0, AF_INET, d->seq++);
	const struct nlattr *attr;

	mnl_attr_for_each(attr, dumped, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(attr) != CTA_TUPLE_ORIG)
			continue;
		memcpy(mnl_nlmsg_get_payload_tail(nlh), attr, attr->nla_len);
		nlh->nlmsg_len += MNL_ALIGN(attr->nla_len);
		break;
	}
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		perror("delete");
}

static int dump_delete(void)
{
	struct mnl_socket *nl = open_sock();
	struct deleter *d = calloc(1, sizeof(*d));
	char req[8192];
	struct nlmsghdr *nlh = put_header(req, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_INET, 1);
	struct nlattr *f, *p;
	unsigned long n;

	/* The kernel sends only the udp entries (CTA_FILTER with the protocol). */
	f = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	p = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, f);
	f = mnl_attr_nest_start(nlh, CTA_FILTER);
	mnl_attr_put_u32(nlh, CTA_FILTER_ORIG_FLAGS, CTA_FILTER_F_PROTO_NUM);
	mnl_attr_put_u32(nlh, CTA_FILTER_REPLY_FLAGS, 0);
	mnl_attr_nest_end(nlh, f);

	/* Successful deletes send no ACK (no NLM_F_ACK); errors would queue up here. */
	d->nl = open_sock();
	n = dump(nl, nlh, delete_one, d);
	printf("deleted %lu entries\n", n);
	mnl_socket_close(d->nl);
	mnl_socket_close(nl);
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	char req[8192];

	if (argc >= 3 && strcmp(argv[1], "fill") == 0)
		return fill(strtoul(argv[2], NULL, 0));
	if (argc == 2 && strcmp(argv[1], "dump") == 0) {
		struct mnl_socket *nl = open_sock();
		struct nlmsghdr *nlh = put_header(req, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC, 1);

		printf("%lu entries\n", dump(nl, nlh, NULL, NULL));
		mnl_socket_close(nl);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "dump-delete") == 0)
		return dump_delete();
	fprintf(stderr, "usage: nl_minimal fill N | dump | dump-delete\n");
	return 2;
}
