#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's backends given as host names, against a real DNS server
# (dnsmasq on 127.0.0.1, its hosts file rewritten by the test), on the
# host, without the nflb module: the backends a name stands for follow
# the answers (A for the IPv4 service, AAAA for the IPv6 one), a backend
# that stays keeps its verdict, every change is logged, TTL expiry brings
# changes in, and while the server is gone (and across a reload meanwhile)
# the last good answer stays.  What reaches the kernel is the reload
# path's (hc_plan_test, selftests/hc_reload.sh).
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

if ! command -v dnsmasq >/dev/null; then
	echo "1..0 # SKIP dnsmasq not installed"
	exit 0
fi
ktap_plan 13

. "$(dirname "$0")/hc_lib.sh"

port=$((20000 + RANDOM % 10000))
dport=$((40000 + RANDOM % 10000))
dns_start() {
	dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--addn-hosts="$dir/hosts" --listen-address=127.0.0.1 \
		--port="$dport" --bind-interfaces --local-ttl=1 --pid-file= \
		--user=root --log-facility=- 2> "$dir/dnsmasq.log" &
	dns=$!
	pids+=($dns)
}
hosts() { printf '%s web.example.internal\n' "$@" > "$dir/hosts"; }
hosts 127.0.0.1 127.0.0.2 fd00::2
dns_start
cat > "$dir/hc.conf" <<EOC
dns = { servers = ( "127.0.0.1:$dport" ); ttl-min = 0.5; ttl-max = 5; timeout = 0.5; };
services = (
  { name = "web"; protocol = "tcp"; address = "192.0.2.10"; port = 80;
    check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; };
    backends = ( { address = "web.example.internal"; port = $port; weight = 3; },
                 { address = "127.0.0.9"; port = $port; } ); },
  { name = "web6"; protocol = "tcp"; address = "2001:db8::10"; port = 80;
    check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; };
    backends = ( { address = "web.example.internal"; port = $port; } ); }
);
EOC
# 127.0.0.2 answers: its verdict is up, and must stay up across changes.
"$server" -t -p "$port" -l 127.0.0.2 -r "$dir/ready" be >/dev/null 2>&1 &
pids+=($!)
wait_for 10 test -e "$dir/ready"

check "lbhealthd -t accepts host names" "$hc" -t -c "$dir/hc.conf"
"$hc" -f -c "$dir/hc.conf" -s "$dir/sock" 2> "$dir/log" &
daemon=$!
pids+=($daemon)
# backends SERVICE: its backends in status, "ADDR:PORT/WEIGHT/STATE" sorted.
backends() {
	"$hc" -s "$dir/sock" status -j 2>/dev/null | jq -r --arg n "$1" \
		'.services[] | select(.name == $n) | .backends[] |
		 "\(.address):\(.port)/\(.weight)/\(.state)"' | sort | paste -sd ' '
}
# soon SECONDS CMD...: wait_for, then CMD once more to say why not.
soon() { wait_for "$1" "${@:2}" || "${@:2}"; }
is() { local b; b=$(backends "$1"); [ "$b" = "$2" ] && return 0; echo "$1: $b"; return 1; }
since() {	# since ADDR: when the verdict of web's backend ADDR was given
	"$hc" -s "$dir/sock" status -j | jq -r --arg a "$1" \
		'.services[0].backends[] | select(.address == $a) | .since'
}
P=$port
check "the name's 2 A records and the literal backend: 3 backends" \
	soon 10 is web "127.0.0.1:$P/3/down 127.0.0.2:$P/3/up 127.0.0.9:$P/1/down"
check "the IPv6 service takes the AAAA record only" \
	soon 10 is web6 "fd00::2:$P/1/down"
check "the first answer is logged" \
	grep -q "web: web.example.internal: 127.0.0.1, 127.0.0.2 (was unresolved)" "$dir/log"
s2=$(since 127.0.0.2)

hosts 127.0.0.3 127.0.0.2 fd00::2
kill -HUP "$dns"
check "a changed answer (TTL 1 s) replaces 127.0.0.1 by 127.0.0.3" \
	soon 10 is web "127.0.0.2:$P/3/up 127.0.0.3:$P/3/down 127.0.0.9:$P/1/down"
check "the change is logged with what it was" \
	grep -q "web: web.example.internal: 127.0.0.2, 127.0.0.3 (was 127.0.0.1, 127.0.0.2)" "$dir/log"
check "the backend that stayed kept its verdict" test "$(since 127.0.0.2)" = "$s2"
check "an unchanged answer is not logged again" \
	test "$(grep -c 'web6: web.example.internal: ' "$dir/log")" = 1

kill "$dns"
wait "$dns" 2>/dev/null
check "the server gone: the failure is logged once" \
	wait_for 10 grep -q "web: web.example.internal: cannot resolve (.*): keeping the last answer" "$dir/log"
sleep 2
check "the last answer stays" \
	is web "127.0.0.2:$P/3/up 127.0.0.3:$P/3/down 127.0.0.9:$P/1/down"
kill -HUP "$daemon"
wait_for 10 grep -q 'reloaded: 2 services' "$dir/log"
check "a reload meanwhile keeps it too" \
	is web "127.0.0.2:$P/3/up 127.0.0.3:$P/3/down 127.0.0.9:$P/1/down"

hosts 127.0.0.3 fd00::2
dns_start
check "the server back: 127.0.0.2 goes" \
	soon 15 is web "127.0.0.3:$P/3/down 127.0.0.9:$P/1/down"
check "and recovery is logged" \
	grep -q "web: web.example.internal: resolves again" "$dir/log"
ktap_finish
