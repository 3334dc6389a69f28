/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LBADM_MONITOR_H
#define LBADM_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nflbnl.h"

/*
 * Print one change event through the pr_* output API: a line of text (the
 * lbadm command that would make the change) or, with -j, a JSON object
 * with "event" and the fields of `service show -j`.  CMD is the event's
 * NFLB_CMD_*; SVC is NULL for FLUSH; BE is set for backend events only.
 */
void lbadm_print_event(uint8_t cmd, const struct nflb_service *svc,
		       const struct nflb_backend *be);
/*
 * The same, stamped with TS (monitor -t, the time the event was read):
 * text lines start with "[2026-12-05T07:01:05.123456+00:00]", JSON objects
 * have "time": "2026-12-05T07:01:05.123456+00:00" first (RFC 3339, local
 * time with its offset from UTC, microseconds).  TS NULL: no stamp.
 */
void lbadm_print_event_at(uint8_t cmd, const struct nflb_service *svc,
			  const struct nflb_backend *be,
			  const struct timespec *ts);
/* TS as RFC 3339 local time with microseconds, into BUF (40 bytes do). */
char *lbadm_format_time(const struct timespec *ts, char *buf, size_t len);

#endif /* LBADM_MONITOR_H */
