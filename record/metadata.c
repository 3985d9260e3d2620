// SPDX-License-Identifier: GPL-2.0-only
#include "metadata.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static int add(struct recording_metadata *m, const char *key, const char *value)
{
	char *copy;

	if (m->count == METADATA_MAX_KEYS)
		return -ENOSPC;
	copy = strdup(value ? value : "");
	if (!copy)
		return -ENOMEM;
	m->values[m->count] = copy;
	m->kvs[m->count].key = key;
	m->kvs[m->count].value = copy;
	m->count++;
	return 0;
}

/* First line of a small file, without the newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void os_pretty_name(char *buf, size_t size)
{
	char line[512];
	FILE *f = fopen("/etc/os-release", "re");

	snprintf(buf, size, "Linux");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *value;
		size_t len;

		if (strncmp(line, "PRETTY_NAME=", 12) != 0)
			continue;
		value = line + 12;
		value[strcspn(value, "\n")] = '\0';
		len = strlen(value);
		if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			value[len - 1] = '\0';
			value++;
		}
		snprintf(buf, size, "%s", value);
		break;
	}
	fclose(f);
}

/*
 * Joins words with spaces into a new string of at most CRF_MAX_STRING_LEN
 * bytes: a longer one keeps its start (cut on a UTF-8 character boundary) and
 * ends with METADATA_CUT_MARKER and its full length.
 */
static char *join(char *const *words, int count)
{
	size_t len = 0, used = 0, keep, n;
	char tail[64];
	char *s;
	int i;

	for (i = 0; i < count && words[i]; i++)
		len += strlen(words[i]) + (i ? 1 : 0);
	keep = len;
	tail[0] = '\0';
	if (len > CRF_MAX_STRING_LEN) {
		snprintf(tail, sizeof(tail), "%s%zu]", METADATA_CUT_MARKER, len);
		keep = CRF_MAX_STRING_LEN - strlen(tail);
	}
	s = malloc(keep + strlen(tail) + 1);
	if (!s)
		return NULL;
	for (i = 0; i < count && words[i] && used < keep; i++) {
		if (i)
			s[used++] = ' ';
		n = strlen(words[i]);
		if (n > keep - used)
			n = keep - used;
		memcpy(s + used, words[i], n);
		used += n;
	}
	if (tail[0]) {
		/* Never leave half a character before the marker. */
		while (used && ((unsigned char)s[used - 1] & 0xc0) == 0x80)
			used--;
		if (used && (unsigned char)s[used - 1] >= 0xc0)
			used--;
	}
	memcpy(s + used, tail, strlen(tail) + 1);
	return s;
}

/*
 * FORMAT.md's recorder.audit_source. The tracepoint mode infers the audit
 * flag from the caller's address; with the kernel's symbol addresses hidden
 * (kernel.kptr_restrict) it knows no caller, and the flag every event then
 * carries means nothing: "unknown", never "inferred".
 */
static const char *audit_source(const struct metadata_input *in)
{
	if (!in->audit_inferred)
		return "exact";
	return in->audit_unknown ? "unknown" : "inferred";
}

int metadata_collect(struct recording_metadata *m, const struct metadata_input *in)
{
	char buf[1024], *s;
	struct utsname uts;
	size_t i, used;
	int err = 0;

	memset(m, 0, sizeof(*m));
	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	err |= add(m, "host.hostname", uts.nodename);
	err |= add(m, "host.kernel_release", uts.release);
	err |= add(m, "host.machine", uts.machine);
	read_line("/proc/sys/kernel/random/boot_id", buf, sizeof(buf));
	err |= add(m, "host.boot_id", buf);
	os_pretty_name(buf, sizeof(buf));
	err |= add(m, "host.os", buf);
	err |= add(m, "recorder.version", CAPREC_VERSION);
	s = join(in->argv, in->argc);
	err |= s ? add(m, "recorder.command_line", s) : -ENOMEM;
	free(s);
	err |= add(m, "recorder.attach_mode", in->attach_mode);
	err |= add(m, "recorder.audit_source", audit_source(in));
	err |= add(m, "recorder.final_verdict", in->final_verdict ? "yes" : "no");
	err |= add(m, "recorder.syscall_returns", in->syscall_returns ? "yes" : "no");
	err |= add(m, "recorder.options", in->options);
	buf[0] = '\0';
	for (i = 0, used = 0; i < in->pid_count && used < sizeof(buf); i++) {
		int n = snprintf(buf + used, sizeof(buf) - used, "%s%" PRIu32, i ? "," : "",
				 in->pids[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	err |= add(m, "recorder.filter.pids", buf);
	err |= add(m, "recorder.filter.cgroup", in->cgroup_path);
	s = in->command ? join(in->command, INT_MAX) : NULL;
	err |= add(m, "recorder.target_command", s ? s : "");
	free(s);
	snprintf(buf, sizeof(buf), "%" PRIu64, in->start_realtime_ns);
	err |= add(m, "recorder.start_realtime_ns", buf);
	m->part_index = m->count;
	err |= add(m, "recorder.part", "0");
	if (err) {
		metadata_release(m);
		return -ENOMEM;
	}
	return 0;
}

void metadata_set_part(struct recording_metadata *m, uint32_t part)
{
	snprintf(m->part, sizeof(m->part), "%" PRIu32, part);
	m->kvs[m->part_index].value = m->part;
}

void metadata_release(struct recording_metadata *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->count; i++)
		free(m->values[i]);
	memset(m, 0, sizeof(*m));
}
