// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrack CLI: the program behind a netlink port id, for the
 * " [USERSPACE] portid=N progname=X" suffix of -E. 1.4.7 scans
 * /proc/net/netlink and every /proc/PID/fd for each event; we remember the
 * answer per port id and look again only on a miss or after a second, so a
 * stream of events from one process costs one scan per second.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "conntrack.h"

#define RECHECK_NS 1000000000ULL

/* The socket inode of @portid's NETLINK_NETFILTER socket, 0 when it is gone. */
static unsigned long portid_inode(uint32_t portid)
{
	unsigned long inode = 0, ino;
	unsigned int proto, pid;
	char line[256];
	FILE *fp;

	fp = fopen("/proc/net/netlink", "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%*x %u %u %*x %*d %*d %*x %*d %*u %lu", &proto, &pid, &ino) ==
			    3 &&
		    pid == portid && proto == NETLINK_NETFILTER) {
			inode = ino;
			break;
		}
	}
	fclose(fp);
	return inode;
}

/* The command name in /proc/PID/stat ("PID (NAME) ..."). */
static bool pid_name(unsigned long pid, char *name, size_t size)
{
	char path[64], buf[512], *open, *close;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	open = strchr(buf, '(');
	close = open ? strchr(open, ')') : NULL; /* 1.4.7 stops at the first one */
	if (!open || !close || close < open)
		return false;
	snprintf(name, size, "%.*s", (int)(close - open - 1), open + 1);
	return true;
}

/* Does process @pid hold the socket with @inode? */
static bool pid_has_socket(unsigned long pid, unsigned long inode)
{
	char dir[64], path[320], want[48], link[64];
	struct dirent *e;
	bool found = false;
	ssize_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%lu/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_type != DT_LNK)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(d);
	return found;
}

/* Most programs take their pid as their first port id: try that one first. */
static bool lookup(uint32_t portid, char *name, size_t size)
{
	unsigned long inode = portid_inode(portid), pid;
	struct dirent *e;
	bool found = false;
	char *end;
	DIR *d;

	if (!inode)
		return false;
	if (pid_has_socket(portid, inode))
		return pid_name(portid, name, size);
	d = opendir("/proc");
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		pid = strtoul(e->d_name, &end, 10);
		if (*end || pid <= 1 || pid == portid)
			continue;
		found = pid_has_socket(pid, inode) && pid_name(pid, name, size);
	}
	closedir(d);
	return found;
}

const char *ct_progname(struct ct_progname_cache *c, uint32_t portid, uint64_t now_ns)
{
	struct ct_progname_slot *s = &c->slot[portid % CT_PROGNAME_SLOTS];

	if (s->used && s->portid == portid && now_ns - s->checked_ns < RECHECK_NS)
		return s->found ? s->name : NULL;
	s->used = true;
	s->portid = portid;
	s->checked_ns = now_ns;
	s->found = lookup(portid, s->name, sizeof(s->name));
	c->lookups++;
	return s->found ? s->name : NULL;
}
