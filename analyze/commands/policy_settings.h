/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_settings.h - `capanalyze policy --format systemd|k8s|compose|setcap`:
 * the one group's set handed to the settings renderers (deploy_settings.h).
 */
#ifndef CAPANALYZE_POLICY_SETTINGS_H
#define CAPANALYZE_POLICY_SETTINGS_H

#include "check_classes.h"
#include "session.h"

/* policy's options for the settings files. */
struct settings_options {
	const char *user;  /* --user: the non-root account; selects the non-root form */
	const char *name;  /* --name: the container or compose service name */
};

/* Writes s->document for the single group of rows to stdout. Returns the exit status. */
int policy_settings_write(struct analyze_session *s, const struct class_rows *rows,
			  enum group_by by, const struct settings_options *opt);

#endif /* CAPANALYZE_POLICY_SETTINGS_H */
