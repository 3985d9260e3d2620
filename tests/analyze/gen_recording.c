// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen_recording.c - writes the analyser's fixture recording (fixture.h) to a
 * file: for the golden tests and for measuring load speed by hand:
 *   gen_recording big.caprec 250000 && time capanalyze load -d big.db big.caprec
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

int main(int argc, char **argv)
{
	unsigned long long rounds;
	char *end;

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--no-end"))) {
		fprintf(stderr, "usage: gen_recording OUT ROUNDS [--no-end]\n");
		return 2;
	}
	rounds = strtoull(argv[2], &end, 10);
	if (*end || end == argv[2]) {
		fprintf(stderr, "gen_recording: bad round count '%s'\n", argv[2]);
		return 2;
	}
	if (fixture_write_file(argv[1], rounds, argc != 4)) {
		fprintf(stderr, "gen_recording: %s: cannot write the recording\n", argv[1]);
		return 1;
	}
	printf("%s: %llu events\n", argv[1], (unsigned long long)fixture_events(rounds));
	return 0;
}
