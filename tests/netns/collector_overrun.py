#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel test of the collector under event loss: never silent, reconciled.

One reader with a deliberately tiny socket buffer gets a burst of a few
thousand new UDP flows, so the kernel drops events (ENOBUFS). The record
stream must carry GAP records that count the loss, the metrics must show the
overrun and the resync, the resync dump must bring the table back to the
kernel's flows, and after a flush (whose DESTROY events are lost too) every
flow must end exactly once: END, or RESYNC_END when its DESTROY was lost.

It runs twice: as above, and with NetlinkEventsReliable on, where the kernel
reports no ENOBUFS at all (NETLINK_NO_ENOBUFS) and retries DESTROY events;
the loss of the other events must still be counted, marked and reconciled.
Exit 77 when it cannot run.
"""
import os
import socket
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collector_accounting as ca  # noqa: E402  (shared helpers)

BURST = 4000


def main():
    if os.environ.get("CTF_IN_NETNS") != "1":
        ca.reexec_in_netns()
    ca.need_tools()
    ca.sh("ip", "link", "set", "lo", "up")
    ca.track_all()
    for reliable in ("off", "on"):
        run(reliable)


def run(reliable):
    subprocess.run(["conntrack", "-F"], capture_output=True)
    tmp = tempfile.mkdtemp(prefix="ctf_overrun_")
    conf = os.path.join(tmp, "conntrackd.conf")
    records = os.path.join(tmp, "flows.pb")
    ca.write_conf(conf, tmp, records,
                  general="\tNetlinkBufferSize 4096\n\tNetlinkBufferSizeMaxGrowth 4096\n"
                  "\tNetlinkOverrunResync 1\n\tNetlinkEventsReliable %s\n" % reliable,
                  collector="\tReaders 1\n\tActiveTimeout 0\n\tCounterPollInterval 1\n"
                  "\tEnableAccounting on\n")
    with ca.running(conf):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            for i in range(BURST):
                u.sendto(b"b", ("127.0.0.1", 20000 + i))
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_netlink_overruns_total") or 0) >= 1,
                    "an overrun")
        listed = ca.kernel_flows()
        # The resync dumps learn every flow whose NEW was lost.
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_table_flows") or 0) >= len(listed),
                    "the resync to learn the missed flows")
        ca.sh("conntrack", "-F")
        ca.wait_for(lambda: ended(ca.scrape()) >= len(listed),
                    "END or RESYNC_END for every flushed flow", secs=30)
        text = ca.scrape()
    recs = ca.read_records(records)
    check(recs, listed, text)
    shutil.rmtree(tmp)
    print("PASS (NetlinkEventsReliable %s): %d flows, %d records, %d GAP records" %
          (reliable, len(listed), len(recs), sum(r["reason"] == "GAP" for r in recs)))


def ended(text):
    return sum(ca.metric(text, "ctflow_records_total", '{reason="%s"}' % r) or 0
               for r in ("end", "resync_end"))


def check(recs, listed, text):
    gaps = [r for r in recs if r["reason"] == "GAP"]
    if not gaps or sum(r["lost_events"] for r in gaps) == 0:
        ca.fail("no GAP record counted the lost events: %s" % gaps)
    for key in ("ctflow_netlink_overruns_total", "ctflow_resyncs_total",
                "ctflow_events_lost_total"):
        if not ca.metric(text, key):
            ca.fail("%s is zero" % key)
    # Scrapes go on making events after the last one we read, so the stream may count more.
    if ca.metric(text, "ctflow_events_lost_total") > sum(r["lost_events"] for r in gaps):
        ca.fail("the metrics count lost events that no GAP record carries")
    by_id = {}
    for r in recs:
        if r["reason"] in ("END", "RESYNC_END"):
            by_id.setdefault(r["ct_id"], []).append(r["reason"])
    for cid in listed:
        if len(by_id.get(cid, [])) != 1:
            ca.fail("flow %d ended %s times: %s" % (cid, len(by_id.get(cid, [])),
                                                  by_id.get(cid)))


if __name__ == "__main__":
    main()
