// SPDX-License-Identifier: GPL-2.0
/* What the mapper programs share (mapper.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <corral/channel.h>

#include "mapper.h"

int core_fd = -1;

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

int fail(const char *what)
{
	int err = errno;

	if (err == ESTALE)
		say("%s %s: the slot changed meanwhile\n", mapper_tag, what);
	else
		say("%s-ERROR %s: %s\n", mapper_tag, what, strerror(err));
	return -err;
}

int mapper_slot_changed(const struct slot_server *sv, uint32_t s)
{
	struct corral_slot_info in = { .slot = s };
	int ended, err;

	if (ioctl(core_fd, CORRAL_IOC_SLOT_INFO, &in))
		return fail("CORRAL_IOC_SLOT_INFO"), 0;
	if (in.type != sv->type)
		return 0; /* another mapper's */
	if (in.state == CH_STATE_LIVE && sv->serving(s, in.generation))
		return 0;
	ended = sv->release(s);
	if (in.state == CH_STATE_LIVE && (err = sv->serve(&in))) {
		if (err != -ESTALE)
			say("%s-ERROR slot %u (%s): not served\n", mapper_tag,
			    s, in.name);
		ended += sv->release(s);
	}
	return ended;
}
