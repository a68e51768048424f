/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_FILTER_H
#define NBCAP_FILTER_H

/*
 * A tcpdump filter expression for nbcap: compiled once with libpcap's
 * pcap_compile() for Ethernet (as tcpdump -r compiles it for a savefile),
 * run with pcap_offline_filter() on each packet the consumer receives.
 */

#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "nbshm_client.h"

/** A compiled filter. An empty one (no expression) passes every packet. */
struct nbcap_filter {
	int compiled;		/**< prog holds a program */
	int active;		/**< a non-empty expression: run it */
	struct bpf_program prog;
	uint8_t *linear;	/**< a chained packet copied into one piece */
	uint32_t linear_size;
};

/**
 * Compile @p expr (NULL or "" = no filter) for DLT_EN10MB with @p snaplen.
 * @return 0, or -1 with libpcap's message in @p err.
 */
int nbcap_filter_compile(struct nbcap_filter *f, const char *expr, uint32_t snaplen,
		char err[PCAP_ERRBUF_SIZE]);

/**
 * Does @p pkt pass? Run on its bytes as received (all segments; a chained
 * packet is first copied into one piece) with its wire length.
 * @return 1 pass, 0 filtered out.
 */
int nbcap_filter_match(struct nbcap_filter *f, const struct nbshm_pkt *pkt);

/** Print the compiled program as tcpdump -d (@p level 1), -dd (2), -ddd (3). */
void nbcap_filter_dump(const struct nbcap_filter *f, int level);

/** Free the program and the copy buffer. */
void nbcap_filter_free(struct nbcap_filter *f);

#endif /* NBCAP_FILTER_H */
