/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backends given as host names: resolved with c-ares on the daemon's loop
 * (A for an IPv4 service, AAAA for an IPv6 one), again when the answer's
 * TTL runs out (within dns.ttl-min and dns.ttl-max), the last good answer
 * kept while resolution fails.  A changed answer changes the service's
 * backends through the reload path: new runtime state carrying the
 * verdicts of the backends that stay, then a reconcile, so only the
 * difference reaches the kernel.
 */
#ifndef LBHEALTHD_DNS_H
#define LBHEALTHD_DNS_H

#include "config.h"

struct hc_daemon;
struct hc_dns;

/*
 * For CFG (the running configuration, or one about to be): a resolver
 * that starts with the answers D's current one has for the same service
 * and name, and CFG's services' backends extended with those answers.
 * NULL when out of memory or c-ares fails (logged; CFG unchanged).
 * hc_dns_commit() then makes it D's (the old one freed) and asks every
 * name; hc_dns_discard() frees it if CFG is not to be used after all.
 */
struct hc_dns *hc_dns_prepare(struct hc_daemon *d, struct hc_config *cfg);
void hc_dns_commit(struct hc_daemon *d, struct hc_dns *dns);
void hc_dns_discard(struct hc_dns *dns);
void hc_dns_stop(struct hc_daemon *d);

/* Most addresses taken from one answer (the rest are ignored, logged). */
#define HC_DNS_MAX_ADDRS	64

#endif /* LBHEALTHD_DNS_H */
