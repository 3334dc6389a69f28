// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's configuration file: read with libconfig, then every setting
 * checked against lbhealthd.conf(5).  Checking never stops at the first
 * problem: each one is reported as "FILE:LINE: KEY: message" and the walk
 * goes on, so that `lbhealthd -t` shows everything wrong in one run.  What
 * the kernel would reject (table size not a prime in its range, a port on a
 * backend of an all-ports service, a timeout of the other protocol...) is
 * rejected here first, so that a file that passes can be applied.
 *
 * This file: loading the file (with its @include files) and the top-level
 * settings.  config_diag.c holds the messages, config_value.c the typed
 * value readers, config_check.c a service's check block and
 * config_service.c the services and their backends.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/un.h>

#include "config_int.h"

static void parse_root(struct hc_ctx *c, const config_setting_t *root,
		       struct hc_config *cfg)
{
	static const char *const known[] = { "status-socket",
					     "withdraw-on-exit", "exec-user",
					     "flush-on-down", "metrics", "dns",
					     "announce", "announce-table",
					     "announce-grace", "services",
					     NULL };
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	const config_setting_t *m;
	const char *v;
	size_t i;

	cfg_check_keys(c, root, "", known);
	m = config_setting_get_member(root, "status-socket");
	if (m) {
		v = cfg_get_text(c, m, "status-socket", true);
		if (v && v[0] != '/')
			cfg_report(c, m, "status-socket",
				   "\"%s\" is not an absolute path", v);
		else if (v && strlen(v) >= max)
			cfg_report(c, m, "status-socket",
				   "longer than %zu bytes", max - 1);
		else if (v)
			cfg_dup_str(c, m, "status-socket", &cfg->socket_path,
				    v);
	}
	m = config_setting_get_member(root, "withdraw-on-exit");
	if (m)
		cfg_get_bool(c, m, "withdraw-on-exit", &cfg->withdraw_on_exit);
	/* Before the services: their exec checks' default user. */
	m = config_setting_get_member(root, "exec-user");
	if (m) {
		struct hc_user u = { 0 };

		c->exec_user = m;
		v = cfg_get_text(c, m, "exec-user", false);
		if (v && cfg_get_user(c, m, "exec-user", v, &u) == 0 &&
		    cfg_dup_str(c, m, "exec-user", &cfg->exec_user, v) == 0)
			c->exec_user_name = cfg->exec_user;
		cfg_user_free(&u);
	}
	/* Before the services too: their default, if set. */
	m = config_setting_get_member(root, "flush-on-down");
	if (m && cfg_get_bool(c, m, "flush-on-down", &c->flush_on_down) == 0)
		c->flush_set = true;
	m = config_setting_get_member(root, "metrics");
	if (m)
		cfg_parse_metrics(c, m, cfg);
	cfg_parse_dns(c, config_setting_get_member(root, "dns"), cfg);
	/* Before the services too: their default. */
	cfg_parse_announce(c, root, cfg);
	m = config_setting_get_member(root, "services");
	if (m)
		cfg_parse_services(c, m, cfg);
	for (i = 0; i < cfg->n_services; i++)
		cfg->n_announced += cfg->services[i].announce;
}

/*
 * libconfig's error, located.  "cannot open include file" does not say
 * which one: the @include of the error's line names it, and opening it
 * says why.
 */
static void syntax_error(struct hc_ctx *c, config_t *lc, char *buf,
			 size_t len)
{
	const char *file = config_error_file(lc), *text, *p, *q;
	int n, fd, lineno = config_error_line(lc);
	char *inc = NULL;

	n = snprintf(buf, len, "%s:%d: %s", cfg_shown_name(c, file), lineno,
		     config_error_text(lc));
	if (strcmp(config_error_text(lc), "cannot open include file") ||
	    n < 0 || (size_t)n >= len)
		return;
	text = cfg_source_text(c, file);
	for (p = text; p && *p && --lineno > 0; p++)
		if (!(p = strchr(p, '\n')))
			break;
	if (!p || !(p = strstr(p, "@include")) || !(p = strchr(p, '"')) ||
	    !(q = strchr(p + 1, '"')))
		return;
	if (p[1] == '/' || !c->dir)
		n = asprintf(&inc, "%.*s", (int)(q - p - 1), p + 1);
	else
		n = asprintf(&inc, "%s%s%.*s", c->dir,
			     c->dir[strlen(c->dir) - 1] == '/' ? "" : "/",
			     (int)(q - p - 1), p + 1);
	if (n < 0)
		return;
	fd = open(inc, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	snprintf(buf + strlen(buf), len - strlen(buf), " \"%s\": %s", inc,
		 fd >= 0 ? "unreadable" : strerror(errno));
	free(inc);
}

int hc_config_load(const char *path, struct hc_config *cfg, hc_errfn err,
		   void *data)
{
	struct hc_ctx c = { .path = path, .err = err, .data = data };
	char *text, *dir, *slash, line[1024];
	config_t lc;
	size_t len;
	int error;

	memset(cfg, 0, sizeof(*cfg));
	/* The whole file in memory: libconfig reads it from there. */
	error = nflb_read_file(path, &text, &len);
	if (error) {
		snprintf(line, sizeof(line), "%s:0: cannot read: %s", path,
			 nflb_read_error(error));
		if (err)
			err(line, data);
		return 1;
	}
	c.text = text;

	config_init(&lc);
	/* @include "FILE" is relative to the including file's directory. */
	dir = strdup(path);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash) {
		if (slash == dir)
			slash++;	/* "/FILE": the root directory */
		*slash = '\0';
		config_set_include_dir(&lc, dir);
		c.dir = dir;
	}
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		syntax_error(&c, &lc, line, sizeof(line));
		if (err)
			err(line, data);
		c.n_err = 1;
		goto out;
	}

	cfg_mark_bad_ints(&c, config_root_setting(&lc));
	parse_root(&c, config_root_setting(&lc), cfg);
	cfg_report_bad_ints(&c);
	if (!c.n_err && !(cfg->path = strdup(path)))
		cfg_report(&c, NULL, "path", "out of memory");
	if (!c.n_err && !cfg->socket_path &&
	    !(cfg->socket_path = strdup(HC_DEFAULT_SOCKET)))
		cfg_report(&c, NULL, "status-socket", "out of memory");
out:
	cfg_flush_msgs(&c);
	config_destroy(&lc);
	free(dir);
	free(text);
	cfg_srcs_free(&c);
	if (c.n_err)
		hc_config_free(cfg);
	return c.n_err;
}

void hc_config_free(struct hc_config *cfg)
{
	size_t i, j;

	cfg_dns_free(cfg);
	for (i = 0; i < cfg->n_services; i++) {
		free(cfg->services[i].name);
		cfg_check_free(&cfg->services[i].check);
		cfg_checks_free(cfg->services[i].more,
				cfg->services[i].n_more);
		for (j = 0; j < cfg->services[i].n_backends; j++)
			cfg_backend_check_free(&cfg->services[i].backends[j]);
		cfg_notify_free(&cfg->services[i].notify);
		free(cfg->services[i].backends);
	}
	free(cfg->services);
	free(cfg->path);
	free(cfg->socket_path);
	free(cfg->exec_user);
	free(cfg->metrics.text);
	memset(cfg, 0, sizeof(*cfg));
}
