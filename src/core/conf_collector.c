// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf: ctflow's own sections, Collector and Exporters. Their
 * values are whole words or "double-quoted", read past 1.4.7's token classes.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "conf_parse.h"

/*
 * Values in Collector and Exporters are whole words (up to a blank, '{', '}'
 * or '#') or "double-quoted", so names like 1.2.3.4, 256M or a netns called
 * "blue-1" need no 1.4.7 token class.
 */
static int raw_word(struct parser *p, const struct token *key, struct token *ret)
{
	size_t start, end;

	assert(!p->have_tok);
	while (p->pos < p->len && (p->buf[p->pos] == ' ' || p->buf[p->pos] == '\t'))
		p->pos++;
	start = p->pos;
	ret->kind = TOK_STRING;
	ret->line = p->line;
	if (start < p->len && p->buf[start] == '"') {
		end = start + 1;
		while (end < p->len && p->buf[end] != '"' && p->buf[end] != '\n' && p->buf[end])
			end++;
		if (end >= p->len || p->buf[end] != '"')
			return conf_fail_at(p, NULL, p->line,
					    "unterminated quoted value after '%.*s'", (int)key->len,
					    key->text);
		ret->text = p->buf + start + 1;
		ret->len = end - start - 1;
		p->pos = end + 1;
		return 0;
	}
	for (end = start; end < p->len && !strchr(" \t\r\n{}#", p->buf[end]) && p->buf[end];)
		end++;
	if (end == start)
		return conf_fail_at(p, NULL, p->line, "expected a value after '%.*s'",
				    (int)key->len, key->text);
	ret->text = p->buf + start;
	ret->len = end - start;
	p->pos = end;
	return 0;
}

static int word_number(struct parser *p, const struct token *key, const struct token *w,
		       uint64_t min, uint64_t max, bool suffix, uint64_t *ret)
{
	uint64_t v = 0, mult = 1;
	size_t i, n = w->len;

	if (suffix && n > 1 && strchr("kKmMgG", w->text[n - 1])) {
		char c = w->text[--n] | 0x20;

		mult = c == 'k' ? 1ull << 10 : c == 'm' ? 1ull << 20 : 1ull << 30;
	}
	for (i = 0; i < n; i++) {
		if (!is_digit(w->text[i]))
			break;
		v = v * 10 + (uint64_t)(w->text[i] - '0');
		if (v > max)
			break;
	}
	if (!n || i < n || v > max / mult || v * mult < min)
		return conf_fail(
			p, w, "invalid '%.*s' value '%.*s': expected %s%" PRIu64 "-%" PRIu64,
			(int)key->len, key->text, (int)w->len, w->text,
			suffix ? "a size with an optional K, M or G suffix, " : "a number ", min,
			max);
	*ret = v * mult;
	return 0;
}

/* N or "auto" (0). */
static int auto_number(struct parser *p, const struct token *key, uint64_t max, uint64_t *ret)
{
	struct token w;
	int r;

	r = raw_word(p, key, &w);
	if (r < 0)
		return r;
	if (w.len == 4 && !memcmp(w.text, "auto", 4)) {
		*ret = 0;
		return 0;
	}
	return word_number(p, key, &w, 1, max, false, ret);
}

static int plain_number(struct parser *p, const struct token *key, uint64_t min, uint64_t max,
			uint64_t *ret)
{
	struct token w;
	int r;

	r = raw_word(p, key, &w);
	return r < 0 ? r : word_number(p, key, &w, min, max, false, ret);
}

static int word_bool(struct parser *p, const struct token *key, bool *ret)
{
	static const char *const words[] = { "on", "yes", "off", "no" };
	struct token w;
	size_t i;
	int r;

	r = raw_word(p, key, &w);
	for (i = 0; r >= 0 && i < 4; i++) {
		if (w.len == strlen(words[i]) && !strncasecmp(w.text, words[i], w.len)) {
			*ret = i < 2;
			return 0;
		}
	}
	return r < 0 ? r
		     : conf_fail(p, &w, "invalid '%.*s' value '%.*s': expected on, off, yes or no",
				 (int)key->len, key->text, (int)w.len, w.text);
}

static struct ctf_conf_collector *col(struct parser *p)
{
	return &p->conf->collector;
}

static int dir_c_readers(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = auto_number(p, key, 1024, &v);

	if (r >= 0)
		col(p)->readers = (unsigned int)v;
	return r;
}

static int dir_c_table(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = auto_number(p, key, 1u << 30, &v);

	if (r >= 0)
		col(p)->table_size = (size_t)v;
	return r;
}

static int dir_c_active(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = plain_number(p, key, 0, INT_MAX, &v);

	if (r >= 0)
		col(p)->active_timeout = (unsigned int)v;
	return r;
}

static int dir_c_poll(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = plain_number(p, key, 1, INT_MAX, &v);

	if (r >= 0)
		col(p)->poll_interval = (unsigned int)v;
	return r;
}

static int dir_c_accounting(struct parser *p, const struct token *key, void *ctx)
{
	return word_bool(p, key, &col(p)->enable_accounting);
}

static int dir_c_start(struct parser *p, const struct token *key, void *ctx)
{
	return word_bool(p, key, &col(p)->start_records);
}

static int dir_c_ring(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = plain_number(p, key, 1, 1u << 24, &v);

	if (r >= 0)
		col(p)->ring_size = (size_t)v;
	return r;
}

static int word_string(struct parser *p, const struct token *key, size_t max, char **dst)
{
	struct token w;
	int r;

	r = raw_word(p, key, &w);
	if (r >= 0 && (w.len == 0 || w.len > max || memchr(w.text, '\0', w.len)))
		r = conf_fail(p, &w, "invalid '%.*s' value: expected 1-%zu characters",
			      (int)key->len, key->text, max);
	return r < 0 ? r : conf_set_string(dst, &w);
}

static int dir_c_hostname(struct parser *p, const struct token *key, void *ctx)
{
	int r = word_string(p, key, 255, &col(p)->hostname);

	if (r >= 0 && !strcmp(col(p)->hostname, "auto")) {
		free(col(p)->hostname);
		col(p)->hostname = NULL;
	}
	return r;
}

static int dir_c_netns(struct parser *p, const struct token *key, void *ctx)
{
	return word_string(p, key, PATH_MAX - 1, &col(p)->netns);
}

static const struct directive collector_dirs[] = {
	{ .word = "Readers", .fn = dir_c_readers },
	{ .word = "TableSize", .fn = dir_c_table },
	{ .word = "ActiveTimeout", .fn = dir_c_active },
	{ .word = "CounterPollInterval", .fn = dir_c_poll },
	{ .word = "EnableAccounting", .fn = dir_c_accounting },
	{ .word = "StartRecords", .fn = dir_c_start },
	{ .word = "RingSize", .fn = dir_c_ring },
	{ .word = "Hostname", .fn = dir_c_hostname },
	{ .word = "Namespace", .fn = dir_c_netns },
};
SECTION(collector_section, "Collector", collector_dirs);

static struct ctf_conf_exporters *exp_(struct parser *p)
{
	return &p->conf->exporters;
}

static int dir_f_path(struct parser *p, const struct token *key, void *ctx)
{
	int r = word_string(p, key, PATH_MAX - 1, &exp_(p)->file_path);

	if (r >= 0 && exp_(p)->file_path[0] != '/')
		return conf_fail_at(p, NULL, key->line, "File Path '%s' must be absolute",
				    exp_(p)->file_path);
	return r;
}

static int dir_f_rotate_size(struct parser *p, const struct token *key, void *ctx)
{
	struct token w;
	int r = raw_word(p, key, &w);

	return r < 0 ? r : word_number(p, key, &w, 0, 1ull << 50, true, &exp_(p)->rotate_bytes);
}

static int dir_f_rotate_interval(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = plain_number(p, key, 0, INT_MAX, &v);

	if (r >= 0)
		exp_(p)->rotate_secs = (unsigned int)v;
	return r;
}

static int dir_f_keep(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = plain_number(p, key, 0, 1000000, &v);

	if (r >= 0)
		exp_(p)->keep = (unsigned int)v;
	return r;
}

static int dir_f_writer(struct parser *p, const struct token *key, void *ctx)
{
	struct token w;
	int r = raw_word(p, key, &w);

	if (r < 0)
		return r;
	if (tok_is(&w, "uring") || tok_is(&w, "write")) {
		exp_(p)->plain_write = w.text[0] == 'w';
		return 0;
	}
	return conf_fail(p, &w, "invalid 'Writer' value '%.*s': expected uring or write",
			 (int)w.len, w.text);
}

static const struct directive file_dirs[] = {
	{ .word = "Path", .fn = dir_f_path },
	{ .word = "RotateSize", .fn = dir_f_rotate_size },
	{ .word = "RotateInterval", .fn = dir_f_rotate_interval },
	{ .word = "Keep", .fn = dir_f_keep },
	{ .word = "Writer", .fn = dir_f_writer },
};
SECTION(file_section, "File", file_dirs);

static int dir_p_address(struct parser *p, const struct token *key, void *ctx)
{
	struct in6_addr a6;
	struct in_addr a4;
	char text[INET6_ADDRSTRLEN];
	struct token w;
	int r = raw_word(p, key, &w);

	if (r < 0)
		return r;
	conf_copy_token(text, sizeof(text), &w);
	if (w.len >= sizeof(text) ||
	    (inet_pton(AF_INET, text, &a4) != 1 && inet_pton(AF_INET6, text, &a6) != 1))
		return conf_fail(p, &w,
				 "invalid 'Address' value '%.*s': expected an IPv4 or IPv6 "
				 "address",
				 (int)w.len, w.text);
	return conf_set_string(&exp_(p)->prom_address, &w);
}

static int dir_p_port(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v = 0;
	int r = plain_number(p, key, 1, 65535, &v);

	if (r >= 0)
		exp_(p)->prom_port = (uint16_t)v;
	return r;
}

static const struct directive prom_dirs[] = {
	{ .word = "Address", .fn = dir_p_address },
	{ .word = "Port", .fn = dir_p_port },
};
SECTION(prom_section, "Prometheus", prom_dirs);

static int dir_e_file(struct parser *p, const struct token *key, void *ctx)
{
	exp_(p)->file_enabled = true;
	return conf_parse_block(p, &file_section, NULL);
}

static int dir_e_prom(struct parser *p, const struct token *key, void *ctx)
{
	exp_(p)->prom_enabled = true;
	exp_(p)->prom_given = true;
	return conf_parse_block(p, &prom_section, NULL);
}

static const struct directive exporters_dirs[] = {
	{ .word = "File", .fn = dir_e_file },
	{ .word = "Prometheus", .fn = dir_e_prom },
};
SECTION(exporters_section, "Exporters", exporters_dirs);

int conf_collector(struct parser *p)
{
	return conf_parse_block(p, &collector_section, NULL);
}

int conf_exporters(struct parser *p)
{
	return conf_parse_block(p, &exporters_section, NULL);
}
