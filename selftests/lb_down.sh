#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A service with no backend able to take flows (all down, or all of weight
# 0): a new TCP flow is reset (connection refused), a new UDP flow gets
# ICMP port unreachable (ECONNREFUSED on the client's connected socket),
# and the service counts the drops.  Once a backend is up again, flows
# reach it.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 31

setup "topology: client, load balancer, 2 backends" lb_topo -n 2
# The ICMP errors are the subject here: no rate limit on them.
setup "no ICMP rate limit in lb" ip netns exec "$lb" sysctl -qw \
	net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0

# refused OUT: all 10 flows refused, none timed out.
refused() {
	grep -v '^flow ' "$1"
	[ "$(stat_of "$1" failed:refused)" = 10 ] && [ "$(stat_of "$1" failed)" = 10 ]
}
# drops PROTO VIPSPEC N: `lbadm -s service show` counts N drops.
drops() {
	lbadm_in "$lb" -s service show "$1" "$2" > "$TMPD/show" || return 1
	cat "$TMPD/show"
	[ "$(svc_key "$TMPD/show" drops)" = "$3" ]
}

for t in "tcp 4" "udp 4" "tcp 6" "udp 6"; do
	read -r proto fam <<< "$t"
	d="$proto IPv$fam"
	u=()
	[ "$proto" = udp ] && u=(-u)
	all_down() {
		lbadm_in "$lb" service add "$proto" "$(vip "$fam")" &&
			lbadm_in "$lb" backend add "$proto" "$(vip "$fam")" "$(be "$fam" 1)" state down &&
			lbadm_in "$lb" backend add "$proto" "$(vip "$fam")" "$(be "$fam" 2)" state down
	}
	check "$d: service whose 2 backends are down" all_down
	ip netns exec "$c" nflb-client "${u[@]}" -n 10 -t 3000 "$(vip_addr "$fam")" 80 > "$TMPD/out"
	check "$d: 10 new flows refused" refused "$TMPD/out"
	check "$d: the service counts 10 drops" drops "$proto" "$(vip "$fam")" 10
	check "$d: backend set b2 state up" \
		lbadm_in "$lb" backend set "$proto" "$(vip "$fam")" "$(be "$fam" 2)" state up
	ip netns exec "$c" nflb-client "${u[@]}" -n 10 "$(vip_addr "$fam")" 80 > "$TMPD/out"
	check "$d: 10 new flows all reach b2" test "$(count "$TMPD/out" b2)" = 10
done

# Weight 0 takes no flows either; port 81 goes to the backends' port 80.
zero() {
	lbadm_in "$lb" service add tcp "$(vip 4 81)" &&
		lbadm_in "$lb" backend add tcp "$(vip 4 81)" "$(be 4 1 80)" weight 0
}
check "TCP IPv4 port 81: service whose backend has weight 0" zero
ip netns exec "$c" nflb-client -n 10 -t 3000 "$VIP4" 81 > "$TMPD/out"
check "TCP IPv4 port 81: 10 new flows refused" refused "$TMPD/out"
check "TCP IPv4 port 81: the service counts 10 drops" drops tcp "$(vip 4 81)" 10
check "TCP IPv4 port 81: backend set weight 1" \
	lbadm_in "$lb" backend set tcp "$(vip 4 81)" "$(be 4 1 80)" weight 1
ip netns exec "$c" nflb-client -n 10 "$VIP4" 81 > "$TMPD/out"
check "TCP IPv4 port 81: 10 new flows reach b1 on port 80" test "$(count "$TMPD/out" b1)" = 10

# TCP and UDP IPv4 above have the same backends in the same states: they
# share one Maglev slot array (kmod/slots.c).  A change to one service
# must reach its own new flows at once and never the other's.
check "TCP IPv4: backend set b1 state up (UDP IPv4 keeps b1 down)" \
	lbadm_in "$lb" backend set tcp "$(vip 4)" "$(be 4 1)" state up
both() {	# both FILE N: N flows answered, by b1 and by b2
	all_answered "$1" "$2" || return 1
	echo "b1 $(count "$1" b1), b2 $(count "$1" b2)"
	[ "$(count "$1" b1)" -gt 0 ] && [ "$(count "$1" b2)" -gt 0 ]
}
ip netns exec "$c" nflb-client -n 40 "$VIP4" 80 > "$TMPD/out"
check "TCP IPv4: 40 new flows reach both b1 and b2" both "$TMPD/out" 40
ip netns exec "$c" nflb-client -u -n 20 "$VIP4" 80 > "$TMPD/out"
check "UDP IPv4: 20 new flows all reach b2" test "$(count "$TMPD/out" b2)" = 20
check "TCP IPv4: backend set b1 state down again" \
	lbadm_in "$lb" backend set tcp "$(vip 4)" "$(be 4 1)" state down

ktap_finish
