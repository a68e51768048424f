/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * lib/client against a fake producer in this process: a region of two
 * sealed memfds (control, rx: protocol version 3) laid out as struct
 * nbshm_chan_layout says, a listening unix socket in a temp
 * directory, a thread that answers the ATTACH, and the producer's side of
 * the rings driven with the lib/channel ring functions.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "nbshm_chan_proto.h"
#include "nbshm_channel.h"
#include "nbshm_client.h"
#include "rule_cases.h"
#include "test_chan_layout.h"
#include "test_time.h"

#define T_NQP 2u
#define T_RING 128u
#define T_PAGE 4096u
#define T_RX_BUF 2048u
#define T_RX_BUFS 64u
#define T_TX_BUF 2048u
#define T_TX_BUFS 16u
#define T_MAX_SEGS 4u
#define T_MTU 4000u
#define T_HANDLE NET_BUFFER_SHM_HANDLE(3, 7)
/* far outside any mapping of the region: a dereference would crash */
#define T_WILD_OFF 0xfffff000u

/* What the fake producer answers to ATTACH. */
enum fake_reply {
	FAKE_OK = 0,
	FAKE_UNSEALED_RX,	/* an rx file without F_SEAL_FUTURE_WRITE */
	FAKE_UNSEALED_CTL,	/* a control file without F_SEAL_SHRINK */
	FAKE_ERROR,		/* ERROR {EBUSY, text} */
	FAKE_TWO_FDS,		/* ATTACH_OK with a version-2 count of fds */
	FAKE_FOUR_FDS,		/* ATTACH_OK with an extra fd */
	FAKE_BAD_LAYOUT,	/* ring_size not a power of two */
	FAKE_SIZE_MISMATCH,	/* layout bigger than the file */
	FAKE_NO_RX_AREA,	/* rx_len 0: a layout no rule set accepts */
	FAKE_CLOSE,		/* close without a reply */
};

#define FAKE_ERROR_TEXT "queue 0 of vm1 is already attached"

struct fake {
	char dir[64];
	char path[96];
	int lsock;
	int conn;			/* accepted connection, -1 once closed */
	int memfd;			/* control file */
	int rxfd;			/* rx file */
	int evfd;
	uint8_t *base;			/* the producer's mapping */
	struct nbshm_chan_layout l;
	struct nbshm_ring rx[T_NQP], ret[T_NQP], tx, txdone;
	enum fake_reply reply;
	pthread_t th;
	char name_seen[NBSHM_PROTO_NAME_MAX];
	int queue_seen;
	const char *attach_why;		/* nbshm_proto_check_attach() result */
};

static struct nbshm_pkt pkts[2 * T_RING];

/* nbfwd's end of the attach socket goes away (the fake hangs up). */
static void
fake_hangup(struct fake *f)
{
	if (f->conn >= 0)
		close(f->conn);
	f->conn = -1;
}

static void
fake_layout(struct nbshm_chan_layout *l)
{
	/* the rx area ends inside a page */
	test_chan_layout(l, T_HANDLE, T_RING, T_NQP, T_TX_BUFS, T_TX_BUF,
		(uint64_t)T_RX_BUFS * T_RX_BUF - 192, T_PAGE);
	l->max_segs = T_MAX_SEGS;
	l->mtu = T_MTU;
}

/* A sealable memfd of @p size bytes. */
static int
fake_file(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static int
fake_setup(void **state)
{
	struct sockaddr_un sa;
	struct fake *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->conn = -1;
	fake_layout(&f->l);
	assert_null(nbshm_chan_layout_check(&f->l));
	snprintf(f->dir, sizeof(f->dir), "/tmp/nbshm-client-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);

	/* as nbfwd does: both files side by side, the rx file sealed once mapped */
	f->memfd = fake_file("nbshm-client-ctl", f->l.rx_off);
	f->rxfd = fake_file("nbshm-client-rx", f->l.region_size - f->l.rx_off);
	f->base = mmap(NULL, f->l.region_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->base != MAP_FAILED);
	assert_true(mmap(f->base, f->l.rx_off, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			f->memfd, 0) == f->base);
	assert_true(mmap(f->base + f->l.rx_off, f->l.region_size - f->l.rx_off,
			PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f->rxfd, 0) ==
			f->base + f->l.rx_off);
	assert_int_equal(fcntl(f->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	assert_int_equal(fcntl(f->rxfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
			F_SEAL_FUTURE_WRITE), 0);
	for (i = 0; i < T_NQP; i++) {
		nbshm_ring_init(&f->rx[i], f->base, &f->l, NBSHM_CHAN_RING_RX(i), true);
		nbshm_ring_init(&f->ret[i], f->base, &f->l, NBSHM_CHAN_RING_RET(i), false);
	}
	nbshm_ring_init(&f->tx, f->base, &f->l, NBSHM_CHAN_RING_TX(T_NQP), false);
	nbshm_ring_init(&f->txdone, f->base, &f->l, NBSHM_CHAN_RING_TXDONE(T_NQP), true);
	/* a recognisable byte in every rx and tx buffer position */
	for (i = 0; i < f->l.rx_len; i++)
		f->base[f->l.rx_off + i] = (uint8_t)(i * 7 + i / 251);
	f->evfd = eventfd(0, EFD_CLOEXEC);
	assert_true(f->evfd >= 0);

	f->lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(f->lsock >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	assert_int_equal(bind(f->lsock, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lsock, 4), 0);
	*state = f;
	return 0;
}

static int
fake_teardown(void **state)
{
	struct fake *f = *state;

	if (f->conn >= 0)
		close(f->conn);
	close(f->lsock);
	close(f->evfd);
	munmap(f->base, f->l.region_size);
	close(f->memfd);
	close(f->rxfd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The producer's handshake thread: accept, check ATTACH, answer. */
static void *
fake_serve(void *arg)
{
	struct fake *f = arg;
	union {
		struct nbshm_msg_attach a;
		uint8_t raw[NBSHM_PROTO_MSG_MAX];
	} in;
	struct nbshm_msg_attach_ok ok;
	struct nbshm_msg_error er;
	struct nbshm_chan_layout l = f->l;
	int fds[4] = { f->memfd, f->rxfd, f->evfd, f->evfd };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 1, 1 };
	unsigned int n_fds = 0;
	ssize_t n;

	f->conn = accept4(f->lsock, NULL, NULL, SOCK_CLOEXEC);
	if (f->conn < 0)
		return NULL;
	n = nbshm_proto_recv(f->conn, in.raw, sizeof(in.raw), NULL, 0, &n_fds);
	if (n <= 0) {
		f->attach_why = "no ATTACH";
		return NULL;
	}
	f->attach_why = nbshm_proto_check_attach(in.raw, (size_t)n, n_fds);
	memcpy(f->name_seen, in.a.name, sizeof(f->name_seen));
	f->queue_seen = in.a.queue;

	switch (f->reply) {
	case FAKE_ERROR:
		nbshm_proto_error_init(&er, EBUSY, "%s", FAKE_ERROR_TEXT);
		nbshm_proto_send(f->conn, &er, sizeof(er), NULL, 0);
		break;
	case FAKE_CLOSE:
		fake_hangup(f);
		break;
	default:
		if (f->reply == FAKE_BAD_LAYOUT)
			l.ring_size = 100;
		if (f->reply == FAKE_SIZE_MISMATCH)
			l.region_size += T_PAGE;
		if (f->reply == FAKE_NO_RX_AREA)
			l.rx_len = 0;
		/* files of the right size, not (or not fully) sealed */
		if (f->reply == FAKE_UNSEALED_CTL) {
			fds[0] = fake_file("nbshm-client-ctl2", l.rx_off);
			assert_int_equal(fcntl(fds[0], F_ADD_SEALS, F_SEAL_GROW), 0);
		}
		if (f->reply == FAKE_UNSEALED_RX) {
			fds[1] = fake_file("nbshm-client-rx2", l.region_size - l.rx_off);
			assert_int_equal(fcntl(fds[1], F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW),
					0);
		}
		nbshm_proto_attach_ok_init(&ok, &l, T_PAGE, "nbshm-test-c0", mac, 0xffff);
		nbshm_proto_send(f->conn, &ok, sizeof(ok), fds,
				f->reply == FAKE_TWO_FDS ? 2 : f->reply == FAKE_FOUR_FDS ? 4 : 3);
		if (fds[0] != f->memfd)
			close(fds[0]);
		if (fds[1] != f->rxfd)
			close(fds[1]);
		break;
	}
	return NULL;
}

/* Attach a client while the producer thread answers with @p reply. */
static int
fake_attach(struct fake *f, enum fake_reply reply, unsigned int flags, struct nbshm_client **c)
{
	int rc;

	f->reply = reply;
	assert_int_equal(pthread_create(&f->th, NULL, fake_serve, f), 0);
	rc = nbshm_client_connect(f->path, "vm1", 1, flags, c);
	assert_int_equal(pthread_join(f->th, NULL), 0);
	assert_null(f->attach_why);
	assert_string_equal(f->name_seen, "vm1");
	assert_int_equal(f->queue_seen, 1);
	return rc;
}

/* Lend a chain of @p n segments on rx[q]. */
static void
fake_lend(struct fake *f, unsigned int q, const uint32_t *off, const uint32_t *len,
		unsigned int n)
{
	struct nbshm_desc *d;
	uint32_t total = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		total += len[i];
	assert_true(nbshm_ring_free(&f->rx[q]) >= n);
	for (i = 0; i < n; i++) {
		d = nbshm_ring_slot(&f->rx[q], i);
		memset(d, 0, sizeof(*d));
		d->handle = T_HANDLE;
		d->offset = off[i];
		d->length = len[i];
		d->flags = NBSHM_DESC_F_SHM_VALID | (i + 1 < n ? NBSHM_DESC_F_NEXT : 0);
		d->pkt_len = i == 0 ? total : 0;
		d->n_segs = (uint16_t)(i == 0 ? n : 0);
	}
	nbshm_ring_produce(&f->rx[q], n);
}

/* Lend one single-segment packet. */
static void
fake_lend1(struct fake *f, unsigned int q, uint32_t off, uint32_t len)
{
	fake_lend(f, q, &off, &len, 1);
}

/* Publish raw descriptors on rx[q]. */
static void
fake_raw(struct fake *f, unsigned int q, const struct nbshm_desc *d, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*nbshm_ring_slot(&f->rx[q], i) = d[i];
	nbshm_ring_produce(&f->rx[q], n);
}

/* Offset of rx buffer @p i plus @p skip bytes. */
static uint32_t
rx_at(const struct fake *f, unsigned int i, uint32_t skip)
{
	return (uint32_t)f->l.rx_off + (uint32_t)i * T_RX_BUF + skip;
}

/* The packet's bytes, segments one after another, equal the region's. */
static void
assert_pkt_bytes(const struct fake *f, const struct nbshm_pkt *p, const uint32_t *off,
		const uint32_t *len, unsigned int n)
{
	unsigned int i;

	assert_int_equal(p->n_segs, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(p->seg[i].len, len[i]);
		assert_memory_equal(p->seg[i].data, f->base + off[i], len[i]);
		assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(&p->shm[i]), off[i]);
		assert_int_equal(NET_BUFFER_SHARED_MEM_LENGTH(&p->shm[i]), len[i]);
		assert_true(NET_BUFFER_SHARED_MEM_HANDLE(&p->shm[i]) == T_HANDLE);
		assert_int_equal(NET_BUFFER_SHARED_MEM_FLAGS(&p->shm[i]), 0);
	}
}

/* Take one descriptor from the producer's ring @p r. */
static struct nbshm_desc
fake_take(struct nbshm_ring *r)
{
	struct nbshm_desc d;

	assert_true(nbshm_ring_avail(r) >= 1);
	nbshm_ring_copy_out(r, &d, 1);
	nbshm_ring_consume(r, 1);
	return d;
}

static unsigned int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * Case @p i's attach was refused: no client @p c, an error that says @p says
 * (NULL: any), and once nbfwd hangs up, @p fds descriptors open as before
 * (every fd received was closed, nothing stays mapped).
 */
static void
expect_refused(struct fake *f, unsigned int i, const struct nbshm_client *c, const char *says,
		unsigned int fds)
{
	assert_null(c);
	if (says != NULL && strstr(nbshm_client_error(), says) == NULL)
		fail_msg("case %u: \"%s\" lacks \"%s\"", i, nbshm_client_error(), says);
	fake_hangup(f);
	assert_int_equal(count_fds(), fds);
}

static void
test_attach_rx_return(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_info info;
	struct nbshm_client_stats st;
	struct nbshm_client *c = NULL;
	const uint32_t off[4] = { rx_at(f, 0, 128), rx_at(f, 1, 128), rx_at(f, 5, 0),
		rx_at(f, 9, 64) };
	const uint32_t len[4] = { 60, 1514, T_RX_BUF, 1 };
	const unsigned int qp[4] = { 0, 0, 0, 1 };
	enum net_buffer_reason why;
	struct nbshm_desc d;
	unsigned int i, j;
	uint64_t bytes = 0;
	int n;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	assert_non_null(c);
	nbshm_client_info(c, &info);
	assert_int_equal(info.n_qp, T_NQP);
	assert_int_equal(info.ring_size, T_RING);
	assert_int_equal(info.tx_buf_size, T_TX_BUF);
	assert_int_equal(info.n_tx_bufs, T_TX_BUFS);
	assert_int_equal(info.mtu, T_MTU);
	assert_true(info.handle == T_HANDLE);
	assert_int_equal(info.rx_readonly, 1);
	assert_string_equal(info.region_name, "nbshm-test-c0");
	assert_int_equal(info.vlan, 0xffff);
	assert_int_equal(info.mac[5], 1);
	assert_true(nbshm_client_fd(c) >= 0);

	assert_int_equal(nbshm_client_rx_burst(c, pkts, 8), 0);
	for (i = 0; i < 4; i++)
		fake_lend1(f, qp[i], off[i], len[i]);
	n = nbshm_client_rx_burst(c, pkts, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < 4; i++) {
		/* round robin: order across rings is not fixed, match by offset */
		for (j = 0; j < 4 && pkts[j].desc.offset != off[i]; j++)
			;
		assert_true(j < 4);
		assert_int_equal(pkts[j].len, len[i]);
		assert_int_equal(pkts[j].qp, qp[i]);
		assert_pkt_bytes(f, &pkts[j], &off[i], &len[i], 1);
		assert_int_equal(net_buffer_check(&pkts[j].nb, T_MAX_SEGS, &why), 1);
		assert_int_equal(why, NET_BUFFER_OK);
		assert_int_equal(NET_BUFFER_DATA_LENGTH(&pkts[j].nb), len[i]);
		bytes += len[i];
	}
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 8), 0);

	/* every packet back on the ret ring of the rx ring it came from */
	assert_int_equal(nbshm_client_return(c, pkts, 4), 4);
	assert_int_equal(nbshm_ring_avail(&f->ret[0]), 3);
	assert_int_equal(nbshm_ring_avail(&f->ret[1]), 1);
	for (i = 0; i < 4; i++) {
		d = fake_take(&f->ret[qp[i]]);
		for (j = 0; j < 4 && off[j] != d.offset; j++)
			;
		assert_true(j < 4);
		assert_int_equal(qp[j], qp[i]);
		assert_true(d.handle == T_HANDLE);
		assert_int_equal(d.length, len[j]);
		assert_int_equal(d.pkt_len, len[j]);
		assert_int_equal(d.n_segs, 1);
		assert_int_equal(d.flags, NBSHM_DESC_F_SHM_VALID);
		assert_int_equal(d.reserved0, 0);
		assert_int_equal(d.reserved1, 0);
	}

	nbshm_client_stats(c, &st);
	assert_int_equal(st.rx_packets, 4);
	assert_int_equal(st.rx_bytes, bytes);
	assert_int_equal(st.returned, 4);
	assert_int_equal(st.rx_rejects, 0);
	assert_int_equal(st.index_jumps, 0);
	nbshm_client_close(c);
}

static void
test_multi_segment(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	const uint32_t off[3] = { rx_at(f, 5, 128), rx_at(f, 9, 0), rx_at(f, 2, 100) };
	const uint32_t len[3] = { 1000, T_RX_BUF, 500 };
	NET_BUFFER_SHARED_MEMORY *s;
	enum net_buffer_reason why;
	struct nbshm_desc d;
	unsigned int i;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_lend(f, 1, off, len, 3);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), 1);
	assert_int_equal(pkts[0].len, 1000 + T_RX_BUF + 500);
	assert_int_equal(pkts[0].qp, 1);
	assert_pkt_bytes(f, &pkts[0], off, len, 3);
	/* the NDIS view walks the same three segments */
	assert_int_equal(net_buffer_check(&pkts[0].nb, T_MAX_SEGS, &why), 3);
	s = NET_BUFFER_FIRST_SHARED_MEM_INFO(&pkts[0].nb);
	for (i = 0; i < 3; i++, s = NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(s)) {
		assert_non_null(s);
		assert_int_equal(NET_BUFFER_SHARED_MEM_OFFSET(s), off[i]);
	}
	assert_null(s);

	assert_int_equal(nbshm_client_return(c, pkts, 1), 1);
	assert_int_equal(nbshm_ring_avail(&f->ret[0]), 0);
	d = fake_take(&f->ret[1]);
	assert_int_equal(d.offset, off[0]);
	assert_int_equal(d.length, len[0]);
	assert_int_equal(d.n_segs, 3);
	assert_int_equal(d.pkt_len, pkts[0].len);
	assert_int_equal(d.flags, NBSHM_DESC_F_SHM_VALID);	/* NEXT cleared */

	/* a chain cut by the client's 64-descriptor copy window: 62 + 3 entries */
	for (i = 0; i < 62; i++)
		fake_lend1(f, 0, rx_at(f, i % T_RX_BUFS, 0), 64 + i);
	fake_lend(f, 0, off, len, 3);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 2 * T_RING), 63);
	for (i = 0; i < 62; i++)
		assert_int_equal(pkts[i].len, 64 + i);
	assert_pkt_bytes(f, &pkts[62], off, len, 3);
	assert_int_equal(nbshm_client_return(c, pkts, 63), 63);
	assert_int_equal(nbshm_ring_avail(&f->ret[0]), 63);
	nbshm_client_close(c);
}

static void
test_forged_rx(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_stats st;
	struct nbshm_client *c = NULL;
	struct nbshm_desc good = {
		.handle = T_HANDLE, .offset = rx_at(f, 3, 0), .length = 100,
		.flags = NBSHM_DESC_F_SHM_VALID, .pkt_len = 100, .n_segs = 1,
	};
	struct nbshm_desc bad[5 + T_MAX_SEGS + 1];
	struct nbshm_desc chain[1];
	unsigned int n = 0;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);

	/* foreign region, offset far outside the mapping */
	bad[n] = good;
	bad[n].handle = NET_BUFFER_SHM_HANDLE(4, 7);
	bad[n++].offset = T_WILD_OFF;
	/* our region index, older generation */
	bad[n] = good;
	bad[n].handle = NET_BUFFER_SHM_HANDLE(3, 6);
	bad[n++].offset = T_WILD_OFF;
	/* out of bounds: far outside the mapping */
	bad[n] = good;
	bad[n++].offset = T_WILD_OFF;
	/* out of bounds: inside the region, in the tx area (not lent memory) */
	bad[n] = good;
	bad[n++].offset = (uint32_t)f->l.tx_off;
	/* zero length */
	bad[n] = good;
	bad[n].offset = T_WILD_OFF;
	bad[n].length = 0;
	bad[n++].pkt_len = 0;
	fake_raw(f, 0, bad, n);

	/* too many segments: a first segment claiming one more than max_segs */
	chain[0] = good;
	chain[0].offset = T_WILD_OFF;
	chain[0].flags = NBSHM_DESC_F_SHM_VALID | NBSHM_DESC_F_NEXT;
	chain[0].pkt_len = 100 * (T_MAX_SEGS + 1);
	chain[0].n_segs = T_MAX_SEGS + 1;
	fake_raw(f, 0, chain, 1);
	fake_raw(f, 0, &good, 1);

	assert_int_equal(nbshm_client_rx_burst(c, pkts, 16), 1);
	assert_int_equal(pkts[0].desc.offset, good.offset);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 16), 0);
	nbshm_client_stats(c, &st);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.reject[NBSHM_CHAN_BAD_HANDLE], 1);
	assert_int_equal(st.reject[NBSHM_CHAN_STALE_GENERATION], 1);
	assert_int_equal(st.reject[NBSHM_CHAN_OUT_OF_BOUNDS], 2);
	assert_int_equal(st.reject[NBSHM_CHAN_ZERO_LENGTH], 1);
	assert_int_equal(st.reject[NBSHM_CHAN_TOO_MANY_SEGMENTS], 1);
	assert_int_equal(st.rx_rejects, 6);
	/* bad chains are not returned: only the good packet comes back */
	assert_int_equal(nbshm_client_return(c, pkts, 1), 1);
	assert_int_equal(nbshm_ring_avail(&f->ret[0]), 1);
	assert_int_equal(fake_take(&f->ret[0]).offset, good.offset);
	nbshm_client_close(c);
}

/*
 * The packets of rule_cases.h over the rx area, through the client's rx path:
 * the verdict of every other entry point of the segment rules (test_rules.c).
 */
static void
test_rule_cases(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_stats before, after;
	struct nbshm_client *c = NULL;
	struct nbshm_desc d[RULE_MAX_SEGS];
	unsigned int i, k;
	int got;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	for (i = 0; i < RULE_N_CASES; i++) {
		const struct rule_case *rc = &rule_cases[i];

		memset(d, 0, sizeof(d));
		for (k = 0; k < rc->n; k++) {
			d[k].handle = T_HANDLE;
			d[k].offset = (uint32_t)(f->l.rx_off + rule_off(rc, k, f->l.rx_len));
			d[k].length = rule_len(rc, k, f->l.rx_len);
			d[k].flags = NBSHM_DESC_F_SHM_VALID |
				(k + 1 < rc->n ? NBSHM_DESC_F_NEXT : 0);
		}
		d[0].pkt_len = rule_pkt_len(rc, f->l.rx_len);
		d[0].n_segs = (uint16_t)rc->n;
		nbshm_client_stats(c, &before);
		fake_raw(f, 0, d, rc->n);
		got = nbshm_client_rx_burst(c, pkts, 4);
		nbshm_client_stats(c, &after);
		if (rc->want == NET_BUFFER_OK && got == 1)
			assert_int_equal(nbshm_client_return(c, pkts, 1), 1);
		else if (rc->want == NET_BUFFER_OK || got != 0 ||
				after.reject[rc->want] != before.reject[rc->want] + 1)
			fail_msg("case \"%s\": want %s; the client took %d packet(s), rejects "
				"%s +%" PRIu64, rc->what, net_buffer_reason_name(rc->want), got,
				net_buffer_reason_name(rc->want),
				after.reject[rc->want] - before.reject[rc->want]);
	}
	nbshm_client_close(c);
}

static void
test_index_jump(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_stats st;
	struct nbshm_client *c = NULL;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	/* the producer claims more entries than the ring has (all zero: bad) */
	nbshm_store_release(&f->rx[1].hdr->head, f->rx[1].idx + T_RING + 10);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 2 * T_RING), 0);
	nbshm_client_stats(c, &st);
	assert_true(st.index_jumps >= 1);
	assert_int_equal(st.reject[NBSHM_CHAN_INDEX_JUMP], st.index_jumps);
	assert_true(st.rx_rejects >= 1);
	assert_int_equal(st.rx_packets, 0);
	nbshm_client_close(c);
}

/* In a child: write to the first byte of a received packet; exit 0 if it worked. */
static int
child_writes(uint8_t *p)
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile uint8_t *)p = 0xee;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	assert_true(WIFSIGNALED(status));
	return WTERMSIG(status);
}

static void
test_rx_readonly(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	uint32_t off = rx_at(f, 7, 0);
	const uint8_t *cbase;
	uint8_t *last;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_lend1(f, 0, off, 64);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 1), 1);
	assert_int_equal(child_writes((uint8_t *)(uintptr_t)pkts[0].seg[0].data), SIGSEGV);
	assert_int_not_equal(f->base[off], 0xee);
	/* the last rx byte too: the whole rx file is mapped read-only */
	cbase = pkts[0].seg[0].data - off;
	last = (uint8_t *)(uintptr_t)(cbase + f->l.rx_off + f->l.rx_len - 1);
	assert_int_equal(child_writes(last), SIGSEGV);
	/* and cannot be made writable */
	assert_int_equal(mprotect((void *)(uintptr_t)(cbase + f->l.rx_off), T_PAGE,
			PROT_READ | PROT_WRITE), -1);
	assert_int_equal(errno, EACCES);
	/* rings and tx buffers stay writable */
	assert_int_equal(child_writes((uint8_t *)(uintptr_t)(cbase + f->l.tx_off)), 0);
	assert_int_equal(child_writes((uint8_t *)(uintptr_t)(cbase + f->l.rings_off)), 0);
	nbshm_client_close(c);

	/* read-write rx buffers are not on offer any more */
	assert_int_equal(nbshm_client_connect(f->path, "vm1", 1, NBSHM_CLIENT_F_RX_WRITABLE, &c),
			-EPERM);
	assert_null(c);
	assert_non_null(strstr(nbshm_client_error(), "read-only"));
}

/* Files nbfwd did not seal as the protocol says are refused before mapping. */
static void
test_unsealed_files(void **state)
{
	static const struct {
		enum fake_reply reply;
		const char *says;
	} cases[] = {
		{ FAKE_UNSEALED_RX, "rx file nbfwd sent is not sealed "
			"F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_FUTURE_WRITE" },
		{ FAKE_UNSEALED_CTL, "control file nbfwd sent is not sealed "
			"F_SEAL_SHRINK|F_SEAL_GROW" },
	};
	struct fake *f = *state;
	struct nbshm_client *c;
	unsigned int i, fds = count_fds();

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = NULL;
		assert_int_equal(fake_attach(f, cases[i].reply, 0, &c), -EPROTO);
		expect_refused(f, i, c, cases[i].says, fds);
	}
}

static void
test_tx_round_trip(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_stats st;
	struct nbshm_client *c = NULL;
	void *bufs[T_TX_BUFS + 4], *more[4];
	uint32_t lens[T_TX_BUFS], seen = 0;
	struct nbshm_desc d, done[T_TX_BUFS + 5];
	uint64_t rel;
	unsigned int i, n_done = 0;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	assert_int_equal(nbshm_client_tx_alloc(c, bufs, T_TX_BUFS + 4), T_TX_BUFS);
	assert_int_equal(nbshm_client_tx_alloc(c, more, 4), 0);
	for (i = 0; i < T_TX_BUFS; i++) {
		lens[i] = 60 + 97 * i;
		memset(bufs[i], 0xa0 + i, lens[i]);
	}
	/* bad sends: zero length, over the buffer, a pointer that is no buffer */
	lens[0] = 0;
	assert_int_equal(nbshm_client_tx_send(c, bufs, lens, 1), -EINVAL);
	lens[0] = T_TX_BUF + 1;
	assert_int_equal(nbshm_client_tx_send(c, bufs, lens, 1), -EINVAL);
	lens[0] = 60;
	more[0] = (uint8_t *)bufs[0] + 1;
	assert_int_equal(nbshm_client_tx_send(c, more, lens, 1), -EINVAL);

	assert_int_equal(nbshm_client_tx_send(c, bufs, lens, T_TX_BUFS), T_TX_BUFS);
	/* sent twice is not possible: it is nbfwd's now */
	assert_int_equal(nbshm_client_tx_send(c, bufs, lens, 1), -EINVAL);
	assert_int_equal(nbshm_client_tx_free(c, bufs, 1), -EINVAL);
	assert_int_equal(nbshm_ring_avail(&f->tx), T_TX_BUFS);
	for (i = 0; i < T_TX_BUFS; i++) {
		d = fake_take(&f->tx);
		assert_true(d.handle == T_HANDLE);
		assert_true(d.offset >= f->l.tx_off);
		rel = d.offset - f->l.tx_off;
		assert_int_equal(rel % T_TX_BUF, 0);
		assert_true(rel / T_TX_BUF < T_TX_BUFS);
		assert_false(seen & (1u << (rel / T_TX_BUF)));
		seen |= 1u << (rel / T_TX_BUF);
		assert_int_equal(d.length, lens[i]);
		assert_int_equal(d.pkt_len, lens[i]);
		assert_int_equal(d.n_segs, 1);
		assert_int_equal(d.flags, NBSHM_DESC_F_SHM_VALID);
		assert_int_equal(d.reserved0, 0);
		assert_int_equal(d.reserved1, 0);
		assert_int_equal(f->base[d.offset], 0xa0 + i);
		assert_int_equal(f->base[d.offset + lens[i] - 1], 0xa0 + i);
		/* give back the first ten, as nbfwd does (length = whole buffer) */
		if (i < 10) {
			done[n_done] = d;
			done[n_done].length = T_TX_BUF;
			done[n_done++].pkt_len = T_TX_BUF;
		}
	}
	/* forged txdone: foreign handle, misaligned, outside the tx area, twice */
	done[n_done] = done[0];
	done[n_done++].handle = NET_BUFFER_SHM_HANDLE(9, 7);
	done[n_done] = done[1];
	done[n_done++].offset += 8;
	done[n_done] = done[2];
	done[n_done++].offset = (uint32_t)f->l.rx_off;
	done[n_done++] = done[3];
	for (i = 0; i < n_done; i++)
		*nbshm_ring_slot(&f->txdone, i) = done[i];
	nbshm_ring_produce(&f->txdone, n_done);

	assert_int_equal(nbshm_client_tx_alloc(c, bufs, T_TX_BUFS), 10);
	nbshm_client_stats(c, &st);
	assert_int_equal(st.tx_packets, T_TX_BUFS);
	assert_int_equal(st.txdone, 10);
	assert_int_equal(st.txdone_rejects, 4);
	assert_int_equal(st.reject[NBSHM_CHAN_BAD_HANDLE], 1);
	assert_int_equal(st.reject[NBSHM_CHAN_MISALIGNED], 1);
	assert_int_equal(st.reject[NBSHM_CHAN_OUT_OF_BOUNDS], 1);
	assert_int_equal(st.reject[NBSHM_CHAN_NOT_LENT], 1);
	/* a taken buffer can go back unsent and be taken again */
	assert_int_equal(nbshm_client_tx_free(c, bufs, 10), 10);
	assert_int_equal(nbshm_client_tx_alloc(c, bufs, T_TX_BUFS), 10);
	nbshm_client_close(c);
}

static void
test_ret_ring_full(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	unsigned int i;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	for (i = 0; i < T_RING; i++)
		fake_lend1(f, 0, rx_at(f, i % T_RX_BUFS, 0), 60);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 2 * T_RING), T_RING);
	assert_int_equal(nbshm_client_return(c, pkts, 100), 100);
	for (i = 0; i < 64; i++)
		fake_lend1(f, 0, rx_at(f, i, 0), 60);
	assert_int_equal(nbshm_client_rx_burst(c, pkts + T_RING, 64), 64);
	/* 28 + 64 left, the ret ring has room for 28 */
	assert_int_equal(nbshm_client_return(c, pkts + 100, 92), 28);
	assert_int_equal(nbshm_client_return(c, pkts + 128, 64), 0);
	assert_int_equal(nbshm_ring_avail(&f->ret[0]), T_RING);
	nbshm_ring_consume(&f->ret[0], T_RING);
	assert_int_equal(nbshm_client_return(c, pkts + 128, 64), 64);
	assert_int_equal(nbshm_ring_avail(&f->ret[0]), 64);
	/* a packet with a qp the client does not have */
	pkts[0].qp = T_NQP;
	assert_int_equal(nbshm_client_return(c, pkts, 1), -EINVAL);
	nbshm_client_close(c);
}

struct waker {
	struct fake *f;
	uint32_t need_wakeup_seen;
};

static void *
waker_run(void *arg)
{
	struct waker *w = arg;
	struct timespec ts = { 0, 1000 * 1000 };
	uint64_t one = 1;
	unsigned int i;

	/* until the client is asleep (need_wakeup set), at most 2 s */
	for (i = 0; i < 2000; i++) {
		w->need_wakeup_seen = nbshm_load_acquire(&w->f->rx[1].hdr->need_wakeup);
		if (w->need_wakeup_seen)
			break;
		nanosleep(&ts, NULL);
	}
	nanosleep(&ts, NULL);
	fake_lend1(w->f, 1, rx_at(w->f, 4, 0), 77);
	if (w->need_wakeup_seen && write(w->f->evfd, &one, sizeof(one)) != sizeof(one))
		w->need_wakeup_seen = 0;
	return NULL;
}

static void
test_wait(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_stats st;
	struct nbshm_client *c = NULL;
	struct waker w = { .f = f };
	pthread_t th;
	double t0;
	unsigned int i;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	t0 = test_now_s();
	assert_int_equal(nbshm_client_wait(c, 60), 0);
	assert_true(test_now_s() - t0 >= 0.05);

	/* entries already there: no sleep */
	fake_lend1(f, 0, rx_at(f, 1, 0), 60);
	t0 = test_now_s();
	assert_int_equal(nbshm_client_wait(c, 5000), 1);
	assert_true(test_now_s() - t0 < 1.0);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), 1);

	/* asleep: the producer sees need_wakeup, publishes, signals */
	assert_int_equal(pthread_create(&th, NULL, waker_run, &w), 0);
	t0 = test_now_s();
	assert_int_equal(nbshm_client_wait(c, 5000), 1);
	assert_true(test_now_s() - t0 < 4.0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.need_wakeup_seen, 1);
	for (i = 0; i < T_NQP; i++)
		assert_int_equal(f->rx[i].hdr->need_wakeup, 0);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), 1);
	assert_int_equal(pkts[0].len, 77);
	assert_int_equal(pkts[0].qp, 1);
	nbshm_client_stats(c, &st);
	assert_int_equal(st.wakeups, 1);
	nbshm_client_close(c);
}

static void
test_producer_gone(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	void *buf;
	unsigned int i;
	int rc = 0;

	/* noticed by rx_burst, within a bounded number of empty polls */
	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_hangup(f);
	for (i = 0; i < 100000 && rc == 0; i++)
		rc = nbshm_client_rx_burst(c, pkts, 4);
	assert_int_equal(rc, -ENOTCONN);
	assert_int_equal(nbshm_client_wait(c, 10), -ENOTCONN);
	assert_int_equal(nbshm_client_tx_alloc(c, &buf, 1), -ENOTCONN);
	nbshm_client_close(c);

	/* noticed by wait, long before its timeout */
	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_hangup(f);
	assert_int_equal(nbshm_client_wait(c, 5000), -ENOTCONN);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), -ENOTCONN);
	assert_int_equal(nbshm_client_return(c, pkts, 1), -ENOTCONN);
	nbshm_client_close(c);
}

static void
test_error_reply(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = (struct nbshm_client *)(uintptr_t)1;
	unsigned int fds = count_fds();

	assert_int_equal(fake_attach(f, FAKE_ERROR, 0, &c), -EBUSY);
	assert_int_equal(errno, EBUSY);
	assert_null(c);
	assert_non_null(strstr(nbshm_client_error(), FAKE_ERROR_TEXT));
	fake_hangup(f);
	assert_int_equal(count_fds(), fds);
}

static void
test_bad_attach_ok(void **state)
{
	static const struct {
		enum fake_reply reply;
		int err;
		const char *says;
	} cases[] = {
		{ FAKE_TWO_FDS, EPROTO, "ATTACH_OK" },
		{ FAKE_FOUR_FDS, 0, NULL },	/* any error: too many fds */
		{ FAKE_BAD_LAYOUT, EPROTO, "ATTACH_OK" },
		{ FAKE_SIZE_MISMATCH, EPROTO, "bytes" },
		{ FAKE_NO_RX_AREA, EPROTO, "rx area is empty" },
		{ FAKE_CLOSE, ECONNRESET, "without a reply" },
	};
	struct fake *f = *state;
	struct nbshm_client *c;
	unsigned int i, fds = count_fds();
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = NULL;
		rc = fake_attach(f, cases[i].reply, 0, &c);
		if (cases[i].err != 0)
			assert_int_equal(rc, -cases[i].err);
		else
			assert_true(rc < 0);
		expect_refused(f, i, c, cases[i].says, fds);
	}
}

static void
test_connect_errors(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c;
	char path[160];

	snprintf(path, sizeof(path), "%s/absent", f->dir);
	assert_int_equal(nbshm_client_connect(path, "vm1", 0, 0, &c), -ENOENT);
	assert_null(c);
	assert_non_null(strstr(nbshm_client_error(), path));
	assert_int_equal(nbshm_client_connect(path, "bad name", 0, 0, &c), -EINVAL);
	assert_non_null(strstr(nbshm_client_error(), "bad consumer name"));
	assert_int_equal(nbshm_client_connect(f->path, "vm1", 0, 0x80, &c), -EINVAL);
	nbshm_client_close(NULL);
}

/*
 * The client requires the producer's uid: another uid is refused before the
 * ATTACH (our name) goes out; the right one attaches.
 */
static void
test_producer_uid(void **state)
{
	struct fake *f = *state;
	struct nbshm_client_opts o = {
		.flags = NBSHM_CLIENT_F_PRODUCER_UID,
		.producer_uid = (uint32_t)geteuid() + 1,
	};
	struct nbshm_client *c = (struct nbshm_client *)(uintptr_t)1;
	uint8_t buf[NBSHM_PROTO_MSG_MAX];
	int conn;

	assert_int_equal(nbshm_client_connect_opts(f->path, "vm1", 1, &o, &c), -EPERM);
	assert_null(c);
	assert_non_null(strstr(nbshm_client_error(), "runs as uid"));
	/* the producer's end: closed, and nothing was sent on it */
	conn = accept4(f->lsock, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	assert_int_equal(recv(conn, buf, sizeof(buf), 0), 0);
	close(conn);

	o.producer_uid = (uint32_t)geteuid();
	f->reply = FAKE_OK;
	assert_int_equal(pthread_create(&f->th, NULL, fake_serve, f), 0);
	assert_int_equal(nbshm_client_connect_opts(f->path, "vm1", 1, &o, &c), 0);
	assert_int_equal(pthread_join(f->th, NULL), 0);
	assert_null(f->attach_why);
	nbshm_client_close(c);

	/* the flag needs the options that carry the uid */
	assert_int_equal(nbshm_client_connect(f->path, "vm1", 1, NBSHM_CLIENT_F_PRODUCER_UID, &c),
			-EINVAL);
	assert_int_equal(nbshm_client_connect_opts(f->path, "vm1", 1, NULL, &c), -EINVAL);
}

/*
 * The region loses pages under the client (SIGBUS: holes punched in a
 * hugetlbfs file with no free hugepage left): the client's SIGBUS handler
 * maps zeros over the mapping, the process lives on, every call says -EIO
 * with the region's name. Both files are sealed against truncation, and
 * the hole punched in a plain memfd here would read zeros without a fault,
 * so the fault is reported to this thread as the kernel would report it:
 * SIGBUS with si_code BUS_ADRERR and the address (allowed to oneself).
 */
static void
fake_fault(const volatile void *addr)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGBUS;
	si.si_code = BUS_ADRERR;
	si.si_addr = (void *)(uintptr_t)addr;
	assert_int_equal(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGBUS, &si), 0);
}

/* Fault the client's mapping at its first tx buffer (in the control file). */
static void
fake_fault_client(struct nbshm_client *c)
{
	void *buf = NULL;

	assert_int_equal(nbshm_client_tx_alloc(c, &buf, 1), 1);
	fake_fault(buf);
}

/* Every call that returns a status says -EIO, and why. */
static void
assert_broken_calls(struct nbshm_client *c)
{
	uint32_t len = 60;
	void *buf = NULL;

	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), -EIO);
	assert_int_equal(errno, EIO);
	assert_non_null(strstr(nbshm_client_error(), "region nbshm-test-c0"));
	assert_non_null(strstr(nbshm_client_error(), "SIGBUS"));
	assert_non_null(strstr(nbshm_client_error(), "lost pages"));
	assert_int_equal(nbshm_client_return(c, pkts, 1), -EIO);
	assert_int_equal(nbshm_client_tx_alloc(c, &buf, 1), -EIO);
	assert_int_equal(nbshm_client_tx_send(c, &buf, &len, 1), -EIO);
	assert_int_equal(nbshm_client_tx_free(c, &buf, 1), -EIO);
	assert_int_equal(nbshm_client_wait(c, 1000), -EIO);
}

/* The application reads a packet whose file was truncated: zeros, not death. */
static void
test_sigbus_packet_read(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	uint32_t off = rx_at(f, 6, 128);
	const volatile uint8_t *data;
	const uint8_t *cbase;
	unsigned int fds = count_fds();
	uint64_t i, sum = 0;

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_lend1(f, 0, off, 200);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), 1);
	data = pkts[0].seg[0].data;
	assert_int_equal(data[0], f->base[off]);
	assert_int_not_equal(data[1], 0);
	fake_fault(&data[1]);
	/* the faulting read is repaired and re-runs: zeros */
	assert_int_equal(data[1], 0);
	cbase = pkts[0].seg[0].data - off;
	for (i = 0; i < f->l.region_size; i += 512)
		sum += cbase[i];
	assert_int_equal(sum, 0);
	/* the rx area is read-only again; rings and tx buffers are not */
	assert_int_equal(child_writes((uint8_t *)(uintptr_t)pkts[0].seg[0].data), SIGSEGV);
	assert_int_equal(child_writes((uint8_t *)(uintptr_t)(cbase + f->l.tx_off)), 0);
	assert_broken_calls(c);
	nbshm_client_close(c);
	fake_hangup(f);
	assert_int_equal(count_fds(), fds);
}

/* The first fault is inside a library call; then attach again to the regrown file. */
static void
test_sigbus_in_call_and_reattach(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	uint32_t off = rx_at(f, 2, 0);

	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_fault_client(c);
	assert_broken_calls(c);
	nbshm_client_close(c);
	fake_hangup(f);

	/* a new client works */
	memset(f->base + off, 0x3c, 64);
	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	fake_lend1(f, 1, off, 64);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), 1);
	assert_int_equal(pkts[0].seg[0].data[63], 0x3c);
	assert_int_equal(nbshm_client_return(c, pkts, 1), 1);
	nbshm_client_close(c);
}

/* Two clients of two producers: one broken, the other goes on. */
static void
test_sigbus_other_client(void **state)
{
	struct fake *f = *state, *g;
	struct nbshm_client *c = NULL, *d = NULL;
	void *gs = NULL;

	assert_int_equal(fake_setup(&gs), 0);
	g = gs;
	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	assert_int_equal(fake_attach(g, FAKE_OK, 0, &d), 0);
	fake_fault_client(c);
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), -EIO);
	fake_lend1(g, 0, rx_at(g, 1, 0), 90);
	assert_int_equal(nbshm_client_rx_burst(d, pkts, 4), 1);
	assert_int_equal(pkts[0].len, 90);
	assert_int_equal(nbshm_client_return(d, pkts, 1), 1);
	nbshm_client_close(c);
	nbshm_client_close(d);
	fake_teardown(&gs);
}

/* What the test's own SIGBUS handler saw. */
static volatile sig_atomic_t bus_calls;
static volatile int bus_code;
static void *volatile bus_addr;
static void *bus_page;		/* the test's own mapping, repaired by its handler */
static size_t bus_page_len;

static void
test_bus_handler(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	bus_calls++;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	if (si->si_code > 0)
		mmap(bus_page, bus_page_len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/* A shared mapping of a truncated memfd outside any client. */
static volatile uint8_t *
foreign_truncated(int *fd)
{
	void *p;

	*fd = memfd_create("nbshm-client-foreign", MFD_CLOEXEC);
	assert_true(*fd >= 0);
	assert_int_equal(ftruncate(*fd, 2 * T_PAGE), 0);
	p = mmap(NULL, 2 * T_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(ftruncate(*fd, 0), 0);
	bus_page = p;
	bus_page_len = 2 * T_PAGE;
	return p;
}

/* Faults outside client mappings and kill(SIGBUS) go to the previous handler. */
static void
test_sigbus_chain(void **state)
{
	struct fake *f = *state;
	struct nbshm_client *c = NULL;
	struct sigaction sa, old;
	volatile uint8_t *p;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = test_bus_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGBUS, &sa, &old), 0);
	bus_calls = 0;
	assert_int_equal(fake_attach(f, FAKE_OK, 0, &c), 0);
	p = foreign_truncated(&fd);
	assert_int_equal(p[T_PAGE + 5], 0);	/* faults, the test's handler repairs */
	assert_int_equal(bus_calls, 1);
	assert_ptr_equal(bus_addr, (void *)(p + T_PAGE + 5));
	assert_true(bus_code > 0);
	/* sent, not a fault */
	assert_int_equal(raise(SIGBUS), 0);
	assert_int_equal(bus_calls, 2);
	assert_true(bus_code <= 0);
	/* the client was not touched */
	assert_int_equal(nbshm_client_rx_burst(c, pkts, 4), 0);
	nbshm_client_close(c);
	munmap(bus_page, bus_page_len);
	close(fd);
	sigaction(SIGBUS, &old, NULL);
}

/*
 * In a child whose SIGBUS disposition was the default: a fault inside the
 * client's mapping (@p in_client) is survived, one outside kills as before.
 * @return the child's wait status.
 */
static int
child_default_sigbus(struct fake *f, int in_client)
{
	struct nbshm_client *c = NULL;
	volatile uint8_t *p;
	pid_t pid;
	int status = 0, fd, rc;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		f->reply = FAKE_OK;
		if (pthread_create(&f->th, NULL, fake_serve, f) != 0)
			_exit(3);
		rc = nbshm_client_connect(f->path, "vm1", 1, 0, &c);
		pthread_join(f->th, NULL);
		if (rc != 0)
			_exit(4);
		if (in_client) {
			fake_fault_client(c);
			_exit(nbshm_client_rx_burst(c, pkts, 4) == -EIO ? 0 : 5);
		}
		p = foreign_truncated(&fd);
		_exit(p[1] == 0 ? 6 : 7);	/* not reached: SIGBUS */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
test_sigbus_default_chain(void **state)
{
	struct fake *f = *state;
	int st;

	st = child_default_sigbus(f, 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGBUS);
	fake_hangup(f);
	st = child_default_sigbus(f, 1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_rx_return, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_multi_segment, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_forged_rx, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_rule_cases, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_index_jump, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_rx_readonly, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_unsealed_files, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_tx_round_trip, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_ret_ring_full, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_wait, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_producer_gone, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_error_reply, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_bad_attach_ok, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_connect_errors, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_producer_uid, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_sigbus_packet_read, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_sigbus_in_call_and_reattach, fake_setup,
				fake_teardown),
		cmocka_unit_test_setup_teardown(test_sigbus_other_client, fake_setup,
				fake_teardown),
		cmocka_unit_test_setup_teardown(test_sigbus_chain, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_sigbus_default_chain, fake_setup,
				fake_teardown),
	};

	/* a dead peer must show up as -ENOTCONN, not kill the test */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
