#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Direct server return (forward gre and ipip): client - router - (load
# balancer, 3 backends on one segment), the backends routing to the router,
# prepared by nflb-dsr-backend (dsr_topo).  TCP and UDP, IPv4 and IPv6,
# both methods: 300 flows spread 70..130 over the backends and are counted;
# the replies never reach the load balancer (counted there); flow show lists
# the DSR flows with the backend that answered them; drops counted by
# reason per service; bad input rejected with a message and no change.
# lb_dsr_pin.sh and lb_dsr_pmtu.sh go on.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd nft
require_cmd conntrack
require_nflb

ktap_plan 22

setup "topology: client, router, load balancer and 3 DSR backends" dsr_topo
setup "lb counts packets to and from the VIPs" dsr_count_mark

# spread METHOD PROTO FAM BASE: 300 new flows to the service from source
# ports BASE+1.., all answered, 70..130 per backend, and the service and
# each backend count them.  Each run has ports of its own: a UDP flow
# whose 5-tuple an earlier run used within its idle timeout is that flow
# (as it would be for conntrack), not a new one.
spread() {
	local m=$1 proto=$2 fam=$3 base=$4 out=$TMPD/$1-$2-$3 u=() i n rc=0
	[ "$proto" = udp ] && u=(-u)
	lbadm_in "$lb" stats zero "$proto" "$(vip "$fam")" || return 1
	ip netns exec "$c" nflb-client "${u[@]}" -v -n 300 -b "$base" "$(vip_addr "$fam")" 80 > "$out"
	all_answered "$out" 300 || rc=1
	lbadm_in "$lb" service show "$proto" "$(vip "$fam")" > "$out.show" || return 1
	cat "$out.show"
	for i in 1 2 3; do
		n=$(count "$out" "b$i")
		echo "b$i: $n flows"
		between "$n" 70 130 || rc=1
		[ "$(be_key "$out.show" "$(be "$fam" $i)" conns)" = "$n" ] ||
			{ echo "b$i conns differ from the client's count"; rc=1; }
	done
	[ "$(svc_key "$out.show" conns)" = 300 ] || { echo "service conns not 300"; rc=1; }
	[ "$(svc_key "$out.show" forward)" = "$m" ] || { echo "service forward not $m"; rc=1; }
	return $rc
}

for proto in tcp udp; do
	for fam in 4 6; do
		lb_service "$lb" "$proto" "$fam" 3 forward gre ||
			echo "Bail out! cannot add the $proto IPv$fam service"
	done
done
base=10000
for m in gre ipip; do
	for proto in tcp udp; do
		for fam in 4 6; do
			[ "$m" = ipip ] && lbadm_in "$lb" service set "$proto" "$(vip "$fam")" forward ipip
			check "$m $proto IPv$fam: 300 flows over 3 backends, counted" spread "$m" "$proto" "$fam" "$base"
			base=$((base + 400))
		done
	done
done

# flows_match OUT PROTO FAM: flow show has each flow of OUT (nflb-client
# -v) with the backend that answered it.
flows_match() {
	lbadm_in "$lb" flow show "$2" "$(vip "$3")" > "$1.flows" || return 1
	head -3 "$1.flows"
	awk 'FNR == NR { p = $3; sub(/^.*:/, "", p); b = $7; sub(/:80$/, "", b); be[p] = b; n++; next }
		$1 != "flow" { next }
		{ flows++; name = be[$4]; sub(/^.*[.:]/, "b", name)
		  if (name != $5 && bad++ < 5) print "port " $4 " answered by " $5 ", flow show: " be[$4] }
		END { print flows " flows, " n " listed, " bad + 0 " wrong"; exit bad > 0 || !flows }' \
		"$1.flows" "$1"
}
check "flow show lists the DSR flows with their backends" flows_match "$TMPD/ipip-tcp-4" tcp 4

replies_bypass() {
	local w=()
	read -r -a w <<< "$(dsr_counts)"
	echo "packets at lb: ${w[*]}"
	[ "${w[1]}" -ge 2400 ] && [ "${w[3]}" = 0 ]
}
check "replies never cross the load balancer" replies_bypass

# ft KEY: the load balancer's DSR flow table counter KEY (flow_stat).
ft() { flow_stat "$lb" "$1"; }

# Drops by reason, per service (-s and JSON) and as the netns counts them:
# one 1500-byte datagram with DF (1472 bytes of UDP payload: PMTU
# discovery sets DF) does not fit once encapsulated (too-big-drops 1,
# answered with ICMP); five to a service whose backend is behind an
# unreachable route cannot be encapsulated (encap-drops 5).
drops_by_reason() {
	local out=$TMPD/reasons b0 r0 big encap i rc=0
	lbadm_in "$lb" stats zero udp "$(vip 4)" || return 1
	b0=$(ft too-big) r0=$(ft no-route)
	ip netns exec "$c" bash -c "head -c 1472 /dev/zero > /dev/udp/$VIP4/80" || return 1
	ip -n "$lb" route add unreachable 203.0.113.7/32 || return 1
	lbadm_in "$lb" service add udp "$(vip 4 85)" forward gre || return 1
	lbadm_in "$lb" backend add udp "$(vip 4 85)" 203.0.113.7:85 || return 1
	for i in 1 2 3 4 5; do
		ip netns exec "$c" bash -c "echo $i > /dev/udp/$VIP4/85" || return 1
	done
	lbadm_in "$lb" -s service show udp "$(vip 4)" > "$out.big" || return 1
	lbadm_in "$lb" -s service show udp "$(vip 4 85)" > "$out.encap" || return 1
	lbadm_in "$lb" -j service show udp "$(vip 4 85)" > "$out.json" || return 1
	head -n 1 "$out.big" "$out.encap"
	lbadm_in "$lb" flow stats
	big=$(svc_key "$out.big" too-big-drops) encap=$(svc_key "$out.encap" encap-drops)
	echo "too-big-drops $big (netns +$(( $(ft too-big) - b0 ))), encap-drops $encap (netns no-route +$(( $(ft no-route) - r0 )))"
	[ "$big" = 1 ] && [ $(( $(ft too-big) - b0 )) = 1 ] || rc=1
	[ "$encap" = 5 ] && [ $(( $(ft no-route) - r0 )) = 5 ] || rc=1
	[ "$(svc_key "$out.encap" too-big-drops)" = 0 ] || rc=1
	jq -e '.[0].stats["encap-drops"] == 5 and .[0].stats["too-big-drops"] == 0 and .[0].stats.unpinned == 0' "$out.json" > /dev/null ||
		{ echo "JSON: $(cat "$out.json")"; rc=1; }
	lbadm_in "$lb" service del udp "$(vip 4 85)"
	ip -n "$lb" route del unreachable 203.0.113.7/32
	return $rc
}
check "drops by reason per service: too-big, encap" drops_by_reason

# A 3000-byte datagram over 1500-byte links leaves the client in
# fragments: the load balancer reassembles it before its DSR hook (a
# DSR-only netns enables defragmentation without conntrack) and forwards
# one packet of 3028 bytes, its outer packet fragmented in turn.
fragmented() {
	local out=$TMPD/frag
	lbadm_in "$lb" stats zero udp "$(vip 4)" || return 1
	ip netns exec "$c" bash -c "head -c 3000 /dev/zero > /dev/udp/$VIP4/80" || return 1
	lbadm_in "$lb" -s service show udp "$(vip 4)" > "$out" || return 1
	head -n 1 "$out"
	[ "$(svc_key "$out" pkts-in)" = 1 ] && [ "$(svc_key "$out" bytes-in)" = 3028 ] &&
		[ "$(svc_key "$out" conns)" = 1 ] && [ "$(svc_key "$out" encap-drops)" = 0 ]
}
check "a fragmented datagram reassembled and forwarded whole" fragmented

# Whether conntrack is hooked in lb's netns: a datagram lb sends
# to b1's port PORT gets an entry (1) or not (0).
tracked() {
	ip netns exec "$lb" bash -c "echo x > /dev/udp/$(be_addr 4 1)/$1" || return 1
	ip netns exec "$lb" conntrack -L -p udp --dport "$1" 2>/dev/null | grep -c "dport=$1 "
}
# Only DSR services so far: their packets leave before conntrack, which
# nflb registers (with its NAT and counting hooks) for NAT services only.
untracked() {
	local n
	n=$(tracked 7001)
	echo "conntrack entries of lb's own datagram: $n"
	[ "$n" = 0 ]
}
check "DSR services only: conntrack not hooked in the netns" untracked
lbadm_in "$lb" service add tcp "$(vip 4 82)" snat
nat_tracked() {
	local n
	n=$(tracked 7002)
	echo "conntrack entries of lb's own datagram: $n"
	[ "$n" = 1 ]
}
check "the first NAT service hooks conntrack" nat_tracked

# Bad input: a message, nothing changed.
rejects_mark
check "forward gre with snat rejected" \
	rejects "snat is only valid with forward nat" service add tcp "$(vip 4 81)" forward gre snat
check "forward gre on a snat service rejected (by the kernel)" \
	rejects "snat is only valid with forward nat" service set tcp "$(vip 4 82)" forward gre
check "forward ipip with snat ADDRESS rejected" \
	rejects "snat is only valid with forward nat" service add tcp "$(vip 4 84)" forward ipip snat 10.0.0.254
check "unknown method rejected" \
	rejects "invalid forward \"vxlan\" \(nat, gre or ipip\)" service add tcp "$(vip 4 83)" forward vxlan
check "a method on a backend rejected" \
	rejects "option of the service" backend add tcp "$(vip 4)" "$(be 4 9)" forward gre
check "a DSR backend on another port rejected" \
	rejects "takes the service's port" backend add tcp "$(vip 4)" "$(be 4 9 8080)"

ktap_finish
