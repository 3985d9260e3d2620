// SPDX-License-Identifier: GPL-2.0-only
#include "policy_query.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capset_text.h"
#include "subprocess.h"

static bool executable_file(const char *path)
{
	return access(path, X_OK) == 0;
}

int policy_find_capanalyze(char *path, size_t size)
{
	/* Installed: caprec in sbin, capanalyze in bin; build tree: record/ and analyze/. */
	static const char *const beside[] = { "capanalyze", "../analyze/capanalyze",
					      "../bin/capanalyze" };
	const char *env = getenv("CAPANALYZE"), *dirs;
	char self[PATH_MAX];
	ssize_t n;
	size_t i;

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return executable_file(path) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
			if ((size_t)snprintf(path, size, "%s/%s", self, beside[i]) < size &&
			    executable_file(path))
				return 0;
		}
	}
	dirs = getenv("PATH");
	while (dirs && *dirs) {
		size_t len = strcspn(dirs, ":");

		if (len && (size_t)snprintf(path, size, "%.*s/capanalyze", (int)len, dirs) < size &&
		    executable_file(path))
			return 0;
		dirs += len + (dirs[len] == ':');
	}
	return -ENOENT;
}

/* One CSV field starting at *p; *p moves past it and its separator. */
static char *csv_field(const char **p, bool *end_of_line)
{
	const char *s = *p;
	size_t cap = 64, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	if (*s == '"') {
		s++;
		for (;;) {
			if (*s == '\0')
				break;
			if (*s == '"' && s[1] == '"') {
				s += 2;
				out[len++] = '"';
			} else if (*s == '"') {
				s++;
				break;
			} else {
				out[len++] = *s++;
			}
			if (len + 1 >= cap) {
				char *grown = realloc(out, cap *= 2);

				if (!grown) {
					free(out);
					return NULL;
				}
				out = grown;
			}
		}
	}
	while (*s && *s != ',' && *s != '\n' && *s != '\r') {
		out[len++] = *s++;
		if (len + 1 >= cap) {
			char *grown = realloc(out, cap *= 2);

			if (!grown) {
				free(out);
				return NULL;
			}
			out = grown;
		}
	}
	out[len] = '\0';
	*end_of_line = *s != ',';
	if (*s == ',')
		s++;
	else {
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
	}
	*p = s;
	return out;
}

#define MAX_COLUMNS 32

enum column { COL_GROUP, COL_CAP, COL_DECISION, COL_IN_SET, COL_CHECKS, COL_REASON, COL_EXE,
	      COL_SYSCALL, COL_USTACK, COL_KSTACK, COL_COUNT };

static const char *const column_names[COL_COUNT] = {
	"group", "capability", "decision", "in_set", "checks", "reason", "exe", "syscall",
	"user_stack", "kernel_stack",
};

static void free_fields(char **fields, int n)
{
	while (n-- > 0)
		free(fields[n]);
}

/* Reads one line of fields. Returns the count, or -ENOMEM. */
static int csv_line(const char **p, char **fields)
{
	bool eol = false;
	int n = 0;

	while (!eol) {
		char *f = csv_field(p, &eol);

		if (!f) {
			free_fields(fields, n);
			return -ENOMEM;
		}
		if (n < MAX_COLUMNS)
			fields[n++] = f;
		else
			free(f);
	}
	return n;
}

static char *take(char **fields, int n, int index)
{
	char *v;

	if (index < 0 || index >= n)
		return strdup("");
	v = fields[index];
	fields[index] = NULL;
	return v;
}

int policy_parse_csv(const char *text, const char *form, struct policy_rows *out, char *errbuf,
		     size_t errsize)
{
	char *fields[MAX_COLUMNS], form_column[32];
	int index[COL_COUNT], n, i, c;
	const char *p = text;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	n = csv_line(&p, fields);
	if (n < 0)
		return n;
	for (c = 0; c < COL_COUNT; c++) {
		index[c] = -1;
		for (i = 0; i < n; i++) {
			if (strcmp(fields[i], column_names[c]) == 0)
				index[c] = i;
		}
	}
	/* With deployment forms the set of each form has its own column, in_FORM. */
	snprintf(form_column, sizeof(form_column), "in_%s", form ? form : "");
	for (i = 0; index[COL_IN_SET] < 0 && form && i < n; i++) {
		if (strcmp(fields[i], form_column) == 0)
			index[COL_IN_SET] = i;
	}
	free_fields(fields, n);
	if (index[COL_CAP] < 0 || index[COL_DECISION] < 0 || index[COL_IN_SET] < 0) {
		snprintf(errbuf, errsize, "capanalyze policy --format csv: no capability, decision "
					  "or in_set (or %s) column in its header",
			 form ? form_column : "in_FORM");
		return -EINVAL;
	}
	while (*p) {
		struct policy_row *row;
		char *value;

		n = csv_line(&p, fields);
		if (n < 0)
			goto nomem;
		if (n == 1 && fields[0][0] == '\0') {
			free_fields(fields, n);
			continue;
		}
		if (out->count == cap) {
			struct policy_row *grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(out->rows, cap * sizeof(*grown));
			if (!grown) {
				free_fields(fields, n);
				goto nomem;
			}
			out->rows = grown;
		}
		row = &out->rows[out->count++];
		memset(row, 0, sizeof(*row));
		row->group = take(fields, n, index[COL_GROUP]);
		row->decision = take(fields, n, index[COL_DECISION]);
		row->reason = take(fields, n, index[COL_REASON]);
		row->exe = take(fields, n, index[COL_EXE]);
		row->syscall = take(fields, n, index[COL_SYSCALL]);
		row->user_stack = take(fields, n, index[COL_USTACK]);
		row->kernel_stack = take(fields, n, index[COL_KSTACK]);
		value = take(fields, n, index[COL_CAP]);
		row->cap = value ? capset_parse_name(value, strlen(value)) : -1;
		free(value);
		value = take(fields, n, index[COL_IN_SET]);
		row->in_set = value && (strcmp(value, "1") == 0 || strcmp(value, "true") == 0);
		free(value);
		value = take(fields, n, index[COL_CHECKS]);
		row->checks = value ? strtol(value, NULL, 10) : 0;
		free(value);
		for (i = 0; i < n; i++)
			free(fields[i]);
		if (!row->group || !row->decision || !row->reason || !row->exe || !row->syscall ||
		    !row->user_stack || !row->kernel_stack)
			goto nomem;
	}
	return 0;
nomem:
	policy_rows_free(out);
	snprintf(errbuf, errsize, "out of memory");
	return -ENOMEM;
}

int policy_query(const char *capanalyze, const char *recording, const char *form,
		 const char *set_form, const char *exe_glob, const char *cache_dir,
		 struct policy_rows *out, char *errbuf, size_t errsize)
{
	char env[4200] = "";
	const char *argv[12];
	struct captured c;
	int argc = 0, err;

	memset(out, 0, sizeof(*out));
	argv[argc++] = capanalyze;
	argv[argc++] = "policy";
	argv[argc++] = recording;
	argv[argc++] = "--format";
	argv[argc++] = "csv";
	if (form) {
		argv[argc++] = "--form";
		argv[argc++] = form;
	}
	if (exe_glob) {
		argv[argc++] = "--exe";
		argv[argc++] = exe_glob;
	}
	argv[argc] = NULL;
	if (cache_dir)
		snprintf(env, sizeof(env), "XDG_CACHE_HOME=%s", cache_dir);
	err = subprocess_capture((char *const *)argv, cache_dir ? env : NULL, &c);
	if (err) {
		snprintf(errbuf, errsize, "%s: %s", capanalyze, strerror(-err));
		goto cleanup;
	}
	if (c.exit_code != 0) {
		char *nl = strchr(c.err, '\n');

		if (nl)
			*nl = '\0';
		snprintf(errbuf, errsize, "capanalyze policy %s%s%s failed (exit %d): %s", recording,
			 form ? " --form " : "", form ? form : "", c.exit_code,
			 c.err[0] ? c.err : "no message");
		err = -EINVAL;
		goto cleanup;
	}
	err = policy_parse_csv(c.out, form ? form : set_form, out, errbuf, errsize);
cleanup:
	captured_free(&c);
	return err;
}

uint64_t policy_rows_set(const struct policy_rows *p)
{
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < p->count; i++) {
		if (p->rows[i].in_set && p->rows[i].cap >= 0)
			set |= 1ull << p->rows[i].cap;
	}
	return set;
}

bool policy_row_denied(const struct policy_row *row)
{
	/*
	 * By the decision alone: "requested, denied", "denied, then failed" (which a
	 * policy with deployment forms puts in the set), "tolerated" (denied, went on).
	 */
	return strstr(row->decision, "denied") || strstr(row->decision, "tolerated");
}

void policy_row_release(struct policy_row *r)
{
	free(r->group);
	free(r->decision);
	free(r->reason);
	free(r->exe);
	free(r->syscall);
	free(r->user_stack);
	free(r->kernel_stack);
	memset(r, 0, sizeof(*r));
}

void policy_rows_free(struct policy_rows *p)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		policy_row_release(&p->rows[i]);
	free(p->rows);
	memset(p, 0, sizeof(*p));
}
