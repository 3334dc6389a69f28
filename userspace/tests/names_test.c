// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of libnflbnl's enum names, both ways (names.c). */

#include <string.h>
#include <sys/socket.h>

#include "ktap.h"
#include "nflbnl.h"

static void name_of_value(void)
{
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_proto_names, IPPROTO_TCP), "tcp"));
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_proto_names, IPPROTO_UDP), "udp"));
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_hash_names, NFLB_HASH_SOURCE),
			    "source"));
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_state_names, NFLB_BACKEND_DRAIN),
			    "drain"));
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_family_names, AF_INET6), "IPv6"));
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_family_names, AF_INET), "IPv4"));
	/* Unknown values have no name (0 is not the end marker's). */
	KTAP_EXPECT(nflb_enum_name(nflb_proto_names, IPPROTO_SCTP) == NULL);
	KTAP_EXPECT(nflb_enum_name(nflb_proto_names, 0) == NULL);
	KTAP_EXPECT(nflb_enum_name(nflb_hash_names, NFLB_HASH_MAX + 1) == NULL);
	KTAP_EXPECT(nflb_enum_name(nflb_family_names, AF_UNIX) == NULL);
	/* The value 0 has a name where the enum starts there. */
	KTAP_EXPECT(!strcmp(nflb_enum_name(nflb_hash_names, 0), "5tuple"));
	/* The short forms are the same tables. */
	KTAP_EXPECT(nflb_proto_name(IPPROTO_TCP) ==
		    nflb_enum_name(nflb_proto_names, IPPROTO_TCP));
	KTAP_EXPECT(nflb_state_name(NFLB_BACKEND_STATE_MAX + 1) == NULL);
}

static void value_of_name(void)
{
	unsigned int v = 99;

	KTAP_EXPECT(nflb_enum_value(nflb_proto_names, "udp", &v) == 0 &&
		    v == IPPROTO_UDP);
	KTAP_EXPECT(nflb_enum_value(nflb_hash_names, "5tuple", &v) == 0 &&
		    v == NFLB_HASH_5TUPLE);
	KTAP_EXPECT(nflb_enum_value(nflb_state_names, "down", &v) == 0 &&
		    v == NFLB_BACKEND_DOWN);
	KTAP_EXPECT(nflb_enum_value(nflb_family_names, "IPv4", &v) == 0 &&
		    v == AF_INET);
	/* Unknown, a prefix, another case, empty: none, V untouched. */
	v = 99;
	KTAP_EXPECT(nflb_enum_value(nflb_proto_names, "sctp", &v) == -1);
	KTAP_EXPECT(nflb_enum_value(nflb_proto_names, "tc", &v) == -1);
	KTAP_EXPECT(nflb_enum_value(nflb_proto_names, "TCP", &v) == -1);
	KTAP_EXPECT(nflb_enum_value(nflb_state_names, "", &v) == -1);
	KTAP_EXPECT(v == 99);
}

static void round_trip(void)
{
	const struct nflb_name *tabs[] = {
		nflb_proto_names, nflb_hash_names, nflb_state_names,
		nflb_family_names,
	};
	const struct nflb_name *t;
	unsigned int v;
	size_t i;

	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		for (t = tabs[i]; t->name; t++) {
			KTAP_EXPECT(nflb_enum_value(tabs[i], t->name, &v) == 0 &&
				    v == t->value);
			KTAP_EXPECT(nflb_enum_name(tabs[i], t->value) == t->name);
		}
	}
}

static void name_or_number(void)
{
	char buf[16];

	KTAP_EXPECT(!strcmp(nflb_enum_name_or_num(nflb_state_names,
						  NFLB_BACKEND_UP, buf,
						  sizeof(buf)), "up"));
	KTAP_EXPECT(!strcmp(nflb_enum_name_or_num(nflb_state_names, 7, buf,
						  sizeof(buf)), "7"));
	KTAP_EXPECT(!strcmp(nflb_enum_name_or_num(nflb_proto_names, 132, buf,
						  sizeof(buf)), "132"));
}

static void choices(void)
{
	static const struct nflb_name one[] = { { 1, "only" }, { 0, NULL } };
	static const struct nflb_name none[] = { { 0, NULL } };
	char buf[64], small[8];

	KTAP_EXPECT(!strcmp(nflb_enum_choices(nflb_proto_names, buf,
					      sizeof(buf)), "tcp or udp"));
	KTAP_EXPECT(!strcmp(nflb_enum_choices(nflb_hash_names, buf,
					      sizeof(buf)), "5tuple or source"));
	KTAP_EXPECT(!strcmp(nflb_enum_choices(nflb_state_names, buf,
					      sizeof(buf)), "up, drain or down"));
	KTAP_EXPECT(!strcmp(nflb_enum_choices(one, buf, sizeof(buf)), "only"));
	KTAP_EXPECT(!strcmp(nflb_enum_choices(none, buf, sizeof(buf)), ""));
	/* Cut to the buffer, still a string. */
	KTAP_EXPECT(!strcmp(nflb_enum_choices(nflb_state_names, small,
					      sizeof(small)), "up, dra"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(name_of_value),
	KTAP_CASE(value_of_name),
	KTAP_CASE(round_trip),
	KTAP_CASE(name_or_number),
	KTAP_CASE(choices),
};

KTAP_MAIN("nflbnl_names", cases)
