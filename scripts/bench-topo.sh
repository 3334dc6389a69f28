# shellcheck shell=bash disable=SC2154 # c, lb, r, topo_*, plane: the caller's
# The topology of the benchmarks, sourced by scripts/bench-guest (`make
# bench`, `make bench-dsr`) and scripts/bench-cost-guest (`make
# bench-cost`): one place that builds it, so that both measure the same
# network.  Built afresh for every data plane (so that nothing one plane
# registered in the load balancer's namespace stays for the next).
#
# NAT and plain routing: the load balancer is the backends' router:
#   c (100.64.0.1/16) == veth == lb (100.64.255.254/16; 198.51.100.254/24
#     on bridge br0) == veth == bI (198.51.100.I/24, I = 1..3).
# Direct server return (is_dsr): the load balancer is not the backends'
# router, so that replies go straight to the client:
#   c == veth == r (router: 100.64.255.254/16; 198.51.100.254/24 on br0)
#     == bridge br0 == lb (198.51.100.253/24; r routes 10.0.0.0/8 to it)
#                 == bI (198.51.100.I/24, default route via r), prepared
#                    for the VIP $topo_vip by nflb-dsr-backend (tunnels) or
#                    by hand (IPVS DR: the VIP on lo, arp_ignore 1,
#                    arp_announce 2).
# In both, lb routes 10.0.0.0/8 to lo: IPVS serves only addresses that are
# local (it hooks LOCAL_IN), so the VIP range is, for every plane alike.
#
# The caller sets: c, lb, r (namespace names), topo_b (backend namespaces
# are ${topo_b}1..3), plane (the data plane being set up), topo_vip (the
# VIP DSR backends hold), NFLB_DSR_STATE (nflb-dsr-backend's state, wiped
# with the namespaces), and defines topo_serve NS I (start backend I's
# server in NS, in the background; it creates /tmp/readyI once listening,
# and its output, if kept, goes to /tmp/serveI.log)
# and topo_check I (0 if backend I answers the client).

# is_dsr PLANE: a direct server return plane (the topology of its own).
is_dsr() {
	case "$1" in
	routing-dsr | nflb-ipip | nflb-gre | nflb-dsr-* | ipvs-tun-* | ipvs-dr) return 0 ;;
	esac
	return 1
}

# prepare_backend NS PLANE VIP: what a DSR backend needs for VIP.
prepare_backend() {
	case "$2" in
	*-ipip) ip netns exec "$1" nflb-dsr-backend add "$3" ipip ;;
	*-gre) ip netns exec "$1" nflb-dsr-backend add "$3" gre ;;
	ipvs-dr)
		ip -n "$1" addr add "$3/32" dev lo
		ip netns exec "$1" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2 ;;
	esac
}

topo_down() {
	local ns
	for ns in "$c" "$lb" "$r" "${topo_b}1" "${topo_b}2" "${topo_b}3"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$NFLB_DSR_STATE"
	# Namespace teardown is asynchronous: let it finish before measuring.
	sleep 2
}

topo_up() {
	local i ns rt=$lb
	# The router: the load balancer itself (NAT), or a namespace of its
	# own that the load balancer and the backends share a segment with.
	is_dsr "$plane" && rt=$r
	ip netns add "$c"
	ip netns add "$lb"
	[ "$rt" = "$lb" ] || ip netns add "$rt"
	ip -n "$c" link set lo up
	ip -n "$lb" link set lo up
	ip -n "$rt" link set lo up
	ip netns exec "$lb" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$rt" sysctl -qw net.ipv4.ip_forward=1
	ip link add c0 netns "$c" type veth peer name l0 netns "$rt"
	ip -n "$rt" -batch - <<-EOF
		link add br0 address 02:00:00:00:00:fe type bridge
		link set br0 up
		link set l0 up
		addr add 100.64.255.254/16 dev l0
		addr add 198.51.100.254/24 dev br0
	EOF
	if [ "$rt" != "$lb" ]; then
		ip link add eth0 netns "$lb" type veth peer name l1 netns "$rt"
		ip -n "$rt" link set l1 master br0 up
		ip -n "$lb" -batch - <<-EOF
			link set eth0 up
			addr add 198.51.100.253/24 dev eth0
			route add default via 198.51.100.254
		EOF
		ip -n "$rt" route add 10.0.0.0/8 via 198.51.100.253
	fi
	ip -n "$lb" route add local 10.0.0.0/8 dev lo
	ip -n "$c" -batch - <<-EOF
		link set c0 up
		addr add 100.64.0.1/16 dev c0
		route add default via 100.64.255.254
	EOF
	for i in 1 2 3; do
		ns=$topo_b$i
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip link add eth0 netns "$ns" type veth peer name "b$i" netns "$rt"
		ip -n "$rt" link set "b$i" master br0 up
		ip -n "$ns" -batch - <<-EOF
			link set eth0 up
			addr add 198.51.100.$i/24 dev eth0
			route add default via 198.51.100.254
		EOF
		prepare_backend "$ns" "$plane" "$topo_vip"
		rm -f "/tmp/ready$i"
		topo_serve "$ns" "$i"
	done
	for i in 1 2 3; do
		for _ in $(seq 100); do
			[ -e "/tmp/ready$i" ] && break
			sleep 0.1
		done
		if [ ! -e "/tmp/ready$i" ]; then
			say "server b$i did not start"
			cat "/tmp/serve$i.log" >&2 2>/dev/null
			return 1
		fi
		topo_check "$i" || { say "backend b$i unreachable"; return 1; }
	done
}
