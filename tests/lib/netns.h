/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the real-kernel tests (tests/netns) share: entering a network
 * namespace of their own, so the host's conntrack table is never touched,
 * opening ctnetlink there, and the flows they create. No cmocka here.
 */
#ifndef CTF_TEST_NETNS_H
#define CTF_TEST_NETNS_H

#include <stdint.h>

#include <ctflow/ct.h>
#include <ctflow/nl.h>

/* ctest's SKIP_RETURN_CODE for these tests: the environment cannot run them. */
#define SKIP_RETURN_CODE 77

/*
 * Move this process into a new network namespace and, when @ret_nl is not
 * NULL, open ctnetlink there as netns_open_ctnetlink() does. Returns 0, or
 * SKIP_RETURN_CODE with the reason on stderr when not root, when namespaces
 * are unavailable or when the kernel has no ctnetlink.
 */
int netns_enter_private(struct ctf_nl **ret_nl);

/*
 * Open a ctnetlink socket (no groups) in the current namespace into
 * @ret_nl; close it with ctf_nl_close(). Returns 0, or SKIP_RETURN_CODE with
 * the reason on stderr when the kernel has no ctnetlink.
 */
int netns_open_ctnetlink(struct ctf_nl **ret_nl);

/*
 * An IPv4 flow @src:@sport -> @dst:@dport (host byte order) of @l4proto
 * with the mirrored reply tuple, timeout 600 s and mark @mark, each of them
 * set in f->set: what CT_NEW needs to create it.
 */
void netns_flow4(struct ctf_flow *f, uint8_t l4proto, uint32_t src, uint32_t dst, uint16_t sport,
		 uint16_t dport, uint32_t mark);

#endif
