// SPDX-License-Identifier: GPL-2.0-or-later
/* The only place that opens netlink sockets: requests, dumps, pipelined dumps, batches. */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include <ctflow/log.h>
#include <ctflow/nl.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

struct ctf_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	void *buf; /* CTF_NL_RECV_SIZE bytes, for synchronous receives */
};

/* A bound socket of @proto on @groups with its receive buffer; its options are the caller's. */
static int nl_new(struct ctf_nl **ret_nl, int proto, int flags, unsigned int groups)
{
	struct ctf_nl *nl;
	int r;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->buf = malloc(CTF_NL_RECV_SIZE);
	if (!nl->buf) {
		r = -ENOMEM;
		goto out_free;
	}
	nl->sock = mnl_socket_open2(proto, SOCK_CLOEXEC | flags);
	if (!nl->sock) {
		r = -errno;
		goto out_free;
	}
	if (mnl_socket_bind(nl->sock, groups, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl->sock);
		goto out_free;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	*ret_nl = nl;
	return 0;
out_free:
	free(nl->buf);
	free(nl);
	return r;
}

int ctf_nl_open(struct ctf_nl **ret_nl, unsigned int groups)
{
	struct ctf_nl *nl;
	int r;

	r = nl_new(&nl, NETLINK_NETFILTER, 0, groups);
	if (r < 0)
		return r;
	/* Best effort: without CAP_NET_ADMIN the socket keeps the default sizes. */
	(void)ctf_nl_set_rcvbuf(nl, CTF_NL_RCVBUF_DEFAULT, NULL);
	(void)ctf_nl_setsockopt(nl, NETLINK_CAP_ACK, 1);
	(void)ctf_nl_setsockopt(nl, NETLINK_EXT_ACK, 1);
	*ret_nl = nl;
	return 0;
}

void ctf_nl_close(struct ctf_nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl);
}

int ctf_nl_fd(const struct ctf_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

uint32_t ctf_nl_portid(const struct ctf_nl *nl)
{
	return nl->portid;
}

uint32_t ctf_nl_next_seq(struct ctf_nl *nl)
{
	return nl->seq++;
}

int ctf_nl_set_rcvbuf(struct ctf_nl *nl, size_t bytes, size_t *ret_size)
{
	int fd = ctf_nl_fd(nl);
	int v = bytes > INT32_MAX / 2 ? INT32_MAX / 2 : (int)bytes;
	socklen_t len = sizeof(v);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
		return -errno;
	if (ret_size) {
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0)
			return -errno;
		*ret_size = (size_t)v;
	}
	return 0;
}

int ctf_nl_setsockopt(struct ctf_nl *nl, int opt, int value)
{
	if (mnl_socket_setsockopt(nl->sock, opt, &value, sizeof(value)) < 0)
		return -errno;
	return 0;
}

int ctf_nl_send(struct ctf_nl *nl, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = mnl_socket_sendto(nl->sock, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

ssize_t ctf_nl_recv(struct ctf_nl *nl, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = mnl_socket_recvfrom(nl->sock, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n;
}

/* The error an NLMSG_ERROR carries: 0 for an ACK, -errno otherwise. */
static int nlmsg_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	return err->error > 0 ? -EBADMSG : err->error;
}

/* Where a walk over one received buffer ended. */
struct walk_state {
	bool end;  /* DONE, ACK or error seen: the reply is complete */
	bool intr; /* NLM_F_DUMP_INTR seen */
};

/*
 * Walk the messages of one datagram. Returns 1 to go on, 0 at the end of the
 * reply, the kernel's -errno, @cb's negative return, or -ECANCELED when @cb
 * asked to stop. st->end tells whether the reply itself ended.
 */
static int walk(const void *buf, size_t len, uint32_t seq, ctf_nl_msg_cb cb, void *data,
		struct walk_state *st)
{
	const struct nlmsghdr *nlh = buf;
	size_t left = len;
	int r;

	while (ctf_nl_msg_ok(nlh, left)) {
		if (seq && nlh->nlmsg_seq != seq)
			goto next; /* a late reply to an earlier request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			st->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_DONE:
			st->end = true;
			return 0;
		case NLMSG_ERROR:
			st->end = true;
			return nlmsg_error(nlh);
		case NLMSG_OVERRUN:
			st->end = true;
			return -ENOBUFS;
		default:
			if (!cb)
				break;
			r = cb(nlh, data);
			if (r <= 0)
				return r == 0 ? -ECANCELED : r;
			break;
		}
next:
		nlh = ctf_nl_msg_next(nlh, &left);
	}
	if (left != 0) {
		st->end = true;
		return -EBADMSG;
	}
	return 1;
}

int ctf_nl_walk(const void *buf, size_t len, uint32_t seq, ctf_nl_msg_cb cb, void *data,
		bool *ret_intr)
{
	struct walk_state st = { 0 };
	int r;

	r = walk(buf, len, seq, cb, data, &st);
	if (st.intr && ret_intr)
		*ret_intr = true;
	return r == -ECANCELED ? 0 : r;
}

/*
 * Receive until the reply to @seq ends, running @cb; once @cb stops or fails,
 * keep receiving without it so no stale reply is left on the socket.
 */
static int receive_reply(struct ctf_nl *nl, uint32_t seq, ctf_nl_msg_cb cb, void *data,
			 bool *intr)
{
	struct walk_state st = { 0 };
	int ret = 0, r;
	ssize_t n;

	while (!st.end) {
		n = ctf_nl_recv(nl, nl->buf, CTF_NL_RECV_SIZE);
		if (n < 0)
			return ret < 0 ? ret : (int)n;
		r = walk(nl->buf, (size_t)n, seq, ret < 0 ? NULL : cb, data, &st);
		if (r < 0 && ret == 0)
			ret = r;
	}
	*intr = st.intr;
	return ret;
}

struct nlmsghdr *ctf_nfnl_msg_put(void *buf, uint8_t subsys, uint8_t type, uint16_t flags,
				  uint8_t family, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(subsys << 8 | type);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

int ctf_nl_request(struct ctf_nl *nl, struct nlmsghdr *nlh, ctf_nl_msg_cb cb, void *data)
{
	bool intr;
	int r;

	r = ctf_nl_send(nl, nlh, nlh->nlmsg_len);
	if (r < 0)
		return r;
	r = receive_reply(nl, nlh->nlmsg_seq, cb, data, &intr);
	return r == -ECANCELED ? 0 : r;
}

/*
 * Pipelined dumps. A receiver thread reads datagrams into a ring of slots
 * while the caller's thread walks them: the kernel builds the next part of
 * the dump (inside recvmsg) on one CPU while we parse and print on another.
 */
#define PIPE_SLOTS 16
/*
 * A sleeping consumer is woken once this many slots are ready (or at the
 * end): every wake-up is a futex syscall and an IPI on the receiver, whose
 * thread is the critical path (the kernel builds the dump inside its recv).
 */
#define PIPE_WAKE_BATCH 4

struct pipe {
	struct ctf_nl *nl;
	uint32_t seq;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	void *buf[PIPE_SLOTS];
	size_t len[PIPE_SLOTS];
	unsigned int head; /* next slot the receiver fills */
	unsigned int tail; /* next slot the consumer walks */
	bool done;	   /* the receiver has stopped */
	bool drain;	   /* the consumer wants no more data */
	bool consumer_waits; /* the consumer sleeps on cond */
	bool receiver_waits; /* the receiver sleeps on cond: the ring is full */
	int err;	   /* the receiver's socket error */
};

/* True when the datagram holds the end of the reply to @seq. */
static bool reply_ends(const void *buf, size_t len, uint32_t seq)
{
	struct walk_state st = { 0 };

	(void)walk(buf, len, seq, NULL, NULL, &st);
	return st.end;
}

static void *pipe_receiver(void *arg)
{
	struct pipe *p = arg;
	bool drain, end;
	void *buf;
	ssize_t n;

	do {
		pthread_mutex_lock(&p->lock);
		while (p->head - p->tail == PIPE_SLOTS && !p->drain) {
			p->receiver_waits = true;
			pthread_cond_wait(&p->cond, &p->lock);
			p->receiver_waits = false;
		}
		drain = p->drain;
		pthread_mutex_unlock(&p->lock);

		buf = drain ? p->nl->buf : p->buf[p->head % PIPE_SLOTS];
		n = ctf_nl_recv(p->nl, buf, CTF_NL_RECV_SIZE);
		end = n < 0 || reply_ends(buf, (size_t)n, p->seq);

		pthread_mutex_lock(&p->lock);
		if (n < 0)
			p->err = (int)n;
		else if (!drain && !p->drain)
			p->len[p->head++ % PIPE_SLOTS] = (size_t)n;
		p->done = end;
		if (p->consumer_waits &&
		    (end || p->drain || p->head - p->tail >= PIPE_WAKE_BATCH))
			pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	} while (!end);
	return NULL;
}

/* Walk the slots as the receiver fills them. Returns like receive_reply(). */
static int pipe_consume(struct pipe *p, ctf_nl_msg_cb cb, void *data, bool *intr)
{
	struct walk_state st = { 0 };
	unsigned int slot;
	int r = 1;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->head == p->tail && !p->done) {
			p->consumer_waits = true;
			pthread_cond_wait(&p->cond, &p->lock);
			p->consumer_waits = false;
		}
		if (p->head == p->tail) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		slot = p->tail % PIPE_SLOTS;
		pthread_mutex_unlock(&p->lock);

		r = walk(p->buf[slot], p->len[slot], p->seq, cb, data, &st);

		pthread_mutex_lock(&p->lock);
		p->tail++;
		if (r <= 0)
			p->drain = true;
		if (p->receiver_waits || p->drain)
			pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		if (r <= 0)
			break;
	}
	*intr = st.intr;
	if (r > 0)
		return p->err; /* the receiver stopped on a socket error */
	return r;
}

static int dump_pipelined(struct ctf_nl *nl, uint32_t seq, ctf_nl_msg_cb cb, void *data,
			  bool *intr)
{
	struct pipe p = { .nl = nl, .seq = seq };
	pthread_t thread;
	unsigned int i;
	int r;

	for (i = 0; i < PIPE_SLOTS; i++) {
		p.buf[i] = malloc(CTF_NL_RECV_SIZE);
		if (!p.buf[i]) {
			r = -ENOMEM;
			goto out_free;
		}
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	r = -pthread_create(&thread, NULL, pipe_receiver, &p);
	if (r < 0)
		goto out_destroy;
	r = pipe_consume(&p, cb, data, intr);
	pthread_join(thread, NULL);
	if (r == 0 && p.err < 0)
		r = p.err;
out_destroy:
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
out_free:
	while (i-- > 0)
		free(p.buf[i]);
	return r;
}

int ctf_nl_dump(struct ctf_nl *nl, struct nlmsghdr *nlh, ctf_nl_msg_cb cb, void *data,
		unsigned int flags)
{
	bool intr = false;
	int r;

	r = ctf_nl_send(nl, nlh, nlh->nlmsg_len);
	if (r < 0)
		return r;
	if (flags & CTF_NL_DUMP_PIPELINE)
		r = dump_pipelined(nl, nlh->nlmsg_seq, cb, data, &intr);
	else
		r = receive_reply(nl, nlh->nlmsg_seq, cb, data, &intr);
	if (r == -ECANCELED)
		r = 0;
	if (r == 0 && intr)
		r = -EINTR;
	return r;
}

int ctf_nl_exchange(struct ctf_nl *nl, struct nlmsghdr *nlh, ctf_nl_msg_cb cb, void *data)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP)
		return ctf_nl_dump(nl, nlh, cb, data, 0);
	return ctf_nl_request(nl, nlh, cb, data);
}

/* Batches: many ACKed requests in one sendmsg, replies matched by sequence. */
#define BATCH_BUF_SIZE (192U << 10) /* below the default netlink sndbuf (net.core.wmem_default) */

struct ctf_nl_batch {
	struct ctf_nl *nl;
	char *buf;
	size_t len;
	unsigned int count;
	unsigned int max;
};

int ctf_nl_batch_new(struct ctf_nl_batch **ret_batch, struct ctf_nl *nl, unsigned int max_msgs)
{
	struct ctf_nl_batch *b;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->buf = malloc(BATCH_BUF_SIZE);
	if (!b->buf) {
		free(b);
		return -ENOMEM;
	}
	b->nl = nl;
	b->max = max_msgs == 0 || max_msgs > 1024 ? 1024 : max_msgs;
	*ret_batch = b;
	return 0;
}

void ctf_nl_batch_free(struct ctf_nl_batch *b)
{
	if (!b)
		return;
	free(b->buf);
	free(b);
}

void *ctf_nl_batch_current(struct ctf_nl_batch *b)
{
	return b->buf + b->len;
}

size_t ctf_nl_batch_room(const struct ctf_nl_batch *b)
{
	return BATCH_BUF_SIZE - b->len;
}

bool ctf_nl_batch_next(struct ctf_nl_batch *b)
{
	const struct nlmsghdr *nlh = (const void *)(b->buf + b->len);

	assert(nlh->nlmsg_flags & NLM_F_ACK);
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	b->count++;
	return b->count >= b->max || BATCH_BUF_SIZE - b->len < CTF_NL_REQ_SIZE;
}

unsigned int ctf_nl_batch_count(const struct ctf_nl_batch *b)
{
	return b->count;
}

/* Run the callbacks on one datagram of batch replies; counts completed requests. */
static int batch_walk(const void *buf, size_t len, ctf_nl_msg_cb data_cb, ctf_nl_ack_cb ack_cb,
		      void *data, unsigned int *pending, int *ret)
{
	const struct nlmsghdr *nlh = buf;
	size_t left = len;
	int r;

	for (; ctf_nl_msg_ok(nlh, left); nlh = ctf_nl_msg_next(nlh, &left)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			(*pending)--;
			if (ack_cb && *ret == 0) {
				r = ack_cb(nlh->nlmsg_seq, nlmsg_error(nlh), data);
				if (r < 0)
					*ret = r;
			}
		} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && data_cb && *ret == 0) {
			r = data_cb(nlh, data);
			if (r < 0)
				*ret = r;
		}
	}
	return left == 0 ? 0 : -EBADMSG;
}

int ctf_nl_batch_flush(struct ctf_nl_batch *b, ctf_nl_msg_cb data_cb, ctf_nl_ack_cb ack_cb,
		       void *data)
{
	unsigned int pending = b->count;
	int ret = 0, r;
	ssize_t n;

	if (b->count == 0)
		return 0;
	r = ctf_nl_send(b->nl, b->buf, b->len);
	b->len = 0;
	b->count = 0;
	if (r < 0)
		return r;
	while (pending > 0) {
		n = ctf_nl_recv(b->nl, b->nl->buf, CTF_NL_RECV_SIZE);
		if (n < 0)
			return (int)n; /* -ENOBUFS: ACKs were lost, we cannot tell which */
		r = batch_walk(b->nl->buf, (size_t)n, data_cb, ack_cb, data, &pending, &ret);
		if (r < 0)
			return r;
	}
	return ret;
}

int ctf_netns_enter(const char *name_or_path)
{
	char path[4096];
	int fd, r = 0;

	if (strchr(name_or_path, '/'))
		r = snprintf(path, sizeof(path), "%s", name_or_path);
	else
		r = snprintf(path, sizeof(path), "/run/netns/%s", name_or_path);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* Event sockets: BPF filters, non-blocking batched receive, drop counts. */
int ctf_nl_attach_filter(struct ctf_nl *nl, const struct sock_filter *insns, unsigned int n)
{
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = (struct sock_filter *)insns };

	if (n == 0 || n > BPF_MAXINSNS)
		return -EINVAL;
	if (setsockopt(ctf_nl_fd(nl), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -errno;
	return 0;
}

int ctf_nl_set_nonblock(struct ctf_nl *nl)
{
	int fd = ctf_nl_fd(nl);
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

struct ctf_nl_rxq {
	unsigned int n;
	size_t size;
	char *bufs;
	struct iovec *iov;
	struct mmsghdr *msgs;
	struct sockaddr_nl *addrs;
};

int ctf_nl_rxq_new(struct ctf_nl_rxq **ret_q, unsigned int n, size_t size)
{
	struct ctf_nl_rxq *q;
	unsigned int i;

	if (n == 0 || size < 4096)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->n = n;
	q->size = size;
	q->bufs = malloc((size_t)n * size);
	q->iov = calloc(n, sizeof(*q->iov));
	q->msgs = calloc(n, sizeof(*q->msgs));
	q->addrs = calloc(n, sizeof(*q->addrs));
	if (!q->bufs || !q->iov || !q->msgs || !q->addrs) {
		ctf_nl_rxq_free(q);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		q->iov[i].iov_base = q->bufs + (size_t)i * size;
		q->iov[i].iov_len = size;
		q->msgs[i].msg_hdr.msg_iov = &q->iov[i];
		q->msgs[i].msg_hdr.msg_iovlen = 1;
		q->msgs[i].msg_hdr.msg_name = &q->addrs[i];
		q->msgs[i].msg_hdr.msg_namelen = sizeof(q->addrs[i]);
	}
	*ret_q = q;
	return 0;
}

void ctf_nl_rxq_free(struct ctf_nl_rxq *q)
{
	if (!q)
		return;
	free(q->bufs);
	free(q->iov);
	free(q->msgs);
	free(q->addrs);
	free(q);
}

int ctf_nl_recv_many(struct ctf_nl *nl, struct ctf_nl_rxq *q)
{
	unsigned int i;
	int n;

	for (i = 0; i < q->n; i++)
		q->msgs[i].msg_hdr.msg_namelen = sizeof(q->addrs[i]);
	do {
		n = recvmmsg(ctf_nl_fd(nl), q->msgs, q->n, MSG_DONTWAIT, NULL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

const void *ctf_nl_rxq_get(const struct ctf_nl_rxq *q, unsigned int i, size_t *ret_len)
{
	const struct mmsghdr *m = &q->msgs[i];

	if (m->msg_hdr.msg_flags & MSG_TRUNC)
		return NULL;
	*ret_len = m->msg_len;
	return q->iov[i].iov_base;
}

int64_t ctf_nl_drops(const struct ctf_nl *nl)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (getsockopt(ctf_nl_fd(nl), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return -errno;
	if (len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
		return -EOPNOTSUPP;
	return mem[SK_MEMINFO_DROPS];
}

/* Link watch: rtnetlink link events for conntrackd's dedicated links. */
#include <net/if.h>
#include <linux/rtnetlink.h>

#define LINK_READ_MAX 16 /* datagrams per ctf_nl_link_read(); epoll calls again for the rest */

_Static_assert(sizeof(((struct ctf_nl_link *)0)->name) == IFNAMSIZ, "name holds IFNAMSIZ");

static int link_dump_request(struct ctf_nl *nl)
{
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ctf_nl_next_seq(nl);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return ctf_nl_send(nl, nlh, nlh->nlmsg_len);
}

int ctf_nl_link_open(struct ctf_nl **ret_nl)
{
	struct ctf_nl *nl;
	int r;

	r = nl_new(&nl, NETLINK_ROUTE, SOCK_NONBLOCK, RTMGRP_LINK);
	if (r < 0)
		return r;
	r = link_dump_request(nl);
	if (r < 0) {
		ctf_nl_close(nl);
		return r;
	}
	*ret_nl = nl;
	return 0;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK; /* a malformed name is left out, not fatal */
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Parse one RTM_NEWLINK/DELLINK; returns 1 when @cb was called. */
static int link_msg(const struct nlmsghdr *nlh, ctf_nl_link_cb cb, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct ctf_nl_link link = { 0 };
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return 0; /* NLMSG_DONE of the dump, or an error for it */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return 0;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb) < 0)
		return 0;
	link.ifindex = ifi->ifi_index;
	link.flags = ifi->ifi_flags;
	link.deleted = nlh->nlmsg_type == RTM_DELLINK;
	if (tb[IFLA_MTU])
		link.mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_IFNAME])
		snprintf(link.name, sizeof(link.name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	cb(&link, data);
	return 1;
}

int ctf_nl_link_read(struct ctf_nl *nl, ctf_nl_link_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	int i, count = 0;
	size_t left;
	ssize_t n;

	for (i = 0; i < LINK_READ_MAX; i++) {
		n = ctf_nl_recv(nl, nl->buf, CTF_NL_RECV_SIZE);
		if (n == -EAGAIN)
			break;
		if (n == -ENOBUFS) {
			/* the kernel dropped events: learn the state again */
			(void)link_dump_request(nl);
			return -ENOBUFS;
		}
		if (n < 0)
			return (int)n;
		left = (size_t)n;
		for (nlh = nl->buf; ctf_nl_msg_ok(nlh, left); nlh = ctf_nl_msg_next(nlh, &left))
			count += link_msg(nlh, cb, data);
	}
	return count;
}
