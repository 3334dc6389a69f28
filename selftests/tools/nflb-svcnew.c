// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-svcnew: one SERVICE_NEW request carrying backends, built by
 * libnflbnl without lbadm's checks, so that the selftests reach the
 * kernel's own validation of the backend list (duplicates, families,
 * ports) and its all-or-nothing creation.
 *
 * Usage: nflb-svcnew tcp|udp VIP:PORT [ADDR[:PORT]]...
 * Exit 0 if the kernel created the service, 1 with its message if not.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nflbnl.h"
#include "../../userspace/lbadm/parse.h"

int main(int argc, char **argv)
{
	struct nflb_nl_err err;
	struct lbadm_perr e;
	struct lbadm_req req;
	struct nflb_nl *nl;
	char *add[] = { "add", NULL, NULL, NULL };
	int i, ret;

	if (argc < 3) {
		fprintf(stderr, "usage: nflb-svcnew tcp|udp VIP:PORT [ADDR[:PORT]]...\n");
		return 2;
	}
	add[1] = argv[1];
	add[2] = argv[2];
	if (lbadm_parse_service_args(3, add, &req, &e) < 0) {
		fprintf(stderr, "nflb-svcnew: %s\n", e.msg);
		return 2;
	}
	req.svc.n_backends = argc - 3;
	req.svc.backends = calloc(argc - 3 + 1, sizeof(*req.svc.backends));
	if (!req.svc.backends)
		return 2;
	/* Addresses only: family and ports as given, whatever the service. */
	for (i = 3; i < argc; i++) {
		if (lbadm_parse_backend_addr(argv[i], &req.svc.backends[i - 3],
					     &e) < 0) {
			fprintf(stderr, "nflb-svcnew: %s\n", e.msg);
			return 2;
		}
	}
	nl = nflb_nl_open(&err);
	if (!nl) {
		fprintf(stderr, "nflb-svcnew: %s\n", err.msg);
		return 2;
	}
	ret = nflb_service_add(nl, &req.svc);
	if (ret < 0)
		printf("error: %s\n", nflb_nl_error(nl)->msg);
	nflb_nl_close(nl);
	free(req.svc.backends);
	return ret < 0 ? 1 : 0;
}
