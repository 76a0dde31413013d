/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd sync channels: what channel.c, channel_{udp,mcast,tcp}.c and link.c share. */
#ifndef CONNTRACKD_SYNC_CHANNEL_IMPL_H
#define CONNTRACKD_SYNC_CHANNEL_IMPL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "channel.h"

struct ctf_nl;

#define CH_RX_READ	      (64U << 10) /* one read, as 1.4.7's 64 KiB receive buffer */
#define CH_DGRAM_MAX	      65507U	  /* the largest UDP payload over IPv4: the packing cap */
#define CH_MTU_FALLBACK	      1500U
#define CH_BUDGET	      100 /* reads per readiness: 1.4.7's default EventIterationLimit */
#define CH_CONNECT_MIN_MS     100U
#define CH_CONNECT_MAX_MS     1000U
#define CH_CONNECT_TIMEOUT_MS 2000U /* a SYN the link swallowed: start over */

/*
 * The private part of an epoll data.u64: kind in bits 0-1, channel in bits
 * 2-3, and for TCP connections 12 bits of a generation, so an event fetched
 * for a descriptor that was closed meanwhile is recognised and ignored.
 */
enum ch_kind {
	CH_K_RX,   /* UDP/multicast receiving socket, TCP listener */
	CH_K_CONN, /* TCP: the accepted connection */
	CH_K_TX,   /* TCP: the outgoing connection */
	CH_K_SET,  /* the set's own: channel 0 link watch, 1 timer */
};
#define CH_SET_LINK  0U
#define CH_SET_TIMER 1U
#define CH_IDX_MASK  0xffffU
#define CH_GEN_MASK  0xfffU

static inline uint64_t ch_idx(enum ch_kind kind, unsigned int chan, unsigned int gen)
{
	return (uint64_t)kind | (uint64_t)chan << 2 | (uint64_t)(gen & CH_GEN_MASK) << 4;
}

union ch_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

enum ch_tx_state {
	CH_TX_IDLE,	  /* no outgoing connection; the next attempt is at connect_at_ms */
	CH_TX_CONNECTING, /* connect() in progress: EPOLLOUT tells */
	CH_TX_CONNECTED,
};

struct sync_ch {
	struct sync_channels *set;
	unsigned int index;
	struct ctf_conf_channel conf; /* a copy; conf.ifname is not used (see ifname) */
	char ifname[IFNAMSIZ];	      /* as configured, then as rtnetlink renames it */
	int ifindex;		      /* 0: the interface does not exist (now) */
	unsigned int ifflags;	      /* IFF_* as last seen */
	unsigned int mtu;
	union ch_addr local, peer; /* bind address; where to send or connect */
	socklen_t salen;
	int rx_fd;   /* UDP/multicast: the bound receiving socket; TCP: the listener */
	int tx_fd;   /* UDP/multicast: the unbound sending socket; TCP: outgoing */
	int conn_fd; /* TCP: the accepted connection, or -1 */
	enum ch_tx_state tx_state;
	unsigned int tx_gen, conn_gen;
	uint32_t tx_events; /* what epoll watches on tx_fd now */
	uint64_t connect_at_ms, connect_started_ms;
	uint64_t accepted_ms; /* when the peer last connected to us */
	unsigned int backoff_ms;
	uint8_t *rxbuf; /* TCP: the kept tail, then one read */
	size_t rx_tail;
	struct sync_channel_counters cnt; /* up, connected, accepted, ifname filled on demand */
};

/*
 * A buffer TCP could not send (yet), kept whole: @off bytes of it went out
 * on channel @chan's connection, which must carry the rest so the stream
 * is not torn; if that connection breaks, it starts again from 0.
 */
struct ch_err {
	struct ch_err *next;
	size_t len, off;
	unsigned int msgs, chan;
	uint8_t buf[];
};

struct sync_channels {
	struct sync_ch ch[CTF_CONF_MAX_CHANNELS];
	unsigned int n, cur;
	enum ctf_conf_channel_type type;
	struct ctf_nl *link;
	int timer_fd;
	int epfd; /* -1 until sync_channels_watch() */
	uint64_t tag;
	uint8_t *pack; /* CH_DGRAM_MAX bytes */
	size_t pack_len;
	unsigned int pack_msgs;
	uint8_t *rxbuf;			  /* CH_RX_READ bytes for datagrams */
	struct ch_err *errq, **errq_tail; /* FIFO of at most errq_max buffers */
	unsigned int errq_max, errq_len;
	bool timer_dirty;    /* a TCP deadline changed: re-arm timer_fd */
	bool no_link_logged; /* "no dedicated links available!" said once per outage */
};

/* channel.c */
uint64_t ch_now_ms(void);
int ch_ep_add(struct sync_channels *set, int fd, uint64_t idx, uint32_t events);
void ch_ep_mod(struct sync_channels *set, int fd, uint64_t idx, uint32_t events);
void ch_ep_del(struct sync_channels *set, int fd);
void ch_close_fd(struct sync_channels *set, int *fd);
void ch_set_current(struct sync_channels *set, unsigned int chan);
void ch_errq_drain(struct sync_channels *set);
void ch_errq_conn_lost(struct sync_channels *set, unsigned int chan);
bool ch_errq_wants(const struct sync_channels *set, unsigned int chan);
const char *ch_addr_str(const union ch_addr *a, char *buf, size_t len);

/* channel_udp.c: the socket options and I/O UDP and multicast share */
int ch_socket(const struct sync_ch *c, int type, int *ret_fd);
int ch_set_bufs(const struct sync_ch *c, int fd, bool rcv);
int ch_set_checksum(const struct sync_ch *c, int fd);
/* The datagram sending socket (c->tx_fd) with Checksum and SndSocketBuffer applied. */
int ch_dgram_tx_socket(struct sync_ch *c);
void ch_fill_addr(union ch_addr *a, int family, const union ctf_addr *ip, uint16_t port,
		  int ifindex, socklen_t *ret_len);
int ch_udp_open(struct sync_ch *c);
int ch_dgram_send(struct sync_ch *c, const void *buf, size_t len);
void ch_dgram_read(struct sync_ch *c, sync_rx_cb cb, void *data);

/* channel_mcast.c */
int ch_mcast_open(struct sync_ch *c);

/* channel_tcp.c */
int ch_tcp_open(struct sync_ch *c);
void ch_tcp_close(struct sync_ch *c);
void ch_tcp_lost(struct sync_ch *c, int r);
int ch_tcp_watch(struct sync_ch *c);
ssize_t ch_tcp_send(struct sync_ch *c, const void *buf, size_t len);
void ch_tcp_handle(struct sync_ch *c, enum ch_kind kind, unsigned int gen, uint32_t events,
		   sync_rx_cb cb, void *data);
void ch_tcp_arm(struct sync_ch *c);
void ch_tcp_tick(struct sync_ch *c, uint64_t now_ms);
uint64_t ch_tcp_deadline(const struct sync_ch *c);

/* link.c */
int ch_link_open(struct sync_channels *set);
void ch_link_probe(struct sync_ch *c);
void ch_link_handle(struct sync_channels *set);
bool ch_link_up(const struct sync_ch *c);
const char *ch_link_status(const struct sync_ch *c);

#endif /* CONNTRACKD_SYNC_CHANNEL_IMPL_H */
