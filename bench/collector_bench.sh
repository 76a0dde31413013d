#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Event-loss and CPU benchmark of the collector against conntrack -E (1.4.7)
# and ulogd2's NFCT plugin (JSON output), all listening at once in a private
# network namespace while collector_churn creates and deletes entries at
# rising rates (each entry: one NEW and one DESTROY event). Then a scale phase
# holds LIVE entries to measure the collector's memory per flow and the
# /metrics scrape time. Nothing runs in the host's namespace.
#   bench/collector_bench.sh                   rates 25k 50k 100k 225k max, 5 s each
#   RATES="50000 0" SECS=10 bench/collector_bench.sh
#   LIVE=250000 bench/collector_bench.sh       scale phase size (<= nf_conntrack_max)
#   RAISE_MAX=1 LIVE=1000000 bench/collector_bench.sh
#                                              raise the host's nf_conntrack_max for
#                                              the run (a namespace cannot; restored after)
#   BUILD=build-foo bench/collector_bench.sh
# Output: one line per rate and consumer: generated, delivered, loss %, CPU
# seconds per million events; then memory/flow and scrape time.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
RATES=${RATES:-"25000 50000 100000 225000 0"}
SECS=${SECS:-5}
LIVE=${LIVE:-200000}
NS=ctf_bench_coll
PORT=19468
TICK=$(getconf CLK_TCK)

[ "$(id -u)" -eq 0 ] || { echo "collector_bench: run as root" >&2; exit 1; }
for b in conntrackd collector_churn; do
	[ -x "$BUILD/bin/$b" ] || { echo "collector_bench: build $BUILD/bin/$b first" >&2; exit 1; }
done
ULOGD=$(command -v ulogd || true)
ULOGD_LIB=$(dirname "$(find /usr/lib -name ulogd_inpflow_NFCT.so 2>/dev/null | head -n1)" 2>/dev/null || true)
[ -n "$ULOGD" ] && [ -f "$ULOGD_LIB/ulogd_output_JSON.so" ] ||
	{ echo "# ulogd2 (with ulogd2-json) not installed: apt-get install ulogd2 ulogd2-json"; ULOGD=; }

TMP=$(mktemp -d /tmp/ctf_bench_coll.XXXXXX)
PIDS=()
MAXFILE=/proc/sys/net/netfilter/nf_conntrack_max
OLD_MAX=$(cat "$MAXFILE")
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
	[ "$(cat "$MAXFILE")" = "$OLD_MAX" ] || echo "$OLD_MAX" >"$MAXFILE"
}
trap cleanup EXIT INT TERM

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
scrape() { ip netns exec "$NS" python3 -c "import urllib.request,sys;sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$PORT/metrics',timeout=30).read().decode())"; }
events_total() { scrape | awk '/^ctflow_events_total/ {s += $2} END {printf "%d", s}'; }

new_ns() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
		net.netfilter.nf_conntrack_timestamp=1
}

start_collector() {
	cat >"$TMP/c.conf" <<CONF
General {
	LockFile $TMP/lock
	NetlinkBufferSize 67108864
	NetlinkBufferSizeMaxGrowth 268435456
}
Collector {
	CounterPollInterval 60
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
	rm -f "$TMP"/flows.pb* "$TMP/lock"
	ip netns exec "$NS" "$BUILD/bin/conntrackd" -C "$TMP/c.conf" 2>"$TMP/collector.log" &
	CPID=$!
	PIDS+=("$CPID")
	for _ in $(seq 50); do scrape >/dev/null 2>&1 && return; sleep 0.1; done
	echo "collector_bench: the collector did not start" >&2
	cat "$TMP/collector.log" >&2
	exit 1
}

start_others() {
	ip netns exec "$NS" conntrack -E -o id >"$TMP/ctE.txt" 2>"$TMP/ctE.err" &
	EPID=$!
	PIDS+=("$EPID")
	UPID=
	if [ -n "$ULOGD" ]; then
		cat >"$TMP/ulogd.conf" <<UCONF
[global]
logfile="$TMP/ulogd.log"
loglevel=5
plugin="$ULOGD_LIB/ulogd_inpflow_NFCT.so"
plugin="$ULOGD_LIB/ulogd_filter_IP2STR.so"
plugin="$ULOGD_LIB/ulogd_output_JSON.so"
stack=ct1:NFCT,ip2str1:IP2STR,json1:JSON
[ct1]
event_mask=0x00000007
hash_enable=0
[json1]
sync=0
file="$TMP/ulogd.json"
UCONF
		: >"$TMP/ulogd.json"
		ip netns exec "$NS" "$ULOGD" -c "$TMP/ulogd.conf" &
		UPID=$!
		PIDS+=("$UPID")
	fi
	sleep 1
}

report() { # name delivered generated cpu_ticks
	awk -v n="$1" -v d="$2" -v g="$3" -v c="$4" -v t="$TICK" -v r="$RATE" 'BEGIN {
		loss = g > 0 ? 100 * (g - d) / g : 0; if (loss < 0) loss = 0
		cpu = d > 0 ? (c / t) / (d / 1e6) : 0
		printf "%-8s %-12s generated %9d delivered %9d loss %6.2f%%  cpu %.2f s/M events\n",
			r == 0 ? "max" : r, n, g, d, loss, cpu }'
}

echo "# collector benchmark: $SECS s per rate, $(nproc) CPUs, kernel $(uname -r)"
for RATE in $RATES; do
	new_ns
	start_collector
	start_others
	c0=$(cpu_ticks "$CPID"); e0=$(cpu_ticks "$EPID"); u0=0
	[ -n "$UPID" ] && u0=$(cpu_ticks "$UPID")
	base=$(events_total)
	out=$(ip netns exec "$NS" "$BUILD/bin/collector_churn" "$RATE" "$SECS")
	created=$(echo "$out" | awk '{print $2}')
	gen=$((created * 2))
	sleep 3 # let every consumer drain its socket
	report conntrackd $(($(events_total) - base)) "$gen" $(($(cpu_ticks "$CPID") - c0))
	report "conntrack-E" "$(wc -l <"$TMP/ctE.txt")" "$gen" $(($(cpu_ticks "$EPID") - e0))
	if [ -n "$UPID" ]; then
		report ulogd2 "$(wc -l <"$TMP/ulogd.json")" "$gen" $(($(cpu_ticks "$UPID") - u0))
	fi
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	PIDS=()
done

# Scale: hold LIVE entries, compare the collector's RSS with and without them.
if [ "${RAISE_MAX:-0}" = 1 ] && [ "$OLD_MAX" -lt $((LIVE + 100000)) ]; then
	echo $((LIVE + 100000)) >"$MAXFILE"
fi
[ "$LIVE" -lt "$(cat "$MAXFILE")" ] ||
	{ echo "collector_bench: LIVE=$LIVE exceeds nf_conntrack_max (see RAISE_MAX=1)" >&2; exit 1; }
new_ns
start_collector
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$CPID/status")
ip netns exec "$NS" "$BUILD/bin/collector_churn" 0 0 "$LIVE" >/dev/null
for _ in $(seq 600); do
	n=$(scrape | awk '/^ctflow_table_flows/ {print $2}')
	[ "${n:-0}" -ge "$LIVE" ] && break
	sleep 0.5
done
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$CPID/status")
# Ten scrapes timed inside one client process (no process start-up in the figure).
ms=$(ip netns exec "$NS" python3 -c "
import time, urllib.request
t = time.monotonic()
for _ in range(10):
    urllib.request.urlopen('http://127.0.0.1:$PORT/metrics', timeout=30).read()
print((time.monotonic() - t) * 100)")
awk -v a="$rss0" -v b="$rss1" -v n="${n:-0}" -v t0=0 -v t1="$ms" 'BEGIN {
	fmt = "scale    %d flows: collector RSS +%.1f MiB = %.0f bytes/flow touched; /metrics scrape %.1f ms\n"
	printf fmt, n, (b - a) / 1024, (n > 0 ? (b - a) * 1024 / n : 0), t1 }'
scrape | grep -E '^ctflow_table_memory_bytes|^ctflow_table_capacity|^process_resident_memory_bytes'
