/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Conntrack entry filters: conntrack-tools 1.4.7 userspace semantics plus kernel push-down. */
#ifndef CTFLOW_FILTER_H
#define CTFLOW_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/ct.h>

/*
 * A filter has three layers, each applied only when its CTF_FILTER_* bit is
 * in ctf_filter.set, in the order 1.4.7 applies them:
 *
 *  1. NAT (SNAT/DNAT/ANY_NAT), mark/mask, labels, CIDR networks;
 *  2. an attribute compare of a template (orig/reply tuples, ICMP fields,
 *     timeout, status, id, protocol states, zones) that behaves like
 *     libnetfilter_conntrack's nfct_cmp(): with CTF_FILTER_CMP_STRICT an
 *     attribute the template has and the entry lacks fails the match
 *     (NFCT_CMP_ALL | NFCT_CMP_MASK, used by -L/-D/-E), without it such an
 *     attribute is ignored (NFCT_CMP_ORIG/REPL, used by -U);
 *  3. nothing else: kernel-only parts (kstatus) never run in userspace.
 */
enum {
	CTF_FILTER_SNAT = 1U << 0,	 /* -n: entry must be source-NATed */
	CTF_FILTER_DNAT = 1U << 1,	 /* -g: entry must be destination-NATed */
	CTF_FILTER_ANY_NAT = 1U << 2,	 /* -j: either (snat/dnat fields hold the address) */
	CTF_FILTER_MARK = 1U << 3,	 /* (mark & mark_mask) == mark_value */
	CTF_FILTER_LABELS = 1U << 4,	 /* every bit of labels[] set in the entry */
	CTF_FILTER_SRC_NET = 1U << 5,	 /* orig src & src_mask == src_net (family) */
	CTF_FILTER_DST_NET = 1U << 6,	 /* orig dst & dst_mask == dst_net (family) */
	CTF_FILTER_CMP = 1U << 7,	 /* run the template compare (orig, reply, meta) */
	CTF_FILTER_CMP_STRICT = 1U << 8, /* template attrs missing in the entry fail */
	CTF_FILTER_CMP_ORIG = 1U << 9,	 /* compare the orig tuple part */
	CTF_FILTER_CMP_REPLY = 1U << 10, /* compare the reply tuple part */
	CTF_FILTER_CMP_META = 1U << 11,	 /* compare timeout/status/id/states/zone */
	CTF_FILTER_ID = 1U << 12,	 /* -U: ids differ => no match (both present) */
	CTF_FILTER_KSTATUS = 1U << 13,	 /* kernel-only CTA_STATUS/CTA_STATUS_MASK */
	CTF_FILTER_FAMILY = 1U << 14,	 /* entry's nfgenmsg family must equal family */
};

/* Which template tuple fields hold a value (ctf_filter_tuple.set). */
enum {
	CTF_FT_L3 = 1U << 0,
	CTF_FT_L4 = 1U << 1,
	CTF_FT_SRC = 1U << 2,
	CTF_FT_DST = 1U << 3,
	CTF_FT_SPORT = 1U << 4, /* ports, GRE keys (never compared for GRE, as in 1.4.7) */
	CTF_FT_DPORT = 1U << 5,
	CTF_FT_ZONE = 1U << 6, /* --orig-zone / --reply-zone (compared as 0 when absent) */
};

struct ctf_filter_tuple {
	uint16_t set; /* CTF_FT_* */
	uint8_t l3num;
	uint8_t l4proto;
	union ctf_addr src;
	union ctf_addr dst;
	uint16_t sport; /* host order */
	uint16_t dport;
	uint16_t zone;
};

/* Which meta fields the template holds (ctf_filter.meta). */
enum {
	CTF_FM_ICMP_TYPE = 1U << 0,
	CTF_FM_ICMP_CODE = 1U << 1,
	CTF_FM_ICMP_ID = 1U << 2,
	CTF_FM_TIMEOUT = 1U << 3,
	CTF_FM_STATUS = 1U << 4, /* (status & entry) == status */
	CTF_FM_ID = 1U << 5,
	CTF_FM_TCP_STATE = 1U << 6,
	CTF_FM_SCTP_STATE = 1U << 7,
	CTF_FM_DCCP_STATE = 1U << 8,
	CTF_FM_ZONE = 1U << 9, /* compared as 0 when the entry has none */
};

/* A NAT filter: with an address (and/or port) the NATed side must equal it. */
enum {
	CTF_FN_ADDR = 1U << 0,
	CTF_FN_PORT = 1U << 1,
};

struct ctf_filter_nat {
	uint8_t set; /* CTF_FN_* */
	uint8_t family;
	union ctf_addr addr;
	uint16_t port; /* host order */
};

struct ctf_filter {
	unsigned int set; /* CTF_FILTER_* */
	uint8_t family;	  /* AF_UNSPEC, AF_INET, AF_INET6: CIDR family, nfgenmsg family */
	struct ctf_filter_tuple orig;
	struct ctf_filter_tuple reply;
	unsigned int meta; /* CTF_FM_* */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_id; /* host order */
	uint32_t timeout;
	uint32_t status;
	uint32_t id;
	uint8_t tcp_state;
	uint8_t sctp_state;
	uint8_t dccp_state;
	uint16_t zone;
	uint32_t mark_value;
	uint32_t mark_mask;
	uint32_t kstatus_value; /* kernel CTA_STATUS; never sent when kstatus_mask is 0 */
	uint32_t kstatus_mask;
	uint8_t labels[CTF_LABELS_LEN];
	union ctf_addr src_net, src_mask;
	union ctf_addr dst_net, dst_mask;
	struct ctf_filter_nat snat;
	struct ctf_filter_nat dnat;
};

/* ctf_filter_init - an empty filter that matches everything. */
void ctf_filter_init(struct ctf_filter *f);

/*
 * ctf_filter_set_net - enable the CIDR filter on the orig source (@dst false)
 * or destination (@dst true) for @family with a @prefix-bit mask; @addr is
 * masked here. Returns 0, or -EINVAL for a bad family or prefix.
 */
int ctf_filter_set_net(struct ctf_filter *f, bool dst, uint8_t family, const union ctf_addr *addr,
		       unsigned int prefix);

/* ctf_filter_prefix_mask - write the @prefix-bit netmask of @family to @ret_mask. */
void ctf_filter_prefix_mask(uint8_t family, unsigned int prefix, union ctf_addr *ret_mask);

/* ctf_filter_match - true when @flow passes every active part of @f. */
bool ctf_filter_match(const struct ctf_filter *f, const struct ctf_flow *flow);

/* The NAT predicates 1.4.7 uses (libnetfilter_conntrack NFCT_GOPT_IS_*). */
bool ctf_flow_is_snat(const struct ctf_flow *flow);
bool ctf_flow_is_dnat(const struct ctf_flow *flow);
bool ctf_flow_is_spat(const struct ctf_flow *flow);
bool ctf_flow_is_dpat(const struct ctf_flow *flow);

/* What ctf_filter_put_dump() may push into the kernel. */
enum {
	CTF_FILTER_PUT_MARK = 1U << 0,	 /* CTA_MARK + CTA_MARK_MASK */
	CTF_FILTER_PUT_STATUS = 1U << 1, /* CTA_STATUS + CTA_STATUS_MASK (kstatus) */
	CTF_FILTER_PUT_TUPLE = 1U << 2,	 /* CTA_FILTER with CTA_TUPLE_ORIG/REPLY */
	CTF_FILTER_PUT_ZONE = 1U << 3,	 /* CTA_ZONE */
	CTF_FILTER_PUT_ALL = 0xf,
};

/*
 * ctf_filter_dump_family - the nfgenmsg family a dump for @f must carry
 * (AF_UNSPEC unless CTF_FILTER_FAMILY is set).
 */
uint8_t ctf_filter_dump_family(const struct ctf_filter *f);

/*
 * ctf_filter_put_dump - append to the dump request @nlh the parts of @f the
 * kernel can apply itself, restricted to @what (CTF_FILTER_PUT_*). Only
 * parts whose kernel semantics select a superset of ctf_filter_match() are
 * sent (e.g. exact addresses but no CIDR, ports only for TCP/UDP, nonzero
 * zones), so callers still run ctf_filter_match() on every entry.
 * Returns 0, or -EMSGSIZE when @buflen is too small.
 */
int ctf_filter_put_dump(const struct ctf_filter *f, struct nlmsghdr *nlh, size_t buflen,
			unsigned int what);

struct sock_filter;

/* Longest program ctf_filter_build_bpf() needs (well below the kernel's BPF_MAXINSNS). */
#define CTF_FILTER_BPF_MAX 512

/*
 * ctf_filter_build_bpf - a classic BPF socket filter for an event socket
 * (one ctnetlink conntrack message per datagram) that drops events @f
 * certainly rejects: family, mark/mask, CIDR networks, and with a strict
 * compare (CTF_FILTER_CMP_STRICT, the -L/-D/-E kind) the tuples' protocol,
 * ports and exact addresses and the TCP/SCTP/DCCP state. Everything else
 * (NAT, labels, zones, ICMP fields...) passes, so the program selects a
 * superset of ctf_filter_match() and callers still run it on every event.
 * Writes at most @max instructions to @prog.
 * Returns the number of instructions, 0 when nothing can be filtered in the
 * kernel (attach nothing), or -E2BIG when @max is too small.
 */
int ctf_filter_build_bpf(const struct ctf_filter *f, struct sock_filter *prog, unsigned int max);

#endif /* CTFLOW_FILTER_H */
