/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lib/channel attach handshake: the three messages as the builders make
 * them, every header and body field spoiled one at a time, the header-only
 * type check on short buffers, and send/receive with file descriptors over a
 * SOCK_SEQPACKET socketpair (round trip with working fds, truncation and
 * surplus fds refused without leaking any, peer gone).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "nbshm_chan_proto.h"

#define T_PAGE 4096u
#define T_HANDLE NET_BUFFER_SHM_HANDLE(5, 9)

static const uint8_t t_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x07 };

/* A sound layout, as nbfwd makes them. */
static void
make_layout(struct nbshm_chan_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->handle = T_HANDLE;
	l->rings_off = T_PAGE;
	l->ring_size = 256;
	l->ring_stride = NBSHM_RING_BYTES(256);
	l->n_qp = 2;
	l->max_segs = 8;
	l->mtu = 9000;
	/* version 3: control file [0, rx_off) = header, rings, tx; rx file after */
	l->tx_off = 1024 * 1024;
	l->tx_buf_size = 2048;
	l->n_tx_bufs = 1024;
	l->rx_off = 4 * 1024 * 1024;
	l->rx_len = 2 * 1024 * 1024;
	l->region_size = 6 * 1024 * 1024;
}

static void
make_attach(struct nbshm_msg_attach *m)
{
	assert_int_equal(nbshm_proto_attach_init(m, "ids-1", 0), 0);
}

static void
make_attach_ok(struct nbshm_msg_attach_ok *m)
{
	struct nbshm_chan_layout l;

	make_layout(&l);
	nbshm_proto_attach_ok_init(m, &l, 2 * 1024 * 1024, "nbfwd.c.ids-1", t_mac, 100);
}

static void
make_error(struct nbshm_msg_error *m)
{
	nbshm_proto_error_init(m, ENOENT, "no consumer named \"%s\"", "x");
}

/* Open file descriptors of this process. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- the builders ---- */

static void
test_build_attach(void **state)
{
	struct nbshm_msg_attach m;
	char name31[32];

	(void)state;
	make_attach(&m);
	assert_int_equal(m.hdr.magic, NBSHM_PROTO_MAGIC);
	assert_int_equal(m.hdr.version, NBSHM_PROTO_VERSION);
	assert_int_equal(m.hdr.type, NBSHM_MSG_ATTACH);
	assert_int_equal(m.hdr.length, sizeof(m));
	assert_int_equal(m.hdr.reserved, 0);
	assert_string_equal(m.name, "ids-1");
	assert_int_equal(m.queue, 0);
	assert_int_equal(m.flags, 0);
	assert_null(nbshm_proto_check_attach(&m, sizeof(m), 0));
	assert_int_equal(nbshm_proto_msg_type(&m, sizeof(m), &(const char *){ NULL }),
		NBSHM_MSG_ATTACH);
	/* "NBSM" in the first bytes */
	assert_memory_equal(&m, "NBSM", 4);
	/* the longest name, any queue */
	memset(name31, 'z', 31);
	name31[31] = '\0';
	assert_int_equal(nbshm_proto_attach_init(&m, name31, 0xffff), 0);
	assert_int_equal(m.queue, 0xffff);
	assert_null(nbshm_proto_check_attach(&m, sizeof(m), 0));
	/* a bad name builds nothing */
	assert_int_equal(nbshm_proto_attach_init(&m, "bad name", 1), -1);
	assert_int_equal(m.hdr.magic, 0);
	assert_int_equal(nbshm_proto_attach_init(&m, "", 1), -1);
	assert_int_equal(nbshm_proto_attach_init(&m, NULL, 1), -1);
}

static void
test_build_attach_ok(void **state)
{
	struct nbshm_msg_attach_ok m;
	struct nbshm_chan_layout l;
	char longname[100];
	const char *why;

	(void)state;
	make_attach_ok(&m);
	make_layout(&l);
	assert_int_equal(m.hdr.type, NBSHM_MSG_ATTACH_OK);
	assert_int_equal(m.hdr.length, sizeof(m));
	assert_memory_equal(&m.layout, &l, sizeof(l));
	assert_int_equal(m.page_size, 2 * 1024 * 1024);
	assert_string_equal(m.region_name, "nbfwd.c.ids-1");
	assert_memory_equal(m.mac, t_mac, 6);
	assert_int_equal(m.vlan, 100);
	assert_null(nbshm_proto_check_attach_ok(&m, sizeof(m), NBSHM_PROTO_ATTACH_OK_FDS));
	/* a region name too long for the message is cut, still terminated */
	memset(longname, 'r', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	nbshm_proto_attach_ok_init(&m, &l, T_PAGE, longname, t_mac, 0xffff);
	assert_int_equal(strlen(m.region_name), NBSHM_PROTO_REGION_NAME_MAX - 1);
	assert_null(nbshm_proto_check_attach_ok(&m, sizeof(m), NBSHM_PROTO_ATTACH_OK_FDS));
	/* the builder copies any name; the receiver's check refuses a bad one */
	nbshm_proto_attach_ok_init(&m, &l, T_PAGE, "bad name", t_mac, 0xffff);
	assert_string_equal(m.region_name, "bad name");
	why = nbshm_proto_check_attach_ok(&m, sizeof(m), NBSHM_PROTO_ATTACH_OK_FDS);
	assert_non_null(why);
	assert_non_null(strstr(why, "region name"));
}

static void
test_build_error(void **state)
{
	struct nbshm_msg_error m;
	char longtext[300];

	(void)state;
	make_error(&m);
	assert_int_equal(m.hdr.type, NBSHM_MSG_ERROR);
	assert_int_equal(m.hdr.length, sizeof(m));
	assert_int_equal(m.code, ENOENT);
	assert_string_equal(m.text, "no consumer named \"x\"");
	assert_null(nbshm_proto_check_error(&m, sizeof(m), 0));
	/* a code that is not a positive errno becomes EPROTO */
	nbshm_proto_error_init(&m, 0, "zero");
	assert_int_equal(m.code, EPROTO);
	assert_null(nbshm_proto_check_error(&m, sizeof(m), 0));
	nbshm_proto_error_init(&m, -EINVAL, "negative");
	assert_int_equal(m.code, EPROTO);
	/* a long text is cut, still terminated */
	memset(longtext, 't', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	nbshm_proto_error_init(&m, EBUSY, "%s", longtext);
	assert_int_equal(strlen(m.text), NBSHM_PROTO_TEXT_MAX - 1);
	assert_null(nbshm_proto_check_error(&m, sizeof(m), 0));
}

/* ---- spoiled messages ---- */

typedef const char *(*check_fn)(const void *buf, size_t len, unsigned int n_fds);

/* One message type as the table tests see it. */
struct kind {
	const char *name;
	uint16_t type;
	size_t size;
	unsigned int fds;
	check_fn check;
	void (*make)(void *m);
};

static void
make_attach_v(void *m)
{
	make_attach(m);
}

static void
make_attach_ok_v(void *m)
{
	make_attach_ok(m);
}

static void
make_error_v(void *m)
{
	make_error(m);
}

static const struct kind kinds[] = {
	{ "ATTACH", NBSHM_MSG_ATTACH, sizeof(struct nbshm_msg_attach), 0,
		nbshm_proto_check_attach, make_attach_v },
	{ "ATTACH_OK", NBSHM_MSG_ATTACH_OK, sizeof(struct nbshm_msg_attach_ok),
		NBSHM_PROTO_ATTACH_OK_FDS, nbshm_proto_check_attach_ok, make_attach_ok_v },
	{ "ERROR", NBSHM_MSG_ERROR, sizeof(struct nbshm_msg_error), 0,
		nbshm_proto_check_error, make_error_v },
};

/* A message buffer with room to grow past any message. */
union msgbuf {
	struct nbshm_msg_hdr hdr;
	struct nbshm_msg_attach a;
	struct nbshm_msg_attach_ok ok;
	struct nbshm_msg_error e;
	uint8_t raw[NBSHM_PROTO_MSG_MAX];
};

enum hdr_spoil {
	H_MAGIC_ZERO, H_MAGIC_SWAPPED, H_VERSION_0, H_VERSION_PREV, H_VERSION_NEXT, H_TYPE_ZERO,
	H_TYPE_99,
	H_TYPE_NEXT, H_LENGTH_SHORT, H_LENGTH_LONG, H_LENGTH_ZERO, H_RESERVED, H_SIZE_LONGER,
	H_SIZE_SHORTER, H_FDS_MORE, H_FDS_MAX,
};

struct hdr_case {
	enum hdr_spoil spoil;
	const char *what;
	const char *want;	/* in the sentence */
};

static void
test_header_spoiled(void **state)
{
	static const struct hdr_case cases[] = {
		{ H_MAGIC_ZERO, "magic 0", "magic" },
		{ H_MAGIC_SWAPPED, "magic byte-swapped", "magic" },
		{ H_VERSION_0, "version 0", "version" },
		{ H_VERSION_PREV, "version 2 (one file, two fds)", "version" },
		{ H_VERSION_NEXT, "version 4", "version" },
		{ H_TYPE_ZERO, "type 0", "type" },
		{ H_TYPE_99, "type 99", "type" },
		{ H_TYPE_NEXT, "another type", "type" },
		{ H_LENGTH_SHORT, "length field - 1", "length field" },
		{ H_LENGTH_LONG, "length field + 1", "length field" },
		{ H_LENGTH_ZERO, "length field 0", "length field" },
		{ H_RESERVED, "reserved 1", "reserved" },
		{ H_SIZE_LONGER, "8 bytes longer, length field agrees", "size" },
		{ H_SIZE_SHORTER, "4 bytes shorter, length field agrees", "size" },
		{ H_FDS_MORE, "one fd more", "file descriptors" },
		{ H_FDS_MAX, "NBSHM_PROTO_MAX_FDS fds", "file descriptors" },
	};
	unsigned int k, i;

	(void)state;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const struct kind *t = &kinds[k];

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			union msgbuf m;
			size_t len = t->size;
			unsigned int fds = t->fds;
			const char *why;

			memset(&m, 0, sizeof(m));
			t->make(&m);
			assert_null(t->check(&m, len, fds));
			switch (cases[i].spoil) {
			case H_MAGIC_ZERO: m.hdr.magic = 0; break;
			case H_MAGIC_SWAPPED:
				m.hdr.magic = __builtin_bswap32(NBSHM_PROTO_MAGIC);
				break;
			case H_VERSION_0: m.hdr.version = 0; break;
			case H_VERSION_PREV: m.hdr.version = NBSHM_PROTO_VERSION - 1; break;
			case H_VERSION_NEXT: m.hdr.version = NBSHM_PROTO_VERSION + 1; break;
			case H_TYPE_ZERO: m.hdr.type = 0; break;
			case H_TYPE_99: m.hdr.type = 99; break;
			case H_TYPE_NEXT: m.hdr.type = (uint16_t)(t->type % 3 + 1); break;
			case H_LENGTH_SHORT: m.hdr.length--; break;
			case H_LENGTH_LONG: m.hdr.length++; break;
			case H_LENGTH_ZERO: m.hdr.length = 0; break;
			case H_RESERVED: m.hdr.reserved = 1; break;
			case H_SIZE_LONGER: len += 8; m.hdr.length = (uint32_t)len; break;
			case H_SIZE_SHORTER: len -= 4; m.hdr.length = (uint32_t)len; break;
			case H_FDS_MORE: fds++; break;
			case H_FDS_MAX: fds = NBSHM_PROTO_MAX_FDS; break;
			}
			why = t->check(&m, len, fds);
			if (why == NULL)
				fail_msg("%s, %s: accepted", t->name, cases[i].what);
			if (strstr(why, cases[i].want) == NULL)
				fail_msg("%s, %s: \"%s\" does not say %s", t->name, cases[i].what,
					why, cases[i].want);
		}
	}
}

/* ATTACH_OK takes exactly three fds (control, rx, eventfd), the others none. */
static void
test_fd_counts(void **state)
{
	union msgbuf m;
	unsigned int n;

	(void)state;
	make_attach_ok(&m.ok);
	for (n = 0; n <= NBSHM_PROTO_MAX_FDS; n++) {
		const char *why = nbshm_proto_check_attach_ok(&m, sizeof(m.ok), n);

		if (n == NBSHM_PROTO_ATTACH_OK_FDS)
			assert_null(why);
		else
			assert_non_null(why);
	}
	assert_non_null(nbshm_proto_check_attach_ok(&m, sizeof(m.ok), 0));
	assert_non_null(nbshm_proto_check_attach_ok(&m, sizeof(m.ok), 1));
	assert_non_null(nbshm_proto_check_attach_ok(&m, sizeof(m.ok), 2));	/* version 2 */
	assert_non_null(nbshm_proto_check_attach_ok(&m, sizeof(m.ok), 4));
	make_attach(&m.a);
	assert_non_null(nbshm_proto_check_attach(&m, sizeof(m.a), 1));
	make_error(&m.e);
	assert_non_null(nbshm_proto_check_error(&m, sizeof(m.e), 2));
}

struct body_case {
	const char *what;
	void (*spoil)(union msgbuf *m);
	const char *want;	/* in the sentence; NULL = must be accepted */
};

#define BODY(name, body) \
	static void body_##name(union msgbuf *m) { body; }

/*
 * Spoil a good message of kind @p t as case @p c says and check it: refused
 * with a sentence that names c->want, or accepted when c->want is NULL.
 * @return the check's answer (the message stays in @p m).
 */
static const char *
body_verdict(const struct kind *t, const struct body_case *c, union msgbuf *m)
{
	const char *why;

	memset(m, 0, sizeof(*m));
	t->make(m);
	c->spoil(m);
	why = t->check(m, t->size, t->fds);
	if (c->want == NULL && why != NULL)
		fail_msg("%s: refused: %s", c->what, why);
	if (c->want != NULL && why == NULL)
		fail_msg("%s: accepted", c->what);
	if (c->want != NULL && strstr(why, c->want) == NULL)
		fail_msg("%s: \"%s\" does not say %s", c->what, why, c->want);
	return why;
}

/* body_verdict() of each of the @p n cases @p c on a message of kind @p t. */
static void
body_verdicts(const struct kind *t, const struct body_case *c, size_t n)
{
	union msgbuf m;
	size_t i;

	for (i = 0; i < n; i++)
		body_verdict(t, &c[i], &m);
}

BODY(name_unterminated, memset(m->a.name, 'a', sizeof(m->a.name)))
BODY(name_empty, memset(m->a.name, 0, sizeof(m->a.name)))
BODY(name_slash, strcpy(m->a.name, "ids/1"))
BODY(name_space, strcpy(m->a.name, "ids 1"))
BODY(name_colon, strcpy(m->a.name, "ids:1"))
BODY(name_high, strcpy(m->a.name, "ids\xc3\xa9"))
BODY(name_newline, strcpy(m->a.name, "ids\n"))
BODY(name_after_nul, m->a.name[10] = 'x')
BODY(name_31, memset(m->a.name, 'n', 31); m->a.name[31] = '\0')
BODY(attach_reserved, m->a.reserved0 = 1)
BODY(attach_flags_1, m->a.flags = 1)
BODY(attach_flags_high, m->a.flags = 0x80000000u)
BODY(queue_any, m->a.queue = 0xffff)
BODY(queue_7, m->a.queue = 7)

static void
test_attach_body(void **state)
{
	static const struct body_case cases[] = {
		{ "name unterminated (32 chars)", body_name_unterminated, "name" },
		{ "name empty", body_name_empty, "name" },
		{ "name with /", body_name_slash, "name" },
		{ "name with a space", body_name_space, "name" },
		{ "name with :", body_name_colon, "name" },
		{ "name with UTF-8", body_name_high, "name" },
		{ "name with a newline", body_name_newline, "name" },
		{ "bytes after the NUL", body_name_after_nul, "name" },
		{ "name of 31 chars", body_name_31, NULL },
		{ "reserved0", body_attach_reserved, "reserved" },
		{ "flags 1", body_attach_flags_1, "flags" },
		{ "flags 0x80000000", body_attach_flags_high, "flags" },
		{ "queue 0xffff (the check leaves it to the server)", body_queue_any, NULL },
		{ "queue 7", body_queue_7, NULL },
	};

	(void)state;
	body_verdicts(&kinds[0] /* ATTACH */, cases, sizeof(cases) / sizeof(cases[0]));
}

/* A region name with only NULs after it (as the builder leaves it). */
static void
set_region(union msgbuf *m, const char *name)
{
	memset(m->ok.region_name, 0, sizeof(m->ok.region_name));
	strcpy(m->ok.region_name, name);
}

BODY(region_unterminated, memset(m->ok.region_name, 'r', sizeof(m->ok.region_name)))
BODY(region_empty, memset(m->ok.region_name, 0, sizeof(m->ok.region_name)))
BODY(region_after_nul, m->ok.region_name[sizeof(m->ok.region_name) - 1] = 'x')
BODY(region_63, memset(m->ok.region_name, 'r', 63); m->ok.region_name[63] = '\0')
BODY(region_slash, set_region(m, "../etc/x"))
BODY(region_space, set_region(m, "nbfwd c"))
BODY(region_escape, set_region(m, "nbfwd\x1b[2J"))
BODY(region_newline, set_region(m, "nbfwd\n"))
BODY(region_high, set_region(m, "r\xc3\xa9gion"))
BODY(region_chars, set_region(m, "AZaz09_.-"))
BODY(ok_reserved, m->ok.reserved = 1)
BODY(page_0, m->ok.page_size = 0)
BODY(page_2048, m->ok.page_size = 2048)
BODY(page_4097, m->ok.page_size = 4097)
BODY(page_3x, m->ok.page_size = 3 * 4096)
BODY(page_4k, m->ok.page_size = 4096)
BODY(page_1g, m->ok.page_size = 1u << 30)
BODY(page_1m, m->ok.page_size = 1u << 20)
BODY(rx_off_4k, m->ok.layout.rx_off += 4096; m->ok.layout.rx_len -= 4096)
BODY(size_4k, m->ok.layout.region_size += 4096)
BODY(vlan_4096, m->ok.vlan = 4096)
BODY(vlan_fffe, m->ok.vlan = 0xfffe)
BODY(vlan_0, m->ok.vlan = 0)
BODY(vlan_4095, m->ok.vlan = 4095)
BODY(vlan_none, m->ok.vlan = 0xffff)
BODY(mac_any, memset(m->ok.mac, 0xff, 6))
BODY(layout_ring, m->ok.layout.ring_size = 3)
BODY(layout_gen, m->ok.layout.handle = NET_BUFFER_SHM_HANDLE(5, 0))
BODY(layout_tx, m->ok.layout.tx_off = m->ok.layout.rx_off)
BODY(layout_size, m->ok.layout.region_size = 0)

static void
test_attach_ok_body(void **state)
{
	static const struct body_case cases[] = {
		{ "region name unterminated", body_region_unterminated, "region name" },
		{ "region name empty", body_region_empty, "region name" },
		{ "bytes after the NUL", body_region_after_nul, "region name" },
		{ "region name of 63 chars", body_region_63, NULL },
		{ "region name with / and ..", body_region_slash, "region name" },
		{ "region name with a space", body_region_space, "region name" },
		{ "region name with an escape sequence", body_region_escape, "region name" },
		{ "region name with a newline", body_region_newline, "region name" },
		{ "region name with UTF-8", body_region_high, "region name" },
		{ "region name of every allowed kind", body_region_chars, NULL },
		{ "reserved", body_ok_reserved, "reserved" },
		{ "page_size 0", body_page_0, "page_size" },
		{ "page_size 2048", body_page_2048, "page_size" },
		{ "page_size 4097", body_page_4097, "page_size" },
		{ "page_size 12288", body_page_3x, "page_size" },
		{ "page_size 4096", body_page_4k, NULL },
		{ "page_size 1 GB: the files are not whole pages", body_page_1g, "page_size" },
		{ "page_size 1 MB", body_page_1m, NULL },
		{ "rx_off not on a page", body_rx_off_4k, "multiple of page_size" },
		{ "region_size not whole pages", body_size_4k, "multiple of page_size" },
		{ "vlan 4096", body_vlan_4096, "vlan" },
		{ "vlan 0xfffe", body_vlan_fffe, "vlan" },
		{ "vlan 0", body_vlan_0, NULL },
		{ "vlan 4095", body_vlan_4095, NULL },
		{ "vlan none", body_vlan_none, NULL },
		{ "any MAC", body_mac_any, NULL },
		{ "layout: ring_size 3", body_layout_ring, "ring_size" },
		{ "layout: generation 0", body_layout_gen, "generation" },
		{ "layout: tx area on the rx area", body_layout_tx, "overlap" },
		{ "layout: region_size 0", body_layout_size, "region_size" },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		union msgbuf m;
		const char *why = body_verdict(&kinds[1] /* ATTACH_OK */, &cases[i], &m);

		/* a bad layout is refused with the layout check's own sentence */
		if (strncmp(cases[i].what, "layout", 6) == 0)
			assert_string_equal(why, nbshm_chan_layout_check(&m.ok.layout));
	}
}

BODY(code_0, m->e.code = 0)
BODY(code_neg, m->e.code = -1)
BODY(code_min, m->e.code = INT32_MIN)
BODY(code_big, m->e.code = 4095)
BODY(error_reserved, m->e.reserved = 0x100)
BODY(text_unterminated, memset(m->e.text, 'x', sizeof(m->e.text)))
BODY(text_empty, memset(m->e.text, 0, sizeof(m->e.text)))
BODY(text_last_nul, memset(m->e.text, 'x', sizeof(m->e.text) - 1);
	m->e.text[sizeof(m->e.text) - 1] = '\0')

static void
test_error_body(void **state)
{
	static const struct body_case cases[] = {
		{ "code 0", body_code_0, "code" },
		{ "code -1", body_code_neg, "code" },
		{ "code INT32_MIN", body_code_min, "code" },
		{ "code 4095", body_code_big, NULL },
		{ "reserved", body_error_reserved, "reserved" },
		{ "text unterminated", body_text_unterminated, "NUL" },
		{ "text empty", body_text_empty, NULL },
		{ "text of 127 chars", body_text_last_nul, NULL },
	};

	(void)state;
	body_verdicts(&kinds[2] /* ERROR */, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_msg_type_short(void **state)
{
	union msgbuf m;
	const char *why;
	size_t len;

	(void)state;
	make_attach(&m.a);
	why = NULL;
	assert_int_equal(nbshm_proto_msg_type(NULL, 100, &why), -1);
	assert_non_null(why);
	for (len = 0; len < sizeof(struct nbshm_msg_hdr); len++) {
		why = NULL;
		/* the length field is made to agree: only the size is wrong */
		m.hdr.length = (uint32_t)len;
		assert_int_equal(nbshm_proto_msg_type(&m, len, &why), -1);
		assert_non_null(why);
		assert_non_null(strstr(why, "shorter"));
	}
	/* a bare header is a message as far as the header goes */
	m.hdr.length = sizeof(struct nbshm_msg_hdr);
	why = NULL;
	assert_int_equal(nbshm_proto_msg_type(&m, sizeof(struct nbshm_msg_hdr), &why),
		NBSHM_MSG_ATTACH);
	assert_null(why);
	/* ... but no whole ATTACH */
	assert_non_null(nbshm_proto_check_attach(&m, sizeof(struct nbshm_msg_hdr), 0));
	/* the type is not judged here */
	m.hdr.type = 99;
	assert_int_equal(nbshm_proto_msg_type(&m, sizeof(struct nbshm_msg_hdr), &why), 99);
	/* every check refuses short buffers */
	make_attach_ok(&m.ok);
	for (len = 0; len < sizeof(m.ok); len += 7) {
		m.hdr.length = (uint32_t)len;
		assert_non_null(nbshm_proto_check_attach_ok(&m, len, 2));
		assert_non_null(nbshm_proto_check_attach(&m, len, 0));
		assert_non_null(nbshm_proto_check_error(&m, len, 0));
	}
}

/* ---- over a socket ---- */

static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void
test_sock_round_trip(void **state)
{
	struct nbshm_msg_attach_ok ok;
	union msgbuf in;
	int sv[2], fds[3], got[NBSHM_PROTO_MAX_FDS], before;
	unsigned int n_fds = 99;
	struct stat a, b;
	uint64_t v;
	char text[8];
	ssize_t n;

	(void)state;
	before = count_fds();
	pair(sv);
	fds[0] = memfd_create("nbshm-handshake-test", MFD_CLOEXEC);
	assert_true(fds[0] >= 0);
	assert_int_equal(ftruncate(fds[0], T_PAGE), 0);
	fds[1] = memfd_create("nbshm-handshake-rx", MFD_CLOEXEC);
	assert_true(fds[1] >= 0);
	fds[2] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(fds[2] >= 0);
	make_attach_ok(&ok);
	assert_int_equal(nbshm_proto_send(sv[1], &ok, sizeof(ok), fds, 3), 0);
	n = nbshm_proto_recv(sv[0], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS, &n_fds);
	assert_int_equal(n, sizeof(ok));
	assert_int_equal(n_fds, NBSHM_PROTO_ATTACH_OK_FDS);
	assert_memory_equal(&in, &ok, sizeof(ok));
	assert_null(nbshm_proto_check_attach_ok(&in, (size_t)n, n_fds));
	/* new descriptors, close-on-exec, same open files */
	assert_true(got[0] != fds[0] && got[0] != fds[2]);
	assert_true(got[2] != fds[0] && got[2] != fds[2] && got[2] != got[0]);
	assert_true(fcntl(got[0], F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(got[2], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fstat(fds[0], &a), 0);
	assert_int_equal(fstat(got[0], &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_size, T_PAGE);
	/* the region file: written through one, read through the other */
	assert_int_equal(pwrite(got[0], "region", 7, 100), 7);
	assert_int_equal(pread(fds[0], text, 7, 100), 7);
	assert_string_equal(text, "region");
	/* the eventfd: signalled through one, read through the other, both ways */
	v = 5;
	assert_int_equal(write(got[2], &v, sizeof(v)), sizeof(v));
	v = 0;
	assert_int_equal(read(fds[2], &v, sizeof(v)), sizeof(v));
	assert_int_equal(v, 5);
	v = 3;
	assert_int_equal(write(fds[2], &v, sizeof(v)), sizeof(v));
	v = 0;
	assert_int_equal(read(got[2], &v, sizeof(v)), sizeof(v));
	assert_int_equal(v, 3);
	assert_int_equal(read(got[2], &v, sizeof(v)), -1);
	assert_int_equal(errno, EAGAIN);
	close(got[0]);
	close(got[1]);
	close(got[2]);
	/* a message without fds, the other way */
	make_attach(&in.a);
	assert_int_equal(nbshm_proto_send(sv[0], &in, sizeof(in.a), NULL, 0), 0);
	n_fds = 99;
	n = nbshm_proto_recv(sv[1], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS, &n_fds);
	assert_int_equal(n, sizeof(struct nbshm_msg_attach));
	assert_int_equal(n_fds, 0);
	assert_null(nbshm_proto_check_attach(&in, (size_t)n, n_fds));
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(count_fds(), before);
}

/* Send @p n dups of @p fd with the message, bypassing nbshm_proto_send's limit. */
static void
send_raw_fds(int sock, const void *msg, size_t len, int fd, unsigned int n)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fds[16];
	unsigned int i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		fds[i] = fd;
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)len);
}

static void
test_sock_truncated(void **state)
{
	struct nbshm_msg_attach_ok ok;
	struct nbshm_msg_attach at;
	union msgbuf in;
	int sv[2], fds[2], got[NBSHM_PROTO_MAX_FDS], before;
	unsigned int n_fds;
	ssize_t n;

	(void)state;
	pair(sv);
	fds[0] = memfd_create("nbshm-handshake-test", MFD_CLOEXEC);
	fds[1] = eventfd(0, EFD_CLOEXEC);
	assert_true(fds[0] >= 0 && fds[1] >= 0);
	make_attach_ok(&ok);
	make_attach(&at);
	/* message bigger than the buffer: refused, the fds it carried closed */
	assert_int_equal(nbshm_proto_send(sv[1], &ok, sizeof(ok), fds, 2), 0);
	before = count_fds();
	n_fds = 99;
	errno = 0;
	n = nbshm_proto_recv(sv[0], &in, sizeof(ok) - 1, got, NBSHM_PROTO_MAX_FDS, &n_fds);
	assert_int_equal(n, -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(n_fds, 0);
	assert_int_equal(count_fds(), before);
	/* the rest of that datagram is gone; the next message reads whole */
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), NULL, 0), 0);
	n = nbshm_proto_recv(sv[0], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS, &n_fds);
	assert_int_equal(n, sizeof(at));
	assert_null(nbshm_proto_check_attach(&in, (size_t)n, n_fds));
	/* more fds than the caller takes: all closed, EMSGSIZE */
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), (int[]){ fds[0], fds[1],
		fds[0] }, 3), 0);
	n_fds = 99;
	errno = 0;
	n = nbshm_proto_recv(sv[0], &in, sizeof(in), got, 2, &n_fds);
	assert_int_equal(n, -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(n_fds, 0);
	assert_int_equal(count_fds(), before);
	/* fds where the caller takes none */
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), fds, 1), 0);
	errno = 0;
	assert_int_equal(nbshm_proto_recv(sv[0], &in, sizeof(in), got, 0, &n_fds), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(count_fds(), before);
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), fds, 2), 0);
	errno = 0;
	assert_int_equal(nbshm_proto_recv(sv[0], &in, sizeof(in), NULL, 4, &n_fds), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(count_fds(), before);
	/* more fds than the control buffer holds (a peer not using this library) */
	send_raw_fds(sv[1], &at, sizeof(at), fds[1], 9);
	n_fds = 99;
	errno = 0;
	n = nbshm_proto_recv(sv[0], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS, &n_fds);
	assert_int_equal(n, -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(n_fds, 0);
	assert_int_equal(count_fds(), before);
	/* exactly the most a receiver takes is fine */
	send_raw_fds(sv[1], &at, sizeof(at), fds[1], NBSHM_PROTO_MAX_FDS);
	n = nbshm_proto_recv(sv[0], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS, &n_fds);
	assert_int_equal(n, sizeof(at));
	assert_int_equal(n_fds, NBSHM_PROTO_MAX_FDS);
	assert_int_equal(count_fds(), before + (int)NBSHM_PROTO_MAX_FDS);
	for (n_fds = 0; n_fds < NBSHM_PROTO_MAX_FDS; n_fds++)
		close(got[n_fds]);
	assert_int_equal(count_fds(), before);
	close(fds[0]);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
}

static void
test_sock_send_limits(void **state)
{
	uint8_t big[NBSHM_PROTO_MSG_MAX + 1];
	struct nbshm_msg_attach at;
	int sv[2], fds[NBSHM_PROTO_MAX_FDS + 1], i;

	(void)state;
	pair(sv);
	make_attach(&at);
	for (i = 0; i <= (int)NBSHM_PROTO_MAX_FDS; i++)
		fds[i] = sv[0];
	errno = 0;
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), fds,
		NBSHM_PROTO_MAX_FDS + 1), -1);
	assert_int_equal(errno, EINVAL);
	memset(big, 0, sizeof(big));
	errno = 0;
	assert_int_equal(nbshm_proto_send(sv[1], big, sizeof(big), NULL, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nbshm_proto_send(sv[1], big, NBSHM_PROTO_MSG_MAX, NULL, 0), 0);
	/* a gone peer: an error (EPIPE, or ECONNRESET with data unread), not SIGPIPE */
	close(sv[0]);
	errno = 0;
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), NULL, 0), -1);
	assert_true(errno == EPIPE || errno == ECONNRESET);
	close(sv[1]);
}

static void
test_sock_peer_closed(void **state)
{
	struct nbshm_msg_attach at;
	union msgbuf in;
	int sv[2], got[NBSHM_PROTO_MAX_FDS];
	unsigned int n_fds = 99;

	(void)state;
	pair(sv);
	make_attach(&at);
	/* what was sent before the close is still read, then 0 */
	assert_int_equal(nbshm_proto_send(sv[1], &at, sizeof(at), NULL, 0), 0);
	close(sv[1]);
	assert_int_equal(nbshm_proto_recv(sv[0], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS,
		&n_fds), sizeof(at));
	n_fds = 99;
	assert_int_equal(nbshm_proto_recv(sv[0], &in, sizeof(in), got, NBSHM_PROTO_MAX_FDS,
		&n_fds), 0);
	assert_int_equal(n_fds, 0);
	close(sv[0]);
}

static void
test_name_check(void **state)
{
	static const struct {
		const char *name;
		int ok;
	} cases[] = {
		{ "a", 1 }, { "Z", 1 }, { "0", 1 }, { "_", 1 }, { ".", 1 }, { "-", 1 },
		{ "ids-1", 1 }, { "vm_07.rx", 1 }, { "ABCdef012_.-", 1 },
		{ "abcdefghijklmnopqrstuvwxyz01234", 1 },	/* 31 */
		{ "abcdefghijklmnopqrstuvwxyz012345", 0 },	/* 32 */
		{ "abcdefghijklmnopqrstuvwxyz0123456789", 0 },
		{ "", 0 }, { " ", 0 }, { "a b", 0 }, { "a/b", 0 }, { "../x", 0 },
		{ "a:b", 0 }, { "a+b", 0 }, { "a\tb", 0 }, { "a\n", 0 }, { "caf\xc3\xa9", 0 },
		{ "a\x7f", 0 }, { "a@b", 0 }, { "a,b", 0 }, { "a*", 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = nbshm_proto_name_check(cases[i].name);

		if ((rc == 0) != cases[i].ok)
			fail_msg("\"%s\": got %d", cases[i].name, rc);
	}
	assert_int_equal(nbshm_proto_name_check(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_attach),
		cmocka_unit_test(test_build_attach_ok),
		cmocka_unit_test(test_build_error),
		cmocka_unit_test(test_header_spoiled),
		cmocka_unit_test(test_fd_counts),
		cmocka_unit_test(test_attach_body),
		cmocka_unit_test(test_attach_ok_body),
		cmocka_unit_test(test_error_body),
		cmocka_unit_test(test_msg_type_short),
		cmocka_unit_test(test_sock_round_trip),
		cmocka_unit_test(test_sock_truncated),
		cmocka_unit_test(test_sock_send_limits),
		cmocka_unit_test(test_sock_peer_closed),
		cmocka_unit_test(test_name_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
