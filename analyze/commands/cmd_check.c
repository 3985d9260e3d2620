// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_check.c - `capanalyze check`: the CI gate. Fails (exit 1) when a run
 * used or attempted a capability outside the allowed set, with every check
 * decided as policy decides it (policy_decide.h), so a policy derived from a
 * run always passes on that run. Incomplete recordings fail it too (exit 4):
 * a gate must not pass because checks were lost.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cap_set.h"
#include "ci_report.h"
#include "commands.h"
#include "completeness.h"
#include "output.h"
#include "policy_decide.h"
#include "policy_file.h"
#include "strbuf.h"
#include "syscall_names.h"

static const char check_usage[] =
	"usage: capanalyze check --allow CAPS|FILE [options] DB|RECORDING...\n"
	"\n"
	"Exits 1 when any executable used or attempted a capability outside the\n"
	"allowed set, and lists each offending executable and capability with its\n"
	"decision, call-site rule and an example call path. Counted: the decisions\n"
	"needed, leaving uid 0, denied then failed, and denied (docs/POLICY.md);\n"
	"probes, optional behaviour, tolerated denials, checks during execve and\n"
	"the recorder's own child never fail it. Lost events, lost process records,\n"
	"truncation or damage are printed first and fail it with exit 4.\n"
	"\n"
	"  --allow CAPS       a comma-separated list for every executable\n"
	"                     (CAP_CHOWN,net_bind_service; 'none' for the empty set)\n"
	"  --allow FILE       a policy file: per-executable lists with globs\n"
	"                     (docs/POLICY.md); an existing file wins over a list\n"
	"  --exe GLOB         only executables matching GLOB\n"
	"  --include-nonaudit non-audit checks without a rule count too\n"
	"  --allow-incomplete judge incomplete recordings anyway (still reported)\n"
	"  --format F         table (default), json or csv: the violations;\n"
	"                     sarif: a SARIF 2.1.0 log, one result per violation;\n"
	"                     junit: JUnit XML, a testcase per executable x capability\n"
	"  -q, --quiet        print nothing, only the exit status\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 everything inside the allowed set, 1 a violation,\n"
	"2 usage error, bad policy file or unreadable input, 3 internal error,\n"
	"4 the recordings are incomplete (and no --allow-incomplete).\n";

struct allowed {
	const char *source;    /* --allow's value */
	struct policy *policy; /* from a file, or NULL */
	cap_set_t caps;        /* from a list */
	struct cap_extra extra; /* from a list: "cap_<n>" numbers outside 0..63 */
};

/*
 * Which rule judged exe, for the CI documents: "FILE:LINE GLOB" (and the
 * file and line) or "--allow LIST". The text is in sb.
 */
static struct ci_rule describe_rule(const struct allowed *allowed, const char *exe,
				    struct strbuf *sb)
{
	struct ci_rule ci = { .file = allowed->policy ? allowed->source : NULL };
	const struct policy_rule *rule;

	strbuf_reset(sb);
	if (!allowed->policy) {
		strbuf_addf(sb, "--allow %s", allowed->source);
		ci.text = strbuf_str(sb);
		return ci;
	}
	rule = policy_lookup(allowed->policy, exe);
	if (!rule)
		strbuf_addf(sb, "%s: no rule (nothing allowed)", allowed->source);
	else if (rule->line)
		strbuf_addf(sb, "%s:%u %s", allowed->source, rule->line, rule->glob);
	else
		strbuf_addf(sb, "%s: default %s", allowed->source, rule->glob);
	ci.line = rule ? rule->line : 0;
	ci.text = strbuf_str(sb);
	return ci;
}

/*
 * A row of the check as a CI report case: passing when allowed, else failing
 * with its decision, call-site rule and path.
 */
static int report_row(struct ci_report *ci, const struct allowed *allowed,
		      const struct decision_row *row, bool inside)
{
	struct strbuf rule = STRBUF_INIT, what = STRBUF_INIT;
	char syscall[32];
	struct ci_change change = {
		.verdict = decision_name(row->decision),
		.checks = row->checks,
		.syscall = row->example->syscall_nr < 0 ? "" :
			   syscall_format(row->example->machine, row->example->syscall_nr, syscall,
					  sizeof(syscall)),
		.user_stack = row->example->user_stack,
		.kernel_stack = row->example->kernel_stack,
	};
	struct ci_rule judged = describe_rule(allowed, row->group, &rule);
	int rc;

	strbuf_addf(&what, "outside the allowed set, call-site rule %s", row->rule->name);
	change.what = strbuf_str(&what);
	if (rule.failed || what.failed)
		rc = -ENOMEM;
	else if (inside)
		rc = ci_report_pass(ci, row->group, row->cap, &judged);
	else
		rc = ci_report_fail(ci, row->group, row->cap, &judged, &change);
	strbuf_release(&rule);
	strbuf_release(&what);
	return rc;
}

/* exe may use cap: its policy rule, or the list, names it (numbers outside 0..63 too). */
static bool allowed_has(const struct allowed *allowed, const char *exe, int cap)
{
	if (!allowed->policy)
		return cap_set_has(allowed->caps, cap) || cap_extra_has(&allowed->extra, cap);
	return policy_rule_allows(policy_lookup(allowed->policy, exe), cap);
}

static int parse_allow(const char *value, struct allowed *allowed)
{
	char err[512], bad[64];
	struct stat st;

	allowed->source = value;
	if (!stat(value, &st)) {
		if (policy_load(value, &allowed->policy, err, sizeof(err))) {
			fprintf(stderr, "capanalyze check: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (cap_parse_list_extra(value, &allowed->caps, &allowed->extra, bad, sizeof(bad))) {
		if (strchr(value, '/'))
			fprintf(stderr, "capanalyze check: %s: %s\n", value, strerror(ENOENT));
		else if (*bad)
			fprintf(stderr, "capanalyze check: --allow: unknown capability '%s' (and "
				"no file of that name)\n", bad);
		else
			fprintf(stderr, "capanalyze check: --allow: empty item in '%s'\n", value);
		return -1;
	}
	return 0;
}

static int write_violations(const struct policy_decisions *d, const struct allowed *allowed,
			    enum output_format format, bool quiet, struct ci_report *ci,
			    size_t *violations)
{
	static const char *const columns[] = { "exe", "capability", "decision", "rule", "checks",
					       "syscall", "user_stack", "kernel_stack" };
	struct output *o = quiet || ci ? NULL : output_new(stdout, format);
	char cap_name[32], syscall[32];
	int rc = 0;

	*violations = 0;
	if (!quiet && !ci && !o)
		return -ENOMEM;
	if (o)
		rc = output_columns(o, 8, columns);
	for (size_t i = 0; i < d->row_count && !rc; i++) {
		const struct decision_row *row = &d->rows[i];

		bool inside;

		if (!row_counts(row))
			continue;
		inside = allowed_has(allowed, row->group, row->cap);
		if (ci)
			rc = report_row(ci, allowed, row, inside);
		if (inside)
			continue;
		(*violations)++;
		if (!o)
			continue;
		rc = output_text(o, row->group);
		if (!rc)
			rc = output_text(o, cap_format(row->cap, cap_name, sizeof(cap_name)));
		if (!rc)
			rc = output_text(o, decision_name(row->decision));
		if (!rc)
			rc = output_text(o, row->rule->name);
		if (!rc)
			rc = output_int(o, (int64_t)row->checks);
		if (!rc)
			rc = output_text(o, syscall_format(row->example->machine,
							   row->example->syscall_nr, syscall,
							   sizeof(syscall)));
		if (!rc)
			rc = output_text(o, row->example->user_stack);
		if (!rc)
			rc = output_text(o, row->example->kernel_stack);
		if (!rc)
			rc = output_end_row(o);
	}
	/* A table with no rows prints nothing: say so, in words, for a person. */
	if (!rc && o && (format != OUTPUT_TABLE || *violations))
		rc = output_finish(o);
	output_free(o);
	return rc;
}

struct check_state {
	struct allowed allowed;
	bool have_allow, include_nonaudit, quiet, allow_incomplete;
	struct policy_decisions d;
	struct ci_report ci;
};

static const struct ci_gate check_gate = {
	.command = "check",
	.rule_id = "capability-outside-policy",
	.rule_name = "CapabilityOutsidePolicy",
	.rule_summary = "An executable used or attempted a capability its policy does not allow.",
	.level = "error",
};

static int check_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct check_state *st = state;

	(void)s;
	switch (opt) {
	case 'a':
		if (st->have_allow) {
			fprintf(stderr, "capanalyze check: --allow given twice\n");
			return EXIT_USAGE;
		}
		if (parse_allow(arg, &st->allowed))
			return EXIT_USAGE;
		st->have_allow = true;
		break;
	case 'n':
		st->include_nonaudit = true;
		break;
	case 'q':
		st->quiet = true;
		break;
	case 'i':
		st->allow_incomplete = true;
		break;
	}
	return SESSION_CONTINUE;
}

static int check_prepare(struct analyze_session *s, void *state)
{
	(void)s;
	if (((struct check_state *)state)->have_allow)
		return SESSION_CONTINUE;
	fprintf(stderr, "capanalyze check: --allow CAPS|FILE is required\n");
	return EXIT_USAGE;
}

/*
 * Prints what the recordings miss, first: on stdout for a person reading a
 * table, on stderr when stdout is json or csv (it stays parseable). Returns
 * whether they are whole, or -1 on an error already printed.
 */
static int report_completeness(struct analyze_session *s, const struct check_state *st)
{
	struct strbuf lines = STRBUF_INIT;
	struct completeness c;
	bool whole;

	if (completeness_read(s->db, &c)) {
		session_sql_error(s, s->db, "reading the recordings' integrity");
		return -1;
	}
	whole = completeness_whole(&c);
	completeness_describe(&c, &lines);
	if (strbuf_len(&lines) && !st->quiet)
		fputs(strbuf_str(&lines), s->format == OUTPUT_TABLE ? stdout : stderr);
	strbuf_release(&lines);
	return whole;
}

static int check_run(struct analyze_session *s, void *state)
{
	struct check_state *st = state;
	size_t violations = 0;
	int whole, rc;

	whole = report_completeness(s, st);
	if (whole < 0)
		return EXIT_INTERNAL;
	rc = policy_decide(s->db, GROUP_EXE, s->exe_glob, st->include_nonaudit, &st->d);
	if (rc > 0)
		return session_sql_error(s, s->db, "deciding checks");
	if (s->document)
		ci_report_init(&st->ci, &check_gate, s->args, s->arg_count);
	if (!rc)
		rc = write_violations(&st->d, &st->allowed, s->format, st->quiet,
				      s->document && !st->quiet ? &st->ci : NULL, &violations);
	if (!rc && s->document && !st->quiet) {
		ci_report_sort(&st->ci);
		rc = ci_report_write(&st->ci, s->document, stdout);
	}
	if (rc) {
		fprintf(stderr, "capanalyze check: %s\n", strerror(-rc));
		return EXIT_INTERNAL;
	}
	if (violations) {
		if (!st->quiet)
			fprintf(stderr, "capanalyze check: %zu capabilit%s outside the allowed set\n",
				violations, violations == 1 ? "y" : "ies");
		return EXIT_DIFFERS;
	}
	if (!whole && !st->allow_incomplete) {
		if (!st->quiet)
			fprintf(stderr, "capanalyze check: the recordings are incomplete (see "
				"above): exit %d; --allow-incomplete accepts them\n",
				EXIT_INCOMPLETE);
		return EXIT_INCOMPLETE;
	}
	if (!st->quiet && s->format == OUTPUT_TABLE)
		printf("ok: every counted check is inside the allowed set\n");
	return EXIT_OK;
}

static void check_release(void *state)
{
	struct check_state *st = state;

	policy_decisions_release(&st->d);
	ci_report_release(&st->ci);
	policy_free(st->allowed.policy);
}

static const struct option check_options[] = {
	{ "allow", required_argument, NULL, 'a' },
	{ "include-nonaudit", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "allow-incomplete", no_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

static const char *const check_documents[] = { "sarif", "junit", NULL };

const struct command_ops check_command = {
	.usage = check_usage,
	.document_formats = check_documents,
	.options = check_options,
	.short_options = "q",
	.state_size = sizeof(struct check_state),
	.option = check_option,
	.prepare = check_prepare,
	.run = check_run,
	.release = check_release,
};
