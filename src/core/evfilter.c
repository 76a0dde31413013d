// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's Filter section: user-space match and classic BPF for event sockets. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/cbpf.h>
#include <ctflow/evfilter.h>

static bool net_contains(const struct ctf_conf_net *n, uint8_t family, const union ctf_addr *a)
{
	unsigned int bits = n->prefix, i;

	if (n->family != family)
		return false;
	for (i = 0; i < 16 && bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a->raw[i] & mask) != (n->addr.raw[i] & mask))
			return false;
	}
	return true;
}

static bool addr_listed(const struct ctf_conf_filter *f, const struct ctf_flow *flow)
{
	size_t i;

	for (i = 0; i < f->n_nets; i++) {
		if (ctf_flow_has(flow, CTF_FLOW_A_ORIG) &&
		    net_contains(&f->nets[i], flow->orig.l3num, &flow->orig.src))
			return true;
		if (ctf_flow_has(flow, CTF_FLOW_A_REPLY) &&
		    net_contains(&f->nets[i], flow->reply.l3num, &flow->reply.src))
			return true;
	}
	return false;
}

bool ctf_evfilter_match(const struct ctf_conf_filter *f, const struct ctf_flow *flow)
{
	if (f->has_proto && (f->protos[flow->orig.l4proto] != 0) != f->proto_accept)
		return false;
	if (f->has_addr && addr_listed(f, flow) != f->addr_accept)
		return false;
	if (f->has_state && flow->orig.l4proto == IPPROTO_TCP &&
	    ctf_flow_has(flow, CTF_FLOW_A_TCP_STATE) && flow->tcp.state < 16 &&
	    ((f->tcp_states >> flow->tcp.state) & 1) != f->state_accept)
		return false;
	return true;
}

#define NO_LABEL CTF_CBPF_NO_LABEL

static void emit(struct ctf_cbpf *p, uint16_t code, uint32_t k, int jt, int jf)
{
	ctf_cbpf_emit(p, code, k, jt, jf);
}

/* The end of a clause: unlisted and listed events go on or are dropped. */
static void clause_tail(struct ctf_cbpf *p, bool accept, int listed, int next, int drop)
{
	ctf_cbpf_jump(p, accept ? drop : next);
	ctf_cbpf_place(p, listed);
	if (!accept)
		ctf_cbpf_jump(p, drop);
	ctf_cbpf_place(p, next);
}

/* A one-byte attribute compared with a set of values (protocol, TCP state). */
static void byte_clause(struct ctf_cbpf *p, const uint16_t *path, const uint8_t *set,
			unsigned int n, bool accept, int drop)
{
	int listed = ctf_cbpf_label(p), next = ctf_cbpf_label(p);
	unsigned int v;

	ctf_cbpf_find_attr(p, path, 3, next);
	emit(p, BPF_LD | BPF_B | BPF_IND, NLA_HDRLEN, NO_LABEL, NO_LABEL);
	for (v = 0; v < n; v++)
		if (set[v])
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, v, listed, NO_LABEL);
	clause_tail(p, accept, listed, next, drop);
}

static void addr_clause(struct ctf_cbpf *p, const struct ctf_conf_filter *f, int drop)
{
	static const uint16_t dirs[2] = { CTA_TUPLE_ORIG, CTA_TUPLE_REPLY };
	int listed = ctf_cbpf_label(p), next = ctf_cbpf_label(p);
	unsigned int d;
	size_t i;

	for (d = 0; d < 2; d++) {
		const uint16_t path[3] = { dirs[d], CTA_TUPLE_IP, CTA_IP_V4_SRC };
		int skip = ctf_cbpf_label(p);

		ctf_cbpf_find_attr(p, path, 3, skip);
		/* Word loads are big-endian: A is the address in host order. */
		emit(p, BPF_LD | BPF_W | BPF_IND, NLA_HDRLEN, NO_LABEL, NO_LABEL);
		emit(p, BPF_ST, 0, NO_LABEL, NO_LABEL);
		for (i = 0; i < f->n_nets; i++) {
			const struct ctf_conf_net *n = &f->nets[i];
			uint32_t mask = n->prefix == 0 ? 0 : ~UINT32_C(0) << (32 - n->prefix);

			if (n->family != AF_INET)
				continue;
			emit(p, BPF_LD | BPF_MEM, 0, NO_LABEL, NO_LABEL);
			emit(p, BPF_ALU | BPF_AND | BPF_K, mask, NO_LABEL, NO_LABEL);
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, ntohl(n->addr.ip) & mask, listed,
			     NO_LABEL);
		}
		ctf_cbpf_place(p, skip);
	}
	clause_tail(p, f->addr_accept, listed, next, drop);
}

/* Can the address clause be compiled exactly? Accept lists with IPv6 cannot. */
static bool addr_compilable(const struct ctf_conf_filter *f)
{
	size_t i;

	for (i = 0; i < f->n_nets; i++)
		if (f->nets[i].family != AF_INET && f->addr_accept)
			return false;
	return true;
}

/* Events our own requests caused carry our port id in nlmsg_pid (host order). */
static void portid_clause(struct ctf_cbpf *p, const uint32_t *portids, unsigned int n, int drop)
{
	unsigned int i;

	emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_pid), NO_LABEL,
	     NO_LABEL);
	/* a word load reads network order: compare with the pid as its bytes read so */
	for (i = 0; i < n; i++)
		if (portids[i])
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, ntohl(portids[i]), drop, NO_LABEL);
}

int ctf_evfilter_build(struct sock_filter *prog, unsigned int slot, unsigned int nslots,
		       const struct ctf_conf_filter *f, const uint32_t *portids,
		       unsigned int nportids)
{
	static const uint16_t proto_path[3] = { CTA_TUPLE_ORIG, CTA_TUPLE_PROTO, CTA_PROTO_NUM };
	static const uint16_t state_path[3] = { CTA_PROTOINFO, CTA_PROTOINFO_TCP,
						CTA_PROTOINFO_TCP_STATE };
	struct ctf_cbpf p;
	int drop;
	uint8_t states[16];
	unsigned int i;

	if (nportids > CTF_EVFILTER_MAX_PORTIDS)
		return -EINVAL;
	ctf_cbpf_init(&p, prog, CTF_EVFILTER_MAX_INSNS);
	drop = ctf_cbpf_label(&p);
	if (nportids)
		portid_clause(&p, portids, nportids, drop);
	if (nslots > 1) {
		/* The kernel runs the filter on the CPU that raised the event. */
		emit(&p, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_CPU), NO_LABEL,
		     NO_LABEL);
		emit(&p, BPF_ALU | BPF_MOD | BPF_K, nslots, NO_LABEL, NO_LABEL);
		emit(&p, BPF_JMP | BPF_JEQ | BPF_K, slot, NO_LABEL, drop);
	}
	if (f && f->has_proto)
		byte_clause(&p, proto_path, f->protos, 256, f->proto_accept, drop);
	if (f && f->has_addr && addr_compilable(f))
		addr_clause(&p, f, drop);
	if (f && f->has_state) {
		for (i = 0; i < 16; i++)
			states[i] = (uint8_t)((f->tcp_states >> i) & 1);
		byte_clause(&p, state_path, states, 16, f->state_accept, drop);
	}
	emit(&p, BPF_RET | BPF_K, 0xffffffffu, NO_LABEL, NO_LABEL);
	ctf_cbpf_place(&p, drop);
	emit(&p, BPF_RET | BPF_K, 0, NO_LABEL, NO_LABEL);
	return ctf_cbpf_finish(&p);
}
