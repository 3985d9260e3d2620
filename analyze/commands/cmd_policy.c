// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_policy.c - `capanalyze policy`: the minimal capability set of each
 * executable (or container, or cgroup), as setcap, systemd, docker/podman
 * and Kubernetes configuration, with every decision explained by the call
 * path that made it (check_classes.h says how checks are classified).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cap_set.h"
#include "check_classes.h"
#include "commands.h"
#include "output.h"
#include "policy_render.h"
#include "strbuf.h"
#include "syscall_names.h"
#include "text_escape.h"

static const char policy_usage[] =
	"usage: capanalyze policy [options] DB|RECORDING...\n"
	"\n"
	"Derives the minimal capability set per executable (or container, or cgroup)\n"
	"and writes it as a setcap command, systemd unit lines, docker/podman flags\n"
	"and a Kubernetes securityContext. Each capability seen gets a decision with\n"
	"its most frequent call path as the example:\n"
	"  needed             audited and granted: in the set\n"
	"  requested, denied  audited and refused: the program ran without it; not\n"
	"                     in the set, listed so you can decide\n"
	"  ignored            non-audit checks (kernel probes such as\n"
	"                     vm_enough_memory's CAP_SYS_ADMIN), checks made during\n"
	"                     execve/execveat, and checks in the fork-exec window\n"
	"                     (a process image that later exec'd)\n"
	"See docs/POLICY.md.\n"
	"\n"
	"options:\n"
	"  --exe GLOB         only executables matching GLOB (with a '/': the full\n"
	"                     path, else the base name)\n"
	"  --by WHAT          exe (default), container or cgroup\n"
	"  --include-nonaudit count non-audit checks as needs\n"
	"  --format F         table (default: text with snippets), json (a policy\n"
	"                     object per group), csv (one row per decision), or\n"
	"                     allow: a policy file for `capanalyze check --allow` that\n"
	"                     this run passes (needed and denied capabilities; --by exe)\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success, 2 usage or unreadable input, 3 internal error.\n";

static const char *const by_names[] = {
	[GROUP_EXE] = "exe",
	[GROUP_CONTAINER] = "container",
	[GROUP_CGROUP] = "cgroup",
};

/* The minimal set of rows[first..end): capabilities with a "needed" row. */
static cap_set_t needed_set(const struct class_rows *rows, size_t first, size_t end)
{
	cap_set_t set = 0;

	for (size_t i = first; i < end; i++)
		if (rows->rows[i].cls == CLASS_NEEDED)
			set = cap_set_add(set, rows->rows[i].cap);
	return set;
}

static size_t group_end(const struct class_rows *rows, size_t first)
{
	size_t end = first;

	while (end < rows->count && !strcmp(rows->rows[end].group, rows->rows[first].group))
		end++;
	return end;
}

/* One decision as output cells (table and csv). */
static int decision_cells(struct output *o, const struct class_row *row, cap_set_t set,
			  bool with_group)
{
	char cap_name[32];
	int rc = 0;

	if (with_group)
		rc = output_text(o, row->group);
	if (!rc)
		rc = output_text(o, cap_format(row->cap, cap_name, sizeof(cap_name)));
	if (!rc)
		rc = output_text(o, check_class_decision(row->cls));
	if (!rc && with_group)
		rc = output_int(o, cap_set_has(set, row->cap) && row->cls == CLASS_NEEDED);
	if (!rc)
		rc = output_int(o, (int64_t)row->checks);
	if (!rc)
		rc = output_text(o, check_class_reason(row->cls));
	if (!rc)
		rc = class_row_write_path(o, row, true);
	return rc;
}

static int write_csv(const struct class_rows *rows)
{
	static const char *const columns[] = { "group", "capability", "decision", "in_set",
					       "checks", "reason", "exe", "syscall",
					       "user_stack", "kernel_stack" };
	struct output *o = output_new(stdout, OUTPUT_CSV);
	int rc;

	if (!o)
		return -ENOMEM;
	rc = output_columns(o, 10, columns);
	for (size_t first = 0, end; first < rows->count && !rc; first = end) {
		cap_set_t set;

		end = group_end(rows, first);
		set = needed_set(rows, first, end);
		for (size_t i = first; i < end && !rc; i++)
			rc = decision_cells(o, &rows->rows[i], set, true);
	}
	if (!rc)
		rc = output_finish(o);
	output_free(o);
	return rc;
}

/* Appends the snippets of one group for the text report, indented. */
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

/* Appends text's lines, each indented by two blanks. */
static void add_indented(struct strbuf *sb, const char *text)
{
	for (const char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			strbuf_adds(sb, "  ");
			strbuf_adds(sb, line);
			strbuf_addc(sb, '\n');
			break;
		}
		strbuf_adds(sb, "  ");
		strbuf_add(sb, line, (size_t)(nl - line + 1));
	}
}

static void add_snippets(struct strbuf *sb, cap_set_t set, const char *group, enum group_by by)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_adds(sb, "minimal set: ");
	render_cap_list(sb, set, ",");
	strbuf_adds(sb, set ? "\n" : "(none)\n");
	if (by == GROUP_EXE) {
		render_setcap(&text, set, group);
		strbuf_adds(sb, "setcap:      ");
		escape_terminal(sb, strbuf_str(&text));
		strbuf_addc(sb, '\n');
		strbuf_reset(&text);
	}
	render_systemd(&text, set);
	strbuf_adds(sb, "systemd:\n");
	add_indented(sb, strbuf_str(&text));
	strbuf_reset(&text);
	render_container_flags(&text, set);
	strbuf_addf(sb, "docker:      docker run %s ...\n", strbuf_str(&text));
	strbuf_addf(sb, "podman:      podman run %s ...\n", strbuf_str(&text));
	strbuf_reset(&text);
	render_k8s(&text, set);
	strbuf_adds(sb, "kubernetes:\n");
	add_indented(sb, strbuf_str(&text));
	if (text.failed)
		sb->failed = true;
	strbuf_release(&text);
}

static int write_text(const struct class_rows *rows, enum group_by by)
{
	static const char *const columns[] = { "capability", "decision", "checks", "reason", "exe",
					       "syscall", "user_stack", "kernel_stack" };
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	if (!rows->count && printf("no capability checks matched\n") < 0)
		return -EIO;
	for (size_t first = 0, end; first < rows->count && !rc; first = end) {
		struct output *o;
		cap_set_t set;

		end = group_end(rows, first);
		set = needed_set(rows, first, end);
		strbuf_reset(&sb);
		strbuf_adds(&sb, first ? "\n== " : "== ");
		escape_terminal(&sb, rows->rows[first].group);
		strbuf_addf(&sb, " (%s) ==\n", by_names[by]);
		if (sb.failed)
			rc = -ENOMEM;
		else if (fputs(strbuf_str(&sb), stdout) == EOF || fflush(stdout))
			rc = -EIO;
		o = output_new(stdout, OUTPUT_TABLE);
		if (!rc && !o)
			rc = -ENOMEM;
		if (!rc)
			rc = output_columns(o, 8, columns);
		for (size_t i = first; i < end && !rc; i++)
			rc = decision_cells(o, &rows->rows[i], set, false);
		if (!rc)
			rc = output_finish(o);
		output_free(o);
		strbuf_reset(&sb);
		add_snippets(&sb, set, rows->rows[first].group, by);
		if (!rc && sb.failed)
			rc = -ENOMEM;
		if (!rc && (fputs(strbuf_str(&sb), stdout) == EOF || fflush(stdout)))
			rc = -EIO;
	}
	strbuf_release(&sb);
	return rc;
}

static void json_field(struct strbuf *sb, const char *name, const char *value, bool comma)
{
	strbuf_addf(sb, "%s\"%s\": ", comma ? ", " : "", name);
	escape_json(sb, value);
}

static void json_group(struct strbuf *sb, const struct class_rows *rows, size_t first,
		       size_t end, enum group_by by)
{
	cap_set_t set = needed_set(rows, first, end);
	struct strbuf text = STRBUF_INIT;
	char cap_name[32], syscall[32];
	bool any = false;

	strbuf_adds(sb, "{");
	json_field(sb, "by", by_names[by], false);
	json_field(sb, "group", rows->rows[first].group, true);
	strbuf_adds(sb, ", \"capabilities\": [");
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(set, cap))
			continue;
		strbuf_adds(sb, any ? ", " : "");
		escape_json(sb, cap_format(cap, cap_name, sizeof(cap_name)));
		any = true;
	}
	strbuf_adds(sb, "], \"denied\": [");
	any = false;
	for (size_t i = first; i < end; i++) {
		if (rows->rows[i].cls != CLASS_DENIED)
			continue;
		strbuf_adds(sb, any ? ", " : "");
		escape_json(sb, cap_format(rows->rows[i].cap, cap_name, sizeof(cap_name)));
		any = true;
	}
	strbuf_adds(sb, "],\n  \"decisions\": [");
	for (size_t i = first; i < end; i++) {
		const struct class_row *row = &rows->rows[i];

		strbuf_adds(sb, i > first ? ",\n    {" : "\n    {");
		json_field(sb, "capability", cap_format(row->cap, cap_name, sizeof(cap_name)),
			   false);
		json_field(sb, "decision", check_class_decision(row->cls), true);
		strbuf_addf(sb, ", \"checks\": %llu", (unsigned long long)row->checks);
		json_field(sb, "reason", check_class_reason(row->cls), true);
		json_field(sb, "exe", row->exe, true);
		json_field(sb, "syscall", syscall_format(row->syscall_nr, syscall, sizeof(syscall)),
			   true);
		json_field(sb, "user_stack", row->user_stack, true);
		json_field(sb, "kernel_stack", row->kernel_stack, true);
		strbuf_adds(sb, "}");
	}
	strbuf_adds(sb, "],\n  ");
	if (by == GROUP_EXE) {
		render_setcap(&text, set, rows->rows[first].group);
		json_field(sb, "setcap", strbuf_str(&text), false);
		strbuf_adds(sb, ", ");
	}
	strbuf_reset(&text);
	render_systemd(&text, set);
	json_field(sb, "systemd", strbuf_str(&text), false);
	strbuf_reset(&text);
	render_container_flags(&text, set);
	json_field(sb, "docker", strbuf_str(&text), true);
	json_field(sb, "podman", strbuf_str(&text), true);
	strbuf_reset(&text);
	render_k8s(&text, set);
	json_field(sb, "kubernetes", strbuf_str(&text), true);
	strbuf_adds(sb, "}");
	if (text.failed)
		sb->failed = true;
	strbuf_release(&text);
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
 * Appends the numbers outside 0..63 (no set holds them) that rows
 * [first, end) used or attempted, as "cap_<n>" (cap_set.h), so check passes
 * on the run the policy came from. first_item: nothing written before them.
 * Returns how many it wrote.
 */
static int add_extra_caps(struct strbuf *sb, const struct class_rows *rows, size_t first,
			  size_t end, bool first_item)
{
	char name[32];
	int written = 0;

	for (size_t i = first; i < end; i++) {
		const struct class_row *row = &rows->rows[i];
		bool repeated = false;

		if ((row->cls != CLASS_NEEDED && row->cls != CLASS_DENIED) ||
		    (row->cap >= 0 && row->cap < CAP_SET_BITS))
			continue;
		for (size_t j = first; j < i && !repeated; j++)
			repeated = rows->rows[j].cap == row->cap &&
				   (rows->rows[j].cls == CLASS_NEEDED ||
				    rows->rows[j].cls == CLASS_DENIED);
		if (repeated)
			continue;
		if (!first_item || written)
			strbuf_addc(sb, ',');
		strbuf_adds(sb, cap_format(row->cap, name, sizeof(name)));
		written++;
	}
	return written;
}

/* The policy-file form (docs/POLICY.md): what this run used or attempted, per executable. */
static int write_allow(const struct class_rows *rows)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "# capanalyze policy --format allow: what the recorded run used or "
		    "attempted.\n# Executables not listed are allowed nothing.\n");
	for (size_t first = 0, end; first < rows->count; first = end) {
		cap_set_t set = 0, denied = 0;

		end = group_end(rows, first);
		for (size_t i = first; i < end; i++) {
			if (rows->rows[i].cls == CLASS_NEEDED)
				set = cap_set_add(set, rows->rows[i].cap);
			else if (rows->rows[i].cls == CLASS_DENIED)
				denied = cap_set_add(denied, rows->rows[i].cap);
		}
		add_glob(&sb, rows->rows[first].group);
		strbuf_addc(&sb, ' ');
		if (set | denied)
			render_cap_list(&sb, set | denied, ",");
		if (add_extra_caps(&sb, rows, first, end, !(set | denied)) == 0 && !(set | denied))
			strbuf_adds(&sb, "none");
		if (denied & ~set) {
			strbuf_adds(&sb, "  # requested, denied: ");
			render_cap_list(&sb, denied & ~set, ",");
		}
		strbuf_addc(&sb, '\n');
	}
	strbuf_adds(&sb, "* none\n");
	return write_out(&sb);
}

static int write_json(const struct class_rows *rows, enum group_by by)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "[");
	for (size_t first = 0, end; first < rows->count; first = end) {
		end = group_end(rows, first);
		strbuf_adds(&sb, first ? ",\n " : "\n ");
		json_group(&sb, rows, first, end, by);
	}
	strbuf_adds(&sb, rows->count ? "\n]\n" : "]\n");
	return write_out(&sb);
}

struct policy_state {
	enum group_by by;
	bool include_nonaudit;
	struct class_rows rows;
};

static int policy_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct policy_state *st = state;

	(void)s;
	if (opt == 'n') {
		st->include_nonaudit = true;
	} else if (!strcmp(arg, "exe")) {
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

static int policy_run(struct analyze_session *s, void *state)
{
	struct policy_state *st = state;
	int rc;

	rc = check_classes_read(s->db, st->by, s->exe_glob, st->include_nonaudit, &st->rows);
	if (rc > 0)
		return session_sql_error(s, s->db, "classifying checks");
	if (!rc) {
		if (s->extra_format)
			rc = write_allow(&st->rows);
		else if (s->format == OUTPUT_JSON)
			rc = write_json(&st->rows, st->by);
		else if (s->format == OUTPUT_CSV)
			rc = write_csv(&st->rows);
		else
			rc = write_text(&st->rows, st->by);
	}
	if (rc) {
		fprintf(stderr, "capanalyze policy: %s\n", strerror(-rc));
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

static void policy_release(void *state)
{
	class_rows_release(&((struct policy_state *)state)->rows);
}

static const struct option policy_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "include-nonaudit", no_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops policy_command = {
	.usage = policy_usage,
	.extra_format = "allow",
	.options = policy_options,
	.state_size = sizeof(struct policy_state),
	.option = policy_option,
	.prepare = policy_prepare,
	.run = policy_run,
	.release = policy_release,
};
