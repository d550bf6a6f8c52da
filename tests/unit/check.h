/* check.h - the unit tests' one assertion: count, and say which line failed. */
#ifndef NETJAIL_UNIT_CHECK_H
#define NETJAIL_UNIT_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("not ok - %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

/* The last line of main(): the counts, and the exit status. */
#define CHECK_DONE(name) (printf("%s: %d passed, %d failed\n", (name), passed, failed), failed ? 1 : 0)

#endif
