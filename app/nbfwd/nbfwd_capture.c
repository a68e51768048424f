/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The "mp_pdump" server of nbfwd (doc/capture.md). DPDK 22.11's own server
 * (and 24.11's)
 * (rte_pdump_init()) unlinks its rx/tx callbacks and replies at once; a
 * worker still inside a callback then copies into the ring and mempool
 * dpdk-dumpcap frees right after the reply, and nbfwd dies. This server
 * speaks the same protocol (facts of DPDK 22.11's lib/pdump, unchanged in
 * 24.11: request and reply layout, versions, operations, flags, the
 * statistics memzone, the requester's socket name) with
 * callbacks of its own, and replies to a disable only after every worker
 * has passed a quiescent point (nbfwd_quiesce.h).
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <rte_bpf.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_pcapng.h>
#include <rte_pdump.h>
#include <rte_ring.h>
#include <rte_string_fns.h>
#include <rte_version.h>

#include "nbfwd_capture.h"
#include "nbfwd_log.h"
#include "nbfwd_quiesce.h"

/* the request layout below is DPDK 22.11's and 24.11's: any other version
 * is refused (built against one, nbfwd runs on that branch only) */
#if RTE_VERSION >= RTE_VERSION_NUM(22, 11, 0, 0) && RTE_VERSION < RTE_VERSION_NUM(22, 12, 0, 0)
#define NBFWD_CAP_PROTOCOL 1
#define NBFWD_CAP_DPDK "DPDK 22.11."
#elif RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0) && RTE_VERSION < RTE_VERSION_NUM(24, 12, 0, 0)
#define NBFWD_CAP_PROTOCOL 1
#define NBFWD_CAP_DPDK "DPDK 24.11."
#endif

#ifdef NBFWD_CAP_PROTOCOL

#define NBFWD_CAP_MP "mp_pdump"			/* the action name */
#define NBFWD_CAP_STATS_MZ "rte_pdump_stats"	/* what rte_pdump_stats() looks up */
#define NBFWD_CAP_CHUNK 64			/* packets copied per step */

enum { NBFWD_CAP_OP_DISABLE = 1, NBFWD_CAP_OP_ENABLE = 2 };
enum { NBFWD_CAP_V1 = 1, NBFWD_CAP_V2 = 2 };	/* plain copy; pcapng */
enum { NBFWD_CAP_RX, NBFWD_CAP_TX, NBFWD_CAP_DIRS };

/* DPDK 22.11's request, field for field (pointers are the requester's:
 * secondaries map the same addresses) */
struct nbfwd_cap_req {
	uint16_t ver;
	uint16_t op;
	uint32_t flags;			/* RTE_PDUMP_FLAG_RX / _TX */
	char device[RTE_DEV_NAME_MAX_LEN];
	uint16_t queue;			/* or RTE_PDUMP_ALL_QUEUES */
	struct rte_ring *ring;		/* enable only */
	struct rte_mempool *mp;
	const struct rte_bpf_prm *prm;	/* NULL: no filter */
	uint32_t snaplen;
};

struct nbfwd_cap_resp {
	uint16_t ver;
	uint16_t res_op;
	int32_t err_value;		/* 0 or a negative errno */
};

/* The statistics memzone, laid out as DPDK 22.11's rte_pdump_stats() reads it */
struct nbfwd_cap_stats_mz {
	struct rte_pdump_stats rx[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
	struct rte_pdump_stats tx[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
	const struct rte_memzone *mz;
};

/* One queue captured in one direction: what its callback reads. */
struct nbfwd_cap_q {
	struct rte_ring *ring;
	struct rte_mempool *mp;
	struct rte_bpf *filter;
	struct rte_pdump_stats *stats;
	uint32_t snaplen;
	uint16_t ver;
	pid_t owner;			/* the requester, 0: unknown */
	bool unlinked;			/* callback removed, workers not yet quiesced */
	const struct rte_eth_rxtx_callback *cb;	/* NULL: not captured */
};

/* The queues a request names, per direction: [first, end), end 0 = none */
struct nbfwd_cap_span {
	uint16_t first[NBFWD_CAP_DIRS];
	uint16_t end[NBFWD_CAP_DIRS];
};

static const char * const nbfwd_cap_refusal_names[NBFWD_CAP_REFUSAL_MAX] = {
	[NBFWD_CAP_BAD_REQUEST] = "bad_request",
	[NBFWD_CAP_NO_PORT] = "no_port",
	[NBFWD_CAP_BUSY] = "busy",
	[NBFWD_CAP_NOT_ENABLED] = "not_enabled",
	[NBFWD_CAP_FILTER] = "filter",
	[NBFWD_CAP_CALLBACK] = "callback",
	[NBFWD_CAP_QUIESCE_TIMEOUT] = "quiesce_timeout",
};

/* Requests come one at a time on EAL's multi-process thread; the lock
 * orders them with nbfwd_capture_uninit() and the counters' reader. */
static struct {
	pthread_mutex_t lock;
	bool on;
	struct nbfwd_cap_stats_mz *stats;
	struct nbfwd_cap_q *q[RTE_MAX_ETHPORTS][NBFWD_CAP_DIRS]; /* RTE_MAX_QUEUES_PER_PORT each */
	struct nbfwd_cap_counters cnt;
} nbfwd_cap = { .lock = PTHREAD_MUTEX_INITIALIZER };

const char *
nbfwd_capture_refusal_name(unsigned int r)
{
	return r < NBFWD_CAP_REFUSAL_MAX ? nbfwd_cap_refusal_names[r] : "unknown";
}

void
nbfwd_capture_counters(struct nbfwd_cap_counters *c)
{
	pthread_mutex_lock(&nbfwd_cap.lock);
	*c = nbfwd_cap.cnt;
	pthread_mutex_unlock(&nbfwd_cap.lock);
}

/* A pcapng copy of @p m (23.11 dropped the timestamp argument: the copy
 * reads the clock itself). */
static inline struct rte_mbuf *
nbfwd_cap_pcapng_copy(uint16_t port, uint16_t queue, const struct rte_mbuf *m,
		struct rte_mempool *mp, uint32_t snaplen, uint64_t ts,
		enum rte_pcapng_direction dir)
{
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
	RTE_SET_USED(ts);
	return rte_pcapng_copy(port, queue, m, mp, snaplen, dir, NULL);
#else
	return rte_pcapng_copy(port, queue, m, mp, snaplen, ts, dir);
#endif
}

/* Copy a burst into the requester's pool and ring, as DPDK's pdump. */
static void
nbfwd_cap_copy(const struct nbfwd_cap_q *c, uint16_t port, uint16_t queue,
		enum rte_pcapng_direction dir, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *dup[NBFWD_CAP_CHUNK], *p;
	uint64_t rc[NBFWD_CAP_CHUNK];
	uint64_t ts = rte_get_tsc_cycles();
	uint16_t done, m, i, k;
	unsigned int enq;

	for (done = 0; done < n; done += m, pkts += m) {
		m = RTE_MIN(n - done, NBFWD_CAP_CHUNK);
		if (c->filter != NULL)
			rte_bpf_exec_burst(c->filter, (void **)pkts, rc, m);
		for (i = 0, k = 0; i < m; i++) {
			if (c->filter != NULL && rc[i] == 0) {
				__atomic_fetch_add(&c->stats->filtered, 1, __ATOMIC_RELAXED);
				continue;
			}
			if (c->ver == NBFWD_CAP_V2)
				p = nbfwd_cap_pcapng_copy(port, queue, pkts[i], c->mp,
					c->snaplen, ts, dir);
			else
				p = rte_pktmbuf_copy(pkts[i], c->mp, 0, c->snaplen);
			if (p == NULL)
				__atomic_fetch_add(&c->stats->nombuf, 1, __ATOMIC_RELAXED);
			else
				dup[k++] = p;
		}
		__atomic_fetch_add(&c->stats->accepted, k, __ATOMIC_RELAXED);
		enq = rte_ring_enqueue_burst(c->ring, (void **)dup, k, NULL);
		if (enq < k) {
			__atomic_fetch_add(&c->stats->ringfull, k - enq, __ATOMIC_RELAXED);
			rte_pktmbuf_free_bulk(&dup[enq], k - enq);
		}
	}
}

static uint16_t
nbfwd_cap_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		uint16_t max __rte_unused, void *arg)
{
	nbfwd_cap_copy(arg, port, queue, RTE_PCAPNG_DIRECTION_IN, pkts, n);
	return n;
}

static uint16_t
nbfwd_cap_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	nbfwd_cap_copy(arg, port, queue, RTE_PCAPNG_DIRECTION_OUT, pkts, n);
	return n;
}

static int
nbfwd_cap_refuse(enum nbfwd_cap_refusal r, int err, const struct nbfwd_cap_req *rq,
		const char *why)
{
	nbfwd_cap.cnt.refused[r]++;
	APP_LOG(WARNING, "capture: %s request for \"%s\" refused (%s): %s",
		rq->op == NBFWD_CAP_OP_ENABLE ? "enable" :
		rq->op == NBFWD_CAP_OP_DISABLE ? "disable" : "a", rq->device,
		nbfwd_cap_refusal_names[r], why);
	return err;
}

/*
 * The requester's pid from its multi-process socket path, which DPDK 22.11
 * names "<prefix's mp_socket>_<pid>_<tsc in hex>" for a secondary. 0 when the
 * path is not of that shape.
 */
static pid_t
nbfwd_cap_peer_pid(const void *peer)
{
	const char *path = peer, *tsc, *p;
	long pid = 0;

	tsc = strrchr(path, '_');
	if (tsc == NULL || tsc == path)
		return 0;
	for (p = tsc - 1; p > path && *p >= '0' && *p <= '9'; p--)
		;
	if (*p != '_' || p + 1 == tsc)
		return 0;
	for (p++; p < tsc && pid <= INT32_MAX / 10; p++)
		pid = pid * 10 + (*p - '0');
	return p == tsc && pid > 0 && pid <= INT32_MAX ? (pid_t)pid : 0;
}

/* A capture whose tool died (SIGKILL) without disabling it. */
static bool
nbfwd_cap_stale(const struct nbfwd_cap_q *c)
{
	return c->owner > 0 && kill(c->owner, 0) != 0 && errno == ESRCH;
}

/*
 * Unlink the callbacks of every captured queue of the span (with
 * @p stale_only: of those whose tool died), wait until no worker can be
 * inside one, then free them. @return the queues ended, or -ETIMEDOUT (they
 * stay allocated: a stuck worker may still hold one).
 */
static int
nbfwd_cap_end(uint16_t port, const struct nbfwd_cap_span *sp, bool stale_only)
{
	unsigned int d, n = 0;
	uint16_t q;
	int ret;

	for (d = 0; d < NBFWD_CAP_DIRS; d++) {
		if (nbfwd_cap.q[port][d] == NULL)
			continue;
		for (q = sp->first[d]; q < sp->end[d]; q++) {
			struct nbfwd_cap_q *c = &nbfwd_cap.q[port][d][q];

			if (c->cb == NULL || (stale_only && !nbfwd_cap_stale(c)))
				continue;
			ret = d == NBFWD_CAP_RX ? rte_eth_remove_rx_callback(port, q, c->cb) :
				rte_eth_remove_tx_callback(port, q, c->cb);
			if (ret != 0)
				APP_LOG(WARNING, "capture: port %u queue %u: removing the "
					"callback: %s", port, q, strerror(-ret));
			c->unlinked = true;
			n++;
		}
	}
	if (n == 0)
		return 0;
	ret = nbfwd_quiesce_wait(NBFWD_QS_WAIT_MS);
	for (d = 0; d < NBFWD_CAP_DIRS; d++) {
		if (nbfwd_cap.q[port][d] == NULL)
			continue;
		for (q = sp->first[d]; q < sp->end[d]; q++) {
			struct nbfwd_cap_q *c = &nbfwd_cap.q[port][d][q];

			if (!c->unlinked)
				continue;
			if (ret == 0) {
				rte_free((void *)(uintptr_t)c->cb);
				rte_bpf_destroy(c->filter);
			}
			memset(c, 0, sizeof(*c));
		}
	}
	return ret == 0 ? (int)n : ret;
}

/* The queues of @p port the request names, checked. @return 0 or -EINVAL. */
static int
nbfwd_cap_span(const struct nbfwd_cap_req *rq, uint16_t port, struct nbfwd_cap_span *sp)
{
	struct rte_eth_dev_info info;
	uint16_t nq[NBFWD_CAP_DIRS];
	unsigned int d;

	if (rte_eth_dev_info_get(port, &info) != 0)
		return -EINVAL;
	nq[NBFWD_CAP_RX] = info.nb_rx_queues;
	nq[NBFWD_CAP_TX] = info.nb_tx_queues;
	memset(sp, 0, sizeof(*sp));
	for (d = 0; d < NBFWD_CAP_DIRS; d++) {
		if (!(rq->flags & (d == NBFWD_CAP_RX ? RTE_PDUMP_FLAG_RX : RTE_PDUMP_FLAG_TX)))
			continue;
		if (rq->queue == RTE_PDUMP_ALL_QUEUES) {
			sp->end[d] = nq[d];
		} else {
			sp->first[d] = rq->queue;
			sp->end[d] = rq->queue + 1;
		}
		if (sp->end[d] > nq[d] || sp->end[d] == 0 || nq[d] > RTE_MAX_QUEUES_PER_PORT)
			return -EINVAL;
		if (nbfwd_cap.q[port][d] == NULL) {
			nbfwd_cap.q[port][d] = calloc(RTE_MAX_QUEUES_PER_PORT,
				sizeof(struct nbfwd_cap_q));
			if (nbfwd_cap.q[port][d] == NULL)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Set up one queue's capture and link its callback. */
static int
nbfwd_cap_start_queue(const struct nbfwd_cap_req *rq, pid_t owner, uint16_t port,
		unsigned int d, uint16_t q)
{
	struct nbfwd_cap_q *c = &nbfwd_cap.q[port][d][q];

	if (rq->prm != NULL) {
		c->filter = rte_bpf_load(rq->prm);
		if (c->filter == NULL)
			return nbfwd_cap_refuse(NBFWD_CAP_FILTER, -EINVAL, rq, "BPF filter does "
				"not load");
	}
	c->ring = rq->ring;
	c->mp = rq->mp;
	c->ver = rq->ver;
	c->snaplen = rq->snaplen;
	c->owner = owner;
	c->stats = d == NBFWD_CAP_RX ? &nbfwd_cap.stats->rx[port][q] :
		&nbfwd_cap.stats->tx[port][q];
	memset(c->stats, 0, sizeof(*c->stats));
	/* the add publishes c to the workers (release) */
	c->cb = d == NBFWD_CAP_RX ? rte_eth_add_first_rx_callback(port, q, nbfwd_cap_rx, c) :
		rte_eth_add_tx_callback(port, q, nbfwd_cap_tx, c);
	if (c->cb == NULL) {
		rte_bpf_destroy(c->filter);
		memset(c, 0, sizeof(*c));
		return nbfwd_cap_refuse(NBFWD_CAP_CALLBACK, -rte_errno, rq, "ethdev refused "
			"the callback");
	}
	return 0;
}

static int
nbfwd_cap_enable(const struct nbfwd_cap_req *rq, pid_t owner, uint16_t port,
		const struct nbfwd_cap_span *sp)
{
	unsigned int d;
	uint16_t q;
	int ret;

	if (rq->ring == NULL || rq->mp == NULL)
		return nbfwd_cap_refuse(NBFWD_CAP_BAD_REQUEST, -EINVAL, rq, "no ring or pool");
	if (rq->prm != NULL && rq->prm->prog_arg.type != RTE_BPF_ARG_PTR_MBUF)
		return nbfwd_cap_refuse(NBFWD_CAP_FILTER, -EINVAL, rq, "BPF program does not "
			"take an mbuf");
	/* a tool killed without disabling leaves its capture: end it */
	ret = nbfwd_cap_end(port, sp, true);
	if (ret > 0) {
		nbfwd_cap.cnt.stale += ret;
		nbfwd_cap.cnt.disabled += ret;
		APP_LOG(NOTICE, "capture: %s: ended %d queue capture(s) whose tool has gone",
			rq->device, ret);
	}
	for (d = 0; d < NBFWD_CAP_DIRS; d++)
		for (q = sp->first[d]; q < sp->end[d]; q++)
			if (nbfwd_cap.q[port][d][q].cb != NULL)
				return nbfwd_cap_refuse(NBFWD_CAP_BUSY, -EEXIST, rq,
					"a queue is already captured");
	for (d = 0; d < NBFWD_CAP_DIRS; d++) {
		for (q = sp->first[d]; q < sp->end[d]; q++) {
			ret = nbfwd_cap_start_queue(rq, owner, port, d, q);
			if (ret != 0) {
				/* all or nothing: end what this request started */
				nbfwd_cap_end(port, sp, false);
				return ret;
			}
		}
	}
	for (d = 0; d < NBFWD_CAP_DIRS; d++)
		nbfwd_cap.cnt.enabled += sp->end[d] - sp->first[d];
	APP_LOG(INFO, "capture: %s %s%s%s enabled (%s)", rq->device,
		sp->end[NBFWD_CAP_RX] != 0 ? "rx" : "",
		sp->end[NBFWD_CAP_RX] != 0 && sp->end[NBFWD_CAP_TX] != 0 ? "+" : "",
		sp->end[NBFWD_CAP_TX] != 0 ? "tx" : "", rq->ver == NBFWD_CAP_V2 ? "pcapng" : "copy");
	return 0;
}

static int
nbfwd_cap_disable(const struct nbfwd_cap_req *rq, uint16_t port, const struct nbfwd_cap_span *sp)
{
	int ret = nbfwd_cap_end(port, sp, false);

	if (ret == -ETIMEDOUT)
		return nbfwd_cap_refuse(NBFWD_CAP_QUIESCE_TIMEOUT, ret, rq, "a worker did not "
			"pass a quiescent point in time; the capture's memory stays referenced");
	if (ret == 0)
		return nbfwd_cap_refuse(NBFWD_CAP_NOT_ENABLED, -EINVAL, rq, "nothing captured");
	nbfwd_cap.cnt.disabled += (unsigned int)ret;
	APP_LOG(INFO, "capture: %s disabled (%d queue(s)), workers quiesced", rq->device, ret);
	return 0;
}

static int
nbfwd_cap_handle(const struct nbfwd_cap_req *rq, pid_t owner)
{
	struct nbfwd_cap_span sp;
	uint16_t port;
	int ret;

	if (rq->ver != NBFWD_CAP_V1 && rq->ver != NBFWD_CAP_V2)
		return nbfwd_cap_refuse(NBFWD_CAP_BAD_REQUEST, -EINVAL, rq, "unknown version");
	if (rq->op != NBFWD_CAP_OP_ENABLE && rq->op != NBFWD_CAP_OP_DISABLE)
		return nbfwd_cap_refuse(NBFWD_CAP_BAD_REQUEST, -EINVAL, rq, "unknown operation");
	if ((rq->flags & RTE_PDUMP_FLAG_RXTX) == 0 || (rq->flags & ~RTE_PDUMP_FLAG_RXTX) != 0)
		return nbfwd_cap_refuse(NBFWD_CAP_BAD_REQUEST, -EINVAL, rq, "bad flags");
	if (rte_eth_dev_get_port_by_name(rq->device, &port) != 0)
		return nbfwd_cap_refuse(NBFWD_CAP_NO_PORT, -EINVAL, rq, "no such port");
	ret = nbfwd_cap_span(rq, port, &sp);
	if (ret != 0)
		return nbfwd_cap_refuse(NBFWD_CAP_NO_PORT, ret, rq, "no such queue");
	if (rq->op == NBFWD_CAP_OP_ENABLE)
		return nbfwd_cap_enable(rq, owner, port, &sp);
	return nbfwd_cap_disable(rq, port, &sp);
}

static int
nbfwd_cap_server(const struct rte_mp_msg *msg, const void *peer)
{
	struct nbfwd_cap_req rq;
	struct rte_mp_msg reply;
	struct nbfwd_cap_resp *resp = (struct nbfwd_cap_resp *)reply.param;

	memset(&reply, 0, sizeof(reply));
	pthread_mutex_lock(&nbfwd_cap.lock);
	nbfwd_cap.cnt.requests++;
	if (msg->len_param != sizeof(rq)) {
		memset(&rq, 0, sizeof(rq));
		resp->err_value = nbfwd_cap_refuse(NBFWD_CAP_BAD_REQUEST, -EINVAL, &rq,
			"wrong size (not the dpdk-dumpcap or dpdk-pdump of " NBFWD_CAP_DPDK "x?)");
	} else {
		memcpy(&rq, msg->param, sizeof(rq));
		rq.device[sizeof(rq.device) - 1] = '\0';
		resp->ver = rq.ver;
		resp->res_op = rq.op;
		resp->err_value = nbfwd_cap.on ? nbfwd_cap_handle(&rq, nbfwd_cap_peer_pid(peer)) :
			nbfwd_cap_refuse(NBFWD_CAP_BAD_REQUEST, -ESHUTDOWN, &rq, "nbfwd is stopping");
	}
	pthread_mutex_unlock(&nbfwd_cap.lock);
	rte_strscpy(reply.name, NBFWD_CAP_MP, sizeof(reply.name));
	reply.len_param = sizeof(*resp);
	if (rte_mp_reply(&reply, peer) < 0) {
		APP_LOG(WARNING, "capture: cannot reply to the capture tool: %s",
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

void
nbfwd_capture_init(const struct nbfwd_eal_args *ea)
{
	const struct rte_memzone *mz;

	if (ea->in_memory || ea->huge_unlink || ea->no_shconf) {
		APP_LOG(NOTICE, "capture off: %s keeps dpdk-dumpcap/dpdk-pdump from "
			"attaching; run without it to capture", ea->in_memory ? "--in-memory" :
			ea->huge_unlink ? "--huge-unlink" : "--no-shconf");
		return;
	}
	if (strncmp(rte_version(), NBFWD_CAP_DPDK, strlen(NBFWD_CAP_DPDK)) != 0) {
		APP_LOG(NOTICE, "capture off: nbfwd is built for the capture protocol of "
			NBFWD_CAP_DPDK "x and runs on %s; rebuild it to capture", rte_version());
		return;
	}
	mz = rte_memzone_reserve(NBFWD_CAP_STATS_MZ, sizeof(*nbfwd_cap.stats), rte_socket_id(), 0);
	if (mz == NULL) {
		APP_LOG(WARNING, "capture off: no memory for the capture statistics: %s",
			rte_strerror(rte_errno));
		return;
	}
	nbfwd_cap.stats = mz->addr;
	nbfwd_cap.stats->mz = mz;
	if (rte_mp_action_register(NBFWD_CAP_MP, nbfwd_cap_server) != 0) {
		APP_LOG(WARNING, "capture off: cannot take capture requests: %s",
			rte_strerror(rte_errno));
		rte_memzone_free(mz);
		nbfwd_cap.stats = NULL;
		return;
	}
	nbfwd_cap.on = true;
}

void
nbfwd_capture_uninit(void)
{
	struct nbfwd_cap_span all;
	unsigned int d;
	uint16_t port;

	if (nbfwd_cap.stats == NULL)
		return;
	pthread_mutex_lock(&nbfwd_cap.lock);
	/* a request still in flight finds nbfwd_cap.on false */
	nbfwd_cap.on = false;
	rte_mp_action_unregister(NBFWD_CAP_MP);
	for (d = 0; d < NBFWD_CAP_DIRS; d++) {
		all.first[d] = 0;
		all.end[d] = RTE_MAX_QUEUES_PER_PORT;
	}
	for (port = 0; port < RTE_MAX_ETHPORTS; port++)
		nbfwd_cap_end(port, &all, false);
	for (port = 0; port < RTE_MAX_ETHPORTS; port++)
		for (d = 0; d < NBFWD_CAP_DIRS; d++) {
			free(nbfwd_cap.q[port][d]);
			nbfwd_cap.q[port][d] = NULL;
		}
	rte_memzone_free(nbfwd_cap.stats->mz);
	nbfwd_cap.stats = NULL;
	pthread_mutex_unlock(&nbfwd_cap.lock);
}

#else /* !NBFWD_CAP_PROTOCOL */

const char *
nbfwd_capture_refusal_name(unsigned int r __rte_unused)
{
	return "unknown";
}

void
nbfwd_capture_counters(struct nbfwd_cap_counters *c)
{
	memset(c, 0, sizeof(*c));
}

void
nbfwd_capture_init(const struct nbfwd_eal_args *ea __rte_unused)
{
	APP_LOG(NOTICE, "capture off: nbfwd speaks the capture protocol of DPDK 22.11 "
		"and 24.11 only, built with %s", rte_version());
}

void
nbfwd_capture_uninit(void)
{
}

#endif /* NBFWD_CAP_PROTOCOL */
