// SPDX-License-Identifier: GPL-2.0-only
#include "probe.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <string.h>
#include <unistd.h>

#include "kallsyms.h"

static void probe_btf(struct kernel_features *f)
{
	const struct btf_type *func, *proto;
	const struct btf_param *params;
	struct btf *btf = btf__load_vmlinux_btf();
	int id;

	if (!btf)
		return;
	f->btf = true;
	f->tracepoint = btf__find_by_name_kind(btf, "btf_trace_cap_capable", BTF_KIND_TYPEDEF) > 0;
	f->security_capable_btf = btf__find_by_name_kind(btf, "security_capable",
							 BTF_KIND_FUNC) > 0;
	f->vm_enough_memory_btf = btf__find_by_name_kind(btf, "cap_vm_enough_memory",
							 BTF_KIND_FUNC) > 0;
	id = btf__find_by_name_kind(btf, "cap_capable", BTF_KIND_FUNC);
	if (id > 0) {
		f->cap_capable_btf = true;
		func = btf__type_by_id(btf, id);
		proto = func ? btf__type_by_id(btf, func->type) : NULL;
		if (proto && btf_is_func_proto(proto) && btf_vlen(proto) >= 4) {
			const char *name;

			params = btf_params(proto);
			name = btf__name_by_offset(btf, params[3].name_off);
			snprintf(f->cap_arg_name, sizeof(f->cap_arg_name), "%s", name ? name : "");
			/* The name is what changed in 5.1 ("audit" -> "opts"): decide on it. */
			if (name && strcmp(name, "audit") == 0)
				f->cap_arg = CAP_ARG_AUDIT;
			else
				f->cap_arg = CAP_ARG_OPTS;
		}
	}
	btf__free(btf);
}

static void probe_kallsyms(struct kernel_features *f)
{
	struct kallsyms_range range;
	struct kallsyms *ks = NULL;

	if (kallsyms_load(&ks, NULL))
		return;
	f->security_capable_sym = kallsyms_find(ks, "security_capable", "", &range, NULL) == 0;
	f->vm_enough_memory_sym = kallsyms_find(ks, "cap_vm_enough_memory", "", &range,
						NULL) == 0;
	kallsyms_free(ks);
}

void probe_kernel(struct kernel_features *f)
{
	memset(f, 0, sizeof(*f));
	probe_btf(f);
	probe_kallsyms(f);
	f->kprobes = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
		     access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
		     access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
	f->task_pt_regs = libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_task_pt_regs,
						  NULL) == 1;
}

int probe_auto_order(const struct kernel_features *f, enum attach_mode modes[3])
{
	int n = 0;

	if (f->tracepoint)
		modes[n++] = ATTACH_TRACEPOINT;
	if (f->btf && f->cap_capable_btf)
		modes[n++] = ATTACH_FENTRY;
	if (f->kprobes)
		modes[n++] = ATTACH_KPROBE;
	return n;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void probe_print(FILE *out, const struct kernel_features *f, int fentry_loadable,
		 const char *fentry_error, enum attach_mode chosen)
{
	fprintf(out, "BTF (/sys/kernel/btf/vmlinux):        %s\n", yes_no(f->btf));
	fprintf(out, "tracepoint capability:cap_capable:    %s\n", yes_no(f->tracepoint));
	fprintf(out, "cap_capable in BTF (fentry target):   %s\n", yes_no(f->cap_capable_btf));
	if (fentry_loadable < 0)
		fprintf(out, "fexit/cap_capable load+attach:        not tried\n");
	else
		fprintf(out, "fexit/cap_capable load+attach:        %s%s%s\n",
			yes_no(fentry_loadable == 1), fentry_error ? " - " : "",
			fentry_error ? fentry_error : "");
	fprintf(out, "kprobes available:                    %s\n", yes_no(f->kprobes));
	fprintf(out, "cap_capable 4th parameter:            %s\n",
		f->cap_arg == CAP_ARG_AUDIT ? "int audit (3.3 - 5.0 encoding)" :
		f->cap_arg == CAP_ARG_OPTS ? "unsigned int opts (CAP_OPT_* bits)" :
		"unknown (no BTF; opts assumed)");
	if (f->cap_arg_name[0])
		fprintf(out, "  (named \"%s\" in BTF)\n", f->cap_arg_name);
	fprintf(out, "bpf_task_pt_regs (syscall numbers):   %s\n", yes_no(f->task_pt_regs));
	fprintf(out, "security_capable hookable:            fentry %s, kprobe %s\n",
		yes_no(f->security_capable_btf), yes_no(f->security_capable_sym && f->kprobes));
	fprintf(out, "audit flag source:                    %s\n",
		chosen == ATTACH_TRACEPOINT ? "inferred from the caller frame (tracepoint has no opts)" :
		"exact (cap_capable's parameter)");
	switch (chosen) {
	case ATTACH_TRACEPOINT:
		fprintf(out, "auto picks: tracepoint - capability:cap_capable exists (6.14+): "
			     "stable, cheapest, no trampoline\n");
		break;
	case ATTACH_FENTRY:
		fprintf(out, "auto picks: fentry - no cap_capable tracepoint; fexit loads and attaches\n");
		break;
	case ATTACH_KPROBE:
		fprintf(out, "auto picks: kprobe - no tracepoint and fexit %s\n",
			fentry_loadable == 0 ? "fails to load or attach (see above)" : "is not available");
		break;
	default:
		fprintf(out, "auto picks: nothing - this kernel offers no way to see cap_capable()\n");
		break;
	}
}
