/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_H
#define LBADM_H
/*
 * The commands, as lbadm.c's main() dispatches to them: each one a file
 * (service.c, backend.c, ...) using util.h and print.h.
 */

#include "parse.h"

#ifndef LBADM_VERSION
#error "LBADM_VERSION must be defined by the build"
#endif

int cmd_version(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_backend(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_stats(int argc, char **argv);		/* stats zero */
int cmd_monitor(int argc, char **argv);		/* monitor */
int cmd_flow(int argc, char **argv);		/* flow show */
int cmd_save(int argc, char **argv);		/* save */
int cmd_restore(int argc, char **argv);		/* restore, -f, -batch */
int cmd_offload(int argc, char **argv);		/* offload */
/* "service table": called by cmd_service with the parsed request. */
int lbadm_table(const struct lbadm_req *req);

#endif /* LBADM_H */
