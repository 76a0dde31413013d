/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one flow model (struct ctf_flow) and the ctnetlink conntrack codec. */
#ifndef CTFLOW_CT_H
#define CTFLOW_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/netlink.h>

/* Kernel limits we mirror (include/net/netfilter/nf_conntrack_helper.h, nf_conntrack_labels.h). */
#define CTF_HELPER_NAME_LEN 16
#define CTF_LABELS_LEN	    16 /* 128 label bits */
#define CTF_SECCTX_LEN	    256

/* One address, network byte order; IPv4 uses the first word only. */
union ctf_addr {
	uint32_t ip;
	uint32_t ip6[4];
	uint8_t raw[16];
	struct in_addr in;
	struct in6_addr in6;
};

/*
 * One direction's tuple. Ports, ICMP ids and GRE keys are in host byte order;
 * addresses stay in network byte order so they can be printed and compared as
 * the kernel sends them.
 */
struct ctf_tuple {
	union ctf_addr src;
	union ctf_addr dst;
	uint8_t l3num;	 /* AF_INET or AF_INET6 */
	uint8_t l4proto; /* IPPROTO_* */
	union {
		struct {
			uint16_t sport;
			uint16_t dport;
		} port; /* tcp, udp, udplite, sctp, dccp */
		struct {
			uint8_t type;
			uint8_t code;
			uint16_t id;
		} icmp; /* icmp, icmpv6 */
		struct {
			uint16_t skey; /* the kernel sends the GRE keys as ports: */
			uint16_t dkey; /* same storage as l4.port */
		} gre;
	} l4;
	uint16_t zone;	/* CTA_TUPLE_ZONE, valid when the flow has the *_ZONE attribute */
	uint16_t flags; /* CTF_TUPLE_F_* */
};

enum {
	CTF_TUPLE_F_SRC = 1U << 0,     /* src address present */
	CTF_TUPLE_F_DST = 1U << 1,     /* dst address present */
	CTF_TUPLE_F_PROTO = 1U << 2,   /* l4proto present */
	CTF_TUPLE_F_SPORT = 1U << 3,   /* sport / icmp id / gre skey present */
	CTF_TUPLE_F_DPORT = 1U << 4,   /* dport / gre dkey present */
	CTF_TUPLE_F_ICMP_TYPE = 1U << 5,
	CTF_TUPLE_F_ICMP_CODE = 1U << 6,
	CTF_TUPLE_F_ICMP_ID = 1U << 7,
	CTF_TUPLE_F_ZONE = 1U << 8,
};

/* Which fields of a struct ctf_flow hold a value: bits of ctf_flow.set. */
enum ctf_flow_attr {
	CTF_FLOW_A_ORIG,	  /* orig tuple */
	CTF_FLOW_A_REPLY,	  /* reply tuple */
	CTF_FLOW_A_MASTER,	  /* master tuple (expected flows) */
	CTF_FLOW_A_STATUS,
	CTF_FLOW_A_TIMEOUT,
	CTF_FLOW_A_MARK,
	CTF_FLOW_A_MARK_MASK, /* requests only */
	CTF_FLOW_A_SECMARK,
	CTF_FLOW_A_SECCTX,
	CTF_FLOW_A_ZONE,
	CTF_FLOW_A_ORIG_ZONE,  /* orig.zone */
	CTF_FLOW_A_REPLY_ZONE, /* reply.zone */
	CTF_FLOW_A_COUNTERS_ORIG,
	CTF_FLOW_A_COUNTERS_REPLY,
	CTF_FLOW_A_TS_START,
	CTF_FLOW_A_TS_STOP,
	CTF_FLOW_A_TS_EVENT, /* CTA_TIMESTAMP_EVENT (kernel >= 6.9) */
	CTF_FLOW_A_USE,
	CTF_FLOW_A_ID,
	CTF_FLOW_A_HELPER,
	CTF_FLOW_A_LABELS,
	CTF_FLOW_A_LABELS_MASK, /* requests only */
	CTF_FLOW_A_TCP_STATE,
	CTF_FLOW_A_TCP_WSCALE_ORIG,
	CTF_FLOW_A_TCP_WSCALE_REPLY,
	CTF_FLOW_A_TCP_FLAGS_ORIG,
	CTF_FLOW_A_TCP_FLAGS_REPLY,
	CTF_FLOW_A_SCTP_STATE,
	CTF_FLOW_A_SCTP_VTAG_ORIG,
	CTF_FLOW_A_SCTP_VTAG_REPLY,
	CTF_FLOW_A_DCCP_STATE,
	CTF_FLOW_A_DCCP_ROLE,
	CTF_FLOW_A_DCCP_HANDSHAKE_SEQ,
	CTF_FLOW_A_SEQADJ_ORIG,
	CTF_FLOW_A_SEQADJ_REPLY,
	CTF_FLOW_A_SYNPROXY,
	CTF_FLOW_A_NAT_SRC, /* requests only: CTA_NAT_SRC */
	CTF_FLOW_A_NAT_DST, /* requests only: CTA_NAT_DST */
	__CTF_FLOW_A_MAX
};
#define CTF_FLOW_A_MAX (__CTF_FLOW_A_MAX - 1)

#define CTF_FLOW_BIT(a) (UINT64_C(1) << (a))

struct ctf_counters {
	uint64_t packets;
	uint64_t bytes;
};

struct ctf_seqadj {
	uint32_t correction_pos;
	uint32_t offset_before;
	uint32_t offset_after;
};

/* A NAT range for create requests (CTA_NAT_SRC/DST); ports host order. */
struct ctf_nat {
	union ctf_addr min;
	union ctf_addr max;
	uint16_t port_min;
	uint16_t port_max;
	bool has_port;
};

/* Where a flow came from when it was parsed from a message. */
enum ctf_flow_event {
	CTF_EVENT_NONE = 0,
	CTF_EVENT_NEW = 1U << 0,
	CTF_EVENT_UPDATE = 1U << 1,
	CTF_EVENT_DESTROY = 1U << 2,
};

/*
 * One conntrack entry, flat, with no pointers into a netlink buffer, so it can
 * be copied and kept. Only the fields whose CTF_FLOW_A_* bit is in `set` hold
 * a value; everything else is zero after ctf_flow_parse().
 */
struct ctf_flow {
	uint64_t set;	   /* CTF_FLOW_BIT(CTF_FLOW_A_*) */
	uint8_t family;	   /* nfgenmsg family: AF_INET, AF_INET6 */
	uint8_t event;	   /* enum ctf_flow_event, for messages from event groups */
	uint32_t nl_portid; /* nlmsg_pid of the message it came from */
	struct ctf_tuple orig;
	struct ctf_tuple reply;
	struct ctf_tuple master;
	uint32_t status; /* IPS_* */
	uint32_t timeout;
	uint32_t mark;
	uint32_t mark_mask;
	uint32_t secmark;
	uint32_t use;
	uint32_t id;
	uint16_t zone;
	struct ctf_counters counters[2]; /* [0] original, [1] reply */
	uint64_t ts_start;		 /* ns since the epoch */
	uint64_t ts_stop;
	uint64_t ts_event;
	struct {
		uint8_t state;
		uint8_t wscale[2];
		uint8_t flags[2]; /* nf_ct_tcp_flags.flags per direction */
		uint8_t mask[2];  /* nf_ct_tcp_flags.mask, requests only */
	} tcp;
	struct {
		uint8_t state;
		uint32_t vtag[2];
	} sctp;
	struct {
		uint8_t state;
		uint8_t role;
		uint64_t handshake_seq;
	} dccp;
	struct ctf_seqadj seqadj[2];
	struct {
		uint32_t isn;
		uint32_t its;
		uint32_t tsoff;
	} synproxy;
	uint8_t labels[CTF_LABELS_LEN];
	uint8_t labels_mask[CTF_LABELS_LEN];
	uint8_t labels_len; /* bytes the kernel sent (<= CTF_LABELS_LEN) */
	struct ctf_nat nat_src;
	struct ctf_nat nat_dst;
	char helper[CTF_HELPER_NAME_LEN];
	char secctx[CTF_SECCTX_LEN];
};

static inline bool ctf_flow_has(const struct ctf_flow *f, enum ctf_flow_attr a)
{
	return f->set & CTF_FLOW_BIT(a);
}

static inline void ctf_flow_set(struct ctf_flow *f, enum ctf_flow_attr a)
{
	f->set |= CTF_FLOW_BIT(a);
}

/*
 * ctf_flow_parse - parse one IPCTNL_MSG_CT_NEW/CT_DELETE message into @ret_flow.
 * Used for dump replies, GET replies and events. Unknown attributes are
 * skipped (newer kernels add some); malformed ones make the whole message
 * fail. @ret_flow is cleared first and is only meaningful on success.
 * Returns 0, -EBADMSG for a malformed message, -EPROTO for a message that is
 * not a conntrack message.
 */
int ctf_flow_parse(const struct nlmsghdr *nlh, struct ctf_flow *ret_flow);

/*
 * ctf_ct_msg_put - start an IPCTNL_MSG_CT_* request in @buf, which must have
 * room for CTF_NL_REQ_SIZE bytes (or be inside a ctf_nl_batch). @type is
 * the IPCTNL_MSG_CT_* message type, @family the nfgenmsg family.
 * Returns the new header (never NULL).
 */
struct nlmsghdr *ctf_ct_msg_put(void *buf, uint16_t type, uint16_t flags, uint8_t family,
				uint32_t seq);

/* What ctf_ct_put_flow() writes. */
enum {
	CTF_CT_PUT_ORIG = 1U << 0,	/* CTA_TUPLE_ORIG */
	CTF_CT_PUT_REPLY = 1U << 1,	/* CTA_TUPLE_REPLY */
	CTF_CT_PUT_MASTER = 1U << 2,	/* CTA_TUPLE_MASTER */
	CTF_CT_PUT_META = 1U << 3,	/* status, timeout, mark, protoinfo, helper, labels, nat... */
	CTF_CT_PUT_ID = 1U << 4,	/* CTA_ID */
	CTF_CT_PUT_ZONE = 1U << 5,	/* CTA_ZONE */
	CTF_CT_PUT_ALL = 0x3f,
};

/*
 * ctf_ct_put_flow - append the attributes of @f selected by @what (CTF_CT_PUT_*)
 * and present in f->set to @nlh. The inverse of ctf_flow_parse() for every
 * attribute the kernel accepts in CT_NEW/CT_DELETE/CT_GET requests.
 * Returns 0, or -EMSGSIZE if @buflen (total buffer size behind @nlh) is too
 * small (the message is then truncated to what fit and must not be sent).
 */
int ctf_ct_put_flow(struct nlmsghdr *nlh, size_t buflen, const struct ctf_flow *f,
		    unsigned int what);

/*
 * ctf_ct_put_tuple - append one tuple as the nested attribute @type
 * (CTA_TUPLE_ORIG, CTA_TUPLE_REPLY, CTA_TUPLE_MASTER, or CTA_EXPECT_*),
 * writing only the parts flagged in t->flags (CTF_TUPLE_F_*).
 * Returns 0 or -EMSGSIZE.
 */
int ctf_ct_put_tuple(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		     const struct ctf_tuple *t);

/*
 * ctf_ct_parse_tuple - parse a nested tuple attribute (CTA_TUPLE_* layout)
 * into @ret_tuple (cleared first). Returns 0 or -EBADMSG.
 */
int ctf_ct_parse_tuple(const struct nlattr *nest, struct ctf_tuple *ret_tuple);

/* Per-CPU statistics of the conntrack table (IPCTNL_MSG_CT_GET_STATS_CPU). */
enum ctf_ct_stat {
	CTF_CT_STAT_SEARCHED,
	CTF_CT_STAT_FOUND,
	CTF_CT_STAT_NEW,
	CTF_CT_STAT_INVALID,
	CTF_CT_STAT_IGNORE,
	CTF_CT_STAT_DELETE,
	CTF_CT_STAT_DELETE_LIST,
	CTF_CT_STAT_INSERT,
	CTF_CT_STAT_INSERT_FAILED,
	CTF_CT_STAT_DROP,
	CTF_CT_STAT_EARLY_DROP,
	CTF_CT_STAT_ERROR,
	CTF_CT_STAT_SEARCH_RESTART,
	CTF_CT_STAT_CLASH_RESOLVE,
	CTF_CT_STAT_CHAIN_TOOLONG,
	__CTF_CT_STAT_MAX
};
#define CTF_CT_STAT_MAX (__CTF_CT_STAT_MAX - 1)

struct ctf_ct_cpu_stats {
	uint16_t cpu;	     /* nfgenmsg res_id */
	uint32_t present;    /* bit i set when counter i was sent */
	uint32_t value[__CTF_CT_STAT_MAX];
};

/*
 * ctf_ct_parse_cpu_stats - parse one IPCTNL_MSG_CT_GET_STATS_CPU reply.
 * Returns 0 or -EBADMSG.
 */
int ctf_ct_parse_cpu_stats(const struct nlmsghdr *nlh, struct ctf_ct_cpu_stats *ret_stats);

/*
 * ctf_ct_parse_global_stats - parse an IPCTNL_MSG_CT_GET_STATS reply.
 * Writes the entry count and the table limit (0 when not sent).
 * Returns 0 or -EBADMSG.
 */
int ctf_ct_parse_global_stats(const struct nlmsghdr *nlh, uint32_t *ret_entries,
			      uint32_t *ret_max);

/* Names used by the formatters and the CLI (NULL when out of range). */
const char *ctf_tcp_state_name(uint8_t state);	/* "ESTABLISHED", ... */
const char *ctf_sctp_state_name(uint8_t state); /* "ESTABLISHED", ... */
const char *ctf_dccp_state_name(uint8_t state); /* "OPEN", ... */
const char *ctf_l4proto_name(uint8_t proto);	/* "tcp", ...; "unknown" otherwise */
const char *ctf_l3proto_name(uint8_t family);	/* "ipv4", "ipv6"; "unknown" otherwise */

#endif /* CTFLOW_CT_H */
