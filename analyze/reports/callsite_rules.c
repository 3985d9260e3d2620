// SPDX-License-Identifier: GPL-2.0-only
/* callsite_rules.c - the call-site table and its matcher (see callsite_rules.h). */
#include "callsite_rules.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <string.h>

#define ANY CALLSITE_ANY_CAP

/*
 * Names are the kernel's own: both the name a function had on older kernels
 * and on newer ones (inet_bind on 6.1, inet_bind_sk and __inet_bind on 6.12
 * and later) where a call path changed. docs/CALLSITES.md explains each row
 * and tests/analyze-reports checks that every row is there.
 */
static const struct callsite_rule rules[] = {
	/* Inside execve: the kernel opening and mapping the new image for whoever exec'd. */
	{ "exec", "do_execveat_common", ANY, CALLSITE_EXEC,
	  "made while serving execve: the kernel setting up the new image" },
	{ "exec", "bprm_execve", ANY, CALLSITE_EXEC,
	  "made while serving execve: the kernel setting up the new image" },
	{ "exec", "kernel_execve", ANY, CALLSITE_EXEC,
	  "made while serving execve: the kernel setting up the new image" },

	/* Probes: the kernel asks whatever the program does. */
	{ "vm-enough-memory", "security_vm_enough_memory_mm", CAP_SYS_ADMIN, CALLSITE_PROBE,
	  "overcommit accounting asks on every mapping whether to keep root's reserve" },
	{ "vm-enough-memory", "cap_vm_enough_memory", CAP_SYS_ADMIN, CALLSITE_PROBE,
	  "overcommit accounting asks on every mapping whether to keep root's reserve" },
	{ "vm-enough-memory", "__vm_enough_memory", CAP_SYS_ADMIN, CALLSITE_PROBE,
	  "overcommit accounting asks on every mapping whether to keep root's reserve" },
	{ "capset-setpcap", "cap_capset", CAP_SETPCAP, CALLSITE_PROBE,
	  "every capset() asks; needed only to raise inheritable bits beyond the permitted set" },
	{ "ext4-reserved-blocks", "ext4_has_free_clusters", CAP_SYS_RESOURCE, CALLSITE_PROBE,
	  "ext4 asks whether root's reserved blocks may be used: matters only on a full disk" },

	/* Optional behaviour: the operation succeeds either way. */
	{ "setattr-keep-sgid", "setattr_prepare", CAP_FSETID, CALLSITE_OPTIONAL,
	  "chmod/chown by a non-member of the file's group: only whether S_ISGID survives" },
	{ "setattr-keep-sgid", "setattr_copy", CAP_FSETID, CALLSITE_OPTIONAL,
	  "chmod/chown by a non-member of the file's group: only whether S_ISGID survives" },
	{ "setattr-keep-sgid", "in_group_or_capable", CAP_FSETID, CALLSITE_OPTIONAL,
	  "chmod/chown by a non-member of the file's group: only whether S_ISGID survives" },
	{ "setattr-keep-sgid", "posix_acl_update_mode", CAP_FSETID, CALLSITE_OPTIONAL,
	  "setting an ACL by a non-member of the file's group: only whether S_ISGID survives" },
	{ "new-inode-keep-sgid", "inode_init_owner", CAP_FSETID, CALLSITE_OPTIONAL,
	  "a file created in a set-group-ID directory: only whether it keeps S_ISGID" },
	{ "write-keep-suid", "should_remove_suid", CAP_FSETID, CALLSITE_OPTIONAL,
	  "a write or truncate: only whether set-user/group-ID bits survive it" },
	{ "write-keep-suid", "dentry_needs_remove_privs", CAP_FSETID, CALLSITE_OPTIONAL,
	  "a write or truncate: only whether set-user/group-ID bits survive it" },

	{ "audit-user-record", "audit_receive_msg", CAP_AUDIT_WRITE, CALLSITE_OPTIONAL,
	  "optional: sending a user-space audit record; libaudit returns the refusal and its "
	  "callers (PAM, su, runuser, login) go on, the record is lost" },

	/* Credential changes: at uid 0 these leave root. */
	{ "setuid", "__sys_setuid", CAP_SETUID, CALLSITE_CRED_CHANGE,
	  "setuid(): switching to another uid" },
	{ "setuid", "__sys_setreuid", CAP_SETUID, CALLSITE_CRED_CHANGE,
	  "setreuid(): switching to another uid" },
	{ "setuid", "__sys_setresuid", CAP_SETUID, CALLSITE_CRED_CHANGE,
	  "setresuid(): switching to another uid" },
	{ "setuid", "__sys_setfsuid", CAP_SETUID, CALLSITE_CRED_CHANGE,
	  "setfsuid(): switching the file-system uid" },
	{ "setgid", "__sys_setgid", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setgid(): switching to another gid" },
	{ "setgid", "__sys_setregid", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setregid(): switching to another gid" },
	{ "setgid", "__sys_setresgid", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setresgid(): switching to another gid" },
	{ "setgid", "__sys_setfsgid", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setfsgid(): switching the file-system gid" },
	{ "setgroups", "may_setgroups", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setgroups(): replacing the supplementary groups" },
	{ "setgroups", "__do_sys_setgroups", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setgroups(): replacing the supplementary groups" },
	{ "setgroups", "__x64_sys_setgroups", CAP_SETGID, CALLSITE_CRED_CHANGE,
	  "setgroups(): replacing the supplementary groups" },

	/* Needs, named so that a decision says what the program did. */
	{ "prctl-capbset", "cap_task_prctl", CAP_SETPCAP, CALLSITE_NEED,
	  "prctl(): dropping from the bounding set, or changing securebits" },
	{ "inet-bind", "__inet_bind", CAP_NET_BIND_SERVICE, CALLSITE_NEED,
	  "bind() to a port below net.ipv4.ip_unprivileged_port_start" },
	{ "inet-bind", "inet_bind", CAP_NET_BIND_SERVICE, CALLSITE_NEED,
	  "bind() to a port below net.ipv4.ip_unprivileged_port_start" },
	{ "inet-bind", "__inet6_bind", CAP_NET_BIND_SERVICE, CALLSITE_NEED,
	  "bind() to a port below net.ipv4.ip_unprivileged_port_start" },
	{ "inet-bind", "inet6_bind", CAP_NET_BIND_SERVICE, CALLSITE_NEED,
	  "bind() to a port below net.ipv4.ip_unprivileged_port_start" },
	{ "raw-socket", "inet_create", CAP_NET_RAW, CALLSITE_NEED,
	  "socket(): a raw IPv4 socket" },
	{ "raw-socket", "inet6_create", CAP_NET_RAW, CALLSITE_NEED,
	  "socket(): a raw IPv6 socket" },
	{ "packet-socket", "packet_create", CAP_NET_RAW, CALLSITE_NEED,
	  "socket(AF_PACKET): capturing or sending link-layer frames" },
	{ "rtnetlink", "rtnetlink_rcv_msg", CAP_NET_ADMIN, CALLSITE_NEED,
	  "an rtnetlink request that changes links, addresses or routes" },
	{ "rtnetlink", "rtnl_newlink", CAP_NET_ADMIN, CALLSITE_NEED,
	  "an rtnetlink request that changes links, addresses or routes" },
	/*
	 * Only the capabilities socket options themselves ask for: attaching a
	 * filter under sk_setsockopt() JIT-compiles it, and the JIT's own
	 * non-audit CAP_SYS_ADMIN check must stay a probe.
	 */
	{ "sockopt", "sk_setsockopt", CAP_NET_ADMIN, CALLSITE_NEED,
	  "setsockopt() of a privileged option (SO_MARK, SO_PRIORITY, SO_RCVBUFFORCE, ...)" },
	{ "sockopt", "sk_setsockopt", CAP_NET_RAW, CALLSITE_NEED,
	  "setsockopt() of a privileged option (SO_MARK, SO_BINDTODEVICE, ...)" },
	{ "sockopt", "sock_setsockopt", CAP_NET_ADMIN, CALLSITE_NEED,
	  "setsockopt() of a privileged option (SO_MARK, SO_PRIORITY, SO_RCVBUFFORCE, ...)" },
	{ "chown", "setattr_prepare", CAP_CHOWN, CALLSITE_NEED,
	  "chown() to an owner or group the caller may not give away to" },
	{ "chown", "chown_ok", CAP_CHOWN, CALLSITE_NEED,
	  "chown() to an owner or group the caller may not give away to" },
	{ "chown", "chgrp_ok", CAP_CHOWN, CALLSITE_NEED,
	  "chown() to an owner or group the caller may not give away to" },
	{ "chown", "chown_common", CAP_CHOWN, CALLSITE_NEED,
	  "chown() to an owner or group the caller may not give away to" },
	{ "fowner", "setattr_prepare", CAP_FOWNER, CALLSITE_NEED,
	  "chmod() or explicit times on a file the caller does not own" },
	{ "fowner", "inode_owner_or_capable", CAP_FOWNER, CALLSITE_NEED,
	  "an owner-only operation (O_NOATIME, flags, xattrs) on another user's file" },
	{ "dac", "generic_permission", CAP_DAC_OVERRIDE, CALLSITE_NEED,
	  "read, write or execute a file its mode bits deny" },
	{ "dac", "generic_permission", CAP_DAC_READ_SEARCH, CALLSITE_NEED,
	  "read a file or search a directory its mode bits deny" },
	{ "sethostname", "__do_sys_sethostname", CAP_SYS_ADMIN, CALLSITE_NEED,
	  "sethostname() in the UTS namespace" },
	{ "sethostname", "__x64_sys_sethostname", CAP_SYS_ADMIN, CALLSITE_NEED,
	  "sethostname() in the UTS namespace" },
	{ "unshare", "unshare_nsproxy_namespaces", CAP_SYS_ADMIN, CALLSITE_NEED,
	  "unshare() of a namespace other than a user namespace" },
	{ "clone-namespaces", "copy_namespaces", CAP_SYS_ADMIN, CALLSITE_NEED,
	  "clone() into new namespaces" },
	{ "setns", "validate_nsset", ANY, CALLSITE_NEED,
	  "setns(): joining another namespace" },
	{ "mount", "path_mount", ANY, CALLSITE_NEED,
	  "mount() (also bind and remount)" },
	{ "mount", "may_mount", CAP_SYS_ADMIN, CALLSITE_NEED,
	  "the new mount API or umount" },
	{ "sched-policy", "__sched_setscheduler", CAP_SYS_NICE, CALLSITE_NEED,
	  "a real-time scheduling policy or priority" },
	{ "nice", "can_nice", CAP_SYS_NICE, CALLSITE_NEED,
	  "raising a process's priority (a lower nice value)" },
	{ "nice", "set_one_prio", CAP_SYS_NICE, CALLSITE_NEED,
	  "setpriority() on another user's process or to a lower nice value" },
	{ "chroot", "__do_sys_chroot", CAP_SYS_CHROOT, CALLSITE_NEED,
	  "chroot()" },
	{ "chroot", "__x64_sys_chroot", CAP_SYS_CHROOT, CALLSITE_NEED,
	  "chroot()" },
	{ "kill", "check_kill_permission", CAP_KILL, CALLSITE_NEED,
	  "a signal to another user's process" },
	{ "syslog", "check_syslog_permissions", ANY, CALLSITE_NEED,
	  "reading the kernel log (kernel.dmesg_restrict)" },
	{ "mknod", "vfs_mknod", CAP_MKNOD, CALLSITE_NEED,
	  "creating a device node" },
	{ "ptrace", "ptrace_attach", CAP_SYS_PTRACE, CALLSITE_NEED,
	  "PTRACE_ATTACH or PTRACE_SEIZE of another user's process" },
	{ "mlock", "can_do_mlock", CAP_IPC_LOCK, CALLSITE_NEED,
	  "locking memory beyond RLIMIT_MEMLOCK" },
	{ "rlimit", "do_prlimit", CAP_SYS_RESOURCE, CALLSITE_NEED,
	  "raising a hard resource limit" },
	{ "settime", "cap_settime", CAP_SYS_TIME, CALLSITE_NEED,
	  "setting the system clock" },
	{ "module", "may_init_module", CAP_SYS_MODULE, CALLSITE_NEED,
	  "loading a kernel module" },
	{ "bpf", "bpf_token_capable", ANY, CALLSITE_NEED,
	  "a privileged bpf() command or program type" },
	{ "perfmon", "perfmon_capable", ANY, CALLSITE_NEED,
	  "system-wide or kernel perf events" },
};

const struct callsite_rule callsite_rule_unknown = {
	"unknown-callsite", NULL, ANY, CALLSITE_NEED,
	"no rule for this call site: counted as a need",
};

const struct callsite_rule callsite_rule_nonaudit = {
	"non-audit", NULL, ANY, CALLSITE_PROBE,
	"no rule for this call site and the kernel asked without auditing: a probe",
};

const struct callsite_rule callsite_rule_no_stack = {
	"no-kernel-stack", NULL, ANY, CALLSITE_NEED,
	"no kernel stack recorded (record with -K): counted as a need",
};

const struct callsite_rule *callsite_rules(size_t *count)
{
	*count = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const char *callsite_kind_name(enum callsite_kind kind)
{
	switch (kind) {
	case CALLSITE_NEED:
		return "need";
	case CALLSITE_PROBE:
		return "probe";
	case CALLSITE_OPTIONAL:
		return "optional";
	case CALLSITE_CRED_CHANGE:
		return "credential change";
	case CALLSITE_EXEC:
		return "exec";
	}
	return "unknown";
}

/*
 * Whether frame (len bytes, not NUL-terminated) names function: the same
 * name, or the name followed by a compiler suffix (".isra.0") or a module
 * (" [nf_tables]").
 */
static bool frame_is(const char *frame, size_t len, const char *function)
{
	size_t n = strlen(function);

	if (len < n || memcmp(frame, function, n))
		return false;
	return len == n || frame[n] == '.' || frame[n] == ' ';
}

static const struct callsite_rule *rule_for_frame(const char *frame, size_t len, int cap,
						  bool exec_only)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct callsite_rule *r = &rules[i];

		if ((r->kind == CALLSITE_EXEC) != exec_only)
			continue;
		if (r->cap != ANY && r->cap != cap)
			continue;
		if (frame_is(frame, len, r->function))
			return r;
	}
	return NULL;
}

/*
 * The innermost frame with a rule, walking the stack text from its end
 * (the innermost frame) outwards. exec_only looks only at the exec rules.
 */
static const struct callsite_rule *innermost(const char *stack, int cap, bool exec_only)
{
	const char *end = stack + strlen(stack);

	while (end > stack) {
		const char *start = end;
		const struct callsite_rule *r;

		while (start > stack && start[-1] != ';')
			start--;
		r = rule_for_frame(start, (size_t)(end - start), cap, exec_only);
		if (r)
			return r;
		end = start > stack ? start - 1 : stack;
	}
	return NULL;
}

const struct callsite_rule *callsite_match(const char *kernel_stack, int cap, int audit)
{
	const struct callsite_rule *r;

	if (!kernel_stack || !*kernel_stack)
		return audit ? &callsite_rule_no_stack : &callsite_rule_nonaudit;
	/*
	 * Inside execve every check is the kernel's set-up of the new image
	 * (opening it walks the path with generic_permission, which would
	 * otherwise read as the program's own file access): exec frames win
	 * wherever they are on the stack.
	 */
	r = innermost(kernel_stack, cap, true);
	if (!r)
		r = innermost(kernel_stack, cap, false);
	if (r)
		return r;
	return audit ? &callsite_rule_unknown : &callsite_rule_nonaudit;
}
