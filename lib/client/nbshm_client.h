/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_CLIENT_H
#define NBSHM_CLIENT_H

/**
 * @file
 * libnbshm-client: the consumer side of an nbshm channel, without DPDK.
 *
 * A consumer attaches to one queue of nbfwd over its unix socket, maps the
 * queue's region (protocol version 3: a control file read-write, an rx file
 * read-only; both must come sealed, see doc/channel.md) and then receives packets that nbfwd lends it (zero copy:
 * the data stays where the NIC put it) and may send packets from tx buffers
 * of its own. Every descriptor that comes from nbfwd is copied out of shared
 * memory and checked (handle, bounds, lengths, segment count) before any of
 * its bytes is touched; a bad one is skipped and counted, never dereferenced.
 *
 * Each received packet must be given back with nbshm_client_return() once
 * the consumer is done with its bytes: nbfwd reuses the buffers only then.
 * Closing the client (or the process exiting) gives everything back.
 *
 * A client is used by one thread at a time; several clients may be used by
 * several threads.
 *
 * A region that loses pages under a client (holes punched in its control
 * file when no hugepage is free for the refault) would make the next access
 * to its mapping raise SIGBUS and kill the process. nbshm_client_connect() therefore
 * installs a process-wide SIGBUS handler (once, and again whenever another
 * handler replaced it), which chains the handler installed before it. For a
 * fault inside the mapping of a client it maps anonymous zero pages over the
 * whole mapping (MAP_FIXED, same address; the rx area read-only again),
 * marks the client broken and returns: the
 * faulting read or write runs again on zeros, in the library or in the
 * application (a packet's bytes read after the truncation are zeros). From
 * then on every client call that returns a status returns -EIO, with a
 * sentence naming the region and the offset of the fault in
 * nbshm_client_error(); nbshm_client_close() still works and should be the
 * next call. Faults outside client mappings, and SIGBUS sent with kill(),
 * go to the previous handler, or get the default action (the process dies
 * as it would have without the library). The handler calls only mmap() and
 * mprotect(). A process may have at most 1024 clients attached at once.
 *
 * @code
 * struct nbshm_client *c;
 * struct nbshm_pkt pkts[32];
 * int i, n;
 *
 * if (nbshm_client_connect("/run/nbfwd.sock", "ids0", 0, 0, &c) < 0) {
 *	fprintf(stderr, "attach: %s\n", nbshm_client_error());
 *	return 1;
 * }
 * for (;;) {
 *	n = nbshm_client_rx_burst(c, pkts, 32);
 *	if (n < 0)
 *		break;	// -ENOTCONN: nbfwd went away; -EIO: the region shrank
 *	if (n == 0) {
 *		nbshm_client_wait(c, 100);	// sleep on the eventfd
 *		continue;
 *	}
 *	for (i = 0; i < n; i++)
 *		inspect(pkts[i].seg[0].data, pkts[i].seg[0].len, pkts[i].len);
 *	nbshm_client_return(c, pkts, n);	// may return fewer: retry the rest
 * }
 * nbshm_client_close(c);
 * @endcode
 *
 * Build with `pkg-config --cflags --libs libnbshm-client`.
 */

#include <stdint.h>

#include "net_buffer.h"
#include "nbshm_channel.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Connect flag of protocol version 2 (map the rx buffers read-write): refused
 * with -EPERM since version 3, where nbfwd seals the rx file against writes.
 */
#define NBSHM_CLIENT_F_RX_WRITABLE 0x1u

/**
 * Connect flag: before anything is sent, check with SO_PEERCRED that the
 * process serving the socket runs as nbshm_client_opts.producer_uid
 * (nbshm_client_connect_opts() only).
 */
#define NBSHM_CLIENT_F_PRODUCER_UID 0x2u

/** Options of nbshm_client_connect_opts(). */
struct nbshm_client_opts {
	unsigned int flags;	/**< NBSHM_CLIENT_F_* */
	uint32_t producer_uid;	/**< with NBSHM_CLIENT_F_PRODUCER_UID: nbfwd's uid */
};

/** Segments a received packet may have (the channel's upper bound). */
#define NBSHM_CLIENT_MAX_SEGS NBSHM_CHAN_MAX_SEGS

/** Milliseconds nbshm_client_connect() waits for nbfwd's reply. */
#define NBSHM_CLIENT_ATTACH_TIMEOUT_MS 5000

/** A client attached to one consumer queue (opaque). */
struct nbshm_client;

/** One segment of a received packet, resolved in this process. */
struct nbshm_pkt_seg {
	/** First byte; read-only (the rx file is sealed against writes). */
	const uint8_t *data;
	uint32_t len;		/**< bytes, != 0 */
};

/**
 * One received packet. Filled in place by nbshm_client_rx_burst(): @c nb
 * links to @c shm inside the same struct, so copy one by value only if you
 * do not use @c nb of the copy (returning a copy is fine).
 */
struct nbshm_pkt {
	uint32_t len;		/**< packet bytes: the sum of the segment lengths */
	uint16_t n_segs;	/**< segments, 1..max_segs */
	uint16_t qp;		/**< rx ring it came from; it is returned on ret[qp] */
	struct nbshm_desc desc;	/**< first descriptor as received (what is returned) */
	/** The NDIS view: one NET_BUFFER, SharedMemoryInfo -> shm[0] -> shm[1] ... */
	NET_BUFFER nb;
	NET_BUFFER_SHARED_MEMORY shm[NBSHM_CLIENT_MAX_SEGS];
	struct nbshm_pkt_seg seg[NBSHM_CLIENT_MAX_SEGS];	/**< the same segments, resolved */
};

/** What nbfwd granted at attach (see struct nbshm_chan_layout). */
struct nbshm_client_info {
	uint32_t n_qp;		/**< rx/ret ring pairs */
	uint32_t ring_size;	/**< entries per ring */
	uint32_t max_segs;	/**< segments per packet */
	uint32_t mtu;		/**< largest packet the client may send */
	uint32_t tx_buf_size;	/**< bytes per tx buffer */
	uint32_t n_tx_bufs;	/**< tx buffers */
	uint64_t region_size;	/**< bytes mapped */
	uint64_t page_size;	/**< hugepage size of the region, from nbfwd */
	uint64_t handle;	/**< the region's handle */
	char region_name[64];	/**< the region's name */
	uint8_t mac[6];		/**< the queue's MAC filter */
	uint16_t vlan;		/**< its VLAN filter, 0xffff = none */
	int rx_readonly;	/**< 1: the whole rx area is mapped read-only (always, version 3) */
};

/** Counters of a client (since connect). */
struct nbshm_client_stats {
	uint64_t rx_packets;	/**< good packets received */
	uint64_t rx_bytes;
	uint64_t returned;	/**< packets given back */
	uint64_t tx_packets;	/**< packets posted on the tx ring */
	uint64_t tx_bytes;
	uint64_t txdone;	/**< tx buffers nbfwd gave back */
	uint64_t rx_rejects;	/**< rx chains skipped (never returned: not identifiable) */
	uint64_t txdone_rejects;	/**< txdone descriptors ignored */
	/** rx and txdone rejects by enum nbshm_chan_reason; [INDEX_JUMP] = index_jumps */
	uint64_t reject[NBSHM_CHAN_REASON_MAX];
	uint64_t index_jumps;	/**< times nbfwd's ring index was out of range */
	uint64_t wakeups;	/**< nbshm_client_wait() calls woken by the eventfd */
};

/**
 * Attach to queue @p queue of consumer @p name served by nbfwd at
 * @p socket_path: send ATTACH, wait up to NBSHM_CLIENT_ATTACH_TIMEOUT_MS for
 * the reply, check it and the seals of its files, map the region (rings and
 * tx buffers read-write, rx buffers read-only).
 *
 * @param flags
 *   0 (NBSHM_CLIENT_F_RX_WRITABLE: -EPERM).
 * @param out
 *   Set to the client on success.
 * @return
 *   0, or a negative errno (also in errno) with a sentence in
 *   nbshm_client_error(): nbfwd's ERROR reply gives its code and text, a
 *   malformed reply or files not sealed as the protocol says -EPROTO, no
 *   reply in time -ETIMEDOUT, 1024 clients already attached in this process
 *   -EMFILE.
 */
int nbshm_client_connect(const char *socket_path, const char *name, uint16_t queue,
		unsigned int flags, struct nbshm_client **out);

/**
 * nbshm_client_connect() with options: @p opts->flags as its @p flags, and
 * with NBSHM_CLIENT_F_PRODUCER_UID the socket's server must run as
 * @p opts->producer_uid (SO_PEERCRED of the connected socket: the uid of
 * the process that called listen()), checked before the ATTACH (our name)
 * is sent: another uid is -EPERM, "producer ... runs as uid U, expected V".
 *
 * @return as nbshm_client_connect(); -EINVAL for unknown flags.
 */
int nbshm_client_connect_opts(const char *socket_path, const char *name, uint16_t queue,
		const struct nbshm_client_opts *opts, struct nbshm_client **out);

/** The last failure of this thread in a sentence ("" if none yet). */
const char *nbshm_client_error(void);

/**
 * Detach: wait briefly (at most 100 ms, not at all when nbfwd is gone) for
 * nbfwd to take the returns already posted, then unmap the region and close
 * the eventfd and the socket. Packets not returned are taken back by nbfwd.
 * NULL is a no-op.
 */
void nbshm_client_close(struct nbshm_client *c);

/** What nbfwd granted. */
void nbshm_client_info(const struct nbshm_client *c, struct nbshm_client_info *info);

/**
 * Receive up to @p n packets, taking the rx rings in turn. Bad chains are
 * skipped and counted (struct nbshm_client_stats).
 *
 * @return
 *   Packets filled in @p pkts (0..n), or -ENOTCONN once nbfwd has gone away
 *   (checked every so many empty polls), or -EIO once the region file shrank
 *   under the client (SIGBUS, see above; what this call copied is void).
 */
int nbshm_client_rx_burst(struct nbshm_client *c, struct nbshm_pkt *pkts, unsigned int n);

/**
 * Give back @p n received packets (each on the ret ring of its qp). Their
 * bytes must not be used afterwards.
 *
 * @return
 *   Packets given back, in order (fewer than @p n when a ret ring is full:
 *   retry the rest later); -EINVAL when pkts[0] has a bad qp; -ENOTCONN;
 *   -EIO (region shrank).
 */
int nbshm_client_return(struct nbshm_client *c, const struct nbshm_pkt *pkts, unsigned int n);

/**
 * Take up to @p n free tx buffers (each info.tx_buf_size bytes, writable),
 * first reclaiming those nbfwd gave back on txdone.
 *
 * @return
 *   Buffers stored in @p bufs (0 when all are in flight), or -ENOTCONN,
 *   or -EIO (region shrank).
 */
int nbshm_client_tx_alloc(struct nbshm_client *c, void **bufs, unsigned int n);

/**
 * Give back @p n tx buffers taken with nbshm_client_tx_alloc() and not sent.
 * @return Buffers freed, in order; -EINVAL when bufs[0] is not one taken;
 *   -EIO (region shrank).
 */
int nbshm_client_tx_free(struct nbshm_client *c, void *const *bufs, unsigned int n);

/**
 * Send @p n packets, each the first lens[i] bytes of tx buffer bufs[i]
 * (1 <= lens[i] <= min(tx_buf_size, mtu)). A sent buffer belongs to nbfwd
 * until it comes back on txdone.
 *
 * @return
 *   Packets posted, in order (fewer when the tx ring is full: the others stay
 *   yours); -EINVAL when bufs[0]/lens[0] is bad; -ENOTCONN; -EIO (region
 *   shrank).
 */
int nbshm_client_tx_send(struct nbshm_client *c, void *const *bufs, const uint32_t *lens,
		unsigned int n);

/** The eventfd nbfwd signals while the client sleeps (for your own poll loop). */
int nbshm_client_fd(const struct nbshm_client *c);

/**
 * Sleep until nbfwd publishes rx entries (or txdone entries while no tx
 * buffer is free), at most @p timeout_ms (-1 = no limit): sets need_wakeup on
 * the rings, re-checks them, polls the eventfd and the socket, clears
 * need_wakeup.
 *
 * @return
 *   1 when there is something to take, 0 on timeout, -EINTR when a signal
 *   arrived, -ENOTCONN when nbfwd went away, -EIO when the region shrank,
 *   other negative errno on error.
 */
int nbshm_client_wait(struct nbshm_client *c, int timeout_ms);

/** Copy the counters. */
void nbshm_client_stats(const struct nbshm_client *c, struct nbshm_client_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_CLIENT_H */
