#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The collector in a private network namespace with generated traffic: within
# seconds it shows flow records (read back with ctflow-records) and a /metrics
# excerpt, then cleans up. Nothing on the host is touched: the daemon, the
# traffic, the record file's namespace and the HTTP listener all live in the
# demo namespace, and the records go to a temporary directory.
#   scripts/demo-collector.sh              8 seconds of traffic
#   SECS=30 scripts/demo-collector.sh      longer
#   BUILD=build-foo scripts/demo-collector.sh   another build directory
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
SECS=${SECS:-8}
NS=ctf_demo_coll
PORT=19466

if [ "$(id -u)" -ne 0 ]; then
	echo "demo-collector: run as root (it creates a network namespace)" >&2
	exit 1
fi
if [ ! -x "$BUILD/bin/conntrackd" ] || [ ! -x "$BUILD/bin/ctflow-records" ]; then
	echo "demo-collector: building in $BUILD"
	cmake -S . -B "$BUILD" >/dev/null
	cmake --build "$BUILD" -j"$(nproc)" >/dev/null
fi

TMP=$(mktemp -d /tmp/ctf_demo_coll.XXXXXX)
cleanup() {
	[ -n "${DAEMON:-}" ] && kill -TERM "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

cat >"$TMP/conntrackd.conf" <<CONF
General {
	LockFile $TMP/lock
}
Collector {
	ActiveTimeout 4
	CounterPollInterval 2
	EnableAccounting on
}
Exporters {
	File {
		Path $TMP/flows.pb
	}
	Prometheus {
		Address 127.0.0.1
		Port $PORT
	}
}
CONF

ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
# Short timeouts so that flows end (and get their END record) while we watch.
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3 \
	net.netfilter.nf_conntrack_icmp_timeout=3 \
	net.netfilter.nf_conntrack_tcp_timeout_time_wait=3 2>/dev/null ||
	echo "demo-collector: conntrack sysctls not there yet, keeping the defaults"

echo "--- starting: conntrackd -C $TMP/conntrackd.conf (in namespace $NS)"
ip netns exec "$NS" "$BUILD/bin/conntrackd" -C "$TMP/conntrackd.conf" 2>"$TMP/log" &
DAEMON=$!
sleep 1
echo "--- generating traffic for ${SECS}s (scripts/traffic.py)"
ip netns exec "$NS" python3 scripts/traffic.py --seconds "$SECS" --rate 20
sleep 5 # let UDP, ICMP and TIME_WAIT entries expire: END records

echo
echo "--- /metrics excerpt (curl http://127.0.0.1:$PORT/metrics in $NS)"
ip netns exec "$NS" python3 - "$PORT" <<'PY' | grep -E '^ctflow_(flows|events_total|records_total|table_flows|flow_bytes_total\{protocol="tcp")' | head -n 20
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())
PY

kill -TERM "$DAEMON"
wait "$DAEMON" || true
DAEMON=
echo
echo "--- records ($BUILD/bin/ctflow-records $TMP/flows.pb), the last 12 of" \
	"$("$BUILD/bin/ctflow-records" "$TMP/flows.pb" | wc -l)"
"$BUILD/bin/ctflow-records" "$TMP/flows.pb" | tail -n 12
echo
echo "--- by reason"
"$BUILD/bin/ctflow-records" "$TMP/flows.pb" | awk '{print $2}' | sort | uniq -c
echo
echo "--- collector log"
cat "$TMP/log"
