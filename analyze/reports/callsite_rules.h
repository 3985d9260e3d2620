/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * callsite_rules.h - what a capability check means for a policy, judged from
 * the kernel function that made it.
 *
 * The audit flag alone cannot tell a need from a probe: capset() asks for
 * CAP_SETPCAP with an audited check on every call, and chmod's CAP_FSETID
 * check only decides whether S_ISGID survives. The kernel stack can: each
 * rule names a kernel function and a capability, and the innermost frame of
 * the check's stack that has a rule decides. The table is documented, rule
 * by rule, in docs/CALLSITES.md (a test checks they agree).
 *
 * An unknown call site is a need: a rule can only ever take a capability
 * out of a set for a reason it names, never by default.
 */
#ifndef REPORTS_CALLSITE_RULES_H
#define REPORTS_CALLSITE_RULES_H

#include <stddef.h>

enum callsite_kind {
	CALLSITE_NEED,        /* the operation fails without it */
	CALLSITE_PROBE,       /* the kernel asks whatever the program does; a refusal changes
			       * nothing the program relies on */
	CALLSITE_OPTIONAL,    /* decides a side effect only (whether S_ISGID survives) */
	CALLSITE_CRED_CHANGE, /* changes uid, gids or groups: at uid 0 this is leaving root */
	CALLSITE_EXEC,        /* the kernel setting up a new image in execve */
};

#define CALLSITE_ANY_CAP (-1)

struct callsite_rule {
	const char *name;     /* shown with every decision: "inet-bind" */
	const char *function; /* kernel function on the check's stack */
	int cap;              /* the capability it applies to, or CALLSITE_ANY_CAP */
	enum callsite_kind kind;
	const char *meaning;  /* one line: what a check there means */
};

/* The rules with no function: they apply when no table entry matched. */
extern const struct callsite_rule callsite_rule_unknown;   /* audited, no rule: a need */
extern const struct callsite_rule callsite_rule_nonaudit;  /* non-audit, no rule: a probe */
extern const struct callsite_rule callsite_rule_no_stack;  /* no kernel stack recorded */

/* The table, for the documentation test and --help. */
const struct callsite_rule *callsite_rules(size_t *count);

/*
 * The rule for a check of cap whose kernel stack is kernel_stack (frame
 * names joined by ';', outermost first, as the stacks table holds them; ""
 * or NULL when none was recorded). audit is the check's audit flag. Frame
 * names are compared without a compiler suffix (".isra.0", ".constprop.0")
 * and without a " [module]" suffix. Never NULL.
 */
const struct callsite_rule *callsite_match(const char *kernel_stack, int cap, int audit);

/* "need", "probe", "optional", "credential change", "exec". */
const char *callsite_kind_name(enum callsite_kind kind);

#endif /* REPORTS_CALLSITE_RULES_H */
