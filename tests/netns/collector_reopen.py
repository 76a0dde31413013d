#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel test of the collector's SIGHUP, logrotate's way, end to end.

Flows of a first batch end; the record file is moved aside and the daemon
gets SIGHUP; flows of a second batch end; SIGTERM. The moved file must hold
exactly the first batch's END records and the new file exactly the second's,
both complete files that ctflow-records reads, and the daemon must exit 0.
Exit 77 when it cannot run.
"""
import os
import shutil
import signal
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collector_accounting as ca  # noqa: E402  (shared helpers)

N = 8


def batch(first):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        for i in range(N):
            u.sendto(b"r", ("127.0.0.1", first + i))
    ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_table_flows") or 0) >= N,
                "the batch's flows in the table")
    ca.sh("conntrack", "-F")


def ends(recs, first):
    return sorted(r["dst_port"] for r in recs
                  if r["reason"] == "END" and r["proto"] == 17 and
                  first <= r["dst_port"] < first + 1000)


def main():
    if os.environ.get("CTF_IN_NETNS") != "1":
        ca.reexec_in_netns()
    ca.need_tools()
    ca.sh("ip", "link", "set", "lo", "up")
    ca.track_all()
    tmp = tempfile.mkdtemp(prefix="ctf_reopen_")
    conf = os.path.join(tmp, "conntrackd.conf")
    records = os.path.join(tmp, "flows.pb")
    moved = records + ".1"
    ca.write_conf(conf, tmp, records,
                  general="\tFilter {\n\t\tProtocol Accept {\n\t\t\tUDP\n\t\t}\n\t}\n",
                  collector="\tReaders 2\n\tActiveTimeout 0\n\tEnableAccounting on\n")
    with ca.running(conf) as daemon:
        batch(40000)
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_sink_records_total") or 0) >= N,
                    "the first batch's records on disk")
        os.rename(records, moved)
        daemon.send_signal(signal.SIGHUP)
        ca.wait_for(lambda: os.path.exists(records), "a new record file after SIGHUP")
        batch(41000)
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_sink_records_total") or 0) >= 2 * N,
                    "the second batch's records on disk")
    want1 = list(range(40000, 40000 + N))
    want2 = list(range(41000, 41000 + N))
    old, new = ca.read_records(moved), ca.read_records(records)
    got = (ends(old, 40000), ends(new, 40000), ends(old, 41000), ends(new, 41000))
    if got != (want1, [], [], want2):
        ca.fail("END records by file (moved: batch 1, batch 2; new: batch 1, batch 2): %s" %
                (got,))
    shutil.rmtree(tmp)
    print("PASS: SIGHUP: %d records in the moved file, %d in the new one" % (N, N))


if __name__ == "__main__":
    main()
