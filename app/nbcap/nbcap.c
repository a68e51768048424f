/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbcap: attach to an nbfwd consumer queue and write every packet it lends
 * to a pcap file, giving each buffer back once written. No DPDK.
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nbcap_common.h"
#include "nbcap_pcap.h"

static const char *prog = "nbcap";

static void
nbcap_usage(FILE *f)
{
	fprintf(f,
		"Usage: nbcap -s SOCKET -n NAME [-q QUEUE] -w FILE.pcap [-c COUNT] [-t SECONDS]\n"
		"             [--poll] [--snaplen BYTES] [--wait-socket SECONDS]\n"
		"             [--stats-json FILE] [-u USER] [--help]\n"
		"Attach to queue QUEUE (default 0) of consumer NAME served by nbfwd on\n"
		"SOCKET and write every packet received to FILE.pcap (\"-\" = stdout):\n"
		"classic pcap, Ethernet, microsecond timestamps. Each buffer is given back\n"
		"to nbfwd once written.\n"
		"  -c COUNT            stop after COUNT packets written\n"
		"  -t SECONDS          stop after SECONDS (decimals allowed)\n"
		"  --poll              busy-poll the rings (default: sleep on the eventfd)\n"
		"  --snaplen BYTES     cut packets at BYTES in the file (default %u)\n"
		"  --wait-socket SECS  retry attaching while SOCKET is absent (default 0)\n"
		"  --stats-json FILE   write counters as JSON at exit\n"
		"  -u, --producer-uid USER  attach only if nbfwd runs as USER (name or uid;\n"
		"                      checked with SO_PEERCRED before anything is sent)\n"
		"Ends on -c, -t, SIGINT or SIGTERM with one summary line (on stderr when the\n"
		"pcap goes to stdout):\n"
		"  nbcap: PACKETS packets, BYTES bytes, REJECTED rejected\n"
		"Exit status: 0 ok, 1 runtime error (attach refused, write error, nbfwd went\n"
		"away, the region file shrank under it), 2 usage error.\n",
		NBCAP_PCAP_SNAPLEN_DEFAULT);
}

static const struct option nbcap_long[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "name", required_argument, NULL, 'n' },
	{ "queue", required_argument, NULL, 'q' },
	{ "write", required_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "time", required_argument, NULL, 't' },
	{ "poll", no_argument, NULL, NBCAP_OPT_POLL },
	{ "snaplen", required_argument, NULL, NBCAP_OPT_SNAPLEN },
	{ "wait-socket", required_argument, NULL, NBCAP_OPT_WAIT_SOCKET },
	{ "stats-json", required_argument, NULL, NBCAP_OPT_STATS_JSON },
	{ "producer-uid", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A capture: the loop's run (packets written, failed on a write error) and the file. */
struct nbcap_cap {
	struct nbcap_run run;
	const char *out;
	uint32_t snaplen;
	struct nbcap_pcap pcap;
};

static int
nbcap_args(int argc, char **argv, struct nbcap_cap *r)
{
	uint64_t v;
	int opt, rc;

	r->snaplen = NBCAP_PCAP_SNAPLEN_DEFAULT;
	while ((opt = getopt_long(argc, argv, "s:n:q:w:c:t:u:h", nbcap_long, NULL)) != -1) {
		if (opt == 'h') {
			nbcap_usage(stdout);
			exit(0);
		}
		if (opt == 'w') {
			r->out = optarg;
			continue;
		}
		if (opt == NBCAP_OPT_SNAPLEN) {
			if (nbcap_parse_u64(optarg, 1, 262144, &v) < 0) {
				fprintf(stderr, "%s: bad value \"%s\" for --snaplen (1..262144)\n",
						prog, optarg);
				return -1;
			}
			r->snaplen = (uint32_t)v;
			continue;
		}
		rc = nbcap_opt(prog, opt, optarg, &r->run.o);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return -1;	/* getopt printed it */
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[optind]);
		return -1;
	}
	if (nbcap_opts_check(prog, &r->run.o) < 0)
		return -1;
	if (r->out == NULL) {
		fprintf(stderr, "%s: -w FILE.pcap is required\n", prog);
		return -1;
	}
	return 0;
}

/* Write one burst (up to the count limit); the loop gives it all back. */
static int
nbcap_burst(struct nbshm_client *c, struct nbcap_run *r,
		const struct nbshm_pkt *pkts, unsigned int n, void *arg)
{
	struct nbcap_cap *cap = arg;
	struct timespec ts;
	unsigned int i;

	(void)c;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 0; i < n && !r->failed; i++) {
		if (r->o.count != 0 && r->packets >= r->o.count)
			break;
		if (nbcap_pcap_write(&cap->pcap, &pkts[i], &ts) < 0) {
			fprintf(stderr, "%s: writing %s: %s\n", prog, cap->out, strerror(errno));
			r->failed = 1;
			break;
		}
		r->packets++;
		r->bytes += pkts[i].len;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct nbcap_cap cap;
	struct nbcap_run *r = &cap.run;
	struct nbshm_client_stats st;
	struct nbshm_client *c;
	double t0;
	FILE *sum;

	memset(&cap, 0, sizeof(cap));
	if (nbcap_args(argc, argv, &cap) < 0) {
		fprintf(stderr, "Try '%s --help'.\n", prog);
		return NBCAP_EXIT_USAGE;
	}
	nbcap_signals();
	if (nbcap_connect(prog, &r->o, 0, &c) < 0)
		return NBCAP_EXIT_ERROR;
	if (nbcap_pcap_open(&cap.pcap, cap.out, cap.snaplen) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, cap.out, strerror(errno));
		nbcap_pcap_close(&cap.pcap);
		nbshm_client_close(c);
		return NBCAP_EXIT_ERROR;
	}
	t0 = nbcap_now();
	nbcap_loop(prog, c, r, nbcap_burst, &cap);
	if (nbcap_pcap_close(&cap.pcap) < 0 && !r->failed) {
		fprintf(stderr, "%s: writing %s: %s\n", prog, cap.out, strerror(errno));
		r->failed = 1;
	}
	nbshm_client_stats(c, &st);
	nbshm_client_close(c);

	sum = cap.pcap.is_stdout ? stderr : stdout;
	if (r->gone)
		fprintf(stderr, "%s: nbfwd went away (channel closed)\n", prog);
	fprintf(sum, "%s: %llu packets, %llu bytes, %llu rejected\n", prog,
			(unsigned long long)r->packets, (unsigned long long)r->bytes,
			(unsigned long long)nbcap_rejected(&st));
	nbcap_print_rejects(sum, prog, &st);
	{
		const struct nbcap_kv kv[] = {
			{ "packets", r->packets },
			{ "bytes", r->bytes },
			{ "rejected", nbcap_rejected(&st) },
		};

		return nbcap_exit_status(prog, r, t0, kv, 3, &st);
	}
}
