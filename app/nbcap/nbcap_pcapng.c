/* SPDX-License-Identifier: BSD-3-Clause */

/* pcapng writer for nbcap: SHB, IDB, EPBs (pcapng draft, IETF opsawg). */

#include <string.h>

#include "nbcap_pcapng.h"

#define NBCAP_PCAPNG_SHB 0x0a0d0d0au
#define NBCAP_PCAPNG_IDB 0x00000001u
#define NBCAP_PCAPNG_EPB 0x00000006u
#define NBCAP_PCAPNG_BYTE_ORDER_MAGIC 0x1a2b3c4du
#define NBCAP_PCAPNG_LINKTYPE_ETHERNET 1u
#define NBCAP_PCAPNG_OPT_END 0u
#define NBCAP_PCAPNG_OPT_SHB_USERAPPL 4u
#define NBCAP_PCAPNG_OPT_IF_TSRESOL 9u

/* "nbcap", padded to 8 bytes */
static const char nbcap_pcapng_appl[8] = "nbcap";

struct nbcap_pcapng_opt {
	uint16_t code;
	uint16_t len;
};

struct nbcap_pcapng_shb {
	uint32_t type;
	uint32_t total_len;
	uint32_t byte_order_magic;
	uint16_t major;
	uint16_t minor;
	int64_t section_len;
	struct nbcap_pcapng_opt appl;
	char appl_val[sizeof(nbcap_pcapng_appl)];
	struct nbcap_pcapng_opt end;
	uint32_t total_len2;
} __attribute__((packed));

struct nbcap_pcapng_idb {
	uint32_t type;
	uint32_t total_len;
	uint16_t linktype;
	uint16_t reserved;
	uint32_t snaplen;
	struct nbcap_pcapng_opt tsresol;
	uint8_t tsresol_val[4];	/* 1 byte and padding */
	struct nbcap_pcapng_opt end;
	uint32_t total_len2;
} __attribute__((packed));

/* Enhanced Packet Block up to its data; the data is padded to 4 bytes and the length follows. */
struct nbcap_pcapng_epb {
	uint32_t type;
	uint32_t total_len;
	uint32_t interface_id;
	uint32_t ts_high;
	uint32_t ts_low;
	uint32_t caplen;
	uint32_t len;
} __attribute__((packed));

int
nbcap_pcapng_header(struct nbcap_pcap *p)
{
	struct nbcap_pcapng_shb s = {
		.type = NBCAP_PCAPNG_SHB,
		.total_len = sizeof(s),
		.byte_order_magic = NBCAP_PCAPNG_BYTE_ORDER_MAGIC,
		.major = 1,
		.minor = 0,
		.section_len = -1,	/* not known: written as we go */
		.appl = { NBCAP_PCAPNG_OPT_SHB_USERAPPL, strlen(nbcap_pcapng_appl) },
		.end = { NBCAP_PCAPNG_OPT_END, 0 },
		.total_len2 = sizeof(s),
	};
	struct nbcap_pcapng_idb i = {
		.type = NBCAP_PCAPNG_IDB,
		.total_len = sizeof(i),
		.linktype = NBCAP_PCAPNG_LINKTYPE_ETHERNET,
		.snaplen = p->snaplen,
		.tsresol = { NBCAP_PCAPNG_OPT_IF_TSRESOL, 1 },
		.tsresol_val = { 9 },	/* 10^-9 s: nanoseconds */
		.end = { NBCAP_PCAPNG_OPT_END, 0 },
		.total_len2 = sizeof(i),
	};

	memcpy(s.appl_val, nbcap_pcapng_appl, sizeof(s.appl_val));
	if (nbcap_pcap_put(p, &s, sizeof(s)) < 0)
		return -1;
	return nbcap_pcap_put(p, &i, sizeof(i));
}

int
nbcap_pcapng_record(struct nbcap_pcap *p, const struct nbshm_pkt *pkt, const struct timespec *ts)
{
	static const uint8_t zero[4];
	uint64_t ns = (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
	uint32_t caplen = nbcap_pcap_caplen(p, pkt);
	uint32_t pad = (4 - (caplen & 3)) & 3;
	uint32_t total = sizeof(struct nbcap_pcapng_epb) + caplen + pad + 4;
	struct nbcap_pcapng_epb e = {
		.type = NBCAP_PCAPNG_EPB,
		.total_len = total,
		.interface_id = 0,
		.ts_high = (uint32_t)(ns >> 32),
		.ts_low = (uint32_t)ns,
		.caplen = caplen,
		.len = pkt->len,
	};

	if (nbcap_pcap_put(p, &e, sizeof(e)) < 0 ||
			nbcap_pcap_put_data(p, pkt, caplen) < 0 ||
			nbcap_pcap_put(p, zero, pad) < 0)
		return -1;
	return nbcap_pcap_put(p, &total, sizeof(total));
}
