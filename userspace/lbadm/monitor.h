/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_MONITOR_H
#define LBADM_MONITOR_H

#include <stdint.h>

#include "nflbnl.h"

/*
 * Print one change event through the pr_* output API: a line of text (the
 * lbadm command that would make the change) or, with -j, a JSON object
 * with "event" and the fields of `service show -j`.  CMD is the event's
 * NFLB_CMD_*; SVC is NULL for FLUSH; BE is set for backend events only.
 */
void lbadm_print_event(uint8_t cmd, const struct nflb_service *svc,
		       const struct nflb_backend *be);

#endif /* LBADM_MONITOR_H */
