/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every lbadm command uses (util.c): the -s option, error messages
 * and the netlink channel.  The commands depend on this file, never on
 * lbadm.c, whose main() only parses the global options and dispatches.
 */
#ifndef LBADM_UTIL_H
#define LBADM_UTIL_H

#include <stdbool.h>

#include "nflbnl.h"

/* -s: every counter and the rates (-j and -p are print.h's). */
extern bool lbadm_stats;

/* Print "lbadm: " and a message on stderr. */
void lbadm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open the netlink channel, printing why on failure. */
struct nflb_nl *lbadm_open(void);

/* Print a failed request's error (the kernel's extack message). */
void lbadm_nl_err(struct nflb_nl *nl, const char *what);

#endif /* LBADM_UTIL_H */
