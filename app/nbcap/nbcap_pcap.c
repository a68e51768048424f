/* SPDX-License-Identifier: BSD-3-Clause */

/* A capture file for nbcap: opening, closing, classic pcap records. */

#include <errno.h>
#include <stdlib.h>

#include "nbcap_pcap.h"
#include "nbcap_pcapng.h"

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

static int
nbcap_pcap_header(struct nbcap_pcap *p)
{
	struct nbcap_pcap_file_hdr h = {
		.magic = NBCAP_PCAP_MAGIC_US,
		.version_major = 2,
		.version_minor = 4,
		.thiszone = 0,
		.sigfigs = 0,
		.snaplen = p->snaplen,
		.linktype = NBCAP_PCAP_LINKTYPE_ETHERNET,
	};

	return nbcap_pcap_put(p, &h, sizeof(h));
}

static int
nbcap_pcap_record(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, const struct timespec *ts)
{
	struct nbcap_pcap_rec_hdr r;

	r.ts_sec = (uint32_t)ts->tv_sec;
	r.ts_usec = (uint32_t)(ts->tv_nsec / 1000);
	r.orig_len = pkt->len;
	r.incl_len = nbcap_pcap_caplen(p, pkt);
	if (nbcap_pcap_put(p, &r, sizeof(r)) < 0)
		return -1;
	return nbcap_pcap_put_data(p, pkt, r.incl_len);
}

int
nbcap_pcap_open(struct nbcap_pcap *p, const char *path, uint32_t snaplen,
		enum nbcap_format format)
{
	p->snaplen = snaplen;
	p->format = format;
	p->size = 0;
	p->is_stdout = path[0] == '-' && path[1] == '\0';
	p->f = p->is_stdout ? stdout : fopen(path, "wb");
	if (p->f == NULL)
		return -1;
	setvbuf(p->f, NULL, _IOFBF, 1u << 20);
	if (format == NBCAP_FORMAT_PCAPNG)
		return nbcap_pcapng_header(p);
	return nbcap_pcap_header(p);
}

int
nbcap_pcap_write(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, const struct timespec *ts)
{
	if (p->format == NBCAP_FORMAT_PCAPNG)
		return nbcap_pcapng_record(p, pkt, ts);
	return nbcap_pcap_record(p, pkt, ts);
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
