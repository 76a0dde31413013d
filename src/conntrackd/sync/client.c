// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd: the client side of the UNIX socket, as conntrack-tools 1.4.7's do_local_request. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "args.h"
#include "client.h"
#include "request.h"

/* Returns a connected socket or -errno. */
static int client_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = path ? strlen(path) : 0;
	int fd, r;

	/* 1.4.7 would autobind an empty path, which reaches nobody */
	if (!len)
		return -ENOENT;
	if (len >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sa_family_t) + len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Returns 0 or -errno; MSG_NOSIGNAL: a daemon that hangs up early is an error, not a SIGPIPE. */
static int send_code(int fd, int code)
{
	const char *p = (const char *)&code;
	size_t off = 0;
	ssize_t n;

	while (off < sizeof(code)) {
		n = send(fd, p + off, sizeof(code) - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

/* The first bytes of the answer, enough to tell "ready\n" from anything else. */
struct reply_head {
	char buf[8];
	size_t len;
};

static void keep_head(struct reply_head *h, const char *buf, size_t n)
{
	size_t room = sizeof(h->buf) - h->len;

	if (n > room)
		n = room;
	memcpy(h->buf + h->len, buf, n);
	h->len += n;
}

/* The first line is exactly "ready" (a missing final newline is tolerated). */
static bool head_is_ready(const struct reply_head *h)
{
	if (h->len >= 6)
		return memcmp(h->buf, "ready\n", 6) == 0;
	return h->len == 5 && memcmp(h->buf, "ready", 5) == 0;
}

/*
 * Copy until the daemon closes (or the read fails, which 1.4.7 treats the
 * same). 1.4.7 prints each chunk with printf("%s"), so it would stop at a
 * NUL byte; our daemon never sends one, and we copy bytes as they are.
 * Errors writing stdout are ignored, as 1.4.7 ignores them.
 */
static void copy_reply(int fd, struct reply_head *h)
{
	char buf[16384];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		keep_head(h, buf, (size_t)n);
		(void)fwrite(buf, 1, (size_t)n, stdout);
	}
	(void)fflush(stdout);
}

static int ready_status(const struct reply_head *h)
{
	if (head_is_ready(h))
		return EXIT_SUCCESS;
	if (h->len == 0)
		ctd_console_log(LOG_ERR, "the daemon did not answer `-s ready' "
					 "(conntrackd 1.4.7 does not know it)");
	return EXIT_FAILURE;
}

int ctd_client_run(const char *unix_path, int code)
{
	struct reply_head head = { .len = 0 };
	int fd, r;

	fd = client_connect(unix_path);
	if (fd >= 0) {
		r = send_code(fd, code);
		if (r < 0) {
			close(fd);
			fd = r;
		}
	}
	if (fd < 0) {
		ctd_console_log(LOG_ERR, "can't connect: is conntrackd running? "
					 "appropriate permissions?");
		return EXIT_FAILURE;
	}
	copy_reply(fd, &head);
	close(fd);
	if (code == CTD_REQ_STATS_READY)
		return ready_status(&head);
	return EXIT_SUCCESS;
}
