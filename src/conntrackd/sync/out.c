// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd: a growable text buffer for the replies to client requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

char *out_room(struct sync_out *o, size_t n)
{
	size_t cap;
	char *p;

	if (o->oom)
		return NULL;
	if (o->len + n + 1 <= o->cap)
		return o->buf + o->len;
	cap = o->cap ? o->cap : 4096;
	while (cap < o->len + n + 1)
		cap *= 2;
	p = realloc(o->buf, cap);
	if (!p) {
		o->oom = true;
		return NULL;
	}
	o->buf = p;
	o->cap = cap;
	return o->buf + o->len;
}

void out_put(struct sync_out *o, const char *s, size_t len)
{
	char *p = out_room(o, len);

	if (!p)
		return;
	memcpy(p, s, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

void out_printf(struct sync_out *o, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	p = out_room(o, (size_t)n);
	if (!p)
		return;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void out_done(struct sync_out *o)
{
	free(o->buf);
	*o = (struct sync_out){ 0 };
}
