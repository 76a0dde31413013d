/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Netlink sockets (libmnl): requests with ACKs, dumps, pipelined dumps, batches. */
#ifndef CTFLOW_NL_H
#define CTFLOW_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

struct ctf_nl;
struct ctf_nl_batch;

/* Default receive buffer for request/dump sockets (SO_RCVBUFFORCE when root). */
#define CTF_NL_RCVBUF_DEFAULT (8U << 20)

/*
 * Room for one request message. libmnl's MNL_SOCKET_BUFFER_SIZE is a run-time
 * expression (a VLA on the stack); this is the same 8 KiB as a constant.
 */
#define CTF_NL_REQ_SIZE 8192U

/* Size of one receive buffer: the kernel never sends a dump skb larger than 32 KiB. */
#define CTF_NL_RECV_SIZE (64U << 10)

/*
 * ctf_nl_msg_ok, ctf_nl_msg_next - walk the messages of one datagram with
 * @left bytes remaining. Unlike libmnl's mnl_nlmsg_ok(), which compares the
 * length as a signed int (a hostile nlmsg_len >= 2^31 passes it and
 * mnl_nlmsg_next() then never advances), every length is unsigned and
 * bounded by what is left.
 */
static inline bool ctf_nl_msg_ok(const struct nlmsghdr *nlh, size_t left)
{
	return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= left;
}

static inline const struct nlmsghdr *ctf_nl_msg_next(const struct nlmsghdr *nlh, size_t *left)
{
	size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

	if (step > *left)
		step = *left; /* the last message of a datagram need not be padded */
	*left -= step;
	return (const struct nlmsghdr *)((const char *)nlh + step);
}

/*
 * A message callback: return 1 (MNL_CB_OK) to go on, 0 (MNL_CB_STOP) to stop
 * early with success, or a negative errno to abort with that error.
 */
typedef int (*ctf_nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * An ACK callback for batches: @seq is the request's sequence number, @error
 * 0 or the kernel's -errno for it. Return >= 0 to go on, or a negative errno
 * to stop the batch (the rest of the replies are still drained).
 */
typedef int (*ctf_nl_ack_cb)(uint32_t seq, int error, void *data);

/*
 * ctf_nl_open - open and bind a NETLINK_NETFILTER socket in the caller's
 * network namespace, subscribed to the nfnetlink multicast @groups bitmask
 * (0 for none; the legacy bitmask form, NFNLGRP_* - 1 as bit numbers).
 * Sets a large receive buffer, NETLINK_CAP_ACK and NETLINK_EXT_ACK.
 * Returns 0 and a socket to free with ctf_nl_close(), or -errno.
 */
int ctf_nl_open(struct ctf_nl **ret_nl, unsigned int groups);

/* ctf_nl_close - close and free; accepts NULL. */
void ctf_nl_close(struct ctf_nl *nl);

/* The socket's file descriptor, owned by @nl. */
int ctf_nl_fd(const struct ctf_nl *nl);

/* The port id the kernel assigned at bind. */
uint32_t ctf_nl_portid(const struct ctf_nl *nl);

/* The next request sequence number (starts at time(NULL), as conntrack-tools does). */
uint32_t ctf_nl_next_seq(struct ctf_nl *nl);

/*
 * ctf_nl_set_rcvbuf - set the receive buffer to @bytes, with SO_RCVBUFFORCE
 * and falling back to SO_RCVBUF. Writes the size the kernel reports back
 * (twice the request, for its bookkeeping) to @ret_size when not NULL.
 * Returns 0 or -errno.
 */
int ctf_nl_set_rcvbuf(struct ctf_nl *nl, size_t bytes, size_t *ret_size);

/* ctf_nl_setsockopt - set a SOL_NETLINK int option (NETLINK_*). Returns 0 or -errno. */
int ctf_nl_setsockopt(struct ctf_nl *nl, int opt, int value);

/* ctf_nl_send - send @len bytes of messages in one sendmsg. Returns 0 or -errno. */
int ctf_nl_send(struct ctf_nl *nl, const void *buf, size_t len);

/*
 * ctf_nl_recv - receive one datagram into @buf. Returns its length, or
 * -errno (-ENOBUFS: the kernel dropped messages; -EAGAIN on a non-blocking
 * socket with nothing queued).
 */
ssize_t ctf_nl_recv(struct ctf_nl *nl, void *buf, size_t len);

/*
 * ctf_nl_walk - run @cb on each message of @len bytes in @buf whose sequence
 * number is @seq (0: any) and stop at NLMSG_DONE or an NLMSG_ERROR.
 * Returns 1 to go on receiving, 0 when the reply is complete (DONE or ACK),
 * or a negative errno from the kernel, from @cb, or -EBADMSG for a truncated
 * buffer. NLM_F_DUMP_INTR on any message sets *ret_intr when not NULL.
 */
int ctf_nl_walk(const void *buf, size_t len, uint32_t seq, ctf_nl_msg_cb cb, void *data,
		bool *ret_intr);

/*
 * ctf_nfnl_msg_put - start an nfnetlink request at @buf, which must have
 * CTF_NL_REQ_SIZE bytes (or a batch's room): message @type of subsystem
 * @subsys (NFNL_SUBSYS_*), NLM_F_REQUEST | @flags, and an nfgenmsg for
 * @family. Only the two headers are written. Returns the header (never NULL).
 */
struct nlmsghdr *ctf_nfnl_msg_put(void *buf, uint8_t subsys, uint8_t type, uint16_t flags,
				  uint8_t family, uint32_t seq);

/*
 * ctf_nl_request - send the request @nlh and receive its replies, running @cb
 * (may be NULL) on each data message, until the ACK, an error or
 * NLMSG_DONE. Set NLM_F_ACK in @nlh unless a data reply ends it.
 * Returns 0, the kernel's -errno, or @cb's negative return.
 */
int ctf_nl_request(struct ctf_nl *nl, struct nlmsghdr *nlh, ctf_nl_msg_cb cb, void *data);

/*
 * ctf_nl_exchange - ctf_nl_dump() (not pipelined) when @nlh has NLM_F_DUMP,
 * ctf_nl_request() otherwise. Returns as they do.
 */
int ctf_nl_exchange(struct ctf_nl *nl, struct nlmsghdr *nlh, ctf_nl_msg_cb cb, void *data);

enum {
	/*
	 * Receive on a second thread while @cb runs on the caller's, so the
	 * kernel's dump work overlaps with parsing and formatting.
	 */
	CTF_NL_DUMP_PIPELINE = 1U << 0,
};

/*
 * ctf_nl_dump - send the dump request @nlh (NLM_F_DUMP set by the caller) and
 * run @cb on every message until NLMSG_DONE. When @cb stops early the rest
 * of the dump is still drained so the socket stays usable.
 * Returns 0; -EINTR when the kernel flagged the dump NLM_F_DUMP_INTR
 * (entries may be missing or repeated: callers that can, restart); the
 * kernel's -errno; or @cb's negative return.
 */
int ctf_nl_dump(struct ctf_nl *nl, struct nlmsghdr *nlh, ctf_nl_msg_cb cb, void *data,
		unsigned int flags);

/*
 * ctf_nl_batch_new - a batch of requests on @nl sent together in one sendmsg,
 * each of which must carry NLM_F_ACK. At most @max_msgs (<= 1024) requests
 * are queued before ctf_nl_batch_next() asks for a flush, so the ACKs always
 * fit the receive buffer. Free with ctf_nl_batch_free().
 * Returns 0 or -ENOMEM.
 */
int ctf_nl_batch_new(struct ctf_nl_batch **ret_batch, struct ctf_nl *nl, unsigned int max_msgs);

/* ctf_nl_batch_free - free; accepts NULL. Unsent requests are dropped. */
void ctf_nl_batch_free(struct ctf_nl_batch *b);

/*
 * ctf_nl_batch_current - where to build the next request: a buffer with at
 * least CTF_NL_REQ_SIZE bytes free. Valid until the next
 * ctf_nl_batch_next() or flush.
 */
void *ctf_nl_batch_current(struct ctf_nl_batch *b);

/* Room at ctf_nl_batch_current(), in bytes. */
size_t ctf_nl_batch_room(const struct ctf_nl_batch *b);

/*
 * ctf_nl_batch_next - queue the request just built at ctf_nl_batch_current().
 * Returns true when the batch is full and must be flushed now.
 */
bool ctf_nl_batch_next(struct ctf_nl_batch *b);

/* Number of queued requests. */
unsigned int ctf_nl_batch_count(const struct ctf_nl_batch *b);

/*
 * ctf_nl_batch_flush - send the queued requests and receive every reply:
 * data messages go to @data_cb (may be NULL), each request's final ACK or
 * error to @ack_cb (may be NULL). Returns 0, the first negative return of a
 * callback, or -errno for a socket error.
 */
int ctf_nl_batch_flush(struct ctf_nl_batch *b, ctf_nl_msg_cb data_cb, ctf_nl_ack_cb ack_cb,
		       void *data);

/*
 * ctf_netns_enter - move the calling thread (and the threads and sockets it
 * creates later) into the network namespace @name_or_path: a name under
 * /run/netns, or a path such as /proc/PID/ns/net.
 * Returns 0, or -errno (-ENOENT: no such namespace; -EPERM: not allowed).
 */
int ctf_netns_enter(const char *name_or_path);

/* ---- Event sockets (the collector's readers) ---- */

struct sock_filter;
struct ctf_nl_rxq;

/*
 * ctf_nl_attach_filter - attach the classic BPF program @insns (@n
 * instructions) with SO_ATTACH_FILTER. On multicast sockets the kernel runs
 * it on the CPU that raised the event, which is what SKF_AD_CPU reads.
 * Returns 0 or -errno (-EINVAL: the kernel rejected the program).
 */
int ctf_nl_attach_filter(struct ctf_nl *nl, const struct sock_filter *insns, unsigned int n);

/* ctf_nl_set_nonblock - make receives on @nl non-blocking. Returns 0 or -errno. */
int ctf_nl_set_nonblock(struct ctf_nl *nl);

/*
 * ctf_nl_rxq_new - @n receive buffers of @size bytes each, for
 * ctf_nl_recv_many(). Free with ctf_nl_rxq_free(). Returns 0 or -ENOMEM.
 */
int ctf_nl_rxq_new(struct ctf_nl_rxq **ret_q, unsigned int n, size_t size);

/* ctf_nl_rxq_free - free; accepts NULL. */
void ctf_nl_rxq_free(struct ctf_nl_rxq *q);

/*
 * ctf_nl_recv_many - receive up to the queue's buffer count of datagrams in
 * one recvmmsg() without blocking. Returns how many (>= 1), -EAGAIN when
 * nothing is queued, -ENOBUFS when the kernel dropped messages for this
 * socket since the last call (the next call returns what is still queued),
 * or another -errno.
 */
int ctf_nl_recv_many(struct ctf_nl *nl, struct ctf_nl_rxq *q);

/*
 * ctf_nl_rxq_get - datagram @i of the last ctf_nl_recv_many(): its bytes,
 * valid until the next receive, with the length in *ret_len; NULL when it
 * was truncated (larger than the buffer size).
 */
const void *ctf_nl_rxq_get(const struct ctf_nl_rxq *q, unsigned int i, size_t *ret_len);

/*
 * ctf_nl_drops - how many messages the kernel dropped for @nl so far
 * (sk_drops, read with SO_MEMINFO: one cheap getsockopt). The kernel keeps a
 * 32-bit count, so take differences modulo 2^32.
 * Returns the count or -errno.
 */
int64_t ctf_nl_drops(const struct ctf_nl *nl);

/* ---- Link watch (rtnetlink: conntrackd's dedicated links) ---- */

/* One link as an RTM_NEWLINK or RTM_DELLINK message reports it. */
struct ctf_nl_link {
	int ifindex;
	unsigned int flags; /* ifi_flags: IFF_UP, IFF_RUNNING (carrier), ... */
	unsigned int mtu;   /* IFLA_MTU, 0 when absent */
	bool deleted;	    /* RTM_DELLINK */
	char name[16];	    /* IFLA_IFNAME (IFNAMSIZ), NUL-terminated; "" when absent */
};

/* Called for each link ctf_nl_link_read() parses; @link is valid for the call only. */
typedef void (*ctf_nl_link_cb)(const struct ctf_nl_link *link, void *data);

/*
 * ctf_nl_link_open - open a non-blocking NETLINK_ROUTE socket in the
 * caller's network namespace, subscribed to RTMGRP_LINK, and ask for a dump
 * of every link: the dump's replies arrive through ctf_nl_link_read() as
 * events do. Returns 0 and a socket to free with ctf_nl_close(), or -errno.
 */
int ctf_nl_link_open(struct ctf_nl **ret_nl);

/*
 * ctf_nl_link_read - receive what is queued on @nl (from ctf_nl_link_open())
 * without blocking, at most 16 datagrams, and run @cb on every RTM_NEWLINK
 * and RTM_DELLINK in them. Returns how many links were reported (0: nothing
 * was queued), or -errno. On -ENOBUFS events were lost: a new dump has
 * already been asked for, so the caller just reads on.
 */
int ctf_nl_link_read(struct ctf_nl *nl, ctf_nl_link_cb cb, void *data);

#endif /* CTFLOW_NL_H */
