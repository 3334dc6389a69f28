#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-service timeouts at their limits.  The largest (NFLB_TIMEOUT_MAX,
# 4000000 s) gives a flow a long life, not an instant expiry: above 2^31
# jiffies (HZ=1000) conntrack would read the deadline as past, so nflb cuts
# it to that (24.8 days).  A service whose timeouts are all set back to 0
# attaches no policy any more: its new flows follow conntrack's sysctls,
# also when they change later.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 8

setup "topology: client, load balancer, 1 backend" lb_topo -n 1

# left SPORT: seconds left of the UDP entry from the client's port SPORT.
left() {
	ip netns exec "$lb" conntrack -L -p udp --orig-dst "$VIP4" --sport "$1" 2>/dev/null |
		awk '{ print $3; exit }'
}
left_within() {	# left_within SPORT LO HI
	local l
	l=$(left "$1")
	echo "flow from port $1: ${l:-no entry} s left"
	[ -n "$l" ] && between "$l" "$2" "$3"
}

check "udp service with timeout-udp 4000000" \
	lb_service "$lb" udp 4 1 timeout-udp 4000000
# One request, one answer: the entry is timed by the policy's value.
flow() { ip netns exec "$c" nflb-client -u -n 1 -b "$1" "$VIP4" 80 > "$TMPD/out" && cat "$TMPD/out"; }
check "a UDP flow answered" flow 41000
# At most the clamp: 2147483 s at HZ=1000, 4000000 s at HZ <= 536.
check "its entry has over 24 days left, not ~0" left_within 41001 2000000 4000000

check "service set timeout-udp 0" lbadm_in "$lb" service set udp "$(vip 4)" timeout-udp 0
# The sysctl changed after the reset: a flow without a policy follows it,
# one with a policy snapshotted at the reset would keep 30 s.
check "nf_conntrack_udp_timeout 250" \
	ip netns exec "$lb" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=250
check "a new UDP flow answered" flow 42000
check "it follows the sysctl: 200..250 s left, no policy" left_within 42001 200 250

ktap_finish
