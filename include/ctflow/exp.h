/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ctnetlink expectation codec: struct ctf_exp <-> IPCTNL_MSG_EXP_* messages. */
#ifndef CTFLOW_EXP_H
#define CTFLOW_EXP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include <ctflow/ct.h>

/* Longest expectation function name we keep ("nat-follow-master" and the like). */
#define CTF_EXP_FN_LEN 32

/* Which fields of a struct ctf_exp hold a value: bits of ctf_exp.set. */
enum ctf_exp_attr {
	CTF_EXP_A_MASTER,  /* CTA_EXPECT_MASTER: the master's original tuple */
	CTF_EXP_A_TUPLE,   /* CTA_EXPECT_TUPLE: the expected tuple */
	CTF_EXP_A_MASK,	   /* CTA_EXPECT_MASK */
	CTF_EXP_A_TIMEOUT, /* seconds */
	CTF_EXP_A_ID,
	CTF_EXP_A_HELPER, /* CTA_EXPECT_HELP_NAME */
	CTF_EXP_A_ZONE,
	CTF_EXP_A_FLAGS, /* NF_CT_EXPECT_* */
	CTF_EXP_A_CLASS,
	CTF_EXP_A_NAT, /* CTA_EXPECT_NAT: direction and tuple */
	CTF_EXP_A_FN,  /* CTA_EXPECT_FN */
	__CTF_EXP_A_MAX
};
#define CTF_EXP_A_MAX (__CTF_EXP_A_MAX - 1)

#define CTF_EXP_BIT(a) (1U << (a))

/* NF_CT_EXPECT_* flag bits. */
enum {
	CTF_EXP_F_PERMANENT = 1U << 0,
	CTF_EXP_F_INACTIVE = 1U << 1,
	CTF_EXP_F_USERSPACE = 1U << 2,
};

/*
 * One expectation, flat and self-contained like struct ctf_flow: only the
 * fields whose CTF_EXP_A_* bit is in `set` hold a value; the rest are zero
 * after ctf_exp_parse(). Tuples follow ctf_tuple's conventions (ports host
 * order, addresses network order, CTF_TUPLE_F_* for what was sent).
 */
struct ctf_exp {
	uint32_t set;	    /* CTF_EXP_BIT(CTF_EXP_A_*) */
	uint8_t family;	    /* nfgenmsg family */
	uint8_t event;	    /* enum ctf_flow_event, for messages from event groups */
	uint32_t nl_portid; /* nlmsg_pid of the message it came from */
	struct ctf_tuple master;
	struct ctf_tuple tuple;
	struct ctf_tuple mask;
	uint32_t timeout;
	uint32_t id;
	uint32_t flags;
	uint32_t class;
	uint16_t zone;
	struct {
		uint32_t dir;
		struct ctf_tuple tuple;
	} nat;
	char helper[CTF_HELPER_NAME_LEN];
	char fn[CTF_EXP_FN_LEN];
};

static inline bool ctf_exp_has(const struct ctf_exp *e, enum ctf_exp_attr a)
{
	return e->set & CTF_EXP_BIT(a);
}

static inline void ctf_exp_set(struct ctf_exp *e, enum ctf_exp_attr a)
{
	e->set |= CTF_EXP_BIT(a);
}

/*
 * ctf_exp_parse - parse one IPCTNL_MSG_EXP_NEW or IPCTNL_MSG_EXP_DELETE
 * message (a dump or GET reply, or an event) into @ret_exp, cleared first.
 * ret_exp->event is NEW for EXP_NEW with NLM_F_CREATE, UPDATE for EXP_NEW
 * without it, DESTROY for EXP_DELETE. Unknown attributes are skipped;
 * malformed ones (wrong sizes, unterminated or overlong strings, nests that
 * do not add up) fail the whole message. Allocates nothing.
 * Returns 0, -EBADMSG for a malformed message, -EPROTO for a message that
 * is not an expectation message. @ret_exp is meaningful only on success.
 */
int ctf_exp_parse(const struct nlmsghdr *nlh, struct ctf_exp *ret_exp);

/*
 * ctf_exp_msg_put - start an IPCTNL_MSG_EXP_* request (@type) in @buf, which
 * must have room for CTF_NL_REQ_SIZE bytes. Returns the header (never NULL).
 */
struct nlmsghdr *ctf_exp_msg_put(void *buf, uint16_t type, uint16_t flags, uint8_t family,
				 uint32_t seq);

/*
 * ctf_exp_put - append the attributes of @e present in e->set to @nlh, in
 * the order libnetfilter_conntrack writes them (tuple, master, mask, NAT,
 * timeout, flags, helper, class, fn, zone), for EXP_NEW, EXP_GET and
 * EXP_DELETE requests. Tuples are written as ctf_ct_put_tuple() does.
 * Returns 0, or -EMSGSIZE when @buflen (the whole buffer behind @nlh) is too
 * small (the message must then not be sent).
 */
int ctf_exp_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_exp *e);

/* Per-CPU expectation statistics (IPCTNL_MSG_EXP_GET_STATS_CPU). */
enum { CTF_EXP_STAT_NEW, CTF_EXP_STAT_CREATE, CTF_EXP_STAT_DELETE, __CTF_EXP_STAT_MAX };

struct ctf_exp_cpu_stats {
	uint16_t cpu;	  /* nfgenmsg res_id */
	uint32_t present; /* bit i set when counter i was sent */
	uint32_t value[__CTF_EXP_STAT_MAX];
};

/*
 * ctf_exp_parse_cpu_stats - parse one IPCTNL_MSG_EXP_GET_STATS_CPU reply.
 * Returns 0 or -EBADMSG.
 */
int ctf_exp_parse_cpu_stats(const struct nlmsghdr *nlh, struct ctf_exp_cpu_stats *ret_stats);

#endif /* CTFLOW_EXP_H */
