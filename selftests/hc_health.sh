#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd keeps backend state true (issue 5, selftests 1, 2, 3 and 6).
# One daemon, four services:
#   web  tcp VIP:80    b1..b3:80    tcp check every 0.5 s  (stopped server)
#   api  tcp VIP:8080  b1..b3:8080  http check every 1 s   (503 / 200)
#   job  udp VIP:80    b1, b2       exec check every 2 s   (exit status)
#   sry  tcp VIP:81    b1, b2:9000  tcp check every 0.5 s, sorry b3:80,
#                                   quorum 1
# 1. b1's server stopped: web's b1 is down within fall x interval +
#    timeout, new flows avoid it, and long-lived connections to b2 and b3
#    keep exchanging data; 2. restarted: up within rise x interval +
#    timeout, and it takes new flows again; 3. an HTTP 503 takes api's b2
#    down, 200 brings it back; an exec check's exit status decides (with the
#    documented environment), and a UDP flow of job on b1 leaves b1 when
#    the exec check takes b1 down (flush-on-down, udp's default); 6. with both of sry's backends down the sorry
#    backend serves every new flow, and is withdrawn once they return.
# Each transition is logged once, with its reason.  A transition is timed
# from the event to the log line (stamped as written, see hc_start), and
# the kernel must show it right after.  Bounds: fall (or rise) x interval
# (+10%: the daemon's jitter) + timeout, plus SLACK for scheduling under TCG
# emulation.  Timeouts are generous for the same reason: a probe that times
# out on a starved guest would be a false failure.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
require_lbhealthd

ktap_plan 33

SLACK=700	# ms
VIP80="tcp $VIP4:80" API="tcp $VIP4:8080" JOB="udp $VIP4:80" SRY="tcp $VIP4:81"
b() { be 4 "$@"; }	# b I [PORT]: backend I as lbadm prints it

setup "topology: client, load balancer, 3 backends" lb_topo
# HTTP servers on port 8080 (status from $TMPD/http.bI), and line servers on
# port 9000 in b1 and b2 (sry's backends).
ns_of() { local v=b$1; echo "${!v}"; }
q_start() {	# q_start I: bI's server on port 9000
	[ ! -e "$TMPD/q$1.ready" ] || rm -f "$TMPD/q$1.ready"
	bg_run "$(ns_of "$1")" "$TMPD/q$1.log" nflb-server -t -p 9000 -r "$TMPD/q$1.ready" "q$1"
	printf -v "q$1_pid" %s "$BG_PID"
}
servers() {
	local i
	for i in 1 2 3; do
		bg_run "$(ns_of "$i")" "$TMPD/h$i.log" nflb-server -H 8080 \
			-s "$TMPD/http.b$i" -r "$TMPD/h$i.ready" "b$i"
	done
	q_start 1 && q_start 2
	wait_for 10 test -e "$TMPD/h1.ready" -a -e "$TMPD/h2.ready" -a -e "$TMPD/h3.ready" \
		-a -e "$TMPD/q1.ready" -a -e "$TMPD/q2.ready"
}
setup "HTTP servers on port 8080, servers on port 9000" servers

# The exec check runs as lbhealthd's default exec user, nobody: its files
# live in a directory nobody may write.
EXD=$TMPD/exec
mkdir -m 1777 "$EXD"
chmod 711 "$TMPD"
cat > "$TMPD/hc.conf" <<EOF
services = (
  { name = "web"; protocol = "tcp"; address = "$VIP4"; port = 80;
    check = { type = "tcp"; interval = 0.5; timeout = 0.4; rise = 2; fall = 3; };
    backends = ( { address = "$(be_addr 4 1)"; }, { address = "$(be_addr 4 2)"; },
                 { address = "$(be_addr 4 3)"; } ); },
  { name = "api"; protocol = "tcp"; address = "$VIP4"; port = 8080;
    check = { type = "http"; interval = 1.0; timeout = 0.8; rise = 2; fall = 2;
              path = "/health"; expect-status = "200-299"; };
    backends = ( { address = "$(be_addr 4 1)"; }, { address = "$(be_addr 4 2)"; },
                 { address = "$(be_addr 4 3)"; } ); },
  { name = "job"; protocol = "udp"; address = "$VIP4"; port = 80;
    check = { type = "exec"; interval = 2.0; timeout = 1.5; rise = 1; fall = 1;
              command = "echo \$NFLB_BACKEND_ADDR \$NFLB_BACKEND_PORT \$NFLB_SERVICE_PROTO \$NFLB_SERVICE_ADDR \$NFLB_SERVICE_PORT \$NFLB_CHECK_TIMEOUT > $EXD/env.\$NFLB_BACKEND_ADDR; test ! -e $EXD/fail.\$NFLB_BACKEND_ADDR"; };
    backends = ( { address = "$(be_addr 4 1)"; }, { address = "$(be_addr 4 2)"; } ); },
  { name = "sry"; protocol = "tcp"; address = "$VIP4"; port = 81; quorum = 1;
    sorry = { address = "$(be_addr 4 3)"; port = 80; };
    check = { type = "tcp"; interval = 0.5; timeout = 0.4; rise = 1; fall = 2; };
    backends = ( { address = "$(be_addr 4 1)"; port = 9000; },
                 { address = "$(be_addr 4 2)"; port = 9000; } ); }
);
EOF
check "the configuration passes lbhealthd -t" lbhealthd -t -c "$TMPD/hc.conf"

hc_start "$lb" "$TMPD/hc.conf"
all_up() {
	ks_wait "$lb" "$(now_ms)" 30 "$VIP80|$(b 1)|up" "$VIP80|$(b 2)|up" "$VIP80|$(b 3)|up" \
		"$API|$(b 1 8080)|up" "$API|$(b 2 8080)|up" "$API|$(b 3 8080)|up" \
		"$JOB|$(b 1)|up" "$JOB|$(b 2)|up" \
		"$SRY|$(b 1 9000)|up" "$SRY|$(b 2 9000)|up" "$SRY|$(b 3)|absent" ||
		{ cat "$TMPD/hc.log"; return 1; }
	echo "all up after ${KS_MS[*]} ms"
}
setup "lbhealthd creates the 4 services, every backend up" all_up
env_given() {	# the exec check's environment, for b1 of udp VIP:80
	local e
	read -r e < "$EXD/env.$(be_addr 4 1)"
	echo "$e"
	[ "$e" = "$(be_addr 4 1) 80 udp $VIP4 80 1.5" ]
}
check "exec check: NFLB_BACKEND_*, NFLB_SERVICE_*, NFLB_CHECK_TIMEOUT set" env_given
ran_as_nobody() {	# the exec check's command ran as nobody, not root
	local u
	u=$(stat -c %U "$EXD/env.$(be_addr 4 1)")
	echo "written by $u"
	[ "$u" = nobody ]
}
check "exec check: the command ran as nobody" ran_as_nobody

# transition T0 BOUND_MS TEXT COND...: lbhealthd logs a line holding TEXT
# (after hc_mark) at most BOUND_MS + SLACK after T0, and the kernel then
# shows every COND (see ks_is).
transition() {
	local t0=$1 bound=$2 text=$3
	shift 3
	hc_wait_log 20 "$text" || { echo "not logged: $text"; cat "$TMPD/hc.log"; return 1; }
	echo "\"$text\" logged after $((HC_AT - t0)) ms (bound $bound + $SLACK ms)"
	ks_wait "$lb" "$HC_AT" 5 "$@" || return 1
	[ $((HC_AT - t0)) -le $((bound + SLACK)) ]
}
# ready_ms FILE: when a server wrote its ready file (it listens), in ms: a
# server's return is timed from there, not from when starting it began
# (starting a program takes a while under TCG).
ready_ms() { date -r "$1" +%s%3N; }
# logged_once TEXT: one line since hc_mark holds TEXT.
logged_once() {
	hc_logged "$1"
	[ "$HC_N" = 1 ] && return 0
	echo "$HC_N lines with \"$1\" since the event:"
	cat "$TMPD/hc.log"
	return 1
}

# Long-lived connections to web (a round every 200 ms), from fixed source
# ports: with random ones the 12 missed b3 (or b2) in about one run in
# 70, (2/3)^12 each; these ports put 5, 4 and 3 on b1, b2 and b3.
long_up() {
	long_start long "$c" -n 12 -b 47000 -i 200 "$VIP4" 80 &&
		[ "$(count "$TMPD/long.ready" b2)" -gt 0 ] &&
		[ "$(count "$TMPD/long.ready" b3)" -gt 0 ]
}
setup "12 long-lived connections to web, some on b2 and b3" long_up

# 1. b1's server stopped (web and job probe its port 80).
hc_mark
t0=$(now_ms)
lb_server_stop 1
down1="web: backend $(b 1) down (connection refused) after 3 failures"
check "web: b1 down within fall x interval + timeout (3 x 0.5 + 0.4 s)" \
	transition "$t0" $((3 * 550 + 400)) "$down1" "$VIP80|$(b 1)|down"
new_avoid() { vip_flows "$TMPD/new1" 60 && [ "$(count "$TMPD/new1" b1)" = 0 ]; }
check "60 new flows: all answered, none by b1" new_avoid
check "long-lived connections go on (5 more rounds)" wait_rounds "$TMPD/long.st" 5
# Waited for here: check's command substitution cannot wait for it.
long_stop long
others_go_on() {
	grep -v '^flow ' "$TMPD/long.out"
	# Every connection to b2 and b3 is still alive, none lost.
	[ "$(count "$TMPD/long.out" b2)" = "$(count "$TMPD/long.ready" b2)" ] &&
		[ "$(count "$TMPD/long.out" b3)" = "$(count "$TMPD/long.ready" b3)" ] &&
		[ "$(stat_of "$TMPD/long.out" lost:b2)" = 0 ] &&
		[ "$(stat_of "$TMPD/long.out" lost:b3)" = 0 ]
}
check "long-lived connections to b2 and b3 all alive at the end, none lost" others_go_on
check "the transition was logged once, with its reason" logged_once "$down1"

# 2. b1's server back.
hc_mark
lb_server_start 1
t0=$(ready_ms "$TMPD/b1.ready")
up1="web: backend $(b 1) up (connected) after 2 successes"
check "web: b1 up within rise x interval + timeout (2 x 0.5 + 0.4 s)" \
	transition "$t0" $((2 * 550 + 400)) "$up1" "$VIP80|$(b 1)|up"
new_back() { vip_flows "$TMPD/new2" 60 && between "$(count "$TMPD/new2" b1)" 5 40; }
check "60 new flows: b1 takes its share again (5..40)" new_back
check "the recovery was logged once" logged_once "$up1"

# A UDP client of job whose flow b1 answers (a request every 100 ms): the
# flows of 8 source ports, the first one on b1 kept, the others stopped.
stream=$NFLB_TOP/selftests/tools/nflb-udpstream.py
# last_answer LOG: the backend (and when, ms) of the latest answer change.
last_answer() {
	local w at name last=
	while read -r w at name _; do
		[ "$w" = answer ] && last="$name $at"
	done < "$1"
	[ -n "$last" ] && echo "$last"
}
udp_on_b1() {
	local p name at
	for p in $(seq 40001 40008); do
		bg_run "$c" "$TMPD/us$p.err" "$stream" "$VIP4" 80 "$p" 100 \
			"$TMPD/us$p.stop" "$TMPD/us$p.log"
		printf -v "us_pid$p" %s "$BG_PID"
	done
	# Eight interpreters starting at once take their time under TCG (over
	# 10 s at load 3): each flow has 10 s to be answered once it runs.
	for p in $(seq 40001 40008); do
		wait_for 60 grep -q '^start ' "$TMPD/us$p.log" ||
			{ echo "port $p: the client did not start"; cat "$TMPD/us$p.err"; return 1; }
	done
	for p in $(seq 40001 40008); do
		wait_for 10 last_answer "$TMPD/us$p.log" || { echo "port $p: no answer"; cat "$TMPD/us$p.log"; return 1; }
	done
	US=
	for p in $(seq 40001 40008); do
		read -r name at < <(last_answer "$TMPD/us$p.log")
		echo "source port $p: $name"
		if [ -z "$US" ] && [ "$name" = b1 ]; then US=$p; continue; fi
		: > "$TMPD/us$p.stop"
	done
	for p in $(seq 40001 40008); do
		[ "$p" = "$US" ] && continue
		local v=us_pid$p
		bg_wait "${!v}"
	done
	[ -n "$US" ]
}
setup "a UDP flow to job (udp VIP:80) answered by b1" udp_on_b1

# 3. HTTP: api's b2 answers 503, then 200 again; exec: job's b1 fails,
# then passes.  Both at once: they are independent.
# api_job HTTP EXIT: from t0 (now) on, b2's HTTP server answers HTTP and
# the exec check of b1 exits EXIT (0 or 1).
api_job() {
	local fail
	fail=$EXD/fail.$(be_addr 4 1)
	hc_mark
	t0=$(now_ms)
	echo "$1" > "$TMPD/http.b2"
	if [ "$2" = 0 ]; then rm -f "$fail"; else : > "$fail"; fi
}
api_job 503 1
down_api="api: backend $(b 2 8080) down (HTTP 503) after 2 failures"
down_job="job: backend $(b 1) down (exit 1) after 1 failure"
check "api: HTTP 503 takes b2 down within 2 x 1 + 0.8 s" \
	transition "$t0" $((2 * 1100 + 800)) "$down_api" "$API|$(b 2 8080)|down"
check "job: exit status 1 takes b1 down within 1 x 2 + 1.5 s" \
	transition "$t0" $((1 * 2200 + 1500)) "$down_job" "$JOB|$(b 1)|down"
others_up() {
	ks_load "$lb" && ks_is "$API|$(b 1 8080)|up" && ks_is "$API|$(b 3 8080)|up" &&
		ks_is "$JOB|$(b 2)|up" && ks_is "$VIP80|$(b 2)|up"
}
# The flow moves within 1 s of the transition: the request of the next
# 100 ms, plus SLACK.
udp_moved() {
	local name at
	hc_logged "$down_job" || return 1
	wait_for 5 sh -c "grep '^answer' '$TMPD/us$US.log' | tail -n 1 | grep -q ' b2\$'"
	read -r name at < <(last_answer "$TMPD/us$US.log")
	echo "the flow answered by $name from $((at - HC_AT)) ms after the transition"
	[ "$name" = b2 ] && [ $((at - HC_AT)) -le $((1000 + SLACK)) ]
}
check "job: b1's UDP flow goes to b2 within 1 s (flushed with b1 down)" udp_moved
flush_logged() {
	hc_logged "backend set $JOB $(b 1) weight 1 state down flush" &&
		hc_logged "backend set $API $(b 2 8080) weight 1 state down" &&
		! hc_logged "backend set $API $(b 2 8080) weight 1 state down flush"
}
check "job's b1 set down with flush, api's b2 (tcp) without" flush_logged
check "the other backends of api and job stay up" others_up
status_says() {
	hc_status "$lb" > "$TMPD/status" || return 1
	cat "$TMPD/status"
	grep -qE "^api +$(b 2 8080) +http +down .*HTTP 503" "$TMPD/status" &&
		grep -qE "^api +$(b 1 8080) +http +up " "$TMPD/status" &&
		grep -qE "^job +$(b 1) +exec +down " "$TMPD/status"
}
check "lbhealthd status: api's b2 down (HTTP 503), job's b1 down" status_says
both_once() { logged_once "$down_api" && logged_once "$down_job"; }
check "both transitions logged once" both_once
api_job 200 0
check "api: HTTP 200 brings b2 back within 2 x 1 + 0.8 s" \
	transition "$t0" $((2 * 1100 + 800)) "api: backend $(b 2 8080) up (HTTP 200) after 2 successes" \
	"$API|$(b 2 8080)|up"
check "job: exit status 0 brings b1 back within 1 x 2 + 1.5 s" \
	transition "$t0" $((1 * 2200 + 1500)) "job: backend $(b 1) up (exit 0) after 1 success" \
	"$JOB|$(b 1)|up"

# Back up, b1 takes no flow back (nothing flushed on the way up).
nap 1
: > "$TMPD/us$US.stop"
v=us_pid$US
bg_wait "${!v}"
udp_stays() {
	local name at
	read -r name at < <(last_answer "$TMPD/us$US.log")
	echo "last answered by $name"
	[ "$name" = b2 ]
}
check "the UDP flow stays on b2 once b1 is back" udp_stays

# 6. Quorum: both of sry's backends down, the sorry backend serves.
before_sry() { vip_flows "$TMPD/s0" 30 81 && [ "$(count "$TMPD/s0" b3)" = 0 ]; }
check "sry: flows go to q1, q2 (not the sorry backend)" before_sry
hc_mark
t0=$(now_ms)
bg_stop "$q1_pid"
bg_stop "$q2_pid"
lost="sry: quorum lost (0 of 2 healthy, quorum 1): sorry backend $(b 3) serves"
check "sry: both down within 2 x 0.5 + 0.4 s, the sorry backend b3:80 added, up" \
	transition "$t0" $((2 * 550 + 400)) "$lost" \
	"$SRY|$(b 1 9000)|down" "$SRY|$(b 2 9000)|down" "$SRY|$(b 3)|up"
sorry_serves() { vip_flows "$TMPD/s1" 30 81 && [ "$(count "$TMPD/s1" b3)" = 30 ]; }
check "sry: all 30 new flows answered by the sorry backend" sorry_serves
check "quorum loss logged once" logged_once "$lost"
hc_mark
q_start 1 && q_start 2
wait_for 10 test -e "$TMPD/q1.ready" -a -e "$TMPD/q2.ready"
t0=$(ready_ms "$TMPD/q1.ready") t=$(ready_ms "$TMPD/q2.ready")
[ "$t" -lt "$t0" ] && t0=$t	# quorum is back with the first of them
back="sry: quorum regained"	# with the first of them: "1 of 2 healthy"
check "sry: backends up within 1 x 0.5 + 0.4 s, the sorry backend withdrawn" \
	transition "$t0" $((1 * 550 + 400)) "$back" \
	"$SRY|$(b 1 9000)|up" "$SRY|$(b 2 9000)|up" "$SRY|$(b 3)|absent"
sorry_gone() {
	vip_flows "$TMPD/s2" 30 81 && [ "$(count "$TMPD/s2" b3)" = 0 ] &&
		[ "$(count "$TMPD/s2" q1)" -gt 0 ] && [ "$(count "$TMPD/s2" q2)" -gt 0 ]
}
check "sry: new flows to q1 and q2 again" sorry_gone

still_running() {
	kill -0 "$HC_PID" && ! grep -E '^[0-9]+ <[0-3]>' "$TMPD/hc.log"
}
check "lbhealthd still running, no error logged" still_running
bg_stop "$HC_PID"
diag "$(cat "$TMPD/hc.log")"

ktap_finish
