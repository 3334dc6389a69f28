#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `snat ADDRESS`: one-arm services whose source towards the backends is a
# given address (an HA pair's floating one), bound as a plain SNAT, not
# masqueraded.  The backends route elsewhere and can answer only through
# that address; the load balancer's own (198.51.100.254) is never used.
# The flows outlive the address leaving the node and the link going down
# (what a failover and a failback do to a node).  (A masqueraded flow is
# expired then and picked up again, with the interface's address: what
# tells the two apart here is the address the backends see; ha_pair.sh
# shows the difference across nodes.)
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 15

FLOAT4=198.51.100.100
FLOAT6=2001:db8:2::64

topo() {
	lb_topo --no-backend-route --show-peer && ct_keep_finished "$lb" &&
		ip -n "$lb" addr add "$FLOAT4/32" dev br0 &&
		ip -n "$lb" addr add "$FLOAT6/128" dev br0 nodad
}
setup "topology: backends routing elsewhere; $FLOAT4 and $FLOAT6 on lb" topo

# via_lb OUT N PEER: all N flows answered, every answer "bI PEER".
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

out=$TMPD/flows
check "TCP IPv4 service add ... snat $FLOAT4" lb_service "$lb" tcp 4 3 snat "$FLOAT4"
shown() {
	lbadm_in "$lb" service show tcp "$(vip 4)" > "$TMPD/show" || return 1
	lbadm_in "$lb" -j service show tcp "$(vip 4)" > "$TMPD/json" || return 1
	cat "$TMPD/show" "$TMPD/json"
	grep -q " snat $FLOAT4 " "$TMPD/show" &&
		grep -q "\"snat\":true,\"snat-addr\":\"$FLOAT4\"" "$TMPD/json"
}
check "service show says snat $FLOAT4, -j snat-addr" shown
ip netns exec "$c" nflb-client -n 60 -b 11000 -v "$VIP4" 80 > "$out"
check "TCP IPv4: 60 flows answered, backends saw $FLOAT4" via_lb "$out" 60 "$FLOAT4"
check "conntrack: each flow to its backend, answered to $FLOAT4" ct_match "$lb" tcp 4 "$out" "$FLOAT4"

check "UDP IPv6 service add ... snat $FLOAT6" lb_service "$lb" udp 6 3 snat "$FLOAT6"
ip netns exec "$c" nflb-client -u -n 60 -b 13000 -v "$VIP6" 80 > "$out"
check "UDP IPv6: 60 flows answered, backends saw $FLOAT6" via_lb "$out" 60 "$FLOAT6"

# The address leaves and the link goes down and up, as on a node that
# hands the floating address over and gets it back: the flows go on.
# (IPv4 only: br0 down also drops its IPv6 addresses.)
setup "4 long-lived TCP connections through the service" long_start t4 "$c" -n 4 "$VIP4" 80
bounce() {
	ip -n "$lb" addr del "$FLOAT4/32" dev br0 &&
		ip -n "$lb" link set br0 down &&
		nap 1 &&
		ip -n "$lb" link set br0 up &&
		ip -n "$lb" addr add "$FLOAT4/32" dev br0 &&
		wait_rounds "$TMPD/t4.st" 10
}
check "$FLOAT4 deleted, br0 down and up, $FLOAT4 back: 10 more rounds" bounce
long_stop t4
held() {
	long_ok t4 || return 1
	[ "$(stat_of "$TMPD/t4.out" failed)" = 0 ] &&
		! grep -q '^lost:' "$TMPD/t4.out"
}
check "all 4 connections kept their backend, none lost" held

saved() {
	lbadm_in "$lb" save > "$TMPD/save" || return 1
	cat "$TMPD/save"
	grep -q "^service add tcp $VIP4:80 .* snat $FLOAT4\( \|$\)" "$TMPD/save" &&
		grep -q "^service add udp \[$VIP6\]:80 .* snat $FLOAT6\( \|$\)" "$TMPD/save"
}
check "lbadm save writes snat ADDRESS" saved
restored() {
	lbadm_in "$lb" flush && lbadm_in "$lb" restore "$TMPD/save" &&
		lbadm_in "$lb" save > "$TMPD/save2" && cmp "$TMPD/save" "$TMPD/save2"
}
check "lbadm restore of it gives the same configuration" restored

# Plain snat again: masquerade, the backends see the interface's address.
plain() {
	lbadm_in "$lb" service set tcp "$(vip 4)" snat || return 1
	lbadm_in "$lb" service show tcp "$(vip 4)" > "$TMPD/show"
	cat "$TMPD/show"
	grep -q " snat conns" "$TMPD/show" || return 1
	ip netns exec "$c" nflb-client -n 20 -b 14000 "$VIP4" 80 > "$TMPD/plain"
	via_lb "$TMPD/plain" 20 "$LB4"
}
check "service set snat: masquerade again, 20 flows seen from $LB4" plain

rejects_mark
check "snat address of the other family rejected" \
	rejects 'snat address "2001:db8::1".*IPv4' service set tcp "$(vip 4)" snat 2001:db8::1
check "multicast snat address rejected" \
	rejects 'snat address "224.0.0.1".*unicast' service add tcp "$(vip 4 81)" snat 224.0.0.1
ktap_finish
