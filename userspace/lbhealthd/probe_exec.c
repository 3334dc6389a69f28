// SPDX-License-Identifier: GPL-2.0
/*
 * lbhealthd's exec probes: /bin/sh -c COMMAND in its own process group,
 * with the backend and service in its environment, watched by an sd-event
 * child source, the whole group SIGKILLed at the timeout.  Children get an
 * empty signal mask and default dispositions before exec.  When lbhealthd
 * runs as root, the child becomes the check's user (its groups, group and
 * uid: "nobody" unless configured) before exec; otherwise it runs as
 * lbhealthd does.  The systemd variables meant for lbhealthd itself
 * (NOTIFY_SOCKET, LISTEN_*, WATCHDOG_*) are not passed on.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "probe_int.h"

/* After the SIGKILL at the timeout, how long to wait for the reap. */
#define HC_EXEC_GRACE_US	(1000 * 1000ULL)

extern char **environ;

static int exec_child(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)s;
	probe->reaped = true;	/* by sd-event, when this returns */
	if (probe->state == PROBE_REAPING) {
		/* Free it from the loop, not from inside this source. */
		sd_event_source_set_enabled(probe->defer, SD_EVENT_ONESHOT);
		return 0;
	}
	if (probe->state != PROBE_RUNNING)
		return 0;	/* grace expired: result already out */
	if (probe->timed_out)
		probe_result(probe, false, "killed at timeout");
	else if (si->si_code == CLD_EXITED)
		probe_result(probe, si->si_status == 0, "exit %d",
			     si->si_status);
	else
		probe_result(probe, false, "signal %d", si->si_status);
	probe_finish(probe);
	return 0;
}

static int exec_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_probe *probe = userdata;

	(void)usec;
	if (!probe->timed_out) {
		/* Kill the group, give the kernel a moment to let it die. */
		probe->timed_out = true;
		kill(-probe->pid, SIGKILL);
		if (sd_event_source_set_time_relative(s, HC_EXEC_GRACE_US) >= 0 &&
		    sd_event_source_set_enabled(s, SD_EVENT_ONESHOT) >= 0)
			return 0;
	}
	/* Not dead yet (uninterruptible sleep): report, reap later. */
	probe_result(probe, false, "killed at timeout");
	probe_finish(probe);
	return 0;
}

static int env_add(char **envp, size_t *n, const char *name, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static int env_add(char **envp, size_t *n, const char *name, const char *fmt,
		   ...)
{
	char value[INET6_ADDRSTRLEN + 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (asprintf(&envp[*n], "%s=%s", name, value) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/*
 * Not passed on from the daemon's environment: the ones we set, the ones
 * that describe the user (set when the child changes user), and systemd's
 * for lbhealthd alone: a command must not notify or take over the unit's
 * sockets in its name.
 */
static const char *const exec_vars[] = {
	"NFLB_BACKEND_ADDR", "NFLB_BACKEND_PORT", "NFLB_SERVICE_PROTO",
	"NFLB_SERVICE_ADDR", "NFLB_SERVICE_PORT", "NFLB_CHECK_TIMEOUT",
	"NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
	"WATCHDOG_USEC", "WATCHDOG_PID",
};
#define N_EXEC_VARS	(sizeof(exec_vars) / sizeof(exec_vars[0]))
static const char *const user_vars[] = { "HOME", "USER", "LOGNAME" };
#define N_USER_VARS	(sizeof(user_vars) / sizeof(user_vars[0]))

static bool var_in(const char *entry, const char *const *vars, size_t n)
{
	size_t i, len = strcspn(entry, "=");

	for (i = 0; i < n; i++)
		if (strlen(vars[i]) == len && !strncmp(entry, vars[i], len))
			return true;
	return false;
}

/* Whether the child changes to the check's user. */
static bool exec_as_user(const struct hc_probe *probe)
{
	return probe->check->user.name && geteuid() == 0;
}

/*
 * The child's environment: ours first (allocated, N_OURS of them), then
 * the daemon's but for the names we set.  Built before fork() so that the
 * child only makes async-signal-safe calls.
 */
static char **exec_env(const struct hc_probe *probe, size_t *n_ours)
{
	const struct hc_target *t = probe->t;
	const struct nflb_service *svc = t->svc;
	char addr[INET6_ADDRSTRLEN], tmo[32];
	size_t n_env = 0, n = 0, i;
	uint32_t ms = probe->check->timeout_ms;
	char **envp;
	int len;

	while (environ && environ[n_env])
		n_env++;
	for (i = 0; t->env && t->env[i]; i++)
		n_env++;
	envp = calloc(n_env + N_EXEC_VARS + N_USER_VARS + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	/* Seconds, decimal: 1, 0.3, 1.25. */
	len = snprintf(tmo, sizeof(tmo), "%u.%03u", ms / 1000, ms % 1000);
	while (len > 0 && tmo[len - 1] == '0')
		tmo[--len] = '\0';
	if (len > 0 && tmo[len - 1] == '.')
		tmo[--len] = '\0';
	inet_ntop(t->family, &t->addr, addr, sizeof(addr));
	if (env_add(envp, &n, "NFLB_BACKEND_ADDR", "%s", addr) ||
	    env_add(envp, &n, "NFLB_BACKEND_PORT", "%u", probe_port(probe)) ||
	    env_add(envp, &n, "NFLB_CHECK_TIMEOUT", "%s", tmo))
		goto fail;
	if (svc) {
		inet_ntop(svc->family, &svc->addr, addr, sizeof(addr));
		if (env_add(envp, &n, "NFLB_SERVICE_PROTO", "%s",
			    svc->proto == IPPROTO_UDP ? "udp" : "tcp") ||
		    env_add(envp, &n, "NFLB_SERVICE_ADDR", "%s", addr) ||
		    env_add(envp, &n, "NFLB_SERVICE_PORT", "%u", svc->port))
			goto fail;
	}
	if (exec_as_user(probe)) {
		const struct hc_user *u = &probe->check->user;

		if (env_add(envp, &n, "HOME", "%s", u->home) ||
		    env_add(envp, &n, "USER", "%s", u->name) ||
		    env_add(envp, &n, "LOGNAME", "%s", u->name))
			goto fail;
	}
	*n_ours = n;
	/* The caller's (notify hooks): theirs, not freed here. */
	for (i = 0; t->env && t->env[i]; i++)
		envp[n++] = t->env[i];
	for (i = 0; environ && environ[i]; i++)
		if (!var_in(environ[i], exec_vars, N_EXEC_VARS) &&
		    !(exec_as_user(probe) &&
		      var_in(environ[i], user_vars, N_USER_VARS)))
			envp[n++] = environ[i];
	return envp;
fail:
	for (i = 0; i < n; i++)
		free(envp[i]);
	free(envp);
	return NULL;
}

/* In the child, between fork() and exec: async-signal-safe calls only. */
static void __attribute__((noreturn))
exec_child_run(const char *command, const struct hc_user *user, char **envp)
{
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	struct sigaction sa;
	struct rlimit rl;
	sigset_t none;
	int sig, fd;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		_exit(127);
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	/* Nothing of the daemon's but 0, 1, 2 (close_range: Linux 5.9). */
	if (close_range(3, ~0U, 0) < 0 && !getrlimit(RLIMIT_NOFILE, &rl))
		for (fd = 3; (rlim_t)fd < rl.rlim_cur; fd++)
			close(fd);
	/* Groups, group, then user: once not root, no way back. */
	if (user && (setgroups(user->n_groups, user->groups) < 0 ||
		     setgid(user->gid) < 0 || setuid(user->uid) < 0))
		_exit(126);
	execve("/bin/sh", argv, envp);
	_exit(127);
}

int probe_exec_start(struct hc_probe *probe)
{
	size_t n_ours = 0, i;
	char **envp;
	int r;

	if (!probe->check->command)
		return -EINVAL;
	envp = exec_env(probe, &n_ours);
	if (!envp)
		return -ENOMEM;
	probe->pid = fork();
	if (probe->pid == 0)
		exec_child_run(probe->check->command,
			       exec_as_user(probe) ? &probe->check->user :
			       NULL, envp);
	r = probe->pid < 0 ? -errno : 0;
	for (i = 0; i < n_ours; i++)
		free(envp[i]);
	free(envp);
	if (r < 0) {
		probe->pid = 0;
		return r;
	}
	/* Both sides set the group: kill(-pid) works from now on. */
	setpgid(probe->pid, probe->pid);
	r = sd_event_add_child(probe->p->ev, &probe->child, probe->pid,
			       WEXITED, exec_child, probe);
	if (r < 0) {
		kill(-probe->pid, SIGKILL);
		kill(probe->pid, SIGKILL);
		waitpid(probe->pid, NULL, 0);
		probe->pid = 0;
		return r;
	}
	/* Killed and reaped if the probe is freed before the child ends. */
	sd_event_source_set_child_process_own(probe->child, 1);
	return probe_add_timeout(probe, probe_timeout_usec(probe),
				 exec_timeout);
}
