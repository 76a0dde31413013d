/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd: a growable text buffer for the replies to client requests. */
#ifndef CONNTRACKD_SYNC_OUT_H
#define CONNTRACKD_SYNC_OUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Zero-initialised is empty. A failed allocation sets @oom and drops what follows. */
struct sync_out {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

/* out_printf - append formatted text. */
void out_printf(struct sync_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* out_put - append @len bytes. */
void out_put(struct sync_out *o, const char *s, size_t len);

/* out_room - make room for @n more bytes; returns where to write them, or NULL (oom). */
char *out_room(struct sync_out *o, size_t n);

/* out_done - free the buffer; the struct is empty again. */
void out_done(struct sync_out *o);

#endif /* CONNTRACKD_SYNC_OUT_H */
