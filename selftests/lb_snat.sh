#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `snat` (one-arm mode): backends whose default route does not point at the
# load balancer answer through the VIP only when the load balancer also
# rewrites the client's source address, and then see the load balancer's
# own address (198.51.100.254, 2001:db8:2::fe) as the source.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 17

# The conntrack checks read the entries of finished flows (UDP: 30 s by
# default, soon gone on a loaded machine while the answers are checked).
topo() { lb_topo --no-backend-route --show-peer && ct_keep_finished "$lb"; }
setup "topology: backends routing elsewhere, answering with the peer they see; conntrack keeps finished flows" topo

# via_lb OUT N PEER: all N flows answered, every answer "bI PEER" (the
# backend saw PEER as the source), by more than one backend.
via_lb() {
	local out=$1 n=$2 peer=$3 i sum=0
	grep -v '^flow ' "$out"
	all_answered "$out" "$n" || return 1
	for i in 1 2 3; do
		sum=$((sum + $(count "$out" "b$i $peer")))
	done
	[ "$sum" = "$n" ] || { echo "$sum of $n answers name $peer as the source"; return 1; }
	[ "$(names "$out")" -gt 1 ] || { echo "one backend only"; return 1; }
}
# unanswered OUT N: all N flows failed.
unanswered() {
	grep -v '^flow ' "$1"
	[ "$(stat_of "$1" failed)" = "$2" ]
}

out=$TMPD/flows
check "TCP IPv4 service without snat" lb_service "$lb" tcp 4 3
ip netns exec "$c" nflb-client -n 10 -t 1500 -b 10000 "$VIP4" 80 > "$out"
check "TCP IPv4 without snat: 10 flows unanswered (backends route elsewhere)" unanswered "$out" 10

check "service set snat" lbadm_in "$lb" service set tcp "$(vip 4)" snat
snat_shown() {
	lbadm_in "$lb" service show tcp "$(vip 4)" > "$TMPD/show" || return 1
	cat "$TMPD/show"
	read -r -a w < "$TMPD/show"
	[[ " ${w[*]} " == *" snat "* ]]
}
check "service show says snat" snat_shown
ip netns exec "$c" nflb-client -n 60 -b 11000 -v "$VIP4" 80 > "$out"
check "TCP IPv4 with snat: 60 flows answered, backends saw $LB4" via_lb "$out" 60 "$LB4"
check "conntrack: each flow to its backend, answered to $LB4" ct_match "$lb" tcp 4 "$out" "$LB4"

check "service set no-snat" lbadm_in "$lb" service set tcp "$(vip 4)" no-snat
ip netns exec "$c" nflb-client -n 10 -t 1500 -b 12000 "$VIP4" 80 > "$out"
check "TCP IPv4 after no-snat: 10 new flows unanswered again" unanswered "$out" 10

check "UDP IPv4 service add ... snat" lb_service "$lb" udp 4 3 snat
ip netns exec "$c" nflb-client -u -n 60 -b 13000 -v "$VIP4" 80 > "$out"
check "UDP IPv4 with snat: 60 flows answered, backends saw $LB4" via_lb "$out" 60 "$LB4"
check "conntrack: each UDP flow to its backend, answered to $LB4" ct_match "$lb" udp 4 "$out" "$LB4"

check "TCP IPv6 service add ... snat" lb_service "$lb" tcp 6 3 snat
ip netns exec "$c" nflb-client -n 60 -b 14000 -v "$VIP6" 80 > "$out"
check "TCP IPv6 with snat: 60 flows answered, backends saw $LB6" via_lb "$out" 60 "$LB6"
check "conntrack: each IPv6 flow to its backend, answered to $LB6" ct_match "$lb" tcp 6 "$out" "$LB6"

check "UDP IPv6 service add ... snat" lb_service "$lb" udp 6 3 snat
ip netns exec "$c" nflb-client -u -n 60 -b 15000 "$VIP6" 80 > "$out"
check "UDP IPv6 with snat: 60 flows answered, backends saw $LB6" via_lb "$out" 60 "$LB6"

ktap_finish
