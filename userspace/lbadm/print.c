// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm's output primitives.  Text only for now: every object is one line
 * of space-separated words, "key value" pairs after its leading words.  A
 * JSON mode can be added here without touching the callers.
 */

#include <inttypes.h>
#include <stdio.h>

#include "lbadm.h"

static bool pr_first;

static void sep(void)
{
	if (!pr_first)
		putchar(' ');
	pr_first = false;
}

void pr_begin(int indent)
{
	printf("%*s", indent, "");
	pr_first = true;
}

void pr_end(void)
{
	putchar('\n');
}

void pr_label(const char *text)
{
	sep();
	fputs(text, stdout);
}

void pr_value(const char *key, const char *val)
{
	(void)key;
	sep();
	fputs(val, stdout);
}

void pr_str(const char *key, const char *val)
{
	sep();
	printf("%s %s", key, val);
}

void pr_u64(const char *key, uint64_t val)
{
	sep();
	printf("%s %" PRIu64, key, val);
}

void pr_flag(const char *key, bool on)
{
	if (!on)
		return;
	sep();
	fputs(key, stdout);
}

void pr_endpoint(const char *addr_key, const char *port_key,
		 uint16_t family, const union nflb_inaddr *addr,
		 bool has_port, uint16_t port)
{
	char buf[NFLB_ADDRSTRLEN];

	(void)addr_key;
	(void)port_key;
	sep();
	fputs(nflb_addr_format(family, addr, has_port, port, buf, sizeof(buf)),
	      stdout);
}
