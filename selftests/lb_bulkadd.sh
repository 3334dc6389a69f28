#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SERVICE_NEW with backends (what lbadm restore sends for a "service add"
# and its "backend add" lines): the service is created with all of them,
# its table built at once; a bad list (a duplicate, a backend of the other
# family, a port against the service's port rules) is rejected with a
# message naming the problem and creates nothing at all.  nflb-svcnew sends
# the request without lbadm's own checks, so the kernel's are tested.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 9

ns_create lb
svcnew() { ip netns exec "$lb" nflb-svcnew "$@"; }

created() {
	svcnew tcp "$VIP4:80" 198.51.100.1 198.51.100.2:8080 198.51.100.3 || return 1
	lbadm_in "$lb" service show tcp "$VIP4:80" | tee "$TMPD/show" || return 1
	awk '/backend/ { n++; s += $8 } END { exit !(n == 3 && s == 4093) }' "$TMPD/show"
}
check "a service created with 3 backends shares the table among them" created
lbadm_in "$lb" save > "$TMPD/before"

# rejected PATTERN PROTO VIP BACKENDS...: the request fails saying PATTERN,
# the service does not exist, and nothing else changed.
rejected() {
	local pat=$1 out rc
	shift
	out=$(svcnew "$@")
	rc=$?
	echo "nflb-svcnew $*: exit $rc: $out"
	[ "$rc" = 1 ] || return 1
	grep -qE "$pat" <<< "$out" || { echo "the message does not say /$pat/"; return 1; }
	if [ "$2" != "$VIP4:80" ] && lbadm_in "$lb" service show "$1" "$2" 2>/dev/null; then
		echo "the service was created"
		return 1
	fi
	lbadm_in "$lb" save | diff -u "$TMPD/before" -
}
check "a backend given twice" rejected "backend given twice" \
	tcp 203.0.113.11:80 198.51.100.1 198.51.100.2 198.51.100.1:80
check "a backend of the other family" rejected "family differs" \
	tcp 203.0.113.12:80 198.51.100.1 2001:db8::1
check "a port on an all-ports service" rejected "take no port" \
	udp 203.0.113.13:0 198.51.100.1 198.51.100.2:8080
check "port 0 on a service with a port" rejected "port 0 is only" \
	tcp "[2001:db8:ff::10]:80" 2001:db8:2::1 "[2001:db8:2::2]:0"
check "a service that exists keeps its backends" rejected "already exists" \
	tcp "$VIP4:80" 198.51.100.9

many() {	# (service show of one service is one message: 300 fit)
	local i args=()
	for i in $(seq 300); do
		args+=("172.16.$((i / 250)).$((i % 250 + 1))")
	done
	svcnew udp "$VIP4:53" "${args[@]}" || return 1
	[ "$(lbadm_in "$lb" service show udp "$VIP4:53" | grep -c "^  backend ")" = 300 ]
}
check "300 backends in one request" many

# The same backends in another order: the same table.
order() {
	svcnew tcp 203.0.113.20:80 198.51.100.3 198.51.100.1 198.51.100.2:8080 || return 1
	a=$(lbadm_in "$lb" service table tcp "$VIP4:80" digest) || return 1
	b=$(lbadm_in "$lb" service table tcp 203.0.113.20:80 digest) || return 1
	echo "$a / $b"
	[ "$a" = "$b" ]
}
check "backends given in another order build the same table" order
check "a service without backends" sh -c \
	"ip netns exec $lb nflb-svcnew tcp 203.0.113.21:80 && ip netns exec $lb lbadm service show tcp 203.0.113.21:80 | grep -c . | grep -qx 1"

ktap_finish
