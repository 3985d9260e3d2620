// SPDX-License-Identifier: GPL-2.0-only
/* test_policy_render.c - setcap, systemd, docker/podman and k8s snippets (policy_render.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy_render.h"

#define CAP(n) (1ull << (n))

static const cap_set_t web = CAP(0) | CAP(10); /* CHOWN, NET_BIND_SERVICE */

static void test_setcap(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	render_setcap(&sb, web, "/usr/bin/x");
	assert_string_equal(strbuf_str(&sb), "setcap cap_chown,cap_net_bind_service+ep /usr/bin/x");
	strbuf_reset(&sb);
	render_setcap(&sb, 0, "/usr/bin/x");
	assert_string_equal(strbuf_str(&sb), "setcap -r /usr/bin/x");
	strbuf_reset(&sb);
	/* A hostile path stays one shell word. */
	render_setcap(&sb, CAP(13), "/opt/a b/it's;rm -rf");
	assert_string_equal(strbuf_str(&sb), "setcap cap_net_raw+ep '/opt/a b/it'\\''s;rm -rf'");
	strbuf_reset(&sb);
	render_setcap(&sb, CAP(45), "/x");
	assert_string_equal(strbuf_str(&sb), "setcap cap_45+ep /x");
	strbuf_release(&sb);
}

static void test_systemd(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	render_systemd(&sb, web);
	assert_string_equal(strbuf_str(&sb), "CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE\n"
					     "AmbientCapabilities=CAP_CHOWN CAP_NET_BIND_SERVICE\n");
	strbuf_reset(&sb);
	render_systemd(&sb, 0);
	assert_string_equal(strbuf_str(&sb), "CapabilityBoundingSet=\nAmbientCapabilities=\n");
	strbuf_release(&sb);
}

static void test_containers(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	render_container_flags(&sb, web);
	assert_string_equal(strbuf_str(&sb),
			    "--cap-drop=ALL --cap-add=CHOWN --cap-add=NET_BIND_SERVICE");
	strbuf_reset(&sb);
	render_container_flags(&sb, 0);
	assert_string_equal(strbuf_str(&sb), "--cap-drop=ALL");
	strbuf_reset(&sb);
	render_k8s(&sb, web);
	assert_string_equal(strbuf_str(&sb), "securityContext:\n"
					     "  capabilities:\n"
					     "    drop: [\"ALL\"]\n"
					     "    add: [\"CHOWN\", \"NET_BIND_SERVICE\"]\n");
	strbuf_reset(&sb);
	render_k8s(&sb, 0);
	assert_string_equal(strbuf_str(&sb), "securityContext:\n  capabilities:\n"
					     "    drop: [\"ALL\"]\n    add: []\n");
	strbuf_reset(&sb);
	render_cap_list(&sb, CAP(21) | CAP(40), ",");
	assert_string_equal(strbuf_str(&sb), "CAP_SYS_ADMIN,CAP_CHECKPOINT_RESTORE");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setcap),
		cmocka_unit_test(test_systemd),
		cmocka_unit_test(test_containers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
