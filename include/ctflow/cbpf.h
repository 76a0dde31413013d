/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small classic BPF assembler for netlink socket filters: forward jumps to
 * labels, attribute lookups with the kernel's SKF_AD_NLATTR helpers, and a
 * reference interpreter for tests. Used by the daemon's Filter section
 * (evfilter.c) and the conntrack CLI's event filters.
 */
#ifndef CTFLOW_CBPF_H
#define CTFLOW_CBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#define CTF_CBPF_MAX_LABELS 256
#define CTF_CBPF_MAX_FIXUPS 1024

/* "No jump target": the conditional falls through on that branch. */
#define CTF_CBPF_NO_LABEL (-1)

/*
 * A program being assembled into a caller's array of @max instructions.
 * Errors (too many instructions, labels or jumps) are sticky: every call
 * after the first failure does nothing and ctf_cbpf_finish() returns it.
 */
struct ctf_cbpf {
	struct sock_filter *ins;
	unsigned int n;
	unsigned int max;
	int label[CTF_CBPF_MAX_LABELS]; /* instruction index, -1 until placed */
	unsigned int nlabels;
	struct {
		unsigned int at;
		unsigned int label;
		uint8_t kind;
	} fix[CTF_CBPF_MAX_FIXUPS];
	unsigned int nfix;
	int err;
};

/* ctf_cbpf_init - start an empty program writing to @ins (room for @max). */
void ctf_cbpf_init(struct ctf_cbpf *p, struct sock_filter *ins, unsigned int max);

/* ctf_cbpf_label - a new, not yet placed label (0 after an error). */
int ctf_cbpf_label(struct ctf_cbpf *p);

/* ctf_cbpf_place - let @label name the next instruction emitted. */
void ctf_cbpf_place(struct ctf_cbpf *p, int label);

/*
 * ctf_cbpf_emit - append one instruction. For conditional jumps @jt and @jf
 * are labels (or CTF_CBPF_NO_LABEL: fall through); for BPF_JA, @jt is the
 * target. Other instructions take CTF_CBPF_NO_LABEL for both.
 */
void ctf_cbpf_emit(struct ctf_cbpf *p, uint16_t code, uint32_t k, int jt, int jf);

/* ctf_cbpf_jump - an unconditional jump to @label. */
void ctf_cbpf_jump(struct ctf_cbpf *p, int label);

/*
 * ctf_cbpf_finish - resolve every jump. Classic BPF conditional jumps reach
 * at most 255 instructions ahead and never back; a program that needs more
 * fails rather than being wrong.
 * Returns the number of instructions, or -E2BIG.
 */
int ctf_cbpf_finish(struct ctf_cbpf *p);

/*
 * ctf_cbpf_find_attr - X = offset of the netlink attribute at @path (@depth
 * types: one top-level attribute, then nested ones) in a message carrying
 * one nlmsghdr and an nfgenmsg; jump to @missing when any step is absent.
 * Clobbers A.
 */
void ctf_cbpf_find_attr(struct ctf_cbpf *p, const uint16_t *path, unsigned int depth, int missing);

/*
 * ctf_cbpf_run - interpret @prog (@n instructions) on the packet @pkt of @len
 * bytes as the kernel would for a netlink socket, with SKF_AD_CPU reading
 * @cpu. Supports the loads, ALU, jumps and returns the assembler emits, and
 * SKF_AD_NLATTR/SKF_AD_NLATTR_NEST. For tests: returns the accepted length
 * (0: dropped), or 0 for an instruction it does not know.
 */
uint32_t ctf_cbpf_run(const struct sock_filter *prog, unsigned int n, const uint8_t *pkt,
		      uint32_t len, uint32_t cpu);

#endif /* CTFLOW_CBPF_H */
