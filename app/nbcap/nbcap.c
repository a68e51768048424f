/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbcap: attach to an nbfwd consumer queue and capture like tcpdump: a BPF
 * filter (libpcap's compiler and interpreter), pcap or pcapng files,
 * rotation by size or time, live counts. Every buffer is given back once
 * written or filtered out. No DPDK.
 */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nbcap_common.h"
#include "nbcap_filter.h"
#include "nbcap_rotate.h"

static const char *prog = "nbcap";

static void
nbcap_usage(FILE *f)
{
	fprintf(f,
		"Usage: nbcap [OPTION]... -s SOCKET -n NAME -w FILE [FILTER EXPRESSION ...]\n"
		"  or:  nbcap -d[d[d]] [--snaplen BYTES] [-f FILTER | FILTER EXPRESSION ...]\n"
		"  or:  nbcap --help | --version\n"
		"Capture like tcpdump from an nbfwd consumer queue: attach to queue QUEUE of\n"
		"consumer NAME served by nbfwd on SOCKET and write the packets received\n"
		"that pass FILTER to FILE, as tcpdump -w would: Ethernet, classic pcap with\n"
		"microsecond timestamps, or pcapng with nanosecond timestamps. Each buffer\n"
		"is given back to nbfwd once written or filtered out; nbfwd's forwarding\n"
		"never waits for nbcap. Built on libnbshm-client (no DPDK) and libpcap.\n"
		"\n"
		"Options:\n"
		"  -s, --socket SOCKET  nbfwd's attach socket ([nbfwd] socket)\n"
		"  -n, --name NAME     the consumer ([consumer NAME])\n"
		"  -q, --queue QUEUE   its queue (default 0)\n"
		"  -w, --write FILE    the file (\"-\" = stdout); pcapng with --pcapng or\n"
		"                      when FILE ends in .pcapng, else classic pcap\n"
		"  -f, --filter FILTER  a tcpdump filter expression (pcap-filter(7)),\n"
		"                      compiled by libpcap for Ethernet and run on every\n"
		"                      packet; the words after the options are taken as one\n"
		"                      too, as tcpdump takes them (not both); packets it\n"
		"                      refuses are given back and counted as filtered\n"
		"  -d                  print the compiled filter program as tcpdump -d does\n"
		"                      (-dd as C, -ddd as decimals) and exit; nothing attaches\n"
		"  --pcapng            write pcapng: a section header, one interface (Ethernet,\n"
		"                      if_tsresol 9: nanoseconds), an enhanced packet block\n"
		"                      per packet\n"
		"  -c, --count COUNT   stop after COUNT packets written\n"
		"  -t, --time SECONDS  stop after SECONDS (decimals allowed)\n"
		"  -C SIZE             before writing a packet, when the file is larger than\n"
		"                      SIZE, close it and open the next: FILE, FILE1, FILE2,\n"
		"                      ...; SIZE in millions of bytes (decimals allowed), or\n"
		"                      with a suffix k, m or g: KiB, MiB, GiB\n"
		"  -G SECONDS          a new file every SECONDS (whole seconds, checked when\n"
		"                      a packet comes), named by strftime(3) of FILE at that\n"
		"                      time (a FILE without a %%-format is overwritten)\n"
		"  -W FILES            with -C: at most FILES files, numbered with the digits\n"
		"                      of FILES-1 (FILE0, FILE1, ...), the oldest overwritten;\n"
		"                      with -G: stop (status 0) once FILES files were written\n"
		"  --snaplen BYTES     cut packets at BYTES in the file (1..262144, default\n"
		"                      %u); the filter sees whole packets\n"
		"  --stats SECONDS     print the live counts line every SECONDS (>= 0.01);\n"
		"                      SIGUSR1 prints it at once\n"
		"  --poll              busy-poll the rings (default: sleep on the eventfd)\n"
		"  --wait-socket SECONDS  retry attaching while SOCKET is absent\n"
		"                      or nbfwd is busy (default 0)\n"
		"  --stats-json FILE   write the counters as JSON at exit\n"
		"  -u, --producer-uid USER  attach only if nbfwd runs as USER (name or uid;\n"
		"                      checked with SO_PEERCRED before anything is sent)\n"
		"  -h, --help          this text\n"
		"  --version           the version\n"
		"\n"
		"Live counts (stderr, on SIGUSR1 and with --stats):\n"
		"  nbcap: RECEIVED received, WRITTEN written, FILTERED filtered, REJECTED\n"
		"  rejected, BYTES bytes, FILES files\n"
		"received = written + filtered; bytes: the original lengths of the packets\n"
		"written; rejected: descriptors from nbfwd that failed the client library's\n"
		"checks; files: files opened.\n"
		"\n"
		"Ends on -c, -t, -G with -W, SIGINT or SIGTERM with one summary line (on\n"
		"stderr when the capture goes to stdout):\n"
		"  nbcap: WRITTEN packets, BYTES bytes, REJECTED rejected, FILTERED filtered\n"
		"\n"
		"Exit status: 0 ok, 1 runtime error (attach refused, a file that cannot be\n"
		"created or written, nbfwd went away, the region file shrank under it),\n"
		"2 usage error (a filter libpcap cannot compile included: its message is\n"
		"printed).\n"
		"\n"
		"Examples:\n"
		"  nbcap -s /var/run/dpdk/nbfwd-vmq/nbshm.sock -n vm1 -w vm1.pcapng 'tcp port 80'\n"
		"\n"
		"  nbcap -s SOCKET -n vm1 -w /var/tmp/vm1.pcap -C 100 -W 10 --stats 10\n"
		"\n"
		"  nbcap -s SOCKET -n vm1 -w 'vm1-%%Y%%m%%d-%%H%%M.pcap' -G 3600 -f 'not arp'\n",
		NBCAP_PCAP_SNAPLEN_DEFAULT);
}

static const struct option nbcap_long[] = {
	NBCAP_COMMON_LONG_OPTIONS,
	{ "write", required_argument, NULL, 'w' },
	{ "filter", required_argument, NULL, 'f' },
	{ "pcapng", no_argument, NULL, NBCAP_OPT_PCAPNG },
	{ "stats", required_argument, NULL, NBCAP_OPT_STATS },
	{ "snaplen", required_argument, NULL, NBCAP_OPT_SNAPLEN },
	{ "version", no_argument, NULL, NBCAP_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* A capture: the loop's run, the filter, the files and nbcap's own counts. */
struct nbcap_cap {
	struct nbcap_run run;
	struct nbshm_client *c;
	const char *expr;		/* -f or the trailing words */
	char *joined;			/* the trailing words joined (freed at exit) */
	int dump;			/* -d level */
	struct nbcap_filter filter;
	struct nbcap_rotate_opts ro;
	struct nbcap_rotate out;
	uint64_t received;
	uint64_t filtered;
	double t0;			/* attached, on nbcap_now()'s clock */
};

/* -C SIZE: millions of bytes as tcpdump counts them, or k/m/g binary units. */
static int
nbcap_parse_size(const char *s, uint64_t *out)
{
	double v, unit = 1e6;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || !isfinite(v))
		return -1;
	if (*end == 'k' || *end == 'K')
		unit = 1024;
	else if (*end == 'm' || *end == 'M')
		unit = 1024 * 1024;
	else if (*end == 'g' || *end == 'G')
		unit = 1024 * 1024 * 1024;
	if (unit != 1e6)
		end++;
	if (*end != '\0' || v * unit < 1 || v * unit > 1e15)
		return -1;
	*out = (uint64_t)(v * unit);
	return 0;
}

static int
nbcap_bad(const char *what, const char *arg)
{
	fprintf(stderr, "%s: bad value \"%s\" for %s\n", prog, arg, what);
	return -1;
}

/* The filter words after the options, joined by spaces as tcpdump joins them. */
static int
nbcap_join(struct nbcap_cap *cap, int argc, char **argv)
{
	size_t len = 1;
	int i;

	for (i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	cap->joined = calloc(1, len);
	if (cap->joined == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	for (i = optind; i < argc; i++) {
		if (i > optind)
			strcat(cap->joined, " ");
		strcat(cap->joined, argv[i]);
	}
	cap->expr = cap->joined;
	return 0;
}

static int
nbcap_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* After the options: what is required, what goes together. */
static int
nbcap_args_check(struct nbcap_cap *cap)
{
	struct nbcap_rotate_opts *ro = &cap->ro;

	if (cap->dump)
		return 0;
	if (nbcap_opts_check(prog, &cap->run.o) < 0)
		return -1;
	if (ro->path == NULL || ro->path[0] == '\0') {
		fprintf(stderr, "%s: -w FILE is required\n", prog);
		return -1;
	}
	if ((ro->max_bytes != 0 || ro->seconds != 0) && strcmp(ro->path, "-") == 0) {
		fprintf(stderr, "%s: -C and -G need a file name, not \"-\"\n", prog);
		return -1;
	}
	if (ro->max_files != 0 && ro->max_bytes == 0 && ro->seconds == 0) {
		fprintf(stderr, "%s: -W needs -C or -G\n", prog);
		return -1;
	}
	if (nbcap_ends_with(ro->path, ".pcapng"))
		ro->format = NBCAP_FORMAT_PCAPNG;
	return 0;
}

static int
nbcap_args(int argc, char **argv, struct nbcap_cap *cap)
{
	struct nbcap_rotate_opts *ro = &cap->ro;
	uint64_t v;
	int opt, rc;

	ro->snaplen = NBCAP_PCAP_SNAPLEN_DEFAULT;
	while ((opt = getopt_long(argc, argv, "s:n:q:w:c:t:u:f:dC:G:W:h", nbcap_long,
			NULL)) != -1) {
		switch (opt) {
		case 'h':
			nbcap_usage(stdout);
			exit(0);
		case NBCAP_OPT_VERSION:
			printf("nbcap (nbshm) %s\n", NBSHM_VERSION);
			exit(0);
		case 'w':
			ro->path = optarg;
			continue;
		case 'f':
			cap->expr = optarg;
			continue;
		case 'd':
			cap->dump++;
			continue;
		case NBCAP_OPT_PCAPNG:
			ro->format = NBCAP_FORMAT_PCAPNG;
			continue;
		case 'C':
			if (nbcap_parse_size(optarg, &ro->max_bytes) < 0)
				return nbcap_bad("-C SIZE (MB, or a number with k, m, g)", optarg);
			continue;
		case 'G':
			if (nbcap_parse_u64(optarg, 1, UINT32_MAX, &v) < 0)
				return nbcap_bad("-G SECONDS (>= 1)", optarg);
			ro->seconds = (uint32_t)v;
			continue;
		case 'W':
			if (nbcap_parse_u64(optarg, 1, UINT32_MAX, &v) < 0)
				return nbcap_bad("-W FILES (>= 1)", optarg);
			ro->max_files = (uint32_t)v;
			continue;
		case NBCAP_OPT_SNAPLEN:
			if (nbcap_parse_u64(optarg, 1, 262144, &v) < 0)
				return nbcap_bad("--snaplen (1..262144)", optarg);
			ro->snaplen = (uint32_t)v;
			continue;
		case NBCAP_OPT_STATS:
			if (nbcap_parse_seconds(optarg, &cap->run.report_every) < 0 ||
					cap->run.report_every < 0.01)
				return nbcap_bad("--stats SECONDS (>= 0.01)", optarg);
			continue;
		default:
			break;
		}
		rc = nbcap_opt(prog, opt, optarg, &cap->run.o);
		if (rc <= 0)
			return -1;	/* bad value (printed), or getopt printed it */
	}
	if (optind < argc) {
		if (cap->expr != NULL) {
			fprintf(stderr, "%s: a filter given both with -f and as words (\"%s\")\n",
					prog, argv[optind]);
			return -1;
		}
		if (nbcap_join(cap, argc, argv) < 0)
			return -1;
	}
	return nbcap_args_check(cap);
}

/* The live counts line. */
static void
nbcap_report(const struct nbcap_run *r, void *arg)
{
	struct nbcap_cap *cap = arg;
	struct nbshm_client_stats st;

	nbshm_client_stats(cap->c, &st);
	fprintf(stderr, "%s: %llu received, %llu written, %llu filtered, %llu rejected, "
			"%llu bytes, %llu files\n", prog,
			(unsigned long long)cap->received, (unsigned long long)r->packets,
			(unsigned long long)cap->filtered, (unsigned long long)nbcap_rejected(&st),
			(unsigned long long)r->bytes, (unsigned long long)cap->out.files);
	fflush(stderr);
}

/* Filter and write one burst (up to the count limit); the loop gives it all back. */
static int
nbcap_burst(struct nbshm_client *c, struct nbcap_run *r,
		const struct nbshm_pkt *pkts, unsigned int n, void *arg)
{
	struct nbcap_cap *cap = arg;
	struct timespec ts;
	unsigned int i;
	int rc;

	(void)c;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 0; i < n && !r->failed && !r->done; i++) {
		if (r->o.count != 0 && r->packets >= r->o.count)
			break;
		cap->received++;
		if (!nbcap_filter_match(&cap->filter, &pkts[i])) {
			cap->filtered++;
			continue;
		}
		rc = nbcap_rotate_write(&cap->out, &pkts[i], &ts);
		if (rc < 0) {
			fprintf(stderr, "%s: writing %s: %s\n", prog, cap->out.name,
					strerror(errno));
			r->failed = 1;
			break;
		}
		if (rc == 1) {
			/* tcpdump's words */
			fprintf(stderr, "%s: Maximum file limit reached: %u\n", prog,
					(unsigned int)cap->ro.max_files);
			r->done = 1;
			break;
		}
		r->packets++;
		r->bytes += pkts[i].len;
	}
	return 0;
}

/* What main() ends with: the filter freed, the summary line, the exit status. */
static int
nbcap_finish(struct nbcap_cap *cap)
{
	struct nbcap_run *r = &cap->run;
	struct nbshm_client_stats st;
	FILE *sum;

	if (nbcap_rotate_close(&cap->out) < 0 && !r->failed) {
		fprintf(stderr, "%s: writing %s: %s\n", prog, cap->out.name, strerror(errno));
		r->failed = 1;
	}
	nbshm_client_stats(cap->c, &st);
	nbshm_client_close(cap->c);
	nbcap_filter_free(&cap->filter);
	free(cap->joined);

	sum = cap->out.file.is_stdout ? stderr : stdout;
	if (r->gone)
		fprintf(stderr, "%s: nbfwd went away (channel closed)\n", prog);
	fprintf(sum, "%s: %llu packets, %llu bytes, %llu rejected, %llu filtered\n", prog,
			(unsigned long long)r->packets, (unsigned long long)r->bytes,
			(unsigned long long)nbcap_rejected(&st),
			(unsigned long long)cap->filtered);
	nbcap_print_rejects(sum, prog, &st);
	{
		const struct nbcap_kv kv[] = {
			{ "packets", r->packets },
			{ "bytes", r->bytes },
			{ "rejected", nbcap_rejected(&st) },
			{ "received", cap->received },
			{ "filtered", cap->filtered },
			{ "files", cap->out.files },
		};

		return nbcap_exit_status(prog, r, cap->t0, kv, sizeof(kv) / sizeof(kv[0]), &st);
	}
}

int
main(int argc, char **argv)
{
	static struct nbcap_cap cap;
	char err[PCAP_ERRBUF_SIZE];

	if (nbcap_args(argc, argv, &cap) < 0) {
		fprintf(stderr, "Try '%s --help'.\n", prog);
		free(cap.joined);
		return NBCAP_EXIT_USAGE;
	}
	if (nbcap_filter_compile(&cap.filter, cap.expr, cap.ro.snaplen, err) < 0) {
		fprintf(stderr, "%s: bad filter \"%s\": %s\n", prog, cap.expr, err);
		free(cap.joined);
		return NBCAP_EXIT_USAGE;
	}
	if (cap.dump) {
		nbcap_filter_dump(&cap.filter, cap.dump);
		nbcap_filter_free(&cap.filter);
		free(cap.joined);
		return 0;
	}
	nbcap_signals();
	nbcap_signals_report();
	if (nbcap_connect(prog, &cap.run.o, 0, &cap.c) < 0) {
		nbcap_filter_free(&cap.filter);
		free(cap.joined);
		return NBCAP_EXIT_ERROR;
	}
	if (nbcap_rotate_open(&cap.out, &cap.ro, time(NULL)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, cap.out.name, strerror(errno));
		nbcap_rotate_close(&cap.out);
		cap.run.failed = 1;
		return nbcap_finish(&cap);
	}
	cap.run.report = nbcap_report;
	cap.t0 = nbcap_now();
	nbcap_loop(prog, cap.c, &cap.run, nbcap_burst, &cap);
	return nbcap_finish(&cap);
}
