#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An unprivileged user gets a permission error, not a crash; the module
# keeps answering privileged requests.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd setpriv
require_nflb

ktap_plan 3

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups lbadm version 2>&1)
rc=$?
diag "$out"
check "unprivileged lbadm version fails" test "$rc" = 1
check "error says permission denied" grep -q "Operation not permitted" <<< "$out"
check "root still gets an answer" lbadm version

ktap_finish
