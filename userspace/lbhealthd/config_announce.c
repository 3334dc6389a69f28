// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: announcing the VIPs to the routers of a
 * cluster (announce.c).  At the top, "announce" (the services' default),
 * "announce-table" (the kernel routing table the routes go to, which the
 * node's BIRD learns) and "announce-grace" (at stop, the time between
 * withdrawing them and exiting); in a service, "announce" and
 * "announce-nat".
 *
 * A NAT service is not announced unless "announce-nat" says it is meant:
 * its flows live in the conntrack table of the node that took their first
 * packet, and the backends' replies come back to that node, so a flow that
 * ECMP moves to another node breaks there (a new conntrack entry, picked
 * up mid-stream, whose replies go elsewhere; with snat, a new source
 * address the backend has no connection for).  Direct server return
 * (forward gre or ipip) keeps it: every node sends it to the same backend.
 */

#include <string.h>

#include "config_int.h"

/* Tables the kernel keeps for itself: unspec, default, main, local. */
static bool reserved_table(long long t)
{
	return t == 0 || t == 253 || t == 254 || t == 255;
}

void cfg_parse_announce(struct hc_ctx *c, const config_setting_t *root,
			struct hc_config *cfg)
{
	const config_setting_t *m;
	long long n;

	cfg->announce_table = HC_ANNOUNCE_TABLE;
	cfg->announce_grace_ms = HC_ANNOUNCE_GRACE_MS;
	m = config_setting_get_member(root, "announce");
	if (m)
		cfg_get_bool(c, m, "announce", &c->announce);
	m = config_setting_get_member(root, "announce-table");
	if (m && cfg_get_int(c, m, "announce-table", 1, 4294967295LL,
			     &n) == 0) {
		if (reserved_table(n))
			cfg_report(c, m, "announce-table",
				   "table %lld is the kernel's (253 default, 254 main, 255 local): give one of lbhealthd's own",
				   n);
		else
			cfg->announce_table = n;
	}
	m = config_setting_get_member(root, "announce-grace");
	if (m)
		cfg_get_seconds(c, m, "announce-grace", 0,
				HC_ANNOUNCE_GRACE_MAX,
				&cfg->announce_grace_ms);
}

void cfg_parse_service_announce(struct hc_ctx *c, const config_setting_t *s,
				const char *base, struct hc_service_conf *sc)
{
	const config_setting_t *m, *fwd;
	char key[HC_KEY_MAX];

	sc->announce = c->announce;
	m = config_setting_get_member(s, "announce");
	if (m)
		cfg_get_bool(c, m, cfg_kpath(key, base, "announce"),
			     &sc->announce);
	m = config_setting_get_member(s, "announce-nat");
	if (m)
		cfg_get_bool(c, m, cfg_kpath(key, base, "announce-nat"),
			     &sc->announce_nat);
	if (!sc->announce || sc->announce_nat ||
	    sc->svc.forward != NFLB_FORWARD_NAT)
		return;
	/* Said where the service is announced, or where it is NAT. */
	m = config_setting_get_member(s, "announce");
	fwd = config_setting_get_member(s, "forward");
	cfg_report(c, m ? m : fwd ? fwd : s,
		   cfg_kpath(key, base, m || !fwd ? "announce" : "forward"),
		   "a NAT service cannot be announced to a cluster%s: a flow that ECMP moves to another node has no conntrack entry there, and its replies return through the node that has; use forward \"gre\" or \"ipip\" (direct server return) or an HA pair, or say announce = false; (announce-nat = true; if this is intended)",
		   m ? "" : " (the file's announce = true; applies to it)");
}
