/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_PCAP_H
#define NBCAP_PCAP_H

/*
 * One capture file of nbcap: classic pcap (LINKTYPE_ETHERNET, microsecond
 * timestamps, host byte order: readers detect it from the magic) or pcapng
 * (nbcap_pcapng.c). Counts the bytes it wrote, for size rotation.
 */

#include <stdint.h>
#include <stdio.h>
#include <time.h>

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

/** Create @p path ("-" = stdout) and write the file header. @return 0 or -1 (errno). */
int nbcap_pcap_open(struct nbcap_pcap *p, const char *path, uint32_t snaplen,
		enum nbcap_format format);

/**
 * Append one packet: its segments one after another, cut at the snaplen.
 * @return 0 or -1 (errno).
 */
int nbcap_pcap_write(struct nbcap_pcap *p, const struct nbshm_pkt *pkt,
		const struct timespec *ts);

/** Flush and close. @return 0 or -1 (errno) when anything failed to be written. */
int nbcap_pcap_close(struct nbcap_pcap *p);

/* For the format writers. */

/** Bytes of @p pkt that go into the file (its length cut at the snaplen). */
uint32_t nbcap_pcap_caplen(const struct nbcap_pcap *p, const struct nbshm_pkt *pkt);

/** Write @p n bytes, counted in p->size. @return 0 or -1 (errno). */
int nbcap_pcap_put(struct nbcap_pcap *p, const void *b, size_t n);

/** Write the first @p caplen bytes of @p pkt's segments. @return 0 or -1 (errno). */
int nbcap_pcap_put_data(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, uint32_t caplen);

#endif /* NBCAP_PCAP_H */
