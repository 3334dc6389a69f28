// SPDX-License-Identifier: GPL-2.0
/* The helpers every lbadm command uses (util.h). */

#include <stdarg.h>
#include <stdio.h>

#include "util.h"

bool lbadm_stats;

void lbadm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("lbadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct nflb_nl *lbadm_open(void)
{
	struct nflb_nl_err err;
	struct nflb_nl *nl;

	nl = nflb_nl_open(&err);
	if (!nl)
		lbadm_err("%s", err.msg);
	return nl;
}

void lbadm_nl_err(struct nflb_nl *nl, const char *what)
{
	lbadm_err("%s: %s", what, nflb_nl_error(nl)->msg);
}
