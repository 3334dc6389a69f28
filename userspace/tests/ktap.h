/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny KTAP producer for host unit tests, so that every layer of
 * `make check` reports in the same format.
 */
#ifndef NFLB_KTAP_H
#define NFLB_KTAP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct ktap_case {
	const char *name;
	void (*fn)(void);
};

static int ktap_case_failed;
/* Set by a case that cannot run here: reported "ok N name # SKIP why". */
static const char *ktap_case_skip;

#define KTAP_EXPECT(cond)						\
	do {								\
		if (!(cond)) {						\
			printf("    # %s:%d: expected %s\n", __FILE__,	\
			       __LINE__, #cond);			\
			ktap_case_failed = 1;				\
		}							\
	} while (0)

static inline int ktap_run(const char *suite, const struct ktap_case *cases,
			   size_t n)
{
	size_t i;
	int failed = 0;

	printf("KTAP version 1\n1..1\n");
	printf("    KTAP version 1\n    # Subtest: %s\n    1..%zu\n", suite, n);
	for (i = 0; i < n; i++) {
		ktap_case_failed = 0;
		ktap_case_skip = NULL;
		cases[i].fn();
		printf("    %s %zu %s", ktap_case_failed ? "not ok" : "ok",
		       i + 1, cases[i].name);
		if (ktap_case_skip && !ktap_case_failed)
			printf(" # SKIP %s", ktap_case_skip);
		printf("\n");
		failed |= ktap_case_failed;
	}
	printf("%s 1 %s\n", failed ? "not ok" : "ok", suite);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * For suites whose cases write one file in a scratch directory (lbhealthd's
 * configuration tests): make DIR from its mkdtemp template, set PATH (of
 * PATH_SIZE bytes) to DIR/NAME, run the cases, then remove the file and
 * the directory.
 */
static inline int ktap_run_in_dir(const char *suite,
				  const struct ktap_case *cases, size_t n,
				  char *dir, char *path, size_t path_size,
				  const char *name)
{
	int ret;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	snprintf(path, path_size, "%s/%s", dir, name);
	ret = ktap_run(suite, cases, n);
	unlink(path);
	rmdir(dir);
	return ret;
}

#define KTAP_CASE(fn) { #fn, fn }
#define KTAP_MAIN(suite, cases)						\
	int main(void)							\
	{								\
		return ktap_run(suite, cases,				\
				sizeof(cases) / sizeof(cases[0]));	\
	}

/* main() of such a suite: DIR a char array template, PATH a char array. */
#define KTAP_MAIN_IN_DIR(suite, cases, dir, path, name)			\
	int main(void)							\
	{								\
		return ktap_run_in_dir(suite, cases,			\
				       sizeof(cases) / sizeof(cases[0]),\
				       dir, path, sizeof(path), name);	\
	}

#endif /* NFLB_KTAP_H */
