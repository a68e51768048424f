/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_PCAP_H
#define NBCAP_PCAP_H

/*
 * One capture file of nbcap: classic pcap (LINKTYPE_ETHERNET, microsecond
 * timestamps, host byte order: readers detect it from the magic) or pcapng
 * (nbcap_pcapng.c). Counts the bytes it wrote, for size rotation.
 */

#include <time.h>

#include "nbcap_out.h"

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

#endif /* NBCAP_PCAP_H */
