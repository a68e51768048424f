/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbcap's capture parts (app/nbcap): the filter on chained packets, the
 * pcap and pcapng records as bytes, the names and turns of -C / -G / -W.
 */

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nbcap_filter.h"
#include "nbcap_rotate.h"

#define FRAME_LEN 1100u

static uint8_t frame[FRAME_LEN];
static char dir[64];

/* IPv4/UDP from port 5353 to port 53, FRAME_LEN bytes on the wire. */
static void
make_frame(void)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0xc1, 0x02, 0, 0, 0, 0, 0x99, 0x08, 0x00,
		0x45, 0, (FRAME_LEN - 14) >> 8, (FRAME_LEN - 14) & 0xff, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x14, 0xe9, 0x00, 0x35, (FRAME_LEN - 34) >> 8, (FRAME_LEN - 34) & 0xff, 0, 0,
	};
	unsigned int i;

	memcpy(frame, hdr, sizeof(hdr));
	for (i = sizeof(hdr); i < FRAME_LEN; i++)
		frame[i] = (uint8_t)i;
}

/* frame as one packet of @p n segments, cut at the offsets in @p cuts. */
static void
make_pkt(struct nbshm_pkt *p, uint32_t len, unsigned int n, const uint32_t *cuts)
{
	uint32_t at = 0, end;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->len = len;
	p->n_segs = (uint16_t)n;
	for (i = 0; i < n; i++) {
		end = i + 1 < n ? cuts[i] : len;
		p->seg[i].data = frame + at;
		p->seg[i].len = end - at;
		at = end;
	}
}

static int
match(const char *expr, const struct nbshm_pkt *p)
{
	char err[PCAP_ERRBUF_SIZE];
	struct nbcap_filter f;
	int m;

	assert_int_equal(nbcap_filter_compile(&f, expr, 262144, err), 0);
	m = nbcap_filter_match(&f, p);
	nbcap_filter_free(&f);
	return m;
}

/* A chained packet is filtered as the same bytes in one piece. */
static void
test_filter_chained(void **state)
{
	static const uint32_t cuts[] = { 37, 44 };	/* the port, and udp[8:4] */
	static const char *const exprs[] = {
		"udp port 53", "udp dst port 54", "len > 1000", "len > 2000", "ip6",
		"udp[8:4] == 0x2a2b2c2d", "udp[8:4] == 0", "",
	};
	static const int want[] = { 1, 0, 1, 0, 0, 1, 0, 1 };
	struct nbshm_pkt one, three;
	unsigned int i;

	(void)state;
	make_pkt(&one, FRAME_LEN, 1, NULL);
	make_pkt(&three, FRAME_LEN, 3, cuts);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(match(exprs[i], &one), want[i]);
		assert_int_equal(match(exprs[i], &three), want[i]);
	}
}

static void
test_filter_bad(void **state)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct nbcap_filter f;

	(void)state;
	assert_int_equal(nbcap_filter_compile(&f, "tcp port", 262144, err), -1);
	assert_non_null(strstr(err, "syntax error"));
	assert_int_equal(nbcap_filter_compile(&f, "ip broadcast", 262144, err), -1);
	assert_non_null(strstr(err, "netmask not known"));
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	*n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

static uint32_t
u32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

/* Classic pcap: header, then a chained packet cut at the snaplen. */
static void
test_pcap_record(void **state)
{
	static const uint32_t cuts[] = { 20 };
	struct timespec ts = { .tv_sec = 1000, .tv_nsec = 123456789 };
	struct nbcap_pcap p;
	struct nbshm_pkt pkt;
	char path[128];
	uint8_t *b;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.pcap", dir);
	make_pkt(&pkt, FRAME_LEN, 2, cuts);
	assert_int_equal(nbcap_pcap_open(&p, path, 40, NBCAP_FORMAT_PCAP), 0);
	assert_int_equal(nbcap_pcap_write(&p, &pkt, &ts), 0);
	assert_int_equal(p.size, 24 + 16 + 40);
	assert_int_equal(nbcap_pcap_close(&p), 0);
	b = slurp(path, &n);
	assert_int_equal(n, 24 + 16 + 40);
	assert_int_equal(u32(b), 0xa1b2c3d4u);
	assert_int_equal(u32(b + 16), 40);	/* snaplen */
	assert_int_equal(u32(b + 20), 1);	/* Ethernet */
	assert_int_equal(u32(b + 24), 1000);
	assert_int_equal(u32(b + 28), 123456);
	assert_int_equal(u32(b + 32), 40);
	assert_int_equal(u32(b + 36), FRAME_LEN);
	assert_memory_equal(b + 40, frame, 40);
}

/* pcapng: SHB, IDB (if_tsresol 9), EPBs padded to 4 with the length after. */
static void
test_pcapng_blocks(void **state)
{
	static const uint32_t cuts[] = { 7 };
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 7 };
	uint64_t want_ts = 5000000007ull;
	struct nbshm_pkt a, b61;
	struct nbcap_pcap p;
	uint32_t shb, idb, off, caplens[2] = { FRAME_LEN, 61 };
	char path[128];
	unsigned int i;
	uint8_t *b;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.pcapng", dir);
	make_pkt(&a, FRAME_LEN, 2, cuts);
	make_pkt(&b61, 61, 1, NULL);
	assert_int_equal(nbcap_pcap_open(&p, path, 262144, NBCAP_FORMAT_PCAPNG), 0);
	assert_int_equal(nbcap_pcap_write(&p, &a, &ts), 0);
	assert_int_equal(nbcap_pcap_write(&p, &b61, &ts), 0);
	assert_int_equal(nbcap_pcap_close(&p), 0);
	b = slurp(path, &n);
	assert_int_equal(n, p.size);

	assert_int_equal(u32(b), 0x0a0d0d0au);
	shb = u32(b + 4);
	assert_int_equal(u32(b + 8), 0x1a2b3c4du);
	assert_int_equal(u32(b + shb - 4), shb);
	assert_int_equal(u32(b + shb), 1);
	idb = u32(b + shb + 4);
	assert_int_equal(u32(b + shb + 8), 1);		/* Ethernet, reserved 0 */
	assert_int_equal(u32(b + shb + 12), 262144);
	assert_int_equal(u32(b + shb + 16), 9 | 1u << 16);	/* if_tsresol, 1 byte */
	assert_int_equal(b[shb + 20], 9);
	assert_int_equal(u32(b + shb + idb - 4), idb);
	off = shb + idb;
	for (i = 0; i < 2; i++) {
		uint32_t total = 32 + ((caplens[i] + 3) & ~3u);

		assert_int_equal(u32(b + off), 6);
		assert_int_equal(u32(b + off + 4), total);
		assert_int_equal(u32(b + off + 8), 0);	/* interface 0 */
		assert_int_equal(u32(b + off + 12), (uint32_t)(want_ts >> 32));
		assert_int_equal(u32(b + off + 16), (uint32_t)want_ts);
		assert_int_equal(u32(b + off + 20), caplens[i]);
		assert_int_equal(u32(b + off + 24), caplens[i]);
		assert_memory_equal(b + off + 28, frame, caplens[i]);
		if (caplens[i] & 3)
			assert_int_equal(b[off + 28 + caplens[i]], 0);
		assert_int_equal(u32(b + off + total - 4), total);
		off += total;
	}
	assert_int_equal(off, n);
}

/* tcpdump's names: FILE, FILE1 ...; with -W the digits of N-1; strftime with -G. */
static void
test_names(void **state)
{
	char buf[PATH_MAX], big[PATH_MAX];

	(void)state;
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), "x.pcap", 0, 0, 0, 0), 0);
	assert_string_equal(buf, "x.pcap");
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), "x.pcap", 0, 0, 12, 0), 0);
	assert_string_equal(buf, "x.pcap12");
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), "x.pcap", 0, 0, 0, 2), 0);
	assert_string_equal(buf, "x.pcap00");
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), "%Y%m%d-%H%M%S.pcap", 1, 86400 + 61,
			0, 0), 0);
	assert_string_equal(buf, "19700102-000101.pcap");
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), "%H.pcap", 1, 3600, 3, 0), 0);
	assert_string_equal(buf, "01.pcap3");
	/* a % without -G is kept as it is */
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), "%H.pcap", 0, 3600, 0, 0), 0);
	assert_string_equal(buf, "%H.pcap");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	errno = 0;
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), big, 0, 0, 1, 0), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	/* PATH_MAX - 2 bytes: room for one digit before the nul, not two */
	big[sizeof(big) - 2] = '\0';
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), big, 0, 0, 1, 0), 0);
	assert_int_equal(nbcap_rotate_name(buf, sizeof(buf), big, 0, 0, 12, 0), -1);
}

static long
file_size(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* -C 200 bytes with 100-byte packets: two packets a file (24 + 116 <= 200 < 256). */
static void
test_rotate_size(void **state)
{
	struct timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
	struct nbcap_rotate_opts o = {
		.format = NBCAP_FORMAT_PCAP, .snaplen = 262144, .max_bytes = 200,
	};
	struct nbcap_rotate r;
	struct nbshm_pkt pkt;
	char path[128];
	unsigned int i;

	(void)state;
	make_pkt(&pkt, 100, 1, NULL);
	snprintf(path, sizeof(path), "%s/s.pcap", dir);
	o.path = path;
	assert_int_equal(nbcap_rotate_open(&r, &o, 1), 0);
	for (i = 0; i < 9; i++)
		assert_int_equal(nbcap_rotate_write(&r, &pkt, &ts), 0);
	assert_int_equal(nbcap_rotate_close(&r), 0);
	assert_int_equal(r.files, 5);
	assert_int_equal(file_size("s.pcap"), 24 + 2 * 116);
	assert_int_equal(file_size("s.pcap3"), 24 + 2 * 116);
	assert_int_equal(file_size("s.pcap4"), 24 + 116);
	assert_int_equal(file_size("s.pcap5"), -1);
	assert_int_equal(file_size("s.pcap0"), -1);

	/* -W 3: w.pcap0, 1, 2, then 0 and 1 again */
	snprintf(path, sizeof(path), "%s/w.pcap", dir);
	o.max_files = 3;
	assert_int_equal(nbcap_rotate_open(&r, &o, 1), 0);
	for (i = 0; i < 9; i++)
		assert_int_equal(nbcap_rotate_write(&r, &pkt, &ts), 0);
	assert_int_equal(nbcap_rotate_close(&r), 0);
	assert_int_equal(r.files, 5);
	assert_int_equal(file_size("w.pcap0"), 24 + 2 * 116);
	assert_int_equal(file_size("w.pcap1"), 24 + 116);
	assert_int_equal(file_size("w.pcap2"), 24 + 2 * 116);
	assert_int_equal(file_size("w.pcap3"), -1);
	assert_int_equal(file_size("w.pcap"), -1);
}

/* -G 10 -W 2: a file per period, named by its start; the third period ends it. */
static void
test_rotate_time(void **state)
{
	struct nbcap_rotate_opts o = {
		.format = NBCAP_FORMAT_PCAP, .snaplen = 262144, .seconds = 10, .max_files = 2,
	};
	struct timespec ts = { .tv_sec = 1000, .tv_nsec = 0 };
	struct nbcap_rotate r;
	struct nbshm_pkt pkt;
	char path[128];

	(void)state;
	make_pkt(&pkt, 100, 1, NULL);
	snprintf(path, sizeof(path), "%s/t-%%s.pcap", dir);
	o.path = path;
	assert_int_equal(nbcap_rotate_open(&r, &o, 1000), 0);
	assert_int_equal(nbcap_rotate_write(&r, &pkt, &ts), 0);
	ts.tv_sec = 1009;
	assert_int_equal(nbcap_rotate_write(&r, &pkt, &ts), 0);
	ts.tv_sec = 1010;
	assert_int_equal(nbcap_rotate_write(&r, &pkt, &ts), 0);
	ts.tv_sec = 1030;
	assert_int_equal(nbcap_rotate_write(&r, &pkt, &ts), 1);
	assert_int_equal(nbcap_rotate_close(&r), 0);
	assert_int_equal(r.files, 2);
	assert_int_equal(file_size("t-1000.pcap"), 24 + 2 * 116);
	assert_int_equal(file_size("t-1010.pcap"), 24 + 116);
	assert_int_equal(file_size("t-1030.pcap"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_chained),
		cmocka_unit_test(test_filter_bad),
		cmocka_unit_test(test_pcap_record),
		cmocka_unit_test(test_pcapng_blocks),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rotate_size),
		cmocka_unit_test(test_rotate_time),
	};
	int rc;

	setenv("TZ", "UTC", 1);
	tzset();
	make_frame();
	snprintf(dir, sizeof(dir), "/tmp/test_nbcap.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return rc;
}
