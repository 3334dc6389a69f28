/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nflb: a layer-4 passthrough load balancer in netfilter.
 *
 * Control plane: generic netlink family "nflb" (NFLB_GENL_NAME), version
 * NFLB_GENL_VERSION.  Every request is validated strictly: unknown
 * attributes, attributes of the wrong type or out of range, and reserved
 * header fields that are not zero are rejected with an extended ACK naming
 * the attribute.  A rejected request changes nothing.  Every command needs
 * CAP_NET_ADMIN in the user namespace owning the network namespace of the
 * requesting socket (GENL_UNS_ADMIN_PERM); all state is per network
 * namespace, and requests of different namespaces run in parallel (those
 * of one namespace one at a time).  The first request naming the family
 * loads the module.
 *
 * Objects
 *
 *   A service is identified by (family, protocol, VIP, port): NFLB_A_SERVICE
 *   holding NFLB_SVC_A_FAMILY (AF_INET or AF_INET6), NFLB_SVC_A_PROTO
 *   (IPPROTO_TCP or IPPROTO_UDP), NFLB_SVC_A_ADDR (4 or 16 bytes, network
 *   order) and NFLB_SVC_A_PORT (host order; 0 = every port of the VIP, the
 *   backend then keeps the client's destination port).  Options:
 *     NFLB_SVC_A_TABLE_SIZE  u32, Maglev table size: a prime within
 *                            [NFLB_INFO_A_TABLE_MIN, NFLB_INFO_A_TABLE_MAX];
 *                            default NFLB_INFO_A_TABLE_DEFAULT (4093)
 *     NFLB_SVC_A_HASH        u8, enum nflb_hash: the lookup key, the 5-tuple
 *                            (default) or the client's address (affinity)
 *     NFLB_SVC_A_SEED        u64, hash seed (default 0; equal seeds, sizes
 *                            and backends give bit-identical tables on
 *                            every node, whatever the order of insertion)
 *     NFLB_SVC_A_SNAT        u8, 0 or 1: one-arm mode, the client's source
 *                            is also rewritten to the load balancer's
 *                            address on the way to the backend
 *                            (masquerade: the outgoing interface's
 *                            address, flows expired when it goes)
 *     NFLB_SVC_A_SNAT_ADDR   4 or 16 bytes (the service's family), a
 *                            unicast address: one-arm mode with this
 *                            source instead of the interface's, a plain
 *                            SNAT binding (nft "snat to") that outlives
 *                            the address's leaving the node: the floating
 *                            address of an HA pair.  Implies SNAT 1 (SNAT 0
 *                            with it is rejected); SNAT 1 without it
 *                            (re)selects masquerade, SNAT 0 clears it.
 *                            Replies carry it when set.  Rejected on a
 *                            service whose forwarding mode is not NAT.
 *     NFLB_SVC_A_TIMEOUT_TCP      u32 seconds, 0..NFLB_TIMEOUT_MAX: idle
 *                                 timeout of the service's established TCP
 *                                 flows (conntrack state ESTABLISHED)
 *     NFLB_SVC_A_TIMEOUT_TCP_FIN  u32 seconds: closing TCP flows (FIN_WAIT,
 *                                 CLOSE_WAIT, LAST_ACK, TIME_WAIT)
 *     NFLB_SVC_A_TIMEOUT_UDP      u32 seconds: UDP flows, replied or not
 *                            The timeouts go through conntrack's own timeout
 *                            policy extension (as nft "ct timeout" does);
 *                            0 (the default) means conntrack's defaults
 *                            (the nf_conntrack_*_timeout* sysctls) apply.
 *                            TCP timeouts on a UDP service and the UDP
 *                            timeout on a TCP service are rejected.  A
 *                            change applies at once to the flows that
 *                            already carry the service's policy; a flow
 *                            keeps its policy after its service is deleted.
 *                            Flows created while all three are 0 carry
 *                            no policy and follow the sysctls.  A flow
 *                            of a service with timeouts that carries no
 *                            policy (one conntrackd injected on an HA
 *                            standby: ctnetlink carries none; or one
 *                            older than the service's timeouts) has the
 *                            service's values applied at each packet, in
 *                            the states the service overrides.  Values
 *                            above 2^31 - 1 jiffies (24.8 days at HZ=1000)
 *                            are cut to that: conntrack can time no more.  States a
 *                            service does not override (TCP SYN_SENT...)
 *                            take the sysctls' values as of the last
 *                            change of its timeouts.  Replies carry the
 *                            timeouts that are not 0.
 *     NFLB_SVC_A_FORWARD     u8, enum nflb_forward (default NAT): how a
 *                            client's packets reach the backend.  NAT is
 *                            conntrack and NAT both ways.  GRE and IPIP are
 *                            direct server return (DSR): each packet is
 *                            encapsulated to the backend unchanged (GRE
 *                            without key, checksum or sequence; IPIP; for
 *                            an IPv6 service ip6gre and IPv6-in-IPv6), the
 *                            backend answers the client itself.  SNAT is
 *                            rejected unless the method is NAT, and a DSR
 *                            service's backends must have its port.  DSR
 *                            flows stay out of conntrack, in a flow table
 *                            of the netns (net.nflb.dsr_flows entries,
 *                            allocated with its first DSR service): once a
 *                            flow has a backend no table change moves it;
 *                            a packet without an entry (a TCP packet
 *                            without SYN too: mid-flow pickup) is
 *                            scheduled by the Maglev table.  Idle
 *                            timeouts: the service's TCP, TCP FIN and UDP
 *                            timeouts (0: 900, 120 and 300 seconds), 30
 *                            seconds for a flow that sent one packet
 *                            (NFLB_FLOW_NEW: the only entries a new flow
 *                            may take over when its bucket is full), 10
 *                            seconds after a RST.  A packet (IPv4 with DF,
 *                            and all IPv6) that does not fit the route to
 *                            the backend with the encapsulation is dropped
 *                            and answered with ICMP fragmentation needed /
 *                            packet too big giving the MTU that fits.  ICMP
 *                            errors about a DSR flow (sent to the VIP) go
 *                            to the flow's backend.  Changing the method of
 *                            a service moves its flows to the new method.
 *                            Above net.nflb.dsr_flow_rate new entries a
 *                            second (a token bucket per netns, burst one
 *                            second's worth; 0: no limit) new flows are
 *                            still forwarded by the Maglev table but get
 *                            no entry (NFLB_FLOWTABLE_A_GUARD): a flood of
 *                            new flows cannot churn the table.
 *     NFLB_SVC_A_RATE        u32, 0..NFLB_SVC_RATE_MAX: new flows a second
 *                            the service takes (0, the default: no limit),
 *                            in NAT and DSR modes alike; a new flow over it
 *                            is dropped without an answer and counted in
 *                            NFLB_STATS_A_RATE_DROPS.  A new flow is a new
 *                            conntrack entry (NAT; one picked up mid-stream
 *                            by TCP loose tracking is not limited) or a
 *                            packet without a DSR flow entry (for TCP, a
 *                            SYN only: an established flow that lost its
 *                            entry is never dropped).  A token bucket per
 *                            service, without a lock: the bucket's state
 *                            is the time it drains, in nanoseconds, moved
 *                            by compare-and-exchange (GCRA); exact to the
 *                            flow but for the interval, 10^9 / RATE ns
 *                            rounded down (the rate kept is at most RATE *
 *                            (1 + RATE / 10^9)).  Replies carry it when not
 *                            0.  Setting RATE or BURST refills the bucket.
 *     NFLB_SVC_A_BURST       u32, 1..NFLB_SVC_RATE_MAX: flows taken at once
 *                            above the rate (the bucket's depth); default
 *                            (absent with a RATE) the rate, one second's
 *                            worth; rejected while the rate is 0.  Replies
 *                            carry it with RATE.
 *     NFLB_SVC_A_SYNPROXY    u8, 0 (default) or 1: SYN proxy.  The load
 *                            balancer answers a client's SYN itself with
 *                            a SYN cookie (nf_synproxy_core), keeping no
 *                            state and picking no backend; only the ACK
 *                            that returns a valid cookie makes a conntrack
 *                            entry, picks the backend and opens the
 *                            connection to it, whose sequence numbers and
 *                            timestamps are then translated.  Other
 *                            packets to the service without a conntrack
 *                            entry are dropped (counted as drops).  The
 *                            client's MSS is kept rounded down to a cookie
 *                            value; window scale (advertised: 7, which the
 *                            backends' must equal), SACK and ECN are kept
 *                            only for clients that send timestamps.  The
 *                            load balancer needs a route to the VIP (the
 *                            synproxy's SYN to the backend is routed
 *                            before DNAT).  TCP services in NAT mode only:
 *                            rejected on a UDP service and with a forward
 *                            method other than NAT.  Clients on the load
 *                            balancer itself are not proxied.  Replies
 *                            carry it.
 *   A backend belongs to a service and is identified by its address and
 *   port: NFLB_A_BACKEND holding NFLB_BE_A_FAMILY (must equal the
 *   service's), NFLB_BE_A_ADDR, NFLB_BE_A_PORT (absent: the service port;
 *   must be absent or 0 for an all-ports service).  Options:
 *     NFLB_BE_A_WEIGHT       u32, 0..65535 (default 1); 0 takes no new flows
 *     NFLB_BE_A_STATE        u8, enum nflb_backend_state (default UP);
 *                            DRAIN and DOWN take no new flows, established
 *                            flows continue through conntrack
 *
 * Commands
 *
 *   NFLB_CMD_GET_INFO      -> NFLB_A_INFO: version, table size bounds.
 *   NFLB_CMD_SERVICE_NEW   NFLB_A_SERVICE (key + options), optionally with
 *                          NFLB_SVC_A_BACKENDS: NFLB_A_BACKEND nests (key +
 *                          options) created with the service, the table
 *                          built once.  Each backend is checked as
 *                          BACKEND_NEW checks one; a backend given twice is
 *                          rejected (EEXIST, the extack names the second).
 *                          All or nothing: on any error neither the service
 *                          nor any backend is created.  EEXIST if the
 *                          service exists.  Other commands reject
 *                          NFLB_SVC_A_BACKENDS.  Once the service exists,
 *                          the conntrack entries to its VIP and port that
 *                          carry no DNAT binding (flows that started before
 *                          it, which conntrack would otherwise keep on the
 *                          VIP for as long as they send) are expired, before
 *                          the reply: their next packet is a new flow of the
 *                          service.
 *   NFLB_CMD_SERVICE_SET   NFLB_A_SERVICE (key + options to change).
 *   NFLB_CMD_SERVICE_DEL   NFLB_A_SERVICE (key).  Its flows live on in
 *                          conntrack until they end (the module's hooks
 *                          stay registered in the netns from its first
 *                          service until the netns goes or the module is
 *                          unloaded, so nf_nat keeps translating them).
 *   NFLB_CMD_SERVICE_GET   doit: NFLB_A_SERVICE (key); dump: every service,
 *                          or the one named by an NFLB_A_SERVICE key.
 *                          Reply: NFLB_A_SERVICE with key, options,
 *                          NFLB_SVC_A_STATS and NFLB_SVC_A_BACKENDS (a nest
 *                          of NFLB_A_BACKEND, each with its options,
 *                          NFLB_BE_A_SLOTS and NFLB_BE_A_STATS).  In a
 *                          dump, a service whose backends do not fit one
 *                          message goes on in the next: that message holds
 *                          the key, NFLB_SVC_A_CONT and the next part of
 *                          NFLB_SVC_A_BACKENDS.  If the configuration
 *                          changed between two parts, the service starts
 *                          over with a message without NFLB_SVC_A_CONT and
 *                          the dump is marked NLM_F_DUMP_INTR.  A doit
 *                          reply that would not fit a message (32 KiB, the
 *                          largest a dump sends) fails with EMSGSIZE: use
 *                          the dump.
 *   NFLB_CMD_BACKEND_NEW   NFLB_A_SERVICE (key), NFLB_A_BACKEND.  EEXIST
 *                          if the backend exists.
 *   NFLB_CMD_BACKEND_SET   NFLB_A_SERVICE (key), NFLB_A_BACKEND (key +
 *                          options to change), optional NFLB_A_FLUSH: then
 *                          also expire the backend's conntrack entries of
 *                          the service, so that its flows (UDP ones above
 *                          all, which never end by themselves) are
 *                          scheduled again by their next packet: with the
 *                          backend down, drained or of weight 0, to another.
 *   NFLB_CMD_BACKEND_DEL   NFLB_A_SERVICE (key), NFLB_A_BACKEND (key),
 *                          optional NFLB_A_FLUSH: also expire the
 *                          backend's conntrack entries.  A flush happens
 *                          after the reply's change took effect and before
 *                          the reply.
 *   NFLB_CMD_FLUSH         delete every service of the netns.
 *   NFLB_CMD_TABLE_GET     dump, NFLB_A_SERVICE (key): the service's Maglev
 *                          table in messages holding NFLB_A_TABLE: the first
 *                          with NFLB_TABLE_A_SIZE; NFLB_TABLE_A_BACKENDS
 *                          (NFLB_A_BACKEND nests in index order, split over
 *                          as many messages as needed: concatenate them);
 *                          then messages with NFLB_TABLE_A_OFFSET and
 *                          NFLB_TABLE_A_SLOTS (u16 backend indices, host
 *                          order, for the slots from OFFSET on).  An empty
 *                          table (no backend up) has SIZE 0.
 *   NFLB_CMD_STATS_ZERO    optional NFLB_A_SERVICE (key): zero the counters
 *                          of that service and its backends, or of every
 *                          service.  Rates are not reset.
 *
 *   NFLB_CMD_FLOW_GET      dump, optional NFLB_A_SERVICE (key): the DSR
 *                          flows of the netns (or of that service), one
 *                          NFLB_A_FLOW per message.  doit: NFLB_A_FLOWTABLE,
 *                          the flow table's size, occupancy and counters.
 *   NFLB_CMD_FLOW_FLUSH    optional NFLB_A_SERVICE (key), NFLB_A_BACKEND
 *                          (with a service: its flows to that address):
 *                          forget DSR flows; their next packets are
 *                          scheduled again (mid-flow pickup).  BACKEND_DEL
 *                          and BACKEND_SET with NFLB_A_FLUSH also forget the
 *                          backend's DSR flows, SERVICE_DEL the service's.
 *
 *   NFLB_CMD_OFFLOAD_SET   NFLB_A_OFFLOAD holding 0..NFLB_OFFLOAD_DEV_MAX
 *                          NFLB_OFFLOAD_A_DEV: the devices of the netns
 *                          whose forwarded NAT flows take the flowtable
 *                          fast path (nf_flow_table) once established
 *                          (TCP ESTABLISHED, UDP answered), both ends' devices
 *                          listed; none turns the fast path off and hands
 *                          every offloaded flow back to conntrack.  The
 *                          list replaces the previous one.  ENODEV names
 *                          a device that does not exist, EOPNOTSUPP one
 *                          that is not an Ethernet device; no change then.
 *   NFLB_CMD_OFFLOAD_GET   -> NFLB_A_OFFLOAD: the devices, the flows in the
 *                          flowtable (NFLB_OFFLOAD_A_FLOWS, only while on)
 *                          and the flows whose packets are counted from
 *                          conntrack's accounting (NFLB_OFFLOAD_A_COUNTED).
 *
 * Events: every change is multicast to the group NFLB_MCGRP_EVENTS as a
 * message of the command that made it: SERVICE_NEW and SERVICE_SET with
 * NFLB_A_SERVICE (key and every option, no stats), SERVICE_DEL with the
 * key; BACKEND_NEW, BACKEND_SET and BACKEND_DEL with NFLB_A_SERVICE (key)
 * and NFLB_A_BACKEND (key and every option; for a deletion the key);
 * FLUSH with no attribute.  A SERVICE_NEW that created backends is followed
 * by one BACKEND_NEW per backend.  Events are sent after the change took
 * effect, in the order of the changes.
 *
 * Statistics (NFLB_SVC_A_STATS, NFLB_BE_A_STATS): u64 counters, kept per
 * CPU: connections scheduled, packets and bytes from clients (IN) and from
 * backends (OUT), new flows dropped because no backend was available
 * (DROPS) and, for a service, new flows dropped over its rate (RATE_DROPS).
 * DSR services count the client's direction only: OUT stays 0; a service
 * also counts, by reason, the packets its DSR path dropped: too big for
 * the route once encapsulated, answered with ICMP fragmentation needed or
 * packet too big (TOO_BIG_DROPS), no route to the backend or no room for
 * the outer header (ENCAP_DROPS); and its new flows forwarded without a
 * flow-table entry, the bucket full or the flood guard closed (UNPINNED,
 * counted at each packet until one gets an entry).  The netns's totals
 * are in FLOW_GET's reply (NFLB_A_FLOWTABLE).
 * Rates (NFLB_STATS_A_RATE_*, u64 per second) come from an estimator in the
 * kernel: every NFLB_RATE_INTERVAL seconds it takes the difference of the
 * counters and folds it into an exponentially weighted moving average
 * (weight 1/4 per interval), as IPVS's estimator does.
 *
 * A new flow to a service with no backend up with a non-zero weight is
 * dropped and answered: TCP with a reset, UDP with ICMP port unreachable.
 *
 * Limits: a network namespace holds at most net.nflb.max_services services,
 * net.nflb.max_backends backends (all services together; one service has
 * at most 65535) and net.nflb.max_table_slots slots (the sum of its
 * services' NFLB_SVC_A_TABLE_SIZE, counted from creation whether or not a
 * backend is up).  SERVICE_NEW (with its backends), BACKEND_NEW and a
 * SERVICE_SET that enlarges the table fail with ENOSPC, an extended ACK
 * naming the sysctl, and no change, when they would go over one.  The
 * sysctls are writable in the initial network namespace only; every other
 * one reads the same values and is counted on its own.  What a request
 * makes the kernel hold is charged to the sender's memory cgroup.
 */
#ifndef _UAPI_LINUX_NFLB_H
#define _UAPI_LINUX_NFLB_H

#define NFLB_GENL_NAME		"nflb"
#define NFLB_GENL_VERSION	1
#define NFLB_MCGRP_EVENTS	"events"

#define NFLB_TIMEOUT_MAX	4000000	/* seconds, per-service timeouts */
#define NFLB_RATE_INTERVAL	2	/* seconds, rate estimator period */
#define NFLB_SVC_RATE_MAX	100000000	/* NFLB_SVC_A_RATE, NFLB_SVC_A_BURST */

enum nflb_cmd {
	NFLB_CMD_UNSPEC,
	NFLB_CMD_GET_INFO,
	NFLB_CMD_SERVICE_NEW,
	NFLB_CMD_SERVICE_SET,
	NFLB_CMD_SERVICE_DEL,
	NFLB_CMD_SERVICE_GET,
	NFLB_CMD_BACKEND_NEW,
	NFLB_CMD_BACKEND_SET,
	NFLB_CMD_BACKEND_DEL,
	NFLB_CMD_FLUSH,
	NFLB_CMD_TABLE_GET,
	NFLB_CMD_STATS_ZERO,
	NFLB_CMD_FLOW_GET,
	NFLB_CMD_FLOW_FLUSH,
	NFLB_CMD_OFFLOAD_SET,
	NFLB_CMD_OFFLOAD_GET,

	__NFLB_CMD_MAX
};
#define NFLB_CMD_MAX (__NFLB_CMD_MAX - 1)

enum nflb_attr {
	NFLB_A_UNSPEC,
	NFLB_A_INFO,		/* nested, enum nflb_info_attr */
	NFLB_A_SERVICE,		/* nested, enum nflb_service_attr */
	NFLB_A_BACKEND,		/* nested, enum nflb_backend_attr */
	NFLB_A_FLUSH,		/* flag */
	NFLB_A_TABLE,		/* nested, enum nflb_table_attr */
	NFLB_A_FLOW,		/* nested, enum nflb_flow_attr */
	NFLB_A_FLOWTABLE,	/* nested, enum nflb_flowtable_attr */
	NFLB_A_OFFLOAD,		/* nested, enum nflb_offload_attr */

	__NFLB_A_MAX
};
#define NFLB_A_MAX (__NFLB_A_MAX - 1)

enum nflb_info_attr {
	NFLB_INFO_A_UNSPEC,
	NFLB_INFO_A_VERSION,		/* string */
	NFLB_INFO_A_VERSION_CODE,	/* u32 */
	NFLB_INFO_A_TABLE_MIN,		/* u32 */
	NFLB_INFO_A_TABLE_MAX,		/* u32 */
	NFLB_INFO_A_TABLE_DEFAULT,	/* u32 */

	__NFLB_INFO_A_MAX
};
#define NFLB_INFO_A_MAX (__NFLB_INFO_A_MAX - 1)

enum nflb_hash {
	NFLB_HASH_5TUPLE,
	NFLB_HASH_SOURCE,

	__NFLB_HASH_MAX
};
#define NFLB_HASH_MAX (__NFLB_HASH_MAX - 1)

enum nflb_service_attr {
	NFLB_SVC_A_UNSPEC,
	NFLB_SVC_A_FAMILY,	/* u16: AF_INET, AF_INET6 */
	NFLB_SVC_A_PROTO,	/* u8: IPPROTO_TCP, IPPROTO_UDP */
	NFLB_SVC_A_ADDR,	/* binary: 4 or 16 bytes */
	NFLB_SVC_A_PORT,	/* u16, host order */
	NFLB_SVC_A_TABLE_SIZE,	/* u32 */
	NFLB_SVC_A_HASH,	/* u8, enum nflb_hash */
	NFLB_SVC_A_SEED,	/* u64 */
	NFLB_SVC_A_SNAT,	/* u8: 0, 1 */
	NFLB_SVC_A_STATS,	/* nested, enum nflb_stats_attr (reply) */
	NFLB_SVC_A_BACKENDS,	/* nested, NFLB_A_BACKEND list */
	NFLB_SVC_A_PAD,
	NFLB_SVC_A_TIMEOUT_TCP,		/* u32, seconds; 0: conntrack's */
	NFLB_SVC_A_TIMEOUT_TCP_FIN,	/* u32, seconds; 0: conntrack's */
	NFLB_SVC_A_TIMEOUT_UDP,		/* u32, seconds; 0: conntrack's */
	NFLB_SVC_A_CONT,	/* flag: continues the previous message's */
	NFLB_SVC_A_FORWARD,	/* u8, enum nflb_forward */
	NFLB_SVC_A_SNAT_ADDR,	/* binary: 4 or 16 bytes, one-arm source */
	NFLB_SVC_A_RATE,	/* u32: new flows per second; 0: no limit */
	NFLB_SVC_A_BURST,	/* u32: new flows at once above the rate */
	NFLB_SVC_A_SYNPROXY,	/* u8: 0, 1 */

	__NFLB_SVC_A_MAX
};
#define NFLB_SVC_A_MAX (__NFLB_SVC_A_MAX - 1)

enum nflb_forward {
	NFLB_FORWARD_NAT,	/* conntrack and NAT, both directions */
	NFLB_FORWARD_GRE,	/* DSR: GRE (IPv6: ip6gre) to the backend */
	NFLB_FORWARD_IPIP,	/* DSR: IPIP (IPv6: IPv6-in-IPv6) */

	__NFLB_FORWARD_MAX
};
#define NFLB_FORWARD_MAX (__NFLB_FORWARD_MAX - 1)

enum nflb_backend_state {
	NFLB_BACKEND_UP,
	NFLB_BACKEND_DRAIN,
	NFLB_BACKEND_DOWN,

	__NFLB_BACKEND_STATE_MAX
};
#define NFLB_BACKEND_STATE_MAX (__NFLB_BACKEND_STATE_MAX - 1)

enum nflb_backend_attr {
	NFLB_BE_A_UNSPEC,
	NFLB_BE_A_FAMILY,	/* u16: AF_INET, AF_INET6 */
	NFLB_BE_A_ADDR,		/* binary: 4 or 16 bytes */
	NFLB_BE_A_PORT,		/* u16, host order */
	NFLB_BE_A_WEIGHT,	/* u32: 0..65535 */
	NFLB_BE_A_STATE,	/* u8, enum nflb_backend_state */
	NFLB_BE_A_SLOTS,	/* u32: Maglev slots held (reply) */
	NFLB_BE_A_STATS,	/* nested, enum nflb_stats_attr (reply) */

	__NFLB_BE_A_MAX
};
#define NFLB_BE_A_MAX (__NFLB_BE_A_MAX - 1)

enum nflb_stats_attr {
	NFLB_STATS_A_UNSPEC,
	NFLB_STATS_A_CONNS,	/* u64 */
	NFLB_STATS_A_PKTS_IN,	/* u64 */
	NFLB_STATS_A_PKTS_OUT,	/* u64 */
	NFLB_STATS_A_BYTES_IN,	/* u64 */
	NFLB_STATS_A_BYTES_OUT,	/* u64 */
	NFLB_STATS_A_DROPS,	/* u64 */
	NFLB_STATS_A_PAD,
	NFLB_STATS_A_RATE_CONNS,	/* u64, per second */
	NFLB_STATS_A_RATE_PKTS_IN,	/* u64, per second */
	NFLB_STATS_A_RATE_PKTS_OUT,	/* u64, per second */
	NFLB_STATS_A_RATE_BYTES_IN,	/* u64, per second */
	NFLB_STATS_A_RATE_BYTES_OUT,	/* u64, per second */
	NFLB_STATS_A_RATE_DROPS,	/* u64: new flows over NFLB_SVC_A_RATE */
	NFLB_STATS_A_TOO_BIG_DROPS,	/* u64: DSR, too big once encapsulated */
	NFLB_STATS_A_ENCAP_DROPS,	/* u64: DSR, no route or no headroom */
	NFLB_STATS_A_UNPINNED,	/* u64: DSR, new flows left without entry */

	__NFLB_STATS_A_MAX
};
#define NFLB_STATS_A_MAX (__NFLB_STATS_A_MAX - 1)

enum nflb_table_attr {
	NFLB_TABLE_A_UNSPEC,
	NFLB_TABLE_A_SIZE,	/* u32 */
	NFLB_TABLE_A_BACKENDS,	/* nested, NFLB_A_BACKEND list, index order */
	NFLB_TABLE_A_OFFSET,	/* u32 */
	NFLB_TABLE_A_SLOTS,	/* binary: u16 backend indices */

	__NFLB_TABLE_A_MAX
};
#define NFLB_TABLE_A_MAX (__NFLB_TABLE_A_MAX - 1)

/* States of a DSR flow, as seen from the client's side only. */
enum nflb_flow_state {
	NFLB_FLOW_NEW,		/* one packet seen: may be evicted */
	NFLB_FLOW_ESTABLISHED,	/* TCP: a second packet without SYN/FIN/RST */
	NFLB_FLOW_FIN,		/* TCP: FIN seen */
	NFLB_FLOW_CLOSE,	/* TCP: RST seen */
	NFLB_FLOW_UDP,		/* UDP: a second packet seen */

	__NFLB_FLOW_STATE_MAX
};
#define NFLB_FLOW_STATE_MAX (__NFLB_FLOW_STATE_MAX - 1)

enum nflb_flow_attr {
	NFLB_FLOW_A_UNSPEC,
	NFLB_FLOW_A_FAMILY,	/* u16 */
	NFLB_FLOW_A_PROTO,	/* u8 */
	NFLB_FLOW_A_SADDR,	/* binary: the client */
	NFLB_FLOW_A_SPORT,	/* u16, host order */
	NFLB_FLOW_A_DADDR,	/* binary: the VIP */
	NFLB_FLOW_A_DPORT,	/* u16, host order */
	NFLB_FLOW_A_BACKEND,	/* binary: the backend's address */
	NFLB_FLOW_A_STATE,	/* u8, enum nflb_flow_state */
	NFLB_FLOW_A_TIMEOUT,	/* u32, seconds left */

	__NFLB_FLOW_A_MAX
};
#define NFLB_FLOW_A_MAX (__NFLB_FLOW_A_MAX - 1)

enum nflb_flowtable_attr {
	NFLB_FLOWTABLE_A_UNSPEC,
	NFLB_FLOWTABLE_A_PAD,
	NFLB_FLOWTABLE_A_SIZE,		/* u32: entries (0: no table yet) */
	NFLB_FLOWTABLE_A_USED,		/* u32: live entries */
	NFLB_FLOWTABLE_A_INSERTS,	/* u64: entries created */
	NFLB_FLOWTABLE_A_EVICTS,	/* u64: NEW entries given to others */
	NFLB_FLOWTABLE_A_FULL,		/* u64: flows left without an entry */
	NFLB_FLOWTABLE_A_TOO_BIG,	/* u64: dropped, ICMP "too big" sent */
	NFLB_FLOWTABLE_A_NO_ROUTE,	/* u64: dropped, no route to backend */
	NFLB_FLOWTABLE_A_ERRORS,	/* u64: dropped, no memory for headroom */
	NFLB_FLOWTABLE_A_ICMP,		/* u64: ICMP errors sent to backends */
	NFLB_FLOWTABLE_A_GUARD,		/* u64: flows left out, guard */
	NFLB_FLOWTABLE_A_RATE,		/* u32: net.nflb.dsr_flow_rate */

	__NFLB_FLOWTABLE_A_MAX
};
#define NFLB_FLOWTABLE_A_MAX (__NFLB_FLOWTABLE_A_MAX - 1)

#define NFLB_OFFLOAD_DEV_MAX	16	/* NFLB_OFFLOAD_A_DEV in one request */

enum nflb_offload_attr {
	NFLB_OFFLOAD_A_UNSPEC,
	NFLB_OFFLOAD_A_DEV,		/* u32 ifindex, once per device */
	NFLB_OFFLOAD_A_FLOWS,		/* u32: flows in the flowtable (reply) */
	NFLB_OFFLOAD_A_COUNTED,		/* u32: flows counted from it (reply) */

	__NFLB_OFFLOAD_A_MAX
};
#define NFLB_OFFLOAD_A_MAX (__NFLB_OFFLOAD_A_MAX - 1)

#endif /* _UAPI_LINUX_NFLB_H */
