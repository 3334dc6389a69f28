#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Direct server return (dsr_topo): flushing the flow table under 20 live
# connections: they go on with the same backends (mid-flow pickup); 20
# long-lived TCP and 20 UDP flows keep their backends while a backend is
# added, another deleted and a third drained, and new flows follow the new
# table; the module unloaded, then the load balancer's netns deleted, with
# live DSR flows.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 9

setup "topology: client, router, load balancer and 3 DSR backends" dsr_topo

lb_service "$lb" tcp 4 3 forward gre || echo "Bail out! cannot add the TCP service"
lb_service "$lb" udp 4 3 forward ipip || echo "Bail out! cannot add the UDP service"

# Mid-flow pickup: forget every flow under 20 live connections; their next
# packets are scheduled again, to the same backends.
pickup() {
	local n
	long_start pickup "$c" -n 20 "$VIP4" 80 || return 1
	lbadm_in "$lb" flow flush || return 1
	n=$(lbadm_in "$lb" flow show tcp "$(vip 4)" | grep -c ESTABLISHED)
	echo "flows right after the flush: $n"
	wait_rounds "$TMPD/pickup.st" 3 || return 1
	n=$(lbadm_in "$lb" flow show tcp "$(vip 4)" | grep -c ESTABLISHED)
	echo "ESTABLISHED flows again: $n"
	long_stop pickup
	long_ok pickup || return 1
	[ "$n" -ge 20 ] && [ "$(stat_of "$TMPD/pickup.out" failed)" = 0 ]
}
check "flow flush under 20 connections: picked up, same backends" pickup

# Pinning: 20 TCP and 20 UDP long-lived flows keep their backends while b4
# joins, b2 is deleted and b1 drained.
setup "20 long-lived TCP flows" long_start pin "$c" -n 20 "$VIP4" 80
setup "20 long-lived UDP flows" long_start pinu "$c" -u -n 20 "$VIP4" 80
change_backends() {
	dsr_backend_start 4 && dsr_backend_wait 4 || return 1
	for p in tcp udp; do
		lbadm_in "$lb" backend add "$p" "$(vip 4)" "$(be 4 4)" &&
			lbadm_in "$lb" backend del "$p" "$(vip 4)" "$(be 4 2)" &&
			lbadm_in "$lb" backend set "$p" "$(vip 4)" "$(be 4 1)" state drain || return 1
	done
	wait_rounds "$TMPD/pin.st" 3 && wait_rounds "$TMPD/pinu.st" 3
}
check "backend b4 added, b2 deleted, b1 drained" change_backends
long_stop pin pinu
check "20 TCP and 20 UDP flows kept their backends" long_ok pin pinu
new_flows() {
	local out=$TMPD/after rc=0
	ip netns exec "$c" nflb-client -n 120 "$VIP4" 80 > "$out"
	cat "$out"
	all_answered "$out" 120 || rc=1
	[ "$(count "$out" b1)" = 0 ] && [ "$(count "$out" b2)" = 0 ] || rc=1
	between "$(count "$out" b4)" 30 90 || rc=1
	return $rc
}
check "new flows: none to b1 (drained) or b2 (deleted), b4 takes its share" new_flows

# Teardown with live DSR flows.
unload() {
	long_start gone "$c" -n 5 "$VIP4" 80 || return 1
	modprobe -r nflb || return 1
	! grep -q '^nflb ' /proc/modules || { echo "nflb still loaded"; return 1; }
	long_stop gone
	modprobe nflb
}
check "module unloaded with live DSR flows" unload
delete_netns() {
	lb_service "$lb" tcp 4 3 forward ipip || return 1
	long_start gone2 "$c" -n 5 "$VIP4" 80 || return 1
	ip netns del "$lb" || return 1
	long_stop gone2
	return 0
}
check "load balancer's netns deleted with live DSR flows" delete_netns

ktap_finish
