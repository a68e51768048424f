/* SPDX-License-Identifier: BSD-3-Clause */

/* nbcap's BPF filter: libpcap compiles it, libpcap's interpreter runs it. */

#include <stdlib.h>
#include <string.h>

#include "nbcap_filter.h"

int
nbcap_filter_compile(struct nbcap_filter *f, const char *expr, uint32_t snaplen,
		char err[PCAP_ERRBUF_SIZE])
{
	pcap_t *p;
	int rc;

	memset(f, 0, sizeof(*f));
	/* an empty expression compiles too ("ret #snaplen"), for -d */
	if (expr == NULL)
		expr = "";
	p = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	if (p == NULL) {
		snprintf(err, PCAP_ERRBUF_SIZE, "pcap_open_dead failed");
		return -1;
	}
	/* netmask unknown, as for a savefile: "ip broadcast" is refused */
	rc = pcap_compile(p, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc < 0)
		snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
	pcap_close(p);
	if (rc < 0)
		return -1;
	f->compiled = 1;
	f->active = expr[0] != '\0';
	return 0;
}

int
nbcap_filter_match(struct nbcap_filter *f, const struct nbshm_pkt *pkt)
{
	struct pcap_pkthdr h;
	uint32_t off = 0, n;
	unsigned int i;

	if (!f->active)
		return 1;
	memset(&h, 0, sizeof(h));
	h.len = pkt->len;
	h.caplen = pkt->seg[0].len;
	if (pkt->n_segs == 1)
		return pcap_offline_filter(&f->prog, &h, pkt->seg[0].data) != 0;
	/* chained: the interpreter reads one contiguous buffer */
	if (f->linear_size < pkt->len) {
		uint8_t *b = realloc(f->linear, pkt->len);

		/* no memory: the first segment alone, as a packet cut at a snaplen */
		if (b == NULL)
			return pcap_offline_filter(&f->prog, &h, pkt->seg[0].data) != 0;
		f->linear = b;
		f->linear_size = pkt->len;
	}
	for (i = 0; i < pkt->n_segs && off < pkt->len; i++) {
		n = pkt->seg[i].len < pkt->len - off ? pkt->seg[i].len : pkt->len - off;
		memcpy(f->linear + off, pkt->seg[i].data, n);
		off += n;
	}
	h.caplen = off;
	return pcap_offline_filter(&f->prog, &h, f->linear) != 0;
}

void
nbcap_filter_dump(const struct nbcap_filter *f, int level)
{
	if (f->compiled)
		bpf_dump(&f->prog, level);
}

void
nbcap_filter_free(struct nbcap_filter *f)
{
	if (f->compiled)
		pcap_freecode(&f->prog);
	free(f->linear);
	memset(f, 0, sizeof(*f));
}
