/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbshm_hostile: a consumer that lies. For the tests only: it speaks the
 * channel protocol (lib/channel) directly and writes forged descriptors and
 * ring indices, to show that nbfwd refuses them, counts them and keeps
 * forwarding for everyone else.
 *
 *   nbshm_hostile -s SOCKET -n NAME [-t SECONDS] [--seed N]
 *                 [--punch HOGFILE [--hog-max PAGES] | --stale [--go FILE]]
 *
 * 1. Handshake abuse, each on a fresh connection (every one must be refused):
 *    short message, bad magic, bad version, version 2, length field wrong,
 *    unknown type, unknown consumer, bad name, queue out of range, fds
 *    attached, flags set;
 *    then, attached, it tries to shrink and grow its two files (sealed) and to
 *    map its rx file writable (sealed F_SEAL_FUTURE_WRITE).
 * 2. Then it attaches for real and, for SECONDS, takes what nbfwd lends and
 *    answers with a mix of: good returns, double returns, foreign handles,
 *    other generations, offsets out of bounds or off the buffer's start,
 *    random descriptors, ret and tx ring indices jumped far ahead, tx chains
 *    with bad flags, lengths, segment counts and buffers outside its tx area,
 *    and a few good tx packets. Some lent packets are never returned.
 * --punch HOGFILE instead of 2: takes every free hugepage into HOGFILE (on a
 *    hugetlbfs mount; removed at exit), then punches holes in every page of
 *    both its files (fallocate PUNCH_HOLE|KEEP_SIZE) and of both its mappings
 *    (madvise MADV_REMOVE), and for SECONDS keeps punching its control file
 *    and taking the pages that frees into HOGFILE, so that nbfwd's next
 *    access to the control file finds no page (SIGBUS). The rx file must
 *    refuse every hole. Ends when nbfwd closes the socket or after SECONDS;
 *    once closed, it attaches again while the hugepages are still taken
 *    (nbfwd cannot make new files: ENOMEM), then releases them.
 *    --hog-max PAGES takes at most PAGES hugepages (0: none, only holes; the
 *    soak's way, on a machine others share): nbfwd then refaults zero pages.
 * --stale instead of 2: takes and returns what it is lent until it saw
 *    frames, then detaches (closes the socket) but keeps both mappings; once
 *    FILE exists (--go: nbfwd has processed the detach; default at once), for
 *    SECONDS it watches them and posts returns and tx chains in its old rings,
 *    as a detached process (or a fork, or whoever it gave the fds) could.
 *    Exit 1 if anything nbfwd lends later shows up in its mappings.
 * Prints one line per phase: what it sent. Exit 0 when every handshake abuse
 * was refused and the real attach worked (and, with --punch, every hole in
 * the rx file was refused; with --stale, the old mappings saw nothing new),
 * 1 otherwise, 2 on usage errors.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "nbshm_chan_proto.h"
#include "nbshm_channel.h"
#include "test_time.h"

static uint64_t hostile_rng;
static uint64_t hostile_hog_max = UINT64_MAX;	/* hugepages --punch may take */

static uint64_t
hostile_rand(void)
{
	/* xorshift64* */
	hostile_rng ^= hostile_rng >> 12;
	hostile_rng ^= hostile_rng << 25;
	hostile_rng ^= hostile_rng >> 27;
	return hostile_rng * UINT64_C(2685821657736338717);
}

static int
hostile_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 3 };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Send one forged attach; 0 when nbfwd refused it (ERROR reply or close). */
static int
hostile_bad_attach(const char *path, const void *msg, size_t len, int with_fd,
		const char *what)
{
	union {
		struct nbshm_msg_error e;
		uint8_t raw[NBSHM_PROTO_MSG_MAX];
	} r;
	int fd = hostile_connect(path), fds[NBSHM_PROTO_MAX_FDS], extra = -1;
	unsigned int n_fds = 0, i;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "nbshm_hostile: connect %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (with_fd)
		extra = dup(STDERR_FILENO);
	if (nbshm_proto_send(fd, msg, len, with_fd ? &extra : NULL, with_fd ? 1 : 0) != 0) {
		/* nbfwd may have closed already: that is a refusal too */
		close(fd);
		if (extra >= 0)
			close(extra);
		return 0;
	}
	if (extra >= 0)
		close(extra);
	n = nbshm_proto_recv(fd, r.raw, sizeof(r.raw), fds, NBSHM_PROTO_MAX_FDS, &n_fds);
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	close(fd);
	if (n > 0 && nbshm_proto_check_error(r.raw, (size_t)n, n_fds) == NULL) {
		printf("refused %-22s: %s\n", what, r.e.text);
		return 0;
	}
	if (n == 0) {
		printf("refused %-22s: connection closed\n", what);
		return 0;
	}
	fprintf(stderr, "nbshm_hostile: %s was NOT refused\n", what);
	return -1;
}

static int
hostile_handshakes(const char *path, const char *name)
{
	struct nbshm_msg_attach good, m;
	uint8_t big[NBSHM_PROTO_MSG_MAX];
	int bad = 0;

	if (nbshm_proto_attach_init(&good, name, 0) != 0)
		return -1;
	bad |= hostile_bad_attach(path, &good, 8, 0, "short message");
	m = good;
	m.hdr.magic ^= 1;
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "bad magic");
	m = good;
	m.hdr.version = 99;
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "bad version");
	m = good;
	m.hdr.version = NBSHM_PROTO_VERSION - 1;	/* one region file, two fds */
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "previous version");
	m = good;
	m.hdr.length = sizeof(m) + 8;
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "length field");
	m = good;
	m.hdr.type = NBSHM_MSG_ATTACH_OK;
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "wrong type");
	m = good;
	snprintf(m.name, sizeof(m.name), "nobody-here");
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "unknown consumer");
	m = good;
	memcpy(m.name, "../etc/passwd", 14);
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "bad name");
	m = good;
	memset(m.name, 'x', sizeof(m.name));	/* no NUL */
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "unterminated name");
	m = good;
	m.queue = 7;
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "queue out of range");
	m = good;
	m.flags = 0x80;
	bad |= hostile_bad_attach(path, &m, sizeof(m), 0, "unknown flags");
	bad |= hostile_bad_attach(path, &good, sizeof(good), 1, "fd attached");
	memset(big, 0xa5, sizeof(big));
	bad |= hostile_bad_attach(path, big, sizeof(big), 0, "garbage");
	return bad ? -1 : 0;
}

struct hostile {
	int sock;
	int evfd;
	int ctl_fd;		/* kept open for --punch, else -1 */
	int rx_fd;
	uint64_t page;		/* page size of the files */
	uint8_t *base;
	struct nbshm_chan_layout l;
	struct nbshm_ring rx[NBSHM_CHAN_MAX_QP];
	struct nbshm_ring ret[NBSHM_CHAN_MAX_QP];
	struct nbshm_ring tx;
	struct nbshm_ring txdone;
	uint64_t sent[16];
};

enum {
	H_GOOD_RETURN, H_DOUBLE_RETURN, H_FOREIGN, H_OLD_GEN, H_OOB, H_MISALIGNED,
	H_RANDOM, H_KEPT, H_RET_JUMP, H_TX_GOOD, H_TX_BAD, H_TX_JUMP, H_MAX,
};

static const char * const hostile_names[H_MAX] = {
	"good_return", "double_return", "foreign_handle", "old_generation",
	"out_of_bounds", "misaligned", "random", "kept", "ret_jump", "tx_good",
	"tx_bad", "tx_jump",
};

static int
hostile_attach(struct hostile *h, const char *path, const char *name)
{
	union {
		struct nbshm_msg_attach_ok ok;
		uint8_t raw[NBSHM_PROTO_MSG_MAX];
	} r;
	struct nbshm_msg_attach a;
	unsigned int n_fds = 0, q;
	int fds[NBSHM_PROTO_MAX_FDS];
	const char *why;
	struct stat st;
	ssize_t n;

	h->sock = hostile_connect(path);
	if (h->sock < 0 || nbshm_proto_attach_init(&a, name, 0) != 0 ||
			nbshm_proto_send(h->sock, &a, sizeof(a), NULL, 0) != 0)
		return -1;
	n = nbshm_proto_recv(h->sock, r.raw, sizeof(r.raw), fds, NBSHM_PROTO_MAX_FDS, &n_fds);
	if (n <= 0)
		return -1;
	why = nbshm_proto_check_attach_ok(r.raw, (size_t)n, n_fds);
	if (why != NULL) {
		fprintf(stderr, "nbshm_hostile: attach: %s\n", why);
		return -1;
	}
	h->l = r.ok.layout;
	h->page = r.ok.page_size;
	h->ctl_fd = fds[NBSHM_PROTO_FD_CONTROL];
	h->rx_fd = fds[NBSHM_PROTO_FD_RX];
	h->evfd = fds[NBSHM_PROTO_FD_EVENT];
	if (fstat(h->ctl_fd, &st) != 0 || (uint64_t)st.st_size != h->l.rx_off ||
			fstat(h->rx_fd, &st) != 0 ||
			(uint64_t)st.st_size != h->l.region_size - h->l.rx_off)
		return -1;
	/* one range: the control file, then the rx file (read-only) */
	h->base = mmap(NULL, h->l.region_size + h->page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (h->base == MAP_FAILED)
		return -1;
	h->base = (uint8_t *)(((uintptr_t)h->base + h->page - 1) & ~(uintptr_t)(h->page - 1));
	if (mmap(h->base, h->l.rx_off, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			h->ctl_fd, 0) == MAP_FAILED ||
			mmap(h->base + h->l.rx_off, h->l.region_size - h->l.rx_off, PROT_READ,
				MAP_SHARED | MAP_FIXED, h->rx_fd, 0) == MAP_FAILED) {
		fprintf(stderr, "nbshm_hostile: mmap: %s\n", strerror(errno));
		return -1;
	}
	/* cut the region under nbfwd: the sizes of both files must be sealed */
	if (ftruncate(h->ctl_fd, 0) == 0 || ftruncate(h->rx_fd, 0) == 0 ||
			ftruncate(h->ctl_fd, (off_t)h->l.region_size * 2) == 0 ||
			ftruncate(h->rx_fd, (off_t)h->l.region_size * 2) == 0) {
		fprintf(stderr, "nbshm_hostile: a file's size could be changed\n");
		return -1;
	}
	printf("refused %-22s: %s\n", "truncate region", strerror(errno));
	/* write what nbfwd lends: the rx file must not map writable */
	if (mmap(NULL, h->page, PROT_READ | PROT_WRITE, MAP_SHARED, h->rx_fd, 0) != MAP_FAILED) {
		fprintf(stderr, "nbshm_hostile: the rx file mapped read-write\n");
		return -1;
	}
	printf("refused %-22s: %s\n", "writable rx mapping", strerror(errno));
	for (q = 0; q < h->l.n_qp; q++) {
		nbshm_ring_init(&h->rx[q], h->base, &h->l, NBSHM_CHAN_RING_RX(q), false);
		nbshm_ring_init(&h->ret[q], h->base, &h->l, NBSHM_CHAN_RING_RET(q), true);
	}
	nbshm_ring_init(&h->tx, h->base, &h->l, NBSHM_CHAN_RING_TX(h->l.n_qp), true);
	nbshm_ring_init(&h->txdone, h->base, &h->l, NBSHM_CHAN_RING_TXDONE(h->l.n_qp), false);
	printf("attached: handle 0x%016llx, %u ring pair(s) of %u, region %llu bytes\n",
		(unsigned long long)h->l.handle, h->l.n_qp, h->l.ring_size,
		(unsigned long long)h->l.region_size);
	return 0;
}

/* One forged or honest answer to a lent packet whose first descriptor is d. */
static void
hostile_answer(struct hostile *h, unsigned int q, struct nbshm_desc d)
{
	struct nbshm_ring *r = &h->ret[q];
	unsigned int kind = (unsigned int)(hostile_rand() % 8), k = 0;
	struct nbshm_desc out[2];

	if (nbshm_ring_free(r) < 2)
		return;
	d.flags &= ~NBSHM_DESC_F_NEXT;
	switch (kind) {
	case 0:
	case 1:
		out[k++] = d;
		h->sent[H_GOOD_RETURN]++;
		break;
	case 2:
		out[k++] = d;
		out[k++] = d;
		h->sent[H_DOUBLE_RETURN]++;
		break;
	case 3:
		d.handle = NET_BUFFER_SHM_HANDLE(NET_BUFFER_SHM_HANDLE_INDEX(d.handle) + 7,
			NET_BUFFER_SHM_HANDLE_GEN(d.handle));
		out[k++] = d;
		h->sent[H_FOREIGN]++;
		break;
	case 4:
		d.handle = NET_BUFFER_SHM_HANDLE(NET_BUFFER_SHM_HANDLE_INDEX(d.handle),
			NET_BUFFER_SHM_HANDLE_GEN(d.handle) + 1);
		out[k++] = d;
		h->sent[H_OLD_GEN]++;
		break;
	case 5:
		d.offset = (uint32_t)(h->l.region_size + (hostile_rand() & 0xffff));
		out[k++] = d;
		h->sent[H_OOB]++;
		break;
	case 6:
		d.offset += 1;
		out[k++] = d;
		h->sent[H_MISALIGNED]++;
		break;
	default:
		h->sent[H_KEPT]++;	/* never returned: taken back at detach */
		return;
	}
	memcpy(nbshm_ring_slot(r, 0), out, sizeof(out[0]) * k);
	nbshm_ring_produce(r, k);
}

static void
hostile_random_desc(struct nbshm_desc *d)
{
	uint64_t a = hostile_rand(), b = hostile_rand();

	memcpy(d, &a, 8);
	memcpy((uint8_t *)d + 8, &b, 8);
	a = hostile_rand();
	b = hostile_rand();
	memcpy((uint8_t *)d + 16, &a, 8);
	memcpy((uint8_t *)d + 24, &b, 8);
}

/* A tx chain: mostly wrong in one field, sometimes right. */
static void
hostile_tx(struct hostile *h)
{
	struct nbshm_ring *r = &h->tx;
	uint32_t buf = (uint32_t)(hostile_rand() % h->l.n_tx_bufs);
	struct nbshm_desc d = {
		.handle = h->l.handle,
		.offset = (uint32_t)(h->l.tx_off + (uint64_t)buf * h->l.tx_buf_size),
		.length = 60,
		.flags = NBSHM_DESC_F_SHM_VALID,
		.pkt_len = 60,
		.n_segs = 1,
	};
	unsigned int kind = H_TX_BAD;	/* what the switch leaves it: one field wrong */

	if (nbshm_ring_free(r) < 1)
		return;
	switch (hostile_rand() % 8) {
	case 0:
		memset(h->base + d.offset, 0x5a, d.length);
		memcpy(h->base + d.offset, "\x02\x00\x00\x00\x00\x77", 6);
		kind = H_TX_GOOD;
		break;
	case 1:
		d.offset = (uint32_t)h->l.rx_off;	/* the rx area is not its to send */
		break;
	case 2:
		d.n_segs = 40;
		break;
	case 3:
		d.flags |= NBSHM_DESC_F_NEXT;	/* says more follow, none does */
		break;
	case 4:
		d.pkt_len = 61;
		break;
	case 5:
		d.length = h->l.tx_buf_size + 1;	/* runs into the next buffer */
		d.pkt_len = d.length;
		break;
	default:
		hostile_random_desc(&d);
		kind = H_RANDOM;
		break;
	}
	h->sent[kind]++;
	*nbshm_ring_slot(r, 0) = d;
	nbshm_ring_produce(r, 1);
}

static void
hostile_run(struct hostile *h, double seconds)
{
	struct nbshm_desc d[64];
	double start = test_now_s(), end = start + seconds;
	bool jumped = false;
	unsigned int q, i;
	uint32_t n, seg;

	while (test_now_s() < end) {
		for (q = 0; q < h->l.n_qp; q++) {
			n = nbshm_ring_avail(&h->rx[q]);
			if (n > 64)
				n = 64;
			nbshm_ring_copy_out(&h->rx[q], d, n);
			for (i = 0; i < n; i += seg) {
				seg = d[i].n_segs ? d[i].n_segs : 1;
				if (i + seg > n)
					break;
				hostile_answer(h, q, d[i]);
			}
			nbshm_ring_consume(&h->rx[q], i);
		}
		for (i = 0; i < 4; i++)
			hostile_tx(h);
		/* take back what nbfwd gave back, to keep the ring moving */
		n = nbshm_ring_avail(&h->txdone);
		nbshm_ring_consume(&h->txdone, n);
		if (!jumped && test_now_s() > start + 0.8 * seconds) {
			/*
			 * Once, near the end: jump the ret and tx heads far ahead for
			 * a moment, then back (nbfwd's indices are then out of step
			 * with ours for good: nothing we write is taken any more).
			 */
			jumped = true;
			uint32_t keep_ret = h->ret[0].idx, keep_tx = h->tx.idx;

			nbshm_store_release(&h->ret[0].hdr->head, keep_ret + 1000000);
			nbshm_store_release(&h->tx.hdr->head, keep_tx + 3000000);
			/* long enough for nbfwd's worker to poll both on a loaded machine */
			usleep(100000);
			nbshm_store_release(&h->ret[0].hdr->head, keep_ret);
			nbshm_store_release(&h->tx.hdr->head, keep_tx);
			h->sent[H_RET_JUMP]++;
			h->sent[H_TX_JUMP]++;
		}
		usleep(200);
	}
}

/*
 * Add hugepages to @p fd one at a time until none is free (or it holds
 * --hog-max). @return pages taken.
 */
static unsigned int
hostile_hog_take(int fd, uint64_t page, uint64_t *size)
{
	unsigned int n = 0;

	while (*size / page < hostile_hog_max &&
			fallocate(fd, 0, (off_t)*size, (off_t)page) == 0) {
		*size += page;
		n++;
	}
	return n;
}

/* 1 once nbfwd closed our socket (it detached us). */
static int
hostile_sock_closed(int sock, int timeout_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN | POLLRDHUP };

	return poll(&p, 1, timeout_ms) > 0 && (p.revents & (POLLHUP | POLLRDHUP | POLLERR));
}

/* Holes in every page of one file and of its mapping; @return the holes made. */
static unsigned int
hostile_holes(int fd, uint8_t *map, uint64_t len, uint64_t page, int *err)
{
	unsigned int made = 0;
	uint64_t off;

	for (off = 0; off < len; off += page) {
		if (madvise(map + off, page, MADV_REMOVE) == 0)
			made++;
		else
			*err = errno;
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
				(off_t)page) == 0)
			made++;
		else
			*err = errno;
	}
	return made;
}

/*
 * One ATTACH: 0 when nbfwd answered ATTACH_OK (its fds closed at once),
 * else the code of its ERROR (text in @p text), or -1.
 */
static int
hostile_attach_code(const char *path, const char *name, char *text, size_t len)
{
	union {
		struct nbshm_msg_error e;
		uint8_t raw[NBSHM_PROTO_MSG_MAX];
	} r;
	struct nbshm_msg_attach a;
	int fd = hostile_connect(path), fds[NBSHM_PROTO_MAX_FDS], code = -1;
	unsigned int n_fds = 0, i;
	ssize_t n;

	if (fd < 0 || nbshm_proto_attach_init(&a, name, 0) != 0 ||
			nbshm_proto_send(fd, &a, sizeof(a), NULL, 0) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = nbshm_proto_recv(fd, r.raw, sizeof(r.raw), fds, NBSHM_PROTO_MAX_FDS, &n_fds);
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	if (n > 0 && nbshm_proto_check_error(r.raw, (size_t)n, n_fds) == NULL) {
		snprintf(text, len, "%s", r.e.text);
		code = r.e.code;
	} else if (n > 0 && nbshm_proto_check_attach_ok(r.raw, (size_t)n, n_fds) == NULL) {
		code = 0;
	}
	close(fd);
	return code;
}

/*
 * --punch: with every free hugepage taken, punch holes in both files; keep
 * punching the control file and taking the freed pages, so that nbfwd's
 * next access finds none.
 */
static int
hostile_punch(struct hostile *h, const char *hog_path, double seconds, const char *path,
		const char *name)
{
	char text[NBSHM_PROTO_TEXT_MAX] = "";
	int code = -1, tries;
	uint64_t ctl = h->l.rx_off, rx = h->l.region_size - h->l.rx_off, hog_size = 0, off;
	unsigned int taken, rx_holes, ctl_holes, rounds = 0;
	int hog, rx_err = 0, ctl_err = 0, closed = 0;
	double end = test_now_s() + seconds;

	hog = open(hog_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (hog < 0) {
		fprintf(stderr, "nbshm_hostile: %s: %s\n", hog_path, strerror(errno));
		return -1;
	}
	taken = hostile_hog_take(hog, h->page, &hog_size);
	printf("hog: took %u free hugepages\n", taken);
	end = test_now_s() + seconds;		/* taking them zeroes each: slow */
	rx_holes = hostile_holes(h->rx_fd, h->base + h->l.rx_off, rx, h->page, &rx_err);
	printf("%s %-22s: %u of %llu pages x 2 ways%s%s\n", rx_holes ? "PUNCHED" : "refused",
		"holes in the rx file", rx_holes, (unsigned long long)(rx / h->page),
		rx_err ? ": " : "", rx_err ? strerror(rx_err) : "");
	ctl_holes = hostile_holes(h->ctl_fd, h->base, ctl, h->page, &ctl_err);
	while (!closed && test_now_s() < end) {
		taken += hostile_hog_take(hog, h->page, &hog_size);
		closed = hostile_sock_closed(h->sock, 0);
		for (off = 0; off < ctl && !closed; off += h->page)
			ctl_holes += fallocate(h->ctl_fd, FALLOC_FL_PUNCH_HOLE |
				FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)h->page) == 0;
		rounds++;
	}
	if (!closed)
		closed = hostile_sock_closed(h->sock, 2000);
	printf("punched control file: %u holes in %u rounds, %u hugepages taken, "
		"detached by nbfwd: %s\n", ctl_holes, rounds, taken, closed ? "yes" : "no");
	/* attach again, the hugepages still taken: no new files for it */
	for (tries = 0; closed && tries < 200; tries++) {
		hostile_hog_take(hog, h->page, &hog_size);
		code = hostile_attach_code(path, name, text, sizeof(text));
		if (code != EBUSY)	/* nbfwd may not have finished the detach */
			break;
		usleep(10000);
	}
	if (closed)
		printf("%s %-22s: %s\n", code == ENOMEM ? "refused" : "ANSWERED",
			"attach, no hugepages", code == 0 ? "ATTACH_OK" : text);
	close(hog);
	unlink(hog_path);
	return rx_holes == 0 ? 0 : -1;
}

/* Sum of the rx area as the old mapping shows it. */
static uint64_t
hostile_rx_sum(const struct hostile *h)
{
	const uint64_t *p = (const uint64_t *)(h->base + h->l.rx_off);
	uint64_t i, n = (h->l.region_size - h->l.rx_off) / 8, sum = 0;

	for (i = 0; i < n; i++)
		sum = sum * 31 + p[i];
	return sum;
}

/*
 * --stale: an honest consumer until it saw frames, then detached with its
 * mappings kept, watching them and posting in its old rings.
 */
static int
hostile_stale(struct hostile *h, double seconds, const char *go)
{
	struct nbshm_desc d[64], saved[64];
	uint32_t heads[NBSHM_CHAN_MAX_QP], n, i, moved = 0, changed = 0;
	uint64_t got = 0, rets = 0, txs = 0, sum;
	unsigned int q, n_saved = 0;
	double end = test_now_s() + seconds, quiet = 0;

	/* honest: return everything, keep a copy of what was lent */
	while (test_now_s() < end && (got == 0 || test_now_s() < quiet)) {
		for (q = 0; q < h->l.n_qp; q++) {
			n = nbshm_ring_avail(&h->rx[q]);
			n = n > 64 ? 64 : n;
			n = n > nbshm_ring_free(&h->ret[q]) ? nbshm_ring_free(&h->ret[q]) : n;
			nbshm_ring_copy_out(&h->rx[q], d, n);
			for (i = 0; i < n; i++) {
				d[i].flags &= ~NBSHM_DESC_F_NEXT;	/* single-segment frames */
				*nbshm_ring_slot(&h->ret[q], i) = d[i];
				if (n_saved < 64)
					saved[n_saved++] = d[i];
			}
			nbshm_ring_consume(&h->rx[q], n);
			nbshm_ring_produce(&h->ret[q], n);
			got += n;
			if (n != 0)
				quiet = test_now_s() + 0.5;
		}
		usleep(200);
	}
	/* until nbfwd took the returns */
	for (i = 0; i < 1000; i++) {
		for (q = 0; q < h->l.n_qp; q++)
			if (nbshm_load_acquire(&h->ret[q].hdr->tail) != h->ret[q].idx)
				break;
		if (q == h->l.n_qp)
			break;
		usleep(1000);
	}
	close(h->sock);
	h->sock = -1;
	printf("stale: got and returned %llu frames, detached, mappings kept\n",
		(unsigned long long)got);
	fflush(stdout);
	/* until nbfwd saw the hang-up: the attachment lives until then */
	end = test_now_s() + seconds;
	while (go != NULL && access(go, F_OK) != 0 && test_now_s() < end)
		usleep(1000);
	for (q = 0; q < h->l.n_qp; q++)
		heads[q] = nbshm_load_acquire(&h->rx[q].hdr->head);
	sum = hostile_rx_sum(h);
	end = test_now_s() + seconds;
	while (test_now_s() < end) {
		for (q = 0; q < h->l.n_qp; q++) {
			moved += nbshm_load_acquire(&h->rx[q].hdr->head) != heads[q];
			/* returns in its name: what it was lent before */
			if (n_saved != 0 && nbshm_ring_free(&h->ret[q]) >= 1) {
				*nbshm_ring_slot(&h->ret[q], 0) = saved[rets % n_saved];
				nbshm_ring_produce(&h->ret[q], 1);
				rets++;
			}
		}
		if (nbshm_ring_free(&h->tx) >= 1) {
			struct nbshm_desc t = {
				.handle = h->l.handle, .offset = (uint32_t)h->l.tx_off,
				.length = 60, .flags = NBSHM_DESC_F_SHM_VALID, .pkt_len = 60,
				.n_segs = 1,
			};

			memset(h->base + t.offset, 0x5a, t.length);
			memcpy(h->base + t.offset, "\x02\x00\x00\x00\x00\x77", 6);
			*nbshm_ring_slot(&h->tx, 0) = t;
			nbshm_ring_produce(&h->tx, 1);
			txs++;
		}
		changed += hostile_rx_sum(h) != sum;
		usleep(1000);
	}
	printf("stale: rx heads moved %u, rx area changed %u, returns posted %llu, "
		"tx posted %llu\n", moved, changed, (unsigned long long)rets,
		(unsigned long long)txs);
	return moved == 0 && changed == 0 && got != 0 ? 0 : -1;
}

static void
hostile_usage(FILE *f)
{
	fprintf(f, "Usage: nbshm_hostile -s SOCKET -n NAME [-t SECONDS] [--seed N]\n"
		"                     [--punch HOGFILE [--hog-max PAGES] | --stale [--go FILE]]\n"
		"A consumer that forges descriptors and handshakes (tests only).\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 'S' },
		{ "punch", required_argument, NULL, 'P' },
		{ "hog-max", required_argument, NULL, 'M' },
		{ "stale", no_argument, NULL, 'T' },
		{ "go", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *name = NULL, *hog = NULL, *go = NULL;
	bool stale = false;
	struct hostile h;
	double seconds = 3;
	unsigned int i;
	int c;

	memset(&h, 0, sizeof(h));
	hostile_rng = 0x9e3779b97f4a7c15ull;
	while ((c = getopt_long(argc, argv, "s:n:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'S':
			hostile_rng = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'P':
			hog = optarg;
			break;
		case 'M':
			hostile_hog_max = strtoull(optarg, NULL, 10);
			break;
		case 'T':
			stale = true;
			break;
		case 'G':
			go = optarg;
			break;
		case 'h':
			hostile_usage(stdout);
			return 0;
		default:
			hostile_usage(stderr);
			return 2;
		}
	}
	if (path == NULL || name == NULL) {
		hostile_usage(stderr);
		return 2;
	}
	if (hostile_handshakes(path, name) != 0)
		return 1;
	if (hostile_attach(&h, path, name) != 0) {
		fprintf(stderr, "nbshm_hostile: the real attach failed\n");
		return 1;
	}
	if (hog != NULL)
		return hostile_punch(&h, hog, seconds, path, name) == 0 ? 0 : 1;
	if (stale)
		return hostile_stale(&h, seconds, go) == 0 ? 0 : 1;
	hostile_run(&h, seconds);
	printf("sent:");
	for (i = 0; i < H_MAX; i++)
		printf(" %s=%llu", hostile_names[i], (unsigned long long)h.sent[i]);
	printf("\n");
	fflush(stdout);
	/* leave without returning what is kept: nbfwd must take it back */
	return 0;
}
