/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_decide.h - what policy and check decide about every capability
 * check, and the sets that follow for each way a program can be deployed
 * (docs/POLICY.md "Decisions" and "Deployment forms").
 *
 * Each check gets a decision from its call-site rule (callsite_rules.h),
 * the credentials it was made with, the process image that made it and how
 * that process ended:
 *
 *   needed              the operation needs it: in both forms' sets
 *   leaving uid 0       a credential change made at uid 0: in the root form
 *                       only (started as the target user, it never happens)
 *   denied, then failed denied, and the process then exited non-zero: in
 *                       both sets (the run shows it cannot do without)
 *   denied              denied, and how the process ended is unknown (a
 *                       signal, or still running): listed, not in a set
 *   tolerated           denied, and the syscall still succeeded or the
 *                       process went on to exit 0 (or exec); also granted
 *                       checks at a call site tolerated in another run
 *   optional            the call site only decides a side effect
 *   probe               the kernel asks whatever the program does
 *   exec                the kernel setting up an image in execve
 *   recorder            caprec's own child before it exec'd the command
 *   runtime             a container runtime's init (grouped by container
 *                       or cgroup only)
 */
#ifndef REPORTS_POLICY_DECIDE_H
#define REPORTS_POLICY_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cap_set.h"
#include "callsite_rules.h"
#include "image_rules.h"
#include "policy_facts.h"

enum decision {
	DECISION_NEEDED,
	DECISION_LEAVE_ROOT,
	DECISION_DENIED_FAILED,
	DECISION_DENIED,
	DECISION_TOLERATED,
	DECISION_OPTIONAL,
	DECISION_PROBE,
	DECISION_EXEC,
	DECISION_RECORDER,
	DECISION_RUNTIME,
};

/* A process image is the main one of its executable, or a forked copy (a worker). */
enum image_role {
	ROLE_MAIN,
	ROLE_WORKER,
};

/* Before the image left uid 0 (its last credential change at uid 0), or after/never. */
enum check_phase {
	PHASE_STEADY,
	PHASE_BEFORE_DROP,
};

enum policy_form {
	FORM_ROOT,    /* root with a bounding set: docker/podman, k8s, systemd as root */
	FORM_NONROOT, /* non-root with capabilities: setcap, systemd User= + Ambient */
};

/* One (group, capability, decision, rule, role, phase) with its most frequent check. */
struct decision_row {
	const char *group;
	int cap;
	enum decision decision;
	const struct callsite_rule *rule;
	enum image_role role;
	enum check_phase phase;
	bool nonroot_run;     /* made by an image that never ran as root: says nothing of the
			       * root form */
	uint64_t checks;
	int exit_code;        /* DECISION_DENIED_FAILED: the exit code; else -1 */
	int signal;           /* DECISION_DENIED: the signal that ended it, 0 none */
	const char *why;      /* the outcome behind a denial decision, else NULL */
	const struct check_fact *example;
	const char *exe;      /* the example's executable */
	bool unseen;          /* no check made: added by an unseen_need rule (non-root form
			       * only, not counted by check) */
};

struct group_verdict {
	const char *group;
	size_t first, end;            /* its rows[first..end) */
	cap_set_t set[2];             /* by enum policy_form */
	cap_set_t counted;            /* what check counts against an allow list */
	cap_set_t denied;             /* refused at least once (any denial decision) */
	cap_set_t phase_set[2][2];    /* [role][phase], decisions in either form */
	bool has_role[2];
	const struct image_rule *image_rule; /* --by exe: the executable's, or NULL */
	bool only_root;               /* every check made at uid 0: a non-root run may need more */
};

struct policy_decisions {
	struct policy_facts facts;
	struct decision_row *rows;    /* ordered by group, cap, decision, rule, role, phase */
	size_t row_count;
	struct group_verdict *groups;
	size_t group_count;
};

/*
 * Reads db's checks (policy_facts_read()) and decides them. include_nonaudit
 * counts non-audit checks without a rule as needs. Returns 0, -ENOMEM or a
 * positive SQLite code.
 */
int policy_decide(sqlite3 *db, enum group_by by, const char *exe_glob, bool include_nonaudit,
		  struct policy_decisions *out);

void policy_decisions_release(struct policy_decisions *d);

/* The decision's name ("needed", "leaving uid 0", ...). */
const char *decision_name(enum decision d);

/* Whether the decision puts the capability in form's set. */
bool decision_in_form(enum decision d, enum policy_form form);

/*
 * Whether the row puts its capability in form's set: its decision says so,
 * and for the root form the image that made it ran as root at some point (a
 * program started as a non-root user shows what the non-root form needs:
 * sshd -t reading root's 0600 host keys).
 */
bool row_in_form(const struct decision_row *row, enum policy_form form);

/* Whether check counts the decision against an allow list. */
bool decision_counts(enum decision d);

/*
 * Whether check counts the row: its decision counts, and it stands for checks
 * the run made (not a need no check shows, added by an unseen_need rule).
 */
bool row_counts(const struct decision_row *row);

/* Writes the reason of a row: its rule's meaning and, for denials, the outcome. */
void decision_reason(const struct decision_row *row, char *buf, size_t size);

const char *role_name(enum image_role role);
const char *phase_name(enum check_phase phase);
const char *form_name(enum policy_form form);

#endif /* REPORTS_POLICY_DECIDE_H */
