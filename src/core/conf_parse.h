/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the core: the conntrackd.conf tokenizer and parser shared by
 * conf.c (top level, defaults, API), conf_lex.c (tokens), conf_parse.c
 * (errors, values, blocks) and one conf_<section>.c per section. Unless a
 * comment says otherwise, an int function returns 0, -EBADMSG with the
 * caller's struct ctf_conf_error filled (through conf_fail_at()), or -ENOMEM.
 */
#ifndef CTFLOW_CORE_CONF_PARSE_H
#define CTFLOW_CORE_CONF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/conf.h>

/*
 * Keywords, case-sensitive, as 1.4.7's lexer knows them. A word that is not
 * here (ICMP, VRRP, Collector, ...) is a plain string. Aliases share an id.
 */
enum kw {
	KW_UNIX,
	KW_IPV4_ADDR,
	KW_IPV6_ADDR,
	KW_IPV4_DEST,
	KW_IPV6_DEST,
	KW_IPV4_IFACE,
	KW_IPV6_IFACE,
	KW_IFACE,
	KW_PORT,
	KW_MULTICAST,
	KW_UDP,
	KW_TCP,
	KW_HASHSIZE,
	KW_REFRESH,
	KW_CACHE_TIMEOUT,
	KW_COMMIT_TIMEOUT,
	KW_HASHLIMIT,
	KW_PATH,
	KW_BACKLOG,
	KW_GROUP,
	KW_LOGFILE,
	KW_SYSLOG,
	KW_LOCKFILE,
	KW_GENERAL,
	KW_SYNC,
	KW_STATS,
	KW_BUFSIZE,
	KW_BUFMAX,
	KW_MODE,
	KW_RESEND_QUEUE,
	KW_CHECKSUM,
	KW_WINDOW,
	KW_FOR,
	KW_SYN_SENT,
	KW_SYN_RECV,
	KW_ESTABLISHED,
	KW_FIN_WAIT,
	KW_CLOSE_WAIT,
	KW_LAST_ACK,
	KW_TIME_WAIT,
	KW_CLOSE,
	KW_LISTEN,
	KW_SNDBUF,
	KW_RCVBUF,
	KW_FILTER,
	KW_PROTOCOL,
	KW_ADDRESS,
	KW_STATE,
	KW_ACCEPT,
	KW_IGNORE,
	KW_PURGE,
	KW_FROM,
	KW_USERSPACE,
	KW_KERNELSPACE,
	KW_EVENT_ITER,
	KW_DEFAULT,
	KW_POLL_SECS,
	KW_OVERRUN_RESYNC,
	KW_NICE,
	KW_SCHEDULER,
	KW_TYPE,
	KW_PRIORITY,
	KW_EVENTS_RELIABLE,
	KW_DISABLE_INTERNAL,
	KW_DISABLE_EXTERNAL,
	KW_ERROR_QUEUE,
	KW_OPTIONS,
	KW_TCP_WINDOW_TRACKING,
	KW_EXPECT_SYNC,
	KW_HELPER,
	KW_QUEUE_NUM,
	KW_QUEUE_LEN,
	KW_POLICY,
	KW_EXPECT_MAX,
	KW_EXPECT_TIMEOUT,
	KW_SYSTEMD,
	KW_STARTUP_RESYNC,
	KW_SETUP,
};

/* Token kinds, in the order of 1.4.7's flex rules: on a tie the earlier wins. */
enum tok_kind {
	TOK_KW,
	TOK_ON,
	TOK_OFF,
	TOK_NUMBER,
	TOK_SIGNED,
	TOK_IP4,
	TOK_IP6,
	TOK_PATH,
	TOK_ALARM,
	TOK_PERSISTENT,
	TOK_FTFW,
	TOK_NACK,
	TOK_NOTRACK,
	TOK_STRING,
	TOK_CHAR, /* flex's catch-all '.': one byte */
	TOK_EOF,  /* also NUL and bytes over 0x7f, which bison took for the end of input */
};

struct token {
	enum tok_kind kind;
	enum kw kw;	  /* TOK_KW */
	const char *text; /* into the input; not terminated */
	size_t len;
	unsigned int line;
};

/* 1.4.7's helper grammar keeps a symbol stack that a Type block drains (LIFO). */
enum hsym_type { HSYM_QUEUE_NUM, HSYM_QUEUE_LEN, HSYM_POLICY, HSYM_LEAF };

struct hsym {
	enum hsym_type type;
	unsigned int value;
	struct ctf_conf_helper_policy policy;
};

/* One parse: the input, the lookahead, the result, and state for the final checks. */
struct parser {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
	struct token tok; /* lookahead, valid when have_tok */
	bool have_tok;
	struct ctf_conf *conf;
	struct ctf_conf_error *err;
	const char *name;
	struct hsym *hstack; /* Helper's symbol stack, freed by the caller */
	size_t n_hstack;
	bool seen_sync, seen_stats, seen_collector, seen_exporters;
	bool channel_type_set; /* Sync: all links must be of one type */
	enum ctf_conf_channel_type channel_type;
	unsigned int sync_line; /* the first Sync, where errors without a line go */
	unsigned int mode_bits; /* 1 << enum ctf_conf_sync_mode for each Mode given */
};

/* ----------------------------------------------------- conf_lex.c: tokens */

/* Read the next token into @t; the aliases NACK and PERSISTENT are warned about here. */
void conf_lex(struct parser *p, struct token *t);

/* The spelling of @kw (its first alias), for messages; "?" for none. */
const char *conf_kw_text(enum kw kw);

static inline const struct token *peek(struct parser *p)
{
	if (!p->have_tok) {
		conf_lex(p, &p->tok);
		p->have_tok = true;
	}
	return &p->tok;
}

static inline struct token take(struct parser *p)
{
	struct token t = *peek(p);

	p->have_tok = false;
	return t;
}

static inline bool tok_is(const struct token *t, const char *word)
{
	return (t->kind == TOK_STRING || t->kind == TOK_KW) && t->len == strlen(word) &&
	       !memcmp(t->text, word, t->len);
}

static inline bool tok_is_char(const struct token *t, char c)
{
	return t->kind == TOK_CHAR && t->text[0] == c;
}

static inline bool tok_is_kw(const struct token *t, enum kw kw)
{
	return t->kind == TOK_KW && t->kw == kw;
}

static inline char *tok_strdup(const struct token *t)
{
	return strndup(t->text, t->len);
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* --------------------------------- conf_parse.c: errors, values, blocks */

/* Copy @t's text (at most @size - 1 bytes, up to a NUL) into @dst; "" for NULL. */
void conf_copy_token(char *dst, size_t size, const struct token *t);

/* Fill the caller's error with @line, @t's text (NULL: none) and the message; returns -EBADMSG. */
int conf_fail_at(struct parser *p, const struct token *t, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define conf_fail(p, t, ...) conf_fail_at((p), (t), (t)->line, __VA_ARGS__)

/* Record a warning for @line; best effort, the caller logs them. */
void conf_warn(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "'Foo'", "byte 0xNN" (in @buf) or "end of file" (a constant), for messages. */
const char *conf_tok_desc(const struct token *t, char *buf, size_t size);

/* The next token must be the character @c; @where ("after Foo") goes into the error. */
int conf_expect_char(struct parser *p, char c, const char *where);

/* The next token, which must be of @kind (@what names it in the error), after @key. */
int conf_want(struct parser *p, const struct token *key, enum tok_kind kind, const char *what,
	      struct token *ret);

/* A decimal number of at most @max after @key. */
int conf_want_number(struct parser *p, const struct token *key, unsigned long max,
		     unsigned int *ret);

/* on, off, yes or no (any case, and 1.4.7's '|' quirk) after @key. */
int conf_want_bool(struct parser *p, const struct token *key, bool *ret);

/* A path token of less than @max bytes into *@ret (replaced, freed before). */
int conf_path_value(struct parser *p, const struct token *t, size_t max, char **ret);

/* *@dst = a copy of @t's text; the old value is freed. */
int conf_set_string(char **dst, const struct token *t);

struct directive {
	enum kw kw;	  /* matched as a keyword ... */
	const char *word; /* ... or, for ctflow's words, by its text */
	bool unlisted;	  /* recognised, but not offered in "expected ..." */
	int (*fn)(struct parser *p, const struct token *key, void *ctx);
};

struct section {
	const char *name;
	const struct directive *dirs;
	size_t n_dirs;
};

#define SECTION(var, nm, table)                              \
	static const struct section var = { .name = (nm),    \
					    .dirs = (table), \
					    .n_dirs = sizeof(table) / sizeof((table)[0]) }

/* '{' directive* '}': each directive starts with its keyword; @ctx goes to each handler. */
int conf_parse_block(struct parser *p, const struct section *sec, void *ctx);

/* ------------------------------------------------------- the sections */

/* conf_general.c: General { } (with Filter, UNIX, Scheduler) and Stats { }. */
int conf_general(struct parser *p);
int conf_stats(struct parser *p);

/* conf_sync.c: Sync { }. */
int conf_sync(struct parser *p);

/* After the last section, when a Sync was seen: the mode, then each link's checks. */
int conf_sync_finish(struct parser *p);

/* Whether @t is one of ctflow's Sync Options words, so a misplaced one gets a hint. */
bool conf_sync_option_word(const struct token *t);

/* conf_helper.c: Helper { } (1.4.7's user-space helpers). */
int conf_helper(struct parser *p);

/* Free what a parsed Type owns (not @h itself). */
void conf_helper_type_done(struct ctf_conf_helper_type *h);

/* conf_collector.c: ctflow's Collector { } and Exporters { }. */
int conf_collector(struct parser *p);
int conf_exporters(struct parser *p);

#endif /* CTFLOW_CORE_CONF_PARSE_H */
