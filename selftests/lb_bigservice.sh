#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Large services: an IPv6 service with 1000 backends, between two small
# ones, is listed whole by `service show` (its backends span several dump
# messages, continued), alone by `service show KEY`, and by `service table`
# (whose backend list spans several messages too); the slots of its
# backends add up to the table size.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 10

N=1000
M=10007		# a prime above 10 x N
BIG="[2001:db8:ff::10]:80"
ns_create lb

# be_bigs FORMAT: FORMAT printed for each backend I (1..N) of the big
# service, [2001:db8:3::I in hex]:80 (bash's printf, no subshell per backend:
# a thousand forks take many seconds under TCG).
be_bigs() {
	local i b
	for ((i = 1; i <= N; i++)); do
		printf -v b '[2001:db8:3::%x]:80' "$i"
		# shellcheck disable=SC2059 # the format is the argument
		printf "$1" "$b"
	done
}

services() {
	{
		echo "service add tcp 203.0.113.1:80"
		echo "backend add tcp 203.0.113.1:80 198.51.100.1"
		echo "backend add tcp 203.0.113.1:80 198.51.100.2"
		echo "service add tcp $BIG table-size $M"
		be_bigs "backend add tcp $BIG %s\n"
		echo "service add udp 203.0.113.3:53"
		echo "backend add udp 203.0.113.3:53 198.51.100.3"
	} > "$TMPD/conf"
	# One restore: the big service and its backends in one request.
	lbadm_in "$lb" restore "$TMPD/conf"
}
setup "services of 2, $N and 1 backends" services

lbadm_in "$lb" service show > "$TMPD/all"
lbadm_in "$lb" service show tcp "$BIG" > "$TMPD/one"
lbadm_in "$lb" service table tcp "$BIG" > "$TMPD/table"

# The lines of FILE's service KEY (its line and its backends').
block() {
	awk -v key="$2" '/^[^ ]/ { on = ($1 " " $2 == key) } on' "$1"
}
be_bigs '  backend %s weight 1 state up\n' > "$TMPD/want"
# backends_listed FILE: the big service's block holds every backend, once,
# in the order they were added.
backends_listed() {
	block "$1" "tcp $BIG" > "$1.big"
	head -n 1 "$1.big"
	echo "$(grep -c '^  backend ' "$1.big") backend lines"
	grep '^  backend ' "$1.big" | cut -d' ' -f1-8 | diff - "$TMPD/want" | head -n 5
	[ "${PIPESTATUS[2]}" = 0 ]
}
check "service show lists the $N backends, in order" backends_listed "$TMPD/all"
small_ones() {
	local l
	l=$(grep -c . "$TMPD/all")
	echo "$l lines"
	# Services in creation order, each followed by its own backends.
	[ "$l" = $((3 + 2 + N + 1)) ] &&
		[ "$(grep -v '^  ' "$TMPD/all" | cut -d' ' -f1-2 | paste -sd,)" = \
			"tcp 203.0.113.1:80,tcp $BIG,udp 203.0.113.3:53" ] &&
		[ "$(block "$TMPD/all" 'tcp 203.0.113.1:80' | grep -c '^  backend ')" = 2 ] &&
		[ "$(block "$TMPD/all" 'udp 203.0.113.3:53' | grep -c '^  backend ')" = 1 ]
}
check "service show: the services around it are whole too" small_ones
check "service show KEY lists the $N backends, in order" backends_listed "$TMPD/one"
check "service show KEY shows that service only" \
	test "$(grep -c '^[^ ]' "$TMPD/one")" = 1
same_as_dump() {
	diff <(block "$TMPD/all" "tcp $BIG") "$TMPD/one" | head -n 5
	[ "${PIPESTATUS[0]}" = 0 ]
}
check "service show KEY and service show agree" same_as_dump

slots_sum() {
	local sum
	sum=$(awk '/^  backend / { for (i = 3; i < NF; i++) if ($i == "slots") s += $(i + 1) }
		END { print s + 0 }' "$TMPD/one")
	echo "slots add up to $sum"
	[ "$sum" = "$M" ]
}
check "the backends' slots add up to the table size $M" slots_sum
check "service table header: table-size $M backends $N" \
	grep -qx "# table-size $M backends $N" "$TMPD/table"
table_slots() {
	local lines distinct
	lines=$(grep -vc '^#' "$TMPD/table")
	distinct=$(grep -v '^#' "$TMPD/table" | cut -d' ' -f2 | sort -u | wc -l)
	echo "$lines slot lines, $distinct backends"
	[ "$lines" = "$M" ] && [ "$distinct" = "$N" ]
}
check "service table: $M slots over the $N backends" table_slots
per_backend_agrees() {
	# Slots per backend in the table = the slots service show gives it.
	diff <(grep -v '^#' "$TMPD/table" | cut -d' ' -f2 | sort | uniq -c |
			awk '{ print $2, $1 }') \
		<(awk '/^  backend / { for (i = 3; i < NF; i++) if ($i == "slots") print $2, $(i + 1) }' \
			"$TMPD/one" | sort) | head -n 5
	[ "${PIPESTATUS[0]}" = 0 ]
}
check "service table and service show agree on every backend's slots" per_backend_agrees

ktap_finish
