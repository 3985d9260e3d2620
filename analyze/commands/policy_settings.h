/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_settings.h - `capanalyze policy --format systemd|k8s|compose|setcap`:
 * one group's set handed to the settings renderers (deploy_settings.h).
 *
 * policy fills a settings_group per group from however it decides (its
 * sets per deployment form, its warnings); this file only picks the one
 * group and the form, and writes the file. It knows nothing of the rules.
 */
#ifndef CAPANALYZE_POLICY_SETTINGS_H
#define CAPANALYZE_POLICY_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cap_set.h"
#include "deploy_settings.h"
#include "session.h"

struct settings_group {
	const char *group;             /* executable path, container id or cgroup */
	cap_set_t set[2];              /* by enum deploy_form */
	bool nonroot_refused;          /* the run shows it cannot run as non-root at all */
	const char *const *warnings[2]; /* by enum deploy_form: for comments in the file */
	size_t warning_count[2];
};

/* policy's options for the settings files. */
struct settings_options {
	const char *user;  /* --user: the non-root account */
	const char *name;  /* --name: the container or compose service name */
	int form;          /* an enum deploy_form policy was told to use, or -1: none */
	bool by_exe;       /* the groups are executables (--by exe) */
};

/*
 * Writes s->document for the single group of groups[0..count) to stdout.
 * The form: opt->form when set; else non-root with --user (User= and
 * ambient capabilities, runAsUser), root with a bounding set without it;
 * setcap is always the non-root form. Returns the exit status.
 */
int policy_settings_write(struct analyze_session *s, const struct settings_group *groups,
			  size_t count, const struct settings_options *opt);

#endif /* CAPANALYZE_POLICY_SETTINGS_H */
