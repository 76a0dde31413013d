#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages ctflow needs to build, test and benchmark.
# Only missing packages are installed; safe to run again.
set -euo pipefail

PACKAGES=(
	# build
	build-essential cmake pkg-config git
	libmnl-dev libnetfilter-conntrack-dev liburing-dev
	protobuf-c-compiler libprotobuf-c-dev libmicrohttpd-dev librdkafka-dev
	# tests
	libcmocka-dev python3 clang llvm libclang-rt-14-dev protobuf-compiler prometheus
	iproute2 nftables iptables procps
	# the two-node HA harness (tests/ha)
	tcpdump netbase util-linux iputils-ping
	# the reference tools we are tested against
	conntrack conntrackd nfct
	# benchmarks
	hyperfine time ulogd2 ulogd2-json
)

if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/deps.sh: run as root (it installs packages with apt-get)" >&2
	exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
