#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `synproxy`: a spoofed-source SYN flood (nflb-synflood) at a synproxy
# service is answered by the load balancer with SYN cookies: no flood SYN
# reaches a backend, conntrack holds no entry per flood packet, 300 new
# connections of legitimate clients succeed during the flood (IPv6: 50)
# and the established ones go on; IPv4 and IPv6.  The option's rejections (UDP,
# DSR), show, JSON and save.  lb_synflood.sh is the same flood without it.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack nft
require_nflb
[ -x "$NFLB_TOP/build/nflb-synflood" ] || skip_all "build/nflb-synflood not built"

ktap_plan 17

LEGIT=300

setup "topology; flood sources routed to the client side; SYN counters at the backends" flood_topo
diag "topology up after $SECONDS s"

# sp_stat COLUMN: /proc/net/stat/synproxy on lb, a column summed over the
# CPUs (2 syn_received, 3 cookie_invalid, 4 cookie_valid).
sp_stat() {
	local w=() s=0 first=1
	while read -r -a w; do
		[ "$first" = 1 ] && { first=0; continue; }
		s=$((s + 16#${w[$1 - 1]}))
	done < <(ip netns exec "$lb" cat /proc/net/stat/synproxy)
	echo "$s"
}

svc_add() {
	lb_service "$lb" tcp 4 3 synproxy && lb_service "$lb" tcp 6 3 synproxy
}
check "service add tcp VIP:80 synproxy (IPv4, IPv6), 3 backends each" svc_add
shown() {
	lbadm_in "$lb" service show tcp "$(vip 4)" > "$TMPD/show" || return 1
	lbadm_in "$lb" -j service show tcp "$(vip 4)" > "$TMPD/json" || return 1
	lbadm_in "$lb" save > "$TMPD/save" || return 1
	cat "$TMPD/show" "$TMPD/save"
	grep -q " synproxy" "$TMPD/show" && grep -q '"synproxy":true' "$TMPD/json" &&
		[ "$(grep -c '^service add tcp .* synproxy$' "$TMPD/save")" = 2 ]
}
check "service show says synproxy, -j \"synproxy\":true, save writes it" shown

# No flood: each connection reaches a backend as one SYN, the synproxy's.
quiet_flows() {
	local f=$TMPD/quiet$1
	be_syns_zero || return 1
	ip netns exec "$c" nflb-client -n 30 -t 5000 "$(vip_addr "$1")" 80 > "$f"
	cat "$f"
	all_answered "$f" 30 || return 1
	[ "$(be_syns syn)" = 30 ] || { echo "backends saw $(be_syns syn) SYNs"; return 1; }
}
check "no flood: 30 connections through the synproxy, 30 SYNs at the backends" quiet_flows 4

syn0=$(sp_stat 2)
setup "IPv4 flood at the synproxy service, $LEGIT connections during it" \
	flood_round sp4 4 "$LEGIT"
check "IPv4: the flood sent at least 5,000 SYNs" flood_sent sp4 5000
check "IPv4: at least 99% of $LEGIT new connections answered during the flood" legit_ok sp4 "$LEGIT"
check "IPv4: the 4 established connections went on, none lost" flood_held sp4
check "IPv4: no flood SYN at any backend" test "$(cat "$TMPD/sp4.bflood4")" = 0
# Conntrack: the legitimate flows (300 + 4, and the quiet run's 30, in
# TIME_WAIT or open) and nothing per flood packet.
ct_bound() {
	echo "conntrack entries: $(cat "$TMPD/sp4.ct"); flood SYNs sent: $(stat_of "$TMPD/sp4.flood" sent)"
	[ "$(cat "$TMPD/sp4.ct")" -le 500 ]
}
check "IPv4: conntrack held at most 500 entries (none per flood SYN)" ct_bound
cookies() {
	local syn valid
	syn=$(( $(sp_stat 2) - syn0 )) valid=$(sp_stat 4)
	echo "SYNs answered with a cookie: $syn; valid cookies returned: $valid"
	[ "$syn" -ge 5000 ] && [ "$valid" -ge $((LEGIT + 34)) ]
}
check "the flood's SYNs answered with cookies, each legitimate connection's cookie valid" cookies

setup "IPv6 flood at the synproxy service, 50 connections during it" \
	flood_round sp6 6 50
check "IPv6: at least 49 of 50 new connections answered during the flood" legit_ok sp6 50
check "IPv6: the 4 established connections went on, none lost" flood_held sp6
check "IPv6: no flood SYN at any backend" test "$(cat "$TMPD/sp6.bflood6")" = 0

# Rejections: nothing changes.
rej() {
	lb_service "$lb" udp 4 1 &&
		lbadm_in "$lb" service add tcp "$(vip 4 81)" forward gre &&
		lbadm_in "$lb" service add tcp "$(vip 4 82)" synproxy &&
		rejects_mark &&
		rejects 'synproxy is only valid for tcp' service set udp "$(vip 4)" synproxy &&
		rejects 'synproxy is only valid for tcp' service add udp "$(vip 4 83)" synproxy &&
		rejects 'synproxy is only valid with forward nat' service set tcp "$(vip 4 81)" synproxy &&
		rejects 'synproxy is only valid with forward nat' service add tcp "$(vip 4 84)" synproxy forward ipip &&
		rejects 'synproxy is only valid with forward nat' service set tcp "$(vip 4 82)" forward gre
}
check "synproxy on UDP or DSR services rejected with a message, nothing changed" rej
check "no-synproxy turns it off" sh -c "ip netns exec $lb lbadm service set tcp $(vip 4 82) no-synproxy &&
	! ip netns exec $lb lbadm service show tcp $(vip 4 82) | grep -q synproxy"

ktap_finish
