#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Flows injected through ctnetlink, as conntrackd commits them on an HA
# standby: the load balancer translates them by the binding they came with
# (not by its own table), and times them with the service's timeouts
# although ctnetlink carries no timeout policy: a UDP flow of a service
# with timeout-udp 60 has at most 60 s left after its next packet, not
# conntrack's 120 s.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 7

setup "topology: client, load balancer, 2 backends" lb_topo -n 2
check "udp service with timeout-udp 60, backends b1 and b2" \
	lb_service "$lb" udp 4 2 timeout-udp 60

# inject SPORT I: the client's flow from SPORT to the VIP, bound to bI, as
# conntrackd would commit it (100 s left, replied).
inject() {
	ip netns exec "$lb" conntrack -I -p udp -s 192.0.2.1 -d "$VIP4" \
		--sport "$1" --dport 80 --timeout 100 -u SEEN_REPLY \
		--dst-nat "$(be_addr 4 "$2")" 2>&1 | grep -v 'flow entries'
	ip netns exec "$lb" conntrack -L -p udp --orig-dst "$VIP4" --sport "$1" 2>/dev/null |
		grep -q "src=$(be_addr 4 "$2") "
}
check "inject port 40001 to b1, port 40002 to b2" eval 'inject 40001 1 && inject 40002 2'

# left SPORT: seconds left of the entry of SPORT.
left() {
	ip netns exec "$lb" conntrack -L -p udp --orig-dst "$VIP4" --sport "$1" 2>/dev/null |
		awk '{ print $3; exit }'
}
send() {	# send SPORT I: one datagram from SPORT, answered by bI
	ip netns exec "$c" nflb-client -u -n 1 -b $(($1 - 1)) "$VIP4" 80 > "$TMPD/out"
	cat "$TMPD/out"
	[ "$(count "$TMPD/out" "b$2")" = 1 ]
}
left_within() {	# left_within SPORT LO HI
	local l
	l=$(left "$1")
	echo "flow from port $1: ${l:-no entry} s left"
	[ -n "$l" ] && between "$l" "$2" "$3"
}
check "port 40001 answered by b1 (its injected binding)" send 40001 1
check "port 40001: the service's 60 s, not conntrack's 120" left_within 40001 1 60
check "port 40002 answered by b2 (its injected binding)" send 40002 2
check "port 40002: the service's 60 s, not conntrack's 120" left_within 40002 1 60
vip_entries() {
	ip netns exec "$lb" conntrack -L -p udp --orig-dst "$VIP4" 2>/dev/null > "$TMPD/ct"
	cat "$TMPD/ct"
	[ "$(grep -c . "$TMPD/ct")" = 2 ]
}
check "both answered through their entries: no other UDP entry to the VIP" vip_entries
ktap_finish
