/* SPDX-License-Identifier: MIT */
/*
 * A minimal host test harness: CHECK() records a failure and goes on,
 * test_summary() prints "N passed, N failed" and returns the exit code.
 */
#ifndef CORRAL_TEST_H
#define CORRAL_TEST_H
#include <stdio.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (cond) {                                                    \
			test_passed++;                                         \
		} else {                                                       \
			test_failed++;                                         \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		unsigned long long _a = (unsigned long long)(a);              \
		unsigned long long _b = (unsigned long long)(b);              \
		if (_a == _b) {                                               \
			test_passed++;                                        \
		} else {                                                      \
			test_failed++;                                        \
			fprintf(stderr,                                       \
				"%s:%d: %s == %s failed: 0x%llx != 0x%llx\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);          \
		}                                                             \
	} while (0)

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}
#endif
