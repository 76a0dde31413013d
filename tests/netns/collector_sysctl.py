#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel test of the collector's start-up checks of accounting and timestamps.

A new namespace has nf_conntrack_acct and nf_conntrack_timestamp off. On its
defaults the collector must warn about both, say so in /metrics, and leave
them off (it changes no kernel state unless asked); with `EnableAccounting
on` it must turn both on and not warn. Exit 77 when it cannot run.
"""
import os
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collector_accounting as ca  # noqa: E402  (shared helpers)

SYSCTLS = ("nf_conntrack_acct", "nf_conntrack_timestamp")


def sysctl(name):
    with open("/proc/sys/net/netfilter/" + name) as f:
        return int(f.read())


def run(tmp, enable):
    conf = os.path.join(tmp, "conntrackd.conf")
    ca.write_conf(conf, tmp, os.path.join(tmp, "flows.pb"),
                  collector="\tReaders 1\n" + ("\tEnableAccounting on\n" if enable else ""))
    with ca.running(conf, stderr=subprocess.PIPE, text=True) as daemon:
        text = ca.scrape()
    return text, daemon.err


def main():
    if os.environ.get("CTF_IN_NETNS") != "1":
        ca.reexec_in_netns()
    if not os.access(os.path.join(ca.BIN, "conntrackd"), os.X_OK):
        ca.skip("conntrackd is not built")
    ca.sh("ip", "link", "set", "lo", "up")
    if any(sysctl(s) for s in SYSCTLS):
        ca.skip("this kernel turns accounting or timestamps on in new namespaces")
    tmp = tempfile.mkdtemp(prefix="ctf_sysctl_")

    text, err = run(tmp, False)
    for s in SYSCTLS:
        want = "net/netfilter/%s is off" % s
        if want not in err or "'EnableAccounting on'" not in err:
            ca.fail("defaults: no warning %r in: %s" % (want, err))
        if sysctl(s) != 0:
            ca.fail("defaults: the collector turned %s on without being asked" % s)
    for m in ("ctflow_kernel_accounting_enabled", "ctflow_kernel_timestamps_enabled"):
        if ca.metric(text, m) != 0:
            ca.fail("defaults: %s is %s, want 0" % (m, ca.metric(text, m)))

    text, err = run(tmp, True)
    for s in SYSCTLS:
        if sysctl(s) != 1:
            ca.fail("EnableAccounting on: %s is still off" % s)
    if " is off" in err:
        ca.fail("EnableAccounting on: still warns: %s" % err)
    for m in ("ctflow_kernel_accounting_enabled", "ctflow_kernel_timestamps_enabled"):
        if ca.metric(text, m) != 1:
            ca.fail("EnableAccounting on: %s is %s, want 1" % (m, ca.metric(text, m)))
    shutil.rmtree(tmp)
    print("PASS: warns and leaves the sysctls alone by default; EnableAccounting turns them on")


if __name__ == "__main__":
    main()
