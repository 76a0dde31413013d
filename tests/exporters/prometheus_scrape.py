#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A real Prometheus scrapes our /metrics server on loopback and answers API queries with our
values: the counter, a label value full of escapes, a NaN gauge, up == 1. Runs in a network
namespace of its own when it can (root), else on the host's loopback with free ports. Every
wait is bounded; both servers are stopped at the end."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from exptest import check, fail, start_demo, tool, wait_for

CONFIG = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ctflow
    static_configs:
      - targets: ['127.0.0.1:%d']
"""


def in_own_netns():
    """Re-run this script under unshare -n (loopback up) when we are allowed to."""
    if os.environ.get('CTF_EXP_NETNS') or os.geteuid() != 0:
        return
    env = dict(os.environ, CTF_EXP_NETNS='1')
    probe = subprocess.run(['unshare', '-n', 'true'], capture_output=True, check=False)
    if probe.returncode:
        print('no network namespace (%s): using the host loopback' % probe.stderr.decode())
        return
    script = 'ip link set lo up && exec "$0" "$@"'
    r = subprocess.run(['unshare', '-n', 'sh', '-c', script, sys.executable, *sys.argv],
                       env=env, check=False)
    sys.exit(r.returncode)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except (OSError, ValueError):
        return None, ''


def query(api, expr):
    """The result vector of an instant query; [] until Prometheus has the series."""
    status, body = get(api + '/api/v1/query?query=' + urllib.parse.quote(expr))
    if status != 200:
        return []
    doc = json.loads(body)
    return doc['data']['result'] if doc.get('status') == 'success' else []


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(prometheus, tmp):
    demo, port = start_demo()
    web = free_port()
    cfg = os.path.join(tmp, 'prometheus.yml')
    with open(cfg, 'w') as f:
        f.write(CONFIG % port)
    log = open(os.path.join(tmp, 'prometheus.log'), 'w')
    prom = subprocess.Popen([prometheus, '--config.file=' + cfg,
                             '--storage.tsdb.path=' + os.path.join(tmp, 'tsdb'),
                             '--web.listen-address=127.0.0.1:%d' % web, '--log.level=warn'],
                            stdout=log, stderr=log)
    api = 'http://127.0.0.1:%d' % web
    try:
        wait_for('Prometheus to be ready', lambda: get(api + '/-/ready')[0] == 200, 60)
        up = wait_for('a scrape', lambda: query(api, 'up{job="ctflow"}'), 30)
        check(up[0]['value'][1] == '1', 'up{job="ctflow"} == 1: the scrape worked')
        rec = wait_for('the counter', lambda: query(
            api, 'ctflow_demo_records_total{reason="end"}'), 30)
        check(int(rec[0]['value'][1]) % 7 == 0 and int(rec[0]['value'][1]) > 0,
              'ctflow_demo_records_total{reason="end"} = %s' % rec[0]['value'][1])
        odd = wait_for('the NaN gauge', lambda: query(api, 'ctflow_demo_flow_ratio'), 30)
        check(odd[0]['metric']['netns'] == 'a "quoted" \\ name\nwith a newline',
              'the escaped label value reads back as it was')
        check(odd[0]['value'][1] == 'NaN', 'NaN reads back as NaN')
        inf = query(api, 'ctflow_demo_table_limit')
        check(inf and inf[0]['value'][1] == '+Inf', '+Inf reads back as +Inf')
        hist = query(api, 'histogram_quantile(0.5, ctflow_demo_batch_events_bucket)')
        check(hist and float(hist[0]['value'][1]) > 1, 'the histogram is usable')
    finally:
        stop(prom)
        log.close()
        demo.stdin.close()
        demo.wait(timeout=10)
    if prom.returncode not in (0, -signal.SIGTERM):
        with open(os.path.join(tmp, 'prometheus.log')) as f:
            print(f.read())
        fail('prometheus exited with %d' % prom.returncode)


def main():
    prometheus = tool('prometheus', 'prometheus')
    in_own_netns()
    with tempfile.TemporaryDirectory() as tmp:
        run(prometheus, tmp)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
