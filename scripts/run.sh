#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what is missing, build, and start ctflow's main job: the flow
# collector (conntrackd) on its embedded defaults, in the foreground.
#   records:  /var/lib/ctflow/flows.pb  (read them with build/bin/ctflow-records)
#   metrics:  http://127.0.0.1:19466/metrics
# The collector only reads the kernel's conntrack table; it changes nothing.
#   scripts/run.sh           run until Ctrl-C (SIGTERM/SIGINT flush the records)
#   scripts/run.sh --demo    instead, a self-contained demo in a private network
#                            namespace with generated traffic (touches nothing)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built: build/bin/{conntrack,nfct,conntrackd,ctflow-records}"

if [ "${1:-}" = "--demo" ]; then
	exec scripts/demo-collector.sh
fi

echo "conntrackd: records in /var/lib/ctflow/flows.pb, metrics on http://127.0.0.1:19466/metrics"
echo "conntrackd: read records with: build/bin/ctflow-records /var/lib/ctflow/flows.pb"
# An empty configuration selects the embedded defaults: Debian's conntrackd
# package installs a Stats-mode /etc/conntrackd/conntrackd.conf, which is not
# the collector's.
exec build/bin/conntrackd -C /dev/null
