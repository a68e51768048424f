/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_CLIENT_PRIV_H
#define NBSHM_CLIENT_PRIV_H

/*
 * Inside libnbshm-client: the client object shared by the attach (connect,
 * wait, stats), rx (burst, return) and tx (alloc, send, txdone) files.
 */

#include <stdint.h>

#include "nbshm_channel.h"
#include "nbshm_chan_proto.h"
#include "nbshm_client.h"

/** Empty rx polls between two cheap checks of the socket. */
#define NBSHM_CLIENT_SOCK_CHECK_POLLS 1024u

/** Longest nbshm_client_close() waits for nbfwd to take posted returns. */
#define NBSHM_CLIENT_CLOSE_DRAIN_MS 100u

/** Descriptors copied out of a ring per step (>= 2 * NBSHM_CHAN_MAX_SEGS). */
#define NBSHM_CLIENT_COPY 64u

/** State of one tx buffer. */
enum nbshm_client_txb {
	NBSHM_CLIENT_TXB_FREE = 0,	/**< on the free stack */
	NBSHM_CLIENT_TXB_TAKEN,		/**< given to the application */
	NBSHM_CLIENT_TXB_INFLIGHT,	/**< posted on tx, nbfwd's until txdone */
};

struct nbshm_client {
	uint8_t *base;			/* the region, mapped */
	size_t map_len;
	struct nbshm_chan_layout l;	/* private copy of what nbfwd sent */
	unsigned int flags;
	int sock;			/* kept open: closing it detaches */
	int evfd;
	int dead;			/* nbfwd went away: everything -ENOTCONN */
	const int *broken;		/* non-zero once SIGBUS hit the mapping (nbshm_sigbus.h) */
	int sigbus_slot;		/* its slot in the SIGBUS table, -1 = none */
	uint64_t ro_lo, ro_hi;		/* offsets of the part mapped read-only */
	uint32_t n_qp;
	uint32_t rr;			/* rx ring to take first next time */
	uint32_t idle_polls;		/* empty rx polls since the last socket check */

	struct nbshm_ring rx[NBSHM_CHAN_MAX_QP];
	struct nbshm_ring ret[NBSHM_CHAN_MAX_QP];
	uint32_t ret_room[NBSHM_CHAN_MAX_QP];	/* known free entries of ret[i] */
	uint32_t ret_pend[NBSHM_CHAN_MAX_QP];	/* written, not yet published (0 between calls) */

	struct nbshm_ring tx;
	struct nbshm_ring txdone;
	uint8_t *txb_state;		/* n_tx_bufs, enum nbshm_client_txb */
	uint32_t *txb_free;		/* stack of free buffer indices */
	uint32_t n_free;
	uint32_t n_inflight;
	uint32_t tx_max_len;		/* min(tx_buf_size, mtu) */

	uint64_t page_size;
	char region_name[NBSHM_PROTO_REGION_NAME_MAX];
	uint8_t mac[6];
	uint16_t vlan;
	int rx_readonly;

	struct nbshm_client_stats st;	/* index_jumps summed from the rings on read */
};

/* Internal functions stay out of the shared library's exports. */
#define NBSHM_CLIENT_INTERNAL __attribute__((visibility("hidden")))

/** Record a sentence for nbshm_client_error(); returns -err and sets errno. */
NBSHM_CLIENT_INTERNAL int nbshm_client_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Check the socket without blocking; marks the client dead when nbfwd left. */
NBSHM_CLIENT_INTERNAL void nbshm_client_check_sock(struct nbshm_client *c);

/** -EIO with the sentence naming the region and the fault. */
NBSHM_CLIENT_INTERNAL int nbshm_client_sigbus_fail(const struct nbshm_client *c);

/** 1 once a SIGBUS hit the client's mapping (it now reads zeros). */
static inline int
nbshm_client_broken(const struct nbshm_client *c)
{
	return c->broken != NULL && __atomic_load_n(c->broken, __ATOMIC_ACQUIRE) != 0;
}

/** 0 while the client can be used; else what every call returns: -EIO or -ENOTCONN. */
static inline int
nbshm_client_usable(const struct nbshm_client *c)
{
	if (nbshm_client_broken(c))
		return nbshm_client_sigbus_fail(c);
	return c->dead ? -ENOTCONN : 0;
}

/** nbshm_client_usable() for a call on @p n packets, its count clamped to what an int returns. */
static inline int
nbshm_client_burst_usable(const struct nbshm_client *c, unsigned int *n)
{
	if (*n > INT32_MAX)
		*n = INT32_MAX;
	return nbshm_client_usable(c);
}

/** Take back what nbfwd gave back on txdone (checked). */
NBSHM_CLIENT_INTERNAL void nbshm_client_tx_reclaim(struct nbshm_client *c);

/** Tx state arrays for a layout; 0 or -ENOMEM. */
NBSHM_CLIENT_INTERNAL int nbshm_client_tx_setup(struct nbshm_client *c);

/** Free the tx state arrays. */
NBSHM_CLIENT_INTERNAL void nbshm_client_tx_teardown(struct nbshm_client *c);

#endif /* NBSHM_CLIENT_PRIV_H */
