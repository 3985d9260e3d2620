// SPDX-License-Identifier: GPL-2.0-only
/*
 * junit_writer.c - a gate's report as JUnit XML, the test-result file every
 * CI's test view reads (Jenkins, GitLab, GitHub actions that publish it).
 *
 * <testsuites> for the gate, a <testsuite> per executable, a <testcase> per
 * executable x capability judged: classname the executable, name the
 * capability. A failed case holds one <failure> whose message is the
 * one-line summary and whose text lists each change with its call path;
 * the recordings and the policy rule are <properties>. The counts on each
 * element are those of the elements it holds, as JUnit readers check.
 */
#include "ci_report.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cap_set.h"
#include "text_escape.h"

static void add_property(struct strbuf *sb, const char *indent, const char *name,
			 const char *value)
{
	strbuf_addf(sb, "%s<property name=\"", indent);
	escape_xml(sb, name);
	strbuf_adds(sb, "\" value=\"");
	escape_xml(sb, value);
	strbuf_adds(sb, "\"/>\n");
}

/* escape_xml() keeps every line of text, and the line breaks between them. */
static void escape_xml_lines(struct strbuf *sb, const char *text)
{
	struct strbuf line = STRBUF_INIT;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		strbuf_reset(&line);
		strbuf_add(&line, text, len);
		escape_xml(sb, strbuf_str(&line));
		if (nl)
			strbuf_addc(sb, '\n');
		text += len + (nl != NULL);
	}
	if (line.failed)
		sb->failed = true;
	strbuf_release(&line);
}

static void add_failure(struct strbuf *sb, const struct ci_report *r, const struct ci_case *c)
{
	struct strbuf text = STRBUF_INIT;

	ci_case_message(c, &text);
	strbuf_adds(sb, "      <failure type=\"");
	escape_xml(sb, r->gate->rule_id);
	strbuf_adds(sb, "\" message=\"");
	escape_xml(sb, strbuf_str(&text));
	strbuf_adds(sb, "\">");
	strbuf_reset(&text);
	for (size_t i = 0; i < c->change_count; i++) {
		const struct ci_change *ch = &c->changes[i];

		strbuf_addf(&text, "%s: %s, %" PRIu64 " check%s%s%s\n", ch->what, ch->verdict,
			    ch->checks, ch->checks == 1 ? "" : "s",
			    *ch->syscall ? ", syscall " : "", ch->syscall);
		strbuf_addf(&text, "  user:   %s\n  kernel: %s\n", ch->user_stack,
			    ch->kernel_stack);
	}
	if (*c->rule)
		strbuf_addf(&text, "rule: %s\n", c->rule);
	escape_xml_lines(sb, strbuf_str(&text));
	strbuf_adds(sb, "</failure>\n");
	strbuf_release(&text);
}

/* The cases [first, end) of one executable as a testsuite. */
static void add_suite(struct strbuf *sb, const struct ci_report *r, size_t first, size_t end)
{
	size_t failures = 0;
	char cap_name[32];

	for (size_t i = first; i < end; i++)
		failures += r->cases[i].failed;
	strbuf_adds(sb, "  <testsuite name=\"");
	escape_xml(sb, r->cases[first].exe);
	strbuf_addf(sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
		    end - first, failures);
	strbuf_adds(sb, "    <properties>\n");
	for (int i = 0; i < r->recording_count; i++)
		add_property(sb, "      ", "recording", r->recordings[i]);
	if (*r->cases[first].rule)
		add_property(sb, "      ", "rule", r->cases[first].rule);
	strbuf_adds(sb, "    </properties>\n");
	for (size_t i = first; i < end; i++) {
		const struct ci_case *c = &r->cases[i];

		strbuf_adds(sb, "    <testcase classname=\"");
		escape_xml(sb, c->exe);
		strbuf_adds(sb, "\" name=\"");
		escape_xml(sb, cap_format(c->cap, cap_name, sizeof(cap_name)));
		if (!c->failed) {
			strbuf_adds(sb, "\"/>\n");
			continue;
		}
		strbuf_adds(sb, "\">\n");
		add_failure(sb, r, c);
		strbuf_adds(sb, "    </testcase>\n");
	}
	strbuf_adds(sb, "  </testsuite>\n");
}

int ci_report_write_junit(const struct ci_report *r, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(&sb, "<testsuites name=\"capanalyze %s\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"0\">\n", r->gate->command, r->count, ci_report_failures(r));
	/* The cases are sorted by executable (ci_report_sort()): one suite per run of them. */
	for (size_t first = 0, end; first < r->count; first = end) {
		for (end = first + 1; end < r->count; end++)
			if (strcmp(r->cases[end].exe, r->cases[first].exe))
				break;
		add_suite(&sb, r, first, end);
	}
	strbuf_adds(&sb, "</testsuites>\n");
	if (sb.failed)
		rc = -ENOMEM;
	else if (fwrite(strbuf_str(&sb), 1, strbuf_len(&sb), out) != strbuf_len(&sb) || fflush(out))
		rc = -EIO;
	strbuf_release(&sb);
	return rc;
}
