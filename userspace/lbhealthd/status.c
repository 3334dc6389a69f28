// SPDX-License-Identifier: GPL-2.0
/*
 * The status socket: a local stream socket where `lbhealthd status` asks
 * for every backend's check state.  The daemon always answers in JSON (one
 * document, then it closes the connection); the client prints it as a
 * table or passes it on with -j.  Requests are one line: "status", or a
 * JSON object: {"request": "drain" | "undrain", "service": NAME or
 * "PROTO VIP:PORT", "backend": "ADDR[:PORT]"} puts a backend in
 * maintenance or takes it out (`lbhealthd drain|undrain`);
 * {"request": "drain-node" | "undrain-node"} withdraws the node's VIPs
 * from the routers or announces them again (`lbhealthd drain-node`).
 * Clients are served from the event loop without ever blocking it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "daemon.h"
#include "log.h"

/* One request line; a longer one is refused. */
#define REQUEST_MAX	512
/* A client has this long to ask and take the answer. */
#define CLIENT_TIMEOUT	(5 * USEC_PER_SEC)
/* Clients at once (`lbhealthd status` keeps one for a moment). */
#define CLIENTS_MAX	32

static int sockaddr_fill(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

static json_t *backend_json(const struct hc_backend *be, uint64_t now)
{
	const struct nflb_backend *b = &be->conf->be;
	char addr[NFLB_ADDRSTRLEN];
	json_t *o, *last = json_null();

	nflb_addr_format(b->family, &b->addr, false, 0, addr, sizeof(addr));
	if (be->has_last)
		last = json_pack("{s:b, s:s, s:I, s:I}", "ok", be->last.ok,
				 "reason", be->last.reason, "duration-ms",
				 (json_int_t)be->last.duration_ms, "at",
				 (json_int_t)(be->last_at / 1000000));
	o = json_pack("{s:s, s:i, s:i, s:s, s:s, s:b, s:I, s:I, s:I, s:o}",
		      "address", addr, "port", b->port, "weight", b->weight,
		      "check", nflb_enum_name(hc_check_type_names,
					      hc_backend_check(be->svc->conf,
							       be->conf)->type),
		      "state", be->health.up ? "up" : "down",
		      "maintenance", hc_backend_maint(be),
		      "since", (json_int_t)(be->since / 1000000),
		      "for", (json_int_t)((now - be->since) / 1000000),
		      "runs", (json_int_t)be->health.runs, "last", last);
	return o;
}

static json_t *status_json(const struct hc_daemon *d)
{
	struct timespec ts;
	json_t *root, *svcs, *bes, *o, *vips, *ann;
	char addr[NFLB_ADDRSTRLEN], digest[17];
	struct hc_vip v;
	uint64_t now;
	size_t i, j;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	svcs = json_array();
	for (i = 0; i < d->n_svcs; i++) {
		const struct hc_svc *s = &d->svcs[i];
		const struct nflb_service *k = &s->conf->svc;

		bes = json_array();
		for (j = 0; j < s->n_backends; j++)
			json_array_append_new(bes,
					      backend_json(&s->backends[j], now));
		nflb_addr_format(k->family, &k->addr, false, 0, addr,
				 sizeof(addr));
		hc_vip_of(s->conf, &v);
		snprintf(digest, sizeof(digest), "%016llx",
			 (unsigned long long)s->digest);
		o = json_pack("{s:s, s:s, s:s, s:i, s:I, s:i, s:b, s:b, s:b, s:o, s:o, s:o}",
			      "name", s->conf->name,
			      "protocol", nflb_proto_name(k->proto),
			      "address", addr, "port", k->port,
			      "healthy", (json_int_t)hc_svc_counted(s),
			      "quorum", s->conf->quorum,
			      "quorum-ok", s->quorum_ok,
			      "announce", s->conf->announce,
			      "announced", hc_vip_announced(d, &v),
			      "table-size", s->has_digest ?
			      json_integer(s->table_size) : json_null(),
			      "digest", s->has_digest ? json_string(digest) :
			      json_null(), "backends", bes);
		json_array_append_new(svcs, o);
	}
	vips = json_array();
	for (i = 0; i < d->ann.n_vips; i++) {
		nflb_addr_format(d->ann.vips[i].family, &d->ann.vips[i].addr,
				 false, 0, addr, sizeof(addr));
		json_array_append_new(vips, json_string(addr));
	}
	ann = json_pack("{s:I, s:b, s:b, s:o}", "table",
			(json_int_t)d->cfg.announce_table, "node-drained",
			d->ann.drained, "stopping", d->ann.stopping, "vips",
			vips);
	root = json_pack("{s:s, s:I, s:o, s:o}", "config", d->config_path,
			 "pid", (json_int_t)getpid(), "announce", ann,
			 "services", svcs);
	return root;
}

/*
 * A client of the status socket.  Nothing here blocks the loop: the
 * accepted socket is non-blocking, the request is read as it arrives (one
 * line of at most REQUEST_MAX bytes), the reply written as the socket
 * takes it, and a client that does not finish within CLIENT_TIMEOUT is
 * dropped.  At most CLIENTS_MAX clients at once: one more evicts the
 * oldest still sending its request (a stuck or hostile client cannot lock
 * the others out).
 */
struct hc_status_client {
	struct hc_status_client *next, **pprev;
	struct hc_daemon *d;
	int fd;
	sd_event_source *io, *timer;
	bool replying;
	size_t req_len;
	char req[REQUEST_MAX + 1];
	char *out;
	size_t out_len, out_off;
};

static void client_free(struct hc_status_client *cl)
{
	cl->io = sd_event_source_disable_unref(cl->io);
	cl->timer = sd_event_source_disable_unref(cl->timer);
	if (cl->fd >= 0)
		close(cl->fd);
	*cl->pprev = cl->next;
	if (cl->next)
		cl->next->pprev = cl->pprev;
	cl->d->n_status_clients--;
	free(cl->out);
	free(cl);
}

/* Write what the socket takes; the client is done when all is out. */
static void client_write(struct hc_status_client *cl)
{
	ssize_t n;

	while (cl->out_off < cl->out_len) {
		n = send(cl->fd, cl->out + cl->out_off,
			 cl->out_len - cl->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* EPOLLOUT calls again */
		if (n <= 0)
			break;		/* the client went away */
		cl->out_off += n;
	}
	client_free(cl);
}

/* Set REPLY (taken over; NULL: out of memory) as the answer, send it. */
static void client_reply(struct hc_status_client *cl, json_t *reply)
{
	char *out = reply ? json_dumps(reply, JSON_COMPACT) : NULL;

	json_decref(reply);
	if (!out) {
		client_free(cl);
		return;
	}
	cl->out_len = strlen(out);
	out[cl->out_len++] = '\n';	/* json_dumps' NUL makes room */
	cl->out = out;
	cl->replying = true;
	if (sd_event_source_set_io_events(cl->io, EPOLLOUT) < 0) {
		client_free(cl);
		return;
	}
	client_write(cl);
}

static json_t *error_json(const char *msg)
{
	return json_pack("{s:s}", "error", msg);
}

/*
 * "ADDR", "ADDR:PORT", "[ADDR6]:PORT" or "ADDR6" into FAMILY, ADDR and
 * *PORT (-1: none given).  0, or -1.
 */
static int parse_endpoint(const char *s, uint16_t *family,
			  union nflb_inaddr *addr, int *port)
{
	char buf[INET6_ADDRSTRLEN + 16], *p, *end;
	const char *a = buf;
	long n;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*port = -1;
	p = NULL;
	if (buf[0] == '[') {
		a = buf + 1;
		end = strchr(buf, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -1;
		*end = 0;
		p = end[1] ? end + 2 : NULL;
	} else if (strchr(buf, ':') == strrchr(buf, ':') && strchr(buf, ':')) {
		p = strchr(buf, ':');
		*p++ = 0;
	}
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, a, &addr->v4) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, a, &addr->v6) == 1)
		*family = AF_INET6;
	else
		return -1;
	if (p) {
		errno = 0;
		n = strtol(p, &end, 10);
		if (!*p || *end || errno || n < 0 || n > 65535)
			return -1;
		*port = n;
	}
	return 0;
}

/* The service named NAME, or of key "PROTO VIP:PORT"; NULL if none. */
static struct hc_svc *find_svc(struct hc_daemon *d, const char *name)
{
	const char *sp = strchr(name, ' ');
	union nflb_inaddr addr;
	uint16_t family;
	unsigned int proto;
	char word[8];
	size_t i;
	int port;

	for (i = 0; i < d->n_svcs; i++)
		if (!strcmp(d->svcs[i].conf->name, name))
			return &d->svcs[i];
	if (!sp || (size_t)(sp - name) >= sizeof(word))
		return NULL;
	memcpy(word, name, sp - name);
	word[sp - name] = 0;
	if (nflb_enum_value(nflb_proto_names, word, &proto) < 0 ||
	    parse_endpoint(sp + 1, &family, &addr, &port) < 0 || port < 0)
		return NULL;
	for (i = 0; i < d->n_svcs; i++) {
		const struct nflb_service *k = &d->svcs[i].conf->svc;

		if (k->proto == proto && k->family == family &&
		    k->port == port &&
		    !memcmp(&k->addr, &addr, nflb_addr_len(family)))
			return &d->svcs[i];
	}
	return NULL;
}

/*
 * {"request": "drain" | "undrain", "service": S, "backend": B}: put
 * backend B of service S in maintenance or take it out.
 */
static json_t *maint_request(struct hc_daemon *d, json_t *req, bool on)
{
	const char *sname = json_string_value(json_object_get(req, "service"));
	const char *bname = json_string_value(json_object_get(req, "backend"));
	struct hc_backend *found = NULL;
	union nflb_inaddr addr;
	char name[NFLB_ADDRSTRLEN], msg[256];
	struct hc_svc *s;
	uint16_t family;
	size_t i, n = 0;
	bool changed;
	int port;

	if (!sname || !bname)
		return error_json("drain and undrain take a service and a backend");
	s = find_svc(d, sname);
	if (!s) {
		snprintf(msg, sizeof(msg), "no service \"%s\" in %s", sname,
			 d->config_path);
		return error_json(msg);
	}
	if (parse_endpoint(bname, &family, &addr, &port) < 0) {
		snprintf(msg, sizeof(msg),
			 "\"%s\" is not a backend address (ADDR[:PORT])",
			 bname);
		return error_json(msg);
	}
	for (i = 0; i < s->n_backends; i++) {
		const struct nflb_backend *b = &s->backends[i].conf->be;

		if (b->family == family &&
		    !memcmp(&b->addr, &addr, nflb_addr_len(family)) &&
		    (port < 0 || b->port == port)) {
			found = &s->backends[i];
			n++;
		}
	}
	if (n != 1) {
		snprintf(msg, sizeof(msg), n ?
			 "%s: several backends at %s: give the port" :
			 "%s: no backend %s", s->conf->name, bname);
		return error_json(msg);
	}
	changed = hc_backend_set_maint(found, on);
	hc_backend_name(found, name, sizeof(name));
	return json_pack("{s:s, s:s, s:b, s:b}", "service", s->conf->name,
			 "backend", name, "maintenance", on, "changed",
			 changed);
}

/*
 * {"request": "drain-node" | "undrain-node"}: withdraw every VIP of the
 * node (its flows move to the other nodes, which pick them up), or
 * announce them again as their services allow.
 */
static json_t *node_request(struct hc_daemon *d, bool on)
{
	size_t n = d->ann.n_vips;
	bool changed = hc_announce_drain(d, on);

	return json_pack("{s:b, s:b, s:I, s:I}", "node-drained", on,
			 "changed", changed, "withdrawn",
			 (json_int_t)(on && changed ? n - d->ann.n_vips : 0),
			 "services", (json_int_t)d->cfg.n_announced);
}

/* The answer to one request line REQ: "status", or a JSON object. */
static json_t *handle_request(struct hc_daemon *d, const char *req)
{
	const char *what;
	json_t *o, *reply;

	if (!strcmp(req, "status"))
		return status_json(d);
	o = req[0] == '{' ? json_loads(req, 0, NULL) : NULL;
	what = json_string_value(json_object_get(o, "request"));
	if (what && !strcmp(what, "status"))
		reply = status_json(d);
	else if (what && (!strcmp(what, "drain") || !strcmp(what, "undrain")))
		reply = maint_request(d, o, what[0] == 'd');
	else if (what && (!strcmp(what, "drain-node") ||
			  !strcmp(what, "undrain-node")))
		reply = node_request(d, what[0] == 'd');
	else
		reply = error_json("unknown request");
	json_decref(o);
	return reply;
}

static int client_io_cb(sd_event_source *src, int fd, uint32_t revents,
			void *data)
{
	struct hc_status_client *cl = data;
	char *nl;
	ssize_t n;

	(void)src;
	(void)revents;
	if (cl->replying) {
		client_write(cl);
		return 0;
	}
	n = recv(fd, cl->req + cl->req_len, REQUEST_MAX - cl->req_len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return 0;
	if (n < 0 || (n == 0 && !cl->req_len)) {
		client_free(cl);	/* gone, or closed without asking */
		return 0;
	}
	cl->req_len += n;
	cl->req[cl->req_len] = 0;
	nl = strpbrk(cl->req, "\r\n");
	if (nl)
		*nl = 0;
	else if (n && cl->req_len < REQUEST_MAX)
		return 0;		/* the rest is on its way */
	/* A line, or what came before the client shut its side. */
	client_reply(cl, nl || !n ? handle_request(cl->d, cl->req) :
		     error_json("request too long"));
	return 0;
}

static int client_timeout_cb(sd_event_source *src, uint64_t usec, void *data)
{
	(void)src;
	(void)usec;
	client_free(data);
	return 0;
}

static int status_accept_cb(sd_event_source *src, int fd, uint32_t revents,
			    void *data)
{
	struct hc_daemon *d = data;
	struct hc_status_client *cl, *old, *evict;
	int c;

	(void)src;
	(void)revents;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return 0;
	if (d->n_status_clients >= CLIENTS_MAX) {
		for (evict = NULL, old = d->status_clients; old;
		     old = old->next)
			if (!old->replying)
				evict = old;	/* the list is newest first */
		if (!evict) {
			close(c);
			return 0;
		}
		client_free(evict);
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(c);
		return 0;
	}
	cl->d = d;
	cl->fd = c;
	cl->next = d->status_clients;
	if (cl->next)
		cl->next->pprev = &cl->next;
	cl->pprev = &d->status_clients;
	d->status_clients = cl;
	d->n_status_clients++;
	if (sd_event_add_io(d->ev, &cl->io, c, EPOLLIN, client_io_cb,
			    cl) < 0 ||
	    sd_event_add_time_relative(d->ev, &cl->timer, CLOCK_MONOTONIC,
				       CLIENT_TIMEOUT, USEC_PER_MSEC * 10,
				       client_timeout_cb, cl) < 0)
		client_free(cl);
	return 0;
}

int hc_status_listen(struct hc_daemon *d, const char *path)
{
	struct sockaddr_un sun;
	char *dir;
	int fd;

	if (sockaddr_fill(&sun, path) < 0) {
		hc_log(LOG_ERR, "status socket %s: path too long", path);
		return -1;
	}
	dir = strdup(path);
	if (dir) {
		mkdir(dirname(dir), 0755);
		free(dir);
	}
	/* Replace a socket left by a daemon that died, not a live one's. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		hc_log(LOG_ERR,
		       "status socket %s: another lbhealthd is running", path);
		return -1;
	}
	close(fd);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0660) < 0 || listen(fd, 16) < 0 ||
	    sd_event_add_io(d->ev, &d->status_src, fd, EPOLLIN,
			    status_accept_cb, d) < 0)
		goto fail;
	sd_event_source_set_io_fd_own(d->status_src, 1);
	d->status_path = strdup(path);
	return 0;
fail:
	hc_log(LOG_ERR, "status socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

void hc_status_close(struct hc_daemon *d)
{
	while (d->status_clients)
		client_free(d->status_clients);
	d->status_src = sd_event_source_disable_unref(d->status_src);
	if (d->status_path)
		unlink(d->status_path);
	free(d->status_path);
	d->status_path = NULL;
}

/* The client */

static void format_age(json_int_t s, char *buf, size_t len)
{
	if (s < 120)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm", (long long)s / 60);
	else if (s < 172800)
		snprintf(buf, len, "%lldh", (long long)s / 3600);
	else
		snprintf(buf, len, "%lldd", (long long)s / 86400);
}

/*
 * "announced (table 4242): 203.0.113.10, 2001:db8::10" and why nothing
 * is, when a service announces (ANY) or the node is drained.
 */
static void print_announced(json_t *ann, bool any)
{
	json_t *vips = json_object_get(ann, "vips"), *v;
	bool drained = json_is_true(json_object_get(ann, "node-drained"));
	size_t i;

	if (!json_is_object(ann) || (!any && !drained))
		return;
	printf("announced (table %lld):",
	       (long long)json_integer_value(json_object_get(ann, "table")));
	json_array_foreach(vips, i, v)
		printf("%s %s", i ? "," : "", json_string_value(v));
	if (!json_array_size(vips))
		printf(" none");
	if (json_is_true(json_object_get(ann, "stopping")))
		printf(" (stopping)");
	else if (drained)
		printf(" (node drained: undrain-node announces again)");
	putchar('\n');
}

static int print_table(json_t *root)
{
	json_t *svcs = json_object_get(root, "services"), *s, *b, *last;
	char svc[NFLB_ADDRSTRLEN + 64], be[NFLB_ADDRSTRLEN + 8], age[32];
	char state[32];
	bool announce = false;
	size_t i, j;

	printf("%-24s %-22s %-6s %-10s %-5s %-6s %s\n", "SERVICE", "BACKEND",
	       "CHECK", "STATE", "FOR", "LAST", "REASON");
	json_array_foreach(svcs, i, s) {
		snprintf(svc, sizeof(svc), "%s",
			 json_string_value(json_object_get(s, "name")));
		json_array_foreach(json_object_get(s, "backends"), j, b) {
			const char *addr = json_string_value(
				json_object_get(b, "address"));
			json_int_t port = json_integer_value(
				json_object_get(b, "port"));

			snprintf(be, sizeof(be), strchr(addr, ':') ?
				 "[%s]:%lld" : "%s:%lld", addr,
				 (long long)port);
			format_age(json_integer_value(json_object_get(b, "for")),
				   age, sizeof(age));
			last = json_object_get(b, "last");
			snprintf(state, sizeof(state), "%s%s",
				 json_string_value(json_object_get(b,
								   "state")),
				 json_is_true(json_object_get(b,
							      "maintenance")) ?
				 ",maint" : "");
			printf("%-24s %-22s %-6s %-10s %-5s %-6s %s\n", svc, be,
			       json_string_value(json_object_get(b, "check")),
			       state, age,
			       json_is_object(last) ?
			       (json_is_true(json_object_get(last, "ok")) ?
				"ok" : "failed") : "-",
			       json_is_object(last) ?
			       json_string_value(json_object_get(last,
								 "reason")) :
			       "not checked yet");
		}
		if (!json_is_true(json_object_get(s, "quorum-ok")))
			printf("%-24s quorum lost: %lld healthy, quorum %lld\n",
			       svc,
			       (long long)json_integer_value(
				       json_object_get(s, "healthy")),
			       (long long)json_integer_value(
				       json_object_get(s, "quorum")));
		announce |= json_is_true(json_object_get(s, "announce"));
	}
	print_announced(json_object_get(root, "announce"), announce);
	return 0;
}

/* Send REQ (one line) to the daemon at PATH; its answer, or NULL (said). */
static json_t *query(const char *path, const char *req)
{
	struct sockaddr_un sun;
	json_error_t jerr;
	json_t *root;
	FILE *f;
	int fd;

	if (sockaddr_fill(&sun, path) < 0) {
		fprintf(stderr, "lbhealthd: status socket %s: path too long\n",
			path);
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr,
			"lbhealthd: cannot reach the daemon at %s: %s (is lbhealthd running?)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "lbhealthd: %s: %s\n", path, strerror(errno));
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	root = f ? json_loadf(f, 0, &jerr) : NULL;
	if (f)
		fclose(f);
	else
		close(fd);
	if (!root) {
		fprintf(stderr, "lbhealthd: %s: bad answer from the daemon: %s\n",
			path, f ? jerr.text : strerror(errno));
		return NULL;
	}
	if (json_object_get(root, "error")) {
		fprintf(stderr, "lbhealthd: daemon: %s\n",
			json_string_value(json_object_get(root, "error")));
		json_decref(root);
		return NULL;
	}
	return root;
}

int hc_status_query(const char *path, bool json)
{
	json_t *root = query(path, "status\n");

	if (!root)
		return 1;
	if (json) {
		json_dumpf(root, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		print_table(root);
	}
	json_decref(root);
	return 0;
}

int hc_maint_query(const char *path, bool on, const char *service,
		   const char *backend)
{
	json_t *req = json_pack("{s:s, s:s, s:s}", "request",
				on ? "drain" : "undrain", "service", service,
				"backend", backend), *root;
	char *line = req ? json_dumps(req, JSON_COMPACT) : NULL;
	char *buf = line ? malloc(strlen(line) + 2) : NULL;

	json_decref(req);
	if (!buf) {
		free(line);
		fprintf(stderr, "lbhealthd: out of memory\n");
		return 1;
	}
	sprintf(buf, "%s\n", line);
	free(line);
	root = query(path, buf);
	free(buf);
	if (!root)
		return 1;
	printf("%s: backend %s %s%s maintenance%s\n",
	       json_string_value(json_object_get(root, "service")),
	       json_string_value(json_object_get(root, "backend")),
	       json_is_true(json_object_get(root, "changed")) ? "" :
	       "already ", on ? "in" : "out of", on ? " (drained)" : "");
	json_decref(root);
	return 0;
}

int hc_node_query(const char *path, bool on)
{
	json_t *root = query(path, on ? "{\"request\":\"drain-node\"}\n" :
			     "{\"request\":\"undrain-node\"}\n");
	bool changed;
	json_int_t n;

	if (!root)
		return 1;
	changed = json_is_true(json_object_get(root, "changed"));
	n = json_integer_value(json_object_get(root, "withdrawn"));
	if (!on)
		printf(changed ?
		       "node undrained: its VIPs are announced again as their services allow\n" :
		       "node not drained: nothing to do\n");
	else if (!changed)
		printf("node already drained\n");
	else
		printf("node drained: %lld VIP%s withdrawn; its flows move to the other nodes\n",
		       (long long)n, n == 1 ? "" : "s");
	if (!json_integer_value(json_object_get(root, "services")))
		printf("(no service of the file announces its VIP)\n");
	json_decref(root);
	return 0;
}
