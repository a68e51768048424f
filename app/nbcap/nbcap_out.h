/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_OUT_H
#define NBCAP_OUT_H

/*
 * The open capture file the format writers (nbcap_pcap.c, nbcap_pcapng.c)
 * append to; counts the bytes written, for size rotation.
 */

#include <stdint.h>
#include <stdio.h>

#include "nbshm_client.h"

#define NBCAP_PCAP_SNAPLEN_DEFAULT 262144u

/** File format. */
enum nbcap_format {
	NBCAP_FORMAT_PCAP,
	NBCAP_FORMAT_PCAPNG,
};

struct nbcap_pcap {
	FILE *f;
	int is_stdout;
	uint32_t snaplen;
	enum nbcap_format format;
	uint64_t size;		/**< bytes written to this file so far */
};

/** Bytes of @p pkt that go into the file (its length cut at the snaplen). */
uint32_t nbcap_pcap_caplen(const struct nbcap_pcap *p, const struct nbshm_pkt *pkt);

/** Write @p n bytes, counted in p->size. @return 0 or -1 (errno). */
int nbcap_pcap_put(struct nbcap_pcap *p, const void *b, size_t n);

/** Write the first @p caplen bytes of @p pkt's segments. @return 0 or -1 (errno). */
int nbcap_pcap_put_data(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, uint32_t caplen);

#endif /* NBCAP_OUT_H */
