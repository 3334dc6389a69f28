#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's reloads and operations (issue 5, selftests 4 and 5): SIGHUP
# with a file that adds a backend and changes a weight applies just that
# (`lbadm monitor` sees no other change) while long-lived connections to
# the untouched backends go on, the same connections with the same
# conntrack entries; SIGHUP with a broken file logs every error and
# changes nothing; `rmmod nflb; modprobe nflb` under the daemon: its
# services are back within one reconcile period (1 s; plus SLACK for
# scheduling under TCG emulation and this test's polling); `lbhealthd
# status` shows each backend's state and last result; a service it does
# not own is left alone; at exit it leaves its services (a restarted daemon
# adopts them without a single request), with -w it deletes
# them (and only them).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack rmmod
require_nflb
require_lbhealthd

ktap_plan 25

SLACK=1500	# ms
WEB="tcp $VIP4:80" OTHER="udp $VIP4:53"
b() { be 4 "$@"; }

setup "topology: client, load balancer, 3 backends" lb_topo
other() {	# a service lbhealthd does not own
	lbadm_in "$lb" service add udp "$VIP4:53" &&
		lbadm_in "$lb" backend add udp "$VIP4:53" "$(b 3 53)" weight 3 &&
		lbadm_in "$lb" service show udp "$VIP4:53" > "$TMPD/other0"
}
setup "a service lbhealthd does not own: udp VIP:53" other

# conf FILE WEIGHT2 [B3]: web with b1 (weight 1), b2 (WEIGHT2) and, given
# B3, b3.
conf() {
	local b3=
	[ -n "${3:-}" ] && b3=", { address = \"$(be_addr 4 3)\"; }"
	cat > "$1" <<-EOF
	services = (
	  { name = "web"; protocol = "tcp"; address = "$VIP4"; port = 80;
	    check = { type = "tcp"; interval = 0.5; timeout = 0.3; rise = 1; fall = 2; };
	    backends = ( { address = "$(be_addr 4 1)"; },
	                 { address = "$(be_addr 4 2)"; weight = $2; }$b3 ); }
	);
	EOF
}
conf "$TMPD/hc.conf" 1
hc_start "$lb" "$TMPD/hc.conf"
up1() {
	ks_wait "$lb" "$(now_ms)" 20 "$WEB|$(b 1)|up|1" "$WEB|$(b 2)|up|1" "$WEB|$(b 3)|absent" ||
		{ cat "$TMPD/hc.log"; return 1; }
}
setup "lbhealthd creates web: b1 and b2 up" up1

status_table() {
	hc_status "$lb" > "$TMPD/status" || return 1
	cat "$TMPD/status"
	head -n 1 "$TMPD/status" | grep -qE '^SERVICE +BACKEND +CHECK +STATE +FOR +LAST +REASON$' &&
		grep -qE "^web +$(b 1) +tcp +up +[0-9]+[smhd] +ok +connected$" "$TMPD/status" &&
		grep -qE "^web +$(b 2) +tcp +up +[0-9]+[smhd] +ok +connected$" "$TMPD/status" &&
		[ "$(grep -c . "$TMPD/status")" = 3 ]
}
check "lbhealthd status: a line per backend, state, last result, reason" status_table
status_json() {
	hc_status "$lb" -j > "$TMPD/status.json" || return 1
	python3 - "$TMPD/status.json" "$(be_addr 4 1)" "$(be_addr 4 2)" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
(svc,) = doc["services"]
assert svc["name"] == "web" and svc["protocol"] == "tcp" and svc["port"] == 80, svc
got = sorted((b["address"], b["port"], b["state"], b["check"], b["last"]["ok"])
             for b in svc["backends"])
assert got == [(sys.argv[2], 80, "up", "tcp", True),
               (sys.argv[3], 80, "up", "tcp", True)], got
EOF
}
check "lbhealthd status -j: the same, as JSON" status_json
untouched() {
	lbadm_in "$lb" service show udp "$VIP4:53" > "$TMPD/other1" &&
		cmp "$TMPD/other0" "$TMPD/other1"
}
check "the service it does not own is untouched" untouched

# Long-lived connections to web (b1 and b2), their conntrack entries, and
# lbadm monitor, before the reload.
long_up() {
	long_start long "$c" -n 8 -i 200 "$VIP4" 80 && wait_rounds "$TMPD/long.st" 2 &&
		ct_flows "$lb" tcp 4 | sort > "$TMPD/ct0" && cat "$TMPD/ct0" &&
		[ "$(grep -c ESTABLISHED "$TMPD/ct0")" = 8 ]
}
setup "8 long-lived connections to web, 8 conntrack entries" long_up
bg_run "$lb" "$TMPD/mon" lbadm monitor
mon=$BG_PID
# lbadm monitor listens once it reports changes (of a service of nobody's:
# VIP:54, made, changed until seen, and deleted).
mon_ready() {
	local i
	lbadm_in "$lb" service add udp "$VIP4:54" || return 1
	for ((i = 1; i <= 100; i++)); do
		grep -q "^service set udp $VIP4:54 " "$TMPD/mon" && break
		lbadm_in "$lb" service set udp "$VIP4:54" seed "$i" || return 1
		nap 0.2
	done
	lbadm_in "$lb" service del udp "$VIP4:54" &&
		wait_for 10 grep -qx "service del udp $VIP4:54" "$TMPD/mon"
}
setup "lbadm monitor listening" mon_ready

# 4. SIGHUP: b3 added, b2's weight 2.
conf "$TMPD/hc.conf" 2 b3
t0=$(now_ms)
kill -HUP "$HC_PID"
reloaded() {
	ks_wait "$lb" "$t0" 20 "$WEB|$(b 1)|up|1" "$WEB|$(b 2)|up|2" "$WEB|$(b 3)|up|1" ||
		{ cat "$TMPD/hc.log"; return 1; }
	echo "b2 weight 2 after ${KS_MS[1]} ms, b3 up after ${KS_MS[2]} ms"
	grep -q 'reloaded' "$TMPD/hc.log"
}
check "SIGHUP: b3 added (up), b2 weight 2, b1 as it was" reloaded
nap 1.5	# a reconcile period more: any other change would be seen
bg_stop "$mon"
only_diff() {	# every change lbadm monitor saw since VIP:54 went is b2's or b3's
	sed "1,/^service del udp $VIP4:54\$/d" "$TMPD/mon" > "$TMPD/mon.hup"
	cat "$TMPD/mon.hup"
	grep -q "^backend set $WEB $(b 2) weight 2 state up$" "$TMPD/mon.hup" &&
		grep -q "^backend add $WEB $(b 3) " "$TMPD/mon.hup" &&
		! grep -v -e "^backend set $WEB $(b 2) " -e "^backend add $WEB $(b 3) " \
			-e "^backend set $WEB $(b 3) " "$TMPD/mon.hup"
}
check "only the difference was applied (no request for b1, the service, or others)" only_diff
same_flows() {
	wait_rounds "$TMPD/long.st" 5 || return 1
	ct_flows "$lb" tcp 4 | sort > "$TMPD/ct1"
	diff "$TMPD/ct0" "$TMPD/ct1"
}
check "the same 8 connections, conntrack entries unchanged" same_flows
check "the service it does not own is untouched" untouched

# SIGHUP with a broken file: every error logged, nothing changes.
lbadm_in "$lb" service show > "$TMPD/show0"
cp "$TMPD/hc.conf" "$TMPD/hc.good"
cat > "$TMPD/hc.conf" <<EOF
services = (
  { name = "web"; protocol = "tcp"; address = "$VIP4"; port = 80;
    check = { type = "tcp"; intervall = 0.5; };
    backends = ( { address = "$(be_addr 4 1)"; weight = 70000; } ); }
);
EOF
kill -HUP "$HC_PID"
broken_logged() {
	wait_for 10 grep -q "hc.conf:4: services.\[0\].backends.\[0\].weight: " "$TMPD/hc.log" ||
		{ cat "$TMPD/hc.log"; return 1; }
	grep -F "hc.conf:" "$TMPD/hc.log"
	grep -q "hc.conf:3: services.\[0\].check.intervall: " "$TMPD/hc.log"
}
check "broken file: both errors logged, located" broken_logged
unchanged() {
	nap 1.5	# a reconcile period more
	lbadm_in "$lb" service show > "$TMPD/show1" || return 1
	cmp "$TMPD/show0" "$TMPD/show1" || { cat "$TMPD/show1"; return 1; }
	kill -0 "$HC_PID"
}
check "broken file: service show byte-identical, lbhealthd running on" unchanged
still_old() {
	hc_status "$lb" > "$TMPD/status2" || return 1
	cat "$TMPD/status2"
	[ "$(grep -c "^web " "$TMPD/status2")" = 3 ]
}
check "broken file: the old configuration still checked (3 backends)" still_old
cp "$TMPD/hc.good" "$TMPD/hc.conf"

# (Waited for here, not within check: its command substitution is a
# subshell, which cannot wait for this shell's children.)
long_stop long
long_done() { long_ok long && [ "$(answered "$TMPD/long.out")" = 8 ]; }
check "the long-lived connections ended without an error, all 8 alive" long_done

# 5. The module reloaded under the daemon.
module_back() {
	local t0
	rmmod nflb || return 1
	t0=$(now_ms)	# from the unload: lbhealthd may load it back itself
	modprobe nflb || return 1
	ks_wait "$lb" "$t0" 20 "$WEB|$(b 1)|up|1" "$WEB|$(b 2)|up|2" "$WEB|$(b 3)|up|1" ||
		{ cat "$TMPD/hc.log"; return 1; }
	within "$(printf '%s\n' "${KS_MS[@]}" | sort -n | tail -n 1)" $((1000 + SLACK))
}
check "rmmod; modprobe: web back within a reconcile period" module_back
not_ours() { ks_load "$lb" && ks_is "$OTHER||absent"; }
check "the service it does not own is not recreated" not_ours
new_flows() { vip_flows "$TMPD/new" 30 && [ "$(names "$TMPD/new")" = 3 ]; }
check "30 new flows answered by the 3 backends" new_flows

# Exit: by default the services stay; with -w they are withdrawn.
lbadm_in "$lb" service show > "$TMPD/show2"
kill "$HC_PID"
bg_wait "$HC_PID"
hc_rc=$?
leave() {
	echo "exit status $hc_rc"
	lbadm_in "$lb" service show > "$TMPD/show3"
	[ "$hc_rc" = 0 ] && cmp "$TMPD/show2" "$TMPD/show3"
}
check "SIGTERM: exit 0, the services left as they were" leave
setup "the service it does not own, again" other
mv "$TMPD/hc.log" "$TMPD/hc0.log"
hc_start "$lb" "$TMPD/hc.conf" -w
up_w() {
	wait_for 20 hc_status "$lb" &&
		ks_wait "$lb" "$(now_ms)" 20 "$WEB|$(b 1)|up|1" "$WEB|$(b 2)|up|2" "$WEB|$(b 3)|up|1"
}
setup "lbhealthd -w running" up_w
# A restart takes the verdicts the kernel holds (initial "down" is for
# backends it has never seen): the new daemon finds everything right and
# sends nothing, so no backend is taken out while it proves itself.
restart_quiet() {
	nap 1.5	# a few reconcile periods and checks
	cat "$TMPD/hc.log"
	! grep -E 'lbhealthd: (service|backend) (add|set|del) ' "$TMPD/hc.log"
}
check "restarted: adopts the kernel's states, sends no request" restart_quiet
kill "$HC_PID"
bg_wait "$HC_PID"
hc_rc=$?
withdraw() {
	echo "exit status $hc_rc"
	ks_load "$lb" && cat "$TMPD/ks"
	[ "$hc_rc" = 0 ] && ks_is "$WEB||absent"
}
check "-w: exit 0, its service deleted" withdraw
check "-w: the service it does not own is left" untouched
diag "$(cat "$TMPD/hc0.log" "$TMPD/hc.log")"

ktap_finish
