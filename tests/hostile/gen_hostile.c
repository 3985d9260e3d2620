// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen_hostile - writes the hostile recordings into a folder, at sizes small
 * enough for a fuzzing corpus (the tests build their own, full-size ones):
 *   gen_hostile DIR
 */
#include <errno.h>
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
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_hostile DIR\n");
		return 2;
	}
	hostile_resync(&b, 32 << 10, 4096);
	failed |= save(argv[1], "hostile-resync.caprec", &b);
	hostile_huge_ids(&b);
	failed |= save(argv[1], "hostile-huge-ids.caprec", &b);
	hostile_inflation(&b, 2);
	failed |= save(argv[1], "hostile-inflation.caprec", &b);
	hostile_clock_storm(&b, 1000, 1000);
	failed |= save(argv[1], "hostile-clock-storm.caprec", &b);
	hostile_loss_overflow(&b);
	failed |= save(argv[1], "hostile-loss-overflow.caprec", &b);
	return failed;
}
