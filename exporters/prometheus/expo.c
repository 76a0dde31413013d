// SPDX-License-Identifier: GPL-2.0-or-later
/* The Prometheus text exposition format (0.0.4): escaping, numbers, the growing page buffer. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prometheus.h"

#define EXACT_INT_LIMIT 9007199254740992.0 /* 2^53: every integer up to here is a double */

static int reserve(struct ctf_prom_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->error)
		return b->error;
	if (b->len + more < b->cap)
		return 0;
	while (cap <= b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->error = -ENOMEM;
		return b->error;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

static __attribute__((format(printf, 2, 0))) void vput(struct ctf_prom_buf *b, const char *fmt,
							  va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->error = b->error ? b->error : -EINVAL;
		return;
	}
	if (reserve(b, (size_t)n + 1) < 0)
		return;
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void ctf_prom_printf(struct ctf_prom_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput(b, fmt, ap);
	va_end(ap);
}

static void put_char(struct ctf_prom_buf *b, char c)
{
	if (reserve(b, 2) < 0)
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

static void put_str(struct ctf_prom_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (reserve(b, n + 1) < 0)
		return;
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

/* HELP text escapes backslash and newline; label values also the double quote. */
static void put_escaped(struct ctf_prom_buf *b, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			put_str(b, "\\\\");
		else if (*s == '\n')
			put_str(b, "\\n");
		else if (*s == '"' && quote)
			put_str(b, "\\\"");
		else
			put_char(b, *s);
	}
}

void ctf_prom_header(struct ctf_prom_buf *b, const char *name, const char *type, const char *help)
{
	ctf_prom_printf(b, "# HELP %s ", name);
	put_escaped(b, help, false);
	ctf_prom_printf(b, "\n# TYPE %s %s\n", name, type);
}

static void put_labels(struct ctf_prom_buf *b, const char *const *labels)
{
	if (!labels || !labels[0])
		return;
	put_char(b, '{');
	for (size_t i = 0; labels[i] && labels[i + 1]; i += 2) {
		if (i)
			put_char(b, ',');
		ctf_prom_printf(b, "%s=\"", labels[i]);
		put_escaped(b, labels[i + 1], true);
		put_char(b, '"');
	}
	put_char(b, '}');
}

int ctf_prom_format_value(char *buf, size_t len, double v)
{
	int n;

	if (isnan(v))
		return snprintf(buf, len, "NaN");
	if (isinf(v))
		return snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
	if (v == trunc(v) && fabs(v) <= EXACT_INT_LIMIT)
		return snprintf(buf, len, "%.0f", v);
	/* The shortest of %.15g..%.17g that reads back as the same double. */
	for (int prec = 15; prec < 17; prec++) {
		char tmp[64];

		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			return snprintf(buf, len, "%s", tmp);
	}
	n = snprintf(buf, len, "%.17g", v);
	return n;
}

void ctf_prom_sample(struct ctf_prom_buf *b, const char *name, const char *const *labels,
		     double value)
{
	char num[64];

	ctf_prom_format_value(num, sizeof(num), value);
	put_str(b, name);
	put_labels(b, labels);
	ctf_prom_printf(b, " %s\n", num);
}

void ctf_prom_sample_u64(struct ctf_prom_buf *b, const char *name, const char *const *labels,
			 uint64_t value)
{
	put_str(b, name);
	put_labels(b, labels);
	ctf_prom_printf(b, " %" PRIu64 "\n", value);
}

void ctf_prom_buf_done(struct ctf_prom_buf *b)
{
	free(b->data);
	*b = (struct ctf_prom_buf){ 0 };
}
