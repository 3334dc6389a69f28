#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Balancing, TCP and UDP, IPv4 and IPv6: 300 flows from distinct source
# ports are all answered, each of 3 equal backends takes 70 to 130 of them,
# `service show` counts them, and conntrack on the load balancer shows each
# flow translated to the backend that answered it.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 21

setup "topology: client, load balancer, 3 backends" lb_topo

# conns_counted PROTO FAM OUT: service show counts every flow, and each
# backend the flows the client saw it answer.
conns_counted() {
	local proto=$1 fam=$2 out=$3 i n rc=0
	lbadm_in "$lb" service show "$proto" "$(vip "$fam")" > "$out.show" || return 1
	cat "$out.show"
	n=$(svc_key "$out.show" conns)
	[ "$n" = 300 ] || { echo "service conns '$n', want 300"; rc=1; }
	for i in 1 2 3; do
		n=$(be_key "$out.show" "$(be "$fam" $i)" conns)
		[ "$n" = "$(count "$out" b$i)" ] ||
			{ echo "b$i conns '$n', client saw $(count "$out" b$i)"; rc=1; }
	done
	return $rc
}

balanced() {	# balanced OUT: each backend answered 70..130 flows
	local i rc=0
	for i in 1 2 3; do
		echo "b$i $(count "$1" b$i)"
		between "$(count "$1" b$i)" 70 130 || rc=1
	done
	return $rc
}

base=10000
for proto in tcp udp; do
	for fam in 4 6; do
		t="$proto IPv$fam"
		out=$TMPD/$proto$fam.out
		u=()
		[ "$proto" = udp ] && u=(-u)
		check "$t: service with 3 backends" lb_service "$lb" "$proto" "$fam" 3
		# Source ports base+1..base+300: distinct, and the same every run.
		ip netns exec "$c" nflb-client "${u[@]}" -n 300 -b "$base" -v \
			"$(vip_addr "$fam")" 80 > "$out"
		check "$t: 300 flows answered" all_answered "$out" 300
		check "$t: each backend answered 70 to 130" balanced "$out"
		check "$t: service show counts the flows" conns_counted "$proto" "$fam" "$out"
		check "$t: conntrack shows each flow translated to its backend" \
			ct_match "$lb" "$proto" "$fam" "$out"
		base=$((base + 1000))
	done
done

ktap_finish
