// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: typed value readers.  Each takes a libconfig
 * setting and its KEY (for messages), checks its type and range, reports
 * what is wrong and writes its result only when all is right.
 */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "config_int.h"

/* An integer in [MIN, MAX].  0, or -1 (reported). */
int cfg_get_int(struct hc_ctx *c, const config_setting_t *s,
		const char *key, long long min, long long max,
		long long *v)
{
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		cfg_wrong_type(c, s, key, "an integer");
		return -1;
	}
	if (cfg_int_bad(s)) {
		cfg_report(c, s, key,
			   "integer too large (out of range %lld-%lld)", min,
			   max);
		return -1;
	}
	*v = config_setting_get_int64(s);
	if (*v < min || *v > max) {
		cfg_report(c, s, key, "%lld is out of range (%lld-%lld)", *v,
			   min, max);
		return -1;
	}
	return 0;
}

int cfg_get_bool(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, bool *v)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		cfg_wrong_type(c, s, key, "true or false");
		return -1;
	}
	*v = config_setting_get_bool(s);
	return 0;
}

const char *cfg_get_string(struct hc_ctx *c, const config_setting_t *s,
			   const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_wrong_type(c, s, key, "a string");
		return NULL;
	}
	return config_setting_get_string(s);
}

/* A string with no control character (and no blank if !BLANKS). */
const char *cfg_get_text(struct hc_ctx *c, const config_setting_t *s,
			 const char *key, bool blanks)
{
	const char *v = cfg_get_string(c, s, key);
	const unsigned char *p;

	if (!v)
		return NULL;
	if (!*v) {
		cfg_report(c, s, key, "empty");
		return NULL;
	}
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (!blanks && *p == ' ')) {
			cfg_report(c, s, key, "\"%s\" contains %s", v,
				   *p == ' ' ? "a blank" :
				   "a control character");
			return NULL;
		}
	}
	return v;
}

int cfg_get_enum(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, const struct nflb_name *tab,
		 unsigned int *v)
{
	const char *name = cfg_get_string(c, s, key);
	char choices[128];

	if (!name)
		return -1;
	if (nflb_enum_value(tab, name, v) == 0)
		return 0;
	cfg_report(c, s, key, "invalid value \"%s\" (%s)", name,
		   nflb_enum_choices(tab, choices, sizeof(choices)));
	return -1;
}

/* Seconds as an integer or a float, in milliseconds within [MIN, MAX]. */
int cfg_get_seconds(struct hc_ctx *c, const config_setting_t *s,
		    const char *key, uint32_t min, uint32_t max,
		    uint32_t *ms)
{
	int type = config_setting_type(s);
	double v;

	if (type == CONFIG_TYPE_FLOAT) {
		v = config_setting_get_float(s);
	} else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (cfg_int_bad(s)) {
			cfg_report(c, s, key,
				   "integer too large (%g-%g seconds)",
				   min / 1000.0, max / 1000.0);
			return -1;
		}
		v = config_setting_get_int64(s);
	} else {
		cfg_wrong_type(c, s, key, "a number of seconds");
		return -1;
	}
	if (!isfinite(v) || v * 1000 < min - 0.5 || v * 1000 > max + 0.5) {
		cfg_report(c, s, key, "%g is out of range (%g-%g seconds)", v,
			   min / 1000.0, max / 1000.0);
		return -1;
	}
	*ms = (uint32_t)(v * 1000 + 0.5);
	return 0;
}

/*
 * The seed: an integer (a negative one only in hexadecimal, as the bits
 * of a 64-bit literal such as 0xffffffffffffffffL) or a string holding a
 * decimal or 0x hexadecimal number up to 2^64 - 1.
 */
int cfg_get_seed(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, uint64_t *seed)
{
	int type = config_setting_type(s);
	unsigned long long v;
	const char *str;
	char *end;
	int base;

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (cfg_int_bad(s)) {
			cfg_report(c, s, key,
				   "integer too large for a plain literal (add an L suffix, or give it as a string)");
			return -1;
		}
		if (config_setting_get_int64(s) < 0 &&
		    config_setting_get_format(s) != CONFIG_FORMAT_HEX) {
			cfg_report(c, s, key,
				   "%lld is negative (0-18446744073709551615)",
				   config_setting_get_int64(s));
			return -1;
		}
		*seed = (uint64_t)config_setting_get_int64(s);
		return 0;
	}
	if (type != CONFIG_TYPE_STRING) {
		cfg_wrong_type(c, s, key, "an integer or a string");
		return -1;
	}
	str = config_setting_get_string(s);
	base = str[0] == '0' && (str[1] == 'x' || str[1] == 'X') ? 16 : 10;
	errno = 0;
	v = strtoull(str, &end, base);
	if (!(str[0] >= '0' && str[0] <= '9') ||
	    (base == 16 && !str[2]) || *end || errno) {
		cfg_report(c, s, key,
			   "invalid seed \"%s\" (0-18446744073709551615, decimal or 0x hex)",
			   str);
		return -1;
	}
	*seed = v;
	return 0;
}

/* An IPv4 or IPv6 unicast address.  0, or -1 (reported). */
int cfg_get_addr(struct hc_ctx *c, const config_setting_t *s,
		 const char *key, uint16_t *family,
		 union nflb_inaddr *addr)
{
	const char *v = cfg_get_string(c, s, key);

	if (!v)
		return -1;
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, v, &addr->v4) == 1) {
		*family = AF_INET;
	} else if (inet_pton(AF_INET6, v, &addr->v6) == 1) {
		*family = AF_INET6;
	} else {
		cfg_report(c, s, key,
			   "invalid address \"%s\" (an IPv4 or IPv6 address, no port)",
			   v);
		return -1;
	}
	if (!nflb_addr_is_unicast(*family, addr)) {
		cfg_report(c, s, key, "\"%s\" is not a unicast address", v);
		return -1;
	}
	return 0;
}


int cfg_get_table_size(struct hc_ctx *c, const config_setting_t *s,
		       const char *key, uint32_t *size)
{
	uint32_t lo, hi;
	long long v;

	if (cfg_get_int(c, s, key, HC_TABLE_MIN, HC_TABLE_MAX, &v) < 0)
		return -1;
	if (!nflb_is_prime(v)) {
		for (lo = v - 1; !nflb_is_prime(lo); lo--)
			;
		for (hi = v + 1; !nflb_is_prime(hi); hi++)
			;
		if (lo < HC_TABLE_MIN)
			cfg_report(c, s, key,
				   "%lld is not a prime (nearest: %u)", v, hi);
		else if (hi > HC_TABLE_MAX)
			cfg_report(c, s, key,
				   "%lld is not a prime (nearest: %u)", v, lo);
		else
			cfg_report(c, s, key,
				   "%lld is not a prime (nearest: %u or %u)", v,
				   lo, hi);
		return -1;
	}
	*size = v;
	return 0;
}

/*
 * Bytes, at most HC_MAX_PAYLOAD: a string (libconfig escapes such as
 * "\n" and "\x7f"; no NUL byte), or an array of byte values [0x12, 0]
 * for binary payloads.
 */
int cfg_get_bytes(struct hc_ctx *c, const config_setting_t *s,
		  const char *key, uint8_t *buf, size_t *len)
{
	const config_setting_t *e;
	const char *v;
	long long b;
	int i, n, type;

	if (config_setting_type(s) == CONFIG_TYPE_ARRAY) {
		n = config_setting_length(s);
		if (n > HC_MAX_PAYLOAD) {
			cfg_report(c, s, key,
				   "too long (%d bytes, at most %d)", n,
				   HC_MAX_PAYLOAD);
			return -1;
		}
		for (i = 0; i < n; i++) {
			e = config_setting_get_elem(s, i);
			type = config_setting_type(e);
			if (type != CONFIG_TYPE_INT &&
			    type != CONFIG_TYPE_INT64) {
				cfg_report(c, s, key,
					   "byte [%d]: expected an integer (0-255), not %s",
					   i, cfg_type_name(type));
				return -1;
			}
			if (cfg_int_bad(e)) {
				cfg_int_reported(e);
				cfg_report(c, s, key,
					   "byte [%d]: integer too large (0-255)",
					   i);
				return -1;
			}
			b = config_setting_get_int64(e);
			if (b < 0 || b > 255) {
				cfg_report(c, s, key,
					   "byte [%d]: %lld is out of range (0-255)",
					   i, b);
				return -1;
			}
			buf[i] = b;
		}
		*len = n;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_wrong_type(c, s, key, "a string or an array of bytes");
		return -1;
	}
	v = config_setting_get_string(s);
	*len = strlen(v);
	if (*len > HC_MAX_PAYLOAD) {
		cfg_report(c, s, key, "too long (%zu bytes, at most %d)", *len,
			   HC_MAX_PAYLOAD);
		return -1;
	}
	memcpy(buf, v, *len);
	return 0;
}

int cfg_dup_str(struct hc_ctx *c, const config_setting_t *s,
		const char *key, char **dst, const char *v)
{
	*dst = strdup(v);
	if (!*dst) {
		cfg_report(c, s, key, "out of memory");
		return -1;
	}
	return 0;
}
