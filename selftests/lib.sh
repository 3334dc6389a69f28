# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for nflb selftests: KTAP output, checks, network namespaces that
# are removed on exit, and waiting for a condition instead of sleeping; for
# the data-path tests (lb_*.sh), a client / load balancer / backends
# topology, readers of the traffic tools' output (selftests/tools), lbadm
# requests that must fail, and long-lived connections (lb_*.sh and hc_*.sh);
# for lbhealthd's (hc_*.sh), the daemon with a timed log, and the backends'
# state in the kernel, polled.
#
# A test sources this file, calls ktap_plan N, makes N checks and ends with
# ktap_finish.  Exit status: 0 all passed, 1 a check failed, 4 skipped.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

NFLB_TOP=${NFLB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export PATH=$NFLB_TOP/build:$PATH

__ktap_n=0
__ktap_failed=0
__ns_list=()
__bg_pids=()
# Short, unique namespace names: tests may run concurrently.
NS_PREFIX=nflbt$$

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

# ktap_result DESCRIPTION STATUS (0 pass, 4 skip, anything else fail)
ktap_result() {
	local desc=$1 rc=$2

	__ktap_n=$((__ktap_n + 1))
	case "$rc" in
	0) echo "ok $__ktap_n $desc" ;;
	4) echo "ok $__ktap_n $desc # SKIP" ;;
	*) echo "not ok $__ktap_n $desc"; __ktap_failed=1 ;;
	esac
}

# check DESCRIPTION COMMAND...: one test case, passing if COMMAND succeeds.
# The command's output is shown as KTAP diagnostics.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	[ "$rc" = 0 ] || rc=1
	ktap_result "$desc" "$rc"
}

# check_fail DESCRIPTION COMMAND...: passes if COMMAND fails.
check_fail() {
	local desc=$1
	shift
	check "$desc" __fails "$@"
}
__fails() { ! "$@"; }

# setup DESCRIPTION COMMAND...: a check whose COMMAND runs in this shell
# (so it can set variables and start background processes, as lb_topo
# does); if it fails, the test ends here ("Bail out!", exit 1).
setup() {
	local desc=$1 rc
	shift
	"$@" > "$TMPD/setup.out" 2>&1
	rc=$?
	[ -s "$TMPD/setup.out" ] && sed 's/^/# /' "$TMPD/setup.out"
	if [ "$rc" = 0 ]; then
		ktap_result "$desc" 0
		return 0
	fi
	ktap_result "$desc" 1
	echo "Bail out! $desc failed"
	exit $KSFT_FAIL
}

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

ktap_finish() {
	[ "$__ktap_failed" = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# nap SECONDS: sleep without starting a program (sleep(1) costs more than
# a poll's condition under TCG): a read that times out on a pipe nobody
# writes to.
exec {__nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$__nap_fd" _; return 0; }

# wait_for [-i INTERVAL] TIMEOUT_SECONDS COMMAND...: poll until COMMAND
# succeeds, every INTERVAL seconds (0.1; 1 for commands that start
# programs, where a guest kept busy starting them starves its daemons).
wait_for() {
	local interval=0.1 deadline
	if [ "$1" = -i ]; then
		interval=$2
		shift 2
	fi
	deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		nap "$interval"
	done
}

# ns_create NAME...: create namespaces $NS_PREFIX-NAME with lo up; the
# variable NAME holds the full name.  All are deleted when the test exits.
ns_create() {
	local name full
	for name in "$@"; do
		full=$NS_PREFIX-$name
		ip netns add "$full" || return 1
		__ns_list+=("$full")
		ip -n "$full" link set lo up
		printf -v "$name" '%s' "$full"
	done
}

__lib_cleanup() {
	local ns pid
	for pid in "${__bg_pids[@]}"; do
		kill "$pid" 2>/dev/null
		kill -CONT "$pid" 2>/dev/null	# a paused one (long_pause)
	done
	for pid in "${__bg_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${__ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${TMPD:-}" ] && rm -rf "$TMPD"
}
trap __lib_cleanup EXIT

require_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "$c not installed"
	done
}

# Load nflb (from the module tree scripts/vm prepared, or the system's).
require_nflb() {
	modprobe nflb || skip_all "cannot load the nflb module"
}

require_lbhealthd() {
	[ -x "$NFLB_TOP/build/lbhealthd" ] || skip_all "build/lbhealthd not built"
}

# A scratch directory, removed when the test exits.
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/nflbt.XXXXXX")

# bg_run NS OUT CMD...: run CMD in the netns NS in the background, stdout
# and stderr to the file OUT; BG_PID is its pid.  Stopped (SIGTERM) when
# the test exits, if still running.
bg_run() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$@" > "$out" 2>&1 &
	BG_PID=$!
	__bg_pids+=("$BG_PID")
}

# bg_wait PID: wait for it to end; its exit status.
bg_wait() {
	local rc p keep=()
	wait "$1"
	rc=$?
	for p in "${__bg_pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	__bg_pids=("${keep[@]}")
	return $rc
}

# bg_stop PID: SIGTERM, then reap it.
bg_stop() {
	kill "$1" 2>/dev/null
	bg_wait "$1" 2>/dev/null
	return 0
}

# ---------------------------------------------------------------------------
# Load-balancer topologies for the data-path tests (lb_*.sh).
#
#   c ==(c0|l0)== lb ==(bridge br0)== (bI|eth0) == bI, I = 1..N
#
# client c:   192.0.2.1/24 and 2001:db8:1::1/64 on c0, default routes via
#             lb (lb_client_addrs adds 192.0.2.2.. and 2001:db8:1::2..)
# lb:         192.0.2.254/24, 2001:db8:1::fe/64 on l0;
#             198.51.100.254/24, 2001:db8:2::fe/64 on br0; forwarding on
# backend bI: 198.51.100.I/24, 2001:db8:2::I/64 on eth0, default routes via
#             lb (with --no-backend-route via 198.51.100.253 and
#             2001:db8:2::fd, which nobody has); runs nflb-server named bI on
#             TCP and UDP port 80 (answering "bI PEERADDR" with --show-peer)
# The VIPs 203.0.113.10 and 2001:db8:ff::10 are on no interface: the
# client routes them to lb, where nflb sends them on to the backends.
# IPv6 DAD is off everywhere, so every address is usable at once.

VIP4=203.0.113.10
VIP6=2001:db8:ff::10
LB4=198.51.100.254
LB6=2001:db8:2::fe

# vip 4|6 [PORT]: the VIP as lbadm and nflb-client take it (PORT 80).
vip() {
	if [ "$1" = 4 ]; then echo "$VIP4:${2:-80}"; else echo "[$VIP6]:${2:-80}"; fi
}

# vip_addr 4|6: the VIP alone, as nflb-client takes it.
vip_addr() {
	if [ "$1" = 4 ]; then echo "$VIP4"; else echo "$VIP6"; fi
}

# be_addr 4|6 I: backend I's address; be 4|6 I [PORT]: ADDR:PORT (PORT 80).
be_addr() {
	if [ "$1" = 4 ]; then echo "198.51.100.$2"; else echo "2001:db8:2::$2"; fi
}
be() {
	if [ "$1" = 4 ]; then echo "$(be_addr 4 "$2"):${3:-80}"; else echo "[$(be_addr 6 "$2")]:${3:-80}"; fi
}

__ns_sysctls() {	# __ns_sysctls NS [forward]
	local s=(net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0)
	[ "${2:-}" = forward ] && s+=(net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1)
	ip netns exec "$1" sysctl -qw "${s[@]}"
}

# lb_topo [-t TAG] [-n N] [--no-backend-route] [--show-peer]: build the
# topology above with N backends (default 3) and wait until the client (or
# lb, without backend routes) reaches every backend's server over IPv4 and
# IPv6.  The namespaces' variables are c, lb, b1..bN; with a TAG, c_TAG,
# lb_TAG, b1_TAG...: two tagged topologies can use the same addresses.
lb_topo() {
	local tag='' n=3 route=1 peer=0 i v cns lbns
	while [ $# -gt 0 ]; do
		case "$1" in
		-t) tag=_$2; shift 2 ;;
		-n) n=$2; shift 2 ;;
		--no-backend-route) route=0; shift ;;
		--show-peer) peer=1; shift ;;
		*) echo "lb_topo: unknown option $1" >&2; return 1 ;;
		esac
	done
	printf -v "__topo_route$tag" %s "$route"
	printf -v "__topo_peer$tag" %s "$peer"
	ns_create "c$tag" "lb$tag" || return 1
	v=c$tag; cns=${!v}
	v=lb$tag; lbns=${!v}
	__ns_sysctls "$cns" || return 1
	__ns_sysctls "$lbns" forward || return 1
	ip link add c0 netns "$cns" type veth peer name l0 netns "$lbns" || return 1
	# br0 gets a fixed MAC: a bridge otherwise takes its lowest port's,
	# which changes as backends join, and a backend whose neighbour entry
	# names an earlier one is then not heard over IPv6 (the frame reaches
	# br0 as PACKET_OTHERHOST; ARP repairs itself for IPv4, NDP need not).
	ip -n "$lbns" -batch - <<-EOF || return 1
		link add br0 address 02:00:00:00:00:fe type bridge mcast_snooping 0
		link set br0 up
		link set l0 up
		addr add 192.0.2.254/24 dev l0
		addr add 2001:db8:1::fe/64 dev l0 nodad
		addr add $LB4/24 dev br0
		addr add $LB6/64 dev br0 nodad
	EOF
	ip -n "$cns" -batch - <<-EOF || return 1
		link set c0 up
		addr add 192.0.2.1/24 dev c0
		addr add 2001:db8:1::1/64 dev c0 nodad
		route add default via 192.0.2.254
		route add default via 2001:db8:1::fe
	EOF
	# Every backend's server starts before any is waited for: under TCG a
	# server takes a while to start, time the next backend's setup uses.
	for i in $(seq "$n"); do
		__backend_start "$i" "${tag#_}" || return 1
	done
	for i in $(seq "$n"); do
		__backend_wait "$i" "${tag#_}" || return 1
	done
}

# lb_backend_add I [TAG]: one more backend, bI, in the topology TAG; waits
# until its server answers.
lb_backend_add() {
	__backend_start "$@" && __backend_wait "$@"
}

# __backend_start I [TAG]: bI's namespace, link and addresses; its server
# started.
__backend_start() {
	local i=$1 tag=${2:+_$2} v ns lbns gw4=$LB4 gw6=$LB6
	v=__topo_route$tag
	[ "${!v}" = 1 ] || { gw4=198.51.100.253; gw6=2001:db8:2::fd; }
	ns_create "b$i$tag" || return 1
	v=b$i$tag; ns=${!v}
	v=lb$tag; lbns=${!v}
	__ns_sysctls "$ns" || return 1
	ip link add eth0 netns "$ns" type veth peer name "b$i" netns "$lbns" || return 1
	ip -n "$lbns" link set "b$i" master br0 up || return 1
	ip -n "$ns" -batch - <<-EOF || return 1
		link set eth0 up
		addr add $(be_addr 4 "$i")/24 dev eth0
		addr add $(be_addr 6 "$i")/64 dev eth0 nodad
		route add default via $gw4
		route add default via $gw6
	EOF
	__backend_server "$i" "${2:-}"
}

# __backend_server I [TAG]: start bI's server (its pid in __server_bI[_TAG]).
__backend_server() {
	local i=$1 tag=${2:+_$2} v args=()
	v=__topo_peer$tag
	[ "${!v}" = 1 ] && args+=(--show-peer)
	v=b$i$tag
	[ ! -e "$TMPD/b$i$tag.ready" ] || rm -f "$TMPD/b$i$tag.ready"
	bg_run "${!v}" "$TMPD/b$i$tag.log" nflb-server "${args[@]}" -r "$TMPD/b$i$tag.ready" "b$i"
	printf -v "__server_b$i$tag" %s "$BG_PID"
}

# lb_server_stop I [TAG]: stop backend bI's server (its connections end).
# lb_server_start I [TAG]: start it again, wait until it listens.
lb_server_stop() {
	local v=__server_b$1${2:+_$2}
	bg_stop "${!v}"
}
lb_server_start() {
	__backend_server "$@"
	wait_for 10 test -e "$TMPD/b$1${2:+_$2}.ready"
}

# __backend_wait I [TAG]: wait until bI's server is up and answers (through
# lb when the backend routes back to it, else from lb itself).
__backend_wait() {
	local i=$1 tag=${2:+_$2} v from
	if ! wait_for 10 test -e "$TMPD/b$i$tag.ready"; then
		echo "server b$i$tag did not start:" >&2
		cat "$TMPD/b$i$tag.log" >&2
		return 1
	fi
	v=__topo_route$tag
	if [ "${!v}" = 1 ]; then v=c$tag; else v=lb$tag; fi
	from=${!v}
	wait_for 10 __answers "$from" "$(be_addr 4 "$i")" "b$i" &&
		wait_for 10 __answers "$from" "$(be_addr 6 "$i")" "b$i" ||
		{ echo "backend b$i$tag unreachable" >&2; return 1; }
}

# __answers NS ADDR NAME: one TCP flow to ADDR:80 answered by NAME (its
# output matched by bash, not grep: a program fewer to start).
__answers() {
	local out
	out=$(ip netns exec "$1" nflb-client -t 1000 "$2" 80)
	[[ $'\n'$out == *$'\n'"$3 "* ]]
}

# lb_client_addrs N [TAG]: the client gets N addresses per family:
# 192.0.2.1..N and 2001:db8:1::1..N.
lb_client_addrs() {
	local n=$1 tag=${2:+_$2} v i
	v=c$tag
	for i in $(seq 2 "$n"); do
		echo "addr add 192.0.2.$i/24 dev c0"
		echo "addr add 2001:db8:1::$i/64 dev c0 nodad"
	done | ip -n "${!v}" -batch -
}

# lbadm_in NS ARGS...: lbadm in the netns NS.
lbadm_in() {
	local ns=$1
	shift
	ip netns exec "$ns" lbadm "$@"
}

# lb_service NS PROTO 4|6 N [SERVICE OPTIONS...]: add the service
# PROTO VIP:80 with backends b1..bN (port 80, weight 1).
lb_service() {
	local ns=$1 proto=$2 fam=$3 n=$4 i
	shift 4
	lbadm_in "$ns" service add "$proto" "$(vip "$fam")" "$@" || return 1
	for i in $(seq "$n"); do
		lbadm_in "$ns" backend add "$proto" "$(vip "$fam")" "$(be "$fam" "$i")" || return 1
	done
}

# Requests that must fail, in the load balancer's netns $lb:
# rejects_mark: save `lbadm service show` in $TMPD/before.
# rejects [-i] PATTERN ARGS...: `lbadm ARGS` fails: exit status 1, one line
# on stderr that starts with "lbadm: " and matches PATTERN (an extended
# regex; with -i, in any case); and `lbadm service show` is as rejects_mark
# saved it.  Matched by bash, not grep or cmp: every program started costs
# a noticeable time under TCG, and tests run this many times.
rejects_mark() { lbadm_in "$lb" service show > "$TMPD/before"; }
rejects() {
	local icase=0 pat err rc before after
	[ "$1" = -i ] && { icase=1; shift; }
	pat=$1
	shift
	err=$(lbadm_in "$lb" "$@" 2>&1 > /dev/null)
	rc=$?
	echo "lbadm $*: exit $rc: $err"
	[ "$rc" = 1 ] || { echo "exit status $rc, want 1"; return 1; }
	[[ $err == "lbadm: "* ]] || { echo "the message does not start with 'lbadm: '"; return 1; }
	[[ $err != *$'\n'* ]] || { echo "not one line"; return 1; }
	[ "$icase" = 1 ] && shopt -s nocasematch
	[[ $err =~ $pat ]]
	rc=$?
	shopt -u nocasematch
	[ "$rc" = 0 ] || { echo "the message does not say /$pat/"; return 1; }
	IFS= read -r -d '' before < "$TMPD/before"
	lbadm_in "$lb" service show > "$TMPD/after" || return 1
	IFS= read -r -d '' after < "$TMPD/after"
	[ "$after" = "$before" ] || { echo "service show changed:"; cat "$TMPD/after"; return 1; }
}

# nflb-client's output, in a file (pure bash: spawning is slow under TCG).
# __tally FILE [ANSWER]: sets __names (distinct answers), __answered (flows
# answered, whatever the answer) and __count (flows answered ANSWER).
__tally() {
	local line
	__names=0 __answered=0 __count=0
	while IFS= read -r line; do
		case "$line" in
		"flow "*|failed*|lost:*|"rounds "*) continue ;;
		esac
		__names=$((__names + 1))
		__answered=$((__answered + ${line##* }))
		[ "${line% *}" = "${2-}" ] && __count=${line##* }
	done < "$1"
}
# count FILE ANSWER: flows answered ANSWER (0 if none).
count() { __tally "$1" "$2"; echo "$__count"; }
# answered FILE: flows answered, whatever the answer.
answered() { __tally "$1"; echo "$__answered"; }
# names FILE: how many distinct answers nflb-client counted.
names() { __tally "$1"; echo "$__names"; }
# stat_of FILE KEY: the number after KEY ("failed", "failed:refused",
# "lost:b1", "rounds"), 0 if absent.
stat_of() {
	local k v
	while read -r k v; do
		[ "$k" = "$2" ] && { echo "$v"; return; }
	done < "$1"
	echo 0
}

# all_answered FILE N: nflb-client answered all N flows, none failed.
all_answered() {
	local a f
	a=$(answered "$1") f=$(stat_of "$1" failed)
	[ "$a" = "$2" ] && [ "$f" = 0 ] && return 0
	echo "answered $a of $2, failed $f:"
	grep -v '^flow ' "$1"
	return 1
}

# between V LO HI: LO <= V <= HI, saying so on failure.
between() {
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ] && return 0
	echo "$1 not within [$2, $3]"
	return 1
}

# `lbadm service show PROTO VIP:PORT` output, in a file:
# svc_key FILE KEY: the value after KEY on the service's line.
# be_key FILE BACKEND KEY: the value after KEY on BACKEND's line.
svc_key() {
	local w=() i
	read -r -a w < "$1"
	for ((i = 2; i < ${#w[@]} - 1; i++)); do
		[ "${w[i]}" = "$2" ] && { echo "${w[i + 1]}"; return; }
	done
}
be_key() {
	local w=() i
	while read -r -a w; do
		[ "${w[0]:-}" = backend ] && [ "${w[1]:-}" = "$2" ] || continue
		for ((i = 2; i < ${#w[@]} - 1; i++)); do
			[ "${w[i]}" = "$3" ] && { echo "${w[i + 1]}"; return; }
		done
	done < "$1"
}

# ct_flows NS PROTO 4|6 [VIP]: the load balancer's conntrack entries whose
# original destination is the VIP, one a line:
#   ORIG_SRC ORIG_SPORT REPLY_SRC REPLY_SPORT REPLY_DST STATE
# (REPLY_SRC is the backend the flow was sent to, REPLY_DST the address the
# backend answers to; STATE is "-" for UDP.)
ct_flows() {
	local fam=ipv4 vip=${4:-$VIP4}
	[ "$3" = 6 ] && { fam=ipv6; vip=${4:-$VIP6}; }
	ip netns exec "$1" conntrack -L -p "$2" -f "$fam" --orig-dst "$vip" 2>/dev/null |
		awk '{ ns = 0; np = 0; st = "-"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[A-Z_]+$/ && st == "-" && ns == 0) st = $i
				if ($i ~ /^src=/) src[++ns] = substr($i, 5)
				if ($i ~ /^dst=/) dst[ns] = substr($i, 5)
				if ($i ~ /^sport=/) sp[++np] = substr($i, 7)
			}
			print src[1], sp[1], src[2], sp[2], dst[2], st }'
}

# ct_match NS PROTO 4|6 FILE [REPLY_DST]: every flow of nflb-client's -v
# output in FILE has a conntrack entry on the load balancer NS, from the
# same source address and port to the VIP, translated to the backend that
# answered it (reply from BACKEND:80 to REPLY_DST, by default the client's
# address).  Entries of other flows are ignored.
ct_match() {
	local ns=$1 proto=$2 fam=$3 out=$4 rdst=${5:-}
	ct_flows "$ns" "$proto" "$fam" > "$out.ct"
	awk -v rdst="$rdst" '
		FNR == NR { ct[$2] = $0; os[$2] = $1; be[$2] = $3; rp[$2] = $4; rd[$2] = $5; n++; next }
		$1 != "flow" { next }
		{
			flows++
			name = be[$4]
			sub(/^198\.51\.100\./, "b", name); sub(/^2001:db8:2::/, "b", name)
			want = rdst == "" ? $3 : rdst
			if (!($4 in ct)) { bad++; if (bad <= 5) print "flow from port " $4 " (" $5 "): no conntrack entry"; next }
			if (os[$4] != $3 || name != $5 || rp[$4] != 80 || rd[$4] != want) {
				bad++
				if (bad <= 5) print "flow from port " $4 " answered by " $5 ": conntrack has " ct[$4]
			}
		}
		END {
			print flows " flows, " n " conntrack entries to the VIP, " bad + 0 " wrong"
			exit bad > 0 || !flows
		}' "$out.ct" "$out"
}

# ct_keep_finished NS: conntrack in NS keeps finished flows 10 minutes
# (TCP TIME_WAIT, by default 120 s; answered or unanswered UDP, 30 s), for
# tests that read the entries of one-shot flows after sending them all:
# sending takes a while on a loaded machine.
ct_keep_finished() {
	ip netns exec "$1" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=600 \
		net.netfilter.nf_conntrack_udp_timeout=600
}

# vip_flows OUT N [PORT]: N new TCP flows from the client to VIP4:PORT (80);
# nflb-client's output in OUT, shown; all answered.
vip_flows() {
	ip netns exec "$c" nflb-client -n "$2" "$VIP4" "${3:-80}" > "$1"
	cat "$1"
	all_answered "$1" "$2"
}

# ---------------------------------------------------------------------------
# Long-lived connections: nflb-client -L in the background, known by a NAME
# (a word).  Its files, $TMPD/NAME.*:
#   .ready  once every connection answered: "flow I SRC SPORT ANSWER" for
#           each, then the counts (count, stat_of and long_answer read it)
#   .st     "rounds N", then the counts so far as .out has them at the
#           end, rewritten after each round (wait_rounds, stat_of)
#   .out    its output once ended: the connections alive per answer,
#           "lost:ANSWER N", "failed N", "rounds N"
#   .stop   made by long_stop: the client ends
# long_stop, long_pause and long_resume must run in the shell that ran
# long_start: the test's own, or setup's (the same), or one check's command
# (a subshell: start and stop it there).

declare -A __long_pid __long_rc

# long_start NAME NS [OPTION...] ADDR PORT: start nflb-client -L -i 100
# -t 5000 and then the OPTIONs (-u, -n N, -i MS, -b B...) in the netns NS,
# and wait (60 s at most) until every connection has answered once.  Shows
# the ready file's counts; fails, showing the client's output instead, if
# it did not get there or a connection failed.
long_start() {
	local name=$1 ns=$2 f=$TMPD/$1 l
	shift 2
	rm -f "$f.ready" "$f.st" "$f.stop"
	bg_run "$ns" "$f.out" nflb-client -L -i 100 -t 5000 \
		-f "$f.stop" -r "$f.ready" -S "$f.st" "$@"
	__long_pid[$name]=$BG_PID
	if ! wait_for 60 __long_settled "$name" || [ ! -e "$f.ready" ]; then
		echo "$name: not every connection answered:"
		cat "$f.out"
		return 1
	fi
	while IFS= read -r l; do
		[[ $l == "flow "* ]] || echo "$name: $l"
	done < "$f.ready"
	[ "$(stat_of "$f.ready" failed)" = 0 ]
}
# Ready, or ended without.
__long_settled() { [ -e "$TMPD/$1.ready" ] || ! kill -0 "${__long_pid[$1]}"; }

# long_stop NAME...: end each (its stop file), then wait for each; fails if
# any exited with an error.
long_stop() {
	local name rc=0
	for name in "$@"; do
		: > "$TMPD/$name.stop"
	done
	for name in "$@"; do
		bg_wait "${__long_pid[$name]}"
		__long_rc[$name]=$?
		[ "${__long_rc[$name]}" = 0 ] || rc=1
	done
	return $rc
}

# long_ok NAME...: after long_stop, shows each one's exit status and
# output; fails if any exited with an error.
long_ok() {
	local name rc=0
	for name in "$@"; do
		echo "$name: exit ${__long_rc[$name]-?}"
		cat "$TMPD/$name.out"
		[ "${__long_rc[$name]-}" = 0 ] || rc=1
	done
	return $rc
}

# long_answer NAME [I]: what connection I (1) answered first.
long_answer() {
	local w i a
	while read -r w i _ _ a; do
		[ "$w $i" = "flow ${2:-1}" ] && { echo "$a"; return; }
	done < "$TMPD/$1.ready"
}

# wait_rounds FILE K: wait until a long-lived nflb-client (-S FILE) has
# completed K more rounds than now.
__rounds() {
	local k v=0
	[ -r "$1" ] && read -r k v < "$1"
	echo "${v:-0}"
}
__rounds_reach() { [ "$(__rounds "$1")" -ge "$2" ]; }
wait_rounds() {
	local target=$(( $(__rounds "$1") + $2 ))
	wait_for 30 __rounds_reach "$1" "$target" ||
		{ echo "rounds stuck at $(__rounds "$1"), wanted $target"; return 1; }
}

# long_pause NAME, long_resume NAME: stop the client (SIGSTOP) and let it go
# on.  Paused, it sends nothing while its kernel still acknowledges what
# comes; once resumed it reads what came meanwhile.  (With -n above 1, a
# pause longer than -t may time out a connection whose answer came late.)
long_pause() { kill -STOP "${__long_pid[$1]}"; }
long_resume() { kill -CONT "${__long_pid[$1]}"; }

# tcp_acked NS...: in each netns, every established TCP socket has had all
# it sent acknowledged (ss's Send-Q is 0): nothing is in flight.
tcp_acked() {
	local ns out q
	for ns in "$@"; do
		out=$(ip netns exec "$ns" ss -Htn state established) || return 1
		while read -r _ q _; do
			[ -z "$q" ] || [ "$q" = 0 ] ||
				{ printf '%s: unacknowledged:\n%s\n' "$ns" "$out"; return 1; }
		done <<< "$out"
	done
}

# ---------------------------------------------------------------------------
# lbhealthd (hc_*.sh): the daemon in the load balancer's namespace, and the
# kernel's view of the backends it manages.

# hc_start NS CONF [ARGS...]: lbhealthd -f -c CONF -s $TMPD/hc.sock ARGS in
# NS; HC_PID is its pid.  Its log (stderr) goes to $TMPD/hc.log, each line
# prefixed with the time it was written, in ms since the epoch (now_ms):
# transitions are timed from there, not from this test's polling.
hc_start() {
	local ns=$1 conf=$2
	shift 2
	: > "$TMPD/hc.log"
	ip netns exec "$ns" lbhealthd -f -c "$conf" -s "$TMPD/hc.sock" "$@" \
		> >(__stamp > "$TMPD/hc.log") 2>&1 &
	HC_PID=$!
	__bg_pids+=("$HC_PID")
	HC_MARK=0
}
__stamp() {
	local l t
	while IFS= read -r l; do
		t=${EPOCHREALTIME/[.,]/}
		printf '%s %s\n' "$((t / 1000))" "$l"
	done
}

# hc_mark: hc_logged looks at the lines logged after this point only.
hc_mark() {
	local lines
	mapfile -t lines < "$TMPD/hc.log"
	HC_MARK=${#lines[@]}
}

# hc_logged TEXT: HC_N is how many lines logged since hc_mark hold TEXT,
# HC_AT the time of the first (ms since the epoch; 0 if none).
hc_logged() {
	local lines l i
	mapfile -t lines < "$TMPD/hc.log"
	HC_N=0 HC_AT=0
	for ((i = HC_MARK; i < ${#lines[@]}; i++)); do
		l=${lines[i]}
		[[ $l == *"$1"* ]] || continue
		[ "$HC_N" = 0 ] && HC_AT=${l%% *}
		HC_N=$((HC_N + 1))
	done
	[ "$HC_N" -gt 0 ]
}

# hc_wait_log SECONDS TEXT: wait until a line holding TEXT is logged (after
# hc_mark).
hc_wait_log() { wait_for "$1" hc_logged "$2"; }

# hc_status NS [ARGS...]: lbhealthd status through $TMPD/hc.sock.
hc_status() {
	local ns=$1
	shift
	ip netns exec "$ns" lbhealthd -s "$TMPD/hc.sock" status "$@"
}

# ks_load NS: every service of NS into the associative array KS:
# KS[PROTO VIP:PORT] is the service line; KS[PROTO VIP:PORT BACKEND] is
# "STATE WEIGHT".  The dump is kept in $TMPD/ks.
declare -A KS
ks_load() {
	local w=() svc='' i st wt
	KS=()
	lbadm_in "$1" service show > "$TMPD/ks" || return 1
	while read -r -a w; do
		[ ${#w[@]} -ge 2 ] || continue
		if [ "${w[0]}" = backend ]; then
			st='' wt=''
			for ((i = 2; i < ${#w[@]} - 1; i++)); do
				[ "${w[i]}" = state ] && st=${w[i + 1]}
				[ "${w[i]}" = weight ] && wt=${w[i + 1]}
			done
			KS["$svc ${w[1]}"]="$st $wt"
		else
			svc="${w[0]} ${w[1]}"
			KS["$svc"]="${w[*]}"
		fi
	done < "$TMPD/ks"
}

# ks_is COND: after ks_load, COND holds.  COND is "SVC|BACKEND|STATE[|WEIGHT]"
# (SVC as "tcp 203.0.113.10:80"; STATE up, down, drain, or absent: no such
# backend), or "SVC||absent" (no such service).
ks_is() {
	local svc be st wt got
	IFS='|' read -r svc be st wt <<< "$1"
	if [ -z "$be" ]; then
		[ "$st" = absent ] && [ -z "${KS[$svc]+x}" ]
		return
	fi
	if [ "$st" = absent ]; then
		[ -z "${KS[$svc $be]+x}" ]
		return
	fi
	got=${KS[$svc $be]-}
	[ "${got% *}" = "$st" ] && { [ -z "$wt" ] || [ "${got#* }" = "$wt" ]; }
}

# now_ms: milliseconds since the epoch (no program started).
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# flow_stat NS KEY: the value after KEY in NS's `lbadm flow stats` (the
# DSR flow table's totals: size, used, inserts, guard, full, too-big...).
flow_stat() {
	local w=() i
	read -r -a w < <(lbadm_in "$1" flow stats)
	for ((i = 0; i < ${#w[@]} - 1; i++)); do
		[ "${w[i]}" = "$2" ] && { echo "${w[i + 1]}"; return; }
	done
}

# ks_wait NS T0 LIMIT COND...: poll the kernel (one service show a round)
# until every COND (see ks_is) holds, at most LIMIT seconds after T0 (a
# now_ms value).  KS_MS[I] is when COND I first held, in ms after T0 (-1:
# never).  Fails, saying which did not, if LIMIT passed first.
ks_wait() {
	local ns=$1 t0=$2 secs=$3 limit=$(($3 * 1000)) c i left t
	shift 3
	KS_MS=()
	for ((i = 0; i < $#; i++)); do KS_MS[i]=-1; done
	while :; do
		# A dump that services changed during fails ("try again"):
		# lbhealthd may be changing them; the next round retries.
		if ! ks_load "$ns"; then
			[ $(($(now_ms) - t0)) -lt "$limit" ] || return 1
			nap 0.1
			continue
		fi
		t=$(($(now_ms) - t0))
		left=0 i=0
		for c in "$@"; do
			if [ "${KS_MS[i]}" = -1 ]; then
				if ks_is "$c"; then KS_MS[i]=$t; else left=1; fi
			fi
			i=$((i + 1))
		done
		[ "$left" = 0 ] && return 0
		if [ "$t" -ge "$limit" ]; then
			i=0
			for c in "$@"; do
				[ "${KS_MS[i]}" = -1 ] && echo "not after ${secs}s: $c"
				i=$((i + 1))
			done
			cat "$TMPD/ks"
			return 1
		fi
		nap 0.1
	done
}

# within MS BOUND_MS: MS <= BOUND_MS, saying both.
within() {
	echo "took $1 ms (bound $2 ms)"
	[ "$1" -ge 0 ] && [ "$1" -le "$2" ]
}

# ---------------------------------------------------------------------------
# Direct server return (lb_dsr*.sh): the load balancer and the backends on
# one segment behind a router; replies go from the backends to the router,
# never through the load balancer.
#
#   c ==(c0|r0)== r ==(bridge br0 in r)== lb (eth0), bI (eth0), I = 1..N
#
# client c:   192.0.2.1/24, 2001:db8:1::1/64 on c0, default routes via r
# router r:   192.0.2.254/24, 2001:db8:1::fe/64 on r0; 198.51.100.253/24,
#             2001:db8:2::fd/64 on br0; the VIPs routed to lb; forwarding
# lb:         $LB4/24, $LB6/64 on eth0, default routes via r
# backend bI: 198.51.100.I/24, 2001:db8:2::I/64 on eth0, default routes via
#             r; both VIPs prepared for gre and ipip (nflb-dsr-backend);
#             nflb-server bI on TCP and UDP port 80 of the VIPs and its own
#             addresses (a UDP answer must come from the VIP)
# Every link has MTU 1500.

# dsr_topo [N]: build it with N backends (3), wait until the client
# reaches every backend's server over IPv4 and IPv6.
dsr_topo() {
	local n=${1:-3} i
	# nflb-dsr-backend's state, per test: a netns's inode number (its
	# key) is reused once the netns is gone.
	export NFLB_DSR_STATE=$TMPD/dsr-state
	ns_create c r lb || return 1
	__ns_sysctls "$c" && __ns_sysctls "$r" forward && __ns_sysctls "$lb" || return 1
	ip link add c0 netns "$c" type veth peer name r0 netns "$r" || return 1
	ip -n "$r" -batch - <<-EOF || return 1
		link add br0 address 02:00:00:00:00:fd type bridge mcast_snooping 0
		link set br0 up
		link set r0 up
		addr add 192.0.2.254/24 dev r0
		addr add 2001:db8:1::fe/64 dev r0 nodad
		addr add 198.51.100.253/24 dev br0
		addr add 2001:db8:2::fd/64 dev br0 nodad
		route add $VIP4/32 via $LB4
		route add $VIP6/128 via $LB6
	EOF
	ip -n "$c" -batch - <<-EOF || return 1
		link set c0 up
		addr add 192.0.2.1/24 dev c0
		addr add 2001:db8:1::1/64 dev c0 nodad
		route add default via 192.0.2.254
		route add default via 2001:db8:1::fe
	EOF
	__dsr_link "$lb" lb "$LB4" "$LB6" || return 1
	for i in $(seq "$n"); do
		dsr_backend_start "$i" || return 1
	done
	for i in $(seq "$n"); do
		dsr_backend_wait "$i" || return 1
	done
}

# __dsr_link NS NAME ADDR4 ADDR6: NS's eth0 on the router's br0 (as port
# NAME), with the addresses and default routes via the router.
__dsr_link() {
	ip link add eth0 netns "$1" type veth peer name "$2" netns "$r" || return 1
	ip -n "$r" link set "$2" master br0 up || return 1
	dsr_addr "$1" "$3" "$4"
}
# dsr_addr NS ADDR4 ADDR6: NS's eth0, whose peer is on the router's br0,
# up, addressed and routed through the router (lb_cluster's nodes too).
dsr_addr() {
	ip -n "$1" -batch - <<-EOF
		link set eth0 up
		addr add $2/24 dev eth0
		addr add $3/64 dev eth0 nodad
		route add default via 198.51.100.253
		route add default via 2001:db8:2::fd
	EOF
}

# dsr_backend_start I: backend bI, prepared, its server started.
# dsr_backend_wait I: wait until the client reaches its server.
dsr_backend_start() {
	local i=$1 ns v m
	ns_create "b$i" || return 1
	v=b$i; ns=${!v}
	__ns_sysctls "$ns" || return 1
	__dsr_link "$ns" "b$i" "$(be_addr 4 "$i")" "$(be_addr 6 "$i")" || return 1
	for v in "$VIP4" "$VIP6"; do
		for m in gre ipip; do
			ip netns exec "$ns" nflb-dsr-backend add "$v" "$m" || return 1
		done
	done
	rm -f "$TMPD/b$i.ready"
	bg_run "$ns" "$TMPD/b$i.log" nflb-server -l "$VIP4" -l "$VIP6" \
		-l "$(be_addr 4 "$i")" -l "$(be_addr 6 "$i")" -r "$TMPD/b$i.ready" "b$i"
}
dsr_backend_wait() {
	local i=$1
	if ! wait_for 10 test -e "$TMPD/b$i.ready"; then
		echo "server b$i did not start:" >&2
		cat "$TMPD/b$i.log" >&2
		return 1
	fi
	wait_for 10 __answers "$c" "$(be_addr 4 "$i")" "b$i" &&
		wait_for 10 __answers "$c" "$(be_addr 6 "$i")" "b$i" ||
		{ echo "backend b$i unreachable" >&2; return 1; }
}

# dsr_count_mark: count, in lb, packets to and from the VIPs (dsr_counts
# prints "to N from M").  Anonymous counters: the test kernel has no
# named nft objects.
dsr_count_mark() {
	ip netns exec "$lb" nft -f - <<-EOF
		table inet dsrcount {
			chain pre {
				type filter hook prerouting priority -300;
				ip daddr $VIP4 counter comment "to"
				ip6 daddr $VIP6 counter comment "to"
				ip saddr $VIP4 counter comment "from"
				ip6 saddr $VIP6 counter comment "from"
			}
		}
	EOF
}
dsr_counts() {
	ip netns exec "$lb" nft list chain inet dsrcount pre |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n = $(i + 1)
			if ($0 ~ /comment "to"/) to += n; else from += n }
			END { print "to", to + 0, "from", from + 0 }'
}

# ---------------------------------------------------------------------------
# SYN floods (lb_synproxy.sh, lb_synflood.sh): nflb-synflood from the
# client's netns, sources 198.18.0.0/15 and 2001:db8:f100::/40.

# flood_topo: lb_topo; lb routes the flood sources back to the client's
# side (where nobody has them: the SYN/ACKs die there), has the VIPs as
# local routes (the synproxy's SYN to a backend is routed to the VIP
# before nflb's DNAT); every backend counts the SYNs it receives, from
# flood sources (nft counters flood4, flood6) and in all (syn).
flood_topo() {
	local i v
	lb_topo || return 1
	ip -n "$lb" -batch - <<-EOF2 || return 1
		route add 198.18.0.0/15 via 192.0.2.1
		route add 2001:db8:f100::/40 via 2001:db8:1::1
		route add local $VIP4/32 dev lo
		route add local $VIP6/128 dev lo
	EOF2
	for i in $(seq 3); do
		v=b$i
		ip netns exec "${!v}" nft -f - <<-EOF2 || return 1
			table inet cnt {
				chain in {
					type filter hook input priority 0;
					tcp flags & (syn | ack) == syn counter comment "syn"
					ip saddr 198.18.0.0/15 tcp flags & (syn | ack) == syn counter comment "flood4"
					ip6 saddr 2001:db8:f100::/40 tcp flags & (syn | ack) == syn counter comment "flood6"
				}
			}
		EOF2
	done
}

# be_syns NAME: the sum over b1..b3 of their counter NAME (syn, flood4 or
# flood6; packets), since be_syns_zero.  (Anonymous counters: the test
# kernel has no nft_objref.)  One nft per backend reads the three: every
# program started costs a noticeable time under TCG.
__be_syns_raw() {	# "SYN FLOOD4 FLOOD6", the counters' sums now
	local i v
	for i in 1 2 3; do
		v=b$i
		ip netns exec "${!v}" nft list chain inet cnt in || return 1
	done | awk '/ counter packets .* comment "/ {
			for (i = 1; i < NF; i++) if ($i == "packets") n = $(i + 1)
			c = $NF; gsub(/"/, "", c); s[c] += n }
		END { print s["syn"] + 0, s["flood4"] + 0, s["flood6"] + 0 }'
}
# __be_syns_since: "SYN FLOOD4 FLOOD6" since be_syns_zero.
__be_syns_since() {
	local z=(0 0 0) n
	[ -r "$TMPD/be_syns.zero" ] && read -r -a z < "$TMPD/be_syns.zero"
	read -r -a n < <(__be_syns_raw)
	echo $((n[0] - z[0])) $((n[1] - z[1])) $((n[2] - z[2]))
}
be_syns() {
	local w
	read -r -a w < <(__be_syns_since)
	case "$1" in
	syn) echo "${w[0]}" ;;
	flood4) echo "${w[1]}" ;;
	flood6) echo "${w[2]}" ;;
	esac
}
be_syns_zero() {
	local w
	read -r -a w < <(__be_syns_raw)
	[ ${#w[@]} = 3 ] || return 1
	echo "${w[@]}" > "$TMPD/be_syns.zero"
}

# flood_round TAG 4|6 N: 4 long-lived connections to VIP:80 (established
# before), a flood at VIP:80 for as long as N new connections take (started
# one second before them, stopped when they are done: at most 90 s), then 5
# more rounds of the long-lived ones.  Leaves in $TMPD: TAG.flood
# (nflb-synflood's output), TAG.legit (nflb-client's), TAG.ct (conntrack
# entries on lb when the N were done), TAG.bflood4 and TAG.bflood6 (flood
# SYNs at the backends), TAG.rounds_before and TAG.rounds_during.
flood_round() {
	local tag=$1 fam=$2 legit=$3 fpid ct n f4 f6 t0=$SECONDS
	be_syns_zero || return 1
	long_start "$tag" "$c" -n 4 "$(vip_addr "$fam")" 80 || return 1
	__rounds "$TMPD/$tag.st" > "$TMPD/$tag.rounds_before"
	bg_run "$c" "$TMPD/$tag.flood" nflb-synflood -n 100000000 -d 90 "$(vip_addr "$fam")" 80
	fpid=$BG_PID
	nap 1
	ip netns exec "$c" nflb-client -n "$legit" -c 50 -t 10000 "$(vip_addr "$fam")" 80 > "$TMPD/$tag.legit"
	n=$(__rounds "$TMPD/$tag.st")
	ct=$(ip netns exec "$lb" conntrack -C)
	kill -0 "$fpid" 2>/dev/null || echo "the flood ended before the legitimate clients did"
	bg_stop "$fpid"
	echo "$n" > "$TMPD/$tag.rounds_during"
	wait_rounds "$TMPD/$tag.st" 5 || return 1
	long_stop "$tag"
	echo "$ct" > "$TMPD/$tag.ct"
	read -r _ f4 f6 < <(__be_syns_since)
	echo "$f4" > "$TMPD/$tag.bflood4"
	echo "$f6" > "$TMPD/$tag.bflood6"
	cat "$TMPD/$tag.flood"
	echo "legitimate: answered $(answered "$TMPD/$tag.legit") of $legit, failed $(stat_of "$TMPD/$tag.legit" failed)"
	echo "long-lived rounds during the flood: $((n - $(cat "$TMPD/$tag.rounds_before")))"
	echo "conntrack entries on lb at the end of the legitimate run: $ct"
	echo "flood SYNs at the backends: IPv4 $(cat "$TMPD/$tag.bflood4"), IPv6 $(cat "$TMPD/$tag.bflood6")"
	echo "round took $((SECONDS - t0)) s"
}

# legit_ok TAG N: at least 99% of the N new connections answered.
legit_ok() {
	local a
	a=$(answered "$TMPD/$1.legit")
	grep -v '^flow ' "$TMPD/$1.legit"
	[ "$a" -ge $(($2 * 99 / 100)) ] || { echo "answered $a of $2"; return 1; }
}

# flood_sent TAG MIN: the flood sent at least MIN SYNs.
flood_sent() {
	local s
	s=$(stat_of "$TMPD/$1.flood" sent)
	[ "$s" -ge "$2" ] || { echo "the flood sent $s SYNs, fewer than $2"; return 1; }
}

# flood_held TAG: the long-lived connections went on during the flood (3
# rounds at least) and all lived to the end, none lost.
flood_held() {
	local r=$(( $(cat "$TMPD/$1.rounds_during") - $(cat "$TMPD/$1.rounds_before") ))
	echo "rounds during the flood: $r"
	[ "$r" -ge 3 ] || return 1
	long_ok "$1" > "$TMPD/$1.long" || { cat "$TMPD/$1.long"; return 1; }
	[ "$(stat_of "$TMPD/$1.out" failed)" = 0 ] && ! grep -q '^lost:' "$TMPD/$1.out"
}
