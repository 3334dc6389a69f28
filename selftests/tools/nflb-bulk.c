// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-bulk: add many backends to a service from one process, through
 * libnflbnl, for the selftests of large services (one lbadm per backend
 * costs a process start each, slow under emulation).
 *
 * Usage: nflb-bulk tcp|udp VIP PORT BASE N
 *   adds the backends BASE, BASE + 1, ... BASE + N - 1 (the address as a
 *   number, IPv4 or IPv6, of the VIP's family), each on PORT, weight 1.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nflbnl.h"

/* ADDR += 1, as a big-endian number of LEN bytes. */
static void addr_inc(uint8_t *addr, size_t len)
{
	while (len-- && ++addr[len] == 0)
		;
}

static int parse_addr(const char *s, uint16_t *family, union nflb_inaddr *a)
{
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct nflb_service svc = { 0 };
	struct nflb_backend be = { 0 };
	struct nflb_nl_err err;
	struct nflb_nl *nl;
	char *end;
	long n, i, port;

	if (argc != 6) {
		fprintf(stderr, "usage: nflb-bulk tcp|udp VIP PORT BASE N\n");
		return 2;
	}
	svc.proto = strcmp(argv[1], "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
	port = strtol(argv[3], &end, 10);
	n = strtol(argv[5], NULL, 10);
	if (parse_addr(argv[2], &svc.family, &svc.addr) < 0 ||
	    parse_addr(argv[4], &be.family, &be.addr) < 0 ||
	    be.family != svc.family || *end || port < 0 || port > 65535 ||
	    n < 1) {
		fprintf(stderr, "nflb-bulk: bad arguments\n");
		return 2;
	}
	svc.port = port;
	be.port = port;
	NFLB_SET(&be, NFLB_BE_A_PORT);
	nl = nflb_nl_open(&err);
	if (!nl) {
		fprintf(stderr, "nflb-bulk: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (nflb_backend_add(nl, &svc, &be) < 0) {
			fprintf(stderr, "nflb-bulk: backend %ld: %s\n", i,
				nflb_nl_error(nl)->msg);
			nflb_nl_close(nl);
			return 1;
		}
		addr_inc(be.addr.raw, nflb_addr_len(be.family));
	}
	nflb_nl_close(nl);
	return 0;
}
