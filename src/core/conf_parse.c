// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf parser machinery: errors with file, line and token,
 * warnings, the value readers every section uses, and the table-driven
 * '{' directive* '}' block that each section is made of.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"

/* ---------------------------------------------------------------- errors */

void conf_copy_token(char *dst, size_t size, const struct token *t)
{
	size_t n = 0;

	if (t && t->len) {
		n = t->len < size - 1 ? t->len : size - 1;
		memcpy(dst, t->text, n);
	}
	dst[n] = '\0';
	/* a token can hold a NUL only inside a path; cut there like strdup did */
	dst[strnlen(dst, n)] = '\0';
}

int conf_fail_at(struct parser *p, const struct token *t, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		snprintf(p->err->file, sizeof(p->err->file), "%s", p->name);
		p->err->line = line;
		conf_copy_token(p->err->token, sizeof(p->err->token), t);
		va_start(ap, fmt);
		vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

void conf_warn(struct parser *p, unsigned int line, const char *fmt, ...)
{
	struct ctf_conf *c = p->conf;
	struct ctf_conf_warning *w;
	va_list ap;

	w = reallocarray(c->warnings, c->n_warnings + 1, sizeof(*w));
	if (!w)
		return; /* warnings are best effort; the configuration is still right */
	c->warnings = w;
	w += c->n_warnings++;
	w->line = line;
	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
}

const char *conf_tok_desc(const struct token *t, char *buf, size_t size)
{
	char text[48];

	if (t->kind == TOK_EOF && !t->len)
		return "end of file";
	conf_copy_token(text, sizeof(text), t);
	if ((t->kind == TOK_CHAR || t->kind == TOK_EOF) &&
	    (t->text[0] < 0x20 || (unsigned char)t->text[0] >= 0x7f))
		snprintf(buf, size, "byte 0x%02x", (unsigned char)t->text[0]);
	else
		snprintf(buf, size, "'%s'", text);
	return buf;
}

/* --------------------------------------------------------- value helpers */

int conf_expect_char(struct parser *p, char c, const char *where)
{
	struct token t = take(p);
	char d[64];

	if (!tok_is_char(&t, c))
		return conf_fail(p, &t, "unexpected %s %s: expected '%c'",
				 conf_tok_desc(&t, d, sizeof(d)), where, c);
	return 0;
}

int conf_want(struct parser *p, const struct token *key, enum tok_kind kind, const char *what,
	      struct token *ret)
{
	struct token t = take(p);
	char d[64];

	/* bison saw one T_IP token for both address rules */
	if (t.kind != kind && !(kind == TOK_IP4 && t.kind == TOK_IP6))
		return conf_fail(p, &t, "unexpected %s after '%.*s': expected %s",
				 conf_tok_desc(&t, d, sizeof(d)), (int)key->len, key->text, what);
	*ret = t;
	return 0;
}

/* Numbers are decimal, at most INT_MAX: 1.4.7's atoi() wrapped or crashed beyond it. */
int conf_want_number(struct parser *p, const struct token *key, unsigned long max,
		     unsigned int *ret)
{
	unsigned long v = 0;
	struct token t;
	size_t i;
	int r;

	r = conf_want(p, key, TOK_NUMBER, "a number", &t);
	if (r < 0)
		return r;
	for (i = 0; i < t.len; i++) {
		v = v * 10 + (unsigned long)(t.text[i] - '0');
		if (v > max)
			return conf_fail(p, &t, "'%.*s' value %.*s is too large (at most %lu)",
					 (int)key->len, key->text, (int)t.len, t.text, max);
	}
	*ret = (unsigned int)v;
	return 0;
}

int conf_want_bool(struct parser *p, const struct token *key, bool *ret)
{
	struct token t = take(p);
	char d[64];

	if (t.kind != TOK_ON && t.kind != TOK_OFF)
		return conf_fail(p, &t, "unexpected %s after '%.*s': expected on, off, yes or no",
				 conf_tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	*ret = t.kind == TOK_ON;
	return 0;
}

/*
 * A path token runs to the next space, quote or newline, so it keeps a tab, a
 * '#' or a '}' (as 1.4.7 did); a CR of a CRLF file is dropped (1.4.7 kept it).
 */
int conf_path_value(struct parser *p, const struct token *t, size_t max, char **ret)
{
	size_t n = strnlen(t->text, t->len);
	char *s;

	if (n && t->text[n - 1] == '\r')
		n--;
	if (n >= max)
		return conf_fail(p, t, "path is too long (at most %zu bytes)", max - 1);
	s = strndup(t->text, n);
	if (!s)
		return -ENOMEM;
	free(*ret);
	*ret = s;
	return 0;
}

int conf_set_string(char **dst, const struct token *t)
{
	char *s = tok_strdup(t);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* ------------------------------------------------------ blocks, dispatch */

static const struct directive *find_directive(const struct section *sec, const struct token *t)
{
	size_t i;

	for (i = 0; i < sec->n_dirs; i++) {
		const struct directive *d = &sec->dirs[i];

		if (d->word ? tok_is(t, d->word) : tok_is_kw(t, d->kw))
			return d;
	}
	return NULL;
}

/* "A, B, C" from the directives @sec offers; "..." when they do not all fit. */
static void directive_list(const struct section *sec, char *list, size_t size)
{
	size_t i, used = 0;

	list[0] = '\0';
	for (i = 0; i < sec->n_dirs && used < size - 24; i++) {
		const struct directive *dir = &sec->dirs[i];

		if (!dir->unlisted)
			used += snprintf(list + used, size - used, "%s, ",
					 dir->word ? dir->word : conf_kw_text(dir->kw));
	}
	while (i < sec->n_dirs && sec->dirs[i].unlisted)
		i++;
	if (i < sec->n_dirs)
		snprintf(list + used, size - used, "...");
	else if (used >= 2)
		list[used - 2] = '\0';
}

static int unexpected_in(struct parser *p, const struct section *sec, const struct token *t)
{
	char list[160], d[64];

	/* ctflow's Sync options belong where 1.4.7's grammar has Options: say so */
	if (conf_sync_option_word(t))
		return conf_fail(p, t, "unexpected %s in %s: it is a Sync { Options { } } setting",
				 conf_tok_desc(t, d, sizeof(d)), sec->name);
	directive_list(sec, list, sizeof(list));
	return conf_fail(p, t, "unexpected %s in %s: expected %s%s'}'",
			 conf_tok_desc(t, d, sizeof(d)), sec->name, list,
			 sec->n_dirs ? " or " : "");
}

/* '{' directive* '}': each directive starts with its keyword. */
int conf_parse_block(struct parser *p, const struct section *sec, void *ctx)
{
	char where[64];
	int r;

	snprintf(where, sizeof(where), "after %s", sec->name);
	r = conf_expect_char(p, '{', where);
	if (r < 0)
		return r;
	for (;;) {
		const struct directive *dir;
		struct token key;

		if (tok_is_char(peek(p), '}')) {
			take(p);
			return 0;
		}
		dir = find_directive(sec, peek(p));
		if (!dir)
			return unexpected_in(p, sec, peek(p));
		key = take(p);
		r = dir->fn(p, &key, ctx);
		if (r < 0)
			return r;
	}
}
