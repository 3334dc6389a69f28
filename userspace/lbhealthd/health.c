// SPDX-License-Identifier: GPL-2.0
/*
 * The rise/fall state machine: a verdict changes only after RISE (or FALL)
 * consecutive results against it, so that one lost probe does not take a
 * backend out and one lucky probe does not put it back.
 */
#include "health.h"

void hc_health_init(struct hc_health *h, bool initial_up)
{
	h->up = initial_up;
	h->streak = 0;
	h->runs = 0;
}

bool hc_health_feed(struct hc_health *h, bool ok, uint32_t rise,
		    uint32_t fall)
{
	uint32_t need = h->up ? fall : rise;

	h->runs++;
	if (ok == h->up) {
		h->streak = 0;
		return false;
	}
	if (++h->streak < (need ? need : 1))
		return false;
	h->up = ok;
	h->streak = 0;
	return true;
}
