// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd: the daemon's UNIX control socket (1.4.7's local.c server side). */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl.h"

struct sync_ctl {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* "" when autobound */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The address of @path; an empty path gives the bare family, which bind() autobinds. */
static int make_addr(const char *path, struct sockaddr_un *ret_sun, socklen_t *ret_len)
{
	size_t len = strlen(path);

	if (len >= sizeof(ret_sun->sun_path))
		return -ENAMETOOLONG;
	memset(ret_sun, 0, sizeof(*ret_sun));
	ret_sun->sun_family = AF_UNIX;
	memcpy(ret_sun->sun_path, path, len);
	*ret_len = (socklen_t)(sizeof(sa_family_t) + len);
	return 0;
}

/* Returns 1 when something listens at @sun, 0 when nobody does, or -errno. */
static int someone_listens(const struct sockaddr_un *sun, socklen_t len)
{
	int fd, r;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sun, len);
	if (r == 0)
		r = 1;
	else if (errno == EAGAIN) /* listening, backlog full */
		r = 1;
	else if (errno == ECONNREFUSED || errno == ENOENT)
		r = 0;
	else
		r = -errno;
	close(fd);
	return r;
}

/* Remove a socket file a dead daemon left behind; anything else stays. */
static int remove_stale(const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	r = someone_listens(sun, len);
	if (r < 0)
		return r;
	if (r > 0)
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int bind_listen(int fd, const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	int r;

	if (bind(fd, (const struct sockaddr *)sun, len) < 0)
		return -errno;
	/* 1.4.7 runs under umask(0177): only its owner may send requests */
	if ((path[0] && chmod(path, 0600) < 0) || listen(fd, SYNC_CTL_BACKLOG) < 0) {
		r = -errno;
		if (path[0])
			(void)unlink(path);
		return r;
	}
	return 0;
}

int sync_ctl_open(struct sync_ctl **ret_ctl, const char *path)
{
	struct sockaddr_un sun;
	struct sync_ctl *ctl;
	socklen_t len;
	int r;

	r = make_addr(path, &sun, &len);
	if (r < 0)
		return r;
	if (path[0]) {
		r = remove_stale(path, &sun, len);
		if (r < 0)
			return r;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	memcpy(ctl->path, path, strlen(path) + 1);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		r = -errno;
		goto out_free;
	}
	r = bind_listen(ctl->fd, path, &sun, len);
	if (r < 0)
		goto out_close;
	*ret_ctl = ctl;
	return 0;
out_close:
	close(ctl->fd);
out_free:
	free(ctl);
	return r;
}

void sync_ctl_close(struct sync_ctl *ctl)
{
	if (!ctl)
		return;
	close(ctl->fd);
	if (ctl->path[0])
		(void)unlink(ctl->path);
	free(ctl);
}

int sync_ctl_fd(const struct sync_ctl *ctl)
{
	return ctl->fd;
}

/*
 * Wait until @fd is ready for @events or @deadline (CLOCK_MONOTONIC ms)
 * passes. Returns 0 when ready, -ETIMEDOUT, or -errno.
 */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* The 4 request bytes; -EBADMSG when they do not all arrive in time. */
static int read_code(int fd, int *ret_code)
{
	int64_t deadline = now_ms() + SYNC_CTL_READ_TIMEOUT_MS;
	char buf[sizeof(int)];
	size_t off = 0;
	ssize_t n;

	while (off < sizeof(buf)) {
		n = recv(fd, buf + off, sizeof(buf) - off, MSG_DONTWAIT);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == 0)
			return -EBADMSG;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -EBADMSG;
		if (wait_fd(fd, POLLIN, deadline) < 0)
			return -EBADMSG;
	}
	memcpy(ret_code, buf, sizeof(buf));
	return 0;
}

int sync_ctl_accept(struct sync_ctl *ctl, int *ret_fd, int *ret_code)
{
	int fd, code, r;

	fd = accept4(ctl->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return -EAGAIN;
		return -errno;
	}
	r = read_code(fd, &code);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	*ret_code = code;
	return 0;
}

int sync_ctl_reply(int fd, const char *buf, size_t len)
{
	int64_t deadline = now_ms() + SYNC_CTL_REPLY_TIMEOUT_MS;
	size_t off = 0;
	ssize_t n;
	int r = 0;

	while (off < len) {
		/* MSG_DONTWAIT + poll: the bound holds whatever the fd's blocking mode */
		n = send(fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			r = -errno;
			break;
		}
		r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			break;
	}
	close(fd);
	return r;
}
