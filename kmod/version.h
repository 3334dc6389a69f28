/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFLB_VERSION_H
#define _NFLB_VERSION_H

#define NFLB_VERSION_MAJOR 0
#define NFLB_VERSION_MINOR 1
#define NFLB_VERSION_PATCH 0

#define __NFLB_STR(x) #x
#define NFLB_STR(x) __NFLB_STR(x)
#define NFLB_VERSION NFLB_STR(NFLB_VERSION_MAJOR) "." \
		     NFLB_STR(NFLB_VERSION_MINOR) "." \
		     NFLB_STR(NFLB_VERSION_PATCH)

#endif /* _NFLB_VERSION_H */
