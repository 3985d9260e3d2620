/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * caprec_event.h - the one contract between caprec's BPF programs and its
 * user side: the records sent through the ring buffer and the values kept in
 * shared maps. Fixed-width types only, explicit padding, no functions; the
 * user side _Static_asserts every size (record/event_layout.c) so a change on
 * one side that the other does not see fails the build.
 *
 * Every record starts with struct caprec_header; `kind` says which struct
 * follows. Times are CLOCK_BOOTTIME ns (bpf_ktime_get_boot_ns()).
 */
#ifndef CAPREC_EVENT_H
#define CAPREC_EVENT_H

/*
 * The kernel's fixed-width types (__u32, __u64...), from the uapi header on
 * both sides (vmlinux_min.h includes it too): include-guarded, so this header
 * can come before or after libbpf's and the kernel's headers.
 */
#include <linux/types.h>

#define CAPREC_COMM_LEN 16
/* Deepest stacks kept: 127 is the kernel's default perf_event_max_stack. */
#define CAPREC_KSTACK_MAX 64
#define CAPREC_USTACK_MAX 48
/*
 * Tracepoint mode infers the audit flag from the caller: raw kernel-stack
 * words read above the program (512 bytes), or, where that read fails, this
 * many unwound frames.
 */
#define CAPREC_CALLER_SCAN_WORDS 64
#define CAPREC_CALLER_FRAMES 8
/* Entries of the caller-range map (ns_capable_noaudit & co). */
#define CAPREC_CALLER_RANGES 32
/*
 * -U: the most bytes of the user stack (from the stack pointer up) copied
 * with each check for unwinding from the binaries' unwind tables in user
 * space; the size used is set at load time (rodata ustack_copy_bytes, a
 * multiple of 8). The bytes are read by the recorder and never written.
 */
#define CAPREC_USTACK_COPY_MAX 32768
#define CAPREC_EXEC_PATH_LEN 256
#define CAPREC_EXEC_ARGS_LEN 256
/*
 * The executed file's path as the kernel resolved it: its names, leaf first,
 * each NUL-terminated, walked from bprm->file up to the root. A name may start
 * anywhere in the first half, so the last one always fits.
 */
#define CAPREC_EXE_NAMES_LEN 512
#define CAPREC_EXE_DEPTH 40

enum caprec_record_kind {
	CAPREC_REC_CAP = 1,  /* struct caprec_cap_event: one capability check */
	CAPREC_REC_FORK = 2, /* struct caprec_proc_event: a new process (not a thread) */
	CAPREC_REC_EXEC = 3, /* struct caprec_proc_event: a process image was replaced */
	CAPREC_REC_EXIT = 4, /* struct caprec_proc_event: a process (its last thread) exited */
	CAPREC_REC_SYSRET = 5, /* struct caprec_sysret_event: a syscall that made checks returned */
	CAPREC_REC_MAP = 6,    /* struct caprec_map_event: a file mapped executable (-U copies) */
};

/* caprec_cap_event.flags: same bit values as CRF_EV_* (format/crf_types.h). */
#define CAPREC_F_AUDIT (1u << 0)
#define CAPREC_F_AUDIT_INFERRED (1u << 1)
#define CAPREC_F_INSETID (1u << 2)
#define CAPREC_F_INSETID_KNOWN (1u << 3)
#define CAPREC_F_FINAL_KNOWN (1u << 4)

/* How the BPF side learns the audit flag (rodata audit_source). */
enum caprec_audit_source {
	CAPREC_AUDIT_OPTS = 0,     /* 5.1+: unsigned int opts, CAP_OPT_NOAUDIT/INSETID bits */
	CAPREC_AUDIT_INT = 1,      /* 3.3 - 5.0: int audit, 1 = audit */
	CAPREC_AUDIT_INFERRED = 2, /* tracepoint: from the caller frames (caller-range map) */
};

/* Which kernel function a caller range stands for (struct caprec_caller_range.class). */
enum caprec_caller_class {
	CAPREC_CALLER_UNUSED = 0,  /* empty slot */
	CAPREC_CALLER_AUDIT = 1,   /* ns_capable(), capable(), ...: audited, no flag */
	CAPREC_CALLER_NOAUDIT = 2, /* passes CAP_OPT_NOAUDIT */
	CAPREC_CALLER_SETID = 3,   /* ns_capable_setid(): CAP_OPT_INSETID */
};

/* One value of the caller-range array map: a function's [start, end) text addresses. */
struct caprec_caller_range {
	__u64 start;
	__u64 end;
	__u32 class;   /* enum caprec_caller_class */
	__u32 pad;     /* zero */
};

/* Common start of every ring-buffer record. */
struct caprec_header {
	__u32 kind;    /* enum caprec_record_kind */
	__u32 pid;     /* process id (tgid) of the task the record is about */
	__u64 time_ns; /* CLOCK_BOOTTIME ns */
};

/* One capability check, without stacks (the record when neither -K nor -U). */
struct caprec_cap_event {
	struct caprec_header hdr;  /* kind = CAPREC_REC_CAP, pid = current tgid */
	__u64 start_time_ns;       /* group leader's start_boottime: pid + this = identity */
	__u64 cgroup_id;           /* cgroup v2 id of the current task */
	__u32 tid;                 /* thread id of the checking task */
	__u32 uid;                 /* real uid of the current task */
	__s32 cap;                 /* capability number */
	__u32 flags;               /* CAPREC_F_* */
	__s32 ret;                 /* cap_capable(): 0 granted, -EPERM denied */
	__s32 final_ret;           /* security_capable(), valid with CAPREC_F_FINAL_KNOWN */
	__s32 syscall_nr;          /* syscall being served, -1 when none (kernel thread) */
	__u32 userns_inum;         /* inode number of the target user namespace */
	__u32 userns_level;        /* its nesting level, 0 = initial namespace */
	__u16 kstack_depth;        /* frames in kstack[] (stack records only) */
	__u16 ustack_depth;        /* frames in ustack[] (stack records only) */
	char comm[CAPREC_COMM_LEN]; /* comm of the checking thread */
	/* The credentials checked (cap_capable()'s cred: the task's, or overridden ones). */
	__u32 euid;
	__u32 suid;
	__u32 fsuid;
	__u32 gid;
	__u32 egid;
	__u32 fsgid;
	__u64 cap_effective;       /* bit n = capability n */
	__u64 cap_permitted;
};

/* caprec_user_frame.status: the kernel's BPF_STACK_BUILD_ID_* values. */
#define CAPREC_UFRAME_EMPTY 0
#define CAPREC_UFRAME_VALID 1 /* build_id + file offset */
#define CAPREC_UFRAME_IP 2    /* the kernel could not read the build id: an address */

/*
 * One user frame, as bpf_get_stack(BPF_F_USER_STACK | BPF_F_USER_BUILD_ID)
 * writes it (struct bpf_stack_build_id). The kernel resolves the frame to
 * (build-id, file offset) at the time of the check, so the frames of a
 * process that exits before caprec reads its maps stay meaningful. It falls
 * back to the address when it cannot (mmap_lock already held, as in the
 * checks made by mmap itself; file not in the page cache).
 */
struct caprec_user_frame {
	__s32 status;       /* CAPREC_UFRAME_* */
	__u8 build_id[20];  /* VALID: GNU build-id of the mapped file (20 bytes, SHA-1) */
	__u64 offset_or_ip; /* VALID: offset in the file; IP: the instruction address */
};

/* A capability check with stacks: sent instead when -K or -U was asked for. */
struct caprec_cap_stack_event {
	struct caprec_cap_event ev;
	/*
	 * The executable's text: mm->start_code/end_code (0 for kernel threads).
	 * Names address-only user frames of a process that is gone before its
	 * maps could be read: offset = addr - code_start + the file offset of the
	 * executable's first PF_X segment.
	 */
	__u64 code_start;
	__u64 code_end;
	__u64 kstack[CAPREC_KSTACK_MAX];                  /* innermost first, kernel text */
	struct caprec_user_frame ustack[CAPREC_USTACK_MAX]; /* innermost first */
	/*
	 * -U with a stack copy: the user registers at the kernel entry (x86-64
	 * ip/sp/bp, arm64 pc/sp/x29; 0 when unknown) and ustack_bytes bytes of
	 * the user stack from sp up, in stack_data. With a stack copy the record
	 * is sizeof(struct caprec_cap_stack_event) + ustack_bytes long.
	 */
	__u64 user_ip;
	__u64 user_sp;
	__u64 user_fp;
	__u32 ustack_bytes;
	__u32 ustack_pad;      /* zero */
	__u8 stack_data[];
};

/* Fork, exec and exit of a traced process. */
struct caprec_proc_event {
	struct caprec_header hdr;  /* pid = the process the record is about */
	__u64 start_time_ns;       /* that process's start_boottime */
	__u32 ppid;                /* parent's process id (real_parent tgid) */
	__s32 exit_code;           /* EXIT: task->exit_code (wait status), else 0 */
	__u64 parent_start_time_ns; /* FORK: parent's start_boottime, else 0 */
	char comm[CAPREC_COMM_LEN];
	char exec_path[CAPREC_EXEC_PATH_LEN]; /* EXEC: bprm->filename, else empty */
	__u32 args_len;            /* EXEC: bytes in args[] */
	__u32 pad;                 /* zero */
	char args[CAPREC_EXEC_ARGS_LEN]; /* EXEC: start of the new argv, NUL-separated */
	__u32 uid;                 /* EXEC: real uid of the new image */
	__u32 euid;                /* EXEC: effective uid (setuid files change it) */
	__u32 exe_names_len;       /* EXEC: bytes used in exe_names[] */
	__u32 exe_flags;           /* EXEC: CAPREC_EXE_* */
	char exe_names[CAPREC_EXE_NAMES_LEN]; /* EXEC: bprm->file's names, leaf first */
	/*
	 * EXEC: where the kernel loaded the program interpreter (AT_BASE, the
	 * dynamic loader), 0 for a static program. Places ld.so's frames of a
	 * process that exits before its maps are read (its startup mmap checks).
	 */
	__u64 interp_base;
};

/* caprec_proc_event.exe_flags, caprec_map_event.path_flags */
#define CAPREC_EXE_COMPLETE (1u << 0) /* the walk reached the root: exe_names is the whole path */

/*
 * A process mapped a file executable (mmap with PROT_EXEC of a file: ld.so
 * loading a library, dlopen), sent only when user stacks are copied for
 * unwinding. It places the library's frames in that process even when the
 * process exits before caprec reads its maps (a dlopen'd pam module of a
 * short su). Used to unwind, never written: addresses stay out of recordings.
 */
struct caprec_map_event {
	struct caprec_header hdr;  /* kind = CAPREC_REC_MAP, pid = current tgid */
	__u64 start_time_ns;       /* group leader's start_boottime */
	__u64 addr;                /* start of the mapping */
	__u64 len;                 /* its length, bytes */
	__u64 pgoff;               /* file offset mapped at addr, bytes */
	__u32 path_names_len;      /* bytes used in path_names[] */
	__u32 path_flags;          /* CAPREC_EXE_* */
	char path_names[CAPREC_EXE_NAMES_LEN]; /* the file's names, leaf first, as exe_names */
};

/*
 * The return of a syscall during which the thread made at least one check
 * (only when syscall returns are traced): the checks of tid since its
 * previous record of this kind were made during this syscall.
 */
struct caprec_sysret_event {
	struct caprec_header hdr;  /* kind = CAPREC_REC_SYSRET, pid = tgid */
	__u64 start_time_ns;       /* group leader's start_boottime */
	__u32 tid;
	__s32 syscall_nr;
	__s64 ret;                 /* the syscall's return value (-errno on failure) */
};

/* Per-CPU counters (array map "counters", index = enum caprec_counter). */
enum caprec_counter {
	CAPREC_CNT_LOST_CAP = 0,  /* capability events dropped: ring buffer full */
	CAPREC_CNT_LOST_PROC = 1, /* fork/exec/exit/syscall-return records dropped */
	CAPREC_CNT_SEEN = 2,      /* checks that passed the filters (sent or lost) */
	CAPREC_CNT_STACK_ERR = 3, /* bpf_get_stack failures (event sent without that stack) */
	CAPREC_CNT_PENDING_FULL = 4, /* fentry/kprobe: per-thread stash full */
	CAPREC_CNT_MAX = 5,
};

#endif /* CAPREC_EVENT_H */
