// SPDX-License-Identifier: GPL-2.0-only
/*
 * container_id.c - recognises the cgroup names container runtimes and systemd
 * give their cgroups, reading the path from the innermost component out.
 */
#include "container_id.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_COMPONENTS 64

/* A cgroup path component, not NUL-terminated. */
struct component {
	const char *s;
	size_t len;
};

static bool is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len < 12 || len > 128)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool has_prefix(const struct component *c, const char *prefix)
{
	size_t n = strlen(prefix);

	return c->len >= n && !memcmp(c->s, prefix, n);
}

static bool has_suffix(const struct component *c, const char *suffix)
{
	size_t n = strlen(suffix);

	return c->len >= n && !memcmp(c->s + c->len - n, suffix, n);
}

static bool equals(const struct component *c, const char *s)
{
	return c->len == strlen(s) && !memcmp(c->s, s, c->len);
}

/* "<prefix><hex id><suffix>" → the id, e.g. docker-<id>.scope. */
static bool match_wrapped(const struct component *c, const char *prefix, const char *suffix,
			  struct component *id)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (c->len <= p + s || !has_prefix(c, prefix) || !has_suffix(c, suffix))
		return false;
	id->s = c->s + p;
	id->len = c->len - p - s;
	return is_hex_id(id->s, id->len);
}

/*
 * A runtime's name for component i (parent = component i - 1, or NULL).
 * Returns the runtime label and sets *id, or NULL.
 */
static const char *match_runtime(const struct component *c, const struct component *parent,
				 struct component *id)
{
	if (match_wrapped(c, "docker-", ".scope", id))
		return "docker";
	if (parent && equals(parent, "docker") && is_hex_id(c->s, c->len)) {
		*id = *c;
		return "docker";
	}
	if (match_wrapped(c, "cri-containerd-", ".scope", id))
		return "containerd";
	/* crio-conmon-<id> and libpod-conmon-<id> hold the monitor, not the container. */
	if (match_wrapped(c, "crio-", ".scope", id) || match_wrapped(c, "crio-", "", id))
		return "crio";
	if (match_wrapped(c, "libpod-", ".scope", id) || match_wrapped(c, "libpod-", "", id))
		return "podman";
	if (has_prefix(c, "lxc.payload.") && c->len > 12) {
		id->s = c->s + 12;
		id->len = c->len - 12;
		return "lxc";
	}
	if (parent && equals(parent, "lxc") && c->len) {
		*id = *c;
		return "lxc";
	}
	return NULL;
}

/*
 * Pod uid of a kubepods component: "pod<uid>" (cgroupfs driver) or
 * "kubepods[-<qos>]-pod<uid_with_underscores>.slice" (systemd driver).
 */
static bool match_pod(const struct component *c, bool under_kubepods, struct component *uid)
{
	const char *pod;

	if (has_prefix(c, "kubepods") && has_suffix(c, ".slice")) {
		pod = memmem(c->s, c->len, "-pod", 4);
		if (!pod)
			return false;
		uid->s = pod + 4;
		uid->len = (size_t)(c->s + c->len - uid->s) - 6;
		return uid->len > 0 && uid->len < (size_t)c->len;
	}
	if (under_kubepods && has_prefix(c, "pod") && c->len > 3) {
		uid->s = c->s + 3;
		uid->len = c->len - 3;
		return true;
	}
	return false;
}

/* Appends len bytes of s, with '_' turned into '-' when dashes is set. */
static int append(char *out, size_t out_size, size_t *pos, const char *s, size_t len, bool dashes)
{
	size_t i;

	if (*pos + len + 1 > out_size)
		return -ENOSPC;
	for (i = 0; i < len; i++)
		out[*pos + i] = dashes && s[i] == '_' ? '-' : s[i];
	*pos += len;
	out[*pos] = '\0';
	return 0;
}

int container_id_from_cgroup(const char *cgroup_path, char *out, size_t out_size)
{
	struct component parts[MAX_COMPONENTS], id, pod = { 0 }, pod_leaf = { 0 };
	const struct component *service = NULL;
	const char *runtime = NULL, *p;
	bool under_kubepods = false;
	size_t count = 0, pos = 0, i;
	int err;

	if (!cgroup_path || !out || !out_size)
		return -EINVAL;
	out[0] = '\0';
	for (p = cgroup_path; *p;) {
		size_t len = strcspn(p, "/\n");

		if (len) {
			if (count == MAX_COMPONENTS)
				break; /* deeper than any real hierarchy: read what we have */
			parts[count].s = p;
			parts[count].len = len;
			count++;
		}
		p += len;
		if (*p != '/')
			break;
		p++;
	}

	for (i = count; i-- > 0 && !runtime;)
		runtime = match_runtime(&parts[i], i ? &parts[i - 1] : NULL, &id);
	if (runtime) {
		err = append(out, out_size, &pos, runtime, strlen(runtime), false);
		if (!err)
			err = append(out, out_size, &pos, ":", 1, false);
		if (!err)
			err = append(out, out_size, &pos, id.s, id.len, false);
		return err ? err : 1;
	}

	for (i = 0; i < count; i++) {
		if (has_prefix(&parts[i], "kubepods"))
			under_kubepods = true;
		if (match_pod(&parts[i], under_kubepods, &pod)) {
			pod_leaf.len = 0;
			if (i + 1 < count && is_hex_id(parts[i + 1].s, parts[i + 1].len))
				pod_leaf = parts[i + 1];
		}
		if (has_suffix(&parts[i], ".service"))
			service = &parts[i]; /* the innermost one wins */
	}
	if (pod.len) {
		err = append(out, out_size, &pos, "kubepods:", 9, false);
		if (!err)
			err = append(out, out_size, &pos, pod.s, pod.len, true);
		if (!err && pod_leaf.len) {
			err = append(out, out_size, &pos, "/", 1, false);
			if (!err)
				err = append(out, out_size, &pos, pod_leaf.s, pod_leaf.len, false);
		}
		return err ? err : 1;
	}
	if (service) {
		err = append(out, out_size, &pos, "systemd:", 8, false);
		if (!err)
			err = append(out, out_size, &pos, service->s, service->len, false);
		return err ? err : 1;
	}
	return 0;
}
