#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Direct server return (dsr_topo), PMTU: a 300 KB upload through a gre
# service over 1500-byte links, IPv4 and IPv6: the load balancer answers
# full-size segments with ICMP fragmentation needed / packet too big giving
# the MTU left inside the tunnel, and the upload completes.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd socat
require_nflb

ktap_plan 3

setup "topology: client, router, load balancer and 3 DSR backends" dsr_topo

# PMTU: a 300 KB upload through the tunnel over 1500-byte links.
for i in 1 2 3; do
	v=b$i
	bg_run "${!v}" "$TMPD/socat.b$i" socat -u TCP-LISTEN:9000,reuseaddr,fork \
		"OPEN:$TMPD/up.b$i,creat,append"
done
for fam in 4 6; do
	lbadm_in "$lb" service add tcp "$(vip "$fam" 9000)" forward gre
	for i in 1 2 3; do
		lbadm_in "$lb" backend add tcp "$(vip "$fam" 9000)" "$(be "$fam" "$i" 9000)"
	done
done
uploaded() {
	local i s=0
	for i in 1 2 3; do
		[ -e "$TMPD/up.b$i" ] && s=$((s + $(stat -c %s "$TMPD/up.b$i")))
	done
	echo "$s"
}
upload_reaches() { [ "$(uploaded)" -ge "$1" ]; }
upload() {
	local fam=$1 before to=TCP:$VIP4:9000 n
	before=$(uploaded)
	[ "$fam" = 6 ] && to=TCP6:[$VIP6]:9000
	head -c 300000 /dev/zero | ip netns exec "$c" timeout 60 socat -u - "$to" || return 1
	wait_for 30 upload_reaches $((before + 300000))
	n=$(uploaded)
	echo "received $((n - before)) bytes"
	lbadm_in "$lb" flow stats
	[ $((n - before)) = 300000 ] &&
		[ "$(lbadm_in "$lb" flow stats | awk '{ for (i = 1; i < NF; i++) if ($i == "too-big") print $(i + 1) }')" -gt 0 ]
}
check "300 KB upload over 1500-byte links, IPv4 (ICMP fragmentation needed)" upload 4
check "300 KB upload over 1500-byte links, IPv6 (ICMPv6 packet too big)" upload 6

ktap_finish
