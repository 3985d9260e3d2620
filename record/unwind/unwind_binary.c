// SPDX-License-Identifier: GPL-2.0-only
#include "unwind_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <gelf.h>

#define LOAD_SEGMENTS_MAX 16
/*
 * Rules cached per binary. A program checks capabilities from a few dozen
 * call sites; the bound keeps a binary full of distinct sites (a long fuzzing
 * run) at a few hundred KiB: when full, the cache starts over.
 */
#define RULE_SLOTS 1024
#define WITHOUT_CFI_MAX 32

struct load_segment {
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
	uint64_t memsz;
	bool exec;
};

struct rule_slot {
	uint64_t vaddr;
	Dwarf_Frame *frame; /* NULL with used: no table covers vaddr */
	bool used;
};

struct unwind_binary {
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf;          /* only when the file has .debug_frame */
	Dwarf_CFI *eh_cfi;     /* .eh_frame, owned (dwarf_cfi_end) */
	Dwarf_CFI *debug_cfi;  /* .debug_frame, owned by dwarf */
	char interpreter[256]; /* PT_INTERP, "" when none */
	uint8_t build_id[64];
	size_t build_id_len;
	struct load_segment seg[LOAD_SEGMENTS_MAX];
	size_t seg_count;
	struct rule_slot *rules;
	size_t rules_used;
	uint64_t last_used;
	int open_error;        /* the file could not be used: this error */
};

struct unwind_binaries {
	struct unwind_binary **bins;
	size_t count, max;
	uint64_t clock;
	char *without_cfi[WITHOUT_CFI_MAX];
	size_t without_cfi_count;
};

const char *unwind_binary_path(const struct unwind_binary *b)
{
	return b->path;
}

const uint8_t *unwind_binary_build_id(const struct unwind_binary *b, size_t *len)
{
	*len = b->build_id_len;
	return b->build_id_len ? b->build_id : NULL;
}

const char *unwind_binary_interpreter(const struct unwind_binary *b)
{
	return b->interpreter[0] ? b->interpreter : NULL;
}

bool unwind_binary_has_cfi(const struct unwind_binary *b)
{
	return b->eh_cfi || b->debug_cfi;
}

void unwind_binary_extent(const struct unwind_binary *b, uint64_t *low, uint64_t *high)
{
	size_t i;

	*low = UINT64_MAX;
	*high = 0;
	for (i = 0; i < b->seg_count; i++) {
		if (b->seg[i].vaddr < *low)
			*low = b->seg[i].vaddr;
		if (b->seg[i].vaddr + b->seg[i].memsz > *high)
			*high = b->seg[i].vaddr + b->seg[i].memsz;
	}
	if (*low > *high)
		*low = *high = 0;
}

int unwind_binary_exec_start(const struct unwind_binary *b, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < b->seg_count; i++) {
		if (b->seg[i].exec) {
			*vaddr = b->seg[i].vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

int unwind_binary_exec_segment(const struct unwind_binary *b, size_t i, uint64_t *vaddr,
			       uint64_t *size)
{
	if (i >= b->seg_count || !b->seg[i].exec)
		return -ENOENT;
	*vaddr = b->seg[i].vaddr;
	*size = b->seg[i].filesz;
	return 0;
}

bool unwind_binary_is_return_site(const struct unwind_binary *b, uint64_t vaddr)
{
	const uint8_t *raw;
	uint64_t offset;
	size_t size = 0;
	const uint8_t *p;

	raw = (const uint8_t *)elf_rawfile(b->elf, &size);
	if (!raw || unwind_binary_vaddr_to_offset(b, vaddr, &offset) || offset < 7 ||
	    offset > size)
		return false;
	p = raw + offset;
	if (p[-5] == 0xe8)                                    /* call rel32 */
		return true;
	if (p[-2] == 0xff && (p[-1] & 0x38) == 0x10 && (p[-1] & 0xc0) == 0xc0)
		return true;                                  /* call *%reg */
	if (p[-3] == 0xff && (p[-2] & 0x38) == 0x10 && (p[-2] & 0xc0) == 0x40)
		return true;                                  /* call *disp8(%reg) */
	if (p[-6] == 0xff && (p[-5] & 0x38) == 0x10 && ((p[-5] & 0xc0) == 0x80 || p[-5] == 0x15))
		return true;                                  /* call *disp32(%reg), *disp(%rip) */
	if (p[-4] == 0xff && (p[-3] & 0x38) == 0x10 && (p[-3] & 0xc7) == 0x44)
		return true;                                  /* call *disp8(SIB) */
	return false;
}

int unwind_binary_offset_to_vaddr(const struct unwind_binary *b, uint64_t offset, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < b->seg_count; i++) {
		const struct load_segment *s = &b->seg[i];

		if (offset >= s->offset && offset < s->offset + s->filesz) {
			*vaddr = s->vaddr + (offset - s->offset);
			return 0;
		}
	}
	return -ENOENT;
}

int unwind_binary_vaddr_to_offset(const struct unwind_binary *b, uint64_t vaddr, uint64_t *offset)
{
	size_t i;

	for (i = 0; i < b->seg_count; i++) {
		const struct load_segment *s = &b->seg[i];

		if (vaddr >= s->vaddr && vaddr < s->vaddr + s->filesz) {
			*offset = s->offset + (vaddr - s->vaddr);
			return 0;
		}
	}
	return -ENOENT;
}

static void clear_rules(struct unwind_binary *b)
{
	size_t i;

	for (i = 0; i < RULE_SLOTS; i++) {
		free(b->rules[i].frame);
		b->rules[i].frame = NULL;
		b->rules[i].used = false;
	}
	b->rules_used = 0;
}

static size_t rule_hash(uint64_t vaddr)
{
	return (size_t)((vaddr * 0x9e3779b97f4a7c15ull) >> 54) & (RULE_SLOTS - 1);
}

int unwind_binary_frame(struct unwind_binary *b, uint64_t vaddr, Dwarf_Frame **frame)
{
	struct rule_slot *slot;
	size_t i = rule_hash(vaddr);
	Dwarf_Frame *f = NULL;

	*frame = NULL;
	for (;;) {
		slot = &b->rules[i];
		if (!slot->used)
			break;
		if (slot->vaddr == vaddr) {
			*frame = slot->frame;
			return slot->frame ? 0 : -ENOENT;
		}
		i = (i + 1) & (RULE_SLOTS - 1);
	}
	/* .eh_frame first: it is what the program's own unwinder (exceptions) uses. */
	if (!b->eh_cfi || dwarf_cfi_addrframe(b->eh_cfi, vaddr, &f) != 0) {
		f = NULL;
		if (b->debug_cfi && dwarf_cfi_addrframe(b->debug_cfi, vaddr, &f) != 0)
			f = NULL;
	}
	if (b->rules_used >= RULE_SLOTS / 2) {
		clear_rules(b);
		slot = &b->rules[rule_hash(vaddr)];
	}
	slot->used = true;
	slot->vaddr = vaddr;
	slot->frame = f;
	b->rules_used++;
	*frame = f;
	return f ? 0 : -ENOENT;
}

static void binary_free(struct unwind_binary *b)
{
	if (!b)
		return;
	if (b->rules)
		clear_rules(b);
	free(b->rules);
	if (b->eh_cfi)
		dwarf_cfi_end(b->eh_cfi);
	if (b->dwarf)
		dwarf_end(b->dwarf);
	if (b->elf)
		elf_end(b->elf);
	if (b->fd >= 0)
		close(b->fd);
	free(b->path);
	free(b);
}

static bool has_section(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr shdr;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &shdr))
			continue;
		n = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (n && strcmp(n, name) == 0 && shdr.sh_type != SHT_NOBITS)
			return true;
	}
	return false;
}

static void read_interpreter(struct unwind_binary *b, const GElf_Phdr *ph)
{
	size_t size = 0;
	const char *raw = elf_rawfile(b->elf, &size);
	size_t len;

	if (!raw || ph->p_offset >= size || ph->p_filesz > size - ph->p_offset)
		return;
	len = strnlen(raw + ph->p_offset, ph->p_filesz);
	if (len == 0 || len >= sizeof(b->interpreter))
		return;
	memcpy(b->interpreter, raw + ph->p_offset, len);
	b->interpreter[len] = '\0';
}

static int read_layout(struct unwind_binary *b)
{
	const void *id = NULL;
	size_t i, phnum;
	ssize_t id_len;

	if (elf_kind(b->elf) != ELF_K_ELF || elf_getphdrnum(b->elf, &phnum) != 0)
		return -ENOEXEC;
	for (i = 0; i < phnum && b->seg_count < LOAD_SEGMENTS_MAX; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(b->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_INTERP)
			read_interpreter(b, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		b->seg[b->seg_count++] = (struct load_segment){
			.vaddr = ph.p_vaddr, .offset = ph.p_offset, .filesz = ph.p_filesz,
			.memsz = ph.p_memsz, .exec = (ph.p_flags & PF_X) != 0,
		};
	}
	if (!b->seg_count)
		return -ENOEXEC;
	id_len = dwelf_elf_gnu_build_id(b->elf, &id);
	if (id_len > 0 && (size_t)id_len <= sizeof(b->build_id)) {
		memcpy(b->build_id, id, (size_t)id_len);
		b->build_id_len = (size_t)id_len;
	}
	return 0;
}

static int binary_open(const char *path, struct unwind_binary **out)
{
	struct unwind_binary *b = calloc(1, sizeof(*b));
	int err;

	*out = NULL;
	if (!b)
		return -ENOMEM;
	b->fd = -1;
	b->path = strdup(path);
	b->rules = calloc(RULE_SLOTS, sizeof(*b->rules));
	if (!b->path || !b->rules) {
		err = -ENOMEM;
		goto fail;
	}
	b->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (b->fd < 0) {
		err = -errno;
		goto fail;
	}
	b->elf = elf_begin(b->fd, ELF_C_READ_MMAP, NULL);
	if (!b->elf) {
		err = -ENOEXEC;
		goto fail;
	}
	err = read_layout(b);
	if (err)
		goto fail;
	b->eh_cfi = dwarf_getcfi_elf(b->elf);
	/* .debug_frame only where it exists: dwarf_begin_elf() reads every debug section. */
	if (has_section(b->elf, ".debug_frame")) {
		b->dwarf = dwarf_begin_elf(b->elf, DWARF_C_READ, NULL);
		if (b->dwarf)
			b->debug_cfi = dwarf_getcfi(b->dwarf);
	}
	*out = b;
	return 0;
fail:
	binary_free(b);
	return err;
}

int unwind_binaries_new(struct unwind_binaries **out, size_t max_binaries)
{
	struct unwind_binaries *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->max = max_binaries ? max_binaries : 32;
	c->bins = calloc(c->max, sizeof(*c->bins));
	if (!c->bins) {
		free(c);
		return -ENOMEM;
	}
	elf_version(EV_CURRENT);
	*out = c;
	return 0;
}

void unwind_binaries_free(struct unwind_binaries *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->count; i++)
		binary_free(c->bins[i]);
	for (i = 0; i < c->without_cfi_count; i++)
		free(c->without_cfi[i]);
	free(c->bins);
	free(c);
}

static void note_without_cfi(struct unwind_binaries *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->without_cfi_count; i++) {
		if (strcmp(c->without_cfi[i], path) == 0)
			return;
	}
	if (c->without_cfi_count < WITHOUT_CFI_MAX) {
		c->without_cfi[c->without_cfi_count] = strdup(path);
		if (c->without_cfi[c->without_cfi_count])
			c->without_cfi_count++;
	}
}

int unwind_binaries_get(struct unwind_binaries *c, const char *path, struct unwind_binary **b)
{
	struct unwind_binary *nb = NULL;
	size_t i, victim = 0;
	int err;

	*b = NULL;
	for (i = 0; i < c->count; i++) {
		if (strcmp(c->bins[i]->path, path) == 0) {
			c->bins[i]->last_used = ++c->clock;
			if (c->bins[i]->open_error)
				return c->bins[i]->open_error;
			*b = c->bins[i];
			return 0;
		}
	}
	err = binary_open(path, &nb);
	if (err == -ENOMEM)
		return err;
	if (err) {
		/* Remembered as failed, so a missing file is not retried on every frame. */
		nb = calloc(1, sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		nb->fd = -1;
		nb->open_error = err;
		nb->path = strdup(path);
		if (!nb->path) {
			free(nb);
			return -ENOMEM;
		}
	} else if (!unwind_binary_has_cfi(nb)) {
		note_without_cfi(c, path);
	}
	nb->last_used = ++c->clock;
	if (c->count == c->max) {
		for (i = 1; i < c->count; i++) {
			if (c->bins[i]->last_used < c->bins[victim]->last_used)
				victim = i;
		}
		binary_free(c->bins[victim]);
		c->bins[victim] = nb;
	} else {
		c->bins[c->count++] = nb;
	}
	if (nb->open_error)
		return nb->open_error;
	*b = nb;
	return 0;
}

size_t unwind_binaries_without_cfi(const struct unwind_binaries *c, const char **paths,
				   size_t max)
{
	size_t i;

	for (i = 0; i < c->without_cfi_count && i < max; i++)
		paths[i] = c->without_cfi[i];
	return c->without_cfi_count;
}
