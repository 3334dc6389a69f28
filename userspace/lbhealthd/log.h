/* SPDX-License-Identifier: GPL-2.0 */
/* Logging: stderr in the foreground (the journal under systemd), else syslog. */
#ifndef LBHEALTHD_LOG_H
#define LBHEALTHD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void hc_log_init(bool use_syslog, bool verbose);
/* With syslog: errors also on stderr (while a starting daemon has one). */
void hc_log_errors_to_stderr(bool on);
void hc_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A backend's verdict change: one line as hc_log() writes it, or, when
 * stderr is the journal (systemd's JOURNAL_STREAM names it), one journal
 * entry with the fields NFLB_SERVICE, NFLB_BACKEND, NFLB_CHECK,
 * NFLB_VERDICT and NFLB_REASON besides MESSAGE.
 */
void hc_log_verdict(int prio, const char *service, const char *backend,
		    const char *check, const char *verdict, const char *reason,
		    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#endif /* LBHEALTHD_LOG_H */
