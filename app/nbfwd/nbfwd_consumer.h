/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBFWD_CONSUMER_H
#define NBFWD_CONSUMER_H

/**
 * @file
 * Consumers (VMQ queues) of mode vmq: one per [consumer NAME] section, and
 * what vmq's files tell each other: nbfwd_vmq_ctl.c (control plane),
 * nbfwd_vmq_steer.c (rte_flow), nbfwd_chansrv.c (attach server),
 * nbfwd_vmq_fwd.c (data plane); stats and telemetry read the counters.
 * The mode's steps are nbfwd_vmq_ops (nbfwd_mode.h). Each consumer has its own
 * region of two files: a control file with its channel rings and the tx
 * buffers the consumer owns, and an rx file with the data buffers of its own
 * mbuf pool (extbuf layout: mbuf headers stay in nbfwd's memory), sealed
 * against the consumer's writes. Every attach gets new files over the same
 * addresses and a new handle generation (nbfwd_consumer_renew()). Packets
 * steered to it are lent as descriptor chains on the
 * rx ring of the polling lcore's queue pair and reused only after they come
 * back on the matching return ring.
 *
 * Ownership between threads: the control thread (nbfwd_chansrv.c) attaches
 * and detaches; workers touch a consumer's rings only while its state is
 * ATTACHED, each only its own queue pair (and the home worker the tx rings).
 * A detach is a request every worker acknowledges after it took back what it
 * lent; no lock is taken on the fast path.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "nbshm_channel.h"
#include "nbshm_lent.h"
#include "nbfwd.h"
#include "nbfwd_txcheck.h"

/** State of a consumer's attachment (written by the control thread). */
enum nbfwd_cons_state {
	NBFWD_CONS_DETACHED = 0,	/**< nobody attached: packets for it dropped */
	NBFWD_CONS_ATTACHED,		/**< rings live: workers deliver and take back */
	NBFWD_CONS_DETACHING,		/**< workers reclaim, then acknowledge */
};

/** Why a packet for a consumer was not delivered, or a descriptor refused. */
enum nbfwd_cons_drop {
	NBFWD_CONS_DROP_DETACHED = 0,	/**< no consumer attached */
	NBFWD_CONS_DROP_RING_FULL,	/**< its rx ring had no room */
	NBFWD_CONS_DROP_NO_BUFFER,	/**< its pool was empty (all lent) */
	NBFWD_CONS_DROP_TOO_LONG,	/**< does not fit max_segments buffers */
	NBFWD_CONS_DROP_TX_FULL,	/**< its tx packet not taken by the port */
	NBFWD_CONS_DROP_TX_RUNT,	/**< tx frame shorter than an Ethernet header */
	NBFWD_CONS_DROP_TX_TOO_LONG,	/**< tx frame longer than its port's MTU allows */
	NBFWD_CONS_DROP_TX_TOO_MANY_SEGS,	/**< tx frame needs more mbufs than its port sends */
	NBFWD_CONS_DROP_TX_SPOOFED,	/**< tx frame not from its MAC (and VLAN) */
	NBFWD_CONS_DROP_TX_PREPARE,	/**< tx frame refused by rte_eth_tx_prepare() */
	NBFWD_CONS_DROP_MAX,
};

/** Counters of one queue pair, written only by its worker. */
struct nbfwd_cons_qstats {
	uint64_t delivered;		/**< packets lent on rx */
	uint64_t delivered_bytes;
	uint64_t returned;		/**< packets given back on ret */
	uint64_t tx;			/**< packets taken from its tx ring and sent */
	uint64_t tx_bytes;
	uint64_t drop[NBFWD_CONS_DROP_MAX];
	uint64_t reject[NBSHM_CHAN_REASON_MAX];	/**< bad descriptors it wrote */
	uint64_t reclaimed;		/**< lent packets taken back at detach */
} __rte_cache_aligned;

/** One rx/ret ring pair and what its worker lent through it. */
struct nbfwd_cons_qp {
	struct nbshm_ring rx;		/**< we write */
	struct nbshm_ring ret;		/**< we read (untrusted) */
	struct nbshm_lent_table lent;	/**< what it lent now (cookie = mbuf) */
	volatile uint32_t ack;		/**< detach request (or renewal) seen and done */
	uint32_t ret_skip;		/**< polls since we last looked at ret */
	struct nbfwd_cons_qstats st;
} __rte_cache_aligned;

/** One consumer queue. */
struct nbfwd_consumer {
	const struct nbfwd_consumer_cfg *cfg;
	char name[NBFWD_CONSUMER_NAME_MAX];
	unsigned int index;		/**< in nbfwd_ctx.consumers */
	unsigned int port;		/**< index in nbfwd_ctx.ports */
	unsigned int home;		/**< worker index that serves its tx ring */
	int region;			/**< index in nbfwd_ctx.regions */
	int hw_queue;			/**< its own rx queue on its port, -1 = none */
	bool owns_port;			/**< steering = port: every worker queue of its port */
	struct rte_flow *flow;		/**< the rule steering to hw_queue, NULL = none */
	uint64_t mac;			/**< 48-bit filter, first byte lowest */
	int vlan;			/**< -1 = any */
	struct rte_mempool *pool;	/**< rx buffers (data in its region) */
	uint8_t *base;			/**< its region, mapped here */
	uint16_t buf_size;		/**< pool buffer bytes, headroom included */
	struct nbshm_chan_layout layout;	/**< as sent (handle: this attachment's), our copy */
	volatile uint32_t state;	/**< enum nbfwd_cons_state */
	int evfd;			/**< notify eventfd while attached, else -1 */
	int sock;			/**< its socket while attached, else -1 */
	int pid;			/**< its pid (SO_PEERCRED), 0 if unknown */
	int pidfd;			/**< that process while attached (liveness), else -1 */
	uint32_t uid;			/**< its uid (SO_PEERCRED) */
	uint64_t detach_deadline;	/**< TSC: workers' acks overdue (DETACHING) */
	uint32_t attaches;		/**< times attached */
	uint64_t attached_tsc;		/**< when it last attached */
	uint64_t rg_handle;		/**< its region's handle here (mbufs, region table) */
	uint32_t gen;			/**< generation of the current attachment's handle */
	bool rx_renew;			/**< a new rx file on every attach (see renew) */
	int guard;			/**< SIGBUS guard slot of the control mapping */
	const int *broken;		/**< set when a fault replaced the control mapping */
	uint32_t faults;		/**< attachments ended by a fault in its memory */
	unsigned int n_qp;
	struct nbfwd_cons_qp *qp;	/**< n_qp, one per worker */
	/* home worker only */
	struct nbshm_ring tx;		/**< we read (untrusted) */
	struct nbshm_ring txdone;	/**< we write */
	uint8_t *tx_busy;		/**< per tx buffer: taken in this batch */
	struct nbfwd_tx_limits txl;	/**< what its frames may be on its port */
	uint32_t tx_budget;		/**< tx bytes copied per poll (its share of its worker's) */
	/* stall watch (control thread only) */
	uint64_t stall_returned;	/**< returned when last seen */
	uint64_t stall_refused;		/**< ring_full + no_buffer when last seen */
	uint64_t stall_since;		/**< TSC since which it returned nothing under pressure */
	bool stall_pressed;		/**< under pressure since stall_since, no return since */
	uint64_t stall_seen;		/**< TSC of the last look */
	uint64_t stalled;		/**< times detached for holding its buffers */
};

/** Why the attach socket refused a connection or an ATTACH (counted per reason). */
enum nbfwd_attach_refusal {
	NBFWD_REFUSE_NOT_ALLOWED = 0,	/**< peer's uid/gid not allowed for the name (or any) */
	NBFWD_REFUSE_UNKNOWN_NAME,	/**< no such consumer (the peer sees "not allowed") */
	NBFWD_REFUSE_BAD_MESSAGE,	/**< unreadable or malformed ATTACH */
	NBFWD_REFUSE_BAD_QUEUE,		/**< queue != 0 */
	NBFWD_REFUSE_BUSY,		/**< attached already, or still being detached */
	NBFWD_REFUSE_TIMEOUT,		/**< no ATTACH within the handshake deadline */
	NBFWD_REFUSE_DISPLACED,		/**< idle, closed for a newer connection of its uid */
	NBFWD_REFUSE_TOO_MANY,		/**< no pending slot to give it */
	NBFWD_REFUSE_PEER_GONE,		/**< the process that connected has exited */
	NBFWD_REFUSE_NO_MEMORY,		/**< no hugepages for a new attachment's files */
	NBFWD_REFUSE_INTERNAL,		/**< credentials, eventfd, pidfd or reply failed */
	NBFWD_REFUSE_MAX,
};

/** Counters of the attach socket (control thread writes, anyone reads). */
struct nbfwd_attach_stats {
	uint64_t connections;		/**< accepted on the socket */
	uint64_t attached;		/**< ATTACH_OK sent */
	uint64_t refused[NBFWD_REFUSE_MAX];	/**< by enum nbfwd_attach_refusal */
	uint64_t detached_closed;	/**< ended: socket closed or readable */
	uint64_t detached_exited;	/**< ended: the process that attached exited (pidfd) */
	uint64_t ack_timeouts;		/**< a detach not acknowledged by every worker in time */
	uint32_t pending;		/**< connections waiting for their ATTACH now */
	uint32_t mode;			/**< socket file mode */
	int64_t group;			/**< socket file group */
};

/** Name of an attach refusal reason ("not_allowed", ...). */
const char *nbfwd_attach_refusal_name(unsigned int reason);

/**
 * The attach socket's counters, also after nbfwd_chansrv_stop().
 * @return 0, or -1 when nbfwd serves no consumers.
 */
int nbfwd_consumers_attach_stats(const struct nbfwd_ctx *ctx, struct nbfwd_attach_stats *out);

/** Name of a consumer drop reason ("detached", ...). */
const char *nbfwd_cons_drop_name(unsigned int reason);

/** Name of a state ("detached", "attached", "detaching"). */
const char *nbfwd_cons_state_name(unsigned int state);

/**
 * Start attaching: bind the socket, start the control thread.
 * @return 0, or -1 with the reason logged.
 */
int nbfwd_chansrv_start(struct nbfwd_ctx *ctx);

/**
 * After the workers stopped: stop the control thread, take back every lent
 * buffer, close every consumer's socket and remove the socket file. The
 * counters stay readable until vmq's teardown step.
 */
void nbfwd_chansrv_stop(struct nbfwd_ctx *ctx);

/** Path of the attach socket ("" when not listening). */
const char *nbfwd_consumers_socket(const struct nbfwd_ctx *ctx);

/**
 * The mbuf pool of rx queue @p q of port @p p: a steered consumer's own
 * pool for the consumers' queues, else the port's.
 */
struct rte_mempool *nbfwd_consumer_queue_pool(const struct nbfwd_ctx *ctx,
		const struct nbfwd_port *p, uint16_t q);

/**
 * After the ports started: steer the MAC (and VLAN) of each consumer with
 * steering = flow to its own rx queue with rte_flow.
 * @return 0, or -1 when a port refused a rule (logged with the reason).
 */
int nbfwd_consumers_steer(struct nbfwd_ctx *ctx);

/** Before the ports stop: remove the rules. */
void nbfwd_consumers_unsteer(struct nbfwd_ctx *ctx);

/** "flow" when a rule steers to its own queue, "port" when its port is its own, else "software". */
const char *nbfwd_consumer_steering(const struct nbfwd_consumer *c);

/**
 * Control thread, before ATTACH_OK: memory no earlier attachment can reach
 * (new control file, and a new rx file when rx_renew, mapped over the same
 * addresses), a new handle generation, fresh rings.
 * @return 0, or -1 with @p err set (the consumer is left detached).
 */
int nbfwd_consumer_renew(struct nbfwd_ctx *ctx, struct nbfwd_consumer *c, char *err,
		size_t errlen);

/** Control thread: a SIGBUS in its control mapping was repaired (detach it). */
static inline bool
nbfwd_consumer_broken(const struct nbfwd_consumer *c)
{
	return c->broken != NULL && __atomic_load_n(c->broken, __ATOMIC_ACQUIRE) != 0;
}

/** steering = port or flow: a device writes the consumer's rx buffers. */
static inline bool
nbfwd_consumer_device_writes(const struct nbfwd_consumer *c)
{
	return c->owns_port || c->hw_queue >= 0;
}

/**
 * Control thread: has @p c, attached, held lent buffers without returning
 * any for its stall_ms since packets for it first found no room (or, for a
 * pool that fills rx queues, fewer than @p burst buffers were left)? Call it
 * as often as you like: it looks every 100 ms, reading the workers'
 * counters only.
 */
bool nbfwd_consumer_stalled(struct nbfwd_consumer *c, unsigned int burst, uint64_t now_tsc);

/**
 * Worker, vmq's poll step: one poll of its rx queues (steer to consumers,
 * forward or drop the rest) and of its consumers' return and tx rings.
 */
void nbfwd_vmq_poll(const struct nbfwd_ctx *ctx, const struct nbfwd_worker *w);

/** Take back everything queue pair @p qp of @p c lent (worker or shutdown). */
uint32_t nbfwd_consumer_reclaim(struct nbfwd_consumer *c, unsigned int qp);

/** Sum of a consumer's queue-pair counters into @p out. */
void nbfwd_consumer_stats(const struct nbfwd_consumer *c, struct nbfwd_cons_qstats *out,
		uint64_t *lent_now);

#endif /* NBFWD_CONSUMER_H */
