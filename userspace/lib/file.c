// SPDX-License-Identifier: GPL-2.0
/*
 * Whole text files (nflbnl.h), with one error policy: -errno returned
 * and left in errno, the system's own error kept (a directory says "Is a
 * directory", not a generic I/O error).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nflbnl.h"

#define READ_CHUNK	(64 * 1024)

/* Fail with ERR: free *BUF, and say it both ways. */
static int read_fail(char **buf, int err)
{
	free(*buf);
	*buf = NULL;
	errno = err;
	return -err;
}

int nflb_read_fd(int fd, char **buf, size_t *len)
{
	size_t n = 0, cap = 0;
	ssize_t got;

	*buf = NULL;
	*len = 0;
	for (;;) {
		/* Room for a chunk and the final NUL. */
		if (nflb_array_reserve(buf, &cap, n + READ_CHUNK + 1, 1) < 0)
			return read_fail(buf, ENOMEM);
		got = read(fd, *buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return read_fail(buf, errno);
		if (got == 0)
			break;
		n += got;
	}
	if (memchr(*buf, '\0', n))
		return read_fail(buf, EILSEQ);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

int nflb_read_file(const char *path, char **buf, size_t *len)
{
	int fd, ret, err;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_fail(buf, errno);
	ret = nflb_read_fd(fd, buf, len);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

const char *nflb_read_error(int error)
{
	if (error < 0)
		error = -error;
	if (error == EILSEQ)
		return "not a text file (NUL byte)";
	return strerror(error);
}
