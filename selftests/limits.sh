#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-netns limits and memory accounting (docs/limits.md).
#
# The sysctls net.nflb.max_services, max_backends and max_table_slots:
# their defaults; a change over one is refused with a message naming it
# and changes nothing; another netns sees init_net's values and cannot
# change them.  Then an unprivileged user (nobody) in a user + net namespace
# of its own, inside a memory-limited cgroup v2, creates services in a loop:
# memory.current grows with them (their memory is charged to the cgroup),
# the loop ends with a clean error naming the limit, no process was OOM
# killed, and the memory is uncharged once the namespace is gone.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd setpriv unshare sysctl
require_nflb

S=/proc/sys/net/nflb
LIMITS="max_services max_backends max_table_slots"
# Services the unprivileged user creates before memory.current is read,
# each with one backend up, its own (services with the same backends share
# one slot array), and a table of 65537 slots (128 KiB: larger than the
# default, for a clear signal).
N_ACC=24
# Its limit: net.nflb.max_table_slots, room for N_LIM such services.
N_LIM=40

declare -A saved
for l in $LIMITS; do
	[ -r "$S/$l" ] && saved[$l]=$(cat "$S/$l")
done
userns_saved=$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null)
CG=/sys/fs/cgroup/nflbt$$
cg_mounted=0

__limits_cleanup() {
	local l
	for l in "${!saved[@]}"; do
		echo "${saved[$l]}" > "$S/$l"
	done
	[ -n "$userns_saved" ] &&
		echo "$userns_saved" > /proc/sys/kernel/unprivileged_userns_clone
	if [ -d "$CG" ]; then
		# Anything left in it (the unprivileged shell, if a check failed).
		while read -r p; do kill -9 "$p"; done < "$CG/cgroup.procs" 2>/dev/null
		wait_for 30 rmdir "$CG"
	fi
	[ "$cg_mounted" = 1 ] && umount /sys/fs/cgroup
	__lib_cleanup
}
trap __limits_cleanup EXIT

# set_limit NAME VALUE: net.nflb.NAME in init_net.
set_limit() { echo "$2" > "$S/$1"; }

ktap_plan 16

# ------------------------------------------------------------- sysctls

defaults() {
	local l want v rc=0
	for l in $LIMITS; do
		case $l in
		max_services) want=65536 ;;
		max_backends) want=262144 ;;
		max_table_slots) want=134217728 ;;
		esac
		v=$(sysctl -n "net.nflb.$l") || { rc=1; continue; }
		echo "net.nflb.$l = $v (default $want)"
		# Another test or an admin may have changed it: only say so.
		[ "${saved[$l]:-}" = "$want" ] || echo "(not the default)"
	done
	return $rc
}
check "net.nflb.max_services, max_backends, max_table_slots exist" defaults

three_services() {
	ns_create lb || return 1
	lbadm_in "$lb" service add tcp 192.0.2.1:80 table-size 65537 &&
		lbadm_in "$lb" service add tcp 192.0.2.2:80 table-size 65537 &&
		lbadm_in "$lb" service add tcp 192.0.2.3:80 table-size 65537
}
setup "a netns with 3 services" three_services

set_limit max_services 3
rejects_mark
check "a 4th service over net.nflb.max_services = 3: refused, naming it" \
	rejects 'net\.nflb\.max_services' service add tcp 192.0.2.4:80

# Another netns reads init_net's value and can write none.  (Written
# with the shell: procps's sysctl -w exits 0 after a refused write.)
read_only() {
	local l v
	v=$(ip netns exec "$lb" cat "$S/max_services")
	echo "in the netns: net.nflb.max_services = $v"
	[ "$v" = 3 ] || return 1
	for l in $LIMITS; do
		v=$(cat "$S/$l")
		if ip netns exec "$lb" sh -c "echo 1000000 > $S/$l" 2>/dev/null ||
			[ "$(cat "$S/$l")" != "$v" ]; then
			echo "net.nflb.$l written from another netns"
			return 1
		fi
	done
}
check "another netns sees the value, cannot change any limit" read_only

raised() {
	set_limit max_services 4 &&
		lbadm_in "$lb" service add tcp 192.0.2.4:80 table-size 65537
}
check "raised to 4: the 4th service is created" raised

two_backends() {
	set_limit max_backends 2 &&
		lbadm_in "$lb" backend add tcp 192.0.2.1:80 198.51.100.1:80 &&
		lbadm_in "$lb" backend add tcp 192.0.2.2:80 198.51.100.2:80 &&
		rejects_mark
}
check "net.nflb.max_backends = 2, two backends" two_backends
check "a 3rd backend: refused, naming net.nflb.max_backends" \
	rejects 'net\.nflb\.max_backends' backend add tcp 192.0.2.3:80 198.51.100.3:80

# 4 services of 65537 slots hold 262148; 1000 more are allowed.
set_limit max_table_slots $((4 * 65537 + 1000))
rejects_mark
check "a larger table over net.nflb.max_table_slots: refused, naming it" \
	rejects 'net\.nflb\.max_table_slots' service set tcp 192.0.2.1:80 table-size 131071
fits() {
	set_limit max_services 5 &&
		lbadm_in "$lb" service add tcp 192.0.2.5:80 table-size 251
}
check "a table that fits is created" fits
for l in "${!saved[@]}"; do
	echo "${saved[$l]}" > "$S/$l"
done

# ------------------------------------ an unprivileged user, memory-limited

# The unprivileged user's script: $1 the cgroup (empty: none), $2 N_ACC,
# $3 N_LIM (it stops at twice that, limit or not).  It prints "start
# BYTES", "after BYTES" (memory.current before and after N_ACC services), "created N", "error MESSAGE" (what ended the loop),
# "listed N" and "sysctl refused" or "sysctl written".
# shellcheck disable=SC2016 # expanded by the unprivileged shell
unpriv_script='
cg=$1 nacc=$2 nlim=$3
mem() { if [ -n "$cg" ]; then cat "$cg/memory.current"; else echo -; fi; }
vip() { echo "10.99.$(($1 / 256)).$(($1 % 256)):80"; }
add() {
	lbadm service add tcp "$(vip "$1")" table-size 65537 2>&1 &&
		lbadm backend add tcp "$(vip "$1")" "198.51.100.$1:80" 2>&1
}
echo "start $(mem)"
for ((i = 1; i <= nacc; i++)); do
	add "$i" > /dev/null || { echo "failed at $i"; exit 1; }
done
echo "after $(mem)"
err=""
while ((i <= 2 * nlim)); do
	err=$(add "$i") || break
	err=""
	i=$((i + 1))
done
echo "created $((i - 1))"
echo "error $err"
echo "listed $(lbadm service show | grep -c "^tcp ")"
if echo 100000000 > /proc/sys/net/nflb/max_services; then
	echo "sysctl written"
else
	echo "sysctl refused"
fi 2> /dev/null
'

# Without a memory cgroup (the debug kernel has none) the user still runs,
# and only the checks of memory are skipped.
userns_skip="" memcg_skip=""
__memcg() {
	if ! grep -qw cgroup2 /proc/filesystems; then
		memcg_skip="no cgroup v2 (CONFIG_CGROUPS)"
		return 0
	fi
	if [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
		mount -t cgroup2 none /sys/fs/cgroup || return 1
		cg_mounted=1
	fi
	if ! grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
		memcg_skip="no memory cgroup controller (CONFIG_MEMCG)"
		return 0
	fi
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control &&
		mkdir "$CG" &&
		echo 128M > "$CG/memory.max" &&
		echo "memory.max 128M"
}
unpriv_setup() {
	local bin=$TMPD/bin
	if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
		echo 1 > /proc/sys/kernel/unprivileged_userns_clone || return 1
	fi
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user --map-root-user --net true; then
		userns_skip="no unprivileged user namespaces"
		return 0
	fi
	__memcg || return 1
	# lbadm where nobody can run it (the tree may be closed to others).
	mkdir "$bin" && cp "$NFLB_TOP/build/lbadm" "$bin/" &&
		chmod 755 "$TMPD" "$bin" "$bin/lbadm" || return 1
	# The limit the loop reaches first, far below memory.max (without
	# it, the loop stops at 2 * N_LIM, and a check says so).
	set_limit max_table_slots $((N_LIM * 65537)) &&
		echo "net.nflb.max_table_slots = $((N_LIM * 65537))"
	return 0
}
setup "a memory cgroup and an unprivileged user namespace" unpriv_setup

if [ -n "$userns_skip" ]; then
	diag "skipped: $userns_skip"
	for d in "services charge the user's memory cgroup" \
		"the loop ends at net.nflb.max_table_slots, cleanly" \
		"the services were created in the user's netns" \
		"the user's netns cannot change the limit" \
		"no process of the cgroup was OOM killed" \
		"the memory is uncharged once the netns is gone"; do
		ktap_result "$d" 4
	done
	ktap_finish
fi
# memcheck DESCRIPTION COMMAND...: check, or skip without a memory cgroup.
memcheck() {
	if [ -n "$memcg_skip" ]; then
		diag "skipped: $memcg_skip"
		ktap_result "$1" 4
	else
		check "$@"
	fi
}

# In the cgroup first (this shell's child), then nobody, then its own
# user and net namespaces.
cg=$CG
[ -n "$memcg_skip" ] && cg=""
sh -c '[ -z "$1" ] || echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --net \
	env PATH="$TMPD/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	bash -c "$unpriv_script" unpriv "$cg" "$N_ACC" "$N_LIM" > "$TMPD/unpriv.out" 2>&1
diag "unprivileged user: exit $?"
diag "$(cat "$TMPD/unpriv.out")"
field() { sed -n "s/^$1 //p" "$TMPD/unpriv.out"; }

charged() {
	local start after want=$((N_ACC * 128 * 1024 * 3 / 4))
	start=$(field start) after=$(field after)
	[ -n "$start" ] && [ -n "$after" ] || return 1
	echo "memory.current $start -> $after after $N_ACC services of 65537 slots:" \
		"+$(((after - start) / 1024)) KiB (want at least $((want / 1024)) KiB)"
	[ $((after - start)) -ge "$want" ]
}
memcheck "services charge the user's memory cgroup" charged

clean_stop() {
	local err n
	err=$(field error) n=$(field created)
	echo "created $n, then: $err"
	[ "$n" = "$N_LIM" ] && [[ $err == "lbadm: "*"net.nflb.max_table_slots"* ]]
}
check "the loop ends at net.nflb.max_table_slots, cleanly" clean_stop
check "the services were created in the user's netns" \
	test "$(field listed)" = "$N_LIM"
check "the user's netns cannot change the limit" \
	test "$(field sysctl)" = refused

no_oom() {
	local k v
	while read -r k v; do
		echo "memory.events $k $v"
		case $k in oom_kill) [ "$v" = 0 ] || return 1 ;; esac
	done < "$CG/memory.events"
}
memcheck "no process of the cgroup was OOM killed" no_oom

# The netns died with its last process; its services go after a grace
# period, and their charges with them.
below() { [ "$(cat "$CG/memory.current")" -le "$1" ]; }
uncharged() {
	local start
	start=$(field start)
	[ -n "$start" ] || return 1
	if ! wait_for 120 below $((start + 1048576)); then
		echo "memory.current still $(cat "$CG/memory.current"), was $start"
		return 1
	fi
	echo "memory.current $(cat "$CG/memory.current"), was $start"
}
memcheck "the memory is uncharged once the netns is gone" uncharged

ktap_finish
