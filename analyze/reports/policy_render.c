// SPDX-License-Identifier: GPL-2.0-only
/* policy_render.c - capability sets as setcap, systemd, docker/podman and k8s text. */
#include "policy_render.h"

#include <ctype.h>

#include "text_escape.h"

/* Appends the name without "CAP_", lower case for setcap, upper for the others. */
static void add_short_name(struct strbuf *sb, int cap, int lower)
{
	char buf[32];
	const char *name = cap_format(cap, buf, sizeof(buf)) + 4;

	for (; *name; name++)
		strbuf_addc(sb, lower ? (char)tolower((unsigned char)*name) : *name);
}

void render_cap_list(struct strbuf *sb, cap_set_t set, const char *sep)
{
	const char *prefix = "";
	char buf[32];

	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(set, cap))
			continue;
		strbuf_adds(sb, prefix);
		strbuf_adds(sb, cap_format(cap, buf, sizeof(buf)));
		prefix = sep;
	}
}

void render_setcap(struct strbuf *sb, cap_set_t set, const char *exe_path)
{
	const char *prefix = "";

	if (!set) {
		strbuf_adds(sb, "setcap -r ");
	} else {
		strbuf_adds(sb, "setcap ");
		for (int cap = 0; cap < CAP_SET_BITS; cap++) {
			if (!cap_set_has(set, cap))
				continue;
			strbuf_adds(sb, prefix);
			strbuf_adds(sb, "cap_");
			add_short_name(sb, cap, 1);
			prefix = ",";
		}
		strbuf_adds(sb, "+ep ");
	}
	escape_shell(sb, exe_path);
}

void render_systemd(struct strbuf *sb, cap_set_t set)
{
	strbuf_adds(sb, "CapabilityBoundingSet=");
	render_cap_list(sb, set, " ");
	strbuf_adds(sb, "\nAmbientCapabilities=");
	render_cap_list(sb, set, " ");
	strbuf_addc(sb, '\n');
}

void render_systemd_bounding(struct strbuf *sb, cap_set_t set)
{
	strbuf_adds(sb, "CapabilityBoundingSet=");
	render_cap_list(sb, set, " ");
	strbuf_addc(sb, '\n');
}

void render_container_flags(struct strbuf *sb, cap_set_t set)
{
	strbuf_adds(sb, "--cap-drop=ALL");
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(set, cap))
			continue;
		strbuf_adds(sb, " --cap-add=");
		add_short_name(sb, cap, 0);
	}
}

void render_k8s(struct strbuf *sb, cap_set_t set)
{
	const char *prefix = "";

	strbuf_adds(sb, "securityContext:\n  capabilities:\n    drop: [\"ALL\"]\n    add: [");
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(set, cap))
			continue;
		strbuf_adds(sb, prefix);
		strbuf_addc(sb, '"');
		add_short_name(sb, cap, 0);
		strbuf_addc(sb, '"');
		prefix = ", ";
	}
	strbuf_adds(sb, "]\n");
}
