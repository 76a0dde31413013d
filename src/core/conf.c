// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf: a hand-written lexer and recursive-descent parser that
 * accept exactly what conntrackd 1.4.7's flex/bison grammar accepts, plus the
 * ctflow Collector and Exporters sections. No global state: one struct parser
 * per call, errors returned in struct ctf_conf_error.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include <ctflow/conf.h>

#define DEFAULT_LOGFILE	      "/var/log/conntrackd.log"
#define DEFAULT_STATS_LOGFILE "/var/log/conntrackd-stats.log"
#define DEFAULT_LOCKFILE      "/var/lock/conntrackd.lock"
#define FILENAME_MAX_LEN      256 /* 1.4.7's FILENAME_MAXLEN: longer names were truncated */
#define UNIX_PATH_MAX_LEN     108 /* sun_path: 1.4.7 overflowed it */
#define HELPER_POLICY_NAME    16  /* 1.4.7's CTD_HELPER_NAME_LEN */
#define CONF_MAX_BYTES	      (16u << 20)

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

static const struct {
	const char *text;
	enum kw kw;
} keywords[] = {
	{ "UNIX", KW_UNIX },
	{ "IPv4_address", KW_IPV4_ADDR },
	{ "IPv6_address", KW_IPV6_ADDR },
	{ "IPv4_Destination_Address", KW_IPV4_DEST },
	{ "IPv6_Destination_Address", KW_IPV6_DEST },
	{ "IPv4_interface", KW_IPV4_IFACE },
	{ "IPv6_interface", KW_IPV6_IFACE },
	{ "Interface", KW_IFACE },
	{ "Port", KW_PORT },
	{ "Multicast", KW_MULTICAST },
	{ "UDP", KW_UDP },
	{ "TCP", KW_TCP },
	{ "HashSize", KW_HASHSIZE },
	{ "RefreshTime", KW_REFRESH },
	{ "CacheTimeout", KW_CACHE_TIMEOUT },
	{ "CommitTimeout", KW_COMMIT_TIMEOUT },
	{ "HashLimit", KW_HASHLIMIT },
	{ "Path", KW_PATH },
	{ "Backlog", KW_BACKLOG },
	{ "Group", KW_GROUP },
	{ "LogFile", KW_LOGFILE },
	{ "Syslog", KW_SYSLOG },
	{ "LockFile", KW_LOCKFILE },
	{ "General", KW_GENERAL },
	{ "Sync", KW_SYNC },
	{ "Stats", KW_STATS },
	{ "NetlinkBufferSize", KW_BUFSIZE },
	{ "SocketBufferSize", KW_BUFSIZE },
	{ "NetlinkBufferSizeMaxGrowth", KW_BUFMAX },
	{ "SocketBufferSizeMaxGrown", KW_BUFMAX },
	{ "SocketBufferSizeMaxGrowth", KW_BUFMAX },
	{ "Mode", KW_MODE },
	{ "ResendQueueSize", KW_RESEND_QUEUE },
	{ "Checksum", KW_CHECKSUM },
	{ "ACKWindowSize", KW_WINDOW },
	{ "for", KW_FOR },
	{ "SYN_SENT", KW_SYN_SENT },
	{ "SYN_RECV", KW_SYN_RECV },
	{ "ESTABLISHED", KW_ESTABLISHED },
	{ "FIN_WAIT", KW_FIN_WAIT },
	{ "CLOSE_WAIT", KW_CLOSE_WAIT },
	{ "LAST_ACK", KW_LAST_ACK },
	{ "TIME_WAIT", KW_TIME_WAIT },
	{ "CLOSE", KW_CLOSE },
	{ "CLOSED", KW_CLOSE },
	{ "LISTEN", KW_LISTEN },
	{ "SndSocketBuffer", KW_SNDBUF },
	{ "RcvSocketBuffer", KW_RCVBUF },
	{ "Filter", KW_FILTER },
	{ "Protocol", KW_PROTOCOL },
	{ "Address", KW_ADDRESS },
	{ "State", KW_STATE },
	{ "Accept", KW_ACCEPT },
	{ "Ignore", KW_IGNORE },
	{ "PurgeTimeout", KW_PURGE },
	{ "From", KW_FROM },
	{ "Userspace", KW_USERSPACE },
	{ "Kernelspace", KW_KERNELSPACE },
	{ "EventIterationLimit", KW_EVENT_ITER },
	{ "Default", KW_DEFAULT },
	{ "PollSecs", KW_POLL_SECS },
	{ "NetlinkOverrunResync", KW_OVERRUN_RESYNC },
	{ "Nice", KW_NICE },
	{ "Scheduler", KW_SCHEDULER },
	{ "Type", KW_TYPE },
	{ "Priority", KW_PRIORITY },
	{ "NetlinkEventsReliable", KW_EVENTS_RELIABLE },
	{ "DisableInternalCache", KW_DISABLE_INTERNAL },
	{ "DisableExternalCache", KW_DISABLE_EXTERNAL },
	{ "ErrorQueueLength", KW_ERROR_QUEUE },
	{ "Options", KW_OPTIONS },
	{ "TCPWindowTracking", KW_TCP_WINDOW_TRACKING },
	{ "ExpectationSync", KW_EXPECT_SYNC },
	{ "Helper", KW_HELPER },
	{ "QueueNum", KW_QUEUE_NUM },
	{ "QueueLen", KW_QUEUE_LEN },
	{ "Policy", KW_POLICY },
	{ "ExpectMax", KW_EXPECT_MAX },
	{ "ExpectTimeout", KW_EXPECT_TIMEOUT },
	{ "Systemd", KW_SYSTEMD },
	{ "StartupResync", KW_STARTUP_RESYNC },
	{ "Setup", KW_SETUP },
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
	struct hsym *hstack;
	size_t n_hstack;
	bool seen_sync, seen_stats, seen_collector, seen_exporters;
	bool channel_type_set;
	enum ctf_conf_channel_type channel_type;
	unsigned int sync_line;
	unsigned int mode_bits; /* 1 << enum ctf_conf_sync_mode for each Mode given */
};

/* ---------------------------------------------------------------- errors */

static void copy_token(char *dst, size_t size, const struct token *t)
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

static int fail_at(struct parser *p, const struct token *t, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(struct parser *p, const struct token *t, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		snprintf(p->err->file, sizeof(p->err->file), "%s", p->name);
		p->err->line = line;
		copy_token(p->err->token, sizeof(p->err->token), t);
		va_start(ap, fmt);
		vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

#define fail(p, t, ...) fail_at((p), (t), (t)->line, __VA_ARGS__)

static void warn(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct parser *p, unsigned int line, const char *fmt, ...)
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

/* "'Foo'", "end of file", printable for messages. */
static const char *tok_desc(const struct token *t, char *buf, size_t size)
{
	char text[48];

	if (t->kind == TOK_EOF && !t->len)
		return "end of file";
	copy_token(text, sizeof(text), t);
	if ((t->kind == TOK_CHAR || t->kind == TOK_EOF) &&
	    (t->text[0] < 0x20 || (unsigned char)t->text[0] >= 0x7f))
		snprintf(buf, size, "byte 0x%02x", (unsigned char)t->text[0]);
	else
		snprintf(buf, size, "'%s'", text);
	return buf;
}

/* ----------------------------------------------------------------- lexer */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t span_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	return i;
}

/*
 * 1.4.7 wrote its case-insensitive words as classes like [o|O][n|N], so '|'
 * matches every position too: "||" is "on". @pat holds one letter per class.
 */
static size_t match_classes(const char *s, size_t n, const char *pat)
{
	size_t i, len = strlen(pat);

	if (n < len)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c != '|' && c != pat[i] && c != (pat[i] ^ 0x20))
			return 0;
	}
	return len;
}

static size_t match_keyword(const char *s, size_t n, enum kw *ret_kw)
{
	size_t i, best = 0;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		size_t k = strlen(keywords[i].text);

		if (k > best && k <= n && !memcmp(s, keywords[i].text, k)) {
			best = k;
			*ret_kw = keywords[i].kw;
		}
	}
	return best;
}

/* {ip4}: digits '.' digits '.' digits '.' digits, then an optional /digits. */
static size_t match_ip4(const char *s, size_t n)
{
	size_t i = 0, d;
	int part;

	for (part = 0; part < 4; part++) {
		if (part) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		d = span_digits(s + i, n - i);
		if (!d)
			return 0;
		i += d;
	}
	if (i + 1 < n && s[i] == '/' && is_digit(s[i + 1]))
		i += 1 + span_digits(s + i + 1, n - i - 1);
	return i;
}

/* The end positions a set of start positions reaches through one {hex_255}":"? part. */
#define IP6_MAX 64 /* no {ip6} match is longer than 7*5 + 2 + 7*5 bytes */

static void ip6_parts(const char *s, size_t n, bool *from, bool colon_optional)
{
	bool next[IP6_MAX + 1] = { false };
	size_t i, h;

	for (i = 0; i <= IP6_MAX && i < n; i++) {
		if (!from[i])
			continue;
		for (h = 1; h <= 4 && i + h <= n && is_hex(s[i + h - 1]); h++) {
			if (colon_optional && i + h <= IP6_MAX)
				next[i + h] = true;
			if (i + h < n && s[i + h] == ':' && i + h + 1 <= IP6_MAX)
				next[i + h + 1] = true;
		}
	}
	memcpy(from, next, sizeof(next));
}

static size_t ip6_cidr(const char *s, size_t n, size_t end)
{
	if (end + 1 < n && s[end] == '/' && is_digit(s[end + 1]))
		return end + 1 + span_digits(s + end + 1, n - end - 1);
	return end;
}

/* {ip6_part}{0,7}"::"{ip6_part}{0,7} with ip6_part = {hex_255}":"? */
static size_t match_ip6_form1(const char *s, size_t n)
{
	bool cur[IP6_MAX + 1] = { [0] = true }, mid[IP6_MAX + 1] = { false };
	bool any[IP6_MAX + 1] = { false };
	size_t i, best = 0;
	int k;

	for (k = 0; k <= 7; k++) {
		for (i = 0; i + 2 <= n && i + 2 <= IP6_MAX; i++)
			if (cur[i] && s[i] == ':' && s[i + 1] == ':')
				mid[i + 2] = true;
		ip6_parts(s, n, cur, true);
	}
	memcpy(cur, mid, sizeof(cur));
	for (k = 0; k <= 7; k++) {
		for (i = 0; i <= IP6_MAX; i++)
			any[i] |= cur[i];
		ip6_parts(s, n, cur, true);
	}
	for (i = 0; i <= IP6_MAX; i++)
		if (any[i] && ip6_cidr(s, n, i) > best)
			best = ip6_cidr(s, n, i);
	return best;
}

/* ({hex_255}":"){0,7}{hex_255} */
static size_t match_ip6_form2(const char *s, size_t n)
{
	bool cur[IP6_MAX + 1] = { [0] = true };
	size_t i, h, best = 0;
	int k;

	for (k = 0; k <= 7; k++) {
		for (i = 0; i <= IP6_MAX && i < n; i++) {
			if (!cur[i])
				continue;
			for (h = 1; h <= 4 && i + h <= n && is_hex(s[i + h - 1]); h++)
				if (ip6_cidr(s, n, i + h) > best)
					best = ip6_cidr(s, n, i + h);
		}
		ip6_parts(s, n, cur, false);
	}
	return best;
}

static size_t match_ip6(const char *s, size_t n)
{
	size_t a = match_ip6_form1(s, n), b = match_ip6_form2(s, n);

	return a > b ? a : b;
}

/* {path}: '/' and everything up to a '"', a newline or a space (tabs included). */
static size_t match_path(const char *s, size_t n)
{
	size_t i = 1;

	if (s[0] != '/')
		return 0;
	while (i < n && s[i] != '"' && s[i] != '\n' && s[i] != ' ')
		i++;
	return i;
}

static size_t match_string(const char *s, size_t n)
{
	size_t i = 1;

	if (!is_alpha(s[0]))
		return 0;
	while (i < n &&
	       (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '_'))
		i++;
	return i;
}

static size_t match_signed(const char *s, size_t n)
{
	if (n < 2 || (s[0] != '-' && s[0] != '+') || !is_digit(s[1]))
		return 0;
	return 1 + span_digits(s + 1, n - 1);
}

static size_t max2(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* Longest match over all rules; on a tie the earliest rule (enum order) wins. */
static void lex_rules(const char *s, size_t n, struct token *t)
{
	size_t len[TOK_CHAR] = { 0 };
	int k, best = TOK_CHAR;

	len[TOK_KW] = match_keyword(s, n, &t->kw);
	len[TOK_ON] = max2(match_classes(s, n, "on"), match_classes(s, n, "yes"));
	len[TOK_OFF] = max2(match_classes(s, n, "off"), match_classes(s, n, "no"));
	len[TOK_NUMBER] = span_digits(s, n);
	len[TOK_SIGNED] = match_signed(s, n);
	len[TOK_IP4] = match_ip4(s, n);
	len[TOK_IP6] = match_ip6(s, n);
	len[TOK_PATH] = match_path(s, n);
	len[TOK_ALARM] = match_classes(s, n, "alarm");
	/* upstream's class for the last letter is [T|T]: lower-case 't' does not match */
	if (n >= 10 && match_classes(s, 9, "persisten") && (s[9] == 'T' || s[9] == '|'))
		len[TOK_PERSISTENT] = 10;
	len[TOK_FTFW] = match_classes(s, n, "ftfw");
	len[TOK_NACK] = match_classes(s, n, "nack");
	len[TOK_NOTRACK] = match_classes(s, n, "notrack");
	len[TOK_STRING] = match_string(s, n);
	t->len = 1;
	for (k = 0; k < TOK_CHAR; k++) {
		if (len[k] > (best == TOK_CHAR ? 0 : len[best]))
			best = k;
	}
	if (best != TOK_CHAR)
		t->len = len[best];
	t->kind = best;
}

/* Skip blanks, newlines and comments; a '#' comment needs its newline, as `#.*$` does. */
static void skip_blanks(struct parser *p)
{
	const char *nl;

	while (p->pos < p->len) {
		char c = p->buf[p->pos];

		if (c == ' ' || c == '\t' || c == '\r') {
			p->pos++;
		} else if (c == '\n') {
			p->line++;
			p->pos++;
		} else if (c == '#') {
			nl = memchr(p->buf + p->pos, '\n', p->len - p->pos);
			if (!nl)
				return; /* at end of file '#' is a stray character */
			p->pos = nl - p->buf;
		} else {
			return;
		}
	}
}

static void lex(struct parser *p, struct token *t)
{
	skip_blanks(p);
	t->line = p->line;
	t->text = p->buf + p->pos;
	t->len = 0;
	if (p->pos >= p->len || p->buf[p->pos] == '\0') {
		t->kind = TOK_EOF;
		return;
	}
	lex_rules(t->text, p->len - p->pos, t);
	p->pos += t->len;
	/*
	 * flex handed bison a byte over 0x7f as a negative char, which bison
	 * takes for the end of input: at top level 1.4.7 stops reading there.
	 */
	if (t->kind == TOK_CHAR && (unsigned char)t->text[0] >= 0x80)
		t->kind = TOK_EOF;
	if (t->kind == TOK_PERSISTENT) {
		warn(p, t->line, "'persistent' mode is now called 'alarm'");
		t->kind = TOK_ALARM;
	} else if (t->kind == TOK_NACK) {
		warn(p, t->line, "'nack' mode is now called 'ftfw'");
		t->kind = TOK_FTFW;
	}
}

static const struct token *peek(struct parser *p)
{
	if (!p->have_tok) {
		lex(p, &p->tok);
		p->have_tok = true;
	}
	return &p->tok;
}

static struct token take(struct parser *p)
{
	struct token t = *peek(p);

	p->have_tok = false;
	return t;
}

static bool tok_is(const struct token *t, const char *word)
{
	return (t->kind == TOK_STRING || t->kind == TOK_KW) && t->len == strlen(word) &&
	       !memcmp(t->text, word, t->len);
}

static bool tok_is_char(const struct token *t, char c)
{
	return t->kind == TOK_CHAR && t->text[0] == c;
}

static bool tok_is_kw(const struct token *t, enum kw kw)
{
	return t->kind == TOK_KW && t->kw == kw;
}

static char *tok_strdup(const struct token *t)
{
	return strndup(t->text, t->len);
}

/* --------------------------------------------------------- value helpers */

static int expect_char(struct parser *p, char c, const char *where)
{
	struct token t = take(p);
	char d[64];

	if (!tok_is_char(&t, c))
		return fail(p, &t, "unexpected %s %s: expected '%c'", tok_desc(&t, d, sizeof(d)),
			    where, c);
	return 0;
}

static int want(struct parser *p, const struct token *key, enum tok_kind kind, const char *what,
		struct token *ret)
{
	struct token t = take(p);
	char d[64];

	/* bison saw one T_IP token for both address rules */
	if (t.kind != kind && !(kind == TOK_IP4 && t.kind == TOK_IP6))
		return fail(p, &t, "unexpected %s after '%.*s': expected %s",
			    tok_desc(&t, d, sizeof(d)), (int)key->len, key->text, what);
	*ret = t;
	return 0;
}

/* Numbers are decimal, at most INT_MAX: 1.4.7's atoi() wrapped or crashed beyond it. */
static int want_number(struct parser *p, const struct token *key, unsigned long max,
		       unsigned int *ret)
{
	unsigned long v = 0;
	struct token t;
	size_t i;
	int r;

	r = want(p, key, TOK_NUMBER, "a number", &t);
	if (r < 0)
		return r;
	for (i = 0; i < t.len; i++) {
		v = v * 10 + (unsigned long)(t.text[i] - '0');
		if (v > max)
			return fail(p, &t, "'%.*s' value %.*s is too large (at most %lu)",
				    (int)key->len, key->text, (int)t.len, t.text, max);
	}
	*ret = (unsigned int)v;
	return 0;
}

static int want_bool(struct parser *p, const struct token *key, bool *ret)
{
	struct token t = take(p);
	char d[64];

	if (t.kind != TOK_ON && t.kind != TOK_OFF)
		return fail(p, &t, "unexpected %s after '%.*s': expected on, off, yes or no",
			    tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	*ret = t.kind == TOK_ON;
	return 0;
}

/*
 * A path token runs to the next space, quote or newline, so it keeps a tab, a
 * '#' or a '}' (as 1.4.7 did); a CR of a CRLF file is dropped (1.4.7 kept it).
 */
static int path_value(struct parser *p, const struct token *t, size_t max, char **ret)
{
	size_t n = strnlen(t->text, t->len);
	char *s;

	if (n && t->text[n - 1] == '\r')
		n--;
	if (n >= max)
		return fail(p, t, "path is too long (at most %zu bytes)", max - 1);
	s = strndup(t->text, n);
	if (!s)
		return -ENOMEM;
	free(*ret);
	*ret = s;
	return 0;
}

static int set_string(char **dst, const struct token *t)
{
	char *s = tok_strdup(t);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* ------------------------------------------------------ blocks, dispatch */

struct directive {
	enum kw kw;	  /* matched as a keyword ... */
	const char *word; /* ... or, for ctflow's sections, by its text */
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

static const char *kw_text(enum kw kw)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].kw == kw)
			return keywords[i].text;
	return "?";
}

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

static int unexpected_in(struct parser *p, const struct section *sec, const struct token *t)
{
	char list[160] = "", d[64];
	size_t i, used = 0;

	for (i = 0; i < sec->n_dirs && used < sizeof(list) - 24; i++) {
		const struct directive *dir = &sec->dirs[i];

		used += snprintf(list + used, sizeof(list) - used, "%s, ",
				 dir->word ? dir->word : kw_text(dir->kw));
	}
	if (i < sec->n_dirs)
		snprintf(list + used, sizeof(list) - used, "...");
	else if (used >= 2)
		list[used - 2] = '\0';
	return fail(p, t, "unexpected %s in %s: expected %s%s'}'", tok_desc(t, d, sizeof(d)),
		    sec->name, list, sec->n_dirs ? " or " : "");
}

/* '{' directive* '}': each directive starts with its keyword. */
static int parse_block(struct parser *p, const struct section *sec, void *ctx)
{
	char where[64];
	int r;

	snprintf(where, sizeof(where), "after %s", sec->name);
	r = expect_char(p, '{', where);
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

/* --------------------------------------------------------------- General */

static struct ctf_conf_general *gen(struct parser *p)
{
	return &p->conf->general;
}

static int dir_hashsize(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &gen(p)->hash_size);
}

static int dir_hashlimit(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &gen(p)->hash_limit);
}

/* LogFile on|off|/path; @def is the file "on" means. */
static int logfile_value(struct parser *p, const struct token *key, const char *def, char **dst)
{
	struct token t = take(p);
	char *s, d[64];

	switch (t.kind) {
	case TOK_PATH:
		return path_value(p, &t, FILENAME_MAX_LEN, dst);
	case TOK_ON:
		s = strdup(def);
		if (!s)
			return -ENOMEM;
		free(*dst);
		*dst = s;
		return 0;
	case TOK_OFF:
		/* 1.4.7 ignored "off" after a path; off means off here */
		free(*dst);
		*dst = NULL;
		return 0;
	default:
		return fail(p, &t,
			    "unexpected %s after '%.*s': expected on, off or an absolute path",
			    tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	}
}

static int dir_logfile(struct parser *p, const struct token *key, void *ctx)
{
	return logfile_value(p, key, DEFAULT_LOGFILE, &gen(p)->log_file);
}

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* Syslog on|off|facility into *@dst; @other is the other section's facility. */
static int syslog_value(struct parser *p, const struct token *key, int *dst, int other)
{
	struct token t = take(p);
	char d[64];
	size_t i;

	if (t.kind == TOK_ON || t.kind == TOK_OFF) {
		*dst = t.kind == TOK_ON ? LOG_DAEMON : -1;
		return 0;
	}
	if (t.kind != TOK_STRING)
		return fail(p, &t,
			    "unexpected %s after '%.*s': expected on, off, daemon or local0-local7",
			    tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (tok_is(&t, facilities[i].name))
			break;
	if (i == sizeof(facilities) / sizeof(facilities[0])) {
		warn(p, t.line, "'%.*s' is not a known syslog facility, ignoring", (int)t.len,
		     t.text);
		return 0;
	}
	*dst = facilities[i].facility;
	if (other != -1 && other != *dst)
		warn(p, t.line, "conflicting Syslog facility values, the General one is used");
	return 0;
}

static int dir_syslog(struct parser *p, const struct token *key, void *ctx)
{
	return syslog_value(p, key, &gen(p)->syslog_facility, p->conf->stats.syslog_facility);
}

static int dir_lockfile(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = want(p, key, TOK_PATH, "an absolute path", &t);
	return r < 0 ? r : path_value(p, &t, FILENAME_MAX_LEN, &gen(p)->lock_file);
}

static int dir_unix_path(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = want(p, key, TOK_PATH, "an absolute path", &t);
	return r < 0 ? r : path_value(p, &t, UNIX_PATH_MAX_LEN, &gen(p)->unix_path);
}

static int dir_unix_backlog(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		warn(p, key->line, "UNIX Backlog is deprecated, ignoring");
	return r;
}

static const struct directive unix_dirs[] = {
	{ .kw = KW_PATH, .fn = dir_unix_path },
	{ .kw = KW_BACKLOG, .fn = dir_unix_backlog },
};
SECTION(unix_section, "UNIX", unix_dirs);

static int dir_unix(struct parser *p, const struct token *key, void *ctx)
{
	return parse_block(p, &unix_section, NULL);
}

static int dir_bufsize(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		gen(p)->netlink_buffer_size = v;
	return r;
}

static int dir_bufmax(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		gen(p)->netlink_buffer_max = v;
	return r;
}

static int dir_event_iter(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &gen(p)->event_iteration_limit);
}

static int dir_poll_secs(struct parser *p, const struct token *key, void *ctx)
{
	int r;

	r = want_number(p, key, INT_MAX, &gen(p)->poll_secs);
	if (r >= 0 && gen(p)->poll_secs == 0)
		return fail_at(p, key, key->line, "'PollSecs' must be greater than 0");
	return r;
}

static int dir_overrun(struct parser *p, const struct token *key, void *ctx)
{
	const struct token *t = peek(p);
	unsigned int v;
	int r;

	if (t->kind == TOK_ON || t->kind == TOK_OFF) {
		gen(p)->netlink_overrun_resync = t->kind == TOK_ON ? 30 : -1;
		take(p);
		return 0;
	}
	if (t->kind != TOK_NUMBER) {
		char d[64];

		return fail(p, t, "unexpected %s after '%.*s': expected on, off or seconds",
			    tok_desc(t, d, sizeof(d)), (int)key->len, key->text);
	}
	r = want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		gen(p)->netlink_overrun_resync = (int)v;
	return r;
}

static int dir_events_reliable(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &gen(p)->netlink_events_reliable);
}

static int dir_nice(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = want(p, key, TOK_SIGNED, "a signed number such as -1", &t);
	if (r >= 0)
		warn(p, key->line, "Nice is deprecated, ignoring: use nice(1) or renice(1)");
	return r;
}

static int dir_sched_type(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = want(p, key, TOK_STRING, "RR or FIFO", &t);
	if (r < 0)
		return r;
	if (t.len == 2 && !strncasecmp(t.text, "rr", 2))
		gen(p)->sched_policy = SCHED_RR;
	else if (t.len == 4 && !strncasecmp(t.text, "fifo", 4))
		gen(p)->sched_policy = SCHED_FIFO;
	else
		return fail(p, &t, "unknown scheduler '%.*s': expected RR or FIFO", (int)t.len,
			    t.text);
	return 0;
}

static int dir_sched_prio(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = want_number(p, key, 99, &v);
	if (r >= 0)
		gen(p)->sched_priority = (int)v;
	return r;
}

static const struct directive sched_dirs[] = {
	{ .kw = KW_TYPE, .fn = dir_sched_type },
	{ .kw = KW_PRIORITY, .fn = dir_sched_prio },
};
SECTION(sched_section, "Scheduler", sched_dirs);

static int dir_scheduler(struct parser *p, const struct token *key, void *ctx)
{
	return parse_block(p, &sched_section, NULL);
}

static int dir_systemd(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &gen(p)->systemd);
}

/* ---------------------------------------------------------------- Filter */

static int accept_or_ignore(struct parser *p, const struct token *key, bool *ret_accept)
{
	struct token t = take(p);
	char d[64];

	if (!tok_is_kw(&t, KW_ACCEPT) && !tok_is_kw(&t, KW_IGNORE))
		return fail(p, &t, "unexpected %s after '%.*s': expected Accept or Ignore",
			    tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	*ret_accept = tok_is_kw(&t, KW_ACCEPT);
	return expect_char(p, '{', t.kw == KW_ACCEPT ? "after Accept" : "after Ignore");
}

static void add_protocol(struct parser *p, const struct token *t, const char *name)
{
	char buf[1024];
	struct protoent pe, *res = NULL;

	/* 1.4.7 asked /etc/protocols too; _r keeps us free of libc's static result */
	if (getprotobyname_r(name, &pe, buf, sizeof(buf), &res) || !res) {
		warn(p, t->line, "protocol '%s' is not in /etc/protocols, ignoring", name);
		return;
	}
	p->conf->general.filter.protos[(uint8_t)res->p_proto] = 1;
}

static int dir_filter_protocol(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	char name[64], d[64];
	bool accept;
	int r;

	r = accept_or_ignore(p, key, &accept);
	if (r < 0)
		return r;
	for (;;) {
		struct token t = take(p);

		if (tok_is_char(&t, '}'))
			break;
		if (t.kind != TOK_STRING && !tok_is_kw(&t, KW_TCP) && !tok_is_kw(&t, KW_UDP))
			return fail(p, &t,
				    "unexpected %s in Protocol: expected a protocol name "
				    "such as TCP or '}'",
				    tok_desc(&t, d, sizeof(d)));
		if (tok_is_kw(&t, KW_TCP) || tok_is_kw(&t, KW_UDP))
			snprintf(name, sizeof(name), "%s", t.kw == KW_TCP ? "tcp" : "udp");
		else
			copy_token(name, sizeof(name), &t);
		add_protocol(p, &t, name);
	}
	f->has_proto = true;
	f->proto_accept = accept;
	return 0;
}

static bool net_equal(const struct ctf_conf_net *a, const struct ctf_conf_net *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static int add_net(struct parser *p, const struct token *t, const struct ctf_conf_net *net,
		   const char *text)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	unsigned int full = net->family == AF_INET ? 32 : 128;
	struct ctf_conf_net *nets;
	size_t i;

	for (i = 0; i < f->n_nets; i++) {
		if (net_equal(&f->nets[i], net)) {
			warn(p, t->line, "%s %s is repeated in the filter, ignoring",
			     net->prefix < full ? "network" : "address", text);
			return 0;
		}
	}
	nets = reallocarray(f->nets, f->n_nets + 1, sizeof(*nets));
	if (!nets)
		return -ENOMEM;
	f->nets = nets;
	f->nets[f->n_nets++] = *net;
	return 0;
}

/* IPv4_address|IPv6_address a[/n]; a bad one is a warning, as in 1.4.7. */
static int filter_address(struct parser *p, const struct token *key, const struct token *t)
{
	struct ctf_conf_net net = { .family = key->kw == KW_IPV4_ADDR ? AF_INET : AF_INET6 };
	unsigned int full = net.family == AF_INET ? 32 : 128;
	char text[64], *slash;
	unsigned long cidr = full;

	copy_token(text, sizeof(text), t);
	slash = strchr(text, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		cidr = strtoul(slash + 1, NULL, 10);
		if (cidr > full || errno) {
			warn(p, t->line, "%s/%s is not a valid network, ignoring", text, slash + 1);
			return 0;
		}
	}
	/* inet_aton as 1.4.7: it takes octal parts, 010.0.0.1 is 8.0.0.1 */
	if (net.family == AF_INET ? !inet_aton(text, &net.addr.in)
				  : inet_pton(AF_INET6, text, &net.addr.in6) != 1) {
		warn(p, t->line, "%s is not a valid IPv%c address, ignoring", text,
		     net.family == AF_INET ? '4' : '6');
		return 0;
	}
	net.prefix = (uint8_t)cidr;
	return add_net(p, t, &net, text);
}

static int dir_filter_address(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	char d[64];
	bool accept;
	int r;

	r = accept_or_ignore(p, key, &accept);
	for (; r >= 0;) {
		struct token k = take(p), t;

		if (tok_is_char(&k, '}'))
			break;
		if (!tok_is_kw(&k, KW_IPV4_ADDR) && !tok_is_kw(&k, KW_IPV6_ADDR))
			return fail(p, &k,
				    "unexpected %s in Address: expected IPv4_address, "
				    "IPv6_address or '}'",
				    tok_desc(&k, d, sizeof(d)));
		r = want(p, &k, TOK_IP4, "an address", &t);
		if (r >= 0)
			r = filter_address(p, &k, &t);
	}
	if (r >= 0) {
		f->has_addr = true;
		f->addr_accept = accept;
	}
	return r;
}

static int tcp_state(const struct token *t)
{
	static const struct {
		enum kw kw;
		int state;
	} states[] = {
		{ KW_SYN_SENT, TCP_CONNTRACK_SYN_SENT },
		{ KW_SYN_RECV, TCP_CONNTRACK_SYN_RECV },
		{ KW_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED },
		{ KW_FIN_WAIT, TCP_CONNTRACK_FIN_WAIT },
		{ KW_CLOSE_WAIT, TCP_CONNTRACK_CLOSE_WAIT },
		{ KW_LAST_ACK, TCP_CONNTRACK_LAST_ACK },
		{ KW_TIME_WAIT, TCP_CONNTRACK_TIME_WAIT },
		{ KW_CLOSE, TCP_CONNTRACK_CLOSE },
		{ KW_LISTEN, TCP_CONNTRACK_LISTEN },
	};
	size_t i;

	for (i = 0; t->kind == TOK_KW && i < sizeof(states) / sizeof(states[0]); i++)
		if (states[i].kw == t->kw)
			return states[i].state;
	return -1;
}

/* State Accept|Ignore { (STATE... for TCP)* } */
static int dir_filter_state(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	bool accept, pending = false;
	char d[64];
	int r;

	r = accept_or_ignore(p, key, &accept);
	for (; r >= 0;) {
		struct token t = take(p);

		if (!pending && tok_is_char(&t, '}'))
			break;
		if (tcp_state(&t) >= 0) {
			f->tcp_states |= (uint16_t)(1u << tcp_state(&t));
			pending = true;
		} else if (tok_is_kw(&t, KW_FOR)) {
			struct token proto = take(p);

			if (!tok_is_kw(&proto, KW_TCP))
				return fail(p, &proto,
					    "unexpected %s after 'for': expected TCP "
					    "(states are TCP only)",
					    tok_desc(&proto, d, sizeof(d)));
			pending = false;
		} else {
			return fail(p, &t,
				    "unexpected %s in State: expected a TCP state such as "
				    "ESTABLISHED, 'for TCP'%s",
				    tok_desc(&t, d, sizeof(d)), pending ? "" : " or '}'");
		}
	}
	if (r >= 0) {
		f->has_state = true;
		f->state_accept = accept;
	}
	return r;
}

static const struct directive filter_dirs[] = {
	{ .kw = KW_PROTOCOL, .fn = dir_filter_protocol },
	{ .kw = KW_ADDRESS, .fn = dir_filter_address },
	{ .kw = KW_STATE, .fn = dir_filter_state },
};
SECTION(filter_section, "Filter", filter_dirs);

static int dir_filter(struct parser *p, const struct token *key, void *ctx)
{
	bool kernel = false;
	char d[64];
	int r;

	if (tok_is_kw(peek(p), KW_FROM)) {
		struct token from = take(p), t = take(p);

		if (!tok_is_kw(&t, KW_USERSPACE) && !tok_is_kw(&t, KW_KERNELSPACE))
			return fail(p, &t,
				    "unexpected %s after '%.*s': expected Userspace or "
				    "Kernelspace",
				    tok_desc(&t, d, sizeof(d)), (int)from.len, from.text);
		kernel = t.kw == KW_KERNELSPACE;
	}
	r = parse_block(p, &filter_section, NULL);
	if (r >= 0)
		gen(p)->filter.kernelspace = kernel;
	return r;
}

static const struct directive general_dirs[] = {
	{ .kw = KW_HASHSIZE, .fn = dir_hashsize },
	{ .kw = KW_HASHLIMIT, .fn = dir_hashlimit },
	{ .kw = KW_LOGFILE, .fn = dir_logfile },
	{ .kw = KW_SYSLOG, .fn = dir_syslog },
	{ .kw = KW_LOCKFILE, .fn = dir_lockfile },
	{ .kw = KW_UNIX, .fn = dir_unix },
	{ .kw = KW_BUFSIZE, .fn = dir_bufsize },
	{ .kw = KW_BUFMAX, .fn = dir_bufmax },
	{ .kw = KW_EVENT_ITER, .fn = dir_event_iter },
	{ .kw = KW_POLL_SECS, .fn = dir_poll_secs },
	{ .kw = KW_FILTER, .fn = dir_filter },
	{ .kw = KW_OVERRUN_RESYNC, .fn = dir_overrun },
	{ .kw = KW_EVENTS_RELIABLE, .fn = dir_events_reliable },
	{ .kw = KW_NICE, .fn = dir_nice },
	{ .kw = KW_SCHEDULER, .fn = dir_scheduler },
	{ .kw = KW_SYSTEMD, .fn = dir_systemd },
};
SECTION(general_section, "General", general_dirs);

/* ------------------------------------------------------------------ Sync */

static struct ctf_conf_sync *syn(struct parser *p)
{
	return &p->conf->sync;
}

static int dir_refresh(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &syn(p)->refresh_time);
}

static int dir_cache_timeout(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &syn(p)->cache_timeout);
}

static int dir_commit_timeout(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &syn(p)->commit_timeout);
}

static int dir_purge(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &syn(p)->purge_timeout);
}

static int dir_resend_queue(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &syn(p)->resend_queue_size);
}

static int dir_window(struct parser *p, const struct token *key, void *ctx)
{
	return want_number(p, key, INT_MAX, &syn(p)->window_size);
}

static int dir_disable_internal(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &syn(p)->disable_internal_cache);
}

static int dir_disable_external(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &syn(p)->disable_external_cache);
}

static int dir_startup_resync(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &syn(p)->startup_resync);
}

static const struct directive alarm_dirs[] = {
	{ .kw = KW_REFRESH, .fn = dir_refresh },
	{ .kw = KW_CACHE_TIMEOUT, .fn = dir_cache_timeout },
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
};
SECTION(alarm_section, "Mode ALARM", alarm_dirs);

static const struct directive ftfw_dirs[] = {
	{ .kw = KW_RESEND_QUEUE, .fn = dir_resend_queue },
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
	{ .kw = KW_WINDOW, .fn = dir_window },
	{ .kw = KW_DISABLE_EXTERNAL, .fn = dir_disable_external },
	{ .kw = KW_STARTUP_RESYNC, .fn = dir_startup_resync },
};
SECTION(ftfw_section, "Mode FTFW", ftfw_dirs);

static const struct directive notrack_dirs[] = {
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
	{ .kw = KW_DISABLE_INTERNAL, .fn = dir_disable_internal },
	{ .kw = KW_DISABLE_EXTERNAL, .fn = dir_disable_external },
	{ .kw = KW_STARTUP_RESYNC, .fn = dir_startup_resync },
};
SECTION(notrack_section, "Mode NOTRACK", notrack_dirs);

/* Mode FTFW|ALARM|NOTRACK { }; the words are case-insensitive, NACK and PERSISTENT aliases. */
static int dir_mode(struct parser *p, const struct token *key, void *ctx)
{
	struct token t = take(p);
	const struct section *sec;
	char d[64];
	int r;

	if (t.kind == TOK_FTFW)
		sec = &ftfw_section;
	else if (t.kind == TOK_ALARM)
		sec = &alarm_section;
	else if (t.kind == TOK_NOTRACK)
		sec = &notrack_section;
	else
		return fail(p, &t, "unexpected %s after 'Mode': expected FTFW, ALARM or NOTRACK",
			    tok_desc(&t, d, sizeof(d)));
	r = parse_block(p, sec, NULL);
	if (r >= 0)
		p->mode_bits |= 1u << (sec == &ftfw_section    ? CTF_CONF_SYNC_FTFW
				       : sec == &alarm_section ? CTF_CONF_SYNC_ALARM
							       : CTF_CONF_SYNC_NOTRACK);
	return r;
}

static int dir_tcp_window_tracking(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &syn(p)->tcp_window_tracking);
}

static int add_expect_helper(struct ctf_conf_sync *s, const struct token *t)
{
	char **v, *name = tok_strdup(t);

	if (!name)
		return -ENOMEM;
	v = reallocarray(s->expect_helpers, s->n_expect_helpers + 1, sizeof(*v));
	if (!v) {
		free(name);
		return -ENOMEM;
	}
	s->expect_helpers = v;
	v[s->n_expect_helpers++] = name;
	return 0;
}

/* ExpectationSync on|off|{ helper... } */
static int dir_expect_sync(struct parser *p, const struct token *key, void *ctx)
{
	const struct token *t = peek(p);
	char d[64];
	int r = 0;

	if (t->kind == TOK_ON || t->kind == TOK_OFF)
		return want_bool(p, key, &syn(p)->expect_sync);
	if (!tok_is_char(t, '{'))
		return fail(p, t, "unexpected %s after 'ExpectationSync': expected on, off or '{'",
			    tok_desc(t, d, sizeof(d)));
	take(p);
	while (r >= 0) {
		struct token h = take(p);

		if (tok_is_char(&h, '}'))
			break;
		if (h.kind != TOK_STRING)
			return fail(p, &h,
				    "unexpected %s in ExpectationSync: expected a helper "
				    "name such as ftp or '}'",
				    tok_desc(&h, d, sizeof(d)));
		r = add_expect_helper(syn(p), &h);
	}
	syn(p)->expect_sync = true;
	return r;
}

static const struct directive options_dirs[] = {
	{ .kw = KW_TCP_WINDOW_TRACKING, .fn = dir_tcp_window_tracking },
	{ .kw = KW_EXPECT_SYNC, .fn = dir_expect_sync },
};
SECTION(options_section, "Options", options_dirs);

static int dir_options(struct parser *p, const struct token *key, void *ctx)
{
	return parse_block(p, &options_section, NULL);
}

/* --------------------------------------------------------------- channels */

static const char *const channel_names[] = { "Multicast", "UDP", "TCP" };

/* 1.4.7 checks the channel count on every option of the fifth channel. */
static int links_full(struct parser *p, const struct token *key)
{
	if (syn(p)->n_channels < CTF_CONF_MAX_CHANNELS)
		return 0;
	return fail(p, key, "too many dedicated links: at most %d Multicast, UDP or TCP sections",
		    CTF_CONF_MAX_CHANNELS);
}

static bool mcast_mixes(const struct ctf_conf_channel *ch, int family)
{
	return ch->type == CTF_CONF_CHANNEL_MCAST && ch->family && ch->family != family;
}

/*
 * An address option of a channel. A malformed address is a warning (1.4.7
 * went on without it); an IPv6 address in an IPv4 multicast link or the
 * reverse is an error, as 1.4.7 wrote one over the other and then failed.
 */
static int channel_addr(struct parser *p, const struct token *key, struct ctf_conf_channel *ch,
			int family, union ctf_addr *dst)
{
	union ctf_addr a = { 0 };
	struct token t;
	char text[64];
	int r;

	/* the link count is checked once the whole option is read, as 1.4.7's actions did */
	r = want(p, key, TOK_IP4, "an address", &t);
	if (r >= 0)
		r = links_full(p, key);
	if (r < 0)
		return r;
	copy_token(text, sizeof(text), &t);
	if (family == AF_INET ? !inet_aton(text, &a.in) : inet_pton(AF_INET6, text, &a.in6) != 1) {
		warn(p, t.line, "%s is not a valid IPv%c address, ignoring", text,
		     family == AF_INET ? '4' : '6');
		return 0;
	}
	if (mcast_mixes(ch, family))
		return fail(p, &t, "'%.*s' %s: this Multicast link is already IPv%c", (int)key->len,
			    key->text, text, family == AF_INET ? '6' : '4');
	*dst = a;
	ch->family = (uint8_t)family;
	return 0;
}

static int dir_ch_ipv4(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET, &ch->addr);
}

static int dir_ch_ipv6(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET6, &ch->addr);
}

static int dir_ch_ipv4_iface(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET, &ch->ifaddr);
}

static int dir_ch_ipv4_dest(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET, &ch->dest);
}

static int dir_ch_ipv6_dest(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET6, &ch->dest);
}

static int dir_ch_ipv6_iface(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = want(p, key, TOK_IP4, "an address", &t);
	if (r >= 0)
		warn(p, key->line, "IPv6_interface is not needed, ignoring");
	return r;
}

static int dir_ch_iface(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	struct token t;
	int r;

	r = want(p, key, TOK_STRING, "an interface name", &t);
	if (r >= 0)
		r = links_full(p, key);
	if (r < 0)
		return r;
	/* 1.4.7 truncated to IFNAMSIZ without a terminator: such a name never worked */
	if (t.len >= IFNAMSIZ)
		return fail(p, &t, "interface name '%.*s' is too long (at most %d bytes)",
			    (int)t.len, t.text, IFNAMSIZ - 1);
	return set_string(&ch->ifname, &t);
}

/* Group (Multicast) and Port (UDP, TCP): 1.4.7 truncated values over 65535. */
static int dir_ch_port(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	unsigned int v;
	int r;

	r = want_number(p, key, 65535, &v);
	if (r >= 0)
		r = links_full(p, key);
	if (r >= 0)
		ch->port = (uint16_t)v;
	return r;
}

static int dir_ch_sndbuf(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	int r = want_number(p, key, INT_MAX, &ch->sndbuf);

	return r < 0 ? r : links_full(p, key);
}

static int dir_ch_rcvbuf(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	int r = want_number(p, key, INT_MAX, &ch->rcvbuf);

	return r < 0 ? r : links_full(p, key);
}

static int dir_ch_checksum(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	int r = want_bool(p, key, &ch->checksum);

	return r < 0 ? r : links_full(p, key);
}

static int dir_ch_error_queue(struct parser *p, const struct token *key, void *ctx)
{
	int r = want_number(p, key, INT_MAX, &syn(p)->error_queue_length);

	return r < 0 ? r : links_full(p, key);
}

static const struct directive mcast_dirs[] = {
	{ .kw = KW_IPV4_ADDR, .fn = dir_ch_ipv4 },
	{ .kw = KW_IPV6_ADDR, .fn = dir_ch_ipv6 },
	{ .kw = KW_IPV4_IFACE, .fn = dir_ch_ipv4_iface },
	{ .kw = KW_IPV6_IFACE, .fn = dir_ch_ipv6_iface },
	{ .kw = KW_IFACE, .fn = dir_ch_iface },
	{ .kw = KW_GROUP, .fn = dir_ch_port },
	{ .kw = KW_SNDBUF, .fn = dir_ch_sndbuf },
	{ .kw = KW_RCVBUF, .fn = dir_ch_rcvbuf },
	{ .kw = KW_CHECKSUM, .fn = dir_ch_checksum },
};
SECTION(mcast_section, "Multicast", mcast_dirs);

#define UDP_DIRS                                                                              \
	{ .kw = KW_IPV4_ADDR, .fn = dir_ch_ipv4 }, { .kw = KW_IPV6_ADDR, .fn = dir_ch_ipv6 }, \
		{ .kw = KW_IPV4_DEST, .fn = dir_ch_ipv4_dest },                               \
		{ .kw = KW_IPV6_DEST, .fn = dir_ch_ipv6_dest },                               \
		{ .kw = KW_IFACE, .fn = dir_ch_iface }, { .kw = KW_PORT, .fn = dir_ch_port }, \
		{ .kw = KW_SNDBUF, .fn = dir_ch_sndbuf },                                     \
		{ .kw = KW_RCVBUF, .fn = dir_ch_rcvbuf },                                     \
	{                                                                                     \
		.kw = KW_CHECKSUM, .fn = dir_ch_checksum                                      \
	}

static const struct directive udp_dirs[] = { UDP_DIRS };
SECTION(udp_section, "UDP", udp_dirs);

static const struct directive tcp_dirs[] = {
	UDP_DIRS,
	{ .kw = KW_ERROR_QUEUE, .fn = dir_ch_error_queue },
};
SECTION(tcp_section, "TCP", tcp_dirs);

static int add_channel(struct parser *p, struct ctf_conf_channel *ch, const struct token *key)
{
	struct ctf_conf_sync *s = syn(p);

	if (p->channel_type_set && p->channel_type != ch->type)
		return fail(p, key,
			    "cannot use '%s' with other dedicated link protocols: "
			    "all links must be %s",
			    channel_names[ch->type], channel_names[p->channel_type]);
	/* 1.4.7 wrote an empty fifth link past the end of its table */
	if (s->n_channels >= CTF_CONF_MAX_CHANNELS)
		return links_full(p, key);
	p->channel_type_set = true;
	p->channel_type = ch->type;
	if (ch->is_default)
		s->default_channel = s->n_channels;
	s->channels[s->n_channels++] = *ch;
	return 0;
}

static int dir_channel(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel ch = { .line = key->line, .checksum = true };
	const struct section *sec;
	int r;

	ch.type = key->kw == KW_MULTICAST ? CTF_CONF_CHANNEL_MCAST
		  : key->kw == KW_UDP	  ? CTF_CONF_CHANNEL_UDP
					  : CTF_CONF_CHANNEL_TCP;
	sec = ch.type == CTF_CONF_CHANNEL_MCAST ? &mcast_section
	      : ch.type == CTF_CONF_CHANNEL_UDP ? &udp_section
						: &tcp_section;
	if (tok_is_kw(peek(p), KW_DEFAULT)) {
		take(p);
		ch.is_default = true;
	}
	r = parse_block(p, sec, &ch);
	if (r >= 0)
		r = add_channel(p, &ch, key);
	if (r < 0)
		free(ch.ifname);
	return r;
}

static const struct directive sync_dirs[] = {
	{ .kw = KW_REFRESH, .fn = dir_refresh },
	{ .kw = KW_CACHE_TIMEOUT, .fn = dir_cache_timeout },
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
	{ .kw = KW_MULTICAST, .fn = dir_channel },
	{ .kw = KW_UDP, .fn = dir_channel },
	{ .kw = KW_TCP, .fn = dir_channel },
	{ .kw = KW_MODE, .fn = dir_mode },
	{ .kw = KW_OPTIONS, .fn = dir_options },
};
SECTION(sync_section, "Sync", sync_dirs);

/* ----------------------------------------------------------------- Stats */

static int dir_stats_logfile(struct parser *p, const struct token *key, void *ctx)
{
	return logfile_value(p, key, DEFAULT_STATS_LOGFILE, &p->conf->stats.log_file);
}

static int dir_stats_syslog(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf *c = p->conf;

	return syslog_value(p, key, &c->stats.syslog_facility, c->general.syslog_facility);
}

static const struct directive stats_dirs[] = {
	{ .kw = KW_LOGFILE, .fn = dir_stats_logfile },
	{ .kw = KW_SYSLOG, .fn = dir_stats_syslog },
};
SECTION(stats_section, "Stats", stats_dirs);

/* ---------------------------------------------------------------- Helper */

/* 1.4.7's built-in user-space helpers; each has one policy named after it. */
static const struct {
	const char *name;
	uint8_t l4proto;
} known_helpers[] = {
	{ "amanda", IPPROTO_UDP }, { "dhcpv6", IPPROTO_UDP }, { "ftp", IPPROTO_TCP },
	{ "mdns", IPPROTO_UDP },   { "rpc", IPPROTO_TCP },    { "rpc", IPPROTO_UDP },
	{ "sane", IPPROTO_TCP },   { "slp", IPPROTO_UDP },    { "ssdp", IPPROTO_TCP },
	{ "ssdp", IPPROTO_UDP },   { "tftp", IPPROTO_UDP },   { "tns", IPPROTO_TCP },
};

static int hpush(struct parser *p, const struct hsym *sym)
{
	struct hsym *v = reallocarray(p->hstack, p->n_hstack + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->hstack = v;
	v[p->n_hstack++] = *sym;
	return 0;
}

/* Pop the most recent symbol of @type (-1: any), as 1.4.7's stack_item_pop(). */
static bool hpop(struct parser *p, int type, struct hsym *ret)
{
	size_t i;

	for (i = p->n_hstack; i-- > 0;) {
		if (type != -1 && p->hstack[i].type != (enum hsym_type)type)
			continue;
		*ret = p->hstack[i];
		memmove(&p->hstack[i], &p->hstack[i + 1], (p->n_hstack - i - 1) * sizeof(*ret));
		p->n_hstack--;
		return true;
	}
	return false;
}

static int dir_h_queue(struct parser *p, const struct token *key, void *ctx)
{
	struct hsym sym = { .type = key->kw == KW_QUEUE_NUM ? HSYM_QUEUE_NUM : HSYM_QUEUE_LEN };
	int r;

	r = want_number(p, key, INT_MAX, &sym.value);
	return r < 0 ? r : hpush(p, &sym);
}

static int dir_h_expect(struct parser *p, const struct token *key, void *ctx)
{
	struct hsym sym = { .type = HSYM_LEAF };
	unsigned int v;
	int r;

	r = want_number(p, key, INT_MAX, &v);
	if (r < 0)
		return r;
	(void)hpop(p, HSYM_LEAF, &sym);
	if (key->kw == KW_EXPECT_MAX)
		sym.policy.expect_max = v;
	else
		sym.policy.expect_timeout = v;
	return hpush(p, &sym);
}

static const struct directive policy_dirs[] = {
	{ .kw = KW_EXPECT_MAX, .fn = dir_h_expect },
	{ .kw = KW_EXPECT_TIMEOUT, .fn = dir_h_expect },
};
SECTION(policy_section, "Policy", policy_dirs);

static int dir_h_policy(struct parser *p, const struct token *key, void *ctx)
{
	struct token name;
	struct hsym sym;
	int r;

	r = want(p, key, TOK_STRING, "a policy name", &name);
	if (r >= 0)
		r = parse_block(p, &policy_section, NULL);
	if (r < 0)
		return r;
	if (!hpop(p, HSYM_LEAF, &sym))
		return fail(p, &name, "Policy '%.*s' is empty: set ExpectMax and ExpectTimeout",
			    (int)name.len, name.text);
	if (name.len > HELPER_POLICY_NAME)
		return fail(p, &name, "Policy name '%.*s' is longer than %d characters",
			    (int)name.len, name.text, HELPER_POLICY_NAME);
	/* 1.4.7 kept 15 characters of a 16-character name */
	snprintf(sym.policy.name, HELPER_POLICY_NAME, "%.*s", (int)name.len, name.text);
	sym.type = HSYM_POLICY;
	return hpush(p, &sym);
}

static int dir_h_type(struct parser *p, const struct token *key, void *ctx);

static const struct directive type_dirs[] = {
	{ .kw = KW_TYPE, .fn = dir_h_type },
	{ .kw = KW_QUEUE_NUM, .fn = dir_h_queue },
	{ .kw = KW_QUEUE_LEN, .fn = dir_h_queue },
	{ .kw = KW_POLICY, .fn = dir_h_policy },
};
SECTION(type_section, "Type", type_dirs);

static int helper_add_policy(struct parser *p, struct ctf_conf_helper_type *h,
			     const struct hsym *sym, const struct token *at)
{
	struct ctf_conf_helper_policy *v;

	if (strcmp(sym->policy.name, h->name))
		return fail(p, at, "unknown policy '%s' for helper '%s': its policy is '%s'",
			    sym->policy.name, h->name, h->name);
	/* one policy per helper: a later block replaces it whole, as in 1.4.7 */
	if (h->n_policies) {
		h->policies[0] = sym->policy;
		return 0;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = sym->policy;
	h->policies = v;
	h->n_policies = 1;
	return 0;
}

/* Drain the symbol stack into @h, most recent first, as 1.4.7's Type rule did. */
static int helper_drain(struct parser *p, struct ctf_conf_helper_type *h, const struct token *at)
{
	struct hsym sym;
	int r = 0;

	while (r >= 0 && hpop(p, -1, &sym)) {
		if (sym.type == HSYM_QUEUE_NUM)
			h->queue_num = sym.value;
		else if (sym.type == HSYM_QUEUE_LEN)
			h->queue_len = sym.value;
		else if (sym.type == HSYM_POLICY)
			r = helper_add_policy(p, h, &sym, at);
		else
			r = fail(p, at, "ExpectMax or ExpectTimeout outside a Policy");
	}
	return r;
}

static int helper_lookup(struct parser *p, struct ctf_conf_helper_type *h, const struct token *tk)
{
	size_t i;

	for (i = 0; i < sizeof(known_helpers) / sizeof(known_helpers[0]); i++)
		if (!strcmp(known_helpers[i].name, h->name) &&
		    known_helpers[i].l4proto == h->l4proto)
			return 0;
	return fail(p, &tk[0],
		    "unknown helper '%s' for %s: 1.4.7 has amanda, dhcpv6, mdns, "
		    "slp, tftp (udp), ftp, sane, tns (tcp), rpc, ssdp (both)",
		    h->name, h->l4proto == IPPROTO_TCP ? "tcp" : "udp");
}

static void helper_type_done(struct ctf_conf_helper_type *h)
{
	free(h->name);
	free(h->policies);
}

/* Check the three words of Type NAME inet|inet6 tcp|udp once its block is read. */
static int helper_type_check(struct parser *p, struct ctf_conf_helper_type *h,
			     const struct token *tk)
{
	if (tok_is(&tk[1], "inet") || tok_is(&tk[1], "inet6"))
		h->l3proto = tk[1].len == 4 ? AF_INET : AF_INET6;
	else
		return fail(p, &tk[1], "unknown layer 3 protocol '%.*s': expected inet or inet6",
			    (int)tk[1].len, tk[1].text);
	if (tok_is(&tk[2], "tcp") || tok_is(&tk[2], "udp"))
		h->l4proto = tk[2].text[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	else
		return fail(p, &tk[2], "unknown layer 4 protocol '%.*s': expected tcp or udp",
			    (int)tk[2].len, tk[2].text);
	h->name = tok_strdup(&tk[0]);
	if (!h->name)
		return -ENOMEM;
	return helper_lookup(p, h, tk);
}

static int dir_h_type(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_helper *hc = &p->conf->helper;
	struct ctf_conf_helper_type h = { 0 }, *v;
	struct token tk[3];
	int i, r = 0;

	for (i = 0; i < 3 && r >= 0; i++)
		r = want(p, i ? &tk[i - 1] : key, TOK_STRING,
			 i == 0	  ? "a helper name such as ftp"
			 : i == 1 ? "inet or inet6"
				  : "tcp or udp",
			 &tk[i]);
	if (r >= 0)
		r = parse_block(p, &type_section, NULL);
	if (r >= 0)
		r = helper_type_check(p, &h, tk);
	if (r >= 0)
		r = helper_drain(p, &h, &tk[0]);
	if (r >= 0) {
		v = reallocarray(hc->types, hc->n_types + 1, sizeof(*v));
		r = v ? 0 : -ENOMEM;
		if (v) {
			hc->types = v;
			v[hc->n_types++] = h;
			return 0;
		}
	}
	helper_type_done(&h);
	return r;
}

static int dir_h_setup(struct parser *p, const struct token *key, void *ctx)
{
	return want_bool(p, key, &p->conf->helper.setup);
}

static const struct directive helper_dirs[] = {
	{ .kw = KW_SETUP, .fn = dir_h_setup },	   { .kw = KW_TYPE, .fn = dir_h_type },
	{ .kw = KW_QUEUE_NUM, .fn = dir_h_queue }, { .kw = KW_QUEUE_LEN, .fn = dir_h_queue },
	{ .kw = KW_POLICY, .fn = dir_h_policy },
};
SECTION(helper_section, "Helper", helper_dirs);

/* ------------------------------------------------- ctflow's own sections */

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
			return fail_at(p, NULL, p->line, "unterminated quoted value after '%.*s'",
				       (int)key->len, key->text);
		ret->text = p->buf + start + 1;
		ret->len = end - start - 1;
		p->pos = end + 1;
		return 0;
	}
	for (end = start; end < p->len && !strchr(" \t\r\n{}#", p->buf[end]) && p->buf[end];)
		end++;
	if (end == start)
		return fail_at(p, NULL, p->line, "expected a value after '%.*s'", (int)key->len,
			       key->text);
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
		return fail(p, w, "invalid '%.*s' value '%.*s': expected %s%" PRIu64 "-%" PRIu64,
			    (int)key->len, key->text, (int)w->len, w->text,
			    suffix ? "a size with an optional K, M or G suffix, " : "a number ",
			    min, max);
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
		     : fail(p, &w, "invalid '%.*s' value '%.*s': expected on, off, yes or no",
			    (int)key->len, key->text, (int)w.len, w.text);
}

static struct ctf_conf_collector *col(struct parser *p)
{
	return &p->conf->collector;
}

static int dir_c_readers(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v;
	int r = auto_number(p, key, 1024, &v);

	if (r >= 0)
		col(p)->readers = (unsigned int)v;
	return r;
}

static int dir_c_table(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v;
	int r = auto_number(p, key, 1u << 30, &v);

	if (r >= 0)
		col(p)->table_size = (size_t)v;
	return r;
}

static int dir_c_active(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v;
	int r = plain_number(p, key, 0, INT_MAX, &v);

	if (r >= 0)
		col(p)->active_timeout = (unsigned int)v;
	return r;
}

static int dir_c_poll(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v;
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
	uint64_t v;
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
		r = fail(p, &w, "invalid '%.*s' value: expected 1-%zu characters", (int)key->len,
			 key->text, max);
	return r < 0 ? r : set_string(dst, &w);
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
		return fail_at(p, NULL, key->line, "File Path '%s' must be absolute",
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
	uint64_t v;
	int r = plain_number(p, key, 0, INT_MAX, &v);

	if (r >= 0)
		exp_(p)->rotate_secs = (unsigned int)v;
	return r;
}

static int dir_f_keep(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v;
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
	return fail(p, &w, "invalid 'Writer' value '%.*s': expected uring or write", (int)w.len,
		    w.text);
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
	copy_token(text, sizeof(text), &w);
	if (w.len >= sizeof(text) ||
	    (inet_pton(AF_INET, text, &a4) != 1 && inet_pton(AF_INET6, text, &a6) != 1))
		return fail(p, &w,
			    "invalid 'Address' value '%.*s': expected an IPv4 or IPv6 "
			    "address",
			    (int)w.len, w.text);
	return set_string(&exp_(p)->prom_address, &w);
}

static int dir_p_port(struct parser *p, const struct token *key, void *ctx)
{
	uint64_t v;
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
	return parse_block(p, &file_section, NULL);
}

static int dir_e_prom(struct parser *p, const struct token *key, void *ctx)
{
	exp_(p)->prom_enabled = true;
	exp_(p)->prom_given = true;
	return parse_block(p, &prom_section, NULL);
}

static const struct directive exporters_dirs[] = {
	{ .word = "File", .fn = dir_e_file },
	{ .word = "Prometheus", .fn = dir_e_prom },
};
SECTION(exporters_section, "Exporters", exporters_dirs);

/* ------------------------------------------------------------- top level */

/* 1.4.7 refused Stats with Sync when the second section closed; Collector joins Stats' rule. */
static int check_modes(struct parser *p, const struct token *key)
{
	if (p->seen_stats && p->seen_sync)
		return fail(p, key, "cannot use both 'Stats' and 'Sync' sections");
	if (p->seen_stats && p->seen_collector)
		return fail(p, key,
			    "cannot use both 'Stats' and 'Collector' sections: the "
			    "collector replaces Stats");
	return 0;
}

static int parse_section(struct parser *p, const struct token *key)
{
	int r;

	if (tok_is_kw(key, KW_GENERAL))
		return parse_block(p, &general_section, NULL);
	if (tok_is_kw(key, KW_SYNC)) {
		if (!p->seen_sync)
			p->sync_line = key->line;
		r = parse_block(p, &sync_section, NULL);
		p->seen_sync = true;
	} else if (tok_is_kw(key, KW_STATS)) {
		r = parse_block(p, &stats_section, NULL);
		p->seen_stats = true;
	} else if (tok_is_kw(key, KW_HELPER)) {
		p->conf->has_helper = true;
		return parse_block(p, &helper_section, NULL);
	} else if (tok_is(key, "Collector")) {
		r = parse_block(p, &collector_section, NULL);
		p->seen_collector = true;
	} else {
		/* Exporters: listing them selects them; the defaults had both */
		if (!p->seen_exporters) {
			p->conf->exporters.file_enabled = false;
			p->conf->exporters.prom_enabled = false;
		}
		p->seen_exporters = true;
		return parse_block(p, &exporters_section, NULL);
	}
	return r < 0 ? r : check_modes(p, key);
}

static int parse_top(struct parser *p)
{
	char d[64];
	int r;

	for (;;) {
		struct token key = take(p);

		if (key.kind == TOK_EOF)
			return 0;
		if (!tok_is_kw(&key, KW_GENERAL) && !tok_is_kw(&key, KW_SYNC) &&
		    !tok_is_kw(&key, KW_STATS) && !tok_is_kw(&key, KW_HELPER) &&
		    !tok_is(&key, "Collector") && !tok_is(&key, "Exporters"))
			return fail(p, &key,
				    "unexpected %s at top level: expected General, Sync, "
				    "Stats, Helper, Collector or Exporters",
				    tok_desc(&key, d, sizeof(d)));
		r = parse_section(p, &key);
		if (r < 0)
			return r;
	}
}

/* ------------------------------------------------- defaults, final checks */

static int set_default(char **dst, const char *value)
{
	if (*dst || !value)
		return 0;
	*dst = strdup(value);
	return *dst ? 0 : -ENOMEM;
}

static void defaults_init(struct ctf_conf *c)
{
	c->general.syslog_facility = -1;
	c->general.systemd = true;
	c->general.sched_policy = SCHED_RR;
	c->general.sched_priority = -1;
	c->stats.syslog_facility = -1;
	c->collector.active_timeout = 60;
	c->collector.poll_interval = 10;
	c->collector.ring_size = 65536;
	c->exporters.file_enabled = true;
	c->exporters.rotate_bytes = 256ull << 20;
	c->exporters.rotate_secs = 3600;
	c->exporters.keep = 48;
	c->exporters.prom_enabled = true;
	c->exporters.prom_port = CTF_PROM_DEFAULT_PORT;
}

static void zero_default(unsigned int *v, unsigned int def)
{
	if (*v == 0)
		*v = def;
}

/* 1.4.7 took 0 as "not set" for these and filled them in after parsing. */
static int defaults_finish(struct ctf_conf *c)
{
	struct ctf_conf_general *g = &c->general;
	struct ctf_conf_sync *s = &c->sync;
	int r;

	zero_default(&g->hash_size, 65536);
	zero_default(&g->hash_limit, 262144);
	zero_default(&g->event_iteration_limit, 100);
	if (g->netlink_overrun_resync == 0)
		g->netlink_overrun_resync = 30;
	zero_default(&s->refresh_time, 60);
	zero_default(&s->cache_timeout, 180);
	zero_default(&s->purge_timeout, 60);
	zero_default(&s->resend_queue_size, 131072);
	zero_default(&s->window_size, 300);
	zero_default(&s->error_queue_length, 128);
	r = set_default(&g->lock_file, DEFAULT_LOCKFILE);
	if (r >= 0)
		r = set_default(&c->exporters.file_path, "/var/lib/ctflow/flows.pb");
	if (r >= 0)
		r = set_default(&c->exporters.prom_address, "127.0.0.1");
	return r;
}

/*
 * What 1.4.7 refused only when it opened its links ("can't open channel
 * socket"), decided by the file alone: no link, a link without Interface, a
 * link without an address family, a multicast link without its group.
 */
static int check_channel(struct parser *p, const struct ctf_conf_channel *ch)
{
	const char *name = channel_names[ch->type];
	static const union ctf_addr zero;

	if (!ch->ifname)
		return fail_at(p, NULL, ch->line, "the %s link needs an Interface", name);
	if (!ch->family)
		return fail_at(p, NULL, ch->line, "the %s link needs an address: %s", name,
			       ch->type == CTF_CONF_CHANNEL_MCAST
				       ? "IPv4_address or IPv6_address (the group)"
				       : "IPv4_address, IPv6_address or a Destination_Address");
	if (ch->type != CTF_CONF_CHANNEL_MCAST)
		return 0;
	if (!memcmp(&ch->addr, &zero, sizeof(zero)))
		return fail_at(p, NULL, ch->line,
			       "the Multicast link needs its group: IPv4_address or IPv6_address");
	/* the kernel refuses to join anything else (EINVAL at start-up in 1.4.7) */
	if (ch->family == AF_INET ? !IN_MULTICAST(ntohl(ch->addr.ip))
				  : !IN6_IS_ADDR_MULTICAST(&ch->addr.in6))
		return fail_at(p, NULL, ch->line,
			       "the Multicast link's group is not a multicast "
			       "address (224.0.0.0/4 or ff00::/8)");
	return 0;
}

static int sync_finish(struct parser *p)
{
	struct ctf_conf_sync *s = &p->conf->sync;
	size_t i;
	int r;

	if (!(p->mode_bits & (1u << CTF_CONF_SYNC_FTFW)) && p->mode_bits)
		s->mode = p->mode_bits & (1u << CTF_CONF_SYNC_ALARM) ? CTF_CONF_SYNC_ALARM
								     : CTF_CONF_SYNC_NOTRACK;
	s->mode_given = p->mode_bits != 0;
	if (!s->mode_given)
		warn(p, p->sync_line, "no synchronization Mode given, using FTFW");
	if (s->commit_timeout && s->disable_external_cache) {
		warn(p, p->sync_line,
		     "CommitTimeout cannot be combined with "
		     "DisableExternalCache, ignoring CommitTimeout");
		s->commit_timeout = 0;
	}
	if (!s->n_channels)
		return fail_at(p, NULL, p->sync_line,
			       "Sync needs a dedicated link: a Multicast, "
			       "UDP or TCP section");
	for (i = 0; i < s->n_channels; i++) {
		r = check_channel(p, &s->channels[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int finish(struct parser *p)
{
	struct ctf_conf *c = p->conf;
	int r;

	c->mode = p->seen_sync	      ? CTF_CONF_MODE_SYNC
		  : p->seen_stats     ? CTF_CONF_MODE_STATS
		  : p->seen_collector ? CTF_CONF_MODE_COLLECTOR
				      : CTF_CONF_MODE_NONE;
	c->collect = p->seen_collector || c->mode == CTF_CONF_MODE_NONE;
	if (p->seen_sync) {
		r = sync_finish(p);
		if (r < 0)
			return r;
	}
	return defaults_finish(c);
}

/* ------------------------------------------------------------ public API */

static void channel_free(struct ctf_conf_channel *ch)
{
	free(ch->ifname);
}

void ctf_conf_free(struct ctf_conf *conf)
{
	size_t i;

	if (!conf)
		return;
	free(conf->path);
	free(conf->general.log_file);
	free(conf->general.lock_file);
	free(conf->general.unix_path);
	free(conf->general.filter.nets);
	free(conf->collector.hostname);
	free(conf->collector.netns);
	free(conf->exporters.file_path);
	free(conf->exporters.prom_address);
	for (i = 0; i < conf->sync.n_expect_helpers; i++)
		free(conf->sync.expect_helpers[i]);
	free(conf->sync.expect_helpers);
	for (i = 0; i < conf->sync.n_channels; i++)
		channel_free(&conf->sync.channels[i]);
	free(conf->stats.log_file);
	for (i = 0; i < conf->helper.n_types; i++)
		helper_type_done(&conf->helper.types[i]);
	free(conf->helper.types);
	free(conf->warnings);
	free(conf);
}

int ctf_conf_parse(struct ctf_conf **ret_conf, const char *name, const char *text, size_t len,
		   struct ctf_conf_error *ret_err)
{
	struct parser p = { .buf = text, .len = text ? len : 0, .line = 1, .err = ret_err };
	int r;

	p.name = name ? name : "<defaults>";
	if (ret_err)
		memset(ret_err, 0, sizeof(*ret_err));
	p.conf = calloc(1, sizeof(*p.conf));
	if (!p.conf)
		return -ENOMEM;
	defaults_init(p.conf);
	r = name ? ((p.conf->path = strdup(name)) ? 0 : -ENOMEM) : 0;
	if (r >= 0)
		r = parse_top(&p);
	if (r >= 0)
		r = finish(&p);
	free(p.hstack);
	if (r < 0) {
		ctf_conf_free(p.conf);
		return r;
	}
	*ret_conf = p.conf;
	return 0;
}

static int read_all(int fd, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > CONF_MAX_BYTES) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int ctf_conf_load(struct ctf_conf **ret_conf, const char *path, struct ctf_conf_error *ret_err)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	if (!path)
		return ctf_conf_parse(ret_conf, NULL, NULL, 0, ret_err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out_err;
	}
	r = read_all(fd, &buf, &len);
	close(fd);
	if (r < 0)
		goto out_err;
	r = ctf_conf_parse(ret_conf, path, buf ? buf : "", len, ret_err);
	free(buf);
	return r;
out_err:
	if (ret_err) {
		memset(ret_err, 0, sizeof(*ret_err));
		snprintf(ret_err->file, sizeof(ret_err->file), "%s", path);
		snprintf(ret_err->message, sizeof(ret_err->message), "cannot read: %s",
			 strerror(-r));
	}
	return r;
}

int ctf_conf_strerror(const struct ctf_conf_error *err, char *buf, size_t len)
{
	if (err->line)
		return snprintf(buf, len, "%s:%u: %s", err->file, err->line, err->message);
	return snprintf(buf, len, "%s: %s", err->file, err->message);
}
