#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `backend del ... flush` ends that backend's flows (gone from conntrack on
# the load balancer) and no other flow; `backend del` without flush keeps
# the deleted backend's flows going.  Over 30 long-lived TCP connections
# and 30 long-lived UDP flows, one line every 200 ms each.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 15

setup "topology: client, load balancer, 3 backends" lb_topo
services() { lb_service "$lb" tcp 4 3 && lb_service "$lb" udp 4 3; }
setup "TCP and UDP services with b1, b2, b3" services

# Flush b1, delete b2 without flush, b3 stays.
established() {
	local p i
	long_start tcp "$c" -n 30 -b 20000 -i 200 "$VIP4" 80 &&
		long_start udp "$c" -u -n 30 -b 20000 -i 200 "$VIP4" 80 || return 1
	for p in tcp udp; do
		for i in 1 2 3; do
			[ "$(count "$TMPD/$p.ready" b$i)" -gt 0 ] || { echo "no $p flow on b$i"; return 1; }
		done
	done
}
setup "30 TCP connections and 30 UDP flows on every backend" established

check "conntrack: the TCP flows translated to their backends" ct_match "$lb" tcp 4 "$TMPD/tcp.ready"
check "conntrack: the UDP flows translated to their backends" ct_match "$lb" udp 4 "$TMPD/udp.ready"

check "TCP: backend del b1 flush" lbadm_in "$lb" backend del tcp "$(vip 4)" "$(be 4 1)" flush
check "UDP: backend del b1 flush" lbadm_in "$lb" backend del udp "$(vip 4)" "$(be 4 1)" flush

# gone PROTO: no conntrack entry to the VIP is translated to b1.
gone() {
	ct_flows "$lb" "$1" 4 > "$TMPD/ct"
	! grep " $(be_addr 4 1) " "$TMPD/ct"
}
check "TCP: conntrack has no flow to b1 left" gone tcp
check "UDP: conntrack has no flow to b1 left" gone udp

del_b2() {
	lbadm_in "$lb" backend del tcp "$(vip 4)" "$(be 4 2)" &&
		lbadm_in "$lb" backend del udp "$(vip 4)" "$(be 4 2)"
}
check "backend del b2 without flush" del_b2

# kept PROTO: every flow that was not on b1 still has its conntrack entry,
# translated to the same backend (TCP: still ESTABLISHED).
kept() {
	ct_flows "$lb" "$1" 4 > "$TMPD/ct"
	awk -v proto="$1" '
		FNR == NR { be[$2] = $3; st[$2] = $6; next }
		$1 != "flow" || $5 == "b1" { next }
		{
			n++
			want = "198.51.100." substr($5, 2)
			if (be[$4] != want || (proto == "tcp" && st[$4] != "ESTABLISHED")) {
				bad++
				print "flow from port " $4 " on " $5 ": conntrack says " \
					(($4 in be) ? be[$4] " " st[$4] : "nothing")
			}
		}
		END { print n " flows checked"; exit bad > 0 || n == 0 }' "$TMPD/ct" "$TMPD/$1.ready"
}
check "TCP: conntrack keeps every flow of b2 and b3" kept tcp
check "UDP: conntrack keeps every flow of b2 and b3" kept udp

going() { wait_rounds "$TMPD/tcp.st" 3 && wait_rounds "$TMPD/udp.st" 3; }
check "the clients go on exchanging" going

long_stop tcp udp

# ended PROTO [REASON]: b1's flows failed (for REASON), every other one is
# alive and still answered by its backend.
ended() {
	local p=$1 out=$TMPD/$1.out ready=$TMPD/$1.ready n1 i
	grep -v '^flow ' "$out"
	n1=$(count "$ready" b1)
	[ "$(stat_of "$out" lost:b1)" = "$n1" ] &&
		[ "$(stat_of "$out" failed)" = "$n1" ] || return 1
	[ -z "${2:-}" ] || [ "$(stat_of "$out" "failed:$2")" = "$n1" ] || return 1
	for i in 2 3; do
		[ "$(count "$out" b$i)" = "$(count "$ready" b$i)" ] || return 1
	done
}
# A TCP connection whose conntrack entry is gone cannot go on: reset by
# whichever backend its next segment reaches, or unanswered.
check "TCP: b1's connections ended, all others alive on their backends" ended tcp
# A UDP flow whose entry is gone is a new flow: another backend answers.
check "UDP: b1's flows moved, all others stayed on their backends" ended udp changed

ktap_finish
