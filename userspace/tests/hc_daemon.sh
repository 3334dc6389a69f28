#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's life cycle on the host, without the nflb module: systemd's
# notification protocol (READY, RELOADING, STOPPING), reloads good and bad,
# the status socket, one daemon per socket, and the check loop itself
# (a backend served by nflb-server on 127.0.0.1 goes down when the server
# stops and up when it returns).  Kernel state is the VM selftests' job;
# here every attempt to reach the module fails, which the daemon must
# survive.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 52

. "$(dirname "$0")/hc_lib.sh"

port=$((20000 + RANDOM % 20000))
cat > "$dir/hc.conf" <<EOC
services = ({
  name = "web"; protocol = "tcp"; address = "192.0.2.10"; port = 80;
  check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 2; fall = 2; };
  backends = ( { address = "127.0.0.1"; port = $port; } );
});
EOC

# systemd's side of sd_notify(): a datagram socket, every message logged.
socat -u UNIX-RECV:"$dir/notify" OPEN:"$dir/notified",creat,append &
pids+=($!)
for _ in $(seq 50); do [ -S "$dir/notify" ] && break; sleep 0.1; done

"$server" -t -p "$port" -l 127.0.0.1 -r "$dir/ready" be >/dev/null 2>&1 &
srv=$!
pids+=($srv)
for _ in $(seq 50); do [ -e "$dir/ready" ] && break; sleep 0.1; done

NOTIFY_SOCKET=$dir/notify "$hc" -f -c "$dir/hc.conf" -s "$dir/sock" 2> "$dir/log" &
daemon=$!
pids+=($daemon)
check "READY=1 is sent once running" wait_for 6 grep -q -- '^READY=1' "$dir/notified"
check "the backend comes up (2 successes)" \
	wait_for 6 grep -q -- 'web: backend 127.0.0.1:[0-9]* up (connected) after 2 successes' "$dir/log"
out=$("$hc" -s "$dir/sock" status)
check "status shows the backend up" grep -qE "^web +127\.0\.0\.1:$port +tcp +up .* ok +connected" <<< "$out"
check "status -j is JSON with the verdict" sh -c \
	"'$hc' -s '$dir/sock' status -j | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d[\"services\"][0][\"backends\"][0][\"state\"] != \"up\")'"

# The status socket never waits for a client: one that sent half a
# request and one that sent nothing stay connected while another's status
# is answered, and both are answered once they finish asking.
cat > "$dir/slow.py" <<'EOP'
import json, socket, sys
a = socket.socket(socket.AF_UNIX); a.connect(sys.argv[1]); a.sendall(b"sta")
c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1])
print("connected", flush=True)
sys.stdin.readline()
a.sendall(b"tus\n"); c.sendall(b"status\n")
for s in (a, c):
    s.settimeout(10)
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    if "services" not in json.loads(data):
        sys.exit("no status: %r" % data)
EOP
coproc slow { python3 "$dir/slow.py" "$dir/sock" 2>&1; }
read -r -t 10 line <&"${slow[0]}"
check "status answers while other clients hold half a request" \
	sh -c "test '$line' = connected && timeout 10 '$hc' -s '$dir/sock' status | grep -q '^web '"
slowpid=$slow_PID
echo go >&"${slow[1]}"
slowout=$(cat <&"${slow[0]}")
wait "$slowpid"
check "the waiting clients were kept and are answered" test $? = 0 -a -z "$slowout"
check "a request longer than 512 bytes is refused" sh -c \
	"printf '%0600d\\n' 0 | timeout 10 socat -t 10 - UNIX-CONNECT:'$dir/sock' | grep -q 'request too long'"
check "a client that never asks is dropped after 5 s" timeout 15 python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); t = time.time()
s.settimeout(14)
sys.exit(s.recv(1) != b'' or time.time() - t < 4)" "$dir/sock"

kill "$srv"
wait "$srv" 2>/dev/null
check "a stopped server takes the backend down, with the reason" \
	wait_for 6 grep -q -- 'web: backend 127.0.0.1:[0-9]* down (connection refused) after 2 failures' "$dir/log"
check "quorum loss is logged without a sorry backend" \
	wait_for 6 grep -q 'web: quorum lost (0 of 1 healthy, quorum 1)' "$dir/log"
check "status shows it down" sh -c "'$hc' -s '$dir/sock' status | grep -qE '^web .* down .* failed +connection refused'"
"$server" -t -p "$port" -l 127.0.0.1 be >/dev/null 2>&1 &
pids+=($!)
# count_eq FILE PATTERN N: exactly N lines of FILE match.
count_eq() { [ "$(grep -c -- "$2" "$1")" = "$3" ]; }
check "the server back brings it up" \
	wait_for 6 count_eq "$dir/log" 'web: backend 127.0.0.1:[0-9]* up (connected) after 2 successes' 2
sleep 1
check "and its return" \
	wait_for 6 grep -q 'web: quorum regained (1 of 1 healthy, quorum 1)' "$dir/log"
check "each transition is logged once" \
	test "$(grep -c 'web: backend .* \(up\|down\) (' "$dir/log")" = 3

check_fail "a second daemon on the same socket is refused" \
	"$hc" -f -c "$dir/hc.conf" -s "$dir/sock"
check "it says why" sh -c "'$hc' -f -c '$dir/hc.conf' -s '$dir/sock' 2>&1 | grep -q 'another lbhealthd is running'"

: > "$dir/notified"
cp "$dir/hc.conf" "$dir/good.conf"
echo 'services = ( { protocol = "tcp" } );' > "$dir/hc.conf"
kill -HUP "$daemon"
check "a bad file on SIGHUP is rejected, its errors logged" \
	wait_for 6 grep -q -- 'reload failed (.*): the running configuration stays' "$dir/log"
check "the error is located" grep -qE "hc.conf:1: services.\[0\]" "$dir/log"
# Datagrams carry no newline: the file holds them back to back (READY=1
# comes with a STATUS= line, see hc_notify.sh).
check "RELOADING=1 then READY=1 around a reload" \
	sh -c "sleep 0.3; test \"\$(grep -o 'RELOADING=1\|READY=1' '$dir/notified' | paste -sd '')\" = RELOADING=1READY=1"
check "the old configuration keeps running" sh -c "'$hc' -s '$dir/sock' status | grep -q '^web '"

cp "$dir/good.conf" "$dir/hc.conf"
sed -i 's/"web"/"www"/' "$dir/hc.conf"
kill -HUP "$daemon"
check "a good file on SIGHUP is applied" \
	wait_for 6 grep -q -- 'reloaded: 1 service' "$dir/log"

# Maintenance: drain and undrain through the socket, shown by status,
# logged, kept across a reload while the backend stays in the file; and
# "maintenance = true;" in the file.  (What the kernel is told is
# hc_health_test's: no module here.)
maint() { # maint: the backend's maintenance in status -j (true/false)
	"$hc" -s "$dir/sock" status -j | python3 -c \
		'import json,sys; print(str(json.load(sys.stdin)["services"][0]["backends"][0]["maintenance"]).lower())'
}
reloads() { grep -c 'reloaded: 1 service' "$dir/log"; }
hup() { # hup: reload, and wait for it to be done
	local n
	n=$(reloads)
	kill -HUP "$daemon"
	wait_for 6 sh -c "test \$(grep -c 'reloaded: 1 service' '$dir/log') -gt $n"
}
out=$("$hc" -s "$dir/sock" drain www "127.0.0.1:$port" 2>&1)
check "drain SERVICE BACKEND puts it in maintenance" \
	test "$out" = "www: backend 127.0.0.1:$port in maintenance (drained)"
check "it is logged" grep -q "www: backend 127.0.0.1:$port in maintenance (by request): drained" "$dir/log"
check "status shows it (text)" sh -c "'$hc' -s '$dir/sock' status | grep -qE '^www +127\.0\.0\.1:$port +tcp +up,maint '"
check "status -j shows it" test "$(maint)" = true
out=$("$hc" -s "$dir/sock" drain tcp 192.0.2.10:80 127.0.0.1 2>&1)
check "the service as tcp VIP:PORT, the backend without its port" \
	test "$out" = "www: backend 127.0.0.1:$port already in maintenance (drained)"
hup
check "maintenance is kept across a reload" test "$(maint)" = true
out=$("$hc" -s "$dir/sock" undrain www "127.0.0.1:$port" 2>&1)
check "undrain takes it out" \
	test "$out" = "www: backend 127.0.0.1:$port out of maintenance"
check "status -j shows it out" test "$(maint)" = false
check "and is logged" grep -q "www: backend 127.0.0.1:$port out of maintenance (by request)" "$dir/log"
"$hc" -s "$dir/sock" drain www "127.0.0.1:$port" > /dev/null
cp "$dir/hc.conf" "$dir/www.conf"
sed -i "s/port = $port;/port = $((port + 1));/" "$dir/hc.conf"
hup
cp "$dir/www.conf" "$dir/hc.conf"
hup
check "a backend that left the file comes back without it" test "$(maint)" = false
sed -i "s/port = $port; }/port = $port; maintenance = true; }/" "$dir/hc.conf"
hup
check "maintenance = true; in the file" test "$(maint)" = true
check "is logged as the file's" grep -q "www: backend 127.0.0.1:$port in maintenance (file changed): drained" "$dir/log"
"$hc" -s "$dir/sock" undrain www "127.0.0.1:$port" > /dev/null
hup
check "undrain holds over the file's, across a reload" test "$(maint)" = false
# A drain, then the file's value edited twice: the file decides.
"$hc" -s "$dir/sock" drain www "127.0.0.1:$port" > /dev/null
cp "$dir/www.conf" "$dir/hc.conf"
hup
check "an edited maintenance in the file overrides an earlier drain" \
	test "$(maint)" = false
check_fail "drain of an unknown service fails" "$hc" -s "$dir/sock" drain nope 127.0.0.1
check "and says so" sh -c "'$hc' -s '$dir/sock' drain nope 127.0.0.1 2>&1 | grep -q 'no service \"nope\"'"
check_fail "drain of an unknown backend fails" "$hc" -s "$dir/sock" drain www 127.0.0.9

: > "$dir/notified"
kill -TERM "$daemon"
wait "$daemon"
check "SIGTERM: exit 0" test $? = 0
check "STOPPING=1 is sent and the socket removed" \
	sh -c "grep -q STOPPING=1 '$dir/notified' && test ! -e '$dir/sock'"

# Without -f: the command returns once the daemon runs (0), or with its
# error when it cannot start (1).
"$hc" -c "$dir/hc.conf" -s "$dir/no/such/dir/sock" 2> "$dir/bgerr"
check "without -f, a failed start exits 1" test $? = 1
check "and says why on stderr" grep -q 'status socket .*: ' "$dir/bgerr"
"$hc" -c "$dir/hc.conf" -s "$dir/bg.sock" 2> /dev/null
check "without -f, a good start exits 0" test $? = 0
bgpid=$("$hc" -s "$dir/bg.sock" status -j 2>/dev/null | sed -n 's/^ *"pid": \([0-9]*\).*/\1/p')
check "and the daemon answers at once" test -n "$bgpid"
[ -n "$bgpid" ] && kill "$bgpid"

# A backend's own check (keepalived's checkers are per real_server): the
# service's check probes a port nobody listens on, the second backend's
# own check probes the server.  Only that backend comes up.
closed=$((port + 1))
cat > "$dir/own.conf" <<EOC
services = ({
  name = "own"; protocol = "tcp"; address = "192.0.2.11"; port = 80;
  check = { type = "tcp"; port = $closed; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; };
  backends = (
    { address = "127.0.0.1"; port = $port; },
    { address = "127.0.0.1"; port = $closed;
      check = { type = "tcp"; port = $port; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; }; }
  );
});
EOC
"$hc" -f -c "$dir/own.conf" -s "$dir/own.sock" 2> "$dir/own.log" &
own=$!
pids+=($own)
check "a backend's own check: it comes up on it" \
	wait_for 6 grep -q -- "own: backend 127.0.0.1:$closed up (connected) after 1 success" "$dir/own.log"
# own_states: the two backends' states from status -j, "down up" wanted.
own_states() {
	"$hc" -s "$dir/own.sock" status -j | python3 -c '
import json, sys
b = json.load(sys.stdin)["services"][0]["backends"]
print(" ".join(x["state"] + ":" + ((x["last"] or {}).get("reason") or "-") for x in b))'
}
own_down() { own_states | grep -qx "down:connection refused up:connected"; }
check "the other backend, on the service's check, is down" wait_for 6 own_down
check "nothing but that backend came up" \
	test "$(grep -c 'own: backend .* up (' "$dir/own.log")" = 1
kill "$own"
wait "$own" 2>/dev/null

# Several checks per backend: one passing (the server's port), one
# failing (a closed port).  With every check required (the default) the
# backend stays down; with checks-required = 1 it comes up.
cat > "$dir/multi.conf" <<EOC
services = (
  { name = "all"; protocol = "tcp"; address = "192.0.2.12"; port = 80;
    check = ( { type = "tcp"; port = $port; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; },
              { type = "tcp"; port = $closed; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; } );
    backends = ( { address = "127.0.0.1"; port = $port; } ); },
  { name = "one"; protocol = "tcp"; address = "192.0.2.13"; port = 80;
    check = ( { type = "tcp"; port = $port; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; },
              { type = "tcp"; port = $closed; interval = 0.3; timeout = 0.2; rise = 1; fall = 1; } );
    checks-required = 1;
    backends = ( { address = "127.0.0.1"; port = $port; } ); }
);
EOC
"$hc" -f -c "$dir/multi.conf" -s "$dir/multi.sock" 2> "$dir/multi.log" &
multi=$!
pids+=($multi)
check "several checks, checks-required = 1: up when one passes" \
	wait_for 6 grep -q -- "one: backend 127.0.0.1:$port up (connected) after 1 success" "$dir/multi.log"
# multi_runs: "STATE RUNS" of each service's backend, from status -j.
multi_runs() {
	"$hc" -s "$dir/multi.sock" status -j | python3 -c '
import json, sys
for s in json.load(sys.stdin)["services"]:
    b = s["backends"][0]
    print(s["name"], b["state"], b["runs"])'
}
# Both checks ran at least 3 times each on "all", and it is still down.
all_ran() { multi_runs | awk '$1 == "all" && $2 == "down" && $3 >= 6 { ok = 1 } END { exit !ok }'; }
check "several checks, all required (default): down while one fails" \
	wait_for 10 all_ran
check "only the backend of checks-required = 1 came up" \
	test "$(grep -c 'backend [^ ]* up (' "$dir/multi.log")" = 1
kill "$multi"
wait "$multi" 2>/dev/null

# The unit as `make install` writes it, checked by systemd itself.
if command -v systemd-analyze >/dev/null; then
	sed "s|@SBINDIR@|$NFLB_TOP/build|g" "$NFLB_TOP/userspace/lbhealthd/lbhealthd.service.in" \
		> "$dir/lbhealthd.service"
	check "systemd-analyze verify accepts lbhealthd.service" \
		systemd-analyze verify --man=no "$dir/lbhealthd.service"
	check "a reload checks the file before signalling" sh -c \
		"grep '^ExecReload=' '$dir/lbhealthd.service' | head -n 1 | grep -q -- ' -t -c '"
else
	ktap_result "systemd-analyze verify accepts lbhealthd.service (not installed)" 4
	ktap_result "a reload checks the file before signalling (not installed)" 4
fi
ktap_finish
