#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# HA state-sync benchmark: ctflow's conntrackd against Debian's 1.4.7, side by side in one run
# on the two-node topology of tests/ha/ha-harness.sh (FTFW over UDP, the harness's configs).
#
#   bench/sync_bench.sh                    N=100000 entries, 3 rounds
#   N=10000 ROUNDS=5 bench/sync_bench.sh
#   bench/sync_bench.sh --loss             adds metric 4 (10 % loss each way)
#   BUILD=/work/main/build-foo REF=/usr/sbin/conntrackd bench/sync_bench.sh
#
# Knobs: N (100000, at most 3300000), ROUNDS (3), BUILD (build-bench2 next to this folder:
# bin/conntrackd and bin/conntrack), REF (/usr/sbin/conntrackd), LOSS (10 %), SETTLE (2.5 s
# between the start of the daemons and the injection, so that the FTFW HELLO handshake is over),
# REPL_TIMEOUT (60 s), COMMIT_TIMEOUT (120 s). Needs root. Build ours first, in Release:
#   cmake -S . -B build-bench2 -DCTF_WERROR=ON -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench2 -j2 --target conntrackd conntrack
#
# Every round measures both implementations one after the other (ours first in odd rounds,
# 1.4.7 first in even ones), with the same binary on both nodes:
#  1. replication: N TCP ESTABLISHED entries 192.0.2.200-:1024- -> 198.51.100.200:443 with
#     marks (hatool.py's bulk set) are loaded on fw1 with ctflow's `conntrack -R FILE`; the time
#     from the start of that load until fw2's `-s` shows N "current active connections" in the
#     external cache (polled every 0.1 s; lag_after_load_s is that time minus the load's own
#     duration, inject_s), and the CPU time (utime + stime from /proc/PID/stat)
#     both daemons used meanwhile;
#  2. `-c` on fw2 into an empty kernel table: wall time and the "commit has taken" log line;
#  3. `-c` on fw2 again, all N entries present;
#  4. (--loss) fresh daemons, LOSS % nft `numgen` drop on both sync0 ingress hooks (the
#     harness's nft method) switched on after SETTLE, then the same load; time until fw2 has N.
# Before every measurement the daemons are (re)started and both kernel tables are flushed and
# checked empty. The summary gives min/median/max per metric and implementation, and the ratio
# of the medians 1.4.7/ours (> 1: ours is faster or uses less CPU). CPU times come in clock
# ticks (10 ms). The raw figures stay in /tmp/ha-bench/bench/results.txt, the harness's and
# the daemons' logs in /tmp/ha-bench/bench and /tmp/ha-bench/log. Exit status 1 if any
# measurement failed (a bounded wait ran out, a commit left entries out, malformed messages).
#
# Safety: everything runs in the harness's namespaces ha_bench_{fw1,fw2,cl,sv} (run dir
# /tmp/ha-bench, captures /tmp/ha-bench-cap); the main namespace is never read or changed.
# The EXIT trap stops the daemons and tears the topology down, also on INT/TERM and errors.
# The timed and polled client calls run the command line `ha-harness.sh ctl` runs (ip netns
# exec NS timeout T BIN -C CONF ARGS) directly, so that the harness's own shell start-up is not
# part of the timings.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARNESS=$HERE/../tests/ha/ha-harness.sh
N=${N:-100000}
ROUNDS=${ROUNDS:-3}
BUILD=${BUILD:-$HERE/../build-bench2}
REF=${REF:-/usr/sbin/conntrackd}
LOSS=${LOSS:-10}
SETTLE=${SETTLE:-2.5}
REPL_TIMEOUT=${REPL_TIMEOUT:-60}
COMMIT_TIMEOUT=${COMMIT_TIMEOUT:-120}
WITH_LOSS=0

export HA_PREFIX=ha_bench_ HA_RUNDIR=/tmp/ha-bench HA_CAPTURE_DIR=/tmp/ha-bench-cap
FW1=${HA_PREFIX}fw1
FW2=${HA_PREFIX}fw2
BENCH=$HA_RUNDIR/bench
TICK=$(getconf CLK_TCK)

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; }

for a in "$@"; do
	case $a in
	--loss) WITH_LOSS=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "sync_bench: unknown argument $a" >&2; usage >&2; exit 2 ;;
	esac
done
case "$N$ROUNDS" in *[!0-9]*) echo "sync_bench: N and ROUNDS must be numbers" >&2; exit 2 ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 3300000 ] && [ "$ROUNDS" -ge 1 ] ||
	{ echo "sync_bench: need 1 <= N <= 3300000 and ROUNDS >= 1" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "sync_bench: run as root" >&2; exit 1; }
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "sync_bench: no build dir $BUILD" >&2; exit 1; }
OURS=$BUILD/bin/conntrackd
CT=$BUILD/bin/conntrack
for b in "$OURS" "$CT" "$REF"; do
	[ -x "$b" ] || { echo "sync_bench: $b missing (build: cmake --build $BUILD --target conntrackd conntrack)" >&2; exit 1; }
done
export CONNTRACK=$CT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
over() { awk -v a="$1" -v b="$(now)" -v t="$2" 'BEGIN { exit !(b - a > t) }'; }
impl_bin() { case $1 in ours) echo "$OURS" ;; ref) echo "$REF" ;; esac; }
impl_name() { case $1 in ours) echo ours ;; ref) echo 1.4.7 ;; esac; }

# the harness, with both nodes running implementation $IMPL
harness() {
	local b
	b=$(impl_bin "${IMPL:-ref}")
	# fd 9 is our lock: the daemons must not inherit it
	CONNTRACKD_A=$b CONNTRACKD_B=$b "$HARNESS" "$@" 9>&-
}

# what `ha-harness.sh ctl NODE ARGS` runs, without the harness's start-up
cli() {  # NS CONF TIMEOUT ARGS...
	local n=$1 conf=$2 to=$3
	shift 3
	ip netns exec "$n" timeout "$to" "$(impl_bin "$IMPL")" -C "$conf" "$@"
}
cli_b() { cli "$FW2" "$HA_RUNDIR/conf/fw2.conf" "$@"; }

ext_count() {  # "current active connections" of fw2's external cache, or -1
	cli_b 5 -s 2>/dev/null |
		awk '/^cache external:/ { f = 1 } f && /current active connections/ { print $NF; found = 1; exit }
		     END { if (!found) print -1 }'
}

kern_count() {  # NS -> number of bench entries in that kernel table
	ip netns exec "$1" "$CT" -L -p tcp -d 198.51.100.200 --dport 443 2>/dev/null | grep -c 'dport=443 '
}

flush_kernels() {
	local n
	for n in "$FW1" "$FW2"; do ip netns exec "$n" "$CT" -F >/dev/null 2>&1; done
	for n in "$FW1" "$FW2"; do
		[ "$(kern_count "$n")" -eq 0 ] || { echo "sync_bench: $n kernel table not empty after -F" >&2; return 1; }
	done
}

# The daemon's pid from the harness's pid file, checked against `ip netns pids` and the binary.
daemon_pid() {  # NODE_NAME NS
	local pid
	pid=$(cat "$HA_RUNDIR/pids/ctd-$1.pid" 2>/dev/null) || return 1
	ip netns pids "$2" 2>/dev/null | grep -qx "$pid" || return 1
	[ "$(readlink -f "/proc/$pid/exe")" = "$(readlink -f "$(impl_bin "$IMPL")")" ] || return 1
	echo "$pid"
}

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }  # utime + stime
cpu_s() { awk -v a="$1" -v b="$2" -v t="$TICK" 'BEGIN { printf "%.2f", (b - a) / t }'; }

# metric lines: IMPL METRIC VALUE (FAIL when a bounded wait ran out)
record() { echo "$*" >>"$BENCH/results.txt"; }  # "IMPL METRIC VALUE"
failed=0
fail() { echo "    FAIL - $*"; failed=$((failed + 1)); }

gen_entries() {  # hatool.py's bulk set, as conntrack -R input
	awk -v n="$N" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "-I -s 192.0.2.%d -d 198.51.100.200 -p tcp --sport %d --dport 443 " \
			       "--state ESTABLISHED -u SEEN_REPLY,ASSURED -t 600 -m %d\n",
			       200 + int(i / 60000), 1024 + i % 60000, 4096 + i % 256 }' >"$BENCH/entries.txt"
}

start_daemons() {
	flush_kernels || return 1
	harness start ftfw udp >>"$BENCH/harness.log" 2>&1 || { fail "$(impl_name "$IMPL"): daemons did not start"; return 1; }
	PID_A=$(daemon_pid fw1 "$FW1") && PID_B=$(daemon_pid fw2 "$FW2") ||
		{ fail "$(impl_name "$IMPL"): daemon pids not found in $FW1/$FW2"; return 1; }
	sleep "$SETTLE"
}

stop_daemons() {
	harness stop >>"$BENCH/harness.log" 2>&1
	flush_kernels
}

loss_on() {  # the harness's nft loss method (loss_on in ha-harness.sh), both sync0 ingress hooks
	local n
	for n in "$FW1" "$FW2"; do
		ip netns exec "$n" nft -f - <<-EOF || return 1
		table netdev ha_loss {
			chain ingress {
				type filter hook ingress device "sync0" priority -500; policy accept;
				numgen random mod 100 < $LOSS counter drop
			}
		}
		EOF
	done
}

loss_drops() {  # NS -> packets dropped so far
	ip netns exec "$1" nft list table netdev ha_loss 2>/dev/null |
		awk '/counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

loss_off() {
	local n
	for n in "$FW1" "$FW2"; do ip netns exec "$n" nft delete table netdev ha_loss 2>/dev/null; done
	return 0
}

shown() { if [ -n "$1" ]; then echo "${1}s"; else echo "(timed out)"; fi; }

# Load the entries on fw1 in the background, poll fw2's external cache every 0.1 s.
# Sets T_REPL (or empty on timeout), T_INJ, CPU_A, CPU_B.
inject_and_wait() {
	local a0 b0 t0 cnt=0 rc
	a0=$(cpu_ticks "$PID_A"); b0=$(cpu_ticks "$PID_B")
	t0=$(now)
	( ip netns exec "$FW1" "$CT" -R "$BENCH/entries.txt" >"$BENCH/inject.log" 2>&1
	  echo "$? $(now)" >"$BENCH/inject.done" ) &
	INJ_PID=$!
	T_REPL=
	while :; do
		cnt=$(ext_count)
		if [ "$cnt" -ge "$N" ]; then T_REPL=$(since "$t0"); break; fi
		over "$t0" "$REPL_TIMEOUT" && break
		sleep 0.1
	done
	CPU_A=$(cpu_s "$a0" "$(cpu_ticks "$PID_A")"); CPU_B=$(cpu_s "$b0" "$(cpu_ticks "$PID_B")")
	wait "$INJ_PID"
	INJ_PID=
	read -r rc t1 <"$BENCH/inject.done"
	T_INJ=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	[ "$rc" = 0 ] || fail "conntrack -R on fw1 exited $rc: $(tail -n 2 "$BENCH/inject.log")"
	[ -n "$T_REPL" ] || fail "$(impl_name "$IMPL"): fw2 external cache at $cnt/$N after ${REPL_TIMEOUT}s"
}

commit_once() {  # LABEL: time -c on fw2, record wall, log and fw2 CPU time
	local label=$1 log=$HA_RUNDIR/log/fw2.conntrackd.log lines t0 wall b0 took rc kn
	lines=$(wc -l <"$log" 2>/dev/null || echo 0)
	b0=$(cpu_ticks "$PID_B")
	t0=$(now)
	cli_b "$COMMIT_TIMEOUT" -c >>"$BENCH/commit.log" 2>&1
	rc=$?
	wall=$(since "$t0")
	took=$(tail -n +"$((lines + 1))" "$log" 2>/dev/null |
		sed -n 's/.*commit has taken \([0-9.]*\) seconds.*/\1/p' | tail -n 1)
	kn=$(kern_count "$FW2")
	echo "    -c ($label): ${wall}s wall, log ${took:-?}s, fw2 CPU $(cpu_s "$b0" "$(cpu_ticks "$PID_B")")s, fw2 kernel $kn/$N"
	if [ "$rc" -ne 0 ] || [ "$kn" -lt "$N" ]; then
		fail "$(impl_name "$IMPL"): -c ($label) exit $rc, fw2 kernel holds $kn/$N"
		record "$IMPL commit_${label}_wall FAIL"
		return 1
	fi
	record "$IMPL commit_${label}_wall $wall"
	[ -n "$took" ] && record "$IMPL commit_${label}_log $took"
	record "$IMPL commit_${label}_cpu_fw2 $(cpu_s "$b0" "$(cpu_ticks "$PID_B")")"
}

measure_main() {  # metrics 1-3 for $IMPL
	start_daemons || return 1
	inject_and_wait
	echo "    replication: load ${T_INJ}s, all $N on fw2 after $(shown "$T_REPL"), CPU fw1 ${CPU_A}s fw2 ${CPU_B}s"
	record "$IMPL inject_s $T_INJ"
	[ -n "$T_REPL" ] || { record "$IMPL replication_s FAIL"; stop_daemons; return 1; }
	record "$IMPL replication_s $T_REPL"
	# how long fw2 trailed the end of the load (0.1 s poll granularity)
	record "$IMPL lag_after_load_s $(awk -v a="$T_REPL" -v b="$T_INJ" 'BEGIN { printf "%.3f", (a > b ? a - b : 0) }')"
	record "$IMPL cpu_fw1_s $CPU_A"
	record "$IMPL cpu_fw2_s $CPU_B"
	record "$IMPL cpu_both_s $(awk -v a="$CPU_A" -v b="$CPU_B" 'BEGIN { printf "%.2f", a + b }')"
	[ "$(kern_count "$FW2")" -eq 0 ] || fail "$(impl_name "$IMPL"): fw2 kernel not empty before -c"
	commit_once fresh && commit_once present
	malformed
	stop_daemons
}

malformed() {  # the harness's interop alarm, untimed, through `ha-harness.sh ctl`
	local node m
	for node in A B; do
		m=$(harness ctl "$node" -s 2>/dev/null | awk '/Malformed msgs/ { print $1; exit }')
		[ -z "$m" ] || [ "$m" = 0 ] || fail "$(impl_name "$IMPL"): node $node counted $m malformed messages"
	done
}

measure_loss() {  # metric 4 for $IMPL
	local lost
	start_daemons || return 1
	loss_on || { fail "could not apply the nft loss"; stop_daemons; return 1; }
	inject_and_wait
	lost=$(cli_b 5 -s 2>/dev/null | awk '/Lost msgs/ { print $(NF - 2); exit }')
	echo "    loss ${LOSS}%: load ${T_INJ}s, all $N on fw2 after $(shown "$T_REPL")," \
	     "drops fw1/fw2 $(loss_drops "$FW1")/$(loss_drops "$FW2"), fw2 Lost msgs ${lost:-?}"
	record "$IMPL loss_replication_s ${T_REPL:-FAIL}"
	loss_off
	stop_daemons
}

# min/median/max over the numeric values of IMPL METRIC (FAILs counted apart)
stats() {  # IMPL METRIC -> "min med max" or "- - -"
	awk -v i="$1" -v m="$2" '$1 == i && $2 == m && $3 != "FAIL" { print $3 }' \
		"$BENCH/results.txt" 2>/dev/null | sort -g |
		awk '{ v[NR] = $1 } END {
			if (!NR) { print "- - -"; exit }
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.3f %.3f %.3f\n", v[1], med, v[NR] }'
}

summary() {
	local m o r ratio
	printf '\n%-26s %-24s %-24s %s\n' "metric (s)" "ours min/med/max" "1.4.7 min/med/max" "1.4.7/ours"
	for m in inject_s replication_s lag_after_load_s cpu_fw1_s cpu_fw2_s cpu_both_s commit_fresh_wall \
		 commit_fresh_log commit_fresh_cpu_fw2 commit_present_wall commit_present_log \
		 commit_present_cpu_fw2 loss_replication_s; do
		grep -q " $m " "$BENCH/results.txt" 2>/dev/null || continue
		read -r o1 o2 o3 <<<"$(stats ours "$m")"
		read -r r1 r2 r3 <<<"$(stats ref "$m")"
		ratio=$(awk -v a="$r2" -v b="$o2" 'BEGIN { if (a == "-" || b == "-" || a + 0 == 0 || b + 0 == 0) print "-"; else printf "%.2f", a / b }')
		printf '%-26s %-24s %-24s %s\n' "$m" "$o1/$o2/$o3" "$r1/$r2/$r3" "$ratio"
	done
	for o in ours ref; do
		r=$(awk -v i="$o" '$1 == i && $3 == "FAIL"' "$BENCH/results.txt" 2>/dev/null | wc -l)
		[ "$r" -eq 0 ] || echo "$(impl_name "$o"): $r measurement(s) failed and are left out above"
	done
}

INJ_PID=
cleanup() {
	trap - EXIT INT TERM
	[ -n "$INJ_PID" ] && kill "$INJ_PID" 2>/dev/null && wait "$INJ_PID" 2>/dev/null
	loss_off >/dev/null 2>&1
	IMPL=ours harness stop >/dev/null 2>&1
	IMPL=ref harness stop >/dev/null 2>&1
	harness teardown >/dev/null 2>&1
}

main() {
	local r impls t0
	exec 9>"/tmp/.ha-harness-$HA_PREFIX.lock"
	flock -n 9 || { echo "sync_bench: another run holds /tmp/.ha-harness-$HA_PREFIX.lock" >&2; exit 2; }
	trap cleanup EXIT
	trap 'echo "sync_bench: interrupted" >&2; exit 130' INT TERM
	rm -rf "$BENCH"; mkdir -p "$BENCH"
	: >"$BENCH/results.txt"
	echo "# sync_bench: N=$N ROUNDS=$ROUNDS loss=$([ $WITH_LOSS = 1 ] && echo "$LOSS%" || echo off)" \
	     "$(date -u +%FT%TZ), $(nproc) CPUs, kernel $(uname -r)"
	echo "# ours:  $OURS ($(git -C "$HERE/.." describe --always --dirty 2>/dev/null || echo '?'))"
	echo "# 1.4.7: $REF [$("$REF" -v 2>&1 | head -n 1)]"
	echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	harness setup >>"$BENCH/harness.log" 2>&1 || { echo "sync_bench: harness setup failed" >&2; exit 1; }
	gen_entries
	for r in $(seq 1 "$ROUNDS"); do
		impls="ours ref"; [ $((r % 2)) -eq 0 ] && impls="ref ours"
		for IMPL in $impls; do
			t0=$(now)
			echo "round $r, $(impl_name "$IMPL") on both nodes (load $(cut -d' ' -f1 /proc/loadavg))"
			measure_main
			[ "$WITH_LOSS" = 1 ] && measure_loss
			echo "    ($(since "$t0")s)"
		done
	done
	echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	summary
	[ "$failed" -eq 0 ]
}

main
