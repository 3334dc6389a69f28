// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm restore [FILE|-] (also lbadm -f FILE, --batch FILE, -batch FILE).
 *
 * The whole file is checked before anything changes: every line is parsed
 * with lbadm's own parsers, then applied in order to a model of the
 * kernel's configuration (dumped first).  Any error: the first 50 are
 * reported as FILE:LINE: message, then how many more, and nothing is sent.  Otherwise the requests go
 * in batches (a "service add" and the "backend add" lines after it become
 * one SERVICE_NEW, the table built once).  If the kernel still rejects a
 * request (what the model cannot foresee: memory, a change made meanwhile
 * by someone else), the configuration dumped at the start is put back:
 * FLUSH and every service re-created with its backends, in one batch.
 *
 * --check stops before the first request: the file is checked as above
 * and nothing is sent (nft -c).  --sync makes the kernel's configuration
 * the one the file describes (wg syncconf): the file is checked against
 * an empty model, completed with the kernel's defaults, compared with the
 * kernel's, and only the difference is sent (lbadm_plan_sync()), so that
 * services the file leaves as they are keep their tables and their flows.
 * A failed --sync is undone the same way: the difference back to the
 * configuration read before.
 *
 * The offload devices (lbadm offload) are part of the configuration: an
 * "offload dev A dev B" or "offload off" line sets them (its devices
 * checked in this netns before anything is sent), --sync turns offload off
 * when the file has no such line, and a rollback puts the devices back.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lbadm.h"
#include "model.h"
#include "plan.h"
#include "script.h"
#include "util.h"

/* Send PLAN in batches.  0, or -1 with *LINE the failed request's tag. */
static int send_plan(struct nflb_nl *nl, const struct lbadm_plan *plan,
		     uint32_t *line)
{
	struct nflb_batch *b;
	struct nlmsghdr *nlh;
	size_t i;

	*line = 0;
	b = nflb_batch_begin(nl);
	if (!b)
		return -1;
	for (i = 0; i < plan->n; i++) {
		nlh = nflb_batch_msg(b, plan->rops[i].cmd,
				     plan->rops[i].lineno);
		if (!nlh)
			break;	/* the error comes from nflb_batch_end() */
		lbadm_rop_put(nlh, &plan->rops[i]);
	}
	return nflb_batch_end(b, line);
}

/* Put ORIG back after a failed restore. */
static int rollback(struct nflb_nl *nl, struct lbadm_conf *orig)
{
	struct lbadm_plan plan;
	uint32_t line;
	int ret;

	if (lbadm_plan_conf(orig, NFLB_BACKENDS_PER_MSG, &plan) < 0) {
		nflb_nl_set_error(nl, ENOMEM, NULL);
		return -1;
	}
	ret = send_plan(nl, &plan, &line);
	lbadm_plan_free(&plan);
	return ret;
}

/*
 * After a failed --sync: the difference from what the kernel has now back
 * to ORIG (completed with the defaults already).
 */
static int rollback_sync(struct nflb_nl *nl, struct lbadm_conf *orig,
			 uint32_t table_default)
{
	struct lbadm_conf now;
	struct lbadm_plan plan;
	uint32_t tag;
	int ret;

	if (lbadm_conf_dump(nl, &now) < 0)
		return -1;
	lbadm_conf_fill_defaults(&now, table_default);
	ret = lbadm_plan_sync(&now, orig, NFLB_BACKENDS_PER_MSG, &plan);
	lbadm_conf_free(&now);
	if (ret < 0) {
		nflb_nl_set_error(nl, ENOMEM, NULL);
		return -1;
	}
	ret = send_plan(nl, &plan, &tag);
	lbadm_plan_free(&plan);
	return ret;
}

/*
 * The first errors, in line order: enough to fix a file, where all of a
 * file that is not one (200,000 lines of something else) would bury the
 * terminal and the count.
 */
#define RESTORE_MAX_ERRORS 50

static void print_errors(const char *name, struct lbadm_errors *errs,
			 int nerr)
{
	size_t i;

	lbadm_errors_sort(errs);
	for (i = 0; i < errs->n && i < RESTORE_MAX_ERRORS; i++)
		fprintf(stderr, "%s\n", errs->v[i].msg);
	if (errs->n > RESTORE_MAX_ERRORS)
		fprintf(stderr, "%s: ... and %zu more error%s\n", name,
			errs->n - RESTORE_MAX_ERRORS,
			errs->n - RESTORE_MAX_ERRORS == 1 ? "" : "s");
	lbadm_err("restore: %d error%s in %s, nothing changed", nerr,
		  nerr == 1 ? "" : "s", name);
}

/* restore's options */
#define RESTORE_CHECK	0x1	/* --check: send nothing */
#define RESTORE_SYNC	0x2	/* --sync: the difference only */

static int restore(const char *name, const char *text, unsigned int flags)
{
	struct lbadm_errors errs = { 0 };
	struct lbadm_conf orig, model;
	struct lbadm_script script;
	struct lbadm_plan plan = { 0 };
	struct lbadm_limits lim = { 0 };
	struct nflb_info info;
	struct nflb_nl *nl;
	int nerr, ret = 1;
	uint32_t line;

	nerr = lbadm_script_parse(name, text, &script, &errs);
	if (nerr < 0) {
		lbadm_err("restore: out of memory");
		goto out_script;
	}
	nl = lbadm_open();
	if (!nl) {
		/* What could be checked without the kernel still is. */
		if (nerr)
			print_errors(name, &errs, nerr);
		goto out_script;
	}
	if (nflb_get_info(nl, &info) < 0) {
		lbadm_nl_err(nl, "restore: cannot query the nflb module");
		goto out_nl;
	}
	lim.table_min = info.table_min;
	lim.table_max = info.table_max;
	if (lbadm_conf_dump(nl, &orig) < 0) {
		lbadm_nl_err(nl, "restore: cannot read the configuration");
		goto out_nl;
	}
	/* --sync: the file describes the whole configuration. */
	if (flags & RESTORE_SYNC)
		lbadm_conf_init(&model);
	else if (lbadm_conf_copy(&model, &orig) < 0) {
		lbadm_err("restore: out of memory");
		goto out_model;
	}
	ret = lbadm_script_check(name, &script, &model, &lim, &errs);
	if (ret < 0) {
		ret = 1;
		lbadm_err("restore: out of memory");
		goto out_model;
	}
	nerr += ret;
	ret = 1;
	if (nerr) {
		print_errors(name, &errs, nerr);
		goto out_model;
	}
	if (flags & RESTORE_SYNC) {
		lbadm_conf_fill_defaults(&orig, info.table_default);
		lbadm_conf_fill_defaults(&model, info.table_default);
		ret = lbadm_plan_sync(&orig, &model, NFLB_BACKENDS_PER_MSG,
				      &plan);
	} else {
		ret = lbadm_plan_script(&script, NFLB_BACKENDS_PER_MSG, &plan);
	}
	if (ret < 0) {
		ret = 1;
		lbadm_err("restore: out of memory");
		goto out_model;
	}
	ret = 1;
	if (flags & RESTORE_CHECK) {
		ret = 0;
		goto out_plan;
	}
	if (send_plan(nl, &plan, &line) == 0) {
		ret = 0;
		goto out_plan;
	}
	if ((flags & RESTORE_SYNC) && line && line <= plan.n) {
		char what[256];

		lbadm_err("restore: %s: %s",
			  lbadm_rop_describe(&plan.rops[line - 1], what,
					     sizeof(what)),
			  nflb_nl_error(nl)->msg);
	} else if (line) {
		fprintf(stderr, "%s:%u: %s\n", name, line,
			nflb_nl_error(nl)->msg);
	} else {
		lbadm_nl_err(nl, "restore");
	}
	if (((flags & RESTORE_SYNC) ?
	     rollback_sync(nl, &orig, info.table_default) :
	     rollback(nl, &orig)) < 0)
		lbadm_nl_err(nl, "restore: rollback failed, the configuration is partly restored");
	else
		lbadm_err("restore: the configuration was put back as it was");
out_plan:
	lbadm_plan_free(&plan);
out_model:
	lbadm_conf_free(&model);
	lbadm_conf_free(&orig);
out_nl:
	nflb_nl_close(nl);
out_script:
	lbadm_script_free(&script);
	lbadm_errors_free(&errs);
	return ret;
}

int cmd_restore(int argc, char **argv)
{
	unsigned int flags = 0;
	int fd = STDIN_FILENO, err, ret, i;
	const char *path, *name;
	bool std_in;
	char *text;
	size_t len;

	/* Options first, then at most one file ("-": stdin). */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check") == 0)
			flags |= RESTORE_CHECK;
		else if (strcmp(argv[i], "--sync") == 0)
			flags |= RESTORE_SYNC;
		else if (strcmp(argv[i], "--") == 0 ||
			 argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		else {
			lbadm_err("restore: unknown option \"%s\" (--check, --sync)",
				  argv[i]);
			return 1;
		}
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	path = i < argc ? argv[i] : "-";
	std_in = strcmp(path, "-") == 0;
	name = std_in ? "<stdin>" : path;
	if (i + 1 < argc) {
		lbadm_err("restore: unexpected argument \"%s\"", argv[i + 1]);
		return 1;
	}
	if (!std_in) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			lbadm_err("restore: cannot open %s: %m", path);
			return 1;
		}
	}
	/* The system's own error: "/etc" is a directory, not an I/O error. */
	err = nflb_read_fd(fd, &text, &len);
	if (!std_in)
		close(fd);
	if (err < 0) {
		lbadm_err("restore: cannot read %s: %s", name,
			  nflb_read_error(err));
		return 1;
	}
	ret = restore(name, text, flags);
	free(text);
	return ret;
}
