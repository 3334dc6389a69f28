#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stale flows.  A UDP client that sends every 100 ms to a VIP before its
# service exists has a conntrack entry with no DNAT binding (the VIP is
# local on the load balancer, as it often is): `service add` expires it,
# and the client reaches a backend within 1 s.  `backend set ... state down
# flush` ends the UDP flows of that backend: the client's next request goes
# to another backend, and no entry to the old one is left.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack python3
require_nflb

ktap_plan 12

stream=$NFLB_TOP/selftests/tools/nflb-udpstream.py
setup "topology: client, load balancer, 3 backends" lb_topo -n 3
# The VIP on lb's loopback: without a service, lb itself is the VIP (port
# unreachable), and conntrack confirms and keeps the client's flow.
setup "VIP $VIP4 local on lb" ip -n "$lb" addr add "$VIP4/32" dev lo
# Conntrack runs in a netns only once something needs it: here nflb, for
# a service that came and went (its hooks stay until the netns goes).
other() {
	lbadm_in "$lb" service add tcp 203.0.113.99:80 &&
		lbadm_in "$lb" service del tcp 203.0.113.99:80
}
setup "conntrack active in lb: a service added and deleted" other

bg_run "$c" "$TMPD/stream.err" "$stream" "$VIP4" 80 40001 100 "$TMPD/stop" "$TMPD/stream.log"
stream_pid=$BG_PID
sent() {	# sent N: the client sent N requests at least
	local n=0 l
	while read -r l; do [[ $l == "sent "* ]] && n=${l#sent }; done < "$TMPD/stream.log"
	[ "$n" -ge "$1" ]
}
# unbound: conntrack on lb has the flow, its reply from the VIP itself.
unbound() {
	ct_flows "$lb" udp 4 > "$TMPD/ct"
	cat "$TMPD/ct"
	grep -q "^192.0.2.1 40001 $VIP4 80 " "$TMPD/ct"
}
check "the client sent 20 requests before the service exists" wait_for 60 sent 20
check "conntrack holds its flow, not translated (null binding)" unbound

# first_answer: the first answer's backend and time (ms).
first_answer() {
	local w name at
	while read -r w at name _; do
		[ "$w" = answer ] && { echo "$name $at"; return 0; }
	done < "$TMPD/stream.log"
	return 1
}
add_svc() {
	lb_service "$lb" udp 4 3 || return 1
	now_ms > "$TMPD/added"
}
check "service add udp $(vip 4) with 3 backends" add_svc
answered_soon() {
	local name at added
	read -r added < "$TMPD/added" || return 1
	wait_for 10 first_answer || { echo "no answer 10 s after service add"; cat "$TMPD/stream.log"; return 1; }
	read -r name at < <(first_answer)
	echo "first answer from $name, $((at - added)) ms after service add returned"
	[[ $name == b[123] ]] && [ $((at - added)) -le 1000 ]
}
check "the client reaches a backend within 1 s" answered_soon
translated() {
	ct_flows "$lb" udp 4 > "$TMPD/ct"
	cat "$TMPD/ct"
	grep -q "^192.0.2.1 40001 198.51.100.[123] 80 " "$TMPD/ct"
}
check "its conntrack entry is translated to a backend" translated

# backend set ... state down flush: the flow leaves the backend.
read -r first _ < <(first_answer)
i=${first#b}
check "backend set $first state down flush" \
	lbadm_in "$lb" backend set udp "$(vip 4)" "$(be 4 "$i")" state down flush
moved() {	# the client's latest answer is not FIRST
	local w name at last=
	while read -r w at name _; do [ "$w" = answer ] && last=$name; done < "$TMPD/stream.log"
	[ -n "$last" ] && [ "$last" != "$first" ]
}
check "the client's flow goes on with another backend" wait_for 10 moved
no_entry() {
	ct_flows "$lb" udp 4 > "$TMPD/ct"
	cat "$TMPD/ct"
	! grep -q "^192.0.2.1 40001 $(be_addr 4 "$i") " "$TMPD/ct"
}
check "no conntrack entry to $first is left" no_entry
: > "$TMPD/stop"
bg_wait "$stream_pid"
ktap_result "the client ends" $?

ktap_finish
