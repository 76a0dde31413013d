#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what is missing, build, and run every test: a -Werror build, then the
# same tests under ASan+UBSan, the threaded tests under TSan, and the fuzzers'
# bounded regression runs. Exits non-zero on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=$(nproc)
scripts/deps.sh

stage() { printf '\n=== %s ===\n' "$*"; }

build() {
	local dir=$1
	shift
	cmake -S . -B "$dir" -DCTF_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$JOBS"
}

run_ctest() {
	local dir=$1
	shift
	(cd "$dir" && ctest --output-on-failure --no-tests=error -j"$JOBS" "$@")
}

stage "build (gcc, -Werror)"
build build
stage "tests"
run_ctest build

stage "build (ASan + UBSan)"
build build-asan -DCTF_SANITIZE=address,undefined
stage "tests under ASan + UBSan"
# The oracle-against-itself checks run no code of ours: once (above) is enough.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	run_ctest build-asan -E 'selfcheck|selftest'


stage "build (TSan)"
build build-tsan -DCTF_SANITIZE=thread
stage "threaded tests under TSan"
TSAN_OPTIONS=halt_on_error=1 run_ctest build-tsan -L threads

stage "build (clang, libFuzzer)"
build build-fuzz -DCMAKE_C_COMPILER=clang -DCTF_FUZZ=ON
stage "fuzz regression"
run_ctest build-fuzz -L fuzz

stage "all tests passed"
