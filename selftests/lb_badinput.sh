#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input: each malformed or conflicting lbadm request fails with exit
# status 1 and a clear one-line message on stderr starting with "lbadm: "
# and naming the problem, and leaves `lbadm service show` exactly as it was.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 24

ns_create lb
initial() {
	lbadm_in "$lb" service add tcp "$VIP4:80" &&
		lbadm_in "$lb" backend add tcp "$VIP4:80" 198.51.100.1:80 &&
		lbadm_in "$lb" service add udp "[$VIP6]:53" table-size 1021 &&
		lbadm_in "$lb" backend add udp "[$VIP6]:53" "[2001:db8:2::1]:53" weight 2 &&
		rejects_mark && cat "$TMPD/before" &&
		[ "$(grep -c . "$TMPD/before")" = 4 ]
}
setup "two services with a backend each" initial

# rejects (lib.sh): exit status 1, one line naming the problem (-i: in any
# case), service show unchanged.
check "malformed IPv4 address" rejects -i 'address|203\.0\.113\.300' \
	service add tcp 203.0.113.300:80
check "malformed IPv6 address" rejects -i 'address|2001:db8:ff::zz' \
	service add tcp "[2001:db8:ff::zz]:80"
check "port 70000" rejects -i 'port|70000' service add tcp "$VIP4:70000"
check "non-numeric port" rejects -i 'port|http' service add tcp "$VIP4:http"
check "non-prime table size" rejects -i 'prime|table' service add tcp 203.0.113.11:80 table-size 1000
check "unknown protocol" rejects -i 'proto|sctp' service add sctp 203.0.113.11:80
check "unknown hash" rejects -i 'hash|crc' service add tcp 203.0.113.11:80 hash crc
check "non-numeric seed" rejects -i 'seed|x1' service add tcp 203.0.113.11:80 seed x1
check "unknown option" rejects -i 'bogus|unknown|option|invalid' service add tcp 203.0.113.11:80 bogus 1
check "duplicate service" rejects -i 'exist|duplicate|already' service add tcp "$VIP4:80"
check "service set of a missing service" rejects -i 'service|exist|not found|no such' \
	service set tcp 203.0.113.99:80 seed 1
check "service del of a missing service" rejects -i 'service|exist|not found|no such' \
	service del udp "$VIP4:80"
check "backend for a missing service" rejects -i 'service|exist|not found|no such' \
	backend add tcp 203.0.113.99:80 198.51.100.2:80
check "IPv6 backend for an IPv4 service" rejects -i 'family|ipv4|ipv6|match' \
	backend add tcp "$VIP4:80" "[2001:db8:2::2]:80"
check "IPv4 backend for an IPv6 service" rejects -i 'family|ipv4|ipv6|match' \
	backend add udp "[$VIP6]:53" 198.51.100.2:53
check "weight 70000" rejects -i 'weight|65535|70000' \
	backend add tcp "$VIP4:80" 198.51.100.2:80 weight 70000
check "weight set to 70000" rejects -i 'weight|65535|70000' \
	backend set tcp "$VIP4:80" 198.51.100.1:80 weight 70000
check "unknown state" rejects -i 'state|sleepy' \
	backend add tcp "$VIP4:80" 198.51.100.2:80 state sleepy
check "duplicate backend" rejects -i 'exist|duplicate|already' \
	backend add tcp "$VIP4:80" 198.51.100.1:80
check "backend set of a missing backend" rejects -i 'backend|exist|not found|no such' \
	backend set tcp "$VIP4:80" 198.51.100.9:80 weight 2
check "backend del of a missing backend" rejects -i 'backend|exist|not found|no such' \
	backend del tcp "$VIP4:80" 198.51.100.9:80
check "table of a missing service" rejects -i 'service|exist|not found|no such' \
	service table tcp 203.0.113.99:80

still_works() {
	lbadm_in "$lb" service add tcp 203.0.113.11:80 table-size 1021 &&
		lbadm_in "$lb" service del tcp 203.0.113.11:80 &&
		lbadm_in "$lb" service show > "$TMPD/after" &&
		cmp "$TMPD/before" "$TMPD/after"
}
check "valid requests still work afterwards" still_works

ktap_finish
