// SPDX-License-Identifier: GPL-2.0
/*
 * Names of enum values both ways, one table per enum (nflbnl.h): what
 * lbadm prints and parses, and what lbhealthd's configuration says.
 */

#include <stdio.h>
#include <string.h>

#include <sys/socket.h>

#include "nflbnl.h"

const struct nflb_name nflb_proto_names[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ 0, NULL },
};

const struct nflb_name nflb_hash_names[] = {
	{ NFLB_HASH_5TUPLE, "5tuple" },
	{ NFLB_HASH_SOURCE, "source" },
	{ 0, NULL },
};

const struct nflb_name nflb_state_names[] = {
	{ NFLB_BACKEND_UP, "up" },
	{ NFLB_BACKEND_DRAIN, "drain" },
	{ NFLB_BACKEND_DOWN, "down" },
	{ 0, NULL },
};

const struct nflb_name nflb_forward_names[] = {
	{ NFLB_FORWARD_NAT, "nat" },
	{ NFLB_FORWARD_GRE, "gre" },
	{ NFLB_FORWARD_IPIP, "ipip" },
	{ 0, NULL },
};

/* As conntrack's TCP states are printed: upper case. */
const struct nflb_name nflb_flow_state_names[] = {
	{ NFLB_FLOW_NEW, "NEW" },
	{ NFLB_FLOW_ESTABLISHED, "ESTABLISHED" },
	{ NFLB_FLOW_FIN, "FIN" },
	{ NFLB_FLOW_CLOSE, "CLOSE" },
	{ NFLB_FLOW_UDP, "ACTIVE" },
	{ 0, NULL },
};

const struct nflb_name nflb_family_names[] = {
	{ AF_INET, "IPv4" },
	{ AF_INET6, "IPv6" },
	{ 0, NULL },
};

const char *nflb_enum_name(const struct nflb_name *tab, unsigned int value)
{
	for (; tab->name; tab++)
		if (tab->value == value)
			return tab->name;
	return NULL;
}

int nflb_enum_value(const struct nflb_name *tab, const char *name,
		    unsigned int *value)
{
	for (; tab->name; tab++) {
		if (strcmp(tab->name, name) == 0) {
			*value = tab->value;
			return 0;
		}
	}
	return -1;
}

const char *nflb_enum_name_or_num(const struct nflb_name *tab,
				  unsigned int value, char *buf, size_t len)
{
	const char *name = nflb_enum_name(tab, value);

	if (name)
		return name;
	snprintf(buf, len, "%u", value);
	return buf;
}

char *nflb_enum_choices(const struct nflb_name *tab, char *buf, size_t len)
{
	size_t off = 0, i;
	int n;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; tab[i].name && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s",
			     i == 0 ? "" : tab[i + 1].name ? ", " : " or ",
			     tab[i].name);
		if (n < 0)
			break;
		off += n;
	}
	return buf;
}

const char *nflb_proto_name(uint8_t proto)
{
	return nflb_enum_name(nflb_proto_names, proto);
}

const char *nflb_hash_name(uint8_t hash)
{
	return nflb_enum_name(nflb_hash_names, hash);
}

const char *nflb_state_name(uint8_t state)
{
	return nflb_enum_name(nflb_state_names, state);
}

const char *nflb_forward_name(uint8_t forward)
{
	return nflb_enum_name(nflb_forward_names, forward);
}
