// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_mmap - maps 64 MiB of private writable anonymous memory.
 *
 * Capabilities it must produce (from sample_map_private_memory):
 *   cap      CAP_SYS_ADMIN (21)
 *   syscall  mmap (x86-64: 9)
 *   kernel   ksys_mmap_pgoff -> vm_mmap_pgoff -> do_mmap -> __mmap_region
 *            -> security_vm_enough_memory_mm -> (cap_vm_enough_memory) -> cap_capable
 *            On 6.18 cap_vm_enough_memory is not a frame of its own (the LSM hook is
 *            called through a static call and inlined): the caller frame of
 *            cap_capable is security_vm_enough_memory_mm.
 *   audit    NO: cap_vm_enough_memory() passes CAP_OPT_NOAUDIT, so caprec shows it only
 *            with -v. This is the most frequent capability check on any system.
 *   verdict  root: granted; --uid 1000 or --drop cap_sys_admin: denied (the mapping
 *            still succeeds: the verdict only changes the overcommit reserve)
 * Every private writable mapping is "accountable" and checked, whatever its
 * size; 64 MiB makes the mapping easy to recognise.
 *
 * Usage: sample_mmap [--uid UID] [--drop CAP]... [--wait]
 */
#include "sample_common.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MAPPING_SIZE (64L << 20)

SAMPLE_NOINLINE long sample_map_private_memory(long size)
{
	long address = raw_syscall6(SYS_mmap, 0, size, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return sample_keep_frame(address);
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	long address;
	int err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	err = sample_apply_options(&opts);
	if (err) {
		fprintf(stderr, "sample_mmap: cannot apply options: %s\n", strerror(-err));
		return 1;
	}
	address = sample_map_private_memory(MAPPING_SIZE);
	/* The report shows 0 for a mapping, -errno for a failure. */
	sample_report("sample_map_private_memory", 21, "mmap", SYS_mmap,
		      address < 0 && address > -4096 ? address : 0);
	if (address < 0 && address > -4096)
		return 1;
	munmap((void *)address, MAPPING_SIZE);
	return 0;
}
