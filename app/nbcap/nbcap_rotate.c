/* SPDX-License-Identifier: BSD-3-Clause */

/* nbcap's file rotation (-C size, -G time, -W count), named as tcpdump names them. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nbcap_rotate.h"

int
nbcap_rotate_name(char *buf, size_t size, const char *pattern, int use_time, time_t t,
		uint32_t n, unsigned int digits)
{
	char base[PATH_MAX];
	struct tm tm;
	int len;

	if (use_time) {
		/* 0 is also a legitimate empty result: an empty pattern is refused earlier */
		if (localtime_r(&t, &tm) == NULL || strftime(base, sizeof(base), pattern, &tm) == 0)
			goto too_long;
	} else if (snprintf(base, sizeof(base), "%s", pattern) >= (int)sizeof(base)) {
		goto too_long;
	}
	if (n == 0 && digits == 0)
		len = snprintf(buf, size, "%s", base);
	else
		len = snprintf(buf, size, "%s%0*u", base, (int)digits, (unsigned int)n);
	if (len < 0 || (size_t)len >= size)
		goto too_long;
	return 0;
too_long:
	errno = ENAMETOOLONG;
	return -1;
}

/* Close the open file (if any) and open r->name's successor named by (time, n). */
static int
nbcap_rotate_next(struct nbcap_rotate *r, time_t t, uint32_t n, unsigned int digits)
{
	if (r->file.f != NULL && nbcap_pcap_close(&r->file) < 0)
		return -1;
	if (nbcap_rotate_name(r->name, sizeof(r->name), r->o.path, r->o.seconds != 0, t, n,
			digits) < 0) {
		/* the message names the pattern */
		snprintf(r->name, sizeof(r->name), "%s", r->o.path);
		return -1;
	}
	if (nbcap_pcap_open(&r->file, r->name, r->o.snaplen, r->o.format) < 0)
		return -1;
	r->files++;
	return 0;
}

int
nbcap_rotate_open(struct nbcap_rotate *r, const struct nbcap_rotate_opts *o, time_t now)
{
	uint32_t w;

	memset(r, 0, sizeof(*r));
	r->o = *o;
	/* -W N: room for N-1 in -C's numbers */
	if (o->max_bytes != 0)
		for (w = o->max_files > 0 ? o->max_files - 1 : 0; w > 0; w /= 10)
			r->digits++;
	r->g_start = now;
	if (o->max_bytes == 0 && o->seconds == 0) {
		/* one file, named as given ("-" included) */
		snprintf(r->name, sizeof(r->name), "%s", o->path);
		if (nbcap_pcap_open(&r->file, o->path, o->snaplen, o->format) < 0)
			return -1;
		r->files = 1;
		return 0;
	}
	return nbcap_rotate_next(r, now, 0, r->digits);
}

int
nbcap_rotate_write(struct nbcap_rotate *r, const struct nbshm_pkt *pkt,
		const struct timespec *ts)
{
	if (r->o.seconds != 0 && ts->tv_sec - r->g_start >= (time_t)r->o.seconds) {
		r->g_start = ts->tv_sec;
		if (r->o.max_files != 0 && ++r->g_count >= r->o.max_files)
			return 1;
		r->c_count = 0;
		if (nbcap_rotate_next(r, ts->tv_sec, 0, 0) < 0)
			return -1;
	}
	if (r->o.max_bytes != 0 && r->file.size > r->o.max_bytes) {
		if (++r->c_count == r->o.max_files && r->o.max_files != 0)
			r->c_count = 0;
		if (nbcap_rotate_next(r, r->g_start, r->c_count, r->digits) < 0)
			return -1;
	}
	return nbcap_pcap_write(&r->file, pkt, ts) < 0 ? -1 : 0;
}

int
nbcap_rotate_close(struct nbcap_rotate *r)
{
	return nbcap_pcap_close(&r->file);
}
