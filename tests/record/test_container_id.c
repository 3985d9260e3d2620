// SPDX-License-Identifier: GPL-2.0-only
/* test_container_id.c - container ids from a table of real-world cgroup v2 paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "container_id.h"

#define ID64 "4f1a9c0e3b5d7a2c8e6f0b1d3a5c7e9f2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a"

struct case_row {
	const char *cgroup;
	const char *expected; /* NULL: no container */
};

static const struct case_row rows[] = {
	/* docker, systemd cgroup driver and cgroupfs driver */
	{ "/system.slice/docker-" ID64 ".scope", "docker:" ID64 },
	{ "/docker/" ID64, "docker:" ID64 },
	/* docker-in-docker: the innermost container */
	{ "/docker/" ID64 "/docker/0123456789ab0123456789ab", "docker:0123456789ab0123456789ab" },
	/* containerd's CRI plugin under kubelet (systemd driver) */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8e5c1f2a_7d4b_4c3e_9a1f_"
	  "0b2c3d4e5f60.slice/cri-containerd-" ID64 ".scope",
	  "containerd:" ID64 },
	/* CRI-O, and its conmon, which is not the container */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1c2d3e4f_0000_1111_"
	  "2222_333344445555.slice/crio-" ID64 ".scope",
	  "crio:" ID64 },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1c2d3e4f_0000_1111_"
	  "2222_333344445555.slice/crio-conmon-" ID64 ".scope",
	  "kubepods:1c2d3e4f-0000-1111-2222-333344445555" },
	/* kubelet with the cgroupfs driver: pod uid and a bare container id */
	{ "/kubepods/burstable/pod8e5c1f2a-7d4b-4c3e-9a1f-0b2c3d4e5f60/" ID64,
	  "kubepods:8e5c1f2a-7d4b-4c3e-9a1f-0b2c3d4e5f60/" ID64 },
	/* guaranteed QoS pod, pod-level cgroup only */
	{ "/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_6071_8293_a4b5c6d7e8f9.slice",
	  "kubepods:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9" },
	/* podman, rootful and rootless, and the payload cgroup below the scope */
	{ "/machine.slice/libpod-" ID64 ".scope", "podman:" ID64 },
	{ "/machine.slice/libpod-" ID64 ".scope/container", "podman:" ID64 },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
	  "podman:" ID64 },
	{ "/machine.slice/libpod-conmon-" ID64 ".scope", NULL },
	{ "/libpod_parent/libpod-" ID64, "podman:" ID64 },
	/* LXC */
	{ "/lxc.payload.web01", "lxc:web01" },
	{ "/lxc/web02", "lxc:web02" },
	/* systemd services: the innermost .service */
	{ "/system.slice/ssh.service", "systemd:ssh.service" },
	{ "/system.slice/system-getty.slice/getty@tty1.service", "systemd:getty@tty1.service" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service",
	  "systemd:dbus.service" },
	{ "/system.slice/containerd.service", "systemd:containerd.service" },
	/* nothing to name */
	{ "/", NULL },
	{ "", NULL },
	{ "/user.slice/user-0.slice/session-3.scope", NULL },
	{ "/init.scope", NULL },
	{ "/system.slice/docker-notahexid.scope", NULL },
	{ "/docker/short", NULL },
	{ "/system.slice/docker-" ID64 ".scopeX", NULL },
};

static void test_table(void **state)
{
	char out[CONTAINER_ID_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int ret = container_id_from_cgroup(rows[i].cgroup, out, sizeof(out));

		if (rows[i].expected) {
			if (ret != 1 || strcmp(out, rows[i].expected))
				fail_msg("%s: got %d \"%s\", want \"%s\"", rows[i].cgroup, ret, out,
					 rows[i].expected);
		} else if (ret != 0 || out[0]) {
			fail_msg("%s: got %d \"%s\", want none", rows[i].cgroup, ret, out);
		}
	}
}

static void test_limits(void **state)
{
	char small[16], out[CONTAINER_ID_MAX];
	char deep[64 * 4 + 32] = "";
	int i;

	(void)state;
	assert_int_equal(container_id_from_cgroup("/docker/" ID64, small, sizeof(small)), -ENOSPC);
	assert_int_equal(container_id_from_cgroup(NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(container_id_from_cgroup("/", NULL, 0), -EINVAL);
	/* Deeper than any real hierarchy: still terminates and answers from what it read. */
	for (i = 0; i < 80; i++)
		strcat(deep, "/a");
	assert_int_equal(container_id_from_cgroup(deep, out, sizeof(out)), 0);
}

/* Random paths built from the pieces real ones are made of: an answer or none, in bounds. */
static void test_random_paths(void **state)
{
	static const char *const pieces[] = {
		"/", "docker-", ID64, ".scope", "/docker/", "kubepods", "-pod", "_", ".slice",
		"crio-", "libpod-", "conmon-", "lxc.payload.", "/lxc/", ".service", "pod", "x",
	};
	char path[1024], out[CONTAINER_ID_MAX];
	uint64_t seed = 3;
	size_t i, j, len;
	int ret;

	(void)state;
	for (i = 0; i < 5000; i++) {
		path[0] = '\0';
		len = 0;
		for (j = 0; j < 1 + i % 12; j++) {
			const char *piece;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			piece = pieces[(seed >> 33) % (sizeof(pieces) / sizeof(pieces[0]))];
			if (len + strlen(piece) + 1 > sizeof(path))
				break;
			memcpy(path + len, piece, strlen(piece) + 1);
			len += strlen(piece);
		}
		ret = container_id_from_cgroup(path, out, sizeof(out));
		assert_true(ret == 0 || ret == 1 || ret == -ENOSPC);
		assert_true(strlen(out) < sizeof(out));
		if (ret == 1)
			assert_non_null(strchr(out, ':'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_random_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
