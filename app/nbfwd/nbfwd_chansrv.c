/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The attach socket: a control thread that accepts consumers on a unix
 * SOCK_SEQPACKET socket, checks their ATTACH message, hands them their
 * region and eventfd, and notices when they go (socket closed), so that the
 * workers take back what was lent. The fast path never waits for it: a
 * consumer's state word is the only thing workers read.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "nbshm_chan_proto.h"
#include "nbfwd_consumer.h"
#include "nbfwd_log.h"

#define NBFWD_CHANSRV_MAX_PENDING 16	/* connections not yet attached */
#define NBFWD_CHANSRV_HELLO_MS 2000	/* time a connection has to send ATTACH */
#define NBFWD_CHANSRV_ACK_MS 2000	/* time workers have to acknowledge a detach */

struct nbfwd_chansrv_conn {
	int fd;				/* -1 = free */
	uint64_t deadline;		/* TSC by which ATTACH must arrive */
};

struct nbfwd_chansrv {
	struct nbfwd_ctx *ctx;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd;
	int epfd;
	pthread_t thread;
	bool running;
	volatile bool stop;
	struct nbfwd_chansrv_conn pending[NBFWD_CHANSRV_MAX_PENDING];
	/* counters (control thread only) */
	uint64_t accepted;
	uint64_t refused;
};

/* epoll data: listening socket, pending connection i, or consumer i */
#define NBFWD_EV_LISTEN UINT64_C(0)
#define NBFWD_EV_PENDING(i) (UINT64_C(1) << 32 | (i))
#define NBFWD_EV_CONSUMER(i) (UINT64_C(2) << 32 | (i))

static void
nbfwd_chansrv_default_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/nbshm.sock", rte_eal_get_runtime_dir());
}

/*
 * Take the socket path: a live server there is an error; a socket nobody
 * listens on is stale and replaced; anything else is left alone.
 */
static int
nbfwd_chansrv_claim_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		CHAN_LOG(ERR, "attach socket %s: exists and is not a socket: remove it or set "
			"[nbfwd] socket to another path", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0) {
		CHAN_LOG(ERR, "attach socket %s: another process is serving it: stop it or set "
			"[nbfwd] socket to another path", path);
		return -EADDRINUSE;
	}
	CHAN_LOG(NOTICE, "attach socket %s: stale (nobody listening), replaced", path);
	return unlink(path) == 0 ? 0 : -errno;
}

static void
nbfwd_chansrv_refuse(struct nbfwd_chansrv *s, int fd, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
nbfwd_chansrv_refuse(struct nbfwd_chansrv *s, int fd, int code, const char *fmt, ...)
{
	struct nbshm_msg_error m;
	char text[NBSHM_PROTO_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	nbshm_proto_error_init(&m, code, "%s", text);
	if (nbshm_proto_send(fd, &m, sizeof(m), NULL, 0) != 0)
		CHAN_LOG(DEBUG, "attach: could not send the refusal: %s", strerror(errno));
	CHAN_LOG(NOTICE, "attach refused: %s", text);
	s->refused++;
}

static struct nbfwd_consumer *
nbfwd_chansrv_find(struct nbfwd_ctx *ctx, const char *name)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++)
		if (strcmp(ctx->consumers[i].name, name) == 0)
			return &ctx->consumers[i];
	return NULL;
}

static void
nbfwd_chansrv_names(const struct nbfwd_ctx *ctx, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ctx->n_consumers && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " : "",
			ctx->consumers[i].name);
}

/*
 * Fresh rings. Workers do not look at the consumer until its state says
 * ATTACHED. The region keeps its handle: its mbufs carry it from the pool's
 * creation, and nothing of an earlier attachment is left to be confused with
 * (every lent buffer was taken back, the rings are zeroed here).
 */
static void
nbfwd_chansrv_prepare(struct nbfwd_ctx *ctx, struct nbfwd_consumer *c)
{
	struct nbfwd_region *rg = &ctx->regions[c->region];
	struct nbshm_chan_layout *l = &c->layout;
	unsigned int q;

	memset(rg->r.base + l->rings_off, 0, l->ring_stride * NBSHM_CHAN_N_RINGS(l->n_qp));
	for (q = 0; q < c->n_qp; q++) {
		struct nbfwd_cons_qp *qp = &c->qp[q];

		nbshm_ring_init(&qp->rx, rg->r.base, l, NBSHM_CHAN_RING_RX(q), true);
		nbshm_ring_init(&qp->ret, rg->r.base, l, NBSHM_CHAN_RING_RET(q), false);
		qp->ack = 0;
	}
	nbshm_ring_init(&c->tx, rg->r.base, l, NBSHM_CHAN_RING_TX(l->n_qp), false);
	nbshm_ring_init(&c->txdone, rg->r.base, l, NBSHM_CHAN_RING_TXDONE(l->n_qp), true);
	memset(c->tx_busy, 0, l->n_tx_bufs);
}

static void
nbfwd_chansrv_attach(struct nbfwd_chansrv *s, int fd)
{
	struct nbfwd_ctx *ctx = s->ctx;
	union {
		struct nbshm_msg_attach a;
		uint8_t raw[NBSHM_PROTO_MSG_MAX];
	} msg;
	struct nbshm_msg_attach_ok ok;
	struct nbfwd_consumer *c;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct epoll_event ev;
	unsigned int n_fds = 0;
	int fds[NBSHM_PROTO_MAX_FDS];
	int out_fds[NBSHM_PROTO_ATTACH_OK_FDS];
	char names[256];
	const char *why;
	ssize_t len;
	unsigned int i;

	len = nbshm_proto_recv(fd, msg.raw, sizeof(msg.raw), fds, NBSHM_PROTO_MAX_FDS, &n_fds);
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	if (len <= 0) {
		if (len < 0)
			nbfwd_chansrv_refuse(s, fd, errno == EMSGSIZE ? EMSGSIZE : EPROTO,
				"bad attach message: %s", strerror(errno));
		close(fd);
		return;
	}
	why = nbshm_proto_check_attach(msg.raw, (size_t)len, n_fds);
	if (why != NULL) {
		nbfwd_chansrv_refuse(s, fd, EPROTO, "bad attach message: %s", why);
		close(fd);
		return;
	}
	c = nbfwd_chansrv_find(ctx, msg.a.name);
	if (c == NULL) {
		nbfwd_chansrv_names(ctx, names, sizeof(names));
		nbfwd_chansrv_refuse(s, fd, ENOENT, "no consumer named \"%s\" (configured: %s)",
			msg.a.name, names);
		close(fd);
		return;
	}
	if (msg.a.queue != 0) {
		nbfwd_chansrv_refuse(s, fd, EINVAL, "consumer %s has 1 queue: queue %u does "
			"not exist", c->name, msg.a.queue);
		close(fd);
		return;
	}
	if (c->state != NBFWD_CONS_DETACHED) {
		nbfwd_chansrv_refuse(s, fd, EBUSY, "consumer %s is attached already (pid %d)",
			c->name, c->pid);
		close(fd);
		return;
	}
	nbfwd_chansrv_prepare(ctx, c);
	c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->evfd < 0) {
		nbfwd_chansrv_refuse(s, fd, errno, "consumer %s: eventfd: %s", c->name,
			strerror(errno));
		close(fd);
		return;
	}
	nbshm_proto_attach_ok_init(&ok, &c->layout, ctx->regions[c->region].page_size,
		ctx->regions[c->region].r.name, c->cfg->mac, (uint16_t)(c->vlan < 0 ? 0xffff :
		c->vlan));
	out_fds[0] = ctx->regions[c->region].r.fd;
	out_fds[1] = c->evfd;
	if (nbshm_proto_send(fd, &ok, sizeof(ok), out_fds, NBSHM_PROTO_ATTACH_OK_FDS) != 0) {
		CHAN_LOG(NOTICE, "consumer %s: attach reply failed: %s", c->name, strerror(errno));
		close(c->evfd);
		c->evfd = -1;
		close(fd);
		return;
	}
	c->pid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 ? cred.pid : 0;
	c->sock = fd;
	c->attaches++;
	c->attached_tsc = rte_get_tsc_cycles();
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.u64 = NBFWD_EV_CONSUMER(c->index);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		CHAN_LOG(WARNING, "consumer %s: epoll: %s: its detach will be seen at exit only",
			c->name, strerror(errno));
	__atomic_store_n(&c->state, NBFWD_CONS_ATTACHED, __ATOMIC_RELEASE);
	s->accepted++;
	CHAN_LOG(INFO, "consumer %s attached (pid %d), region %s handle 0x%016" PRIx64,
		c->name, c->pid, ctx->regions[c->region].r.name, c->layout.handle);
}

/* Wait until every worker took back what it lent (or the workers are gone). */
static void
nbfwd_chansrv_wait_acks(struct nbfwd_chansrv *s, struct nbfwd_consumer *c)
{
	uint64_t deadline = rte_get_tsc_cycles() +
		rte_get_tsc_hz() * NBFWD_CHANSRV_ACK_MS / 1000;
	unsigned int q, acked;

	for (;;) {
		acked = 0;
		for (q = 0; q < c->n_qp; q++)
			acked += __atomic_load_n(&c->qp[q].ack, __ATOMIC_ACQUIRE) != 0;
		if (acked == c->n_qp || s->stop || nbfwd_force_quit)
			return;
		if (rte_get_tsc_cycles() > deadline) {
			CHAN_LOG(WARNING, "consumer %s: %u of %u workers acknowledged its detach "
				"after %u ms; still waiting", c->name, acked, c->n_qp,
				NBFWD_CHANSRV_ACK_MS);
			deadline = UINT64_MAX;
		}
		usleep(1000);
	}
}

/* Close a consumer's side after every queue pair was reclaimed. */
static void
nbfwd_chansrv_close(struct nbfwd_chansrv *s, struct nbfwd_consumer *c)
{
	if (c->sock >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->sock, NULL);
		close(c->sock);
	}
	if (c->evfd >= 0)
		close(c->evfd);
	c->sock = -1;
	c->evfd = -1;
	__atomic_store_n(&c->state, NBFWD_CONS_DETACHED, __ATOMIC_RELEASE);
}

static void
nbfwd_chansrv_detach(struct nbfwd_chansrv *s, struct nbfwd_consumer *c)
{
	struct nbfwd_cons_qstats st;
	uint64_t lent, before;

	nbfwd_consumer_stats(c, &st, &lent);
	before = st.reclaimed;
	__atomic_store_n(&c->state, NBFWD_CONS_DETACHING, __ATOMIC_RELEASE);
	nbfwd_chansrv_wait_acks(s, c);
	if (s->stop || nbfwd_force_quit)
		return;		/* the workers may be gone: nbfwd_consumers_stop() ends it */
	nbfwd_chansrv_close(s, c);
	nbfwd_consumer_stats(c, &st, &lent);
	CHAN_LOG(INFO, "consumer %s detached (pid %d): %" PRIu64 " lent buffer(s) taken back",
		c->name, c->pid, st.reclaimed - before);
}

static int
nbfwd_chansrv_add_pending(struct nbfwd_chansrv *s, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	unsigned int i;

	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++) {
		if (s->pending[i].fd >= 0)
			continue;
		ev.data.u64 = NBFWD_EV_PENDING(i);
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			return -1;
		s->pending[i].fd = fd;
		s->pending[i].deadline = rte_get_tsc_cycles() +
			rte_get_tsc_hz() * NBFWD_CHANSRV_HELLO_MS / 1000;
		return 0;
	}
	return -1;
}

static void
nbfwd_chansrv_accept(struct nbfwd_chansrv *s)
{
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (nbfwd_chansrv_add_pending(s, fd) != 0) {
		nbfwd_chansrv_refuse(s, fd, EAGAIN, "too many connections waiting to attach");
		close(fd);
	}
}

static void
nbfwd_chansrv_expire(struct nbfwd_chansrv *s)
{
	uint64_t now = rte_get_tsc_cycles();
	unsigned int i;

	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++) {
		struct nbfwd_chansrv_conn *p = &s->pending[i];

		if (p->fd < 0 || now < p->deadline)
			continue;
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, p->fd, NULL);
		nbfwd_chansrv_refuse(s, p->fd, ETIMEDOUT, "no attach message within %u ms",
			NBFWD_CHANSRV_HELLO_MS);
		close(p->fd);
		p->fd = -1;
	}
}

static void
nbfwd_chansrv_event(struct nbfwd_chansrv *s, uint64_t data)
{
	uint32_t kind = (uint32_t)(data >> 32), i = (uint32_t)data;

	if (data == NBFWD_EV_LISTEN) {
		nbfwd_chansrv_accept(s);
	} else if (kind == 1 && i < NBFWD_CHANSRV_MAX_PENDING && s->pending[i].fd >= 0) {
		int fd = s->pending[i].fd;

		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		s->pending[i].fd = -1;
		nbfwd_chansrv_attach(s, fd);
	} else if (kind == 2 && i < s->ctx->n_consumers) {
		/* anything after the attach, or a hang-up, ends the attachment */
		struct nbfwd_consumer *c = &s->ctx->consumers[i];

		if (c->state == NBFWD_CONS_ATTACHED)
			nbfwd_chansrv_detach(s, c);
	}
}

/* A consumer that holds its buffers past its stall_ms is detached (a lease). */
static void
nbfwd_chansrv_watch(struct nbfwd_chansrv *s)
{
	struct nbfwd_ctx *ctx = s->ctx;
	uint64_t now = rte_get_tsc_cycles();
	unsigned int i;

	for (i = 0; i < ctx->n_consumers && !s->stop; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];

		if (!nbfwd_consumer_stalled(c, ctx->cfg.burst, now))
			continue;
		c->stalled++;
		CHAN_LOG(NOTICE, "consumer %s stalled: returned nothing for %u ms while "
			"holding its buffers; detaching it", c->name, c->cfg->stall_ms);
		nbfwd_chansrv_detach(s, c);
	}
}

static void *
nbfwd_chansrv_main(void *arg)
{
	struct nbfwd_chansrv *s = arg;
	struct epoll_event ev[8];
	int n, i;

	while (!s->stop) {
		n = epoll_wait(s->epfd, ev, RTE_DIM(ev), 100);
		for (i = 0; i < n && !s->stop; i++)
			nbfwd_chansrv_event(s, ev[i].data.u64);
		nbfwd_chansrv_expire(s);
		nbfwd_chansrv_watch(s);
	}
	return NULL;
}

static int
nbfwd_chansrv_listen(struct nbfwd_chansrv *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = NBFWD_EV_LISTEN };
	int rc;

	rc = nbfwd_chansrv_claim_path(s->path);
	if (rc != 0) {
		if (rc != -EEXIST && rc != -EADDRINUSE)
			CHAN_LOG(ERR, "attach socket %s: %s", s->path, strerror(-rc));
		return -1;
	}
	s->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0) {
		CHAN_LOG(ERR, "attach socket: socket(): %s", strerror(errno));
		return -1;
	}
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
			listen(s->lfd, NBFWD_CHANSRV_MAX_PENDING) != 0) {
		CHAN_LOG(ERR, "attach socket %s: %s (its directory must exist and be writable)",
			s->path, strerror(errno));
		return -1;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev) != 0) {
		CHAN_LOG(ERR, "attach socket: epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
nbfwd_consumers_start(struct nbfwd_ctx *ctx)
{
	struct nbfwd_chansrv *s;
	unsigned int i;
	int rc;

	if (ctx->n_consumers == 0)
		return 0;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	ctx->chansrv = s;
	s->ctx = ctx;
	s->lfd = -1;
	s->epfd = -1;
	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++)
		s->pending[i].fd = -1;
	if (ctx->cfg.socket[0] != '\0') {
		if (strlen(ctx->cfg.socket) >= sizeof(s->path)) {
			CHAN_LOG(ERR, "[nbfwd] socket = %s: longer than %zu bytes", ctx->cfg.socket,
				sizeof(s->path) - 1);
			return -1;
		}
		snprintf(s->path, sizeof(s->path), "%s", ctx->cfg.socket);
	} else {
		nbfwd_chansrv_default_path(s->path, sizeof(s->path));
	}
	if (nbfwd_chansrv_listen(s) != 0)
		return -1;
	rc = rte_ctrl_thread_create(&s->thread, "nbfwd-attach", NULL, nbfwd_chansrv_main, s);
	if (rc != 0) {
		CHAN_LOG(ERR, "attach socket: cannot start its thread: %s", strerror(-rc));
		return -1;
	}
	s->running = true;
	CHAN_LOG(INFO, "consumers attach at %s (%u configured)", s->path, ctx->n_consumers);
	return 0;
}

void
nbfwd_consumers_stop(struct nbfwd_ctx *ctx)
{
	struct nbfwd_chansrv *s = ctx->chansrv;
	unsigned int i, q;

	if (s == NULL)
		return;
	s->stop = true;
	if (s->running)
		pthread_join(s->thread, NULL);
	s->running = false;
	/* the workers are gone: take back what they lent, here */
	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];
		uint64_t n = 0;

		if (c->qp == NULL)
			continue;
		for (q = 0; q < c->n_qp; q++)
			n += nbfwd_consumer_reclaim(c, q);
		if (c->state != NBFWD_CONS_DETACHED)
			CHAN_LOG(INFO, "consumer %s: detached at exit, %" PRIu64
				" lent buffer(s) taken back", c->name, n);
		nbfwd_chansrv_close(s, c);
	}
	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++)
		if (s->pending[i].fd >= 0)
			close(s->pending[i].fd);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->lfd >= 0) {
		close(s->lfd);
		unlink(s->path);
	}
	free(s);
	ctx->chansrv = NULL;
}

const char *
nbfwd_consumers_socket(const struct nbfwd_ctx *ctx)
{
	return ctx->chansrv != NULL ? ctx->chansrv->path : "";
}
