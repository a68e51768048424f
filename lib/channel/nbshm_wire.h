/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_WIRE_H
#define NBSHM_WIRE_H

/**
 * @file
 * The consumer channel's wire format, version 3: every struct, constant and
 * enum that crosses the process boundary between nbfwd and a consumer, and
 * nothing else (doc/channel.md describes the rules; the functions are in
 * nbshm_channel.h and nbshm_chan_proto.h). Little-endian, naturally aligned,
 * fixed size: each size and offset doc/channel.md prints is asserted below,
 * so a change that moves a field does not build.
 *
 * Plain C11 (or C++11), standard headers only.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#define NBSHM_WIRE_ASSERT(e, what) static_assert(e, what)
#else
#define NBSHM_WIRE_ASSERT(e, what) _Static_assert(e, what)
#endif

/*
 * The region's header page: [0, NBSHM_REGION_DATA_OFFSET) of the control file.
 */

#define NBSHM_REGION_MAGIC UINT64_C(0x314e4752484d5342)	/**< "BSMHRGN1" LE */
#define NBSHM_REGION_VERSION 1u
#define NBSHM_REGION_NAME_MAX 64		/**< name incl. NUL */
#define NBSHM_REGION_DATA_OFFSET 4096u		/**< the header page; rings start after it */

/** Header at offset 0 of every region (written by its owner, read-only for others). */
struct nbshm_region_hdr {
	uint64_t magic;		/**< NBSHM_REGION_MAGIC */
	uint32_t version;	/**< NBSHM_REGION_VERSION */
	uint32_t hdr_size;	/**< NBSHM_REGION_DATA_OFFSET */
	uint64_t size;		/**< bytes mapped, a multiple of page_size */
	uint64_t page_size;	/**< bytes per hugepage */
	uint32_t generation;	/**< set by the owner's region table, 0 = none */
	int32_t numa_node;	/**< node the pages were placed on, -1 = any */
	char name[NBSHM_REGION_NAME_MAX];
};

/*
 * Rings and descriptors.
 */

#define NBSHM_CHAN_CACHE_LINE 64u
#define NBSHM_CHAN_PAGE 4096u		/**< alignment of the areas of a layout */

/** Descriptor flag: another segment of the same packet follows in the next entry. */
#define NBSHM_DESC_F_NEXT 0x0001u
/** Descriptor flag: NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID, set by the producer. */
#define NBSHM_DESC_F_SHM_VALID 0x1000u
/** Flags a descriptor may carry; any other bit set makes it bad_flags. */
#define NBSHM_DESC_F_ALL (NBSHM_DESC_F_NEXT | NBSHM_DESC_F_SHM_VALID)

/**
 * One ring entry: one NET_BUFFER_SHARED_MEMORY segment as it crosses the
 * process boundary (32 bytes, the size of the NDIS x64 segment; the NDIS
 * NextSharedMemorySegment pointer becomes the NBSHM_DESC_F_NEXT flag and the
 * next entry).
 */
struct nbshm_desc {
	uint64_t handle;	/**< SharedMemoryHandle: region index | generation << 32 */
	uint32_t offset;	/**< SharedMemoryOffset: first data byte in the region */
	uint32_t length;	/**< SharedMemoryLength: bytes of this segment, != 0 */
	uint32_t flags;		/**< NBSHM_DESC_F_* */
	uint32_t pkt_len;	/**< first segment: packet length (DataLength); else 0 */
	uint16_t n_segs;	/**< first segment: entries of this packet; else 0 */
	uint16_t reserved0;	/**< 0 */
	uint32_t reserved1;	/**< 0 */
};

/** Header of one ring in shared memory; ring_size descriptors follow it. */
struct nbshm_ring_hdr {
	/** Writer side: next entry it will fill (free running). */
	volatile uint32_t head;
	/**
	 * Reader side, written only when it goes to sleep or wakes up: non-zero =
	 * the reader sleeps on the ring's eventfd and the writer must signal it
	 * after publishing entries. It shares the writer's line, which the reader
	 * polls anyway, so the writer's check after every publish reads a line it
	 * already holds (next to tail it would fetch the reader's line each time).
	 */
	volatile uint32_t need_wakeup;
	uint32_t pad0[NBSHM_CHAN_CACHE_LINE / 4 - 2];
	/** Reader side: next entry it will take (free running). */
	volatile uint32_t tail;
	uint32_t pad1[NBSHM_CHAN_CACHE_LINE / 4 - 1];
};

/** Bytes of a ring with @p size entries (header + descriptors). */
#define NBSHM_RING_BYTES(size) \
	(sizeof(struct nbshm_ring_hdr) + (size_t)(size) * sizeof(struct nbshm_desc))

/** Limits of a layout, sent by the producer and checked by both sides. */
#define NBSHM_CHAN_RING_SIZE_MIN 16u
#define NBSHM_CHAN_RING_SIZE_MAX 16384u
#define NBSHM_CHAN_MAX_QP 64u		/**< rx/ret ring pairs per consumer queue */
#define NBSHM_CHAN_MAX_SEGS 32u		/**< segments per packet, upper bound */
#define NBSHM_CHAN_MTU_MIN 64u
#define NBSHM_CHAN_MTU_MAX 65535u
#define NBSHM_CHAN_TX_BUF_MIN 64u	/**< smallest tx buffer */

/** Ring indices inside a channel: rx[i], ret[i] for each pair, then tx, txdone. */
#define NBSHM_CHAN_RING_RX(i) (2u * (i))
#define NBSHM_CHAN_RING_RET(i) (2u * (i) + 1u)
#define NBSHM_CHAN_RING_TX(n_qp) (2u * (n_qp))
#define NBSHM_CHAN_RING_TXDONE(n_qp) (2u * (n_qp) + 1u)
#define NBSHM_CHAN_N_RINGS(n_qp) (2u * (n_qp) + 2u)

/**
 * Where everything is in a consumer queue's region, sent in ATTACH_OK. All
 * offsets are from the region's first byte.
 */
struct nbshm_chan_layout {
	uint64_t region_size;	/**< bytes of both files: control rx_off, rx the rest */
	uint64_t handle;	/**< handle of the region (index | generation << 32) */
	uint64_t rings_off;	/**< first ring header; cache-line aligned */
	uint64_t ring_stride;	/**< bytes from one ring header to the next */
	uint32_t ring_size;	/**< entries per ring, a power of two */
	uint32_t n_qp;		/**< rx/ret ring pairs */
	uint32_t max_segs;	/**< segments per packet the producer accepts/sends */
	uint32_t mtu;		/**< largest packet either side may post (bytes) */
	uint64_t rx_off;	/**< rx buffer area: page aligned */
	uint64_t rx_len;	/**< its bytes, not 0 */
	uint64_t tx_off;	/**< tx buffer area: page aligned */
	uint32_t tx_buf_size;	/**< bytes per tx buffer */
	uint32_t n_tx_bufs;	/**< tx buffers */
};

/*
 * The attach handshake: AF_UNIX SOCK_SEQPACKET, one message per datagram.
 */

#define NBSHM_PROTO_MAGIC UINT32_C(0x4d53424e)	/**< "NBSM" little-endian */
#define NBSHM_PROTO_VERSION 3u
#define NBSHM_PROTO_NAME_MAX 32u		/**< consumer name incl. NUL */
#define NBSHM_PROTO_REGION_NAME_MAX 64u		/**< region name incl. NUL */
#define NBSHM_PROTO_TEXT_MAX 128u		/**< error text incl. NUL */
#define NBSHM_PROTO_ATTACH_OK_FDS 3u		/**< control file, rx file, eventfd */
#define NBSHM_PROTO_FD_CONTROL 0u		/**< [0, rx_off): map read-write */
#define NBSHM_PROTO_FD_RX 1u			/**< [rx_off, region_size): read-only */
#define NBSHM_PROTO_FD_EVENT 2u			/**< notify eventfd */
#define NBSHM_PROTO_MAX_FDS 4u			/**< most fds a receiver accepts */
#define NBSHM_PROTO_MSG_MAX 512u		/**< largest message */
#define NBSHM_PROTO_VLAN_NONE 0xffffu		/**< ATTACH_OK vlan: no VLAN filter */

enum nbshm_msg_type {
	NBSHM_MSG_ATTACH = 1,	/**< consumer -> nbfwd */
	NBSHM_MSG_ATTACH_OK = 2,	/**< nbfwd -> consumer, with fds */
	NBSHM_MSG_ERROR = 3,	/**< nbfwd -> consumer, then nbfwd closes */
};

/** First bytes of every message. */
struct nbshm_msg_hdr {
	uint32_t magic;		/**< NBSHM_PROTO_MAGIC */
	uint16_t version;	/**< NBSHM_PROTO_VERSION */
	uint16_t type;		/**< enum nbshm_msg_type */
	uint32_t length;	/**< bytes of the whole message */
	uint32_t reserved;	/**< 0 */
};

/** Consumer's request: attach to queue @c queue of consumer @c name. */
struct nbshm_msg_attach {
	struct nbshm_msg_hdr hdr;
	char name[NBSHM_PROTO_NAME_MAX];	/**< [A-Za-z0-9_.-]+, then NULs */
	uint16_t queue;				/**< queue of that consumer (0 = first) */
	uint16_t reserved0;			/**< 0 */
	uint32_t flags;				/**< 0 (none defined yet) */
};

/** nbfwd's reply: the channel is ready, NBSHM_PROTO_ATTACH_OK_FDS fds attached. */
struct nbshm_msg_attach_ok {
	struct nbshm_msg_hdr hdr;
	struct nbshm_chan_layout layout;
	uint64_t page_size;			/**< hugepage size of both files */
	char region_name[NBSHM_PROTO_REGION_NAME_MAX];	/**< [A-Za-z0-9_.-]+, then NULs */
	uint8_t mac[6];				/**< the queue's MAC filter */
	uint16_t vlan;				/**< VLAN filter, NBSHM_PROTO_VLAN_NONE = none */
	uint32_t reserved;			/**< 0 */
};

/** nbfwd's refusal. */
struct nbshm_msg_error {
	struct nbshm_msg_hdr hdr;
	int32_t code;				/**< a positive errno value */
	uint32_t reserved;			/**< 0 */
	char text[NBSHM_PROTO_TEXT_MAX];	/**< NUL-terminated sentence */
};

/*
 * What doc/channel.md prints, checked: sizes, then every field's offset.
 */

#define NBSHM_WIRE_AT(type, field, off) \
	NBSHM_WIRE_ASSERT(offsetof(struct type, field) == (off), #type "." #field " @" #off)

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_region_hdr) == 104, "region header: 104 bytes");
NBSHM_WIRE_AT(nbshm_region_hdr, magic, 0);
NBSHM_WIRE_AT(nbshm_region_hdr, version, 8);
NBSHM_WIRE_AT(nbshm_region_hdr, hdr_size, 12);
NBSHM_WIRE_AT(nbshm_region_hdr, size, 16);
NBSHM_WIRE_AT(nbshm_region_hdr, page_size, 24);
NBSHM_WIRE_AT(nbshm_region_hdr, generation, 32);
NBSHM_WIRE_AT(nbshm_region_hdr, numa_node, 36);
NBSHM_WIRE_AT(nbshm_region_hdr, name, 40);
NBSHM_WIRE_ASSERT(sizeof(struct nbshm_region_hdr) <= NBSHM_REGION_DATA_OFFSET,
	"region header fits its page");

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_ring_hdr) == 128, "ring header: 128 bytes");
NBSHM_WIRE_AT(nbshm_ring_hdr, head, 0);
NBSHM_WIRE_AT(nbshm_ring_hdr, need_wakeup, 4);
NBSHM_WIRE_AT(nbshm_ring_hdr, pad0, 8);
NBSHM_WIRE_AT(nbshm_ring_hdr, tail, 64);
NBSHM_WIRE_AT(nbshm_ring_hdr, pad1, 68);
NBSHM_WIRE_ASSERT(NBSHM_RING_BYTES(1) == 128 + 32, "NBSHM_RING_BYTES(size) = 128 + 32*size");

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_desc) == 32, "descriptor: 32 bytes");
NBSHM_WIRE_AT(nbshm_desc, handle, 0);
NBSHM_WIRE_AT(nbshm_desc, offset, 8);
NBSHM_WIRE_AT(nbshm_desc, length, 12);
NBSHM_WIRE_AT(nbshm_desc, flags, 16);
NBSHM_WIRE_AT(nbshm_desc, pkt_len, 20);
NBSHM_WIRE_AT(nbshm_desc, n_segs, 24);
NBSHM_WIRE_AT(nbshm_desc, reserved0, 26);
NBSHM_WIRE_AT(nbshm_desc, reserved1, 28);

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_chan_layout) == 80, "layout: 80 bytes");
NBSHM_WIRE_AT(nbshm_chan_layout, region_size, 0);
NBSHM_WIRE_AT(nbshm_chan_layout, handle, 8);
NBSHM_WIRE_AT(nbshm_chan_layout, rings_off, 16);
NBSHM_WIRE_AT(nbshm_chan_layout, ring_stride, 24);
NBSHM_WIRE_AT(nbshm_chan_layout, ring_size, 32);
NBSHM_WIRE_AT(nbshm_chan_layout, n_qp, 36);
NBSHM_WIRE_AT(nbshm_chan_layout, max_segs, 40);
NBSHM_WIRE_AT(nbshm_chan_layout, mtu, 44);
NBSHM_WIRE_AT(nbshm_chan_layout, rx_off, 48);
NBSHM_WIRE_AT(nbshm_chan_layout, rx_len, 56);
NBSHM_WIRE_AT(nbshm_chan_layout, tx_off, 64);
NBSHM_WIRE_AT(nbshm_chan_layout, tx_buf_size, 72);
NBSHM_WIRE_AT(nbshm_chan_layout, n_tx_bufs, 76);

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_msg_hdr) == 16, "message header: 16 bytes");
NBSHM_WIRE_AT(nbshm_msg_hdr, magic, 0);
NBSHM_WIRE_AT(nbshm_msg_hdr, version, 4);
NBSHM_WIRE_AT(nbshm_msg_hdr, type, 6);
NBSHM_WIRE_AT(nbshm_msg_hdr, length, 8);
NBSHM_WIRE_AT(nbshm_msg_hdr, reserved, 12);

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_msg_attach) == 56, "ATTACH: 56 bytes");
NBSHM_WIRE_AT(nbshm_msg_attach, hdr, 0);
NBSHM_WIRE_AT(nbshm_msg_attach, name, 16);
NBSHM_WIRE_AT(nbshm_msg_attach, queue, 48);
NBSHM_WIRE_AT(nbshm_msg_attach, reserved0, 50);
NBSHM_WIRE_AT(nbshm_msg_attach, flags, 52);

/* 180 bytes of fields and 4 of tail padding (the struct is 8-byte aligned) */
NBSHM_WIRE_ASSERT(sizeof(struct nbshm_msg_attach_ok) == 184, "ATTACH_OK: 184 bytes");
NBSHM_WIRE_AT(nbshm_msg_attach_ok, hdr, 0);
NBSHM_WIRE_AT(nbshm_msg_attach_ok, layout, 16);
NBSHM_WIRE_AT(nbshm_msg_attach_ok, page_size, 96);
NBSHM_WIRE_AT(nbshm_msg_attach_ok, region_name, 104);
NBSHM_WIRE_AT(nbshm_msg_attach_ok, mac, 168);
NBSHM_WIRE_AT(nbshm_msg_attach_ok, vlan, 174);
NBSHM_WIRE_AT(nbshm_msg_attach_ok, reserved, 176);

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_msg_error) == 152, "ERROR: 152 bytes");
NBSHM_WIRE_AT(nbshm_msg_error, hdr, 0);
NBSHM_WIRE_AT(nbshm_msg_error, code, 16);
NBSHM_WIRE_AT(nbshm_msg_error, reserved, 20);
NBSHM_WIRE_AT(nbshm_msg_error, text, 24);

NBSHM_WIRE_ASSERT(sizeof(struct nbshm_msg_attach_ok) <= NBSHM_PROTO_MSG_MAX &&
	sizeof(struct nbshm_msg_error) <= NBSHM_PROTO_MSG_MAX, "messages fit NBSHM_PROTO_MSG_MAX");

#undef NBSHM_WIRE_AT

#ifdef __cplusplus
}
#endif

#endif /* NBSHM_WIRE_H */
