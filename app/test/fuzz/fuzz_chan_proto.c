/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Fuzz target: the attach handshake's message checks, which see whatever a
 * peer sent over the socket.
 *
 * Input: u8 n_fds (v % (NBSHM_PROTO_MAX_FDS + 2)), u8 kind, then:
 * - kind bit 7 clear: the rest is one received message, given as it is to
 *   nbshm_proto_msg_type() and the three nbshm_proto_check_*() functions;
 * - kind bit 7 set: the rest fills the fields of the *_init() builders (a
 *   name, a queue, a layout, a region name, an error code and text), and the
 *   message each builds must pass its own check exactly when its parts are
 *   valid (round trip).
 *
 * Checked, raw: every answer is NULL or a non-empty sentence; a message a check
 * accepts has the exact size, magic, version, type, length field, fd count,
 * NUL-terminated strings and zero reserved fields the header promises (and an
 * ATTACH_OK a layout nbshm_chan_layout_check() accepts: rings, rx and tx areas
 * inside the region, computed here without overflow, not overlapping, and
 * reachable with 32-bit descriptor offsets; rx_off and region_size whole
 * pages, so that both files are); at most one of the three checks accepts a
 * message.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz_input.h"
#include "nbshm_chan_proto.h"

static void
fuzz_proto_sentence(const char *why)
{
	if (why != NULL)
		FUZZ_CHECK(why[0] != '\0' && strlen(why) < 512);
}

static void
fuzz_proto_check_hdr(const struct nbshm_msg_hdr *h, size_t len, uint16_t type)
{
	FUZZ_CHECK(h->magic == NBSHM_PROTO_MAGIC);
	FUZZ_CHECK(h->version == NBSHM_PROTO_VERSION);
	FUZZ_CHECK(h->type == type);
	FUZZ_CHECK(h->length == len);
	FUZZ_CHECK(h->reserved == 0);
}

/* The areas a layout names lie inside the region, in 64-bit without overflow. */
static void
fuzz_proto_check_layout(const struct nbshm_chan_layout *l)
{
	uint64_t n_rings = NBSHM_CHAN_N_RINGS((uint64_t)l->n_qp);
	uint64_t rings_end, tx_len;

	FUZZ_CHECK(l->ring_size >= NBSHM_CHAN_RING_SIZE_MIN &&
			l->ring_size <= NBSHM_CHAN_RING_SIZE_MAX &&
			(l->ring_size & (l->ring_size - 1)) == 0);
	FUZZ_CHECK(l->n_qp >= 1 && l->n_qp <= NBSHM_CHAN_MAX_QP);
	FUZZ_CHECK(l->max_segs >= 1 && l->max_segs <= NBSHM_CHAN_MAX_SEGS);
	FUZZ_CHECK(l->rings_off % NBSHM_CHAN_CACHE_LINE == 0);
	FUZZ_CHECK(l->ring_stride % NBSHM_CHAN_CACHE_LINE == 0);
	FUZZ_CHECK(l->ring_stride >= NBSHM_RING_BYTES(l->ring_size));
	FUZZ_CHECK(l->ring_stride <= l->region_size);
	FUZZ_CHECK(l->rings_off <= l->region_size);
	FUZZ_CHECK(n_rings <= (l->region_size - l->rings_off) / l->ring_stride);
	rings_end = l->rings_off + n_rings * l->ring_stride;
	FUZZ_CHECK(l->rx_off <= l->region_size && l->rx_len <= l->region_size - l->rx_off);
	FUZZ_CHECK(l->tx_off <= l->region_size);
	FUZZ_CHECK(l->n_tx_bufs != 0 && l->tx_buf_size != 0);
	tx_len = (uint64_t)l->n_tx_bufs * l->tx_buf_size;
	FUZZ_CHECK(tx_len <= l->region_size - l->tx_off);
	/* descriptors reach every byte of both areas with 32-bit offsets */
	FUZZ_CHECK(l->rx_off <= UINT32_MAX && l->rx_len <= UINT32_MAX - l->rx_off);
	FUZZ_CHECK(l->tx_off <= UINT32_MAX && tx_len <= UINT32_MAX - l->tx_off);
	/* areas do not overlap the rings */
	FUZZ_CHECK(l->rx_len == 0 || l->rx_off >= rings_end || l->rx_off + l->rx_len <= l->rings_off);
	FUZZ_CHECK(l->tx_off >= rings_end || l->tx_off + tx_len <= l->rings_off);
	FUZZ_CHECK(l->rx_len == 0 || l->tx_off >= l->rx_off + l->rx_len ||
			l->tx_off + tx_len <= l->rx_off);
	/* version 3: rings and tx area in the control file, before the rx area */
	FUZZ_CHECK(rings_end <= l->rx_off && l->tx_off + tx_len <= l->rx_off);
}

/* A region name as the builder keeps it (63 chars at most): 1.. of [A-Za-z0-9_.-]. */
static bool
fuzz_proto_region_ok(const char *s)
{
	size_t i, n = strnlen(s, NBSHM_PROTO_REGION_NAME_MAX - 1);

	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
				s[i]) == NULL)
			return false;
	return n != 0;
}

static void
fuzz_proto_raw(const uint8_t *buf, size_t len, unsigned int n_fds)
{
	const char *why = NULL, *a, *ok, *e;
	int type;

	type = nbshm_proto_msg_type(buf, len, &why);
	if (type < 0) {
		FUZZ_CHECK(why != NULL);
		fuzz_proto_sentence(why);
	} else {
		const struct nbshm_msg_hdr *h = (const void *)buf;

		FUZZ_CHECK(len >= sizeof(*h));
		FUZZ_CHECK(h->magic == NBSHM_PROTO_MAGIC && h->version == NBSHM_PROTO_VERSION);
		FUZZ_CHECK(h->length == len && h->type == type && h->reserved == 0);
	}

	a = nbshm_proto_check_attach(buf, len, n_fds);
	ok = nbshm_proto_check_attach_ok(buf, len, n_fds);
	e = nbshm_proto_check_error(buf, len, n_fds);
	fuzz_proto_sentence(a);
	fuzz_proto_sentence(ok);
	fuzz_proto_sentence(e);
	FUZZ_CHECK((a == NULL) + (ok == NULL) + (e == NULL) <= 1);
	/* FUZZ_VERBOSE=1: print each answer (for triage, with the replay driver) */
	if (getenv("FUZZ_VERBOSE") != NULL)
		printf("fuzz_chan_proto: type %d%s%s, attach: %s, attach_ok: %s, error: %s\n",
				type, type < 0 ? " " : "", type < 0 ? why : "",
				a != NULL ? a : "ok", ok != NULL ? ok : "ok", e != NULL ? e : "ok");

	if (a == NULL) {
		const struct nbshm_msg_attach *m = (const void *)buf;

		FUZZ_CHECK(type == NBSHM_MSG_ATTACH);
		FUZZ_CHECK(len == sizeof(*m) && n_fds == 0);
		fuzz_proto_check_hdr(&m->hdr, len, NBSHM_MSG_ATTACH);
		FUZZ_CHECK(memchr(m->name, '\0', sizeof(m->name)) != NULL);
		FUZZ_CHECK(nbshm_proto_name_check(m->name) == 0);
		FUZZ_CHECK(m->reserved0 == 0 && m->flags == 0);
	}
	if (ok == NULL) {
		const struct nbshm_msg_attach_ok *m = (const void *)buf;

		FUZZ_CHECK(type == NBSHM_MSG_ATTACH_OK);
		FUZZ_CHECK(len == sizeof(*m) && n_fds == NBSHM_PROTO_ATTACH_OK_FDS);
		fuzz_proto_check_hdr(&m->hdr, len, NBSHM_MSG_ATTACH_OK);
		FUZZ_CHECK(memchr(m->region_name, '\0', sizeof(m->region_name)) != NULL);
		FUZZ_CHECK(fuzz_proto_region_ok(m->region_name));
		FUZZ_CHECK(m->reserved == 0);
		FUZZ_CHECK(nbshm_chan_layout_check(&m->layout) == NULL);
		FUZZ_CHECK(m->page_size >= 4096 && (m->page_size & (m->page_size - 1)) == 0);
		FUZZ_CHECK(m->layout.rx_off % m->page_size == 0 &&
			m->layout.region_size % m->page_size == 0);
		fuzz_proto_check_layout(&m->layout);
	}
	if (e == NULL) {
		const struct nbshm_msg_error *m = (const void *)buf;

		FUZZ_CHECK(type == NBSHM_MSG_ERROR);
		FUZZ_CHECK(len == sizeof(*m) && n_fds == 0);
		fuzz_proto_check_hdr(&m->hdr, len, NBSHM_MSG_ERROR);
		FUZZ_CHECK(m->code > 0 && m->reserved == 0);
		FUZZ_CHECK(memchr(m->text, '\0', sizeof(m->text)) != NULL);
	}
}

/* Fill @p dst (size n) from the input; NUL at the end is the caller's business. */
static void
fuzz_proto_bytes(struct fuzz_input *in, void *dst, size_t n)
{
	uint8_t *p = dst;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = fuzz_input_u8(in);
}

static void
fuzz_proto_build(struct fuzz_input *in)
{
	struct nbshm_msg_attach_ok ok;
	struct nbshm_msg_attach at;
	struct nbshm_msg_error er;
	struct nbshm_chan_layout l;
	char name[NBSHM_PROTO_NAME_MAX + 8];
	char region[NBSHM_PROTO_REGION_NAME_MAX + 8];
	uint8_t mac[6];
	uint16_t queue, vlan;
	uint64_t page_size;
	const char *why;
	int32_t code;
	bool valid;

	/* ATTACH: built from a name, checked exactly when the name is valid */
	fuzz_proto_bytes(in, name, sizeof(name) - 1);
	name[fuzz_input_u8(in) % sizeof(name)] = '\0';
	name[sizeof(name) - 1] = '\0';
	queue = fuzz_input_u16(in);
	memset(&at, 0x77, sizeof(at));
	if (nbshm_proto_attach_init(&at, name, queue) == 0) {
		FUZZ_CHECK(nbshm_proto_name_check(name) == 0);
		FUZZ_CHECK(nbshm_proto_check_attach(&at, sizeof(at), 0) == NULL);
		FUZZ_CHECK(strcmp(at.name, name) == 0 && at.queue == queue);
	} else {
		FUZZ_CHECK(nbshm_proto_name_check(name) != 0);
	}
	fuzz_proto_raw((const uint8_t *)&at, sizeof(at), 0);

	/* ATTACH_OK: accepted exactly when its layout is */
	fuzz_proto_bytes(in, &l, sizeof(l));
	page_size = fuzz_input_u64(in);
	fuzz_proto_bytes(in, region, sizeof(region) - 1);
	region[fuzz_input_u8(in) % sizeof(region)] = '\0';
	region[sizeof(region) - 1] = '\0';
	fuzz_proto_bytes(in, mac, sizeof(mac));
	vlan = fuzz_input_u16(in);
	memset(&ok, 0x77, sizeof(ok));
	nbshm_proto_attach_ok_init(&ok, &l, page_size, region, mac, vlan);
	valid = nbshm_chan_layout_check(&l) == NULL && fuzz_proto_region_ok(region) &&
		page_size >= 4096 && (page_size & (page_size - 1)) == 0 &&
		l.rx_off % page_size == 0 && l.region_size % page_size == 0 &&
		(vlan == 0xffff || vlan <= 4095);
	why = nbshm_proto_check_attach_ok(&ok, sizeof(ok), NBSHM_PROTO_ATTACH_OK_FDS);
	FUZZ_CHECK((why == NULL) == valid);
	if (valid) {
		/* and only with exactly its three fds (version 2 had two) */
		FUZZ_CHECK(nbshm_proto_check_attach_ok(&ok, sizeof(ok), 2) != NULL);
		FUZZ_CHECK(nbshm_proto_check_attach_ok(&ok, sizeof(ok), 4) != NULL);
		FUZZ_CHECK(strncmp(ok.region_name, region, sizeof(ok.region_name) - 1) == 0);
	}
	fuzz_proto_raw((const uint8_t *)&ok, sizeof(ok), NBSHM_PROTO_ATTACH_OK_FDS);

	/* ERROR: any code (<= 0 becomes EPROTO) and any text (as %s) make a valid message */
	code = (int32_t)fuzz_input_u32(in);
	fuzz_proto_bytes(in, region, sizeof(region) - 1);
	region[fuzz_input_u8(in) % sizeof(region)] = '\0';
	region[sizeof(region) - 1] = '\0';
	memset(&er, 0x77, sizeof(er));
	nbshm_proto_error_init(&er, code, "%s", region);
	FUZZ_CHECK(nbshm_proto_check_error(&er, sizeof(er), 0) == NULL);
	FUZZ_CHECK(er.code == (code > 0 ? code : EPROTO));
	FUZZ_CHECK(nbshm_proto_check_error(&er, sizeof(er), 1) != NULL);
	fuzz_proto_raw((const uint8_t *)&er, sizeof(er), 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int n_fds;
	struct fuzz_input in;
	uint8_t kind;

	fuzz_input_init(&in, data, size);
	n_fds = fuzz_input_u8(&in) % (NBSHM_PROTO_MAX_FDS + 2);
	kind = fuzz_input_u8(&in);
	if (kind & 0x80) {
		fuzz_proto_build(&in);
	} else {
		/*
		 * A receive buffer is aligned (the structs are read in place):
		 * copy to one of exactly the message's size, so a read past it is
		 * a sanitizer report.
		 */
		uint8_t *msg = malloc(in.left != 0 ? in.left : 1);

		FUZZ_CHECK(msg != NULL);
		if (in.left != 0)
			memcpy(msg, in.p, in.left);
		fuzz_proto_raw(msg, in.left, n_fds);
		free(msg);
	}
	return 0;
}
