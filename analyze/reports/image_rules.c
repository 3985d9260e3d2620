// SPDX-License-Identifier: GPL-2.0-only
/* image_rules.c - executables and capabilities that change the advice (see image_rules.h). */
#include "image_rules.h"

#include <fnmatch.h>
#include <linux/capability.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct image_rule rules[] = {
	{ "python*", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "perl*", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "ruby*", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "node", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "nodejs", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "php*", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "lua*", IMAGE_INTERPRETER, "an interpreter: every script it runs gets them" },
	{ "java", IMAGE_INTERPRETER, "a virtual machine: every program it runs gets them" },
	{ "sh", IMAGE_INTERPRETER, "a shell: every script and command line gets them" },
	{ "bash", IMAGE_INTERPRETER, "a shell: every script and command line gets them" },
	{ "dash", IMAGE_INTERPRETER, "a shell: every script and command line gets them" },
	{ "zsh", IMAGE_INTERPRETER, "a shell: every script and command line gets them" },
	{ "ksh*", IMAGE_INTERPRETER, "a shell: every script and command line gets them" },
	{ "busybox*", IMAGE_MULTICALL,
	  "a multi-call binary: every applet (a shell, start-stop-daemon -c root) gets them" },
	{ "toybox*", IMAGE_MULTICALL,
	  "a multi-call binary: every applet (a shell, ...) gets them" },
	{ "runuser", IMAGE_REFUSES_NONROOT,
	  "runuser refuses to run unless its real uid is 0, whatever its capabilities" },
	{ "mount", IMAGE_REFUSES_NONROOT,
	  "libmount lets a non-root user mount only what /etc/fstab marks 'user'" },
	{ "umount", IMAGE_REFUSES_NONROOT,
	  "libmount lets a non-root user unmount only what /etc/fstab marks 'user'" },
	{ "sudo", IMAGE_REFUSES_NONROOT,
	  "sudo requires an effective uid of 0 (its set-user-ID bit), not capabilities" },
	{ "runc", IMAGE_RUNTIME, "a container runtime: its init's checks set up the container" },
	{ "runc_cloned", IMAGE_RUNTIME,
	  "a container runtime: its init's checks set up the container" },
	{ "crun", IMAGE_RUNTIME, "a container runtime: its init's checks set up the container" },
	{ "youki", IMAGE_RUNTIME, "a container runtime: its init's checks set up the container" },
	{ "runsc", IMAGE_RUNTIME, "a container runtime: its init's checks set up the container" },
	{ "containerd-shim*", IMAGE_RUNTIME, "a container runtime's shim" },
	{ "conmon", IMAGE_RUNTIME, "a container runtime's monitor" },
};

const struct image_rule *image_rules(unsigned *count)
{
	*count = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

/*
 * The name an executable is known by: its base name, or for a program run
 * from a memfd ("/memfd:runc_cloned:/proc/self/exe (deleted)", how runc
 * re-executes itself as the container's init) the memfd's name.
 */
static void image_name(const char *exe_path, char *name, size_t size)
{
	const char *start = exe_path, *end;

	if (!strncmp(exe_path, "/memfd:", 7)) {
		start = exe_path + 7;
		end = start + strcspn(start, ": ");
	} else {
		const char *slash = strrchr(exe_path, '/');

		start = slash ? slash + 1 : exe_path;
		end = start + strlen(start);
	}
	snprintf(name, size, "%.*s", (int)(end - start), start);
}

const struct image_rule *image_rule_for(const char *exe_path)
{
	char name[256];

	if (!exe_path)
		return NULL;
	image_name(exe_path, name, sizeof(name));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!fnmatch(rules[i].pattern, name, 0))
			return &rules[i];
	return NULL;
}

static const struct cred_rule cred_table[] = {
	/* xsetgroups/xsetgid/xsetuid for httpd -u, start-stop-daemon -c, chpst -u ... */
	{ "busybox*", CRED_DROPS_ALWAYS,
	  "busybox switches user (-u, -c) whatever its uid: started as non-root it still calls "
	  "setgroups, setgid and setuid, and exits when they fail" },
	{ "toybox*", CRED_DROPS_ALWAYS,
	  "toybox switches user whatever its uid: started as non-root it still calls setgroups, "
	  "setgid and setuid, and exits when they fail" },
	/* sshd's main() drops inherited groups and only logs a failure at debug level. */
	{ "sshd", CRED_CLEARS_GROUPS,
	  "sshd clears inherited supplementary groups at start and goes on when that is refused" },
};

const struct cred_rule *cred_rules(unsigned *count)
{
	*count = sizeof(cred_table) / sizeof(cred_table[0]);
	return cred_table;
}

const struct cred_rule *cred_rule_for(const char *exe_path)
{
	char name[256];

	if (!exe_path)
		return NULL;
	image_name(exe_path, name, sizeof(name));
	for (size_t i = 0; i < sizeof(cred_table) / sizeof(cred_table[0]); i++)
		if (!fnmatch(cred_table[i].pattern, name, 0))
			return &cred_table[i];
	return NULL;
}

static const struct unseen_need unseen_table[] = {
	/* iproute2 lib/utils.c drop_cap(): run by a non-root user, it clears its capabilities */
	{ "ip", CAP_NET_ADMIN,
	  "no check shows this: iproute2's ip started by a non-root user drops all its "
	  "capabilities unless CAP_NET_ADMIN is inheritable (ambient capabilities make it so, "
	  "file capabilities alone do not); caprec prove cannot find it "
	  "(it adds only what a run was denied): start prove with --caps holding it" },
};

const struct unseen_need *unseen_needs(unsigned *count)
{
	*count = sizeof(unseen_table) / sizeof(unseen_table[0]);
	return unseen_table;
}

const struct unseen_need *unseen_need_for(const char *exe_path)
{
	char name[256];

	if (!exe_path)
		return NULL;
	image_name(exe_path, name, sizeof(name));
	for (size_t i = 0; i < sizeof(unseen_table) / sizeof(unseen_table[0]); i++)
		if (!fnmatch(unseen_table[i].pattern, name, 0))
			return &unseen_table[i];
	return NULL;
}

const char *cap_risk(int cap, bool form_nonroot)
{
	switch (cap) {
	case CAP_SYS_ADMIN:
		return "root-equivalent: mount, namespaces, BPF, many device ioctls";
	case CAP_SYS_MODULE:
		return "root-equivalent: loads code into the kernel";
	case CAP_SYS_PTRACE:
		return "root-equivalent: reads and writes other processes' memory";
	case CAP_SYS_RAWIO:
		return "root-equivalent: raw I/O ports and device memory";
	case CAP_BPF:
		return "root-equivalent with CAP_PERFMON or CAP_NET_ADMIN: kernel memory reads";
	case CAP_DAC_OVERRIDE:
		return form_nonroot ? "root-equivalent: writes any file (/etc/shadow, sudoers)"
				    : NULL;
	case CAP_DAC_READ_SEARCH:
		return form_nonroot ? "reads any file (/etc/shadow, private keys)" : NULL;
	case CAP_FOWNER:
		return form_nonroot ? "root-equivalent: chmod any file" : NULL;
	case CAP_CHOWN:
		return form_nonroot ? "root-equivalent: takes ownership of any file" : NULL;
	case CAP_SETUID:
		return form_nonroot ? "root-equivalent: setuid(0)" : NULL;
	case CAP_SETGID:
		return form_nonroot ? "root-equivalent: joins any group (shadow, disk)" : NULL;
	case CAP_SETPCAP:
		return form_nonroot ? "grants itself any capability of the bounding set" : NULL;
	case CAP_SETFCAP:
		return form_nonroot ? "root-equivalent: puts any file capability on any file"
				    : NULL;
	}
	return NULL;
}

const char *cap_risk_instead(int cap)
{
	switch (cap) {
	case CAP_DAC_OVERRIDE:
	case CAP_DAC_READ_SEARCH:
	case CAP_FOWNER:
	case CAP_CHOWN:
		return "give the service's user the files it needs (owner, group, ACL) instead";
	case CAP_SETUID:
	case CAP_SETGID:
		return "start the program as its target user (User=) so it need not switch";
	case CAP_SETPCAP:
	case CAP_SETFCAP:
		return "set the capabilities from outside (systemd, setpriv) instead";
	case CAP_SYS_ADMIN:
		return "look for the narrower capability or a helper that does the one operation";
	}
	return "confine that one service (a systemd unit with its own bounding set)";
}
