// SPDX-License-Identifier: GPL-2.0-only
/*
 * settings_systemd.c - a systemd drop-in (UNIT.service.d/caprec.conf) that
 * confines a service to its recorded set.
 *
 * The root form needs only CapabilityBoundingSet=: a root process holds
 * whatever the bounding set leaves. The non-root form adds
 * AmbientCapabilities= (the only way a non-root process keeps capabilities
 * across its execve), User=, and NoNewPrivileges=yes, which fits because
 * ambient capabilities survive it while setuid and file-capability gains
 * (which such a service must not need) do not. In the root form
 * NoNewPrivileges= is left alone: a root service may run setuid helpers.
 * An empty set is written as an empty assignment, which systemd reads as
 * "no capabilities", not "unchanged".
 */
#include "deploy_settings.h"

#include "policy_render.h"
#include "text_escape.h"

/* A value for a unit file line: line breaks and control bytes from a recording become '?'. */
static void add_value(struct strbuf *sb, const char *text)
{
	escape_terminal(sb, text);
}

void settings_systemd(struct strbuf *sb, const struct deploy_settings *s)
{
	settings_comment_header(sb, s, "A systemd drop-in",
				"/etc/systemd/system/UNIT.service.d/caprec.conf, then "
				"systemctl daemon-reload");
	strbuf_adds(sb, "[Service]\nCapabilityBoundingSet=");
	render_cap_list(sb, s->caps, " ");
	strbuf_addc(sb, '\n');
	if (s->form == DEPLOY_ROOT)
		return;
	strbuf_adds(sb, "AmbientCapabilities=");
	render_cap_list(sb, s->caps, " ");
	strbuf_addc(sb, '\n');
	if (s->user) {
		strbuf_adds(sb, "User=");
		add_value(sb, s->user);
		strbuf_addc(sb, '\n');
	} else {
		strbuf_adds(sb, "# User= the account the service runs as "
			    "(capanalyze policy --user)\n");
	}
	strbuf_adds(sb, "NoNewPrivileges=yes\n");
}
