#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Determinism across load balancers: two load-balancer namespaces given the
# same backends in different orders (same seed and table size) dump
# identical Maglev tables, and send each of 200 identical 5-tuples to the
# same backend.  Two separate topologies, A and B, with the same addresses:
# client A and client B send the very same 5-tuples.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 12

setup "topology A: client, load balancer, 3 backends" lb_topo -t A
setup "topology B: the same addresses" lb_topo -t B

# svc NS PROTO FAM OPTIONS -- BACKEND:WEIGHT...: a service and its
# backends, added in the order given.
svc() {
	local ns=$1 proto=$2 fam=$3 opts=() b
	shift 3
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	lbadm_in "$ns" service add "$proto" "$(vip "$fam")" "${opts[@]}" || return 1
	for b in "$@"; do
		lbadm_in "$ns" backend add "$proto" "$(vip "$fam")" "$(be "$fam" "${b%:*}")" \
			weight "${b#*:}" || return 1
	done
}

# same_table PROTO FAM: `service table` and its digest, identical on A and
# B, and not empty.
same_table() {
	local proto=$1 fam=$2 n
	lbadm_in "$lb_A" service table "$proto" "$(vip "$fam")" > "$TMPD/table.A" || return 1
	lbadm_in "$lb_B" service table "$proto" "$(vip "$fam")" > "$TMPD/table.B" || return 1
	n=$(wc -l < "$TMPD/table.A")
	echo "table: $n lines"
	[ "$n" -gt 0 ] || return 1
	cmp "$TMPD/table.A" "$TMPD/table.B" || { diff "$TMPD/table.A" "$TMPD/table.B" | head; return 1; }
	lbadm_in "$lb_A" service table "$proto" "$(vip "$fam")" digest > "$TMPD/digest.A" || return 1
	lbadm_in "$lb_B" service table "$proto" "$(vip "$fam")" digest > "$TMPD/digest.B" || return 1
	cat "$TMPD/digest.A"
	[ -s "$TMPD/digest.A" ] && cmp "$TMPD/digest.A" "$TMPD/digest.B"
}

# TCP/IPv4, table size 1021, seed 7; B gets the backends in another order,
# and one more that it then deletes.
check "A: TCP IPv4 service, backends b1, b2, b3" \
	svc "$lb_A" tcp 4 table-size 1021 seed 7 -- 1:1 2:2 3:3
b_config() {
	svc "$lb_B" tcp 4 table-size 1021 seed 7 -- 3:3 9:5 1:1 2:2 &&
		lbadm_in "$lb_B" backend del tcp "$(vip 4)" "$(be 4 9)"
}
check "B: the same, in the order b3, b9, b1, b2, then b9 deleted" b_config
check "TCP IPv4: identical tables" same_table tcp 4

# UDP/IPv6, default table size, seed 12345: B gets weights changed
# on the way to the same final configuration.
check "A: UDP IPv6 service, backends b1, b2, b3" \
	svc "$lb_A" udp 6 seed 12345 -- 1:2 2:1 3:1
b6_config() {
	svc "$lb_B" udp 6 seed 12345 -- 2:1 3:4 1:2 &&
		lbadm_in "$lb_B" backend set udp "$(vip 6)" "$(be 6 3)" weight 1
}
check "B: the same, in the order b2, b3, b1, b3's weight set last" b6_config
check "UDP IPv6: identical tables" same_table udp 6

# send TAG PROTO FAM BASE: 200 flows from ports BASE+1..BASE+200.
send() {
	local u=()
	[ "$2" = udp ] && u=(-u)
	local v=c_$1
	ip netns exec "${!v}" nflb-client "${u[@]}" -n 200 -b "$4" -v "$(vip_addr "$3")" 80 \
		> "$TMPD/flows.$1"
}
# same_backends: both ran all 200 flows, each 5-tuple reached the same
# backend through A and through B, and more than one backend in all.
same_backends() {
	all_answered "$TMPD/flows.A" 200 && all_answered "$TMPD/flows.B" 200 || return 1
	grep -v '^flow ' "$TMPD/flows.A"
	cmp "$TMPD/flows.A" "$TMPD/flows.B" ||
		{ diff "$TMPD/flows.A" "$TMPD/flows.B" | head; return 1; }
	[ "$(names "$TMPD/flows.A")" -gt 1 ]
}
send A tcp 4 30000
send B tcp 4 30000
check "TCP IPv4: 200 identical 5-tuples, the same backend each through A and B" same_backends
send A udp 6 31000
send B udp 6 31000
check "UDP IPv6: 200 identical 5-tuples, the same backend each through A and B" same_backends

# The comparison can tell: with another seed on B, 5-tuples land elsewhere.
reseed() {
	lbadm_in "$lb_B" service del tcp "$(vip 4)" &&
		svc "$lb_B" tcp 4 table-size 1021 seed 8 -- 1:1 2:2 3:3
}
check "B: TCP IPv4 service again, with seed 8" reseed
send A tcp 4 32000
send B tcp 4 32000
differ() {
	all_answered "$TMPD/flows.A" 200 && all_answered "$TMPD/flows.B" 200 || return 1
	! cmp -s "$TMPD/flows.A" "$TMPD/flows.B"
}
check "TCP IPv4, seeds 7 and 8: some 5-tuples reach other backends" differ

ktap_finish
