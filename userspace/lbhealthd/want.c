// SPDX-License-Identifier: GPL-2.0
/*
 * The wanted kernel state of a service: configuration plus health.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "want.h"

static void set_state(struct nflb_backend *be, uint8_t state,
		      uint32_t weight)
{
	be->state = state;
	be->weight = weight;
	NFLB_SET(be, NFLB_BE_A_STATE);
	NFLB_SET(be, NFLB_BE_A_WEIGHT);
}

size_t hc_want_counted(const struct hc_service_conf *conf,
		       const bool *healthy, const bool *maint)
{
	size_t i, up = 0;

	for (i = 0; i < conf->n_backends; i++)
		up += healthy[i] && !(maint && maint[i]);
	return up;
}

int hc_want_service(const struct hc_service_conf *conf, const bool *healthy,
		    const bool *maint, struct nflb_service *want,
		    bool *quorum_ok)
{
	size_t i, n = 0;
	struct nflb_backend *be;
	bool sorry;

	*want = conf->svc;
	want->backends = calloc(conf->n_backends + 1, sizeof(*be));
	want->n_backends = 0;
	if (!want->backends)
		return -1;
	*quorum_ok = hc_want_counted(conf, healthy, maint) >= conf->quorum;
	sorry = !*quorum_ok && conf->has_sorry;

	for (i = 0; i < conf->n_backends; i++) {
		be = &want->backends[n++];
		*be = conf->backends[i].be;
		if (maint && maint[i])
			set_state(be, NFLB_BACKEND_DRAIN, be->weight);
		else if (healthy[i])
			set_state(be, sorry ? NFLB_BACKEND_DRAIN :
				  NFLB_BACKEND_UP, be->weight);
		else if (conf->on_failure == HC_FAIL_DRAIN)
			set_state(be, NFLB_BACKEND_UP, 0);
		else
			set_state(be, NFLB_BACKEND_DOWN, be->weight);
	}
	if (sorry) {
		be = &want->backends[n++];
		*be = conf->sorry;
		set_state(be, NFLB_BACKEND_UP, be->weight);
	}
	want->n_backends = n;
	return 0;
}

bool hc_want_announce(const struct hc_service_conf *conf, size_t counted)
{
	return conf->announce && counted >= 1 && counted >= conf->quorum;
}
