#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-arm (snat) services masquerade, and so need the masquerade notifiers:
# when the load balancer's address on the backends' side goes away, the
# flows that took it are expired, and a UDP client that keeps sending goes
# on through the address that replaces it.  Without the notifiers the old
# entry lives on (the client refreshes it) and the flow is cut for good.
# The same when the link goes down, for a TCP service over IPv6.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack python3
require_nflb

ktap_plan 9

stream=$NFLB_TOP/selftests/tools/nflb-udpstream.py
topo() { lb_topo -n 2 --no-backend-route --show-peer && ct_keep_finished "$lb"; }
setup "topology: backends routing elsewhere, answering with the peer they see" topo
check "UDP IPv4 service with snat" lb_service "$lb" udp 4 2 snat

bg_run "$c" "$TMPD/stream.err" "$stream" "$VIP4" 80 40002 100 "$TMPD/stop" "$TMPD/stream.log"
stream_pid=$BG_PID
last_answer() {
	local w at rest last=
	while read -r w at rest; do [ "$w" = answer ] && last=$rest; done < "$TMPD/stream.log"
	echo "$last"
}
answer_is() {	# answer_is PEER: the latest answer names PEER as the source
	local a
	a=$(last_answer)
	[[ $a == "b"[12]" $1" ]]
}
check "the client's flow is answered through $LB4" wait_for 30 answer_is "$LB4"
# masq_entry ADDR: conntrack has the client's flow, answered to ADDR.
masq_entry() {
	ct_flows "$lb" udp 4 > "$TMPD/ct"
	cat "$TMPD/ct"
	awk -v a="$1" '$1 == "192.0.2.1" && $2 == 40002 && $5 == a { f = 1 } END { exit !f }' "$TMPD/ct"
}
check "conntrack: the flow masqueraded to $LB4" masq_entry "$LB4"

NEW4=198.51.100.250
renumber() {
	ip -n "$lb" -batch - <<-EOF
		addr del $LB4/24 dev br0
		addr add $NEW4/24 dev br0
	EOF
}
check "lb's address on br0 changes: $LB4 -> $NEW4" renumber
check "conntrack: the entry masqueraded to $LB4 is expired" \
	wait_for 10 eval '! masq_entry "$LB4"'
check "the client's flow goes on, answered through $NEW4" wait_for 30 answer_is "$NEW4"
: > "$TMPD/stop"
bg_wait "$stream_pid"

# Link down: a TCP IPv6 snat flow, its entry expired when br0 goes down.
tcp6() {
	lb_service "$lb" tcp 6 2 snat && long_start t6 "$c" "$VIP6" 80
}
setup "TCP IPv6 snat service, a long-lived connection through it" tcp6
t6_entry() {
	ct_flows "$lb" tcp 6 > "$TMPD/ct6"
	cat "$TMPD/ct6"
	awk -v a="$LB6" '$5 == a { f = 1 } END { exit !f }' "$TMPD/ct6"
}
down_expires() {
	t6_entry || { echo "no entry masqueraded to $LB6"; return 1; }
	ip -n "$lb" link set br0 down || return 1
	wait_for 10 eval '! t6_entry'
}
check "br0 down: the TCP IPv6 entry masqueraded to $LB6 is expired" down_expires
long_stop t6 2>/dev/null	# its connection is cut: its status is not checked

ktap_finish
