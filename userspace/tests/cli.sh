#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbadm's command line, without a kernel: usage, errors and exit codes.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 7

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

ktap_finish
