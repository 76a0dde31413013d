// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: the core filter 1.4.7 would apply, built from the parsed options. */
#include <string.h>

#include "conntrack.h"

static void filter_tuple(struct ctf_filter_tuple *ft, uint64_t set, const struct ct_tmpl *t,
			 bool orig, bool skip_src, bool skip_dst)
{
	const uint64_t l3 = orig ? T_ORIG_L3 : T_REPL_L3, l4 = orig ? T_ORIG_L4 : T_REPL_L4;
	const uint64_t src = orig ? T_ORIG_SRC : T_REPL_SRC, dst = orig ? T_ORIG_DST : T_REPL_DST;
	const uint64_t sp = orig ? T_ORIG_SPORT : T_REPL_SPORT;
	const uint64_t dp = orig ? T_ORIG_DPORT : T_REPL_DPORT;
	const uint64_t zone = orig ? T_ORIG_ZONE : T_REPL_ZONE;

	memset(ft, 0, sizeof(*ft));
	ft->l3num = orig ? t->orig_l3 : t->repl_l3;
	ft->l4proto = orig ? t->orig_l4 : t->repl_l4;
	ft->src = orig ? t->orig_src : t->repl_src;
	ft->dst = orig ? t->orig_dst : t->repl_dst;
	ft->sport = orig ? t->orig_sport : t->repl_sport;
	ft->dport = orig ? t->orig_dport : t->repl_dport;
	ft->zone = orig ? t->orig_zone : t->repl_zone;
	ft->set = ((set & l3) ? CTF_FT_L3 : 0) | ((set & l4) ? CTF_FT_L4 : 0) |
		  ((set & src) && !skip_src ? CTF_FT_SRC : 0) |
		  ((set & dst) && !skip_dst ? CTF_FT_DST : 0) | ((set & sp) ? CTF_FT_SPORT : 0) |
		  ((set & dp) ? CTF_FT_DPORT : 0) | ((set & zone) ? CTF_FT_ZONE : 0);
}

static void filter_meta(struct ctf_filter *f, const struct ct_tmpl *t)
{
	static const struct {
		uint64_t t;
		unsigned int m;
	} map[] = {
		{ T_ICMP_TYPE, CTF_FM_ICMP_TYPE },   { T_ICMP_CODE, CTF_FM_ICMP_CODE },
		{ T_ICMP_ID, CTF_FM_ICMP_ID },	     { T_TIMEOUT, CTF_FM_TIMEOUT },
		{ T_STATUS, CTF_FM_STATUS },	     { T_ID, CTF_FM_ID },
		{ T_TCP_STATE, CTF_FM_TCP_STATE },   { T_SCTP_STATE, CTF_FM_SCTP_STATE },
		{ T_DCCP_STATE, CTF_FM_DCCP_STATE }, { T_ZONE, CTF_FM_ZONE },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (t->set & map[i].t)
			f->meta |= map[i].m;
	f->icmp_type = t->icmp_type;
	f->icmp_code = t->icmp_code;
	f->icmp_id = t->icmp_id;
	f->timeout = t->timeout;
	f->status = t->status;
	f->id = t->id;
	f->tcp_state = t->tcp_state;
	f->sctp_state = t->sctp_state;
	f->dccp_state = t->dccp_state;
	f->zone = t->zone;
}

static void filter_nat(const struct ct_cmd *cmd, struct ctf_filter *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;

	if (cmd->options & CT_OPT(CT_OPT_SRC_NAT_BIT))
		f->set |= CTF_FILTER_SNAT;
	if (cmd->options & CT_OPT(CT_OPT_DST_NAT_BIT))
		f->set |= CTF_FILTER_DNAT;
	if (cmd->options & CT_OPT(CT_OPT_ANY_NAT_BIT))
		f->set |= CTF_FILTER_ANY_NAT;
	f->snat.family = f->dnat.family = (uint8_t)cmd->family;
	f->snat.addr = t->snat;
	f->dnat.addr = t->dnat;
	f->snat.port = t->snat_port;
	f->dnat.port = t->dnat_port;
	f->snat.set =
		((t->set & T_SNAT) ? CTF_FN_ADDR : 0) | ((t->set & T_SNAT_PORT) ? CTF_FN_PORT : 0);
	f->dnat.set =
		((t->set & T_DNAT) ? CTF_FN_ADDR : 0) | ((t->set & T_DNAT_PORT) ? CTF_FN_PORT : 0);
}

static void filter_nets(const struct ct_cmd *cmd, struct ctf_filter *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		f->src_net.ip6[i] = t->orig_src.ip6[i] & t->mask_src.ip6[i];
		f->dst_net.ip6[i] = t->orig_dst.ip6[i] & t->mask_dst.ip6[i];
	}
	f->src_mask = t->mask_src;
	f->dst_mask = t->mask_dst;
	if (t->has_mask_src)
		f->set |= CTF_FILTER_SRC_NET;
	if (t->has_mask_dst)
		f->set |= CTF_FILTER_DST_NET;
}

/* An impossible CIDR test: nothing passes it, whatever the family. */
void ct_filter_match_nothing(struct ctf_filter *f)
{
	f->set |= CTF_FILTER_SRC_NET;
	memset(&f->src_mask, 0, sizeof(f->src_mask));
	memset(&f->src_net, 0xff, sizeof(f->src_net));
	if (!f->family)
		f->family = AF_INET;
}

/*
 * The filter 1.4.7 applies for the command: -L/-D/-E run nfct_filter()
 * (NAT, mark, labels, networks, then a strict compare), -U runs its own
 * shorter list (NAT, labels, networks, id, orig/reply tuples).
 */
void ct_build_filter(const struct ct_cmd *cmd, struct ctf_filter *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;
	bool update = cmd->command == CT_CMD(CT_UPDATE_BIT);
	const unsigned int o = cmd->options;

	ctf_filter_init(f);
	f->family = (uint8_t)cmd->family;
	if (cmd->family != AF_UNSPEC)
		f->set |= CTF_FILTER_FAMILY;
	filter_nat(cmd, f);
	if (cmd->label.set) {
		f->set |= CTF_FILTER_LABELS;
		memcpy(f->labels, cmd->label.bits, sizeof(f->labels));
	}
	filter_nets(cmd, f);
	filter_tuple(&f->orig, t->set, t, true, t->has_mask_src, t->has_mask_dst);
	filter_tuple(&f->reply, t->set, t, false, false, false);
	filter_meta(f, t);
	if (update) {
		f->set |= CTF_FILTER_ID;
		if (o & (CT_OPT_ORIG | CT_OPT(CT_OPT_PROTO_BIT)))
			f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_ORIG;
		if (o & (CT_OPT_REPL | CT_OPT(CT_OPT_PROTO_BIT)))
			f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_REPLY;
		return;
	}
	if (o & CT_OPT(CT_OPT_MARK_BIT)) {
		f->set |= CTF_FILTER_MARK;
		f->mark_value = cmd->mark.value;
		f->mark_mask = cmd->mark.mask;
	}
	if (o & CT_COMPARISON)
		f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_STRICT | CTF_FILTER_CMP_META |
			  CTF_FILTER_CMP_ORIG | CTF_FILTER_CMP_REPLY;
	/* -j ADDR made 1.4.7 compare a garbage orig source: nothing matches then. */
	if (cmd->any_nat_poison && (f->set & CTF_FILTER_CMP))
		ct_filter_match_nothing(f);
	/*
	 * A -u after -m replaced the userspace mark value but not the kernel
	 * one; 1.4.7 then wants (mark & mask) equal to both.
	 */
	if ((f->set & CTF_FILTER_MARK) && cmd->kmark_value != cmd->mark.value)
		ct_filter_match_nothing(f);
}
