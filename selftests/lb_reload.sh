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

services() {
	lb_service "$lb" tcp 4 2 && lb_service "$lb" udp 4 2 &&
		lb_service "$lb" tcp 6 2 && lb_service "$lb" udp 6 2
}
# one_round: the module loaded, services added, 4 new flows of each kind
# answered; then unloaded while the load goes on.
one_round() {
	local p f
	modprobe nflb || { echo "modprobe failed"; return 1; }
	services || { echo "adding the services failed"; return 1; }
	for p in "" -u; do
		for f in "$VIP4" "$VIP6"; do
			ip netns exec "$c" nflb-client $p -n 4 -t 3000 "$f" 80 > "$TMPD/round" ||
				{ echo "flows ${p:-tcp} $f:"; cat "$TMPD/round"; return 1; }
		done
	done
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
