// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's tcp and udp probes, on non-blocking sockets watched by the
 * loop.
 *
 * tcp: a non-blocking connect(), writable with SO_ERROR 0 = up.
 * udp: a connected datagram socket, one datagram out, one expected back
 *      (an ICMP port unreachable shows as ECONNREFUSED on the socket).
 */

#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "probe_int.h"

static socklen_t target_sockaddr(const struct hc_probe *probe,
				 struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (probe->t->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(probe_port(probe));
		sin->sin_addr = probe->t->addr.v4;
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(probe_port(probe));
		sin6->sin6_addr = probe->t->addr.v6;
		return sizeof(*sin6);
	}
}

/* No answer within the check's timeout. */
static int net_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)s;
	(void)usec;
	probe_result(probe, false, "%s",
		     probe->check->type == HC_CHECK_UDP ||
		     probe->check->type == HC_CHECK_DNS ? "no reply" :
		     "connect timeout");
	probe_finish(probe);
	return 0;
}

int probe_net_connect(struct hc_probe *probe, int type, int *err)
{
	struct sockaddr_storage ss;
	socklen_t len = target_sockaddr(probe, &ss);

	probe->fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   0);
	if (probe->fd < 0)
		return -errno;
	*err = connect(probe->fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	return 0;
}

int probe_net_wait(struct hc_probe *probe, uint32_t events,
		   sd_event_io_handler_t io)
{
	int r;

	r = sd_event_add_io(probe->p->ev, &probe->io, probe->fd, events, io,
			    probe);
	if (r < 0)
		return r;
	return probe_add_timeout(probe, probe_timeout_usec(probe),
				 net_timeout);
}

/* tcp */

static int tcp_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hc_probe *probe = userdata;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)s;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		probe_result(probe, false, "%s", probe_errno_reason(err));
	else if (revents & EPOLLOUT)
		probe_result(probe, true, "connected");
	else
		probe_result(probe, false, "connection closed");
	probe_finish(probe);
	return 0;
}

int probe_tcp_start(struct hc_probe *probe)
{
	int r, err;

	r = probe_net_connect(probe, SOCK_STREAM, &err);
	if (r < 0)
		return r;
	if (err == EINPROGRESS)
		return probe_net_wait(probe, EPOLLOUT, tcp_io);
	if (err)
		probe_result(probe, false, "%s", probe_errno_reason(err));
	else
		probe_result(probe, true, "connected");
	probe_finish(probe);
	return 0;
}

/* udp */

static const char *udp_errno_reason(int err)
{
	return err == ECONNREFUSED ? "port unreachable" : strerror(err);
}

static int udp_io(sd_event_source *s, int fd, uint32_t revents,
		  void *userdata)
{
	struct hc_probe *probe = userdata;
	const struct hc_check *c = probe->check;
	uint8_t buf[HC_MAX_PAYLOAD];
	ssize_t n;

	(void)s;
	(void)revents;
	do {
		n = recv(fd, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		probe_result(probe, false, "%s", udp_errno_reason(errno));
	} else if (c->has_expect &&
		   ((size_t)n < c->expect_len ||
		    memcmp(buf, c->expect, c->expect_len))) {
		probe_result(probe, false, "reply mismatch");
	} else {
		probe_result(probe, true, "reply");
	}
	probe_finish(probe);
	return 0;
}

int probe_udp_start(struct hc_probe *probe)
{
	const struct hc_check *c = probe->check;
	size_t plen = c->payload_len < HC_MAX_PAYLOAD ? c->payload_len :
			HC_MAX_PAYLOAD;
	int r, err;

	r = probe_net_connect(probe, SOCK_DGRAM, &err);
	if (r < 0)
		return r;
	if (!err && send(probe->fd, c->payload, plen, 0) < 0)
		err = errno;
	if (!err)
		return probe_net_wait(probe, EPOLLIN, udp_io);
	probe_result(probe, false, "%s", udp_errno_reason(err));
	probe_finish(probe);
	return 0;
}
