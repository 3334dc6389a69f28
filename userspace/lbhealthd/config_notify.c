// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration: a service's notify hooks, keepalived's
 * notify_up/notify_down and quorum_up/quorum_down:
 *
 *   notify-up = "CMD"; notify-down = "CMD";
 *   notify-quorum-up = "CMD"; notify-quorum-down = "CMD";
 *
 * Each a /bin/sh command, run (hooks.c) as "exec-user" (default nobody)
 * when lbhealthd runs as root, the user looked up when the file is read.
 */

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

void cfg_parse_notify(struct hc_ctx *c, const config_setting_t *s,
		      const char *base, struct hc_notify_conf *n)
{
	static const char *const names[] = { "notify-up", "notify-down",
					     "notify-quorum-up",
					     "notify-quorum-down" };
	char **fields[] = { &n->up, &n->down, &n->quorum_up, &n->quorum_down };
	const config_setting_t *m, *first = NULL;
	char key[HC_KEY_MAX];
	const char *v;
	size_t i;

	for (i = 0; i < 4; i++) {
		m = config_setting_get_member(s, names[i]);
		if (!m)
			continue;
		v = cfg_get_text(c, m, cfg_kpath(key, base, names[i]), true);
		if (v && cfg_dup_str(c, m, key, fields[i], v) == 0 && !first)
			first = m;
	}
	if (!first)
		return;
	/* As the exec checks run: "exec-user", else nobody. */
	if (c->exec_user) {
		if (c->exec_user_name)
			cfg_get_user(c, c->exec_user, "exec-user",
				     c->exec_user_name, &n->user);
	} else if (!getpwnam(HC_DEFAULT_EXEC_USER)) {
		cfg_report(c, first, base,
			   "no user \"%s\" to run notify commands as: set \"exec-user\"",
			   HC_DEFAULT_EXEC_USER);
	} else {
		cfg_get_user(c, first, base, HC_DEFAULT_EXEC_USER, &n->user);
	}
}

void cfg_notify_free(struct hc_notify_conf *n)
{
	free(n->up);
	free(n->down);
	free(n->quorum_up);
	free(n->quorum_down);
	cfg_user_free(&n->user);
	memset(n, 0, sizeof(*n));
}
