#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's /metrics on the host, without the nflb module: a live scrape
# passes Prometheus's own linter (promtool check metrics); the values follow
# the daemon (verdict, check results, transitions, reloads good and bad,
# counters kept across a reload); only GET /metrics is served; a reload
# moves the server to a new address (IPv6 too) or, when that address
# cannot be had, fails whole and leaves it where it was.  The kernel's
# counters against lbadm: selftests/hc_metrics.sh, in the VM.
. "$(dirname "$0")/../../selftests/lib.sh"
trap - EXIT

ktap_plan 21

. "$(dirname "$0")/hc_lib.sh"

# Free ports, from the kernel (other tests may run on this host): the
# backend's, the metrics', the metrics' on [::1] after a reload.
read -r port mport mport6 < <(python3 -c '
import socket
ss = [socket.socket(f) for f in (socket.AF_INET, socket.AF_INET, socket.AF_INET6)]
for s in ss:
    s.bind(("::1" if s.family == socket.AF_INET6 else "127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
conf() { # conf METRICS_LINE: the file, with that top-level line
	cat > "$dir/hc.conf" <<EOC
$1
services = ({
  name = "web \"1\""; protocol = "tcp"; address = "192.0.2.10"; port = 80;
  check = { type = "tcp"; interval = 0.3; timeout = 0.2; rise = 2; fall = 2; };
  backends = ( { address = "127.0.0.1"; port = $port; } );
});
EOC
}
conf "metrics = \"127.0.0.1:$mport\";"
url=http://127.0.0.1:$mport/metrics

"$server" -t -p "$port" -l 127.0.0.1 -r "$dir/ready" be >/dev/null 2>&1 &
srv=$!
pids+=($srv)
wait_for 10 test -e "$dir/ready"

"$hc" -f -c "$dir/hc.conf" -s "$dir/sock" 2> "$dir/log" &
daemon=$!
pids+=($daemon)
B='{service="web \"1\"",backend="127.0.0.1:'$port'"'
# value [URL] SERIES: the value of the series (its name and labels as
# written) in a scrape, or nothing.
value() {
	local u=$url
	[ $# = 2 ] && { u=$1; shift; }
	curl -sf "$u" | S=$1 awk 'index($0, ENVIRON["S"] " ") == 1 { print $NF }'
}
eq() { [ "$(value "$1")" = "$2" ]; }
check "the server listens once the daemon runs" \
	wait_for 10 grep -q "metrics on http://127.0.0.1:$mport/metrics" "$dir/log"
check "the backend comes up" wait_for 10 eq "lbhealthd_backend_healthy$B}" 1
curl -sf -D "$dir/headers" -o "$dir/scrape" "$url"
check "promtool check metrics accepts a live scrape" \
	sh -c "promtool check metrics < '$dir/scrape'"
check "Content-Type is the text exposition format 0.0.4" \
	grep -qi '^Content-Type: text/plain; version=0.0.4' "$dir/headers"
check "label values are escaped" \
	grep -qF "lbhealthd_service_info{service=\"web \\\"1\\\"\",protocol=\"tcp\",address=\"192.0.2.10:80\"} 1" "$dir/scrape"
check "successes are counted, no failure yet" sh -c \
	"test \"\$(grep -F 'lbhealthd_check_results_total$B,outcome=\"success\"}' '$dir/scrape' | awk '{print \$NF}')\" -ge 2 &&
	 grep -qF 'lbhealthd_check_results_total$B,outcome=\"failure\"} 0' '$dir/scrape'"
check "one transition, the histogram counts every run" sh -c \
	"grep -qF 'lbhealthd_backend_transitions_total$B} 1' '$dir/scrape' &&
	 c=\$(grep -F 'lbhealthd_check_duration_seconds_count{service=\"web \\\"1\\\"\"}' '$dir/scrape' | awk '{print \$NF}') &&
	 grep -qF \"lbhealthd_check_duration_seconds_bucket{service=\\\"web \\\\\\\"1\\\\\\\"\\\",le=\\\"+Inf\\\"} \$c\" '$dir/scrape'"
check "without the module: no kernel counters, said so" \
	grep -q '^lbhealthd_kernel_scrape_success 0$' "$dir/scrape"

kill "$srv"
wait "$srv" 2>/dev/null
check "a stopped server: the verdict gauge goes to 0" \
	wait_for 10 eq "lbhealthd_backend_healthy$B}" 0
check "failures are counted, a second transition" sh -c \
	"curl -sf '$url' > '$dir/s2' &&
	 grep -qF 'lbhealthd_backend_transitions_total$B} 2' '$dir/s2' &&
	 ! grep -qF 'lbhealthd_check_results_total$B,outcome=\"failure\"} 0' '$dir/s2'"
check "quorum is lost" eq 'lbhealthd_service_quorum_up{service="web \"1\""}' 0

check "another path is 404" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mport/")" = 404
check "POST is 405" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -d x "$url")" = 405

cp "$dir/hc.conf" "$dir/good.conf"
echo 'services = ( { protocol = "tcp" } );' > "$dir/hc.conf"
kill -HUP "$daemon"
check "a failed reload is counted, last_reload_successful 0" sh -c \
	"$(declare -f wait_for nap value eq); url='$url'; __nap_fd=$__nap_fd
	 wait_for 10 eq 'lbhealthd_config_reloads_total{result=\"failure\"}' 1 &&
	 eq lbhealthd_config_last_reload_successful 0"
cp "$dir/good.conf" "$dir/hc.conf"
kill -HUP "$daemon"
check "a good one too, last_reload_successful 1" sh -c \
	"$(declare -f wait_for nap value eq); url='$url'; __nap_fd=$__nap_fd
	 wait_for 10 eq 'lbhealthd_config_reloads_total{result=\"success\"}' 1 &&
	 eq lbhealthd_config_last_reload_successful 1"
# The server is still stopped: no transition since, so a counter that
# started over would read 0.
check "a backend's counters go on across the reload" \
	eq "lbhealthd_backend_transitions_total$B}" 2

# A reload to an address held by someone else fails whole.
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(1); print(s.getsockname()[1], flush=True); time.sleep(600)' \
	> "$dir/held" &
pids+=($!)
wait_for 20 test -s "$dir/held"
held=$(cat "$dir/held")
conf "metrics = \"127.0.0.1:$held\";"
kill -HUP "$daemon"
check "a reload to an address in use fails, and says why" \
	wait_for 10 grep -q "metrics on 127.0.0.1:$held: cannot listen: Address already in use" "$dir/log"
check "the server stays where it was" \
	wait_for 10 eq 'lbhealthd_config_reloads_total{result="failure"}' 2

conf "metrics = \"[::1]:$mport6\";"
kill -HUP "$daemon"
url6="http://[::1]:$mport6/metrics"
check "a reload moves the server to [::1]" \
	wait_for 10 sh -c "curl -sf '$url6' | grep -q 'lbhealthd_config_reloads_total{result=\"success\"} 2'"
check "and the old address is closed" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 000
conf ""
kill -HUP "$daemon"
check "without \"metrics\" nothing is served" \
	wait_for 10 sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' '$url6')\" = 000"
ktap_finish
