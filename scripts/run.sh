#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what is missing, build, and start ctflow's main job on its embedded
# defaults, in a private demo network namespace with generated traffic, so
# nothing on the host is touched. Until the collector lands, the main job is
# `conntrack` listing the demo namespace's table every few seconds.
#   scripts/run.sh            run until Ctrl-C
#   scripts/run.sh --once     one listing, then exit
set -euo pipefail
cd "$(dirname "$0")/.."

ONCE=0
[ "${1:-}" = "--once" ] && ONCE=1
NS=ctf_demo

scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built: build/bin/conntrack"

cleanup() {
	[ -n "${TRAFFIC_PID:-}" ] && kill "$TRAFFIC_PID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_timestamp=1
ip netns exec "$NS" python3 scripts/traffic.py --seconds 0 --rate 20 >/dev/null &
TRAFFIC_PID=$!
sleep 2

while :; do
	printf '\n--- conntrack --netns %s -L -o extended (%s) ---\n' "$NS" "$(date +%T)"
	build/bin/conntrack --netns "$NS" -L -o extended
	[ "$ONCE" = 1 ] && break
	sleep 3
done
