#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Weights: backends of weights 1:2:3 hold Maglev slots and take new flows in
# proportion (each share of 600 flows within 5 percentage points of its
# weight's share), over TCP/IPv4 and UDP/IPv6; changing the weights with
# `backend set` changes the shares of new flows.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 9

setup "topology: client, load balancer, 3 backends" lb_topo

# weighted PROTO FAM W1 W2 W3: add the service with b1..b3 weighing W1..W3.
weighted() {
	local proto=$1 fam=$2 w=("$3" "$4" "$5") i
	lbadm_in "$lb" service add "$proto" "$(vip "$fam")" || return 1
	for i in 1 2 3; do
		lbadm_in "$lb" backend add "$proto" "$(vip "$fam")" "$(be "$fam" $i)" \
			weight "${w[i - 1]}" || return 1
	done
}

# shares OUT N W1 W2 W3: of the N flows in OUT, bI's share is within 5
# percentage points of WI/(W1+W2+W3), i.e. |count - N*WI/sum| <= N/20.
shares() {
	local out=$1 n=$2 w=("$3" "$4" "$5") sum=$(($3 + $4 + $5)) i want got rc=0
	for i in 1 2 3; do
		got=$(count "$out" b$i)
		want=$((n * w[i - 1] / sum))
		echo "b$i weight ${w[i - 1]}: $got flows of $n (expected $want)"
		between "$got" $((want - n / 20)) $((want + n / 20)) || rc=1
	done
	return $rc
}

# slot_shares PROTO FAM W1 W2 W3: service show gives bI a share of the
# table within 1 percentage point of its weight's share.
slot_shares() {
	local proto=$1 fam=$2 w=("$3" "$4" "$5") sum=$(($3 + $4 + $5)) size i got want rc=0
	lbadm_in "$lb" service show "$proto" "$(vip "$fam")" > "$TMPD/show" || return 1
	cat "$TMPD/show"
	size=$(svc_key "$TMPD/show" table-size)
	[ -n "$size" ] || { echo "no table-size in service show"; return 1; }
	for i in 1 2 3; do
		got=$(be_key "$TMPD/show" "$(be "$fam" $i)" slots)
		want=$((size * w[i - 1] / sum))
		between "${got:--1}" $((want - size / 100)) $((want + size / 100)) || rc=1
	done
	return $rc
}

out=$TMPD/flows
check "TCP IPv4: backends weighing 1, 2, 3" weighted tcp 4 1 2 3
check "TCP IPv4: table slots in proportion to the weights" slot_shares tcp 4 1 2 3
ip netns exec "$c" nflb-client -n 600 -b 10000 "$VIP4" 80 > "$out"
check "TCP IPv4: 600 flows answered" all_answered "$out" 600
check "TCP IPv4: shares of 600 flows match weights 1:2:3" shares "$out" 600 1 2 3

set_weights() {	# set_weights PROTO FAM W1 W2 W3
	local w=("$3" "$4" "$5") i
	for i in 1 2 3; do
		lbadm_in "$lb" backend set "$1" "$(vip "$2")" "$(be "$2" $i)" \
			weight "${w[i - 1]}" || return 1
	done
}
check "TCP IPv4: backend set to weights 3, 2, 1" set_weights tcp 4 3 2 1
ip netns exec "$c" nflb-client -n 600 -b 20000 "$VIP4" 80 > "$out"
check "TCP IPv4: new flows follow the new weights 3:2:1" shares "$out" 600 3 2 1

check "UDP IPv6: backends weighing 1, 2, 3" weighted udp 6 1 2 3
ip netns exec "$c" nflb-client -u -n 600 -b 30000 "$VIP6" 80 > "$out"
check "UDP IPv6: 600 flows answered" all_answered "$out" 600
check "UDP IPv6: shares of 600 flows match weights 1:2:3" shares "$out" 600 1 2 3

ktap_finish
