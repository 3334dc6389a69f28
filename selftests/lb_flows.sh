#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbadm flow show and the flow counts of service show -s, read from
# conntrack: long-lived TCP connections (IPv4 and IPv6) are listed exactly,
# each with the backend that answers it, ESTABLISHED and a timeout, then
# TIME_WAIT once closed; the backend filter keeps only its backend's; UDP
# flows show REPLIED (answered) or UNREPLIED (no server); -s counts the live
# flows of every service and backend; bad arguments and a missing service
# fail with a message; without CAP_NET_ADMIN the conntrack error is clear.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd setpriv
require_nflb

ktap_plan 27

# The UDP flows are one-shot, read a while after they ended (30 s by default
# is soon gone on a loaded machine).
topo() { lb_topo -n 3 && ct_keep_finished "$lb"; }
setup "topology: client, load balancer, 3 backends; conntrack keeps finished flows" topo
services() {
	lb_service "$lb" tcp 4 3 && lb_service "$lb" tcp 6 3 &&
		lb_service "$lb" udp 4 3 &&
		lbadm_in "$lb" service add udp "$(vip 4 81)" &&
		lbadm_in "$lb" backend add udp "$(vip 4 81)" "$(be 4 1 81)"
}
setup "services tcp IPv4, tcp IPv6, udp IPv4 (port 80 and 81)" services

# longFAM: long-lived TCP connections to the VIP of family FAM; their flow
# lines ("flow I SRC SPORT bX") in $TMPD/longFAM.ready.
setup "6 long-lived IPv4 connections established" \
	long_start long4 "$c" -n 6 -i 1000 "$VIP4" 80
setup "2 long-lived IPv6 connections established" \
	long_start long6 "$c" -n 2 -i 1000 "$VIP6" 80

# expect_flows OUT FAM STATE [BACKEND]: the flow show output in OUT has,
# for each connection in nflb-client's flow lines ($TMPD/longFAM.ready; only
# those answered by BACKEND if given), one line with its client port, its
# backend, STATE and a timeout > 0, and nothing else.  Matched in bash, not
# with a grep per connection: starting programs is slow under TCG.
expect_flows() {
	local out=$1 fam=$2 state=$3 only=${4:-} client vip n=0 line l lines=()
	local w _i _src sport name want found
	client=192.0.2.1 vip=$(vip 4)
	[ "$fam" = 6 ] && { client='[2001:db8:1::1]'; vip=$(vip 6); }
	while IFS= read -r l; do
		[ -n "$l" ] && lines+=("$l")
	done < "$out"
	while read -r w _i _src sport name; do
		[ "$w" = flow ] || continue
		[ -n "$only" ] && [ "$name" != "$only" ] && continue
		want="tcp client $client:$sport vip $vip backend $(be "$fam" "${name#b}") state $state timeout "
		found=0
		for l in "${lines[@]}"; do
			[[ $l == *"$want"* ]] && { found=$((found + 1)); line=$l; }
		done
		[ "$found" = 1 ] || { echo "$found lines \"$want...\", want 1"; return 1; }
		[ "${line#*"$want"}" -gt 0 ] 2>/dev/null ||
			{ echo "timeout not > 0: $line"; return 1; }
		n=$((n + 1))
	done < "$TMPD/long$fam.ready"
	[ "${#lines[@]}" = "$n" ] || { echo "${#lines[@]} lines, want $n"; return 1; }
}

show() {	# show OUT ARGS...: lbadm flow show ARGS into OUT, printed
	local out=$1
	shift
	lbadm_in "$lb" flow show "$@" > "$out" || return 1
	cat "$out"
}

listed() {	# listed FAM STATE: flow show of the FAM service
	show "$TMPD/fs$1" tcp "$(vip "$1")" && expect_flows "$TMPD/fs$1" "$1" "$2"
}
check "flow show tcp IPv4 lists the 6 connections, ESTABLISHED" listed 4 ESTABLISHED
check "flow show tcp IPv6 lists the 2 connections, ESTABLISHED" listed 6 ESTABLISHED

ordered() {	# by backend, then client port
	awk '{ split($7, b, ":"); split($3, p, ":")
		k = sprintf("%s %05d", b[1], p[2])
		if (k < last) { print "out of order: " $0; bad = 1 }
		last = k }
		END { exit bad }' "$TMPD/fs4"
}
check "flows ordered by backend, then client" ordered

# The backend of the first IPv4 connection.
own=$(long_answer long4)
x=${own#b}
diag "first connection on $own"

per_backend() {	# each backend's filter: its flows (maybe none) only
	local i
	for i in 1 2 3; do
		show "$TMPD/fb$i" backend "$(be_addr 4 "$i")" &&
			expect_flows "$TMPD/fb$i" 4 ESTABLISHED "b$i" || return 1
	done
}
check "backend filter: each backend's flows only" per_backend
with_service() {
	show "$TMPD/fb" tcp "$(vip 4)" backend "$(be 4 "$x")" &&
		expect_flows "$TMPD/fb" 4 ESTABLISHED "$own"
}
check "backend filter with port and service: $own's flows" with_service
other_port() {
	show "$TMPD/fp" backend "$(be 4 "$x" 81)" && [ ! -s "$TMPD/fp" ]
}
check "backend filter on another port: nothing" other_port

flows_of() {	# flows_of FAM NAME: connections of $TMPD/longFAM.ready NAME answered
	local w _i _src _sport name n=0
	while read -r w _i _src _sport name; do
		[ "$w" = flow ] && [ "$name" = "$2" ] && n=$((n + 1))
	done < "$TMPD/long$1.ready"
	echo "$n"
}
# counted FAM: service show -s gives each backend as many flows as it
# answers connections, and the service their sum.
counted() {
	local fam=$1 out=$TMPD/ss$1 i n want total=0 rc=0
	lbadm_in "$lb" -s service show tcp "$(vip "$fam")" > "$out" || return 1
	cat "$out"
	for i in 1 2 3; do
		want=$(flows_of "$fam" "b$i")
		n=$(be_key "$out" "$(be "$fam" $i)" flows)
		[ "$n" = "$want" ] || { echo "b$i flows '$n', want $want"; rc=1; }
		total=$((total + want))
	done
	n=$(svc_key "$out" flows)
	[ "$n" = "$total" ] || { echo "service flows '$n', want $total"; rc=1; }
	return $rc
}
check "service show -s: IPv4 flows per backend and service" counted 4
check "service show -s: IPv6 flows per backend and service" counted 6
flows_first() {	# "flows" is the first counter, before "conns"
	local w
	read -r -a w < "$TMPD/ss4"
	[[ " ${w[*]} " == *" flows "*" conns "* ]]
}
check "service show -s: flows comes before conns" flows_first
no_s() {
	lbadm_in "$lb" service show tcp "$(vip 4)" > "$TMPD/plain" &&
		! grep -q ' flows ' "$TMPD/plain"
}
check "service show without -s: no flows" no_s

# UDP: an answered flow, and one to a port nobody serves.
udp_flow() {
	ip netns exec "$c" nflb-client -u -n 1 -b 20000 -v "$VIP4" 80 > "$TMPD/u80" &&
		cat "$TMPD/u80" && all_answered "$TMPD/u80" 1
}
check "UDP flow answered" udp_flow
udp_listed() {
	local name want line
	name=$(awk '/^flow / { print $5 }' "$TMPD/u80")
	show "$TMPD/fu" udp "$(vip 4)" || return 1
	want="udp client 192.0.2.1:20001 vip $(vip 4) backend $(be 4 "${name#b}") state "
	line=$(grep -F -- "$want" "$TMPD/fu") || { echo "no line \"$want...\""; return 1; }
	[ "$(grep -c . "$TMPD/fu")" = 1 ] || return 1
	[[ $line =~ state\ (REPLIED|ASSURED)\ timeout\ [1-9][0-9]*$ ]]
}
check "flow show udp: the flow, REPLIED, timeout > 0" udp_listed
udp_unreplied() {
	ip netns exec "$c" nflb-client -u -n 1 -t 300 -b 21000 "$VIP4" 81 > /dev/null
	show "$TMPD/fu81" udp "$(vip 4 81)" || return 1
	[ "$(grep -c . "$TMPD/fu81")" = 1 ] &&
		grep -qE "^udp client 192\.0\.2\.1:21001 vip $VIP4:81 backend $(be 4 1 81) state UNREPLIED timeout [1-9][0-9]*$" "$TMPD/fu81"
}
check "flow show udp: no answer, UNREPLIED" udp_unreplied

everything() {	# all services, IPv4 before IPv6, TCP before UDP
	show "$TMPD/all" || return 1
	[ "$(grep -c . "$TMPD/all")" = 10 ] || { echo "want 10 lines"; return 1; }
	[ "$(awk '{ print $1, ($3 ~ /^\[/) ? 6 : 4, $5 }' "$TMPD/all" | uniq | paste -sd,)" = \
		"tcp 4 $VIP4:80,udp 4 $VIP4:80,udp 4 $VIP4:81,tcp 6 [$VIP6]:80" ]
}
check "flow show: every service's flows, in service order" everything

# Bad arguments: rejected with a message naming them (rejects, lib.sh),
# nothing changes.
rejects_mark
check "missing service is named" rejects 'no service tcp 203\.0\.113\.99:80' \
	flow show tcp 203.0.113.99:80
check "service of another protocol is missing" rejects "no service udp \\[$VIP6\\]:80" \
	flow show udp "$(vip 6)"
check "bad protocol" rejects 'invalid protocol "sctp"' flow show sctp "$(vip 4)"
check "bad backend address" rejects 'invalid address "198.51.100.x"' \
	flow show backend 198.51.100.x
check "family mismatch" rejects 'family differs' \
	flow show tcp "$(vip 4)" backend 2001:db8:2::1
unprivileged() {
	local err rc
	err=$(ip netns exec "$lb" setpriv --reuid=65534 --regid=65534 --clear-groups \
		lbadm -s service show 2>&1 >/dev/null)
	rc=$?
	echo "exit $rc: $err"
	[ "$rc" = 1 ] && grep -q "conntrack table: Operation not permitted" <<< "$err"
}
check "without CAP_NET_ADMIN: a clear conntrack error" unprivileged

# Close the IPv4 connections: conntrack keeps them, now in TIME_WAIT.
long_stop long4
check "IPv4 clients ended without an error" long_ok long4
closed() {
	wait_for 20 listed 4 TIME_WAIT
	listed 4 TIME_WAIT
}
check "closed IPv4 connections: listed in TIME_WAIT" closed
check "service show -s still counts them" counted 4

ktap_finish
