/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmocka-side helpers shared by the unit tests: they fail the running test
 * themselves. Include after <cmocka.h>; link with checks.c and fixtures.c.
 */
#ifndef CTF_TEST_CHECKS_H
#define CTF_TEST_CHECKS_H

#include <stddef.h>
#include <linux/netlink.h>

#include "fixtures.h"

/*
 * A hand-counted netlink fixture of @len bytes, placed against the guard
 * page of ctf_guard_page (run the group with ctf_guard_page_setup). Fails
 * the test when the fixture's own nlmsg_len is not @len: a miscounted
 * fixture would test something else than it says.
 */
const struct nlmsghdr *guarded_fixture(const void *msg, size_t len);

#endif
