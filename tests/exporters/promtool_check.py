#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""promtool check metrics finds nothing wrong with a realistic /metrics page from our server
(counters, gauges, a histogram, NaN, +Inf, escaped HELP text and label values)."""
import subprocess
import urllib.request

from exptest import check, start_demo, tool


def main():
    promtool = tool('promtool', 'prometheus')
    proc, port = start_demo()
    try:
        with urllib.request.urlopen('http://127.0.0.1:%d/metrics' % port, timeout=10) as r:
            ctype = r.headers['Content-Type']
            page = r.read()
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    check(ctype == 'text/plain; version=0.0.4; charset=utf-8', 'content type ' + ctype)
    text = page.decode()
    check('ctflow_demo_flow_ratio{netns="a \\"quoted\\" \\\\ name\\nwith a newline"} NaN\n'
          in text, 'label value escaped')
    check('# HELP ctflow_demo_batch_events Events per netlink receive.\\nA second line, '
          'and a \\\\ backslash.\n' in text, 'HELP escaped')
    check('ctflow_demo_table_limit +Inf\n' in text, '+Inf')
    check('ctflow_demo_bytes_total 18446744073709551615\n' in text, 'exact uint64')
    r = subprocess.run([promtool, 'check', 'metrics'], input=page, capture_output=True,
                       timeout=30, check=False)
    print(r.stdout.decode() + r.stderr.decode())
    check(r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(),
          'promtool check metrics: no problems')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
