// SPDX-License-Identifier: GPL-2.0
/*
 * Announcing the VIPs to the routers of a cluster.
 *
 * Each VIP the node should receive is a blackhole route (/32 or /128) in
 * a kernel routing table of lbhealthd's own ("announce-table", 4242 by
 * default), with protocol number HC_ANNOUNCE_PROTO.  No rule points at
 * that table, so the routes change nothing on the node itself; the node's
 * BIRD learns them (its kernel protocol with "learn" on that table) and
 * exports them over BGP to the routers, whose ECMP spreads the VIP over
 * every node announcing it.  The kernel table is the interface: lbhealthd
 * needs no BIRD-specific code, BIRD can restart (or start later) and
 * learns the routes again, and `ip route show table 4242` shows what the
 * node announces.
 *
 * A VIP is announced while some service of the file on it announces
 * (announce, announce-nat) and can serve (a usable backend, its quorum:
 * hc_want_announce()), the kernel's services are in line (added only after
 * a reconcile that succeeded), the node is not drained (drain-node) and
 * the daemon is not stopping.  Routes are withdrawn before the change that
 * needs it reaches the kernel (a service removed from the file) and added
 * after it did (a service created).  Every sync reads the table back, so
 * a route deleted or added behind lbhealthd's back is put right within a
 * reconcile period; routes of other protocols in the table are left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"
#include "want.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK	12
#endif

struct vip_list {
	size_t n, cap;
	struct hc_vip *v;
};

bool hc_vip_eq(const struct hc_vip *a, const struct hc_vip *b)
{
	return a->family == b->family &&
	       !memcmp(&a->addr, &b->addr, nflb_addr_len(a->family));
}

/* Append X to L (a dump lists each route once). */
static int vip_add(struct vip_list *l, const struct hc_vip *x)
{
	struct hc_vip *p;

	p = NFLB_ARRAY_PUSH(l->v, l->n, l->cap);
	if (!p)
		return -1;
	*p = *x;
	return 0;
}

static void vip_name(const struct hc_vip *v, char *buf, size_t len)
{
	nflb_addr_format(v->family, &v->addr, false, 0, buf, len);
}

void hc_vip_of(const struct hc_service_conf *sc, struct hc_vip *v)
{
	memset(v, 0, sizeof(*v));
	v->family = sc->svc.family;
	memcpy(&v->addr, &sc->svc.addr, nflb_addr_len(sc->svc.family));
}

/* rtnetlink */

static int rt_open(struct hc_announce *a)
{
	int one = 1;

	if (a->nl)
		return 0;
	a->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!a->nl || mnl_socket_bind(a->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		if (!a->failing)
			hc_log(LOG_ERR,
			       "announce: cannot open a routing socket: %m");
		a->failing = true;
		if (a->nl)
			mnl_socket_close(a->nl);
		a->nl = NULL;
		return -1;
	}
	/* Dumps filtered by the kernel (table, protocol), where it can. */
	mnl_socket_setsockopt(a->nl, NETLINK_GET_STRICT_CHK, &one,
			      sizeof(one));
	a->portid = mnl_socket_get_portid(a->nl);
	a->seq = time(NULL);
	return 0;
}

static void rt_close(struct hc_announce *a)
{
	if (a->nl)
		mnl_socket_close(a->nl);
	a->nl = NULL;
}

struct dump_ctx {
	uint32_t table;
	uint16_t family;
	struct vip_list *out;
	int error;
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, RTA_MAX) > 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* One route of a dump: ours (table, protocol, a host route) is kept. */
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct dump_ctx *ctx = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct hc_vip v = { .family = rtm->rtm_family };
	uint32_t table = rtm->rtm_table;
	size_t len = nflb_addr_len(ctx->family);

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    rtm->rtm_family != ctx->family ||
	    rtm->rtm_protocol != HC_ANNOUNCE_PROTO ||
	    rtm->rtm_dst_len != len * 8)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	if (tb[RTA_TABLE])
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (table != ctx->table || !tb[RTA_DST] ||
	    mnl_attr_get_payload_len(tb[RTA_DST]) != len)
		return MNL_CB_OK;
	memcpy(&v.addr, mnl_attr_get_payload(tb[RTA_DST]), len);
	if (vip_add(ctx->out, &v) < 0) {
		ctx->error = ENOMEM;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *route_msg(struct hc_announce *a, char *buf,
				  uint16_t type, uint16_t flags,
				  uint16_t family, uint32_t table)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++a->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = HC_ANNOUNCE_PROTO;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

/* Our routes of FAMILY in TABLE, added to OUT: 0, or -1 with errno. */
static int route_dump(struct hc_announce *a, uint32_t table, uint16_t family,
		      struct vip_list *out)
{
	static char buf[1 << 15];
	struct dump_ctx ctx = { table, family, out, 0 };
	struct nlmsghdr *nlh;
	uint32_t seq;
	ssize_t n;
	int ret;

	nlh = route_msg(a, buf, RTM_GETROUTE, NLM_F_DUMP, family, table);
	seq = nlh->nlmsg_seq;
	if (mnl_socket_sendto(a->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(a->nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		ret = mnl_cb_run(buf, n, seq, a->portid, route_cb, &ctx);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0) {
			/*
			 * No such table yet (nothing ever added to it), or
			 * no IPv6 in this namespace: nothing of ours there.
			 */
			if (!ctx.error && (errno == ENOENT ||
					   errno == EAFNOSUPPORT))
				return 0;
			if (ctx.error)
				errno = ctx.error;
			return -1;
		}
	}
}

/* Add (RTM_NEWROUTE) or delete V's route in TABLE: 0, or -1 with errno. */
static int route_change(struct hc_announce *a, uint16_t type, uint32_t table,
			const struct hc_vip *v)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint32_t seq;
	ssize_t n;
	int ret;

	nlh = route_msg(a, buf, type, NLM_F_ACK |
			(type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0),
			v->family, table);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_dst_len = nflb_addr_len(v->family) * 8;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_BLACKHOLE;
	mnl_attr_put(nlh, RTA_DST, nflb_addr_len(v->family), &v->addr);
	seq = nlh->nlmsg_seq;
	if (mnl_socket_sendto(a->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	n = mnl_socket_recvfrom(a->nl, buf, sizeof(buf));
	if (n < 0)
		return -1;
	ret = mnl_cb_run(buf, n, seq, a->portid, NULL, NULL);
	if (ret >= 0)
		return 0;
	/* Already there, already gone: what was asked for. */
	if ((type == RTM_NEWROUTE && errno == EEXIST) ||
	    (type == RTM_DELROUTE && (errno == ESRCH || errno == ENOENT)))
		return 0;
	return -1;
}

/* What should be announced */

/*
 * A backend has its first verdict: taken from the kernel, or each of its
 * checks has a result and no rise or fall under way (a healthy backend
 * that started down has risen, a dead one has failed once).
 */
static bool be_settled(const struct hc_backend *be)
{
	size_t i;

	if (be->adopted)
		return true;
	for (i = 0; i < be->n_runs; i++)
		if (!be->runs[i].health.runs || be->runs[i].health.streak)
			return false;
	return true;
}

uint64_t hc_svc_ready_bound(const struct hc_svc *s)
{
	const struct hc_check *c;
	uint64_t t, max = 0;
	size_t i, j;

	for (i = 0; i < s->n_backends; i++)
		for (j = 0; j < s->backends[i].n_runs; j++) {
			c = s->backends[i].runs[j].check;
			t = (uint64_t)((c->rise > c->fall ? c->rise : c->fall) + 1) *
			    c->interval_ms + c->timeout_ms;
			if (t > max)
				max = t;
		}
	return max * USEC_PER_MSEC;
}

bool hc_svc_ready(struct hc_svc *s)
{
	size_t i;

	if (s->ready)
		return true;
	for (i = 0; i < s->n_backends; i++)
		if (!be_settled(&s->backends[i]))
			break;
	if (i == s->n_backends) {
		s->ready = true;
	} else if (hc_now_usec(CLOCK_MONOTONIC) >= s->ready_by) {
		hc_log(LOG_WARNING,
		       "%s: some backends have no verdict yet (rising or falling); announced as it is",
		       s->conf->name);
		s->ready = true;
	}
	return s->ready;
}

/*
 * The VIPs of the services that announce, each once, with whether one of
 * its services can serve (and, if none can, the first, for the log): one
 * pass over the services, looked up by hash, so that a sync costs the
 * same for ten services as for ten thousand, per service.
 */
struct vip_state {
	struct hc_vip v;
	bool wanted;
	bool present;			/* its route is in the table */
	const struct hc_svc *first;	/* the first service on it */
	size_t counted;			/* its usable backends */
};

struct vip_map {
	size_t mask, n;
	size_t *slot;			/* index + 1 into st; 0: empty */
	struct vip_state *st;
};

static size_t vip_hash(const struct hc_vip *v)
{
	uint64_t h = nflb_fnv1a64(NFLB_FNV1A64_INIT, &v->family,
				  sizeof(v->family));

	return nflb_fnv1a64(h, &v->addr, nflb_addr_len(v->family));
}

static struct vip_state *map_find(const struct vip_map *m,
				  const struct hc_vip *v)
{
	size_t h;

	if (!m->slot)
		return NULL;
	for (h = vip_hash(v) & m->mask; m->slot[h]; h = (h + 1) & m->mask)
		if (hc_vip_eq(&m->st[m->slot[h] - 1].v, v))
			return &m->st[m->slot[h] - 1];
	return NULL;
}

static void map_free(struct vip_map *m)
{
	free(m->slot);
	free(m->st);
	memset(m, 0, sizeof(*m));
}

/* The map of D's services: 0, or -1 (out of memory). */
static int map_build(const struct hc_daemon *d, struct vip_map *m)
{
	size_t i, h, size = 16;
	struct vip_state *st;
	struct hc_vip v;

	memset(m, 0, sizeof(*m));
	while (size < 2 * d->n_svcs)
		size *= 2;
	m->mask = size - 1;
	m->slot = calloc(size, sizeof(*m->slot));
	m->st = calloc(d->n_svcs + 1, sizeof(*m->st));
	if (!m->slot || !m->st) {
		map_free(m);
		return -1;
	}
	for (i = 0; i < d->n_svcs; i++) {
		const struct hc_svc *s = &d->svcs[i];
		size_t n;

		if (!s->conf->announce)
			continue;
		hc_vip_of(s->conf, &v);
		st = map_find(m, &v);
		if (!st) {
			st = &m->st[m->n++];
			st->v = v;
			for (h = vip_hash(&v) & m->mask; m->slot[h];
			     h = (h + 1) & m->mask)
				;
			m->slot[h] = m->n;
		}
		n = hc_svc_counted(s);
		if (s->ready && hc_want_announce(s->conf, n))
			st->wanted = true;
		if (!st->first) {
			st->first = s;
			st->counted = n;
		}
	}
	return 0;
}

/*
 * Whether V should be announced (M: the map of the services, as of the
 * last reconcile); if not, why, in WHY.
 */
static bool vip_wanted(const struct hc_daemon *d, const struct vip_map *m,
		       const struct hc_vip *v, char *why, size_t len)
{
	const struct hc_announce *a = &d->ann;
	const struct vip_state *st;

	if (a->stopping) {
		snprintf(why, len, "lbhealthd is stopping");
		return false;
	}
	if (a->drained) {
		snprintf(why, len, "the node is drained (drain-node)");
		return false;
	}
	if (a->kernel_gone) {
		snprintf(why, len, "the kernel's services cannot be read");
		return false;
	}
	st = map_find(m, v);
	if (st && st->wanted)
		return true;
	if (!st)
		snprintf(why, len, "no service of the file announces it");
	else if (!st->first->ready)
		snprintf(why, len, "%s: its backends' first checks are not done",
			 st->first->conf->name);
	else if (!st->counted)
		snprintf(why, len, "%s: no usable backend",
			 st->first->conf->name);
	else
		snprintf(why, len,
			 "%s: quorum lost (%zu of %zu usable, quorum %u)",
			 st->first->conf->name, st->counted,
			 st->first->n_backends, st->first->conf->quorum);
	return false;
}

/* The names of the services that announce V and can, for the log. */
static void vip_services(const struct hc_daemon *d, const struct hc_vip *v,
			 char *buf, size_t len)
{
	struct hc_vip sv;
	size_t i, off = 0;
	int n;

	buf[0] = 0;
	for (i = 0; i < d->n_svcs && off < len; i++) {
		const struct hc_svc *s = &d->svcs[i];

		if (!s->conf->announce)
			continue;
		hc_vip_of(s->conf, &sv);
		if (!hc_vip_eq(&sv, v) || !s->ready ||
		    !hc_want_announce(s->conf, hc_svc_counted(s)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			     s->conf->name);
		if (n < 0)
			break;
		off += n;
	}
}

/* Whether there is anything to look at: a service announces, or a route was. */
static bool announce_active(const struct hc_daemon *d)
{
	return d->cfg.n_announced || d->ann.n_vips ||
	       d->ann.checked_table != d->cfg.announce_table ||
	       (d->ann.table && d->ann.table != d->cfg.announce_table);
}

/*
 * Without ADD, a sync only withdraws: needed if a VIP announced at the
 * last sync is no longer wanted (or the table changed).  Routes added
 * behind our back wait for the next full sync.
 */
static bool withdraw_needed(const struct hc_daemon *d,
			    const struct vip_map *m)
{
	const struct hc_announce *a = &d->ann;
	char why[256];
	size_t i;

	if (a->table && a->table != d->cfg.announce_table)
		return true;
	for (i = 0; i < a->n_vips; i++)
		if (!vip_wanted(d, m, &a->vips[i], why, sizeof(why)))
			return true;
	return false;
}

static int vip_cmp(const void *x, const void *y)
{
	const struct hc_vip *a = x, *b = y;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(&a->addr, &b->addr, nflb_addr_len(a->family));
}

bool hc_vip_announced(const struct hc_daemon *d, const struct hc_vip *v)
{
	return d->ann.n_vips &&
	       bsearch(v, d->ann.vips, d->ann.n_vips, sizeof(*v), vip_cmp);
}

int hc_announce_each(const struct hc_daemon *d,
		     void (*cb)(const struct hc_vip *v, bool announced,
				void *data), void *data)
{
	struct vip_map m;
	size_t i;

	if (map_build(d, &m) < 0)
		return -1;
	for (i = 0; i < m.n; i++)
		cb(&m.st[i].v, hc_vip_announced(d, &m.st[i].v), data);
	map_free(&m);
	return 0;
}

static void fail_once(struct hc_announce *a, const char *what)
{
	if (!a->failing)
		hc_log(LOG_ERR, "announce: %s: %m", what);
	a->failing = true;
}

/* Withdraw every route of ours in TABLE (the table the file no longer names). */
static void withdraw_table(struct hc_announce *a, uint32_t table)
{
	static const uint16_t families[] = { AF_INET, AF_INET6 };
	struct vip_list have = { 0 };
	char name[NFLB_ADDRSTRLEN];
	size_t f, i;

	for (f = 0; f < 2; f++)
		if (route_dump(a, table, families[f], &have) < 0)
			fail_once(a, "reading the routing table");
	for (i = 0; i < have.n; i++) {
		vip_name(&have.v[i], name, sizeof(name));
		if (route_change(a, RTM_DELROUTE, table, &have.v[i]) < 0)
			fail_once(a, "withdrawing a route");
		else
			hc_log(LOG_NOTICE,
			       "withdrawn %s from table %u: announce-table is now %u",
			       name, table, a->table);
	}
	free(have.v);
}

void hc_announce_sync(struct hc_daemon *d, bool add)
{
	static const uint16_t families[] = { AF_INET, AF_INET6 };
	struct hc_announce *a = &d->ann;
	uint32_t table = d->cfg.announce_table;
	struct vip_list have = { 0 }, want = { 0 };
	char name[NFLB_ADDRSTRLEN], why[256];
	struct vip_map m;
	struct hc_vip v;
	size_t f, i;

	if (!announce_active(d))
		return;
	if (map_build(d, &m) < 0) {
		hc_log(LOG_ERR, "announce: out of memory");
		return;
	}
	if ((!add && !withdraw_needed(d, &m)) || rt_open(a) < 0) {
		map_free(&m);
		return;
	}
	if (a->table && a->table != table) {
		uint32_t old = a->table;

		a->table = table;
		withdraw_table(a, old);
	}
	a->table = table;
	for (f = 0; f < 2; f++) {
		if (route_dump(a, table, families[f], &have) < 0) {
			fail_once(a, "reading the routing table");
			goto out;
		}
	}
	a->checked_table = table;
	/* Withdraw first: what is there and should not be. */
	for (i = 0; i < have.n; i++) {
		struct vip_state *st = map_find(&m, &have.v[i]);

		if (st)
			st->present = true;
		if (vip_wanted(d, &m, &have.v[i], why, sizeof(why))) {
			if (vip_add(&want, &have.v[i]) < 0)
				goto oom;
			continue;
		}
		vip_name(&have.v[i], name, sizeof(name));
		if (route_change(a, RTM_DELROUTE, table, &have.v[i]) < 0) {
			fail_once(a, "withdrawing a route");
			if (vip_add(&want, &have.v[i]) < 0)
				goto oom;
			continue;
		}
		hc_log(LOG_NOTICE, "withdrawn %s: %s", name, why);
		d->ctr.withdrawals++;
	}
	for (i = 0; add && i < m.n; i++) {
		v = m.st[i].v;
		if (m.st[i].present || !vip_wanted(d, &m, &v, why, sizeof(why)))
			continue;
		vip_name(&v, name, sizeof(name));
		if (route_change(a, RTM_NEWROUTE, table, &v) < 0) {
			fail_once(a, "announcing a route");
			continue;
		}
		if (vip_add(&want, &v) < 0)
			goto oom;
		vip_services(d, &v, why, sizeof(why));
		hc_log(LOG_NOTICE, "announced %s (table %u): %s", name, table,
		       why);
		d->ctr.announcements++;
	}
	a->failing = false;
	/* Sorted: hc_vip_announced() looks them up. */
	qsort(want.v, want.n, sizeof(*want.v), vip_cmp);
	free(a->vips);
	a->vips = want.v;
	a->n_vips = want.n;
	a->cap_vips = want.cap;
	want.v = NULL;
	goto out;
oom:
	hc_log(LOG_ERR, "announce: out of memory");
out:
	map_free(&m);
	free(want.v);
	free(have.v);
	hc_notify_status(d);
}

bool hc_announce_drain(struct hc_daemon *d, bool on)
{
	struct hc_announce *a = &d->ann;

	if (a->drained == on)
		return false;
	a->drained = on;
	hc_log(LOG_NOTICE, on ?
	       "node drained (drain-node): withdrawing its VIPs" :
	       "node undrained (undrain-node): announcing its VIPs as their services allow");
	if (on)
		hc_announce_sync(d, false);
	else
		hc_reconcile_soon(d);	/* adds once the kernel is in line */
	return true;
}

static int grace_cb(sd_event_source *src, uint64_t usec, void *data)
{
	struct hc_daemon *d = data;

	(void)src;
	(void)usec;
	hc_log(LOG_NOTICE, "announce-grace over: exiting");
	return sd_event_exit(d->ev, 0);
}

bool hc_announce_stop_begin(struct hc_daemon *d, const char *why)
{
	struct hc_announce *a = &d->ann;
	uint32_t grace = d->cfg.announce_grace_ms;
	size_t n = a->n_vips;	/* announced until now */

	a->stopping = true;
	hc_announce_sync(d, false);
	if (!n || !grace)
		return false;
	if (sd_event_add_time_relative(d->ev, &a->grace, CLOCK_MONOTONIC,
				       (uint64_t)grace * USEC_PER_MSEC,
				       USEC_PER_MSEC, grace_cb, d) < 0)
		return false;
	hc_log(LOG_NOTICE,
	       "%s: %zu VIP%s withdrawn, exiting in %.1f s (announce-grace; %s again: at once)",
	       why, n, n == 1 ? "" : "s", grace / 1000.0, why);
	if (d->notify)
		sd_notifyf(0, "STATUS=stopping: VIPs withdrawn, exiting in %.1f s",
			   grace / 1000.0);
	return true;
}

void hc_announce_close(struct hc_daemon *d)
{
	struct hc_announce *a = &d->ann;

	a->stopping = true;
	if (a->n_vips)
		hc_announce_sync(d, false);
	a->grace = sd_event_source_disable_unref(a->grace);
	rt_close(a);
	free(a->vips);
	a->vips = NULL;
	a->n_vips = a->cap_vips = 0;
}

int hc_announce_flush(uint32_t table)
{
	static const uint16_t families[] = { AF_INET, AF_INET6 };
	struct hc_announce a = { 0 };
	struct vip_list have = { 0 };
	char name[NFLB_ADDRSTRLEN];
	int ret = 0;
	size_t f, i;

	if (rt_open(&a) < 0)
		return 1;
	for (f = 0; f < 2; f++) {
		if (route_dump(&a, table, families[f], &have) < 0) {
			fprintf(stderr, "lbhealthd: reading table %u: %m\n",
				table);
			ret = 1;
		}
	}
	for (i = 0; i < have.n; i++) {
		vip_name(&have.v[i], name, sizeof(name));
		if (route_change(&a, RTM_DELROUTE, table, &have.v[i]) < 0) {
			fprintf(stderr, "lbhealthd: withdrawing %s: %m\n",
				name);
			ret = 1;
			continue;
		}
		printf("withdrawn %s (table %u)\n", name, table);
	}
	free(have.v);
	rt_close(&a);
	return ret;
}
