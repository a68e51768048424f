/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NET_BUFFER_H
#define NET_BUFFER_H

/**
 * @file
 * The NDIS 6.20 shared-memory packet model, in plain C.
 *
 * A packet is a NET_BUFFER whose SharedMemoryInfo is a NULL-terminated list of
 * NET_BUFFER_SHARED_MEMORY segments, each naming bytes of a shared region by
 * (handle, offset, length). The type, field and macro names are the NDIS ones so
 * NDIS code reads the same here. No DPDK dependency: consumers include this header
 * alone.
 *
 * Differences from NDIS, on purpose:
 * - There are no MDLs: the segments are the data. NDIS sets a segment once per
 *   receive buffer and moves only DataOffset/DataLength per packet; here each
 *   segment describes exactly the bytes in use of one buffer (a DPDK mbuf segment
 *   carries its own data offset), so DataOffset is 0 and the segment lengths sum
 *   to DataLength. net_buffer_check() enforces that.
 * - SharedMemoryHandle is a 64-bit integer, not a pointer: it crosses process
 *   boundaries. It encodes a dense region index (low 32 bits) and the region's
 *   generation (high 32 bits); see NET_BUFFER_SHM_HANDLE().
 * - Offsets and lengths are 32-bit (ULONG), as in NDIS; all arithmetic on them is
 *   done in 64 bits by the checks here and by the region resolver.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Receive-indication flag: SharedMemoryInfo of every NET_BUFFER in the indication
 * is valid (NDIS value 0x1000). Without it a receiver must ignore SharedMemoryInfo.
 */
#define NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID 0x00001000u

/** One shared-memory segment of a NET_BUFFER (x64 layout of NDIS: 32 bytes). */
typedef struct _NET_BUFFER_SHARED_MEMORY {
	/** Next segment of the same NET_BUFFER, NULL at the end of the list. */
	struct _NET_BUFFER_SHARED_MEMORY *NextSharedMemorySegment;
	/** Reserved, must be 0 (NDIS: "reserved for future use"). */
	uint32_t SharedMemoryFlags;
	uint32_t Reserved;
	/** Region handle: index in the low 32 bits, generation in the high 32 bits. */
	uint64_t SharedMemoryHandle;
	/** Byte offset of the segment's first data byte from the region's start. */
	uint32_t SharedMemoryOffset;
	/** Bytes of the segment (bytes in use, never 0 in a valid chain). */
	uint32_t SharedMemoryLength;
} NET_BUFFER_SHARED_MEMORY, *PNET_BUFFER_SHARED_MEMORY;

/** One packet. */
typedef struct _NET_BUFFER {
	/** Next NET_BUFFER of the same NET_BUFFER_LIST, NULL at the end. */
	struct _NET_BUFFER *Next;
	/** Head of the segment list (NDIS overlays ScatterGatherList here). */
	NET_BUFFER_SHARED_MEMORY *SharedMemoryInfo;
	/** Unused bytes before the packet in the first segment: always 0 here. */
	uint32_t DataOffset;
	/** Packet length in bytes: the sum of the segment lengths. */
	uint32_t DataLength;
} NET_BUFFER, *PNET_BUFFER;

/** A list of packets; on receive each list carries exactly one NET_BUFFER. */
typedef struct _NET_BUFFER_LIST {
	/** Next list, NULL at the end. */
	struct _NET_BUFFER_LIST *Next;
	/** First NET_BUFFER of this list. */
	NET_BUFFER *FirstNetBuffer;
} NET_BUFFER_LIST, *PNET_BUFFER_LIST;

/**
 * Next segment of segment _SHI (lvalue).
 * The 2017 Microsoft page for these five macros types the argument as PNET_BUFFER
 * in its syntax box; ndis.h and the parameter text take a segment
 * (NET_BUFFER_SHARED_MEMORY *). So do all five macros here.
 */
#define NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(_SHI) ((_SHI)->NextSharedMemorySegment)

/**
 * Flags of segment _SHI (lvalue). Reserved: the Microsoft page defines no values,
 * so a valid chain carries 0 and net_buffer_check() rejects anything else.
 */
#define NET_BUFFER_SHARED_MEM_FLAGS(_SHI) ((_SHI)->SharedMemoryFlags)

/**
 * Region handle of segment _SHI (lvalue). This is the shared memory handle (the
 * one a receiver resolves), not an allocation handle; the 2017 Microsoft page for
 * the OFFSET macro wrongly says the HANDLE macro yields the offset.
 */
#define NET_BUFFER_SHARED_MEM_HANDLE(_SHI) ((_SHI)->SharedMemoryHandle)

/**
 * Offset of segment _SHI (lvalue): the segment's first data byte counted from the
 * start of the region named by the handle. The reference page says only "offset
 * of the shared memory"; the VMQ receive-path page is the precise one, followed here.
 */
#define NET_BUFFER_SHARED_MEM_OFFSET(_SHI) ((_SHI)->SharedMemoryOffset)

/**
 * Length in bytes of segment _SHI (lvalue). The 2017 Microsoft page's summary line
 * says this macro "gets the shared memory offset"; it is the length. Here it is
 * the bytes in use, not the buffer's capacity.
 */
#define NET_BUFFER_SHARED_MEM_LENGTH(_SHI) ((_SHI)->SharedMemoryLength)

/** First segment of NET_BUFFER _NB (lvalue); absent from the reference page set. */
#define NET_BUFFER_FIRST_SHARED_MEM_INFO(_NB) ((_NB)->SharedMemoryInfo)

/** Packet length of NET_BUFFER _NB (lvalue). */
#define NET_BUFFER_DATA_LENGTH(_NB) ((_NB)->DataLength)

/** Unused bytes before the packet in NET_BUFFER _NB (lvalue); always 0 here. */
#define NET_BUFFER_DATA_OFFSET(_NB) ((_NB)->DataOffset)

/** Next NET_BUFFER after _NB in its list (lvalue). */
#define NET_BUFFER_NEXT_NB(_NB) ((_NB)->Next)

/** First NET_BUFFER of list _NBL (lvalue). */
#define NET_BUFFER_LIST_FIRST_NB(_NBL) ((_NBL)->FirstNetBuffer)

/** Next NET_BUFFER_LIST after _NBL (lvalue). */
#define NET_BUFFER_LIST_NEXT_NBL(_NBL) ((_NBL)->Next)

/** Build a handle from a region index and generation. */
#define NET_BUFFER_SHM_HANDLE(_index, _gen) \
	(((uint64_t)(uint32_t)(_gen) << 32) | (uint64_t)(uint32_t)(_index))
/** Region index of a handle. */
#define NET_BUFFER_SHM_HANDLE_INDEX(_h) ((uint32_t)((uint64_t)(_h) & 0xffffffffu))
/** Region generation of a handle. */
#define NET_BUFFER_SHM_HANDLE_GEN(_h) ((uint32_t)((uint64_t)(_h) >> 32))

/**
 * Why a packet or segment is not valid. The same codes are used by the region
 * resolver and are the names of nbfwd's drop counters.
 */
enum net_buffer_reason {
	NET_BUFFER_OK = 0,		/**< valid */
	NET_BUFFER_BAD_HANDLE,		/**< region index out of range or slot empty */
	NET_BUFFER_STALE_GENERATION,	/**< handle names an older region in that slot */
	NET_BUFFER_OUT_OF_BOUNDS,	/**< offset + length beyond the region's end */
	NET_BUFFER_ZERO_LENGTH,		/**< a segment (or the packet) has no bytes */
	NET_BUFFER_TOO_MANY_SEGMENTS,	/**< more segments than the cap, or a cycle */
	NET_BUFFER_LENGTH_MISMATCH,	/**< segment lengths do not sum to DataLength */
	NET_BUFFER_BAD_FLAGS,		/**< reserved flags or DataOffset not 0 */
	NET_BUFFER_REASON_MAX,
};

/**
 * @name The segment rules
 * One rule set for every validator of segments, whatever carries them: the
 * NET_BUFFER (net_buffer_check()), the region resolver and the mbuf bridge
 * (lib/region), and the descriptor chains of a consumer channel
 * (nbshm_chan_check_chain(), on both sides). They call these, so no two can
 * drift. Handles and flags are checked by each against its own source of truth.
 * @{
 */

/**
 * A segment of @p len bytes at @p off lies in the area [@p area_off,
 * @p area_off + @p area_len): 64-bit arithmetic, end exclusive (the area's last
 * byte is in, one past it out).
 *
 * @return
 *   NET_BUFFER_ZERO_LENGTH when @p len is 0, else NET_BUFFER_OUT_OF_BOUNDS
 *   when the bytes leave the area, else NET_BUFFER_OK.
 */
static inline enum net_buffer_reason
net_buffer_seg_rule(uint32_t off, uint32_t len, uint64_t area_off, uint64_t area_len)
{
	if (__builtin_expect(len == 0, 0))
		return NET_BUFFER_ZERO_LENGTH;
	/* off - area_off and len are below 2^32: their sum cannot wrap */
	if (__builtin_expect(off < area_off || (uint64_t)off - area_off + len > area_len, 0))
		return NET_BUFFER_OUT_OF_BOUNDS;
	return NET_BUFFER_OK;
}

/**
 * net_buffer_seg_rule() for an area at offset 0, without branches (bursts
 * OR it over many segments, then take the slow path to say why).
 *
 * @p off + @p len must not wrap 64 bits (true of 32-bit offsets and lengths).
 *
 * @return
 *   Non-zero when net_buffer_seg_rule(off, len, 0, area_len) is not NET_BUFFER_OK.
 */
static inline uint64_t
net_buffer_seg_bad(uint64_t off, uint64_t len, uint64_t area_len)
{
	return (uint64_t)(len == 0) | (uint64_t)(off + len > area_len);
}

/**
 * A packet's segment lengths, summed in 64 bits, equal its length.
 *
 * @return
 *   NET_BUFFER_LENGTH_MISMATCH or NET_BUFFER_OK.
 */
static inline enum net_buffer_reason
net_buffer_len_rule(uint64_t sum, uint64_t pkt_len)
{
	return __builtin_expect(sum == pkt_len, 1) ? NET_BUFFER_OK : NET_BUFFER_LENGTH_MISMATCH;
}

/** @} */

/**
 * Name of a reason, as used in counters ("bad_handle", ...).
 *
 * @param reason
 *   A reason; out-of-range values give "unknown".
 * @return
 *   A static string.
 */
const char *net_buffer_reason_name(enum net_buffer_reason reason);

/**
 * Check the shape of a NET_BUFFER's segment list without touching packet data.
 *
 * Checks, in order: at least one segment; at most @p max_segments segments (a
 * cycle is reported as too many); every segment's length non-zero and flags 0;
 * DataOffset 0; the lengths, summed in 64 bits, equal DataLength. It never
 * follows more than @p max_segments + 1 links and never aborts. Handle and
 * bounds checks need the region table: see nbshm_region_resolve().
 *
 * @param nb
 *   The packet; NULL is reported as NET_BUFFER_ZERO_LENGTH.
 * @param max_segments
 *   Cap on the number of segments (>= 1).
 * @param reason
 *   Set to the first failed check, or NET_BUFFER_OK. May be NULL.
 * @return
 *   The number of segments (>= 1) when valid, 0 when not.
 */
unsigned int net_buffer_check(const NET_BUFFER *nb, unsigned int max_segments,
		enum net_buffer_reason *reason);

#ifdef __cplusplus
}
#endif

#endif /* NET_BUFFER_H */
