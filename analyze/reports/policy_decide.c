// SPDX-License-Identifier: GPL-2.0-only
/* policy_decide.c - decisions and per-form sets (see policy_decide.h). */
#include "policy_decide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const struct callsite_rule recorder_rule = {
	"recorder-child", NULL, CALLSITE_ANY_CAP, CALLSITE_PROBE,
	"caprec's own child before it exec'd the command: the recorder's code, no program's",
};

static const struct callsite_rule runtime_rule = {
	"container-runtime", NULL, CALLSITE_ANY_CAP, CALLSITE_PROBE,
	"a container runtime's init setting up the container: the runtime's, not the image's",
};

const char *decision_name(enum decision d)
{
	switch (d) {
	case DECISION_NEEDED:
		return "needed";
	case DECISION_LEAVE_ROOT:
		return "leaving uid 0";
	case DECISION_DENIED_FAILED:
		return "denied, then failed";
	case DECISION_DENIED:
		return "denied";
	case DECISION_TOLERATED:
		return "tolerated";
	case DECISION_OPTIONAL:
		return "optional";
	case DECISION_PROBE:
		return "probe";
	case DECISION_EXEC:
		return "exec";
	case DECISION_RECORDER:
		return "recorder";
	case DECISION_RUNTIME:
		return "runtime";
	}
	return "unknown";
}

bool decision_in_form(enum decision d, enum policy_form form)
{
	if (d == DECISION_LEAVE_ROOT)
		return form == FORM_ROOT;
	return d == DECISION_NEEDED || d == DECISION_DENIED_FAILED;
}

/* The call-site stand-in for a need no check shows (unseen_need_for()). */
static const struct callsite_rule unseen_rule = {
	"image-unseen-need", NULL, CALLSITE_ANY_CAP, CALLSITE_NEED,
	"a need of this program that no capability check shows (docs/CALLSITES.md)",
};

/* What an unseen need's row shows as its example: no syscall, no stacks. */
static const struct check_fact unseen_example = {
	.granted = true, .syscall_nr = -1, .syscall_ret = -1, .kernel_stack = "",
	.user_stack = "",
};

bool row_in_form(const struct decision_row *row, enum policy_form form)
{
	const struct cred_rule *cred;

	if (row->unseen)
		return form == FORM_NONROOT;
	if (form == FORM_ROOT && row->nonroot_run)
		return false;
	/*
	 * A program that switches user whatever its uid makes the same calls when
	 * started as the target user: leaving uid 0 is then a need of that form too.
	 */
	if (form == FORM_NONROOT && row->decision == DECISION_LEAVE_ROOT &&
	    row->rule->kind == CALLSITE_CRED_CHANGE) {
		cred = cred_rule_for(row->exe);
		if (cred && cred->habit == CRED_DROPS_ALWAYS)
			return true;
	}
	return decision_in_form(row->decision, form);
}

bool decision_counts(enum decision d)
{
	return d == DECISION_NEEDED || d == DECISION_LEAVE_ROOT || d == DECISION_DENIED_FAILED ||
	       d == DECISION_DENIED;
}

bool row_counts(const struct decision_row *row)
{
	return decision_counts(row->decision) && !row->unseen;
}

const char *role_name(enum image_role role)
{
	return role == ROLE_WORKER ? "worker" : "main";
}

const char *phase_name(enum check_phase phase)
{
	return phase == PHASE_BEFORE_DROP ? "before drop" : "steady";
}

const char *form_name(enum policy_form form)
{
	return form == FORM_NONROOT ? "nonroot" : "root";
}

void decision_reason(const struct decision_row *row, char *buf, size_t size)
{
	if (row->decision == DECISION_DENIED_FAILED)
		snprintf(buf, size, "denied, then the process failed (exit %d); %s",
			 row->exit_code, row->rule->meaning);
	else if (row->why)
		snprintf(buf, size, "%s; %s", row->why, row->rule->meaning);
	else if (row->decision == DECISION_LEAVE_ROOT && row->rule->kind == CALLSITE_CRED_CHANGE &&
		 cred_rule_for(row->exe) && cred_rule_for(row->exe)->habit == CRED_DROPS_ALWAYS)
		snprintf(buf, size, "made at uid 0 to leave it; kept in the non-root form: %s; %s",
			 cred_rule_for(row->exe)->reason, row->rule->meaning);
	else if (row->decision == DECISION_LEAVE_ROOT)
		snprintf(buf, size, "made at uid 0 to leave it: not needed when started as the "
			 "target user; %s", row->rule->meaning);
	else
		snprintf(buf, size, "%s", row->rule->meaning);
}

/* One decided check, before rows are merged. */
struct decided {
	size_t check;
	enum decision decision;
	const struct callsite_rule *rule;
	enum image_role role;
	enum check_phase phase;
	bool nonroot_run;
	int exit_code, signal;
	const char *why;
};

static enum image_role image_role(const struct policy_facts *f, const struct image_fact *img)
{
	if (img->exec_started || !img->parent)
		return ROLE_MAIN;
	for (size_t i = 0; i < f->image_count; i++)
		if (f->images[i].id == img->parent)
			return strcmp(f->images[i].exe, img->exe) ? ROLE_MAIN : ROLE_WORKER;
	return ROLE_MAIN;
}

/* A denial: judged by the syscall's outcome when recorded, else by how the process went on. */
static void decide_denial(const struct check_fact *c, const struct image_fact *img,
			  struct decided *d)
{
	if (c->syscall_ret == 1) {
		d->decision = DECISION_TOLERATED;
		d->why = "denied, and the syscall succeeded without it";
	} else if (img->later_exec) {
		d->decision = DECISION_TOLERATED;
		d->why = "denied, and the process went on to exec";
	} else if (img->exited && WIFEXITED(img->exit_status)) {
		d->exit_code = WEXITSTATUS(img->exit_status);
		if (d->exit_code) {
			d->decision = DECISION_DENIED_FAILED;
		} else {
			d->decision = DECISION_TOLERATED;
			d->why = "denied, and the process went on and exited 0";
		}
	} else {
		d->decision = DECISION_DENIED;
		if (img->exited && WIFSIGNALED(img->exit_status)) {
			d->signal = WTERMSIG(img->exit_status);
			d->why = "denied; the process was then ended by a signal";
		} else {
			d->why = "denied; the recording does not show how the process ended";
		}
	}
}

static void decide_check(const struct policy_decisions *out, size_t i, enum group_by by,
			 bool include_nonaudit, struct decided *d)
{
	const struct check_fact *c = &out->facts.checks[i];
	const struct image_fact *img = &out->facts.images[c->image];
	const struct image_rule *irule = image_rule_for(img->exe);

	*d = (struct decided){ .check = i, .exit_code = -1, .phase = PHASE_STEADY };
	d->role = image_role(&out->facts, img);
	if (img->recorder_child) {
		d->rule = &recorder_rule;
		d->decision = DECISION_RECORDER;
		return;
	}
	if (by != GROUP_EXE && irule && irule->kind == IMAGE_RUNTIME) {
		d->rule = &runtime_rule;
		d->decision = DECISION_RUNTIME;
		return;
	}
	d->rule = callsite_match(c->kernel_stack, c->cap, c->audit);
	switch (d->rule->kind) {
	case CALLSITE_EXEC:
		d->decision = DECISION_EXEC;
		return;
	case CALLSITE_OPTIONAL:
		d->decision = DECISION_OPTIONAL;
		return;
	case CALLSITE_PROBE:
		if (!(include_nonaudit && d->rule == &callsite_rule_nonaudit)) {
			d->decision = DECISION_PROBE;
			return;
		}
		break;
	case CALLSITE_CRED_CHANGE:
		if (c->uid == 0 && c->granted) {
			d->decision = DECISION_LEAVE_ROOT;
			d->phase = PHASE_BEFORE_DROP;
			return;
		}
		break;
	case CALLSITE_NEED:
		break;
	}
	if (c->granted)
		d->decision = DECISION_NEEDED;
	else
		decide_denial(c, img, d);
}

/*
 * An image runs as non-root from its start when its first check was made at
 * another uid and its parent's (the process it was forked from, or the
 * image before its exec) checks were too, or are unknown: started by a
 * non-root user or by a launcher that dropped root before the exec
 * (setpriv --reuid). What it needed says nothing of a root deployment.
 */
static bool image_ran_as_root(const struct policy_facts *f, size_t image)
{
	for (size_t i = 0; i < f->check_count; i++)
		if (f->checks[i].image == image && f->checks[i].uid == 0)
			return true;
	return false;
}

static void mark_nonroot_runs(const struct policy_facts *f, struct decided *list, size_t n)
{
	for (size_t first = 0, end; first < n; first = end) {
		size_t image = f->checks[list[first].check].image;
		bool root = image_ran_as_root(f, image);
		int64_t parent = f->images[image].parent;

		for (end = first; end < n && f->checks[list[end].check].image == image; end++)
			;
		/* A forked worker that left uid 0 before its first check ran as root too. */
		for (size_t p = 0; !root && parent && p < f->image_count; p++) {
			if (f->images[p].id != parent)
				continue;
			root = image_ran_as_root(f, p) && !strcmp(f->images[p].exe,
								  f->images[image].exe);
			break;
		}
		for (size_t i = first; i < end && !root; i++)
			list[i].nonroot_run = true;
	}
}

/*
 * A credential change in an image that has already made a check at uid 0 is
 * part of leaving it, even when the real uid changed first: setpriv
 * --reuid=U calls setresuid() before setresgid() and setgroups().
 */
static void leaving_in_steps(const struct policy_facts *f, struct decided *list, size_t n)
{
	for (size_t first = 0, end; first < n; first = end) {
		size_t image = f->checks[list[first].check].image;
		int64_t root_ns = -1;

		for (end = first; end < n && f->checks[list[end].check].image == image; end++) {
			const struct check_fact *c = &f->checks[list[end].check];

			if (c->uid == 0 && (root_ns < 0 || c->first_ns < root_ns))
				root_ns = c->first_ns;
		}
		if (root_ns < 0)
			continue;
		for (size_t i = first; i < end; i++) {
			const struct check_fact *c = &f->checks[list[i].check];

			if (list[i].decision == DECISION_NEEDED &&
			    list[i].rule->kind == CALLSITE_CRED_CHANGE && c->first_ns > root_ns) {
				list[i].decision = DECISION_LEAVE_ROOT;
				list[i].phase = PHASE_BEFORE_DROP;
			}
		}
	}
}

static bool image_changes_ids(const struct decided *list, size_t first, size_t end)
{
	for (size_t i = first; i < end; i++)
		if (list[i].rule->kind == CALLSITE_CRED_CHANGE &&
		    strcmp(list[i].rule->name, "setgroups"))
			return true;
	return false;
}

/*
 * setgroups() in an image that changes no uid or gid clears the groups it
 * inherited and stays root. Whether a refusal matters is the program's
 * choice; for the programs known to only log it (cred_rules) it is optional.
 */
static void groups_cleared_tolerantly(const struct policy_facts *f, struct decided *list,
				      size_t n)
{
	for (size_t first = 0, end; first < n; first = end) {
		size_t image = f->checks[list[first].check].image;
		const struct cred_rule *cred = cred_rule_for(f->images[image].exe);

		for (end = first; end < n && f->checks[list[end].check].image == image; end++)
			;
		if (!cred || cred->habit != CRED_CLEARS_GROUPS ||
		    image_changes_ids(list, first, end))
			continue;
		for (size_t i = first; i < end; i++) {
			if (strcmp(list[i].rule->name, "setgroups") ||
			    (list[i].decision != DECISION_LEAVE_ROOT &&
			     list[i].decision != DECISION_NEEDED))
				continue;
			list[i].decision = DECISION_OPTIONAL;
			list[i].phase = PHASE_STEADY;
			list[i].why = "optional: clearing inherited supplementary groups "
				      "in an image that changes no uid or gid";
		}
	}
}

/*
 * chown() at uid 0 by a program that later leaves uid 0 (the image itself or
 * a worker forked from the same executable, in the same recording) prepares
 * files for the user it becomes: nginx makes its temp directories and gives
 * them to its worker user. Started as that user, it creates them as its own,
 * and a chown to one's own uid needs no capability. Limit: a chown to a third
 * user would still need CAP_CHOWN; the recording does not hold the target uid.
 */
static void chown_before_leaving(const struct policy_facts *f, struct decided *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct check_fact *c = &f->checks[list[i].check];
		const struct image_fact *img = &f->images[c->image];

		if (list[i].decision != DECISION_NEEDED || c->uid != 0 ||
		    strcmp(list[i].rule->name, "chown"))
			continue;
		for (size_t j = 0; j < n; j++) {
			const struct check_fact *l = &f->checks[list[j].check];
			const struct image_fact *limg = &f->images[l->image];

			if (list[j].decision != DECISION_LEAVE_ROOT ||
			    list[j].rule->kind != CALLSITE_CRED_CHANGE ||
			    l->last_ns < c->first_ns || limg->recording != img->recording ||
			    strcmp(limg->exe, img->exe))
				continue;
			list[i].decision = DECISION_LEAVE_ROOT;
			list[i].phase = PHASE_BEFORE_DROP;
			list[i].why = "chown at uid 0 by a program that then leaves uid "
				      "0: preparing files for the user it becomes (started "
				      "as that user, it owns what it creates)";
			break;
		}
	}
}

/*
 * The phases: an image that left uid 0 did so by its last credential change
 * made at uid 0; what it checked until then is "before drop", the rest its
 * steady state.
 */
static void assign_phases(const struct policy_facts *f, struct decided *list, size_t n)
{
	for (size_t first = 0, end; first < n; first = end) {
		size_t image = f->checks[list[first].check].image;
		int64_t drop_ns = -1;

		for (end = first; end < n && f->checks[list[end].check].image == image; end++)
			if (list[end].decision == DECISION_LEAVE_ROOT &&
			    f->checks[list[end].check].last_ns > drop_ns)
				drop_ns = f->checks[list[end].check].last_ns;
		if (drop_ns < 0)
			continue;
		for (size_t i = first; i < end; i++)
			if (f->checks[list[i].check].first_ns <= drop_ns)
				list[i].phase = PHASE_BEFORE_DROP;
	}
}

/*
 * A call site whose denial another recording tolerated (the same
 * executable, capability and kernel stack) does not make a need where it
 * was granted: the root run of `touch -d` is granted CAP_DAC_OVERRIDE for an
 * open() that a non-root run shows touch does without. Within one
 * recording a granted and a denied check are two operations of one run,
 * and the granted one stays a need.
 */
static void tolerated_elsewhere(const struct policy_facts *f, struct decided *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct check_fact *c = &f->checks[list[i].check];

		if (list[i].decision != DECISION_NEEDED || !c->kernel_stack_id)
			continue;
		for (size_t j = 0; j < n; j++) {
			const struct check_fact *t = &f->checks[list[j].check];

			if (list[j].decision != DECISION_TOLERATED || t->cap != c->cap ||
			    t->kernel_stack_id != c->kernel_stack_id ||
			    f->images[t->image].recording == f->images[c->image].recording ||
			    strcmp(f->images[t->image].exe, f->images[c->image].exe))
				continue;
			list[i].decision = DECISION_TOLERATED;
			list[i].why = "granted here, but denied at this call site in another "
				      "recording that went on without it";
			break;
		}
	}
}

static const struct policy_decisions *sort_out;

static int compare_decided(const void *a, const void *b)
{
	const struct decided *x = a, *y = b;
	const struct check_fact *cx = &sort_out->facts.checks[x->check];
	const struct check_fact *cy = &sort_out->facts.checks[y->check];
	int c = strcmp(sort_out->facts.images[cx->image].group,
		       sort_out->facts.images[cy->image].group);

	if (c)
		return c;
	if (cx->cap != cy->cap)
		return cx->cap - cy->cap;
	if (x->decision != y->decision)
		return (int)x->decision - (int)y->decision;
	c = strcmp(x->rule->name, y->rule->name);
	if (c)
		return c;
	if (x->role != y->role)
		return (int)x->role - (int)y->role;
	if (x->phase != y->phase)
		return (int)y->phase - (int)x->phase;
	if (x->nonroot_run != y->nonroot_run)
		return x->nonroot_run ? 1 : -1;
	if (cx->count != cy->count)
		return cx->count > cy->count ? -1 : 1;
	return x->check < y->check ? -1 : 1;
}

static bool same_row(const struct policy_decisions *out, const struct decided *x,
		     const struct decided *y)
{
	const struct check_fact *cx = &out->facts.checks[x->check];
	const struct check_fact *cy = &out->facts.checks[y->check];

	return !strcmp(out->facts.images[cx->image].group, out->facts.images[cy->image].group) &&
	       cx->cap == cy->cap && x->decision == y->decision && x->rule == y->rule &&
	       x->role == y->role && x->phase == y->phase && x->exit_code == y->exit_code &&
	       x->nonroot_run == y->nonroot_run;
}

static int merge_rows(struct policy_decisions *out, const struct decided *list, size_t n)
{
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (!out->rows)
		return -ENOMEM;
	for (size_t first = 0, end; first < n; first = end) {
		const struct check_fact *c = &out->facts.checks[list[first].check];
		struct decision_row *row = &out->rows[out->row_count++];

		*row = (struct decision_row){
			.group = out->facts.images[c->image].group,
			.cap = c->cap,
			.decision = list[first].decision,
			.rule = list[first].rule,
			.role = list[first].role,
			.phase = list[first].phase,
			.nonroot_run = list[first].nonroot_run,
			.exit_code = list[first].exit_code,
			.signal = list[first].signal,
			.why = list[first].why,
			.example = c,
			.exe = out->facts.images[c->image].exe,
		};
		for (end = first; end < n && same_row(out, &list[first], &list[end]); end++)
			row->checks += out->facts.checks[list[end].check].count;
	}
	return 0;
}

static int make_groups(struct policy_decisions *out, enum group_by by)
{
	out->groups = calloc(out->row_count ? out->row_count : 1, sizeof(*out->groups));
	if (!out->groups)
		return -ENOMEM;
	for (size_t first = 0, end; first < out->row_count; first = end) {
		struct group_verdict *g = &out->groups[out->group_count++];

		g->group = out->rows[first].group;
		g->first = first;
		if (by == GROUP_EXE)
			g->image_rule = image_rule_for(g->group);
		for (end = first; end < out->row_count &&
		     !strcmp(out->rows[end].group, g->group); end++) {
			const struct decision_row *r = &out->rows[end];

			for (int form = FORM_ROOT; form <= FORM_NONROOT; form++)
				if (row_in_form(r, (enum policy_form)form))
					g->set[form] = cap_set_add(g->set[form], r->cap);
			if (decision_counts(r->decision) && !r->unseen)
				g->counted = cap_set_add(g->counted, r->cap);
			if (!r->example->granted)
				g->denied = cap_set_add(g->denied, r->cap);
			if (row_in_form(r, FORM_ROOT)) {
				g->phase_set[r->role][r->phase] =
					cap_set_add(g->phase_set[r->role][r->phase], r->cap);
			}
			if (r->decision != DECISION_RECORDER)
				g->has_role[r->role] = true;
		}
		g->end = end;
	}
	return 0;
}

static int group_by_name(const void *key, const void *element)
{
	return strcmp(key, ((const struct group_verdict *)element)->group);
}

/*
 * Whether each group's checks were all made at uid 0: then the recording
 * cannot show what a non-root run would also need (files only root may
 * read, which root never asks about), and the non-root form says so.
 */
static void mark_only_root(struct policy_decisions *out)
{
	for (size_t i = 0; i < out->group_count; i++)
		out->groups[i].only_root = true;
	for (size_t i = 0; i < out->facts.check_count; i++) {
		const struct check_fact *c = &out->facts.checks[i];
		const struct image_fact *img = &out->facts.images[c->image];
		struct group_verdict *g;

		if (c->uid == 0 || img->recorder_child)
			continue;
		g = bsearch(img->group, out->groups, out->group_count, sizeof(*g), group_by_name);
		if (g)
			g->only_root = false;
	}
}

/*
 * Adds a row for each group whose executable has an unseen need (--by exe
 * only) when its non-root set holds anything but not that capability, and
 * groups again. Rows stay ordered by capability within their group.
 */
static int add_unseen_needs(struct policy_decisions *out, enum group_by by)
{
	size_t extra = 0;
	struct decision_row *rows;

	if (by != GROUP_EXE)
		return 0;
	for (size_t i = 0; i < out->group_count; i++) {
		const struct group_verdict *g = &out->groups[i];
		const struct unseen_need *u = unseen_need_for(g->group);

		if (u && g->set[FORM_NONROOT] && !cap_set_has(g->set[FORM_NONROOT], u->cap))
			extra++;
	}
	if (!extra)
		return 0;
	rows = calloc(out->row_count + extra, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0, n = 0; i < out->group_count; i++) {
		const struct group_verdict *g = &out->groups[i];
		const struct unseen_need *u = unseen_need_for(g->group);
		bool add = u && g->set[FORM_NONROOT] && !cap_set_has(g->set[FORM_NONROOT], u->cap);
		size_t at = g->first;

		while (add && at < g->end && out->rows[at].cap <= u->cap)
			at++;
		for (size_t r = g->first; r < at; r++)
			rows[n++] = out->rows[r];
		if (add)
			rows[n++] = (struct decision_row){
				.group = g->group, .cap = u->cap, .decision = DECISION_NEEDED,
				.rule = &unseen_rule, .role = ROLE_MAIN, .phase = PHASE_STEADY,
				.exit_code = -1, .why = u->reason, .example = &unseen_example,
				.exe = g->group, .unseen = true,
			};
		for (size_t r = at; r < g->end; r++)
			rows[n++] = out->rows[r];
	}
	free(out->rows);
	free(out->groups);
	out->groups = NULL;
	out->group_count = 0;
	out->rows = rows;
	out->row_count += extra;
	return make_groups(out, by);
}

int policy_decide(sqlite3 *db, enum group_by by, const char *exe_glob, bool include_nonaudit,
		  struct policy_decisions *out)
{
	struct decided *list = NULL;
	size_t n;
	int rc;

	*out = (struct policy_decisions){ .rows = NULL };
	rc = policy_facts_read(db, by, exe_glob, &out->facts);
	if (rc)
		return rc;
	n = out->facts.check_count;
	list = calloc(n ? n : 1, sizeof(*list));
	if (!list) {
		rc = -ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		decide_check(out, i, by, include_nonaudit, &list[i]);
	leaving_in_steps(&out->facts, list, n);
	groups_cleared_tolerantly(&out->facts, list, n);
	chown_before_leaving(&out->facts, list, n);
	mark_nonroot_runs(&out->facts, list, n);
	assign_phases(&out->facts, list, n);
	tolerated_elsewhere(&out->facts, list, n);
	sort_out = out;
	qsort(list, n, sizeof(*list), compare_decided);
	sort_out = NULL;
	rc = merge_rows(out, list, n);
	if (!rc)
		rc = make_groups(out, by);
	if (!rc)
		rc = add_unseen_needs(out, by);
	if (!rc)
		mark_only_root(out);
cleanup:
	free(list);
	if (rc)
		policy_decisions_release(out);
	return rc;
}

void policy_decisions_release(struct policy_decisions *d)
{
	if (!d)
		return;
	free(d->rows);
	free(d->groups);
	policy_facts_release(&d->facts);
	*d = (struct policy_decisions){ .rows = NULL };
}
