/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbecho: attach to an nbfwd consumer queue, count what it lends and, with
 * --echo, send each packet back with its MAC addresses swapped (copied into
 * a tx buffer of the client's own). No DPDK.
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "nbcap_common.h"

static const char *prog = "nbecho";

/* Why an echo was not sent. */
enum nbecho_drop {
	NBECHO_DROP_NO_BUFFER = 0,	/* every tx buffer in flight */
	NBECHO_DROP_TOO_LONG,		/* longer than a tx buffer or the mtu */
	NBECHO_DROP_RING_FULL,		/* tx ring full */
	NBECHO_DROP_MAX,
};

struct nbecho_run {
	struct nbcap_run run;		/* packets received, bytes */
	int echo;
	uint32_t tx_max;		/* min(tx_buf_size, mtu) */
	uint64_t echoed;
	uint64_t drop[NBECHO_DROP_MAX];
};

static void
nbecho_usage(FILE *f)
{
	fprintf(f,
		"Usage: nbecho -s SOCKET -n NAME [-q QUEUE] [--echo] [-c COUNT] [-t SECONDS]\n"
		"              [--poll] [--wait-socket SECONDS] [--stats-json FILE] [-u USER]\n"
		"              [--help]\n"
		"Attach to queue QUEUE (default 0) of consumer NAME served by nbfwd on\n"
		"SOCKET, count the packets it lends and give them back.\n"
		"  --echo              also send each packet back: copied into a tx buffer,\n"
		"                      destination and source MAC swapped\n"
		"  -c COUNT            stop after COUNT packets received\n"
		"  -t SECONDS          stop after SECONDS (decimals allowed)\n"
		"  --poll              busy-poll the rings (default: sleep on the eventfd)\n"
		"  --wait-socket SECS  retry attaching while SOCKET is absent\n"
		"                      or nbfwd is busy (default 0)\n"
		"  --stats-json FILE   write counters as JSON at exit\n"
		"  -u, --producer-uid USER  attach only if nbfwd runs as USER (name or uid;\n"
		"                      checked with SO_PEERCRED before anything is sent)\n"
		"Ends on -c, -t, SIGINT or SIGTERM with one summary line:\n"
		"  nbecho: PACKETS packets, BYTES bytes, ECHOED echoed, DROPPED tx dropped, "
		"REJECTED rejected\n"
		"Exit status: 0 ok, 1 runtime error (attach refused, nbfwd went away, the\n"
		"region file shrank under it), 2 usage error.\n");
}

static const struct option nbecho_long[] = {
	NBCAP_COMMON_LONG_OPTIONS,
	{ "echo", no_argument, NULL, NBCAP_OPT_ECHO },
	{ NULL, 0, NULL, 0 },
};

static int
nbecho_args(int argc, char **argv, struct nbecho_run *r)
{
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "s:n:q:c:t:u:h", nbecho_long, NULL)) != -1) {
		if (opt == 'h') {
			nbecho_usage(stdout);
			exit(0);
		}
		if (opt == NBCAP_OPT_ECHO) {
			r->echo = 1;
			continue;
		}
		rc = nbcap_opt(prog, opt, optarg, &r->run.o);
		if (rc <= 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[optind]);
		return -1;
	}
	return nbcap_opts_check(prog, &r->run.o);
}

/* Copy @p p into @p buf with its two MAC addresses swapped. */
static void
nbecho_copy_swapped(uint8_t *buf, const struct nbshm_pkt *p)
{
	uint8_t mac[6];
	uint32_t at = 0;
	unsigned int i;

	for (i = 0; i < p->n_segs; i++) {
		memcpy(buf + at, p->seg[i].data, p->seg[i].len);
		at += p->seg[i].len;
	}
	if (p->len >= 12) {
		memcpy(mac, buf, 6);
		memmove(buf, buf + 6, 6);
		memcpy(buf + 6, mac, 6);
	}
}

/* Echo @p n packets (copies), counting what could not be sent. */
static int
nbecho_send(struct nbshm_client *c, struct nbecho_run *r, const struct nbshm_pkt *pkts,
		unsigned int n)
{
	void *bufs[NBCAP_BURST], *out[NBCAP_BURST], *spare[NBCAP_BURST];
	uint32_t lens[NBCAP_BURST];
	unsigned int i, n_out = 0, n_spare = 0;
	int got, sent;

	got = nbshm_client_tx_alloc(c, bufs, n);
	if (got < 0)
		return got;
	for (i = 0; i < n; i++) {
		if (i >= (unsigned int)got) {
			r->drop[NBECHO_DROP_NO_BUFFER]++;
		} else if (pkts[i].len > r->tx_max) {
			r->drop[NBECHO_DROP_TOO_LONG]++;
			spare[n_spare++] = bufs[i];
		} else {
			nbecho_copy_swapped(bufs[i], &pkts[i]);
			out[n_out] = bufs[i];
			lens[n_out++] = pkts[i].len;
		}
	}
	sent = n_out > 0 ? nbshm_client_tx_send(c, out, lens, n_out) : 0;
	if (sent < 0)
		return sent;
	r->echoed += (unsigned int)sent;
	for (i = (unsigned int)sent; i < n_out; i++) {
		r->drop[NBECHO_DROP_RING_FULL]++;
		spare[n_spare++] = out[i];
	}
	if (n_spare > 0)
		nbshm_client_tx_free(c, spare, n_spare);
	return 0;
}

/* Count one burst (up to the count limit), echo it; the loop gives it all back. */
static int
nbecho_burst(struct nbshm_client *c, struct nbcap_run *r, const struct nbshm_pkt *pkts,
		unsigned int n, void *arg)
{
	struct nbecho_run *e = arg;
	unsigned int i;
	int rc = 0;

	if (r->o.count != 0 && r->packets + n > r->o.count)
		n = (unsigned int)(r->o.count - r->packets);	/* the rest is only returned */
	for (i = 0; i < n; i++)
		r->bytes += pkts[i].len;
	r->packets += n;
	if (e->echo && n > 0)
		rc = nbecho_send(c, e, pkts, n);
	return rc;
}

int
main(int argc, char **argv)
{
	struct nbecho_run e;
	struct nbcap_run *r = &e.run;
	struct nbshm_client_info info;
	struct nbshm_client_stats st;
	struct nbshm_client *c;
	uint64_t dropped;
	double t0;

	memset(&e, 0, sizeof(e));
	if (nbecho_args(argc, argv, &e) < 0) {
		fprintf(stderr, "Try '%s --help'.\n", prog);
		return NBCAP_EXIT_USAGE;
	}
	nbcap_signals();
	if (nbcap_connect(prog, &r->o, 0, &c) < 0)
		return NBCAP_EXIT_ERROR;
	nbshm_client_info(c, &info);
	e.tx_max = info.tx_buf_size < info.mtu ? info.tx_buf_size : info.mtu;
	t0 = nbcap_now();
	nbcap_loop(prog, c, r, nbecho_burst, &e);
	nbshm_client_stats(c, &st);
	nbshm_client_close(c);

	dropped = e.drop[NBECHO_DROP_NO_BUFFER] + e.drop[NBECHO_DROP_TOO_LONG] +
		e.drop[NBECHO_DROP_RING_FULL];
	if (r->gone)
		fprintf(stderr, "%s: nbfwd went away (channel closed)\n", prog);
	printf("%s: %llu packets, %llu bytes, %llu echoed, %llu tx dropped, %llu rejected\n",
			prog, (unsigned long long)r->packets, (unsigned long long)r->bytes,
			(unsigned long long)e.echoed, (unsigned long long)dropped,
			(unsigned long long)nbcap_rejected(&st));
	if (dropped != 0)
		printf("%s: tx dropped: no_buffer=%llu too_long=%llu ring_full=%llu\n", prog,
				(unsigned long long)e.drop[NBECHO_DROP_NO_BUFFER],
				(unsigned long long)e.drop[NBECHO_DROP_TOO_LONG],
				(unsigned long long)e.drop[NBECHO_DROP_RING_FULL]);
	nbcap_print_rejects(stdout, prog, &st);
	{
		const struct nbcap_kv kv[] = {
			{ "packets", r->packets },
			{ "bytes", r->bytes },
			{ "echoed", e.echoed },
			{ "tx_dropped", dropped },
			{ "tx_dropped_no_buffer", e.drop[NBECHO_DROP_NO_BUFFER] },
			{ "tx_dropped_too_long", e.drop[NBECHO_DROP_TOO_LONG] },
			{ "tx_dropped_ring_full", e.drop[NBECHO_DROP_RING_FULL] },
			{ "rejected", nbcap_rejected(&st) },
		};

		return nbcap_exit_status(prog, r, t0, kv, sizeof(kv) / sizeof(kv[0]), &st);
	}
}
