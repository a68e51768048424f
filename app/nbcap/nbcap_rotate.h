/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef NBCAP_ROTATE_H
#define NBCAP_ROTATE_H

/*
 * nbcap's output files, rotated as tcpdump rotates them:
 *  -C: before a packet is written, a file already larger than the size is
 *      closed and the next one opened: FILE, FILE1, FILE2, ...; with -W N
 *      the numbers have the digits of N-1 (FILE0, FILE1, ...) and wrap to 0
 *      after N files, overwriting the oldest.
 *  -G: a new file every SECONDS (checked when a packet comes), named by
 *      strftime(3) of the -w name at that time; with -W N, capturing ends
 *      (status 0) when the N+1-th file would be opened.
 */

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "nbcap_pcap.h"

/** What the files are. */
struct nbcap_rotate_opts {
	const char *path;		/**< -w: name, or pattern with -G; "-" = stdout */
	enum nbcap_format format;
	uint32_t snaplen;
	uint64_t max_bytes;		/**< -C in bytes, 0 = one file */
	uint32_t seconds;		/**< -G, 0 = no time rotation */
	uint32_t max_files;		/**< -W, 0 = no limit */
};

struct nbcap_rotate {
	struct nbcap_rotate_opts o;
	struct nbcap_pcap file;		/**< the open one */
	char name[PATH_MAX];		/**< its name */
	unsigned int digits;		/**< width of -C's number (from -W) */
	uint32_t c_count;		/**< -C's number of the open file */
	uint32_t g_count;		/**< -G rotations so far */
	time_t g_start;			/**< when the open -G period began */
	uint64_t files;			/**< files opened */
};

/**
 * The name of a file: @p pattern through strftime(3) at @p t when
 * @p use_time, then @p n appended with @p digits digits unless both are 0.
 * @return 0, or -1 when it does not fit in @p size (errno ENAMETOOLONG).
 */
int nbcap_rotate_name(char *buf, size_t size, const char *pattern, int use_time, time_t t,
		uint32_t n, unsigned int digits);

/** Open the first file at wall-clock time @p now. @return 0 or -1 (errno; r->name says which). */
int nbcap_rotate_open(struct nbcap_rotate *r, const struct nbcap_rotate_opts *o, time_t now);

/**
 * Write one packet, rotating first when due.
 * @return 0; 1 when -G -W's file limit is reached (not written: stop);
 * -1 on an error (errno; r->name says which file).
 */
int nbcap_rotate_write(struct nbcap_rotate *r, const struct nbshm_pkt *pkt,
		const struct timespec *ts);

/** Close the open file. @return 0 or -1 (errno). */
int nbcap_rotate_close(struct nbcap_rotate *r);

#endif /* NBCAP_ROTATE_H */
