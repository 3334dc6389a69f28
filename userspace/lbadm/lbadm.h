/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_H
#define LBADM_H

#include "nflbnl.h"

#ifndef LBADM_VERSION
#error "LBADM_VERSION must be defined by the build"
#endif

/* Print "lbadm: " and a message on stderr. */
void lbadm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open the netlink channel, printing why on failure. */
struct nflb_nl *lbadm_open(void);

/* Print a failed request's error (the kernel's extack message). */
void lbadm_nl_err(struct nflb_nl *nl, const char *what);

int cmd_version(int argc, char **argv);

#endif /* LBADM_H */
