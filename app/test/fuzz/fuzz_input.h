/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBSHM_FUZZ_INPUT_H
#define NBSHM_FUZZ_INPUT_H

/**
 * @file
 * What every fuzz target shares: the libFuzzer entry point's prototype, a
 * cursor that takes little-endian integers from the input (zeros once it runs
 * out, so every input decodes to something), and the check that turns a
 * broken promise into an abort (a finding for libFuzzer, a failure for the
 * replay driver).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/** The libFuzzer entry point each target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Abort with the file, line and condition when @p cond is false. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/** Read cursor over the input bytes. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline void
fuzz_input_init(struct fuzz_input *in, const uint8_t *data, size_t size)
{
	in->p = data;
	in->left = size;
}

/** Next @p n bytes (n <= 8) as a little-endian integer; missing bytes are 0. */
static inline uint64_t
fuzz_input_uint(struct fuzz_input *in, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (in->left == 0)
			break;
		v |= (uint64_t)in->p[0] << (8 * i);
		in->p++;
		in->left--;
	}
	return v;
}

static inline uint8_t
fuzz_input_u8(struct fuzz_input *in)
{
	return (uint8_t)fuzz_input_uint(in, 1);
}

static inline uint16_t
fuzz_input_u16(struct fuzz_input *in)
{
	return (uint16_t)fuzz_input_uint(in, 2);
}

static inline uint32_t
fuzz_input_u32(struct fuzz_input *in)
{
	return (uint32_t)fuzz_input_uint(in, 4);
}

static inline uint64_t
fuzz_input_u64(struct fuzz_input *in)
{
	return fuzz_input_uint(in, 8);
}

#endif /* NBSHM_FUZZ_INPUT_H */
