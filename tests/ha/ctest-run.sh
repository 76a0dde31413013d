#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ctest-run.sh ours|interop|selftest CONNTRACKD - the shared two-node harness
# (ha-harness.sh, as proven against conntrackd 1.4.7) run against ours:
#   ours      ours on both nodes, all tests;
#   interop   ours on fw1 with 1.4.7 on fw2, then the other way round;
#   selftest  the mutation self-test with ours as the mutated sender.
# Each run has its own namespace prefix, run dir and capture dir, so it never
# touches the reference captures in captures/ nor another run. Exits 77
# (skipped) when the harness's dependencies are missing, and says which.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=${1:?usage: ctest-run.sh ours|interop|selftest CONNTRACKD}
ours=${2:?usage: ctest-run.sh ours|interop|selftest CONNTRACKD}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the HA harness needs root (network namespaces)"
	exit 77
fi
if ! "$HERE/ha-harness.sh" deps >/dev/null 2>&1; then
	"$HERE/ha-harness.sh" deps
	echo "SKIP: the HA harness's dependencies are missing (scripts/deps.sh installs them)"
	exit 77
fi
run=$(mktemp -d "/tmp/ha-ctest-$mode.XXXXXX")
trap 'rm -rf "$run"' EXIT
export HA_PREFIX="ha_ct${mode:0:3}_" HA_RUNDIR="$run/run" HA_CAPTURE_DIR="$run/captures"
mkdir -p "$HA_CAPTURE_DIR"
case $mode in
ours)
	CONNTRACKD="$ours" "$HERE/ha-harness.sh" run
	;;
interop)
	CONNTRACKD_NEW="$ours" "$HERE/ha-harness.sh" interop
	;;
selftest)
	CONNTRACKD_REF="$ours" "$HERE/selftest/run-mutations.sh"
	;;
*)
	echo "unknown mode '$mode'" >&2
	exit 2
	;;
esac
