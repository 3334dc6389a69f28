#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Flowtable fast path (lbadm offload dev l0 dev br0): UDP and TCP flows of
# NAT services through the load balancer are answered, conntrack shows them
# [OFFLOAD], and an nft counter in the load balancer's forward chain stops
# counting their packets once offloaded (UDP: exactly the first request and
# the first answer of each flow), while nflb's counters stay exact: UDP
# equal to the datagrams sent (202 each way, 34 and 31 bytes each), TCP
# equal to conntrack's own accounting of the flows.  The same for IPv6
# (UDP: 202 each way, 54 and 51 bytes each).  lbadm save writes the offload
# devices, restore after flush and offload off sets them again and the
# restored service's flows are offloaded, a file naming a missing device
# changes nothing, restore --sync turns offload off for a file without the
# line and on for one with it.  Deleting a backend
# with flush ends its offloaded flows: their next packets go to the other
# backend.  Bad requests change nothing.  rmmod with offloaded flows, and
# deleting the load balancer's netns with offloaded flows, are clean (the
# runner fails on any WARN, lockdep or list-debug report).
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
require_cmd conntrack nft rmmod

ktap_plan 66

setup "topology: client, load balancer, 2 backends" lb_topo -n 2
services() { lb_service "$lb" udp 4 2 && lb_service "$lb" tcp 4 2; }
setup "UDP and TCP services with 2 backends each" services
fwd_chain() {
	ip netns exec "$lb" nft -f - <<-EOF
		table inet t {
			chain fc {
				type filter hook forward priority 0; policy accept;
				meta l4proto udp counter
				meta l4proto tcp counter
			}
		}
	EOF
}
setup "nft counters in a forward chain of the load balancer" fwd_chain

# fwd PROTO: packets the forward chain counted for PROTO.
fwd() {
	ip netns exec "$lb" nft list chain inet t fc |
		awk -v p="$1" '$2 == "l4proto" && $3 == p { print $6 }'
}
# offloaded PROTO N [6]: N flows of PROTO to the VIP (IPv4's, or IPv6's)
# are [OFFLOAD] in conntrack.
__ct() {
	if [ "${2:-4}" = 6 ]; then
		ip netns exec "$lb" conntrack -L -f ipv6 -p "$1" --orig-dst "$VIP6"
	else
		ip netns exec "$lb" conntrack -L -p "$1" --orig-dst "$VIP4"
	fi
}
__offloaded() {
	local n
	n=$(__ct "$1" "${3:-4}" 2>/dev/null | grep -c OFFLOAD)
	[ "$n" = "$2" ]
}
offloaded() {
	wait_for 30 __offloaded "$1" "$2" "${3:-4}" && return 0
	__ct "$1" "${3:-4}"
	return 1
}
show_offload() { lbadm_in "$lb" offload show; }

# Bad requests: an error naming what is wrong, nothing changed.
rejects_mark
check "offload dev of a missing device fails" \
	rejects 'no device "nosuch"' offload dev nosuch
check "offload dev lo fails: not an Ethernet device" \
	rejects -i 'ethernet' offload dev lo
check "offload dev l0 dev l0 fails: listed twice" \
	rejects 'twice' offload dev l0 dev l0
check "offload still off" eval 'show_offload | grep -q "^offload off"'

check "lbadm offload dev l0 dev br0" lbadm_in "$lb" offload dev l0 dev br0
check "offload show lists l0 and br0" \
	eval 'show_offload | grep -q "^offload dev l0 dev br0 "'

# 2 UDP long-lived flows, 1 + 100 rounds each (UDP: no resend within the
# run, -t 20000: each round is one datagram each way), and 2 TCP ones
# until stopped (their close goes through the hooks).
setup "2 UDP flows running" long_start udp "$c" -u -n 2 -R 100 -t 20000 \
	-b 23000 "$VIP4" 80
setup "2 TCP flows running" long_start tcp "$c" -n 2 "$VIP4" 80
check "conntrack shows the 2 UDP flows [OFFLOAD]" offloaded udp 2
check "conntrack shows the 2 TCP flows [OFFLOAD]" offloaded tcp 2
# Once offloaded, the forward chain sees none of their packets.
# still [NAME [FAMILY]]: over 10 more rounds of the flows NAME (tcp).
still() {
	local u t u2 t2
	u=$(fwd udp) t=$(fwd tcp)
	wait_rounds "$TMPD/${1:-tcp}.st" 10 || return 1
	u2=$(fwd udp) t2=$(fwd tcp)
	echo "forward chain: udp $u -> $u2, tcp $t -> $t2"
	__ct tcp "${2:-4}"
	[ "$u2" = "$u" ] && [ "$t2" = "$t" ]
}
check "forward chain counts nothing over 10 more TCP rounds" still
# UDP's 100 rounds first: its stop file would end it early.
wait_for 600 __rounds_reach "$TMPD/udp.st" 100
long_stop udp tcp
check "UDP and TCP flows answered every round" long_ok udp tcp
check "forward chain counted 4 UDP packets: each flow's first two" \
	eval '[ "$(fwd udp)" = 4 ]'

# svc PROTO KEY [FAM]: the service's counter KEY (lbadm -s service show),
# of the IPv4 service or the FAM one.
svc() {
	ip netns exec "$lb" lbadm -s service show "$1" "$(vip "${3:-4}")" > "$TMPD/s" &&
		svc_key "$TMPD/s" "$2"
}
# udp_exact FAM OUT BYTES_IN BYTES_OUT: the UDP service of FAM counted
# 202 packets each way and these bytes (OUT: the clients' output).
udp_exact() {
	local k want rc=0
	cat "$2"
	for k in pkts-in:202 pkts-out:202 bytes-in:$3 bytes-out:$4; do
		want=${k#*:} k=${k%%:*}
		[ "$(svc udp "$k" "$1")" = "$want" ] ||
			{ echo "$k $(svc udp "$k" "$1"), want $want"; rc=1; }
	done
	return $rc
}
check "UDP counters exact: 202 pkts, 6868 and 6262 bytes each way" \
	udp_exact 4 "$TMPD/udp.out" 6868 6262
# conntrack's accounting of the TCP flows, both directions, summed.
ct_acct() {
	ip netns exec "$lb" conntrack -L -p tcp --orig-dst "$VIP4" 2>/dev/null |
		awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^packets=/) {
			n++; if (n == 1) pi += substr($i, 9); else po += substr($i, 9) }
			for (i = 1; i <= NF; i++) if ($i ~ /^bytes=/) {
			m++; if (m % 2 == 1) bi += substr($i, 7); else bo += substr($i, 7) } }
			END { print pi + 0, po + 0, bi + 0, bo + 0 }'
}
tcp_exact() {
	local a b
	a=$(ct_acct)
	b="$(svc tcp pkts-in) $(svc tcp pkts-out) $(svc tcp bytes-in) $(svc tcp bytes-out)"
	echo "conntrack: $a; nflb: $b; forward chain: $(fwd tcp)"
	[ "$a" = "$b" ] && [ "$(svc tcp pkts-in)" -ge 40 ] &&
		[ "$(fwd tcp)" -lt $(( $(svc tcp pkts-in) / 2 )) ]
}
check "TCP counters equal conntrack's accounting" tcp_exact

# IPv6: the same fast path, through nf_flow_offload_ipv6_hook.  The IPv4
# flows are over; only the IPv6 ones count from here.
services6() { lb_service "$lb" udp 6 2 && lb_service "$lb" tcp 6 2; }
setup "IPv6 UDP and TCP services with 2 backends each" services6
fwd6_udp=$(fwd udp)
setup "2 UDP IPv6 flows running" long_start udp6 "$c" -u -n 2 -R 100 \
	-t 20000 -b 29000 "$VIP6" 80
setup "2 TCP IPv6 flows running" long_start tcp6 "$c" -n 2 "$VIP6" 80
check "conntrack shows the 2 UDP IPv6 flows [OFFLOAD]" offloaded udp 2 6
check "conntrack shows the 2 TCP IPv6 flows [OFFLOAD]" offloaded tcp 2 6
check "forward chain counts nothing over 10 more TCP IPv6 rounds" still tcp6 6
wait_for 600 __rounds_reach "$TMPD/udp6.st" 100
long_stop udp6 tcp6
check "UDP and TCP IPv6 flows answered every round" long_ok udp6 tcp6
check "forward chain counted 4 more UDP packets: each IPv6 flow's first two" \
	eval '[ "$(fwd udp)" = $((fwd6_udp + 4)) ]'
# The datagrams of the IPv4 case with a 40-byte header: 54 and 51 bytes.
check "UDP IPv6 counters exact: 202 pkts, 10908 and 10302 bytes each way" \
	udp_exact 6 "$TMPD/udp6.out" 10908 10302

# lbadm save carries the offload devices, first; restore sets them again
# (a file naming a missing device changes nothing), and the restored
# services' flows are offloaded; restore --sync ends as the file says.
saved_offload() {
	lbadm_in "$lb" save > "$TMPD/saved" || return 1
	head -n 1 "$TMPD/saved"
	[ "$(head -n 1 "$TMPD/saved")" = "offload dev l0 dev br0" ]
}
check "save writes offload dev l0 dev br0 first" saved_offload
check "flush, offload off" eval 'lbadm_in "$lb" flush &&
	lbadm_in "$lb" offload off && show_offload | grep -q "^offload off"'
bad_file() {
	local err
	{ echo "offload dev l0 dev nosuch"; grep -v '^offload' "$TMPD/saved"; } > "$TMPD/bad"
	err=$(lbadm_in "$lb" restore "$TMPD/bad" 2>&1) &&
		{ echo "restore succeeded"; return 1; }
	echo "$err"
	[[ $err == *"$TMPD/bad:1: offload: no device \"nosuch\""* ]] &&
		show_offload | grep -q "^offload off" &&
		[ -z "$(lbadm_in "$lb" service show)" ]
}
check "restore of a file naming a missing device fails, nothing changed" bad_file
check "restore: offload show lists l0 and br0 again" eval \
	'lbadm_in "$lb" restore "$TMPD/saved" &&
	show_offload | grep -q "^offload dev l0 dev br0 "'
ip netns exec "$lb" conntrack -F 2> /dev/null
setup "2 UDP flows to the restored service running" long_start rs "$c" -u \
	-n 2 -t 20000 -b 30000 "$VIP4" 80
check "the 2 UDP flows offloaded" offloaded udp 2
check "forward chain counts nothing over 10 more UDP rounds" still rs
long_stop rs
check "the flows answered every round" long_ok rs
sync_off() {
	grep -v '^offload' "$TMPD/saved" > "$TMPD/nooff" &&
		lbadm_in "$lb" restore --sync "$TMPD/nooff" &&
		show_offload | grep -q "^offload off"
}
check "restore --sync of the file without its offload line: offload off" sync_off
sync_on() {
	lbadm_in "$lb" restore --sync "$TMPD/saved" &&
		show_offload | grep -q "^offload dev l0 dev br0 " &&
		lbadm_in "$lb" save | diff -u "$TMPD/saved" -
}
check "restore --sync of the saved file: offload on, the rest as saved" sync_on

# A deleted backend's offloaded flows end: their next datagrams are
# scheduled again, to the other backend (answers change, as expected).
on_b1() { awk '$1 == "b1" { print $2 }' "$TMPD/del.ready"; }
# Only this phase's flows from here on: conntrack forgets the others.
ip netns exec "$lb" conntrack -F 2> /dev/null
setup "4 UDP flows running" long_start del "$c" -u -n 4 -t 20000 \
	-b 24000 "$VIP4" 80
check "4 UDP flows offloaded, some to b1" eval \
	'offloaded udp 4 && echo "on b1: $(on_b1)" && [ "$(on_b1)" -gt 0 ]'
check "backend del b1 flush" lbadm_in "$lb" backend del udp "$(vip 4)" \
	"$(be 4 1)" flush
check "5 more rounds" wait_rounds "$TMPD/del.st" 5
long_stop del
moved() {
	cat "$TMPD/del.out"
	[ "$(stat_of "$TMPD/del.out" "lost:b1")" = "$(on_b1)" ] &&
		! ct_flows "$lb" udp 4 | grep -q " $(be_addr 4 1) "
}
check "b1's offloaded flows ended: answered by b2 since" moved

# offload off with live offloaded flows: they go back to conntrack and
# nflb's hooks (the forward chain counts them again) and keep answering.
ip netns exec "$lb" conntrack -F 2> /dev/null
setup "2 UDP flows running" long_start off "$c" -u -n 2 -t 20000 \
	-b 27000 "$VIP4" 80
check "2 UDP flows offloaded" offloaded udp 2
counted=$(fwd udp)
check "lbadm offload off with offloaded flows" lbadm_in "$lb" offload off
check "offload show: off" eval 'show_offload | grep -q "^offload off"'
check "no flow left [OFFLOAD]" offloaded udp 0
check "5 more rounds" wait_rounds "$TMPD/off.st" 5
check "the forward chain counts them again" eval '[ "$(fwd udp)" -gt "$counted" ]'
long_stop off
check "the flows answered every round" long_ok off

# A listed device unregistered: the notifier takes it off the list, the
# flows on the other devices stay offloaded.
x0_add() {
	ip -n "$lb" link add x0 type veth peer name x1 &&
		ip -n "$lb" link set x0 up && ip -n "$lb" link set x1 up
}
setup "a spare veth pair x0/x1 on the load balancer" x0_add
check "lbadm offload dev l0 dev br0 dev x0" \
	lbadm_in "$lb" offload dev l0 dev br0 dev x0
ip netns exec "$lb" conntrack -F 2> /dev/null
setup "2 UDP flows running" long_start unreg "$c" -u -n 2 -t 20000 \
	-b 28000 "$VIP4" 80
check "2 UDP flows offloaded" offloaded udp 2
check "ip link del x0" ip -n "$lb" link del x0
check "offload show: l0 and br0 only" \
	eval 'show_offload | grep -q "^offload dev l0 dev br0 "'
check "5 more rounds" wait_rounds "$TMPD/unreg.st" 5
check "the flows on l0 and br0 still offloaded" offloaded udp 2
long_stop unreg
check "the flows answered every round" long_ok unreg
check "lbadm offload dev l0 dev br0" lbadm_in "$lb" offload dev l0 dev br0

# rmmod with offloaded flows, then deleting the netns with offloaded flows.
ip netns exec "$lb" conntrack -F 2> /dev/null
setup "2 UDP flows running" long_start un "$c" -u -n 2 -t 3000 -b 25000 "$VIP4" 80
check "rmmod nflb with offloaded flows" eval 'offloaded udp 2 && rmmod nflb'
long_stop un
setup "modprobe nflb" modprobe nflb
ip netns exec "$lb" conntrack -F 2> /dev/null
setup "services and offload again" eval 'services && lbadm_in "$lb" offload dev l0 dev br0'
setup "2 UDP flows running" long_start nd "$c" -u -n 2 -t 3000 -b 26000 "$VIP4" 80
check "deleting the netns with offloaded flows" \
	eval 'offloaded udp 2 && ip netns del "$lb"'
long_stop nd

ktap_finish
