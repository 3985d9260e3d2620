/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_text.h - the canonical text form of one capability check, shared by
 * caprec's live output and `capanalyze replay`, so both print byte for byte
 * the same lines for the same event:
 *
 *   TIME     UID    PID     COMM             CAP  NAME                   AUDIT VERDICT
 *   12:03:04 1000   4242    chown            0    CAP_CHOWN              1     deny
 *
 * With extended (caprec -x) the columns are
 *   TIME UID PID TID COMM CAP NAME AUDIT VERDICT SYSCALL INSETID USERNS
 * SYSCALL is the name ("-" outside a syscall, the number when unnamed);
 * INSETID is 1/0, "-" when the attach mode could not see it; USERNS is the
 * target user namespace's inode number.
 * VERDICT is the final verdict (security_capable()) when recorded, else
 * cap_capable()'s; AUDIT is 1 when the check was audited.
 * Stacks follow their line, one frame per line, innermost first:
 *       [k] cap_capable+0x2f
 *       [k] nfsd_setuser+0x10 [nfsd]
 *       [u] main+0x1c (/usr/bin/chown)
 *       [u] 0x1a2b (/usr/lib/libfoo.so)      unresolved symbol: the file offset
 * Kernel frames come before user frames.
 *
 * Only formatting: no BPF, no file reading. Returns 0 or -EIO on a write error.
 */
#ifndef CRF_TEXT_H
#define CRF_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "crf_types.h"

struct crf_text_options {
	bool extended;          /* -x columns */
	bool kernel_stacks;     /* print ev->kernel_stack under the line */
	bool user_stacks;       /* print ev->user_stack under the line */
	const char *machine;    /* uname -m of the recording host, for syscall names; may be NULL */
};

/* Prints the column header line. */
int crf_text_print_header(FILE *out, const struct crf_text_options *opts);

/*
 * Prints ev's line, then its stacks as opts asks. cap_name may be NULL (the
 * number is printed instead); realtime_ns is the wall-clock time of the event
 * (CLOCK_REALTIME ns), printed as local HH:MM:SS.
 */
int crf_text_print_event(FILE *out, const struct crf_event *ev, const char *cap_name,
			 uint64_t realtime_ns, const struct crf_text_options *opts);

/* Prints one stack, one "    [k] ..." / "    [u] ..." line per frame. NULL prints nothing. */
int crf_text_print_stack(FILE *out, const struct crf_stack *stack);

/* Formats one frame (without indentation or newline) into buf. Returns snprintf's length. */
int crf_text_format_frame(char *buf, size_t size, const struct crf_frame *frame);

#endif /* CRF_TEXT_H */
