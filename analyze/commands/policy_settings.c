// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy_settings.c - the settings files of `capanalyze policy` (see
 * policy_settings.h). A file configures one program or container, so the
 * input must come down to one group (--exe, or --by container).
 *
 * The form: --user names the non-root account the program runs as, and
 * selects the non-root form (User= and ambient capabilities); without it
 * the settings confine a root service or container with a bounding set.
 * setcap is always the non-root form: file capabilities are how a non-root
 * program holds them.
 */
#include "policy_settings.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "strbuf.h"

/* A container or service name from the group: its base name, as [a-z0-9-] (RFC 1123 label). */
static void default_name(struct strbuf *sb, const char *group)
{
	const char *base = strrchr(group, '/');

	base = base && base[1] ? base + 1 : group;
	for (; *base && strbuf_len(sb) < 63; base++) {
		char c = *base;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		strbuf_addc(sb, c);
	}
	if (!strbuf_len(sb))
		strbuf_adds(sb, "app");
}

/* The form the file is written for (policy_settings.h). */
static enum deploy_form chosen_form(const struct analyze_session *s,
				    const struct settings_options *opt)
{
	if (!strcmp(s->document, "setcap"))
		return DEPLOY_NONROOT;
	if (opt->form >= 0)
		return (enum deploy_form)opt->form;
	return opt->user ? DEPLOY_NONROOT : DEPLOY_ROOT;
}

int policy_settings_write(struct analyze_session *s, const struct settings_group *groups,
			  size_t count, const struct settings_options *opt)
{
	struct strbuf name = STRBUF_INIT, out = STRBUF_INIT;
	struct deploy_settings settings;
	int rc, status = EXIT_OK;

	if (count != 1) {
		fprintf(stderr, "capanalyze policy: --format %s configures one program: %zu %s "
			"in the input; choose one with --exe%s\n", s->document, count,
			opt->by_exe ? "executables" : "groups",
			opt->by_exe ? " (or --by container)" : "");
		return EXIT_USAGE;
	}
	settings = (struct deploy_settings){
		.group = groups[0].group,
		.exe = opt->by_exe ? groups[0].group : NULL,
		.form = chosen_form(s, opt),
		.user = opt->user,
	};
	if (settings.form == DEPLOY_NONROOT && groups[0].nonroot_refused) {
		fprintf(stderr, "capanalyze policy: --format %s: the recording shows %s "
			"refusing to run as non-root; no non-root settings work for it (write "
			"the root form: no --user)\n", s->document, settings.group);
		return EXIT_USAGE;
	}
	settings.caps = groups[0].set[settings.form];
	settings.warnings = groups[0].warnings[settings.form];
	settings.warning_count = groups[0].warning_count[settings.form];
	if (opt->name)
		strbuf_adds(&name, opt->name);
	else
		default_name(&name, settings.group);
	settings.name = strbuf_str(&name);
	rc = settings_render(&out, s->document, &settings);
	if (rc == -EINVAL) {
		fprintf(stderr, "capanalyze policy: --format %s needs an executable's path (--by "
			"exe)\n", s->document);
		status = EXIT_USAGE;
	} else if (rc || out.failed || name.failed) {
		fprintf(stderr, "capanalyze policy: %s\n", strerror(ENOMEM));
		status = EXIT_INTERNAL;
	} else if (fwrite(strbuf_str(&out), 1, strbuf_len(&out), stdout) != strbuf_len(&out) ||
		   fflush(stdout)) {
		fprintf(stderr, "capanalyze policy: %s\n", strerror(EIO));
		status = EXIT_INTERNAL;
	}
	strbuf_release(&name);
	strbuf_release(&out);
	return status;
}
