/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rise/fall state machine of one backend's check: pure, no I/O.
 */
#ifndef LBHEALTHD_HEALTH_H
#define LBHEALTHD_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

struct hc_health {
	bool up;		/* current verdict */
	uint32_t streak;	/* consecutive results against the verdict */
	uint64_t runs;		/* results fed */
};

/* Start in the check's initial state. */
void hc_health_init(struct hc_health *h, bool initial_up);

/*
 * Feed one result.  Returns true when the verdict changes: down -> up
 * after RISE consecutive successes, up -> down after FALL consecutive
 * failures.  A result agreeing with the verdict resets the streak.
 */
bool hc_health_feed(struct hc_health *h, bool ok, uint32_t rise,
		    uint32_t fall);

#endif /* LBHEALTHD_HEALTH_H */
