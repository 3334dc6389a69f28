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
	uint64_t seed;
	struct nflb_stats stats;
	size_t n_backends;		/* replies only */
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
 * Called for every service of a reply; SVC (and its backends) is valid
 * during the call only, and CB must not send requests on the same socket.
 * A negative return stops the dump (the request fails with ECANCELED).
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
int nflb_service_get(struct nflb_nl *nl, const struct nflb_service *key,
		     nflb_service_cb cb, void *data);
int nflb_service_dump(struct nflb_nl *nl, nflb_service_cb cb, void *data);
int nflb_backend_add(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be);
int nflb_backend_set(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be);
int nflb_backend_del(struct nflb_nl *nl, const struct nflb_service *svc,
		     const struct nflb_backend *be, bool flush);
int nflb_flush(struct nflb_nl *nl);
/* Fills *TABLE (release it with nflb_table_free()) on success. */
int nflb_table_get(struct nflb_nl *nl, const struct nflb_service *key,
		   struct nflb_table *table);
void nflb_table_free(struct nflb_table *table);

/*
 * The pieces the requests above are made of, usable on any buffer.
 * nflb_service_msg() adds NFLB_A_SERVICE for CMD (SERVICE_* or TABLE_GET;
 * options only for SERVICE_NEW and SERVICE_SET); nflb_backend_msg() adds
 * NFLB_A_SERVICE (key), NFLB_A_BACKEND (options only for BACKEND_NEW and
 * BACKEND_SET) and, for BACKEND_DEL with FLUSH, NFLB_A_FLUSH.
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
int nflb_table_parse(const struct nlmsghdr *nlh, struct nflb_table *table,
		     const char **why);
int nflb_table_complete(const struct nflb_table *table, const char **why);

/* Address length of FAMILY: 4, 16, or 0 if neither AF_INET nor AF_INET6. */
size_t nflb_addr_len(uint16_t family);

/*
 * Format an address: "192.0.2.1", "2001:db8::1", or with a port
 * "192.0.2.1:80", "[2001:db8::1]:80".  Returns BUF.
 */
#define NFLB_ADDRSTRLEN	(INET6_ADDRSTRLEN + 8)
char *nflb_addr_format(uint16_t family, const union nflb_inaddr *addr,
		       bool with_port, uint16_t port, char *buf, size_t len);

/* Names of enum values: "tcp", "5tuple", "up"...; NULL if unknown. */
const char *nflb_proto_name(uint8_t proto);
const char *nflb_hash_name(uint8_t hash);
const char *nflb_state_name(uint8_t state);

/* 64-bit FNV-1a: start with NFLB_FNV1A64_INIT, feed bytes in order. */
#define NFLB_FNV1A64_INIT	0xcbf29ce484222325ULL
uint64_t nflb_fnv1a64(uint64_t hash, const void *buf, size_t len);

#endif /* NFLBNL_H */
