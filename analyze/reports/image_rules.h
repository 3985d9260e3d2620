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

/*
 * How a program changes credentials, where a recording made as root cannot
 * tell: whether it calls setgroups/setgid/setuid whatever uid it runs as
 * (then a non-root start needs them too), or clears inherited supplementary
 * groups at start and only logs a refusal. Read from the programs' sources;
 * docs/CALLSITES.md lists them.
 */
enum cred_habit {
	CRED_DROPS_ALWAYS,     /* switches user without checking geteuid() == 0 first */
	CRED_CLEARS_GROUPS,    /* setgroups(0, NULL) at start; a refusal is only logged */
};

struct cred_rule {
	const char *pattern; /* a glob on the executable's base name */
	enum cred_habit habit;
	const char *reason;
};

/* The credential habit of an executable path (its base name decides), or NULL. */
const struct cred_rule *cred_rule_for(const char *exe_path);

const struct cred_rule *cred_rules(unsigned *count);

/*
 * A capability a program needs as non-root although no check of it is ever
 * made: iproute2's ip drops all its capabilities at start unless
 * CAP_NET_ADMIN is in its inheritable set, so whatever else it needs is
 * refused without it. Applies when the non-root form needs anything at all.
 */
struct unseen_need {
	const char *pattern; /* a glob on the executable's base name */
	int cap;
	const char *reason;
};

/* The unseen need of an executable path (its base name decides), or NULL. */
const struct unseen_need *unseen_need_for(const char *exe_path);

const struct unseen_need *unseen_needs(unsigned *count);

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
