// SPDX-License-Identifier: GPL-2.0-only
/*
 * settings_setcap.c - a POSIX sh script that sets an executable's file
 * capabilities to its set (setcap NAMES+ep: permitted and effective, so a
 * program that knows nothing of capabilities has them), or removes them
 * when it needs none. The file is the recorded path unless the script's
 * first argument names another (the same program installed elsewhere, or
 * in an image being built).
 */
#include "deploy_settings.h"

#include <ctype.h>
#include <errno.h>

#include "text_escape.h"

int settings_setcap(struct strbuf *sb, const struct deploy_settings *s)
{
	char name[32];
	bool first = true;

	if (!s->exe || s->exe[0] != '/')
		return -EINVAL;
	strbuf_adds(sb, "#!/bin/sh\n");
	settings_comment_header(sb, s, "A setcap script", "sh THIS [EXECUTABLE]");
	/* A plain assignment, not ${1:-...}: a recorded path may hold a '}'. */
	strbuf_adds(sb, "set -eu\nexe=");
	escape_shell(sb, s->exe);
	strbuf_adds(sb, "\nif [ $# -gt 0 ]; then\n\texe=$1\nfi\n");
	if (!s->caps) {
		/* setcap -r fails on a file without capabilities: remove only what is there. */
		strbuf_adds(sb, "if [ -n \"$(getcap \"$exe\")\" ]; then\n"
			    "\tsetcap -r \"$exe\"\nfi\n");
		return 0;
	}
	strbuf_adds(sb, "setcap ");
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		const char *c;

		if (!cap_set_has(s->caps, cap))
			continue;
		strbuf_adds(sb, first ? "cap_" : ",cap_");
		for (c = cap_format(cap, name, sizeof(name)) + 4; *c; c++)
			strbuf_addc(sb, (char)tolower((unsigned char)*c));
		first = false;
	}
	strbuf_adds(sb, "+ep \"$exe\"\n");
	return 0;
}
