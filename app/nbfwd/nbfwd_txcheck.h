/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_TXCHECK_H
#define NBFWD_TXCHECK_H

/**
 * @file
 * What a consumer may send out of its port. A tx chain that passed the
 * channel rules is judged first by its length (before nbfwd copies it) and
 * then by its first bytes, read from nbfwd's private copy, never from the
 * consumer's memory: frame length against the port's MTU, mbufs the copy
 * takes against what the port can send, source MAC and VLAN tag against the
 * consumer's filter (spoof check). Plain C, no DPDK.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define NBFWD_TX_ETH_HDR 14	/**< destination, source, type */
#define NBFWD_TX_TAG 4		/**< one VLAN tag (TPID + TCI) */
#define NBFWD_TX_MAX_TAGS 2	/**< tags counted in a frame's length limit (QinQ) */

/** Verdict on one consumer frame. */
enum nbfwd_tx_verdict {
	NBFWD_TX_OK = 0,
	NBFWD_TX_RUNT,		/**< shorter than its Ethernet header (and tags) */
	NBFWD_TX_TOO_LONG,	/**< longer than the port's MTU + header + tags */
	NBFWD_TX_TOO_MANY_SEGS,	/**< its copy needs more mbufs than the port sends */
	NBFWD_TX_SPOOFED,	/**< source MAC or VLAN not the consumer's */
};

/** What one consumer may send on its port (fixed once the port runs). */
struct nbfwd_tx_limits {
	uint32_t frame_max;	/**< port MTU + 14: longest untagged frame */
	uint32_t seg_room;	/**< data bytes of one mbuf of the port's pool */
	uint32_t segs_max;	/**< mbufs one frame may take (1 without MULTI_SEGS) */
	bool spoof_check;	/**< check source MAC and VLAN */
	int vlan;		/**< the tag its frames must carry, -1 = any or none */
	uint8_t mac[6];		/**< the source MAC its frames must carry */
};

static inline bool
nbfwd_tx_too_many_segs(const struct nbfwd_tx_limits *l, uint32_t len)
{
	return (len - 1) / l->seg_room + 1 > l->segs_max;
}

/**
 * Before the copy: the length alone (the chain already passed the channel
 * rules). What only the frame's tags can settle (a length between the
 * untagged and the double-tagged limit) is left to nbfwd_tx_check_frame().
 */
static inline enum nbfwd_tx_verdict
nbfwd_tx_check_len(const struct nbfwd_tx_limits *l, uint32_t len)
{
	if (len < NBFWD_TX_ETH_HDR)
		return NBFWD_TX_RUNT;
	if (len > l->frame_max + NBFWD_TX_MAX_TAGS * NBFWD_TX_TAG)
		return NBFWD_TX_TOO_LONG;
	if (len <= l->frame_max && nbfwd_tx_too_many_segs(l, len))
		return NBFWD_TX_TOO_MANY_SEGS;
	return NBFWD_TX_OK;
}

static inline uint16_t
nbfwd_tx_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline bool
nbfwd_tx_is_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/**
 * After the copy: @p eth is the copy's first @p avail contiguous bytes (at
 * least min(@p len, 18)), @p len the whole frame's. The length limit grows
 * by 4 per VLAN tag present (at most 2); a tagged frame past the untagged
 * limit has its mbufs counted here. With spoof_check: the source MAC
 * must be the consumer's; with a vlan, the frame must carry exactly one
 * 802.1Q tag (TPID 0x8100) of that VLAN id; without one, any tags or none.
 */
static inline enum nbfwd_tx_verdict
nbfwd_tx_check_frame(const struct nbfwd_tx_limits *l, const uint8_t *eth, uint32_t avail,
		uint32_t len)
{
	unsigned int tags = 0;

	while (tags < NBFWD_TX_MAX_TAGS && avail >= NBFWD_TX_ETH_HDR + NBFWD_TX_TAG * tags &&
			nbfwd_tx_is_tpid(nbfwd_tx_be16(eth + 12 + NBFWD_TX_TAG * tags)))
		tags++;
	if (len < NBFWD_TX_ETH_HDR + NBFWD_TX_TAG * tags)
		return NBFWD_TX_RUNT;	/* a tag without its type field */
	if (len > l->frame_max + NBFWD_TX_TAG * tags)
		return NBFWD_TX_TOO_LONG;
	if (len > l->frame_max && nbfwd_tx_too_many_segs(l, len))
		return NBFWD_TX_TOO_MANY_SEGS;
	if (!l->spoof_check)
		return NBFWD_TX_OK;
	if (memcmp(eth + 6, l->mac, sizeof(l->mac)) != 0)
		return NBFWD_TX_SPOOFED;
	if (l->vlan >= 0 && (tags != 1 || nbfwd_tx_be16(eth + 12) != 0x8100 ||
			(nbfwd_tx_be16(eth + 14) & 0xfff) != l->vlan))
		return NBFWD_TX_SPOOFED;
	return NBFWD_TX_OK;
}

#endif /* NBFWD_TXCHECK_H */
