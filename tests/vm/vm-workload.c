// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest workload: each subcommand makes one capability check whose facts are known from
 * the kernel source, so the driver can compare what caprec reports against ground truth.
 * It prints "pid=P tid=T verdict=granted|denied" for each process/thread that made the check,
 * the verdict as the kernel's answer showed it (the host runs without some capabilities).
 *
 *   chown FILE   drop to nobody, chown a root-owned FILE: CAP_CHOWN, audited, denied
 *   rlimit       drop to nobody, raise the hard RLIMIT_NOFILE: CAP_SYS_RESOURCE, audited, denied
 *   mmap         as root, map private writable memory: CAP_SYS_ADMIN from cap_vm_enough_memory(),
 *                not audited, granted
 *   ptrace       drop to nobody, read /proc/1/stat (init is root's): CAP_SYS_PTRACE through
 *                has_ns_capability_noaudit() in __ptrace_may_access(), not audited, denied
 *   setuid       as root, setresuid() of the saved uid: CAP_SETUID through ns_capable_setid(),
 *                INSETID, granted
 *   forker       as root, a child and a grandchild each raise RLIMIT_NOFILE: CAP_SYS_RESOURCE
 *                granted, made by descendants of the traced command
 *   thread       as root, a second thread raises RLIMIT_NOFILE: the tid differs from the pid
 *
 * The checks' syscalls are made with inline syscall instructions: the syscall the kernel sees
 * stays fixed (glibc may route chown() through fchownat(), setrlimit() through prlimit64()),
 * and the instruction pointer of the user stack lies in the workload's own function. Through
 * glibc's syscall(), written without a frame pointer, a frame-pointer unwinder would skip the
 * caller of syscall(), the very frame the test looks for. Build with frame pointers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

/* x86-64 syscall instruction, inlined into the function that makes the check. */
#define direct_syscall(nr, a, b, c)                                                      \
	({                                                                               \
		long _result;                                                            \
		__asm__ volatile("syscall"                                               \
				 : "=a"(_result)                                         \
				 : "0"((long)(nr)), "D"((long)(a)), "S"((long)(b)),      \
				   "d"((long)(c))                                        \
				 : "rcx", "r11", "memory");                              \
		_result;                                                                 \
	})

/* The same for mmap's six arguments. */
static inline __attribute__((always_inline)) long direct_mmap(long length)
{
	register long flags __asm__("r10") = MAP_PRIVATE | MAP_ANONYMOUS;
	register long fd __asm__("r8") = -1;
	register long offset __asm__("r9") = 0;
	long result;

	__asm__ volatile("syscall"
			 : "=a"(result)
			 : "0"((long)SYS_mmap), "D"(0L), "S"(length), "d"((long)(PROT_READ | PROT_WRITE)),
			   "r"(flags), "r"(fd), "r"(offset)
			 : "rcx", "r11", "memory");
	return result;
}

static void print_actor(int granted)
{
	printf("pid=%ld tid=%ld verdict=%s\n", (long)getpid(), (long)syscall(SYS_gettid),
	       granted ? "granted" : "denied");
	fflush(stdout);
}

/* Whether a capability is in the effective set: its check's verdict, known in advance. */
static int has_effective(int cap)
{
	unsigned long long effective = 0;
	char line[256];
	FILE *status = fopen("/proc/self/status", "r");

	if (!status)
		return 0;
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "CapEff: %llx", &effective) == 1)
			break;
	fclose(status);
	return (effective >> cap) & 1;
}

static int drop_to_nobody(void)
{
	if (syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0 ||
	    syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0) {
		fprintf(stderr, "vm-workload: cannot drop to uid %d: %s\n", NOBODY, strerror(errno));
		return -1;
	}
	return 0;
}

/* Expected to fail with EPERM: that denial is the check under test. */
__attribute__((noinline)) static int workload_chown_foreign(const char *path)
{
	long result = direct_syscall(SYS_chown, path, NOBODY, NOBODY);

	if (result == 0) {
		fprintf(stderr, "vm-workload: chown %s unexpectedly succeeded\n", path);
		return 1;
	}
	print_actor(0);
	if (result != -EPERM)
		fprintf(stderr, "vm-workload: chown %s: %s\n", path, strerror((int)-result));
	return result == -EPERM ? 0 : 1;
}

__attribute__((noinline)) static int workload_raise_rlimit(void)
{
	struct rlimit limit;
	long result;

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
		return 1;
	/* A hard limit above the current one needs CAP_SYS_RESOURCE. */
	limit.rlim_max += 16;
	result = direct_syscall(SYS_setrlimit, RLIMIT_NOFILE, &limit, 0);
	print_actor(result == 0);
	/* Denied is a result too (nobody, or a host without CAP_SYS_RESOURCE). */
	return result == 0 || result == -EPERM ? 0 : 1;
}

__attribute__((noinline)) static int workload_map_private(void)
{
	void *memory;

	/* cap_vm_enough_memory() only notes the answer, the mapping succeeds either way. */
	print_actor(has_effective(21 /* CAP_SYS_ADMIN */));
	memory = (void *)direct_mmap(1 << 20);
	if ((unsigned long)memory > -4096UL)
		return 1;
	munmap(memory, 1 << 20);
	return 0;
}

/* do_task_stat() asks ptrace_may_access(PTRACE_MODE_NOAUDIT) whether to show the addresses. */
__attribute__((noinline)) static int workload_read_foreign_stat(void)
{
	char buffer[1024];
	int fd = open("/proc/1/stat", O_RDONLY);
	long n;

	if (fd < 0)
		return 1;
	n = direct_syscall(SYS_read, fd, buffer, sizeof(buffer));
	close(fd);
	print_actor(0);
	return n > 0 ? 0 : 1;
}

__attribute__((noinline)) static int workload_set_uid(void)
{
	/* Only a change is checked: a saved uid that is none of the current ids. */
	long result = direct_syscall(SYS_setresuid, -1, -1, NOBODY);

	print_actor(result == 0);
	return result == 0 || result == -EPERM ? 0 : 1;
}

static int wait_child(pid_t child)
{
	int status;

	if (waitpid(child, &status, 0) != child)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

__attribute__((noinline)) static int workload_fork_descendants(void)
{
	pid_t child = fork();

	if (child < 0)
		return 1;
	if (child == 0) {
		pid_t grandchild = fork();

		if (grandchild < 0)
			_exit(1);
		if (grandchild == 0)
			_exit(workload_raise_rlimit());
		_exit(workload_raise_rlimit() | wait_child(grandchild));
	}
	return wait_child(child);
}

static void *thread_main(void *result)
{
	*(int *)result = workload_raise_rlimit();
	return NULL;
}

__attribute__((noinline)) static int workload_second_thread(void)
{
	pthread_t thread;
	int result = 1;

	if (pthread_create(&thread, NULL, thread_main, &result) != 0)
		return 1;
	pthread_join(thread, NULL);
	return result;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "chown") == 0 && argc == 3)
		return drop_to_nobody() ? 2 : workload_chown_foreign(argv[2]);
	if (strcmp(what, "rlimit") == 0)
		return drop_to_nobody() ? 2 : workload_raise_rlimit();
	if (strcmp(what, "mmap") == 0)
		return workload_map_private();
	if (strcmp(what, "ptrace") == 0)
		return drop_to_nobody() ? 2 : workload_read_foreign_stat();
	if (strcmp(what, "setuid") == 0)
		return workload_set_uid();
	if (strcmp(what, "forker") == 0)
		return workload_fork_descendants();
	if (strcmp(what, "thread") == 0)
		return workload_second_thread();
	fprintf(stderr, "usage: vm-workload chown FILE | rlimit | mmap | ptrace | setuid | forker | thread\n");
	return 2;
}
