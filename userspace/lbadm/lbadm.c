// SPDX-License-Identifier: GPL-2.0
/*
 * lbadm: configure the nflb load balancer over generic netlink.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbadm.h"
#include "print.h"
#include "util.h"

struct lbadm_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;	/* one form per line */
};

static int cmd_help(int argc, char **argv);

static const struct lbadm_cmd lbadm_cmds[] = {
	{ "service", cmd_service,
	  "service add tcp|udp VIP:PORT [table-size M] [hash 5tuple|source] [seed N] [snat [ADDRESS]|no-snat] [timeout-tcp S] [timeout-tcp-fin S] [timeout-udp S] [forward nat|gre|ipip] [rate N [burst M]] [synproxy|no-synproxy]\n"
	  "service set tcp|udp VIP:PORT [table-size M] [hash 5tuple|source] [seed N] [snat [ADDRESS]|no-snat] [timeout-tcp S] [timeout-tcp-fin S] [timeout-udp S] [forward nat|gre|ipip] [rate N|no-rate] [burst M] [synproxy|no-synproxy]\n"
	  "service del tcp|udp VIP:PORT\n"
	  "service show [tcp|udp VIP:PORT]\n"
	  "service table tcp|udp VIP:PORT [digest]" },
	{ "backend", cmd_backend,
	  "backend add tcp|udp VIP:PORT ADDR[:PORT] [weight W] [state up|drain|down]\n"
	  "backend set tcp|udp VIP:PORT ADDR[:PORT] [weight W] [state up|drain|down] [flush]\n"
	  "backend del tcp|udp VIP:PORT ADDR[:PORT] [flush]" },
	{ "flow", cmd_flow,
	  "flow show [tcp|udp VIP:PORT] [backend ADDR[:PORT]]\n"
	  "flow flush [tcp|udp VIP:PORT [backend ADDR]]\n"
	  "flow stats" },
	{ "flush", cmd_flush, "flush" },
	{ "offload", cmd_offload,
	  "offload [show | off | dev NAME [dev NAME]...]" },
	{ "stats", cmd_stats, "stats zero [tcp|udp VIP:PORT]" },
	{ "monitor", cmd_monitor, "monitor [-t]" },
	{ "save", cmd_save, "save" },
	{ "restore", cmd_restore, "restore [--sync] [--check] [FILE|-]" },
	{ "version", cmd_version, "version" },
	{ "help", cmd_help, "help" },
};

/* The usage forms of CMD, one "  lbadm FORM" line each. */
static void cmd_usage(FILE *f, const struct lbadm_cmd *cmd)
{
	const char *p, *nl;

	for (p = cmd->usage; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		fprintf(f, "  lbadm %.*s\n", (int)(nl - p), p);
	}
}

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: lbadm [OPTIONS] COMMAND [ARGS...]\n"
	      "       lbadm COMMAND help\n"
	      "Options:\n"
	      "  -s, --stats    show every statistics counter and the rates\n"
	      "  -j, --json     print JSON instead of text\n"
	      "  -p, --pretty   print indented JSON (implies -j)\n"
	      "  -n, --netns NETNS\n"
	      "                 run in network namespace NETNS (/run/netns/NETNS)\n"
	      "  -f, --batch, -batch FILE\n"
	      "                 restore FILE (lbadm restore FILE)\n"
	      "  -h, --help     show this help\n"
	      "  -V, --version  show lbadm's version\n"
	      "Commands:\n", f);
	for (i = 0; i < sizeof(lbadm_cmds) / sizeof(lbadm_cmds[0]); i++)
		cmd_usage(f, &lbadm_cmds[i]);
	fputs("VIP:PORT is 192.0.2.10:80 or [2001:db8::10]:80 (port 0: every port).\n"
	      "A backend's port may be omitted (the service's is used); an IPv6\n"
	      "backend without a port may omit the brackets.  Numbers are decimal\n"
	      "or 0x hex.  \"service table ... digest\" prints the FNV-1a 64-bit\n"
	      "hash of the slot lines instead of the lines.  Timeouts are idle\n"
	      "timeouts in seconds of the service's flows in conntrack (0:\n"
	      "conntrack's defaults).\n", f);
}

/*
 * Exit status of a command that printed with stdio alone (help): 1, said
 * with its errno, if stdout could not be written (a full disk, a closed
 * pipe's EPIPE with SIGPIPE ignored).
 */
static int stdout_status(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		lbadm_err("cannot write the output: %s",
			  strerror(errno ? errno : EIO));
		return 1;
	}
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return stdout_status();
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'f' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL, *netns = NULL;
	char msg[256 + NAME_MAX];
	size_t i;
	int c;

	/* ip(8)'s "-batch FILE", "-netns NETNS": long, with one dash. */
	for (i = 1; i < (size_t)argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-batch") == 0)
			argv[i] = "--batch";
		else if (strcmp(argv[i], "-netns") == 0)
			argv[i] = "--netns";
		else if (strcmp(argv[i], "--") == 0)
			break;
	}
	while ((c = getopt_long(argc, argv, "+sjpf:n:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			lbadm_stats = true;
			break;
		case 'j':
			lbadm_json = true;
			break;
		case 'p':
			lbadm_json = true;
			lbadm_pretty = true;
			break;
		case 'f':
			batch = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'h':
			usage(stdout);
			return stdout_status();
		case 'V':
			printf("lbadm %s\n", LBADM_VERSION);
			return stdout_status();
		default:
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	/* Before any socket is opened: every one of them lives there. */
	if (netns && nflb_netns_enter(netns, msg, sizeof(msg)) < 0) {
		lbadm_err("%s", msg);
		return 1;
	}
	if (batch) {
		char *restore[] = { "restore", (char *)batch, NULL };

		if (argc > 0) {
			lbadm_err("unexpected argument \"%s\" after -f FILE",
				  argv[0]);
			return 1;
		}
		return cmd_restore(2, restore);
	}
	if (argc == 0) {
		usage(stderr);
		return 1;
	}
	for (i = 0; i < sizeof(lbadm_cmds) / sizeof(lbadm_cmds[0]); i++) {
		if (strcmp(argv[0], lbadm_cmds[i].name) != 0)
			continue;
		/* "lbadm service help": that command's forms of "lbadm help". */
		if (argc == 2 && strcmp(argv[1], "help") == 0) {
			cmd_usage(stdout, &lbadm_cmds[i]);
			return stdout_status();
		}
		return lbadm_cmds[i].fn(argc, argv);
	}
	lbadm_err("unknown command \"%s\" (try \"lbadm help\")", argv[0]);
	return 1;
}
