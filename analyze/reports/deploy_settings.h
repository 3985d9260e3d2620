/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * deploy_settings.h - one executable's (or container's) capability set as a
 * file the deployment tool applies as it is: a systemd drop-in, a
 * Kubernetes strategic-merge patch, a docker-compose fragment, a setcap
 * script. The renderers know nothing of how the set was derived: policy
 * hands them this small struct, per group and deployment form.
 *
 * Every renderer appends to sb and never prints. Names from a recording are
 * escaped for the file's syntax; comments carry the group and the warnings.
 */
#ifndef REPORTS_DEPLOY_SETTINGS_H
#define REPORTS_DEPLOY_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cap_set.h"
#include "strbuf.h"

/* How the program is started (docs/POLICY.md "Deployment forms"). */
enum deploy_form {
	DEPLOY_ROOT,    /* as root, confined by a bounding set (containers, root services) */
	DEPLOY_NONROOT, /* as a non-root user holding capabilities (setcap, User= + ambient) */
};

struct deploy_settings {
	const char *group;        /* executable path, container id or cgroup: for comments */
	const char *exe;          /* the executable file, NULL when the group is not one */
	enum deploy_form form;
	const char *user;         /* the non-root user (User=, runAsUser, user:), or NULL */
	const char *name;         /* container or service name (k8s, compose) */
	cap_set_t caps;           /* the form's set */
	const char *const *warnings;
	size_t warning_count;
};

/*
 * [Service] CapabilityBoundingSet=, and in the non-root form
 * AmbientCapabilities=, User= (when given) and NoNewPrivileges=yes.
 */
void settings_systemd(struct strbuf *sb, const struct deploy_settings *s);

/* A strategic-merge patch of a Deployment's container securityContext (YAML). */
void settings_k8s(struct strbuf *sb, const struct deploy_settings *s);

/* A docker-compose services: fragment with cap_drop, cap_add, security_opt. */
void settings_compose(struct strbuf *sb, const struct deploy_settings *s);

/*
 * A POSIX sh script that gives the executable (or its first argument) the
 * set as file capabilities, or removes them when the set is empty.
 * Returns -EINVAL (nothing appended) when the group is not an executable.
 */
int settings_setcap(struct strbuf *sb, const struct deploy_settings *s);

/* The settings in the named format (the names above); -EINVAL for another. */
int settings_render(struct strbuf *sb, const char *format, const struct deploy_settings *s);

/* The format names, NULL-terminated: what policy offers as --format. */
extern const char *const deploy_setting_formats[];

/*
 * Appends "# TEXT" lines: what the file is, how to use it, the group, the
 * form and each warning (a comment in every format).
 */
void settings_comment_header(struct strbuf *sb, const struct deploy_settings *s,
			     const char *what, const char *use);

/*
 * Appends ["NET_BIND_SERVICE", "CHOWN"] and a line break: the names without
 * "CAP_", as Kubernetes and compose write them, in a YAML flow sequence.
 */
void settings_add_cap_names(struct strbuf *sb, cap_set_t set);

#endif /* REPORTS_DEPLOY_SETTINGS_H */
