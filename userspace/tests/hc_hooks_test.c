// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's notify hooks as the file is read: the four commands of a
 * service, the user they run as (exec-user, else nobody), and bad values
 * reported at their line.  Running them: hc_notify.sh.
 */

#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "config.h"

static char dir[] = "/tmp/hc_hooks_test.XXXXXX";
static char path[300];
static char err[512];
static int n_err;

static void collect(const char *msg, void *data)
{
	(void)data;
	if (!n_err)
		snprintf(err, sizeof(err), "%s", msg);
	n_err++;
}

/* TOP at the top level, a service with EXTRA. */
static int load(const char *top, const char *extra, struct hc_config *cfg)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "%s\nservices = ({\n name = \"web\"; protocol = \"tcp\";\n"
		" address = \"192.0.2.10\"; port = 80;\n %s\n"
		" check = { type = \"tcp\"; };\n"
		" backends = ( { address = \"10.0.1.1\"; } );\n});\n",
		top, extra);
	fclose(f);
	n_err = 0;
	return hc_config_load(path, cfg, collect, NULL);
}

static bool only(const char *top, const char *extra, const char *rest)
{
	struct hc_config cfg;
	size_t n = strlen(path);

	if (load(top, extra, &cfg) == 1 && !strncmp(err, path, n) &&
	    err[n] == ':' && !strcmp(err + n + 1, rest))
		return true;
	printf("    # %d errors, first: %s\n", n_err, n_err ? err : "");
	if (!n_err)
		hc_config_free(&cfg);
	return false;
}

static void test_none(void)
{
	struct hc_config cfg;

	KTAP_EXPECT(load("", "", &cfg) == 0);
	KTAP_EXPECT(!cfg.services[0].notify.up &&
		    !cfg.services[0].notify.quorum_down &&
		    !cfg.services[0].notify.user.name);
	hc_config_free(&cfg);
}

static void test_all(void)
{
	struct hc_config cfg;
	const struct hc_notify_conf *n;

	if (!getpwnam("nobody")) {
		ktap_case_skip = "no user nobody";
		return;
	}
	KTAP_EXPECT(load("", "notify-up = \"a $NFLB_EVENT\"; notify-down = \"b\";"
			 " notify-quorum-up = \"c\"; notify-quorum-down = \"d\";",
			 &cfg) == 0);
	if (n_err)
		return;
	n = &cfg.services[0].notify;
	KTAP_EXPECT(n->up && !strcmp(n->up, "a $NFLB_EVENT"));
	KTAP_EXPECT(n->down && !strcmp(n->down, "b"));
	KTAP_EXPECT(n->quorum_up && !strcmp(n->quorum_up, "c"));
	KTAP_EXPECT(n->quorum_down && !strcmp(n->quorum_down, "d"));
	KTAP_EXPECT(n->user.name && !strcmp(n->user.name, "nobody"));
	hc_config_free(&cfg);
}

static void test_exec_user(void)
{
	struct hc_config cfg;

	KTAP_EXPECT(load("exec-user = \"root\";", "notify-down = \"b\";",
			 &cfg) == 0);
	if (n_err)
		return;
	KTAP_EXPECT(cfg.services[0].notify.user.name &&
		    !strcmp(cfg.services[0].notify.user.name, "root"));
	KTAP_EXPECT(cfg.services[0].notify.user.uid == 0);
	hc_config_free(&cfg);
}

static void test_bad(void)
{
	KTAP_EXPECT(only("", "notify-up = 1;",
			 "5: services.[0].notify-up: expected a string, not an integer"));
	KTAP_EXPECT(only("", "notify-down = \"\";",
			 "5: services.[0].notify-down: empty"));
	KTAP_EXPECT(only("", "notify-quorum = \"x\";",
			 "5: services.[0].notify-quorum: unknown key"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(test_none),
	KTAP_CASE(test_all),
	KTAP_CASE(test_exec_user),
	KTAP_CASE(test_bad),
};

KTAP_MAIN_IN_DIR("hc_hooks", cases, dir, path, "lbhealthd.conf")
