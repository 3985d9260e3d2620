// SPDX-License-Identifier: GPL-2.0-only
/*
 * caprec.bpf.c - kernel side of caprec: one record per capability check, plus
 * fork/exec/exit records of the traced processes, through one ring buffer.
 *
 * Three ways to see cap_capable(), chosen by user space at run time with
 * bpf_program__set_autoload() (only one group is ever loaded):
 *   tracepoint  tp_btf/cap_capable (6.14+). No opts: the audit flag is
 *               inferred from the caller frames (caller_ranges, filled by
 *               user space from /proc/kallsyms).
 *   fentry      fexit/cap_capable, plus fentry+fexit/security_capable for the
 *               final verdict (another LSM may deny after commoncap granted).
 *   kprobe      kprobe+kretprobe/cap_capable (arguments stashed per thread),
 *               plus kprobe+kretprobe/security_capable for the final verdict.
 * The audit encoding (opts bits vs int audit) is read from BTF by user space
 * and passed in audit_source: never guessed from the kernel version.
 *
 * Cost order: filters (self, pid set, cgroup) first, then the audit filter,
 * and only then the ring-buffer reservation and the stacks.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "caprec_event.h"

/* include/linux/security.h */
#define CAP_OPT_NOAUDIT 0x2
#define CAP_OPT_INSETID 0x4

char LICENSE[] SEC("license") = "GPL";

/* Settings written by user space between open and load (rodata is frozen after). */
const volatile __u32 self_tgid = 0;          /* caprec itself, not traced unless trace_self */
const volatile bool trace_self = false;
const volatile bool filter_pids = false;     /* only tgids in traced_pids */
const volatile bool follow_forks = false;    /* add children of traced processes */
const volatile bool filter_cgroup = false;   /* only tasks under cgroup_filter[0] */
const volatile bool include_noaudit = false; /* -v */
const volatile __u32 audit_source = CAPREC_AUDIT_OPTS;
const volatile bool want_kstack = false;     /* -K */
const volatile bool want_ustack = false;     /* -U */
const volatile __u32 ustack_copy_bytes = 0;  /* -U: user stack bytes copied (<= COPY_MAX) */
const volatile bool want_final = false;      /* security_capable() is hooked too */
const volatile bool use_task_pt_regs = true; /* bpf_task_pt_regs() exists (5.15+) */
const volatile __u64 wakeup_bytes = 0;       /* wake the reader once this much is queued */
const volatile __u32 caller_range_count = 0;
const volatile struct caprec_caller_range caller_ranges[CAPREC_CALLER_RANGES] = {};
const volatile __u64 caller_text_start = 0;  /* lowest start of caller_ranges (sorted) */
const volatile __u64 caller_text_end = 0;    /* highest end */
const volatile bool want_sysret = false;     /* sys_exit sends the return of syscalls that checked */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22); /* resized by user space (--buffer-size) */
} events SEC(".maps");

/* Traced process ids (tgid -> 1), with filter_pids. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced_pids SEC(".maps");

/* The cgroup of --cgroup: bpf_current_task_under_cgroup() includes its descendants. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CAPREC_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * Scratch for the audit inference (too big for the BPF stack): the raw words
 * of the kernel stack above the program, or, where they cannot be read, a
 * short unwound stack.
 */
struct caller_words {
	__u64 word[CAPREC_CALLER_SCAN_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct caller_words);
} scratch SEC(".maps");

/*
 * fentry/kprobe modes with -K: the kernel stack taken when cap_capable() is
 * entered, used by the record sent at its return (or at security_capable()'s
 * return), so all modes show the same path: cap_capable, security_capable,
 * the caller. A stack taken at a return has lost those frames. Key: tid.
 * LRU: a stack whose check was never sent ages out.
 */
struct entry_stack {
	__u64 depth;
	__u64 ip[CAPREC_KSTACK_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct entry_stack);
} entry_stacks SEC(".maps");

/* Where an entry stack is built before it is stored (too big for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct entry_stack);
} entry_stack_scratch SEC(".maps");

/*
 * fentry/kprobe modes with -v: a thread inside cap_vm_enough_memory() (the
 * CAP_SYS_ADMIN non-audit check of mmap/brk). Where the kernel inlines
 * cap_capable() there (Debian 6.1, 6.12) only this hook sees the check; where
 * it is a call, the cap_capable() hook sees it and marks the entry so it is
 * not counted twice. Key: tid.
 */
#define VM_INSIDE 1
#define VM_SAW_CAP_CAPABLE 2
#define CAP_SYS_ADMIN 21
#define PROC_USER_INIT_INO 0xEFFFFFFDU /* init_user_ns's inode, fixed by the kernel */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} vm_enough SEC(".maps");

/*
 * With want_sysret: threads that made a check during the syscall they are
 * in, so that sys_exit sends its return for them alone. Key: tid. LRU: a
 * thread killed inside its syscall never reaches sys_exit.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} checked_syscall SEC(".maps");

/* Where walk_file_path() builds the names (see there why not in the record). */
struct exe_walk {
	__u32 off;
	__u32 pad;
	char names[CAPREC_EXE_NAMES_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exe_walk);
} exe_walk_scratch SEC(".maps");

/* The credentials a check was made with (see cred_direct()). */
struct check_cred {
	__u32 euid;
	__u32 suid;
	__u32 fsuid;
	__u32 gid;
	__u32 egid;
	__u32 fsgid;
	__u64 cap_effective;
	__u64 cap_permitted;
};

/* What one check needs, wherever it was seen. */
struct check {
	__s32 cap;
	__u32 flags;
	__s32 ret;
	__s32 final_ret;
	__u32 userns_inum;
	__u32 userns_level;
	struct check_cred cred;  /* the credentials checked */
};

/*
 * kprobe mode: cap_capable()'s arguments, from entry to return. Key: tid.
 * LRU: an entry whose return was missed (kretprobe maxactive) ages out
 * instead of filling the map.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct check);
} entry_args SEC(".maps");

/*
 * fentry/kprobe modes with want_final: a thread inside security_capable().
 * have_check is set once cap_capable() returned inside it; the record is
 * sent when security_capable() returns, with its verdict. Key: tid.
 */
struct pending {
	struct check check;
	__u32 have_check;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH); /* same reason as entry_args */
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending);
} pending_final SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &which);

	if (value)
		*value += 1;
}

/* The pid/self/cgroup filters, on the current task. Cheapest first. */
static __always_inline bool want_current(__u32 tgid)
{
	if (!trace_self && tgid == self_tgid)
		return false;
	if (filter_pids && !bpf_map_lookup_elem(&traced_pids, &tgid))
		return false;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return false;
	return true;
}

/* Decodes cap_capable()'s 4th parameter as the running kernel defines it. */
static __always_inline __u32 flags_from_arg(__u32 arg)
{
	if (audit_source == CAPREC_AUDIT_INT)
		return arg ? CAPREC_F_AUDIT : 0;
	return ((arg & CAP_OPT_NOAUDIT) ? 0 : CAPREC_F_AUDIT) |
	       ((arg & CAP_OPT_INSETID) ? CAPREC_F_INSETID : 0) | CAPREC_F_INSETID_KNOWN;
}

static __always_inline __u32 flags_of_caller(__u32 class)
{
	switch (class) {
	case CAPREC_CALLER_NOAUDIT:
		return CAPREC_F_AUDIT_INFERRED | CAPREC_F_INSETID_KNOWN;
	case CAPREC_CALLER_SETID:
		return CAPREC_F_AUDIT | CAPREC_F_AUDIT_INFERRED | CAPREC_F_INSETID |
		       CAPREC_F_INSETID_KNOWN;
	default:
		return CAPREC_F_AUDIT | CAPREC_F_AUDIT_INFERRED | CAPREC_F_INSETID_KNOWN;
	}
}

/*
 * Finds the first of n words that lies in a known caller of
 * security_capable()/cap_capable() and sets *flags from it. The span test
 * first, because most words are not code; caller_ranges are sorted by start,
 * so the search stops at the first range that starts above the word.
 */
static __always_inline bool caller_in_words(const __u64 *word, __u32 n, __u32 *flags)
{
	__u32 i, j;

	for (i = 0; i < CAPREC_CALLER_SCAN_WORDS && i < n; i++) {
		if (word[i] < caller_text_start || word[i] >= caller_text_end)
			continue;
		for (j = 0; j < CAPREC_CALLER_RANGES && j < caller_range_count; j++) {
			if (word[i] < caller_ranges[j].start)
				break;
			if (word[i] < caller_ranges[j].end) {
				*flags = flags_of_caller(caller_ranges[j].class);
				return true;
			}
		}
	}
	return false;
}

/*
 * Tracepoint mode: the audit flag from the caller. No known caller: audited,
 * like every caller not in the table.
 *
 * ctx is the argument array that bpf_trace_run5() keeps on the kernel stack,
 * so the frames of __bpf_trace_cap_capable(), cap_capable(),
 * security_capable() and of the function that asked lie just above it: raw
 * reads of the words there find the caller's return address (words 11 to 24
 * on 6.18, so the first window nearly always holds it) at a fraction of the
 * cost of unwinding (the ORC unwinder took ~2 us for 8 frames, most of the
 * recorder's in-kernel time). Checked against the unwound stack over 428 000
 * checks of the live test suite: the same flags every time. Where a read
 * fails (the end of the stack is nearer than the window), unwind instead.
 */
static __always_inline __u32 infer_flags(void *ctx)
{
	__u32 zero = 0, flags = CAPREC_F_AUDIT | CAPREC_F_AUDIT_INFERRED;
	struct caller_words *words = bpf_map_lookup_elem(&scratch, &zero);
	const __u32 half = CAPREC_CALLER_SCAN_WORDS / 2;
	long bytes;

	if (!words)
		return flags;
	if (!bpf_probe_read_kernel(words->word, half * sizeof(__u64), ctx)) {
		if (caller_in_words(words->word, half, &flags))
			return flags;
		if (!bpf_probe_read_kernel(words->word, half * sizeof(__u64),
					   (const __u64 *)ctx + half))
			caller_in_words(words->word, half, &flags);
		return flags;
	}
	bytes = bpf_get_stack(ctx, words->word, CAPREC_CALLER_FRAMES * sizeof(__u64), 0);
	if (bytes <= 0) {
		count(CAPREC_CNT_STACK_ERR);
		return flags;
	}
	caller_in_words(words->word, bytes / sizeof(__u64), &flags);
	return flags;
}

static __always_inline __s32 current_syscall(struct task_struct *task)
{
	struct pt_regs *regs;

	if (!use_task_pt_regs || (task->flags & PF_KTHREAD))
		return -1;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return -1;
#if defined(__TARGET_ARCH_x86)
	return (__s32)regs->orig_ax;
#else
	return regs->syscallno;
#endif
}

static __always_inline void fill_userns(struct check *c, const struct user_namespace *ns)
{
	c->userns_inum = BPF_CORE_READ(ns, ns.inum);
	c->userns_level = BPF_CORE_READ(ns, level);
}

static __always_inline __u64 submit_flags(void)
{
	if (wakeup_bytes && bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/*
 * The credentials the check was made with: which uid the process ran as
 * (root before a drop, the service user after) and whether the capability
 * was in the effective set (granted by capabilities or refused for want of
 * one), taken when the check is made, not later from /proc.
 *
 * Where cred is a typed argument (tracepoint, fexit) the ids are direct
 * loads: probe reads cost as much again as the rest of a check's record.
 * The sets are read by offset alone, one read for both where they are
 * neighbours: kernel_cap_t is { u64 val } since 6.3, { u32 cap[2] } before.
 */
static __always_inline void cred_sets(struct check_cred *o, const struct cred *cred)
{
	__u32 permitted = bpf_core_field_offset(struct cred, cap_permitted);
	__u32 effective = bpf_core_field_offset(struct cred, cap_effective);
	__u64 sets[2] = {};

	if (effective == permitted + 8) {
		bpf_probe_read_kernel(sets, sizeof(sets), (const void *)cred + permitted);
	} else {
		bpf_probe_read_kernel(&sets[0], 8, (const void *)cred + permitted);
		bpf_probe_read_kernel(&sets[1], 8, (const void *)cred + effective);
	}
	o->cap_permitted = sets[0];
	o->cap_effective = sets[1];
}

static __always_inline void cred_direct(struct check_cred *o, const struct cred *cred)
{
	o->euid = cred->euid.val;
	o->suid = cred->suid.val;
	o->fsuid = cred->fsuid.val;
	o->gid = cred->gid.val;
	o->egid = cred->egid.val;
	o->fsgid = cred->fsgid.val;
	cred_sets(o, cred);
}

/* Likewise from an untyped pointer (kprobe arguments, the task's credentials). */
static __always_inline void cred_probe(struct check_cred *o, const struct cred *cred)
{
	o->euid = BPF_CORE_READ(cred, euid.val);
	o->suid = BPF_CORE_READ(cred, suid.val);
	o->fsuid = BPF_CORE_READ(cred, fsuid.val);
	o->gid = BPF_CORE_READ(cred, gid.val);
	o->egid = BPF_CORE_READ(cred, egid.val);
	o->fsgid = BPF_CORE_READ(cred, fsgid.val);
	cred_sets(o, cred);
}

static __always_inline void mark_checked_syscall(__u32 tid)
{
	__u8 one = 1;

	bpf_map_update_elem(&checked_syscall, &tid, &one, BPF_ANY);
}

static __always_inline void fill_cap_event(struct caprec_cap_event *e, const struct check *c)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	e->hdr.kind = CAPREC_REC_CAP;
	e->hdr.pid = pid_tgid >> 32;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->start_time_ns = task->group_leader->start_boottime;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cap = c->cap;
	e->flags = c->flags;
	e->ret = c->ret;
	e->final_ret = c->final_ret;
	e->syscall_nr = current_syscall(task);
	e->userns_inum = c->userns_inum;
	e->userns_level = c->userns_level;
	e->kstack_depth = 0;
	e->ustack_depth = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->euid = c->cred.euid;
	e->suid = c->cred.suid;
	e->fsuid = c->cred.fsuid;
	e->gid = c->cred.gid;
	e->egid = c->cred.egid;
	e->fsgid = c->cred.fsgid;
	e->cap_effective = c->cred.cap_effective;
	e->cap_permitted = c->cred.cap_permitted;
	if (want_sysret && e->syscall_nr >= 0)
		mark_checked_syscall(e->tid);
}

/* Takes the kernel stack now, for the record that cap_capable()'s return will send. */
static __always_inline void stash_entry_stack(void *ctx)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	struct entry_stack *st;
	long bytes;

	if (!want_kstack)
		return;
	st = bpf_map_lookup_elem(&entry_stack_scratch, &zero);
	if (!st)
		return;
	bytes = bpf_get_stack(ctx, st->ip, sizeof(st->ip), 0);
	if (bytes <= 0) {
		count(CAPREC_CNT_STACK_ERR);
		return;
	}
	st->depth = bytes / sizeof(__u64);
	if (bpf_map_update_elem(&entry_stacks, &tid, st, BPF_ANY))
		count(CAPREC_CNT_PENDING_FULL);
}

static __always_inline void drop_entry_stack(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (want_kstack)
		bpf_map_delete_elem(&entry_stacks, &tid);
}

/* The stack taken at cap_capable()'s entry, if any, into the record. */
static __always_inline long take_entry_stack(__u64 *dst)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry_stack *st = bpf_map_lookup_elem(&entry_stacks, &tid);
	__u64 depth;

	if (!st)
		return -1;
	depth = st->depth;
	if (depth > CAPREC_KSTACK_MAX)
		depth = CAPREC_KSTACK_MAX;
	if (bpf_probe_read_kernel(dst, CAPREC_KSTACK_MAX * sizeof(__u64), st->ip)) {
		bpf_map_delete_elem(&entry_stacks, &tid);
		return -1;
	}
	bpf_map_delete_elem(&entry_stacks, &tid);
	return depth * sizeof(__u64);
}

#define USER_PAGE_SIZE 4096ull
/* Reads of a binary search for a thread's stack end: 32 KiB of pages in 4 halvings. */
#define USTACK_COPY_SEARCH 4

/* Copies len bytes from sp into the record (len clamped for the verifier). 0 or -EFAULT. */
static __always_inline long read_user_stack(struct caprec_cap_stack_event *e, __u64 sp,
					    __u64 len)
{
	if (len > ustack_copy_bytes)
		len = ustack_copy_bytes;
	if (!len)
		return -1;
	return bpf_probe_read_user(e->stack_data, len, (const void *)sp);
}

/* The user thread pointer: for a thread, the top of its stack (see stack_top()). */
static __always_inline __u64 user_thread_pointer(struct task_struct *task)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(task, thread.fsbase);
#else
	return BPF_CORE_READ(task, thread.uw.tp_value);
#endif
}

/*
 * How many bytes above sp can hold frames: a stack's frames lie between sp
 * and the top of the stack, and copying more only costs (the copy is most of
 * -U's price). The main thread's frames all lie below mm->start_stack (argv
 * and the environment above it). A thread's stack has no such record in the
 * kernel, but glibc and musl place the thread's control block, where the
 * thread pointer points, at the top of the thread's stack mapping (above the
 * static TLS): frames lie between sp and the thread pointer. A thread pointer
 * below sp or further than the bound (another runtime's layout) is no top,
 * and the bound is copied.
 */
static __always_inline __u64 user_stack_span(struct task_struct *task, __u64 sp)
{
	__u64 bound = ustack_copy_bytes, start_stack, tp;

	start_stack = BPF_CORE_READ(task, mm, start_stack);
	if (sp <= start_stack && start_stack - sp < bound)
		return start_stack - sp;
	tp = user_thread_pointer(task);
	if (sp < tp && tp - sp < bound)
		return tp - sp;
	return bound;
}

/*
 * The user registers and the top of the user stack, for unwinding from the
 * binaries' unwind tables in user space (binaries without frame pointers).
 * The copy spans sp to the top of the stack (user_stack_span()), so a
 * shallow stack costs little whatever the bound. A read past a mapping fails
 * as a whole (and zeroes what it had read): the readable length, which grows
 * page by page from sp, is then found by halving between what was read and
 * what failed, and read once more.
 */
static __always_inline __u32 copy_user_stack(struct caprec_cap_stack_event *e,
					     struct task_struct *task)
{
	__u64 sp, len, good = 0, bad, mid;
	struct pt_regs *regs;
	int i;

	if (!ustack_copy_bytes || !use_task_pt_regs)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
#if defined(__TARGET_ARCH_x86)
	e->user_ip = regs->ip;
	e->user_sp = regs->sp;
	e->user_fp = regs->bp;
#else
	e->user_ip = regs->pc;
	e->user_sp = regs->sp;
	e->user_fp = regs->regs[29];
#endif
	sp = e->user_sp;
	/* Whole words: the unwinder reads the copy eight bytes at a time. */
	len = user_stack_span(task, sp) & ~7ull;
	if (len > ustack_copy_bytes)
		len = ustack_copy_bytes;
	if (!read_user_stack(e, sp, len)) {
		e->ustack_bytes = len;
		return len;
	}
	bad = len;
	for (i = 0; i < USTACK_COPY_SEARCH; i++) {
		/* A length that ends on a page boundary, between good and bad. */
		mid = ((sp + (good + bad) / 2) & ~(USER_PAGE_SIZE - 1)) - sp;
		if (mid <= good || mid >= bad)
			break;
		if (!read_user_stack(e, sp, mid))
			good = mid;
		else
			bad = mid;
	}
	if (good > ustack_copy_bytes)
		good = ustack_copy_bytes;
	if (!good || read_user_stack(e, sp, good))
		return 0;
	e->ustack_bytes = good;
	return good;
}

/* Reserves, fills and sends one check; a full ring buffer is counted, never silent. */
/*
 * -U with a stack copy: the record is built here and sent with
 * bpf_ringbuf_output() at its real length (the copy is often far shorter
 * than ustack_copy_bytes: the main thread's stops at mm->start_stack), so a
 * ring buffer holds as many records as it can. Costs one copy of the record.
 */
struct stack_record_scratch {
	__u8 bytes[sizeof(struct caprec_cap_stack_event) + CAPREC_USTACK_COPY_MAX];
};

/*
 * One slot per CPU, indexed by the CPU id: a per-CPU array's value is at most
 * 32 KiB, less than a record with a 32 KiB copy. User space sets max_entries
 * to the number of possible CPUs when it copies stacks (1 otherwise).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_record_scratch);
} stack_record SEC(".maps");

/* Kernel and user stacks into e; returns the user stack bytes copied after it. */
static __always_inline __u32 fill_stacks(void *ctx, struct caprec_cap_stack_event *e)
{
	struct task_struct *task = bpf_get_current_task_btf();
	long bytes;

	e->user_ip = 0;
	e->user_sp = 0;
	e->user_fp = 0;
	e->ustack_bytes = 0;
	e->ustack_pad = 0;
	e->code_start = 0;
	e->code_end = 0;
	if (want_kstack) {
		bytes = take_entry_stack(e->kstack);
		if (bytes < 0)
			bytes = bpf_get_stack(ctx, e->kstack, sizeof(e->kstack), 0);
		if (bytes > 0)
			e->ev.kstack_depth = bytes / sizeof(__u64);
		else
			count(CAPREC_CNT_STACK_ERR);
	}
	/* Kernel threads have no user stack. */
	if (!want_ustack || (task->flags & PF_KTHREAD))
		return 0;
	e->code_start = BPF_CORE_READ(task, mm, start_code);
	e->code_end = BPF_CORE_READ(task, mm, end_code);
	/*
	 * With a stack copy the recorder unwinds from it and needs of the
	 * kernel's walk only the innermost frame (its file, for a process gone
	 * by then): each frame costs the kernel a VMA lookup and a build-id read.
	 */
	if (ustack_copy_bytes)
		bytes = bpf_get_stack(ctx, e->ustack, sizeof(e->ustack[0]),
				      BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
	else
		bytes = bpf_get_stack(ctx, e->ustack, sizeof(e->ustack),
				      BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
	if (bytes > 0)
		e->ev.ustack_depth = bytes / sizeof(struct caprec_user_frame);
	return copy_user_stack(e, task);
}

/* Reserves, fills and sends one check; a full ring buffer is counted, never silent. */
static __always_inline void emit_check(void *ctx, const struct check *c)
{
	count(CAPREC_CNT_SEEN);
	if (want_ustack && ustack_copy_bytes) {
		struct caprec_cap_stack_event *e;
		__u32 cpu = bpf_get_smp_processor_id(), copied;

		e = bpf_map_lookup_elem(&stack_record, &cpu);
		if (!e) {
			count(CAPREC_CNT_LOST_CAP);
			return;
		}
		fill_cap_event(&e->ev, c);
		copied = fill_stacks(ctx, e);
		/* ustack_copy_bytes is rodata: a constant bound to the verifier. */
		if (copied > ustack_copy_bytes)
			copied = ustack_copy_bytes;
		if (bpf_ringbuf_output(&events, e, sizeof(*e) + copied, submit_flags()))
			count(CAPREC_CNT_LOST_CAP);
	} else if (want_kstack || want_ustack) {
		struct caprec_cap_stack_event *e;

		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			count(CAPREC_CNT_LOST_CAP);
			return;
		}
		fill_cap_event(&e->ev, c);
		fill_stacks(ctx, e);
		bpf_ringbuf_submit(e, submit_flags());
	} else {
		struct caprec_cap_event *e;

		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			count(CAPREC_CNT_LOST_CAP);
			return;
		}
		fill_cap_event(e, c);
		bpf_ringbuf_submit(e, submit_flags());
	}
}

/* ---- tracepoint mode (6.14+) ---- */

SEC("tp_btf/cap_capable")
int BPF_PROG(tp_cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	struct check c = {};

	if (!want_current(bpf_get_current_pid_tgid() >> 32))
		return 0;
	c.flags = infer_flags(ctx);
	if (!include_noaudit && !(c.flags & CAPREC_F_AUDIT))
		return 0;
	c.cap = cap;
	c.ret = ret;
	/* A typed argument here: direct loads, cheaper than probe reads. */
	c.userns_inum = target_ns->ns.inum;
	c.userns_level = target_ns->level;
	cred_direct(&c.cred, cred);
	emit_check(ctx, &c);
	return 0;
}

/*
 * ---- fentry and kprobe modes: cap_capable() returned ----
 * Sent now, or kept until security_capable() returns when we are inside it.
 */
static __always_inline void cap_capable_returned(void *ctx, struct check *c)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p;
	__u32 *vm_state;

	if (include_noaudit) {
		vm_state = bpf_map_lookup_elem(&vm_enough, &tid);
		if (vm_state)
			*vm_state = VM_SAW_CAP_CAPABLE;
	}

	if (!include_noaudit && !(c->flags & CAPREC_F_AUDIT)) {
		drop_entry_stack();
		return;
	}
	if (want_final) {
		p = bpf_map_lookup_elem(&pending_final, &tid);
		if (p) {
			p->check = *c;
			p->have_check = 1;
			return;
		}
	}
	emit_check(ctx, c);
}

static __always_inline void security_capable_entered(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct pending p = {};

	if (!want_current(pid_tgid >> 32))
		return;
	if (bpf_map_update_elem(&pending_final, &tid, &p, BPF_ANY))
		count(CAPREC_CNT_PENDING_FULL);
}

static __always_inline void security_capable_returned(void *ctx, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending_final, &tid);
	struct check c;

	if (!p)
		return;
	if (p->have_check) {
		c = p->check;
		c.final_ret = ret;
		c.flags |= CAPREC_F_FINAL_KNOWN;
		bpf_map_delete_elem(&pending_final, &tid);
		emit_check(ctx, &c);
		return;
	}
	bpf_map_delete_elem(&pending_final, &tid);
}

static __always_inline void vm_enough_memory_entered(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, state = VM_INSIDE;

	if (!want_current(pid_tgid >> 32))
		return;
	if (bpf_map_update_elem(&vm_enough, &tid, &state, BPF_ANY)) {
		count(CAPREC_CNT_PENDING_FULL);
		return;
	}
	stash_entry_stack(ctx);
}

/*
 * cap_vm_enough_memory()'s result as cap_capable() would return it (0 or
 * -EPERM). Before 6.8-ish it returned 1 when CAP_SYS_ADMIN was granted, 0
 * otherwise; newer kernels return cap_capable()'s own 0 or -EPERM. 1 and <0
 * are unambiguous; 0 is decided as the inlined cap_capable() did: CAP_SYS_ADMIN
 * against init_user_ns is granted iff the credentials live in init_user_ns
 * and hold it in their effective set.
 */
static __always_inline __s32 vm_enough_memory_verdict(int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred;
	__u64 effective = 0;

	if (ret > 0)
		return 0;
	if (ret < 0)
		return -1;
	cred = BPF_CORE_READ(task, cred);
	if (BPF_CORE_READ(cred, user_ns, level) != 0)
		return -1;
	if (bpf_probe_read_kernel(&effective, sizeof(effective), &cred->cap_effective))
		return -1;
	return (effective >> CAP_SYS_ADMIN) & 1 ? 0 : -1;
}


static __always_inline void vm_enough_memory_returned(void *ctx, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *state = bpf_map_lookup_elem(&vm_enough, &tid);
	struct check c = {};
	bool inlined;

	if (!state)
		return;
	inlined = *state == VM_INSIDE;
	bpf_map_delete_elem(&vm_enough, &tid);
	if (!inlined)
		return; /* the cap_capable() hook already sent it */
	c.cap = CAP_SYS_ADMIN;
	c.flags = CAPREC_F_INSETID_KNOWN; /* CAP_OPT_NOAUDIT, never INSETID */
	c.ret = vm_enough_memory_verdict(ret);
	cred_probe(&c.cred, BPF_CORE_READ(bpf_get_current_task_btf(), cred));
	c.userns_inum = PROC_USER_INIT_INO;
	c.userns_level = 0;
	emit_check(ctx, &c);
}

SEC("fexit/cap_capable")
int BPF_PROG(fexit_cap_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct check c = {};

	if (!want_current(bpf_get_current_pid_tgid() >> 32))
		return 0;
	c.cap = cap;
	c.flags = flags_from_arg(opts);
	c.ret = ret;
	if (include_noaudit || (c.flags & CAPREC_F_AUDIT))
		cred_direct(&c.cred, cred); /* else dropped: not worth reading */
	fill_userns(&c, ns);
	cap_capable_returned(ctx, &c);
	return 0;
}

SEC("fentry/cap_capable")
int BPF_PROG(fentry_cap_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts)
{
	if (!want_current(bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (!include_noaudit && !(flags_from_arg(opts) & CAPREC_F_AUDIT))
		return 0;
	stash_entry_stack(ctx);
	return 0;
}

SEC("fentry/security_capable")
int BPF_PROG(fentry_security_capable)
{
	security_capable_entered();
	return 0;
}

SEC("fexit/security_capable")
int BPF_PROG(fexit_security_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	security_capable_returned(ctx, ret);
	return 0;
}

SEC("kprobe/cap_capable")
int BPF_KPROBE(kprobe_cap_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	       unsigned int opts)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct check c = {};

	if (!want_current(pid_tgid >> 32))
		return 0;
	c.cap = cap;
	c.flags = flags_from_arg(opts);
	if (include_noaudit || (c.flags & CAPREC_F_AUDIT))
		cred_probe(&c.cred, cred);
	fill_userns(&c, ns);
	if (bpf_map_update_elem(&entry_args, &tid, &c, BPF_ANY)) {
		count(CAPREC_CNT_PENDING_FULL);
		return 0;
	}
	if (include_noaudit || (c.flags & CAPREC_F_AUDIT))
		stash_entry_stack(ctx);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(kretprobe_cap_capable, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct check *stashed = bpf_map_lookup_elem(&entry_args, &tid);
	struct check c;

	if (!stashed)
		return 0;
	c = *stashed;
	bpf_map_delete_elem(&entry_args, &tid);
	c.ret = ret;
	cap_capable_returned(ctx, &c);
	return 0;
}

SEC("fentry/cap_vm_enough_memory")
int BPF_PROG(fentry_cap_vm_enough_memory)
{
	vm_enough_memory_entered(ctx);
	return 0;
}

SEC("fexit/cap_vm_enough_memory")
int BPF_PROG(fexit_cap_vm_enough_memory, void *mm, long pages, int ret)
{
	vm_enough_memory_returned(ctx, ret);
	return 0;
}

SEC("kprobe/cap_vm_enough_memory")
int BPF_KPROBE(kprobe_cap_vm_enough_memory)
{
	vm_enough_memory_entered(ctx);
	return 0;
}

SEC("kretprobe/cap_vm_enough_memory")
int BPF_KRETPROBE(kretprobe_cap_vm_enough_memory, int ret)
{
	vm_enough_memory_returned(ctx, ret);
	return 0;
}

SEC("kprobe/security_capable")
int BPF_KPROBE(kprobe_security_capable)
{
	security_capable_entered();
	return 0;
}

SEC("kretprobe/security_capable")
int BPF_KRETPROBE(kretprobe_security_capable, int ret)
{
	security_capable_returned(ctx, ret);
	return 0;
}

/* ---- process lifecycle (every mode) ---- */

static __always_inline struct caprec_proc_event *reserve_proc(__u32 kind, struct task_struct *task)
{
	struct caprec_proc_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count(CAPREC_CNT_LOST_PROC);
		return NULL;
	}
	e->hdr.kind = kind;
	e->hdr.pid = BPF_CORE_READ(task, tgid);
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->start_time_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = 0;
	e->parent_start_time_ns = 0;
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	e->exec_path[0] = '\0';
	e->args_len = 0;
	e->pad = 0;
	e->uid = 0;
	e->euid = 0;
	e->exe_names_len = 0;
	e->exe_flags = 0;
	e->interp_base = 0;
	return e;
}

#define AT_NULL 0
#define AT_BASE 7
#define AUXV_PAIRS_MAX 32

/* AT_BASE of the new image's auxiliary vector (mm->saved_auxv), 0 when absent. */
static __always_inline __u64 interpreter_base(struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	const __u64 *auxv;
	__u64 pair[2];
	int i;

	if (!mm)
		return 0;
	auxv = (const __u64 *)&mm->saved_auxv[0];
	for (i = 0; i < AUXV_PAIRS_MAX; i++) {
		if (bpf_probe_read_kernel(pair, sizeof(pair), auxv + 2 * i) || pair[0] == AT_NULL)
			return 0;
		if (pair[0] == AT_BASE)
			return pair[1];
	}
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	struct caprec_proc_event *e;
	__u8 one = 1;

	if (BPF_CORE_READ(child, pid) != child_tgid)
		return 0; /* a new thread, not a new process */
	if (!trace_self && parent_tgid == self_tgid)
		return 0; /* caprec's own children, e.g. the -- CMD runner (added by user space) */
	if (filter_pids) {
		if (!bpf_map_lookup_elem(&traced_pids, &parent_tgid))
			return 0;
		if (!follow_forks)
			return 0;
		bpf_map_update_elem(&traced_pids, &child_tgid, &one, BPF_ANY);
	}
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return 0;
	e = reserve_proc(CAPREC_REC_FORK, child);
	if (!e)
		return 0;
	e->ppid = parent_tgid;
	e->parent_start_time_ns = BPF_CORE_READ(parent, group_leader, start_boottime);
	bpf_ringbuf_submit(e, submit_flags());
	return 0;
}

/*
 * A file's path, symlinks resolved (/bin/chown is /usr/bin/chown, /usr/sbin/ip
 * is /usr/bin/ip): its names from the dentry up to the root of its mount,
 * then on from the mount point, up to the root of the process's mount
 * namespace, leaf first into names[CAPREC_EXE_NAMES_LEN]. Taken in the same
 * ordered stream as the checks: never from /proc later, when the process may
 * run another image or be gone.
 */
static __always_inline void walk_file_path(struct file *file, char *names, __u32 *names_len,
					   __u32 *flags)
{
	const __u32 half = CAPREC_EXE_NAMES_LEN / 2;
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	struct mount *mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	struct exe_walk *w;
	__u32 zero = 0, i;

	w = bpf_map_lookup_elem(&exe_walk_scratch, &zero);
	if (!w)
		return;
	w->off = 0;
	for (i = 0; i < CAPREC_EXE_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
		struct dentry *root = BPF_CORE_READ(mnt, mnt.mnt_root);
		/*
		 * Read back from the map: an offset the verifier cannot follow
		 * lets it treat every iteration alike instead of exploring each
		 * combination of name lengths.
		 */
		__u32 off = w->off;
		long n;

		if (dentry == root || dentry == parent) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

			if (dentry != root || up == mnt) {
				/* The root of the namespace, or of a detached tree: done. */
				*flags |= CAPREC_EXE_COMPLETE;
				break;
			}
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			continue;
		}
		if (off >= half)
			break; /* too long: incomplete */
		n = bpf_probe_read_kernel_str(w->names + (off & (half - 1)), half,
					      BPF_CORE_READ(dentry, d_name.name));
		if (n <= 0)
			break;
		w->off = off + n;
		dentry = parent;
	}
	*names_len = w->off;
	if (*names_len > CAPREC_EXE_NAMES_LEN)
		*names_len = CAPREC_EXE_NAMES_LEN;
	bpf_probe_read_kernel(names, CAPREC_EXE_NAMES_LEN, w->names);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	struct caprec_proc_event *e;

	if (!want_current(bpf_get_current_pid_tgid() >> 32))
		return 0;
	e = reserve_proc(CAPREC_REC_EXEC, task);
	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->exec_path, sizeof(e->exec_path), BPF_CORE_READ(bprm, filename));
	walk_file_path(BPF_CORE_READ(bprm, file), e->exe_names, &e->exe_names_len, &e->exe_flags);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->euid = BPF_CORE_READ(task, cred, euid.val);
	/*
	 * The new argv, already on the new stack: a process that exits before
	 * caprec reads /proc/PID/cmdline keeps its command line.
	 */
	{
		__u64 start = BPF_CORE_READ(task, mm, arg_start);
		__u64 len = BPF_CORE_READ(task, mm, arg_end) - start;

		/* The mask proves the bound to the verifier (sizeof(e->args) is a power of two). */
		if (len > sizeof(e->args) - 1)
			len = sizeof(e->args) - 1;
		len &= sizeof(e->args) - 1;
		if (len && bpf_probe_read_user(e->args, len, (const void *)start) == 0)
			e->args_len = len;
	}
	if (want_ustack)
		e->interp_base = interpreter_base(task);
	bpf_ringbuf_submit(e, submit_flags());
	return 0;
}

/* Only the first argument: older kernels have no group_dead argument. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct caprec_proc_event *e;

	if (want_sysret) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();

		/* exit() never returns: a reused tid must not inherit the entry. */
		bpf_map_delete_elem(&checked_syscall, &tid);
	}
	/* do_exit() decrements signal->live before this tracepoint: 0 = last thread. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (!want_current(tgid))
		return 0;
	e = reserve_proc(CAPREC_REC_EXIT, task);
	if (e) {
		e->exit_code = BPF_CORE_READ(task, exit_code);
		bpf_ringbuf_submit(e, submit_flags());
	}
	/* A pid is reused: it must not stay in the set once its process is gone. */
	if (filter_pids)
		bpf_map_delete_elem(&traced_pids, &tgid);
	return 0;
}

/*
 * ---- syscall returns (want_sysret) ----
 * Every syscall of the host passes here; only a thread that made a check
 * during this syscall has an entry, so the rest cost one hash lookup. The
 * record follows the checks in the ring buffer, so user space knows which
 * checks it closes.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct caprec_sysret_event *e;

	if (!bpf_map_lookup_elem(&checked_syscall, &tid))
		return 0;
	bpf_map_delete_elem(&checked_syscall, &tid);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(CAPREC_CNT_LOST_PROC);
		return 0;
	}
	e->hdr.kind = CAPREC_REC_SYSRET;
	e->hdr.pid = pid_tgid >> 32;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->start_time_ns = bpf_get_current_task_btf()->group_leader->start_boottime;
	e->tid = tid;
#if defined(__TARGET_ARCH_x86)
	e->syscall_nr = (__s32)BPF_CORE_READ(regs, orig_ax);
#else
	e->syscall_nr = BPF_CORE_READ(regs, syscallno);
#endif
	e->ret = ret;
	bpf_ringbuf_submit(e, submit_flags());
	return 0;
}

/*
 * ---- mappings (-U with a stack copy) ----
 * A file mapped executable: where a library's code is in this process,
 * known to the recorder before any later check of the process arrives (the
 * ring buffer is ordered), so its frames are placed even if the process is
 * gone before its maps could be read. A syscall tracepoint of mmap alone:
 * nothing runs for other syscalls.
 */

/* The record of a syscalls:sys_exit_* tracepoint (events/syscalls/.../format). */
struct syscall_exit_ctx {
	__u64 common;
	__s32 syscall_nr;
	__s32 pad;
	__s64 ret;
};

#define PROT_EXEC_BIT 0x4
#define MAP_ANONYMOUS_BIT 0x20

/* The task's open file fd, or NULL. */
static __always_inline struct file *task_file(struct task_struct *task, __s32 fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;

	if (!fdt || fd < 0 || (__u32)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

SEC("tracepoint/syscalls/sys_exit_mmap")
int handle_mmap_exit(struct syscall_exit_ctx *ctx)
{
#if defined(__TARGET_ARCH_x86)
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct caprec_map_event *e;
	struct pt_regs *regs;
	struct file *file;
	__u64 prot, flags;

	/* An error is -4095..-1; every other value is the mapping's address. */
	if (ctx->ret < 0 && ctx->ret >= -4095)
		return 0;
	if (!use_task_pt_regs || !want_current(pid_tgid >> 32))
		return 0;
	task = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
	/* The syscall's arguments stay in the saved registers: len, prot, flags, fd, offset. */
	prot = BPF_CORE_READ(regs, dx);
	flags = BPF_CORE_READ(regs, r10);
	if (!(prot & PROT_EXEC_BIT) || (flags & MAP_ANONYMOUS_BIT))
		return 0;
	file = task_file(task, (__s32)BPF_CORE_READ(regs, r8));
	if (!file)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		/* Counted with the stacks lost: later paths of the process may be cut. */
		count(CAPREC_CNT_STACK_ERR);
		return 0;
	}
	e->hdr.kind = CAPREC_REC_MAP;
	e->hdr.pid = pid_tgid >> 32;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->start_time_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	e->addr = (__u64)ctx->ret;
	e->len = BPF_CORE_READ(regs, si);
	e->pgoff = BPF_CORE_READ(regs, r9);
	e->path_names_len = 0;
	e->path_flags = 0;
	walk_file_path(file, e->path_names, &e->path_names_len, &e->path_flags);
	bpf_ringbuf_submit(e, submit_flags());
#endif
	return 0;
}
