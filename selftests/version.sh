#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family answers "lbadm version" from the initial netns, from a fresh
# netns, and from a netns owned by an unprivileged user namespace.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb

ktap_plan 5

version=$(sed -n 's/^#define NFLB_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' \
	"$NFLB_TOP/kmod/version.h" | paste -sd.)

answers() {
	local out
	out=$("$@" lbadm version) || return 1
	echo "$out"
	grep -qx "lbadm $version" <<< "$out" &&
		grep -q "^nflb module $version (genl family nflb version 1)$" <<< "$out"
}

check "initial netns" answers
ns_create a
check "fresh netns" answers ip netns exec "$a"
check "netns deleted while the module is loaded" ip netns del "$a"
if unshare -Urn true 2>/dev/null; then
	check "unprivileged user namespace owning a netns" answers unshare -Urn
else
	ktap_result "unprivileged user namespace owning a netns" 4
fi
check "module still answers" answers

ktap_finish
