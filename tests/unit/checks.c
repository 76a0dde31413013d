// SPDX-License-Identifier: GPL-2.0-or-later
/* cmocka-side helpers shared by the unit tests (see checks.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

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

void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void compare(const char *what, const char *want, const char *got)
{
	size_t line = 1;
	const char *w = want, *g = got;

	if (strcmp(want, got) == 0)
		return;
	while (*w && *w == *g) {
		if (*w == '\n') {
			line++;
			want = w + 1;
			got = g + 1;
		}
		w++;
		g++;
	}
	fail_msg("%s: line %zu differs\n  1.4.7: %.*s\n  ours:  %.*s", what, line,
		 (int)strcspn(want, "\n"), want, (int)strcspn(got, "\n"), got);
}

void tuple4(struct ctf_tuple *t, const char *src, const char *dst, uint8_t proto, uint16_t sport,
	    uint16_t dport)
{
	memset(t, 0, sizeof(*t));
	t->l3num = AF_INET;
	t->l4proto = proto;
	assert_int_equal(inet_pton(AF_INET, src, &t->src), 1);
	assert_int_equal(inet_pton(AF_INET, dst, &t->dst), 1);
	t->l4.port.sport = sport;
	t->l4.port.dport = dport;
	t->flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO | CTF_TUPLE_F_SPORT |
		   CTF_TUPLE_F_DPORT;
}

/* One fixture in every variant; returns how many of them were compared. */
static unsigned int replay_one(const char *dir, const char *label, const char *name,
			       const struct fixture_variant *variants, size_t n, bool every_variant,
			       fixture_render_fn render, void *ctx)
{
	unsigned int compared = 0;
	struct fixture fx;
	size_t v;

	assert_int_equal(fixture_load(&fx, dir, name), 0);
	assert_true(fx.count > 0);
	for (v = 0; v < n; v++) {
		char path[4200], what[256], *want, *got;

		snprintf(path, sizeof(path), "%s/%s.%s.txt", dir, name, variants[v].name);
		want = read_text(path, NULL);
		if (every_variant)
			assert_non_null(want); /* every fixture has every variant */
		else if (!want)
			continue;
		got = render(&fx, &variants[v], ctx);
		snprintf(what, sizeof(what), "%s%s -o %s", label, name, variants[v].name);
		compare(what, want, got);
		compared++;
		free(want);
		free(got);
	}
	fixture_free(&fx);
	return compared;
}

unsigned int fixture_replay(const char *dir, const char *label,
			    const struct fixture_variant *variants, size_t n, bool every_variant,
			    fixture_render_fn render, void *ctx)
{
	char **names = fixture_list(dir);
	unsigned int compared = 0;
	size_t i;

	assert_non_null(names);
	for (i = 0; names[i]; i++) {
		compared +=
			replay_one(dir, label, names[i], variants, n, every_variant, render, ctx);
		free(names[i]);
	}
	free(names);
	return compared;
}
