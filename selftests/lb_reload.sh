#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout=600
# rmmod under traffic: UDP and TCP flows through a TCP and a UDP service
# (IPv4 and IPv6) while the module is unloaded and loaded again 20 times.
# Each round, the services are added again and new flows of both protocols
# are answered through them; then the module goes while the clients keep
# sending.  Pass: every round works, and (scripts/vm) no oops, WARN, lockdep
# or RCU report in the kernel log: a CPU left in the hooks when the module's
# state is freed is the use after free this guards against (seen for what it
# is on a KASAN kernel; on the others, as a crash at best).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd rmmod
require_nflb

ROUNDS=20
ktap_plan 6

setup "topology: client, load balancer, 2 backends" lb_topo -n 2

# Background load, the whole time: TCP connections and UDP flows to both
# VIPs, each a request every 20 ms.  Failures are expected while the module
# is away (nothing translates the VIP then): only the kernel log judges.
load() {	# load NAME ARGS...: nflb-client -L ARGS, restarted until $TMPD/stop
	local name=$1
	shift
	bg_run "$c" "$TMPD/$name.out" bash -c 'stop=$1; shift
		while [ ! -e "$stop" ]; do
			nflb-client -L -i 20 -t 500 -d 3600 -f "$stop" "$@" > /dev/null
			sleep 0.2
		done' _ "$TMPD/stop" "$@"
}
load tcp4 -n 8 "$VIP4" 80
load udp4 -u -n 8 "$VIP4" 80
load tcp6 -n 8 "$VIP6" 80
load udp6 -u -n 8 "$VIP6" 80
loaders=("${__bg_pids[@]: -4}")

# The four services, 2 backends each, in one restore: a round starts 1
# lbadm rather than 12 (each program started costs a noticeable time under
# TCG, and the rounds are what this test is about, not the CLI).
for p in tcp udp; do
	for f in 4 6; do
		echo "service add $p $(vip "$f")"
		echo "backend add $p $(vip "$f") $(be "$f" 1)"
		echo "backend add $p $(vip "$f") $(be "$f" 2)"
	done
done > "$TMPD/services"
services() { lbadm_in "$lb" restore "$TMPD/services"; }
# one_round: the module loaded, services added, 4 new flows of each kind
# answered (the four kinds at once); then unloaded while the load goes on.
one_round() {
	local p f k rc=0
	local -A pid=()
	modprobe nflb || { echo "modprobe failed"; return 1; }
	services || { echo "adding the services failed"; return 1; }
	for p in "" -u; do
		for f in "$VIP4" "$VIP6"; do
			k="tcp $f"
			[ -n "$p" ] && k="udp $f"
			ip netns exec "$c" nflb-client $p -n 4 -t 3000 "$f" 80 \
				> "$TMPD/round $k" 2>&1 &
			pid[$k]=$!
		done
	done
	for k in "${!pid[@]}"; do
		wait "${pid[$k]}" && continue
		echo "flows $k:"
		cat "$TMPD/round $k"
		rc=1
	done
	[ "$rc" = 0 ] || return 1
	rmmod nflb || { echo "rmmod failed"; return 1; }
}
rounds() {
	local r
	for ((r = 1; r <= ROUNDS; r++)); do
		one_round || { echo "round $r failed"; return 1; }
	done
	echo "$ROUNDS rounds"
}
rmmod nflb 2>/dev/null
check "$ROUNDS rounds: load, services, flows answered, unload under traffic" rounds
check "the load ran all along" kill -0 "${loaders[@]}"
: > "$TMPD/stop"
stopped() {
	local p
	for p in "${loaders[@]}"; do bg_wait "$p"; done
	return 0
}
check "the clients end" stopped
check "the module loads again" modprobe nflb
check "and still serves" services

ktap_finish
