// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: -I / -A, and the request object built from the options. */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

static bool has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE || p == IPPROTO_SCTP ||
	       p == IPPROTO_DCCP || p == IPPROTO_GRE;
}

/*
 * One tuple as libnetfilter_conntrack builds it: the address pair and every
 * layer 4 field of the protocol are sent whenever any part of the tuple is
 * set, with zeros for what the options left out.
 */
void ct_tuple_build(struct ctf_tuple *t, uint8_t l3, uint8_t l4, const union ctf_addr *src,
		    const union ctf_addr *dst, uint16_t sport, uint16_t dport)
{
	memset(t, 0, sizeof(*t));
	t->l3num = l3;
	t->l4proto = l4;
	t->src = *src;
	t->dst = *dst;
	/* Without a family libnetfilter_conntrack sends no address at all (EINVAL). */
	t->flags = CTF_TUPLE_F_PROTO;
	if (l3 == AF_INET || l3 == AF_INET6)
		t->flags |= CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST;
	if (has_ports(l4)) {
		t->l4.port.sport = sport;
		t->l4.port.dport = dport;
		t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	}
}

static void tuple_icmp(struct ctf_tuple *t, const struct ct_tmpl *tm, bool reply)
{
	if (t->l4proto != IPPROTO_ICMP && t->l4proto != IPPROTO_ICMPV6)
		return;
	t->l4.icmp.type = reply ? tm->repl_icmp_type : tm->icmp_type;
	t->l4.icmp.code = tm->icmp_code;
	t->l4.icmp.id = tm->icmp_id;
	t->flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
}

static void put_tuples(const struct ct_cmd *cmd, struct ctf_flow *f, bool create)
{
	const struct ct_tmpl *t = &cmd->tmpl;
	const uint64_t orig_any = T_ORIG_L3 | T_ORIG_L4 | T_ORIG_SRC | T_ORIG_DST | T_ORIG_SPORT |
				  T_ORIG_DPORT | T_ORIG_ZONE | T_ICMP_TYPE | T_ICMP_CODE |
				  T_ICMP_ID;
	const uint64_t repl_any = T_REPL_L3 | T_REPL_L4 | T_REPL_SRC | T_REPL_DST | T_REPL_SPORT |
				  T_REPL_DPORT | T_REPL_ZONE;
	bool orig = t->set & orig_any, repl = t->set & repl_any;
	bool orig_opt = cmd->options & CT_OPT_ORIG, repl_opt = cmd->options & CT_OPT_REPL;

	if (orig)
		ct_tuple_build(&f->orig, t->orig_l3, t->orig_l4, &t->orig_src, &t->orig_dst,
			    t->orig_sport, t->orig_dport);
	if (repl)
		ct_tuple_build(&f->reply, t->repl_l3, t->repl_l4, &t->repl_src, &t->repl_dst,
			    t->repl_sport, t->repl_dport);
	/* -I/-A with one direction only: mirror it into the other (NFCT_SOPT_SETUP_*). */
	if (create && orig_opt && !repl_opt) {
		ct_tuple_build(&f->reply, t->orig_l3, t->orig_l4, &t->orig_dst, &t->orig_src,
			    t->orig_dport, t->orig_sport);
		repl = true;
	} else if (create && !orig_opt && repl_opt) {
		ct_tuple_build(&f->orig, t->repl_l3, t->repl_l4, &t->repl_dst, &t->repl_src,
			    t->repl_dport, t->repl_sport);
		orig = true;
	}
	if (orig) {
		tuple_icmp(&f->orig, t, false);
		if (t->set & T_ORIG_ZONE) {
			f->orig.zone = t->orig_zone;
			f->orig.flags |= CTF_TUPLE_F_ZONE;
		}
		ctf_flow_set(f, CTF_FLOW_A_ORIG);
	}
	if (repl) {
		tuple_icmp(&f->reply, t, true);
		if (t->set & T_REPL_ZONE) {
			f->reply.zone = t->repl_zone;
			f->reply.flags |= CTF_TUPLE_F_ZONE;
		}
		ctf_flow_set(f, CTF_FLOW_A_REPLY);
	}
}

static void put_nat(struct ctf_nat *n, const union ctf_addr *a, bool has_port, uint16_t port)
{
	memset(n, 0, sizeof(*n));
	n->min = *a;
	n->max = *a;
	n->has_port = has_port;
	n->port_min = n->port_max = port;
}

static void put_protoinfo(const struct ct_tmpl *t, struct ctf_flow *f)
{
	if (t->set & T_TCP_STATE) {
		f->tcp.state = t->tcp_state;
		ctf_flow_set(f, CTF_FLOW_A_TCP_STATE);
	}
	if (t->set & T_TCP_FLAGS) {
		f->tcp.flags[0] = f->tcp.flags[1] = t->tcp_flags;
		f->tcp.mask[0] = f->tcp.mask[1] = t->tcp_flags;
		ctf_flow_set(f, CTF_FLOW_A_TCP_FLAGS_ORIG);
		ctf_flow_set(f, CTF_FLOW_A_TCP_FLAGS_REPLY);
	}
	if (t->set & T_SCTP_STATE) {
		f->sctp.state = t->sctp_state;
		ctf_flow_set(f, CTF_FLOW_A_SCTP_STATE);
	}
	if (t->set & T_SCTP_VTAG_ORIG) {
		f->sctp.vtag[0] = t->vtag_orig;
		ctf_flow_set(f, CTF_FLOW_A_SCTP_VTAG_ORIG);
	}
	if (t->set & T_SCTP_VTAG_REPL) {
		f->sctp.vtag[1] = t->vtag_repl;
		ctf_flow_set(f, CTF_FLOW_A_SCTP_VTAG_REPLY);
	}
	if (t->set & T_DCCP_STATE) {
		f->dccp.state = t->dccp_state;
		ctf_flow_set(f, CTF_FLOW_A_DCCP_STATE);
	}
	if (t->set & T_DCCP_ROLE) {
		f->dccp.role = t->dccp_role;
		ctf_flow_set(f, CTF_FLOW_A_DCCP_ROLE);
	}
}

/* The meta part of the template: what -U copies onto an entry and -I/-A send. */
void ct_tmpl_meta_to_flow(const struct ct_cmd *cmd, struct ctf_flow *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;

	if (t->set & T_TIMEOUT) {
		f->timeout = t->timeout;
		ctf_flow_set(f, CTF_FLOW_A_TIMEOUT);
	}
	if (t->set & T_STATUS) {
		f->status = t->status;
		ctf_flow_set(f, CTF_FLOW_A_STATUS);
	}
	if (t->set & T_ID) {
		f->id = t->id;
		ctf_flow_set(f, CTF_FLOW_A_ID);
	}
	if (t->set & T_ZONE) {
		f->zone = t->zone;
		ctf_flow_set(f, CTF_FLOW_A_ZONE);
	}
	put_protoinfo(t, f);
	if (t->set & T_SNAT) {
		put_nat(&f->nat_src, &t->snat, t->set & T_SNAT_PORT, t->snat_port);
		ctf_flow_set(f, CTF_FLOW_A_NAT_SRC);
	}
	if (t->set & T_DNAT) {
		put_nat(&f->nat_dst, &t->dnat, t->set & T_DNAT_PORT, t->dnat_port);
		ctf_flow_set(f, CTF_FLOW_A_NAT_DST);
	}
}

void ct_tmpl_to_flow(const struct ct_cmd *cmd, struct ctf_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = (uint8_t)cmd->family;
	put_tuples(cmd, f, false);
	ct_tmpl_meta_to_flow(cmd, f);
}

/* Bytes of a label bitmap with @maxbit, in the 32-bit words nfct_bitmask uses. */
unsigned int ct_labels_bytes(unsigned int maxbit)
{
	return (maxbit / 32 + 1) * 4;
}

void ct_create_flow(const struct ct_cmd *cmd, struct ctf_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = (uint8_t)cmd->family;
	put_tuples(cmd, f, true);
	ct_tmpl_meta_to_flow(cmd, f);
	/* libnetfilter_conntrack always sends new entries as confirmed. */
	if (ctf_flow_has(f, CTF_FLOW_A_STATUS))
		f->status |= IPS_CONFIRMED;
	if (cmd->options & CT_OPT(CT_OPT_MARK_BIT)) {
		f->mark = cmd->mark.value; /* the mask is ignored here */
		ctf_flow_set(f, CTF_FLOW_A_MARK);
	}
	if ((cmd->options & CT_OPT(CT_OPT_ADD_LABEL_BIT)) && cmd->label_modify.set) {
		memcpy(f->labels, cmd->label_modify.bits, sizeof(f->labels));
		f->labels_len = (uint8_t)ct_labels_bytes(cmd->label_modify.maxbit);
		ctf_flow_set(f, CTF_FLOW_A_LABELS);
	}
}

int ct_cmd_create(struct ct_ctx *ctx)
{
	char buf[CT_REQ_SIZE];
	struct ct_cmd *cmd = ctx->cmd;
	uint16_t flags = NLM_F_CREATE | NLM_F_ACK;
	struct ctf_flow f;
	struct nlmsghdr *nlh;
	int r;

	ct_create_flow(cmd, &f);
	/* 1.4.7's -A is -I that shrugs at EEXIST: it never updates an existing entry. */
	flags |= NLM_F_EXCL;
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_NEW, flags, (uint8_t)cmd->family,
			     ctf_nl_next_seq(ctx->nl));
	r = ctf_ct_put_flow(nlh, sizeof(buf), &f, CTF_CT_PUT_ALL & ~CTF_CT_PUT_ID);
	if (r == 0)
		r = ctf_nl_request(ctx->nl, nlh, NULL, NULL);
	if (r == -EEXIST && cmd->command == CT_CMD(CT_ADD_BIT))
		return 0;
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, cmd->command));
	ctx->counter++;
	return 0;
}
