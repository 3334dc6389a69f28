// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the tools: addresses, the kernel's rules, FNV-1a. */

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "nflbnl.h"

size_t nflb_addr_len(uint16_t family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	}
	return 0;
}

char *nflb_addr_format(uint16_t family, const union nflb_inaddr *addr,
		       bool with_port, uint16_t port, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (!nflb_addr_len(family) ||
	    !inet_ntop(family, addr, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	if (!with_port)
		snprintf(buf, len, "%s", host);
	else if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, port);
	else
		snprintf(buf, len, "%s:%u", host, port);
	return buf;
}

uint64_t nflb_fnv1a64(uint64_t hash, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len--) {
		hash ^= *p++;
		hash *= 0x100000001b3ULL;
	}
	return hash;
}

bool nflb_addr_is_unicast(uint16_t family, const union nflb_inaddr *a)
{
	uint32_t h;

	if (family == AF_INET6)
		return !IN6_IS_ADDR_UNSPECIFIED(&a->v6) &&
		       !IN6_IS_ADDR_MULTICAST(&a->v6);
	h = ntohl(a->v4.s_addr);
	return (h >> 24) != 0 && !IN_MULTICAST(h) && h != INADDR_BROADCAST;
}

bool nflb_is_prime(uint32_t n)
{
	uint32_t d;

	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	for (d = 3; d <= n / d; d += 2)
		if (n % d == 0)
			return false;
	return true;
}
