/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attach.h - choosing the attach mode: the requested one, or auto's
 * candidates in order until one loads AND attaches, with the process filter
 * filled before the programs attach. Also the --probe report, which tries
 * fentry for real because only an attach proves it usable.
 */
#ifndef CAPREC_ATTACH_H
#define CAPREC_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf_setup.h"

struct attach_request {
	enum attach_mode mode;            /* ATTACH_AUTO: try probe_auto_order()'s modes */
	const uint32_t *pids;             /* put into the filter before attaching */
	size_t pid_count;
	const char *cgroup_path;          /* --cgroup, or NULL */
	bool report_fallbacks;            /* print each failed mode before the next is tried */
};

/*
 * Loads and attaches one mode into *session. Returns 0, or a negative errno
 * with a one-line reason in errbuf (naming missing capabilities on EPERM);
 * nothing stays loaded then.
 */
int attach_start(struct bpf_session *session, const struct bpf_settings *settings,
		 const struct attach_request *req, char *errbuf, size_t errsize);

/* caprec --probe: prints the report to out; returns the exit status (1: no usable mode). */
int attach_probe_report(FILE *out);

#endif /* CAPREC_ATTACH_H */
