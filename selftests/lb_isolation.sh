#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Isolation and teardown: a service lives in its network namespace only;
# deleting a namespace with flows active, and unloading the module with
# services configured, leave no leak and no warning (scripts/vm fails the
# run on any kernel report; with kmemleak, it is also scanned here).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd rmmod
require_nflb

ktap_plan 15

kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] && echo clear > "$kmemleak"
start=$SECONDS

setup "topology: client, load balancer, 2 backends" lb_topo -n 2
services() { lb_service "$lb" tcp 4 2 && lb_service "$lb" udp 6 2; }
setup "TCP IPv4 and UDP IPv6 services in lb" services

listed() {	# listed NS: service show in NS lists both services
	lbadm_in "$1" service show > "$TMPD/show" || return 1
	cat "$TMPD/show"
	grep -q "^tcp $VIP4:80 " "$TMPD/show" && grep -q "^udp \[$VIP6\]:80 " "$TMPD/show"
}
unlisted() {	# unlisted [NS]: service show in NS (or here) lists no VIP
	if [ -n "${1:-}" ]; then lbadm_in "$1" service show; else lbadm service show; fi > "$TMPD/show" ||
		return 1
	cat "$TMPD/show"
	! grep -qE "$VIP4|$VIP6" "$TMPD/show"
}
check "lb lists its services" listed "$lb"
check "the client's netns lists none" unlisted "$c"
check "the initial netns lists none" unlisted
check_fail "deleting it from the client's netns fails" \
	lbadm_in "$c" service del tcp "$(vip 4)"
twin() {	# the same service in another netns: no conflict, gone again
	lbadm_in "$c" service add tcp "$(vip 4)" &&
		lbadm_in "$c" service del tcp "$(vip 4)" && listed "$lb"
}
check "the same service can be added and deleted in another netns" twin

ip netns exec "$c" nflb-client -n 30 "$VIP4" 80 > "$TMPD/flows"
check "lb balances 30 flows" all_answered "$TMPD/flows" 30

# Flows active: 20 TCP connections and 20 UDP flows going on.
bg_run "$c" "$TMPD/tcp.out" nflb-client -L -n 20 -i 200 -t 2000 -d 120 \
	-f "$TMPD/stop" -r "$TMPD/tcp.ready" "$VIP4" 80
tcp_pid=$BG_PID
bg_run "$c" "$TMPD/udp.out" nflb-client -u -L -n 20 -i 200 -t 2000 -d 120 \
	-f "$TMPD/stop" -r "$TMPD/udp.ready" "$VIP6" 80
udp_pid=$BG_PID
active() {
	wait_for 30 test -e "$TMPD/tcp.ready" -a -e "$TMPD/udp.ready" &&
		[ "$(answered "$TMPD/tcp.ready")" = 20 ] && [ "$(answered "$TMPD/udp.ready")" = 20 ]
}
check "20 TCP connections and 20 UDP flows active" active

# The netns goes away once its last device does: c0's peer, l0, is in it.
c0_gone() { ! ip -n "$c" link show c0 > /dev/null 2>&1; }
del_lb() { ip netns del "$lb" && wait_for 60 c0_gone; }
check "delete lb's netns with the flows active" del_lb
touch "$TMPD/stop"
bg_wait "$tcp_pid"
bg_wait "$udp_pid"

# Services left in two other namespaces, then the module unloaded.
ns_create x
more() {
	lbadm_in "$c" service add tcp "$(vip 4)" &&
		lbadm_in "$c" backend add tcp "$(vip 4)" "$(be 4 1)" &&
		lbadm_in "$x" service add udp "$(vip 6)" hash source &&
		lbadm_in "$x" backend add udp "$(vip 6)" "$(be 6 1)" weight 3 &&
		lbadm_in "$x" backend add udp "$(vip 6)" "$(be 6 2)" state drain
}
check "services in two other namespaces" more
check "rmmod nflb with services configured" rmmod nflb
check_fail "module gone" grep -q "^nflb " /proc/modules
reloaded() {
	modprobe nflb && unlisted "$c" && unlisted "$x"
}
check "reloaded, the services are gone" reloaded

if [ -w "$kmemleak" ]; then
	# kmemleak reports only objects older than 5 s.
	while [ $((SECONDS - start)) -lt 6 ]; do sleep 1; done
	echo scan > "$kmemleak"
	leaks=$(cat "$kmemleak")
	[ -n "$leaks" ] && head -40 <<< "$leaks" | sed 's/^/# /'
	check "kmemleak: no leak" test -z "$leaks"
else
	ktap_result "kmemleak: no leak (no kmemleak in this kernel)" 4
fi

ktap_finish
