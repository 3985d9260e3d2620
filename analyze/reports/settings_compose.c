// SPDX-License-Identifier: GPL-2.0-only
/*
 * settings_compose.c - a docker-compose fragment (services: NAME: ...) with
 * cap_drop: [ALL] and cap_add: the set, to merge into compose.yaml or pass
 * as a second file (docker compose -f compose.yaml -f caprec.yaml). The
 * non-root form adds user: and no-new-privileges; as with Kubernetes, a
 * non-root container process holds added capabilities only through file
 * capabilities in the image, and the fragment says so.
 */
#include "deploy_settings.h"

#include "text_escape.h"

void settings_compose(struct strbuf *sb, const struct deploy_settings *s)
{
	settings_comment_header(sb, s, "A docker-compose fragment",
				"docker compose -f compose.yaml -f THIS up");
	if (s->form == DEPLOY_NONROOT)
		strbuf_adds(sb, "# a non-root container gets these capabilities only as file "
			    "capabilities (setcap) on its executable in the image\n");
	strbuf_adds(sb, "services:\n  ");
	escape_json(sb, s->name);
	strbuf_adds(sb, ":\n    cap_drop: [\"ALL\"]\n    cap_add: ");
	settings_add_cap_names(sb, s->caps);
	if (s->form == DEPLOY_ROOT)
		return;
	strbuf_adds(sb, "    security_opt: [\"no-new-privileges:true\"]\n");
	if (s->user) {
		strbuf_adds(sb, "    user: ");
		escape_json(sb, s->user);
		strbuf_addc(sb, '\n');
	}
}
