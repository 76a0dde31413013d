/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd 1.4.7's state-sync wire format (protocol version 1): message
 * headers, control messages, conntrack and expectation objects, and the
 * walk over a datagram or a stream buffer. Pure code, no I/O.
 * doc/sync-wire.md describes the format and its quirks.
 */
#ifndef CTFLOW_SYNCWIRE_H
#define CTFLOW_SYNCWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/ct.h>
#include <ctflow/exp.h>

#define CTF_SYNC_VERSION 1
#define CTF_SYNC_HDR_LEN 8  /* struct nethdr */
#define CTF_SYNC_CTL_LEN 16 /* struct nethdr_ack: ACK, NACK, RESYNC */

/*
 * Room for the attributes of one object we build (IPv6 + master + NAT6 + ...):
 * at most 336 bytes for a flow, 264 for an expectation.
 */
#define CTF_SYNC_BODY_MAX 512

/* Attribute TLV header (struct netattr): be16 nta_len (header + payload, unpadded), be16 id. */
#define CTF_SYNC_NTA_HDR_LEN 4

/* Conntrack attribute ids (1.4.7 enum nta_attr). 1.4.7 refuses a message with an id >= 33. */
enum ctf_sync_nta {
	CTF_SYNC_NTA_IPV4 = 0, /* orig src, dst */
	CTF_SYNC_NTA_IPV6 = 1,
	CTF_SYNC_NTA_L4PROTO = 2,
	CTF_SYNC_NTA_PORT = 3, /* orig sport, dport, big-endian */
	CTF_SYNC_NTA_TCP_STATE = 4,
	CTF_SYNC_NTA_STATUS = 5,
	CTF_SYNC_NTA_TIMEOUT = 6,
	CTF_SYNC_NTA_MARK = 7,
	CTF_SYNC_NTA_MASTER_IPV4 = 8,
	CTF_SYNC_NTA_MASTER_IPV6 = 9,
	CTF_SYNC_NTA_MASTER_L4PROTO = 10,
	CTF_SYNC_NTA_MASTER_PORT = 11,
	CTF_SYNC_NTA_SNAT_IPV4 = 12, /* reply dst */
	CTF_SYNC_NTA_DNAT_IPV4 = 13, /* reply src */
	CTF_SYNC_NTA_SPAT_PORT = 14, /* reply dport, little-endian (quirk) */
	CTF_SYNC_NTA_DPAT_PORT = 15, /* reply sport, little-endian (quirk) */
	CTF_SYNC_NTA_NAT_SEQ_ADJ = 16,
	CTF_SYNC_NTA_SCTP_STATE = 17,
	CTF_SYNC_NTA_SCTP_VTAG_ORIG = 18, /* big-endian: see doc/sync-wire.md */
	CTF_SYNC_NTA_SCTP_VTAG_REPL = 19,
	CTF_SYNC_NTA_DCCP_STATE = 20,
	CTF_SYNC_NTA_DCCP_ROLE = 21,
	CTF_SYNC_NTA_ICMP_TYPE = 22,
	CTF_SYNC_NTA_ICMP_CODE = 23,
	CTF_SYNC_NTA_ICMP_ID = 24, /* little-endian (quirk) */
	CTF_SYNC_NTA_TCP_WSCALE_ORIG = 25,
	CTF_SYNC_NTA_TCP_WSCALE_REPL = 26,
	CTF_SYNC_NTA_HELPER_NAME = 27, /* NUL-terminated, nta_len <= 16 */
	CTF_SYNC_NTA_LABELS = 28,      /* be32 words, nta_len <= 1028 */
	CTF_SYNC_NTA_SNAT_IPV6 = 29,
	CTF_SYNC_NTA_DNAT_IPV6 = 30,
	CTF_SYNC_NTA_SYNPROXY = 31, /* be32 its, isn, tsoff */
	CTF_SYNC_NTA_ZONE = 32,
	__CTF_SYNC_NTA_MAX
};
#define CTF_SYNC_NTA_MAX (__CTF_SYNC_NTA_MAX - 1)

/* Expectation attribute ids (1.4.7 enum nta_exp_attr); 1.4.7 refuses an id >= 21. */
enum ctf_sync_exp_nta {
	CTF_SYNC_EXP_NTA_MASTER_IPV4 = 0,
	CTF_SYNC_EXP_NTA_MASTER_IPV6 = 1,
	CTF_SYNC_EXP_NTA_MASTER_L4PROTO = 2,
	CTF_SYNC_EXP_NTA_MASTER_PORT = 3,
	CTF_SYNC_EXP_NTA_EXPECT_IPV4 = 4,
	CTF_SYNC_EXP_NTA_EXPECT_IPV6 = 5,
	CTF_SYNC_EXP_NTA_EXPECT_L4PROTO = 6,
	CTF_SYNC_EXP_NTA_EXPECT_PORT = 7,
	CTF_SYNC_EXP_NTA_MASK_IPV4 = 8,
	CTF_SYNC_EXP_NTA_MASK_IPV6 = 9,
	CTF_SYNC_EXP_NTA_MASK_L4PROTO = 10,
	CTF_SYNC_EXP_NTA_MASK_PORT = 11,
	CTF_SYNC_EXP_NTA_TIMEOUT = 12,
	CTF_SYNC_EXP_NTA_FLAGS = 13,
	CTF_SYNC_EXP_NTA_CLASS = 14,
	CTF_SYNC_EXP_NTA_NAT_IPV4 = 15,
	CTF_SYNC_EXP_NTA_NAT_PORT = 16,
	CTF_SYNC_EXP_NTA_NAT_L4PROTO = 17,
	CTF_SYNC_EXP_NTA_NAT_DIR = 18,
	CTF_SYNC_EXP_NTA_HELPER_NAME = 19, /* nta_len <= 16 */
	CTF_SYNC_EXP_NTA_FN = 20,	   /* nta_len <= 32 */
	__CTF_SYNC_EXP_NTA_MAX
};
#define CTF_SYNC_EXP_NTA_MAX (__CTF_SYNC_EXP_NTA_MAX - 1)

/* Message types (enum nethdr_type). */
enum ctf_sync_type {
	CTF_SYNC_T_CT_NEW = 0,
	CTF_SYNC_T_CT_UPD = 1,
	CTF_SYNC_T_CT_DEL = 2,
	CTF_SYNC_T_EXP_NEW = 3,
	CTF_SYNC_T_EXP_UPD = 4,
	CTF_SYNC_T_EXP_DEL = 5,
	CTF_SYNC_T_CTL = 10,
};
#define CTF_SYNC_T_DATA_MAX CTF_SYNC_T_EXP_DEL

/* Header flags. A data message may carry only HELLO and HELLO_BACK. */
enum {
	CTF_SYNC_F_RESYNC = 1U << 1,
	CTF_SYNC_F_NACK = 1U << 2,
	CTF_SYNC_F_ACK = 1U << 3,
	CTF_SYNC_F_ALIVE = 1U << 4,
	CTF_SYNC_F_HELLO = 1U << 5,
	CTF_SYNC_F_HELLO_BACK = 1U << 6,
};

/* A header in host byte order. @from and @to are valid with ACK, NACK or RESYNC. */
struct ctf_sync_hdr {
	uint8_t version;
	uint8_t type;
	uint8_t flags;
	uint16_t len; /* the whole message: header and padded attributes */
	uint32_t seq;
	uint32_t from;
	uint32_t to;
};

/*
 * Why a received message was refused. Each one counts once in 1.4.7's
 * "Malformed msgs" and once under its own reason ("-s network").
 */
enum ctf_sync_rx_error {
	CTF_SYNC_RX_VERSION,   /* wrong protocol version: the message is skipped */
	CTF_SYNC_RX_HEADER,    /* malformed header (a mode refused the control fields) */
	CTF_SYNC_RX_PAYLOAD,   /* the attributes do not parse */
	CTF_SYNC_RX_TYPE,      /* unknown message type */
	CTF_SYNC_RX_TRUNCATED, /* fewer bytes than a header: the walk ends */
	CTF_SYNC_RX_SIZE,      /* a length that is 0, too small or past the end: the walk ends */
	__CTF_SYNC_RX_MAX
};
#define CTF_SYNC_RX_MAX (__CTF_SYNC_RX_MAX - 1)

/* ctf_sync_hdr_size - bytes of the header for @flags: 16 with ACK, NACK or RESYNC, else 8. */
size_t ctf_sync_hdr_size(uint8_t flags);

/*
 * ctf_sync_put_hdr - write @h (version forced to CTF_SYNC_VERSION) at @buf
 * in wire order: 8 bytes, or 16 when h->flags has ACK, NACK or RESYNC.
 * @buf must have ctf_sync_hdr_size(h->flags) bytes. Returns that size.
 */
size_t ctf_sync_put_hdr(uint8_t *buf, const struct ctf_sync_hdr *h);

/*
 * One message found by ctf_sync_split(): its header in host order and its
 * bytes (@len = hdr.len, header included), valid during the callback.
 */
struct ctf_sync_msg {
	struct ctf_sync_hdr hdr;
	const uint8_t *data;
	size_t len;
};

/* Called for each message with valid framing and version 1. */
typedef void (*ctf_sync_msg_cb)(const struct ctf_sync_msg *msg, void *data);

/*
 * ctf_sync_split - walk the messages of @buf (@len bytes: one datagram, or
 * what a stream channel has buffered), as 1.4.7's channel handler does.
 * A framing error (CTF_SYNC_RX_TRUNCATED, CTF_SYNC_RX_SIZE) is counted in
 * errs[] and ends the walk; a message of another version is counted as
 * CTF_SYNC_RX_VERSION and skipped. The walk advances by each header's len,
 * unpadded, as 1.4.7 does. With @stream, a message cut short at the end of
 * @buf is no error: the walk stops before it. @errs may be NULL; it is
 * added to, never cleared.
 * Returns the bytes consumed: @len for a datagram; for a stream, the offset
 * of the incomplete tail the caller keeps for the next read, or @len after
 * a framing error (1.4.7 then drops what it had buffered).
 */
size_t ctf_sync_split(const uint8_t *buf, size_t len, bool stream, ctf_sync_msg_cb cb, void *data,
		      uint64_t errs[__CTF_SYNC_RX_MAX]);

/* How to encode objects for a peer. */
struct ctf_sync_ct_opts {
	bool no_timeout; /* CommitTimeout is set: leave NTA_TIMEOUT out, as 1.4.7 does */
	bool wscale;	 /* TCPWindowTracking: send the window scale factors */
};

/* What ctf_sync_ct_encode() left out, in *ret_dropped. */
enum {
	CTF_SYNC_DROPPED_HELPER = 1U << 0, /* helper name too long for a 1.4.7 receiver */
};

/*
 * ctf_sync_ct_encode - the attributes of @f (no header) as 1.4.7's ct2msg()
 * builds them, in its order, into @buf. SNAT/DNAT and SPAT/DPAT come from
 * the reply tuple and the NAT_DONE status bits, with libnetfilter_conntrack's
 * rules; a flow with no reply tuple (one decoded from a peer) sends its
 * nat_src/nat_dst instead. The SPAT/DPAT and ICMP id quirks are written in
 * x86 order on every host. Only ids a 1.4.7 peer accepts (< 33) are ever
 * written; a helper name longer than 11 characters is left out.
 * doc/sync-wire.md lists which attribute is sent when.
 * Returns the bytes written (a multiple of 4, at most CTF_SYNC_BODY_MAX),
 * or -EMSGSIZE when @len is too small, or -EINVAL when @f has no original
 * tuple. On success *ret_dropped (may be NULL) gets CTF_SYNC_DROPPED_* bits.
 */
int ctf_sync_ct_encode(uint8_t *buf, size_t len, const struct ctf_flow *f,
		       const struct ctf_sync_ct_opts *opts, unsigned int *ret_dropped);

/*
 * ctf_sync_ct_decode - parse the attributes of one CT_* message (@body:
 * the @len bytes after the header) into @ret_flow, cleared first, with
 * 1.4.7's msg2ct() rules: an attribute with nta_len < 4 or past the end, a
 * fixed-size attribute of another size, a HELPER_NAME over 16 or a LABELS
 * over 1028 bytes fails the message; a remainder of 4 bytes or less is
 * ignored. Stricter than 1.4.7: a HELPER_NAME with no NUL fails it too
 * (1.4.7 reads past the attribute). One leniency: an id >= 33 is skipped
 * and counted in *ret_unknown (may be NULL). The result has the original
 * tuple, the master tuple of related flows, and SNAT/DNAT as
 * nat_src/nat_dst (CTF_FLOW_A_NAT_SRC/DST, the create-request fields), so
 * it can be committed as it is; no reply tuple (ctf_sync_reply_from_nat()
 * builds it). CTF_FLOW_A_STATUS is always set. What 1.4.7 never sends and
 * our encoder would not send back is dropped (zone 0, labels with no bit
 * below 128 set, NAT that changes nothing): see doc/sync-wire.md.
 * Returns 0 or -EBADMSG; @ret_flow is meaningful only on success.
 */
int ctf_sync_ct_decode(const uint8_t *body, size_t len, struct ctf_flow *ret_flow,
		       unsigned int *ret_unknown);

/*
 * ctf_sync_exp_encode, ctf_sync_exp_decode - the same for expectations
 * (1.4.7's exp2msg()/msg2exp(); ids >= 21 are unknown). The port groups
 * follow the master's layer 4 protocol (tcp, udp, sctp, dccp), for the
 * master, expected, mask and NAT tuples alike. The encoder sends
 * CTF_EXP_A_TIMEOUT when set: with CommitTimeout, clear it first, as 1.4.7
 * leaves the timeout out. It leaves out, silently, what a 1.4.7 receiver
 * would refuse: a helper name over 11 or a function name over 27
 * characters; the zone and id are not part of the format. Encode returns
 * the bytes written or -EMSGSIZE / -EINVAL (no master tuple); decode
 * returns 0 or -EBADMSG, with CTF_EXP_A_FLAGS always set.
 */
int ctf_sync_exp_encode(uint8_t *buf, size_t len, const struct ctf_exp *e);
int ctf_sync_exp_decode(const uint8_t *body, size_t len, struct ctf_exp *ret_exp,
			unsigned int *ret_unknown);

/*
 * ctf_sync_reply_from_nat - the reply tuple the kernel builds for a flow
 * created from @f's original tuple and NAT (what 1.4.7's commit asks for
 * with NFCT_SOPT_SETUP_REPLY): the inverted original tuple (ICMP echo
 * request 8 -> reply 0 and the kernel's other pairs; other types kept),
 * with nat_src applied to the destination (SNAT, SPAT) and nat_dst to the
 * source (DNAT, DPAT). The zone is copied. Writes *ret_reply.
 */
void ctf_sync_reply_from_nat(const struct ctf_flow *f, struct ctf_tuple *ret_reply);

/* Names for logs and decodes: "CT_NEW", ..., "CTL"; NULL when unknown. */
const char *ctf_sync_type_name(uint8_t type);

#endif /* CTFLOW_SYNCWIRE_H */
