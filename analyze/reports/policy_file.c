// SPDX-License-Identifier: GPL-2.0-only
/* policy_file.c - parses allow-list files (see policy_file.h, docs/POLICY.md). */
#include "policy_file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exe_match.h"

/* Longest line accepted: a glob and every capability name fit many times over. */
#define POLICY_MAX_LINE 4096

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		free(p->rules[i].glob);
	free(p->rules);
	free(p->default_rule.glob);
	free(p);
}

static int add_rule(struct policy *p, char *glob, cap_set_t caps,
		    const struct cap_extra *extra, unsigned int line)
{
	struct policy_rule *rules = realloc(p->rules, (p->count + 1) * sizeof(*rules));

	if (!rules)
		return -ENOMEM;
	p->rules = rules;
	p->rules[p->count++] = (struct policy_rule){ .glob = glob, .caps = caps, .extra = *extra,
						     .line = line };
	return 0;
}

bool policy_rule_allows(const struct policy_rule *rule, int cap)
{
	return rule && (cap_set_has(rule->caps, cap) || cap_extra_has(&rule->extra, cap));
}

static const struct policy_rule *find_rule(const struct policy *p, const char *glob)
{
	if (p->has_default && !strcmp(glob, "*"))
		return &p->default_rule;
	for (size_t i = 0; i < p->count; i++)
		if (!strcmp(p->rules[i].glob, glob))
			return &p->rules[i];
	return NULL;
}

/*
 * Parses one line (NUL-terminated, comment already cut). Returns 0, -EINVAL
 * with err, or -ENOMEM.
 */
static int parse_line(struct policy *p, char *text, const char *name, unsigned int line,
		      char *err, size_t err_size)
{
	const struct policy_rule *earlier;
	char bad[64], *glob_end, *caps, *glob;
	struct cap_extra extra;
	cap_set_t set;

	while (isspace((unsigned char)*text))
		text++;
	if (!*text)
		return 0;
	glob_end = text;
	while (*glob_end && !isspace((unsigned char)*glob_end))
		glob_end++;
	caps = glob_end;
	while (isspace((unsigned char)*caps))
		caps++;
	*glob_end = '\0';
	if (!*caps) {
		snprintf(err, err_size, "%s:%u: no capability list after '%.200s' (write 'none' "
			 "for an empty set)", name, line, text);
		return -EINVAL;
	}
	if (cap_parse_list_extra(caps, &set, &extra, bad, sizeof(bad))) {
		if (*bad)
			snprintf(err, err_size, "%s:%u: unknown capability '%s'", name, line, bad);
		else
			snprintf(err, err_size, "%s:%u: empty item in capability list", name, line);
		return -EINVAL;
	}
	earlier = find_rule(p, text);
	if (earlier) {
		snprintf(err, err_size, "%s:%u: second rule for '%.200s' (first on line %u)", name,
			 line, text, earlier->line);
		return -EINVAL;
	}
	glob = strdup(text);
	if (!glob)
		return -ENOMEM;
	if (!strcmp(glob, "*")) {
		p->has_default = true;
		p->default_rule = (struct policy_rule){ .glob = glob, .caps = set, .extra = extra,
							.line = line };
		return 0;
	}
	if (add_rule(p, glob, set, &extra, line)) {
		free(glob);
		return -ENOMEM;
	}
	return 0;
}

int policy_parse(const char *text, size_t len, const char *name, struct policy **out, char *err,
		 size_t err_size)
{
	struct policy *p = calloc(1, sizeof(*p));
	char line_text[POLICY_MAX_LINE + 1];
	unsigned int line = 0;
	size_t pos = 0;
	int rc = 0;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	if (memchr(text, '\0', len)) {
		snprintf(err, err_size, "%s: holds a NUL byte: not a policy file", name);
		rc = -EINVAL;
		goto cleanup;
	}
	while (pos < len) {
		const char *end = memchr(text + pos, '\n', len - pos);
		size_t line_len = end ? (size_t)(end - (text + pos)) : len - pos;
		char *hash;

		line++;
		if (line_len > POLICY_MAX_LINE) {
			snprintf(err, err_size, "%s:%u: line longer than %u bytes", name, line,
				 POLICY_MAX_LINE);
			rc = -EINVAL;
			goto cleanup;
		}
		memcpy(line_text, text + pos, line_len);
		line_text[line_len] = '\0';
		pos += line_len + (end ? 1 : 0);
		hash = strchr(line_text, '#');
		if (hash)
			*hash = '\0';
		rc = parse_line(p, line_text, name, line, err, err_size);
		if (rc)
			goto cleanup;
	}
	*out = p;
	p = NULL;
cleanup:
	if (rc == -ENOMEM)
		snprintf(err, err_size, "%s: out of memory", name);
	policy_free(p);
	return rc;
}

int policy_load(const char *path, struct policy **out, char *err, size_t err_size)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd, rc;

	*out = NULL;
	/*
	 * O_NONBLOCK: opening a FIFO would wait for a writer; with it the open
	 * returns and the file type check below refuses it. Regular files
	 * ignore the flag.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		rc = -EIO;
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)POLICY_MAX_BYTES) {
		snprintf(err, err_size, "%s: not a regular file of at most %u bytes", path,
			 POLICY_MAX_BYTES);
		rc = -EINVAL;
		goto cleanup;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		snprintf(err, err_size, "%s: out of memory", path);
		rc = -ENOMEM;
		goto cleanup;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, err_size, "%s: %s", path, strerror(errno));
			rc = -EIO;
			goto cleanup;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = policy_parse(text, len, path, out, err, err_size);
cleanup:
	free(text);
	if (fd >= 0)
		close(fd);
	return rc;
}

const struct policy_rule *policy_lookup(const struct policy *p, const char *exe_path)
{
	for (size_t i = 0; i < p->count; i++)
		if (exe_match(p->rules[i].glob, exe_path, NULL))
			return &p->rules[i];
	return p->has_default ? &p->default_rule : NULL;
}
