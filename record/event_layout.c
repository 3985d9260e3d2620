// SPDX-License-Identifier: GPL-2.0-only
/*
 * event_layout.c - compile-time checks that the user side sees the records of
 * bpf/caprec_event.h with the sizes and offsets the BPF side (clang -target
 * bpf, the same header) produces: no implicit padding, 8-byte alignment, and
 * flag bits equal to the format's CRF_EV_* bits, so they are copied as is.
 */
#include <linux/bpf.h>
#include <stddef.h>

#include "caprec_event.h"
#include "crf_types.h"

_Static_assert(sizeof(struct caprec_header) == 16, "caprec_header layout");
_Static_assert(sizeof(struct caprec_cap_event) == 128, "caprec_cap_event layout");
_Static_assert(offsetof(struct caprec_cap_event, cap_effective) == 112,
	       "caprec_cap_event.cap_effective offset");
_Static_assert(offsetof(struct caprec_cap_event, comm) == 72, "caprec_cap_event.comm offset");
_Static_assert(sizeof(struct caprec_user_frame) == sizeof(struct bpf_stack_build_id) &&
	       offsetof(struct caprec_user_frame, build_id) ==
	       offsetof(struct bpf_stack_build_id, build_id) &&
	       offsetof(struct caprec_user_frame, offset_or_ip) ==
	       offsetof(struct bpf_stack_build_id, offset), "caprec_user_frame is the kernel's");
_Static_assert(CAPREC_UFRAME_VALID == BPF_STACK_BUILD_ID_VALID &&
	       CAPREC_UFRAME_IP == BPF_STACK_BUILD_ID_IP, "user frame status values");
_Static_assert(sizeof(struct caprec_cap_stack_event) ==
	       128 + 16 + 8 * CAPREC_KSTACK_MAX + 32 * CAPREC_USTACK_MAX + 32,
	       "caprec_cap_stack_event layout");
_Static_assert(sizeof(struct caprec_proc_event) == 56 + CAPREC_EXEC_PATH_LEN + 8 +
	       CAPREC_EXEC_ARGS_LEN + 16 + CAPREC_EXE_NAMES_LEN + 8,
	       "caprec_proc_event layout");
_Static_assert(sizeof(struct caprec_sysret_event) == 40, "caprec_sysret_event layout");
_Static_assert(sizeof(struct caprec_map_event) == 56 + CAPREC_EXE_NAMES_LEN,
	       "caprec_map_event layout");
_Static_assert((CAPREC_EXE_NAMES_LEN & (CAPREC_EXE_NAMES_LEN - 1)) == 0,
	       "the BPF side masks offsets into exe_names");
_Static_assert(sizeof(struct caprec_caller_range) == 24, "caprec_caller_range layout");
_Static_assert(CAPREC_F_AUDIT == CRF_EV_AUDIT && CAPREC_F_AUDIT_INFERRED == CRF_EV_AUDIT_INFERRED &&
	       CAPREC_F_INSETID == CRF_EV_INSETID &&
	       CAPREC_F_INSETID_KNOWN == CRF_EV_INSETID_KNOWN &&
	       CAPREC_F_FINAL_KNOWN == CRF_EV_FINAL_KNOWN, "flag bits are the format's");
