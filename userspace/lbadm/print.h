/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_PRINT_H
#define LBADM_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "nflbnl.h"

extern bool lbadm_json;		/* -j: JSON output */
extern bool lbadm_pretty;	/* -p: pretty-printed JSON (implies -j) */

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
/*
 * Fields of `service show` that monitor's events share, each when present:
 * a service's table-size, hash and seed; a backend's weight and state.
 */
void pr_service_table(const struct nflb_service *svc);
/*
 * After "snat": the fixed source of a one-arm service, text "ADDR" (so
 * "snat ADDR", as the command says), JSON "snat-addr": "ADDR".
 */
void pr_service_snat_addr(const struct nflb_service *svc);
/*
 * A service's conntrack timeouts, "timeout-tcp S" and so on, those not 0
 * (0: conntrack's defaults, which the kernel does not report).  With
 * ZEROS, every timeout of the service's protocol, 0 included: a change's
 * full state, as monitor prints a "service set".
 */
void pr_service_timeouts(const struct nflb_service *svc, bool zeros);
void pr_service_rate(const struct nflb_service *svc, bool zeros);
void pr_backend_opts(const struct nflb_backend *be);
/*
 * Write what was printed so far now (text shown before a slow step); a
 * failure is reported by pr_flush(), with its errno.
 */
void pr_sync(void);
/* A whole line of text (headers, notes); nothing in JSON. */
void pr_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write the JSON document (nothing in text); 0, or -1 on a write error. */
int pr_flush(void);

#endif /* LBADM_PRINT_H */
