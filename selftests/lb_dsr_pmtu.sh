#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Direct server return (dsr_topo, one backend), PMTU: a 300 KB upload through a gre
# service over 1500-byte links, IPv4 and IPv6: the load balancer answers
# full-size segments with ICMP fragmentation needed / packet too big giving
# the MTU left inside the tunnel, and the upload completes.  Then a 300 KB
# download through an ipip service while the router's link to the client
# has MTU 1400: the router's ICMP errors about the backend's replies go to
# the VIP, the load balancer passes them on to the flow's backend, which
# lowers its path MTU, and the download completes.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd socat
require_nflb

ktap_plan 7

setup "topology: client, router, load balancer and a DSR backend" dsr_topo 1

# PMTU: a 300 KB upload through the tunnel over 1500-byte links.
for i in 1; do
	v=b$i
	for l in TCP4-LISTEN:9000 TCP6-LISTEN:9000,ipv6only=1; do
		bg_run "${!v}" "$TMPD/socat.b$i.${l%%:*}" socat -u "$l,reuseaddr,fork" \
			"OPEN:$TMPD/up.b$i,creat,append"
	done
done
# stat_key KEY: a counter of lbadm flow stats (flow_stat).
stat_key() { flow_stat "$lb" "$1"; }
# listening I PORT: backend bI listens on PORT, IPv4 and IPv6.
listening() {
	local v=b$1
	[ "$(ip netns exec "${!v}" ss -Hltn "sport = :$2" | wc -l)" = 2 ]
}
for fam in 4 6; do
	lbadm_in "$lb" service add tcp "$(vip "$fam" 9000)" forward gre
	lbadm_in "$lb" backend add tcp "$(vip "$fam" 9000)" "$(be "$fam" 1 9000)"
done
uploaded() {
	local i s=0
	[ -e "$TMPD/up.b1" ] && s=$(stat -c %s "$TMPD/up.b1")
	echo "$s"
}
upload_reaches() { [ "$(uploaded)" -ge "$1" ]; }
upload() {
	local fam=$1 before to=TCP:$VIP4:9000 n tb
	before=$(uploaded)
	tb=$(stat_key too-big)
	[ "$fam" = 6 ] && to=TCP6:[$VIP6]:9000
	head -c 300000 /dev/zero | ip netns exec "$c" timeout 60 socat -u - "$to" || return 1
	wait_for 30 upload_reaches $((before + 300000))
	n=$(uploaded)
	echo "received $((n - before)) bytes"
	lbadm_in "$lb" flow stats
	[ $((n - before)) = 300000 ] &&
		[ "$(stat_key too-big)" -gt "$tb" ]
}
setup "the backend listens on port 9000" wait_for 60 listening 1 9000
check "300 KB upload over 1500-byte links, IPv4 (ICMP fragmentation needed)" upload 4
check "300 KB upload over 1500-byte links, IPv6 (ICMPv6 packet too big)" upload 6

for i in 1; do
	v=b$i
	for l in TCP4-LISTEN:9001 TCP6-LISTEN:9001,ipv6only=1; do
		bg_run "${!v}" "$TMPD/socat.b$i.${l%%:*}.down" socat -U "$l,reuseaddr,fork" \
			"SYSTEM:head -c 300000 /dev/zero"
	done
done
for fam in 4 6; do
	lbadm_in "$lb" service add tcp "$(vip "$fam" 9001)" forward ipip
	lbadm_in "$lb" backend add tcp "$(vip "$fam" 9001)" "$(be "$fam" 1 9001)"
done
setup "the router's link to the client has MTU 1400, the backend listens on 9001" \
	eval 'ip -n "$r" link set r0 mtu 1400 && wait_for 60 listening 1 9001'
download() {
	local fam=$1 from=TCP:$VIP4:9001 n before
	[ "$fam" = 6 ] && from=TCP6:[$VIP6]:9001
	before=$(stat_key icmp)
	n=$(ip netns exec "$c" timeout 60 socat -u "$from" - | wc -c)
	echo "received $n bytes"
	lbadm_in "$lb" flow stats
	[ "$n" = 300000 ] && [ "$(stat_key icmp)" -gt "$before" ]
}
check "300 KB download, IPv4: the router's fragmentation needed reaches the backend" download 4
check "300 KB download, IPv6: the router's packet too big reaches the backend" download 6

ktap_finish
