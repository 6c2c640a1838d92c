// SPDX-License-Identifier: GPL-2.0
/* What the mapper programs share (mapper.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

int mapper_run_options(int argc, char **argv, struct mapper_run *run)
{
	int first = 1;

	run->serve_max = -1;
	run->counted = ~0u;
	if (argc > 2 && !strcmp(argv[1], "--serve")) {
		run->serve_max = strtol(argv[2], NULL, 10);
		first = 3;
	}
	if (argc > first + 1 && !strcmp(argv[first], "--slots")) {
		char *p = argv[first + 1], *end;

		for (run->counted = 0;; p = end + 1) {
			run->counted |= 1u << (strtoul(p, &end, 10) & 31);
			if (end == p || *end != ',')
				break;
		}
		first += 2;
	}
	return first;
}
