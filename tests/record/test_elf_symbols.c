// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_elf_symbols.c - resolves this test's own functions and libc's getpid
 * from file offsets, and checks the build-id against an independent parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "elf_symbols.h"
#include "proc_maps.h"
#include "tmpfile.h"

/* A loop through a volatile keeps the body longer than the offsets the tests add, at -O3 too. */
static __attribute__((noinline)) int static_function_to_find(int x)
{
	volatile int acc = 0;
	int i;

	for (i = 0; i < 4; i++)
		acc = acc + x;
	return acc / 4 * 7 + 3;
}

/* The mapping of addr in this process; the caller frees *maps. */
static const struct proc_mapping *self_mapping(uint64_t addr, struct proc_maps **maps)
{
	const struct proc_mapping *m;

	assert_int_equal(proc_maps_read(maps, (uint32_t)getpid()), 0);
	m = proc_maps_find(*maps, addr);
	assert_non_null(m);
	return m;
}

/* Copies a file with cp; "/proc/self/exe" means this test (not cp's own). */
static void copy_file(const char *from, const char *to)
{
	char cmd[3 * PATH_MAX], self[PATH_MAX];
	ssize_t n;

	if (!strcmp(from, "/proc/self/exe")) {
		n = readlink(from, self, sizeof(self) - 1);
		assert_true(n > 0);
		self[n] = '\0';
		from = self;
	}
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void test_own_static_function(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&static_function_to_find;
	const struct proc_mapping *m;
	struct elf_binary *bin;
	struct proc_maps *maps;
	const char *symbol;
	uint64_t offset;

	(void)state;
	assert_int_equal(static_function_to_find(1), 10);
	m = self_mapping(addr, &maps);
	assert_int_equal(elf_binary_open(&bin, "/proc/self/exe"), 0);
	assert_true(elf_binary_symbol_count(bin) > 10);

	assert_int_equal(elf_binary_resolve(bin, proc_mapping_file_offset(m, addr), &symbol,
					    &offset), 0);
	assert_string_equal(symbol, "static_function_to_find");
	assert_int_equal(offset, 0);
	/* A few bytes in: same function, that many bytes from its start. */
	assert_int_equal(elf_binary_resolve(bin, proc_mapping_file_offset(m, addr + 2), &symbol,
					    &offset), 0);
	assert_string_equal(symbol, "static_function_to_find");
	assert_int_equal(offset, 2);
	/* main is global: found through .symtab as well. */
	addr = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "main");
	if (addr && proc_maps_find(maps, addr)) {
		assert_int_equal(elf_binary_resolve(bin, proc_mapping_file_offset(
			proc_maps_find(maps, addr), addr), &symbol, &offset), 0);
		assert_string_equal(symbol, "main");
	}
	/* Beyond every PT_LOAD segment. */
	assert_int_equal(elf_binary_resolve(bin, 1ull << 40, &symbol, &offset), -ENOENT);
	elf_binary_free(bin);
	elf_binary_free(NULL);
	proc_maps_free(maps);
}

/* Reads the NT_GNU_BUILD_ID note through the program headers with <elf.h> only. */
static size_t independent_build_id(const char *path, uint8_t *out, size_t out_size)
{
	size_t found = 0, i, len;
	const Elf64_Ehdr *eh;
	unsigned char *buf;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	len = (size_t)st.st_size;
	buf = malloc(len);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, len, 0), (ssize_t)len);
	close(fd);
	eh = (const Elf64_Ehdr *)buf;
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	for (i = 0; i < eh->e_phnum && !found; i++) {
		Elf64_Phdr ph;
		size_t at, end;

		memcpy(&ph, buf + eh->e_phoff + i * eh->e_phentsize, sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		at = ph.p_offset;
		end = ph.p_offset + ph.p_filesz;
		while (at + sizeof(Elf64_Nhdr) <= end) {
			Elf64_Nhdr nh;
			size_t name_at, desc_at;

			memcpy(&nh, buf + at, sizeof(nh));
			name_at = at + sizeof(nh);
			desc_at = name_at + ((nh.n_namesz + 3) & ~3u);
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp(buf + name_at, "GNU", 4) && nh.n_descsz <= out_size) {
				memcpy(out, buf + desc_at, nh.n_descsz);
				found = nh.n_descsz;
				break;
			}
			at = desc_at + ((nh.n_descsz + 3) & ~3u);
		}
	}
	free(buf);
	return found;
}

static void test_build_id(void **state)
{
	uint8_t expected[ELF_BUILD_ID_MAX];
	struct elf_binary *bin;
	const uint8_t *id;
	size_t expected_len, len;

	(void)state;
	expected_len = independent_build_id("/proc/self/exe", expected, sizeof(expected));
	if (!expected_len) {
		print_message("skip: this test binary was linked without --build-id\n");
		skip();
	}
	assert_int_equal(elf_binary_open(&bin, "/proc/self/exe"), 0);
	id = elf_binary_build_id(bin, &len);
	assert_non_null(id);
	assert_int_equal(len, expected_len);
	assert_memory_equal(id, expected, len);
	elf_binary_free(bin);
}

/* libc is stripped of .symtab on Debian: getpid must come from .dynsym. */
static void test_libc_getpid(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid");
	struct elf_symbols_cache *cache;
	const struct elf_binary *bin, *again;
	const struct proc_mapping *m;
	struct proc_maps *maps;
	const char *symbol;
	uint64_t offset;
	size_t len;

	(void)state;
	assert_true(addr != 0);
	m = self_mapping(addr, &maps);
	assert_non_null(strstr(m->path, "libc"));
	assert_int_equal(elf_symbols_cache_new(&cache, 4), 0);
	assert_int_equal(elf_symbols_cache_get(cache, (uint32_t)getpid(), m->start, m->end, m->path,
					       m->dev, m->inode, &bin), 0);
	assert_non_null(bin);
	assert_non_null(elf_binary_build_id(bin, &len));
	assert_int_equal(elf_binary_resolve(bin, proc_mapping_file_offset(m, addr), &symbol,
					    &offset), 0);
	print_message("libc getpid resolved as %s+%llu\n", symbol, (unsigned long long)offset);
	assert_true(!strcmp(symbol, "getpid") || !strcmp(symbol, "__getpid"));
	assert_int_equal(offset, 0);

	/* Same file again, this time without a live process: served from the cache. */
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, m->path, m->dev, m->inode, &again),
			 0);
	assert_ptr_equal(again, bin);
	elf_symbols_cache_free(cache);

	/* By path only (pid 0), checked against dev and inode. */
	assert_int_equal(elf_symbols_cache_new(&cache, 1), 0);
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, m->path, m->dev, m->inode, &bin), 0);
	assert_non_null(bin);
	/* The wrong inode: the file at that path is not the one mapped. */
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, m->path, m->dev, m->inode + 1, &bin),
			 -ENOENT);
	assert_null(bin);
	elf_symbols_cache_free(cache);
	elf_symbols_cache_free(NULL);
	proc_maps_free(maps);
}

static void test_not_elf(void **state)
{
	struct elf_symbols_cache *cache;
	const struct elf_binary *cached;
	struct elf_binary *bin;
	char path[PATH_MAX];
	const char *written = tmpfile_write("#!/bin/sh\necho not an ELF file\n");

	(void)state;
	assert_non_null(written);
	/* Copied: tmpfile_remove() clears the library's buffer. */
	snprintf(path, sizeof(path), "%s", written);
	assert_int_equal(elf_binary_open(&bin, path), -ENOEXEC);
	assert_null(bin);
	assert_int_equal(elf_symbols_cache_new(&cache, 2), 0);
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, path, 0, 0, &cached), -ENOEXEC);
	/* The failure is remembered: no second open even once the file is gone. */
	tmpfile_remove();
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, path, 0, 0, &cached), -ENOEXEC);
	elf_symbols_cache_free(cache);
	assert_int_equal(elf_binary_open(&bin, "/nonexistent/binary"), -ENOENT);
}

/* A missing file is retried after a while; meanwhile the failure is served from the cache. */
static void test_failure_retried(void **state)
{
	char dir[] = "/tmp/caprec-retry-XXXXXX", path[PATH_MAX], cmd[2 * PATH_MAX];
	struct timespec wait = { ELF_SYMBOLS_RETRY_NS / 1000000000ull,
				 ELF_SYMBOLS_RETRY_NS % 1000000000ull + 50000000 };
	struct elf_symbols_cache *cache;
	const struct elf_binary *bin;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/later", dir);
	assert_int_equal(elf_symbols_cache_new(&cache, 0), 0);
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, path, 0, 0, &bin), -ENOENT);
	copy_file("/proc/self/exe", path);
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, path, 0, 0, &bin), -ENOENT);
	nanosleep(&wait, NULL);
	assert_int_equal(elf_symbols_cache_get(cache, 0, 0, 0, path, 0, 0, &bin), 0);
	assert_non_null(bin);
	elf_symbols_cache_free(cache);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * In a child with its own mount namespace: the test binary seen through a
 * read-only overlayfs, as a container sees its image. Exit 0 = passed,
 * 77 = cannot set it up here, else the failed step.
 */
static int overlay_child(uint64_t file_offset)
{
	/* Sizes gcc can prove large enough: every path below derives from base. */
	char base[] = "/tmp/caprec-ovl-XXXXXX", lower[64], empty[64], merged[64], file[128],
	     options[160], cmd[96];
	struct elf_symbols_cache *cache;
	const struct elf_binary *bin;
	struct stat real, seen;
	const char *symbol;
	uint64_t offset;
	int ret = 77;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    !mkdtemp(base))
		return 77;
	snprintf(lower, sizeof(lower), "%s/lower", base);
	snprintf(empty, sizeof(empty), "%s/empty", base);
	snprintf(merged, sizeof(merged), "%s/merged", base);
	if (mkdir(lower, 0700) || mkdir(empty, 0700) || mkdir(merged, 0700))
		goto cleanup;
	snprintf(file, sizeof(file), "%s/bin", lower);
	copy_file("/proc/self/exe", file);
	if (stat(file, &real))
		goto cleanup;
	snprintf(options, sizeof(options), "lowerdir=%s:%s", lower, empty);
	if (mount("overlay", merged, "overlay", MS_RDONLY, options))
		goto cleanup; /* no overlayfs here: skip */
	snprintf(file, sizeof(file), "%s/bin", merged);
	ret = 1;
	if (stat(file, &seen))
		goto unmount;
	ret = 77;
	if (seen.st_dev == real.st_dev || seen.st_ino != real.st_ino)
		goto unmount; /* an overlayfs that reports otherwise: nothing to test */
	ret = 2;
	if (elf_symbols_cache_new(&cache, 0))
		goto unmount;
	/* The device the kernel lists for the mapping is the layer's. */
	if (elf_symbols_cache_get(cache, 0, 0, 0, file, real.st_dev, real.st_ino, &bin) == 0 &&
	    elf_binary_resolve(bin, file_offset, &symbol, &offset) == 0 &&
	    !strcmp(symbol, "static_function_to_find"))
		ret = 0;
	/* Another inode number is still another file. */
	if (!ret && elf_symbols_cache_get(cache, 0, 0, 0, file, real.st_dev, real.st_ino + 1,
					  &bin) != -ENOENT)
		ret = 3;
	elf_symbols_cache_free(cache);
unmount:
	umount(merged);
cleanup:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd))
		ret = ret ? ret : 4;
	return ret;
}

static void test_overlayfs_path(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&static_function_to_find, file_offset;
	const struct proc_mapping *m;
	struct proc_maps *maps;
	int status;
	pid_t pid;

	(void)state;
	if (geteuid()) {
		print_message("skip: mounting an overlayfs needs root\n");
		skip();
	}
	m = self_mapping(addr, &maps);
	file_offset = proc_mapping_file_offset(m, addr);
	proc_maps_free(maps);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(overlay_child(file_offset));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("skip: cannot mount an overlayfs here\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * The test binary mapped executable from a memfd: the mapping's path names
 * no file on disk, only /proc/PID/map_files can open it.
 */
static void test_memfd_mapping(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&static_function_to_find, file_offset, mem_addr;
	const struct proc_mapping *m;
	struct elf_symbols_cache *cache;
	const struct elf_binary *bin;
	struct proc_maps *maps;
	unsigned char *copy;
	const char *symbol;
	uint64_t offset;
	struct stat st;
	void *mem;
	int fd, src;

	(void)state;
	m = self_mapping(addr, &maps);
	file_offset = proc_mapping_file_offset(m, addr);
	proc_maps_free(maps);

	src = open("/proc/self/exe", O_RDONLY);
	assert_true(src >= 0);
	assert_int_equal(fstat(src, &st), 0);
	copy = malloc((size_t)st.st_size);
	assert_non_null(copy);
	assert_int_equal(pread(src, copy, (size_t)st.st_size, 0), st.st_size);
	close(src);
	fd = memfd_create("caprec-test", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, copy, (size_t)st.st_size), st.st_size);
	free(copy);
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	close(fd);
	if (mem == MAP_FAILED) {
		print_message("skip: cannot map a memfd executable (vm.memfd_noexec?)\n");
		skip();
	}
	mem_addr = (uint64_t)(uintptr_t)mem + file_offset;

	assert_int_equal(proc_maps_read(&maps, (uint32_t)getpid()), 0);
	m = proc_maps_find(maps, mem_addr);
	assert_non_null(m);
	assert_true(m->flags & PROC_MAP_MEMFD);
	assert_int_equal(proc_mapping_file_offset(m, mem_addr), file_offset);
	assert_int_equal(elf_symbols_cache_new(&cache, 0), 0);
	if (elf_symbols_cache_get(cache, (uint32_t)getpid(), m->start, m->end, m->path, m->dev,
				  m->inode, &bin) == -ENOENT) {
		print_message("skip: /proc/self/map_files needs CAP_SYS_ADMIN or "
			      "CAP_CHECKPOINT_RESTORE\n");
		elf_symbols_cache_free(cache);
		proc_maps_free(maps);
		munmap(mem, (size_t)st.st_size);
		skip();
	}
	assert_non_null(bin);
	assert_int_equal(elf_binary_resolve(bin, file_offset, &symbol, &offset), 0);
	assert_string_equal(symbol, "static_function_to_find");
	elf_symbols_cache_free(cache);
	proc_maps_free(maps);
	munmap(mem, (size_t)st.st_size);
}

/* Truncated and corrupted copies of a real binary: errors or partial results, never a crash. */
static void test_damaged_copies(void **state)
{
	unsigned char *image, *copy;
	struct elf_binary *bin;
	const char *symbol;
	uint64_t offset, seed = 12345;
	struct stat st;
	size_t size, i, cut;
	int src, fd, err;

	(void)state;
	src = open("/proc/self/exe", O_RDONLY);
	assert_true(src >= 0);
	assert_int_equal(fstat(src, &st), 0);
	size = (size_t)st.st_size;
	image = malloc(size);
	copy = malloc(size);
	assert_non_null(image);
	assert_non_null(copy);
	assert_int_equal(pread(src, image, size, 0), (ssize_t)size);
	close(src);

	for (i = 0; i < 48; i++) {
		/* Half the rounds cut the file, half flip bytes in the headers and tables. */
		memcpy(copy, image, size);
		cut = size;
		if (i % 2) {
			cut = (size_t)((seed = seed * 6364136223846793005ull + 1) >> 33) % size;
		} else {
			size_t flips;

			for (flips = 0; flips < 16; flips++) {
				seed = seed * 6364136223846793005ull + 1;
				copy[(seed >> 33) % (i < 24 ? 4096 : size)] ^=
					(unsigned char)(seed >> 20);
			}
		}
		fd = memfd_create("damaged", MFD_CLOEXEC);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, copy, cut), (ssize_t)cut);
		err = elf_binary_open_fd(&bin, fd);
		close(fd);
		if (err) {
			assert_true(err < 0);
			assert_null(bin);
			continue;
		}
		elf_binary_resolve(bin, 0x1000, &symbol, &offset);
		elf_binary_build_id(bin, &cut);
		elf_binary_free(bin);
	}
	free(image);
	free(copy);
}

/*
 * A stripped copy of this test names its static functions again once its
 * debug file is found by build-id, the way distributions install them.
 */
static void test_debug_file(void **state)
{
	char dir[] = "/tmp/caprec-debug-XXXXXX", stripped[PATH_MAX], debug[PATH_MAX],
	     cmd[3 * PATH_MAX];
	uint64_t addr = (uint64_t)(uintptr_t)&static_function_to_find, file_offset;
	const struct proc_mapping *m;
	struct proc_maps *maps;
	struct elf_binary *bin;
	const uint8_t *id;
	const char *symbol;
	uint64_t offset;
	size_t len, i, at;

	(void)state;
	m = self_mapping(addr, &maps);
	file_offset = proc_mapping_file_offset(m, addr);
	proc_maps_free(maps);
	assert_non_null(mkdtemp(dir));
	snprintf(stripped, sizeof(stripped), "%s/stripped", dir);
	copy_file("/proc/self/exe", stripped);
	snprintf(cmd, sizeof(cmd), "strip --strip-all '%s' 2>/dev/null", stripped);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		print_message("skip: strip (binutils) is not installed\n");
		skip();
	}
	assert_int_equal(elf_binary_open(&bin, stripped), 0);
	assert_false(elf_binary_has_symtab(bin));
	if (!elf_binary_resolve(bin, file_offset, &symbol, &offset))
		assert_string_not_equal(symbol, "static_function_to_find");
	id = elf_binary_build_id(bin, &len);
	if (!id) {
		elf_binary_free(bin);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		print_message("skip: this test binary was linked without --build-id\n");
		skip();
	}
	assert_int_equal(elf_binary_add_debug_symbols(bin, dir), -ENOENT);

	/* DIR/.build-id/ab/cdef....debug */
	at = (size_t)snprintf(debug, sizeof(debug), "%s/.build-id/%02x", dir, id[0]);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", debug);
	assert_int_equal(system(cmd), 0);
	debug[at++] = '/';
	for (i = 1; i < len; i++)
		at += (size_t)snprintf(debug + at, sizeof(debug) - at, "%02x", id[i]);
	snprintf(debug + at, sizeof(debug) - at, ".debug");

	/* Another binary at that name: refused by its build-id. */
	copy_file("/bin/sh", debug);
	assert_int_equal(elf_binary_add_debug_symbols(bin, dir), -ESTALE);

	copy_file("/proc/self/exe", debug);
	assert_int_equal(elf_binary_add_debug_symbols(bin, dir), 0);
	assert_true(elf_binary_has_symtab(bin));
	assert_int_equal(elf_binary_resolve(bin, file_offset, &symbol, &offset), 0);
	assert_string_equal(symbol, "static_function_to_find");
	assert_int_equal(offset, 0);
	elf_binary_free(bin);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_static_function),
		cmocka_unit_test(test_build_id),
		cmocka_unit_test(test_libc_getpid),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_failure_retried),
		cmocka_unit_test(test_memfd_mapping),
		cmocka_unit_test(test_overlayfs_path),
		cmocka_unit_test(test_damaged_copies),
		cmocka_unit_test(test_debug_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
