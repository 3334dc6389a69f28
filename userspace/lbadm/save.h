/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_SAVE_H
#define LBADM_SAVE_H

#include <stdio.h>

#include "model.h"

/*
 * C as lbadm commands, one a line, for lbadm restore: services in the
 * model's order, their backends sorted (C's are sorted in place), every
 * option explicit.  0, or -1 (errno).
 */
int lbadm_save_write(FILE *f, struct lbadm_conf *c);

#endif /* LBADM_SAVE_H */
