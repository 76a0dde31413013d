/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and writing sysctls under /proc/sys (in the calling thread's network namespace). */
#ifndef CTFLOW_SYSCTL_H
#define CTFLOW_SYSCTL_H

/*
 * ctf_sysctl_read - read the integer sysctl @name ("net/netfilter/nf_conntrack_acct").
 * Network sysctls are those of the calling thread's namespace.
 * Returns 0 and the value in *ret_value, -ENOENT (no such sysctl, e.g. the
 * module is not loaded), -EBADMSG (not an integer) or another -errno.
 */
int ctf_sysctl_read(const char *name, long *ret_value);

/* ctf_sysctl_write - write @value to the sysctl @name. Returns 0 or -errno. */
int ctf_sysctl_write(const char *name, long value);

#endif /* CTFLOW_SYSCTL_H */
