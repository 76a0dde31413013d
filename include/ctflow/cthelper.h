/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cthelper codec (nfnetlink_cthelper): user-space helper registrations and nfct's stubs. */
#ifndef CTFLOW_CTHELPER_H
#define CTFLOW_CTHELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

/* NF_CT_MAX_EXPECT_CLASSES: a helper has at most four expectation policies. */
#define CTF_CTHELPER_POLICY_MAX 4

/* NFCT_HELPER_STATUS_*: a disabled helper is registered but queues nothing. */
#define CTF_CTHELPER_DISABLED 0
#define CTF_CTHELPER_ENABLED  1

/* Which fields of a struct ctf_cthelper hold a value: bits of ctf_cthelper.present. */
enum {
	CTF_CTHELPER_P_NAME = 1U << 0,
	CTF_CTHELPER_P_QUEUE_NUM = 1U << 1,
	CTF_CTHELPER_P_L3PROTO = 1U << 2, /* NFCTH_TUPLE_L3PROTONUM */
	CTF_CTHELPER_P_L4PROTO = 1U << 3, /* NFCTH_TUPLE_L4PROTONUM */
	CTF_CTHELPER_P_POLICY = 1U << 4,  /* npolicies policies (NFCTH_POLICY) */
	CTF_CTHELPER_P_PRIV_DATA_LEN = 1U << 5,
	CTF_CTHELPER_P_STATUS = 1U << 6,
};

/* One expectation class: how many expectations and for how long (seconds). */
struct ctf_cthelper_policy {
	char name[CTF_HELPER_NAME_LEN];
	uint32_t expect_max;
	uint32_t expect_timeout;
};

/* One user-space helper as the kernel knows it. Flat: copy it freely. */
struct ctf_cthelper {
	char name[CTF_HELPER_NAME_LEN];
	uint32_t queue_num;
	uint16_t l3proto; /* AF_INET, AF_INET6 */
	uint8_t l4proto;  /* IPPROTO_TCP, IPPROTO_UDP */
	uint32_t priv_data_len;
	uint32_t status;  /* CTF_CTHELPER_ENABLED or _DISABLED */
	uint32_t present; /* CTF_CTHELPER_P_* */
	unsigned int npolicies;
	struct ctf_cthelper_policy policy[CTF_CTHELPER_POLICY_MAX];
};

/*
 * A helper conntrackd 1.4.7 implements in user space (its ct_helper_*.so
 * plugins): what `nfct add helper` registers for it.
 */
struct ctf_cthelper_stub {
	const char *name;
	uint8_t l4proto;
	uint32_t priv_data_len; /* size of the plugin's per-flow state */
	uint32_t expect_max;
	uint32_t expect_timeout;
};

/*
 * ctf_cthelper_stub_find - the built-in stub called @name for @l4proto, or
 * NULL when conntrackd 1.4.7 has none.
 */
const struct ctf_cthelper_stub *ctf_cthelper_stub_find(const char *name, uint8_t l4proto);

/* ctf_cthelper_set_name - copy @name, cut to 15 characters as nfct 1.4.7 does. */
void ctf_cthelper_set_name(struct ctf_cthelper *h, const char *name);

/*
 * ctf_cthelper_from_stub - fill @h (cleared first) with what `nfct add
 * helper` sends for @stub: name, tuple, private data length and one
 * expectation policy named like the helper.
 */
void ctf_cthelper_from_stub(struct ctf_cthelper *h, const struct ctf_cthelper_stub *stub,
			    uint16_t l3proto);

/*
 * ctf_cthelper_msg_put - start an NFNL_MSG_CTHELPER_* request of @type with
 * NLM_F_REQUEST | @flags in @buf, which has CTF_NL_REQ_SIZE bytes (all zeroed).
 * Returns the new header (never NULL).
 */
struct nlmsghdr *ctf_cthelper_msg_put(void *buf, uint16_t type, uint16_t flags, uint32_t seq);

/*
 * ctf_cthelper_put - append the fields of @h that are present, in the order
 * nfct 1.4.7 sends them: name, queue, private data length, tuple (either
 * protocol makes the nest), policies with their count, status.
 * Returns 0, -EMSGSIZE when @buflen is too small, -EINVAL when npolicies
 * is 0 or above CTF_CTHELPER_POLICY_MAX while P_POLICY is set.
 */
int ctf_cthelper_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_cthelper *h);

/*
 * ctf_cthelper_parse - parse one NFNL_MSG_CTHELPER_NEW reply into @ret_helper
 * (cleared first, written only on success). Unknown attributes are
 * skipped. Returns 0, -EPROTO when @nlh is not a cthelper message, or
 * -EBADMSG when it is malformed or lacks what every kernel sends (name,
 * queue, tuple, policies, status: libnetfilter_cthelper's check).
 */
int ctf_cthelper_parse(const struct nlmsghdr *nlh, struct ctf_cthelper *ret_helper);

/*
 * ctf_cthelper_request - send one request of @type carrying @h (may be NULL)
 * with @flags and run @cb (may be NULL) on every data reply; a dump when
 * @flags has NLM_F_DUMP. Returns 0, the kernel's -errno, @cb's negative
 * return, or an error of ctf_cthelper_put().
 */
int ctf_cthelper_request(struct ctf_nl *nl, uint16_t type, uint16_t flags,
			 const struct ctf_cthelper *h, ctf_nl_msg_cb cb, void *data);

/*
 * ctf_cthelper_probe - tell whether this network namespace's kernel has
 * nfnetlink_cthelper. nfnetlink answers EINVAL for a subsystem it does not
 * have, so that error alone cannot tell; a lookup of an empty name can: the
 * subsystem answers ENOENT (EPERM without CAP_NET_ADMIN), never EINVAL.
 * Returns 1 when present, 0 when absent, or another -errno when the probe
 * itself failed.
 */
int ctf_cthelper_probe(struct ctf_nl *nl);

enum ctf_cthelper_fmt {
	CTF_CTHELPER_FMT_TEXT, /* nfct 1.4.7's "{ .name = ..., };" block, no final newline */
	CTF_CTHELPER_FMT_JSON, /* one JSON object, no final newline */
};

/* ctf_cthelper_format - like ctf_timeout_format(); CTF_CTHELPER_FMT_MAX always suffices. */
size_t ctf_cthelper_format(char *buf, size_t len, const struct ctf_cthelper *h,
			   enum ctf_cthelper_fmt fmt);

#define CTF_CTHELPER_FMT_MAX 2048

#endif /* CTFLOW_CTHELPER_H */
