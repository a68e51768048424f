/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * What a consumer may send (app/nbfwd/nbfwd_txcheck.h): length against the
 * port's MTU with VLAN tags, mbufs per frame, source MAC and VLAN (spoof
 * check), on both sides of every limit.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbfwd_txcheck.h"

static const uint8_t own_mac[6] = { 0x02, 0, 0, 0, 0, 0xc1 };

/* MTU 1500, 2048-byte mbufs, chains of up to 4, spoof check for @p vlan. */
static struct nbfwd_tx_limits
limits(int vlan, bool spoof)
{
	struct nbfwd_tx_limits l = {
		.frame_max = 1514, .seg_room = 2048, .segs_max = 4, .spoof_check = spoof,
		.vlan = vlan,
	};

	memcpy(l.mac, own_mac, sizeof(l.mac));
	return l;
}

/* A frame from @p src with @p n_tags tags (TPIDs @p tpid, VLAN id @p vid). */
static void
frame(uint8_t *f, const uint8_t *src, unsigned int n_tags, uint16_t tpid, uint16_t vid)
{
	unsigned int t, at = 12;

	memset(f, 0xee, 64);
	memcpy(f, "\x02\x00\x00\x00\x00\x99", 6);
	memcpy(f + 6, src, 6);
	for (t = 0; t < n_tags; t++, at += 4) {
		f[at] = (uint8_t)(tpid >> 8);
		f[at + 1] = (uint8_t)tpid;
		f[at + 2] = (uint8_t)(vid >> 8);
		f[at + 3] = (uint8_t)vid;
	}
	f[at] = 0x88;
	f[at + 1] = 0xb5;
}

static void
test_len(void **state)
{
	struct nbfwd_tx_limits l = limits(-1, true);

	(void)state;
	assert_int_equal(nbfwd_tx_check_len(&l, 0), NBFWD_TX_RUNT);
	assert_int_equal(nbfwd_tx_check_len(&l, 1), NBFWD_TX_RUNT);
	assert_int_equal(nbfwd_tx_check_len(&l, 13), NBFWD_TX_RUNT);
	assert_int_equal(nbfwd_tx_check_len(&l, 14), NBFWD_TX_OK);
	/* two tags may follow: the exact limit needs the frame's bytes */
	assert_int_equal(nbfwd_tx_check_len(&l, 1522), NBFWD_TX_OK);
	assert_int_equal(nbfwd_tx_check_len(&l, 1523), NBFWD_TX_TOO_LONG);
	assert_int_equal(nbfwd_tx_check_len(&l, 65535), NBFWD_TX_TOO_LONG);
	assert_int_equal(nbfwd_tx_check_len(&l, UINT32_MAX), NBFWD_TX_TOO_LONG);
	/* jumbo port: 4 mbufs of 2048 at most */
	l.frame_max = 9614;
	assert_int_equal(nbfwd_tx_check_len(&l, 8192), NBFWD_TX_OK);
	assert_int_equal(nbfwd_tx_check_len(&l, 8193), NBFWD_TX_TOO_MANY_SEGS);
	/* no MULTI_SEGS: one mbuf */
	l.segs_max = 1;
	assert_int_equal(nbfwd_tx_check_len(&l, 2048), NBFWD_TX_OK);
	assert_int_equal(nbfwd_tx_check_len(&l, 2049), NBFWD_TX_TOO_MANY_SEGS);
	/* past the untagged limit: too long wins, the tags decide after the copy */
	l.frame_max = 1514;
	l.seg_room = 1000;
	assert_int_equal(nbfwd_tx_check_len(&l, 1515), NBFWD_TX_OK);
}

static void
test_segs_after_copy(void **state)
{
	struct nbfwd_tx_limits l = limits(-1, true);
	uint8_t f[64];

	(void)state;
	l.seg_room = 700;
	l.segs_max = 2;
	frame(f, own_mac, 0, 0, 0);
	assert_int_equal(nbfwd_tx_check_len(&l, 1400), NBFWD_TX_OK);
	assert_int_equal(nbfwd_tx_check_len(&l, 1401), NBFWD_TX_TOO_MANY_SEGS);
	l.seg_room = 1000;
	assert_int_equal(nbfwd_tx_check_frame(&l, f, 64, 1515), NBFWD_TX_TOO_LONG);
	frame(f, own_mac, 1, 0x8100, 1);
	assert_int_equal(nbfwd_tx_check_frame(&l, f, 64, 1518), NBFWD_TX_OK);
	l.seg_room = 500;
	l.segs_max = 3;
	assert_int_equal(nbfwd_tx_check_frame(&l, f, 64, 1500), NBFWD_TX_OK);
	assert_int_equal(nbfwd_tx_check_frame(&l, f, 64, 1518), NBFWD_TX_TOO_MANY_SEGS);
}

/* One frame built by frame(), checked against limits @p l: @p avail bytes there, @p len long. */
struct tx_case {
	const uint8_t *src;
	unsigned int n_tags;
	uint16_t tpid;
	uint16_t vid;
	const struct nbfwd_tx_limits *l;
	uint32_t avail;
	uint32_t len;
	enum nbfwd_tx_verdict want;
};

static void
run_cases(const struct tx_case *c, size_t n)
{
	uint8_t f[64];
	size_t i;

	for (i = 0; i < n; i++) {
		frame(f, c[i].src, c[i].n_tags, c[i].tpid, c[i].vid);
		if (nbfwd_tx_check_frame(c[i].l, f, c[i].avail, c[i].len) != c[i].want)
			fail_msg("case %zu: %d, want %d", i,
				nbfwd_tx_check_frame(c[i].l, f, c[i].avail, c[i].len),
				c[i].want);
	}
}

static void
test_tags_and_length(void **state)
{
	const struct nbfwd_tx_limits l = limits(-1, true);
	const struct tx_case cases[] = {
		{ own_mac, 0, 0, 0, &l, 64, 14, NBFWD_TX_OK },
		{ own_mac, 0, 0, 0, &l, 64, 1514, NBFWD_TX_OK },
		{ own_mac, 0, 0, 0, &l, 64, 1515, NBFWD_TX_TOO_LONG },
		{ own_mac, 1, 0x8100, 7, &l, 64, 1518, NBFWD_TX_OK },
		{ own_mac, 1, 0x8100, 7, &l, 64, 1519, NBFWD_TX_TOO_LONG },
		{ own_mac, 1, 0x8100, 7, &l, 64, 17, NBFWD_TX_RUNT },
		{ own_mac, 1, 0x8100, 7, &l, 64, 18, NBFWD_TX_OK },
		{ own_mac, 2, 0x88a8, 7, &l, 64, 1522, NBFWD_TX_OK },
		{ own_mac, 2, 0x88a8, 7, &l, 64, 1523, NBFWD_TX_TOO_LONG },
		/* a third tag is payload: it does not buy 4 more bytes */
		{ own_mac, 3, 0x8100, 7, &l, 64, 1523, NBFWD_TX_TOO_LONG },
		/* only the bytes there are read: a tag past them is not seen */
		{ own_mac, 2, 0x8100, 7, &l, 14, 1518, NBFWD_TX_OK },
		{ own_mac, 2, 0x8100, 7, &l, 17, 1522, NBFWD_TX_TOO_LONG },
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_spoof(void **state)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0xc2 };
	const struct nbfwd_tx_limits any = limits(-1, true), v42 = limits(42, true);
	const struct nbfwd_tx_limits off = limits(42, false);
	const struct tx_case cases[] = {
		{ other, 0, 0, 0, &any, 64, 60, NBFWD_TX_SPOOFED },
		{ other, 0, 0, 0, &off, 64, 60, NBFWD_TX_OK },
		/* without a vlan: any tag or none */
		{ own_mac, 0, 0, 0, &any, 64, 60, NBFWD_TX_OK },
		{ own_mac, 1, 0x8100, 99, &any, 64, 60, NBFWD_TX_OK },
		/* with vlan 42: exactly one 802.1Q tag of VLAN 42 (priority bits free) */
		{ own_mac, 1, 0x8100, 99, &v42, 64, 60, NBFWD_TX_SPOOFED },
		{ own_mac, 1, 0x8100, 42, &v42, 64, 60, NBFWD_TX_OK },
		{ own_mac, 1, 0x8100, 0xe000 | 42, &v42, 64, 60, NBFWD_TX_OK },
		{ own_mac, 0, 0, 0, &v42, 64, 60, NBFWD_TX_SPOOFED },
		{ own_mac, 1, 0x88a8, 42, &v42, 64, 60, NBFWD_TX_SPOOFED },
		{ own_mac, 2, 0x8100, 42, &v42, 64, 60, NBFWD_TX_SPOOFED },
		{ other, 1, 0x8100, 42, &v42, 64, 60, NBFWD_TX_SPOOFED },
		{ other, 1, 0x8100, 42, &off, 64, 60, NBFWD_TX_OK },
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_len),
		cmocka_unit_test(test_tags_and_length),
		cmocka_unit_test(test_segs_after_copy),
		cmocka_unit_test(test_spoof),
	};

	return cmocka_run_group_tests_name("txcheck", tests, NULL, NULL);
}
