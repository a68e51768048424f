/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_PMD_H
#define NBSHM_PMD_H

/*
 * net_nbshm: one consumer queue of nbfwd as an ethdev port, built on
 * libnbshm-client (attach, mapping, validation, returns, tx buffers).
 *
 * Zero-copy receive: every segment of a packet nbfwd lends becomes one mbuf
 * header (from the rx queue's pool) whose external buffer is the segment's
 * bytes in the mapped region. A packet's segments share one
 * rte_mbuf_ext_shared_info, kept in a "lent" record in private memory with
 * refcnt = segments; when the application frees the last segment, the free
 * callback sets the record's done flag (a plain store: mbufs are freed on any
 * lcore), and a later rx burst, which keeps the records in the order it lent
 * them (nbshm_pmd_outq.h), gives the packet back to nbfwd through the client
 * (the only thread writing the ret rings).
 *
 * One rx and one tx queue share the client; a spinlock serialises their
 * calls into it (rx and tx may be polled from different lcores).
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "nbshm_chan_proto.h"
#include "nbshm_channel.h"
#include "nbshm_client.h"
#include "nbshm_pmd_outq.h"

struct rte_eth_dev;

extern int nbshm_pmd_logtype;

#define NBSHM_PMD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, nbshm_pmd_logtype, "net_nbshm: " fmt "\n", ##__VA_ARGS__)

/** Packets taken from the client per step of a burst. */
#define NBSHM_PMD_BURST 32u

/** Largest frame reported before the port is attached (nbfwd's mtu rules after). */
#define NBSHM_PMD_MAX_FRAME UINT16_MAX

/** Bytes of a unix socket path, NUL included (sun_path). */
#define NBSHM_PMD_PATH_MAX 108u

/** Devargs of one port. */
struct nbshm_pmd_args {
	char socket[NBSHM_PMD_PATH_MAX];	/**< nbfwd's unix socket */
	char name[NBSHM_PROTO_NAME_MAX];	/**< consumer name */
	uint16_t queue;				/**< queue of that consumer */
	int copy;				/**< 1: copy into pool mbufs */
	int check_uid;				/**< producer_uid= given */
	uint32_t producer_uid;			/**< the uid nbfwd must run as */
};

/**
 * Parse a vdev's devargs into @p a. Logs a sentence naming the bad key.
 * @return 0 or -EINVAL.
 */
int nbshm_pmd_args_parse(const char *dev_name, const char *params, struct nbshm_pmd_args *a);

/** The devargs this driver knows, for RTE_PMD_REGISTER_PARAM_STRING. */
#define NBSHM_PMD_PARAMS \
	"socket=<path> name=<consumer> queue=<int> role=consumer copy=<0|1> producer_uid=<uid>"

/** One lent packet while mbufs of the application point into it. */
struct nbshm_pmd_lent {
	struct rte_mbuf_ext_shared_info shinfo;	/**< refcnt = its segments */
	volatile uint32_t done;			/**< 1: freed (free callback, any lcore) */
	uint16_t qp;				/**< ret ring it goes back on */
	struct nbshm_desc desc;			/**< first descriptor, as returned */
};

/**
 * Lent records of an rx queue, sized at attach to n_qp * ring_size. The free
 * callback only sets a record's done flag (a plain store, from any lcore);
 * everything else belongs to the rx thread: the free stack, the FIFO of
 * records out in the order they were lent, and the pending list.
 */
struct nbshm_pmd_lentpool {
	uint32_t n;			/**< records */
	uint32_t n_free;		/**< on the free stack */
	uint32_t n_pend;		/**< taken back, not yet given back to nbfwd */
	struct nbshm_pmd_outq out;	/**< records out, in the order they went */
	struct nbshm_pmd_lent **free;	/**< free stack */
	void *pend[NBSHM_PMD_BURST];	/**< struct nbshm_pmd_lent */
	struct nbshm_pmd_lent *rec;	/**< the records */
};

struct nbshm_pmd_internals;

/** Rx queue counters (written by the rx thread only). */
struct nbshm_pmd_rxq {
	struct nbshm_pmd_internals *pmd;
	struct rte_mempool *mp;
	uint16_t port_id;
	uint16_t queue_id;
	int configured;
	struct nbshm_pmd_lentpool *lp;	/**< zero copy: NULL while detached */
	struct nbshm_pkt *pkts;		/**< NBSHM_PMD_BURST, scratch for the client */
	uint64_t packets;
	uint64_t bytes;
	uint64_t missed;		/**< packets given back at once: no mbuf */
	uint64_t nombuf;		/**< mbuf allocation failures */
};

/** Tx queue counters (written by the tx thread only). */
struct nbshm_pmd_txq {
	struct nbshm_pmd_internals *pmd;
	uint16_t queue_id;
	int configured;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;		/**< packets dropped: too long or empty */
	uint64_t too_long;		/**< over min(mtu, tx buffer size) */
	uint64_t no_buffer;		/**< packets left to the caller: no free tx buffer */
};

/** Values of xstats kept across attachments (the client's counters restart). */
struct nbshm_pmd_xbase {
	uint64_t reject[NBSHM_CHAN_REASON_MAX];
	uint64_t rx_rejects;
	uint64_t index_jumps;
};

struct nbshm_pmd_internals {
	struct nbshm_pmd_args args;
	uint16_t port_id;
	struct rte_ether_addr mac;
	rte_spinlock_t lock;			/**< serialises rx and tx in the client */
	struct nbshm_client *client;		/**< NULL while detached */
	struct nbshm_client_info info;		/**< valid while attached */
	volatile int dead;			/**< nbfwd went away */
	uint32_t tx_max_len;			/**< min(mtu, tx_buf_size) */
	struct nbshm_pmd_rxq rxq;
	struct nbshm_pmd_txq txq;
	struct nbshm_pmd_xbase acc;		/**< from earlier attachments, since reset */
	struct nbshm_pmd_xbase base;		/**< this client's values at the last reset */
	unsigned int n_orphans;			/**< lent pools left to late frees */
};

/* rx (nbshm_pmd_rx.c) */
uint16_t nbshm_pmd_rx_zc(void *queue, struct rte_mbuf **bufs, uint16_t nb);
uint16_t nbshm_pmd_rx_copy(void *queue, struct rte_mbuf **bufs, uint16_t nb);

/** Lent records for a client with @p n_qp rings of @p ring_size; NULL on failure. */
struct nbshm_pmd_lentpool *nbshm_pmd_lentpool_create(uint32_t n_qp, uint32_t ring_size,
		int socket_id);

/**
 * Give back what the application has freed (client locked by the caller;
 * NULL client: just recycle). @return records still lent afterwards.
 */
uint32_t nbshm_pmd_lentpool_drain(struct nbshm_pmd_lentpool *lp, struct nbshm_client *c,
		struct nbshm_pkt *scratch);

/** Free a pool whose records are all back; else leave it to late frees. @return 1 if freed. */
int nbshm_pmd_lentpool_free(struct nbshm_pmd_lentpool *lp);

/* tx (nbshm_pmd_tx.c) */
uint16_t nbshm_pmd_tx(void *queue, struct rte_mbuf **bufs, uint16_t nb);

/* stats and xstats (nbshm_pmd_stats.c) */
int nbshm_pmd_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st);
int nbshm_pmd_stats_reset(struct rte_eth_dev *dev);
int nbshm_pmd_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n);
int nbshm_pmd_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		unsigned int size);
int nbshm_pmd_xstats_reset(struct rte_eth_dev *dev);

/** Fold the attached client's counters into pmd->acc before it is closed. */
void nbshm_pmd_stats_detach(struct nbshm_pmd_internals *pmd);

#endif /* NBSHM_PMD_H */
