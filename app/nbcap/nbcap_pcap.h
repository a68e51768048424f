/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_PCAP_H
#define NBCAP_PCAP_H

/*
 * A classic pcap file writer (not pcapng): LINKTYPE_ETHERNET, microsecond
 * timestamps, host byte order (readers detect it from the magic).
 */

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "nbshm_client.h"

#define NBCAP_PCAP_SNAPLEN_DEFAULT 262144u

struct nbcap_pcap {
	FILE *f;
	int is_stdout;
	uint32_t snaplen;
};

/** Create @p path ("-" = stdout) and write the file header. @return 0 or -1 (errno). */
int nbcap_pcap_open(struct nbcap_pcap *p, const char *path, uint32_t snaplen);

/**
 * Append one packet: its segments one after another, cut at the snaplen.
 * @return 0 or -1 (errno).
 */
int nbcap_pcap_write(struct nbcap_pcap *p, const struct nbshm_pkt *pkt,
		const struct timespec *ts);

/** Flush and close. @return 0 or -1 (errno) when anything failed to be written. */
int nbcap_pcap_close(struct nbcap_pcap *p);

#endif /* NBCAP_PCAP_H */
