/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_render.h - a capability set written the way each tool that applies
 * one wants it. Every function appends to sb; none prints.
 */
#ifndef REPORTS_POLICY_RENDER_H
#define REPORTS_POLICY_RENDER_H

#include "cap_set.h"
#include "strbuf.h"

/*
 * "setcap cap_chown,cap_net_bind_service+ep /usr/bin/x" (the path
 * shell-quoted); an empty set is "setcap -r /usr/bin/x" (remove file
 * capabilities: the program needs none).
 */
void render_setcap(struct strbuf *sb, cap_set_t set, const char *exe_path);

/*
 * Two systemd unit lines, newline-terminated:
 *   CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE
 *   AmbientCapabilities=CAP_CHOWN CAP_NET_BIND_SERVICE
 * (an empty set leaves both empty: no capabilities at all).
 */
void render_systemd(struct strbuf *sb, cap_set_t set);

/*
 * The systemd line for a service that runs as root with only set:
 *   CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE
 * (ambient capabilities mean nothing to a root service).
 */
void render_systemd_bounding(struct strbuf *sb, cap_set_t set);

/* "--cap-drop=ALL --cap-add=CHOWN --cap-add=NET_BIND_SERVICE": docker run and podman run. */
void render_container_flags(struct strbuf *sb, cap_set_t set);

/*
 * A Kubernetes container securityContext, newline-terminated YAML:
 *   securityContext:
 *     capabilities:
 *       drop: ["ALL"]
 *       add: ["CHOWN", "NET_BIND_SERVICE"]
 */
void render_k8s(struct strbuf *sb, cap_set_t set);

/* "CAP_CHOWN,CAP_NET_BIND_SERVICE" (sep between names), "" for the empty set. */
void render_cap_list(struct strbuf *sb, cap_set_t set, const char *sep);

#endif /* REPORTS_POLICY_RENDER_H */
