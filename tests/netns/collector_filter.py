#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel test of the collector's Filter section, in the kernel and in user space.

With `Filter From Kernelspace` the filter is compiled into the readers' BPF
programs, so unwanted events never reach the collector; `From Userspace`
applies the same filter after parsing and counts what it drops. Either way,
the seed dump applies it too. The filter here keeps UDP only and ignores
127.0.0.9. Flows that exist before the collector starts and flows made
while it runs, wanted and unwanted, must leave records for exactly the
wanted ones, each ended once. Exit 77 when it cannot run.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collector_accounting as ca  # noqa: E402  (shared helpers)

FILTER = ("\tFilter From %s {\n\t\tProtocol Accept {\n\t\t\tUDP\n\t\t}\n"
          "\t\tAddress Ignore {\n\t\t\tIPv4_address 127.0.0.9\n\t\t}\n\t}\n")
BEFORE, DURING = 5, 10


def udp_flows(dst, first, n):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        for i in range(n):
            u.sendto(b"x", (dst, first + i))


def tcp_flow(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        pass  # refused: the SYN still made an entry


def wanted(r):
    return r["proto"] == 17 and "127.0.0.9" not in (r["src_addr"], r["dst_addr"])


def run(where, tmp):
    subprocess.run(["conntrack", "-F"], capture_output=True)
    conf = os.path.join(tmp, "conntrackd-%s.conf" % where)
    records = os.path.join(tmp, "flows-%s.pb" % where)
    ca.write_conf(conf, tmp, records, general=FILTER % where,
                  collector="\tReaders 2\n\tActiveTimeout 0\n\tCounterPollInterval 1\n"
                  "\tEnableAccounting on\n")
    udp_flows("127.0.0.1", 31000, BEFORE)
    udp_flows("127.0.0.9", 31000, BEFORE)
    tcp_flow(31000)
    with ca.running(conf, label=where + ": "):
        seeded = ca.metric(ca.scrape(), "ctflow_table_flows")
        if seeded != BEFORE:
            ca.fail("%s: the seed dump kept %s flows, want the %d wanted ones" %
                    (where, seeded, BEFORE))
        udp_flows("127.0.0.1", 32000, DURING)
        udp_flows("127.0.0.9", 32000, DURING)
        for p in range(32000, 32005):
            tcp_flow(p)
        ca.wait_for(lambda: ca.metric(ca.scrape(), "ctflow_table_flows") == BEFORE + DURING,
                    "the wanted flows made while running")
        time.sleep(0.5)
        text = ca.scrape()
        if ca.metric(text, "ctflow_table_flows") != BEFORE + DURING:
            ca.fail("%s: %s flows in the table, want %d" %
                    (where, ca.metric(text, "ctflow_table_flows"), BEFORE + DURING))
        filtered = ca.metric(text, "ctflow_events_filtered_total") or 0
        events = sum(ca.metric(text, "ctflow_events_total", '{type="%s"}' % t) or 0
                     for t in ("new", "update", "destroy"))
        ca.sh("conntrack", "-F")
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_records_total", '{reason="end"}')
                             or 0) >= DURING, "END records of the flushed flows")
    recs = ca.read_records(records)
    bad = [r for r in recs if not wanted(r)]
    if bad:
        ca.fail("%s: records of filtered-out flows: %s" % (where, bad[:3]))
    ends = {}
    for r in recs:
        if r["reason"] in ("END", "RESYNC_END", "SHUTDOWN"):
            ends.setdefault(r["dst_port"], []).append(r["reason"])
    for port in list(range(31000, 31000 + BEFORE)) + list(range(32000, 32000 + DURING)):
        if len(ends.get(port, [])) != 1:
            ca.fail("%s: flow to port %d ended %r" % (where, port, ends.get(port)))
    if len(ends) != BEFORE + DURING:
        ca.fail("%s: records for ports %s" % (where, sorted(ends)))
    # In the kernel, unwanted events never arrive; in user space they are counted.
    if where == "Kernelspace" and filtered:
        ca.fail("Kernelspace: %d events reached user space only to be filtered" % filtered)
    if where == "Userspace" and filtered < DURING:
        ca.fail("Userspace: only %d events filtered of %d received" % (filtered, events))
    print("ok: Filter From %s: %d wanted flows recorded, none other (%d events, %d filtered "
          "in user space)" % (where, BEFORE + DURING, events, filtered))


def main():
    if os.environ.get("CTF_IN_NETNS") != "1":
        ca.reexec_in_netns()
    ca.need_tools()
    ca.sh("ip", "link", "set", "lo", "up")
    ca.track_all()
    tmp = tempfile.mkdtemp(prefix="ctf_filter_")
    run("Kernelspace", tmp)
    run("Userspace", tmp)
    shutil.rmtree(tmp)
    print("PASS")


if __name__ == "__main__":
    main()
