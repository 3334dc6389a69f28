/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libnflbnl: the userspace side of the "nflb" generic netlink family, shared
 * by lbadm and lbhealthd.  Built on libmnl.
 */
#ifndef NFLBNL_H
#define NFLBNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/nflb.h>

struct nflb_nl;

/* Why the last request failed: an errno and the kernel's extack message. */
struct nflb_nl_err {
	int error;		/* positive errno, 0 if none */
	char msg[256];		/* extack message, or strerror(error) */
	uint32_t bad_attr_off;	/* extack attribute offset, 0 if none */
};

/*
 * Open a socket and resolve the family (loading the module on demand).
 * Returns NULL with *err filled on failure.
 */
struct nflb_nl *nflb_nl_open(struct nflb_nl_err *err);
void nflb_nl_close(struct nflb_nl *nl);

/* Genl family version the kernel reported. */
unsigned int nflb_nl_family_version(const struct nflb_nl *nl);

/*
 * Start a request for CMD in the socket's buffer; add attributes with
 * mnl_attr_put*() and send it with nflb_nl_talk().
 */
struct nlmsghdr *nflb_nl_msg(struct nflb_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send NLH and process replies until the ACK (or end of dump) with CB on
 * every data message.  Returns 0, or -1 with the error in nflb_nl_error().
 */
int nflb_nl_talk(struct nflb_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data);
const struct nflb_nl_err *nflb_nl_error(const struct nflb_nl *nl);

/* Parse an NLMSG_ERROR message (with extack TLVs) into ERR. */
int nflb_nl_parse_error(const struct nlmsghdr *nlh, struct nflb_nl_err *err);

/* Parse an NLMSG_DONE (a dump's end: its error and extack, if any). */
int nflb_nl_parse_done(const struct nlmsghdr *nlh, struct nflb_nl_err *err);

/* Record an error of our own (a malformed reply, say) as the last error. */
void nflb_nl_set_error(struct nflb_nl *nl, int error, const char *msg);

/*
 * Start a request for CMD in BUF (at least MNL_SOCKET_BUFFER_SIZE bytes),
 * for family FAMILY_ID: nflb_nl_msg() on any buffer, so that requests can be
 * built and inspected without a socket.
 */
struct nlmsghdr *nflb_msg_put_header(void *buf, uint16_t family_id,
				     uint8_t cmd, uint16_t flags);

/* Module information (NFLB_CMD_GET_INFO). */
struct nflb_info {
	char version[32];
	uint32_t version_code;
	uint32_t table_min, table_max, table_default;
};

int nflb_get_info(struct nflb_nl *nl, struct nflb_info *info);

/* "MAJOR.MINOR.PATCH" of a version code. */
void nflb_version_format(uint32_t code, char *buf, size_t len);

/*
 * Services and backends (NFLB_CMD_SERVICE_*, NFLB_CMD_BACKEND_*,
 * NFLB_CMD_FLUSH, NFLB_CMD_TABLE_GET).
 *
 * Each object has a bit mask PRESENT indexed by its attribute numbers:
 * NFLB_HAS(svc, NFLB_SVC_A_SEED) is true when the seed was given (in a
 * request: it is sent) or received (in a reply).  The key (family, proto,
 * addr, port of a service; family, addr of a backend) is always sent;
 * a backend's port only when present.  Replies fill every field they carry
 * and ignore attributes this library does not know.
 */
#define NFLB_BIT(attr)		(1U << (attr))
#define NFLB_HAS(obj, attr)	(((obj)->present & NFLB_BIT(attr)) != 0)
#define NFLB_SET(obj, attr)	((obj)->present |= NFLB_BIT(attr))

union nflb_inaddr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t raw[16];
};

/* Counters of NFLB_SVC_A_STATS / NFLB_BE_A_STATS; PRESENT: NFLB_STATS_A_*. */
struct nflb_stats {
	unsigned int present;
	uint64_t conns;
	uint64_t pkts_in, pkts_out;
	uint64_t bytes_in, bytes_out;
	uint64_t drops;
	uint64_t rate_drops;		/* services: over NFLB_SVC_A_RATE */
	/* DSR services: drops by reason, flows left without an entry. */
	uint64_t too_big_drops, encap_drops, unpinned;
	/* Kernel estimator, per second (NFLB_STATS_A_RATE_*). */
	uint64_t rate_conns;
	uint64_t rate_pkts_in, rate_pkts_out;
	uint64_t rate_bytes_in, rate_bytes_out;
};

/* PRESENT: NFLB_BE_A_* (PORT, WEIGHT, STATE; SLOTS and STATS in replies). */
struct nflb_backend {
	unsigned int present;
	uint16_t family;		/* AF_INET, AF_INET6 */
	union nflb_inaddr addr;		/* network order */
	uint16_t port;
	uint32_t weight;		/* 0..65535 */
	uint8_t state;			/* enum nflb_backend_state */
	uint32_t slots;
	struct nflb_stats stats;
};

/* PRESENT: NFLB_SVC_A_* (options; STATS and BACKENDS in replies). */
struct nflb_service {
	unsigned int present;
	uint16_t family;		/* AF_INET, AF_INET6 */
	uint8_t proto;			/* IPPROTO_TCP, IPPROTO_UDP */
	union nflb_inaddr addr;		/* network order */
	uint16_t port;			/* 0: every port */
	uint32_t table_size;
	uint8_t hash;			/* enum nflb_hash */
	uint8_t snat;			/* 0, 1 */
	uint8_t forward;		/* enum nflb_forward */
	uint8_t synproxy;		/* 0, 1 */
	union nflb_inaddr snat_addr;	/* NFLB_SVC_A_SNAT_ADDR: snat to it */
	uint64_t seed;
	uint32_t timeout_tcp;		/* seconds, 0: conntrack's default */
	uint32_t timeout_tcp_fin;
	uint32_t timeout_udp;
	uint32_t rate;			/* new flows/s, 0: no limit */
	uint32_t burst;			/* with rate */
	struct nflb_stats stats;
	/*
	 * Replies: every backend (a dump's continuation messages merged).
	 * nflb_service_add(): backends created with the service.
	 */
	size_t n_backends;
	struct nflb_backend *backends;
};

/* A service's Maglev table (NFLB_CMD_TABLE_GET). */
struct nflb_table {
	uint32_t size;			/* 0: empty (no backend up) */
	size_t n_backends;
	struct nflb_backend *backends;	/* index order: family, addr, port */
	uint16_t *slots;		/* size entries, indices into backends */
	uint32_t filled;		/* slots received so far */
	bool has_size;			/* NFLB_TABLE_A_SIZE received */
};

/*
 * Called for every service of a reply, whole (a dump's continuation
 * messages merged: see nflb_service_collect()); SVC (and its backends) is
 * valid during the call only, and CB must not send requests on the same
 * socket.  A negative return stops the dump (the request fails with
 * ECANCELED).
 */
typedef int (*nflb_service_cb)(const struct nflb_service *svc, void *data);

/*
 * Requests.  Return 0, or -1 with the error (the kernel's extack message
 * when it sent one) in nflb_nl_error().  SVC's options are sent by
 * service_add/set only, BE's by backend_add/set only.
 */
int nflb_service_add(struct nflb_nl *nl, const struct nflb_service *svc);
int nflb_service_set(struct nflb_nl *nl, const struct nflb_service *svc);
int nflb_service_del(struct nflb_nl *nl, const struct nflb_service *svc);
/* nflb_service_get(): a dump of KEY's service only, so any size fits. */
int nflb_service_get(struct nflb_nl *nl, const struct nflb_service *key,
		     nflb_service_cb cb, void *data);
int nflb_service_dump(struct nflb_nl *nl, nflb_service_cb cb, void *data);
int nflb_backend_add(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be);
int nflb_backend_set(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be);
/* With FLUSH, the backend's flows of the service are expired as well. */
int nflb_backend_set_flush(struct nflb_nl *nl, const struct nflb_service *svc,
			   const struct nflb_backend *be, bool flush);
int nflb_backend_del(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be, bool flush);
int nflb_flush(struct nflb_nl *nl);

/*
 * The flowtable fast path of the netns: its devices (N ifindexes; none
 * turns it off), the flows in the flowtable and those counted from
 * conntrack's accounting.
 */
struct nflb_offload {
	uint32_t ifindex[NFLB_OFFLOAD_DEV_MAX];
	size_t n_devs;
	uint32_t flows, counted;
};

int nflb_offload_set(struct nflb_nl *nl, const uint32_t *ifindex, size_t n);
int nflb_offload_get(struct nflb_nl *nl, struct nflb_offload *off);
/* NFLB_A_OFFLOAD of an OFFLOAD_SET request: the N devices (none: off). */
void nflb_offload_msg(struct nlmsghdr *nlh, const uint32_t *ifindex,
		      size_t n);
/*
 * Device NAME of this process' netns as an offload device: its ifindex,
 * or -1 with MSG saying why not (no such device, not Ethernet, loopback:
 * the kernel's rules, checked before anything is sent).
 */
int nflb_offload_dev(const char *name, uint32_t *ifindex, char *msg,
		     size_t len);

/* A DSR flow (NFLB_CMD_FLOW_GET dump), addresses in network order. */
struct nflb_flow {
	uint16_t family;
	uint8_t proto;
	uint8_t state;			/* enum nflb_flow_state */
	union nflb_inaddr client, vip, backend;
	uint16_t client_port, vip_port;
	uint32_t timeout;		/* seconds left */
};

/* The DSR flow table of the netns (NFLB_CMD_FLOW_GET doit). */
struct nflb_flowtable {
	uint32_t size, used;
	uint64_t inserts, evicts, full, too_big, no_route, errors, icmp;
	uint64_t guard;			/* left out over rate */
	uint32_t rate;			/* net.nflb.dsr_flow_rate */
};

typedef int (*nflb_flow_cb)(const struct nflb_flow *flow, void *data);

/*
 * The DSR flows of the netns, or of KEY's service (KEY need not exist),
 * one CB call each; a negative return stops the dump.  nflb_flow_flush()
 * forgets them (of KEY, of KEY's backend BE's address); either may be
 * NULL, BE only with KEY.
 */
int nflb_flow_dump(struct nflb_nl *nl, const struct nflb_service *key,
		   nflb_flow_cb cb, void *data);
int nflb_flow_flush(struct nflb_nl *nl, const struct nflb_service *key,
		    const struct nflb_backend *be);
int nflb_flowtable_get(struct nflb_nl *nl, struct nflb_flowtable *ft);
/* Zero the counters of KEY's service and backends, or of all if NULL. */
int nflb_stats_zero(struct nflb_nl *nl, const struct nflb_service *key);
/* Fills *TABLE (release it with nflb_table_free()) on success. */
int nflb_table_get(struct nflb_nl *nl, const struct nflb_service *key,
		   struct nflb_table *table);
void nflb_table_free(struct nflb_table *table);
/*
 * The digest of a table, as `lbadm service table ... digest` prints it
 * and lbhealthd logs it: the 64-bit FNV-1a hash of the slot lines
 * "SLOT ADDR:PORT\n" (nflb_addr_format() with the port), in slot order.
 * Nodes with the same seed, table size and backends (with their weights
 * and states) have the same digest.  0, or -1 (ENOMEM).
 */
int nflb_table_digest(const struct nflb_table *table, uint64_t *digest);

/*
 * The pieces the requests above are made of, usable on any buffer.
 * nflb_service_msg() adds NFLB_A_SERVICE for CMD (SERVICE_* or TABLE_GET;
 * options only for SERVICE_NEW and SERVICE_SET); nflb_backend_msg() adds
 * NFLB_A_SERVICE (key), NFLB_A_BACKEND (options only for BACKEND_NEW and
 * BACKEND_SET) and, for BACKEND_DEL or BACKEND_SET
 * with FLUSH, NFLB_A_FLUSH.
 */
void nflb_service_msg(struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nflb_service *svc);
void nflb_backend_msg(struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nflb_service *svc,
		      const struct nflb_backend *be, bool flush);

/*
 * Parse one reply message.  nflb_service_parse() fills *SVC (free it with
 * nflb_service_free()); 0 when the message holds no service; -1 with
 * errno set (EPROTO: malformed, *WHY says what) on error.
 * nflb_table_parse() adds one message of a table dump to *TABLE (zeroed
 * before the first); nflb_table_complete() checks that every slot came.
 */
int nflb_service_parse(const struct nlmsghdr *nlh, struct nflb_service *svc,
		       const char **why);
void nflb_service_free(struct nflb_service *svc);

/*
 * Whole services from the messages of a SERVICE_GET dump.  A service whose
 * backends do not fit one message comes as a head (key, options, counters,
 * the first backends) followed by continuations (the key, NFLB_SVC_A_CONT,
 * which nflb_service_parse() reports in PRESENT, and the next backends).
 * Feed every message to nflb_service_collect(): it holds the service back,
 * appending the backends of its continuations, until a message that is
 * not its continuation arrives; then CB sees it whole.  At the end of the
 * dump nflb_service_collect_end() passes the last one; always finish with
 * nflb_service_collect_free().  Rules: a continuation with no service
 * held or with another service's key is a malformed reply (-1, errno
 * EPROTO, WHY says so); a head with the key of the held service replaces
 * it (the kernel starts a service over that changed during the dump).
 * Both return 0, or -1 with errno (ECANCELED when CB returned < 0).
 * Start with the structure zeroed but for CB and DATA.
 */
struct nflb_service_collector {
	nflb_service_cb cb;
	void *data;
	unsigned int n;			/* services passed to CB */
	const char *why;		/* after EPROTO: what was malformed */
	bool holding;
	struct nflb_service held;
};

int nflb_service_collect(struct nflb_service_collector *c,
			 const struct nlmsghdr *nlh);
int nflb_service_collect_end(struct nflb_service_collector *c);
void nflb_service_collect_free(struct nflb_service_collector *c);
int nflb_table_parse(const struct nlmsghdr *nlh, struct nflb_table *table,
		     const char **why);
int nflb_table_complete(const struct nflb_table *table, const char **why);

/*
 * Events (multicast group NFLB_MCGRP_EVENTS).  nflb_events_subscribe()
 * joins the group on NL's socket (which then should be used for nothing
 * else); nflb_events_listen() blocks and calls CB for every event until CB
 * returns non-zero (returned) or an error (-1, in nflb_nl_error(); ENOBUFS
 * when events were lost).  CMD is the NFLB_CMD_* of the change; SVC is the
 * service (key; options for SERVICE_NEW/SET); BE the backend for
 * BACKEND_* events, else NULL; SVC is NULL for FLUSH.
 */
typedef int (*nflb_event_cb)(uint8_t cmd, const struct nflb_service *svc,
			     const struct nflb_backend *be, void *data);
int nflb_events_subscribe(struct nflb_nl *nl);
int nflb_events_listen(struct nflb_nl *nl, nflb_event_cb cb, void *data);

/*
 * Batches: many requests in few sendmsg() calls, without waiting for an
 * acknowledgement per request.  Each request carries a caller's TAG (a
 * line number, say).  nflb_batch_msg() starts a request in the batch
 * buffer (sending the buffer first when it is full); nflb_batch_end()
 * sends the rest and waits until the kernel has processed every request.
 * Returns 0 when all succeeded; otherwise -1 with the first failed
 * request's error in nflb_nl_error() and its tag in *FAILED_TAG (requests
 * after a failed one are still processed by the kernel).  A request must
 * fit in NFLB_BATCH_MSG_MAX bytes.
 */
#define NFLB_BATCH_MSG_MAX	65536
/*
 * Most backends one SERVICE_NEW (NFLB_SVC_A_BACKENDS) carries within
 * NFLB_BATCH_MSG_MAX: a backend nest takes at most 64 bytes, the service's
 * key and options under 1 KiB.
 */
#define NFLB_BACKENDS_PER_MSG	((NFLB_BATCH_MSG_MAX - 1024) / 64)
struct nflb_batch;
struct nflb_batch *nflb_batch_begin(struct nflb_nl *nl);
struct nlmsghdr *nflb_batch_msg(struct nflb_batch *b, uint8_t cmd,
				uint32_t tag);
int nflb_batch_end(struct nflb_batch *b, uint32_t *failed_tag);

/* Address length of FAMILY: 4, 16, or 0 if neither AF_INET nor AF_INET6. */
size_t nflb_addr_len(uint16_t family);

/*
 * Format an address: "192.0.2.1", "2001:db8::1", or with a port
 * "192.0.2.1:80", "[2001:db8::1]:80".  Returns BUF.
 */
#define NFLB_ADDRSTRLEN	(INET6_ADDRSTRLEN + 8)
char *nflb_addr_format(uint16_t family, const union nflb_inaddr *addr,
		       bool with_port, uint16_t port, char *buf, size_t len);

/*
 * The names of a table's backends ("ADDR:PORT", or "ADDR" for a backend of
 * an all-ports service), indexed as its slots are: a calloc()ed array to
 * free(), or NULL with errno ENOMEM.
 */
typedef char nflb_backend_name_t[NFLB_ADDRSTRLEN];
nflb_backend_name_t *nflb_table_names(const struct nflb_table *table);

/*
 * The kernel's rules, checked before a request is sent: a service or
 * backend address is unicast (not 0.0.0.0/8, multicast, broadcast, ::);
 * a table size is a prime (within the bounds of NFLB_CMD_GET_INFO).
 */
bool nflb_addr_is_unicast(uint16_t family, const union nflb_inaddr *a);
bool nflb_is_prime(uint32_t n);

/*
 * Names of enum values, both ways, from one table per enum: an array of
 * {value, name} in the order choices are listed, ended by {0, NULL}.
 * The tables of the family's enums (and of address families, for
 * messages) are here; a tool's own enums can use the same functions.
 */
struct nflb_name {
	unsigned int value;
	const char *name;
};

extern const struct nflb_name nflb_proto_names[];	/* tcp, udp */
extern const struct nflb_name nflb_hash_names[];	/* 5tuple, source */
extern const struct nflb_name nflb_state_names[];	/* up, drain, down */
extern const struct nflb_name nflb_family_names[];	/* IPv4, IPv6 */
extern const struct nflb_name nflb_forward_names[];	/* nat, gre, ipip */
extern const struct nflb_name nflb_flow_state_names[];	/* NEW, ... */

/* The name of VALUE in TAB, or NULL if it has none. */
const char *nflb_enum_name(const struct nflb_name *tab, unsigned int value);
/* The value named NAME (exactly) in TAB: 0, or -1 if unknown. */
int nflb_enum_value(const struct nflb_name *tab, const char *name,
		    unsigned int *value);
/* The name of VALUE, or its decimal number written in BUF (16 bytes do). */
const char *nflb_enum_name_or_num(const struct nflb_name *tab,
				  unsigned int value, char *buf, size_t len);
/* Every name of TAB for a message: "tcp or udp", "up, drain or down". */
char *nflb_enum_choices(const struct nflb_name *tab, char *buf, size_t len);

/* nflb_enum_name() of the tables above. */
const char *nflb_proto_name(uint8_t proto);
const char *nflb_hash_name(uint8_t hash);
const char *nflb_state_name(uint8_t state);
const char *nflb_forward_name(uint8_t forward);

/*
 * Keys and order.  Services compare by family (IPv4 first), protocol,
 * address and port; backends by family, address and port: the order of
 * lbadm save, lbadm flow show and the model restore checks against.
 * Addresses compare over their family's length only.  <0, 0 or >0.
 */
int nflb_service_cmp(const struct nflb_service *a,
		     const struct nflb_service *b);
int nflb_backend_cmp(const struct nflb_backend *a,
		     const struct nflb_backend *b);
bool nflb_service_same_key(const struct nflb_service *a,
			   const struct nflb_service *b);
bool nflb_backend_same_key(const struct nflb_backend *a,
			   const struct nflb_backend *b);
/* Sort N backends by nflb_backend_cmp(). */
void nflb_backends_sort(struct nflb_backend *v, size_t n);
/*
 * DST = SRC with a copy of its backends (DST's own are not freed first).
 * 0, or -1 with errno ENOMEM (DST's backends then NULL, none).
 */
int nflb_service_copy(struct nflb_service *dst,
		      const struct nflb_service *src);

/*
 * Growable arrays of any element type: the array's pointer is passed by
 * address (&v, a T **), its allocated length in elements in *CAP.
 * nflb_array_reserve() makes room for WANT elements in all: when *CAP is
 * smaller it reallocates to the largest of WANT, twice *CAP and 16 (new
 * elements uninitialised).  0, or -1 with errno ENOMEM (array and *CAP
 * unchanged).  nflb_array_push() makes room for one element after the *N
 * in use, zeroes it, counts it in *N and returns it; NULL (errno ENOMEM,
 * nothing changed) when out of memory.  The macros take the array and
 * counters themselves and the element size from the array's type.
 */
int nflb_array_reserve(void *arrayp, size_t *cap, size_t want, size_t size);
void *nflb_array_push(void *arrayp, size_t *n, size_t *cap, size_t size);
#define NFLB_ARRAY_RESERVE(v, cap, want) \
	nflb_array_reserve(&(v), &(cap), (want), sizeof(*(v)))
#define NFLB_ARRAY_PUSH(v, n, cap) \
	((__typeof__(v))nflb_array_push(&(v), &(n), &(cap), sizeof(*(v))))

/*
 * Whole text files.  nflb_read_fd() reads FD to its end into *BUF (a
 * NUL-terminated copy, its length without the NUL in *LEN; free() it);
 * nflb_read_file() opens PATH and does the same.  An empty file is "".
 * 0, or -errno with errno set to the same: the system's own error of
 * open() or read() (ENOENT, EACCES, EISDIR, ...), ENOMEM, or EILSEQ when
 * the file holds a NUL byte (not a text file).  *BUF is NULL on error.
 * nflb_read_error() says an error of theirs in words: strerror(), but for
 * EILSEQ "not a text file (NUL byte)".
 */
int nflb_read_fd(int fd, char **buf, size_t *len);
int nflb_read_file(const char *path, char **buf, size_t *len);
const char *nflb_read_error(int error);

/*
 * Named network namespaces (ip-netns(8)): NFLB_NETNS_RUN_DIR/NAME.
 * nflb_netns_check_name(): 0 for a name ip netns would accept (not empty,
 * no "/", not "." or ".."), else -1.  nflb_netns_enter() moves the calling
 * thread into namespace NAME (sockets opened afterwards live there): 0, or
 * -1 with errno and a message naming NAME and the reason in MSG.
 */
#define NFLB_NETNS_RUN_DIR	"/run/netns"
int nflb_netns_check_name(const char *name);
int nflb_netns_enter(const char *name, char *msg, size_t len);

/* 64-bit FNV-1a: start with NFLB_FNV1A64_INIT, feed bytes in order. */
#define NFLB_FNV1A64_INIT	0xcbf29ce484222325ULL
uint64_t nflb_fnv1a64(uint64_t hash, const void *buf, size_t len);

#endif /* NFLBNL_H */
