// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen_hostile - writes the hostile recordings into a folder:
 *   gen_hostile DIR          sizes small enough for a fuzzing corpus
 *   gen_hostile --full DIR   the sizes the attacks were measured at (2 MiB of
 *                            resynchronisation trap, 10 inflated chunks,
 *                            20000 CLOCK blocks before 200000 events)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hostile_cases.h"

static int save(const char *dir, const char *name, struct hbuf *b)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "gen_hostile: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ok = fwrite(b->data, 1, b->len, f) == b->len;
	ok = !fclose(f) && ok;
	if (!ok)
		fprintf(stderr, "gen_hostile: %s: write failed\n", path);
	hbuf_free(b);
	return !ok;
}

int main(int argc, char **argv)
{
	struct hbuf b = { 0 };
	bool full = argc == 3 && !strcmp(argv[1], "--full");
	const char *dir = argv[argc - 1];
	int failed = 0;

	if (argc != 2 && !full) {
		fprintf(stderr, "usage: gen_hostile [--full] DIR\n");
		return 2;
	}
	if (full)
		hostile_resync(&b, 2u << 20, 1u << 20);
	else
		hostile_resync(&b, 32 << 10, 4096);
	failed |= save(dir, "hostile-resync.caprec", &b);
	hostile_huge_ids(&b);
	failed |= save(dir, "hostile-huge-ids.caprec", &b);
	hostile_inflation(&b, full ? 10 : 2);
	failed |= save(dir, "hostile-inflation.caprec", &b);
	if (full)
		hostile_clock_storm(&b, 20000, 200000);
	else
		hostile_clock_storm(&b, 1000, 1000);
	failed |= save(dir, "hostile-clock-storm.caprec", &b);
	hostile_loss_overflow(&b);
	failed |= save(dir, "hostile-loss-overflow.caprec", &b);
	return failed;
}
