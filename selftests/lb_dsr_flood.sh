#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The DSR flow table's flood guard (net.nflb.dsr_flow_rate), in dsr_topo:
# 20 long-lived connections, then 3000 spoofed SYNs from 198.18.0.0/15
# (nflb-synflood) with the guard at 100 new entries a second: each SYN is
# either given an entry or left out by the guard (counted, summing to what
# reached the load balancer, counted there by nft), at most 100 + 100 a
# second of the flood get one, and the 20 connections go on with their
# entries; the service counts each SYN left out (unpinned).  With the guard
# at 1, 50 new connections are all answered: forwarded by the Maglev table
# without entries.  Runs on the stock kernel in make check (scripts/selftests).
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 9

sysctl=/proc/sys/net/nflb/dsr_flow_rate
setup "topology: client, router, load balancer and 3 DSR backends" dsr_topo
setup "DSR service" lb_service "$lb" tcp 4 3 forward gre
# What reaches the load balancer of the flood (a burst may overflow a
# backlog on the way): its SYNs, counted before nflb's hook sees them.
syn_count_mark() {
	ip netns exec "$lb" nft -f - <<-EOF
		table ip flood {
			chain pre {
				type filter hook prerouting priority -300;
				ip saddr 198.18.0.0/15 tcp flags & (syn | ack) == syn counter
			}
		}
	EOF
}
setup "counting the flood's SYNs at the load balancer" syn_count_mark
arrived() {
	ip netns exec "$lb" nft list chain ip flood pre |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
old_rate=$(cat "$sysctl")
trap_rate() { echo "$old_rate" > "$sysctl"; }
setup "20 long-lived connections" long_start est "$c" -n 20 "$VIP4" 80

# ft KEY: the load balancer's DSR flow table counter KEY (flow_stat).
ft() { flow_stat "$lb" "$1"; }
# unpinned: the service's count of packets of new flows left without entry.
unpinned() {
	lbadm_in "$lb" -s service show tcp "$(vip 4)" > "$TMPD/svc.show" &&
		svc_key "$TMPD/svc.show" unpinned
}
# Inserted, left out by the guard, or without room: every SYN is one.
seen() { echo $(( $(ft inserts) + $(ft guard) + $(ft full) )); }
# Every SYN that arrived (A0 before the flood) is counted by the table.
__all_seen() { [ $(( $(seen) - $1 )) = $(( $(arrived) - $2 )) ]; }

flood() {
	local s0 a0 i0 g0 f0 u0 t0 t1 sent got ins gd un bound
	echo 100 > "$sysctl" || return 1
	s0=$(seen) a0=$(arrived) i0=$(ft inserts) g0=$(ft guard) f0=$(ft full)
	u0=$(unpinned)
	t0=$(date +%s%N)
	sent=$(ip netns exec "$c" nflb-synflood -n 3000 -d 60 "$VIP4" 80 |
		awk '$1 == "sent" { print $2 }')
	t1=$(date +%s%N)
	[ -n "$sent" ] || return 1
	wait_for 30 __all_seen "$s0" "$a0"
	got=$(( $(arrived) - a0 ))
	ins=$(( $(ft inserts) - i0 )) gd=$(( $(ft guard) - g0 ))
	un=$(( $(unpinned) - u0 ))
	bound=$(( 100 + 100 * ((t1 - t0) / 1000000000 + 2) ))
	lbadm_in "$lb" flow stats
	echo "sent $sent in $(( (t1 - t0) / 1000000 )) ms, $got arrived: $ins inserted, $gd left out, bound $bound; service unpinned +$un"
	[ "$(( $(seen) - s0 ))" = "$got" ] || { echo "counted $(( $(seen) - s0 )), arrived $got"; return 1; }
	# The service counts what the netns left out (guard or full).
	[ "$un" = $(( gd + $(ft full) - f0 )) ] || { echo "unpinned $un, guard + full $(( gd + $(ft full) - f0 ))"; return 1; }
	[ "$got" -ge 1000 ] && [ "$ins" -le "$bound" ] && [ "$gd" -ge $((got - bound)) ]
}
check "3000 spoofed SYNs: each inserted or left out, at most 100/s inserted" flood

kept() {
	local n
	wait_rounds "$TMPD/est.st" 3 || return 1
	n=$(lbadm_in "$lb" flow show tcp "$(vip 4)" | grep -c ESTABLISHED)
	echo "ESTABLISHED entries: $n"
	[ "$n" -ge 20 ]
}
check "the 20 connections keep their entries and go on" kept
long_stop est
check "20 long-lived connections never failed" long_ok est

forwarded() {
	local out=$TMPD/new g0
	echo 1 > "$sysctl" || return 1
	g0=$(ft guard)
	ip netns exec "$c" nflb-client -n 50 -b 30000 "$VIP4" 80 > "$out"
	echo "guard: $(( $(ft guard) - g0 )) left out"
	all_answered "$out" 50 && [ "$(( $(ft guard) - g0 ))" -gt 0 ]
}
check "guard at 1/s: 50 new connections answered without entries" forwarded
check "flow stats shows the guard's rate" eval '[ "$(ft guard-rate)" = 1 ]'
trap_rate

ktap_finish
