#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Event loss and CPU of our `conntrack -E` against Debian's 1.4.7, both
# listening at once on the same event stream in a private network namespace
# while collector_churn creates and deletes UDP entries at rising rates (each
# entry: one NEW and one DESTROY event). Nothing runs in the host's namespace.
#   bench/conntrack_events_bench.sh                 rates 20k 50k 100k 200k max, 5 s each
#   RATES="50000 0" SECS=10 bench/conntrack_events_bench.sh
#   ARGS="-o extended,id" bench/conntrack_events_bench.sh
#                                                   extra -E options for both
#   OUT=pipe bench/conntrack_events_bench.sh        stdout into a pipe (cat > file)
#                                                   instead of a file: the
#                                                   line-buffered path
#   FILTERED=0 bench/conntrack_events_bench.sh      skip the filtered phase
#   ALONE=1 bench/conntrack_events_bench.sh         one listener per round instead
#                                                   of both at once (they share
#                                                   the CPUs with each other and
#                                                   with the churn otherwise)
#   BUILD=build-foo bench/conntrack_events_bench.sh
# Output: one line per rate and listener: generated, delivered, loss %, the
# loss the listener itself reported (ours: "N flow events have been lost.";
# 1.4.7: its ENOBUFS warnings), CPU seconds per million delivered events.
# The filtered phase runs both with `-p tcp` (matches none of the UDP churn)
# at the highest rate: CPU per million *generated* events, which shows what
# filtering in the kernel (ours, classic BPF) saves over filtering in user
# space (1.4.7).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
RATES=${RATES:-"20000 50000 100000 200000 0"}
SECS=${SECS:-5}
ARGS=${ARGS:-}
OUT=${OUT:-file}
FILTERED=${FILTERED:-1}
ALONE=${ALONE:-0}
ORACLE=${ORACLE:-/usr/sbin/conntrack}
NS=ctf_bench_ev
TICK=$(getconf CLK_TCK)

[ "$(id -u)" -eq 0 ] || { echo "conntrack_events_bench: run as root" >&2; exit 1; }
for b in conntrack collector_churn; do
	[ -x "$BUILD/bin/$b" ] || { echo "conntrack_events_bench: build $BUILD/bin/$b first" >&2; exit 1; }
done
[ -x "$ORACLE" ] || { echo "conntrack_events_bench: $ORACLE (1.4.7) not found" >&2; exit 1; }

TMP=$(mktemp -d /tmp/ctf_bench_ev.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

new_ns() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}

# start NAME BINARY ARGS...: a listener with stdout in $TMP/NAME.out (through a
# pipe with OUT=pipe); sets LPID to the listener's own pid.
start() {
	local name=$1 bin=$2
	shift 2
	if [ "$OUT" = pipe ]; then
		rm -f "$TMP/$name.fifo"
		mkfifo "$TMP/$name.fifo"
		cat <"$TMP/$name.fifo" >"$TMP/$name.out" &
		PIDS+=($!)
		ip netns exec "$NS" "$bin" -E "$@" >"$TMP/$name.fifo" 2>"$TMP/$name.err" &
	else
		ip netns exec "$NS" "$bin" -E "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	fi
	LPID=$!
	PIDS+=("$LPID")
}

# stop PID: SIGINT (the summary), then wait for it to go.
stop() {
	kill -INT "$1" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	kill "$1" 2>/dev/null || true
}

report() { # rate name delivered generated cpu_ticks self-reported-loss per
	awk -v r="$1" -v n="$2" -v d="$3" -v g="$4" -v c="$5" -v l="$6" -v per="$7" -v t="$TICK" 'BEGIN {
		loss = g > 0 ? 100 * (g - d) / g : 0; if (loss < 0) loss = 0
		ls = per == "gen" ? "   n/a " : sprintf("%6.2f%%", loss)
		base = per == "gen" ? g : d
		cpu = base > 0 ? (c / t) / (base / 1e6) : 0
		printf "%-8s %-14s generated %9d delivered %9d loss %s  reported %-10s cpu %.2f s/M %s events\n",
			r == 0 ? "max" : r, n, g, d, ls, l, cpu, per == "gen" ? "generated" : "delivered" }'
}

# run RATE PER WHO ARGS...: one round; PER is "del" or "gen", WHO "ours",
# "1.4.7" or "both" (listening at once on the same stream).
run() {
	local rate=$1 per=$2 who=$3 name bin pid out created gen lost
	local -A p0 p1 pids
	shift 3
	new_ns
	for name in ours 1.4.7; do
		[ "$who" = both ] || [ "$who" = "$name" ] || continue
		bin=$ORACLE
		[ "$name" = ours ] && bin=$BUILD/bin/conntrack
		start "$name" "$bin" "$@"
		pids[$name]=$LPID
	done
	sleep 1
	for name in "${!pids[@]}"; do p0[$name]=$(cpu_ticks "${pids[$name]}"); done
	out=$(ip netns exec "$NS" "$BUILD/bin/collector_churn" "$rate" "$SECS")
	created=$(echo "$out" | awk '{print $2}')
	gen=$((created * 2))
	sleep 3 # let the listeners drain their sockets
	for name in "${!pids[@]}"; do p1[$name]=$(cpu_ticks "${pids[$name]}"); done
	for name in "${!pids[@]}"; do stop "${pids[$name]}"; done
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	PIDS=()
	for name in ours 1.4.7; do
		[ -n "${pids[$name]:-}" ] || continue
		if [ "$name" = ours ]; then
			lost=$(sed -n 's/.* \([0-9]*\) flow events have been lost\./\1/p' "$TMP/$name.err")
			lost=${lost:-0}
		else
			lost="$(grep -c 'ENOBUFS' "$TMP/$name.err" || true)warn"
		fi
		report "$rate" "$name" "$(wc -l <"$TMP/$name.out")" "$gen" \
			$((p1[$name] - p0[$name])) "$lost" "$per"
	done
}

echo "# conntrack -E benchmark: $SECS s per rate, stdout to a $OUT, $(nproc) CPUs," \
	"kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$ARGS" ] || echo "# options: -E $ARGS"
for RATE in $RATES; do
	if [ "$ALONE" = 1 ]; then
		# shellcheck disable=SC2086
		run "$RATE" del ours $ARGS
		# shellcheck disable=SC2086
		run "$RATE" del 1.4.7 $ARGS
	else
		# shellcheck disable=SC2086
		run "$RATE" del both $ARGS
	fi
done
if [ "$FILTERED" = 1 ]; then
	echo "# filtered: -E -p tcp (none of the UDP churn matches)"
	last=${RATES##* }
	# shellcheck disable=SC2086
	run "$last" gen both $ARGS -p tcp
fi
