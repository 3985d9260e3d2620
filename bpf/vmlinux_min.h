/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmlinux_min.h - the few kernel types caprec.bpf.c reads, written by hand
 * with CO-RE relocations (preserve_access_index), instead of a vmlinux.h
 * dumped from the build machine: the object then builds the same everywhere
 * and libbpf fixes every field offset against the running kernel's BTF at load.
 * Only the fields used are declared; their order and the struct sizes do not
 * matter to CO-RE.
 */
#ifndef __VMLINUX_MIN_H__
#define __VMLINUX_MIN_H__
/* Tells bpf_tracing.h that struct pt_regs has the kernel's field names (di, not rdi). */
#define __VMLINUX_H__

#include <linux/types.h>
#include <linux/bpf.h>

typedef _Bool bool;
#define true 1
#define false 0

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	unsigned int val;
} kuid_t;

typedef struct {
	unsigned int val;
} kgid_t;

/*
 * kernel_cap_t: { __u32 cap[2] } before 6.3, { u64 val } since; 8 bytes,
 * bit n = capability n on little-endian either way. Only its offset is used.
 */
struct caprec_kernel_cap {
	__u64 val;
};

struct user_namespace;

struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t suid;
	kuid_t euid;
	kgid_t egid;
	kuid_t fsuid;
	kgid_t fsgid;
	struct caprec_kernel_cap cap_permitted;
	struct caprec_kernel_cap cap_effective;
	struct user_namespace *user_ns;
};

struct ns_common {
	unsigned int inum;
};

struct user_namespace {
	int level;
	struct ns_common ns;
};

struct signal_struct {
	atomic_t live;
	int group_exit_code;
};

struct mm_struct {
	unsigned long start_code;
	unsigned long end_code;
	unsigned long arg_start;
	unsigned long arg_end;
	unsigned long start_stack;
	unsigned long saved_auxv[2]; /* AT_VECTOR_SIZE in the kernel: only the offset is used */
};

/*
 * The user thread pointer as the kernel last saved it (set by clone's
 * CLONE_SETTLS or arch_prctl/TPIDR_EL0 at a context switch): glibc and musl
 * put a thread's control block at the top of its stack mapping.
 */
#if defined(__TARGET_ARCH_x86)
struct thread_struct {
	unsigned long fsbase;
};
#elif defined(__TARGET_ARCH_arm64)
struct thread_struct {
	struct {
		unsigned long tp_value;
	} uw;
};
#endif

/* include/linux/fdtable.h: a process's open files (the file an mmap maps). */
struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	struct fdtable *fdt;
};

struct task_struct {
	struct thread_struct thread;
	struct files_struct *files;
	unsigned int flags;
	int pid;
	int tgid;
	int exit_code;
	__u64 start_boottime;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct signal_struct *signal;
	struct mm_struct *mm;
	const struct cred *cred;
	char comm[16];
};

/* The executed file's path, walked name by name (bpf_d_path() is not allowed here). */
struct qstr {
	const unsigned char *name;
};

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
};

struct vfsmount {
	struct dentry *mnt_root;
};

/* fs/mount.h: a vfsmount is embedded in its struct mount. */
struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct file {
	struct path f_path;
};

struct linux_binprm {
	struct file *file;
	const char *filename;
};

#if defined(__TARGET_ARCH_x86)
struct pt_regs {
	unsigned long di;
	unsigned long si;
	unsigned long dx;
	unsigned long cx;
	unsigned long r8;
	unsigned long r9;
	unsigned long r10;
	unsigned long ax;
	unsigned long orig_ax;
	unsigned long ip;
	unsigned long sp;
	unsigned long bp;
};
#elif defined(__TARGET_ARCH_arm64)
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};

struct pt_regs {
	union {
		struct user_pt_regs user_regs;
		struct {
			__u64 regs[31];
			__u64 sp;
			__u64 pc;
			__u64 pstate;
		};
	};
	__u64 orig_x0;
	__s32 syscallno;
};
#else
#error "caprec's BPF side supports x86_64 and arm64 (set __TARGET_ARCH_x86 or __TARGET_ARCH_arm64)"
#endif

#pragma clang attribute pop

/* include/linux/sched.h */
#define PF_KTHREAD 0x00200000

#endif /* __VMLINUX_MIN_H__ */
