#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's verdict changes as structured journal entries when its stderr
# is the journal (JOURNAL_STREAM names it, as systemd sets it): fields
# NFLB_SERVICE, NFLB_BACKEND, NFLB_CHECK, NFLB_VERDICT, NFLB_REASON with
# MESSAGE and PRIORITY, and not also on stderr.  The journal is a receiver
# of ours on /run/systemd/journal/socket, in a mount namespace of the test
# (a tmpfs on /run), so the host's own journal, if any, is untouched.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

if [ "${1:-}" != --inner ]; then
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP no mount namespace (unshare -m)"
		exit 0
	fi
	exec unshare -m --propagation private "$0" --inner
fi
ktap_plan 4

. "$(dirname "$0")/hc_lib.sh"

mount -t tmpfs none /run && mkdir -p /run/systemd/journal
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
with open(sys.argv[1], "a") as f:
    while True:
        f.write(s.recv(65536).decode() + "--\n")
        f.flush()' "$dir/journal" &
pids+=($!)
wait_for 20 test -S /run/systemd/journal/socket

port=$((20000 + RANDOM % 20000))
cat > "$dir/hc.conf" <<EOC
services = ({
  name = "web"; protocol = "tcp"; address = "192.0.2.10"; port = 80;
  check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; };
  backends = ( { address = "127.0.0.1"; port = $port; } );
});
EOC
"$server" -t -p "$port" -l 127.0.0.1 -r "$dir/ready" be >/dev/null 2>&1 &
srv=$!
pids+=($srv)
wait_for 10 test -e "$dir/ready"
: > "$dir/stderr"
JOURNAL_STREAM=$(stat -c '%d:%i' "$dir/stderr") \
	"$hc" -f -c "$dir/hc.conf" -s "$dir/sock" 2>> "$dir/stderr" &
pids+=($!)
# up_entry: the journal holds the up transition's entry (the only one so
# far), every field of it.
up_entry() {
	local f
	for f in "MESSAGE=web: backend 127.0.0.1:$port up (connected) after 1 success" \
		PRIORITY=5 SYSLOG_IDENTIFIER=lbhealthd NFLB_SERVICE=web \
		"NFLB_BACKEND=127.0.0.1:$port" NFLB_CHECK=tcp NFLB_VERDICT=up \
		NFLB_REASON=connected; do
		grep -qx -- "$f" "$dir/journal" || { echo "missing: $f"; return 1; }
	done
}
check "up: a journal entry with the verdict's fields" wait_for 10 up_entry
check "and not a line on stderr" sh -c "! grep -q 'backend 127.0.0.1:$port up' '$dir/stderr'"
kill "$srv"
check "down: one too, at warning priority" \
	wait_for 10 sh -c "grep -q '^NFLB_VERDICT=down' '$dir/journal' &&
	  grep -q '^NFLB_REASON=connection refused' '$dir/journal' && grep -q '^PRIORITY=4' '$dir/journal'"
check "other messages stay on stderr" grep -q 'lbhealthd: running: 1 service' "$dir/stderr"
ktap_finish
