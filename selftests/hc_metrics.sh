#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbhealthd's /metrics against the kernel (issue 17): after known traffic
# (40 TCP flows to a service of 2 backends, then 10 more with b1 down) a
# scrape passes promtool check metrics, and every kernel counter it holds
# (connections, packets and bytes each way, drops), every backend's weight
# and state, equals what `lbadm -j -s service show` says; the checks'
# verdict follows a stopped server.  Scrape and show are compared once the
# counters are still (two shows around the scrape agree): a late ACK of a
# closing flow must not make the test flaky.
. "$(dirname "$0")/lib.sh"
require_root
require_nflb
require_lbhealthd
require_cmd curl promtool

ktap_plan 14

VIP80="tcp $VIP4:80"
URL=http://127.0.0.1:9469/metrics
setup "topology: client, load balancer, 2 backends" lb_topo -n 2
cat > "$TMPD/hc.conf" <<EOF
metrics = "127.0.0.1:9469";
services = (
  { name = "web"; protocol = "tcp"; address = "$VIP4"; port = 80;
    check = { type = "tcp"; interval = 0.5; timeout = 0.4; rise = 1; fall = 1; };
    backends = ( { address = "$(be_addr 4 1)"; }, { address = "$(be_addr 4 2)"; } ); },
  # A DSR service whose one backend never passes its check (nothing
  # listens on TCP 53): its new flows are dropped for want of a backend.
  { name = "dsr"; protocol = "udp"; address = "$VIP4"; port = 53;
    forward = "ipip"; rate = 1000;
    check = { type = "tcp"; interval = 0.5; timeout = 0.4; rise = 1; fall = 1; };
    backends = ( { address = "$(be_addr 4 1)"; } ); }
);
EOF
check "the configuration passes lbhealthd -t" lbhealthd -t -c "$TMPD/hc.conf"
hc_start "$lb" "$TMPD/hc.conf"
setup "lbhealthd creates the service, both backends up" \
	ks_wait "$lb" "$(now_ms)" 30 "$VIP80|$(be 4 1)|up" "$VIP80|$(be 4 2)|up"

scrape() { ip netns exec "$lb" curl -sf -o "$1" "$URL"; }
show() { lbadm_in "$lb" -j -s service show tcp "$(vip 4)" > "$1"; }
# same: a scrape between two equal shows, every kernel value of the scrape
# as the show has it; the per-backend connections in $TMPD/conns.
same() {
	show "$TMPD/s1" && scrape "$TMPD/m" && show "$TMPD/s2" || return 1
	python3 - "$TMPD/s1" "$TMPD/m" "$TMPD/conns" "$TMPD/s2" <<'PY'
import json, sys
svc = json.load(open(sys.argv[1]))[0]
def counters(s):    # the counters of a show (rates move by themselves)
    c = lambda st: {k: v for k, v in st.items() if not k.startswith("rate-")}
    return [c(s["stats"])] + [(b["addr"], b["state"], b["weight"], c(b["stats"]))
                              for b in s["backends"]]
if counters(svc) != counters(json.load(open(sys.argv[4]))[0]):
    print("counters still moving")
    sys.exit(1)
m = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    series, value = line.rsplit(" ", 1)
    m[series] = float(value)
bad = []
def want(series, v):
    got = m.get(series)
    if got != v:
        bad.append(f"{series}: scrape {got}, lbadm {v}")
S = 'service="web"'
st = svc["stats"]
want(f'nflb_service_connections_total{{{S}}}', st["conns"])
for d in ("in", "out"):
    want(f'nflb_service_packets_total{{{S},direction="{d}"}}', st[f"pkts-{d}"])
    want(f'nflb_service_bytes_total{{{S},direction="{d}"}}', st[f"bytes-{d}"])
want(f'nflb_service_drops_total{{{S},reason="no_backend"}}', st["drops"])
conns = []
for b in svc["backends"]:
    B = f'{S},backend="{b["addr"]}:{b["port"]}"'
    bs = b["stats"]
    want(f'nflb_backend_connections_total{{{B}}}', bs["conns"])
    for d in ("in", "out"):
        want(f'nflb_backend_packets_total{{{B},direction="{d}"}}', bs[f"pkts-{d}"])
        want(f'nflb_backend_bytes_total{{{B},direction="{d}"}}', bs[f"bytes-{d}"])
    want(f'nflb_backend_weight{{{B}}}', b["weight"])
    for s in ("up", "drain", "down"):
        want(f'nflb_backend_state{{{B},state="{s}"}}', int(b["state"] == s))
    conns.append(f'{b["addr"]} {bs["conns"]}')
n = sum(1 for k in m if k.startswith(f"nflb_backend_weight{{{S},"))
if n != len(svc["backends"]):
    bad.append(f"{n} backends in the scrape, {len(svc['backends'])} in lbadm")
open(sys.argv[3], "w").write("\n".join(conns) + "\n")
print("\n".join(bad) if bad else f"{len(m)} series, kernel values as lbadm's")
sys.exit(1 if bad else 0)
PY
}
# same_soon: same, within 20 s; said why if not.
same_soon() { wait_for 20 same || same; }
# conns ADDR: the backend's connections at the last same.
conns() { awk -v a="$1" '$1 == a { print $2 }' "$TMPD/conns"; }
# value NAME: a series' value in the last scrape.
value() { awk -v s="$1" '$1 == s { print $2 }' "$TMPD/m"; }

ip netns exec "$c" nflb-client -n 40 -b 30000 "$VIP4" 80 > "$TMPD/flows"
check "40 flows answered" all_answered "$TMPD/flows" 40
check "a scrape's kernel values equal lbadm -j -s service show" same_soon
check "promtool check metrics accepts the scrape" \
	sh -c "promtool check metrics < '$TMPD/m'"
check "the service counts 40 connections, its backends 40 between them" sh -c \
	"test '$(value 'nflb_service_connections_total{service="web"}')' = 40 &&
	 test \$(( $(conns "$(be_addr 4 1)") + $(conns "$(be_addr 4 2)") )) = 40"
check "both backends healthy" sh -c \
	"grep -c '^lbhealthd_backend_healthy{service=\"web\",backend=\"[0-9.:]*\"} 1$' '$TMPD/m' | grep -qx 2"
b2_before=$(conns "$(be_addr 4 2)")

lb_server_stop 1
check "b1's server stopped: lbhealthd sets it down" \
	ks_wait "$lb" "$(now_ms)" 20 "$VIP80|$(be 4 1)|down"
ip netns exec "$c" nflb-client -n 10 -b 31000 "$VIP4" 80 > "$TMPD/flows2"
check "10 more flows answered, by b2" sh -c \
	"$(declare -f count __tally); test \"\$(count '$TMPD/flows2' b2)\" = 10"
check "the scrape still equals lbadm (b1 down, b2 10 more)" same_soon
check "b2 took the 10, b1's verdict and state are down" sh -c \
	"test \$(( $(conns "$(be_addr 4 2)") - $b2_before )) = 10 &&
	 grep -qx 'lbhealthd_backend_healthy{service=\"web\",backend=\"$(be 4 1)\"} 0' '$TMPD/m' &&
	 grep -qx 'nflb_backend_state{service=\"web\",backend=\"$(be 4 1)\",state=\"down\"} 1' '$TMPD/m'"
# The DSR service's drops by reason and unpinned packets: what lbadm shows,
# the drops without a backend counted (3 datagrams, its backend down).
dsr_same() {
	lbadm_in "$lb" -j -s service show udp "$VIP4:53" > "$TMPD/d1" &&
		scrape "$TMPD/m" || return 1
	python3 - "$TMPD/d1" "$TMPD/m" <<'PY'
import sys, json
st = json.load(open(sys.argv[1]))[0]["stats"]
m = dict(l.rsplit(" ", 1) for l in open(sys.argv[2]).read().splitlines()
         if l and not l.startswith("#"))
S = 'service="dsr"'
want = {f'nflb_service_drops_total{{{S},reason="no_backend"}}': st["drops"],
        f'nflb_service_drops_total{{{S},reason="rate"}}': st["limit-drops"],
        f'nflb_service_drops_total{{{S},reason="too_big"}}': st["too-big-drops"],
        f'nflb_service_drops_total{{{S},reason="encap"}}': st["encap-drops"],
        f'nflb_service_unpinned_total{{{S}}}': st["unpinned"]}
bad = [f"{k}: scrape {m.get(k)}, lbadm {v}" for k, v in want.items()
       if m.get(k) is None or float(m[k]) != v]
print("\n".join(bad) if bad else f"drops {st['drops']}, as lbadm's")
sys.exit(1 if bad or st["drops"] != 3 else 0)
PY
}
check "the DSR service exists, its backend down" \
	ks_wait "$lb" "$(now_ms)" 20 "udp $VIP4:53|$(be_addr 4 1):53|down"
ip netns exec "$c" bash -c "for i in 1 2 3; do echo x > /dev/udp/$VIP4/53; done"
check "DSR drops by reason in the scrape as in lbadm: 3 without a backend" \
	eval 'wait_for 20 dsr_same || dsr_same'
ktap_finish
