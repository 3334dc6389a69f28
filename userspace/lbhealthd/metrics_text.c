// SPDX-License-Identifier: GPL-2.0
/*
 * /metrics: the daemon's state and the kernel's counters in Prometheus's
 * text exposition format (version 0.0.4).  Every series is per service,
 * per backend or per daemon: the number of series is bounded by the file
 * (and the backends the kernel holds for our services), never by flows or
 * clients.  Names: "nflb_" for what the kernel counts, "lbhealthd_" for
 * what the daemon decides, "process_" as every Prometheus client exports
 * it.  Labels: service (its name in the file), backend ("ADDR:PORT",
 * "[ADDR6]:PORT", or "ADDR" for an all-ports service).
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "daemon.h"
#include "log.h"

/* Upper bounds of the check latency buckets, in milliseconds. */
static const uint32_t bounds_ms[HC_LATENCY_BUCKETS] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
};

static const char *const outcome_names[HC_OUTCOME_N] = {
	[HC_OUTCOME_SUCCESS] = "success",
	[HC_OUTCOME_FAILURE] = "failure",
	[HC_OUTCOME_TIMEOUT] = "timeout",
};

enum hc_outcome hc_outcome_of(const struct hc_result *res,
			      uint32_t timeout_ms)
{
	if (res->ok)
		return HC_OUTCOME_SUCCESS;
	return res->duration_ms >= timeout_ms ? HC_OUTCOME_TIMEOUT :
						HC_OUTCOME_FAILURE;
}

void hc_metrics_result(struct hc_backend *be, const struct hc_result *res)
{
	const struct hc_check *check = &be->svc->conf->check;
	struct hc_latency *l = &be->svc->latency;
	unsigned int i;

	be->ctr.results[hc_outcome_of(res, check->timeout_ms)]++;
	for (i = 0; i < HC_LATENCY_BUCKETS; i++)
		if (res->duration_ms <= bounds_ms[i])
			break;
	if (i < HC_LATENCY_BUCKETS)
		l->bucket[i]++;
	l->count++;
	l->sum_ms += res->duration_ms;
}

void hc_metrics_label(FILE *f, const char *value)
{
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			fputc('\\', f);
		if (*value == '\n')
			fputs("\\n", f);
		else
			fputc(*value, f);
	}
}

/* The kernel's view of our services, sorted by key. */
struct kview {
	const struct hc_daemon *d;
	size_t n, cap;
	struct nflb_service *svcs;
};

static int svc_cmp(const void *a, const void *b)
{
	return nflb_service_cmp(a, b);
}

static const struct hc_svc *owned(const struct hc_daemon *d,
				  const struct nflb_service *k)
{
	size_t i;

	for (i = 0; i < d->n_svcs; i++)
		if (nflb_service_same_key(&d->svcs[i].conf->svc, k))
			return &d->svcs[i];
	return NULL;
}

static int kview_cb(const struct nflb_service *svc, void *data)
{
	struct kview *kv = data;
	struct nflb_service *copy;

	if (!owned(kv->d, svc))
		return 0;
	copy = NFLB_ARRAY_PUSH(kv->svcs, kv->n, kv->cap);
	if (!copy)
		return -1;
	if (nflb_service_copy(copy, svc) < 0) {
		kv->n--;
		return -1;
	}
	return 0;
}

static void kview_free(struct kview *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		nflb_service_free(&kv->svcs[i]);
	free(kv->svcs);
}

/* One dump; false if the kernel could not be read (no counters then). */
static bool kview_load(struct hc_daemon *d, struct kview *kv)
{
	kv->d = d;
	if (!d->nl || nflb_service_dump(d->nl, kview_cb, kv) < 0) {
		if (d->nl)
			hc_log(LOG_DEBUG, "metrics: cannot read the kernel's services: %s",
			       nflb_nl_error(d->nl)->msg);
		kview_free(kv);
		memset(kv, 0, sizeof(*kv));
		return false;
	}
	qsort(kv->svcs, kv->n, sizeof(*kv->svcs), svc_cmp);
	return true;
}

static const struct nflb_service *kview_find(const struct kview *kv,
					     const struct nflb_service *key)
{
	if (!kv->n)
		return NULL;
	return bsearch(key, kv->svcs, kv->n, sizeof(*kv->svcs), svc_cmp);
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void svc_labels(FILE *f, const char *name, const struct hc_svc *s)
{
	fprintf(f, "%s{service=\"", name);
	hc_metrics_label(f, s->conf->name);
	fputc('"', f);
}

/* "ADDR:PORT", or "ADDR" for a backend of an all-ports service. */
static void be_labels(FILE *f, const char *name, const struct hc_svc *s,
		      const struct nflb_backend *b)
{
	char addr[NFLB_ADDRSTRLEN];

	svc_labels(f, name, s);
	fprintf(f, ",backend=\"%s\"",
		nflb_addr_format(b->family, &b->addr, s->conf->svc.port != 0,
				 b->port, addr, sizeof(addr)));
}

/* Kernel counters: KIND 0 the service's, 1 its backends'. */
enum kstat { K_CONNS, K_PKTS, K_BYTES, K_DROPS, K_UNPINNED };

static void kstat_sample(FILE *f, const char *name, const struct hc_svc *s,
			 const struct nflb_backend *b,
			 const struct nflb_stats *st, enum kstat what)
{
	static const struct {
		int attr_in, attr_out;
	} dirs[] = {
		[K_PKTS] = { NFLB_STATS_A_PKTS_IN, NFLB_STATS_A_PKTS_OUT },
		[K_BYTES] = { NFLB_STATS_A_BYTES_IN, NFLB_STATS_A_BYTES_OUT },
	};
	uint64_t in, out;

	switch (what) {
	case K_CONNS:
		if (!NFLB_HAS(st, NFLB_STATS_A_CONNS))
			return;
		b ? be_labels(f, name, s, b) : svc_labels(f, name, s);
		fprintf(f, "} %" PRIu64 "\n", st->conns);
		return;
	case K_DROPS:
		if (!NFLB_HAS(st, NFLB_STATS_A_DROPS))
			return;
		svc_labels(f, name, s);
		fprintf(f, ",reason=\"no_backend\"} %" PRIu64 "\n", st->drops);
		if (NFLB_HAS(st, NFLB_STATS_A_RATE_DROPS)) {
			svc_labels(f, name, s);
			fprintf(f, ",reason=\"rate\"} %" PRIu64 "\n",
				st->rate_drops);
		}
		if (NFLB_HAS(st, NFLB_STATS_A_TOO_BIG_DROPS)) {
			svc_labels(f, name, s);
			fprintf(f, ",reason=\"too_big\"} %" PRIu64 "\n",
				st->too_big_drops);
		}
		if (NFLB_HAS(st, NFLB_STATS_A_ENCAP_DROPS)) {
			svc_labels(f, name, s);
			fprintf(f, ",reason=\"encap\"} %" PRIu64 "\n",
				st->encap_drops);
		}
		return;
	case K_UNPINNED:
		if (!NFLB_HAS(st, NFLB_STATS_A_UNPINNED))
			return;
		svc_labels(f, name, s);
		fprintf(f, "} %" PRIu64 "\n", st->unpinned);
		return;
	default:
		break;
	}
	in = what == K_PKTS ? st->pkts_in : st->bytes_in;
	out = what == K_PKTS ? st->pkts_out : st->bytes_out;
	if (NFLB_HAS(st, dirs[what].attr_in)) {
		b ? be_labels(f, name, s, b) : svc_labels(f, name, s);
		fprintf(f, ",direction=\"in\"} %" PRIu64 "\n", in);
	}
	if (NFLB_HAS(st, dirs[what].attr_out)) {
		b ? be_labels(f, name, s, b) : svc_labels(f, name, s);
		fprintf(f, ",direction=\"out\"} %" PRIu64 "\n", out);
	}
}

static void kernel_stats(FILE *f, const struct hc_daemon *d,
			 const struct kview *kv)
{
	static const struct {
		const char *name, *help;
		enum kstat what;
		bool backend;
	} fams[] = {
		{ "nflb_service_connections_total",
		  "Connections (new flows) the kernel scheduled to the service.",
		  K_CONNS, false },
		{ "nflb_service_packets_total",
		  "Packets of the service's flows: in from clients, out from backends.",
		  K_PKTS, false },
		{ "nflb_service_bytes_total",
		  "Bytes of the service's flows: in from clients, out from backends.",
		  K_BYTES, false },
		{ "nflb_service_drops_total",
		  "New flows or packets the kernel dropped, by reason (no_backend: a new flow, none up; rate: a new flow over the service's rate; DSR: too_big: a packet too big once encapsulated, answered with ICMP; encap: a packet without a route to its backend or room for the outer header).",
		  K_DROPS, false },
		{ "nflb_service_unpinned_total",
		  "DSR: packets of new flows forwarded without a flow-table entry (bucket full or flood guard).",
		  K_UNPINNED, false },
		{ "nflb_backend_connections_total",
		  "Connections (new flows) the kernel scheduled to the backend.",
		  K_CONNS, true },
		{ "nflb_backend_packets_total",
		  "Packets of the backend's flows: in from clients, out from the backend.",
		  K_PKTS, true },
		{ "nflb_backend_bytes_total",
		  "Bytes of the backend's flows: in from clients, out from the backend.",
		  K_BYTES, true },
	};
	const struct nflb_service *k;
	size_t i, j, l;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		family(f, fams[i].name, "counter", fams[i].help);
		for (j = 0; j < d->n_svcs; j++) {
			k = kview_find(kv, &d->svcs[j].conf->svc);
			if (!k)
				continue;
			if (!fams[i].backend) {
				kstat_sample(f, fams[i].name, &d->svcs[j],
					     NULL, &k->stats, fams[i].what);
				continue;
			}
			for (l = 0; l < k->n_backends; l++)
				kstat_sample(f, fams[i].name, &d->svcs[j],
					     &k->backends[l],
					     &k->backends[l].stats,
					     fams[i].what);
		}
	}
}

static void kernel_backends(FILE *f, const struct hc_daemon *d,
			    const struct kview *kv)
{
	const struct nflb_service *k;
	const struct nflb_backend *b;
	unsigned int st;
	size_t i, j;

	family(f, "nflb_backend_weight", "gauge",
	       "The backend's weight in the kernel (0: drained).");
	for (i = 0; i < d->n_svcs; i++) {
		k = kview_find(kv, &d->svcs[i].conf->svc);
		for (j = 0; k && j < k->n_backends; j++) {
			b = &k->backends[j];
			be_labels(f, "nflb_backend_weight", &d->svcs[i], b);
			fprintf(f, "} %u\n", b->weight);
		}
	}
	family(f, "nflb_backend_state", "gauge",
	       "The backend's state in the kernel: 1 for the one it is in.");
	for (i = 0; i < d->n_svcs; i++) {
		k = kview_find(kv, &d->svcs[i].conf->svc);
		for (j = 0; k && j < k->n_backends; j++) {
			b = &k->backends[j];
			for (st = 0; nflb_state_names[st].name; st++) {
				be_labels(f, "nflb_backend_state",
					  &d->svcs[i], b);
				fprintf(f, ",state=\"%s\"} %d\n",
					nflb_state_names[st].name,
					b->state == nflb_state_names[st].value);
			}
		}
	}
}

/* A gauge or counter of every backend of the file: VALUE(be). */
static void per_backend(FILE *f, const struct hc_daemon *d, const char *name,
			const char *type, const char *help,
			uint64_t (*value)(const struct hc_backend *be))
{
	size_t i, j;

	family(f, name, type, help);
	for (i = 0; i < d->n_svcs; i++)
		for (j = 0; j < d->svcs[i].n_backends; j++) {
			const struct hc_backend *be = &d->svcs[i].backends[j];

			be_labels(f, name, &d->svcs[i], &be->conf->be);
			fprintf(f, "} %" PRIu64 "\n", value(be));
		}
}

static uint64_t be_healthy(const struct hc_backend *be)
{
	return be->health.up;
}

static uint64_t be_maint(const struct hc_backend *be)
{
	return hc_backend_maint(be);
}

static uint64_t be_transitions(const struct hc_backend *be)
{
	return be->ctr.transitions;
}

static void daemon_backends(FILE *f, const struct hc_daemon *d)
{
	size_t i, j;
	int o;

	per_backend(f, d, "lbhealthd_backend_healthy", "gauge",
		    "The checks' verdict on the backend: 1 healthy, 0 not.",
		    be_healthy);
	per_backend(f, d, "lbhealthd_backend_maintenance", "gauge",
		    "1 while the backend is in maintenance (drained whatever its health).",
		    be_maint);
	per_backend(f, d, "lbhealthd_backend_transitions_total", "counter",
		    "Changes of the checks' verdict on the backend.",
		    be_transitions);
	family(f, "lbhealthd_check_results_total", "counter",
	       "Check runs against the backend, by outcome (timeout: failed at the check's timeout).");
	for (i = 0; i < d->n_svcs; i++)
		for (j = 0; j < d->svcs[i].n_backends; j++) {
			const struct hc_backend *be = &d->svcs[i].backends[j];

			for (o = 0; o < HC_OUTCOME_N; o++) {
				be_labels(f, "lbhealthd_check_results_total",
					  &d->svcs[i], &be->conf->be);
				fprintf(f, ",outcome=\"%s\"} %" PRIu64 "\n",
					outcome_names[o], be->ctr.results[o]);
			}
		}
}

static void daemon_services(FILE *f, const struct hc_daemon *d)
{
	const char *name = "lbhealthd_check_duration_seconds";
	char addr[NFLB_ADDRSTRLEN];
	uint64_t cum;
	size_t i, j;

	family(f, name, "histogram",
	       "How long the service's check runs took.");
	for (i = 0; i < d->n_svcs; i++) {
		const struct hc_latency *l = &d->svcs[i].latency;

		for (j = 0, cum = 0; j < HC_LATENCY_BUCKETS; j++) {
			cum += l->bucket[j];
			svc_labels(f, "lbhealthd_check_duration_seconds_bucket",
				   &d->svcs[i]);
			fprintf(f, ",le=\"%g\"} %" PRIu64 "\n",
				bounds_ms[j] / 1000.0, cum);
		}
		svc_labels(f, "lbhealthd_check_duration_seconds_bucket",
			   &d->svcs[i]);
		fprintf(f, ",le=\"+Inf\"} %" PRIu64 "\n", l->count);
		svc_labels(f, "lbhealthd_check_duration_seconds_sum",
			   &d->svcs[i]);
		fprintf(f, "} %.3f\n", l->sum_ms / 1000.0);
		svc_labels(f, "lbhealthd_check_duration_seconds_count",
			   &d->svcs[i]);
		fprintf(f, "} %" PRIu64 "\n", l->count);
	}
	family(f, "lbhealthd_service_info", "gauge",
	       "The service's protocol and address (VIP:PORT), value 1.");
	for (i = 0; i < d->n_svcs; i++) {
		const struct nflb_service *svc = &d->svcs[i].conf->svc;

		svc_labels(f, "lbhealthd_service_info", &d->svcs[i]);
		fprintf(f, ",protocol=\"%s\",address=\"%s\"} 1\n",
			nflb_proto_name(svc->proto),
			nflb_addr_format(svc->family, &svc->addr, true,
					 svc->port, addr, sizeof(addr)));
	}
	family(f, "lbhealthd_service_healthy_backends", "gauge",
	       "Backends that count toward the quorum: healthy, not in maintenance.");
	for (i = 0; i < d->n_svcs; i++) {
		svc_labels(f, "lbhealthd_service_healthy_backends",
			   &d->svcs[i]);
		fprintf(f, "} %zu\n", hc_svc_counted(&d->svcs[i]));
	}
	family(f, "lbhealthd_service_quorum", "gauge",
	       "Healthy backends the service needs (its quorum).");
	for (i = 0; i < d->n_svcs; i++) {
		svc_labels(f, "lbhealthd_service_quorum", &d->svcs[i]);
		fprintf(f, "} %u\n", d->svcs[i].conf->quorum);
	}
	family(f, "lbhealthd_service_quorum_up", "gauge",
	       "1 while the service meets its quorum (else its sorry backend serves, if any).");
	for (i = 0; i < d->n_svcs; i++) {
		svc_labels(f, "lbhealthd_service_quorum_up", &d->svcs[i]);
		fprintf(f, "} %d\n", d->svcs[i].quorum_ok);
	}
}

static unsigned int open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned int n = 0;
	struct dirent *e;

	if (!dir)
		return 0;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n ? n - 1 : 0;	/* not the directory's own descriptor */
}

static void process_stats(FILE *f, const struct hc_daemon *d)
{
	unsigned long pages = 0, rss = 0;
	struct rusage ru;
	FILE *statm;

	getrusage(RUSAGE_SELF, &ru);
	family(f, "process_cpu_seconds_total", "counter",
	       "User and system CPU time of lbhealthd.");
	fprintf(f, "process_cpu_seconds_total %.3f\n",
		ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	statm = fopen("/proc/self/statm", "re");
	if (statm) {
		if (fscanf(statm, "%lu %lu", &pages, &rss) != 2)
			rss = 0;
		fclose(statm);
	}
	family(f, "process_resident_memory_bytes", "gauge",
	       "Resident memory of lbhealthd.");
	fprintf(f, "process_resident_memory_bytes %lu\n",
		rss * (unsigned long)sysconf(_SC_PAGESIZE));
	family(f, "process_open_fds", "gauge",
	       "Open file descriptors of lbhealthd.");
	fprintf(f, "process_open_fds %u\n", open_fds());
	family(f, "process_start_time_seconds", "gauge",
	       "When lbhealthd started, in seconds since the epoch.");
	fprintf(f, "process_start_time_seconds %.3f\n",
		d->ctr.start_usec / 1e6);
}

/* Announcing VIPs (announce.c): each VIP of a service that announces. */
static void vip_sample(const struct hc_vip *v, bool announced, void *data)
{
	char addr[NFLB_ADDRSTRLEN];

	nflb_addr_format(v->family, &v->addr, false, 0, addr, sizeof(addr));
	fprintf(data, "lbhealthd_vip_announced{address=\"%s\"} %d\n", addr,
		announced);
}

static void announce_stats(FILE *f, const struct hc_daemon *d)
{
	family(f, "lbhealthd_vip_announced", "gauge",
	       "1 while the VIP is announced to the routers, 0 while withdrawn.");
	hc_announce_each(d, vip_sample, f);
	family(f, "lbhealthd_node_drained", "gauge",
	       "1 while the node is drained (lbhealthd drain-node): no VIP announced.");
	fprintf(f, "lbhealthd_node_drained %d\n", d->ann.drained);
	family(f, "lbhealthd_vip_route_changes_total", "counter",
	       "Routes of VIPs added (announce) and deleted (withdraw).");
	fprintf(f, "lbhealthd_vip_route_changes_total{change=\"announce\"} %" PRIu64 "\n"
		"lbhealthd_vip_route_changes_total{change=\"withdraw\"} %" PRIu64 "\n",
		d->ctr.announcements, d->ctr.withdrawals);
}

static void daemon_stats(FILE *f, const struct hc_daemon *d, bool kernel_ok)
{
	const struct hc_daemon_counters *c = &d->ctr;

	family(f, "lbhealthd_build_info", "gauge",
	       "lbhealthd's version, value 1.");
	fprintf(f, "lbhealthd_build_info{version=\"%s\"} 1\n", LBADM_VERSION);
	family(f, "lbhealthd_config_reloads_total", "counter",
	       "Reloads of the configuration file (SIGHUP), by result.");
	fprintf(f, "lbhealthd_config_reloads_total{result=\"success\"} %" PRIu64 "\n"
		"lbhealthd_config_reloads_total{result=\"failure\"} %" PRIu64 "\n",
		c->reloads_ok, c->reloads_failed);
	family(f, "lbhealthd_config_last_reload_successful", "gauge",
	       "1 if the last reload succeeded (or none was asked), 0 if it failed.");
	fprintf(f, "lbhealthd_config_last_reload_successful %d\n",
		c->last_reload_ok);
	family(f, "lbhealthd_config_last_reload_success_timestamp_seconds",
	       "gauge",
	       "When the running configuration was loaded, in seconds since the epoch.");
	fprintf(f, "lbhealthd_config_last_reload_success_timestamp_seconds %.3f\n",
		c->last_reload_usec / 1e6);
	family(f, "lbhealthd_reconciles_total", "counter",
	       "Reconciles of the kernel's services with the wanted state, by result.");
	fprintf(f, "lbhealthd_reconciles_total{result=\"success\"} %" PRIu64 "\n"
		"lbhealthd_reconciles_total{result=\"failure\"} %" PRIu64 "\n",
		c->reconciles_ok, c->reconciles_failed);
	family(f, "lbhealthd_kernel_in_sync", "gauge",
	       "1 if the last reconcile brought the kernel in line, 0 if it failed.");
	fprintf(f, "lbhealthd_kernel_in_sync %d\n", c->kernel_ok);
	family(f, "lbhealthd_kernel_scrape_success", "gauge",
	       "1 if this scrape read the kernel's counters (nflb_*), 0 if not.");
	fprintf(f, "lbhealthd_kernel_scrape_success %d\n", kernel_ok);
	family(f, "lbhealthd_probes_running", "gauge",
	       "Check runs in flight.");
	fprintf(f, "lbhealthd_probes_running %u\n",
		d->prober ? hc_prober_running(d->prober) : 0);
	family(f, "lbhealthd_services", "gauge",
	       "Services in the running configuration.");
	fprintf(f, "lbhealthd_services %zu\n", d->n_svcs);
	announce_stats(f, d);
}

/* The netns's DSR flow table, once it has one (its first DSR service). */
static void kernel_flowtable(FILE *f, struct hc_daemon *d)
{
	struct nflb_flowtable ft;

	if (!d->nl || nflb_flowtable_get(d->nl, &ft) < 0 || !ft.size)
		return;
	family(f, "nflb_dsr_flows", "gauge",
	       "Entries of the DSR flow table: size, or used (live flows).");
	fprintf(f, "nflb_dsr_flows{kind=\"size\"} %u\n", ft.size);
	fprintf(f, "nflb_dsr_flows{kind=\"used\"} %u\n", ft.used);
	family(f, "nflb_dsr_flow_events_total", "counter",
	       "DSR flow table: entries made (insert), NEW entries given to other flows (evict), new flows left without an entry: bucket full (full), over net.nflb.dsr_flow_rate (guard).");
	fprintf(f, "nflb_dsr_flow_events_total{event=\"insert\"} %" PRIu64 "\n",
		ft.inserts);
	fprintf(f, "nflb_dsr_flow_events_total{event=\"evict\"} %" PRIu64 "\n",
		ft.evicts);
	fprintf(f, "nflb_dsr_flow_events_total{event=\"full\"} %" PRIu64 "\n",
		ft.full);
	fprintf(f, "nflb_dsr_flow_events_total{event=\"guard\"} %" PRIu64 "\n",
		ft.guard);
	family(f, "nflb_dsr_drops_total", "counter",
	       "DSR packets dropped, by reason (too_big: ICMP sent back; no_route: to the backend; error: no memory for headroom).");
	fprintf(f, "nflb_dsr_drops_total{reason=\"too_big\"} %" PRIu64 "\n",
		ft.too_big);
	fprintf(f, "nflb_dsr_drops_total{reason=\"no_route\"} %" PRIu64 "\n",
		ft.no_route);
	fprintf(f, "nflb_dsr_drops_total{reason=\"error\"} %" PRIu64 "\n",
		ft.errors);
	family(f, "nflb_dsr_icmp_total", "counter",
	       "ICMP errors about DSR flows passed on to their backends.");
	fprintf(f, "nflb_dsr_icmp_total %" PRIu64 "\n", ft.icmp);
}

int hc_metrics_write(struct hc_daemon *d, FILE *f)
{
	struct kview kv = { 0 };
	bool kernel_ok;

	kernel_ok = kview_load(d, &kv);
	kernel_stats(f, d, &kv);
	kernel_backends(f, d, &kv);
	kview_free(&kv);
	kernel_flowtable(f, d);
	daemon_backends(f, d);
	daemon_services(f, d);
	daemon_stats(f, d, kernel_ok);
	process_stats(f, d);
	return ferror(f) ? -1 : 0;
}
