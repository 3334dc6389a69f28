#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's command line, without a kernel: usage and bad options,
# `lbhealthd -t` on good and bad files (exit status, every error located
# FILE:LINE: KEY:), `status` with no daemon, and its manual pages (they
# render without warnings, the SYNOPSIS holds the usage forms, and the
# example of lbhealthd.conf(5) is the shipped example file, which -t
# accepts).
. "$(dirname "$0")/../../selftests/lib.sh"
trap '__lib_cleanup' EXIT

ktap_plan 47

hc=$NFLB_TOP/build/lbhealthd
src=$NFLB_TOP/userspace/lbhealthd
T=$TMPD

# run ARGS...: lbhealthd ARGS; sets rc, out (stdout) and err (stderr).
run() {
	"$hc" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	out=$(< "$T/out") err=$(< "$T/err")
}
# says DESC RC PATTERN: the last run exited RC and its stderr matches the
# extended regex PATTERN.
says() {
	if [ "$rc" = "$2" ] && grep -qE -- "$3" <<< "$err"; then
		ktap_result "$1" 0
	else
		diag "exit $rc (want $2), stderr: $err (want /$3/)"
		ktap_result "$1" 1
	fi
}

run -h
check "-h prints the usage, exit 0" test "$rc" = 0 -a -n "$out"
usage=$out
check "the usage shows the status form" \
	grep -qF 'lbhealthd [-c FILE] [-s SOCKET] status [-j]' <<< "$usage"
run -x
says "an unknown option exits 2 and names it" 2 "invalid option -- 'x'"
run frobnicate
says "an unknown command exits 2 and names it" 2 'unknown command "frobnicate"'
run -j
says "-j without status exits 2" 2 '-j is an option of status'
run -c
says "-c without a file exits 2" 2 "requires an argument -- 'c'"

# A file with every kind of setting, all valid.
cat > "$T/good.conf" <<'EOF'
status-socket = "/run/nflb/test.sock";
withdraw-on-exit = true;
services = (
  {
    name = "web";
    protocol = "tcp";
    address = "203.0.113.10";
    port = 80;
    table-size = 251;
    hash = "source";
    seed = "0x1234abcd";
    snat = false;
    timeout-tcp = 600;
    timeout-tcp-fin = 30;
    quorum = 2;
    sorry = { address = "198.51.100.9"; port = 80; weight = 1; };
    on-failure = "drain";
    check = {
      type = "http"; interval = 0.5; timeout = 0.2; rise = 1; fall = 2;
      initial = "up"; port = 8080; path = "/health"; host = "www.example.com";
      expect-status = "200-299,301"; expect-body = "OK";
    };
    backends = (
      { address = "198.51.100.1"; },
      { address = "198.51.100.2"; port = 8080; weight = 0; }
    );
  },
  {
    protocol = "udp"; address = "2001:db8:ff::10"; port = 0; timeout-udp = 30;
    check = { type = "udp"; port = 53; payload = "ping\n"; expect = "pong"; };
    backends = ( { address = "2001:db8:2::1"; } );
  },
  {
    protocol = "tcp"; address = "203.0.113.11"; port = 443;
    check = { type = "https"; tls-verify = true; };
    backends = ( { address = "198.51.100.1"; } );
  },
  {
    protocol = "tcp"; address = "203.0.113.12"; port = 5432; seed = 123L;
    check = { type = "exec"; timeout = 1; command = "test -n \"$NFLB_BACKEND_ADDR\""; };
    backends = ( { address = "198.51.100.3"; } );
  }
);
EOF
run -t -c "$T/good.conf"
check "-t on a good file: exit 0, \"FILE: ok\" on stdout, nothing on stderr" \
	test "$rc" = 0 -a -z "$err" -a "${out%% (*}" = "$T/good.conf: ok"
echo '# nothing but a comment' > "$T/empty.conf"
run -t -c "$T/empty.conf"
check "-t on a file without services: ok" \
	test "$rc" = 0 -a "${out%% (*}" = "$T/empty.conf: ok"
run -t -c "$src/lbhealthd.conf.example"
check "-t accepts the shipped example" test "$rc" = 0
run -t -c "$NFLB_TOP/userspace/cluster/lbhealthd.conf"
check "-t accepts the cluster node's example" test "$rc" = 0
# BIRD's configurations of a cluster, as BIRD itself parses them.
if command -v bird >/dev/null; then
	for f in bird-node.conf bird-router.conf; do
		check "bird -p accepts userspace/cluster/$f" \
			bird -p -c "$NFLB_TOP/userspace/cluster/$f"
	done
else
	ktap_result "bird-node.conf (bird is not installed)" 4
	ktap_result "bird-router.conf (bird is not installed)" 4
fi

# A file with 18 errors of every kind: each is reported, at its line and
# key, and nothing is printed on stdout.
cat > "$T/bad.conf" <<'EOF'
services = (
  {
    protocol = "tcp";
    address = "192.0.2.10";
    port = 80;
    table-size = 1000;
    hash = "crc";
    sorry = { address = "10.0.1.1"; };
    check = {
      type = "tcp";
      intervall = 1;
      timeout = 2.0;
      interval = 1.0;
      path = "/health";
      rise = 0;
    };
    backends = (
      { address = "10.0.1.1"; },
      { address = "10.0.1.1"; port = 80; },
      { address = "2001:db8::1"; },
      { address = "10.0.1.3"; weight = 70000; },
      { address = "10.0.1.4"; port = "80"; }
    );
  },
  {
    protocol = "tcp";
    address = "192.0.2.10";
    port = 80;
    check = { type = "http"; expect-status = "200-700"; };
    backends = ( { address = "10.0.1.9"; } );
  },
  {
    protocol = "udp";
    address = "192.0.2.11";
    port = 0;
    check = { type = "udp"; };
    backends = ( { address = "10.0.1.9"; } );
  },
  {
    protocol = "sctp";
    address = "192.0.2.300";
    port = 70000;
    check = { type = "exec"; };
  }
);
EOF
run -t -c "$T/bad.conf"
check "-t on a bad file exits 1, nothing on stdout" test "$rc" = 1 -a -z "$out"
b=$T/bad.conf
# located LINE KEY WORDS: one error "bad.conf:LINE: KEY: ..." saying WORDS.
located() {
	local want="$b:$1: $2: "
	grep -F -- "$want" <<< "$err" | grep -qiE -- "$3" && return 0
	echo "no \"$want.../$3/\" in:"
	echo "$err"
	return 1
}
check "table-size not prime" located 6 'services.[0].table-size' 'prime'
check "unknown hash" located 7 'services.[0].hash' 'crc'
check "sorry equal to a backend" located 8 'services.[0].sorry' 'backend'
check "unknown key (a typo) is an error" located 11 'services.[0].check.intervall' 'unknown'
check "timeout not below the interval" located 12 'services.[0].check.timeout' 'interval'
check "path on a tcp check" located 14 'services.[0].check.path' 'tcp'
check "rise 0 out of range" located 15 'services.[0].check.rise' 'range'
check "duplicate backend" located 19 'services.[0].backends.[1]' 'duplicate'
check "backend of the other family" located 20 'services.[0].backends.[2].address' 'IPv6'
check "weight 70000 out of range" located 21 'services.[0].backends.[3].weight' 'range'
check "port given as a string: wrong type" located 22 'services.[0].backends.[4].port' 'integer'
check "duplicate service" located 25 'services.[1]' 'duplicate'
check "expect-status beyond 599" located 29 'services.[1].check.expect-status' 'range'
check "port 0 service, nothing to probe" located 36 'services.[2].check' 'port'
every_error() {	# all 18 reported, each located, then the count
	local n
	n=$(grep -cE "^$b:[0-9]+: [^ :]+: ." <<< "$err")
	echo "$n located errors"
	[ "$n" = 18 ] && [ "$(tail -n 1 <<< "$err")" = "$b: 18 errors" ]
}
check "all 18 errors reported, each FILE:LINE: KEY:, then the count" every_error

printf 'services = ( { protocol = "tcp"\n' > "$T/syntax.conf"
run -t -c "$T/syntax.conf"
says "a syntax error exits 1 and is located" 1 "^$T/syntax.conf:[0-9]+: .*syntax"
run -t -c "$T/missing.conf"
says "a missing file exits 1, FILE:0: cannot read" 1 \
	"^$T/missing.conf:0: cannot read: No such file"

run -s "$T/nobody.sock" status
says "status with no daemon: exit 1, the socket named" 1 \
	"cannot reach the daemon at $T/nobody.sock"
run -s "$T/nobody.sock" status -j
check "status -j with no daemon: exit 1" test "$rc" = 1
# status asks at the file's status-socket (-c), -s first.
printf 'status-socket = "%s";\n' "$T/file.sock" > "$T/sock.conf"
run -c "$T/sock.conf" status
says "status -c FILE: the file's status-socket" 1 \
	"cannot reach the daemon at $T/file.sock"
run -c "$T/sock.conf" -s "$T/nobody.sock" status
says "status -c FILE -s SOCKET: the socket of -s" 1 \
	"cannot reach the daemon at $T/nobody.sock"

# drain and undrain: their arguments, and no daemon to ask.
run drain web
says "drain without a backend exits 2" 2 'usage: lbhealthd drain SERVICE BACKEND'
run undrain tcp 10.0.0.1:80
says "undrain tcp VIP:PORT without a backend exits 2" 2 'usage: lbhealthd undrain SERVICE BACKEND'
run -s "$T/nobody.sock" drain tcp 10.0.0.1:80 10.0.1.1
says "drain with no daemon exits 1" 1 "cannot reach the daemon at $T/nobody.sock"
run -s "$T/nobody.sock" -j drain web 10.0.1.1
says "-j is not for drain" 2 '-j is an option of status'

# drain-node, undrain-node, flush-routes: their arguments, no daemon.
run drain-node now
says "drain-node takes no argument" 2 'drain-node: unexpected argument "now"'
run -s "$T/nobody.sock" undrain-node
says "undrain-node with no daemon exits 1" 1 "cannot reach the daemon at $T/nobody.sock"
run -j drain-node
says "-j is not for drain-node" 2 '-j is an option of status'
run flush-routes table
says "flush-routes takes no argument" 2 'usage: lbhealthd \[-c FILE\] flush-routes'

# The manual pages render without warnings.
for page in lbhealthd.8 lbhealthd.conf.5; do
	if command -v man >/dev/null; then
		w=$(LC_ALL=C man --warnings -l "$src/$page" 2>&1 >/dev/null)
		[ -n "$w" ] && diag "$w"
		[ -z "$w" ]
		ktap_result "$page renders without warnings" $?
	else
		ktap_result "$page renders without warnings (man is not installed)" 4
	fi
done
if command -v man >/dev/null; then
	# lbhealthd(8)'s SYNOPSIS: the two forms of the usage.
	syn=$(LC_ALL=C MANWIDTH=1000 man -l "$src/lbhealthd.8" 2>/dev/null |
		awk '/^SYNOPSIS/ { f = 1; next } /^[^ ]/ { f = 0 } f' | sed 's/^ *//')
	forms=$(sed -n 's/^\(Usage: \|       \)\(lbhealthd .*\)/\2/p' <<< "$usage")
	missing=$(grep -vxF -f <(printf '%s\n' "$syn") <<< "$forms")
	[ -n "$missing" ] && diag "not in the SYNOPSIS of lbhealthd.8: $missing"
	[ -n "$forms" ] && [ -z "$missing" ]
	ktap_result "lbhealthd.8 SYNOPSIS lists the usage forms" $?
	# lbhealthd.conf(5)'s EXAMPLE (after its opening paragraph).
	LC_ALL=C MANWIDTH=1000 man -l "$src/lbhealthd.conf.5" 2>/dev/null |
		awk '/^EXAMPLE/ { f = 1; next } /^[^ ]/ { f = 0 } f' |
		sed -e 's/^       //' -e '1,/^$/d' > "$T/example.conf"
	same_example() {
		diff <(sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$T/example.conf") \
			<(sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$src/lbhealthd.conf.example") |
			head -n 10
		[ "${PIPESTATUS[0]}" = 0 ]
	}
	check "lbhealthd.conf.5 EXAMPLE is lbhealthd.conf.example" same_example
	check "lbhealthd -t accepts the manual's example" \
		"$hc" -t -c "$T/example.conf"
else
	ktap_result "lbhealthd.8 SYNOPSIS lists the usage forms (man is not installed)" 4
	ktap_result "lbhealthd.conf.5 EXAMPLE is lbhealthd.conf.example (man is not installed)" 4
	ktap_result "lbhealthd -t accepts the manual's example (man is not installed)" 4
fi

ktap_finish
