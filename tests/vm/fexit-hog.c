// SPDX-License-Identifier: GPL-2.0-only
/*
 * Makes fentry/fexit on cap_capable() unavailable, leaving kprobes working: attaches trivial
 * fexit programs to cap_capable until its BPF trampoline is full (the kernel caps the links
 * per trampoline, BPF_MAX_TRAMP_LINKS: 38 on x86-64; the next attach fails with E2BIG). This
 * is how the matrix checks that caprec's automatic choice falls back to kprobes where fentry
 * cannot be attached, on a kernel that otherwise supports it.
 *
 * usage: fexit-hog      prints "fexit-hog: N links, trampoline full" once full, then holds
 *                       the links until its standard input reaches end of file.
 * Exits 0 after releasing them; 1 when the trampoline could not be filled (with the reason).
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_HOG 64

int main(void)
{
	/* return 0: the smallest program the verifier accepts. */
	const struct bpf_insn program[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int prog_fds[MAX_HOG], link_fds[MAX_HOG];
	int count = 0, status = 1, btf_id, err = 0;
	struct btf *btf = btf__load_vmlinux_btf();
	char c;

	if (!btf) {
		fprintf(stderr, "fexit-hog: no vmlinux BTF: %s\n", strerror(errno));
		return 1;
	}
	btf_id = btf__find_by_name_kind(btf, "cap_capable", BTF_KIND_FUNC);
	btf__free(btf);
	if (btf_id < 0) {
		fprintf(stderr, "fexit-hog: cap_capable is not in BTF\n");
		return 1;
	}
	while (count < MAX_HOG) {
		LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT,
			    .attach_btf_id = btf_id);

		prog_fds[count] = bpf_prog_load(BPF_PROG_TYPE_TRACING, "hog", "GPL", program, 2,
						&opts);
		if (prog_fds[count] < 0) {
			err = -prog_fds[count];
			break;
		}
		link_fds[count] = bpf_link_create(prog_fds[count], 0, BPF_TRACE_FEXIT, NULL);
		if (link_fds[count] < 0) {
			err = -link_fds[count];
			close(prog_fds[count]);
			break;
		}
		count++;
	}
	if (err != E2BIG) {
		fprintf(stderr, "fexit-hog: stopped after %d links: %s (wanted E2BIG)\n", count,
			strerror(err ? err : ENOSPC));
		goto cleanup;
	}
	printf("fexit-hog: %d links, trampoline full\n", count);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	status = 0;
cleanup:
	while (count > 0) {
		count--;
		close(link_fds[count]);
		close(prog_fds[count]);
	}
	return status;
}
