#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Statistics: exact counters for 200 UDP datagrams over 10 flows, each way
# (bytes are IP lengths: 20 + 8 + payload); backends sum to their service;
# `stats zero` zeroes one service and not another, and counting goes on
# from zero; the kernel's rates rise while traffic flows, fall back once it
# stops, and are not reset by zeroing.  The rates are measured on a service
# of their own (UDP VIP:81), their traffic running while the counters of
# the others are checked: the estimator moves every 2 s, time those checks
# spend meanwhile.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 15

setup "topology: client, load balancer, 2 backends" lb_topo -n 2
services() {
	lb_service "$lb" udp 4 2 && lb_service "$lb" tcp 4 2 &&
		lbadm_in "$lb" service add udp "$(vip 4 81)" &&
		lbadm_in "$lb" backend add udp "$(vip 4 81)" "$(be 4 1)"
}
setup "UDP and TCP services with 2 backends each, UDP VIP:81 with 1" services

udp=(udp "$(vip 4)")
show() {	# show OUT PROTO VIP: lbadm -s service show, saved in OUT
	local out=$1
	shift
	ip netns exec "$lb" lbadm -s service show "$@" > "$out" || return 1
	cat "$out"
}
# expect OUT KEY VALUE: the service line of OUT has KEY VALUE.
expect() {
	local v
	v=$(svc_key "$1" "$2")
	[ "$v" = "$3" ] && return 0
	echo "service $2 is '$v', want $3"
	return 1
}
# counters OUT CONNS PKTS BYTES_IN BYTES_OUT: the service's counters.
counters() {
	local out=$1 rc=0
	expect "$out" conns "$2" || rc=1
	expect "$out" pkts-in "$3" || rc=1
	expect "$out" pkts-out "$3" || rc=1
	expect "$out" bytes-in "$4" || rc=1
	expect "$out" bytes-out "$5" || rc=1
	expect "$out" drops 0 || rc=1
	return $rc
}
# backends_sum OUT: per counter, the backends' values add up to the
# service's.
backends_sum() {
	local out=$1 k i sum v rc=0
	for k in conns pkts-in pkts-out bytes-in bytes-out drops; do
		sum=0
		for i in 1 2; do
			v=$(be_key "$out" "$(be 4 $i)" "$k")
			sum=$((sum + ${v:-0}))
		done
		v=$(svc_key "$out" "$k")
		[ "$sum" = "$v" ] || { echo "$k: backends sum to $sum, service has $v"; rc=1; }
	done
	return $rc
}

# Rates: 4 flows to VIP:81, a datagram each every 200 ms: 20 per second
# each way, from now until the rates have risen.
rates=(udp "$(vip 4 81)")
bg_run "$c" "$TMPD/steady" nflb-client -u -L -n 4 -i 200 -t 20000 \
	-f "$TMPD/stop" -b 22000 "$VIP4" 81
steady=$BG_PID
rate() {	# rate KEY: the VIP:81 service's KEY with -s
	show "$TMPD/r" "${rates[@]}" > /dev/null && svc_key "$TMPD/r" "$1"
}
# 10 flows, each 1 + 19 rounds: 200 requests "hello\n" (6 bytes, IP length
# 34) and 200 answers "b1\n" or "b2\n" (3 bytes, IP length 31).  Distinct
# source ports per run: no flow of one run is counted as one of another.
udp_run() {	# udp_run FLOWS ROUNDS PORTBASE
	ip netns exec "$c" nflb-client -u -L -n "$1" -R "$2" -i 20 -t 20000 -d 300 \
		-b "$3" "$VIP4" 80 > "$TMPD/run" || { cat "$TMPD/run"; return 1; }
	all_answered "$TMPD/run" "$1"
}
check "10 UDP flows, 200 datagrams each way" udp_run 10 19 20000
ip netns exec "$c" nflb-client -n 20 "$VIP4" 80 > "$TMPD/tcp"
check "20 TCP flows" all_answered "$TMPD/tcp" 20
show "$TMPD/s1" "${udp[@]}" > /dev/null
check "UDP counters exact: 10 conns, 200 pkts, 6800 and 6200 bytes" \
	counters "$TMPD/s1" 10 200 6800 6200
check "backends' counters add up to the service's" backends_sum "$TMPD/s1"

rising() {
	local p b
	p=$(rate rate-pkts-in) b=$(svc_key "$TMPD/r" rate-bytes-in)
	[ "${p:-0}" -ge 5 ] && [ "${p:-0}" -le 40 ] && [ "${b:-0}" -gt 0 ] &&
		[ "$(svc_key "$TMPD/r" rate-pkts-out)" -gt 0 ]
}
rates_up() {
	wait_for 30 rising || { cat "$TMPD/r"; return 1; }
	cat "$TMPD/r"
}
check "rates rise to 5..40 pkts/s while a steady flow runs" rates_up
touch "$TMPD/stop"
bg_wait "$steady"

check "stats zero udp VIP:80" lbadm_in "$lb" stats zero "${udp[@]}"
show "$TMPD/s2" "${udp[@]}" > /dev/null
zeroed() {	# every counter of the service and its backends is 0
	cat "$1"
	counters "$1" 0 0 0 0 && backends_sum "$1" &&
		! grep -E ' (conns|pkts-in|pkts-out|bytes-in|bytes-out) [1-9]' "$1"
}
check "UDP counters zeroed, backends too" zeroed "$TMPD/s2"
show "$TMPD/t2" tcp "$(vip 4)" > /dev/null
check "TCP service untouched: conns 20" expect "$TMPD/t2" conns 20
check_fail "stats zero of a missing service fails" \
	lbadm_in "$lb" stats zero udp "$VIP4:82"

check "5 more UDP flows, 20 datagrams each way" udp_run 5 3 21000
show "$TMPD/s3" "${udp[@]}" > /dev/null
check "counted from zero: 5 conns, 20 pkts, 680 and 620 bytes" \
	counters "$TMPD/s3" 5 20 680 620

# A quarter lost every 2 s: under 5 pkts/s within a few intervals (going on
# to 0 would take many more, time this test need not spend).
falling() {
	local p
	p=$(rate rate-pkts-in)
	[ -n "$p" ] && [ "$p" -lt 5 ] && [ "$(svc_key "$TMPD/r" rate-bytes-in)" -lt 170 ]
}
rates_down() {
	wait_for 60 falling || { cat "$TMPD/r"; return 1; }
	cat "$TMPD/r"
}
check "rates fall under 5 pkts/s once the flow stops" rates_down

# Once they have fallen, but not to 0: zeroing every service's counters
# leaves the rates as they are.
zero_keeps_rates() {
	lbadm_in "$lb" stats zero &&
		show "$TMPD/z" "${rates[@]}" && [ "$(svc_key "$TMPD/z" rate-pkts-in)" -gt 0 ]
}
check "stats zero (all) keeps the rates" zero_keeps_rates

ktap_finish
