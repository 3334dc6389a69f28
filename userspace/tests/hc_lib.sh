# SPDX-License-Identifier: GPL-2.0
# What lbhealthd's host tests (hc_daemon.sh, hc_metrics.sh, hc_dns.sh,
# hc_notify.sh, hc_journal.sh) share, sourced after selftests/lib.sh: the
# binaries under test, a scratch directory, and the cleanup that stops
# every process listed in pids (stopped ones too) and removes it.
hc=$NFLB_TOP/build/lbhealthd
server=$NFLB_TOP/build/nflb-server
dir=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
