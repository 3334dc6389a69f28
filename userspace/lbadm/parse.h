/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lbadm's argument parsing: pure functions (no I/O, no netlink) that fill
 * a request and, on error, a message naming the bad argument.
 */
#ifndef LBADM_PARSE_H
#define LBADM_PARSE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "nflbnl.h"

struct lbadm_perr {
	char msg[256];
};

enum lbadm_op {
	LBADM_OP_ADD,
	LBADM_OP_SET,
	LBADM_OP_DEL,
	LBADM_OP_SHOW,
	LBADM_OP_TABLE,
};

/* A parsed "service ..." or "backend ..." command line. */
struct lbadm_req {
	const char *group;		/* "service", "backend" */
	const char *op_name;		/* "add", "set", ... */
	enum lbadm_op op;
	bool has_key;			/* a service was named */
	struct nflb_service svc;	/* key; options given (PRESENT) */
	struct nflb_backend be;		/* backend commands */
	bool flush;			/* backend del ... flush */
	bool digest;			/* service table ... digest */
};

/* "tcp", "udp". */
int lbadm_parse_proto(const char *s, uint8_t *proto, struct lbadm_perr *e);

/* VIP:PORT, [VIP6]:PORT: family, addr and port of SVC. */
int lbadm_parse_vip(const char *s, struct nflb_service *svc,
		    struct lbadm_perr *e);

/*
 * ADDR, ADDR:PORT, [ADDR6], [ADDR6]:PORT or a bare ADDR6: family, addr and
 * (NFLB_BE_A_PORT present) port of BE.
 */
int lbadm_parse_backend_addr(const char *s, struct nflb_backend *be,
			     struct lbadm_perr *e);

/* A decimal port, 0..65535.  0 or -1. */
int lbadm_parse_port(const char *s, uint16_t *port);

/*
 * An unsigned number, decimal or 0x hexadecimal, at most MAX; no sign, no
 * blanks, no junk.  0 or -1.
 */
int lbadm_parse_u64(const char *s, uint64_t max, uint64_t *v);

/*
 * ARGV[0] is the operation ("add", ...), the rest its arguments.  Every
 * option may be given once; a repeated option is an error.  0 or -1.
 */
int lbadm_parse_service_args(int argc, char **argv, struct lbadm_req *req,
			     struct lbadm_perr *e);
int lbadm_parse_backend_args(int argc, char **argv, struct lbadm_req *req,
			     struct lbadm_perr *e);

/* A parsed "flow show [tcp|udp VIP:PORT] [backend ADDR[:PORT]]". */
struct lbadm_flow_req {
	bool flush;			/* flow flush: forget DSR flows */
	bool stats;			/* flow stats: the DSR flow table */
	bool has_svc;			/* only this service's flows */
	struct nflb_service svc;	/* key */
	bool has_be;			/* only flows to this backend */
	struct nflb_backend be;		/* address; port if PRESENT */
};

/*
 * ARGV[0] is the operation ("show" or "flush"); none means show.  0 or
 * -1.  "flush" takes the same filters, the backend only with a service.
 */
int lbadm_parse_flow_args(int argc, char **argv, struct lbadm_flow_req *req,
			  struct lbadm_perr *e);

/* "service add tcp 192.0.2.10:80", "backend del tcp ... 10.0.0.1:80". */
char *lbadm_describe(const struct lbadm_req *req, char *buf, size_t len);

/* A parsed "offload [show | off | dev NAME [dev NAME]...]". */
struct lbadm_offload_req {
	bool show;
	size_t n;				/* devices; 0: off */
	char dev[NFLB_OFFLOAD_DEV_MAX][IF_NAMESIZE];
};

/*
 * ARGV: the words after "offload".  Names are checked for form only (at
 * most NFLB_OFFLOAD_DEV_MAX, none twice); that they are devices of the
 * netns, nflb_offload_dev().  0 or -1.
 */
int lbadm_parse_offload_args(int argc, char **argv,
			     struct lbadm_offload_req *req,
			     struct lbadm_perr *e);

#endif /* LBADM_PARSE_H */
