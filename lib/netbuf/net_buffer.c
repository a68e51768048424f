/* SPDX-License-Identifier: BSD-3-Clause */

#include "net_buffer.h"

static const char * const net_buffer_reason_names[NET_BUFFER_REASON_MAX] = {
	[NET_BUFFER_OK] = "ok",
	[NET_BUFFER_BAD_HANDLE] = "bad_handle",
	[NET_BUFFER_STALE_GENERATION] = "stale_generation",
	[NET_BUFFER_OUT_OF_BOUNDS] = "out_of_bounds",
	[NET_BUFFER_ZERO_LENGTH] = "zero_length",
	[NET_BUFFER_TOO_MANY_SEGMENTS] = "too_many_segments",
	[NET_BUFFER_LENGTH_MISMATCH] = "length_mismatch",
	[NET_BUFFER_BAD_FLAGS] = "bad_flags",
};

const char *
net_buffer_reason_name(enum net_buffer_reason reason)
{
	if ((unsigned int)reason >= NET_BUFFER_REASON_MAX)
		return "unknown";
	return net_buffer_reason_names[reason];
}

static unsigned int
net_buffer_fail(enum net_buffer_reason *reason, enum net_buffer_reason why)
{
	if (reason != NULL)
		*reason = why;
	return 0;
}

unsigned int
net_buffer_check(const NET_BUFFER *nb, unsigned int max_segments,
		enum net_buffer_reason *reason)
{
	const NET_BUFFER_SHARED_MEMORY *shm;
	enum net_buffer_reason why;
	uint64_t total = 0;
	unsigned int n = 0;

	if (nb == NULL || NET_BUFFER_FIRST_SHARED_MEM_INFO(nb) == NULL)
		return net_buffer_fail(reason, NET_BUFFER_ZERO_LENGTH);
	if (NET_BUFFER_DATA_OFFSET(nb) != 0)
		return net_buffer_fail(reason, NET_BUFFER_BAD_FLAGS);

	for (shm = NET_BUFFER_FIRST_SHARED_MEM_INFO(nb); shm != NULL;
			shm = NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(shm)) {
		if (++n > max_segments)
			return net_buffer_fail(reason, NET_BUFFER_TOO_MANY_SEGMENTS);
		/* bounds are the resolver's (it knows the region): any area here */
		why = net_buffer_seg_rule(0, NET_BUFFER_SHARED_MEM_LENGTH(shm), 0, UINT64_MAX);
		if (why != NET_BUFFER_OK)
			return net_buffer_fail(reason, why);
		if (NET_BUFFER_SHARED_MEM_FLAGS(shm) != 0)
			return net_buffer_fail(reason, NET_BUFFER_BAD_FLAGS);
		total += NET_BUFFER_SHARED_MEM_LENGTH(shm);
	}
	why = net_buffer_len_rule(total, NET_BUFFER_DATA_LENGTH(nb));
	if (why != NET_BUFFER_OK)
		return net_buffer_fail(reason, why);
	if (reason != NULL)
		*reason = NET_BUFFER_OK;
	return n;
}
