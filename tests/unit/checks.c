// SPDX-License-Identifier: GPL-2.0-or-later
/* cmocka-side helpers shared by the unit tests (see checks.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
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

/* ---- a JSON validator ---- */

struct json {
	const char *p;
	bool compact; /* no whitespace between tokens */
};

static bool json_value(struct json *j);

static void json_ws(struct json *j)
{
	while (!j->compact && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool json_string(struct json *j)
{
	const unsigned char *s = (const unsigned char *)j->p;

	if (*s++ != '"')
		return false;
	while (*s != '"') {
		if (*s < 0x20)
			return false;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return false;
				s += 5;
				continue;
			}
			if (!*s || !strchr("\"\\/bfnrt", *s))
				return false;
			s++;
		} else if (*s >= 0x80) {
			int n = *s >= 0xf0 ? 3 : *s >= 0xe0 ? 2 : *s >= 0xc2 ? 1 : -1, i;

			if (n < 0 || *s > 0xf4)
				return false;
			for (i = 1; i <= n; i++)
				if ((s[i] & 0xc0) != 0x80)
					return false;
			s += n + 1;
		} else {
			s++;
		}
	}
	j->p = (const char *)s + 1;
	return true;
}

static bool json_number(struct json *j)
{
	const char *s = j->p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	j->p = s;
	return true;
}

static bool json_list(struct json *j, char close, bool object)
{
	j->p++;
	json_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		json_ws(j);
		if (object) {
			if (!json_string(j))
				return false;
			json_ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!json_value(j))
			return false;
		json_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool json_value(struct json *j)
{
	json_ws(j);
	switch (*j->p) {
	case '{':
		return json_list(j, '}', true);
	case '[':
		return json_list(j, ']', false);
	case '"':
		return json_string(j);
	default:
		return json_number(j);
	}
}

bool json_value_ok(const char *s, bool compact, const char **ret_end)
{
	struct json j = { .p = s, .compact = compact };

	if (!json_value(&j))
		return false;
	*ret_end = j.p;
	return true;
}
