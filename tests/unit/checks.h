/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmocka-side helpers shared by the unit tests: they fail the running test
 * themselves. Include after <cmocka.h>; link with checks.c and fixtures.c.
 */
#ifndef CTF_TEST_CHECKS_H
#define CTF_TEST_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include <ctflow/ct.h>
#include <ctflow/format.h>

#include "fixtures.h"

/*
 * A hand-counted netlink fixture of @len bytes, placed against the guard
 * page of ctf_guard_page (run the group with ctf_guard_page_setup). Fails
 * the test when the fixture's own nlmsg_len is not @len: a miscounted
 * fixture would test something else than it says.
 */
const struct nlmsghdr *guarded_fixture(const void *msg, size_t len);

/* A growing NUL-terminated string; start from { 0 }, free .s with free(). */
struct sb {
	char *s;
	size_t len, cap;
};

/* Append @n bytes of @s (failing the test when out of memory). */
void sb_add(struct sb *b, const char *s, size_t n);

/* Fail with @what and the first line where @got differs from @want (1.4.7's output). */
void compare(const char *what, const char *want, const char *got);

/* An IPv4 tuple with addresses, protocol and both ports set (and flagged). */
void tuple4(struct ctf_tuple *t, const char *src, const char *dst, uint8_t proto, uint16_t sport,
	    uint16_t dport);

/* An output variant of the recorded fixtures: <fixture>.<name>.txt holds 1.4.7's output. */
struct fixture_variant {
	const char *name;
	enum ctf_fmt_style style;
	unsigned int flags;
};

/* Our output for fixture @fx in variant @v, as one malloc'ed string. */
typedef char *(*fixture_render_fn)(const struct fixture *fx, const struct fixture_variant *v,
				   void *ctx);

/*
 * Render every fixture in @dir in each of the @n @variants and compare it
 * with what 1.4.7 printed, @dir/<fixture>.<variant>.txt. A missing text
 * fails the test when @every_variant, else that pair is passed over.
 * @label prefixes the fixture name in failure messages. Returns how many
 * pairs were compared, so that the caller can fail on a vanished fixture.
 */
unsigned int fixture_replay(const char *dir, const char *label,
			    const struct fixture_variant *variants, size_t n, bool every_variant,
			    fixture_render_fn render, void *ctx);

/*
 * Whether @s begins with one JSON value: objects, arrays, strings (escapes
 * checked, UTF-8 well-formed) and integers; our formatters print no
 * fractions, true, false or null. With @compact no whitespace may stand
 * between tokens. On success *@ret_end is where the value ends.
 */
bool json_value_ok(const char *s, bool compact, const char **ret_end);

#endif
