/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * form_apply.h - puts the calling process into a deployment form with
 * exactly one capability set, then execs the command. Raw syscalls
 * (prctl, capset, setres[ug]id, setgroups): libcap would add a dependency
 * for a dozen lines.
 *
 *   root:    uid 0, bounding set = the set, permitted = effective = the set,
 *            inheritable and ambient empty: what `docker run --cap-drop=ALL
 *            --cap-add=...` and a root systemd service with
 *            CapabilityBoundingSet= give the program after its exec.
 *   nonroot: uid/gid of a user, no supplementary groups, the set in
 *            permitted, inheritable, effective and ambient, bounding set = the
 *            set: what systemd's User= + AmbientCapabilities= (with the same
 *            CapabilityBoundingSet=) and `setpriv --reuid --regid
 *            --clear-groups --inh-caps --ambient-caps` give it.
 */
#ifndef CAPREC_PROVE_FORM_APPLY_H
#define CAPREC_PROVE_FORM_APPLY_H

#include <stdint.h>
#include <sys/types.h>

enum prove_form {
	PROVE_FORM_NONROOT = 0,
	PROVE_FORM_ROOT,
};

struct form_target {
	enum prove_form form;
	uid_t uid;    /* nonroot only */
	gid_t gid;    /* nonroot only */
	uint64_t set; /* the capabilities the program may have */
};

/* "root" / "nonroot". */
const char *prove_form_name(enum prove_form form);

/* The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap). */
int form_cap_last(void);

/*
 * The capabilities of set that are not in the calling process's bounding
 * set: they cannot be granted by anything this process starts.
 */
uint64_t form_unreachable(uint64_t set);

/*
 * Applies the form to the calling process. Returns 0, or a negative errno
 * with the step that failed in errbuf.
 */
int form_apply(const struct form_target *t, char *errbuf, size_t errsize);

#endif /* CAPREC_PROVE_FORM_APPLY_H */
