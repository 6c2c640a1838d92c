/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_LIB_CIVIL_TIME_H
#define CORRAL_LIB_CIVIL_TIME_H
#include <stdint.h>

/* Civil date from Unix time (proleptic Gregorian, UTC). */
struct civil_time {
	uint32_t year;
	uint8_t month, day, hour, minute, second, weekday;
};

void civil_from_unix(uint64_t t, struct civil_time *c);
uint64_t unix_from_civil(const struct civil_time *c);

#endif
