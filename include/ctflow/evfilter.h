/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event filters of the daemon: conntrackd.conf's Filter section matched in
 * user space, and compiled with the per-CPU split into classic BPF for the
 * readers' sockets.
 */
#ifndef CTFLOW_EVFILTER_H
#define CTFLOW_EVFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include <ctflow/conf.h>
#include <ctflow/ct.h>

/* Longest program ctf_evfilter_build() writes. */
#define CTF_EVFILTER_MAX_INSNS 512

/*
 * ctf_evfilter_match - does @flow pass @f, with conntrackd 1.4.7's meaning:
 * Protocol lists IPPROTO numbers; Address matches when the original or the
 * reply source address lies in a listed network; State applies to TCP flows
 * that carry a state only. Accept keeps the listed, Ignore drops them; a
 * clause that is absent lets everything through.
 */
bool ctf_evfilter_match(const struct ctf_conf_filter *f, const struct ctf_flow *flow);

/* Most netlink port ids ctf_evfilter_build() can drop the events of. */
#define CTF_EVFILTER_MAX_PORTIDS 4

/*
 * ctf_evfilter_build - a socket filter that keeps only events raised on a
 * CPU whose number modulo @nslots is @slot (@nslots <= 1: every CPU; with
 * one reader per CPU, its own CPU), and, when @f is not NULL, that pass @f's
 * Protocol, IPv4 Address and State clauses. Clauses the program cannot
 * express exactly (an Accept list with IPv6 networks) are left to
 * ctf_evfilter_match(), which the caller applies anyway.
 * Events caused by a request from one of the @nportids (at most
 * CTF_EVFILTER_MAX_PORTIDS; 0 entries are ignored) netlink port ids
 * @portids are dropped: the kernel puts the requester's port id in the
 * event's nlmsg_pid.
 * Writes at most CTF_EVFILTER_MAX_INSNS instructions to @prog.
 * Returns the number of instructions, -E2BIG when it does not fit, or
 * -EINVAL for too many port ids.
 */
int ctf_evfilter_build(struct sock_filter *prog, unsigned int slot, unsigned int nslots,
		       const struct ctf_conf_filter *f, const uint32_t *portids,
		       unsigned int nportids);

#endif /* CTFLOW_EVFILTER_H */
