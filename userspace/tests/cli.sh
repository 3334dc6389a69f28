#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbadm's command line, without a kernel: usage, errors and exit codes.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 129

lbadm=$NFLB_TOP/build/lbadm
version=$(sed -n 's/^#define NFLB_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' \
	"$NFLB_TOP/kmod/version.h" | paste -sd.)

check "lbadm -V prints the version" test "$("$lbadm" -V)" = "lbadm $version"
check "lbadm help lists version" sh -c "'$lbadm' help | grep -q 'lbadm version'"
check_fail "no command is an error" "$lbadm"
out=$("$lbadm" frobnicate 2>&1)
check "unknown command exits 1" test $? = 1
check "unknown command is named" grep -q 'unknown command "frobnicate"' <<< "$out"
out=$("$lbadm" version extra 2>&1)
check "extra argument exits 1" test $? = 1
check "extra argument is named" grep -q 'unexpected argument "extra"' <<< "$out"

# bad DESCRIPTION MESSAGE ARGS...: "lbadm ARGS" exits 1 printing MESSAGE.
# No kernel needed: lbadm checks its arguments before opening a socket.
bad() {
	local desc=$1 msg=$2 out rc
	shift 2
	out=$("$lbadm" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && grep -qF -- "$msg" <<< "$out"; then
		ktap_result "$desc" 0
	else
		diag "lbadm $* -> exit $rc: $out (expected: $msg)"
		ktap_result "$desc" 1
	fi
}

vip=192.0.2.10:80
usage=$("$lbadm" help)
check "help lists the service commands" grep -qF \
	'lbadm service add tcp|udp VIP:PORT [table-size M] [hash 5tuple|source] [seed N] [snat [ADDRESS]|no-snat]' <<< "$usage"
check "help lists the backend commands" grep -qF \
	'lbadm backend del tcp|udp VIP:PORT ADDR[:PORT] [flush]' <<< "$usage"
check "help lists service table" grep -qF \
	'lbadm service table tcp|udp VIP:PORT [digest]' <<< "$usage"
check "help lists flush" grep -qx '  lbadm flush' <<< "$usage"
check "help lists flow show" grep -qxF \
	'  lbadm flow show [tcp|udp VIP:PORT] [backend ADDR[:PORT]]' <<< "$usage"
check "-s is a global option" sh -c "'$lbadm' -s help >/dev/null"
check "help mentions -j" grep -q -- '-j, --json' <<< "$usage"
check "help mentions -p" grep -q -- '-p, --pretty' <<< "$usage"
check_fail "an unknown option is an error" "$lbadm" -x help

# "lbadm COMMAND help": the command's lines of "lbadm help", exit 0.
for cmd in service backend flush version; do
	out=$("$lbadm" $cmd help)
	rc=$?
	want=$(grep "^  lbadm $cmd\( \|\$\)" <<< "$usage")
	[ "$rc" = 0 ] && [ -n "$out" ] && [ "$out" = "$want" ]
	ktap_result "lbadm $cmd help prints the $cmd lines of lbadm help" $?
done

# -j without a kernel (no nflb module here): an error on stderr, exit 1,
# and still a valid JSON document on stdout.
json_fails() {	# json_fails WANT_STDOUT ARGS...
	local want=$1 out err rc
	shift
	err=$(mktemp)
	out=$("$lbadm" "$@" 2> "$err")
	rc=$?
	if [ "$rc" = 1 ] && [ "$out" = "$want" ] && grep -q '^lbadm: ' "$err"; then
		rm -f "$err"
		return 0
	fi
	echo "lbadm $* -> exit $rc, stdout '$out', stderr '$(cat "$err")'"
	rm -f "$err"
	return 1
}
check "-j service show without a kernel: [] and exit 1" \
	json_fails '[]' -j service show
check "--json service table without a kernel: [] and exit 1" \
	json_fails '[]' --json service table tcp $vip digest
check "-p service show without a kernel: [] and exit 1" \
	json_fails '[]' -p service show
check "-j version without a kernel: lbadm's version alone" \
	json_fails "[{\"lbadm\":\"$version\"}]" -j version
check "-p version is indented JSON" json_fails \
	"$(printf '[\n  {\n    "lbadm": "%s"\n  }\n]' "$version")" -p version
check "-j is a global option" sh -c "'$lbadm' -j help >/dev/null"
# Every command that shows something prints exactly one JSON document
# with -j, whatever fails (issue 11: "-j flow show" printed nothing).
one_document() {	# one_document ARGS...: stdout is one JSON document
	local out rc
	out=$("$lbadm" "$@" 2>/dev/null)
	rc=$?
	if [ "$rc" = 1 ] && python3 -c '
import json, sys
json.loads(sys.argv[1])' "$out" 2>/dev/null; then
		return 0
	fi
	echo "lbadm $* -> exit $rc, stdout '$out'"
	return 1
}
for args in "-j service" "-j service show tcp $vip" "-j -s service show" \
	"-j flow" "-j flow show" "-j flow show tcp $vip" \
	"-j flow show backend 10.0.0.1" "-p flow show" "-j -s flow show" \
	"-j service table tcp $vip" "-p version"; do
	check "lbadm $args without a kernel: one JSON document" \
		one_document $args
done
# -s reads conntrack, which needs CAP_NET_ADMIN: without it, still a
# document, and the module's absence is what is said first.
unprivileged_stats() {
	local out err
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$lbadm" -j -s service show 2>&1 >/dev/null)
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$lbadm" -j -s service show 2>/dev/null)
	echo "stdout '$out', stderr '$err'"
	[ "$out" = "[]" ] && grep -q 'is the nflb module loaded' <<< "$err"
}
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$lbadm" -V >/dev/null 2>&1; then
	check "-j -s service show without CAP_NET_ADMIN: [], the module named" \
		unprivileged_stats
else
	ktap_result "-j -s service show without CAP_NET_ADMIN (needs root and setpriv)" 4
fi
# Changes print nothing, with or without -j (ip -j does the same).
no_output() {
	local args out
	for args in flush "stats zero" "service add tcp $vip" \
		"service set tcp $vip seed 1" "service del tcp $vip" \
		"backend add tcp $vip 10.0.0.1" "backend del tcp $vip 10.0.0.1" \
		"restore /dev/null"; do
		out=$("$lbadm" -j $args 2>/dev/null)
		[ $? = 1 ] && [ -z "$out" ] || { echo "lbadm -j $args: '$out'"; return 1; }
	done
}
check "-j changes print nothing" no_output
bad "-j save is refused: its output is commands, not JSON" \
	'save: no JSON output (save writes lbadm commands; "lbadm -j service show" lists the configuration in JSON)' \
	-j save
check "help lists stats zero" grep -qx '  lbadm stats zero \[tcp|udp VIP:PORT\]' <<< "$usage"
check "help lists monitor" grep -qxF '  lbadm monitor [-t]' <<< "$usage"

bad "port 70000 is named" \
	'lbadm: invalid port "70000" in "10.0.0.1:70000" (0-65535)' \
	service add tcp 10.0.0.1:70000
bad "port 65536 is rejected" 'invalid port "65536"' service add tcp 10.0.0.1:65536
bad "port with junk is rejected" 'invalid port "80x"' service add tcp 10.0.0.1:80x
bad "bad VIP is named" 'invalid address "abc" in "abc:80"' service add tcp abc:80
bad "empty VIP is rejected" 'empty VIP:PORT' service add tcp ''
bad "multicast VIP is rejected" 'invalid address in "224.0.0.1:80" (not a unicast address)' \
	service add tcp 224.0.0.1:80
bad "VIP without a port" 'missing port in "10.0.0.1"' service add tcp 10.0.0.1
bad "IPv6 VIP without brackets" 'missing port in "2001:db8::10"' \
	service add tcp 2001:db8::10
bad "IPv6 VIP missing ]" 'missing "]" in "[2001:db8::10:80"' \
	service add tcp '[2001:db8::10:80'
bad "bad protocol is named" 'invalid protocol "sctp" (tcp or udp)' \
	service add sctp $vip
bad "missing protocol" 'missing protocol for service add' service add
bad "missing VIP" 'missing VIP:PORT for service show' service show tcp
bad "table-size 0" 'invalid table-size "0"' service add tcp $vip table-size 0
bad "table-size abc" 'invalid table-size "abc"' service add tcp $vip table-size abc
bad "bad hash is named" 'invalid hash "crc" (5tuple or source)' \
	service add tcp $vip hash crc
bad "negative seed" 'invalid seed "-1"' service add tcp $vip seed -1
bad "seed above u64" 'invalid seed "18446744073709551616"' \
	service set tcp $vip seed 18446744073709551616
bad "option without a value" 'missing value after "seed" for service add' \
	service add tcp $vip seed
bad "repeated option" 'option "hash" given twice for service add' \
	service add tcp $vip hash source hash 5tuple
bad "snat and no-snat" 'option "no-snat" conflicts with "snat"' \
	service set tcp $vip snat no-snat
bad "snat address of the other family" 'invalid snat address "2001:db8::1" (an IPv4 address, as the VIP)' \
	service set tcp $vip snat 2001:db8::1
bad "service set without options" 'nothing to change for service set' \
	service set tcp $vip
bad "synproxy and no-synproxy" 'option "no-synproxy" conflicts with "synproxy"' \
	service set tcp $vip synproxy no-synproxy
bad "synproxy on a udp service" 'synproxy is only valid for tcp services, not udp' \
	service add udp 192.0.2.10:53 synproxy
bad "synproxy with a DSR method" 'synproxy is only valid with forward nat, not with forward gre' \
	service add tcp $vip forward gre synproxy
check "help lists synproxy" grep -qF '[rate N [burst M]] [synproxy|no-synproxy]' <<< "$usage"
bad "service del takes no option" 'unknown option "snat" for service del' \
	service del tcp $vip snat
bad "unknown service command" 'unknown service command "create"' \
	service create tcp $vip
bad "service table option" 'unknown option "digets" for service table' \
	service table tcp $vip digets
bad "misspelt option is named" 'lbadm: unknown option "wieght" for backend add' \
	backend add tcp $vip 10.0.0.1 wieght 3
bad "weight 65536" 'invalid weight "65536" (0-65535)' \
	backend add tcp $vip 10.0.0.1 weight 65536
bad "weight -1" 'invalid weight "-1"' backend set tcp $vip 10.0.0.1 weight -1
bad "bad state is named" 'invalid state "sleep" (up, drain or down)' \
	backend add tcp $vip 10.0.0.1 state sleep
bad "bad backend is named" 'invalid address "10.0.0.300"' \
	backend add tcp $vip 10.0.0.300
bad "backend port 70000" 'invalid port "70000" in "10.0.0.1:70000"' \
	backend add tcp $vip 10.0.0.1:70000
bad "backend family differs" "backend address family differs from the service's" \
	backend add tcp $vip 2001:db8::1
bad "missing backend" 'missing backend address for backend add' \
	backend add tcp $vip
bad "backend del takes flush only" 'unknown option "weight" for backend del' \
	backend del tcp $vip 10.0.0.1 weight 1
bad "backend set without options" 'nothing to change for backend set' \
	backend set tcp '[2001:db8::10]:80' '[2001:db8::1]:80'
bad "backend without a command" 'backend: missing command (add, set, del)' backend
bad "unknown flow command" 'unknown flow command "list" (show, flush, stats)' flow list
bad "flow show: bad protocol" 'invalid protocol "sctp" (tcp or udp)' \
	flow show sctp $vip
bad "flow show: missing VIP" 'missing VIP:PORT for flow show' flow show tcp
bad "flow show: backend without address" \
	'missing address after "backend" for flow show' flow show backend
bad "flush takes no argument" 'flush: unexpected argument "all"' flush all
bad "stats without a command" 'stats: missing command (zero)' stats
bad "unknown stats command" 'unknown stats command "reset" (zero)' stats reset
bad "stats zero: bad protocol" 'invalid protocol "sctp" (tcp or udp)' \
	stats zero sctp $vip
bad "stats zero: missing VIP" 'missing VIP:PORT for stats zero' stats zero udp
bad "stats zero: bad VIP" 'invalid address "abc" in "abc:80"' stats zero tcp abc:80
bad "stats zero: extra argument" 'unexpected argument "all" for stats zero' \
	stats zero tcp $vip all
bad "monitor takes no argument" 'monitor: unexpected argument "tcp"' monitor tcp
bad "monitor -t takes no argument" 'monitor: unexpected argument "tcp"' \
	monitor -t tcp

# -n NETNS (ip -n): the namespace is entered before anything else, and a
# bad one is named, without a kernel.
check "help mentions -n" grep -q -- '-n, --netns NETNS' <<< "$usage"
bad "-n of a namespace that does not exist" \
	'lbadm: cannot open network namespace "nflb-cli-none": No such file or directory' \
	-n nflb-cli-none service show
bad "-netns, as ip's" \
	'lbadm: cannot open network namespace "nflb-cli-none"' \
	-netns nflb-cli-none service show
bad "--netns, long" \
	'lbadm: cannot open network namespace "nflb-cli-none"' \
	--netns nflb-cli-none flush
bad "-n takes a name, not a path" \
	'lbadm: invalid network namespace name "/proc/1/ns/net" (a name in /run/netns, not a path)' \
	-n /proc/1/ns/net service show
bad "-n needs a name" 'requires an argument' -n

# A write error is reported with its errno and exit 1 (issue 11: version
# said "Input/output error" for a full disk, help said nothing, exit 0).
full() {	# full WANT ARGS...: lbadm ARGS > /dev/full exits 1, says WANT
	local want=$1 err
	shift
	err=$("$lbadm" "$@" 2>&1 > /dev/full)
	[ $? = 1 ] && grep -qxF "lbadm: $want" <<< "$err" && return 0
	echo "lbadm $* > /dev/full: $err"
	return 1
}
for args in version "-j version" help -V "service help" "-j flow show"; do
	if [ -w /dev/full ]; then
		check "lbadm $args > /dev/full: the write error, with its errno" \
			full "cannot write the output: No space left on device" $args
	else
		ktap_result "lbadm $args > /dev/full (no /dev/full)" 4
	fi
done

# offload: the devices checked before the module is asked.
bad "offload of a missing device" 'lbadm: offload: no device "nosuch0"' \
	offload dev nosuch0
bad "offload of lo: not Ethernet" \
	'lbadm: offload: "lo" is not an Ethernet device' offload dev lo
bad "offload of a device twice" 'lbadm: offload: device "lo" listed twice' \
	offload dev lo dev lo
bad "offload: an unknown word is named" \
	'lbadm: offload: unexpected "frob", want "dev NAME", "off" or "show"' \
	offload frob

# save and restore: arguments, and a restore file's syntax errors are
# reported by line even without the module.
check "help lists save" grep -qx '  lbadm save' <<< "$usage"
check "help lists restore" grep -qxF '  lbadm restore [--sync] [--check] [FILE|-]' <<< "$usage"
bad "save takes no argument" 'save: unexpected argument "x"' save x
bad "restore takes one file" 'restore: unexpected argument "b"' restore a b
bad "restore --sync takes one file" 'restore: unexpected argument "b"' \
	restore --sync a b
bad "restore: an unknown option is named" \
	'restore: unknown option "--force" (--check, --sync)' restore --force a
bad "restore --check of a missing file" \
	'restore: cannot open /nonexistent/nflb.conf' \
	restore --check /nonexistent/nflb.conf
bad "restore --sync --check of a missing file" \
	'restore: cannot open /nonexistent/nflb.conf' \
	restore --sync --check -- /nonexistent/nflb.conf
bad "restore of a missing file" 'restore: cannot open /nonexistent/nflb.conf' \
	restore /nonexistent/nflb.conf
bad "-f of a missing file" 'restore: cannot open /nonexistent/nflb.conf' \
	-f /nonexistent/nflb.conf
bad "-batch of a missing file" 'restore: cannot open /nonexistent/nflb.conf' \
	-batch /nonexistent/nflb.conf
bad "-f takes no command" 'unexpected argument "flush" after -f FILE' \
	-f /nonexistent/nflb.conf flush
# The system's own error, not "Input/output error" (issue 11).
bad "restore of a directory says so" 'restore: cannot read /etc: Is a directory' \
	restore /etc
restore_lines() {
	local out
	out=$(printf 'service add tcp 192.0.2.1:80\n\n  # c\nservice show\nbackend add tcp 192.0.2.1:80 10.0.0.1 weight x\n' |
		"$lbadm" restore - 2>&1)
	echo "$out"
	grep -qF '<stdin>:4: "service show" does not change the configuration' <<< "$out" &&
		grep -qF '<stdin>:5: invalid weight "x"' <<< "$out" &&
		grep -qF 'lbadm: restore: 2 errors in <stdin>, nothing changed' <<< "$out"
}
check "restore names each bad line" restore_lines
check_lines() {
	local out
	out=$(printf 'service add tcp 192.0.2.1:80 seed\n' |
		"$lbadm" restore --check - 2>&1)
	echo "$out"
	grep -qF '<stdin>:1: missing value after "seed" for service add' <<< "$out" &&
		grep -qF 'lbadm: restore: 1 error in <stdin>, nothing changed' <<< "$out"
}
check "restore --check names each bad line" check_lines
# A file of 200,000 bad lines: the first 50 errors, then how many more
# (issue 11: every one of them was printed).
restore_many() {
	local out
	out=$(yes 'service add tcp 192.0.2.1:80 bogus' | head -n 200000 |
		"$lbadm" restore - 2>&1 | grep -v 'is the nflb module loaded')
	head -n 3 <<< "$out"
	tail -n 3 <<< "$out"
	[ "$(wc -l <<< "$out")" = 52 ] &&
		[ "$(grep -c '^<stdin>:[0-9]*: unknown option "bogus"' <<< "$out")" = 50 ] &&
		grep -qxF '<stdin>:50: unknown option "bogus" for service add' <<< "$out" &&
		grep -qxF '<stdin>: ... and 199950 more errors' <<< "$out" &&
		grep -qxF 'lbadm: restore: 200000 errors in <stdin>, nothing changed' <<< "$out"
}
check "restore of 200,000 bad lines prints 50 and a count" restore_many

# The manual page renders without warnings, and its SYNOPSIS holds every
# command form of "lbadm help", whole lines, so that the two cannot drift.
page=$NFLB_TOP/userspace/lbadm/lbadm.8
if command -v man >/dev/null; then
	out=$(LC_ALL=C man --warnings -l "$page" 2>&1 >/dev/null)
	rc=$?
	[ -n "$out" ] && diag "$out"
	[ "$rc" = 0 ] && [ -z "$out" ]
	ktap_result "lbadm.8 renders without warnings" $?
else
	ktap_result "lbadm.8 renders without warnings (man is not installed)" 4
fi
# man(1) if installed, else groff(1) alone; wide enough not to wrap.
render_page() {
	if command -v man >/dev/null; then
		LC_ALL=C MANWIDTH=1000 man -l "$page"
	else
		LC_ALL=C groff -man -Tascii -rLL=1000n -P-cbou "$page"
	fi
}
if command -v man >/dev/null || command -v groff >/dev/null; then
	synopsis=$(render_page 2>/dev/null |
		awk '/^SYNOPSIS/ { f = 1; next } /^[^ ]/ { f = 0 } f' |
		sed 's/^ *//')
	forms=$(sed -n 's/^  \(lbadm .*\)/\1/p' <<< "$usage")
	missing=$(grep -vxF -f <(printf '%s\n' "$synopsis") <<< "$forms")
	[ -n "$missing" ] && diag "not in the SYNOPSIS of lbadm.8: $missing"
	[ -n "$forms" ] && [ -z "$missing" ]
	ktap_result "lbadm.8 SYNOPSIS lists every form of lbadm help" $?
else
	ktap_result "lbadm.8 SYNOPSIS lists every form of lbadm help (no man or groff)" 4
fi

ktap_finish
