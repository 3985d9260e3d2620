// SPDX-License-Identifier: GPL-2.0-only
/*
 * settings_k8s.c - a strategic-merge patch (YAML) for one container of a
 * Deployment, StatefulSet or DaemonSet: `kubectl patch deployment D
 * --type strategic --patch-file FILE`, or a Kustomize patch. Containers
 * merge by name, so only the named container's securityContext changes;
 * capabilities.drop and .add are plain lists, which the patch replaces.
 *
 * The root form drops ALL and adds the set. The non-root form also sets
 * runAsNonRoot, runAsUser (a numeric --user) and allowPrivilegeEscalation:
 * false; Kubernetes gives a non-root process no ambient capabilities, so the
 * patch says so: such a container gets the set only from file capabilities
 * (setcap) on its executable in the image.
 *
 * Strings are written as JSON strings, which YAML reads as double-quoted
 * scalars: nothing in a recorded name can break the document.
 */
#include "deploy_settings.h"

#include <ctype.h>
#include <string.h>

#include "text_escape.h"

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

void settings_k8s(struct strbuf *sb, const struct deploy_settings *s)
{
	settings_comment_header(sb, s, "A Kubernetes strategic-merge patch",
				"kubectl patch deployment NAME --type strategic --patch-file "
				"THIS");
	if (s->form == DEPLOY_NONROOT)
		strbuf_adds(sb, "# a non-root container gets these capabilities only as file "
			    "capabilities (setcap) on its executable in the image\n");
	strbuf_adds(sb, "spec:\n  template:\n    spec:\n      containers:\n        - name: ");
	escape_json(sb, s->name);
	strbuf_adds(sb, "\n          securityContext:\n            capabilities:\n"
		    "              drop: [\"ALL\"]\n              add: ");
	settings_add_cap_names(sb, s->caps);
	if (s->form == DEPLOY_ROOT)
		return;
	strbuf_adds(sb, "            allowPrivilegeEscalation: false\n"
		    "            runAsNonRoot: true\n");
	if (all_digits(s->user))
		strbuf_addf(sb, "            runAsUser: %s\n", s->user);
	else if (s->user)
		strbuf_adds(sb, "            # runAsUser takes a number: the uid of --user\n");
}
