/* SPDX-License-Identifier: BSD-3-Clause */

/* Appending to a capture file, for the format writers. */

#include "nbcap_out.h"

int
nbcap_pcap_put(struct nbcap_pcap *p, const void *b, size_t n)
{
	if (n != 0 && fwrite(b, 1, n, p->f) != n)
		return -1;
	p->size += n;
	return 0;
}

uint32_t
nbcap_pcap_caplen(const struct nbcap_pcap *p, const struct nbshm_pkt *pkt)
{
	return pkt->len < p->snaplen ? pkt->len : p->snaplen;
}

int
nbcap_pcap_put_data(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, uint32_t caplen)
{
	uint32_t left = caplen, n;
	unsigned int i;

	for (i = 0; i < pkt->n_segs && left > 0; i++) {
		n = pkt->seg[i].len < left ? pkt->seg[i].len : left;
		if (nbcap_pcap_put(p, pkt->seg[i].data, n) < 0)
			return -1;
		left -= n;
	}
	return 0;
}
