#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Change events: `lbadm monitor` (text) and `lbadm -j monitor` (JSON lines)
# print every change of their netns, in order, as the commands that make
# them; rejected requests print nothing; another netns sees nothing.
# Timeouts as `service show` prints them; a set's every timeout (issue 11).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
require_nflb

ktap_plan 12

ns_create lb other
text=$TMPD/text json=$TMPD/json quiet=$TMPD/quiet
bg_run "$lb" "$text" lbadm monitor
text_pid=$BG_PID
bg_run "$lb" "$json" lbadm -j monitor
json_pid=$BG_PID
bg_run "$other" "$quiet" lbadm monitor
quiet_pid=$BG_PID

# The monitors have joined the group once a marker change shows in both
# (markers, on 192.0.2.99, are left out of the comparisons below).
marker=192.0.2.99:9
synced() {
	lbadm_in "$lb" service add udp $marker && lbadm_in "$lb" service del udp $marker &&
		grep -q "^service del udp $marker\$" "$text" &&
		grep -q '"event":"service-del".*"vip":"192.0.2.99"' "$json"
}
check "both monitors listening" wait_for 20 synced
# The monitor of another netns sees that netns' marker, and nothing else.
other_synced() {
	lbadm_in "$other" service add udp $marker && lbadm_in "$other" service del udp $marker &&
		grep -q "^service del udp $marker\$" "$quiet"
}
check "monitor of the other netns listening" wait_for 20 other_synced

vip=192.0.2.10:80
changes() {
	lbadm_in "$lb" service add tcp $vip &&
		lbadm_in "$lb" backend add tcp $vip 10.0.0.1:80 &&
		! lbadm_in "$lb" backend add tcp $vip 10.0.0.1:80 &&
		! lbadm_in "$lb" service add tcp $vip table-size 100 &&
		! lbadm_in "$lb" backend set tcp $vip 10.0.0.9:80 weight 2 &&
		lbadm_in "$lb" backend set tcp $vip 10.0.0.1:80 weight 3 &&
		lbadm_in "$lb" service set tcp $vip snat timeout-tcp 600 &&
		lbadm_in "$lb" backend del tcp $vip 10.0.0.1:80 &&
		! lbadm_in "$lb" backend del tcp $vip 10.0.0.1:80 &&
		lbadm_in "$lb" service del tcp $vip &&
		! lbadm_in "$lb" service del tcp $vip &&
		lbadm_in "$lb" flush
}
check "changes made, rejected requests rejected" changes
got_flush() { grep -qx flush "$text" && grep -q '"event":"flush"' "$json"; }
check "both monitors saw the flush" wait_for 20 got_flush
# Let late events (there should be none) arrive before stopping.
sleep 1
bg_stop "$text_pid"
bg_stop "$json_pid"
bg_stop "$quiet_pid"

cat > "$TMPD/want" <<-EOF2
	service add tcp 192.0.2.10:80 table-size 4093 hash 5tuple seed 0
	backend add tcp 192.0.2.10:80 10.0.0.1:80 weight 1 state up
	backend set tcp 192.0.2.10:80 10.0.0.1:80 weight 3 state up
	service set tcp 192.0.2.10:80 table-size 4093 hash 5tuple seed 0 snat forward nat no-synproxy timeout-tcp 600 timeout-tcp-fin 0 no-rate
	backend del tcp 192.0.2.10:80 10.0.0.1:80
	service del tcp 192.0.2.10:80
	flush
EOF2
same_lines() {	# same_lines WANT GOT
	diff -u "$1" "$2" && return 0
	return 1
}
grep -v 192.0.2.99 "$text" > "$TMPD/text.got"
check "text: exactly the changes, in order, as commands" same_lines "$TMPD/want" "$TMPD/text.got"
check "text: no error printed" sh -c "! grep -q '^lbadm:' '$text'"

grep -v '"192.0.2.99"' "$json" > "$TMPD/json.got"
# jsoncheck EXPR: every line is a JSON object; EXPR (python, over the list
# of objects E) holds.
jsoncheck() {
	python3 -c '
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
ok = eval(sys.argv[2])
if not ok:
    print(json.dumps(e, indent=1))
sys.exit(0 if ok else 1)
' "$TMPD/json.got" "$1"
}
check "JSON: every line parses, events in order" jsoncheck \
	'[x["event"] for x in e] == ["service-add", "backend-add", "backend-set", "service-set", "backend-del", "service-del", "flush"]'
check "JSON: service fields" jsoncheck \
	'e[0] == {"event": "service-add", "proto": "tcp", "vip": "192.0.2.10", "port": 80, "table-size": 4093, "hash": "5tuple", "seed": 0, "snat": False, "synproxy": False} and e[3]["snat"] is True and e[3]["timeout-tcp"] == 600 and e[3]["timeout-tcp-fin"] == 0'
check "JSON: backend fields" jsoncheck \
	'e[2] == {"event": "backend-set", "proto": "tcp", "vip": "192.0.2.10", "port": 80, "backend": {"addr": "10.0.0.1", "port": 80, "weight": 3, "state": "up"}}'
check "JSON: deletions carry the keys, flush nothing else" jsoncheck \
	'e[4]["backend"] == {"addr": "10.0.0.1", "port": 80} and e[5] == {"event": "service-del", "proto": "tcp", "vip": "192.0.2.10", "port": 80} and e[6] == {"event": "flush"}'

marker_seen() {	# marker_seen OUT: a marker change in lb shows in OUT
	lbadm_in "$lb" service add udp $marker && lbadm_in "$lb" service del udp $marker &&
		grep -q "^service del udp $marker\$" "$1"
}
# IPv6, options, an all-ports service (backends without a port).
ipv6() {
	local out=$TMPD/v6 pid
	bg_run "$lb" "$out" lbadm monitor
	pid=$BG_PID
	wait_for 20 marker_seen "$out" || return 1
	lbadm_in "$lb" service add udp '[2001:db8::10]:53' hash source seed 7 timeout-udp 45 &&
		lbadm_in "$lb" backend add udp '[2001:db8::10]:53' 2001:db8:1::1 state drain &&
		lbadm_in "$lb" service add tcp 192.0.2.20:0 &&
		lbadm_in "$lb" backend add tcp 192.0.2.20:0 10.0.0.2 weight 0 &&
		lbadm_in "$lb" flush || return 1
	wait_for 20 grep -qx flush "$out"
	bg_stop "$pid"
	grep -v 192.0.2.99 "$out" > "$out.got"
	printf '%s\n' \
		'service add udp [2001:db8::10]:53 table-size 4093 hash source seed 7 timeout-udp 45' \
		'backend add udp [2001:db8::10]:53 [2001:db8:1::1]:53 weight 1 state drain' \
		'service add tcp 192.0.2.20:0 table-size 4093 hash 5tuple seed 0' \
		'backend add tcp 192.0.2.20:0 10.0.0.2 weight 0 state up' \
		flush > "$out.want"
	diff -u "$out.want" "$out.got"
}
check "IPv6 and all-ports services" ipv6
check "the other netns saw only its own changes" sh -c \
	"[ \"\$(grep -vc 192.0.2.99 '$quiet')\" = 0 ]"

ktap_finish
