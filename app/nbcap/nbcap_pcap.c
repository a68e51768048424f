/* SPDX-License-Identifier: BSD-3-Clause */

/* Classic pcap writer for nbcap. */

#include <errno.h>
#include <stdlib.h>

#include "nbcap_pcap.h"

#define NBCAP_PCAP_MAGIC_US 0xa1b2c3d4u
#define NBCAP_PCAP_LINKTYPE_ETHERNET 1u

struct nbcap_pcap_file_hdr {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct nbcap_pcap_rec_hdr {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

int
nbcap_pcap_open(struct nbcap_pcap *p, const char *path, uint32_t snaplen)
{
	struct nbcap_pcap_file_hdr h = {
		.magic = NBCAP_PCAP_MAGIC_US,
		.version_major = 2,
		.version_minor = 4,
		.thiszone = 0,
		.sigfigs = 0,
		.snaplen = snaplen,
		.linktype = NBCAP_PCAP_LINKTYPE_ETHERNET,
	};

	p->snaplen = snaplen;
	p->is_stdout = path[0] == '-' && path[1] == '\0';
	p->f = p->is_stdout ? stdout : fopen(path, "wb");
	if (p->f == NULL)
		return -1;
	setvbuf(p->f, NULL, _IOFBF, 1u << 20);
	if (fwrite(&h, sizeof(h), 1, p->f) != 1)
		return -1;
	return 0;
}

int
nbcap_pcap_write(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, const struct timespec *ts)
{
	struct nbcap_pcap_rec_hdr r;
	uint32_t left, n;
	unsigned int i;

	r.ts_sec = (uint32_t)ts->tv_sec;
	r.ts_usec = (uint32_t)(ts->tv_nsec / 1000);
	r.orig_len = pkt->len;
	r.incl_len = pkt->len < p->snaplen ? pkt->len : p->snaplen;
	if (fwrite(&r, sizeof(r), 1, p->f) != 1)
		return -1;
	left = r.incl_len;
	for (i = 0; i < pkt->n_segs && left > 0; i++) {
		n = pkt->seg[i].len < left ? pkt->seg[i].len : left;
		if (fwrite(pkt->seg[i].data, 1, n, p->f) != n)
			return -1;
		left -= n;
	}
	return 0;
}

int
nbcap_pcap_close(struct nbcap_pcap *p)
{
	int bad;

	if (p->f == NULL)
		return 0;
	bad = fflush(p->f) != 0 || ferror(p->f);
	if (!p->is_stdout && fclose(p->f) != 0)
		bad = 1;
	p->f = NULL;
	if (bad && errno == 0)
		errno = EIO;
	return bad ? -1 : 0;
}
