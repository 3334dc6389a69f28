#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbadm save and restore: a configuration of IPv4 and IPv6, TCP and UDP
# services with every kind of option and backend state survives save |
# flush | restore unchanged; a restore file with a bad last line (a backend
# of a missing service, a syntax error) changes nothing and names the line;
# -f FILE, -batch FILE and restore - (stdin) work; 1,000 services of 10
# backends restore in one go; traffic flows through a restored service.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 19

setup "topology: client, load balancer, 3 backends" lb_topo

config() {
	lbadm_in "$lb" -batch - <<-EOF
		service add tcp $(vip 4) table-size 251
		backend add tcp $(vip 4) $(be 4 1)
		backend add tcp $(vip 4) $(be 4 2)
		backend add tcp $(vip 4) $(be 4 3) weight 2
		service add udp $(vip 4 53) hash source seed 12345 snat
		backend add udp $(vip 4 53) $(be 4 1 53) weight 3
		backend add udp $(vip 4 53) $(be 4 2 53) state drain
		backend add udp $(vip 4 53) $(be 4 3 53) weight 0 state down
		service add tcp $(vip 6) table-size 4093 seed 0x10
		backend add tcp $(vip 6) $(be 6 2) state drain
		backend add tcp $(vip 6) $(be 6 1) weight 7
		service add udp $(vip 6 0) table-size 1021 hash source
		backend add udp $(vip 6 0) $(be_addr 6 3)
	EOF
}
setup "a configuration of 4 services, 9 backends (-batch -)" config

save() { lbadm_in "$lb" save > "$1"; }

saved_ok() {
	save "$TMPD/s1" || return 1
	cat "$TMPD/s1"
	# Every option explicit, sorted: IPv4 before IPv6, tcp before udp.
	diff -u - "$TMPD/s1" <<-EOF
		service add tcp $VIP4:80 table-size 251 hash 5tuple seed 0
		backend add tcp $VIP4:80 $(be 4 1) weight 1 state up
		backend add tcp $VIP4:80 $(be 4 2) weight 1 state up
		backend add tcp $VIP4:80 $(be 4 3) weight 2 state up
		service add udp $VIP4:53 table-size 4093 hash source seed 12345 snat
		backend add udp $VIP4:53 $(be 4 1 53) weight 3 state up
		backend add udp $VIP4:53 $(be 4 2 53) weight 1 state drain
		backend add udp $VIP4:53 $(be 4 3 53) weight 0 state down
		service add tcp [$VIP6]:80 table-size 4093 hash 5tuple seed 16
		backend add tcp [$VIP6]:80 $(be 6 1) weight 7 state up
		backend add tcp [$VIP6]:80 $(be 6 2) weight 1 state drain
		service add udp [$VIP6]:0 table-size 1021 hash source seed 0
		backend add udp [$VIP6]:0 $(be_addr 6 3) weight 1 state up
	EOF
}
check "save writes every option, sorted" saved_ok

# Compare the slots too: a restore must build the same tables.
tables() {
	lbadm_in "$lb" service table tcp "$(vip 4)" digest &&
		lbadm_in "$lb" service table tcp "$(vip 6)" digest &&
		lbadm_in "$lb" service table udp "$(vip 4 53)" digest
}
tables > "$TMPD/tables1"

round_trip() {
	lbadm_in "$lb" flush || return 1
	[ -z "$(lbadm_in "$lb" service show)" ] || { echo "flush left services"; return 1; }
	lbadm_in "$lb" restore "$TMPD/s1" || return 1
	save "$TMPD/s2" && diff -u "$TMPD/s1" "$TMPD/s2"
}
check "save | flush | restore: save is identical" round_trip
tables_same() { tables | diff -u "$TMPD/tables1" -; }
check "restored tables are identical (digests)" tables_same

# fails_unchanged FILE LINE PATTERN: restore FILE fails, its message names
# FILE:LINE and matches PATTERN, and save is as before.
fails_unchanged() {
	local err rc
	err=$(lbadm_in "$lb" restore "$1" 2>&1)
	rc=$?
	echo "restore: exit $rc: $err"
	[ "$rc" = 1 ] || { echo "exit status $rc, want 1"; return 1; }
	grep -qE "^$1:$2: .*$3" <<< "$err" || { echo "no '$1:$2: ... $3'"; return 1; }
	save "$TMPD/after" && diff -u "$TMPD/s1" "$TMPD/after"
}

cat > "$TMPD/bad1" <<EOF
# new services, then a backend of a service that does not exist
service add tcp 203.0.113.20:80
backend add tcp 203.0.113.20:80 198.51.100.1
flush
service add tcp 203.0.113.21:80 table-size 251

backend add tcp 203.0.113.99:80 198.51.100.1
EOF
check "last line a backend of a missing service: nothing changes" \
	fails_unchanged "$TMPD/bad1" 7 "no such service"

cat > "$TMPD/bad2" <<EOF
flush
service add tcp 203.0.113.20:80
backend add tcp 203.0.113.20:80 198.51.100.1 weight
EOF
check "last line a syntax error: nothing changes" \
	fails_unchanged "$TMPD/bad2" 3 'missing value after "weight"'

cat > "$TMPD/bad3" <<EOF
service add tcp $VIP4:80
backend del udp $VIP4:53 $(be 4 9 53)
service add tcp 203.0.113.30:80 table-size 1000
EOF
every_error() {
	local err
	err=$(lbadm_in "$lb" restore "$TMPD/bad3" 2>&1)
	echo "$err"
	grep -q "bad3:1: .*already exists" <<< "$err" &&
		grep -q "bad3:2: .*no such backend" <<< "$err" &&
		grep -q "bad3:3: .*prime" <<< "$err" &&
		grep -q "3 errors" <<< "$err"
}
check "every error of a file is reported" every_error

restore_with() {
	lbadm_in "$lb" flush || return 1
	"$@" || return 1
	save "$TMPD/after" && diff -u "$TMPD/s1" "$TMPD/after"
}
check "lbadm -f FILE" restore_with lbadm_in "$lb" -f "$TMPD/s1"
check "lbadm --batch FILE" restore_with lbadm_in "$lb" --batch "$TMPD/s1"
check "lbadm restore - (stdin)" restore_with sh -c "ip netns exec $lb lbadm restore - < '$TMPD/s1'"
check "lbadm restore (stdin, no argument)" restore_with sh -c "ip netns exec $lb lbadm restore < '$TMPD/s1'"

traffic() {	# traffic BASE: 30 flows from source ports BASE+1..
	ip netns exec "$c" nflb-client -n 30 -b "$1" -v "$VIP4" 80 > "$TMPD/flows"
	all_answered "$TMPD/flows" 30 && [ "$(names "$TMPD/flows")" = 3 ]
}
check "traffic through a restored service reaches its 3 backends" traffic 20000

# 1,000 services x 10 backends, as a save would write them.
awk 'BEGIN {
	for (i = 0; i < 1000; i++) {
		vip = sprintf("10.%d.%d.1:80", int(i / 250), i % 250 + 1);
		printf "service add tcp %s table-size 251 hash 5tuple seed %d\n", vip, i;
		for (j = 1; j <= 10; j++)
			printf "backend add tcp %s 172.16.%d.%d:8080 weight %d state up\n",
				vip, int(i / 250), j, j;
	}
}' > "$TMPD/big"
big() {
	local start=$SECONDS
	lbadm_in "$lb" flush && lbadm_in "$lb" restore "$TMPD/big" || return 1
	echo "restored in $((SECONDS - start)) s"
	lbadm_in "$lb" service show > "$TMPD/big.show" || return 1
	[ "$(grep -c '^tcp ' "$TMPD/big.show")" = 1000 ] &&
		[ "$(grep -c '^  backend ' "$TMPD/big.show")" = 10000 ] ||
		{ echo "service show: $(grep -c '^tcp ' "$TMPD/big.show") services, $(grep -c '^  backend ' "$TMPD/big.show") backends"; return 1; }
}
check "1,000 services x 10 backends restore" big
one_of_them() {	# 10 backends sharing the 251 slots
	lbadm_in "$lb" service show tcp 10.3.250.1:80 | tee "$TMPD/one" &&
		awk '/backend/ { n++; s += $8 } END { exit !(n == 10 && s == 251) }' "$TMPD/one"
}
check "service show of one of them: 10 backends, 251 slots" one_of_them
big_saved() {
	lbadm_in "$lb" save > "$TMPD/big.saved" || return 1
	[ "$(wc -l < "$TMPD/big.saved")" = 11000 ] || { echo "$(wc -l < "$TMPD/big.saved") lines"; return 1; }
	grep '^service' "$TMPD/big.saved" | sort -c -V -k4,4
}
check "save of 1,000 services lists them all, sorted" big_saved
big_again() {
	lbadm_in "$lb" restore "$TMPD/big" 2> "$TMPD/big.err" && { echo "succeeded"; return 1; }
	tail -n 2 "$TMPD/big.err"
	grep -q '11000 errors' "$TMPD/big.err" &&
		lbadm_in "$lb" save | cmp - "$TMPD/big.saved"
}
check "the big file again: every line already exists, nothing changes" big_again
check "flush then restore the saved file: the same again" restore_with lbadm_in "$lb" restore "$TMPD/s1"
check "traffic after that" traffic 21000

ktap_finish
