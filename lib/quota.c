// SPDX-License-Identifier: MIT
/* A counted quota (lib/include/quota.h). */
#include <errno.h>
#include <quota.h>

int quota_take(struct quota *q)
{
	if (q->used >= q->max)
		return -EDQUOT;
	q->used++;
	return 0;
}

void quota_give(struct quota *q)
{
	if (q->used)
		q->used--;
}
