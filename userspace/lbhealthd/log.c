// SPDX-License-Identifier: GPL-2.0
/*
 * Logging.  In the foreground each line goes to stderr with a syslog
 * priority prefix ("<4>") that journald understands when stderr is the
 * journal (SyslogLevelPrefix=, on by default) and which is easy to grep.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <systemd/sd-journal.h>

#include "log.h"

static bool log_syslog;
static bool log_journal;
static bool log_verbose;
static bool log_errors_stderr;

void hc_log_errors_to_stderr(bool on)
{
	log_errors_stderr = on;
}

/* systemd connects stderr to the journal and says so in JOURNAL_STREAM. */
static bool stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return v && sscanf(v, "%llu:%llu", &dev, &ino) == 2 &&
	       fstat(2, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

void hc_log_init(bool use_syslog, bool verbose)
{
	log_syslog = use_syslog;
	log_journal = !use_syslog && stderr_is_journal();
	log_verbose = verbose;
	if (use_syslog)
		openlog("lbhealthd", LOG_PID, LOG_DAEMON);
}

void hc_log(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	if (log_syslog && log_errors_stderr && prio <= LOG_ERR) {
		va_list again;

		va_copy(again, ap);
		fprintf(stderr, "lbhealthd: ");
		vfprintf(stderr, fmt, again);
		fputc('\n', stderr);
		fflush(stderr);
		va_end(again);
	}
	if (log_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fprintf(stderr, "<%d>lbhealthd: ", prio);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	}
	va_end(ap);
}

void hc_log_verdict(int prio, const char *service, const char *backend,
		    const char *check, const char *verdict, const char *reason,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!log_journal ||
	    sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
			    "SYSLOG_IDENTIFIER=lbhealthd",
			    "NFLB_SERVICE=%s", service,
			    "NFLB_BACKEND=%s", backend,
			    "NFLB_CHECK=%s", check,
			    "NFLB_VERDICT=%s", verdict,
			    "NFLB_REASON=%s", reason, NULL) < 0)
		hc_log(prio, "%s", msg);
}
