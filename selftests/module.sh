#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module loads, registers its genl family, unloads cleanly, and is
# loaded on demand by the first request naming the family.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd modprobe rmmod genl

ktap_plan 8

loaded() { grep -q '^nflb ' /proc/modules; }
# "genl ctrl get" would load the module on demand; listing does not.
family() { genl ctrl list 2>/dev/null | grep -q 'Name: nflb$'; }

rmmod nflb 2>/dev/null
check "modprobe nflb" modprobe nflb
check "module version is $(sed -n 's/^#define NFLB_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' \
	"$NFLB_TOP/kmod/version.h" | paste -sd.)" \
	test "$(cat /sys/module/nflb/version)" = \
	"$(sed -n 's/^#define NFLB_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' "$NFLB_TOP/kmod/version.h" | paste -sd.)"
check "genl family nflb registered" family
check "rmmod nflb" rmmod nflb
check_fail "family gone after unload" family

reload() {
	local i
	for i in 1 2 3 4 5; do
		modprobe nflb && rmmod nflb || return 1
	done
}
check "load/unload 5 times" reload

check "lbadm version loads the module on demand" lbadm version
check "module loaded by the request" loaded

ktap_finish
