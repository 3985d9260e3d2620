/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * recorder.h - the state of one caprec run shared by the event handlers:
 * what was loaded, where events go (recording and/or live text), and the
 * tables that give events their identity (processes) and their stacks.
 */
#ifndef CAPREC_RECORDER_H
#define CAPREC_RECORDER_H

#include <stdint.h>
#include <stdio.h>

#include "bpf_setup.h"
#include "crf_text.h"
#include "kallsyms.h"
#include "output.h"
#include "proc_table.h"
#include "stacks.h"
#include "thread_table.h"
#include "user_symbolizer.h"

struct recorder {
	bool kernel_stacks;              /* -K: symbolize and keep kernel stacks */
	bool user_stacks;                /* -U */
	struct bpf_session bpf;
	struct kallsyms *ksyms;          /* NULL when /proc/kallsyms is unreadable */
	struct user_symbolizer *usym;    /* with -U */
	struct build_id_cache *build_ids; /* with -U */
	struct unwind_binaries *unwind_bins; /* with -U and a stack copy */
	struct process_modules *placed;  /* with unwind_bins: files placed per process */
	struct stack_quality ustack_quality; /* how far the user stacks reached */
	uint32_t ustack_copy_bytes;      /* user stack bytes after each stack record */
	struct proc_table *procs;
	struct output *output;           /* with -o */
	FILE *live;                      /* where live lines go; NULL when not printing */
	struct crf_text_options text;
	struct sym_stack kstack;         /* scratch, reused per event */
	struct sym_stack ustack;
	struct thread_table threads;     /* credentials written, checks awaiting a syscall return */
	uint32_t command_pid;            /* -- CMD's process id (0 = none): runs in caprec's cwd */
	int64_t realtime_offset_ns;      /* CLOCK_REALTIME - CLOCK_BOOTTIME, for live times */
	uint64_t events;                 /* capability events handled */
	uint64_t lost;                   /* capability events the kernel side dropped */
	uint64_t proc_lost;              /* fork/exec/exit/syscall-return records dropped */
	uint64_t stack_errors;           /* stacks the kernel side could not take */
	uint64_t bad_records;            /* ring-buffer records of an unexpected size */
	int error;                       /* first fatal error; errbuf says what */
	char errbuf[512];
};

/* ring_buffer__new() callback: one record from the BPF side. */
int recorder_handle_record(void *ctx, void *data, size_t size);

/*
 * Records what the kernel side lost since the last call (after every event
 * consumed so far): events and process records from the counters given,
 * stacks from the session's own counter; one LOSS block with every kind.
 * Returns 0 or the fatal error.
 */
int recorder_account_losses(struct recorder *rec, uint64_t lost_now, uint64_t proc_lost_now);

/* Refreshes realtime_offset_ns. */
void recorder_sync_clock(struct recorder *rec);

#endif /* CAPREC_RECORDER_H */
