/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostile_cases.h - recordings built to attack a reader's time and memory,
 * each a whole file (header included) appended to out.
 */
#ifndef HOSTILE_CASES_H
#define HOSTILE_CASES_H

#include "hostile_encoder.h"

/* CRF_MAX_IDS: the largest id a definition may state (FORMAT.md "Definitions and ids"). */
#define HOSTILE_TOP_ID (1u << 24)

/*
 * A header, then `bytes` of a repeating 8-byte pattern that passes every
 * length check of a block claiming `claim` bytes (a multiple of 8) at every
 * other 4-byte step, with a wrong checksum: resynchronisation meets a
 * plausible candidate at every step.
 */
void hostile_resync(struct hbuf *out, size_t bytes, uint32_t claim);

/* One small chunk defining every table's id 2^24, and an event using them. */
void hostile_huge_ids(struct hbuf *out);

/*
 * chunks chunks of 8 MiB of 3-byte events each, compressed to a few hundred
 * bytes: a few KB of file that expands to millions of events.
 */
void hostile_inflation(struct hbuf *out, unsigned chunks);

/* clocks CLOCK blocks, then chunks of events (events in all): conversions to wall time. */
void hostile_clock_storm(struct hbuf *out, unsigned clocks, unsigned events);

/* Two LOSS blocks whose counts overflow 64 bits when added, and an END saying so. */
void hostile_loss_overflow(struct hbuf *out);

#endif /* HOSTILE_CASES_H */
