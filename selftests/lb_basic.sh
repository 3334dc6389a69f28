#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Balancing, TCP and UDP, IPv4 and IPv6: 300 flows from distinct source
# ports are all answered, each of 3 equal backends takes 70 to 130 of them,
# `service show` counts them (and says the same with -j and -p), and
# conntrack on the load balancer shows each flow translated to the backend
# that answered it.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd conntrack
require_nflb

ktap_plan 26

setup "topology: client, load balancer, 3 backends" lb_topo
# The conntrack checks read the entries of finished flows: keep them longer
# than sending 300 flows can take on a loaded machine.
setup "conntrack keeps finished flows 10 minutes" ct_keep_finished "$lb"

# conns_counted PROTO FAM OUT: service show counts every flow, and each
# backend the flows the client saw it answer.
conns_counted() {
	local proto=$1 fam=$2 out=$3 i n rc=0
	lbadm_in "$lb" service show "$proto" "$(vip "$fam")" > "$out.show" || return 1
	cat "$out.show"
	n=$(svc_key "$out.show" conns)
	[ "$n" = 300 ] || { echo "service conns '$n', want 300"; rc=1; }
	for i in 1 2 3; do
		n=$(be_key "$out.show" "$(be "$fam" $i)" conns)
		[ "$n" = "$(count "$out" b$i)" ] ||
			{ echo "b$i conns '$n', client saw $(count "$out" b$i)"; rc=1; }
	done
	return $rc
}

# json_capture PROTO FAM OUT: "service show" with -j and with -p, and
# "service table" as text and -j, with and without digest, into OUT.*.
json_capture() {
	local proto=$1 fam=$2 out=$3 v
	v=$(vip "$fam")
	lbadm_in "$lb" -j service show "$proto" "$v" > "$out.json"
	lbadm_in "$lb" -p service show "$proto" "$v" > "$out.pretty"
	lbadm_in "$lb" service table "$proto" "$v" > "$out.table"
	lbadm_in "$lb" -j service table "$proto" "$v" > "$out.tjson"
	lbadm_in "$lb" service table "$proto" "$v" digest > "$out.digest"
	lbadm_in "$lb" -j service table "$proto" "$v" digest > "$out.djson"
}
# json_same OUT...: for each OUT, its -j and -p say what the text of
# conns_counted said (OUT.show): every field of the service and of each
# backend, and in JSON every counter even without -s; "service table" with
# -j, with and without digest, the same table as its text.  Writes
# OUT.json-ok, or OUT.json-bad with the reason.  One python3 for all (it
# takes about a second to start under TCG).
json_same() {
	python3 - "$@" <<'EOF'
import json, sys, traceback

def endpoint(addr, port):
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"

def same(show, js, pretty, tab, tjs, dig, djs):
    text = open(show).read().splitlines()
    with open(js) as f:
        raw = f.read()
    doc = json.loads(raw)
    assert raw.count("\n") == 1 and raw.endswith("\n"), "-j is not one line"
    def steady(d):
        """Without the rates: the kernel's estimator may move between calls."""
        if isinstance(d, dict):
            return {k: steady(v) for k, v in d.items() if not k.startswith("rate-")}
        if isinstance(d, list):
            return [steady(v) for v in d]
        return d

    assert steady(json.load(open(pretty))) == steady(doc), "-p differs from -j"
    assert len(doc) == 1, f"{len(doc)} services"
    svc = doc[0]
    w = text[0].split()
    assert [svc["proto"], endpoint(svc["vip"], svc["port"])] == w[:2], w
    opts = dict(zip(w[2::2], w[3::2]))
    for k in ("table-size", "seed", "conns"):
        v = svc["stats"][k] if k == "conns" else svc[k]
        assert str(v) == opts[k], f"{k}: {v} != {opts[k]}"
    assert svc["hash"] == opts["hash"] and svc["snat"] is False
    counters = {"conns", "pkts-in", "pkts-out", "bytes-in", "bytes-out", "drops",
                "rate-conns", "rate-pkts-in", "rate-pkts-out", "rate-bytes-in",
                "rate-bytes-out"}
    assert set(svc["stats"]) == counters | {"limit-drops"}, svc["stats"]
    bes = [l.split() for l in text[1:]]
    assert len(bes) == len(svc["backends"]) == 3
    for t, b in zip(bes, svc["backends"]):
        assert t[1] == endpoint(b["addr"], b["port"]), (t, b)
        kv = dict(zip(t[2::2], t[3::2]))
        assert set(b["stats"]) == counters, b["stats"]
        got = {"weight": b["weight"], "state": b["state"], "slots": b["slots"],
               "conns": b["stats"]["conns"]}
        assert {k: str(v) for k, v in got.items()} == kv, (kv, got)

    table = open(tab).read().splitlines()
    t = json.load(open(tjs))[0]
    names = [endpoint(b["addr"], b["port"]) for b in t["backends"]]
    assert [b["index"] for b in t["backends"]] == list(range(len(names)))
    assert table[0] == f"# table-size {t['table-size']} backends {len(names)}"
    assert len(t["slots"]) == t["table-size"] == svc["table-size"]
    assert table[1:] == [f"{i} {names[s]}" for i, s in enumerate(t["slots"])]
    d = json.load(open(djs))[0]
    assert open(dig).read() == \
        f"table-size {d['table-size']} digest {d['digest']}\n", d

for out in sys.argv[1:]:
    files = [out + s for s in (".show", ".json", ".pretty", ".table", ".tjson",
                               ".digest", ".djson")]
    try:
        same(*files)
        open(out + ".json-ok", "w").close()
    except Exception:
        with open(out + ".json-bad", "w") as f:
            f.write(traceback.format_exc())
EOF
}
json_ok() {	# json_ok OUT: json_same found OUT's output right
	cat "$1.json"
	[ -f "$1.json-ok" ] && return 0
	cat "$1.json-bad" 2>/dev/null
	return 1
}

balanced() {	# balanced OUT: each backend answered 70..130 flows
	local i rc=0
	for i in 1 2 3; do
		echo "b$i $(count "$1" b$i)"
		between "$(count "$1" b$i)" 70 130 || rc=1
	done
	return $rc
}

base=10000
for proto in tcp udp; do
	for fam in 4 6; do
		t="$proto IPv$fam"
		out=$TMPD/$proto$fam.out
		u=()
		[ "$proto" = udp ] && u=(-u)
		check "$t: service with 3 backends" lb_service "$lb" "$proto" "$fam" 3
		# Source ports base+1..base+300: distinct, and the same every run.
		ip netns exec "$c" nflb-client "${u[@]}" -n 300 -b "$base" -v \
			"$(vip_addr "$fam")" 80 > "$out"
		check "$t: 300 flows answered" all_answered "$out" 300
		check "$t: each backend answered 70 to 130" balanced "$out"
		check "$t: service show counts the flows" conns_counted "$proto" "$fam" "$out"
		check "$t: conntrack shows each flow translated to its backend" \
			ct_match "$lb" "$proto" "$fam" "$out"
		# Last: it takes a while, long enough for conntrack entries to expire.
		json_capture "$proto" "$fam" "$out"
		base=$((base + 1000))
	done
done

json_same "$TMPD"/{tcp,udp}{4,6}.out
for proto in tcp udp; do
	for fam in 4 6; do
		check "$proto IPv$fam: service show -j and -p say the same" \
			json_ok "$TMPD/$proto$fam.out"
	done
done

ktap_finish
