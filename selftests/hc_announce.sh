#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd announces VIPs (issue 14): the routes it keeps in its table
# (announce-table, protocol 249) for the node's BIRD to learn, without
# BIRD (lb_cluster.sh runs the whole cluster).  One namespace, the
# backends' servers on its loopback:
#   web   tcp VIP4:80       ipip  b1, b2  quorum 2
#   web6  tcp [VIP6]:80     gre   b6
#   nat   tcp 203.0.113.20:80  nat  b1    announce-nat = true
#   quiet tcp 203.0.113.30:80  ipip b1    announce = false
# Announced once up, not "quiet"; the table's digest logged as lbadm
# prints it; a lost quorum withdraws web's VIP and its return announces it;
# routes deleted behind its back come back; drain-node and undrain-node;
# a reload that removes a service and moves the table; SIGTERM withdraws
# at once and exits after announce-grace (a second SIGTERM at once); a
# restart announces again; a daemon killed leaves its routes, which
# flush-routes removes.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
require_lbhealthd

ktap_plan 16

NAT=203.0.113.20 QUIET=203.0.113.30 B6=2001:db8:2::6

setup_lb() {
	local i
	ns_create lb || return 1
	__ns_sysctls "$lb" || return 1
	ip -n "$lb" addr add 198.51.100.1/32 dev lo &&
		ip -n "$lb" addr add 198.51.100.2/32 dev lo &&
		ip -n "$lb" addr add "$B6/128" dev lo nodad || return 1
	for i in 1 2; do
		bg_run "$lb" "$TMPD/s$i.log" nflb-server -t -l "198.51.100.$i" -r "$TMPD/s$i.ready" "b$i"
		printf -v "s$i" %s "$BG_PID"
	done
	bg_run "$lb" "$TMPD/s6.log" nflb-server -t -l "$B6" -r "$TMPD/s6.ready" b6
	wait_for 10 test -e "$TMPD/s1.ready" -a -e "$TMPD/s2.ready" -a -e "$TMPD/s6.ready"
}
setup "namespace lb, servers b1, b2, b6 on its loopback" setup_lb

# conf [TABLE] [NAT]: the file (NAT: with the nat service, the default).
conf() {
	local table=${1:-4242} nat=${2:-1}
	{
		echo "announce = true; announce-table = $table; announce-grace = 1.5;"
		echo 'services = ('
		echo "{ name = \"web\"; protocol = \"tcp\"; address = \"$VIP4\"; port = 80; forward = \"ipip\";"
		echo '  quorum = 2; seed = "0x5eed"; table-size = 4093;'
		echo '  check = { type = "tcp"; interval = 1; timeout = 0.9; rise = 1; fall = 2; };'
		echo '  backends = ( { address = "198.51.100.1"; }, { address = "198.51.100.2"; } ); },'
		echo "{ name = \"web6\"; protocol = \"tcp\"; address = \"$VIP6\"; port = 80; forward = \"gre\";"
		echo '  check = { type = "tcp"; interval = 1; timeout = 0.9; rise = 1; fall = 2; };'
		echo "  backends = ( { address = \"$B6\"; } ); },"
		[ "$nat" = 1 ] && {
			echo "{ name = \"nat\"; protocol = \"tcp\"; address = \"$NAT\"; port = 80; announce-nat = true;"
			echo '  check = { type = "tcp"; interval = 1; timeout = 0.9; rise = 1; fall = 2; };'
			echo '  backends = ( { address = "198.51.100.1"; } ); },'
		}
		echo "{ name = \"quiet\"; protocol = \"tcp\"; address = \"$QUIET\"; port = 80; forward = \"ipip\"; announce = false;"
		echo '  check = { type = "tcp"; interval = 1; timeout = 0.9; rise = 1; fall = 2; };'
		echo '  backends = ( { address = "198.51.100.1"; } ); }'
		echo ');'
	} > "$TMPD/hc.conf"
}

# routes [TABLE]: the VIPs routed in TABLE (4242) with lbhealthd's
# protocol, sorted, on one line: "203.0.113.10 2001:db8:ff::10".
routes() {
	local t=${1:-4242} w=() out=()
	while read -r -a w; do
		[ "${w[0]}" = blackhole ] && out+=("${w[1]}")
	done < <(ip -n "$lb" -4 route show table "$t" proto 249 2>/dev/null
		 ip -n "$lb" -6 route show table "$t" proto 249 2>/dev/null)
	echo "${out[*]}"
}
# routes_are WANT [TABLE]: routes prints WANT.
routes_are() { [ "$(routes "${2:-4242}")" = "$1" ]; }
# wait_routes SECONDS WANT [TABLE]: until routes_are, saying what is there.
wait_routes() {
	local t0 rc
	t0=$(now_ms)
	wait_for "$1" routes_are "$2" "${3:-4242}"
	rc=$?
	echo "table ${3:-4242}: \"$(routes "${3:-4242}")\" after $(($(now_ms) - t0)) ms (want \"$2\")"
	return $rc
}

ALL="$VIP4 $NAT $VIP6"
conf
hc_start "$lb" "$TMPD/hc.conf"
check "announced once up: web, web6, nat (blackhole, protocol 249), not quiet" \
	wait_routes 30 "$ALL"

digest_logged() {
	local want
	want=$(lbadm_in "$lb" service table tcp "$(vip 4)" digest) || return 1
	echo "lbadm: $want"
	hc_logged "web: $want"
}
check "web's digest logged, as lbadm service table ... digest prints it" digest_logged

status_says() {
	local out
	out=$(hc_status "$lb") || return 1
	printf '%s\n' "$out" | tail -n 3
	[[ $out == *"announced (table 4242): $VIP4, $NAT, $VIP6"* ]] ||
		[[ $out == *"announced (table 4242): "*"$VIP4"*"$NAT"*"$VIP6"* ]]
}
check "lbhealthd status lists the announced VIPs" status_says

# A lost quorum (web: 2 of 2 needed) withdraws web's VIP only.
hc_mark
t0=$(now_ms)
bg_stop "$s2"
lost() {
	wait_routes 30 "$NAT $VIP6" || return 1
	hc_logged "withdrawn $VIP4: web: quorum lost (1 of 2 usable, quorum 2)" ||
		{ grep withdrawn "$TMPD/hc.log"; return 1; }
	echo "server stopped to route withdrawn: $(($(now_ms) - t0)) ms"
}
check "web's quorum lost: its VIP withdrawn, the others stay" lost
bg_run "$lb" "$TMPD/s2.log" nflb-server -t -l 198.51.100.2 -r "$TMPD/s2.ready" b2
s2=$BG_PID
check "web's quorum back: announced again" wait_routes 30 "$ALL"

ip -n "$lb" route flush table 4242 proto 249
check "routes deleted behind its back are added again" wait_routes 30 "$ALL"

drain_node() {
	local out
	out=$(ip netns exec "$lb" lbhealthd -s "$TMPD/hc.sock" drain-node) || return 1
	echo "$out"
	[ "$out" = "node drained: 3 VIPs withdrawn; its flows move to the other nodes" ] &&
		routes_are "" && hc_status "$lb" | grep -q "announced (table 4242): none (node drained"
}
check "drain-node: every VIP withdrawn at once, status says drained" drain_node
undrain_node() {
	ip netns exec "$lb" lbhealthd -s "$TMPD/hc.sock" undrain-node || return 1
	wait_routes 30 "$ALL"
}
check "undrain-node: announced again" undrain_node

# Reload: nat removed from the file, the table moved.
conf 4343 0
kill -HUP "$HC_PID"
moved() {
	wait_routes 30 "$VIP4 $VIP6" 4343 && routes_are "" 4242
}
check "reload: nat's VIP withdrawn, the others moved to table 4343" moved

# SIGTERM: withdrawn at once, exits after announce-grace (1.5 s).  Timed
# from the daemon's log (each line stamped as written): the machine may be
# too loaded for polling to time it.
stop_grace() {
	local t1 t2
	hc_mark
	kill "$HC_PID"
	wait_for 30 hc_logged "announce-grace over: exiting" ||
		{ echo "no end of the grace:"; cat "$TMPD/hc.log"; return 1; }
	t2=$HC_AT
	hc_logged "2 VIPs withdrawn, exiting in 1.5 s (announce-grace" || return 1
	t1=$HC_AT
	wait_for 30 __gone "$HC_PID" || return 1
	bg_wait "$HC_PID"
	# Withdrawn when the grace began, not at the exit.
	hc_logged "withdrawn $VIP4: lbhealthd is stopping" && [ "$HC_AT" -le "$t1" ] &&
		hc_logged "withdrawn $VIP6: lbhealthd is stopping" && [ "$HC_AT" -le "$t1" ] ||
		{ echo "not withdrawn before the grace:"; cat "$TMPD/hc.log"; return 1; }
	routes_are "" 4343 || { echo "routes left: $(routes 4343)"; return 1; }
	echo "withdrawn, then exited $((t2 - t1)) ms later (announce-grace 1.5 s)"
	[ $((t2 - t1)) -ge 1450 ] && [ $((t2 - t1)) -le 3500 ]
}
__gone() { ! kill -0 "$1" 2>/dev/null; }
check "SIGTERM: VIPs withdrawn at once, exit after announce-grace" stop_grace

conf
hc_start "$lb" "$TMPD/hc.conf"
check "restarted: announced again" wait_routes 30 "$ALL"

stop_twice() {
	hc_mark
	kill "$HC_PID"
	wait_for 30 hc_logged "exiting in 1.5 s" || return 1
	kill "$HC_PID"
	wait_for 30 __gone "$HC_PID" || return 1
	bg_wait "$HC_PID"
	hc_logged "again: exiting now" && ! hc_logged "announce-grace over" &&
		routes_are ""
}
check "a second SIGTERM during the grace exits at once" stop_twice

hc_start "$lb" "$TMPD/hc.conf"
wait_routes 30 "$ALL" > /dev/null
killed() {
	kill -KILL "$HC_PID"
	bg_wait "$HC_PID"
	nap 0.5
	echo "after SIGKILL: \"$(routes)\""
	routes_are "$ALL"
}
check "a daemon killed leaves its routes (BIRD keeps announcing them)" killed
flushed() {
	ip netns exec "$lb" lbhealthd -c "$TMPD/hc.conf" flush-routes &&
		routes_are ""
}
check "flush-routes (systemd's ExecStopPost=) withdraws them" flushed

nat_refused() {
	sed 's/ announce-nat = true;//' "$TMPD/hc.conf" > "$TMPD/nat.conf"
	! lbhealthd -t -c "$TMPD/nat.conf" 2> "$TMPD/nat.err"
	cat "$TMPD/nat.err"
	grep -q 'services.\[2\].announce: a NAT service cannot be announced to a cluster' "$TMPD/nat.err"
}
check "a NAT service without announce-nat is refused (lbhealthd -t)" nat_refused

ktap_finish
