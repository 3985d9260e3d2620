/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * image_rules.h - what is known about an executable or a capability that
 * changes the advice: programs that run other code (an interpreter, a
 * multi-call binary) so file capabilities on them reach more than one
 * program; programs that refuse to run as non-root whatever their
 * capabilities; container runtimes, whose init's checks are not the
 * container's; capabilities that are root in all but name. Each entry has
 * the reason printed with the warning (docs/CALLSITES.md lists them).
 */
#ifndef REPORTS_IMAGE_RULES_H
#define REPORTS_IMAGE_RULES_H

#include <stdbool.h>

#include "cap_set.h"

enum image_kind {
	IMAGE_PLAIN,
	IMAGE_INTERPRETER,     /* runs any script: python*, perl*, sh, ... */
	IMAGE_MULTICALL,       /* one binary, many programs: busybox, toybox */
	IMAGE_REFUSES_NONROOT, /* checks the uid itself: runuser, mount, ... */
	IMAGE_RUNTIME,         /* a container runtime's init: runc, crun, ... */
};

struct image_rule {
	const char *pattern; /* a glob on the executable's base name */
	enum image_kind kind;
	const char *reason;
};

/* The rule for an executable path (its base name decides), or NULL. */
const struct image_rule *image_rule_for(const char *exe_path);

const struct image_rule *image_rules(unsigned *count);

/*
 * Why cap is dangerous to hand out in form_nonroot (file or ambient sets,
 * where it outlives the process's root) or in the root form (a container's
 * bounding set), or NULL when it is not.
 */
const char *cap_risk(int cap, bool form_nonroot);

/* A narrower way to what cap is used for, for the warning of cap_risk(), or NULL. */
const char *cap_risk_instead(int cap);

#endif /* REPORTS_IMAGE_RULES_H */
