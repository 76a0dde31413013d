/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd sync: the dedicated links (UDP, multicast, TCP; up to 4 of one
 * type) with 1.4.7's packing, link-state failover and statistics texts.
 * Owned by the sync thread; nothing here is thread-safe.
 */
#ifndef CONNTRACKD_SYNC_CHANNEL_H
#define CONNTRACKD_SYNC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/conf.h>

#include "out.h"

struct sync_channels;

/*
 * Called with bytes received on channel @chan: one whole datagram, or for
 * TCP everything buffered so far (the kept tail of the last read first).
 * Returns how many bytes it consumed; for TCP the rest is kept (per
 * channel) and handed in again, in front of the next read (a tail of 64 KiB
 * or more is dropped and counted as a receive error; a connection that ends
 * or is replaced drops its tail). It may call sync_channels_send(),
 * _flush() and _set_current().
 */
typedef size_t (*sync_rx_cb)(const uint8_t *buf, size_t len, unsigned int chan, bool stream,
			     void *data);

/*
 * sync_channels_open - open every channel of @conf (sockets bound, groups
 * joined, TCP listening and connecting), plus the rtnetlink link watch and
 * a timer, in the caller's network namespace. The current channel is
 * conf->default_channel. An Interface that does not exist is a link that is
 * down (MTU 1500) until it appears. Logs what fails ("can't open channel
 * socket: ..."). Returns 0 and a set to free with sync_channels_close(),
 * -EINVAL for an empty set or mixed types, or -errno.
 */
int sync_channels_open(struct sync_channels **ret_set, const struct ctf_conf_sync *conf);

/* sync_channels_close - close everything; accepts NULL. */
void sync_channels_close(struct sync_channels *set);

/*
 * sync_channels_watch - add every file descriptor of the set (sockets, the
 * link watch, the set's timer) to the epoll instance @epfd, level-triggered,
 * each with data.u64 = @tag | (a private index below 2^16; @tag's low 16
 * bits are ignored). Descriptors that come and go later (TCP connections)
 * are added and removed by the set itself. Call once. Returns 0 or -errno.
 */
int sync_channels_watch(struct sync_channels *set, int epfd, uint64_t tag);

/*
 * sync_channels_handle - handle readiness @events (EPOLL*) of the descriptor
 * whose data.u64 was @tag | index: read datagrams or stream bytes (bounded
 * per call, as 1.4.7's EventIterationLimit), accept or finish connections,
 * follow link changes. Received bytes go to @cb.
 */
void sync_channels_handle(struct sync_channels *set, uint64_t u64, uint32_t events,
			  sync_rx_cb cb, void *data);

/*
 * sync_channels_send - queue one whole message for the current channel.
 * Messages are packed into one datagram of (MTU - 28) bytes (TCP: MTU - 40)
 * and the buffer goes out when the next message does not fit, or at once
 * when it is full to the byte. A message larger than the buffer goes out
 * alone. TCP send errors (and sends while not connected) keep the buffer in
 * the error queue (ErrorQueueLength buffers) and retry them first, in
 * order; a buffer half sent is finished on the same connection, or sent
 * again whole on the next one. Returns 0, or -errno when the message was
 * dropped (counted): -EINVAL (empty or over 65507 bytes), -ENETDOWN
 * (UDP/multicast link down), -ENOBUFS (error queue full), or the send error.
 */
int sync_channels_send(struct sync_channels *set, const void *msg, size_t len);

/* sync_channels_flush - send what is packed now (after each tx-queue run). */
void sync_channels_flush(struct sync_channels *set);

/*
 * sync_channels_set_current - a valid message arrived on @chan: it becomes
 * the current channel (1.4.7's multichannel_change_current_channel).
 */
void sync_channels_set_current(struct sync_channels *set, unsigned int chan);

/*
 * sync_channels_failover - make the next channel whose link is up current,
 * with 1.4.7's "device `X' becomes dedicated link" line (PeerDeadTime: the
 * peer went silent on a link that still looks up). Returns false when no
 * other channel is up.
 */
bool sync_channels_failover(struct sync_channels *set);

/* The index of the current channel. */
unsigned int sync_channels_current(const struct sync_channels *set);

/*
 * sync_channels_tick - timers: TCP reconnects, error-queue retries. @now_ms
 * is CLOCK_MONOTONIC in milliseconds. A refused connect is retried after
 * 100 ms, doubling to at most one per second and channel (1.4.7: one per
 * second); a connection from the peer starts one at once. The set's own
 * timer descriptor (see sync_channels_watch) runs the same work on time,
 * so a coarse caller timer is enough. Returns the milliseconds until it
 * wants to run again (at most 1000).
 */
unsigned int sync_channels_tick(struct sync_channels *set, uint64_t now_ms);

/* Bytes the set packs per datagram (the current channel's MTU - 28, or - 40 for TCP). */
size_t sync_channels_mtu(const struct sync_channels *set);

/* True when the current channel can send (UDP/multicast: its link is up; TCP: connected). */
bool sync_channels_can_send(const struct sync_channels *set);

/*
 * 1.4.7's statistics texts (channel.c, multichannel.c, udp.c, mcast.c,
 * tcp.c): sync_channels_stats_text() is the channel block of "-s",
 * sync_channels_link_text() the "-s link" (and "-s multicast") blocks.
 */
void sync_channels_stats_text(const struct sync_channels *set, struct sync_out *o);
void sync_channels_link_text(const struct sync_channels *set, struct sync_out *o);

/* Counters of one channel, for /metrics and "-s json". */
struct sync_channel_counters {
	uint64_t bytes_tx, bytes_rx;
	uint64_t datagrams_tx, datagrams_rx; /* TCP: send and recv calls that moved bytes */
	uint64_t errors_tx, errors_rx;
	uint64_t dropped_tx; /* messages lost before the kernel took them: link down,
			      * error queue full, UDP/multicast send errors */
	bool up;	     /* link IFF_UP and IFF_RUNNING */
	bool connected;	     /* TCP: the outgoing connection is established */
	bool accepted;	     /* TCP: a peer is connected to our listener */
	const char *ifname;
};

/*
 * sync_channels_count - how many channels; sync_channels_counters - the
 * counters of channel @chan (the current one when out of range); ->ifname
 * is valid until the next sync_channels_handle() or close.
 */
unsigned int sync_channels_count(const struct sync_channels *set);
void sync_channels_counters(const struct sync_channels *set, unsigned int chan,
			    struct sync_channel_counters *ret);

#endif /* CONNTRACKD_SYNC_CHANNEL_H */
