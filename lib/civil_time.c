// SPDX-License-Identifier: MIT
/* Calendar dates and Unix time, both ways (the CMOS RTC of a VM, the host's
 * wall clock at boot). */
#include <civil_time.h>

/* Howard Hinnant's days-from-civil algorithm (public-domain description). */
void civil_from_unix(uint64_t t, struct civil_time *c)
{
	uint64_t days = t / 86400, secs = t % 86400;
	int64_t z = (int64_t)days + 719468;
	int64_t era = z / 146097;
	uint64_t doe = (uint64_t)(z - era * 146097);
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	c->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (uint8_t)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (uint32_t)(yoe + (uint64_t)era * 400 + (c->month <= 2));
	c->hour = (uint8_t)(secs / 3600);
	c->minute = (uint8_t)(secs / 60 % 60);
	c->second = (uint8_t)(secs % 60);
	c->weekday = (uint8_t)((days + 4) % 7); /* 1970-01-01 was a Thursday */
}

uint64_t unix_from_civil(const struct civil_time *c)
{
	int64_t y = (int64_t)c->year - (c->month <= 2);
	int64_t era = y / 400;
	uint64_t yoe = (uint64_t)(y - era * 400);
	uint64_t mp = c->month > 2 ? c->month - 3u : c->month + 9u;
	uint64_t doy = (153 * mp + 2) / 5 + c->day - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + (int64_t)doe - 719468;

	return (uint64_t)days * 86400 + c->hour * 3600u + c->minute * 60u +
	       c->second;
}
