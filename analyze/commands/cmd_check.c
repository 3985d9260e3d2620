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
#include "commands.h"
#include "completeness.h"
#include "output.h"
#include "policy_decide.h"
#include "policy_file.h"
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
	"  --format F         table (default), json or csv: the violations\n"
	"  -q, --quiet        print nothing, only the exit status\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 everything inside the allowed set, 1 a violation,\n"
	"2 usage error, bad policy file or unreadable input, 3 internal error,\n"
	"4 the recordings are incomplete (and no --allow-incomplete).\n";

struct allowed {
	struct policy *policy; /* from a file, or NULL */
	cap_set_t caps;        /* from a list */
};

static cap_set_t allowed_for(const struct allowed *allowed, const char *exe)
{
	const struct policy_rule *rule;

	if (!allowed->policy)
		return allowed->caps;
	rule = policy_lookup(allowed->policy, exe);
	return rule ? rule->caps : 0;
}

static int parse_allow(const char *value, struct allowed *allowed)
{
	char err[512], bad[64];
	struct stat st;

	if (!stat(value, &st)) {
		if (policy_load(value, &allowed->policy, err, sizeof(err))) {
			fprintf(stderr, "capanalyze check: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (cap_parse_list(value, &allowed->caps, bad, sizeof(bad))) {
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
			    enum output_format format, bool quiet, size_t *violations)
{
	static const char *const columns[] = { "exe", "capability", "decision", "rule", "checks",
					       "syscall", "user_stack", "kernel_stack" };
	struct output *o = quiet ? NULL : output_new(stdout, format);
	char cap_name[32], syscall[32];
	int rc = 0;

	*violations = 0;
	if (!quiet && !o)
		return -ENOMEM;
	if (o)
		rc = output_columns(o, 8, columns);
	for (size_t i = 0; i < d->row_count && !rc; i++) {
		const struct decision_row *row = &d->rows[i];

		if (!row_counts(row) ||
		    cap_set_has(allowed_for(allowed, row->group), row->cap))
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
			rc = output_text(o, syscall_format(row->example->syscall_nr, syscall,
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
	if (!whole && !st->quiet)
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
	if (!rc)
		rc = write_violations(&st->d, &st->allowed, s->format, st->quiet, &violations);
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
	policy_free(st->allowed.policy);
}

static const struct option check_options[] = {
	{ "allow", required_argument, NULL, 'a' },
	{ "include-nonaudit", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "allow-incomplete", no_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops check_command = {
	.usage = check_usage,
	.options = check_options,
	.short_options = "q",
	.state_size = sizeof(struct check_state),
	.option = check_option,
	.prepare = check_prepare,
	.run = check_run,
	.release = check_release,
};
