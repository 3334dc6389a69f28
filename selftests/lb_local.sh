#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Locally generated traffic: a client on the load balancer itself reaches
# the backends through the VIP (LOCAL_OUT), over TCP/IPv4 and UDP/IPv6;
# and an all-ports service (port 0) keeps the client's destination port.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 9

setup "topology: client, load balancer, 3 backends" lb_topo

# The load balancer needs a route to the VIP for its own sockets; NAT
# re-routes each flow to its backend after the first packet's DNAT.
check "lb routes the VIPs towards the backends" ip -n "$lb" -batch - <<EOF2
route add $VIP4/32 dev br0
route add $VIP6/128 dev br0
EOF2

out=$TMPD/flows
spread() {	# spread OUT: more than one backend answered
	local i n=0
	for i in 1 2 3; do
		[ "$(count "$1" b$i)" -gt 0 ] && n=$((n + 1))
	done
	echo "$n backends answered"
	[ "$n" -gt 1 ]
}

check "TCP IPv4 service with 3 backends" lb_service "$lb" tcp 4 3
ip netns exec "$lb" nflb-client -n 100 "$VIP4" 80 > "$out"
check "TCP IPv4: 100 local flows answered" all_answered "$out" 100
check "TCP IPv4: local flows spread over the backends" spread "$out"

check "UDP IPv6 service with 3 backends" lb_service "$lb" udp 6 3
ip netns exec "$lb" nflb-client -u -n 100 "$VIP6" 80 > "$out"
check "UDP IPv6: 100 local flows answered" all_answered "$out" 100

allports() {
	lbadm_in "$lb" service add tcp "[$VIP6]:0" || return 1
	for i in 1 2 3; do
		lbadm_in "$lb" backend add tcp "[$VIP6]:0" "$(be_addr 6 $i)" || return 1
	done
}
check "all-ports TCP IPv6 service, backends without a port" allports
ip netns exec "$c" nflb-client -n 100 "$VIP6" 80 > "$out"
check "all-ports: 100 flows to port 80 answered by the backends' port 80" \
	all_answered "$out" 100

ktap_finish
