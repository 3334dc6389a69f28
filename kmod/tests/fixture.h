/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_TEST_FIXTURE_H
#define _NFLB_TEST_FIXTURE_H

#include <kunit/test.h>

/*
 * A netns state of the test's own (test->priv), never hooked, as the
 * .init and .exit of a suite that calls service.c directly.  Its net is
 * init_net, only read for conntrack's default timeouts and flow flushes.
 */
int nflb_test_net_init(struct kunit *test);
void nflb_test_net_exit(struct kunit *test);

#endif /* _NFLB_TEST_FIXTURE_H */
