// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's dns probe: one query over UDP to the backend (its port, or
 * the check's), on a connected non-blocking socket.  Up: a reply to that
 * query (the same id, the QR bit set) with rcode NOERROR and at least one
 * answer record of the type asked for.  The message is built and read by
 * libresolv (res_mkquery(), ns_initparse()), not by hand.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "probe_int.h"

/* The largest reply read: EDNS-less DNS over UDP is at most 512 bytes. */
#define DNS_REPLY_MAX	4096

static const char *rcode_name(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED",
	};

	return rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])) ?
	       names[rcode] : NULL;
}

/* Judge the reply MSG of LEN bytes. */
static void dns_judge(struct hc_probe *probe, const uint8_t *msg, size_t len)
{
	const struct hc_check *c = probe->check;
	const char *rname;
	unsigned int n = 0;
	ns_msg handle;
	ns_rr rr;
	int i, count, rcode;

	if (ns_initparse(msg, len, &handle) < 0) {
		probe_result(probe, false, "malformed reply");
		return;
	}
	if (ns_msg_id(handle) != probe->dns_id ||
	    !ns_msg_getflag(handle, ns_f_qr)) {
		probe_result(probe, false, "reply to another query");
		return;
	}
	rcode = ns_msg_getflag(handle, ns_f_rcode);
	if (rcode != ns_r_noerror) {
		rname = rcode_name(rcode);
		if (rname)
			probe_result(probe, false, "%s", rname);
		else
			probe_result(probe, false, "rcode %d", rcode);
		return;
	}
	count = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < count; i++) {
		if (ns_parserr(&handle, ns_s_an, i, &rr) < 0) {
			probe_result(probe, false, "malformed reply");
			return;
		}
		if (ns_rr_type(rr) == c->query_type &&
		    ns_rr_class(rr) == ns_c_in)
			n++;
	}
	if (!n)
		probe_result(probe, false, "no %s record",
			     nflb_enum_name(hc_query_type_names, c->query_type));
	else
		probe_result(probe, true, "NOERROR, %u %s record%s", n,
			     nflb_enum_name(hc_query_type_names, c->query_type),
			     n == 1 ? "" : "s");
}

static int dns_io(sd_event_source *s, int fd, uint32_t revents,
		  void *userdata)
{
	struct hc_probe *probe = userdata;
	uint8_t buf[DNS_REPLY_MAX];
	ssize_t n;

	(void)s;
	(void)revents;
	do {
		n = recv(fd, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		probe_result(probe, false, "%s", errno == ECONNREFUSED ?
			     "port unreachable" : strerror(errno));
	} else {
		dns_judge(probe, buf, n);
	}
	probe_finish(probe);
	return 0;
}

int probe_dns_start(struct hc_probe *probe)
{
	const struct hc_check *c = probe->check;
	uint8_t query[NS_PACKETSZ];
	int len, r, err;

	len = res_mkquery(ns_o_query, c->query, ns_c_in, c->query_type, NULL,
			  0, NULL, query, sizeof(query));
	if (len < NS_HFIXEDSZ)
		return -EINVAL;
	/* res_mkquery() sets recursion desired and a random id. */
	probe->dns_id = ns_get16(query);
	r = probe_net_connect(probe, SOCK_DGRAM, &err);
	if (r < 0)
		return r;
	if (!err && send(probe->fd, query, len, 0) < 0)
		err = errno;
	if (!err)
		return probe_net_wait(probe, EPOLLIN, dns_io);
	probe_result(probe, false, "%s", err == ECONNREFUSED ?
		     "port unreachable" : strerror(err));
	probe_finish(probe);
	return 0;
}
