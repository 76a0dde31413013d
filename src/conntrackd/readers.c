// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event readers: one thread and one ctnetlink event socket per reader. Each
 * socket carries a classic BPF filter that keeps only the events raised on
 * the reader's CPUs (cpu % nreaders == reader), so the event stream is split
 * across the readers without duplicates and without any user-space hand-off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include <ctflow/evfilter.h>
#include <ctflow/log.h>

#include "collector.h"
#include "sync/sync.h"

#ifndef NETLINK_BROADCAST_SEND_ERROR
#define NETLINK_BROADCAST_SEND_ERROR 4
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

#define EVENT_GROUPS                                                                      \
	((1U << (NFNLGRP_CONNTRACK_NEW - 1)) | (1U << (NFNLGRP_CONNTRACK_UPDATE - 1)) |   \
	 (1U << (NFNLGRP_CONNTRACK_DESTROY - 1)))
#define READER_RCVBUF_DEFAULT (32U << 20) /* ~40k events of headroom per reader */
#define RXQ_BUFS	      64	  /* datagrams per recvmmsg() */
#define RXQ_BUF_SIZE	      8192	  /* one event is < 1 KiB; labels/helpers fit too */
#define DRAIN_BATCHES	      256	  /* at stop: what is still queued, bounded */

/* At most one message per @secs seconds per caller. */
static bool ratelimit(uint32_t *last, uint32_t secs)
{
	uint32_t now = coll_now_secs();

	if (*last && now - *last < secs)
		return false;
	*last = now ? now : 1;
	return true;
}

static int reader_filter(struct collector *c, struct coll_reader *rd)
{
	const struct ctf_conf_filter *f = &c->conf->general.filter;
	struct sock_filter prog[CTF_EVFILTER_MAX_INSNS];
	uint32_t own[CTF_EVFILTER_MAX_PORTIDS];
	unsigned int slot = (unsigned int)(rd - c->readers), nown = 0;
	int n;

	/* what the sync engine's own commit, flush and injection cause is not read at all */
	if (c->sync)
		nown = sync_engine_portids(c->sync, own, CTF_EVFILTER_MAX_PORTIDS);
	n = ctf_evfilter_build(prog, slot, c->nreaders, f->kernelspace ? f : NULL, own, nown);
	if (n < 0 && f->kernelspace) {
		ctf_log(LOG_WARNING, "Filter too large for the kernel, filtering in user space");
		n = ctf_evfilter_build(prog, slot, c->nreaders, NULL, own, nown);
	}
	if (n < 0)
		return n;
	return ctf_nl_attach_filter(rd->nl, prog, (unsigned int)n);
}

static int reader_open(struct collector *c, struct coll_reader *rd)
{
	const struct ctf_conf_general *g = &c->conf->general;
	int r;

	r = ctf_nl_open(&rd->nl, EVENT_GROUPS);
	if (r < 0)
		return ctf_log_err(r, "cannot open event socket");
	rd->rcvbuf = g->netlink_buffer_size ? g->netlink_buffer_size : READER_RCVBUF_DEFAULT;
	r = ctf_nl_set_rcvbuf(rd->nl, rd->rcvbuf, NULL);
	if (r < 0)
		ctf_log_errno(LOG_WARNING, r, "cannot set receive buffer to %zu, ignoring",
			      rd->rcvbuf);
	atomic_store(&rd->rcvbuf_now, rd->rcvbuf);
	if (g->netlink_events_reliable) {
		/* The kernel keeps undelivered events and retries instead of dropping. */
		(void)ctf_nl_setsockopt(rd->nl, NETLINK_BROADCAST_SEND_ERROR, 1);
		(void)ctf_nl_setsockopt(rd->nl, NETLINK_NO_ENOBUFS, 1);
	}
	r = reader_filter(c, rd);
	if (r < 0)
		return ctf_log_err(r, "cannot attach the reader's BPF filter");
	r = ctf_nl_set_nonblock(rd->nl);
	if (r < 0)
		return r;
	r = ctf_nl_rxq_new(&rd->rxq, RXQ_BUFS, RXQ_BUF_SIZE);
	if (r < 0)
		return r;
	rd->drops_seen = ctf_nl_drops(rd->nl);
	return 0;
}

int coll_readers_open(struct collector *c)
{
	unsigned int i;
	int r;

	c->readers = calloc(c->nreaders, sizeof(*c->readers));
	if (!c->readers)
		return -ENOMEM;
	for (i = 0; i < c->nreaders; i++) {
		struct coll_reader *rd = &c->readers[i];

		rd->prod.c = c;
		rd->prod.ring = c->rings ? c->rings[i] : NULL;
		rd->prod.id = (uint16_t)i;
		rd->cpu = i;
		r = reader_open(c, rd);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Messages the kernel dropped on the socket since the last look (sk_drops, 32 bits). */
static uint64_t take_drops(struct coll_reader *rd)
{
	int64_t drops = ctf_nl_drops(rd->nl);
	uint32_t lost;

	if (drops < 0)
		return 0;
	lost = rd->drops_seen < 0 ? 0 : (uint32_t)drops - (uint32_t)rd->drops_seen;
	rd->drops_seen = drops;
	return lost;
}

/* Events were lost: count them, mark the place in the stream, reconcile. */
static void mark_loss(struct coll_reader *rd, uint64_t lost)
{
	struct collector *c = rd->prod.c;

	ctr_add(&rd->prod.ctr.lost, lost);
	if (c->sync)
		sync_engine_overrun(c->sync);
	if (!c->records)
		return;
	coll_push_gap(&rd->prod, lost);
	coll_request_resync(c);
}

/* The socket overflowed: count, mark the stream, grow the buffer, resync. */
static void overrun(struct coll_reader *rd, uint32_t *last_log)
{
	struct collector *c = rd->prod.c;
	size_t max = c->conf->general.netlink_buffer_max;
	uint64_t lost = take_drops(rd);

	ctr_add(&rd->prod.ctr.overruns, 1);
	mark_loss(rd, lost);
	rd->congested = true;
	if (max > rd->rcvbuf) {
		rd->rcvbuf = rd->rcvbuf * 2 > max ? max : rd->rcvbuf * 2;
		(void)ctf_nl_set_rcvbuf(rd->nl, rd->rcvbuf, NULL);
		atomic_store(&rd->rcvbuf_now, rd->rcvbuf);
	}
	if (ratelimit(last_log, 10))
		ctf_log(LOG_WARNING, "reader %u: netlink overrun, %llu events lost%s", rd->cpu,
			(unsigned long long)lost,
			c->conf->general.netlink_overrun_resync < 0 ? "" : ", resync scheduled");
}

/*
 * The socket is drained: drops ENOBUFS did not report. The kernel reports an
 * overrun once and goes on dropping, unreported, until the queue has been
 * emptied; with NetlinkEventsReliable (NETLINK_NO_ENOBUFS) it never reports
 * at all. So look after an overrun until a drain finds nothing new, and in
 * reliable mode after every drain.
 */
static void trailing_drops(struct coll_reader *rd, uint32_t *last_log)
{
	struct collector *c = rd->prod.c;
	uint64_t lost;

	if (!rd->congested && !c->conf->general.netlink_events_reliable)
		return;
	lost = take_drops(rd);
	if (!lost) {
		rd->congested = false;
		return;
	}
	if (c->conf->general.netlink_events_reliable) {
		/* The only sign of this overrun: count it as one. */
		ctr_add(&rd->prod.ctr.overruns, 1);
		if (ratelimit(last_log, 10))
			ctf_log(LOG_WARNING,
				"reader %u: the kernel could not deliver %llu events (DESTROY "
				"events are retried)%s",
				rd->cpu, (unsigned long long)lost,
				c->conf->general.netlink_overrun_resync < 0 ? "" : ", resync scheduled");
	}
	mark_loss(rd, lost);
}

static void handle_msg(struct coll_reader *rd, const struct nlmsghdr *nlh)
{
	const struct ctf_conf_filter *filt = &rd->prod.c->conf->general.filter;
	struct ctf_flow f;

	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return;
	if (ctf_flow_parse(nlh, &f) < 0) {
		ctr_add(&rd->prod.ctr.malformed, 1);
		return;
	}
	ctr_add(&rd->prod.ctr.events[f.event == CTF_EVENT_NEW	      ? EV_NEW
				      : f.event == CTF_EVENT_DESTROY ? EV_DESTROY
								     : EV_UPDATE],
		1);
	if (!ctf_evfilter_match(filt, &f)) {
		ctr_add(&rd->prod.ctr.filtered, 1);
		return;
	}
	if (rd->prod.c->sync)
		sync_engine_event(rd->prod.c->sync, rd->prod.id, &f);
	if (rd->prod.c->records)
		coll_apply_event(&rd->prod, &f);
}

static void handle_batch(struct coll_reader *rd, unsigned int n)
{
	unsigned int i;

	ctr_add(&rd->prod.ctr.batches, 1);
	for (i = 0; i < n; i++) {
		const struct nlmsghdr *nlh;
		size_t len, left;

		nlh = ctf_nl_rxq_get(rd->rxq, i, &len);
		if (!nlh) {
			ctr_add(&rd->prod.ctr.truncated, 1);
			continue;
		}
		for (left = len; ctf_nl_msg_ok(nlh, left); nlh = ctf_nl_msg_next(nlh, &left))
			handle_msg(rd, nlh);
		if (left != 0)
			ctr_add(&rd->prod.ctr.malformed, 1);
	}
	if (rd->prod.c->sync)
		sync_engine_kick(rd->prod.c->sync);
}

/* Receive until the socket is empty; returns false on a hard socket error. */
static bool read_all(struct coll_reader *rd, uint32_t *last_log, unsigned int max_batches)
{
	unsigned int b;
	int n;

	for (b = 0; b < max_batches; b++) {
		n = ctf_nl_recv_many(rd->nl, rd->rxq);
		if (n == -EAGAIN)
			return true;
		if (n == -ENOBUFS) {
			overrun(rd, last_log);
			continue;
		}
		if (n < 0) {
			if (ratelimit(last_log, 10))
				ctf_log_errno(LOG_ERR, n, "reader %u: receive failed", rd->cpu);
			return n != -EBADF;
		}
		handle_batch(rd, (unsigned int)n);
	}
	return true;
}

static void pin(struct coll_reader *rd)
{
	struct collector *c = rd->prod.c;
	cpu_set_t set;

	/* One reader per CPU: run where its events are raised and queued. */
	if (c->nreaders != c->ncpus)
		return;
	CPU_ZERO(&set);
	CPU_SET(rd->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		ctf_log(LOG_DEBUG, "reader %u: cannot pin to its CPU, ignoring", rd->cpu);
}

static void *reader_main(void *arg)
{
	struct coll_reader *rd = arg;
	struct collector *c = rd->prod.c;
	struct pollfd pfd[2] = { { .fd = ctf_nl_fd(rd->nl), .events = POLLIN },
				 { .fd = c->stop_fd, .events = POLLIN } };
	uint32_t last_log = 0;

	pin(rd);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		if (!read_all(rd, &last_log, 64))
			break;
		trailing_drops(rd, &last_log);
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
	}
	/* DESTROY events already queued belong to this run: read them before stopping. */
	(void)read_all(rd, &last_log, DRAIN_BATCHES);
	trailing_drops(rd, &last_log);
	return NULL;
}

int coll_readers_start(struct collector *c)
{
	unsigned int i;
	int r;

	for (i = 0; i < c->nreaders; i++) {
		r = -pthread_create(&c->readers[i].thread, NULL, reader_main, &c->readers[i]);
		if (r < 0)
			return ctf_log_err(r, "cannot start reader %u", i);
		c->readers[i].started = true;
	}
	return 0;
}

void coll_readers_stop(struct collector *c)
{
	unsigned int i;

	for (i = 0; i < c->nreaders; i++) {
		if (!c->readers[i].started)
			continue;
		pthread_join(c->readers[i].thread, NULL);
		c->readers[i].started = false;
	}
}

void coll_readers_close(struct collector *c)
{
	unsigned int i;

	if (!c->readers)
		return;
	for (i = 0; i < c->nreaders; i++) {
		ctf_nl_close(c->readers[i].nl);
		ctf_nl_rxq_free(c->readers[i].rxq);
	}
	free(c->readers);
	c->readers = NULL;
}
