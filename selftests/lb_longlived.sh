#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A long-lived TCP connection keeps exchanging data with the same backend
# while, one after another, a backend is added, a different one deleted,
# weights change, and its own backend is set to drain; after the drain no
# new flow reaches that backend, and service show gives it no slots.  It
# still goes on when its service, the last one, is deleted.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 20

setup "topology: client, load balancer, 4 backends" lb_topo -n 4
setup "service with backends b1, b2, b3" lb_service "$lb" tcp 4 3

st=$TMPD/long.st
setup "long-lived connection established" long_start long "$c" "$VIP4" 80
# Its backend, bX, and another one of b1..b3.
own=$(long_answer long)
x=${own#b}
y=$((x % 3 + 1))
z=$((y % 3 + 1))
diag "long-lived connection on $own; will delete b$y, reweigh b$z"

check "backend add b4" lbadm_in "$lb" backend add tcp "$(vip 4)" "$(be 4 4)"
check "connection goes on after the add" wait_rounds "$st" 3
new_on_b4() { vip_flows "$TMPD/flows" 60 && [ "$(count "$TMPD/flows" b4)" -gt 0 ]; }
check "new flows reach b4" new_on_b4

check "backend del b$y" lbadm_in "$lb" backend del tcp "$(vip 4)" "$(be 4 "$y")"
check "connection goes on after the delete" wait_rounds "$st" 3
none_on() { vip_flows "$TMPD/flows" 60 && [ "$(count "$TMPD/flows" "$1")" = 0 ]; }
check "no new flow reaches the deleted b$y" none_on b$y

reweigh() {
	lbadm_in "$lb" backend set tcp "$(vip 4)" "$(be 4 "$x")" weight 3 &&
		lbadm_in "$lb" backend set tcp "$(vip 4)" "$(be 4 "$z")" weight 2
}
check "weights change: $own 3, b$z 2" reweigh
check "connection goes on after the weight change" wait_rounds "$st" 3

check "backend set $own state drain" lbadm_in "$lb" backend set tcp "$(vip 4)" "$(be 4 "$x")" state drain
drained() {
	local show=$TMPD/show
	lbadm_in "$lb" service show tcp "$(vip 4)" > "$show" || return 1
	cat "$show"
	[ "$(be_key "$show" "$(be 4 "$x")" state)" = drain ] &&
		[ "$(be_key "$show" "$(be 4 "$x")" slots)" = 0 ]
}
check "service show: $own draining, no slots" drained
check "connection goes on after the drain" wait_rounds "$st" 3
check "no new flow reaches the draining $own" none_on "$own"
check "connection still going after the new flows" wait_rounds "$st" 3
# The last service goes: its flow is still translated (the hooks stay).
check "service del: the namespace's last service" lbadm_in "$lb" service del tcp "$(vip 4)"
check "connection goes on after its service is deleted" wait_rounds "$st" 3

long_stop long
check "long-lived client ended without an error" long_ok long
same() {
	[ "$(count "$TMPD/long.out" "$own")" = 1 ] &&
		[ "$(stat_of "$TMPD/long.out" failed)" = 0 ] &&
		[ "$(stat_of "$TMPD/long.out" rounds)" -ge 15 ]
}
check "every answer came from $own, over at least 15 rounds" same

ktap_finish
