/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_PCAPNG_H
#define NBCAP_PCAPNG_H

/*
 * pcapng for nbcap (libpcap 1.10 reads it but cannot write it): one section
 * (SHB), one Ethernet interface (IDB, if_tsresol = 9: nanoseconds), one
 * Enhanced Packet Block per packet. Host byte order, as the SHB's
 * byte-order magic says.
 */

#include <time.h>

#include "nbcap_out.h"

/** Write the SHB and the IDB. @return 0 or -1 (errno). */
int nbcap_pcapng_header(struct nbcap_pcap *p);

/** Write one EPB. @return 0 or -1 (errno). */
int nbcap_pcapng_record(struct nbcap_pcap *p, const struct nbshm_pkt *pkt,
		const struct timespec *ts);

#endif /* NBCAP_PCAPNG_H */
