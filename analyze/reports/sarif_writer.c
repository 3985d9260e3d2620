// SPDX-License-Identifier: GPL-2.0-only
/*
 * sarif_writer.c - a gate's report as a SARIF 2.1.0 log (OASIS Static
 * Analysis Results Interchange Format), the file GitHub code scanning and
 * other code-scanning views import.
 *
 * One run, one rule (the gate), one result per failed case. A result's
 * location is the line of the policy file that judged it, when a file did
 * (a repository that commits its policy gets each finding on the line that
 * would allow it), with the executable as a related location; else the
 * executable itself (a file URI: SARIF has no notion of a process). Its
 * logical location is the innermost user frame, and each change a code flow
 * whose thread-flow locations are the frames of its call path, user frames
 * outermost first, then the kernel's: viewers show it as the steps that led
 * to the check. The recordings are the run's analysis targets and, with the
 * rule, in each result's properties.
 */
#include "ci_report.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cap_set.h"
#include "text_escape.h"

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* A path as a URI reference: absolute paths as file URIs, bytes outside RFC 3986's safe set %XX. */
static void add_uri(struct strbuf *sb, const char *path)
{
	struct strbuf uri = STRBUF_INIT;

	if (path[0] == '/')
		strbuf_adds(&uri, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			strbuf_addc(&uri, (char)*p);
		else
			strbuf_addf(&uri, "%%%02X", *p);
	}
	escape_json(sb, strbuf_str(&uri));
	strbuf_release(&uri);
}

static void add_recordings(struct strbuf *sb, const struct ci_report *r)
{
	strbuf_addc(sb, '[');
	for (int i = 0; i < r->recording_count; i++) {
		if (i)
			strbuf_addc(sb, ',');
		escape_json(sb, r->recordings[i]);
	}
	strbuf_addc(sb, ']');
}

/* The last frame of a ';'-joined stack (the innermost), or the whole when it has no ';'. */
static const char *innermost(const char *stack)
{
	const char *semi = strrchr(stack, ';');

	return semi ? semi + 1 : stack;
}

/* Appends a thread-flow location per frame of stack; *first tracks the comma. */
static void add_frames(struct strbuf *sb, const char *stack, const char *module, int *nesting)
{
	const char *frame = stack;

	while (*frame) {
		const char *end = strchr(frame, ';');
		size_t len = end ? (size_t)(end - frame) : strlen(frame);
		struct strbuf name = STRBUF_INIT;

		strbuf_add(&name, frame, len);
		strbuf_adds(sb, *nesting ? ",{" : "{");
		strbuf_adds(sb, "\"location\":{\"message\":{\"text\":");
		escape_json(sb, strbuf_str(&name));
		strbuf_adds(sb, "},\"logicalLocations\":[{\"name\":");
		escape_json(sb, strbuf_str(&name));
		strbuf_addf(sb, ",\"kind\":\"function\"}]},\"module\":\"%s\",\"nestingLevel\":%d}",
			    module, *nesting);
		(*nesting)++;
		strbuf_release(&name);
		frame = end ? end + 1 : frame + len;
	}
}

static void add_code_flows(struct strbuf *sb, const struct ci_case *c)
{
	bool first = true;

	for (size_t i = 0; i < c->change_count; i++) {
		const struct ci_change *ch = &c->changes[i];
		int nesting = 0;

		if (!*ch->user_stack && !*ch->kernel_stack)
			continue;
		strbuf_adds(sb, first ? ",\"codeFlows\":[" : ",");
		first = false;
		strbuf_adds(sb, "{\"message\":{\"text\":");
		escape_json(sb, ch->what);
		strbuf_adds(sb, "},\"threadFlows\":[{\"locations\":[");
		add_frames(sb, ch->user_stack, "user", &nesting);
		add_frames(sb, ch->kernel_stack, "kernel", &nesting);
		strbuf_adds(sb, "]}]}");
	}
	if (!first)
		strbuf_addc(sb, ']');
}

static void add_properties(struct strbuf *sb, const struct ci_report *r, const struct ci_case *c)
{
	char cap_name[32];

	strbuf_adds(sb, ",\"properties\":{\"executable\":");
	escape_json(sb, c->exe);
	strbuf_adds(sb, ",\"capability\":");
	escape_json(sb, cap_format(c->cap, cap_name, sizeof(cap_name)));
	strbuf_adds(sb, ",\"rule\":");
	escape_json(sb, c->rule);
	strbuf_adds(sb, ",\"recordings\":");
	add_recordings(sb, r);
	strbuf_adds(sb, ",\"changes\":[");
	for (size_t i = 0; i < c->change_count; i++) {
		const struct ci_change *ch = &c->changes[i];

		strbuf_adds(sb, i ? ",{\"what\":" : "{\"what\":");
		escape_json(sb, ch->what);
		strbuf_adds(sb, ",\"verdict\":");
		escape_json(sb, ch->verdict);
		strbuf_addf(sb, ",\"checks\":%" PRIu64 ",\"syscall\":", ch->checks);
		escape_json(sb, ch->syscall);
		strbuf_adds(sb, ",\"userStack\":");
		escape_json(sb, ch->user_stack);
		strbuf_adds(sb, ",\"kernelStack\":");
		escape_json(sb, ch->kernel_stack);
		strbuf_addc(sb, '}');
	}
	strbuf_adds(sb, "]}");
}

/* A physical location: the file, and the line when there is one. */
static void add_physical(struct strbuf *sb, const char *path, unsigned int line)
{
	strbuf_adds(sb, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	add_uri(sb, path);
	strbuf_addc(sb, '}');
	if (line)
		strbuf_addf(sb, ",\"region\":{\"startLine\":%u}", line);
	strbuf_addc(sb, '}');
}

static void add_result(struct strbuf *sb, const struct ci_report *r, const struct ci_case *c)
{
	const char *user = c->change_count ? c->changes[0].user_stack : "";
	struct strbuf text = STRBUF_INIT;
	char cap_name[32];

	ci_case_message(c, &text);
	strbuf_adds(sb, "{\"ruleId\":");
	escape_json(sb, r->gate->rule_id);
	strbuf_addf(sb, ",\"ruleIndex\":0,\"kind\":\"fail\",\"level\":\"%s\","
		    "\"message\":{\"text\":", r->gate->level);
	escape_json(sb, strbuf_str(&text));
	/*
	 * Where the finding is fixed: the policy file's line when a file judged
	 * it (in the repository: code-scanning views show it in place), else the
	 * executable. The executable, outside any repository, is then a related
	 * location.
	 */
	strbuf_adds(sb, "},\"locations\":[{");
	if (c->rule_file)
		add_physical(sb, c->rule_file, c->rule_line);
	else
		add_physical(sb, c->exe, 0);
	if (*user) {
		strbuf_adds(sb, ",\"logicalLocations\":[{\"name\":");
		escape_json(sb, innermost(user));
		strbuf_adds(sb, ",\"fullyQualifiedName\":");
		escape_json(sb, user);
		strbuf_adds(sb, ",\"kind\":\"function\"}]");
	}
	/* Code-scanning views track a result across runs by its fingerprint: exe x capability. */
	strbuf_adds(sb, "}],\"partialFingerprints\":{\"executableCapability/v1\":");
	strbuf_reset(&text);
	strbuf_addf(&text, "%s:%s", c->exe, cap_format(c->cap, cap_name, sizeof(cap_name)));
	escape_json(sb, strbuf_str(&text));
	strbuf_addc(sb, '}');
	if (c->rule_file) {
		strbuf_adds(sb, ",\"relatedLocations\":[{\"id\":1,");
		add_physical(sb, c->exe, 0);
		strbuf_adds(sb, ",\"message\":{\"text\":\"the executable\"}}]");
	}
	add_code_flows(sb, c);
	add_properties(sb, r, c);
	strbuf_addc(sb, '}');
	strbuf_release(&text);
}

static void add_tool(struct strbuf *sb, const struct ci_report *r)
{
	strbuf_adds(sb, "\"tool\":{\"driver\":{\"name\":\"capanalyze\",\"version\":");
	escape_json(sb, CAPREC_VERSION);
	strbuf_adds(sb, ",\"rules\":[{\"id\":");
	escape_json(sb, r->gate->rule_id);
	strbuf_adds(sb, ",\"name\":");
	escape_json(sb, r->gate->rule_name);
	strbuf_adds(sb, ",\"shortDescription\":{\"text\":");
	escape_json(sb, r->gate->rule_summary);
	strbuf_addf(sb, "},\"defaultConfiguration\":{\"level\":\"%s\"}}]}}", r->gate->level);
}

int ci_report_write_sarif(const struct ci_report *r, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	bool first = true;
	int rc = 0;

	strbuf_adds(&sb, "{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\",\"runs\":[{");
	add_tool(&sb, r);
	strbuf_adds(&sb, ",\"artifacts\":[");
	for (int i = 0; i < r->recording_count; i++) {
		strbuf_adds(&sb, i ? ",{\"location\":{\"uri\":" : "{\"location\":{\"uri\":");
		add_uri(&sb, r->recordings[i]);
		strbuf_adds(&sb, "},\"roles\":[\"analysisTarget\"]}");
	}
	strbuf_adds(&sb, "],\"results\":[");
	for (size_t i = 0; i < r->count; i++) {
		if (!r->cases[i].failed)
			continue;
		if (!first)
			strbuf_addc(&sb, ',');
		first = false;
		add_result(&sb, r, &r->cases[i]);
	}
	strbuf_addf(&sb, "],\"properties\":{\"command\":\"%s\",\"recordings\":", r->gate->command);
	add_recordings(&sb, r);
	strbuf_addf(&sb, ",\"judged\":%zu,\"failed\":%zu}}]}\n", r->count, ci_report_failures(r));
	if (sb.failed)
		rc = -ENOMEM;
	else if (fwrite(strbuf_str(&sb), 1, strbuf_len(&sb), out) != strbuf_len(&sb) || fflush(out))
		rc = -EIO;
	strbuf_release(&sb);
	return rc;
}
