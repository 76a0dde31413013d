// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf tokens: a hand-written lexer that splits the input as
 * conntrackd 1.4.7's flex rules did (longest match, then the earliest rule),
 * keywords and their aliases included.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "conf_parse.h"

/*
 * The spellings of enum kw. ctflow's own words are matched by a directive's
 * .word instead: a new keyword here would turn a helper, interface or
 * protocol name spelled the same into a keyword token, and 1.4.7 files that
 * use such a name would stop parsing.
 */
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

const char *conf_kw_text(enum kw kw)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].kw == kw)
			return keywords[i].text;
	return "?";
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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

void conf_lex(struct parser *p, struct token *t)
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
		conf_warn(p, t->line, "'persistent' mode is now called 'alarm'");
		t->kind = TOK_ALARM;
	} else if (t->kind == TOK_NACK) {
		conf_warn(p, t->line, "'nack' mode is now called 'ftfw'");
		t->kind = TOK_FTFW;
	}
}
