/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd: the daemon's UNIX control socket (1.4.7's local.c server
 * side): one connection per request, a native-endian int in, text out.
 * Owned by one thread; nothing here is thread-safe.
 */
#ifndef CONNTRACKD_SYNC_CTL_H
#define CONNTRACKD_SYNC_CTL_H

#include <stddef.h>

struct sync_ctl;

/* 1.4.7's listen() backlog; the config's `Backlog' is ignored, as 1.4.7 ignores it. */
#define SYNC_CTL_BACKLOG 100
/* How long sync_ctl_accept() waits for the 4 request bytes of an accepted client. */
#define SYNC_CTL_READ_TIMEOUT_MS 200
/* How long sync_ctl_reply() may wait, in total, for a client to take its answer. */
#define SYNC_CTL_REPLY_TIMEOUT_MS 5000

/*
 * sync_ctl_open - listen on the UNIX stream socket @path (mode 0600, as
 * 1.4.7's umask(0177) makes it), non-blocking, close-on-exec.
 *
 * A socket file left at @path by a daemon that died is removed first, as
 * 1.4.7 does. Unlike 1.4.7, which unlinks whatever is there, the path is
 * kept when it is not a socket (-EEXIST) or when a daemon still answers on
 * it (-EADDRINUSE): 1.4.7's lock file usually prevents the second case, and
 * taking over the socket would leave the running daemon unreachable. An
 * empty @path autobinds an abstract address nobody can find (1.4.7 does the
 * same when UNIX Path is missing).
 *
 * @path must not be NULL. Returns 0 and a server to close with
 * sync_ctl_close(), or -errno (-ENAMETOOLONG: @path does not fit
 * sockaddr_un; -ENOENT, -EACCES: its directory; -ENOMEM).
 */
int sync_ctl_open(struct sync_ctl **ret_ctl, const char *path);

/* sync_ctl_close - stop listening and unlink the path; accepts NULL. */
void sync_ctl_close(struct sync_ctl *ctl);

/* sync_ctl_fd - the listening descriptor, for the caller's poll/epoll (EPOLLIN). */
int sync_ctl_fd(const struct sync_ctl *ctl);

/*
 * sync_ctl_accept - take one pending client and read its request code,
 * waiting at most SYNC_CTL_READ_TIMEOUT_MS for the 4 bytes. Bytes after
 * the first 4 are ignored, as 1.4.7 ignores them.
 *
 * Returns 0 with *@ret_fd (a blocking, close-on-exec connection: answer it
 * with sync_ctl_reply(), which closes it) and *@ret_code (any int; deciding
 * whether it is known is the caller's job). Returns -EAGAIN when no client
 * is pending, -EBADMSG when a client closed or stalled before sending 4
 * bytes (its connection is closed; 1.4.7 counts these as "local read
 * failed", and so must the caller, then log and go on), or another -errno
 * from accept4() (-EMFILE, -ENFILE, -ECONNABORTED, ...) that the caller
 * logs and survives.
 */
int sync_ctl_accept(struct sync_ctl *ctl, int *ret_fd, int *ret_code);

/*
 * sync_ctl_reply - write all @len bytes of @buf to the client @fd, then
 * close @fd (always, even on failure). Never raises SIGPIPE, and waits at
 * most SYNC_CTL_REPLY_TIMEOUT_MS in total for a slow reader. @len may be 0
 * (an answer without text, -c when the commit is done).
 *
 * Returns 0, -ETIMEDOUT when the client did not take everything in time
 * (the rest is dropped), or -errno of the send (-EPIPE: the client left).
 */
int sync_ctl_reply(int fd, const char *buf, size_t len);

#endif /* CONNTRACKD_SYNC_CTL_H */
