/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options.h - caprec's command line, parsed into plain values. No side
 * effects: parsing never opens, attaches or prints (the caller prints the
 * one-line error parse_options() leaves in errbuf; main() answers --help and
 * --version).
 *
 *   caprec [-v] [-K] [-U] [-x] [-p PID]... [--follow] [--cgroup PATH] [-o FILE|-] [--print]
 *          [--duration SECONDS] [--max-size SIZE] [--buffer-size SIZE]
 *          [--attach auto|tracepoint|fentry|kprobe] [--trace-self]
 *          [--syscall-returns auto|on|off] [-- CMD ARGS...]
 *   caprec --probe
 *   caprec --version
 */
#ifndef CAPREC_OPTIONS_H
#define CAPREC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPREC_MAX_PIDS 256
#define CAPREC_DEFAULT_BUFFER_SIZE (4u << 20)
/*
 * The most the BPF side copies: 8 KiB (perf's default) cuts real paths short
 * (libaudit and pam_limits keep 9 KiB buffers on the stack; libaudit's acct
 * messages need ~20 KiB). The copy stops at the top of the stack (the main
 * thread's start, a thread's control block), so a shallow stack costs its
 * depth, not the bound.
 */
#if defined(__x86_64__)
#define CAPREC_DEFAULT_USER_STACK_BYTES 32768
#else
/* The unwinder knows x86-64's registers only: elsewhere the kernel's frame-pointer walk. */
#define CAPREC_DEFAULT_USER_STACK_BYTES 0
#endif

enum attach_mode {
	ATTACH_AUTO = 0,
	ATTACH_TRACEPOINT,
	ATTACH_FENTRY,
	ATTACH_KPROBE,
};

/* --syscall-returns: auto = when -p or -- CMD chose the processes. */
enum syscall_returns {
	SYSCALL_RETURNS_AUTO = 0,
	SYSCALL_RETURNS_ON,
	SYSCALL_RETURNS_OFF,
};

struct caprec_options {
	bool verbose;            /* -v: include non-audit checks */
	bool kernel_stacks;      /* -K */
	bool user_stacks;        /* -U */
	bool extended;           /* -x */
	bool follow;             /* --follow */
	bool print;              /* --print (with -o) */
	bool force;              /* --force: -o may replace the user's own regular file */
	bool trace_self;         /* --trace-self */
	bool probe;              /* --probe */
	bool help;               /* -h/--help */
	bool version;            /* --version */
	uint32_t pids[CAPREC_MAX_PIDS]; /* -p, process ids */
	size_t pid_count;
	const char *cgroup_path; /* --cgroup */
	const char *output_path; /* -o; "-" = stdout */
	double duration_s;       /* --duration, 0 = until stopped */
	uint64_t max_size;       /* --max-size bytes, 0 = no rotation */
	uint64_t buffer_size;    /* --buffer-size bytes (power of two >= page size) */
	uint64_t user_stack_bytes; /* --user-stack-bytes (with -U), multiple of 8 */
	enum attach_mode attach; /* --attach */
	enum syscall_returns syscall_returns; /* --syscall-returns */
	char *const *command;    /* -- CMD ARGS... (NULL-terminated, points into argv), or NULL */
};

/*
 * Parses argv into *opts. Returns 0, or -EINVAL with a one-line message (no
 * newline, no program name) in errbuf.
 */
int parse_options(int argc, char **argv, struct caprec_options *opts, char *errbuf,
		  size_t errsize);

/* Parses "4096", "64k", "4M", "1G" (binary multiples). Returns 0 or -EINVAL. */
int parse_size(const char *text, uint64_t *bytes);

/*
 * "-v -K ... --attach auto": the options that shape what is recorded, in a
 * stable order, for the recording's metadata. Always NUL-terminated.
 */
void options_describe(char *buf, size_t size, const struct caprec_options *opts);

/* "auto", "tracepoint", ... */
const char *attach_mode_name(enum attach_mode mode);

/* The usage text, for -h and errors. */
extern const char caprec_usage[];

#endif /* CAPREC_OPTIONS_H */
