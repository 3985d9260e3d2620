// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_policy.c - `capanalyze policy`: per executable (or container, or
 * cgroup), the capability set for each way it can be deployed (root with a
 * bounding set; non-root with capabilities), split by process image and
 * phase, with every decision naming its call-site rule (policy_decide.h)
 * and a warning wherever the advice would hand a capability to more than
 * the program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cap_set.h"
#include "commands.h"
#include "completeness.h"
#include "output.h"
#include "policy_decide.h"
#include "policy_render.h"
#include "policy_settings.h"
#include "strbuf.h"
#include "syscall_names.h"
#include "text_escape.h"

static const char policy_usage[] =
	"usage: capanalyze policy [options] DB|RECORDING...\n"
	"\n"
	"Derives, per executable (or container, or cgroup), the capability set for\n"
	"each way it can be deployed:\n"
	"  root      root with a bounding set: docker/podman --cap-drop ALL --cap-add,\n"
	"            a Kubernetes securityContext, systemd CapabilityBoundingSet=\n"
	"            for a service running as root; everything the image needed,\n"
	"            leaving uid 0 included\n"
	"  nonroot   non-root with capabilities: setcap file capabilities, systemd\n"
	"            User= + AmbientCapabilities=; what it needs without uid 0\n"
	"(\"no set works\" when the program refuses non-root itself), split by process\n"
	"image (main, forked workers) and phase (before it left uid 0, steady).\n"
	"Each capability seen gets a decision naming its call-site rule\n"
	"(docs/CALLSITES.md): needed, leaving uid 0, denied then failed, denied,\n"
	"tolerated, optional, probe, exec, recorder, runtime (docs/POLICY.md).\n"
	"Warnings name advice that reaches more than the program (file capabilities\n"
	"on an interpreter or a multi-call binary; root-equivalent capabilities)\n"
	"with a narrower alternative.\n"
	"\n"
	"options:\n"
	"  --exe GLOB         only executables matching GLOB (see capanalyze(1))\n"
	"  --by WHAT          exe (default), container or cgroup\n"
	"  --form FORM        root or nonroot: only that form; with --format json the\n"
	"                     top-level \"capabilities\" is its set, with --format\n"
	"                     allow the file allows exactly its set\n"
	"  --include-nonaudit count non-audit checks without a rule as needs\n"
	"  --allow-incomplete exit as usual on recordings with lost events, lost\n"
	"                     process records, truncation or damage (still reported)\n"
	"  --format F         table (default: text with snippets), json (a policy\n"
	"                     object per group), csv (one row per decision), or\n"
	"                     allow: a policy file for `capanalyze check --allow`;\n"
	"                     without --form it allows everything check counts, so\n"
	"                     the recorded run passes it (--by exe); or systemd,\n"
	"                     k8s, compose, setcap: a file for one program (--exe,\n"
	"                     or --by container): a systemd drop-in, a Kubernetes\n"
	"                     strategic-merge patch, a compose fragment, a setcap\n"
	"                     script\n"
	"  --user USER        with those: the non-root account it runs as (User=,\n"
	"                     runAsUser, user:); the non-root form unless --form\n"
	"  --name NAME        the container (k8s) or service (compose) name\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success, 2 usage or unreadable input, 3 internal error,\n"
	"4 the recordings are incomplete (and no --allow-incomplete).\n";

static const char *const by_names[] = {
	[GROUP_EXE] = "exe",
	[GROUP_CONTAINER] = "container",
	[GROUP_CGROUP] = "cgroup",
};

struct policy_state {
	enum group_by by;
	bool include_nonaudit, allow_incomplete;
	bool one_form;                /* --form given */
	enum policy_form form;        /* ... its value */
	int shown;                    /* while running: -1 both forms, else form */
	struct policy_decisions d;
	struct completeness whole;
	struct settings_options settings;
};

/* Whether group g can run as non-root at all. */
static bool nonroot_works(const struct group_verdict *g)
{
	return !g->image_rule || g->image_rule->kind != IMAGE_REFUSES_NONROOT;
}

/* The set printed for a form: what --form or the json "capabilities" means. */
static cap_set_t form_set(const struct group_verdict *g, int form)
{
	return g->set[form < 0 ? FORM_ROOT : form];
}

static void add_cap_list(struct strbuf *sb, cap_set_t set)
{
	if (set)
		render_cap_list(sb, set, ",");
	else
		strbuf_adds(sb, "(none)");
}

/* Appends text's lines, each indented by indent blanks. */
static void add_indented(struct strbuf *sb, const char *text, int indent)
{
	for (const char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		strbuf_addf(sb, "%*s", indent, "");
		if (!nl) {
			strbuf_adds(sb, line);
			strbuf_addc(sb, '\n');
			break;
		}
		strbuf_add(sb, line, (size_t)(nl - line + 1));
	}
}

/* Writes sb to standard output and releases it. Returns 0, -ENOMEM or -EIO. */
static int write_out(struct strbuf *sb)
{
	int rc = 0;

	if (sb->failed)
		rc = -ENOMEM;
	else if (fputs(strbuf_str(sb), stdout) == EOF || fflush(stdout))
		rc = -EIO;
	strbuf_release(sb);
	return rc;
}

/*
 * The warnings of one group, each a line "warning: ..." (text) or calls of
 * add(ctx, form, cap, reason, instead) for json. cap is -1 for warnings
 * about the executable.
 */
typedef void (*warning_fn)(void *ctx, enum policy_form form, int cap, const char *reason,
			   const char *instead);

static void group_warnings(const struct group_verdict *g, int only_form, enum group_by by,
			   warning_fn add, void *ctx)
{
	for (int form = FORM_ROOT; form <= FORM_NONROOT; form++) {
		cap_set_t set = g->set[form];

		if ((only_form >= 0 && form != only_form) || !set)
			continue;
		if (form == FORM_NONROOT && !nonroot_works(g))
			continue;
		if (form == FORM_NONROOT && by == GROUP_EXE && g->image_rule &&
		    (g->image_rule->kind == IMAGE_INTERPRETER ||
		     g->image_rule->kind == IMAGE_MULTICALL))
			add(ctx, FORM_NONROOT, -1, g->image_rule->reason,
			    "do not setcap it: run this one service from a systemd unit with "
			    "User= and AmbientCapabilities= (they reach only that unit's "
			    "processes), or a small wrapper that holds the file capabilities, "
			    "raises them to ambient and execs it with the one script or applet");
		for (int cap = 0; cap < CAP_SET_BITS; cap++) {
			const char *risk = cap_set_has(set, cap) ?
				cap_risk(cap, form == FORM_NONROOT) : NULL;

			if (risk)
				add(ctx, (enum policy_form)form, cap, risk, cap_risk_instead(cap));
		}
	}
}

static void text_warning(void *ctx, enum policy_form form, int cap, const char *reason,
			 const char *instead)
{
	struct strbuf *sb = ctx;
	char name[32];

	strbuf_addf(sb, "warning (%s): ", form_name(form));
	if (cap >= 0)
		strbuf_addf(sb, "%s: ", cap_format(cap, name, sizeof(name)));
	strbuf_addf(sb, "%s; %s\n", reason, instead);
}

/* One decision as output cells (table and csv). */
static int decision_cells(struct output *o, const struct decision_row *row, bool csv)
{
	char cap_name[32], reason[512], syscall[32];
	int rc = 0;

	if (csv)
		rc = output_text(o, row->group);
	if (!rc)
		rc = output_text(o, cap_format(row->cap, cap_name, sizeof(cap_name)));
	if (!rc)
		rc = output_text(o, decision_name(row->decision));
	if (!rc)
		rc = output_text(o, row->rule->name);
	if (!rc)
		rc = output_text(o, role_name(row->role));
	if (!rc)
		rc = output_text(o, phase_name(row->phase));
	if (!rc && csv)
		rc = output_int(o, row_in_form(row, FORM_ROOT));
	if (!rc && csv)
		rc = output_int(o, row_in_form(row, FORM_NONROOT));
	if (!rc)
		rc = output_int(o, (int64_t)row->checks);
	decision_reason(row, reason, sizeof(reason));
	if (!rc)
		rc = output_text(o, reason);
	if (!rc)
		rc = output_text(o, row->exe);
	if (!rc)
		rc = output_text(o, syscall_format(row->example->machine, row->example->syscall_nr,
						   syscall, sizeof(syscall)));
	if (!rc)
		rc = output_text(o, row->example->user_stack);
	if (!rc)
		rc = output_text(o, row->example->kernel_stack);
	if (!rc)
		rc = output_end_row(o);
	return rc;
}

static int write_csv(const struct policy_decisions *d)
{
	static const char *const columns[] = { "group", "capability", "decision", "rule", "role",
					       "phase", "in_root", "in_nonroot", "checks",
					       "reason", "exe", "syscall", "user_stack",
					       "kernel_stack" };
	struct output *o = output_new(stdout, OUTPUT_CSV);
	int rc;

	if (!o)
		return -ENOMEM;
	rc = output_columns(o, 14, columns);
	for (size_t i = 0; i < d->row_count && !rc; i++)
		rc = decision_cells(o, &d->rows[i], true);
	if (!rc)
		rc = output_finish(o);
	output_free(o);
	return rc;
}

static void add_root_form(struct strbuf *sb, const struct group_verdict *g)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_adds(sb, "root, bounded (docker/podman, Kubernetes, systemd as root): ");
	add_cap_list(sb, g->set[FORM_ROOT]);
	strbuf_addc(sb, '\n');
	render_container_flags(&text, g->set[FORM_ROOT]);
	strbuf_addf(sb, "  docker:     docker run %s ...\n", strbuf_str(&text));
	strbuf_addf(sb, "  podman:     podman run %s ...\n", strbuf_str(&text));
	strbuf_reset(&text);
	render_k8s(&text, g->set[FORM_ROOT]);
	strbuf_adds(sb, "  kubernetes:\n");
	add_indented(sb, strbuf_str(&text), 4);
	strbuf_reset(&text);
	render_systemd_bounding(&text, g->set[FORM_ROOT]);
	strbuf_adds(sb, "  systemd (User=root):\n");
	add_indented(sb, strbuf_str(&text), 4);
	if (text.failed)
		sb->failed = true;
	strbuf_release(&text);
}

static void add_nonroot_form(struct strbuf *sb, const struct group_verdict *g, enum group_by by)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_adds(sb, "non-root with capabilities (setcap, systemd User= + "
		    "AmbientCapabilities=): ");
	if (!nonroot_works(g)) {
		strbuf_addf(sb, "no set works: %s\n", g->image_rule->reason);
		return;
	}
	add_cap_list(sb, g->set[FORM_NONROOT]);
	strbuf_addc(sb, '\n');
	if (by == GROUP_EXE) {
		render_setcap(&text, g->set[FORM_NONROOT], g->group);
		strbuf_adds(sb, "  setcap:     ");
		escape_terminal(sb, strbuf_str(&text));
		strbuf_addc(sb, '\n');
		strbuf_reset(&text);
	}
	render_systemd(&text, g->set[FORM_NONROOT]);
	strbuf_adds(sb, "  systemd (User=a non-root user):\n");
	add_indented(sb, strbuf_str(&text), 4);
	if (g->only_root)
		strbuf_adds(sb, "  note: recorded as root only; as non-root it may also need "
			    "CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE for files only root may read "
			    "(root never asks): record or prove this form\n");
	if (text.failed)
		sb->failed = true;
	strbuf_release(&text);
}

/* The per-image, per-phase sets, when there is more than one image or phase to tell apart. */
static void add_phases(struct strbuf *sb, const struct group_verdict *g)
{
	bool dropped = g->phase_set[ROLE_MAIN][PHASE_BEFORE_DROP] ||
		       g->phase_set[ROLE_WORKER][PHASE_BEFORE_DROP];

	if (!dropped && !g->has_role[ROLE_WORKER])
		return;
	strbuf_adds(sb, "by process image and phase (root form):\n");
	for (int role = ROLE_MAIN; role <= ROLE_WORKER; role++) {
		if (!g->has_role[role])
			continue;
		strbuf_addf(sb, "  %-7s before leaving uid 0: ", role_name((enum image_role)role));
		add_cap_list(sb, g->phase_set[role][PHASE_BEFORE_DROP]);
		strbuf_adds(sb, "; steady state: ");
		add_cap_list(sb, g->phase_set[role][PHASE_STEADY]);
		strbuf_addc(sb, '\n');
	}
	if (g->has_role[ROLE_WORKER])
		strbuf_adds(sb, "  workers (forked copies) need only their own row: capabilities "
			    "are inherited across fork, so the main image must drop the rest "
			    "before it forks them, or they keep its set\n");
}

static int write_text(const struct policy_decisions *d, const struct policy_state *st)
{
	static const char *const columns[] = { "capability", "decision", "rule", "role", "phase",
					       "checks", "reason", "exe", "syscall",
					       "user_stack", "kernel_stack" };
	int rc = 0;

	if (!d->group_count && printf("no capability checks matched\n") < 0)
		return -EIO;
	for (size_t gi = 0; gi < d->group_count && !rc; gi++) {
		const struct group_verdict *g = &d->groups[gi];
		struct strbuf sb = STRBUF_INIT;
		struct output *o;

		strbuf_adds(&sb, gi ? "\n== " : "== ");
		escape_terminal(&sb, g->group);
		strbuf_addf(&sb, " (%s) ==\n", by_names[st->by]);
		rc = write_out(&sb);
		o = rc ? NULL : output_new(stdout, OUTPUT_TABLE);
		if (!rc && !o)
			rc = -ENOMEM;
		if (!rc)
			rc = output_columns(o, 11, columns);
		for (size_t i = g->first; i < g->end && !rc; i++)
			rc = decision_cells(o, &d->rows[i], false);
		if (!rc)
			rc = output_finish(o);
		output_free(o);
		if (st->shown != FORM_NONROOT)
			add_root_form(&sb, g);
		if (st->shown != FORM_ROOT)
			add_nonroot_form(&sb, g, st->by);
		add_phases(&sb, g);
		group_warnings(g, st->shown, st->by, text_warning, &sb);
		if (!rc)
			rc = write_out(&sb);
		else
			strbuf_release(&sb);
	}
	return rc;
}

static void json_field(struct strbuf *sb, const char *name, const char *value, bool comma)
{
	strbuf_addf(sb, "%s\"%s\": ", comma ? ", " : "", name);
	escape_json(sb, value);
}

static void json_caps(struct strbuf *sb, cap_set_t set)
{
	char name[32];
	bool any = false;

	strbuf_addc(sb, '[');
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(set, cap))
			continue;
		strbuf_adds(sb, any ? ", " : "");
		escape_json(sb, cap_format(cap, name, sizeof(name)));
		any = true;
	}
	strbuf_addc(sb, ']');
}

struct json_warnings {
	struct strbuf *sb;
	bool any;
};

static void json_warning(void *ctx, enum policy_form form, int cap, const char *reason,
			 const char *instead)
{
	struct json_warnings *w = ctx;
	char name[32];

	strbuf_adds(w->sb, w->any ? ", {" : "{");
	json_field(w->sb, "form", form_name(form), false);
	strbuf_adds(w->sb, ", \"capability\": ");
	if (cap >= 0)
		escape_json(w->sb, cap_format(cap, name, sizeof(name)));
	else
		strbuf_adds(w->sb, "null");
	json_field(w->sb, "reason", reason, true);
	json_field(w->sb, "instead", instead, true);
	strbuf_adds(w->sb, "}");
	w->any = true;
}

static void json_forms(struct strbuf *sb, const struct group_verdict *g, enum group_by by)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_adds(sb, "\"forms\": {\"root\": {\"capabilities\": ");
	json_caps(sb, g->set[FORM_ROOT]);
	render_container_flags(&text, g->set[FORM_ROOT]);
	json_field(sb, "docker", strbuf_str(&text), true);
	json_field(sb, "podman", strbuf_str(&text), true);
	strbuf_reset(&text);
	render_k8s(&text, g->set[FORM_ROOT]);
	json_field(sb, "kubernetes", strbuf_str(&text), true);
	strbuf_reset(&text);
	render_systemd_bounding(&text, g->set[FORM_ROOT]);
	json_field(sb, "systemd", strbuf_str(&text), true);
	strbuf_reset(&text);
	strbuf_adds(sb, "},\n  \"nonroot\": {\"works\": ");
	if (!nonroot_works(g)) {
		strbuf_adds(sb, "false, \"capabilities\": null");
		json_field(sb, "reason", g->image_rule->reason, true);
	} else {
		strbuf_adds(sb, "true, \"capabilities\": ");
		json_caps(sb, g->set[FORM_NONROOT]);
		if (by == GROUP_EXE) {
			render_setcap(&text, g->set[FORM_NONROOT], g->group);
			json_field(sb, "setcap", strbuf_str(&text), true);
			strbuf_reset(&text);
		}
		render_systemd(&text, g->set[FORM_NONROOT]);
		json_field(sb, "systemd", strbuf_str(&text), true);
		strbuf_addf(sb, ", \"recorded_as_root_only\": %s", g->only_root ? "true" : "false");
	}
	strbuf_adds(sb, "}}");
	if (text.failed)
		sb->failed = true;
	strbuf_release(&text);
}

static void json_group(struct strbuf *sb, const struct policy_decisions *d,
		       const struct group_verdict *g, const struct policy_state *st)
{
	struct json_warnings warnings = { .sb = sb };
	char name[32], reason[512], syscall[32];
	bool any = false;

	strbuf_adds(sb, "{");
	json_field(sb, "by", by_names[st->by], false);
	json_field(sb, "group", g->group, true);
	strbuf_adds(sb, ", \"form\": ");
	if (st->shown < 0)
		strbuf_adds(sb, "null");
	else
		escape_json(sb, form_name((enum policy_form)st->shown));
	strbuf_adds(sb, ", \"capabilities\": ");
	if (st->shown == FORM_NONROOT && !nonroot_works(g))
		strbuf_adds(sb, "null");
	else
		json_caps(sb, form_set(g, st->shown));
	strbuf_adds(sb, ", \"counted\": ");
	json_caps(sb, g->counted);
	strbuf_adds(sb, ", \"denied\": ");
	json_caps(sb, g->denied);
	strbuf_adds(sb, ",\n  ");
	json_forms(sb, g, st->by);
	strbuf_adds(sb, ",\n  \"phases\": [");
	for (int role = ROLE_MAIN; role <= ROLE_WORKER; role++) {
		for (int phase = PHASE_STEADY; phase <= PHASE_BEFORE_DROP && g->has_role[role];
		     phase++) {
			strbuf_adds(sb, any ? ", {" : "{");
			json_field(sb, "role", role_name((enum image_role)role), false);
			json_field(sb, "phase", phase_name((enum check_phase)phase), true);
			strbuf_adds(sb, ", \"capabilities\": ");
			json_caps(sb, g->phase_set[role][phase]);
			strbuf_adds(sb, "}");
			any = true;
		}
	}
	strbuf_adds(sb, "],\n  \"warnings\": [");
	group_warnings(g, st->shown, st->by, json_warning, &warnings);
	strbuf_adds(sb, "],\n  \"decisions\": [");
	for (size_t i = g->first; i < g->end; i++) {
		const struct decision_row *row = &d->rows[i];

		strbuf_adds(sb, i > g->first ? ",\n    {" : "\n    {");
		json_field(sb, "capability", cap_format(row->cap, name, sizeof(name)), false);
		json_field(sb, "decision", decision_name(row->decision), true);
		json_field(sb, "rule", row->rule->name, true);
		json_field(sb, "role", role_name(row->role), true);
		json_field(sb, "phase", phase_name(row->phase), true);
		strbuf_addf(sb, ", \"in_root\": %s, \"in_nonroot\": %s, \"checks\": %llu",
			    row_in_form(row, FORM_ROOT) ? "true" : "false",
			    row_in_form(row, FORM_NONROOT) ? "true" : "false",
			    (unsigned long long)row->checks);
		if (row->exit_code >= 0)
			strbuf_addf(sb, ", \"exit\": %d", row->exit_code);
		decision_reason(row, reason, sizeof(reason));
		json_field(sb, "reason", reason, true);
		json_field(sb, "exe", row->exe, true);
		json_field(sb, "syscall", syscall_format(row->example->machine,
							 row->example->syscall_nr, syscall,
							 sizeof(syscall)), true);
		json_field(sb, "user_stack", row->example->user_stack, true);
		json_field(sb, "kernel_stack", row->example->kernel_stack, true);
		strbuf_adds(sb, "}");
	}
	strbuf_adds(sb, "]}");
}

static int write_json(const struct policy_decisions *d, const struct policy_state *st)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "[");
	for (size_t i = 0; i < d->group_count; i++) {
		strbuf_adds(&sb, i ? ",\n " : "\n ");
		json_group(&sb, d, &d->groups[i], st);
	}
	strbuf_adds(&sb, d->group_count ? "\n]\n" : "]\n");
	return write_out(&sb);
}

/*
 * Appends an executable path as a policy-file glob that matches exactly it:
 * glob characters escaped, characters a rule cannot hold (blanks, '#',
 * control bytes) as '?', which matches them (and, rarely, more).
 */
static void add_glob(struct strbuf *sb, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '*' || *p == '?' || *p == '[' || *p == '\\')
			strbuf_addc(sb, '\\');
		if (*p <= ' ' || *p == '#' || *p == 0x7f)
			strbuf_addc(sb, '?');
		else
			strbuf_addc(sb, (char)*p);
	}
}

/*
 * Appends the numbers outside 0..63 (no set holds them) that check counts in
 * rows [first, end) of a group, as "cap_<n>" (cap_set.h), so check passes on
 * the run the policy came from. first_item: nothing written before them.
 * Returns how many it wrote.
 */
static int add_extra_caps(struct strbuf *sb, const struct policy_decisions *d, size_t first,
			  size_t end, bool first_item)
{
	char name[32];
	int written = 0;

	for (size_t i = first; i < end; i++) {
		const struct decision_row *row = &d->rows[i];
		bool repeated = false;

		if (!decision_counts(row->decision) || (row->cap >= 0 && row->cap < CAP_SET_BITS))
			continue;
		for (size_t j = first; j < i && !repeated; j++)
			repeated = d->rows[j].cap == row->cap && decision_counts(d->rows[j].decision);
		if (repeated)
			continue;
		if (!first_item || written)
			strbuf_addc(sb, ',');
		strbuf_adds(sb, cap_format(row->cap, name, sizeof(name)));
		written++;
	}
	return written;
}

/*
 * The policy-file form (docs/POLICY.md). Without --form: everything check
 * counts, so the recorded run passes it. With --form: exactly that form's
 * set, the file a run made in that form is checked against.
 */
static int write_allow(const struct policy_decisions *d, const struct policy_state *st,
		       const struct strbuf *incomplete)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *line = strbuf_str(incomplete), *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		strbuf_adds(&sb, "# ");
		strbuf_add(&sb, line, (size_t)(nl - line + 1));
	}
	if (st->shown < 0)
		strbuf_adds(&sb, "# capanalyze policy --format allow: what the recorded run used "
			    "or attempted.\n");
	else
		strbuf_addf(&sb, "# capanalyze policy --form %s --format allow: the set for that "
			    "deployment form.\n", form_name((enum policy_form)st->shown));
	strbuf_adds(&sb, "# Executables not listed are allowed nothing.\n");
	for (size_t i = 0; i < d->group_count; i++) {
		const struct group_verdict *g = &d->groups[i];
		cap_set_t set = st->shown < 0 ? g->counted : g->set[st->shown];

		add_glob(&sb, g->group);
		strbuf_addc(&sb, ' ');
		if (set)
			render_cap_list(&sb, set, ",");
		/* without --form: also what no set can hold, as check counts it */
		if ((st->shown < 0 ? add_extra_caps(&sb, d, g->first, g->end, !set) : 0) == 0 &&
		    !set)
			strbuf_adds(&sb, "none");
		if (st->shown == FORM_NONROOT && !nonroot_works(g))
			strbuf_addf(&sb, "  # no set works as non-root: %s", g->image_rule->reason);
		strbuf_addc(&sb, '\n');
	}
	strbuf_adds(&sb, "* none\n");
	return write_out(&sb);
}

static int policy_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct policy_state *st = state;

	(void)s;
	switch (opt) {
	case 'u':
		st->settings.user = arg;
		return SESSION_CONTINUE;
	case 'N':
		st->settings.name = arg;
		return SESSION_CONTINUE;
	case 'n':
		st->include_nonaudit = true;
		return SESSION_CONTINUE;
	case 'i':
		st->allow_incomplete = true;
		return SESSION_CONTINUE;
	case 'F':
		if (!strcmp(arg, "root")) {
			st->form = FORM_ROOT;
			st->one_form = true;
		} else if (!strcmp(arg, "nonroot")) {
			st->form = FORM_NONROOT;
			st->one_form = true;
		} else {
			fprintf(stderr, "capanalyze policy: --form must be root or nonroot, not "
				"'%s'\n", arg);
			return EXIT_USAGE;
		}
		return SESSION_CONTINUE;
	}
	if (!strcmp(arg, "exe")) {
		st->by = GROUP_EXE;
	} else if (!strcmp(arg, "container")) {
		st->by = GROUP_CONTAINER;
	} else if (!strcmp(arg, "cgroup")) {
		st->by = GROUP_CGROUP;
	} else {
		fprintf(stderr, "capanalyze policy: --by must be exe, container or cgroup, "
			"not '%s'\n", arg);
		return EXIT_USAGE;
	}
	return SESSION_CONTINUE;
}

static int policy_prepare(struct analyze_session *s, void *state)
{
	struct policy_state *st = state;

	if (s->extra_format && st->by != GROUP_EXE) {
		fprintf(stderr, "capanalyze policy: --format allow writes per-executable rules: "
			"it needs --by exe\n");
		return EXIT_USAGE;
	}
	return SESSION_CONTINUE;
}

/* The warnings of a group per form, one line each, for the comments of a settings file. */
struct settings_warnings {
	struct strbuf lines[2][16];
	const char *texts[2][16];
	size_t count[2];
};

static void settings_warning(void *ctx, enum policy_form form, int cap, const char *reason,
			     const char *instead)
{
	struct settings_warnings *w = ctx;
	struct strbuf *sb;
	char name[32];

	if (w->count[form] == sizeof(w->lines[form]) / sizeof(w->lines[form][0]))
		return;
	sb = &w->lines[form][w->count[form]++];
	if (cap >= 0)
		strbuf_addf(sb, "%s: ", cap_format(cap, name, sizeof(name)));
	strbuf_addf(sb, "%s; %s", reason, instead);
}

/* The groups as policy_settings.h takes them: both forms' sets, the warnings. */
static int write_settings(struct analyze_session *s, struct policy_state *st)
{
	const struct policy_decisions *d = &st->d;
	struct settings_group group = { .group = NULL };
	struct settings_warnings w = { .count = { 0, 0 } };
	int status;

	_Static_assert((int)FORM_ROOT == (int)DEPLOY_ROOT &&
		       (int)FORM_NONROOT == (int)DEPLOY_NONROOT,
		       "policy_form and deploy_form number the forms alike");
	if (d->group_count == 1) {
		const struct group_verdict *g = &d->groups[0];

		group.group = g->group;
		group.set[DEPLOY_ROOT] = g->set[FORM_ROOT];
		group.set[DEPLOY_NONROOT] = g->set[FORM_NONROOT];
		group.nonroot_refused = !nonroot_works(g);
		group_warnings(g, st->shown, st->by, settings_warning, &w);
		for (int form = FORM_ROOT; form <= FORM_NONROOT; form++) {
			for (size_t i = 0; i < w.count[form]; i++)
				w.texts[form][i] = strbuf_str(&w.lines[form][i]);
			group.warnings[form] = w.texts[form];
			group.warning_count[form] = w.count[form];
		}
	}
	st->settings.by_exe = st->by == GROUP_EXE;
	st->settings.form = st->one_form ? (int)st->form : -1;
	status = policy_settings_write(s, &group, d->group_count, &st->settings);
	for (int form = FORM_ROOT; form <= FORM_NONROOT; form++)
		for (size_t i = 0; i < w.count[form]; i++)
			strbuf_release(&w.lines[form][i]);
	return status;
}

/*
 * Recordings whose recorder could not tell audited from non-audit checks
 * (FORMAT.md recorder.audit_source "unknown": the tracepoint mode with the
 * kernel's symbol addresses hidden). Their checks all look audited, so the
 * policy may list capabilities the program never needed: it must say so.
 */
static int unknown_audit_recordings(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int count = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM recordings WHERE audit_source = 'unknown'",
			       -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		count = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return count;
}

static void note_unknown_audit(const struct analyze_session *s, int recordings)
{
	static const char note[] =
		"# note: %d recording%s could not tell audited from non-audit checks (audit source "
		"unknown: kernel symbol addresses hidden by kernel.kptr_restrict when recorded); "
		"every check counts as audited, so this policy may hold capabilities that were "
		"only probed\n";
	bool in_output = s->extra_format || s->format == OUTPUT_TABLE;

	fprintf(in_output ? stdout : stderr, note, recordings, recordings == 1 ? "" : "s");
}

static int policy_run(struct analyze_session *s, void *state)
{
	struct policy_state *st = state;
	struct strbuf incomplete = STRBUF_INIT;
	int unknown_audit = unknown_audit_recordings(s->db);
	bool whole;
	int rc;

	st->shown = st->one_form ? (int)st->form : -1;
	rc = completeness_read(s->db, &st->whole);
	if (rc)
		return session_sql_error(s, s->db, "reading the recordings' integrity");
	whole = completeness_whole(&st->whole);
	completeness_describe(&st->whole, &incomplete);
	/* Machine formats stay parseable: their readers get the lines on stderr. */
	if (strbuf_len(&incomplete)) {
		if (s->extra_format || s->format != OUTPUT_TABLE)
			fputs(strbuf_str(&incomplete), stderr);
		else if (fputs(strbuf_str(&incomplete), stdout) == EOF)
			rc = -EIO;
	}
	if (!rc && unknown_audit)
		note_unknown_audit(s, unknown_audit);
	if (!rc) {
		rc = policy_decide(s->db, st->by, s->exe_glob, st->include_nonaudit, &st->d);
		if (rc > 0) {
			strbuf_release(&incomplete);
			return session_sql_error(s, s->db, "deciding checks");
		}
	}
	if (!rc && s->document) {
		strbuf_release(&incomplete);
		rc = write_settings(s, st);
		if (rc == EXIT_OK && !whole && !st->allow_incomplete) {
			fprintf(stderr, "capanalyze policy: the recordings are incomplete (see "
				"above): exit %d; --allow-incomplete accepts them\n",
				EXIT_INCOMPLETE);
			return EXIT_INCOMPLETE;
		}
		return rc;
	}
	if (!rc) {
		if (s->extra_format)
			rc = write_allow(&st->d, st, &incomplete);
		else if (s->format == OUTPUT_JSON)
			rc = write_json(&st->d, st);
		else if (s->format == OUTPUT_CSV)
			rc = write_csv(&st->d);
		else
			rc = write_text(&st->d, st);
	}
	strbuf_release(&incomplete);
	if (rc) {
		fprintf(stderr, "capanalyze policy: %s\n", strerror(-rc));
		return EXIT_INTERNAL;
	}
	if (!whole && !st->allow_incomplete) {
		fprintf(stderr, "capanalyze policy: the recordings are incomplete (see above): "
			"exit %d; --allow-incomplete accepts them\n", EXIT_INCOMPLETE);
		return EXIT_INCOMPLETE;
	}
	return EXIT_OK;
}

static void policy_release(void *state)
{
	policy_decisions_release(&((struct policy_state *)state)->d);
}

static const struct option policy_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "form", required_argument, NULL, 'F' },
	{ "include-nonaudit", no_argument, NULL, 'n' },
	{ "allow-incomplete", no_argument, NULL, 'i' },
	{ "user", required_argument, NULL, 'u' },
	{ "name", required_argument, NULL, 'N' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops policy_command = {
	.usage = policy_usage,
	.extra_format = "allow",
	.document_formats = deploy_setting_formats,
	.options = policy_options,
	.state_size = sizeof(struct policy_state),
	.option = policy_option,
	.prepare = policy_prepare,
	.run = policy_run,
	.release = policy_release,
};
