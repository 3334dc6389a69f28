// SPDX-License-Identifier: GPL-2.0
/*
 * Logging.  In the foreground each line goes to stderr with a syslog
 * priority prefix ("<4>") that journald understands when stderr is the
 * journal (SyslogLevelPrefix=, on by default) and which is easy to grep.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool log_syslog;
static bool log_verbose;
static bool log_errors_stderr;

void hc_log_errors_to_stderr(bool on)
{
	log_errors_stderr = on;
}

void hc_log_init(bool use_syslog, bool verbose)
{
	log_syslog = use_syslog;
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
