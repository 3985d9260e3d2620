// SPDX-License-Identifier: GPL-2.0-only
/*
 * elf_binary.c - reads an ELF file's build-id, PT_LOAD segments and function
 * symbols with libelf into compact arrays, then closes the file: a kept
 * binary holds no descriptor and no mapping.
 */
#include "elf_binary.h"
#include "debuglink.h"
#include "xz_buffer.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

struct elf_segment {
	uint64_t offset; /* p_offset */
	uint64_t filesz; /* p_filesz */
	uint64_t vaddr;  /* p_vaddr */
	bool exec;
	uint64_t memsz;  /* p_memsz */
	uint64_t align;  /* p_align */
};

struct elf_sym {
	uint64_t addr;
	uint64_t size;
	uint32_t name;  /* arena offset */
	uint32_t rank;  /* lower is preferred among symbols at the same address */
};

struct elf_binary {
	uint8_t build_id[ELF_BUILD_ID_MAX];
	size_t build_id_len;
	struct elf_segment *segments;
	size_t segment_count;
	struct elf_sym *syms;
	size_t sym_count;
	size_t sym_cap;
	char *arena;
	size_t arena_len;
	size_t arena_cap;
	bool has_symtab; /* a .symtab was read (from the file or its debug file) */
	bool layout_inferred; /* a debug file: segment offsets worked out, not read */
	char debuglink[DEBUGLINK_NAME_MAX + 1]; /* .gnu_debuglink's file name; "" if none */
	uint32_t debuglink_crc;
	char *refused_debug_file; /* a debuglink candidate whose CRC did not match */
};

void elf_binary_free(struct elf_binary *bin)
{
	if (!bin)
		return;
	free(bin->segments);
	free(bin->syms);
	free(bin->arena);
	free(bin->refused_debug_file);
	free(bin);
}

static int read_segments(Elf *elf, struct elf_binary *bin)
{
	size_t count, i;

	if (elf_getphdrnum(elf, &count))
		return -ENOEXEC;
	bin->segments = calloc(count ? count : 1, sizeof(*bin->segments));
	if (!bin->segments)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			return -ENOEXEC;
		if (ph.p_type != PT_LOAD)
			continue;
		bin->segments[bin->segment_count++] = (struct elf_segment){
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.vaddr = ph.p_vaddr,
			.exec = ph.p_flags & PF_X,
			.memsz = ph.p_memsz,
			.align = ph.p_align,
		};
	}
	return bin->segment_count ? 0 : -ENOEXEC;
}

/* A separate debug file keeps the program headers but not the bytes: its code has no file size. */
static bool is_debug_only(const struct elf_binary *bin)
{
	size_t i;

	for (i = 0; i < bin->segment_count; i++)
		if (bin->segments[i].exec && !bin->segments[i].filesz && bin->segments[i].memsz)
			return true;
	return false;
}

/*
 * `objcopy --only-keep-debug` (how every -dbg/-dbgsym/-debuginfo package and
 * most builds make debug files) zeroes the PT_LOAD offsets and file sizes;
 * only the addresses and memory sizes survive. The stripped binary's offsets
 * follow from them the way linkers (ld.bfd, gold, lld) lay a file out: each
 * segment at the first offset past the previous one that is congruent to its
 * address modulo its alignment (the ELF rule for loadable segments), and
 * every segment but the writable one holds all its memory. The frames that
 * matter are in the executable segment, before any .bss.
 */
static void infer_layout(struct elf_binary *bin)
{
	uint64_t end = 0;
	size_t i;

	for (i = 0; i < bin->segment_count; i++) {
		struct elf_segment *seg = &bin->segments[i];
		uint64_t align = seg->align > 1 ? seg->align : 1, off;

		off = end - end % align + seg->vaddr % align;
		if (off < end)
			off += align;
		seg->offset = off;
		seg->filesz = seg->memsz;
		end = off + seg->memsz;
	}
	bin->layout_inferred = true;
}

/* Looks for the GNU build-id note in one block of notes. */
static bool find_build_id(Elf_Data *data, struct elf_binary *bin)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nhdr;

	while ((next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;

		if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
		    !memcmp(name, "GNU", 4) && nhdr.n_descsz > 0 &&
		    nhdr.n_descsz <= ELF_BUILD_ID_MAX) {
			memcpy(bin->build_id, (const char *)data->d_buf + desc_off, nhdr.n_descsz);
			bin->build_id_len = nhdr.n_descsz;
			return true;
		}
		off = next;
	}
	return false;
}

/* Section notes first; a binary without section headers still has PT_NOTE. */
static void read_build_id(Elf *elf, struct elf_binary *bin)
{
	Elf_Scn *scn = NULL;
	size_t count, i;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (data && find_build_id(data, bin))
			return;
	}
	if (elf_getphdrnum(elf, &count))
		return;
	for (i = 0; i < count; i++) {
		GElf_Phdr ph;
		Elf_Data *data;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (data && find_build_id(data, bin))
			return;
	}
}

/*
 * A .symtab names versioned symbols "fgetpos@@GLIBC_2.2.5"; .dynsym keeps the
 * version apart and names them "fgetpos". The version is dropped, so a frame
 * gets the same name from a debug file alone (which has no .dynsym) as from
 * the binary with it.
 */
static size_t unversioned_length(const char *name)
{
	const char *at = strchr(name, '@');

	return at && at != name ? (size_t)(at - name) : strlen(name);
}

static int add_symbol(struct elf_binary *bin, const GElf_Sym *sym, const char *name)
{
	size_t len = unversioned_length(name), underscores = strspn(name, "_");
	unsigned int type = GELF_ST_TYPE(sym->st_info), bind = GELF_ST_BIND(sym->st_info);
	struct elf_sym *s;
	void *p;

	if (bin->sym_count == bin->sym_cap) {
		size_t cap = bin->sym_cap ? bin->sym_cap * 2 : 256;

		p = realloc(bin->syms, cap * sizeof(*bin->syms));
		if (!p)
			return -ENOMEM;
		bin->syms = p;
		bin->sym_cap = cap;
	}
	if (bin->arena_len + len + 1 > UINT32_MAX)
		return -E2BIG;
	if (bin->arena_len + len + 1 > bin->arena_cap) {
		size_t cap = bin->arena_cap ? bin->arena_cap : 4096;

		while (cap < bin->arena_len + len + 1)
			cap *= 2;
		p = realloc(bin->arena, cap);
		if (!p)
			return -ENOMEM;
		bin->arena = p;
		bin->arena_cap = cap;
	}
	memcpy(bin->arena + bin->arena_len, name, len);
	bin->arena[bin->arena_len + len] = '\0';
	s = &bin->syms[bin->sym_count++];
	s->addr = sym->st_value;
	s->size = sym->st_size;
	s->name = (uint32_t)bin->arena_len;
	bin->arena_len += len + 1;
	/*
	 * Among aliases: a FUNC, with a size, with the fewest leading
	 * underscores (getpid over __getpid), global or weak over local.
	 */
	s->rank = (type == STT_FUNC ? 0u : 1u) << 12 | (sym->st_size ? 0u : 1u) << 11 |
		  (underscores < 7 ? (uint32_t)underscores : 7u) << 8 |
		  (bind == STB_LOCAL ? 1u : 0u) << 7;
	return 0;
}

/* True when section index shndx holds code. */
static bool in_code_section(Elf *elf, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(elf, shndx);
	GElf_Shdr sh;

	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static bool wanted(Elf *elf, const GElf_Sym *sym, const char *name)
{
	unsigned int type = GELF_ST_TYPE(sym->st_info);

	if (!name || !*name || !sym->st_value || sym->st_shndx == SHN_UNDEF ||
	    sym->st_shndx >= SHN_LORESERVE)
		return false;
	/* $x/$d mapping symbols (arm) and local labels are not functions. */
	if (name[0] == '$' || !strncmp(name, ".L", 2))
		return false;
	if (type == STT_FUNC || type == STT_GNU_IFUNC)
		return true;
	/* Untyped symbols are assembly entry points only when they sit in code (_start). */
	return type == STT_NOTYPE && in_code_section(elf, sym->st_shndx);
}

static int read_symbols(Elf *elf, struct elf_binary *bin)
{
	Elf_Scn *scn = NULL;
	int err;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		GElf_Shdr sh;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		if (!sh.sh_entsize)
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			bin->has_symtab = true;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			const char *name;
			GElf_Sym sym;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!wanted(elf, &sym, name))
				continue;
			err = add_symbol(bin, &sym, name);
			if (err)
				return err;
		}
	}
	return 0;
}

static const char *sym_name(const struct elf_binary *bin, const struct elf_sym *s)
{
	return bin->arena + s->name;
}

static int sym_cmp(const void *a, const void *b, void *arg)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(sym_name(arg, x), sym_name(arg, y));
}

/* Sorts, and drops the copies .symtab and .dynsym (and a debug file) hold. */
static void sort_symbols(struct elf_binary *bin)
{
	size_t i, kept = 0;

	if (!bin->sym_count)
		return; /* a stripped binary: syms may be NULL */
	qsort_r(bin->syms, bin->sym_count, sizeof(*bin->syms), sym_cmp, bin);
	for (i = 0; i < bin->sym_count; i++) {
		if (kept && bin->syms[kept - 1].addr == bin->syms[i].addr &&
		    !strcmp(sym_name(bin, &bin->syms[kept - 1]), sym_name(bin, &bin->syms[i]))) {
			if (bin->syms[i].size > bin->syms[kept - 1].size)
				bin->syms[kept - 1].size = bin->syms[i].size;
			continue;
		}
		bin->syms[kept++] = bin->syms[i];
	}
	bin->sym_count = kept;
}

/* Reads the ELF header of fd: -ENOEXEC unless an executable or shared object. */
static int begin_elf(int fd, Elf **out)
{
	GElf_Ehdr eh;
	Elf *elf;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	/*
	 * ELF_C_READ reads what is asked for with pread: a binary truncated or
	 * rewritten while we read it gives an error, where a mapping would give SIGBUS.
	 */
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		elf_end(elf);
		return -ENOEXEC;
	}
	*out = elf;
	return 0;
}

int elf_binary_add_debug_symbols(struct elf_binary *bin, const char *debug_root)
{
	char path[PATH_MAX];
	struct elf_binary *check = NULL;
	size_t len, i, before = bin->sym_count;
	Elf *elf = NULL;
	int fd, err;

	if (!bin->build_id_len || bin->build_id_len < 2)
		return -ENOENT;
	len = (size_t)snprintf(path, sizeof(path), "%s/.build-id/%02x/",
			       debug_root ? debug_root : "/usr/lib/debug", bin->build_id[0]);
	for (i = 1; i < bin->build_id_len && len + 3 < sizeof(path); i++)
		len += (size_t)snprintf(path + len, sizeof(path) - len, "%02x", bin->build_id[i]);
	if (len + sizeof(".debug") > sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path + len, ".debug", sizeof(".debug"));

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = begin_elf(fd, &elf);
	if (err)
		goto cleanup;
	/* The link is by name only: the file must carry the same build-id. */
	check = calloc(1, sizeof(*check));
	if (!check) {
		err = -ENOMEM;
		goto cleanup;
	}
	read_build_id(elf, check);
	if (check->build_id_len != bin->build_id_len ||
	    memcmp(check->build_id, bin->build_id, bin->build_id_len)) {
		err = -ESTALE;
		goto cleanup;
	}
	err = read_symbols(elf, bin);
	if (err)
		goto cleanup;
	sort_symbols(bin);
	err = bin->sym_count > before ? 0 : -ENOENT;
cleanup:
	elf_binary_free(check);
	elf_end(elf);
	close(fd);
	return err;
}

bool elf_binary_has_symtab(const struct elf_binary *bin)
{
	return bin->has_symtab;
}

static uint32_t read_u32(const unsigned char *p, bool big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/*
 * The raw bytes of the first SHT_PROGBITS section called name. Returns 0
 * (*data NULL when libelf cannot read them), -ENOENT when there is none.
 */
static int find_progbits(Elf *elf, const char *name, Elf_Data **data)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	*data = NULL;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *section;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		section = elf_strptr(elf, shstrndx, sh.sh_name);
		if (section && strcmp(section, name) == 0) {
			*data = elf_rawdata(scn, NULL);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * .gnu_debuglink: the debug file's name, NUL-terminated, padded with zeros
 * to a multiple of 4 bytes, then its CRC-32 in the ELF file's byte order.
 */
static void read_debuglink(Elf *elf, struct elf_binary *bin)
{
	const unsigned char *p;
	size_t len, crc_at;
	Elf_Data *data;
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || find_progbits(elf, ".gnu_debuglink", &data) ||
	    !data || !data->d_buf)
		return;
	p = data->d_buf;
	len = strnlen((const char *)p, data->d_size);
	crc_at = (len + 4) & ~(size_t)3;
	if (!len || len > DEBUGLINK_NAME_MAX || crc_at + 4 > data->d_size)
		return; /* no terminator, or no room for the CRC: not a link */
	memcpy(bin->debuglink, p, len);
	bin->debuglink[len] = '\0';
	p += crc_at;
	bin->debuglink_crc = read_u32(p, eh.e_ident[EI_DATA] == ELFDATA2MSB);
}

const char *elf_binary_debuglink(const struct elf_binary *bin, uint32_t *crc)
{
	if (!bin->debuglink[0])
		return NULL;
	*crc = bin->debuglink_crc;
	return bin->debuglink;
}

const char *elf_binary_refused_debug_file(const struct elf_binary *bin)
{
	return bin->refused_debug_file;
}

int elf_binary_add_debuglink_symbols(struct elf_binary *bin, const struct debuglink_search *where)
{
	struct debuglink_search s = *where;
	char found[PATH_MAX], rejected[PATH_MAX];
	size_t before = bin->sym_count;
	Elf *elf = NULL;
	int fd, err;

	if (!bin->debuglink[0])
		return -ENOENT;
	s.name = bin->debuglink;
	fd = debuglink_open(&s, bin->debuglink_crc, found, sizeof(found), rejected,
			    sizeof(rejected));
	if (fd == -EBADMSG && !bin->refused_debug_file) {
		bin->refused_debug_file = strdup(rejected);
		if (!bin->refused_debug_file)
			return -ENOMEM;
	}
	if (fd < 0)
		return fd;
	err = begin_elf(fd, &elf);
	if (err)
		goto cleanup;
	err = read_symbols(elf, bin);
	if (err)
		goto cleanup;
	sort_symbols(bin);
	err = bin->sym_count > before ? 0 : -ENOENT;
cleanup:
	elf_end(elf);
	close(fd);
	return err;
}

/* A decompressed MiniDebugInfo larger than this is not read (libc's is ~100 KiB). */
#define MINIDEBUGINFO_MAX (64u << 20)

/*
 * The symbols of .gnu_debugdata ("MiniDebugInfo": an xz-compressed ELF file
 * holding the .symtab a stripped binary lost; Fedora and others ship it).
 * Returns 0 when symbols were added, -ENOENT when there is no such section,
 * another negative errno when it cannot be read.
 */
static int add_minidebuginfo_symbols(Elf *elf, struct elf_binary *bin)
{
	size_t out_len, before = bin->sym_count;
	void *out = NULL;
	Elf *inner = NULL;
	Elf_Data *data;
	int err;

	if (find_progbits(elf, ".gnu_debugdata", &data))
		return -ENOENT;
	if (!data || !data->d_buf || !data->d_size)
		return -EBADMSG;
	err = xz_buffer_decompress(data->d_buf, data->d_size, MINIDEBUGINFO_MAX, &out, &out_len);
	if (err)
		return err;
	inner = elf_memory(out, out_len);
	if (!inner || elf_kind(inner) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto cleanup;
	}
	err = read_symbols(inner, bin);
	if (!err) {
		sort_symbols(bin);
		err = bin->sym_count > before ? 0 : -ENOENT;
	}
cleanup:
	elf_end(inner);
	free(out);
	return err;
}

int elf_binary_open_fd(struct elf_binary **out, int fd)
{
	return elf_binary_open_fd_places(out, fd, NULL);
}

int elf_binary_open_fd_debug(struct elf_binary **out, int fd, const char *debug_root)
{
	return elf_binary_open_fd_places(out, fd,
					 &(struct elf_debug_places){ .debug_root = debug_root });
}

/* A stripped binary's debug file: by build-id, else by its .gnu_debuglink. */
static int add_separate_debug_symbols(struct elf_binary *bin, const struct elf_debug_places *at)
{
	const char *root = at->debug_root ? at->debug_root : "/usr/lib/debug";
	struct debuglink_search where = {
		.binary_path = at->binary_path,
		.beside_binary = true,
		.roots = &root,
		.root_count = 1,
	};
	int err;

	if (at->debug_root && !at->debug_root[0])
		return -ENOENT;
	err = elf_binary_add_debug_symbols(bin, at->debug_root);
	if (!err || err == -ENOMEM || !at->binary_path)
		return err;
	return elf_binary_add_debuglink_symbols(bin, &where);
}

int elf_binary_open_fd_places(struct elf_binary **out, int fd,
			      const struct elf_debug_places *places)
{
	const struct elf_debug_places none = { 0 };
	const struct elf_debug_places *at = places ? places : &none;
	struct elf_binary *bin = NULL;
	Elf *elf = NULL;
	int err;

	*out = NULL;
	err = begin_elf(fd, &elf);
	if (err)
		return err;
	bin = calloc(1, sizeof(*bin));
	if (!bin) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = read_segments(elf, bin);
	if (err)
		goto cleanup;
	if (is_debug_only(bin))
		infer_layout(bin);
	read_build_id(elf, bin);
	read_debuglink(elf, bin);
	err = read_symbols(elf, bin);
	if (err)
		goto cleanup;
	sort_symbols(bin);
	/*
	 * Stripped: its MiniDebugInfo first (in the file itself), then an
	 * installed debug file.
	 */
	if (!bin->has_symtab && add_minidebuginfo_symbols(elf, bin) == -ENOMEM) {
		err = -ENOMEM;
		goto cleanup;
	}
	if (!bin->has_symtab && add_separate_debug_symbols(bin, at) == -ENOMEM) {
		err = -ENOMEM;
		goto cleanup;
	}
	*out = bin;
	bin = NULL;
cleanup:
	elf_end(elf);
	elf_binary_free(bin);
	return err;
}

int elf_binary_open(struct elf_binary **out, const char *path)
{
	int fd, err;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = elf_binary_open_fd_places(out, fd, &(struct elf_debug_places){ .binary_path = path });
	close(fd);
	return err;
}

const uint8_t *elf_binary_build_id(const struct elf_binary *bin, size_t *len)
{
	*len = bin->build_id_len;
	return bin->build_id_len ? bin->build_id : NULL;
}

size_t elf_binary_symbol_count(const struct elf_binary *bin)
{
	return bin->sym_count;
}

int elf_binary_offset_to_vaddr(const struct elf_binary *bin, uint64_t file_offset,
			       uint64_t *vaddr)
{
	const struct elf_segment *found = NULL;
	size_t i;

	/* Segments may share a page in the file; the executable one is what a frame means. */
	for (i = 0; i < bin->segment_count; i++) {
		const struct elf_segment *seg = &bin->segments[i];

		if (file_offset < seg->offset || file_offset - seg->offset >= seg->filesz)
			continue;
		if (!found || (seg->exec && !found->exec))
			found = seg;
	}
	if (!found)
		return -ENOENT;
	*vaddr = file_offset - found->offset + found->vaddr;
	return 0;
}

int elf_binary_vaddr_to_offset(const struct elf_binary *bin, uint64_t vaddr,
			       uint64_t *file_offset)
{
	size_t i;

	for (i = 0; i < bin->segment_count; i++) {
		const struct elf_segment *seg = &bin->segments[i];

		if (vaddr >= seg->vaddr && vaddr - seg->vaddr < seg->filesz) {
			*file_offset = vaddr - seg->vaddr + seg->offset;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_binary_exec_start(const struct elf_binary *bin, uint64_t *vaddr)
{
	bool found = false;
	size_t i;

	for (i = 0; i < bin->segment_count; i++) {
		if (bin->segments[i].exec && (!found || bin->segments[i].vaddr < *vaddr)) {
			*vaddr = bin->segments[i].vaddr;
			found = true;
		}
	}
	return found ? 0 : -ENOENT;
}

bool elf_binary_layout_inferred(const struct elf_binary *bin)
{
	return bin->layout_inferred;
}

int elf_binary_resolve(const struct elf_binary *bin, uint64_t file_offset, const char **symbol,
		       uint64_t *symbol_offset)
{
	uint64_t vaddr;
	int err;

	err = elf_binary_offset_to_vaddr(bin, file_offset, &vaddr);
	if (err)
		return err;
	return elf_binary_resolve_vaddr(bin, vaddr, symbol, symbol_offset);
}

int elf_binary_resolve_vaddr(const struct elf_binary *bin, uint64_t vaddr, const char **symbol,
			     uint64_t *symbol_offset)
{
	size_t lo = 0, hi = bin->sym_count, first, i;
	uint64_t size = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bin->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	first = lo - 1;
	while (first > 0 && bin->syms[first - 1].addr == bin->syms[first].addr)
		first--;
	for (i = first; i < lo; i++)
		if (bin->syms[i].size > size)
			size = bin->syms[i].size;
	/* A sized symbol ends where its size says: past it lies code no symbol names. */
	if (size && vaddr - bin->syms[first].addr >= size)
		return -ENOENT;
	*symbol = sym_name(bin, &bin->syms[first]);
	*symbol_offset = vaddr - bin->syms[first].addr;
	return 0;
}
