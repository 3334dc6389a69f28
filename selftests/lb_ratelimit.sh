#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-service new-flow rate limit (rate N burst M), in dsr_topo: a one-arm
# NAT service (VIP:8080, snat) and a DSR service (VIP:80, forward gre) on
# the same backends.  With rate 1 burst 5, a quick burst of 20 new TCP
# connections (each given 700 ms, before a dropped SYN's first resend at
# 1 s) gets exactly 5 answered, and the service counts 5 conns and 15
# limit-drops; connections established before go on, in DSR mode also
# after their flow entries are flushed (their packets without SYN are not
# new flows); no-rate lifts the limit.  Options in show, JSON, monitor
# events (with "forward nat" in a set's event), save/restore; bad input
# rejected with a message and no change.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 17

setup "topology: client, router, load balancer and 3 DSR backends" dsr_topo
svc_nat=$(vip 4 8080)
svc_dsr=$(vip 4 80)
add_services() {
	# NAT mode forwards (DSR steals its packets before routing).
	__ns_sysctls "$lb" forward || return 1
	lbadm_in "$lb" service add tcp "$svc_nat" snat || return 1
	lb_service "$lb" tcp 4 3 forward gre || return 1
	for i in 1 2 3; do
		lbadm_in "$lb" backend add tcp "$svc_nat" "$(be 4 $i)" || return 1
	done
}
setup "services: one-arm NAT on :8080, DSR gre on :80" add_services
setup "5 long-lived connections to each" eval \
	'long_start estn "$c" -n 5 "$VIP4" 8080 && long_start estd "$c" -n 5 "$VIP4" 80'
bg_run "$lb" "$TMPD/mon" lbadm monitor
# It has joined the group once a marker change shows.
marker=$(vip 4 99)
mon_synced() {
	lbadm_in "$lb" service add udp "$marker" && lbadm_in "$lb" service del udp "$marker" &&
		grep -q "^service del udp $marker\$" "$TMPD/mon"
}
setup "monitor listening" wait_for 30 mon_synced

# burst SVC PORT BASE: rate 1 burst 5, then 20 connections at once.
burst() {
	local svc=$1 port=$2 out=$TMPD/burst-$2 a f
	lbadm_in "$lb" service set tcp "$svc" rate 1 burst 5 || return 1
	lbadm_in "$lb" stats zero tcp "$svc" || return 1
	ip netns exec "$c" nflb-client -n 20 -c 20 -t 700 -b "$3" "$VIP4" "$port" > "$out"
	grep -v '^flow ' "$out"
	lbadm_in "$lb" -s service show tcp "$svc" > "$out.show" || return 1
	head -1 "$out.show"
	a=$(answered "$out") f=$(stat_of "$out" failed)
	[ "$a" = 5 ] && [ "$f" = 15 ] || { echo "answered $a, failed $f: not 5 and 15"; return 1; }
	[ "$(svc_key "$out.show" conns)" = 5 ] || { echo "conns not 5"; return 1; }
	[ "$(svc_key "$out.show" limit-drops)" = 15 ] || { echo "limit-drops not 15"; return 1; }
	[ "$(svc_key "$out.show" rate)" = 1 ] && [ "$(svc_key "$out.show" burst)" = 5 ]
}
check "NAT rate 1 burst 5: 5 of 20 answered, 15 limit-drops" burst "$svc_nat" 8080 20000
check "NAT: established connections go on" wait_rounds "$TMPD/estn.st" 3
check "DSR rate 1 burst 5: 5 of 20 answered, 15 limit-drops" burst "$svc_dsr" 80 21000
# The bucket is empty: packets of established flows without an entry are
# not new flows.
dsr_pickup() {
	lbadm_in "$lb" flow flush tcp "$svc_dsr" || return 1
	wait_rounds "$TMPD/estd.st" 3 || return 1
	lbadm_in "$lb" -s service show tcp "$svc_dsr" > "$TMPD/pick.show"
	head -1 "$TMPD/pick.show"
	[ "$(svc_key "$TMPD/pick.show" limit-drops)" = 15 ]
}
check "DSR: established connections go on after a flow flush, none dropped" dsr_pickup
long_stop estn estd
check "10 long-lived connections never failed" long_ok estn estd

json() {
	lbadm_in "$lb" -j service show tcp "$svc_dsr" > "$TMPD/j" || return 1
	jq -e '.[0].rate == 1 and .[0].burst == 5 and .[0].stats["limit-drops"] == 15' "$TMPD/j"
}
check "JSON: rate, burst and limit-drops" json

saved() {
	lbadm_in "$lb" save > "$TMPD/saved" || return 1
	grep rate "$TMPD/saved"
	[ "$(grep -c ' rate 1 burst 5$' "$TMPD/saved")" = 2 ] || return 1
	lbadm_in "$lb" flush && lbadm_in "$lb" restore "$TMPD/saved" || return 1
	lbadm_in "$lb" save | cmp - "$TMPD/saved" || return 1
	sed 's/ rate 1 burst 5$/ rate 3/' "$TMPD/saved" > "$TMPD/saved3"
	lbadm_in "$lb" restore --sync "$TMPD/saved3" || return 1
	lbadm_in "$lb" service show tcp "$svc_nat" > "$TMPD/s3"
	cat "$TMPD/s3"
	[ "$(svc_key "$TMPD/s3" rate)" = 3 ] && [ "$(svc_key "$TMPD/s3" burst)" = 3 ]
}
check "save writes rate and burst, restore and restore --sync apply them" saved

unlimited() {
	local out=$TMPD/unl
	lbadm_in "$lb" service set tcp "$svc_nat" no-rate || return 1
	lbadm_in "$lb" service set tcp "$svc_dsr" rate 0 || return 1
	lbadm_in "$lb" service show > "$TMPD/unl.show"
	! grep -q ' rate ' "$TMPD/unl.show" || return 1
	ip netns exec "$c" nflb-client -n 20 -c 20 -b 22000 "$VIP4" 8080 > "$out"
	all_answered "$out" 20 || return 1
	ip netns exec "$c" nflb-client -n 20 -c 20 -b 22100 "$VIP4" 80 > "$out"
	all_answered "$out" 20
}
check "no-rate and rate 0 lift the limit: 20 of 20 answered" unlimited

lbadm_in "$lb" service set tcp "$svc_dsr" forward nat
events() {
	grep -q "service set tcp $svc_nat .*rate 1 burst 5" "$TMPD/mon" &&
		grep -q "service set tcp $svc_nat .*no-rate" "$TMPD/mon" &&
		grep -q "service set tcp $svc_dsr .*forward nat" "$TMPD/mon"
}
mon_ok() {
	wait_for 20 events && return 0
	cat "$TMPD/mon"
	return 1
}
check "monitor: rate, burst, no-rate and forward nat in set events" mon_ok

rejects_mark
check "burst without a rate rejected (lbadm)" \
	rejects "burst needs a rate above 0" service add tcp "$(vip 4 90)" burst 5
check "burst on a service without a rate rejected (kernel)" \
	rejects "burst without a rate" service set tcp "$svc_nat" burst 5
check "rate above 100000000 rejected" \
	rejects "invalid rate \"100000001\"" service set tcp "$svc_nat" rate 100000001
check "burst 0 rejected" \
	rejects "invalid burst \"0\"" service set tcp "$svc_nat" rate 5 burst 0

ktap_finish
