/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * libnbshm-client: attach (ATTACH / ATTACH_OK over the unix socket, region
 * mapping), detach, sleeping on the eventfd, counters.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>

#include "nbshm_client_priv.h"
#include "nbshm_sigbus.h"

_Static_assert(sizeof(((struct nbshm_client_info *)0)->region_name) ==
		NBSHM_PROTO_REGION_NAME_MAX, "region name size");
_Static_assert(NBSHM_CLIENT_COPY >= 2 * NBSHM_CHAN_MAX_SEGS, "copy window");

static __thread char client_err[256];

/* Any message nbfwd may send, aligned for its fields. */
union client_msg {
	struct nbshm_msg_hdr hdr;
	struct nbshm_msg_attach_ok ok;
	struct nbshm_msg_error err;
	uint8_t raw[NBSHM_PROTO_MSG_MAX];
};

int
nbshm_client_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(client_err, sizeof(client_err), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

const char *
nbshm_client_error(void)
{
	return client_err;
}

static void
client_close_fds(const int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

static int64_t
client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connect a SOCK_SEQPACKET socket to @p path. */
static int
client_dial(const char *path, int *sock_out)
{
	struct sockaddr_un sa;
	int s, err;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path))
		return nbshm_client_fail(EINVAL, "socket path is empty or longer than %zu bytes",
				sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0) {
		err = errno;
		return nbshm_client_fail(err, "socket: %s", strerror(err));
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(s);
		return nbshm_client_fail(err, "connect %s: %s", path, strerror(err));
	}
	*sock_out = s;
	return 0;
}

/* Wait for and receive one reply. @return its bytes, or a negative errno. */
static int
client_recv_reply(int s, union client_msg *m, int *fds, unsigned int *n_fds)
{
	int64_t deadline = client_now_ms() + NBSHM_CLIENT_ATTACH_TIMEOUT_MS;
	struct pollfd p = { .fd = s, .events = POLLIN };
	int64_t left;
	ssize_t n;
	int rc, err;

	for (;;) {
		left = deadline - client_now_ms();
		if (left <= 0)
			return nbshm_client_fail(ETIMEDOUT, "no reply from nbfwd within %d ms",
					NBSHM_CLIENT_ATTACH_TIMEOUT_MS);
		rc = poll(&p, 1, (int)left);
		if (rc < 0) {
			err = errno;
			return nbshm_client_fail(err, "waiting for nbfwd's reply: %s",
					strerror(err));
		}
		if (rc > 0)
			break;
	}
	*n_fds = 0;
	n = nbshm_proto_recv(s, m->raw, sizeof(m->raw), fds, NBSHM_PROTO_MAX_FDS, n_fds);
	/*
	 * nbfwd closed with our ATTACH unread (it refused before reading):
	 * the reset is reported first, its ERROR is still queued behind it.
	 */
	if (n < 0 && errno == ECONNRESET)
		n = nbshm_proto_recv(s, m->raw, sizeof(m->raw), fds, NBSHM_PROTO_MAX_FDS, n_fds);
	if (n < 0) {
		err = errno;
		return nbshm_client_fail(err, "receiving nbfwd's reply: %s", strerror(err));
	}
	if (n == 0)
		return nbshm_client_fail(ECONNRESET, "nbfwd closed the socket without a reply");
	return (int)n;
}

int
nbshm_client_sigbus_fail(const struct nbshm_client *c)
{
	uint64_t off = c->sigbus_slot >= 0 ? nbshm_sigbus_fault_off(c->sigbus_slot) : 0;

	return nbshm_client_fail(EIO, "region %s lost pages under this client (SIGBUS at "
			"offset 0x%" PRIx64 " of %" PRIu64 " bytes); the mapping now reads zeros: "
			"close the client", c->region_name, off, (uint64_t)c->map_len);
}

/* Turn an ERROR reply into the client's error. */
static int
client_refused(const union client_msg *m, int len, unsigned int n_fds, const char *name,
		uint16_t queue)
{
	const char *why = nbshm_proto_check_error(m, (size_t)len, n_fds);
	int code;

	if (why != NULL)
		return nbshm_client_fail(EPROTO, "malformed ERROR reply from nbfwd: %s", why);
	code = m->err.code;
	if (code <= 0 || code >= 4096)
		code = EPROTO;
	return nbshm_client_fail(code, "nbfwd refused %s queue %u: %s", name, (unsigned int)queue,
			m->err.text);
}

/* Largest sane page size among what the file system and nbfwd say. */
static uint64_t
client_page_size(int rfd, uint64_t announced)
{
	long sys = sysconf(_SC_PAGESIZE);
	uint64_t pg = sys > 0 ? (uint64_t)sys : 4096;
	struct statfs sfs;

	if (fstatfs(rfd, &sfs) == 0 && sfs.f_bsize > 0 &&
			((uint64_t)sfs.f_bsize & ((uint64_t)sfs.f_bsize - 1)) == 0 &&
			(uint64_t)sfs.f_bsize > pg)
		pg = (uint64_t)sfs.f_bsize;
	if (announced != 0 && (announced & (announced - 1)) == 0 && announced > pg &&
			announced <= (UINT64_C(1) << 30))
		pg = announced;
	return pg;
}

/* The seals @p want are on @p fd (F_GET_SEALS). 0, or -EPROTO with the sentence. */
static int
client_check_seals(int fd, const char *what, int want, const char *names)
{
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals < 0)
		return nbshm_client_fail(EPROTO, "the %s file nbfwd sent cannot be sealed "
				"(F_GET_SEALS: %s): nbfwd's side of it is not protected, refusing it",
				what, strerror(errno));
	if ((seals & want) != want)
		return nbshm_client_fail(EPROTO, "the %s file nbfwd sent is not sealed %s "
				"(seals 0x%x): refusing it", what, names, (unsigned int)seals);
	return 0;
}

/* A regular file of exactly @p size bytes. 0, or a negative errno with the sentence. */
static int
client_check_file(const struct nbshm_client *c, int fd, const char *what, uint64_t size)
{
	struct stat st;
	int err;

	if (fstat(fd, &st) < 0) {
		err = errno;
		return nbshm_client_fail(err, "fstat %s fd: %s", what, strerror(err));
	}
	if (!S_ISREG(st.st_mode))
		return nbshm_client_fail(EPROTO, "the %s fd nbfwd sent is not a file", what);
	if ((uint64_t)st.st_size != size)
		return nbshm_client_fail(EPROTO,
				"%s file of region %s is %" PRIu64 " bytes, the layout says %" PRIu64,
				what, c->region_name, (uint64_t)st.st_size, size);
	return 0;
}

/*
 * Map the region (protocol version 3): one range of region_size bytes, the
 * control file read-write over [0, rx_off), the rx file read-only over
 * [rx_off, region_size). Both files must be sealed so that nobody can take
 * pages from under us: the control file against shrinking and growing, the
 * rx file also against writes (F_SEAL_FUTURE_WRITE: nobody but nbfwd, who
 * mapped it before sealing, can write it or punch holes in it).
 */
static int
client_map(struct nbshm_client *c, int cfd, int rfd)
{
	const struct nbshm_chan_layout *l = &c->l;
	uint64_t pg = client_page_size(cfd, c->page_size), rx_len = l->region_size - l->rx_off;
	uintptr_t lo, at;
	void *p;
	int rc, err;

	rc = client_check_file(c, cfd, "control", l->rx_off);
	if (rc == 0)
		rc = client_check_file(c, rfd, "rx", rx_len);
	if (rc == 0)
		rc = client_check_seals(cfd, "control", F_SEAL_SHRINK | F_SEAL_GROW,
				"F_SEAL_SHRINK|F_SEAL_GROW");
	if (rc == 0)
		rc = client_check_seals(rfd, "rx", F_SEAL_SHRINK | F_SEAL_GROW |
				F_SEAL_FUTURE_WRITE, "F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_FUTURE_WRITE");
	if (rc < 0)
		return rc;
	/* checked sizes of real files, but the sum below must not wrap either */
	if (l->region_size > SIZE_MAX - pg)
		return nbshm_client_fail(EPROTO, "region %s of %" PRIu64 " bytes cannot be mapped",
				c->region_name, l->region_size);
	/* a range aligned to the files' page size (hugetlbfs maps only there) */
	p = mmap(NULL, l->region_size + pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		err = errno;
		return nbshm_client_fail(err, "reserving %" PRIu64 " bytes for region %s: %s",
				l->region_size, c->region_name, strerror(err));
	}
	lo = (uintptr_t)p;
	at = (lo + pg - 1) & ~(uintptr_t)(pg - 1);
	if (at > lo)
		munmap(p, at - lo);
	munmap((void *)(at + l->region_size), lo + pg - at);
	c->base = (uint8_t *)at;
	c->map_len = l->region_size;
	if (mmap(c->base, l->rx_off, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, cfd, 0) ==
			MAP_FAILED ||
			mmap(c->base + l->rx_off, rx_len, PROT_READ, MAP_SHARED | MAP_FIXED, rfd,
				0) == MAP_FAILED) {
		err = errno;
		return nbshm_client_fail(err, "mmap region %s (%" PRIu64 " bytes): %s",
				c->region_name, l->region_size, strerror(err));
	}
	c->ro_lo = l->rx_off;
	c->ro_hi = l->region_size;
	c->rx_readonly = 1;
	/* from now on pages taken from under us cannot kill the process */
	rc = nbshm_sigbus_guard(c->base, c->map_len, c->ro_lo, c->ro_hi);
	if (rc == -EMFILE)
		return nbshm_client_fail(EMFILE, "more than %u clients in this process",
				NBSHM_SIGBUS_SLOTS);
	if (rc < 0)
		return nbshm_client_fail(-rc, "installing the SIGBUS handler: %s", strerror(-rc));
	c->sigbus_slot = rc;
	c->broken = nbshm_sigbus_broken(rc);
	return 0;
}

static void
client_bind_rings(struct nbshm_client *c)
{
	uint32_t i;

	for (i = 0; i < c->n_qp; i++) {
		nbshm_ring_init(&c->rx[i], c->base, &c->l, NBSHM_CHAN_RING_RX(i), false);
		nbshm_ring_init(&c->ret[i], c->base, &c->l, NBSHM_CHAN_RING_RET(i), true);
		c->ret_room[i] = 0;
	}
	nbshm_ring_init(&c->tx, c->base, &c->l, NBSHM_CHAN_RING_TX(c->n_qp), true);
	nbshm_ring_init(&c->txdone, c->base, &c->l, NBSHM_CHAN_RING_TXDONE(c->n_qp), false);
}

/* Everything after a valid ATTACH_OK: map, bind, tx state. fds are consumed. */
static int
client_setup(struct nbshm_client *c, const struct nbshm_msg_attach_ok *ok, const int *fds)
{
	int rc;

	c->l = ok->layout;
	c->n_qp = c->l.n_qp;
	c->page_size = ok->page_size;
	memcpy(c->region_name, ok->region_name, sizeof(c->region_name));
	c->region_name[sizeof(c->region_name) - 1] = '\0';
	memcpy(c->mac, ok->mac, sizeof(c->mac));
	c->vlan = ok->vlan;
	c->evfd = fds[NBSHM_PROTO_FD_EVENT];
	/* the layout passed nbshm_chan_layout_check() in nbshm_proto_check_attach_ok() */
	rc = client_map(c, fds[NBSHM_PROTO_FD_CONTROL], fds[NBSHM_PROTO_FD_RX]);
	/* the mappings keep the files */
	close(fds[NBSHM_PROTO_FD_CONTROL]);
	close(fds[NBSHM_PROTO_FD_RX]);
	if (rc < 0)
		return rc;
	client_bind_rings(c);
	c->tx_max_len = c->l.tx_buf_size < c->l.mtu ? c->l.tx_buf_size : c->l.mtu;
	if (nbshm_client_tx_setup(c) < 0)
		return nbshm_client_fail(ENOMEM, "no memory for %u tx buffer states",
				c->l.n_tx_bufs);
	return 0;
}

/* Send ATTACH, take the reply; on success the client is set up. */
static int
client_attach(struct nbshm_client *c, const char *name, uint16_t queue)
{
	struct nbshm_msg_attach req;
	union client_msg m;
	int fds[NBSHM_PROTO_MAX_FDS];
	unsigned int n_fds = 0;
	const char *why;
	int len, type, err;

	if (nbshm_proto_attach_init(&req, name, queue) < 0)
		return nbshm_client_fail(EINVAL,
				"bad consumer name \"%s\" (1..%u chars of A-Z a-z 0-9 _ . -)",
				name, NBSHM_PROTO_NAME_MAX - 1);
	if (nbshm_proto_send(c->sock, &req, sizeof(req), NULL, 0) < 0) {
		err = errno;
		/* nbfwd may have refused before reading: its ERROR says why */
		len = err == EPIPE || err == ECONNRESET ?
			client_recv_reply(c->sock, &m, fds, &n_fds) : -1;
		if (len > 0 && nbshm_proto_msg_type(&m, (size_t)len, &why) == NBSHM_MSG_ERROR) {
			client_close_fds(fds, n_fds);
			return client_refused(&m, len, n_fds, name, queue);
		}
		if (len > 0)
			client_close_fds(fds, n_fds);
		return nbshm_client_fail(err, "sending ATTACH: %s", strerror(err));
	}
	len = client_recv_reply(c->sock, &m, fds, &n_fds);
	if (len < 0)
		return len;
	type = nbshm_proto_msg_type(&m, (size_t)len, &why);
	if (type == NBSHM_MSG_ERROR) {
		client_close_fds(fds, n_fds);
		return client_refused(&m, len, n_fds, name, queue);
	}
	if (type != NBSHM_MSG_ATTACH_OK) {
		client_close_fds(fds, n_fds);
		if (type < 0)
			return nbshm_client_fail(EPROTO, "bad reply from nbfwd: %s", why);
		return nbshm_client_fail(EPROTO, "unexpected reply type %d from nbfwd", type);
	}
	why = nbshm_proto_check_attach_ok(&m, (size_t)len, n_fds);
	if (why == NULL && n_fds != NBSHM_PROTO_ATTACH_OK_FDS)
		why = "wrong number of fds";
	if (why != NULL) {
		client_close_fds(fds, n_fds);
		return nbshm_client_fail(EPROTO, "bad ATTACH_OK from nbfwd: %s", why);
	}
	return client_setup(c, &m.ok, fds);
}

/* The socket's server runs as the uid the caller requires (before we say who we are). */
static int
client_check_producer(int s, const char *path, const struct nbshm_client_opts *o)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int err;

	if (!(o->flags & NBSHM_CLIENT_F_PRODUCER_UID))
		return 0;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		err = errno;
		return nbshm_client_fail(err, "SO_PEERCRED on %s: %s", path, strerror(err));
	}
	if (cred.uid != o->producer_uid)
		return nbshm_client_fail(EPERM, "producer at %s runs as uid %u, expected uid %u",
				path, (unsigned int)cred.uid, (unsigned int)o->producer_uid);
	return 0;
}

int
nbshm_client_connect(const char *socket_path, const char *name, uint16_t queue,
		unsigned int flags, struct nbshm_client **out)
{
	struct nbshm_client_opts o = { .flags = flags };

	if (flags & NBSHM_CLIENT_F_PRODUCER_UID)
		return nbshm_client_fail(EINVAL, "NBSHM_CLIENT_F_PRODUCER_UID needs "
				"nbshm_client_connect_opts()");
	return nbshm_client_connect_opts(socket_path, name, queue, &o, out);
}

int
nbshm_client_connect_opts(const char *socket_path, const char *name, uint16_t queue,
		const struct nbshm_client_opts *opts, struct nbshm_client **out)
{
	unsigned int flags = opts != NULL ? opts->flags : 0;
	struct nbshm_client *c;
	int rc;

	if (out == NULL || name == NULL || opts == NULL)
		return nbshm_client_fail(EINVAL, "no name, options or place for the client");
	*out = NULL;
	if (flags & NBSHM_CLIENT_F_RX_WRITABLE)
		return nbshm_client_fail(EPERM, "NBSHM_CLIENT_F_RX_WRITABLE: the rx buffers are "
				"read-only (sealed by nbfwd, protocol 3): copy what you change");
	if (flags & ~NBSHM_CLIENT_F_PRODUCER_UID)
		return nbshm_client_fail(EINVAL, "unknown flags 0x%x", flags);
	if (nbshm_proto_name_check(name) != 0)
		return nbshm_client_fail(EINVAL,
				"bad consumer name \"%s\" (1..%u chars of A-Z a-z 0-9 _ . -)",
				name, NBSHM_PROTO_NAME_MAX - 1);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return nbshm_client_fail(ENOMEM, "no memory for a client");
	c->flags = flags;
	c->sock = -1;
	c->evfd = -1;
	c->sigbus_slot = -1;
	rc = client_dial(socket_path, &c->sock);
	if (rc == 0)
		rc = client_check_producer(c->sock, socket_path, opts);
	if (rc == 0)
		rc = client_attach(c, name, queue);
	if (rc == 0 && fcntl(c->sock, F_SETFL, fcntl(c->sock, F_GETFL) | O_NONBLOCK) < 0)
		rc = nbshm_client_fail(errno, "socket O_NONBLOCK: %s", strerror(errno));
	if (rc < 0) {
		nbshm_client_close(c);
		errno = -rc;
		return rc;
	}
	client_err[0] = '\0';
	*out = c;
	return 0;
}

/*
 * Before detaching, give nbfwd a moment (at most NBSHM_CLIENT_CLOSE_DRAIN_MS)
 * to take the returns already posted, so they count as returned rather than
 * reclaimed. Skipped when nbfwd is gone.
 */
static void
client_drain_returns(struct nbshm_client *c)
{
	struct timespec ms = { .tv_sec = 0, .tv_nsec = 1000 * 1000 };
	unsigned int k;
	uint32_t i;

	if (c->txb_state == NULL || nbshm_client_broken(c))	/* never attached, or zeros */
		return;
	for (k = 0; k < NBSHM_CLIENT_CLOSE_DRAIN_MS; k++) {
		nbshm_client_check_sock(c);
		if (c->dead)
			return;
		for (i = 0; i < c->n_qp; i++)
			if (nbshm_load_acquire(&c->ret[i].hdr->tail) != c->ret[i].idx)
				break;
		if (i == c->n_qp)
			return;
		nanosleep(&ms, NULL);
	}
}

void
nbshm_client_close(struct nbshm_client *c)
{
	if (c == NULL)
		return;
	client_drain_returns(c);
	/* out of the SIGBUS table before the range can be reused */
	nbshm_sigbus_unguard(c->sigbus_slot);
	if (c->base != NULL)
		munmap(c->base, c->map_len);
	if (c->evfd >= 0)
		close(c->evfd);
	if (c->sock >= 0)
		close(c->sock);
	nbshm_client_tx_teardown(c);
	free(c);
}

void
nbshm_client_info(const struct nbshm_client *c, struct nbshm_client_info *info)
{
	memset(info, 0, sizeof(*info));
	info->n_qp = c->n_qp;
	info->ring_size = c->l.ring_size;
	info->max_segs = c->l.max_segs;
	info->mtu = c->l.mtu;
	info->tx_buf_size = c->l.tx_buf_size;
	info->n_tx_bufs = c->l.n_tx_bufs;
	info->region_size = c->l.region_size;
	info->page_size = c->page_size;
	info->handle = c->l.handle;
	memcpy(info->region_name, c->region_name, sizeof(info->region_name));
	memcpy(info->mac, c->mac, sizeof(info->mac));
	info->vlan = c->vlan;
	info->rx_readonly = c->rx_readonly;
}

int
nbshm_client_fd(const struct nbshm_client *c)
{
	return c->evfd;
}

void
nbshm_client_check_sock(struct nbshm_client *c)
{
	struct pollfd p = { .fd = c->sock, .events = POLLIN | POLLRDHUP };
	union client_msg m;
	int fds[NBSHM_PROTO_MAX_FDS];
	unsigned int n_fds;
	ssize_t n;
	int k;

	c->idle_polls = 0;
	/* nbfwd sends nothing after ATTACH_OK yet: drain and ignore, stop at close */
	for (k = 0; k < 8 && !c->dead; k++) {
		p.revents = 0;
		if (poll(&p, 1, 0) <= 0)
			return;
		if (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) {
			c->dead = 1;
			return;
		}
		if (!(p.revents & POLLIN))
			return;
		n_fds = 0;
		n = nbshm_proto_recv(c->sock, m.raw, sizeof(m.raw), fds, NBSHM_PROTO_MAX_FDS,
				&n_fds);
		if (n > 0)
			client_close_fds(fds, n_fds);
		else if (n == 0)
			c->dead = 1;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		else if (errno != EINTR && errno != EMSGSIZE)
			c->dead = 1;
	}
}

/* Entries waiting on a ring we read (an index behind ours is nothing). */
static int
client_ring_ready(const struct nbshm_ring *r)
{
	return (int32_t)(nbshm_load_acquire(&r->hdr->head) - r->idx) > 0;
}

/* Arm (1) or disarm (0) need_wakeup; @return 1 when a ring has entries. */
static int
client_arm(struct nbshm_client *c, uint32_t on, int with_txdone)
{
	int ready = 0;
	uint32_t i;

	for (i = 0; i < c->n_qp; i++)
		__atomic_store_n(&c->rx[i].hdr->need_wakeup, on, __ATOMIC_SEQ_CST);
	if (with_txdone)
		__atomic_store_n(&c->txdone.hdr->need_wakeup, on, __ATOMIC_SEQ_CST);
	/* need_wakeup before head: pairs with nbfwd's head-then-need_wakeup */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < c->n_qp && !ready; i++)
		ready = client_ring_ready(&c->rx[i]);
	if (!ready && with_txdone)
		ready = client_ring_ready(&c->txdone);
	return ready;
}

int
nbshm_client_wait(struct nbshm_client *c, int timeout_ms)
{
	struct pollfd p[2];
	int with_txdone, ready, rc, err = 0;
	uint64_t v;

	rc = nbshm_client_usable(c);
	if (rc != 0)
		return rc;
	/* txdone matters only when the application cannot get a tx buffer */
	with_txdone = c->n_free == 0 && c->n_inflight != 0;
	ready = client_arm(c, 1, with_txdone);
	if (!ready) {
		p[0] = (struct pollfd){ .fd = c->evfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = c->sock, .events = POLLIN | POLLRDHUP };
		rc = poll(p, 2, timeout_ms);
		if (rc < 0) {
			err = errno;
		} else if (rc > 0) {
			if (p[1].revents)
				nbshm_client_check_sock(c);
			if (p[0].revents & POLLIN) {
				c->st.wakeups++;
				ready = 1;
				if (read(c->evfd, &v, sizeof(v)) < 0)
					v = 0;	/* already consumed: nothing lost */
			} else if (p[0].revents & (POLLERR | POLLNVAL)) {
				err = EIO;
			}
		}
	}
	/* disarm, then look once more: entries published while we slept count */
	ready |= client_arm(c, 0, with_txdone);
	rc = nbshm_client_usable(c);
	if (rc != 0)
		return rc;
	if (err != 0)
		return -err;
	return ready;
}

void
nbshm_client_stats(const struct nbshm_client *c, struct nbshm_client_stats *st)
{
	uint64_t jumps = c->tx.jumps + c->txdone.jumps;
	uint32_t i;

	for (i = 0; i < c->n_qp; i++)
		jumps += c->rx[i].jumps + c->ret[i].jumps;
	*st = c->st;
	st->index_jumps = jumps;
	st->reject[NBSHM_CHAN_INDEX_JUMP] = jumps;
}
