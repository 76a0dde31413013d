// SPDX-License-Identifier: GPL-2.0-or-later
/* ctf_log: formats messages and hands them to the sink the binary chose. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ctflow/log.h>

static ctf_log_sink log_sink;
static void *log_data;
static int log_level = LOG_INFO;

void ctf_log_set_sink(ctf_log_sink sink, void *data)
{
	log_sink = sink;
	log_data = data;
}

void ctf_log_set_level(int max_prio)
{
	log_level = max_prio;
}

static __attribute__((format(printf, 3, 0))) void vlog(int prio, int r, const char *fmt,
							 va_list ap)
{
	char msg[1024];
	int n;

	if (!log_sink || prio > log_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (r < 0 && (size_t)n < sizeof(msg))
		(void)snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(-r));
	log_sink(prio, msg, log_data);
}

void ctf_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, 0, fmt, ap);
	va_end(ap);
}

int ctf_log_errno(int prio, int r, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(prio, r, fmt, ap);
	va_end(ap);
	errno = saved;
	return r;
}

void ctf_log_sink_stderr(int prio, const char *msg, void *data)
{
	const char *prefix = data;

	if (prefix)
		(void)fprintf(stderr, "%s: %s\n", prefix, msg);
	else
		(void)fprintf(stderr, "%s\n", msg);
}
