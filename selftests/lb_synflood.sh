#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The baseline of lb_synproxy.sh: the same spoofed SYN flood at a service
# without synproxy.  Every flood SYN makes a conntrack entry, picks a
# backend and reaches it.  Conntrack's table, made small (4,096 entries),
# fills: conntrack then drops an unassured (half-open) entry for each new
# one (early drop; assured entries, established connections, are never
# chosen).  nflb adds nothing per half-open flow.  Afterwards nothing is
# left behind.  How many legitimate connections succeed, and whether the
# established ones keep up, depends on the load the flood puts on the VM:
# those figures are printed, not asserted (docs/benchmarks.md).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack nft
require_nflb
[ -x "$NFLB_TOP/build/nflb-synflood" ] || skip_all "build/nflb-synflood not built"

ktap_plan 7

LEGIT=300
CTMAX=4096

setup "topology; flood sources routed to the client side; SYN counters at the backends" flood_topo
diag "topology up after $SECONDS s"

ctmax=$(sysctl -n net.netfilter.nf_conntrack_max)
trap 'sysctl -qw net.netfilter.nf_conntrack_max=$ctmax; __lib_cleanup' EXIT
svc_add() {
	sysctl -qw net.netfilter.nf_conntrack_max=$CTMAX && lb_service "$lb" tcp 4 3
}
check "service add tcp VIP:80 (no synproxy), 3 backends; nf_conntrack_max $CTMAX" svc_add

# ct_stat FILE KEY: KEY (early_drop, drop) summed over the CPUs of
# `conntrack -S`.
ct_stat() {
	awk -v k="$2=" '{ for (i = 1; i <= NF; i++)
			if (index($i, k) == 1) s += substr($i, length(k) + 1) }
		END { print s + 0 }' "$1"
}
ip netns exec "$lb" conntrack -S > "$TMPD/ct.stat0"
setup "IPv4 flood without synproxy, $LEGIT connections during it" \
	flood_round base4 4 "$LEGIT"
check "the flood sent at least 5,000 SYNs" flood_sent base4 5000
check "flood SYNs reach the backends (what synproxy prevents)" \
	test "$(cat "$TMPD/base4.bflood4")" -gt 0
full() {
	local d0 d1 x0 x1
	ip netns exec "$lb" conntrack -S > "$TMPD/ct.stat1"
	d0=$(ct_stat "$TMPD/ct.stat0" early_drop) d1=$(ct_stat "$TMPD/ct.stat1" early_drop)
	x0=$(ct_stat "$TMPD/ct.stat0" drop) x1=$(ct_stat "$TMPD/ct.stat1" drop)
	echo "conntrack entries: $(cat "$TMPD/base4.ct") of $CTMAX"
	echo "early drops (an unassured entry evicted for a new one): $((d1 - d0))"
	echo "drops (a new flow's packet dropped, nothing to evict): $((x1 - x0))"
	[ $((d1 - d0)) -gt 0 ] && [ "$(cat "$TMPD/base4.ct")" -ge $((CTMAX * 9 / 10)) ]
}
check "conntrack filled, unassured entries early-dropped" full
diag "legitimate connections answered during the flood: $(answered "$TMPD/base4.legit") of $LEGIT"
flood_held base4 | sed 's/^/# established: /'

clean() {
	ip netns exec "$lb" conntrack -F 2> /dev/null &&
		lbadm_in "$lb" flush &&
		[ "$(ip netns exec "$lb" conntrack -C)" = 0 ]
}
check "afterwards: conntrack flushed, services flushed, no entry left" clean

ktap_finish
