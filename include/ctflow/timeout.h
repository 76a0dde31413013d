/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cttimeout codec (nfnetlink_cttimeout): timeout policies, requests, replies, output. */
#ifndef CTFLOW_TIMEOUT_H
#define CTFLOW_TIMEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include <ctflow/nl.h>

/* CTNL_TIMEOUT_NAME_MAX: the kernel keeps 31 characters and a NUL. */
#define CTF_TIMEOUT_NAME_LEN 32

/* More than any protocol's CTA_TIMEOUT_<PROTO>_MAX (SCTP has 9). */
#define CTF_TIMEOUT_STATES_MAX 16

/* The generic tracker's pseudo protocol number, as nfct spells it ("generic"). */
#define CTF_TIMEOUT_GENERIC 255

/* Which fields of a struct ctf_timeout hold a value: bits of ctf_timeout.present. */
enum {
	CTF_TIMEOUT_P_NAME = 1U << 0,
	CTF_TIMEOUT_P_L3PROTO = 1U << 1,
	CTF_TIMEOUT_P_L4PROTO = 1U << 2,
	CTF_TIMEOUT_P_USE = 1U << 3, /* replies only: CTA_TIMEOUT_USE */
};

/*
 * One timeout policy, or a protocol's defaults (no name). The timeouts are
 * in seconds and indexed by the kernel's attribute number minus one
 * (CTA_TIMEOUT_TCP_SYN_SENT is timeouts[0]); bit i of `states` says that
 * timeouts[i] holds a value. Flat, with no pointers: copy it freely.
 */
struct ctf_timeout {
	char name[CTF_TIMEOUT_NAME_LEN];
	uint16_t l3proto; /* AF_INET, AF_INET6 */
	uint8_t l4proto;  /* IPPROTO_*, or CTF_TIMEOUT_GENERIC */
	uint32_t use;	  /* references the kernel holds (1 = only the list's) */
	uint32_t present; /* CTF_TIMEOUT_P_* */
	uint32_t states;  /* bit i: timeouts[i] is set */
	uint32_t timeouts[CTF_TIMEOUT_STATES_MAX];
};

/*
 * A protocol the cttimeout subsystem knows: the kernel's attribute count
 * (CTA_TIMEOUT_<PROTO>_MAX) and the state names, upper case, as nfct 1.4.7
 * prints them. nfct 1.4.7 (libnetfilter_cttimeout 1.0.1) knows only the
 * first `nfct_states` of them: those are the ones it accepts and prints.
 */
struct ctf_timeout_proto {
	uint8_t l4proto;
	const char *name;	   /* "tcp", ..., "generic" */
	unsigned int nstates;	   /* CTA_TIMEOUT_<PROTO>_MAX */
	unsigned int nfct_states;  /* <= nstates */
	const char *const *states; /* nstates names, state i is attribute i + 1 */
};

/* The protocol entry for @l4proto, or NULL when cttimeout has no table for it. */
const struct ctf_timeout_proto *ctf_timeout_proto_find(uint8_t l4proto);

/*
 * ctf_timeout_state_find - the index (attribute - 1) of the state @name of
 * @p, compared without case, among the states nfct 1.4.7 accepts.
 * Returns the index or -ENOENT.
 */
int ctf_timeout_state_find(const struct ctf_timeout_proto *p, const char *name);

/*
 * ctf_timeout_parse_l3 - "inet" or "inet6" (exact, as nfct) to AF_INET or
 * AF_INET6. Returns the family or -EINVAL.
 */
int ctf_timeout_parse_l3(const char *s);

/*
 * ctf_timeout_parse_l4 - a layer 4 protocol name as nfct takes it: any
 * /etc/protocols name or alias, "icmpv6" (Debian calls it ipv6-icmp) or
 * "generic" (255). Falls back to the names of the cttimeout table when the
 * protocols database cannot be read. @db_err (may be NULL) always receives 0,
 * or the -errno of reading the database when that failed: nfct 1.4.7
 * appends that errno to the next message it prints.
 * Returns the number (0..255) or -EINVAL.
 */
int ctf_timeout_parse_l4(const char *s, int *db_err);

/* ctf_timeout_set_name - copy @name, cut to 31 characters as nfct 1.4.7 does. */
void ctf_timeout_set_name(struct ctf_timeout *t, const char *name);

/*
 * ctf_timeout_msg_put - start an IPCTNL_MSG_TIMEOUT_* request of @type with
 * NLM_F_REQUEST | @flags in @buf, which has CTF_NL_REQ_SIZE bytes (all zeroed).
 * Returns the new header (never NULL).
 */
struct nlmsghdr *ctf_timeout_msg_put(void *buf, uint16_t type, uint16_t flags, uint32_t seq);

/*
 * ctf_timeout_put - append the fields of @t that are present: name, layer 3
 * and 4 protocols, and CTA_TIMEOUT_DATA with the states set in t->states
 * (omitted when none is). @buflen is the whole buffer behind @nlh.
 * Returns 0, -EMSGSIZE when it does not fit, or -EINVAL when states are set
 * but the layer 4 protocol is missing or has no state table.
 */
int ctf_timeout_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_timeout *t);

/*
 * ctf_timeout_parse - parse one cttimeout reply (a policy or a protocol's
 * defaults) into @ret_timeout, which is cleared first and written only on
 * success. Unknown attributes and states are skipped; states of a protocol
 * without a table are ignored. Returns 0, -EPROTO when @nlh is not a
 * cttimeout message, or -EBADMSG when it is malformed.
 */
int ctf_timeout_parse(const struct nlmsghdr *nlh, struct ctf_timeout *ret_timeout);

/*
 * ctf_timeout_request - send one request of @type (IPCTNL_MSG_TIMEOUT_*)
 * carrying @t (may be NULL: no attributes) with @flags, and run @cb (may be
 * NULL) on every data reply: a dump when @flags has NLM_F_DUMP, otherwise a
 * request whose ACK ends it (set NLM_F_ACK). Returns 0, the kernel's
 * -errno, @cb's negative return, or -EMSGSIZE/-EINVAL from ctf_timeout_put().
 */
int ctf_timeout_request(struct ctf_nl *nl, uint16_t type, uint16_t flags,
			const struct ctf_timeout *t, ctf_nl_msg_cb cb, void *data);

enum ctf_timeout_fmt {
	CTF_TIMEOUT_FMT_TEXT, /* nfct 1.4.7's ".name = { ... };" block, no final newline */
	CTF_TIMEOUT_FMT_JSON, /* one JSON object, no final newline */
};

/*
 * ctf_timeout_format - format @t into @buf (NUL-terminated when @len > 0).
 * Returns the length of the whole output like snprintf: when it is >= @len
 * the output was cut. CTF_TIMEOUT_FMT_MAX always suffices.
 */
size_t ctf_timeout_format(char *buf, size_t len, const struct ctf_timeout *t,
			  enum ctf_timeout_fmt fmt);

#define CTF_TIMEOUT_FMT_MAX 4096

#endif /* CTFLOW_TIMEOUT_H */
