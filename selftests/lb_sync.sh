#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbadm restore --sync, --check, -n NETNS and monitor -t.  Three services
# from a file; long-lived connections through the first; a --sync to a
# file that deletes the second, changes the third (seed, weights, one
# backend out and one in) and adds a fourth sends exactly those changes
# (lbadm -n NETNS monitor -t records every event, each stamped): nothing
# reaches the unchanged service, its connections go on with their
# backends, its counters are not reset, and save then prints the file.
# A --sync of the same file again changes nothing; a --check of a bad file
# exits 1 naming the line and a --check of a good one exits 0, and neither
# changes anything; the new service carries traffic.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 20

setup "topology: client, load balancer, 3 backends" lb_topo

# Every command of this test through -n, as ip -n.
lb() { lbadm -n "$lb" "$@"; }

A=$(vip 4)		# unchanged
C=203.0.113.11:80	# deleted by the sync
B=$(vip 6)		# changed by the sync
D=$(vip 4)		# udp: added by the sync
cat > "$TMPD/f1" <<EOF
service add tcp $A table-size 251 hash 5tuple seed 0
backend add tcp $A $(be 4 1) weight 1 state up
backend add tcp $A $(be 4 2) weight 1 state up
backend add tcp $A $(be 4 3) weight 1 state up
service add tcp $C table-size 251 hash 5tuple seed 0
backend add tcp $C $(be 4 1) weight 1 state up
service add tcp $B table-size 251 hash 5tuple seed 0
backend add tcp $B $(be 6 1) weight 1 state up
backend add tcp $B $(be 6 2) weight 1 state up
EOF
# f2 in save's form and order, so that save prints it back byte for byte.
cat > "$TMPD/f2" <<EOF
service add tcp $A table-size 251 hash 5tuple seed 0
backend add tcp $A $(be 4 1) weight 1 state up
backend add tcp $A $(be 4 2) weight 1 state up
backend add tcp $A $(be 4 3) weight 1 state up
service add udp $D table-size 251 hash 5tuple seed 0
backend add udp $D $(be 4 1) weight 1 state up
backend add udp $D $(be 4 2) weight 1 state up
service add tcp $B table-size 251 hash 5tuple seed 7
backend add tcp $B $(be 6 1) weight 2 state up
backend add tcp $B $(be 6 3) weight 1 state up
EOF

check "lbadm -n NETNS restore --sync into an empty namespace" \
	lb restore --sync "$TMPD/f1"
n_in() { lbadm_in "$lb" save | diff -u "$TMPD/f1" -; }
check "the services are in NETNS (save there prints the file)" n_in
n_not_here() { [ -z "$(lbadm_in "$c" service show)" ]; }
check "and not in another namespace" n_not_here

setup "4 long-lived connections to the unchanged service" \
	long_start long "$c" -n 4 "$VIP4" 80
st=$TMPD/long.st
conns_a() { lb -s service show tcp "$A" | svc_key /dev/stdin conns; }
conns_before=$(conns_a)

# The monitor runs in the client's namespace and watches lb's through -n.
bg_run "$c" "$TMPD/events" lbadm -n "$lb" monitor -t
mon=$BG_PID
# marker N: one try of a change of its own, seen by the monitor within
# 10 s (the first tries may come before it listens).
marker() {
	local m=203.0.113.9$1:80 rc
	lb service add tcp "$m" table-size 251 || return 1
	wait_for 10 grep -q "service add tcp $m" "$TMPD/events"
	rc=$?
	lb service del tcp "$m" || return 1
	return $rc
}
setup "lbadm -n NETNS monitor -t (in another namespace) is listening" \
	wait_for 120 marker 0

check "restore --sync to a file with 1 service deleted, 1 changed, 1 added" \
	lb restore --sync "$TMPD/f2"
saved() { lb save | diff -u "$TMPD/f2" -; }
check "save prints what the file describes" saved
check "restore --sync of the same file again" lb restore --sync "$TMPD/f2"

cat > "$TMPD/bad" <<EOF
service add tcp 203.0.113.30:80
backend add tcp 203.0.113.30:80 $(be 4 1)
backend add tcp 203.0.113.31:80 $(be 4 2)
EOF
bad_check() {
	local err rc
	err=$(lb restore --check "$TMPD/bad" 2>&1)
	rc=$?
	echo "exit $rc: $err"
	[ "$rc" = 1 ] && grep -q "^$TMPD/bad:3: .*no such service" <<< "$err"
}
check "restore --check of a bad file: exit 1, the line named" bad_check
# A good file that would change a lot (a flush, new services).
printf 'flush\nservice add tcp 203.0.113.40:80\n' > "$TMPD/good"
check "restore --check of a good file: exit 0" lb restore --check "$TMPD/good"
check "restore --sync --check of a good file: exit 0" \
	lb restore --sync --check "$TMPD/good"
check "nothing changed by --sync again or --check" saved

setup "the events are all in" wait_for 60 marker 1
bg_stop "$mon"
# The events between the last of the first markers and the second, without
# their stamps.
events() {
	sed 's/^\[[^]]*\] //' "$TMPD/events" | awk '
		{ line[NR] = $0 }
		$0 == "service del tcp 203.0.113.90:80" { from = NR }
		$0 ~ /^service add tcp 203.0.113.91:80 / && !to { to = NR }
		END { for (i = from + 1; i < to; i++) print line[i] }'
}
only_changes() {
	events | diff -u - <(cat <<-EOF
		service del tcp $C
		service set tcp $B table-size 251 hash 5tuple seed 7 no-snat forward nat no-synproxy timeout-tcp 0 timeout-tcp-fin 0 no-rate
		backend del tcp $B $(be 6 2)
		backend set tcp $B $(be 6 1) weight 2 state up
		backend add tcp $B $(be 6 3) weight 1 state up
		service add udp $D table-size 251 hash 5tuple seed 0
		backend add udp $D $(be 4 1) weight 1 state up
		backend add udp $D $(be 4 2) weight 1 state up
	EOF
	)
}
check "monitor saw the changes and nothing else (none to $A)" only_changes
stamped() {
	local bad
	bad=$(grep -cvE '^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2}\] (service|backend|flush)' \
		"$TMPD/events")
	[ "$bad" = 0 ] || { cat "$TMPD/events"; return 1; }
}
check "monitor -t stamps every event (RFC 3339, microseconds)" stamped

counters_kept() {
	local now
	now=$(conns_a)
	echo "conns of $A: $conns_before before the sync, $now after"
	[ "$conns_before" -ge 4 ] && [ "$now" = "$conns_before" ]
}
check "the unchanged service's counters were not reset" counters_kept
check "its connections go on after the sync" wait_rounds "$st" 3
long_stop long
# A connection whose answer changed (another backend) would have failed.
check "long-lived client ended without an error, each on its backend" long_ok long
udp_new() {
	ip netns exec "$c" nflb-client -u -n 20 -b 30000 -v "$VIP4" 80 > "$TMPD/udp"
	cat "$TMPD/udp"
	all_answered "$TMPD/udp" 20 && [ "$(count "$TMPD/udp" b3)" = 0 ]
}
check "the service the sync added carries traffic (b1, b2 only)" udp_new

ktap_finish
