/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prove.h - `caprec prove`: runs a command as root (the reference) and in a
 * deployment form with exactly one capability set, records both, compares
 * them, and with --minimize searches for the smallest set that keeps the
 * outcome. See prove_options.h for the command line.
 */
#ifndef CAPREC_PROVE_H
#define CAPREC_PROVE_H

/* argv[0] is "prove". Returns the process exit status (0 proven, 1 differs, 2 usage). */
int prove_main(int argc, char **argv);

#endif /* CAPREC_PROVE_H */
