#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's backends given as a host name (issue 17), against dnsmasq in
# the load balancer's namespace with a hosts file the test rewrites: the
# kernel's backends are the name's A records (b1, b2); when the answer
# becomes b2, b3 the kernel follows, and lbadm monitor shows that only the
# difference was sent (nothing about b2, no service change); new flows go
# to b2 and b3 only; with the DNS server gone the backends stay.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
require_lbhealthd
require_cmd dnsmasq

ktap_plan 11

VIP80="tcp $VIP4:80"
setup "topology: client, load balancer, 3 backends" lb_topo
hosts() {	# hosts I...: web.example.internal is bI...
	local i
	for i in "$@"; do echo "$(be_addr 4 "$i") web.example.internal"; done > "$TMPD/hosts"
}
dns_start() {
	bg_run "$lb" "$TMPD/dnsmasq.log" dnsmasq --keep-in-foreground --no-resolv \
		--no-hosts --addn-hosts="$TMPD/hosts" --listen-address=127.0.0.1 \
		--port=53 --bind-interfaces --local-ttl=1 --pid-file= --user=root \
		--log-facility=-
	DNS_PID=$BG_PID
}
hosts 1 2
setup "dnsmasq answers for web.example.internal" dns_start
cat > "$TMPD/hc.conf" <<EOF
dns = { servers = ( "127.0.0.1" ); ttl-min = 0.5; ttl-max = 5; };
services = (
  { name = "web"; protocol = "tcp"; address = "$VIP4"; port = 80;
    check = { type = "tcp"; interval = 0.5; timeout = 0.4; rise = 1; fall = 1; };
    backends = ( { address = "web.example.internal"; } ); }
);
EOF
hc_start "$lb" "$TMPD/hc.conf"
check "the name's A records are the kernel's backends: b1, b2" \
	ks_wait "$lb" "$(now_ms)" 30 "$VIP80|$(be 4 1)|up" "$VIP80|$(be 4 2)|up" "$VIP80|$(be 4 3)|absent"
ip netns exec "$c" nflb-client -n 30 -b 30000 "$VIP4" 80 > "$TMPD/f1"
check "30 flows, to b1 and b2 only" sh -c \
	"$(declare -f count __tally answered); test \$(( \$(count '$TMPD/f1' b1) + \$(count '$TMPD/f1' b2) )) = 30"

bg_run "$lb" "$TMPD/mon" lbadm monitor
marker=192.0.2.99:9
synced() {
	lbadm_in "$lb" service add udp $marker && lbadm_in "$lb" service del udp $marker &&
		grep -q "^service del udp $marker\$" "$TMPD/mon"
}
setup "lbadm monitor listening" wait_for 20 synced
hc_mark
hosts 2 3
kill -HUP "$DNS_PID"
check "a new answer (b2, b3): the kernel follows" \
	ks_wait "$lb" "$(now_ms)" 20 "$VIP80|$(be 4 1)|absent" "$VIP80|$(be 4 2)|up" "$VIP80|$(be 4 3)|up"
check "the change is logged" hc_wait_log 10 "web: web.example.internal: $(be_addr 4 2), $(be_addr 4 3) (was $(be_addr 4 1), $(be_addr 4 2))"
only_diff() {
	local m
	m=$(grep -v "$marker" "$TMPD/mon")
	echo "$m"
	grep -q "^backend del tcp $VIP4:80 $(be 4 1)" <<< "$m" &&
		grep -q "^backend add tcp $VIP4:80 $(be 4 3)" <<< "$m" &&
		! grep -q "$(be 4 2)" <<< "$m" && ! grep -q '^service' <<< "$m"
}
check "only the difference was sent: b1 out, b3 in, b2 and the service untouched" only_diff
ip netns exec "$c" nflb-client -n 30 -b 31000 "$VIP4" 80 > "$TMPD/f2"
check "30 new flows, to b2 and b3 only" sh -c \
	"$(declare -f count __tally answered); test \$(( \$(count '$TMPD/f2' b2) + \$(count '$TMPD/f2' b3) )) = 30"

bg_stop "$DNS_PID"
check "the DNS server gone: logged" hc_wait_log 10 "web: web.example.internal: cannot resolve"
nap 2
check "the backends stay" \
	ks_wait "$lb" "$(now_ms)" 5 "$VIP80|$(be 4 1)|absent" "$VIP80|$(be 4 2)|up" "$VIP80|$(be 4 3)|up"
ktap_finish
