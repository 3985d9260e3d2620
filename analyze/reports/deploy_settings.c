// SPDX-License-Identifier: GPL-2.0-only
/* deploy_settings.c - what every settings file shares (see deploy_settings.h). */
#include "deploy_settings.h"

#include <errno.h>
#include <string.h>

#include "text_escape.h"

const char *const deploy_setting_formats[] = { "systemd", "k8s", "compose", "setcap", NULL };

/* A comment line: escape_terminal() turns line breaks in recorded names into '?'. */
static void add_comment(struct strbuf *sb, const char *prefix, const char *text)
{
	strbuf_adds(sb, "# ");
	strbuf_adds(sb, prefix);
	escape_terminal(sb, text);
	strbuf_addc(sb, '\n');
}

void settings_comment_header(struct strbuf *sb, const struct deploy_settings *s,
			     const char *what, const char *use)
{
	strbuf_addf(sb, "# %s written by capanalyze policy from recorded capability checks\n"
		    "# use: %s\n", what, use);
	add_comment(sb, "for: ", s->group);
	add_comment(sb, "form: ", s->form == DEPLOY_ROOT ?
		    "root with a bounding set" : "non-root user with capabilities");
	for (size_t i = 0; i < s->warning_count; i++)
		add_comment(sb, "warning: ", s->warnings[i]);
}

void settings_add_cap_names(struct strbuf *sb, cap_set_t set)
{
	char name[32];
	bool first = true;

	strbuf_addc(sb, '[');
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(set, cap))
			continue;
		strbuf_adds(sb, first ? "\"" : ", \"");
		strbuf_adds(sb, cap_format(cap, name, sizeof(name)) + 4);
		strbuf_addc(sb, '"');
		first = false;
	}
	strbuf_adds(sb, "]\n");
}

int settings_render(struct strbuf *sb, const char *format, const struct deploy_settings *s)
{
	if (!strcmp(format, "systemd"))
		settings_systemd(sb, s);
	else if (!strcmp(format, "k8s"))
		settings_k8s(sb, s);
	else if (!strcmp(format, "compose"))
		settings_compose(sb, s);
	else if (!strcmp(format, "setcap"))
		return settings_setcap(sb, s);
	else
		return -EINVAL;
	return 0;
}
