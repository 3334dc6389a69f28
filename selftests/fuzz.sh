#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer (tools/nflb-fuzz.c): NFLB_FUZZ_COUNT messages
# (default 10,000; make fuzz sends 100,000 on the KASAN kernel) to the nflb
# family in NFLB_FUZZ_NS load balancer namespaces at once (default 3), while
# a client behind each sends UDP and TCP to the VIPs through it; one of
# them is deleted half-way.  Afterwards every surviving namespace still
# answers `lbadm save`, and that restored into a fresh namespace saves the
# same.  On a kernel with kmemleak, once every namespace is gone, no
# unreferenced object from nflb (scripts/kmemleak-check).  Kernel reports
# (KASAN, lockdep, WARN...) fail the run in scripts/vm.
# NFLB_FUZZ_SEED repeats a run (the seed is printed).
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
[ -x "$NFLB_TOP/build/nflb-fuzz" ] || skip_all "build/nflb-fuzz not built"

count=${NFLB_FUZZ_COUNT:-10000}
nns=${NFLB_FUZZ_NS:-3}
seed=${NFLB_FUZZ_SEED:-$(date +%s)}
[ "$nns" -ge 2 ] || skip_all "NFLB_FUZZ_NS must be 2 or more"
kmemleak_check=$NFLB_TOP/scripts/kmemleak-check

ktap_plan $((2 * nns + 4))
diag "seed $seed, $count messages, $nns namespaces"

# What the leak check sees later is what happened from here on.
"$kmemleak_check" --clear > /dev/null 2>&1
have_kmemleak=$?

# Small limits (the sysctls apply to each netns): mutated keys make new
# services, and a few dozen default tables would fill the VM's memory; and
# the fuzzer's key pool (18 services, lists of up to 2,700 backends) goes
# over each now and then, so that the ENOSPC paths are taken.
limits=(net.nflb.max_services net.nflb.max_backends net.nflb.max_table_slots)
saved=$(sysctl -n "${limits[@]}" | paste -sd' ')
restore_limits() {
	local vals i
	read -r -a vals <<< "$saved"
	for i in 0 1 2; do sysctl -qw "${limits[i]}=${vals[i]}"; done
}
setup "limits: 8 services, 1000 backends, 300000 slots" \
	sysctl -qw net.nflb.max_services=8 net.nflb.max_backends=1000 \
	net.nflb.max_table_slots=300000

for i in $(seq "$nns"); do
	setup "topology $i: client, load balancer, 1 backend" lb_topo -t "$i" -n 1
done

# The last one is deleted half-way.
args=()
for i in $(seq "$nns"); do
	nv=lb_$i cv=c_$i
	args+=("${!nv},${!cv}")
done
nv=lb_$nns doomed=${!nv}
fuzz() {
	"$NFLB_TOP/build/nflb-fuzz" -s "$seed" -n "$count" -k "$doomed" "${args[@]}"
}
start=$SECONDS
check "nflb-fuzz: $count messages, seed $seed" fuzz
diag "fuzzing took $((SECONDS - start)) s"
for i in $(seq $((nns - 1))); do
	nv=lb_$i
	diag "lb_$i: $(ip netns exec "${!nv}" conntrack -C 2>/dev/null) conntrack entries"
done

# The netns goes once its last device has: c0's peer was in it.
c0_gone_in() { ! ip -n "$1" link show c0 > /dev/null 2>&1; }
nv=c_$nns
check "the deleted namespace is gone" wait_for 60 c0_gone_in "${!nv}"

# lbadm save answers, and restoring it elsewhere gives the same save.
consistent() {	# consistent NS FRESH
	local ns=$1 fresh=$2 f=$TMPD/save.$1
	lbadm_in "$ns" save > "$f.1" || { echo "lbadm save failed"; return 1; }
	echo "$(grep -c '^service' "$f.1") services, $(grep -c '^backend' "$f.1") backends"
	lbadm_in "$fresh" restore "$f.1" || { echo "lbadm restore failed"; return 1; }
	lbadm_in "$fresh" save > "$f.2" || { echo "lbadm save (restored) failed"; return 1; }
	diff -u "$f.1" "$f.2" | head -40
	cmp -s "$f.1" "$f.2"
}
for i in $(seq $((nns - 1))); do
	nv=lb_$i
	ns_create "fresh$i"
	cv=fresh$i
	check "lb_$i: save, restore into a fresh netns, same save" consistent "${!nv}" "${!cv}"
done

# Every namespace deleted (the module's per-netns teardown with services
# and flows), the load balancers first: when a client's c0 is gone, so is
# its load balancer's netns (nflb's pernet exit runs in the same cleanup,
# which kmemleak-check's wait of a few seconds covers).
gone() {
	local i nv cv ns
	for i in $(seq "$nns"); do
		nv=lb_$i
		ip netns del "${!nv}" 2>/dev/null
	done
	for i in $(seq "$nns"); do
		cv=c_$i
		wait_for 60 c0_gone_in "${!cv}" || { echo "lb_$i not gone"; return 1; }
	done
	for ns in "${__ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	__ns_list=()
	[ -z "$(ip netns list)" ]
}
restore_limits
check "all namespaces deleted" gone
if [ "$have_kmemleak" = 4 ]; then
	ktap_result "kmemleak: nothing from nflb (no kmemleak in this kernel)" 4
else
	check "kmemleak: nothing from nflb" "$kmemleak_check"
fi

ktap_finish
