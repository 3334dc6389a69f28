// SPDX-License-Identifier: GPL-2.0
/*
 * Named network namespaces, as ip-netns(8) keeps them: a bind mount at
 * /run/netns/NAME.  Entering one before any socket is opened puts every
 * socket of the process in it (ip -n NAME).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nflbnl.h"

int nflb_netns_check_name(const char *name)
{
	/* ip netns add's rule: a file name, not a path. */
	if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strlen(name) > NAME_MAX)
		return -1;
	return 0;
}

int nflb_netns_enter(const char *name, char *msg, size_t len)
{
	char path[sizeof(NFLB_NETNS_RUN_DIR) + NAME_MAX + 1];
	int fd, err;

	if (nflb_netns_check_name(name) < 0) {
		snprintf(msg, len,
			 "invalid network namespace name \"%s\" (a name in %s, not a path)",
			 name, NFLB_NETNS_RUN_DIR);
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", NFLB_NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		snprintf(msg, len, "cannot open network namespace \"%s\": %s",
			 name, strerror(err));
		errno = err;
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		snprintf(msg, len,
			 "cannot enter network namespace \"%s\": %s", name,
			 strerror(err));
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return 0;
}
