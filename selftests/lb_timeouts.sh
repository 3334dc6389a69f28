#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-service idle timeouts, through conntrack's timeout policies: a UDP
# flow of a service with timeout-udp 3 shows at most 3 s left in conntrack
# and is gone within seconds once idle, while a flow of a service without
# timeouts keeps conntrack's 120 s; an established TCP flow of a service with
# timeout-tcp 600 shows at most 600 s left instead of 5 days, and follows
# `service set` (a lower value, then 0: back to the default) and keeps its
# policy when the service is deleted; bad timeouts are rejected and change
# nothing; the module unloads while flows still carry a policy.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack rmmod ss
require_nflb

ktap_plan 26

setup "topology: client, load balancer, 2 backends" lb_topo -n 2

VIPU=203.0.113.11	# a second VIP, routed to lb like the first

# ct_left NS PROTO VIP: the seconds left of each conntrack entry to VIP,
# one a line ("-" if none).
ct_left() {
	local out
	out=$(ip netns exec "$1" conntrack -L -p "$2" --orig-dst "$3" 2>/dev/null |
		awk '{ print $3 }')
	echo "${out:--}"
}

# left_within NS PROTO VIP LO HI: exactly one entry, LO <= seconds <= HI.
left_within() {
	local left
	left=$(ct_left "$1" "$2" "$3")
	echo "$2 flow to $3: ${left//$'\n'/ } s left"
	[ "$(grep -c . <<< "$left")" = 1 ] && [ "$left" != - ] &&
		between "$left" "$4" "$5"
}
gone() { [ "$(ct_left "$1" "$2" "$3")" = - ]; }

# UDP: one service with timeout-udp 3, one with conntrack's timeouts.
udp_services() {
	lbadm_in "$lb" service add udp "$VIP4:80" timeout-udp 3 &&
		lbadm_in "$lb" backend add udp "$VIP4:80" "$(be 4 1)" &&
		lbadm_in "$lb" service add udp "$VIPU:80" &&
		lbadm_in "$lb" backend add udp "$VIPU:80" "$(be 4 2)"
}
check "udp services with and without timeout-udp" udp_services
shown() {	# shown PROTO VIP:PORT KEY VALUE: service show has KEY VALUE
	lbadm_in "$lb" service show "$1" "$2" > "$TMPD/show" || return 1
	cat "$TMPD/show"
	[ "$(svc_key "$TMPD/show" "$3")" = "$4" ]
}
check "service show: timeout-udp 3" shown udp "$VIP4:80" timeout-udp 3
no_timeout_shown() {
	lbadm_in "$lb" service show udp "$VIPU:80" > "$TMPD/show" || return 1
	cat "$TMPD/show"
	! grep -q timeout "$TMPD/show"
}
check "service show: no timeout on the other" no_timeout_shown

# A long-lived UDP flow to each (a request every 100 ms): conntrack's time
# left is measured while the flows are alive (starting programs is slow
# under TCG, a few seconds are soon gone).  After 2 s both are "streams",
# timed by the REPLIED timeout: 120 s by default, 3 s with timeout-udp 3.
# 30 rounds: at least 3 s, streams by then.
udp_flows() {
	long_start u1 "$c" -u "$VIP4" 80 && long_start u2 "$c" -u "$VIPU" 80 &&
		wait_rounds "$TMPD/u1.st" 30 && wait_rounds "$TMPD/u2.st" 30
}
setup "a long-lived UDP flow to each, answered" udp_flows
check "conntrack: the timeout-udp 3 flow has at most 3 s left" \
	left_within "$lb" udp "$VIP4" 0 3
check "conntrack: the other flow has conntrack's 120 s" \
	left_within "$lb" udp "$VIPU" 100 120
long_stop u1 u2
check "both UDP clients end without an error" long_ok u1 u2
check "the timeout-udp 3 flow is gone within 6 s" wait_for 6 gone "$lb" udp "$VIP4"
check "the other flow is still there" left_within "$lb" udp "$VIPU" 60 120

# TCP: an established flow of a service with timeout-tcp 600.
check "tcp service with timeout-tcp 600" \
	lb_service "$lb" tcp 4 1 timeout-tcp 600 timeout-tcp-fin 30
check "service show: timeout-tcp 600" shown tcp "$VIP4:80" timeout-tcp 600
check "service show: timeout-tcp-fin 30" shown tcp "$VIP4:80" timeout-tcp-fin 30
st=$TMPD/long.st
established() { long_start long "$c" "$VIP4" 80 && wait_rounds "$st" 2; }
setup "long-lived TCP connection established" established

# tcp_left LO HI: the TCP flow has LO..HI s left, read while its client is
# paused and both ends have had all they sent acknowledged.  Conntrack
# times a flow with unacknowledged data by the shorter of its state's
# timeout and nf_conntrack_tcp_timeout_unacknowledged (300 s), whatever the
# policy: read between a segment and its ACK (late ones on a loaded
# machine), an established flow would show 300 s at most.
tcp_left() {
	local rc
	long_pause long || return 1
	if ! wait_for 30 tcp_acked "$c" "$b1"; then
		tcp_acked "$c" "$b1"
		long_resume long
		return 1
	fi
	left_within "$lb" tcp "$VIP4" "$1" "$2"
	rc=$?
	long_resume long
	return "$rc"
}
check "conntrack: the established flow has at most 600 s left (not 432000)" \
	tcp_left 500 600

# set_then_left TIMEOUT LO HI: service set, then after a few exchanges the
# flow's remaining time is within [LO, HI].
set_then_left() {
	lbadm_in "$lb" service set tcp "$VIP4:80" timeout-tcp "$1" &&
		wait_rounds "$st" 3 && tcp_left "$2" "$3"
}
check "service set timeout-tcp 300: the flow has at most 300 s left" \
	set_then_left 300 200 300
check "service set timeout-tcp 0: the flow is back to conntrack's 432000 s" \
	set_then_left 0 431000 432000
check "service set timeout-tcp 120: at most 120 s again" set_then_left 120 60 120
del_keeps() {
	lbadm_in "$lb" service del tcp "$VIP4:80" &&
		wait_rounds "$st" 3 && tcp_left 60 120
}
check "service deleted: its flow goes on with its 120 s" del_keeps

# Bad timeouts: rejected with a message naming them (rejects, lib.sh: in
# any case), nothing changes.
rejects_mark
check "timeout-udp on a TCP service" rejects -i 'UDP timeout on a TCP service' \
	service add tcp "$VIPU:81" timeout-udp 5
check "timeout-tcp on a UDP service" rejects -i 'TCP timeout on a UDP service' \
	service set udp "$VIP4:80" timeout-tcp 5
check "timeout-tcp-fin on a UDP service" rejects -i 'TCP FIN timeout on a UDP service' \
	service set udp "$VIP4:80" timeout-tcp-fin 5
check "timeout above 4000000" rejects -i 'invalid timeout-udp "4000001"' \
	service set udp "$VIP4:80" timeout-udp 4000001
check "non-numeric timeout" rejects -i 'invalid timeout-udp "3s"' \
	service set udp "$VIP4:80" timeout-udp 3s
check "a timeout with a bad table size changes nothing" rejects -i 'prime|table' \
	service set udp "$VIP4:80" timeout-udp 60 table-size 1000

# Module unload while a flow carries a service's policy: conntrack keeps
# the flow and its policy (conntrack's to free), which still times it.  An
# nft NAT chain with a ct rule keeps conntrack and NAT going in lb once
# nflb, their only user so far, is gone, as a router's own rules would.
unload() {
	lbadm_in "$lb" flush &&
		lbadm_in "$lb" service add udp "$VIP4:80" timeout-udp 3 &&
		lbadm_in "$lb" backend add udp "$VIP4:80" "$(be 4 1)" &&
		ip netns exec "$lb" nft add table ip keep &&
		ip netns exec "$lb" nft add chain ip keep pre \
			'{ type nat hook prerouting priority 0; }' &&
		ip netns exec "$lb" nft add rule ip keep pre ct state new counter ||
		return 1
	long_start u3 "$c" -u "$VIP4" 80 || return 1
	rmmod nflb || return 1
	echo "unloaded"
	wait_rounds "$TMPD/u3.st" 10 && left_within "$lb" udp "$VIP4" 0 3 || return 1
	long_stop u3 || { long_ok u3; return 1; }
	wait_for 6 gone "$lb" udp "$VIP4"
}
check "module unloads under a flow with a policy; it still expires" unload
modprobe nflb

ktap_finish
