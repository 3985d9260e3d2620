// SPDX-License-Identifier: GPL-2.0-only
#include "proc_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_info.h"

#define PROC_TABLE_BUCKETS 4096

struct proc_table {
	struct proc_entry *buckets[PROC_TABLE_BUCKETS];
};

int proc_table_new(struct proc_table **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void entry_free(struct proc_entry *e)
{
	free(e->exe_path);
	free(e->exe_path_used);
	free(e->cmdline);
	free(e->cgroup_path);
	free(e->container_id);
	free(e);
}

void proc_table_free(struct proc_table *t)
{
	struct proc_entry *e, *next;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < PROC_TABLE_BUCKETS; i++) {
		for (e = t->buckets[i]; e; e = next) {
			next = e->next;
			entry_free(e);
		}
	}
	free(t);
}

struct proc_entry *proc_table_find(struct proc_table *t, uint32_t pid, uint64_t start_time_ns)
{
	struct proc_entry *e;

	for (e = t->buckets[pid % PROC_TABLE_BUCKETS]; e; e = e->next) {
		if (e->pid == pid && e->start_time_ns == start_time_ns)
			return e;
	}
	return NULL;
}

struct proc_entry *proc_table_get(struct proc_table *t, uint32_t pid, uint64_t start_time_ns,
				  bool *created)
{
	struct proc_entry *e = proc_table_find(t, pid, start_time_ns);

	*created = false;
	if (e)
		return e;
	for (e = t->buckets[pid % PROC_TABLE_BUCKETS]; e; e = e->next) {
		if (e->pid == pid && e->start_approx &&
		    proc_info_start_matches(start_time_ns, e->start_ticks)) {
			e->start_time_ns = start_time_ns;
			e->start_approx = false;
			return e;
		}
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pid = pid;
	e->start_time_ns = start_time_ns;
	e->uid = PROC_INFO_UID_UNKNOWN;
	e->next = t->buckets[pid % PROC_TABLE_BUCKETS];
	t->buckets[pid % PROC_TABLE_BUCKETS] = e;
	*created = true;
	return e;
}

void proc_table_remove(struct proc_table *t, struct proc_entry *e)
{
	struct proc_entry **link;

	for (link = &t->buckets[e->pid % PROC_TABLE_BUCKETS]; *link; link = &(*link)->next) {
		if (*link == e) {
			*link = e->next;
			entry_free(e);
			return;
		}
	}
}

int proc_entry_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -ENOMEM;
	}
	free(*field);
	*field = copy;
	return 0;
}

static int read_proc(struct proc_entry *e, bool image_too)
{
	struct proc_info info;
	int err;

	err = proc_info_read(&info, e->pid);
	if (err)
		goto out;
	if (e->start_time_ns && !proc_info_start_matches(e->start_time_ns, info.start_ticks)) {
		err = -ESRCH; /* the pid now belongs to another process */
		goto out;
	}
	if (!e->ppid)
		e->ppid = info.ppid;
	if (!e->cgroup_id)
		e->cgroup_id = info.cgroup_id;
	if ((info.cgroup_path && proc_entry_set(&e->cgroup_path, info.cgroup_path)) ||
	    (info.container_id && proc_entry_set(&e->container_id, info.container_id)))
		err = -ENOMEM;
	if (!image_too)
		goto out;
	if (info.uid != PROC_INFO_UID_UNKNOWN)
		e->uid = info.uid;
	if (info.comm[0])
		snprintf(e->comm, sizeof(e->comm), "%s", info.comm);
	if ((info.exe_path && proc_entry_set(&e->exe_path, info.exe_path)) ||
	    (info.cmdline && proc_entry_set(&e->cmdline, info.cmdline)))
		err = -ENOMEM;
out:
	proc_info_release(&info);
	return err;
}

int proc_entry_read_proc(struct proc_entry *e)
{
	return read_proc(e, true);
}

int proc_entry_read_context(struct proc_entry *e)
{
	return read_proc(e, false);
}

struct proc_entry *proc_table_snapshot(struct proc_table *t, uint32_t pid, int *err)
{
	struct proc_entry *e;
	struct proc_info info;
	bool created;

	*err = proc_info_read(&info, pid);
	if (*err) {
		proc_info_release(&info);
		return NULL;
	}
	e = proc_table_get(t, pid, info.start_time_ns, &created);
	if (!e) {
		*err = -ENOMEM;
		goto out;
	}
	e->start_approx = created;
	e->start_ticks = info.start_ticks;
	e->ppid = info.ppid;
	e->uid = info.uid;
	if (!e->cgroup_id)
		e->cgroup_id = info.cgroup_id;
	snprintf(e->comm, sizeof(e->comm), "%s", info.comm);
	if ((info.exe_path && proc_entry_set(&e->exe_path, info.exe_path)) ||
	    (info.cmdline && proc_entry_set(&e->cmdline, info.cmdline)) ||
	    (info.cgroup_path && proc_entry_set(&e->cgroup_path, info.cgroup_path)) ||
	    (info.container_id && proc_entry_set(&e->container_id, info.container_id)))
		*err = -ENOMEM;
out:
	proc_info_release(&info);
	return *err ? NULL : e;
}
