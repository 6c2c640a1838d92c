/* SPDX-License-Identifier: MIT */
/* Freestanding corral has no allocator here; libfdt only needs the header. */
#ifndef CORRAL_LIB_STDLIB_H
#define CORRAL_LIB_STDLIB_H
#include <stddef.h>
#endif
