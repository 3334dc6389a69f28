#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd and systemd beyond READY/RELOADING/STOPPING (hc_daemon.sh has
# those), on the host without the nflb module: with WATCHDOG_USEC set the
# daemon pings WATCHDOG=1 every half period from its loop, and stops when
# the loop does; READY=1 comes with a STATUS= line, and STATUS= is sent
# again when it changes (a backend up, then down and its quorum lost),
# and only then.  Each datagram is one line here (a receiver of ours).
# Notify hooks: notify-up, notify-down, notify-quorum-up and -down run on
# those events, as nobody, with their environment, and a hook that does
# not end holds up nothing (the loop goes on, later hooks run).
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 12

. "$(dirname "$0")/hc_lib.sh"

port=$((20000 + RANDOM % 20000))
# Hooks run as nobody: a directory it may write in, under one it may cross.
chmod 711 "$dir"
mkdir -m 1777 "$dir/hooks"
ev="echo \$NFLB_EVENT \$NFLB_SERVICE_NAME \$NFLB_BACKEND_ADDR:\$NFLB_BACKEND_PORT \$NFLB_HEALTHY/\$NFLB_QUORUM \$(id -un) \$NFLB_REASON >> $dir/hooks/events"
cat > "$dir/hc.conf" <<EOC
services = ({
  name = "web"; protocol = "tcp"; address = "192.0.2.10"; port = 80;
  check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; };
  backends = ( { address = "127.0.0.1"; port = $port; } );
  notify-up = "$ev";
  notify-down = "$ev";
  notify-quorum-down = "$ev";
  # Holds on until the test lets it go: it must block nothing.
  notify-quorum-up = "$ev; while [ ! -e $dir/hooks/release ]; do sleep 0.1; done";
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
E=$dir/hooks/events
line() { grep -qx -- "$1" "$E"; }
count() { grep -c -- "$1" "$E"; }
check "the backend up: notify-up, as nobody, with the check's reason" \
	wait_for 10 line "up web 127.0.0.1:$port 1/1 nobody connected"
kill "$srv"
wait "$srv" 2>/dev/null
check "STATUS= says the backend down and the quorum lost" \
	wait_for 10 has "$(printf "$S" 0); below quorum: web"
check "down: notify-down and notify-quorum-down" \
	wait_for 10 sh -c "grep -qx 'down web 127.0.0.1:$port 0/1 nobody connection refused' '$E' &&
	  grep -qx 'quorum-down web 192.0.2.10:80 0/1 nobody 0 of 1 healthy, quorum 1' '$E'"
"$server" -t -p "$port" -l 127.0.0.1 be >/dev/null 2>&1 &
srv=$!
pids+=($srv)
check "back up: notify-quorum-up runs (and is held)" \
	wait_for 10 line "quorum-up web 192.0.2.10:80 1/1 nobody 1 of 1 healthy, quorum 1"
kill "$srv"
wait "$srv" 2>/dev/null
check "while it is held, the loop goes on: notify-down and -quorum-down again" \
	wait_for 10 sh -c "test \$(grep -c '^down ' '$E') = 2 && test \$(grep -c '^quorum-down ' '$E') = 2 &&
	  ! grep -q 'notify-quorum-up: exit' '$dir/log'"
touch "$dir/hooks/release"
check "the held hook ends when let go, and its end is logged" \
	wait_for 10 grep -q 'web: notify-quorum-up: exit 0' "$dir/log"
# READY's, then: up, down, up, down.
check "STATUS= only when it changes: 4 times after READY's" \
	test "$(grep -c '^STATUS=' "$dir/notified")" = 4
ktap_finish
