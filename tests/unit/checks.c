// SPDX-License-Identifier: GPL-2.0-or-later
/* cmocka-side helpers shared by the unit tests (see checks.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "checks.h"

const struct nlmsghdr *guarded_fixture(const void *msg, size_t len)
{
	const struct nlmsghdr *nlh;
	uint32_t nlmsg_len;

	assert_true(len >= sizeof(nlmsg_len));
	/* The fixtures are counted by hand: their length field must agree. */
	memcpy(&nlmsg_len, msg, sizeof(nlmsg_len));
	assert_int_equal(nlmsg_len, len);
	nlh = ctf_guard_nlmsg(&ctf_guard_page, msg, len);
	assert_non_null(nlh); /* at most a page */
	return nlh;
}
