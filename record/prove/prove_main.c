// SPDX-License-Identifier: GPL-2.0-only
/*
 * prove_main.c - the proof run: reference, constrained run(s), comparison,
 * and the bounded search of --minimize:
 *   1. while the constrained run differs, add the capabilities it was denied
 *      (a denial is what can have changed the outcome);
 *   2. then drop each capability in turn and keep it only when the run
 *      without it differs; what differed is kept as the reason.
 * Every set printed as proven was the set of a run that matched the reference.
 */
#define _XOPEN_SOURCE 700
#include "prove.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capset_text.h"
#include "policy_query.h"
#include "prove_options.h"
#include "prove_run.h"

enum { PROVE_OK = 0, PROVE_DIFFERS = 1, PROVE_USAGE = 2 };

struct prover {
	const struct prove_options *opts;
	char self[PATH_MAX];
	char capanalyze[PATH_MAX];
	char dir[PATH_MAX - 64]; /* room for the file names put in it */
	char cache_dir[PATH_MAX];
	struct form_target target;
	struct prove_run_result reference;
	unsigned runs;
};

/* What one constrained run did, compared with the reference. */
struct outcome {
	bool same;
	char difference[256];  /* empty when same */
	struct policy_rows denials; /* the run's policy rows; denied ones are printed */
};

static void on_signal(int sig)
{
	(void)sig;
	prove_run_interrupted = 1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int resolve_user(const char *user, uid_t *uid, gid_t *gid, char *errbuf, size_t size)
{
	struct passwd *pw = getpwnam(user);
	char *end;

	if (!pw) {
		unsigned long n;

		errno = 0;
		n = strtoul(user, &end, 10);
		if (errno || *end || end == user) {
			snprintf(errbuf, size, "--user %s: no such user", user);
			return -ENOENT;
		}
		pw = getpwuid((uid_t)n);
		if (!pw) {
			/* A bare uid without a passwd entry: its group is the same number. */
			*uid = (uid_t)n;
			*gid = (gid_t)n;
			return 0;
		}
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (*uid == 0) {
		snprintf(errbuf, size, "--user %s: is root; the root form is --form root", user);
		return -EINVAL;
	}
	return 0;
}

static void run_paths(const struct prover *p, const char *name, char *rec, char *out, char *err)
{
	snprintf(rec, PATH_MAX, "%s/%s.caprec", p->dir, name);
	snprintf(out, PATH_MAX, "%s/%s.out", p->dir, name);
	snprintf(err, PATH_MAX, "%s/%s.err", p->dir, name);
}

static const char *cache_dir(const struct prover *p)
{
	return p->opts->keep_dir ? NULL : p->cache_dir;
}

static void print_denials(const struct policy_rows *rows, int only_cap)
{
	size_t i;

	for (i = 0; i < rows->count; i++) {
		const struct policy_row *r = &rows->rows[i];
		char name[64];

		if (!policy_row_denied(r) || (only_cap >= 0 && r->cap != only_cap))
			continue;
		capset_format(r->cap >= 0 ? 1ull << r->cap : 0, name, sizeof(name));
		printf("    denied %s (%ld check%s) in %s, syscall %s\n", name, r->checks,
		       r->checks == 1 ? "" : "s", r->exe[0] ? r->exe : r->group,
		       r->syscall[0] ? r->syscall : "-");
		if (r->user_stack[0])
			printf("      user:   %s\n", r->user_stack);
		if (r->kernel_stack[0])
			printf("      kernel: %s\n", r->kernel_stack);
	}
}

static uint64_t denied_set(const struct policy_rows *rows)
{
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < rows->count; i++) {
		if (policy_row_denied(&rows->rows[i]) && rows->rows[i].cap >= 0)
			set |= 1ull << rows->rows[i].cap;
	}
	return set;
}

/*
 * The rows of caprec's own apply step (the image that changes credentials and
 * execs the command): its checks are the form being set up, not the program.
 */
static void drop_own_rows(const struct prover *p, struct policy_rows *rows)
{
	size_t i, kept = 0;

	for (i = 0; i < rows->count; i++) {
		struct policy_row *r = &rows->rows[i];

		if (strcmp(r->exe, p->self) == 0 || strcmp(r->group, p->self) == 0)
			policy_row_release(r);
		else
			rows->rows[kept++] = *r;
	}
	rows->count = kept;
}

/* One recorded run with set; *o says how it compares. Returns 0, or PROVE_USAGE printed. */
static int run_constrained(struct prover *p, uint64_t set, struct outcome *o)
{
	char rec[PATH_MAX], out[PATH_MAX], err[PATH_MAX], name[32], errbuf[1024];
	struct prove_run_spec spec = { 0 };
	struct prove_run_result res;
	const struct prove_run_result *ref = &p->reference;
	int ret;

	memset(o, 0, sizeof(*o));
	p->runs++;
	snprintf(name, sizeof(name), "run-%u", p->runs);
	run_paths(p, name, rec, out, err);
	p->target.set = set;
	spec.self = p->self;
	spec.recording = rec;
	spec.stdout_path = out;
	spec.stderr_path = err;
	spec.target = &p->target;
	spec.command = p->opts->command;
	spec.timeout_s = p->opts->timeout_s;
	ret = prove_run(&spec, &res);
	if (ret) {
		fprintf(stderr, "caprec prove: run %u: %s\n", p->runs, strerror(-ret));
		return PROVE_USAGE;
	}
	if (prove_run_interrupted) {
		fprintf(stderr, "caprec prove: interrupted during run %u\n", p->runs);
		prove_run_result_free(&res);
		return PROVE_USAGE;
	}
	if (res.recorder_failed) {
		fprintf(stderr, "caprec prove: run %u was not recorded: %s (see %s)\n", p->runs,
			res.recorder_error ? res.recorder_error : "the recorder gave no reason",
			p->opts->keep_dir ? err : "--keep DIR");
		prove_run_result_free(&res);
		return PROVE_USAGE;
	}
	if (res.timed_out && !ref->timed_out)
		snprintf(o->difference, sizeof(o->difference), "stopped after %g s (the reference "
			 "exited %d)", p->opts->timeout_s, ref->exit_code);
	else if (res.exit_code != ref->exit_code)
		snprintf(o->difference, sizeof(o->difference), "exit %d instead of %d",
			 res.exit_code, ref->exit_code);
	else if (p->opts->compare_output &&
		 (res.out_len != ref->out_len || memcmp(res.out, ref->out, res.out_len) != 0))
		snprintf(o->difference, sizeof(o->difference), "same exit status (%d), different "
			 "standard output (%zu bytes, the reference %zu)", res.exit_code,
			 res.out_len, ref->out_len);
	o->same = o->difference[0] == '\0';
	prove_run_result_free(&res);
	ret = policy_query(p->capanalyze, rec, NULL, prove_form_name(p->opts->form), NULL,
			   cache_dir(p), &o->denials, errbuf, sizeof(errbuf));
	if (ret) {
		fprintf(stderr, "caprec prove: run %u: %s\n", p->runs, errbuf);
		return PROVE_USAGE;
	}
	drop_own_rows(p, &o->denials);
	return 0;
}

static void print_run(const struct prover *p, const char *what, uint64_t set,
		      const struct outcome *o)
{
	char text[1024];

	capset_format(set, text, sizeof(text));
	printf("run %u: %s %s: %s%s\n", p->runs, what, text, o->same ? "same outcome as the "
	       "reference" : "DIFFERS: ", o->difference);
	print_denials(&o->denials, -1);
}

static int reference_run(struct prover *p)
{
	char rec[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
	struct prove_run_spec spec = { 0 };
	int ret;

	p->runs++;
	run_paths(p, "reference", rec, out, err);
	spec.self = p->self;
	spec.recording = rec;
	spec.stdout_path = out;
	spec.stderr_path = err;
	spec.command = p->opts->command;
	spec.timeout_s = p->opts->timeout_s;
	ret = prove_run(&spec, &p->reference);
	if (ret) {
		fprintf(stderr, "caprec prove: reference run: %s\n", strerror(-ret));
		return PROVE_USAGE;
	}
	if (prove_run_interrupted) {
		fprintf(stderr, "caprec prove: interrupted during the reference run\n");
		return PROVE_USAGE;
	}
	if (p->reference.recorder_failed) {
		fprintf(stderr, "caprec prove: the reference run was not recorded: %s\n",
			p->reference.recorder_error ? p->reference.recorder_error :
			"the recorder gave no reason");
		return PROVE_USAGE;
	}
	printf("run 1: reference (root, every capability): %s %d\n",
	       p->reference.timed_out ? "stopped at the time limit, exit" : "exit",
	       p->reference.exit_code);
	return 0;
}

/* Refuses capabilities nothing started from here could be granted. */
static int check_reachable(uint64_t set)
{
	uint64_t missing = form_unreachable(set);
	char text[1024];

	if (!missing)
		return 0;
	capset_format(missing, text, sizeof(text));
	fprintf(stderr, "caprec prove: %s not in caprec's bounding set: no run started from "
		"here can hold it, so the set cannot be proven on this host\n", text);
	return PROVE_USAGE;
}

static int initial_set(struct prover *p, uint64_t *set)
{
	const struct prove_options *opts = p->opts;
	char rec[PATH_MAX], out[PATH_MAX], err[PATH_MAX], errbuf[1024];
	struct policy_rows rows;
	const char *source;
	int ret;

	if (opts->caps) {
		if (capset_parse(opts->caps, set, errbuf, sizeof(errbuf))) {
			fprintf(stderr, "caprec prove: --caps: %s\n", errbuf);
			return PROVE_USAGE;
		}
		return 0;
	}
	if (opts->from) {
		source = opts->from;
	} else {
		run_paths(p, "reference", rec, out, err);
		source = rec;
	}
	ret = policy_query(p->capanalyze, source, prove_form_name(opts->form), NULL,
			   opts->exe_glob, cache_dir(p), &rows, errbuf, sizeof(errbuf));
	if (ret) {
		fprintf(stderr, "caprec prove: %s\n", errbuf);
		return PROVE_USAGE;
	}
	if (opts->exe_glob && rows.count == 0) {
		fprintf(stderr, "caprec prove: --exe %s: no executable of %s matches\n",
			opts->exe_glob, source);
		policy_rows_free(&rows);
		return PROVE_USAGE;
	}
	*set = policy_rows_set(&rows);
	policy_rows_free(&rows);
	capset_format(*set, errbuf, sizeof(errbuf));
	printf("set from the %s policy of %s: %s\n", prove_form_name(opts->form),
	       opts->from ? opts->from : "the reference run", errbuf);
	return 0;
}

/* Step 1 of --minimize: add what the run was denied until it matches. */
static int grow_set(struct prover *p, uint64_t *set, struct outcome *o)
{
	while (!o->same) {
		uint64_t add = denied_set(&o->denials) & ~*set;
		char text[1024];
		int ret;

		if (!add) {
			uint64_t dropped = denied_set(&o->denials) & *set;

			printf("no set found: the run differs and no capability outside the set "
			       "was denied\n");
			/* A denial of a capability it was given: the program shed it itself. */
			if (!denied_set(&o->denials) && p->opts->form == PROVE_FORM_NONROOT)
				printf("  nothing was denied at all: the program may check its uid "
				       "itself and refuse to run as non-root\n");
			if (dropped) {
				capset_format(dropped, text, sizeof(text));
				printf("  %s was in the set and still denied: the program dropped "
				       "it itself (some keep capabilities only when another one is "
				       "in their inheritable set)\n", text);
			}
			return PROVE_DIFFERS;
		}
		if (form_unreachable(add)) {
			capset_format(form_unreachable(add), text, sizeof(text));
			printf("no set found: the run was denied %s, which is not in caprec's "
			       "bounding set on this host\n", text);
			return PROVE_DIFFERS;
		}
		if (p->runs >= p->opts->max_runs) {
			printf("no set found within --max-runs %u\n", p->opts->max_runs);
			return PROVE_DIFFERS;
		}
		*set |= add;
		policy_rows_free(&o->denials);
		ret = run_constrained(p, *set, o);
		if (ret)
			return ret;
		print_run(p, "with the denied capabilities added:", *set, o);
	}
	return 0;
}

/* Step 2 of --minimize: drop each capability the outcome does not depend on. */
static int shrink_set(struct prover *p, uint64_t *set, char **why, uint64_t *untested)
{
	uint64_t start = *set;
	int cap, ret;

	for (cap = 0; cap < 64; cap++) {
		struct outcome o;
		char text[4096];
		size_t i, used;

		if (!(start & (1ull << cap)))
			continue;
		if (p->runs >= p->opts->max_runs) {
			*untested |= 1ull << cap;
			continue;
		}
		ret = run_constrained(p, *set & ~(1ull << cap), &o);
		if (ret)
			return ret;
		capset_format(1ull << cap, text, sizeof(text));
		printf("run %u: without %s: %s%s\n", p->runs, text,
		       o.same ? "same outcome: dropped" : "DIFFERS: kept: ", o.difference);
		if (o.same) {
			*set &= ~(1ull << cap);
			policy_rows_free(&o.denials);
			continue;
		}
		/* The reason: the difference, and the checks of this capability that were denied. */
		used = (size_t)snprintf(text, sizeof(text), "%s", o.difference);
		for (i = 0; i < o.denials.count && used < sizeof(text); i++) {
			const struct policy_row *r = &o.denials.rows[i];

			if (!policy_row_denied(r) || r->cap != cap)
				continue;
			used += (size_t)snprintf(text + used, sizeof(text) - used,
						 "; denied in %s (%s) via %s", r->exe,
						 r->syscall[0] ? r->syscall : "-",
						 r->kernel_stack[0] ? r->kernel_stack :
						 r->user_stack);
		}
		why[cap] = strdup(text);
		policy_rows_free(&o.denials);
	}
	return 0;
}

static int minimize(struct prover *p, uint64_t set, struct outcome *first)
{
	char *why[64] = { 0 };
	uint64_t untested = 0;
	char text[1024];
	int ret, cap;

	ret = grow_set(p, &set, first);
	if (ret)
		return ret;
	ret = shrink_set(p, &set, why, &untested);
	if (ret)
		goto cleanup;
	capset_format(set, text, sizeof(text));
	printf("proven set (%s%s%s): %s\n", prove_form_name(p->opts->form),
	       p->opts->form == PROVE_FORM_NONROOT ? ", user " : "",
	       p->opts->form == PROVE_FORM_NONROOT ? p->opts->user : "", text);
	for (cap = 0; cap < 64; cap++) {
		if (!(set & (1ull << cap)))
			continue;
		capset_format(1ull << cap, text, sizeof(text));
		if (why[cap])
			printf("  %s: without it %s\n", text, why[cap]);
		else
			printf("  %s: not tested (--max-runs %u reached): the set may not be "
			       "minimal\n", text, p->opts->max_runs);
	}
	printf("runs: %u of at most %u\n", p->runs, p->opts->max_runs);
	(void)untested;
cleanup:
	for (cap = 0; cap < 64; cap++)
		free(why[cap]);
	return ret;
}

static int prove(struct prover *p)
{
	const struct prove_options *opts = p->opts;
	struct outcome o = { 0 };
	uint64_t set = 0;
	char text[1024];
	int ret;

	if (opts->from || opts->caps) {
		ret = initial_set(p, &set);
		if (!ret)
			ret = check_reachable(set);
		if (ret)
			return ret;
	}
	ret = reference_run(p);
	if (ret)
		return ret;
	if (!opts->from && !opts->caps) {
		ret = initial_set(p, &set);
		if (!ret)
			ret = check_reachable(set);
		if (ret)
			return ret;
	}
	ret = run_constrained(p, set, &o);
	if (ret)
		goto cleanup;
	snprintf(text, sizeof(text), "%s%s%s with", prove_form_name(opts->form),
		 opts->form == PROVE_FORM_NONROOT ? " as " : "",
		 opts->form == PROVE_FORM_NONROOT ? opts->user : "");
	print_run(p, text, set, &o);
	if (opts->minimize) {
		ret = minimize(p, set, &o);
		goto cleanup;
	}
	capset_format(set, text, sizeof(text));
	if (o.same)
		printf("proven: %s works in the %s form\n", text, prove_form_name(opts->form));
	else
		printf("not proven: with %s the %s form %s\n", text, prove_form_name(opts->form),
		       o.difference);
	ret = o.same ? PROVE_OK : PROVE_DIFFERS;
cleanup:
	policy_rows_free(&o.denials);
	return ret;
}

static int make_dir(struct prover *p)
{
	const char *tmp = getenv("TMPDIR");

	if (p->opts->keep_dir) {
		if (mkdir(p->opts->keep_dir, 0700) && errno != EEXIST) {
			fprintf(stderr, "caprec prove: --keep %s: %s\n", p->opts->keep_dir,
				strerror(errno));
			return PROVE_USAGE;
		}
		char full[PATH_MAX];

		errno = 0;
		if (!realpath(p->opts->keep_dir, full) || strlen(full) >= sizeof(p->dir)) {
			fprintf(stderr, "caprec prove: --keep %s: %s\n", p->opts->keep_dir,
				strerror(errno ? errno : ENAMETOOLONG));
			return PROVE_USAGE;
		}
		memcpy(p->dir, full, strlen(full) + 1);
		return 0;
	}
	if ((size_t)snprintf(p->dir, sizeof(p->dir), "%s/caprec-prove.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= sizeof(p->dir))
		errno = ENAMETOOLONG;
	else if (mkdtemp(p->dir))
		errno = 0;
	if (errno) {
		fprintf(stderr, "caprec prove: %s: %s\n", p->dir, strerror(errno));
		p->dir[0] = '\0';
		return PROVE_USAGE;
	}
	snprintf(p->cache_dir, sizeof(p->cache_dir), "%s/cache", p->dir);
	return 0;
}

int prove_main(int argc, char **argv)
{
	static struct prover p; /* PATH_MAX buffers: not on the C stack */
	struct prove_options opts;
	struct sigaction sa = { .sa_handler = on_signal };
	char errbuf[512];
	ssize_t n;
	int ret;

	if (prove_parse_options(argc, argv, &opts, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "caprec: %s\n%s", errbuf, prove_usage);
		return PROVE_USAGE;
	}
	if (opts.help) {
		fputs(prove_usage, stdout);
		return 0;
	}
	if (opts.apply_spec)
		return prove_apply_and_exec(opts.apply_spec, opts.command);
	setvbuf(stdout, NULL, _IOLBF, 0);
	p.opts = &opts;
	p.target.form = opts.form;
	if (geteuid() != 0) {
		fprintf(stderr, "caprec prove: must run as root: it records, and starts the "
			"reference run with every capability\n");
		return PROVE_USAGE;
	}
	if (opts.form == PROVE_FORM_NONROOT &&
	    resolve_user(opts.user, &p.target.uid, &p.target.gid, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "caprec prove: %s\n", errbuf);
		return PROVE_USAGE;
	}
	n = readlink("/proc/self/exe", p.self, sizeof(p.self) - 1);
	if (n <= 0) {
		fprintf(stderr, "caprec prove: /proc/self/exe: %s\n", strerror(errno));
		return PROVE_USAGE;
	}
	p.self[n] = '\0';
	if (policy_find_capanalyze(p.capanalyze, sizeof(p.capanalyze))) {
		fprintf(stderr, "caprec prove: capanalyze not found (next to %s, in its build "
			"tree, on PATH or in $CAPANALYZE): it reads the runs' recordings\n",
			p.self);
		return PROVE_USAGE;
	}
	ret = make_dir(&p);
	if (ret)
		return ret;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = prove(&p);
	if (prove_run_interrupted && !ret)
		ret = PROVE_USAGE;
	prove_run_result_free(&p.reference);
	if (opts.keep_dir)
		printf("recordings and outputs kept in %s\n", p.dir);
	else
		nftw(p.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
