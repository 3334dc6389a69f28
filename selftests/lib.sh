# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for nflb selftests: KTAP output, checks, network namespaces that
# are removed on exit, and waiting for a condition instead of sleeping.
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
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ]; then rc=1; else rc=0; fi
	ktap_result "$desc" "$rc"
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

# wait_for TIMEOUT_SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
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
	local ns
	for ns in "${__ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
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
