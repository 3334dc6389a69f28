#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An HA pair with real keepalived (VRRP) and conntrackd (FTFW), configured
# from userspace/ha/ (only file paths and VRRP's timer changed: version 3,
# adverts every 0.5 s) and ordered by its notify script, nflb-ha-notify:
#
#   c ==(bridge brc: 192.0.2.0/24, floating .254)== n1, n2
#   n1, n2 ==(bridge brb: 198.51.100.0/24, floating .254, .100)== b1..b5
#   n1 ==(eth2: 10.9.9.0/30, conntrackd)== n2
#
# Both nodes hold the same services: tcp and udp 203.0.113.10:80 on b1..b3
# (NAT mode, the backends route through .254), tcp 203.0.113.20:80 on b5
# one-arm with snat 198.51.100.100 (b5 has no route but its segment).
# 300 new flows spread; 20 TCP connections, a UDP session and 4 one-arm
# connections held through n1 are in n2's conntrackd; b4 joins; n1 dies
# (links cut, daemons killed): every connection goes on through n2 on its
# backend (b4 took over some table slots: only the sync keeps those), with
# the service's timeout; n1 comes back (rebooted: empty table) and takes
# over again, and again nothing is lost.  Then keepalived alone: 20 NAT
# connections survive a failover (links cut) and a failback, the old
# master's stale entries removed by the notify script; and one whose
# backend's retransmission reaches the master before the client's
# (made to happen) survives through the notify script's pickup guard.
# Times from the failure to the first full round of answers are
# reported, not asserted.  Runs on the stock kernel in make check; on the
# debug kernel by name.
# timeout=900
. "$(dirname "$0")/lib.sh"
require_root
require_cmd keepalived conntrackd conntrack nft flock
require_nflb

ktap_plan 35

HA=$NFLB_TOP/userspace/ha
VIP=203.0.113.10
ARM=203.0.113.20
SNAT=198.51.100.100

# ha_topo: the namespaces, then each one's links and addresses in one
# `ip -batch` (under TCG every program started costs; one at a time this
# setup took half a minute on a loaded host).
ha_topo() {
	local i n
	__topo_peer=1
	ns_create sw c n1 n2 b1 b2 b3 b4 b5 || return 1
	for i in 1 2; do
		n=n$i
		__ns_sysctls "${!n}" forward || return 1
		mkdir -p "$TMPD/$n" || return 1
	done
	for i in 1 2 3 4 5; do
		n=b$i
		__ns_sysctls "${!n}" || return 1
	done
	{
		echo "link add brc type bridge mcast_snooping 0"
		echo "link add brb type bridge mcast_snooping 0"
		echo "link set brc up"
		echo "link set brb up"
		echo "link add c type veth peer name c0 netns $c"
		echo "link set c master brc up"
		for i in 1 2; do
			n=n$i
			echo "link add ${n}c type veth peer name eth0 netns ${!n}"
			echo "link add ${n}b type veth peer name eth1 netns ${!n}"
			echo "link set ${n}c master brc up"
			echo "link set ${n}b master brb up"
		done
		for i in 1 2 3 4 5; do
			n=b$i
			echo "link add b$i type veth peer name eth0 netns ${!n}"
			echo "link set b$i master brb up"
		done
	} | ip -n "$sw" -batch - || return 1
	ip -n "$c" -batch - <<-EOF || return 1
		link set c0 up
		addr add 192.0.2.1/24 dev c0
		route add default via 192.0.2.254
	EOF
	# Nodes: client side .2, .3; backend side .252, .253; the sync link.
	ip -n "$n1" -batch - <<-EOF || return 1
		link set eth0 up
		link set eth1 up
		addr add 192.0.2.2/24 dev eth0
		addr add 198.51.100.252/24 dev eth1
		link add eth2 type veth peer name eth2 netns $n2
		link set eth2 up
		addr add 10.9.9.1/30 dev eth2
	EOF
	ip -n "$n2" -batch - <<-EOF || return 1
		link set eth0 up
		link set eth1 up
		addr add 192.0.2.3/24 dev eth0
		addr add 198.51.100.253/24 dev eth1
		link set eth2 up
		addr add 10.9.9.2/30 dev eth2
	EOF
	# Backends b1..b4 route through .254; b5 has no route but its segment.
	for i in 1 2 3 4 5; do
		n=b$i
		{
			echo "link set eth0 up"
			echo "addr add 198.51.100.$i/24 dev eth0"
			[ "$i" = 5 ] || echo "route add default via 198.51.100.254"
		} | ip -n "${!n}" -batch - || return 1
		__backend_server "$i"
	done
	for i in 1 2 3 4 5; do
		wait_for 20 test -e "$TMPD/b$i.ready" ||
			{ echo "server b$i did not start"; cat "$TMPD/b$i.log"; return 1; }
	done
}
setup "topology: client and backend bridges, nodes n1 and n2, sync link, b1..b5" ha_topo

# The same services on both nodes, from one file.
{
	echo "service add tcp $VIP:80 timeout-tcp 600"
	for i in 1 2 3; do echo "backend add tcp $VIP:80 198.51.100.$i"; done
	echo "service add udp $VIP:80"
	for i in 1 2 3; do echo "backend add udp $VIP:80 198.51.100.$i"; done
	echo "service add tcp $ARM:80 snat $SNAT"
	echo "backend add tcp $ARM:80 198.51.100.5"
} > "$TMPD/services"
restore_both() {
	lbadm_in "$n1" restore "$TMPD/services" && lbadm_in "$n2" restore "$TMPD/services"
}
check "services restored on n1 and n2 from one file" restore_both

# VRRP in the test: version 3, an advert every ADVERT s (the shipped files:
# version 2, 1 s).  The backup declares the master dead after 3 adverts
# and its skew, 3.6 s for node b.  0.5 s (1.8 s) was tried: in one make
# check of four, 2 held TCP connections were reset at the failback (case
# 19, "failed:reset 2"), not understood yet; back to the 1 s the test ran
# reliably with.  keepalived runs at nice -10, so the test's own programs
# do not delay its adverts.
ADVERT=1

# ha_conf I a|b MODE: the shipped configurations of node a or b for nI,
# with this test's paths and VRRP timer; MODE -c (with conntrackd) or -n
# (without).
ha_conf() {
	local d=$TMPD/n$1 x=$2 mode=$3
	sed -e "s|/var/log/conntrackd.log|$d/conntrackd.log|" \
		-e "s|/var/lock/conntrackd.lock|$d/conntrackd.lock|" \
		-e "s|/var/run/conntrackd.ctl|$d/conntrackd.ctl|" \
		"$HA/conntrackd-$x.conf" > "$d/conntrackd.conf" || return 1
	[ "$mode" = -n ] || mode="-c $d/conntrackd.conf"
	sed -e "s|\"/usr/local/sbin/nflb-ha-notify -c /etc/conntrackd/conntrackd.conf -s $SNAT\"|\"$HA/nflb-ha-notify $mode -s $SNAT -l $d/notify.log -L $d/notify.lock\"|" \
		-e "s|^\tadvert_int 1\$|\tadvert_int $ADVERT|" \
		-e "s|^\trouter_id lb-$x\$|&\n\tvrrp_version 3|" \
		"$HA/keepalived-$x.conf" > "$d/keepalived.conf" || return 1
	grep -q "nflb-ha-notify $mode -s $SNAT -l" "$d/keepalived.conf" &&
		[ "$(grep -c "^.advert_int $ADVERT\$" "$d/keepalived.conf")" = 2 ] &&
		grep -q "^.vrrp_version 3\$" "$d/keepalived.conf"
}

# ha_ctd I: start nI's conntrackd; ha_ka I: its keepalived (VRRP only).
declare -A ctd_pid ka_pid
ha_ctd() {
	local d=$TMPD/n$1 v=n$1
	rm -f "$d/conntrackd.lock" "$d/conntrackd.ctl"
	bg_run "${!v}" "$d/conntrackd.out" conntrackd -C "$d/conntrackd.conf"
	ctd_pid[$1]=$BG_PID
	wait_for 20 test -S "$d/conntrackd.ctl"
}
ha_ka() {
	local d=$TMPD/n$1 v=n$1
	bg_run "${!v}" "$d/keepalived.out" nice -n -10 keepalived -n -l -D -P \
		-f "$d/keepalived.conf" -p "$d/keepalived.pid" -r "$d/vrrp.pid"
	ka_pid[$1]=$BG_PID
}
# ha_wait SECONDS COMMAND...: wait_for with half a second between tries,
# for conditions that start programs (ip, nft, conntrackd): polled every
# 0.1 s they kept a guest CPU busy, which the notify script and the
# daemons being waited for needed.
ha_wait() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		nap 0.5
	done
}

# ha_master I: nI holds the floating addresses and forwards.
ha_master() {
	local v=n$1
	ip -n "${!v}" -4 addr show dev eth1 | grep -q " $SNAT/32" &&
		ip -n "${!v}" -4 addr show dev eth0 | grep -q " 192.0.2.254/24" &&
		! ip netns exec "${!v}" nft list table inet nflb_ha > /dev/null 2>&1
}
# ha_backup I: nI holds no floating address and forwards nothing.
ha_backup() {
	local v=n$1
	! ip -n "${!v}" -4 addr show | grep -q " 192.0.2.254/" &&
		ip netns exec "${!v}" nft list table inet nflb_ha > /dev/null 2>&1
}
# ha_notify I STATE: run nI's notify script as keepalived would.
ha_notify() {
	local v=n$1 d=$TMPD/n$1 mode=-n
	grep -q -- "-c $d/conntrackd.conf" "$d/keepalived.conf" && mode="-c $d/conntrackd.conf"
	ip netns exec "${!v}" "$HA/nflb-ha-notify" $mode -s "$SNAT" -l "$d/notify.log" \
		-L "$d/notify.lock" GROUP NFLB "$2"
}
ha_log() {
	echo "n$1 notify log:"
	cat "$TMPD/n$1/notify.log" 2>/dev/null
}

start_pair() {
	ha_conf 1 a "$1" && ha_conf 2 b "$1" || return 1
	if [ "$1" != -n ]; then
		ha_ctd 1 && ha_ctd 2 || return 1
	fi
	# As before keepalived starts at boot: not forwarding (ExecStartPre).
	ha_notify 1 BACKUP && ha_notify 2 BACKUP || return 1
	ha_ka 1
	if ! ha_wait 60 ha_master 1; then
		ha_log 1
		cat "$TMPD/n1/keepalived.out"
		return 1
	fi
	ha_ka 2
	if ! ha_wait 60 ha_backup 2; then
		ha_log 2
		cat "$TMPD/n2/keepalived.out"
		return 1
	fi
	ha_log 1
	ha_log 2
}
setup "conntrackd on both, keepalived: n1 master, n2 backup holding" start_pair -c

# 1. New flows through n1 spread over the three backends.
spread() {
	local i n
	ip netns exec "$c" nflb-client -n 300 -b 20000 "$VIP" 80 > "$TMPD/spread"
	cat "$TMPD/spread"
	all_answered "$TMPD/spread" 300 || return 1
	for i in 1 2 3; do
		n=$(count "$TMPD/spread" "b$i 192.0.2.1")
		between "$n" 50 150 || return 1
	done
}
check "1. 300 new flows through n1, each of b1..b3 answers 50..150" spread

# 2. Held connections: 20 TCP, a UDP session (a datagram a second), 4
# one-arm.  An answer may take 60 s: TCP retransmits over a failover.
setup "2. 20 TCP connections held through n1" \
	long_start tcp "$c" -n 20 -b 30000 -i 1000 -t 60000 "$VIP" 80
setup "2. a UDP session held through n1" \
	long_start udp "$c" -u -n 1 -b 31000 -i 1000 -t 60000 "$VIP" 80
setup "5. 4 one-arm connections held through n1" \
	long_start arm "$c" -n 4 -b 32000 -i 1000 -t 60000 "$ARM" 80
arm_seen() { [ "$(count "$TMPD/arm.ready" "b5 $SNAT")" = 4 ]; }
check "5. b5 saw $SNAT as their source" arm_seen

# ext_count I PROTO DST N: nI's conntrackd holds N entries of PROTO to
# DST:80 in its external cache from the held clients' ports (30001..,
# 31001, 32001..; TCP: established ones).  The 300 flows of case 1 (from
# 20000..) are there too, closed, or still established when the sync of
# their end lags (seen under load).
ext_count() {
	local v=n$1 n st=
	[ "$2" = tcp ] && st=" ESTABLISHED"
	n=$(ip netns exec "${!v}" conntrackd -C "$TMPD/n$1/conntrackd.conf" -e ct 2>/dev/null |
		grep -c "^$2 .*$st src=.* dst=$3 sport=3[012]0[0-9][0-9] dport=80 ")
	[ "$n" = "$4" ]
}
synced() {
	ha_wait 60 ext_count "$1" tcp "$VIP" 20 &&
		ha_wait 30 ext_count "$1" udp "$VIP" 1 &&
		ha_wait 30 ext_count "$1" tcp "$ARM" 4 && return 0
	v=n$1
	ip netns exec "${!v}" conntrackd -C "$TMPD/n$1/conntrackd.conf" -e ct
	return 1
}
check "2. n2's conntrackd holds 20 TCP, 1 UDP and 4 one-arm entries" synced 2

# 4. b4 joins on both nodes: some held flows are no longer the table's
# choice; only the synced bindings keep them on their backends.
add_b4() {
	local n p
	for n in "$n1" "$n2"; do
		for p in tcp udp; do
			lbadm_in "$n" backend add "$p" "$VIP:80" 198.51.100.4 || return 1
		done
	done
}
check "4. b4 added to the tcp and udp services on n1 and n2" add_b4

# Rounds of the held clients now; all_moved NAME...: each did 2 more.
declare -A r0
mark_rounds() {
	local x
	for x in tcp udp arm; do
		r0[$x]=$(__rounds "$TMPD/$x.st")
	done
	t0=$(now_ms)
}
all_moved() {
	local x
	for x in "$@"; do
		[ "$(__rounds "$TMPD/$x.st")" -gt $((r0[$x] + 1)) ] || return 1
	done
}
# estab N: the client has N established TCP connections (a held client
# goes on with its other connections when one is reset).
estab() {
	local n
	n=$(ip netns exec "$c" ss -Htn state established | grep -c .)
	echo "$n TCP connections established on the client"
	[ "$n" = "$1" ]
}
# ctd_diag I: what nI's conntrackd logged last, and an entry of the held.
ctd_diag() {
	local v=n$1
	tail -n 5 "$TMPD/n$1/conntrackd.log" 2>/dev/null
	ip netns exec "${!v}" conntrack -L -p tcp --orig-dst "$VIP" --sport 30001 2>/dev/null
	ip netns exec "${!v}" conntrack -L -p tcp --orig-dst "$ARM" --sport 32001 2>/dev/null
}
# took NAME...: wait (120 s at most) until all_moved; the ms since t0.
took() {
	wait_for 120 all_moved "$@" || return 1
	echo "$(($(now_ms) - t0)) ms"
}

# 3. n1 dies without warning: links cut, daemons killed.
mark_rounds
ip -n "$n1" link set eth0 down
ip -n "$n1" link set eth1 down
ip -n "$n1" link set eth2 down
# (bash reports the killed jobs on stderr: not KTAP)
exec 4>&2 2> /dev/null
# Every process of n1's netns: keepalived, its VRRP child, conntrackd.
kill -KILL $(ip netns pids "$n1")
bg_wait "${ka_pid[1]}"
bg_wait "${ctd_pid[1]}"
exec 2>&4 4>&-
check "3. n1 killed: n2 takes over" ha_wait 60 ha_master 2
fo=$(took tcp udp arm)
check "3. every held client answered again through n2 (after ${fo:-no answer})" test -n "$fo"
diag "failover: n1 killed to a full round of answers through n2: ${fo:-none}"
check "3. the 20 + 4 TCP connections still established" estab 24
ha_log 2 | sed 's/^/# /'
ctd_diag 2 | sed 's/^/# /'
timed() {
	ip netns exec "$n2" conntrack -L -p tcp --orig-dst "$VIP" 2>/dev/null |
		awk '/ESTABLISHED.*dport=80 / { n++; if ($3 > 600) bad++ }
			END { print n + 0 " entries, " bad + 0 " above 600 s"; exit bad || n < 20 }'
}
check "3. n2's entries of the held TCP flows carry the service's 600 s" timed

# 6. n1 comes back as after a reboot (empty table, no address), resyncs,
# and takes over again.
reboot_n1() {
	ip netns exec "$n1" conntrack -F > /dev/null 2>&1
	ip -n "$n1" addr del 192.0.2.254/24 dev eth0 2>/dev/null
	ip -n "$n1" addr del 198.51.100.254/24 dev eth1 2>/dev/null
	ip -n "$n1" addr del "$SNAT/32" dev eth1 2>/dev/null
	ip -n "$n1" link set eth0 up && ip -n "$n1" link set eth1 up &&
		ip -n "$n1" link set eth2 up || return 1
	ha_ctd 1 || return 1
	# Its startup resync fills the external cache before VRRP starts.
	synced 1
}
setup "6. n1 back with an empty table; its conntrackd resynced all 25 from n2" reboot_n1
mark_rounds
ha_ka 1
back() { ha_wait 60 ha_master 1 && ha_wait 60 ha_backup 2; }
check "6. n1 takes over again, n2 holds" back
fb=$(took tcp udp arm)
check "6. every held client answered again through n1 (after ${fb:-no answer})" test -n "$fb"
diag "failback: n1's keepalived started to a full round through n1: ${fb:-none}"
check "6. the 20 + 4 TCP connections still established" estab 24
ha_log 1 | sed 's/^/# /'
ctd_diag 1 | sed 's/^/# /'

# held_ok NAME N: N connections alive, none failed or lost (a connection
# whose answer changed, another backend, fails).
held_ok() {
	long_ok "$1" || return 1
	[ "$(stat_of "$TMPD/$1.out" failed)" = 0 ] && ! grep -q '^lost:' "$TMPD/$1.out" &&
		[ "$(answered "$TMPD/$1.out")" = "$2" ]
}
long_stop tcp udp arm
check "2-6. the 20 TCP connections kept their backends through failover and failback" held_ok tcp 20
check "2-6. the UDP session kept its backend" held_ok udp 1
check "5. the 4 one-arm connections kept b5" held_ok arm 4

# 7. keepalived alone: no conntrackd.  NAT-mode flows survive through
# Maglev (identical tables, mid-stream pickup) when the backend set did
# not change.
# The backup first: stopped after the master, it took over (one more
# notify script to run, left running when its keepalived exits).
stop_pair() {
	local i v
	for i in 2 1; do
		bg_stop "${ka_pid[$i]}"
		bg_stop "${ctd_pid[$i]}"
	done
	for i in 1 2; do
		v=n$i
		ip netns exec "${!v}" conntrack -F > /dev/null 2>&1
		rm -f "$TMPD/n$i/notify.log"
	done
	return 0
}
stop_pair
setup "7. keepalived alone: n1 master, n2 backup" start_pair -n
setup "7. 20 TCP connections held through n1" \
	long_start tcp "$c" -n 20 -b 33000 -i 1000 -t 60000 "$VIP" 80
# Links cut, keepalived running: n1 goes to FAULT and forgets its flows.
mark_rounds
ip -n "$n1" link set eth0 down
ip -n "$n1" link set eth1 down
check "7. n1's links cut: n2 takes over" ha_wait 60 ha_master 2
fo=$(took tcp)
check "7. the 20 connections answered through n2 (after ${fo:-no answer})" test -n "$fo"
diag "failover without conntrackd: links cut to a full round through n2: ${fo:-none}"
check "7. the 20 TCP connections still established" estab 20
forgot() {
	local n
	ha_backup 1 || return 1
	n=$(ip netns exec "$n1" conntrack -L -p tcp --orig-dst "$VIP" 2>/dev/null | grep -c dport=80)
	echo "n1 holds $n entries to $VIP:80"
	[ "$n" = 0 ]
}
check "7. n1 in FAULT: forwarding held, its flows forgotten" forgot
mark_rounds
ip -n "$n1" link set eth0 up
ip -n "$n1" link set eth1 up
check "7. links back: n1 takes over again" ha_wait 60 ha_master 1
fb=$(took tcp)
check "7. the 20 connections answered through n1 (after ${fb:-no answer})" test -n "$fb"
diag "failback without conntrackd: links back to a full round through n1: ${fb:-none}"
check "7. the 20 TCP connections still established after failback" estab 20
ha_log 1 | sed 's/^/# /'
long_stop tcp
check "7. the 20 connections kept their backends through failover and failback" held_ok tcp 20
guard_drops() {
	local v=n$1
	ip netns exec "${!v}" nft list table inet nflb_pickup 2>/dev/null |
		awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
			END { print n + 0 }'
}
diag "7. pickup guard drops: n1 $(guard_drops 1), n2 $(guard_drops 2)"

# 8. The race behind case 7's resets, made to happen: after a takeover
# the first packet of a flow the new master never saw is the backend's
# (its answer was lost in the switch) and the client's comes later.  On
# n1 (master, as after a takeover without conntrackd): the backends'
# packets are dropped until one holds an unacknowledged answer, n1
# forgets its flows, the client's packets are held back until a
# backend's retransmission has come in.  The pickup guard of
# nflb-ha-notify drops it; let through untranslated, the client's reset
# would cut the backend's end and the flow would be lost.
ha8() { ip netns exec "$n1" nft "$@"; }
ha8_setup() {
	ha8 -f - <<-EOF
	table inet ha8 {
		chain blockb { type filter hook prerouting priority -300; }
		chain blockc { type filter hook prerouting priority -300; }
		chain seen {
			type filter hook prerouting priority -150;
			ct state new iifname "eth1" tcp sport 80 counter
		}
	}
	EOF
}
be_unacked() {	# a backend holds an answer not acknowledged
	local i v
	for i in 1 2 3 4; do
		v=b$i
		ip netns exec "${!v}" ss -Htn state established '( sport = :80 )' |
			awk '$2 > 0 { f = 1 } END { exit !f }' && return 0
	done
	return 1
}
be_seen() {
	ha8 list chain inet ha8 seen | grep -q 'packets [1-9]'
}
backend_first() {
	ha8_setup || return 1
	ha8 add rule inet ha8 blockb iifname eth1 tcp sport 80 drop &&
		ha_wait 30 be_unacked || { echo "no answer held"; return 1; }
	ha8 add rule inet ha8 blockc iifname eth0 tcp dport 80 drop &&
		ip netns exec "$n1" conntrack -F > /dev/null 2>&1 &&
		ha8 flush chain inet ha8 blockb || return 1
	ha_wait 30 be_seen || { echo "no backend packet came"; return 1; }
	mark_rounds
	ha8 delete table inet ha8
}
setup "8. a TCP connection held through n1" \
	long_start tcp "$c" -n 1 -b 34000 -i 1000 -t 60000 "$VIP" 80
check "8. n1 forgot the flow; a backend's retransmission came first" backend_first
check "8. the connection answered again" wait_for 120 all_moved tcp
diag "8. pickup guard drops on n1: $(guard_drops 1)"
long_stop tcp
check "8. the connection kept its backend" held_ok tcp 1
ktap_finish
