#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `hash source`: the client's address alone picks the backend.  100 flows
# from one client address all reach one backend; flows from 20 client
# addresses reach more than one backend, and each address's flows stay on
# one backend.  `service set ... hash 5tuple` spreads one address's flows.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 16

setup "topology: client, load balancer, 3 backends" lb_topo
setup "client with 20 addresses per family" lb_client_addrs 20

src4=() src6=()
for i in $(seq 20); do
	src4+=(-s "192.0.2.$i")
	src6+=(-s "2001:db8:1::$i")
done

# one_backend OUT N: all N flows answered, by one backend.
one_backend() {
	all_answered "$1" "$2" || return 1
	grep -v '^flow ' "$1"
	[ "$(names "$1")" = 1 ]
}

# per_source OUT: flows from each of the 20 addresses reached one backend
# each, and more than one backend in all.
per_source() {
	local -A seen=()
	local w rc=0
	while read -r -a w; do
		[ "${w[0]}" = flow ] || continue
		if [ -z "${seen[${w[2]}]:-}" ]; then
			seen[${w[2]}]=${w[4]}
		elif [ "${seen[${w[2]}]}" != "${w[4]}" ]; then
			echo "flows from ${w[2]} reached ${seen[${w[2]}]} and ${w[4]}"
			rc=1
		fi
	done < "$1"
	grep -v '^flow ' "$1"
	[ "${#seen[@]}" = 20 ] || { echo "${#seen[@]} source addresses, want 20"; rc=1; }
	[ "$(names "$1")" -gt 1 ] || { echo "a single backend for 20 addresses"; rc=1; }
	return $rc
}

base=10000
for t in "tcp 4" "tcp 6" "udp 4"; do
	read -r proto fam <<< "$t"
	d="$proto IPv$fam"
	u=()
	[ "$proto" = udp ] && u=(-u)
	if [ "$fam" = 4 ]; then one=192.0.2.1 srcs=("${src4[@]}"); else one=2001:db8:1::1 srcs=("${src6[@]}"); fi
	out=$TMPD/$proto$fam
	check "$d: service with hash source" lb_service "$lb" "$proto" "$fam" 3 hash source
	ip netns exec "$c" nflb-client "${u[@]}" -n 100 -s "$one" -b "$base" \
		"$(vip_addr "$fam")" 80 > "$out.one"
	check "$d: 100 flows from one address reach one backend" one_backend "$out.one" 100
	ip netns exec "$c" nflb-client "${u[@]}" -n 100 "${srcs[@]}" -b $((base + 200)) -v \
		"$(vip_addr "$fam")" 80 > "$out.many"
	check "$d: 100 flows from 20 addresses all answered" all_answered "$out.many" 100
	check "$d: each address on one backend, more than one backend in all" per_source "$out.many"
	base=$((base + 1000))
done

check "TCP IPv4: service set to hash 5tuple" \
	lbadm_in "$lb" service set tcp "$(vip 4)" hash 5tuple
ip netns exec "$c" nflb-client -n 100 -s 192.0.2.1 -b "$base" "$VIP4" 80 > "$TMPD/5tuple"
spread() {
	all_answered "$1" 100 || return 1
	grep -v '^flow ' "$1"
	[ "$(names "$1")" -gt 1 ]
}
check "TCP IPv4, hash 5tuple: 100 flows from one address reach more than one backend" \
	spread "$TMPD/5tuple"

ktap_finish
