// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd: health checks for nflb's backends.  See lbhealthd(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: lbhealthd [-c FILE] [-f] [-t] [-s SOCKET] [-w] [-v]\n"
		"       lbhealthd [-c FILE] [-s SOCKET] status [-j]\n"
		"       lbhealthd [-c FILE] [-s SOCKET] drain|undrain SERVICE BACKEND\n"
		"       lbhealthd [-c FILE] [-s SOCKET] drain-node|undrain-node\n"
		"       lbhealthd [-c FILE] flush-routes\n"
		"\n"
		"  SERVICE: its name, or tcp|udp VIP:PORT; BACKEND: ADDR[:PORT]\n"
		"\n"
		"  -c, --config FILE   configuration (default " HC_DEFAULT_CONFIG ")\n"
		"  -f, --foreground    stay in the foreground, log to stderr\n"
		"  -t, --test          check the configuration and exit\n"
		"  -s, --socket PATH   status socket (default " HC_DEFAULT_SOCKET ")\n"
		"  -w, --withdraw      delete the services it owns when it exits\n"
		"  -v, --verbose       log every check result\n"
		"  -j, --json          status: print JSON\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n");
}

static void print_err(const char *msg, void *data)
{
	(void)data;
	fprintf(stderr, "%s\n", msg);
}

static void log_err(const char *msg, void *data)
{
	(void)data;
	hc_log(LOG_ERR, "%s", msg);
}

/*
 * A command for the daemon (status, drain, undrain, drain-node,
 * undrain-node): ask at -s SOCKET,
 * else at the file's status-socket (the file of -c, or the default one if
 * it exists), else at the default socket.  A file given with -c that
 * cannot be used is said, not ignored.  ARGS: the command's words.
 */
static int ask(const char *path, char **args, bool json)
{
	if (!strcmp(args[0], "status"))
		return hc_status_query(path, json);
	if (!strcmp(args[0], "drain-node") || !strcmp(args[0], "undrain-node"))
		return hc_node_query(path, args[0][0] == 'd');
	return hc_maint_query(path, args[0][0] == 'd', args[1], args[2]);
}

static int command(struct hc_daemon *d, bool config_given, char **args,
		   bool json)
{
	struct hc_config cfg;
	int errors, ret;

	if (d->socket_opt)
		return ask(d->socket_opt, args, json);
	if (!config_given && access(d->config_path, F_OK) < 0)
		return ask(HC_DEFAULT_SOCKET, args, json);
	errors = hc_config_load(d->config_path, &cfg,
				config_given ? print_err : NULL, NULL);
	if (errors) {
		fprintf(stderr,
			"lbhealthd: %s: %d error%s: asking at %s\n",
			d->config_path, errors, errors == 1 ? "" : "s",
			HC_DEFAULT_SOCKET);
		return ask(HC_DEFAULT_SOCKET, args, json);
	}
	ret = ask(cfg.socket_path, args, json);
	hc_config_free(&cfg);
	return ret;
}

/*
 * flush-routes: the routes lbhealthd announces with, deleted from the
 * file's announce-table (the default table without a file).
 */
static int flush_routes(struct hc_daemon *d)
{
	struct hc_config cfg;
	uint32_t table = HC_ANNOUNCE_TABLE;
	int errors;

	errors = hc_config_load(d->config_path, &cfg, print_err, NULL);
	if (!errors) {
		table = cfg.announce_table;
		hc_config_free(&cfg);
	} else {
		fprintf(stderr, "lbhealthd: %s: %d error%s: table %u\n",
			d->config_path, errors, errors == 1 ? "" : "s",
			table);
	}
	return hc_announce_flush(table);
}

/*
 * drain|undrain SERVICE BACKEND, SERVICE a name or "tcp|udp VIP:PORT" in
 * one word or two (as lbadm writes it): the words as ask() takes them in
 * OUT (OUT[1] may be allocated: *FREE).  0, or 2 (said).
 */
static int maint_args(char **argv, int argc, char **out, char **to_free)
{
	const char *cmd = argv[0];

	*to_free = NULL;
	out[0] = argv[0];
	if (argc == 3 && (!strcmp(argv[1], "tcp") || !strcmp(argv[1], "udp")))
		argc = 0;	/* "tcp VIP:PORT" and no backend */
	if (argc == 3) {
		out[1] = argv[1];
		out[2] = argv[2];
		return 0;
	}
	if (argc == 4 && (!strcmp(argv[1], "tcp") ||
			  !strcmp(argv[1], "udp"))) {
		if (asprintf(to_free, "%s %s", argv[1], argv[2]) < 0) {
			fprintf(stderr, "lbhealthd: out of memory\n");
			return 1;
		}
		out[1] = *to_free;
		out[2] = argv[3];
		return 0;
	}
	fprintf(stderr,
		"lbhealthd: usage: lbhealthd %s SERVICE BACKEND (SERVICE: its name, or tcp|udp VIP:PORT; BACKEND: ADDR[:PORT])\n",
		cmd);
	return 2;
}

/*
 * Without -f: the daemon runs in a child, and the command returns when
 * it is running (0) or has failed (1, its errors on stderr): the child
 * writes a byte to the pipe once ready, and its end closes if it exits.
 */
static int ready_fd = -1;

static void ready(void)
{
	int null = open("/dev/null", O_RDWR);

	if (write(ready_fd, "1", 1) < 0)
		hc_log(LOG_WARNING, "cannot tell the parent: %m");
	close(ready_fd);
	ready_fd = -1;
	hc_log_errors_to_stderr(false);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
}

static int start_background(void)
{
	int fds[2];
	ssize_t n;
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(fds[1]);
		do
			n = read(fds[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n == 1)
			_exit(0);
		fprintf(stderr, "lbhealthd: failed to start\n");
		_exit(1);
	}
	close(fds[0]);
	ready_fd = fds[1];
	if (setsid() < 0 || chdir("/") < 0)
		return -1;
	hc_log_errors_to_stderr(true);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "test", no_argument, NULL, 't' },
		{ "socket", required_argument, NULL, 's' },
		{ "withdraw", no_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hc_daemon d = { .config_path = HC_DEFAULT_CONFIG };
	bool foreground = false, test = false, verbose = false, json = false;
	bool config_given = false;
	char *abs;
	int c, errors;

	while ((c = getopt_long(argc, argv, "c:fts:wvjVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d.config_path = optarg;
			config_given = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 't':
			test = true;
			break;
		case 's':
			d.socket_opt = optarg;
			break;
		case 'w':
			d.withdraw = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'V':
			printf("lbhealthd %s\n", LBADM_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "flush-routes")) {
		if (optind + 1 < argc || json) {
			fprintf(stderr,
				"lbhealthd: usage: lbhealthd [-c FILE] flush-routes\n");
			return 2;
		}
		return flush_routes(&d);
	}
	if (optind < argc) {
		char *args[3], *to_free;

		if (!strcmp(argv[optind], "drain") ||
		    !strcmp(argv[optind], "undrain")) {
			if (json) {
				fprintf(stderr,
					"lbhealthd: -j is an option of status\n");
				return 2;
			}
			c = maint_args(argv + optind, argc - optind, args,
				       &to_free);
			if (!c)
				c = command(&d, config_given, args, false);
			free(to_free);
			return c;
		}
		if (strcmp(argv[optind], "status") &&
		    strcmp(argv[optind], "drain-node") &&
		    strcmp(argv[optind], "undrain-node")) {
			fprintf(stderr, "lbhealthd: unknown command \"%s\"\n",
				argv[optind]);
			usage(stderr);
			return 2;
		}
		if (optind + 1 < argc) {
			fprintf(stderr,
				"lbhealthd: %s: unexpected argument \"%s\"\n",
				argv[optind], argv[optind + 1]);
			return 2;
		}
		if (json && strcmp(argv[optind], "status")) {
			fprintf(stderr,
				"lbhealthd: -j is an option of status\n");
			return 2;
		}
		args[0] = argv[optind];
		return command(&d, config_given, args, json);
	}
	if (json) {
		fprintf(stderr, "lbhealthd: -j is an option of status\n");
		return 2;
	}
	if (test) {
		errors = hc_config_load(d.config_path, &d.cfg, print_err, NULL);
		if (errors) {
			fprintf(stderr, "%s: %d error%s\n", d.config_path,
				errors, errors == 1 ? "" : "s");
			return 1;
		}
		printf("%s: ok (%zu service%s)\n", d.config_path,
		       d.cfg.n_services, d.cfg.n_services == 1 ? "" : "s");
		hc_config_free(&d.cfg);
		return 0;
	}

	d.notify = getenv("NOTIFY_SOCKET") != NULL;
	hc_log_init(!foreground, verbose);
	errors = hc_config_load(d.config_path, &d.cfg, foreground ? print_err :
				log_err, NULL);
	if (errors) {
		if (foreground)
			fprintf(stderr, "%s: %d error%s\n", d.config_path,
				errors, errors == 1 ? "" : "s");
		else
			hc_log(LOG_ERR, "%s: %d error%s", d.config_path,
			       errors, errors == 1 ? "" : "s");
		return 1;
	}
	/* Reloads read the same file after daemon() moved to "/". */
	abs = realpath(d.config_path, NULL);
	if (abs)
		d.config_path = abs;
	if (!foreground) {
		if (start_background() < 0) {
			perror("lbhealthd: cannot start in the background");
			return 1;
		}
		d.on_ready = ready;
	}
	c = hc_daemon_run(&d);
	hc_config_free(&d.cfg);
	free(abs);
	return c < 0 ? 1 : 0;
}
