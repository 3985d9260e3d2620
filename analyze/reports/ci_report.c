// SPDX-License-Identifier: GPL-2.0-only
/* ci_report.c - the cases a gate found, before a writer formats them (see ci_report.h). */
#include "ci_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cap_set.h"

void ci_report_init(struct ci_report *r, const struct ci_gate *gate, char *const *recordings,
		    int recording_count)
{
	*r = (struct ci_report){ .gate = gate, .recordings = recordings,
				 .recording_count = recording_count };
}

/* A case's own copy of a change: the strings are ci_report's (see ci_report_fail()). */
static void change_release(struct ci_change *c)
{
	free((char *)c->what);
	free((char *)c->verdict);
	free((char *)c->syscall);
	free((char *)c->user_stack);
	free((char *)c->kernel_stack);
}

static void case_release(struct ci_case *c)
{
	for (size_t i = 0; i < c->change_count; i++)
		change_release(&c->changes[i]);
	free(c->changes);
	free(c->exe);
	free(c->rule);
	free(c->rule_file);
}

void ci_report_release(struct ci_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		case_release(&r->cases[i]);
	free(r->cases);
	r->cases = NULL;
	r->count = r->capacity = 0;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* The case of exe x cap: the last one when it is that pair, else a new one. */
static struct ci_case *case_for(struct ci_report *r, const char *exe, int cap,
				const struct ci_rule *rule)
{
	struct ci_case *c;

	if (r->count && r->cases[r->count - 1].cap == cap &&
	    !strcmp(r->cases[r->count - 1].exe, exe))
		return &r->cases[r->count - 1];
	if (r->count == r->capacity) {
		size_t grown = r->capacity ? r->capacity * 2 : 32;
		struct ci_case *cases = realloc(r->cases, grown * sizeof(*cases));

		if (!cases)
			return NULL;
		r->cases = cases;
		r->capacity = grown;
	}
	c = &r->cases[r->count];
	*c = (struct ci_case){
		.exe = strdup(exe),
		.cap = cap,
		.rule = dup_or_empty(rule->text),
		.rule_file = rule->file ? strdup(rule->file) : NULL,
		.rule_line = rule->line,
	};
	if (!c->exe || !c->rule || (rule->file && !c->rule_file)) {
		case_release(c);
		return NULL;
	}
	r->count++;
	return c;
}

int ci_report_pass(struct ci_report *r, const char *exe, int cap, const struct ci_rule *rule)
{
	return case_for(r, exe, cap, rule) ? 0 : -ENOMEM;
}

int ci_report_fail(struct ci_report *r, const char *exe, int cap, const struct ci_rule *rule,
		   const struct ci_change *change)
{
	struct ci_case *c = case_for(r, exe, cap, rule);
	struct ci_change *changes, *copy;

	if (!c)
		return -ENOMEM;
	changes = realloc(c->changes, (c->change_count + 1) * sizeof(*changes));
	if (!changes)
		return -ENOMEM;
	c->changes = changes;
	copy = &changes[c->change_count];
	*copy = (struct ci_change){
		.what = dup_or_empty(change->what),
		.verdict = dup_or_empty(change->verdict),
		.checks = change->checks,
		.syscall = dup_or_empty(change->syscall),
		.user_stack = dup_or_empty(change->user_stack),
		.kernel_stack = dup_or_empty(change->kernel_stack),
	};
	if (!copy->what || !copy->verdict || !copy->syscall || !copy->user_stack ||
	    !copy->kernel_stack) {
		change_release(copy);
		return -ENOMEM;
	}
	c->change_count++;
	c->failed = true;
	return 0;
}

size_t ci_report_failures(const struct ci_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->count; i++)
		n += r->cases[i].failed;
	return n;
}

static int compare_cases(const void *a, const void *b)
{
	const struct ci_case *x = a, *y = b;
	int c = strcmp(x->exe, y->exe);

	if (c)
		return c;
	return x->cap < y->cap ? -1 : x->cap > y->cap;
}

void ci_report_sort(struct ci_report *r)
{
	if (r->count > 1)
		qsort(r->cases, r->count, sizeof(*r->cases), compare_cases);
}

void ci_case_message(const struct ci_case *c, struct strbuf *sb)
{
	char cap_name[32];

	strbuf_addf(sb, "%s: %s", c->exe, cap_format(c->cap, cap_name, sizeof(cap_name)));
	for (size_t i = 0; i < c->change_count; i++) {
		const struct ci_change *ch = &c->changes[i];

		strbuf_addf(sb, "%s %s (%s, %" PRIu64 " check%s)", i ? ";" : "", ch->what,
			    ch->verdict, ch->checks, ch->checks == 1 ? "" : "s");
		if (*ch->syscall)
			strbuf_addf(sb, " in %s", ch->syscall);
		if (*ch->user_stack || *ch->kernel_stack)
			strbuf_addf(sb, " from %s | %s", *ch->user_stack ? ch->user_stack : "?",
				    *ch->kernel_stack ? ch->kernel_stack : "?");
	}
}

int ci_report_write(const struct ci_report *r, const char *format, FILE *out)
{
	if (!strcmp(format, "sarif"))
		return ci_report_write_sarif(r, out);
	if (!strcmp(format, "junit"))
		return ci_report_write_junit(r, out);
	return -EINVAL;
}
