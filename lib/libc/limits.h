/* SPDX-License-Identifier: MIT */
/* The <limits.h> values corral's freestanding code and libfdt use (LP64). */
#ifndef CORRAL_LIB_LIMITS_H
#define CORRAL_LIB_LIMITS_H
#define CHAR_BIT 8
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#define SHRT_MAX 32767
#define USHRT_MAX 65535
#define INT_MAX 2147483647
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX 4294967295u
#define LONG_MAX 9223372036854775807l
#define LONG_MIN (-LONG_MAX - 1)
#define ULONG_MAX 18446744073709551615ul
#endif
