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
extern bool lbadm_stats;	/* -s: every counter and the rates */
extern bool lbadm_json;		/* -j: JSON output */
extern bool lbadm_pretty;	/* -p: pretty-printed JSON (implies -j) */

/* Print "lbadm: " and a message on stderr. */
void lbadm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open the netlink channel, printing why on failure. */
struct nflb_nl *lbadm_open(void);

/* Print a failed request's error (the kernel's extack message). */
void lbadm_nl_err(struct nflb_nl *nl, const char *what);

/*
 * Output (print.c): one code path for text and JSON, iproute2's idea.
 * Callers describe objects field by field; print.c writes text or builds
 * a JSON document (jansson).  Field keys are the JSON names and, in text,
 * the words printed before values: they are part of the stable schema.
 *
 * Text: an object is one line (pr_begin's indent, then space-separated
 * words); nests and lists add nothing (their fields follow on the line,
 * list elements are objects on lines of their own).
 *
 * JSON: the document of a command is an array of the top-level objects
 * (pr_begin with no object open), unless pr_stream() was called: then
 * every top-level object is written as soon as it ends, one per line
 * (JSON lines, for monitor).  pr_flush() writes the document; call it once
 * at the end of a command (also on failure, to keep the output valid).
 */
void pr_stream(void);
void pr_begin(int indent);		/* start an object */
void pr_end(void);			/* end it */
void pr_nest_begin(const char *key);	/* JSON: "key": { ... } */
void pr_nest_end(void);
void pr_list_begin(const char *key);	/* JSON: "key": [ objects ] */
void pr_list_end(void);
void pr_label(const char *text);	/* text only: a bare word */
void pr_value(const char *key, const char *val);	/* text: "val" alone */
void pr_str(const char *key, const char *val);	/* "key val" */
void pr_u64(const char *key, uint64_t val);	/* "key N" */
void pr_flag(const char *key, bool on);	/* text: "key" when on; JSON: bool */
/*
 * An address and port: text "ADDR:PORT", "[ADDR6]:PORT", or ADDR alone;
 * JSON "addr_key": "ADDR" and, when HAS_PORT, "port_key": PORT.
 */
void pr_endpoint(const char *addr_key, const char *port_key,
		 uint16_t family, const union nflb_inaddr *addr,
		 bool has_port, uint16_t port);
/* A whole line of text (headers, notes); nothing in JSON. */
void pr_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write the JSON document (nothing in text); 0, or -1 on a write error. */
int pr_flush(void);

int cmd_version(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_backend(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_stats(int argc, char **argv);		/* stats zero */
int cmd_monitor(int argc, char **argv);		/* monitor */
int cmd_flow(int argc, char **argv);		/* flow show */
int cmd_save(int argc, char **argv);		/* save */
int cmd_restore(int argc, char **argv);		/* restore, -f, -batch */
/* "service table": called by cmd_service with the parsed request. */
int lbadm_table(const struct lbadm_req *req);

#endif /* LBADM_H */
