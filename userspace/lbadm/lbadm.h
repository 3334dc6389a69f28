/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_H
#define LBADM_H

#include <stdbool.h>
#include <stdint.h>

#include "nflbnl.h"
#include "parse.h"

#ifndef LBADM_VERSION
#error "LBADM_VERSION must be defined by the build"
#endif

/* Global options. */
extern bool lbadm_stats;	/* -s: print every statistics counter */

/* Print "lbadm: " and a message on stderr. */
void lbadm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open the netlink channel, printing why on failure. */
struct nflb_nl *lbadm_open(void);

/* Print a failed request's error (the kernel's extack message). */
void lbadm_nl_err(struct nflb_nl *nl, const char *what);

/*
 * Output (print.c).  Objects are printed field by field through these, so
 * that one code path can later also emit JSON: in text, a line is a list
 * of "key value" pairs separated by spaces.
 */
void pr_begin(int indent);		/* start an object on a new line */
void pr_end(void);			/* end it (newline) */
void pr_label(const char *text);	/* text only: a bare word */
void pr_value(const char *key, const char *val);	/* text: "val" alone */
void pr_str(const char *key, const char *val);	/* "key val" */
void pr_u64(const char *key, uint64_t val);	/* "key N" */
void pr_flag(const char *key, bool on);	/* "key" when on */
/* An address and port: "ADDR:PORT", "[ADDR6]:PORT", or ADDR alone. */
void pr_endpoint(const char *addr_key, const char *port_key,
		 uint16_t family, const union nflb_inaddr *addr,
		 bool has_port, uint16_t port);

int cmd_version(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_backend(int argc, char **argv);
int cmd_flush(int argc, char **argv);
/* "service table": called by cmd_service with the parsed request. */
int lbadm_table(const struct lbadm_req *req);

#endif /* LBADM_H */
