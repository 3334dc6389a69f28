// SPDX-License-Identifier: GPL-2.0
/*
 * Backends given as host names (dns.h).  c-ares rather than sd-resolve:
 * sd-resolve only asks systemd-resolved, which a load balancer (or the
 * test VM) may not run, and gives no TTL; c-ares speaks DNS itself to
 * the servers of resolv.conf or of the file, gives each record's TTL, and
 * exposes its sockets and timeout so that the daemon's sd-event loop
 * drives it: no thread, and a slow server never stalls the checks.
 *
 * One entry per (service, name): its query, its timer, its last good
 * answer.  An answer that differs from the last one is logged and applied
 * (apply(): the reload path with the same file); a failure is logged when
 * it starts and when it ends, and leaves the last answer in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>

#include <ares.h>
#include <arpa/nameser.h>

#include "daemon.h"
#include "dns.h"
#include "log.h"

struct dns_entry {
	struct hc_dns *dns;
	struct nflb_service key;	/* the service's key, no backends */
	const char *svc_name;		/* for messages (the config's) */
	const struct hc_backend_conf *tmpl;	/* the file's name backend */
	char *name;
	size_t n;
	union nflb_inaddr *addrs;	/* sorted, the last good answer */
	bool answered;
	bool failing;
	bool in_flight;
	sd_event_source *timer;
};

struct dns_io {
	int fd;
	sd_event_source *src;
};

struct hc_dns {
	struct hc_daemon *d;
	ares_channel ch;
	bool ch_ok;
	const struct hc_dns_conf *conf;
	sd_event_source *timer;		/* c-ares's own timeouts */
	sd_event_source *apply;		/* a changed answer, to apply */
	size_t n_io, cap_io;
	struct dns_io *io;
	size_t n;
	struct dns_entry *entries;
};

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(union nflb_inaddr));
}

static void addrs_format(const struct dns_entry *e, char *buf, size_t len)
{
	char a[NFLB_ADDRSTRLEN];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < e->n && off < len; i++) {
		nflb_addr_format(e->key.family, &e->addrs[i], false, 0, a,
				 sizeof(a));
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", a);
	}
	if (!e->n)
		snprintf(buf, len, "none");
}

/* c-ares's sockets and timeout on the loop */

static void arm_timeout(struct hc_dns *dns)
{
	struct timeval tv, *t = ares_timeout(dns->ch, NULL, &tv);

	if (!t) {
		sd_event_source_set_enabled(dns->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(dns->timer, hc_now_usec(CLOCK_MONOTONIC) +
				 t->tv_sec * USEC_PER_SEC + t->tv_usec);
	sd_event_source_set_enabled(dns->timer, SD_EVENT_ONESHOT);
}

static int io_cb(sd_event_source *src, int fd, uint32_t revents, void *data)
{
	struct hc_dns *dns = data;

	(void)src;
	ares_process_fd(dns->ch,
			revents & (EPOLLIN | EPOLLERR | EPOLLHUP) ? fd :
			ARES_SOCKET_BAD,
			revents & EPOLLOUT ? fd : ARES_SOCKET_BAD);
	arm_timeout(dns);
	return 0;
}

static int timeout_cb(sd_event_source *src, uint64_t usec, void *data)
{
	struct hc_dns *dns = data;

	(void)src;
	(void)usec;
	ares_process_fd(dns->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	arm_timeout(dns);
	return 0;
}

static void sock_state_cb(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct hc_dns *dns = data;
	uint32_t events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	struct dns_io *io = NULL;
	size_t i;

	for (i = 0; i < dns->n_io; i++)
		if (dns->io[i].fd == fd)
			io = &dns->io[i];
	if (!events) {
		if (io) {
			sd_event_source_disable_unref(io->src);
			*io = dns->io[--dns->n_io];
		}
		return;
	}
	if (io) {
		sd_event_source_set_io_events(io->src, events);
		return;
	}
	io = NFLB_ARRAY_PUSH(dns->io, dns->n_io, dns->cap_io);
	if (!io) {
		hc_log(LOG_ERR, "dns: out of memory");
		return;
	}
	io->fd = fd;
	if (sd_event_add_io(dns->d->ev, &io->src, fd, events, io_cb, dns) < 0) {
		hc_log(LOG_ERR, "dns: cannot watch a socket");
		dns->n_io--;
	}
}

/* Queries and answers */

static void entry_query(struct dns_entry *e);

static int entry_timer_cb(sd_event_source *src, uint64_t usec, void *data)
{
	(void)src;
	(void)usec;
	entry_query(data);
	return 0;
}

static void entry_arm(struct dns_entry *e, uint64_t ms)
{
	const struct hc_dns_conf *c = e->dns->conf;

	if (ms < c->ttl_min_ms)
		ms = c->ttl_min_ms;
	if (ms > c->ttl_max_ms)
		ms = c->ttl_max_ms;
	sd_event_source_set_time(e->timer, hc_now_usec(CLOCK_MONOTONIC) +
				 ms * USEC_PER_MSEC);
	sd_event_source_set_enabled(e->timer, SD_EVENT_ONESHOT);
}

/* The addresses of an answer, sorted, unicast only; the smallest TTL. */
static int parse_answer(struct dns_entry *e, const unsigned char *abuf,
			int alen, union nflb_inaddr *out, size_t *n,
			uint32_t *ttl)
{
	struct ares_addr6ttl a6[HC_DNS_MAX_ADDRS];
	struct ares_addrttl a4[HC_DNS_MAX_ADDRS];
	int i, got = HC_DNS_MAX_ADDRS, ret;

	if (e->key.family == AF_INET)
		ret = ares_parse_a_reply(abuf, alen, NULL, a4, &got);
	else
		ret = ares_parse_aaaa_reply(abuf, alen, NULL, a6, &got);
	if (ret != ARES_SUCCESS)
		return ret;
	*n = 0;
	*ttl = UINT32_MAX;
	for (i = 0; i < got; i++) {
		union nflb_inaddr a = { 0 };
		int t;

		if (e->key.family == AF_INET) {
			a.v4 = a4[i].ipaddr;
			t = a4[i].ttl;
		} else {
			memcpy(&a.v6, &a6[i].ip6addr, sizeof(a.v6));
			t = a6[i].ttl;
		}
		if (!nflb_addr_is_unicast(e->key.family, &a))
			continue;
		out[(*n)++] = a;
		if (t >= 0 && (uint32_t)t < *ttl)
			*ttl = t;
	}
	if (!*n)
		return ARES_ENODATA;
	qsort(out, *n, sizeof(*out), addr_cmp);
	return ARES_SUCCESS;
}

static void answer_cb(void *arg, int status, int timeouts,
		      unsigned char *abuf, int alen)
{
	union nflb_inaddr addrs[HC_DNS_MAX_ADDRS];
	struct dns_entry *e = arg;
	char now[1024], was[1024];
	uint32_t ttl = 0;
	size_t i, n = 0;
	void *copy;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return;
	e->in_flight = false;
	if (status == ARES_SUCCESS)
		status = parse_answer(e, abuf, alen, addrs, &n, &ttl);
	if (status != ARES_SUCCESS) {
		if (!e->failing)
			hc_log(LOG_WARNING,
			       "%s: %s: cannot resolve (%s): %s", e->svc_name,
			       e->name, ares_strerror(status),
			       e->answered ? "keeping the last answer" :
			       "no backends from it yet");
		e->failing = true;
		entry_arm(e, 0);
		return;
	}
	/* Duplicate records count once. */
	for (i = 1; i < n; i++)
		if (!addr_cmp(&addrs[i - 1], &addrs[i]))
			memmove(&addrs[i - 1], &addrs[i],
				(n-- - i) * sizeof(*addrs)), i--;
	if (e->failing)
		hc_log(LOG_NOTICE, "%s: %s: resolves again", e->svc_name,
		       e->name);
	e->failing = false;
	entry_arm(e, (uint64_t)ttl * 1000);
	if (e->answered && n == e->n &&
	    !memcmp(addrs, e->addrs, n * sizeof(*addrs)))
		return;
	copy = malloc(n * sizeof(*addrs));
	if (!copy) {
		hc_log(LOG_ERR, "%s: %s: out of memory", e->svc_name,
		       e->name);
		return;
	}
	addrs_format(e, was, sizeof(was));
	memcpy(copy, addrs, n * sizeof(*addrs));
	free(e->addrs);
	e->addrs = copy;
	e->n = n;
	addrs_format(e, now, sizeof(now));
	hc_log(LOG_NOTICE, "%s: %s: %s (was %s)", e->svc_name, e->name, now,
	       e->answered ? was : "unresolved");
	e->answered = true;
	sd_event_source_set_enabled(e->dns->apply, SD_EVENT_ONESHOT);
}

static void entry_query(struct dns_entry *e)
{
	if (e->in_flight)
		return;
	e->in_flight = true;
	ares_search(e->dns->ch, e->name, C_IN,
		    e->key.family == AF_INET ? T_A : T_AAAA, answer_cb, e);
	arm_timeout(e->dns);
}

/* The backends of services */

/*
 * SC's backends: the file's literal ones, then each name's addresses (in
 * the order of the file, each answer sorted), one backend per key.
 * 1 with the new array in *V and *N if they differ from SC's, 0 if not,
 * -1 when out of memory.
 */
static int expand(struct hc_dns *dns, const struct hc_service_conf *sc,
		  struct hc_backend_conf **pv, size_t *pn)
{
	struct hc_backend_conf *v;
	size_t i, j, k, n = sc->n_file_backends, cap = n;
	bool changed;

	for (i = 0; i < dns->n; i++)
		if (nflb_service_same_key(&dns->entries[i].key, &sc->svc))
			cap += dns->entries[i].n;
	v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return -1;
	memcpy(v, sc->backends, n * sizeof(*v));
	for (i = 0; i < dns->n; i++) {
		struct dns_entry *e = &dns->entries[i];

		if (!nflb_service_same_key(&e->key, &sc->svc))
			continue;
		for (j = 0; j < e->n; j++) {
			struct hc_backend_conf bc = *e->tmpl;

			bc.be.addr = e->addrs[j];
			for (k = 0; k < n; k++)
				if (nflb_backend_same_key(&v[k].be, &bc.be))
					break;
			if (k == n)
				v[n++] = bc;
		}
	}
	changed = n != sc->n_backends;
	for (i = 0; !changed && i < n; i++)
		changed = !nflb_backend_same_key(&v[i].be,
						 &sc->backends[i].be);
	if (!changed) {
		free(v);
		return 0;
	}
	*pv = v;
	*pn = n;
	return 1;
}

/* A service's backends before a change, until nothing refers to them. */
struct old_backends {
	struct hc_backend_conf *v;
	size_t n;
};

/*
 * The answers changed: the running services' backends again, through the
 * reload path (verdicts of backends that stay carried over), then one
 * reconcile.  The old runtime state refers to the old arrays: they go
 * after it.  Out of memory, everything stays as it was (logged).
 */
static int apply_cb(sd_event_source *src, void *data)
{
	struct hc_dns *dns = data;
	struct hc_daemon *d = dns->d;
	struct old_backends *old;
	struct hc_svc *svcs;
	bool any = false;
	size_t i;
	int ret;

	(void)src;
	old = calloc(d->cfg.n_services + 1, sizeof(*old));
	if (!old)
		goto oom;
	for (i = 0; i < d->cfg.n_services; i++) {
		struct hc_service_conf *sc = &d->cfg.services[i];
		struct hc_backend_conf *v;
		size_t n;

		if (!sc->n_dns)
			continue;
		ret = expand(dns, sc, &v, &n);
		if (ret < 0)
			goto undo;
		if (!ret)
			continue;
		old[i].v = sc->backends;
		old[i].n = sc->n_backends;
		sc->backends = v;
		sc->n_backends = n;
		any = true;
	}
	if (any && hc_svcs_build(d, &d->cfg, d->svcs, d->n_svcs, &svcs) < 0)
		goto undo;
	if (any) {
		hc_svcs_free(d->svcs, d->n_svcs);
		d->svcs = svcs;
	}
	for (i = 0; i < d->cfg.n_services; i++)
		free(old[i].v);
	free(old);
	if (any)
		hc_reconcile(d, NULL, 0);
	return 0;
undo:
	for (i = 0; i < d->cfg.n_services; i++) {
		if (!old[i].v)
			continue;
		free(d->cfg.services[i].backends);
		d->cfg.services[i].backends = old[i].v;
		d->cfg.services[i].n_backends = old[i].n;
	}
	free(old);
oom:
	hc_log(LOG_ERR, "dns: out of memory: the answers wait for the next change");
	return 0;
}

/* Setting up and tearing down */

static void dns_free(struct hc_dns *dns)
{
	size_t i;

	if (!dns)
		return;
	/* Cancels every query: their callbacks see ARES_EDESTRUCTION. */
	if (dns->ch_ok)
		ares_destroy(dns->ch);
	for (i = 0; i < dns->n_io; i++)
		sd_event_source_disable_unref(dns->io[i].src);
	free(dns->io);
	for (i = 0; i < dns->n; i++) {
		sd_event_source_disable_unref(dns->entries[i].timer);
		free(dns->entries[i].addrs);
	}
	free(dns->entries);
	sd_event_source_disable_unref(dns->timer);
	sd_event_source_disable_unref(dns->apply);
	free(dns);
}

static const struct dns_entry *find_entry(const struct hc_dns *dns,
					  const struct dns_entry *e)
{
	size_t i;

	for (i = 0; dns && i < dns->n; i++)
		if (nflb_service_same_key(&dns->entries[i].key, &e->key) &&
		    !strcmp(dns->entries[i].name, e->name) &&
		    dns->entries[i].answered)
			return &dns->entries[i];
	return NULL;
}

static int channel_init(struct hc_dns *dns)
{
	struct ares_options o = { 0 };
	int ret;

	o.sock_state_cb = sock_state_cb;
	o.sock_state_cb_data = dns;
	o.timeout = dns->conf->timeout_ms / 2;
	o.tries = 2;
	ret = ares_init_options(&dns->ch, &o, ARES_OPT_SOCK_STATE_CB |
				ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (ret != ARES_SUCCESS) {
		hc_log(LOG_ERR, "dns: %s", ares_strerror(ret));
		return -1;
	}
	dns->ch_ok = true;
	if (dns->conf->servers) {
		ret = ares_set_servers_ports_csv(dns->ch, dns->conf->servers);
		if (ret != ARES_SUCCESS) {
			hc_log(LOG_ERR, "dns: servers %s: %s",
			       dns->conf->servers, ares_strerror(ret));
			return -1;
		}
	}
	return 0;
}

static int entries_init(struct hc_dns *dns, struct hc_config *cfg,
			const struct hc_dns *old)
{
	struct hc_daemon *d = dns->d;
	size_t i, j, n = 0;

	for (i = 0; i < cfg->n_services; i++)
		n += cfg->services[i].n_dns;
	dns->entries = calloc(n + 1, sizeof(*dns->entries));
	if (!dns->entries)
		return -1;
	for (i = 0; i < cfg->n_services; i++) {
		struct hc_service_conf *sc = &cfg->services[i];

		for (j = 0; j < sc->n_dns; j++) {
			struct dns_entry *e = &dns->entries[dns->n];
			const struct dns_entry *was;

			e->dns = dns;
			e->key = sc->svc;
			e->key.backends = NULL;
			e->key.n_backends = 0;
			e->svc_name = sc->name;
			e->tmpl = &sc->dns[j];
			e->name = sc->dns[j].dns_name;
			dns->n++;
			if (sd_event_add_time(d->ev, &e->timer, CLOCK_MONOTONIC,
					      0, USEC_PER_MSEC,
					      entry_timer_cb, e) < 0)
				return -1;
			sd_event_source_set_enabled(e->timer, SD_EVENT_OFF);
			was = find_entry(old, e);
			if (!was)
				continue;
			e->addrs = malloc((was->n + 1) * sizeof(*e->addrs));
			if (!e->addrs)
				return -1;
			memcpy(e->addrs, was->addrs, was->n * sizeof(*e->addrs));
			e->n = was->n;
			e->answered = true;
		}
	}
	return 0;
}

struct hc_dns *hc_dns_prepare(struct hc_daemon *d, struct hc_config *cfg)
{
	struct hc_dns *dns = calloc(1, sizeof(*dns));
	struct hc_backend_conf *v;
	size_t i, n;
	int ret;

	if (!dns)
		goto fail;
	dns->d = d;
	dns->conf = &cfg->dns;
	if (sd_event_add_time(d->ev, &dns->timer, CLOCK_MONOTONIC, 0, 0,
			      timeout_cb, dns) < 0 ||
	    sd_event_add_defer(d->ev, &dns->apply, apply_cb, dns) < 0)
		goto fail;
	sd_event_source_set_enabled(dns->timer, SD_EVENT_OFF);
	sd_event_source_set_enabled(dns->apply, SD_EVENT_OFF);
	if (entries_init(dns, cfg, d->dns) < 0)
		goto fail;
	if (dns->n && channel_init(dns) < 0)
		goto fail_logged;
	for (i = 0; i < cfg->n_services; i++) {
		struct hc_service_conf *sc = &cfg->services[i];

		if (!sc->n_dns)
			continue;
		ret = expand(dns, sc, &v, &n);
		if (ret < 0)
			goto fail;
		if (ret) {
			free(sc->backends);
			sc->backends = v;
			sc->n_backends = n;
		}
	}
	return dns;
fail:
	hc_log(LOG_ERR, "dns: out of memory");
fail_logged:
	dns_free(dns);
	return NULL;
}

void hc_dns_commit(struct hc_daemon *d, struct hc_dns *dns)
{
	size_t i;

	dns_free(d->dns);
	d->dns = dns;
	dns->conf = &d->cfg.dns;
	/* Every name now: a reload asks again. */
	for (i = 0; i < dns->n; i++)
		entry_query(&dns->entries[i]);
}

void hc_dns_discard(struct hc_dns *dns)
{
	dns_free(dns);
}

void hc_dns_stop(struct hc_daemon *d)
{
	dns_free(d->dns);
	d->dns = NULL;
}
