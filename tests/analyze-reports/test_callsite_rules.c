// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_callsite_rules.c - the call-site and executable rules
 * (analyze/reports/callsite_rules.c, image_rules.c) on kernel stacks
 * recorded by caprec on real kernels, and their documentation.
 *
 * usage: test_callsite_rules docs/CALLSITES.md
 */
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "callsite_rules.h"
#include "cap_set.h"
#include "image_rules.h"

static const char *doc_path;

/* Stacks as the stacks table holds them: outermost first, ';'-joined. */
#define SYSCALL "entry_SYSCALL_64_after_hwframe;do_syscall_64;"

struct stack_case {
	const char *kernel;  /* where it was recorded */
	const char *stack;
	int cap;
	int audit;
	const char *rule;
	enum callsite_kind kind;
};

static const struct stack_case cases[] = {
	/* 6.18, this project's machines (caprec -K on real programs). */
	{ "6.18 nginx", SYSCALL "__x64_sys_bind;__sys_bind;inet_bind_sk;__inet_bind;ns_capable;"
	  "security_capable;cap_capable", CAP_NET_BIND_SERVICE, 1, "inet-bind", CALLSITE_NEED },
	{ "6.18 ping", SYSCALL "__do_sys_capset;security_capset;cap_capset;cap_capable",
	  CAP_SETPCAP, 1, "capset-setpcap", CALLSITE_PROBE },
	{ "6.18 ping", SYSCALL "__x64_sys_socket;__sys_socket;__sock_create;inet_create;"
	  "ns_capable;security_capable;cap_capable", CAP_NET_RAW, 1, "raw-socket", CALLSITE_NEED },
	{ "6.18 chrt", SYSCALL "vm_mmap_pgoff;do_mmap;__mmap_region;security_vm_enough_memory_mm;"
	  "cap_capable", CAP_SYS_ADMIN, 0, "vm-enough-memory", CALLSITE_PROBE },
	{ "6.18 chmod", SYSCALL "__x64_sys_fchmodat;chmod_common;notify_change;ext4_setattr;"
	  "setattr_prepare;capable_wrt_inode_uidgid;security_capable;cap_capable", CAP_FSETID, 1,
	  "setattr-keep-sgid", CALLSITE_OPTIONAL },
	{ "6.18 chmod", SYSCALL "__x64_sys_fchmodat;chmod_common;notify_change;ext4_setattr;"
	  "setattr_copy;capable_wrt_inode_uidgid;security_capable;cap_capable", CAP_FSETID, 1,
	  "setattr-keep-sgid", CALLSITE_OPTIONAL },
	{ "6.18 chmod", SYSCALL "__x64_sys_fchmodat;chmod_common;notify_change;ext4_setattr;"
	  "setattr_prepare;ns_capable;security_capable;cap_capable", CAP_FOWNER, 1, "fowner",
	  CALLSITE_NEED },
	{ "6.18 chown", SYSCALL "__x64_sys_fchownat;do_fchownat;chown_common;notify_change;"
	  "ext4_setattr;setattr_prepare;capable_wrt_inode_uidgid;security_capable;cap_capable",
	  CAP_CHOWN, 1, "chown", CALLSITE_NEED },
	{ "6.18 touch", SYSCALL "__x64_sys_openat;do_sys_openat2;do_filp_open;path_openat;may_open;"
	  "inode_permission;generic_permission;capable_wrt_inode_uidgid;security_capable;"
	  "cap_capable", CAP_DAC_OVERRIDE, 1, "dac", CALLSITE_NEED },
	{ "6.18 nginx", SYSCALL "__sys_setuid;ns_capable_setid;security_capable;cap_capable",
	  CAP_SETUID, 1, "setuid", CALLSITE_CRED_CHANGE },
	{ "6.18 nginx", SYSCALL "__do_sys_setgroups;ns_capable_setid;security_capable;cap_capable",
	  CAP_SETGID, 1, "setgroups", CALLSITE_CRED_CHANGE },
	{ "6.18 setpriv", SYSCALL "__sys_setresgid;ns_capable_setid;security_capable;cap_capable",
	  CAP_SETGID, 1, "setgid", CALLSITE_CRED_CHANGE },
	{ "6.18 setpriv", SYSCALL "__do_sys_prctl;security_task_prctl;cap_task_prctl;ns_capable;"
	  "security_capable;cap_capable", CAP_SETPCAP, 1, "prctl-capbset", CALLSITE_NEED },
	{ "6.18 setpriv exec", SYSCALL "__x64_sys_execve;do_execveat_common.isra.0;alloc_bprm;"
	  "do_open_execat;do_filp_open;path_openat;link_path_walk;inode_permission;"
	  "generic_permission;capable_wrt_inode_uidgid;security_capable;cap_capable",
	  CAP_DAC_READ_SEARCH, 1, "exec", CALLSITE_EXEC },
	{ "6.18 chrt", SYSCALL "__x64_sys_sched_setscheduler;do_sched_setscheduler;"
	  "__sched_setscheduler;capable;security_capable;cap_capable", CAP_SYS_NICE, 1,
	  "sched-policy", CALLSITE_NEED },
	{ "6.18 unshare", SYSCALL "__x64_sys_unshare;ksys_unshare;unshare_nsproxy_namespaces;"
	  "ns_capable;security_capable;cap_capable", CAP_SYS_ADMIN, 1, "unshare", CALLSITE_NEED },
	{ "6.18 chroot", SYSCALL "__x64_sys_chroot;ns_capable;security_capable;cap_capable",
	  CAP_SYS_CHROOT, 1, "chroot", CALLSITE_NEED },
	{ "6.18 nice", SYSCALL "__do_sys_setpriority;set_one_prio;can_nice;capable;"
	  "security_capable;cap_capable", CAP_SYS_NICE, 1, "nice", CALLSITE_NEED },
	{ "6.18 hostname", SYSCALL "__x64_sys_sethostname;ns_capable;security_capable;cap_capable",
	  CAP_SYS_ADMIN, 1, "sethostname", CALLSITE_NEED },
	{ "6.18 ip netns", SYSCALL "__x64_sys_mount;path_mount;ns_capable;security_capable;"
	  "cap_capable", CAP_SYS_ADMIN, 1, "mount", CALLSITE_NEED },
	{ "6.18 ip", SYSCALL "__x64_sys_sendto;__sys_sendto;netlink_sendmsg;netlink_unicast;"
	  "netlink_rcv_skb;rtnl_newlink;rtnl_link_get_net_capable.constprop.0;ns_capable;"
	  "security_capable;cap_capable", CAP_NET_ADMIN, 1, "rtnetlink", CALLSITE_NEED },
	{ "6.18 sh", SYSCALL "__x64_sys_kill;kill_something_info;kill_pid_info_type;"
	  "check_kill_permission;check_kill_permission;ns_capable;security_capable;cap_capable",
	  CAP_KILL, 1, "kill", CALLSITE_NEED },
	{ "6.18 tcpdump", SYSCALL "__x64_sys_setsockopt;__sys_setsockopt;do_sock_setsockopt;"
	  "sk_setsockopt;sk_attach_filter;bpf_prepare_filter;bpf_prog_select_runtime;"
	  "bpf_int_jit_compile;do_jit;ns_capable_noaudit;security_capable;cap_capable",
	  CAP_SYS_ADMIN, 0, "non-audit", CALLSITE_PROBE },
	/*
	 * Debian 6.1.0-57 and 6.12.118 guests of tests/vm (kprobe mode): cap_capable()
	 * is inlined into cap_vm_enough_memory(), and 6.1 calls __inet_bind() from
	 * __sys_bind() directly.
	 */
	{ "6.1 mmap", SYSCALL "ksys_mmap_pgoff;vm_mmap_pgoff;do_mmap;mmap_region;"
	  "security_vm_enough_memory_mm;cap_vm_enough_memory", CAP_SYS_ADMIN, 0,
	  "vm-enough-memory", CALLSITE_PROBE },
	{ "6.1 execve", SYSCALL "__x64_sys_execve;do_execveat_common.isra.0;alloc_bprm;"
	  "insert_vm_struct;security_vm_enough_memory_mm;cap_vm_enough_memory", CAP_SYS_ADMIN, 0,
	  "exec", CALLSITE_EXEC },
	{ "6.1 bind", SYSCALL "__x64_sys_bind;__sys_bind;__inet_bind;ns_capable;security_capable;"
	  "cap_capable", CAP_NET_BIND_SERVICE, 1, "inet-bind", CALLSITE_NEED },
	{ "6.1 chown", SYSCALL "__x64_sys_chown;do_fchownat;chown_common;notify_change;"
	  "shmem_setattr;setattr_prepare;capable_wrt_inode_uidgid;security_capable;cap_capable",
	  CAP_CHOWN, 1, "chown", CALLSITE_NEED },
	{ "6.1 setresuid", SYSCALL "__sys_setresuid;ns_capable_setid;security_capable;cap_capable",
	  CAP_SETUID, 1, "setuid", CALLSITE_CRED_CHANGE },
	{ "6.1 setgroups", SYSCALL "__do_sys_setgroups;ns_capable_setid;security_capable;"
	  "cap_capable", CAP_SETGID, 1, "setgroups", CALLSITE_CRED_CHANGE },
	{ "6.1 /proc/PID/stat", SYSCALL "ksys_read;vfs_read;seq_read;seq_read_iter;"
	  "proc_single_show;do_task_stat;ptrace_may_access;__ptrace_may_access;ns_capable_noaudit;"
	  "security_capable;cap_capable", CAP_SYS_PTRACE, 0, "non-audit", CALLSITE_PROBE },
	{ "6.12 bind", SYSCALL "__x64_sys_bind;__sys_bind;inet_bind_sk;__inet_bind;ns_capable;"
	  "security_capable;cap_capable", CAP_NET_BIND_SERVICE, 1, "inet-bind", CALLSITE_NEED },
	{ "6.12 mmap", SYSCALL "ksys_mmap_pgoff;vm_mmap_pgoff;do_mmap;__mmap_region;"
	  "security_vm_enough_memory_mm;cap_vm_enough_memory", CAP_SYS_ADMIN, 0,
	  "vm-enough-memory", CALLSITE_PROBE },
	{ "6.12 setrlimit", SYSCALL "__x64_sys_setrlimit;do_prlimit;capable;security_capable;"
	  "cap_capable", CAP_SYS_RESOURCE, 1, "rlimit", CALLSITE_NEED },
	/* runuser's PAM session record (6.18): only the user-space audit record is optional. */
	{ "6.18 audit user record", SYSCALL "__x64_sys_sendto;__sys_sendto;netlink_sendmsg;"
	  "netlink_unicast;audit_receive;audit_receive_msg;ns_capable;security_capable;cap_capable",
	  CAP_AUDIT_WRITE, 1, "audit-user-record", CALLSITE_OPTIONAL },
	{ "6.18 auditctl", SYSCALL "__x64_sys_sendto;__sys_sendto;netlink_sendmsg;"
	  "netlink_unicast;audit_receive;audit_receive_msg;ns_capable;security_capable;cap_capable",
	  CAP_AUDIT_CONTROL, 1, "unknown-callsite", CALLSITE_NEED },
	{ "6.12 prlimit64", SYSCALL "__do_sys_prlimit64;do_prlimit;capable;security_capable;"
	  "cap_capable", CAP_SYS_RESOURCE, 1, "rlimit", CALLSITE_NEED },
};

static void test_recorded_stacks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct callsite_rule *r = callsite_match(cases[i].stack, cases[i].cap,
							       cases[i].audit);

		if (strcmp(r->name, cases[i].rule) || r->kind != cases[i].kind)
			fail_msg("%s: rule %s (%s), want %s", cases[i].kernel, r->name,
				 callsite_kind_name(r->kind), cases[i].rule);
	}
}

static void test_unknown_is_a_need(void **state)
{
	const char *odd = SYSCALL "__x64_sys_frobnicate;frob_check;ns_capable;security_capable;"
			  "cap_capable";

	(void)state;
	assert_ptr_equal(callsite_match(odd, CAP_SYS_ADMIN, 1), &callsite_rule_unknown);
	assert_int_equal(callsite_rule_unknown.kind, CALLSITE_NEED);
	assert_ptr_equal(callsite_match(odd, CAP_SYS_ADMIN, 0), &callsite_rule_nonaudit);
	assert_ptr_equal(callsite_match("", CAP_CHOWN, 1), &callsite_rule_no_stack);
	assert_int_equal(callsite_rule_no_stack.kind, CALLSITE_NEED);
	assert_ptr_equal(callsite_match(NULL, CAP_CHOWN, 0), &callsite_rule_nonaudit);
	/* A rule for another capability at the same function does not apply. */
	assert_ptr_equal(callsite_match(SYSCALL "__do_sys_capset;cap_capset;cap_capable",
					CAP_SYS_ADMIN, 1), &callsite_rule_unknown);
}

static void test_frame_names(void **state)
{
	(void)state;
	/* Compiler and module suffixes are not part of the name... */
	assert_string_equal(callsite_match("x;__inet_bind.isra.0;cap_capable",
					   CAP_NET_BIND_SERVICE, 1)->name, "inet-bind");
	assert_string_equal(callsite_match("x;__inet_bind [ipv6];cap_capable",
					   CAP_NET_BIND_SERVICE, 1)->name, "inet-bind");
	/* ... but a longer name is another function. */
	assert_ptr_equal(callsite_match("x;__inet_bind_sk;cap_capable", CAP_NET_BIND_SERVICE, 1),
			 &callsite_rule_unknown);
	assert_ptr_equal(callsite_match("x;inet;cap_capable", CAP_NET_BIND_SERVICE, 1),
			 &callsite_rule_unknown);
	/* The innermost frame with a rule wins: FSETID under chown_common is optional. */
	assert_string_equal(callsite_match("chown_common;setattr_prepare;cap_capable",
					   CAP_FSETID, 1)->name, "setattr-keep-sgid");
	/* A single frame, no separators. */
	assert_string_equal(callsite_match("cap_capset", CAP_SETPCAP, 1)->name, "capset-setpcap");
}

static void test_images(void **state)
{
	(void)state;
	assert_int_equal(image_rule_for("/usr/bin/python3.11")->kind, IMAGE_INTERPRETER);
	assert_int_equal(image_rule_for("/usr/bin/dash")->kind, IMAGE_INTERPRETER);
	assert_int_equal(image_rule_for("/usr/bin/busybox")->kind, IMAGE_MULTICALL);
	assert_int_equal(image_rule_for("/usr/sbin/runuser")->kind, IMAGE_REFUSES_NONROOT);
	assert_int_equal(image_rule_for("/usr/bin/runc")->kind, IMAGE_RUNTIME);
	assert_int_equal(image_rule_for("/memfd:runc_cloned:/proc/self/exe (deleted)")->kind,
			 IMAGE_RUNTIME);
	assert_null(image_rule_for("/memfd:jit-cache (deleted)"));
	assert_null(image_rule_for("/usr/sbin/nginx"));
	assert_null(image_rule_for("/usr/bin/shred"));
	assert_null(image_rule_for(NULL));
	assert_non_null(cap_risk(CAP_SYS_ADMIN, false));
	assert_non_null(cap_risk(CAP_SETUID, true));
	assert_null(cap_risk(CAP_SETUID, false));
	assert_null(cap_risk(CAP_NET_BIND_SERVICE, true));
	assert_int_equal(cred_rule_for("/usr/bin/busybox")->habit, CRED_DROPS_ALWAYS);
	assert_int_equal(cred_rule_for("/usr/sbin/sshd")->habit, CRED_CLEARS_GROUPS);
	assert_null(cred_rule_for("/usr/sbin/nginx"));
	assert_null(cred_rule_for("/usr/sbin/dnsmasq"));
	assert_int_equal(unseen_need_for("/usr/sbin/ip")->cap, CAP_NET_ADMIN);
	assert_non_null(strstr(unseen_need_for("/usr/bin/ip")->reason, "no check shows this"));
	assert_null(unseen_need_for("/usr/sbin/ipset"));
	assert_null(unseen_need_for(NULL));
}

static char *read_doc(void)
{
	FILE *f = fopen(doc_path, "r");
	char *text;
	long size;

	if (!f)
		fail_msg("%s: cannot open", doc_path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size)
		fail_msg("%s: cannot read", doc_path);
	fclose(f);
	return text;
}

/* Every rule of both tables has its row in docs/CALLSITES.md. */
static void test_documented(void **state)
{
	static const char *const kinds[] = { "interpreter", "multicall", "refuses-nonroot",
					     "runtime" };
	const struct callsite_rule *rules;
	const struct image_rule *images;
	const struct cred_rule *creds;
	const struct unseen_need *unseen;
	char *doc = read_doc();
	unsigned image_count;
	size_t count;
	char row[256];

	(void)state;
	rules = callsite_rules(&count);
	for (size_t i = 0; i < count; i++) {
		snprintf(row, sizeof(row), "| %s | `%s` | %s | %s |", rules[i].name,
			 rules[i].function, rules[i].cap < 0 ? "any" : cap_known_name(rules[i].cap),
			 callsite_kind_name(rules[i].kind));
		if (!strstr(doc, row))
			fail_msg("%s lacks the row %s", doc_path, row);
	}
	images = image_rules(&image_count);
	for (unsigned i = 0; i < image_count; i++) {
		snprintf(row, sizeof(row), "| `%s` | %s |", images[i].pattern,
			 kinds[images[i].kind - IMAGE_INTERPRETER]);
		if (!strstr(doc, row))
			fail_msg("%s lacks the row %s", doc_path, row);
	}
	creds = cred_rules(&image_count);
	for (unsigned i = 0; i < image_count; i++) {
		snprintf(row, sizeof(row), "| `%s` | %s |", creds[i].pattern,
			 creds[i].habit == CRED_DROPS_ALWAYS ? "switches user always"
							     : "clears groups, tolerant");
		if (!strstr(doc, row))
			fail_msg("%s lacks the row %s", doc_path, row);
	}
	unseen = unseen_needs(&image_count);
	for (unsigned i = 0; i < image_count; i++) {
		snprintf(row, sizeof(row), "| `%s` | %s |", unseen[i].pattern,
			 cap_known_name(unseen[i].cap));
		if (!strstr(doc, row))
			fail_msg("%s lacks the row %s", doc_path, row);
	}
	free(doc);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_stacks),
		cmocka_unit_test(test_unknown_is_a_need),
		cmocka_unit_test(test_frame_names),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_documented),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_callsite_rules docs/CALLSITES.md\n");
		return 2;
	}
	doc_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
