// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libnflbnl's file reader (file.c): whole files, and
 * the system's own errors in the return value and in errno.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "ktap.h"
#include "nflbnl.h"

static char dir[] = "/tmp/nflb-readfile-XXXXXX";

/* DIR/NAME holding LEN bytes of DATA; its path (static). */
static const char *make(const char *name, const void *data, size_t len)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		printf("    # cannot write %s\n", path);
		exit(EXIT_FAILURE);
	}
	close(fd);
	return path;
}

static void text_file(void)
{
	const char *path = make("a.conf", "flush\nservice add\n", 18);
	char *buf = (char *)"x";
	size_t len = 99;

	KTAP_EXPECT(nflb_read_file(path, &buf, &len) == 0);
	KTAP_EXPECT(buf && len == 18 && !strcmp(buf, "flush\nservice add\n"));
	free(buf);
}

static void empty_file(void)
{
	const char *path = make("empty", "", 0);
	char *buf = NULL;
	size_t len = 99;

	KTAP_EXPECT(nflb_read_file(path, &buf, &len) == 0);
	KTAP_EXPECT(buf && len == 0 && buf[0] == '\0');
	free(buf);
}

static void large_file(void)
{
	size_t n = 300 * 1024 + 7, i, len = 0;
	char *data = malloc(n), *buf = NULL;
	const char *path;

	KTAP_EXPECT(data != NULL);
	if (!data)
		return;
	for (i = 0; i < n; i++)
		data[i] = 'a' + i % 26;
	path = make("large", data, n);
	KTAP_EXPECT(nflb_read_file(path, &buf, &len) == 0);
	KTAP_EXPECT(buf && len == n && !memcmp(buf, data, n) && !buf[n]);
	free(buf);
	free(data);
}

/* PATH fails with ERR: returned negated, in errno, *BUF NULL. */
static bool fails(const char *path, int err)
{
	char *buf = (char *)"x";
	size_t len = 99;
	int ret;

	errno = 0;
	ret = nflb_read_file(path, &buf, &len);
	if (ret == -err && errno == err && !buf && len == 0)
		return true;
	printf("    # %s: %d, errno %d (%s), want %d\n", path, ret, errno,
	       strerror(errno), -err);
	return false;
}

static void missing_file(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/none", dir);
	KTAP_EXPECT(fails(path, ENOENT));
	snprintf(path, sizeof(path), "%s/none/deeper", dir);
	KTAP_EXPECT(fails(path, ENOENT));
	KTAP_EXPECT(!strcmp(nflb_read_error(ENOENT), strerror(ENOENT)));
}

/* "lbadm restore /etc" said "Input/output error" (issue 11). */
static void directory(void)
{
	KTAP_EXPECT(fails(dir, EISDIR));
	KTAP_EXPECT(fails("/", EISDIR));
	KTAP_EXPECT(!strcmp(nflb_read_error(EISDIR), "Is a directory"));
	KTAP_EXPECT(!strcmp(nflb_read_error(-EISDIR), "Is a directory"));
}

static void not_text(void)
{
	KTAP_EXPECT(fails(make("binary", "ab\0cd", 5), EILSEQ));
	KTAP_EXPECT(fails(make("nul", "", 1), EILSEQ));
	KTAP_EXPECT(!strcmp(nflb_read_error(EILSEQ),
			    "not a text file (NUL byte)"));
}

static void not_a_file(void)
{
	char *buf = (char *)"x";
	size_t len = 99;
	int fds[2];

	/* A descriptor that cannot be read. */
	errno = 0;
	KTAP_EXPECT(nflb_read_fd(-1, &buf, &len) == -EBADF && errno == EBADF &&
		    !buf);
	/* A pipe: read to its end. */
	if (pipe(fds) < 0) {
		KTAP_EXPECT(!"pipe");
		return;
	}
	KTAP_EXPECT(write(fds[1], "abc", 3) == 3);
	close(fds[1]);
	KTAP_EXPECT(nflb_read_fd(fds[0], &buf, &len) == 0);
	KTAP_EXPECT(buf && len == 3 && !strcmp(buf, "abc"));
	free(buf);
	close(fds[0]);
}

static void no_permission(void)
{
	const char *path = make("secret", "x", 1);

	chmod(path, 0);
	/* root reads it anyway: nothing to check then. */
	if (geteuid() == 0 || access(path, R_OK) == 0) {
		ktap_case_skip = "running as root";
		return;
	}
	KTAP_EXPECT(fails(path, EACCES));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(text_file),
	KTAP_CASE(empty_file),
	KTAP_CASE(large_file),
	KTAP_CASE(missing_file),
	KTAP_CASE(directory),
	KTAP_CASE(not_text),
	KTAP_CASE(not_a_file),
	KTAP_CASE(no_permission),
};

int main(void)
{
	char cmd[64];
	int ret;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	ret = ktap_run("nflbnl_readfile", cases,
		       sizeof(cases) / sizeof(cases[0]));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		ret = EXIT_FAILURE;
	return ret;
}
