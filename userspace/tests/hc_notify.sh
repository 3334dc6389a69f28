#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd and systemd beyond READY/RELOADING/STOPPING (hc_daemon.sh has
# those), on the host without the nflb module: with WATCHDOG_USEC set the
# daemon pings WATCHDOG=1 every half period from its loop, and stops when
# the loop does; READY=1 comes with a STATUS= line, and STATUS= is sent
# again when it changes (a backend up, then down and its quorum lost),
# and only then.  Each datagram is one line here (a receiver of ours).
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 7

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

port=$((20000 + RANDOM % 20000))
cat > "$dir/hc.conf" <<EOC
services = ({
  name = "web"; protocol = "tcp"; address = "192.0.2.10"; port = 80;
  check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; };
  backends = ( { address = "127.0.0.1"; port = $port; } );
});
EOC
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        f.flush()' "$dir/notify" "$dir/notified" &
pids+=($!)
wait_for 20 test -S "$dir/notify"
"$server" -t -p "$port" -l 127.0.0.1 -r "$dir/ready" be >/dev/null 2>&1 &
srv=$!
pids+=($srv)
wait_for 10 test -e "$dir/ready"

NOTIFY_SOCKET=$dir/notify WATCHDOG_USEC=400000 \
	"$hc" -f -c "$dir/hc.conf" -s "$dir/sock" 2> "$dir/log" &
daemon=$!
pids+=($daemon)
S='STATUS=1 service, %s/1 backends healthy, kernel not in sync'
has() { grep -qx -- "$1" "$dir/notified"; }
pings() { grep -cx WATCHDOG=1 "$dir/notified"; }
check "READY=1 comes with its STATUS= line" \
	wait_for 10 has "READY=1 $(printf "$S" 0)"
check "STATUS= again once the backend is up" wait_for 10 has "$(printf "$S" 1)"
check "WATCHDOG=1 every 0.2 s (WATCHDOG_USEC=400000)" \
	wait_for 10 sh -c "test \$(grep -cx WATCHDOG=1 '$dir/notified') -ge 5"
kill -STOP "$daemon"
n=$(pings)
sleep 1
check "a stalled loop stops the pings" test "$(pings)" -le $((n + 1))
kill -CONT "$daemon"
check "they resume with it" wait_for 10 sh -c "test \$(grep -cx WATCHDOG=1 '$dir/notified') -ge $((n + 3))"
kill "$srv"
check "STATUS= says the backend down and the quorum lost" \
	wait_for 10 has "$(printf "$S" 0); below quorum: web"
check "STATUS= only when it changes: twice after READY's" \
	test "$(grep -c '^STATUS=' "$dir/notified")" = 2
ktap_finish
