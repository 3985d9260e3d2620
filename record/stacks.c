// SPDX-License-Identifier: GPL-2.0-only
#include "stacks.h"

#include "exe_text.h"
#include "needed_libs.h"
#include "proc_maps.h"
#include "process_modules.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * User addresses lie below this on x86-64 (47 or 56 bits) and arm64 (48 or 52
 * bits); kernel addresses have the top bit set.
 */
#define USER_ADDRESS_LIMIT (1ull << 63)

/* How deep cap_capable() is looked for before the stack is kept whole. */
#define CAP_CAPABLE_SEARCH_DEPTH 10

/*
 * Frames of the tracing machinery itself (BPF programs and trampolines,
 * tracepoint glue, kretprobe return trampolines): dropped from the top of a
 * stack taken where cap_capable() is no longer on it (fexit/kretprobe of
 * security_capable()). Their names vary from load to load (bpf_prog_<tag>),
 * so keeping them would defeat deduplication.
 */
static bool is_tracing_frame(const struct kallsyms_location *loc)
{
	static const char *const prefixes[] = {
		"bpf_", "__bpf_", "__traceiter_", "trace_call_bpf", "perf_trace_",
		"kprobe_", "__kprobe_", "kretprobe_", "__kretprobe_", "rethook_",
		"arch_rethook_", "fprobe_", "ftrace_",
	};
	size_t i;

	if (strcmp(loc->module, "bpf") == 0)
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(loc->symbol, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	}
	return false;
}

/*
 * A BPF trampoline on a function X (fentry/fexit of security_capable) shows
 * as: X (the body it called), the trampoline frames (unnamed or tracing), X
 * again (the patched entry that called the trampoline). Returns the index of
 * that second X when frames[i] starts such a run after a frame named inner,
 * else i.
 */
static uint32_t trampoline_run_end(const struct kallsyms *ks, const __u64 *addrs, uint32_t count,
				   uint32_t i, const char *inner)
{
	struct kallsyms_location loc;
	uint32_t j = i;

	while (j < count && (kallsyms_resolve(ks, addrs[j], &loc) != 0 || is_tracing_frame(&loc)))
		j++;
	if (j == i || j >= count || kallsyms_resolve(ks, addrs[j], &loc) != 0 ||
	    strcmp(loc.symbol, inner) != 0)
		return i;
	return j;
}

/*
 * The hooked function whose frame a BPF trampoline hides, known from its only
 * callers: cap_capable() under security_capable(), cap_vm_enough_memory()
 * under security_vm_enough_memory_mm(). NULL: nothing is hidden.
 */
static const char *hidden_hooked_frame(const struct kallsyms *ks, __u64 top)
{
	struct kallsyms_location loc;

	if (kallsyms_resolve(ks, top, &loc) != 0)
		return NULL;
	if (strcmp(loc.symbol, "security_capable") == 0)
		return "cap_capable";
	if (strcmp(loc.symbol, "security_vm_enough_memory_mm") == 0)
		return "cap_vm_enough_memory";
	return NULL;
}

/* Bounded copy; not snprintf: it runs for every frame of every stack. */
static void copy_string(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	while (src && n + 1 < size && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
}

static void finish(struct sym_stack *out, uint32_t depth)
{
	uint32_t i;

	for (i = 0; i < depth; i++)
		out->frame_ptrs[i] = &out->frames[i].frame;
	out->stack.id = 0;
	out->stack.depth = depth;
	out->stack.frames = out->frame_ptrs;
}

void stacks_symbolize_kernel(const struct kallsyms *ks, const __u64 *addrs, uint32_t count,
			     bool hooked_cap_capable, struct sym_stack *out)
{
	struct kallsyms_location loc;
	uint32_t i, first = 0, depth = 0;
	const char *hidden;
	bool found = false;

	if (count > STACK_FRAMES_MAX)
		count = STACK_FRAMES_MAX;
	if (ks) {
		for (i = 0; i < count && i < CAP_CAPABLE_SEARCH_DEPTH; i++) {
			if (kallsyms_resolve(ks, addrs[i], &loc) == 0 &&
			    strcmp(loc.symbol, "cap_capable") == 0) {
				first = i;
				found = true;
				break;
			}
		}
		/*
		 * The tracing frames on top, and the unnamed ones among them (a BPF
		 * program or trampoline outside kallsyms), are not the checked path.
		 */
		while (!found && first < count &&
		       (kallsyms_resolve(ks, addrs[first], &loc) != 0 || is_tracing_frame(&loc)))
			first++;
	}
	/*
	 * A stack taken inside a probe on cap_capable() or cap_vm_enough_memory()
	 * (fentry/kprobe modes) lacks the function's own frame when the BPF
	 * trampoline hides it: the check did happen there, so the frame is
	 * restored (no offset: it is not known).
	 */
	hidden = ks && hooked_cap_capable && !found && first < count ?
		 hidden_hooked_frame(ks, addrs[first]) : NULL;
	if (hidden) {
		struct sym_frame *f = &out->frames[depth++];

		memset(&f->frame, 0, sizeof(f->frame));
		f->frame.kind = CRF_FRAME_KERNEL;
		f->module[0] = '\0';
		f->frame.module = f->module;
		copy_string(f->symbol, sizeof(f->symbol), hidden);
		f->frame.symbol = f->symbol;
	}
	for (i = first; i < count && depth < STACK_FRAMES_MAX; i++) {
		struct sym_frame *f;
		uint32_t after = ks && depth > 0 ? trampoline_run_end(ks, addrs, count, i,
								      out->frames[depth - 1].symbol) : i;

		/* A trampoline on a function we hook: its frames and the call site go. */
		if (after > i) {
			i = after;
			continue;
		}
		f = &out->frames[depth++];

		memset(&f->frame, 0, sizeof(f->frame));
		f->frame.kind = CRF_FRAME_KERNEL;
		f->module[0] = '\0';
		f->symbol[0] = '\0';
		f->frame.module = f->module;
		if (ks && kallsyms_resolve(ks, addrs[i], &loc) == 0) {
			copy_string(f->module, sizeof(f->module), loc.module);
			copy_string(f->symbol, sizeof(f->symbol), loc.symbol);
			f->frame.symbol = f->symbol;
			f->frame.symbol_offset = loc.offset;
		}
	}
	finish(out, depth);
}

/* Learns the build-ids of a process's mappings, once per process; true if it did now. */
static bool learn_process_once(struct build_id_cache *bids, uint32_t pid, uint64_t start_time_ns)
{
	static uint32_t last_pid;
	static uint64_t last_start;

	if (pid == last_pid && start_time_ns == last_start)
		return false;
	last_pid = pid;
	last_start = start_time_ns;
	build_id_cache_learn_process(bids, pid);
	return true;
}

/* Learns the libraries an executable needs, once per executable path; true if it did now. */
static bool learn_needed_once(struct build_id_cache *bids, const char *exe_path)
{
	static char last_exe[4096];

	if (!exe_path || !*exe_path || strcmp(exe_path, last_exe) == 0)
		return false;
	snprintf(last_exe, sizeof(last_exe), "%s", exe_path);
	needed_libs_learn(bids, exe_path);
	return true;
}

/* A frame the kernel resolved to (build-id, file offset). */
static void symbolize_build_id_frame(struct build_id_cache *bids, const char *exe_path,
				     uint32_t pid, uint64_t start_time_ns,
				     const struct caprec_user_frame *in, uint64_t adjust,
				     struct sym_frame *f)
{
	const struct elf_binary *bin = NULL;
	const char *path = NULL, *symbol;
	uint64_t symbol_offset;
	size_t len = sizeof(in->build_id);

	f->frame.file_offset = in->offset_or_ip;
	memcpy(f->build_id, in->build_id, len);
	f->binary.build_id = f->build_id;
	f->binary.build_id_len = (uint32_t)len;
	f->binary.path = "";
	f->frame.binary = &f->binary;
	if (!bids)
		return;
	if (build_id_cache_find(bids, in->build_id, len, &path, &bin) == -ENOENT && exe_path &&
	    build_id_cache_learn_file(bids, exe_path) == 0)
		build_id_cache_find(bids, in->build_id, len, &path, &bin);
	/*
	 * Not caprec's own libraries (a static caprec has none) nor the
	 * executable: the files the process maps, read once per process while
	 * it lives.
	 */
	if (!path && pid && learn_process_once(bids, pid, start_time_ns))
		build_id_cache_find(bids, in->build_id, len, &path, &bin);
	/* The process is gone: the libraries its executable names, as ld.so finds them. */
	if (!path && learn_needed_once(bids, exe_path))
		build_id_cache_find(bids, in->build_id, len, &path, &bin);
	if (path) {
		copy_string(f->path, sizeof(f->path), path);
		f->binary.path = f->path;
	}
	if (bin && in->offset_or_ip >= adjust &&
	    elf_binary_resolve(bin, in->offset_or_ip - adjust, &symbol, &symbol_offset) == 0) {
		copy_string(f->symbol, sizeof(f->symbol), symbol);
		f->frame.symbol = f->symbol;
		f->frame.symbol_offset = symbol_offset + adjust;
	}
}

/* An address in the executable's text of a process whose maps are gone. */
static void symbolize_exe_frame(struct build_id_cache *bids, const struct exe_image *exe,
				uint64_t addr, uint64_t adjust, struct sym_frame *f)
{
	const struct elf_binary *bin = NULL;
	const uint8_t *build_id = NULL;
	uint64_t text_offset, symbol_offset;
	const char *path = NULL, *symbol;
	size_t len = 0;

	if (exe_text_offset(exe->path, &text_offset) || addr - exe->code_start + text_offset < adjust)
		return;
	f->frame.file_offset = addr - exe->code_start + text_offset;
	copy_string(f->path, sizeof(f->path), exe->path);
	f->binary.path = f->path;
	f->frame.binary = &f->binary;
	if (!bids)
		return;
	/* The build-id, and the opened binary, through the cache keyed by it. */
	build_id_cache_learn_file(bids, exe->path);
	if (build_id_cache_find_path(bids, exe->path, &build_id, &len) ||
	    build_id_cache_find(bids, build_id, len, &path, &bin))
		return;
	if (len <= sizeof(f->build_id)) {
		memcpy(f->build_id, build_id, len);
		f->binary.build_id = f->build_id;
		f->binary.build_id_len = (uint32_t)len;
	}
	if (bin && elf_binary_resolve(bin, f->frame.file_offset - adjust, &symbol,
				      &symbol_offset) == 0) {
		copy_string(f->symbol, sizeof(f->symbol), symbol);
		f->frame.symbol = f->symbol;
		f->frame.symbol_offset = symbol_offset + adjust;
	}
}

/* A frame given as an address: resolved through the process's maps. */
static void symbolize_address_frame(struct user_symbolizer *us, struct build_id_cache *bids,
				    const struct exe_image *exe, uint32_t pid,
				    uint64_t start_time_ns, uint64_t addr, uint64_t adjust,
				    struct sym_frame *f)
{
	struct user_frame uf;
	int err;

	/* Until a file is found: an address is never stored (it leaks the layout). */
	f->frame.file_offset = 0;
	if (!us)
		return;
	memset(&uf, 0, sizeof(uf));
	err = user_symbolizer_resolve(us, pid, start_time_ns, addr - adjust, &uf);
	if ((err || !uf.binary_path) && exe && exe->path && addr >= exe->code_start &&
	    addr < exe->code_end) {
		symbolize_exe_frame(bids, exe, addr, adjust, f);
		return;
	}
	if (err && err != -ENOENT)
		return;
	/* Anonymous memory and special mappings: no file to name, so no offset either. */
	if (uf.binary_path && (uf.map_flags & (PROC_MAP_ANON | PROC_MAP_SPECIAL)))
		uf.binary_path = NULL;
	f->frame.file_offset = uf.binary_path ? uf.file_offset + adjust : 0;
	if (uf.binary_path) {
		copy_string(f->path, sizeof(f->path), uf.binary_path);
		f->binary.path = f->path;
		if (uf.build_id && uf.build_id_len <= sizeof(f->build_id)) {
			memcpy(f->build_id, uf.build_id, uf.build_id_len);
			f->binary.build_id = f->build_id;
			f->binary.build_id_len = (uint32_t)uf.build_id_len;
			if (bids)
				build_id_cache_learn(bids, uf.build_id, uf.build_id_len,
						     uf.binary_path);
		}
		f->frame.binary = &f->binary;
	}
	if (uf.symbol) {
		copy_string(f->symbol, sizeof(f->symbol), uf.symbol);
		f->frame.symbol = f->symbol;
		f->frame.symbol_offset = uf.symbol_offset + adjust;
	}
}

static void note_unnamed(struct stack_quality *q, const struct sym_frame *f)
{
	uint32_t i;

	if (!q || f->frame.symbol || !f->frame.binary || !f->frame.binary->path)
		return;
	for (i = 0; i < q->unnamed_count; i++) {
		if (strcmp(q->unnamed[i], f->frame.binary->path) == 0)
			return;
	}
	if (q->unnamed_count < STACK_QUALITY_BINARIES)
		copy_string(q->unnamed[q->unnamed_count++], sizeof(q->unnamed[0]),
			    f->frame.binary->path);
}

/*
 * Where a thread's user stack begins: the process entry (_start, and
 * _dl_start_user when ld.so runs a program), glibc's thread start, and the
 * functions right below them (a walk without unwind rules for the entry
 * itself ends one frame short of it).
 */
static bool outermost_is_entry(const struct sym_frame *f)
{
	static const char *const entries[] = {
		"_start", "_dl_start_user", "__libc_start_main", "__libc_start_call_main",
		"start_thread", "clone3", "__clone3", "clone", "__clone",
	};
	size_t i;

	if (!f->frame.symbol)
		return false;
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		if (strcmp(f->frame.symbol, entries[i]) == 0)
			return true;
	}
	return false;
}

void stacks_symbolize_user(struct user_symbolizer *us, struct build_id_cache *bids, uint32_t pid,
			   uint64_t start_time_ns, const struct exe_image *exe,
			   const struct caprec_user_frame *frames, uint32_t count,
			   struct stack_quality *quality, struct sym_stack *out)
{
	uint32_t i, depth = 0;

	if (count > STACK_FRAMES_MAX)
		count = STACK_FRAMES_MAX;
	for (i = 0; i < count; i++) {
		struct sym_frame *f = &out->frames[depth];
		/*
		 * Every frame but the innermost is a return address: the call is the
		 * byte before it (a call ending a function would else be named after
		 * the next one). The offsets keep the address itself.
		 */
		uint64_t adjust = i > 0 ? 1 : 0;

		if (frames[i].status != CAPREC_UFRAME_VALID && frames[i].status != CAPREC_UFRAME_IP)
			break; /* EMPTY: the end of what the kernel could walk */
		/* No user code at 0 or in the kernel half (a kernel address the walk picked up). */
		if (frames[i].status == CAPREC_UFRAME_IP &&
		    (frames[i].offset_or_ip == 0 || frames[i].offset_or_ip >= USER_ADDRESS_LIMIT))
			continue;
		/*
		 * Nor a file offset no file can have: the kernel computes it from the
		 * first mapping ending above the ip, so a junk ip below that mapping
		 * (a frame-pointer walk through code without frame pointers) comes
		 * back as a "negative" offset.
		 */
		if (frames[i].status == CAPREC_UFRAME_VALID &&
		    frames[i].offset_or_ip >= USER_ADDRESS_LIMIT)
			continue;
		memset(&f->frame, 0, sizeof(f->frame));
		memset(&f->binary, 0, sizeof(f->binary));
		f->frame.kind = CRF_FRAME_USER;
		if (frames[i].status == CAPREC_UFRAME_VALID)
			symbolize_build_id_frame(bids, exe ? exe->path : NULL, pid, start_time_ns,
						 &frames[i], adjust, f);
		else
			symbolize_address_frame(us, bids, exe, pid, start_time_ns,
						frames[i].offset_or_ip, adjust, f);
		depth++;
		note_unnamed(quality, f);
		/*
		 * A frame in no file ends the walk: past it, a frame-pointer walk
		 * through code without frame pointers reads stack words (text,
		 * pointers to data), not return addresses.
		 */
		if (!f->frame.binary) {
			if (quality)
				quality->unresolvable_frames++;
			break;
		}
	}
	finish(out, depth);
	if (quality) {
		quality->user_stacks++;
		if (depth && outermost_is_entry(&out->frames[depth - 1]))
			quality->reached_entry++;
	}
}

/* What the module finder of one walk knows. */
struct find_context {
	const struct user_walk *walk;
	struct user_symbolizer *us;
	struct build_id_cache *bids;
	struct unwind_binaries *binaries;
	struct process_modules *placed;
	bool searched; /* candidates() was asked during this walk */
	bool maps_refreshed; /* the maps were read again during this walk */
};

/* Searches per process image that found nothing before caprec stops searching it. */
#define PLACEMENT_SEARCHES_MAX 3

/* bin placed so that its virtual address vaddr is at addr. */
static int place(struct unwind_binary *bin, uint64_t addr, uint64_t vaddr,
		 struct unwind_module *out)
{
	uint64_t low, high;

	unwind_binary_extent(bin, &low, &high);
	out->bias = addr - vaddr;
	out->start = low + out->bias;
	out->end = high + out->bias;
	out->bin = bin;
	return addr >= out->start && addr < out->end ? 0 : -ENOENT;
}

/* The innermost frame: the kernel named its file (build-id, offset) at the check. */
static int find_by_first_frame(struct find_context *c, uint64_t addr, struct unwind_module *out)
{
	const struct user_walk *w = c->walk;
	const struct caprec_user_frame *f0 = w->kernel_frames;
	const struct elf_binary *ebin = NULL;
	struct unwind_binary *bin;
	const char *path = NULL;
	uint64_t vaddr;
	size_t len = sizeof(f0->build_id);

	if (!w->kernel_frame_count || f0->status != CAPREC_UFRAME_VALID || !c->bids)
		return -ENOENT;
	if (build_id_cache_find(c->bids, f0->build_id, len, &path, &ebin) == -ENOENT &&
	    w->exe && w->exe->path && build_id_cache_learn_file(c->bids, w->exe->path) == 0)
		build_id_cache_find(c->bids, f0->build_id, len, &path, &ebin);
	if (!path && w->pid && learn_process_once(c->bids, w->pid, w->start_time_ns))
		build_id_cache_find(c->bids, f0->build_id, len, &path, &ebin);
	if (!path && w->exe && learn_needed_once(c->bids, w->exe->path))
		build_id_cache_find(c->bids, f0->build_id, len, &path, &ebin);
	if (!path || unwind_binaries_get(c->binaries, path, &bin) ||
	    unwind_binary_offset_to_vaddr(bin, f0->offset_or_ip, &vaddr))
		return -ENOENT;
	return place(bin, w->ip, vaddr, out) == 0 && addr >= out->start && addr < out->end ?
	       0 : -ENOENT;
}

/* The executable, from mm->start_code: works after the process is gone. */
static int find_in_exe(struct find_context *c, uint64_t addr, struct unwind_module *out)
{
	const struct exe_image *exe = c->walk->exe;
	struct unwind_binary *bin;
	uint64_t exec_start;

	if (!exe || !exe->path || !*exe->path || addr < exe->code_start || addr >= exe->code_end ||
	    unwind_binaries_get(c->binaries, exe->path, &bin) ||
	    unwind_binary_exec_start(bin, &exec_start))
		return -ENOENT;
	return place(bin, exe->code_start, exec_start, out) == 0 && addr >= out->start &&
	       addr < out->end ? 0 : -ENOENT;
}

/*
 * The binary at path as the process sees it: caprec's own view first, then
 * through /proc/PID/root for a file of another mount namespace (a
 * container), while the process lives.
 */
static int process_binary(struct find_context *c, const char *path, struct unwind_binary **bin)
{
	char root_path[4096];
	int err = unwind_binaries_get(c->binaries, path, bin);

	if (err == -ENOENT) {
		snprintf(root_path, sizeof(root_path), "/proc/%u/root%s", c->walk->pid, path);
		err = unwind_binaries_get(c->binaries, root_path, bin);
	}
	return err;
}

/* The process's maps, while it lives (or as last read). */
static int find_in_maps(struct find_context *c, uint64_t addr, struct unwind_module *out)
{
	const struct user_walk *w = c->walk;
	struct unwind_binary *bin;
	struct user_frame uf;
	uint64_t vaddr;
	int err;

	if (!c->us)
		return -ENOENT;
	err = user_symbolizer_resolve(c->us, w->pid, w->start_time_ns, addr, &uf);
	/*
	 * A return address is code: a miss means the snapshot is older than a
	 * mapping (a library dlopen'ed since; the maps are read at exec, before
	 * ld.so maps anything). Read them again now, once per stack, whatever
	 * the symbolizer's rate limit (which guards against data words).
	 */
	if ((err == -ENOENT || (!err && !uf.binary_path)) && !c->maps_refreshed) {
		c->maps_refreshed = true;
		if (user_symbolizer_track(c->us, w->pid, w->start_time_ns) == 0)
			err = user_symbolizer_resolve(c->us, w->pid, w->start_time_ns, addr, &uf);
	}
	if (err == -ENOMEM)
		return err;
	if (err || !uf.binary_path || uf.binary_path[0] != '/' ||
	    (uf.map_flags & (PROC_MAP_ANON | PROC_MAP_SPECIAL)))
		return -ENOENT;
	err = process_binary(c, uf.binary_path, &bin);
	if (err == -ENOMEM)
		return err;
	if (err || unwind_binary_offset_to_vaddr(bin, uf.file_offset, &vaddr))
		return -ENOENT;
	return place(bin, addr, vaddr, out);
}

/*
 * A mapping record's file bytes at addr: the file offset there, through the
 * file's segments, gives its virtual address and so the whole file's place.
 */
static int place_mapped(struct find_context *c, const struct placed_module *m, uint64_t addr,
			struct unwind_module *out)
{
	uint64_t vaddr;
	int err;

	err = process_binary(c, m->path, &out->bin);
	if (err)
		return err;
	if (unwind_binary_offset_to_vaddr(out->bin, addr - m->bias, &vaddr))
		return -ENOENT;
	return place(out->bin, addr, vaddr, out);
}

static int find_module(void *ctx, uint64_t addr, struct unwind_module *out)
{
	struct find_context *c = ctx;
	int err;

	const struct placed_module *m;

	memset(out, 0, sizeof(*out));
	if (c->placed && process_modules_find(c->placed, c->walk->pid, c->walk->start_time_ns, addr,
					      &m) == 0) {
		if (m->mapped) {
			err = place_mapped(c, m, addr, out);
			if (err != -ENOENT && err != -ENOEXEC)
				return err;
		} else {
			err = unwind_binaries_get(c->binaries, m->path, &out->bin);
			if (err == -ENOMEM)
				return err;
			if (!err) {
				out->start = m->start;
				out->end = m->end;
				out->bias = m->bias;
				return 0;
			}
		}
		memset(out, 0, sizeof(*out));
	}
	err = find_by_first_frame(c, addr, out);
	if (err)
		err = find_in_exe(c, addr, out);
	if (err)
		err = find_in_maps(c, addr, out);
	if (err)
		return err;
	/* Remembered for the later stacks of this image, which may outlive its maps. */
	if (c->placed)
		return process_modules_add(c->placed, c->walk->pid, c->walk->start_time_ns,
					   unwind_binary_path(out->bin), out->start, out->end,
					   out->bias);
	return 0;
}

/* The libraries the executable names, and its interpreter: where unplaced code may be. */
static size_t candidates(void *ctx, struct unwind_binary **out, size_t max)
{
	static char paths[16][4096];
	static char last_exe[4096];
	static size_t path_count;
	struct find_context *c = ctx;
	const struct exe_image *exe = c->walk->exe;
	struct unwind_binary *bin;
	size_t i, n = 0;

	if (!exe || !exe->path || !*exe->path || !c->placed ||
	    process_modules_search_failed(c->placed, c->walk->pid, c->walk->start_time_ns, 0) >=
	    PLACEMENT_SEARCHES_MAX)
		return 0;
	c->searched = true;
	if (strcmp(last_exe, exe->path) != 0) {
		snprintf(last_exe, sizeof(last_exe), "%s", exe->path);
		path_count = needed_libs_paths(exe->path, paths, 16);
		if (path_count < 16 && unwind_binaries_get(c->binaries, exe->path, &bin) == 0 &&
		    unwind_binary_interpreter(bin))
			snprintf(paths[path_count++], sizeof(paths[0]), "%s",
				 unwind_binary_interpreter(bin));
	}
	for (i = 0; i < path_count && n < max; i++) {
		if (unwind_binaries_get(c->binaries, paths[i], &bin) == 0)
			out[n++] = bin;
	}
	return n;
}

static void found(void *ctx, const struct unwind_module *m)
{
	struct find_context *c = ctx;

	c->searched = false; /* it found something */
	if (c->placed)
		process_modules_add(c->placed, c->walk->pid, c->walk->start_time_ns,
				    unwind_binary_path(m->bin), m->start, m->end, m->bias);
}

int stacks_note_exec(struct unwind_binaries *binaries, struct process_modules *placed,
		     uint32_t pid, uint64_t start_time_ns, const char *exe_path,
		     uint64_t interp_base)
{
	struct unwind_binary *exe, *interp;
	struct unwind_module m;
	const char *interp_path;
	uint64_t low, high;
	int err;

	if (!binaries || !placed)
		return 0;
	process_modules_forget(placed, pid, start_time_ns);
	if (!interp_base || !exe_path || !*exe_path)
		return 0;
	err = unwind_binaries_get(binaries, exe_path, &exe);
	if (err)
		return err == -ENOMEM ? err : 0;
	interp_path = unwind_binary_interpreter(exe);
	if (!interp_path)
		return 0;
	err = unwind_binaries_get(binaries, interp_path, &interp);
	if (err)
		return err == -ENOMEM ? err : 0;
	/* The kernel maps the interpreter with its lowest segment at AT_BASE. */
	unwind_binary_extent(interp, &low, &high);
	if (place(interp, interp_base, low, &m))
		return 0;
	return process_modules_add(placed, pid, start_time_ns, interp_path, m.start, m.end, m.bias);
}

int stacks_note_mapping(struct process_modules *placed, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t addr, uint64_t len, uint64_t pgoff)
{
	if (!placed || !path || path[0] != '/')
		return 0;
	return process_modules_map(placed, pid, start_time_ns, path, addr, len, pgoff);
}

/* One unwound frame, named through its binary's build-id (symbols, debug files). */
static void symbolize_unwound_frame(struct build_id_cache *bids, const struct unwind_pc *pc,
				    uint64_t adjust, struct sym_frame *f)
{
	const struct elf_binary *bin = NULL;
	const char *path = NULL, *symbol;
	const uint8_t *build_id;
	uint64_t symbol_offset;
	size_t len;

	memset(&f->frame, 0, sizeof(f->frame));
	memset(&f->binary, 0, sizeof(f->binary));
	f->frame.kind = CRF_FRAME_USER;
	if (!pc->bin)
		return; /* unresolvable: no file, so no offset is kept either */
	copy_string(f->path, sizeof(f->path), unwind_binary_path(pc->bin));
	f->binary.path = f->path;
	f->frame.binary = &f->binary;
	f->frame.file_offset = pc->file_offset;
	build_id = unwind_binary_build_id(pc->bin, &len);
	if (!build_id) {
		/* Linked without a build-id: known by its path (and its .gnu_debuglink). */
		if (bids)
			build_id_cache_find_unidentified(bids, f->path, &bin);
	} else {
		if (len > sizeof(f->build_id))
			return;
		memcpy(f->build_id, build_id, len);
		f->binary.build_id = f->build_id;
		f->binary.build_id_len = (uint32_t)len;
		if (!bids)
			return;
		if (build_id_cache_find(bids, build_id, len, &path, &bin) == -ENOENT &&
		    build_id_cache_learn(bids, build_id, len, unwind_binary_path(pc->bin)) == 0)
			build_id_cache_find(bids, build_id, len, &path, &bin);
	}
	if (bin && pc->file_offset >= adjust &&
	    elf_binary_resolve(bin, pc->file_offset - adjust, &symbol, &symbol_offset) == 0) {
		copy_string(f->symbol, sizeof(f->symbol), symbol);
		f->frame.symbol = f->symbol;
		f->frame.symbol_offset = symbol_offset + adjust;
	}
}

int stacks_unwind_user(struct user_symbolizer *us, struct build_id_cache *bids,
		       struct unwind_binaries *binaries, struct process_modules *placed,
		       const struct user_walk *walk, struct stack_quality *quality,
		       struct sym_stack *out)
{
	struct find_context ctx = { .walk = walk, .us = us, .bids = bids, .binaries = binaries,
				    .placed = placed };
	struct unwind_input in = {
		.ip = walk->ip, .sp = walk->sp, .fp = walk->fp,
		.stack = walk->stack, .stack_bytes = walk->stack_bytes,
	};
	struct unwind_callbacks cb = { .find_module = find_module, .candidates = candidates,
				       .found = found, .ctx = &ctx };
	struct unwind_pc pcs[STACK_FRAMES_MAX];
	enum unwind_end end;
	uint32_t i, count;
	int err;

	if (!binaries || !walk->ip || !walk->stack_bytes)
		return -ENOENT;
	err = unwind_stack(&in, &cb, pcs, STACK_FRAMES_MAX, &count, &end);
	if (err)
		return err;
	if (ctx.searched && placed)
		process_modules_search_failed(placed, walk->pid, walk->start_time_ns, 1);
	/* Not even the innermost frame placed: the kernel's frame-pointer walk may do better. */
	if (count == 0 || !pcs[0].bin || end == UNWIND_END_UNSUPPORTED)
		return -ENOENT;
	for (i = 0; i < count; i++) {
		symbolize_unwound_frame(bids, &pcs[i], i > 0 ? 1 : 0, &out->frames[i]);
		note_unnamed(quality, &out->frames[i]);
	}
	finish(out, count);
	if (quality) {
		quality->user_stacks++;
		quality->unwound++;
		if (end == UNWIND_END_ENTRY || outermost_is_entry(&out->frames[count - 1]))
			quality->reached_entry++;
		if (!pcs[count - 1].bin)
			quality->unresolvable_frames++;
		if (end < UNWIND_END_REASONS)
			quality->ends[end]++;
	}
	return 0;
}

static size_t add_kv(struct crf_kv *kvs, size_t n, size_t max, const char *key, char **buf,
		     size_t *size, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static size_t add_kv(struct crf_kv *kvs, size_t n, size_t max, const char *key, char **buf,
		     size_t *size, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (n >= max || *size == 0)
		return n;
	va_start(ap, fmt);
	len = vsnprintf(*buf, *size, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= *size)
		return n;
	kvs[n].key = key;
	kvs[n].value = *buf;
	*buf += len + 1;
	*size -= (size_t)len + 1;
	return n + 1;
}

/* Joins up to count strings with commas into *buf. */
static size_t add_list(struct crf_kv *kvs, size_t n, size_t max, const char *key, char **buf,
		       size_t *size, const char *const *items, size_t count)
{
	size_t i, used = 0;

	if (n >= max || *size == 0)
		return n;
	(*buf)[0] = '\0';
	for (i = 0; i < count; i++) {
		int len = snprintf(*buf + used, *size - used, "%s%s", i ? "," : "", items[i]);

		if (len < 0 || (size_t)len >= *size - used)
			break;
		used += (size_t)len;
	}
	kvs[n].key = key;
	kvs[n].value = *buf;
	*buf += used + 1;
	*size -= used + 1;
	return n + 1;
}

size_t stack_quality_metadata(const struct stack_quality *q, struct unwind_binaries *binaries,
			      struct crf_kv *kvs, size_t max, char *buf, size_t size)
{
	const char *paths[STACK_QUALITY_BINARIES];
	size_t n = 0, count, i;

	n = add_kv(kvs, n, max, "stacks.user.count", &buf, &size, "%llu",
		   (unsigned long long)q->user_stacks);
	n = add_kv(kvs, n, max, "stacks.user.reached_entry", &buf, &size, "%llu",
		   (unsigned long long)q->reached_entry);
	n = add_kv(kvs, n, max, "stacks.user.unwound", &buf, &size, "%llu",
		   (unsigned long long)q->unwound);
	n = add_kv(kvs, n, max, "stacks.user.unresolvable_frames", &buf, &size, "%llu",
		   (unsigned long long)q->unresolvable_frames);
	n = add_kv(kvs, n, max, "stacks.user.ns_per_stack", &buf, &size, "%llu",
		   (unsigned long long)(q->user_stacks ? q->unwind_ns / q->user_stacks : 0));
	n = add_kv(kvs, n, max, "stacks.user.ns_slowest", &buf, &size, "%llu",
		   (unsigned long long)q->unwind_ns_max);
	n = add_kv(kvs, n, max, "stacks.user.copied_bytes_per_stack", &buf, &size, "%llu",
		   (unsigned long long)(q->user_stacks ? q->copied_bytes / q->user_stacks : 0));
	n = add_kv(kvs, n, max, "stacks.user.unwind_ends", &buf, &size,
		   "entry=%llu,stack_copy=%llu,no_file=%llu,no_rule=%llu,depth=%llu,bad_rule=%llu",
		   (unsigned long long)q->ends[UNWIND_END_ENTRY],
		   (unsigned long long)q->ends[UNWIND_END_STACK],
		   (unsigned long long)q->ends[UNWIND_END_NO_MODULE],
		   (unsigned long long)q->ends[UNWIND_END_NO_RULE],
		   (unsigned long long)q->ends[UNWIND_END_DEPTH],
		   (unsigned long long)q->ends[UNWIND_END_BAD]);
	count = binaries ? unwind_binaries_without_cfi(binaries, paths, STACK_QUALITY_BINARIES) : 0;
	if (count > STACK_QUALITY_BINARIES)
		count = STACK_QUALITY_BINARIES;
	n = add_list(kvs, n, max, "stacks.user.no_unwind_table", &buf, &size, paths, count);
	for (i = 0; i < q->unnamed_count; i++)
		paths[i] = q->unnamed[i];
	n = add_list(kvs, n, max, "stacks.user.unnamed_frames_in", &buf, &size, paths,
		     q->unnamed_count);
	return n;
}

_Static_assert(UNWIND_END_REASONS == UNWIND_END_UNSUPPORTED + 1, "stack_quality.ends size");

int stacks_intern(struct crf_writer *w, const struct sym_stack *s, uint32_t *stack_id)
{
	uint32_t ids[STACK_FRAMES_MAX];
	uint32_t i;
	int err;

	*stack_id = 0;
	if (s->stack.depth == 0)
		return 0;
	for (i = 0; i < s->stack.depth; i++) {
		const struct crf_frame *f = s->stack.frames[i];
		struct crf_frame_def def = {
			.kind = f->kind,
			.module = f->module,
			.symbol = f->symbol,
			.symbol_offset = f->symbol_offset,
			.file_offset = f->file_offset,
		};

		if (f->kind == CRF_FRAME_USER && f->binary) {
			err = crf_intern_binary(w, f->binary->path, f->binary->build_id,
						f->binary->build_id_len, &def.binary_id);
			if (err)
				return err;
		}
		err = crf_intern_frame(w, &def, &ids[i]);
		if (err)
			return err;
	}
	return crf_intern_stack(w, ids, s->stack.depth, stack_id);
}
