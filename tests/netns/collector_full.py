#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel test of the collector with a full flow table: refusals are never silent.

The table is bounded (Collector TableSize). With room for 40 flows, 150 new
UDP flows arrive; the flows that find no room must each get one EVICTED
record (the stream says it is not tracking them) and be counted in
ctflow_table_evictions_total, and when they end (a flush) every flow must
still get exactly one END record carrying the kernel's totals, tracked or
not. Then a second batch as large is still alive when the collector stops:
every flow of it, tracked or not, gets exactly one SHUTDOWN record with the
kernel's totals. Exit 77 when it cannot run.
"""
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collector_accounting as ca  # noqa: E402  (shared helpers)

ROOM = 40
FLOWS = 150
BASE_PORT = 30000
LIVE_PORT = 33000


def main():
    if os.environ.get("CTF_IN_NETNS") != "1":
        ca.reexec_in_netns()
    ca.need_tools()
    ca.sh("ip", "link", "set", "lo", "up")
    ca.track_all()
    tmp = tempfile.mkdtemp(prefix="ctf_full_")
    conf = os.path.join(tmp, "conntrackd.conf")
    records = os.path.join(tmp, "flows.pb")
    ca.write_conf(conf, tmp, records,
                  collector="\tReaders 2\n\tTableSize %d\n\tActiveTimeout 0\n"
                  "\tCounterPollInterval 1\n\tEnableAccounting on\n" % ROOM)
    with ca.running(conf):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            for i in range(FLOWS):
                u.sendto(b"f" * (i % 7 + 1), ("127.0.0.1", BASE_PORT + i))
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_table_evictions_total") or 0)
                    >= FLOWS - ROOM, "the refusals of the flows beyond the table's room")
        listed = ca.kernel_flows()
        ca.sh("conntrack", "-F")
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_records_total", '{reason="end"}')
                             or 0) >= len(listed), "END records of the flushed flows")
        text = ca.scrape()
        # The first batch's tombstones expire, then a second batch overfills the table again.
        time.sleep(4)
        before = ca.metric(ca.scrape(), "ctflow_table_evictions_total")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            for i in range(FLOWS):
                u.sendto(b"g" * (i % 5 + 1), ("127.0.0.1", LIVE_PORT + i))
        ca.wait_for(lambda: (ca.metric(ca.scrape(), "ctflow_table_evictions_total") or 0)
                    >= before + FLOWS - ROOM, "the refusals of the second batch")
        alive = {cid: k for cid, k in ca.kernel_flows().items() if cid not in listed}
    recs = ca.read_records(records)
    evicted = check(recs, listed, text)
    check_shutdown(recs, alive)
    shutil.rmtree(tmp)
    print("PASS: %d kernel flows in a table for %d: %d EVICTED, every flow ended once" %
          (len(listed), ROOM, evicted))


def check_shutdown(recs, alive):
    ports = {r["dst_port"] for r in recs if r["ct_id"] in alive}
    if len(alive) != FLOWS or not all(LIVE_PORT <= p < LIVE_PORT + FLOWS for p in ports):
        ca.fail("the second batch: %d flows alive at the stop, ports %s" % (len(alive),
                                                                          sorted(ports)))
    evicted = 0
    for cid, k in alive.items():
        rs = [r for r in recs if r["ct_id"] == cid]
        last = [r for r in rs if r["reason"] == "SHUTDOWN"]
        if len(last) != 1 or any(r["reason"] not in ("SHUTDOWN", "EVICTED") for r in rs):
            ca.fail("live flow %d: want one SHUTDOWN record, got %s" % (cid, rs))
        e = last[0]
        got = (e["total_packets"], e["total_bytes"], e["reply_total_packets"],
               e["reply_total_bytes"])
        sums = tuple(sum(r[f] for r in rs) for f in ("packets", "bytes", "reply_packets",
                                                      "reply_bytes"))
        if got != k or sums != k:
            ca.fail("live flow %d: SHUTDOWN totals %s, deltas add up to %s, kernel %s" %
                    (cid, got, sums, k))
        evicted += any(r["reason"] == "EVICTED" for r in rs)
    if evicted < FLOWS - ROOM:
        ca.fail("the second batch: only %d flows were refused" % evicted)


def check(recs, listed, text):
    by_id = {}
    for r in recs:
        if r["reason"] == "GAP":
            ca.fail("unexpected GAP record: %s" % r)
        by_id.setdefault(r["ct_id"], []).append(r)
    udp = [cid for cid in listed
           if any(r["proto"] == 17 and BASE_PORT <= r["dst_port"] < BASE_PORT + FLOWS
                  for r in by_id.get(cid, []))]
    if len(udp) != FLOWS:
        ca.fail("%d of the %d UDP flows have records" % (len(udp), FLOWS))
    evicted = 0
    for cid, k in listed.items():
        rs = by_id.get(cid, [])
        ends = [r for r in rs if r["reason"] == "END"]
        if len(ends) != 1:
            ca.fail("flow %d: %d END records (want 1): %s" % (cid, len(ends), rs))
        e = ends[0]
        got = (e["total_packets"], e["total_bytes"], e["reply_total_packets"],
               e["reply_total_bytes"])
        if got != k:
            ca.fail("flow %d: END totals %s, kernel listed %s" % (cid, got, k))
        ev = [r for r in rs if r["reason"] == "EVICTED"]
        if len(ev) > 1:
            ca.fail("flow %d: %d EVICTED records" % (cid, len(ev)))
        if ev:
            evicted += 1
            # Untracked: the final record cannot know earlier reports, so it carries it all.
            sums = (e["packets"], e["bytes"], e["reply_packets"], e["reply_bytes"])
            if sums != k:
                ca.fail("untracked flow %d: END deltas %s, totals %s" % (cid, sums, k))
            if ev[0]["time_flow_start_ns"] == 0:
                ca.fail("flow %d: EVICTED record without a start time" % cid)
        elif any(r["reason"] not in ("END",) for r in rs):
            ca.fail("tracked flow %d: unexpected records %s" % (cid, rs))
    if evicted < FLOWS - ROOM:
        ca.fail("%d EVICTED records for %d flows in a table for %d" % (evicted, FLOWS, ROOM))
    stream_evicted = sum(r["reason"] == "EVICTED" and r["ct_id"] in listed for r in recs)
    counted = ca.metric(text, "ctflow_table_evictions_total") or 0
    # Refused DESTROYs count too (they make END records), and scrapes go on making flows.
    if counted < stream_evicted:
        ca.fail("ctflow_table_evictions_total %d < %d EVICTED records" % (counted,
                                                                          stream_evicted))
    if (ca.metric(text, "ctflow_records_total", '{reason="evicted"}') or 0) < evicted:
        ca.fail("ctflow_records_total{reason=\"evicted\"} misses EVICTED records")
    return evicted


if __name__ == "__main__":
    main()
