#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 20,000 services in one netns: created by one restore, listed whole by
# `lbadm service show` and `lbadm save` (each service once, across the
# hundreds of dump calls that take: a dump resumes at the next service's
# id), and a single service's request still answers while the rate
# estimator walks them all (it drops the lock between batches of 256).
# Creation was the quadratic part measured before (each SERVICE_NEW waited
# for a grace period and walked conntrack: ~18 ms each under TCG, 6 min
# for 20,000); the restore now takes ~20 s, and it is given 300 s.  The
# times of show and save are printed, not asserted: instruction counts in
# make bench-cost show their growth with services, rates here are noise.
# Stock kernel only (the debug kernel's lockdep makes 20,000 services slow,
# and the paths are those lb_bulkadd and lb_saverestore cover there).
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
require_cmd awk timeout

ktap_plan 6

N=${LB_SCALE_N:-20000}
B=1		# backends per service
ns_create lb

# gen FROM TO: a restore file of services FROM..TO-1, tcp 10.I.J.K:80
# (I.J.K the service's number), each with B backends 192.168.X.Y:8080.
gen() {
	awk -v from="$1" -v to="$2" -v b="$B" 'BEGIN {
		for (i = from; i < to; i++) {
			vip = sprintf("10.%d.%d.%d:80", int(i / 65536) + 1,
				      int(i / 256) % 256, i % 256)
			print "service add tcp " vip " table-size 251"
			for (j = 1; j <= b; j++)
				printf "backend add tcp %s 192.168.%d.%d:8080\n",
				       vip, int(j / 256), j % 256
		}
	}'
}

restore() {
	local t0=$SECONDS
	gen 0 "$N" > "$TMPD/conf" &&
		timeout 300 ip netns exec "$lb" lbadm restore "$TMPD/conf" || return 1
	echo "restore of $N services: $((SECONDS - t0)) s"
}
setup "$N services of $B backend (one restore, bound 300 s)" restore

# listed CMD...: the services CMD prints ("service add" lines of save,
# "tcp VIP" header lines of show), each once, N of them.
listed() {
	local t0=$SECONDS n u
	lbadm_in "$lb" "$@" > "$TMPD/out" || return 1
	grep -oE '^(service add )?tcp 10\.[0-9.]+:80' "$TMPD/out" |
		sed 's/^service add //' > "$TMPD/keys"
	n=$(wc -l < "$TMPD/keys")
	u=$(sort -u "$TMPD/keys" | wc -l)
	echo "lbadm $*: $n services ($u distinct) in $((SECONDS - t0)) s"
	[ "$n" = "$N" ] && [ "$u" = "$N" ]
}
check "service show lists each of the $N services once" listed service show
check "save lists each of the $N services once" listed save
json_listed() {
	lbadm_in "$lb" -j service show > "$TMPD/json" || return 1
	python3 - "$TMPD/json" "$N" <<'EOF'
import json, sys
svcs = json.load(open(sys.argv[1]))
keys = {(s["proto"], s["vip"], s["port"]) for s in svcs}
print(f"-j service show: {len(svcs)} services ({len(keys)} distinct)")
sys.exit(0 if len(svcs) == len(keys) == int(sys.argv[2]) else 1)
EOF
}
check "-j service show: one JSON document, each service once" json_listed

# Through a few estimator rounds (every 2 s): a single service's request is
# not stuck behind the whole walk, and the counters of the last service
# created are there.
one_answers() {
	local i
	for ((i = 0; i < 10; i++)); do
		lbadm_in "$lb" service show tcp 10.1.78.31:80 > "$TMPD/one" || return 1
		nap 0.5
	done
	cat "$TMPD/one"
	grep -q "10.1.78.31:80" "$TMPD/one"
}
check "a single service answers through estimator rounds" one_answers
check "the last service deletes" lbadm_in "$lb" service del tcp 10.1.78.31:80

ktap_finish
