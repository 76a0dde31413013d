/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the core: snprintf-style appending into a caller's buffer, and JSON strings. */
#ifndef CTFLOW_CORE_STRBUF_H
#define CTFLOW_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Appends to buf[0..len) and counts what would have been written, so the
 * formatters can return the full length as snprintf does. buf stays
 * NUL-terminated whenever len > 0.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t off; /* bytes of output so far, including any that did not fit */
};

static inline void sb_init(struct strbuf *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->off = 0;
	if (len > 0)
		buf[0] = '\0';
}

static inline __attribute__((format(printf, 2, 3))) void sb_printf(struct strbuf *sb,
								   const char *fmt, ...)
{
	size_t room = sb->off < sb->len ? sb->len - sb->off : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->off : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->off += (size_t)n;
}

static inline void sb_putc(struct strbuf *sb, char c)
{
	if (sb->off + 1 < sb->len) {
		sb->buf[sb->off] = c;
		sb->buf[sb->off + 1] = '\0';
	}
	sb->off++;
}

/* Length of the valid UTF-8 sequence at @s, or 0 when it is not one. */
static inline size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Append @s as a quoted JSON string. Names come from the kernel and may hold
 * any byte: control characters are escaped and bytes that are not UTF-8
 * become U+FFFD, so the output always parses.
 */
static inline void sb_json_str(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	sb_putc(sb, '"');
	while (*p) {
		if (*p == '"' || *p == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_printf(sb, "\\u%04x", *p++);
		} else if ((n = utf8_len(p)) == 0) {
			sb_printf(sb, "\\ufffd");
			p++;
		} else {
			while (n--)
				sb_putc(sb, (char)*p++);
		}
	}
	sb_putc(sb, '"');
}

#endif /* CTFLOW_CORE_STRBUF_H */
