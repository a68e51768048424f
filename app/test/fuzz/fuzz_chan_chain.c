/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Fuzz target: nbshm_chan_check_chain(), nbfwd's intake of descriptor chains
 * a consumer wrote (already copied out of shared memory).
 *
 * Input, little-endian, missing bytes read as 0:
 *   u8  avail (1 + v % 40: descriptors readable, in an array of exactly that size)
 *   u8  max_segs (v % 40)
 *   u8  area mode: bit 0 clear = narrow: area_off (u16) and area_len (u16 + 1)
 *       describe a malloc'd region of area_off + area_len bytes, and every
 *       segment of an accepted chain is read at its first and last byte;
 *       bit 0 set = wide: area_off and area_len are any u64 (no memory touched)
 *   u64 handle (the channel's), u32 mtu, then the area fields
 *   avail * 32 bytes: the descriptors, raw
 *
 * Checked: the result is a known reason; the count it returns is within
 * 1..avail (the caller skips that many); the same input gives the same
 * answer twice; an accepted chain has every property the header lists:
 * 1 <= n_segs <= max_segs, n_segs <= avail, known flags only, NEXT on all but
 * the last, reserved fields 0, n_segs and pkt_len 0 after the first, every
 * handle the channel's, every length not 0, every [offset, offset + length)
 * inside [area_off, area_off + area_len) (64-bit), lengths summing to
 * pkt_len, pkt_len <= mtu.
 */

#include <string.h>

#include "fuzz_input.h"
#include "nbshm_channel.h"

#define FUZZ_CHAIN_MAX_AVAIL 40u

/* [off, off + len) inside [area_off, area_off + area_len), without overflow. */
static int
fuzz_chain_inside(uint64_t off, uint64_t len, uint64_t area_off, uint64_t area_len)
{
	return off >= area_off && off - area_off <= area_len &&
		len <= area_len - (off - area_off);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t avail, max_segs, mtu, n, n2, i;
	uint64_t handle, area_off, area_len, sum;
	enum nbshm_chan_reason r, r2;
	struct nbshm_desc *d;
	uint8_t *region = NULL;
	struct fuzz_input in;
	uint8_t mode;

	fuzz_input_init(&in, data, size);
	avail = 1 + fuzz_input_u8(&in) % FUZZ_CHAIN_MAX_AVAIL;
	max_segs = fuzz_input_u8(&in) % FUZZ_CHAIN_MAX_AVAIL;
	mode = fuzz_input_u8(&in);
	handle = fuzz_input_u64(&in);
	mtu = fuzz_input_u32(&in);
	if (mode & 1) {
		area_off = fuzz_input_u64(&in);
		area_len = fuzz_input_u64(&in);
	} else {
		area_off = fuzz_input_u16(&in);
		area_len = (uint64_t)fuzz_input_u16(&in) + 1;
		region = malloc(area_off + area_len);
		FUZZ_CHECK(region != NULL);
		memset(region, 0xa5, area_off + area_len);
	}
	/* exactly avail entries: a read past them is a sanitizer report */
	d = malloc(avail * sizeof(*d));
	FUZZ_CHECK(d != NULL);
	for (i = 0; i < avail; i++) {
		uint8_t raw[sizeof(*d)];
		unsigned int k;

		for (k = 0; k < sizeof(raw); k++)
			raw[k] = fuzz_input_u8(&in);
		memcpy(&d[i], raw, sizeof(raw));
	}

	n = 0;
	r = nbshm_chan_check_chain(d, avail, handle, area_off, area_len, max_segs, mtu, &n);
	FUZZ_CHECK((unsigned int)r < NBSHM_CHAN_REASON_MAX);
	FUZZ_CHECK(strcmp(nbshm_chan_reason_name(r), "unknown") != 0);
	FUZZ_CHECK(n >= 1 && n <= avail);
	n2 = 0;
	r2 = nbshm_chan_check_chain(d, avail, handle, area_off, area_len, max_segs, mtu, &n2);
	FUZZ_CHECK(r2 == r && n2 == n);
	/* FUZZ_VERBOSE=1: print each answer (for triage, with the replay driver) */
	if (getenv("FUZZ_VERBOSE") != NULL)
		printf("fuzz_chan_chain: %s, %u entries\n", nbshm_chan_reason_name(r), n);

	if (r == NBSHM_CHAN_OK) {
		FUZZ_CHECK(d[0].n_segs == n && n <= max_segs);
		sum = 0;
		for (i = 0; i < n; i++) {
			FUZZ_CHECK((d[i].flags & ~NBSHM_DESC_F_ALL) == 0);
			FUZZ_CHECK(!!(d[i].flags & NBSHM_DESC_F_NEXT) == (i + 1 < n));
			FUZZ_CHECK(d[i].reserved0 == 0 && d[i].reserved1 == 0);
			FUZZ_CHECK(i == 0 || (d[i].n_segs == 0 && d[i].pkt_len == 0));
			FUZZ_CHECK(d[i].handle == handle);
			FUZZ_CHECK(d[i].length != 0);
			FUZZ_CHECK(fuzz_chain_inside(d[i].offset, d[i].length, area_off, area_len));
			sum += d[i].length;
			if (region != NULL) {
				volatile const uint8_t *p = region + d[i].offset;

				(void)p[0];
				(void)p[d[i].length - 1];
			}
		}
		FUZZ_CHECK(sum == d[0].pkt_len);
		FUZZ_CHECK(d[0].pkt_len <= mtu);
	}
	free(d);
	free(region);
	return 0;
}
