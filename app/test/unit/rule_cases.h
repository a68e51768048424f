/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef RULE_CASES_H
#define RULE_CASES_H

/*
 * One table of packets for every entry point of the segment rules
 * (net_buffer.h): test_rules.c runs it through the NET_BUFFER check and the
 * resolver, the mbuf bridge and nbshm_chan_check_chain(); test_client.c
 * through libnbshm-client's rx path. Each entry point must give the verdict
 * written here, so a validator that drifts from the others fails.
 *
 * Offsets are from the start of the area the entry point checks against
 * (a region, the rx area), whose length is RULE_AREA(a); each case breaks at
 * most one rule, so the verdict does not depend on which rule is checked first.
 * Lengths fit a 16-bit mbuf data_len, packets the smallest mtu (test_client.c: 4000).
 */

#include <stdint.h>

#include "net_buffer.h"

#define RULE_MAX_SEGS 3u
/* An offset @p d bytes from the area's end (d < 0: inside it). */
#define RULE_END(d) ((INT64_C(1) << 40) + (d))
/* A length: the whole area. */
#define RULE_WHOLE UINT32_MAX

struct rule_case {
	const char *what;
	unsigned int n;			/* segments */
	int64_t off[RULE_MAX_SEGS];	/* from the area's start, or RULE_END() */
	uint32_t len[RULE_MAX_SEGS];	/* bytes, or RULE_WHOLE */
	int32_t pkt_delta;		/* packet length = sum of lengths + this */
	enum net_buffer_reason want;
};

static const struct rule_case rule_cases[] = {
	{ "first bytes", 1, { 0 }, { 64 }, 0, NET_BUFFER_OK },
	{ "last byte in", 1, { RULE_END(-64) }, { 64 }, 0, NET_BUFFER_OK },
	{ "one byte, the last", 1, { RULE_END(-1) }, { 1 }, 0, NET_BUFFER_OK },
	{ "one past the end", 1, { RULE_END(-63) }, { 64 }, 0, NET_BUFFER_OUT_OF_BOUNDS },
	{ "starts at the end", 1, { RULE_END(0) }, { 1 }, 0, NET_BUFFER_OUT_OF_BOUNDS },
	{ "far past the end", 1, { RULE_END(4096) }, { 64 }, 0, NET_BUFFER_OUT_OF_BOUNDS },
	{ "whole area from byte 1", 1, { 1 }, { RULE_WHOLE }, 0, NET_BUFFER_OUT_OF_BOUNDS },
	{ "zero length", 1, { 0 }, { 0 }, 0, NET_BUFFER_ZERO_LENGTH },
	{ "zero length at the end", 1, { RULE_END(0) }, { 0 }, 0, NET_BUFFER_ZERO_LENGTH },
	{ "chain", 2, { 0, 200 }, { 100, 100 }, 0, NET_BUFFER_OK },
	{ "chain, packet short", 2, { 0, 200 }, { 100, 100 }, -1, NET_BUFFER_LENGTH_MISMATCH },
	{ "chain, packet long", 2, { 0, 200 }, { 100, 100 }, 1, NET_BUFFER_LENGTH_MISMATCH },
	{ "single, packet long", 1, { 0 }, { 100 }, 1, NET_BUFFER_LENGTH_MISMATCH },
	{ "chain, third past the end", 3, { 0, 200, RULE_END(-50) }, { 100, 100, 100 }, 0,
		NET_BUFFER_OUT_OF_BOUNDS },
	{ "chain, second empty", 2, { 0, 200 }, { 100, 0 }, 0, NET_BUFFER_ZERO_LENGTH },
};

#define RULE_N_CASES (sizeof(rule_cases) / sizeof(rule_cases[0]))

/* Offset of segment @p i of case @p c in an area of @p area_len bytes. */
static inline uint64_t
rule_off(const struct rule_case *c, unsigned int i, uint64_t area_len)
{
	int64_t o = c->off[i];

	if (o >= RULE_END(-(INT64_C(1) << 39)))
		return area_len + (uint64_t)(o - RULE_END(0));
	return (uint64_t)o;
}

/* Length of segment @p i. */
static inline uint32_t
rule_len(const struct rule_case *c, unsigned int i, uint64_t area_len)
{
	return c->len[i] == RULE_WHOLE ? (uint32_t)area_len : c->len[i];
}

/* The packet length the case claims. */
static inline uint32_t
rule_pkt_len(const struct rule_case *c, uint64_t area_len)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		sum += rule_len(c, i, area_len);
	return (uint32_t)((int64_t)sum + c->pkt_delta);
}

#endif /* RULE_CASES_H */
