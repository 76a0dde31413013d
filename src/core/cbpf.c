// SPDX-License-Identifier: GPL-2.0-or-later
/* Classic BPF for netlink sockets: a label assembler, attribute paths, an interpreter. */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include <ctflow/cbpf.h>

enum fix_kind { FIX_JT, FIX_JF, FIX_JA };

void ctf_cbpf_init(struct ctf_cbpf *p, struct sock_filter *ins, unsigned int max)
{
	p->ins = ins;
	p->n = 0;
	p->max = max;
	p->nlabels = 0;
	p->nfix = 0;
	p->err = 0;
}

int ctf_cbpf_label(struct ctf_cbpf *p)
{
	if (p->nlabels == CTF_CBPF_MAX_LABELS) {
		p->err = -E2BIG;
		return 0;
	}
	p->label[p->nlabels] = -1;
	return (int)p->nlabels++;
}

void ctf_cbpf_place(struct ctf_cbpf *p, int label)
{
	if (label >= 0 && (unsigned int)label < p->nlabels)
		p->label[label] = (int)p->n;
}

static void fixup(struct ctf_cbpf *p, int label, enum fix_kind kind)
{
	if (label == CTF_CBPF_NO_LABEL)
		return;
	if (p->nfix == CTF_CBPF_MAX_FIXUPS) {
		p->err = -E2BIG;
		return;
	}
	p->fix[p->nfix].at = p->n;
	p->fix[p->nfix].label = (unsigned int)label;
	p->fix[p->nfix].kind = kind;
	p->nfix++;
}

void ctf_cbpf_emit(struct ctf_cbpf *p, uint16_t code, uint32_t k, int jt, int jf)
{
	if (p->n == p->max) {
		p->err = -E2BIG;
		return;
	}
	fixup(p, jt, code == (BPF_JMP | BPF_JA) ? FIX_JA : FIX_JT);
	fixup(p, jf, FIX_JF);
	p->ins[p->n++] = (struct sock_filter){ .code = code, .k = k };
}

void ctf_cbpf_jump(struct ctf_cbpf *p, int label)
{
	ctf_cbpf_emit(p, BPF_JMP | BPF_JA, 0, label, CTF_CBPF_NO_LABEL);
}

int ctf_cbpf_finish(struct ctf_cbpf *p)
{
	unsigned int i;

	for (i = 0; i < p->nfix && !p->err; i++) {
		struct sock_filter *in = &p->ins[p->fix[i].at];
		int target = p->label[p->fix[i].label];
		int off = target - (int)p->fix[i].at - 1;

		if (target < 0 || off < 0 || (p->fix[i].kind != FIX_JA && off > 255))
			return -E2BIG;
		if (p->fix[i].kind == FIX_JT)
			in->jt = (uint8_t)off;
		else if (p->fix[i].kind == FIX_JF)
			in->jf = (uint8_t)off;
		else
			in->k = (uint32_t)off;
	}
	return p->err ? p->err : (int)p->n;
}

void ctf_cbpf_find_attr(struct ctf_cbpf *p, const uint16_t *path, unsigned int depth, int missing)
{
	unsigned int i;

	/* Events carry one message: attributes start after nlmsghdr and nfgenmsg. */
	ctf_cbpf_emit(p, BPF_LD | BPF_IMM, NLMSG_HDRLEN + 4, CTF_CBPF_NO_LABEL, CTF_CBPF_NO_LABEL);
	for (i = 0; i < depth; i++) {
		ctf_cbpf_emit(p, BPF_LDX | BPF_IMM, path[i], CTF_CBPF_NO_LABEL, CTF_CBPF_NO_LABEL);
		ctf_cbpf_emit(
			p, BPF_LD | BPF_W | BPF_ABS,
			(uint32_t)(SKF_AD_OFF + (i == 0 ? SKF_AD_NLATTR : SKF_AD_NLATTR_NEST)),
			CTF_CBPF_NO_LABEL, CTF_CBPF_NO_LABEL);
		ctf_cbpf_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, missing, CTF_CBPF_NO_LABEL);
	}
	ctf_cbpf_emit(p, BPF_MISC | BPF_TAX, 0, CTF_CBPF_NO_LABEL, CTF_CBPF_NO_LABEL);
}

/* ---- the interpreter (kernel semantics, net/core/filter.c) ---- */

/* The kernel's nla_find() over [start, end): offset of the first @type, or 0. */
static uint32_t nla_find_at(const uint8_t *pkt, uint32_t start, uint32_t end, uint32_t type)
{
	while (end >= start && end - start >= sizeof(struct nlattr)) {
		struct nlattr a;

		memcpy(&a, pkt + start, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > end - start)
			return 0;
		if ((a.nla_type & NLA_TYPE_MASK) == type)
			return start;
		start += NLA_ALIGN(a.nla_len);
	}
	return 0;
}

static uint32_t nlattr(const uint8_t *pkt, uint32_t len, uint32_t a, uint32_t x)
{
	if (len < sizeof(struct nlattr) || a > len - sizeof(struct nlattr))
		return 0;
	return nla_find_at(pkt, a, len, x);
}

static uint32_t nlattr_nest(const uint8_t *pkt, uint32_t len, uint32_t a, uint32_t x)
{
	struct nlattr nla;

	if (len < sizeof(nla) || a > len - sizeof(nla))
		return 0;
	memcpy(&nla, pkt + a, sizeof(nla));
	if (nla.nla_len > len - a || nla.nla_len < NLA_HDRLEN)
		return 0;
	return nla_find_at(pkt, a + NLA_HDRLEN, a + nla.nla_len, x);
}

/* A big-endian load of @size bytes at @off; false when out of bounds. */
static bool load(const uint8_t *pkt, uint32_t len, uint32_t off, unsigned int size, uint32_t *v)
{
	unsigned int i;

	if (off > len || len - off < size)
		return false;
	*v = 0;
	for (i = 0; i < size; i++)
		*v = *v << 8 | pkt[off + i];
	return true;
}

static bool ancillary(uint32_t k, const uint8_t *pkt, uint32_t len, uint32_t cpu, uint32_t *A,
		      uint32_t X)
{
	if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_CPU))
		*A = cpu;
	else if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR))
		*A = nlattr(pkt, len, *A, X);
	else if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR_NEST))
		*A = nlattr_nest(pkt, len, *A, X);
	else
		return false;
	return true;
}

static int size_of(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	default:
		return 1;
	}
}

static bool alu(uint16_t code, uint32_t k, uint32_t *A)
{
	switch (BPF_OP(code)) {
	case BPF_ADD:
		*A += k;
		return true;
	case BPF_SUB:
		*A -= k;
		return true;
	case BPF_AND:
		*A &= k;
		return true;
	case BPF_OR:
		*A |= k;
		return true;
	case BPF_LSH:
		*A = k < 32 ? *A << k : 0;
		return true;
	case BPF_RSH:
		*A = k < 32 ? *A >> k : 0;
		return true;
	case BPF_MOD:
		if (!k)
			return false;
		*A %= k;
		return true;
	default:
		return false;
	}
}

static bool jump(uint16_t code, uint32_t A, uint32_t k)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ:
		return A == k;
	case BPF_JGT:
		return A > k;
	case BPF_JGE:
		return A >= k;
	default: /* BPF_JSET */
		return A & k;
	}
}

uint32_t ctf_cbpf_run(const struct sock_filter *prog, unsigned int n, const uint8_t *pkt,
		      uint32_t len, uint32_t cpu)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 }, v;
	unsigned int pc;

	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &prog[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? X : i->k;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_IMM) {
				A = i->k;
			} else if (BPF_MODE(i->code) == BPF_MEM) {
				A = i->k < BPF_MEMWORDS ? M[i->k] : 0;
			} else if (BPF_MODE(i->code) == BPF_ABS && i->k >= (uint32_t)SKF_AD_OFF) {
				if (!ancillary(i->k, pkt, len, cpu, &A, X))
					return 0;
			} else {
				uint32_t off = BPF_MODE(i->code) == BPF_IND ? X + i->k : i->k;

				if (!load(pkt, len, off, (unsigned int)size_of(i->code), &v))
					return 0;
				A = v;
			}
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) == BPF_IMM)
				X = i->k;
			else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
				X = M[i->k];
			else
				return 0;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return 0;
			M[i->k] = BPF_CLASS(i->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			if (!alu(i->code, src, &A))
				return 0;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA)
				pc += i->k;
			else
				pc += jump(i->code, A, src) ? i->jt : i->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? A : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return 0;
		}
	}
	return 0;
}
