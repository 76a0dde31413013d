// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim that replays a recorded .nl file (see ctf-record.c) to the
 * stock conntrack 1.4.7 binary, so the oracle prints exactly what it would
 * have printed for those kernel messages, at a fixed "now". This lets the
 * fixtures hold 1.4.7's output for the very bytes our parser reads, and lets
 * hand-built messages (out-of-range states, huge counters...) be checked
 * against the oracle without a kernel that would produce them.
 *
 * Environment:
 *   CTF_ORACLE_NL        the .nl file to serve
 *   CTF_ORACLE_NOW       seconds[.usec] returned by time(), gettimeofday() and
 *                        clock_gettime(CLOCK_REALTIME*) (default: the real clock)
 *   CTF_ORACLE_LABELMAP  a file opened instead of /etc/xtables/connlabel.conf
 *                        ("" makes the map missing)
 *
 * While replaying, /proc/net/netlink cannot be opened, so an event from a
 * process prints as " [USERSPACE] portid=N" without a program name that
 * would depend on what runs on the machine at replay time.
 *
 * A CT_GET (or EXP_GET) dump request on a netlink socket is swallowed, and the file's
 * messages are returned one per recvmsg() with the request's sequence
 * number, then NLMSG_DONE. A netlink socket bound to multicast groups
 * (conntrack -E) receives the file's messages unchanged, then SIGINT, which
 * makes conntrack print its summary and exit.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#define LABELMAP_PATH "/etc/xtables/connlabel.conf"

static struct {
	unsigned char *data; /* the file's nlmsgs, back to back */
	size_t len, pos;
	int fd;		/* the socket being served, -1 while idle */
	bool dump;	/* serving a dump: patch seq, end with NLMSG_DONE */
	bool done_sent;
	uint32_t seq;
	uint32_t portid; /* the dumping socket's: libmnl checks replies against it */
} st = { .fd = -1 };

/* Load every nlmsg of the file (datagrams are split into single messages). */
static void load(void)
{
	const char *path = getenv("CTF_ORACLE_NL");
	unsigned char hdr[16];
	uint32_t dlen;
	FILE *fp;

	if (st.data || !path)
		return;
	fp = fopen(path, "rb");
	if (!fp || fread(hdr, 1, sizeof(hdr), fp) != sizeof(hdr)) {
		fprintf(stderr, "ctf-oracle-shim: cannot read %s\n", path);
		exit(99);
	}
	while (fread(&dlen, sizeof(dlen), 1, fp) == 1) {
		st.data = realloc(st.data, st.len + dlen);
		if (!st.data || fread(st.data + st.len, 1, dlen, fp) != dlen) {
			fprintf(stderr, "ctf-oracle-shim: truncated %s\n", path);
			exit(99);
		}
		st.len += dlen;
	}
	fclose(fp);
	if (!st.data)
		st.data = malloc(1);
}

static bool is_netlink(int fd, uint32_t *ret_portid)
{
	struct sockaddr_nl sa;
	socklen_t sl = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &sl) < 0 || sa.nl_family != AF_NETLINK)
		return false;
	*ret_portid = sa.nl_pid;
	return true;
}

static bool is_ct_dump(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;

	/* expectation dumps (conntrack -L expect) are served the same way */
	return len >= sizeof(*nlh) &&
	       (nlh->nlmsg_type == ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET) ||
		nlh->nlmsg_type == ((NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_GET)) &&
	       (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/* Returns true when the request was taken over (not sent to the kernel). */
static bool intercept_send(int fd, const void *buf, size_t len)
{
	uint32_t portid;

	if (!getenv("CTF_ORACLE_NL") || !is_ct_dump(buf, len) || !is_netlink(fd, &portid))
		return false;
	load();
	st.fd = fd;
	st.dump = true;
	st.done_sent = false;
	st.pos = 0;
	st.seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	st.portid = portid;
	return true;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);

	if (intercept_send(fd, buf, len))
		return (ssize_t)len;
	if (!real)
		real = dlsym(RTLD_NEXT, "sendto");
	return real(fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);

	if (msg->msg_iovlen == 1 &&
	    intercept_send(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len))
		return (ssize_t)msg->msg_iov[0].iov_len;
	if (!real)
		real = dlsym(RTLD_NEXT, "sendmsg");
	return real(fd, msg, flags);
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*real)(int, const struct sockaddr *, socklen_t);
	const struct sockaddr_nl *nl = (const void *)sa;

	if (getenv("CTF_ORACLE_NL") && sa->sa_family == AF_NETLINK && nl->nl_groups) {
		load();
		st.fd = fd;
		st.dump = false;
		st.pos = 0;
	}
	if (!real)
		real = dlsym(RTLD_NEXT, "bind");
	return real(fd, sa, len);
}

/* Copy the next message (or NLMSG_DONE) into @buf; 0 when nothing is left. */
static ssize_t next_msg(void *buf, size_t cap)
{
	struct nlmsghdr *nlh;
	size_t n;

	if (st.pos + sizeof(*nlh) <= st.len) {
		nlh = (struct nlmsghdr *)(st.data + st.pos);
		n = NLMSG_ALIGN(nlh->nlmsg_len);
		if (n > st.len - st.pos)
			n = st.len - st.pos;
		if (n > cap)
			return -EMSGSIZE;
		memcpy(buf, nlh, n);
		st.pos += n;
		if (st.dump) {
			((struct nlmsghdr *)buf)->nlmsg_seq = st.seq;
			((struct nlmsghdr *)buf)->nlmsg_pid = st.portid;
		}
		return (ssize_t)n;
	}
	if (!st.dump || st.done_sent || cap < NLMSG_LENGTH(sizeof(int)))
		return 0;
	nlh = buf;
	memset(nlh, 0, NLMSG_LENGTH(sizeof(int)));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = st.seq;
	nlh->nlmsg_pid = st.portid;
	st.done_sent = true;
	return (ssize_t)nlh->nlmsg_len;
}

static ssize_t serve(void *buf, size_t cap, void *name, socklen_t *namelen)
{
	ssize_t n = next_msg(buf, cap);

	if (n == 0) {
		if (!st.dump) {
			fflush(stdout);
			raise(SIGINT);
		}
		st.fd = -1;
		errno = EAGAIN;
		return -1;
	}
	if (n < 0) {
		errno = -n;
		return -1;
	}
	if (name && namelen && *namelen >= sizeof(struct sockaddr_nl)) {
		memset(name, 0, sizeof(struct sockaddr_nl));
		((struct sockaddr_nl *)name)->nl_family = AF_NETLINK;
		*namelen = sizeof(struct sockaddr_nl);
	}
	return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);

	if (fd == st.fd && msg->msg_iovlen >= 1) {
		msg->msg_flags = 0;
		msg->msg_controllen = 0;
		return serve(msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, msg->msg_name,
			     &msg->msg_namelen);
	}
	if (!real)
		real = dlsym(RTLD_NEXT, "recvmsg");
	return real(fd, msg, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen)
{
	static ssize_t (*real)(int, void *, size_t, int, struct sockaddr *, socklen_t *);

	if (fd == st.fd)
		return serve(buf, len, from, fromlen);
	if (!real)
		real = dlsym(RTLD_NEXT, "recvfrom");
	return real(fd, buf, len, flags, from, fromlen);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* The fixed clock, when CTF_ORACLE_NOW is set. */
static bool fixed_now(struct timespec *ts)
{
	const char *s = getenv("CTF_ORACLE_NOW");
	char *end;

	if (!s || !*s)
		return false;
	ts->tv_sec = strtoll(s, &end, 10);
	ts->tv_nsec = *end == '.' ? strtol(end + 1, NULL, 10) * 1000 : 0;
	return true;
}

time_t time(time_t *t)
{
	struct timespec ts;

	if (!fixed_now(&ts))
		clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tz;
	struct timespec ts;

	if (!fixed_now(&ts))
		clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);

	if ((clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE) && fixed_now(ts))
		return 0;
	if (!real)
		real = dlsym(RTLD_NEXT, "clock_gettime");
	return real(clk, ts);
}

static const char *map_path(const char *path)
{
	const char *alt = getenv("CTF_ORACLE_LABELMAP");

	if (alt && strcmp(path, LABELMAP_PATH) == 0)
		return *alt ? alt : "/nonexistent/ctf-oracle-shim/connlabel.conf";
	if (getenv("CTF_ORACLE_NL") && strcmp(path, "/proc/net/netlink") == 0)
		return "/nonexistent/ctf-oracle-shim/netlink";
	return path;
}

FILE *fopen(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);

	if (!real)
		real = dlsym(RTLD_NEXT, "fopen");
	return real(map_path(path), mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);

	if (!real)
		real = dlsym(RTLD_NEXT, "fopen64");
	return real(map_path(path), mode);
}
