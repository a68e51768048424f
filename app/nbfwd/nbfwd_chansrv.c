/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The attach socket: a control thread that accepts consumers on a unix
 * SOCK_SEQPACKET socket, checks who they are (SO_PEERCRED, before anything
 * is sent to them) and their ATTACH message, hands them their region and
 * eventfd, and notices when they go (socket closed, or the process that
 * attached exited: its pidfd), so that the workers take back what was lent.
 * The fast path never waits for it: a consumer's state word is the only
 * thing workers read, and the thread never waits for the workers either
 * (a detach is finished when every worker acknowledged it, polled).
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "nbshm_chan_proto.h"
#include "nbfwd_compat.h"
#include "nbfwd_consumer.h"
#include "nbfwd_log.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77		/* Linux 6.5: a pidfd of the peer at connect() */
#endif

#define NBFWD_CHANSRV_MAX_PENDING 32	/* connections not yet attached, all uids */
#define NBFWD_CHANSRV_MAX_PENDING_UID 4	/* of them from one uid */
#define NBFWD_CHANSRV_BACKLOG 128	/* listen(): the kernel's queue before accept */
#define NBFWD_CHANSRV_ACCEPT_BURST 64	/* accepted per wake-up */
#define NBFWD_CHANSRV_HELLO_MS 1000	/* time a connection has to send ATTACH */
#define NBFWD_CHANSRV_ACK_MS 1000	/* time workers have to acknowledge a detach */
#define NBFWD_CHANSRV_GROUPS 64		/* supplementary groups looked at */
#define NBFWD_CHANSRV_LOG_PER_S 32	/* refusals logged a second, the rest counted */
#define NBFWD_CHANSRV_DENIED "not allowed"	/* all a refused peer learns */
#define NBFWD_CHANSRV_BUSY "too many connections waiting to attach"

/* A connection waiting for its ATTACH. */
/* Why an attachment ends (each counted where its counter lives). */
enum nbfwd_chansrv_why {
	NBFWD_WHY_CLOSED,	/* its socket: closed, or written to after ATTACH_OK */
	NBFWD_WHY_EXITED,	/* its pidfd: the process that attached exited */
	NBFWD_WHY_FAULTED,	/* SIGBUS in its control mapping (c->faults) */
	NBFWD_WHY_STALLED,	/* its lease ran out (c->stalled) */
};

struct nbfwd_chansrv_conn {
	int fd;				/* -1 = free */
	uint64_t deadline;		/* TSC by which ATTACH must arrive */
	uint64_t seq;			/* accept order: lower = older */
	struct ucred cred;		/* SO_PEERCRED at accept */
};

struct nbfwd_chansrv {
	struct nbfwd_ctx *ctx;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd;
	int epfd;
	pthread_t thread;
	bool running;
	volatile bool stop;
	uid_t self_uid;			/* nbfwd's euid: always allowed, as root */
	uint64_t seq;
	struct nbfwd_chansrv_conn pending[NBFWD_CHANSRV_MAX_PENDING];
	struct nbfwd_attach_stats st;	/* written here only */
	uint64_t log_second;		/* TSC at which the current second of logging began */
	unsigned int logged;		/* refusals logged in it */
	unsigned int unlogged;		/* and not logged */
};

/* epoll data: listening socket, pending connection i, consumer i's socket or pidfd */
#define NBFWD_EV_LISTEN UINT64_C(0)
#define NBFWD_EV_PENDING(i) (UINT64_C(1) << 32 | (i))
#define NBFWD_EV_CONSUMER(i) (UINT64_C(2) << 32 | (i))
#define NBFWD_EV_PIDFD(i) (UINT64_C(3) << 32 | (i))

static const char * const nbfwd_attach_refusal_names[NBFWD_REFUSE_MAX] = {
	[NBFWD_REFUSE_NOT_ALLOWED] = "not_allowed",
	[NBFWD_REFUSE_UNKNOWN_NAME] = "unknown_name",
	[NBFWD_REFUSE_BAD_MESSAGE] = "bad_message",
	[NBFWD_REFUSE_BAD_QUEUE] = "bad_queue",
	[NBFWD_REFUSE_BUSY] = "busy",
	[NBFWD_REFUSE_TIMEOUT] = "timeout",
	[NBFWD_REFUSE_DISPLACED] = "displaced",
	[NBFWD_REFUSE_TOO_MANY] = "too_many",
	[NBFWD_REFUSE_PEER_GONE] = "peer_gone",
	[NBFWD_REFUSE_NO_MEMORY] = "no_memory",
	[NBFWD_REFUSE_INTERNAL] = "internal",
};

const char *
nbfwd_attach_refusal_name(unsigned int reason)
{
	return reason < NBFWD_REFUSE_MAX ? nbfwd_attach_refusal_names[reason] : "unknown";
}

/* Counters are read by telemetry while the thread runs: one writer, relaxed stores. */
static void
nbfwd_chansrv_count(uint64_t *counter)
{
	__atomic_store_n(counter, *counter + 1, __ATOMIC_RELAXED);
}

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

/* A new second of logging: say how many refusals the last one left out. */
static void
nbfwd_chansrv_log_tick(struct nbfwd_chansrv *s)
{
	uint64_t now = rte_get_tsc_cycles();

	if (now - s->log_second < rte_get_tsc_hz())
		return;
	if (s->unlogged != 0)
		CHAN_LOG(NOTICE, "attach: %u more refusal(s) not logged (see /nbfwd/attach)",
			s->unlogged);
	s->log_second = now;
	s->logged = 0;
	s->unlogged = 0;
}

/*
 * A flood of refusals must not flood the log: NBFWD_CHANSRV_LOG_PER_S a
 * second, then one line saying how many were left out (all are counted).
 */
static bool
nbfwd_chansrv_log_ok(struct nbfwd_chansrv *s)
{
	nbfwd_chansrv_log_tick(s);
	if (s->logged < NBFWD_CHANSRV_LOG_PER_S) {
		s->logged++;
		return true;
	}
	s->unlogged++;
	return false;
}

/*
 * Send ERROR {code, text} and count the refusal; nbfwd's log gets @p fmt
 * (which may say more than the peer is told).
 */
static void
nbfwd_chansrv_vrefuse(struct nbfwd_chansrv *s, int fd, enum nbfwd_attach_refusal why,
	int code, const char *text, const char *fmt, va_list ap)
{
	struct nbshm_msg_error m;
	char detail[256];

	vsnprintf(detail, sizeof(detail), fmt, ap);
	nbshm_proto_error_init(&m, code, "%s", text != NULL ? text : detail);
	if (nbshm_proto_send(fd, &m, sizeof(m), NULL, 0) != 0)
		CHAN_LOG(DEBUG, "attach: could not send the refusal: %s", strerror(errno));
	nbfwd_chansrv_count(&s->st.refused[why]);
	if (!nbfwd_chansrv_log_ok(s))
		return;
	CHAN_LOG(NOTICE, "attach refused: %s [%s]", detail, nbfwd_attach_refusal_name(why));
}

/* Refuse, telling the peer what the log says. */
static void __rte_format_printf(5, 6)
nbfwd_chansrv_refuse(struct nbfwd_chansrv *s, int fd, enum nbfwd_attach_refusal why,
	int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nbfwd_chansrv_vrefuse(s, fd, why, code, NULL, fmt, ap);
	va_end(ap);
}

/* Refuse with @p text for the peer and @p fmt for the log. */
static void __rte_format_printf(6, 7)
nbfwd_chansrv_refuse_as(struct nbfwd_chansrv *s, int fd, enum nbfwd_attach_refusal why,
	int code, const char *text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nbfwd_chansrv_vrefuse(s, fd, why, code, text, fmt, ap);
	va_end(ap);
}

/*
 * Refuse a peer that may not learn why: it gets EACCES "not allowed",
 * whether the name does not exist or its credentials do not fit; the log
 * gets the detail.
 */
#define NBFWD_CHANSRV_DENY(s, fd, why, ...) \
	nbfwd_chansrv_refuse_as(s, fd, why, EACCES, NBFWD_CHANSRV_DENIED, __VA_ARGS__)

static bool
nbfwd_chansrv_id_in(const struct nbfwd_id_list *l, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < l->n; i++)
		if (l->id[i] == id)
			return true;
	return false;
}

/* The peer's gid or one of its supplementary groups (SO_PEERGROUPS) is in @p l. */
static bool
nbfwd_chansrv_groups_in(int fd, const struct ucred *cred, const struct nbfwd_id_list *l)
{
	gid_t groups[NBFWD_CHANSRV_GROUPS];
	socklen_t len = sizeof(groups);
	unsigned int i;

	if (l->n == 0)
		return false;
	if (nbfwd_chansrv_id_in(l, cred->gid))
		return true;
	/* more groups than we look at (ERANGE): only its gid counts */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return false;
	for (i = 0; i < len / sizeof(groups[0]); i++)
		if (nbfwd_chansrv_id_in(l, groups[i]))
			return true;
	return false;
}

/*
 * May this peer attach as @p c? Root and nbfwd's own uid always may (they
 * can read nbfwd's memory anyway); anyone else only when named by the
 * consumer's uid or gid list.
 */
static bool
nbfwd_chansrv_permitted(const struct nbfwd_chansrv *s, int fd, const struct ucred *cred,
	const struct nbfwd_consumer *c)
{
	if (cred->uid == 0 || cred->uid == s->self_uid)
		return true;
	return nbfwd_chansrv_id_in(&c->cfg->uids, cred->uid) ||
		nbfwd_chansrv_groups_in(fd, cred, &c->cfg->gids);
}

/* May this peer attach as any consumer at all? */
static bool
nbfwd_chansrv_permitted_any(const struct nbfwd_chansrv *s, int fd, const struct ucred *cred)
{
	unsigned int i;

	for (i = 0; i < s->ctx->n_consumers; i++)
		if (nbfwd_chansrv_permitted(s, fd, cred, &s->ctx->consumers[i]))
			return true;
	return false;
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


/*
 * The peer's liveness: a pidfd of the process that connected (taken by the
 * kernel at connect() with SO_PEERPIDFD, else opened from SO_PEERCRED's pid).
 * @return the pidfd, or -1 with errno (ESRCH: it has exited).
 */
static int
nbfwd_chansrv_peer_pidfd(int fd, pid_t pid)
{
	socklen_t len = sizeof(int);
	int pfd = -1;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pfd, &len) == 0 && pfd >= 0) {
		fcntl(pfd, F_SETFD, FD_CLOEXEC);
		return pfd;
	}
	/* by pid only where the kernel has no SO_PEERPIDFD: its pid may be reused */
	if (errno != ENOPROTOOPT)
		return -1;
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * Who may have which name: a name that does not exist and a name this peer
 * may not have get the same answer. @return the consumer, or NULL (refused).
 */
static struct nbfwd_consumer *
nbfwd_chansrv_admit(struct nbfwd_chansrv *s, int fd, const struct ucred *cred,
	const struct nbshm_msg_attach *a)
{
	struct nbfwd_consumer *c = nbfwd_chansrv_find(s->ctx, a->name);

	if (c == NULL) {
		NBFWD_CHANSRV_DENY(s, fd, NBFWD_REFUSE_UNKNOWN_NAME, "no consumer named \"%s\" "
			"(uid %u, pid %d)", a->name, cred->uid, cred->pid);
		return NULL;
	}
	if (!nbfwd_chansrv_permitted(s, fd, cred, c)) {
		NBFWD_CHANSRV_DENY(s, fd, NBFWD_REFUSE_NOT_ALLOWED, "consumer %s: uid %u gid %u "
			"(pid %d) not allowed (see its uid and gid keys)", c->name, cred->uid,
			cred->gid, cred->pid);
		return NULL;
	}
	if (a->queue != 0) {
		nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_BAD_QUEUE, EINVAL, "consumer %s has 1 "
			"queue: queue %u does not exist", c->name, a->queue);
		return NULL;
	}
	if (c->state != NBFWD_CONS_DETACHED) {
		/* the holder's pid is not the asker's business: the log has it */
		nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_BUSY, EBUSY, "consumer %s is %s",
			c->name, c->state == NBFWD_CONS_ATTACHED ? "attached already" :
			"being detached: try again");
		CHAN_LOG(INFO, "consumer %s: held by pid %d, asked by uid %u pid %d", c->name,
			c->pid, cred->uid, cred->pid);
		return NULL;
	}
	return c;
}

/*
 * Every worker acknowledged @p c's renewal, within the ack deadline (polled:
 * a worker is back in its loop within a burst). A late one is counted.
 */
static bool
nbfwd_chansrv_workers_past(struct nbfwd_chansrv *s, struct nbfwd_consumer *c)
{
	uint64_t deadline = rte_get_tsc_cycles() +
		rte_get_tsc_hz() * NBFWD_CHANSRV_ACK_MS / 1000;
	unsigned int q, acked;

	do {
		acked = 0;
		for (q = 0; q < c->n_qp; q++)
			acked += __atomic_load_n(&c->qp[q].ack, __ATOMIC_ACQUIRE) != 0;
		if (acked == c->n_qp)
			return true;
		usleep(100);
	} while (rte_get_tsc_cycles() < deadline && !s->stop && !nbfwd_force_quit);
	nbfwd_chansrv_count(&s->st.ack_timeouts);
	CHAN_LOG(WARNING, "consumer %s: %u of %u workers past its old memory after %u ms: "
		"attach refused", c->name, acked, c->n_qp, NBFWD_CHANSRV_ACK_MS);
	return false;
}

static void
nbfwd_chansrv_attach(struct nbfwd_chansrv *s, int fd, const struct ucred *cred)
{
	struct nbfwd_ctx *ctx = s->ctx;
	union {
		struct nbshm_msg_attach a;
		uint8_t raw[NBSHM_PROTO_MSG_MAX];
	} msg;
	struct nbshm_msg_attach_ok ok;
	struct nbfwd_consumer *c;
	struct epoll_event ev;
	unsigned int n_fds = 0;
	int fds[NBSHM_PROTO_MAX_FDS];
	int out_fds[NBSHM_PROTO_ATTACH_OK_FDS];
	char err[256];
	const char *why;
	ssize_t len;
	unsigned int i;
	int pidfd;

	len = nbshm_proto_recv(fd, msg.raw, sizeof(msg.raw), fds, NBSHM_PROTO_MAX_FDS, &n_fds);
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	if (len <= 0) {
		if (len < 0)
			nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_BAD_MESSAGE,
				errno == EMSGSIZE ? EMSGSIZE : EPROTO,
				"bad attach message: %s", strerror(errno));
		close(fd);
		return;
	}
	why = nbshm_proto_check_attach(msg.raw, (size_t)len, n_fds);
	if (why != NULL) {
		nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_BAD_MESSAGE, EPROTO,
			"bad attach message: %s", why);
		close(fd);
		return;
	}
	c = nbfwd_chansrv_admit(s, fd, cred, &msg.a);
	if (c == NULL) {
		close(fd);
		return;
	}
	pidfd = nbfwd_chansrv_peer_pidfd(fd, cred->pid);
	if (pidfd < 0) {
		bool gone = errno == ESRCH;

		nbfwd_chansrv_refuse(s, fd, gone ? NBFWD_REFUSE_PEER_GONE : NBFWD_REFUSE_INTERNAL,
			gone ? ESRCH : EIO, "consumer %s: %s", c->name, gone ?
			"the process that connected has exited" : "cannot watch the process");
		close(fd);
		return;
	}
	/* workers do not look at the consumer until its state says ATTACHED */
	if (nbfwd_consumer_renew(ctx, c, err, sizeof(err)) != 0) {
		CHAN_LOG(WARNING, "consumer %s: no fresh memory for an attach: %s", c->name, err);
		nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_NO_MEMORY, ENOMEM, "consumer %s: no "
			"memory for a new attachment (see nbfwd's log)", c->name);
		close(pidfd);
		close(fd);
		return;
	}
	/*
	 * A device that writes its rx buffers (steering = port|flow) may have
	 * written a burst into the old pages: every worker is past it (and
	 * dropped it, the consumer being detached) before it is attached.
	 */
	if (nbfwd_consumer_device_writes(c) && !nbfwd_chansrv_workers_past(s, c)) {
		nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_BUSY, EBUSY, "consumer %s is being "
			"detached: try again", c->name);
		close(pidfd);
		close(fd);
		return;
	}
	c->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->evfd < 0) {
		nbfwd_chansrv_refuse(s, fd, NBFWD_REFUSE_INTERNAL, errno, "consumer %s: eventfd: %s",
			c->name, strerror(errno));
		close(pidfd);
		close(fd);
		return;
	}
	nbshm_proto_attach_ok_init(&ok, &c->layout, ctx->regions[c->region].page_size,
		ctx->regions[c->region].r.name, c->cfg->mac, (uint16_t)(c->vlan < 0 ? 0xffff :
		c->vlan));
	out_fds[NBSHM_PROTO_FD_CONTROL] = ctx->regions[c->region].r.fd;
	out_fds[NBSHM_PROTO_FD_RX] = ctx->regions[c->region].r.rx_fd;
	out_fds[NBSHM_PROTO_FD_EVENT] = c->evfd;
	if (nbshm_proto_send(fd, &ok, sizeof(ok), out_fds, NBSHM_PROTO_ATTACH_OK_FDS) != 0) {
		CHAN_LOG(NOTICE, "consumer %s: attach reply failed: %s", c->name, strerror(errno));
		close(c->evfd);
		c->evfd = -1;
		close(pidfd);
		close(fd);
		nbfwd_chansrv_count(&s->st.refused[NBFWD_REFUSE_INTERNAL]);
		return;
	}
	c->pid = cred->pid;
	c->uid = cred->uid;
	c->pidfd = pidfd;
	c->sock = fd;
	c->attaches++;
	c->attached_tsc = rte_get_tsc_cycles();
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.u64 = NBFWD_EV_CONSUMER(c->index);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		CHAN_LOG(WARNING, "consumer %s: epoll: %s: its detach will be seen at exit only",
			c->name, strerror(errno));
	ev.events = EPOLLIN;
	ev.data.u64 = NBFWD_EV_PIDFD(c->index);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, pidfd, &ev) != 0)
		CHAN_LOG(WARNING, "consumer %s: epoll: %s: its exit is seen by its socket only",
			c->name, strerror(errno));
	__atomic_store_n(&c->state, NBFWD_CONS_ATTACHED, __ATOMIC_RELEASE);
	nbfwd_chansrv_count(&s->st.attached);
	CHAN_LOG(INFO, "consumer %s attached (pid %d, uid %u), region %s handle 0x%016" PRIx64,
		c->name, c->pid, c->uid, ctx->regions[c->region].r.name, c->layout.handle);
}

/* Close a consumer's side after every queue pair was reclaimed. */
static void
nbfwd_chansrv_close(struct nbfwd_chansrv *s, struct nbfwd_consumer *c)
{
	if (c->sock >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->sock, NULL);
		close(c->sock);
	}
	if (c->pidfd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->pidfd, NULL);
		close(c->pidfd);
	}
	if (c->evfd >= 0)
		close(c->evfd);
	c->sock = -1;
	c->pidfd = -1;
	c->evfd = -1;
	__atomic_store_n(&c->state, NBFWD_CONS_DETACHED, __ATOMIC_RELEASE);
}

/*
 * End an attachment: ask the workers to take back what they lent. The
 * thread does not wait for them: nbfwd_chansrv_detach_poll() finishes it.
 * Its socket and pidfd leave the epoll set now (a hang-up stays readable).
 */
static void
nbfwd_chansrv_detach(struct nbfwd_chansrv *s, struct nbfwd_consumer *c,
		enum nbfwd_chansrv_why why)
{
	static const char * const text[] = {
		[NBFWD_WHY_CLOSED] = "its socket closed",
		[NBFWD_WHY_EXITED] = "the process that attached exited",
		[NBFWD_WHY_FAULTED] = "its control file lost pages under nbfwd (SIGBUS, "
			"repaired with zero pages)",
		[NBFWD_WHY_STALLED] = "it held its buffers past stall_ms",
	};
	unsigned int q;

	if (c->sock >= 0)
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->sock, NULL);
	if (c->pidfd >= 0)
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->pidfd, NULL);
	if (why == NBFWD_WHY_CLOSED)
		nbfwd_chansrv_count(&s->st.detached_closed);
	else if (why == NBFWD_WHY_EXITED)
		nbfwd_chansrv_count(&s->st.detached_exited);
	c->detach_deadline = rte_get_tsc_cycles() + rte_get_tsc_hz() * NBFWD_CHANSRV_ACK_MS / 1000;
	/* the acks of the renewal (detached workers past the old pages) are spent */
	for (q = 0; q < c->n_qp; q++)
		__atomic_store_n(&c->qp[q].ack, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->state, NBFWD_CONS_DETACHING, __ATOMIC_RELEASE);
	if (why == NBFWD_WHY_CLOSED || why == NBFWD_WHY_EXITED)
		CHAN_LOG(INFO, "consumer %s detaching (pid %d): %s", c->name, c->pid, text[why]);
	else
		CHAN_LOG(WARNING, "consumer %s detaching (pid %d): %s", c->name, c->pid,
			text[why]);
}

/*
 * Finish the detaches every worker acknowledged. One overdue is counted and
 * logged, and waited for again (a worker stuck in a long tx burst acks when
 * it gets back to its poll loop); meanwhile other consumers attach and
 * detach. @return true while a detach is still waiting.
 */
static bool
nbfwd_chansrv_detach_poll(struct nbfwd_chansrv *s)
{
	uint64_t now = rte_get_tsc_cycles();
	bool waiting = false;
	unsigned int i, q, acked;

	for (i = 0; i < s->ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &s->ctx->consumers[i];
		struct nbfwd_cons_qstats st;
		uint64_t lent;

		if (c->state != NBFWD_CONS_DETACHING)
			continue;
		acked = 0;
		for (q = 0; q < c->n_qp; q++)
			acked += __atomic_load_n(&c->qp[q].ack, __ATOMIC_ACQUIRE) != 0;
		if (acked == c->n_qp) {
			nbfwd_chansrv_close(s, c);
			nbfwd_consumer_stats(c, &st, &lent);
			CHAN_LOG(INFO, "consumer %s detached (pid %d): %" PRIu64 " lent buffer(s) "
				"taken back in all", c->name, c->pid, st.reclaimed);
			continue;
		}
		waiting = true;
		if (now < c->detach_deadline)
			continue;
		nbfwd_chansrv_count(&s->st.ack_timeouts);
		CHAN_LOG(WARNING, "consumer %s: %u of %u workers acknowledged its detach within "
			"%u ms; waiting again", c->name, acked, c->n_qp, NBFWD_CHANSRV_ACK_MS);
		c->detach_deadline = now + rte_get_tsc_hz() * NBFWD_CHANSRV_ACK_MS / 1000;
	}
	return waiting;
}

static void
nbfwd_chansrv_drop_pending(struct nbfwd_chansrv *s, unsigned int i)
{
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->pending[i].fd, NULL);
	close(s->pending[i].fd);
	s->pending[i].fd = -1;
	__atomic_store_n(&s->st.pending, s->st.pending - 1, __ATOMIC_RELAXED);
}

/* Pending connection @p i has an ATTACH (or anything) waiting to be read. */
static bool
nbfwd_chansrv_has_data(const struct nbfwd_chansrv *s, unsigned int i)
{
	uint8_t b;

	return recv(s->pending[i].fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 ||
		(errno != EAGAIN && errno != EWOULDBLOCK);
}

/*
 * Room for a connection of @p uid. Each uid has at most MAX_PENDING_UID
 * slots; when they are taken, its oldest idle connection (nothing sent yet)
 * makes room. When all slots are taken, the oldest idle connection of the
 * uid holding the most does. So idle connections held by one uid delay
 * nobody else, nor a newer connection of the same uid, by more than the
 * moment it takes to send the ATTACH.
 * @return a free slot, or -1.
 */
static int
nbfwd_chansrv_make_room(struct nbfwd_chansrv *s, uid_t uid)
{
	unsigned int i, mine = 0, most = 0, held;
	int free_slot = -1, victim = -1;
	uid_t hog = uid;

	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++) {
		if (s->pending[i].fd < 0) {
			free_slot = free_slot < 0 ? (int)i : free_slot;
			continue;
		}
		mine += s->pending[i].cred.uid == uid;
	}
	if (free_slot >= 0 && mine < NBFWD_CHANSRV_MAX_PENDING_UID)
		return free_slot;
	if (free_slot < 0 && mine < NBFWD_CHANSRV_MAX_PENDING_UID) {
		/* full: the uid with most slots gives one */
		for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++) {
			unsigned int j;

			held = 0;
			for (j = 0; j < NBFWD_CHANSRV_MAX_PENDING; j++)
				held += s->pending[j].cred.uid == s->pending[i].cred.uid;
			if (held > most) {
				most = held;
				hog = s->pending[i].cred.uid;
			}
		}
	}
	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++) {
		const struct nbfwd_chansrv_conn *p = &s->pending[i];

		if (p->fd < 0 || p->cred.uid != hog || nbfwd_chansrv_has_data(s, i))
			continue;
		if (victim < 0 || p->seq < s->pending[victim].seq)
			victim = (int)i;
	}
	if (victim < 0)
		return -1;
	nbfwd_chansrv_refuse_as(s, s->pending[victim].fd, NBFWD_REFUSE_DISPLACED, EAGAIN,
		NBFWD_CHANSRV_BUSY, "%s (uid %u, pid %d: idle, closed for a newer one)",
		NBFWD_CHANSRV_BUSY, s->pending[victim].cred.uid, s->pending[victim].cred.pid);
	nbfwd_chansrv_drop_pending(s, (unsigned int)victim);
	return victim;
}

static int
nbfwd_chansrv_add_pending(struct nbfwd_chansrv *s, int fd, const struct ucred *cred)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	int i = nbfwd_chansrv_make_room(s, cred->uid);

	if (i < 0)
		return -1;
	ev.data.u64 = NBFWD_EV_PENDING((unsigned int)i);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	s->pending[i].fd = fd;
	s->pending[i].cred = *cred;
	s->pending[i].seq = s->seq++;
	s->pending[i].deadline = rte_get_tsc_cycles() +
		rte_get_tsc_hz() * NBFWD_CHANSRV_HELLO_MS / 1000;
	__atomic_store_n(&s->st.pending, s->st.pending + 1, __ATOMIC_RELAXED);
	return 0;
}

/* One new connection: who it is decides before anything is read from or sent to it. */
static void
nbfwd_chansrv_accept_one(struct nbfwd_chansrv *s, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	nbfwd_chansrv_count(&s->st.connections);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
		CHAN_LOG(NOTICE, "attach refused: SO_PEERCRED: %s [%s]", strerror(errno),
			nbfwd_attach_refusal_name(NBFWD_REFUSE_INTERNAL));
		nbfwd_chansrv_count(&s->st.refused[NBFWD_REFUSE_INTERNAL]);
		close(fd);
		return;
	}
	if (!nbfwd_chansrv_permitted_any(s, fd, &cred)) {
		NBFWD_CHANSRV_DENY(s, fd, NBFWD_REFUSE_NOT_ALLOWED, "uid %u gid %u (pid %d) may "
			"attach as no consumer", cred.uid, cred.gid, cred.pid);
		close(fd);
		return;
	}
	if (nbfwd_chansrv_add_pending(s, fd, &cred) != 0) {
		nbfwd_chansrv_refuse_as(s, fd, NBFWD_REFUSE_TOO_MANY, EAGAIN, NBFWD_CHANSRV_BUSY,
			"%s (uid %u, pid %d)", NBFWD_CHANSRV_BUSY, cred.uid, cred.pid);
		close(fd);
	}
}

static void
nbfwd_chansrv_accept(struct nbfwd_chansrv *s)
{
	unsigned int n;
	int fd;

	/* what the backlog holds, a burst at a time: pending ones get their turn too */
	for (n = 0; n < NBFWD_CHANSRV_ACCEPT_BURST; n++) {
		/* non-blocking: no peer can hold this thread in a recv() or send() */
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		nbfwd_chansrv_accept_one(s, fd);
	}
}

static void
nbfwd_chansrv_expire(struct nbfwd_chansrv *s)
{
	uint64_t now = rte_get_tsc_cycles();
	char text[64];
	unsigned int i;

	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++) {
		struct nbfwd_chansrv_conn *p = &s->pending[i];

		if (p->fd < 0 || now < p->deadline)
			continue;
		snprintf(text, sizeof(text), "no attach message within %u ms",
			NBFWD_CHANSRV_HELLO_MS);
		nbfwd_chansrv_refuse_as(s, p->fd, NBFWD_REFUSE_TIMEOUT, ETIMEDOUT, text,
			"%s (uid %u, pid %d)", text, p->cred.uid, p->cred.pid);
		nbfwd_chansrv_drop_pending(s, i);
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
		struct ucred cred = s->pending[i].cred;

		s->pending[i].fd = -1;
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		__atomic_store_n(&s->st.pending, s->st.pending - 1, __ATOMIC_RELAXED);
		nbfwd_chansrv_attach(s, fd, &cred);
	} else if ((kind == 2 || kind == 3) && i < s->ctx->n_consumers) {
		/* anything after the attach, a hang-up, or its process gone, ends it */
		struct nbfwd_consumer *c = &s->ctx->consumers[i];

		if (c->state == NBFWD_CONS_ATTACHED)
			nbfwd_chansrv_detach(s, c, kind == 3 ? NBFWD_WHY_EXITED : NBFWD_WHY_CLOSED);
	}
}

/*
 * A SIGBUS in a consumer's control mapping (it punched holes in its control
 * file with no hugepage left to fault in) was repaired with zero pages by the
 * guard: that attachment is over.
 */
static void
nbfwd_chansrv_check_faults(struct nbfwd_chansrv *s)
{
	unsigned int i;

	for (i = 0; i < s->ctx->n_consumers && !s->stop; i++) {
		struct nbfwd_consumer *c = &s->ctx->consumers[i];

		if (c->state != NBFWD_CONS_ATTACHED || !nbfwd_consumer_broken(c))
			continue;
		c->faults++;
		nbfwd_chansrv_detach(s, c, NBFWD_WHY_FAULTED);
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
			"holding its buffers", c->name, c->cfg->stall_ms);
		nbfwd_chansrv_detach(s, c, NBFWD_WHY_STALLED);
	}
}

static void *
nbfwd_chansrv_main(void *arg)
{
	struct nbfwd_chansrv *s = arg;
	struct epoll_event ev[16];
	bool detaching = false;
	int n, i;

	while (!s->stop) {
		/* short naps while workers owe a detach its acks */
		n = epoll_wait(s->epfd, ev, RTE_DIM(ev), detaching ? 2 : 100);
		for (i = 0; i < n && !s->stop; i++)
			nbfwd_chansrv_event(s, ev[i].data.u64);
		nbfwd_chansrv_expire(s);
		nbfwd_chansrv_log_tick(s);
		nbfwd_chansrv_check_faults(s);
		nbfwd_chansrv_watch(s);
		detaching = nbfwd_chansrv_detach_poll(s);
	}
	return NULL;
}

/* Look up a group, or say none was asked for. */
static gid_t
nbfwd_chansrv_group(const struct nbfwd_config *cfg)
{
	return cfg->socket_group < 0 ? (gid_t)-1 : (gid_t)cfg->socket_group;
}

/*
 * Bind with no moment where the socket file is more open than asked: it is
 * made 0600 (umask around bind), then given its group, then its mode, by
 * path without following a link.
 */
static int
nbfwd_chansrv_bind(struct nbfwd_chansrv *s, const struct sockaddr_un *sa)
{
	const struct nbfwd_config *cfg = &s->ctx->cfg;
	mode_t old = umask(0177);
	int rc = bind(s->lfd, (const struct sockaddr *)sa, sizeof(*sa));

	umask(old);
	if (rc != 0) {
		CHAN_LOG(ERR, "attach socket %s: %s (its directory must exist and be writable)",
			s->path, strerror(errno));
		return -1;
	}
	if (fchownat(AT_FDCWD, s->path, (uid_t)-1, nbfwd_chansrv_group(cfg),
			AT_SYMLINK_NOFOLLOW) != 0 ||
			fchmodat(AT_FDCWD, s->path, cfg->socket_mode, AT_SYMLINK_NOFOLLOW) != 0) {
		CHAN_LOG(ERR, "attach socket %s: cannot give it group %" PRId64 " and mode 0%o: %s",
			s->path, cfg->socket_group, (unsigned int)cfg->socket_mode, strerror(errno));
		unlink(s->path);
		return -1;
	}
	return 0;
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
	if (nbfwd_chansrv_bind(s, &sa) != 0)
		return -1;
	if (listen(s->lfd, NBFWD_CHANSRV_BACKLOG) != 0) {
		CHAN_LOG(ERR, "attach socket %s: listen: %s", s->path, strerror(errno));
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
nbfwd_chansrv_start(struct nbfwd_ctx *ctx)
{
	struct nbfwd_chansrv *s;
	struct stat st;
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
	s->self_uid = geteuid();
	for (i = 0; i < NBFWD_CHANSRV_MAX_PENDING; i++)
		s->pending[i].fd = -1;
	for (i = 0; i < ctx->n_consumers; i++)
		ctx->consumers[i].pidfd = -1;
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
	if (lstat(s->path, &st) == 0) {
		s->st.mode = st.st_mode & 07777;
		s->st.group = st.st_gid;
	}
	rc = nbfwd_ctrl_thread_create(&s->thread, "nbfwd-attach", nbfwd_chansrv_main, s);
	if (rc != 0) {
		CHAN_LOG(ERR, "attach socket: cannot start its thread: %s", strerror(-rc));
		return -1;
	}
	s->running = true;
	CHAN_LOG(INFO, "consumers attach at %s (%u configured; mode 0%o, group %u)", s->path,
		ctx->n_consumers, (unsigned int)s->st.mode, (unsigned int)s->st.group);
	return 0;
}

void
nbfwd_chansrv_stop(struct nbfwd_ctx *ctx)
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
	s->st.pending = 0;
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->lfd >= 0) {
		close(s->lfd);
		unlink(s->path);
	}
	s->epfd = -1;
	s->lfd = -1;
	/* s stays for its counters: vmq's teardown step frees it */
}

int
nbfwd_consumers_attach_stats(const struct nbfwd_ctx *ctx, struct nbfwd_attach_stats *out)
{
	const struct nbfwd_chansrv *s = ctx->chansrv;
	unsigned int r;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	out->connections = __atomic_load_n(&s->st.connections, __ATOMIC_RELAXED);
	out->attached = __atomic_load_n(&s->st.attached, __ATOMIC_RELAXED);
	for (r = 0; r < NBFWD_REFUSE_MAX; r++)
		out->refused[r] = __atomic_load_n(&s->st.refused[r], __ATOMIC_RELAXED);
	out->detached_closed = __atomic_load_n(&s->st.detached_closed, __ATOMIC_RELAXED);
	out->detached_exited = __atomic_load_n(&s->st.detached_exited, __ATOMIC_RELAXED);
	out->ack_timeouts = __atomic_load_n(&s->st.ack_timeouts, __ATOMIC_RELAXED);
	out->pending = __atomic_load_n(&s->st.pending, __ATOMIC_RELAXED);
	out->mode = s->st.mode;
	out->group = s->st.group;
	return 0;
}

const char *
nbfwd_consumers_socket(const struct nbfwd_ctx *ctx)
{
	return ctx->chansrv != NULL && ctx->chansrv->lfd >= 0 ? ctx->chansrv->path : "";
}
