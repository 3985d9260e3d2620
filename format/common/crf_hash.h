/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_hash.h - the one hash of byte strings for the tree's hash tables (the
 * writer's interning, the recorder's build-id cache, the loader's maps) and
 * content keys. Eight bytes per multiply, then a final mix so short keys
 * spread over the low bits that a power-of-two table indexes with. Not
 * keyed: an adversary who controls the keys can make them collide, which
 * costs probe length, never correctness. Header only, like crf_clock.h.
 */
#ifndef CRF_HASH_H
#define CRF_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The seed of a first call; pass the previous result to hash several pieces as one key. */
#define CRF_HASH_SEED 0xcbf29ce484222325ull

static inline uint64_t crf_hash(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ len;
	uint64_t word;

	for (; len >= sizeof(word); len -= sizeof(word), p += sizeof(word)) {
		memcpy(&word, p, sizeof(word));
		h = (h ^ word) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; len; len--, p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

#endif /* CRF_HASH_H */
