/* SPDX-License-Identifier: MIT */
/*
 * Error numbers for corral's int-returning functions: 0 is success, -E... a
 * failure (docs/errors.md). The values are Linux's, so that host unit tests,
 * which get the C library's <errno.h> instead of this one, see the same
 * numbers, and so that the hypercall ABI's negative errnos are these.
 */
#ifndef CORRAL_LIB_ERRNO_H
#define CORRAL_LIB_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EOVERFLOW 75
#define ENOTSUP 95
#define ETIMEDOUT 110
#define EDQUOT 122

#endif
