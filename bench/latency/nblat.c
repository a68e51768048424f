/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench/latency/nblat.c: per-packet latency through a device under test.
 *
 * One lcore, one port (a net_memif client, say). Frames of a given size are
 * sent at a given rate, paced with the TSC; each carries, after its Ethernet
 * header (EtherType 0x88B5, local experimental), a sequence number and the
 * TSC at tx. The DUT forwards them back out of the same port; what comes
 * back is stamped again at rx and latency = rx TSC - tx TSC, in ns from
 * rte_get_tsc_hz(). Both stamps are taken on the same core, so no TSC
 * synchronisation between CPUs is assumed.
 *
 * Run: optional probe (full speed, to learn the loop's maximum rate, for
 * --rate-frac), warm-up (packets marked, not measured), measure, drain
 * (receive only). Output: sent, received, lost, reordered and min / p50 /
 * p90 / p99 / p99.9 / max latency in microseconds, as a line and as JSON.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define NBLAT_ETHER_TYPE 0x88B5
#define NBLAT_MAGIC 0x6e626c74u		/* "nblt" */
#define NBLAT_MAX_BURST 64
#define NBLAT_FCS 4

/* phase carried in each frame */
enum nblat_phase {
	NBLAT_PROBE = 1,
	NBLAT_WARMUP = 2,
	NBLAT_MEASURE = 3,
};

/* what follows the Ethernet header */
struct nblat_stamp {
	uint32_t magic;
	uint32_t phase;
	uint64_t seq;
	uint64_t tsc;
} __rte_packed;

/*
 * Latency histogram, in ns: 10 ns buckets below 200 us, then 1 us buckets
 * below 10.2 ms, then one overflow bucket (min, max and mean are exact).
 */
#define NBLAT_FINE_NS 10
#define NBLAT_FINE_N 20000
#define NBLAT_COARSE_NS 1000
#define NBLAT_COARSE_N 10000
#define NBLAT_FINE_END ((uint64_t)NBLAT_FINE_NS * NBLAT_FINE_N)
#define NBLAT_COARSE_END (NBLAT_FINE_END + (uint64_t)NBLAT_COARSE_NS * NBLAT_COARSE_N)
#define NBLAT_BUCKETS (NBLAT_FINE_N + NBLAT_COARSE_N + 1)

struct nblat_opts {
	uint16_t port;
	uint32_t frame;			/* bytes with FCS */
	double rate;			/* packets per second, 0 = from --rate-frac */
	double rate_frac;		/* of the probed maximum, 0 = off */
	double probe_s;
	double warmup_s;
	double seconds;
	double drain_s;
	double link_timeout_s;
	uint16_t burst;
	uint16_t rxd;
	uint16_t txd;
	uint32_t pool;
	struct rte_ether_addr dst;
	const char *json;
	const char *label;
	bool hold;
};

struct nblat_stats {
	uint64_t sent[4];		/* per phase */
	uint64_t received[4];
	uint64_t tx_dropped;		/* tx ring full: freed, not sent */
	uint64_t late;			/* send slots given up by a late sender */
	uint64_t alloc_failed;
	uint64_t foreign;		/* not ours */
	uint64_t reordered;
	uint64_t next_seq;		/* measure phase: highest seq + 1 seen */
	uint64_t min_cyc;
	uint64_t max_cyc;
	long double sum_cyc;
	uint64_t probe_rx_window;	/* probe frames received in its 2nd half */
	uint64_t hist[NBLAT_BUCKETS];
};

static volatile sig_atomic_t nblat_quit;
static struct nblat_stats nblat_st;

static void
nblat_signal(int sig)
{
	(void)sig;
	nblat_quit = 1;
}

static void
nblat_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
		"\n"
		"Per-packet latency through a DUT that forwards back out of the same port\n"
		"(one lcore, one port, e.g. a net_memif client). Sends frames at a paced\n"
		"rate, each stamped with a sequence number and the TSC at tx (EtherType\n"
		"0x%04x after the Ethernet header), receives them back, and reports\n"
		"sent, received, lost, reordered and min/p50/p90/p99/p99.9/max latency\n"
		"(rx TSC - tx TSC) in microseconds, after a warm-up.\n"
		"\n"
		"Options:\n"
		"  --size BYTES       frame bytes with the 4-byte FCS, %u..%u (default 64);\n"
		"                     the port sends BYTES-4\n"
		"  --rate PPS         offered packets per second, paced with the TSC;\n"
		"                     k and M suffixes (default 100k)\n"
		"  --rate-frac F      instead: F (0 < F <= 1) times the loop's maximum,\n"
		"                     measured first by a probe at full speed\n"
		"  --probe S          probe seconds (default 1; rx rate over its 2nd half)\n"
		"  --warmup S         seconds sent but not measured (default 1)\n"
		"  --seconds S        measured seconds (default 5)\n"
		"  --drain S          receive-only seconds at the end (default 0.2)\n"
		"  --burst N          most frames per tx burst when catching up (default 32)\n"
		"  --dst-mac MAC      destination MAC (default 02:00:00:00:00:02); the\n"
		"                     source is the port's\n"
		"  --port N           port id (default 0)\n"
		"  --rxd N, --txd N   descriptors (default 1024)\n"
		"  --pool N           mbufs in the pool (default 4095)\n"
		"  --link-timeout S   wait for link up (default 10)\n"
		"  --json FILE        write the results as JSON\n"
		"  --label TEXT       a name for the run, copied into the JSON\n"
		"  --hold             after the results, keep the port open (not polled)\n"
		"                     until SIGINT/SIGTERM: lets a memif peer stop first\n"
		"  -h, --help         this text\n"
		"\n"
		"Frames of one tx burst share one stamp, taken just before the burst;\n"
		"a frame's latency includes the time it waited in our rx ring. Latency\n"
		"percentiles are histogram bucket upper bounds: 10 ns resolution below\n"
		"200 us, 1 us below 10.2 ms (min, max and mean are exact).\n"
		"SIGINT/SIGTERM while measuring: stop, report what was measured.\n"
		"Exit status: 0 ok, 1 run-time error or nothing received, 2 bad option.\n"
		"\n"
		"Example (DUT: a memif server forwarding back, e.g. testpmd io):\n"
		"  %s -l 0 --no-pci --file-prefix lat --vdev \\\n"
		"      net_memif0,role=client,socket=/tmp/m.sock,socket-abstract=no -- \\\n"
		"      --size 64 --rate 1M --json lat.json\n",
		prog, NBLAT_ETHER_TYPE, (unsigned int)RTE_ETHER_MIN_LEN,
		(unsigned int)(RTE_MBUF_DEFAULT_DATAROOM + NBLAT_FCS), prog);
}

/* a positive number with an optional k/M/G suffix */
static int
nblat_parse_num(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !isfinite(v))
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		v *= 1e3;
		end++;
		break;
	case 'm':
	case 'M':
		v *= 1e6;
		end++;
		break;
	case 'g':
	case 'G':
		v *= 1e9;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int
nblat_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_SIZE = 256,
	OPT_RATE,
	OPT_RATE_FRAC,
	OPT_PROBE,
	OPT_WARMUP,
	OPT_SECONDS,
	OPT_DRAIN,
	OPT_BURST,
	OPT_DST_MAC,
	OPT_PORT,
	OPT_RXD,
	OPT_TXD,
	OPT_POOL,
	OPT_LINK_TIMEOUT,
	OPT_JSON,
	OPT_LABEL,
	OPT_HOLD,
};

static const struct option nblat_long_opts[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "rate-frac", required_argument, NULL, OPT_RATE_FRAC },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "drain", required_argument, NULL, OPT_DRAIN },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "rxd", required_argument, NULL, OPT_RXD },
	{ "txd", required_argument, NULL, OPT_TXD },
	{ "pool", required_argument, NULL, OPT_POOL },
	{ "link-timeout", required_argument, NULL, OPT_LINK_TIMEOUT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "hold", no_argument, NULL, OPT_HOLD },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* the options that take seconds, 0 <= value <= max, into a double of o */
static const struct nblat_secs_opt {
	int opt;
	const char *name;
	double max;
	size_t off;
} nblat_secs_opts[] = {
	{ OPT_PROBE, "probe", 60, offsetof(struct nblat_opts, probe_s) },
	{ OPT_WARMUP, "warmup", 3600, offsetof(struct nblat_opts, warmup_s) },
	{ OPT_SECONDS, "seconds", 3600, offsetof(struct nblat_opts, seconds) },
	{ OPT_DRAIN, "drain", 60, offsetof(struct nblat_opts, drain_s) },
	{ OPT_LINK_TIMEOUT, "link-timeout", 600, offsetof(struct nblat_opts, link_timeout_s) },
};

/* option c if it takes seconds: 1 parsed, 0 not such an option, -1 bad value */
static int
nblat_parse_secs(int c, const char *s, struct nblat_opts *o)
{
	const struct nblat_secs_opt *so;
	double *out;
	unsigned int i;

	for (i = 0; i < RTE_DIM(nblat_secs_opts); i++) {
		so = &nblat_secs_opts[i];
		if (so->opt != c)
			continue;
		out = (double *)((char *)o + so->off);
		if (nblat_parse_num(s, out) != 0 || *out > so->max) {
			fprintf(stderr, "nblat: --%s: seconds 0..%g, not '%s'\n",
				so->name, so->max, s);
			return -1;
		}
		return 1;
	}
	return 0;
}

/* the application's options (argv[0] is a placeholder); 0 ok, 1 help, -1 bad */
static int
nblat_parse_args(int argc, char **argv, struct nblat_opts *o)
{
	unsigned long u;
	bool rate_set = false;
	int c, r;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", nblat_long_opts, NULL)) != -1) {
		r = nblat_parse_secs(c, optarg, o);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_SIZE:
			if (nblat_parse_uint(optarg, RTE_ETHER_MIN_LEN,
					RTE_MBUF_DEFAULT_DATAROOM + NBLAT_FCS, &u) != 0) {
				fprintf(stderr, "nblat: --size: %u..%u bytes, not '%s'\n",
					(unsigned int)RTE_ETHER_MIN_LEN,
					(unsigned int)(RTE_MBUF_DEFAULT_DATAROOM + NBLAT_FCS),
					optarg);
				return -1;
			}
			o->frame = u;
			break;
		case OPT_RATE:
			if (nblat_parse_num(optarg, &o->rate) != 0 || o->rate < 1 ||
					o->rate > 1e9) {
				fprintf(stderr, "nblat: --rate: packets per second, not '%s'\n",
					optarg);
				return -1;
			}
			rate_set = true;
			break;
		case OPT_RATE_FRAC:
			if (nblat_parse_num(optarg, &o->rate_frac) != 0 ||
					o->rate_frac <= 0 || o->rate_frac > 1) {
				fprintf(stderr, "nblat: --rate-frac: 0 < F <= 1, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_BURST:
			if (nblat_parse_uint(optarg, 1, NBLAT_MAX_BURST, &u) != 0) {
				fprintf(stderr, "nblat: --burst: 1..%u, not '%s'\n",
					NBLAT_MAX_BURST, optarg);
				return -1;
			}
			o->burst = u;
			break;
		case OPT_DST_MAC:
			if (rte_ether_unformat_addr(optarg, &o->dst) != 0) {
				fprintf(stderr, "nblat: --dst-mac: xx:xx:xx:xx:xx:xx, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_PORT:
			if (nblat_parse_uint(optarg, 0, RTE_MAX_ETHPORTS - 1, &u) != 0) {
				fprintf(stderr, "nblat: --port: a port id, not '%s'\n", optarg);
				return -1;
			}
			o->port = u;
			break;
		case OPT_RXD:
		case OPT_TXD:
			if (nblat_parse_uint(optarg, 64, 16384, &u) != 0) {
				fprintf(stderr, "nblat: --%s: 64..16384, not '%s'\n",
					c == OPT_RXD ? "rxd" : "txd", optarg);
				return -1;
			}
			if (c == OPT_RXD)
				o->rxd = u;
			else
				o->txd = u;
			break;
		case OPT_POOL:
			if (nblat_parse_uint(optarg, 511, 1u << 20, &u) != 0) {
				fprintf(stderr, "nblat: --pool: 511..%u mbufs, not '%s'\n",
					1u << 20, optarg);
				return -1;
			}
			o->pool = u;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_HOLD:
			o->hold = true;
			break;
		case 'h':
			return 1;
		default:
			fprintf(stderr, "nblat: bad option (--help)\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nblat: unexpected argument '%s' (--help)\n", argv[optind]);
		return -1;
	}
	if (rate_set && o->rate_frac > 0) {
		fprintf(stderr, "nblat: --rate and --rate-frac exclude each other\n");
		return -1;
	}
	if (o->rate_frac > 0) {
		o->rate = 0;
		if (o->probe_s < 0.1) {
			fprintf(stderr, "nblat: --rate-frac needs --probe of at least 0.1 s\n");
			return -1;
		}
	}
	if (o->seconds <= 0) {
		fprintf(stderr, "nblat: --seconds must be > 0\n");
		return -1;
	}
	return 0;
}

static int
nblat_port_init(const struct nblat_opts *o, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t rxd = o->rxd, txd = o->txd;
	int ret;

	if (!rte_eth_dev_is_valid_port(o->port)) {
		fprintf(stderr, "nblat: no port %u (give one --vdev)\n", o->port);
		return -1;
	}
	ret = rte_eth_dev_info_get(o->port, &info);
	if (ret != 0) {
		fprintf(stderr, "nblat: port %u: dev_info: %s\n", o->port, rte_strerror(-ret));
		return -1;
	}
	if (info.max_rx_pktlen < o->frame - NBLAT_FCS) {
		fprintf(stderr, "nblat: port %u (%s) takes frames up to %u bytes\n",
			o->port, info.driver_name, info.max_rx_pktlen);
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(o->port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(o->port, &rxd, &txd);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(o->port, 0, rxd,
			rte_eth_dev_socket_id(o->port), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(o->port, 0, txd,
			rte_eth_dev_socket_id(o->port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(o->port);
	if (ret != 0) {
		fprintf(stderr, "nblat: port %u (%s): set-up failed: %s\n", o->port,
			info.driver_name, rte_strerror(-ret));
		return -1;
	}
	printf("nblat: port %u (%s), %u rx / %u tx descriptors, %u mbufs\n",
		o->port, info.driver_name, rxd, txd, o->pool);
	return 0;
}

static int
nblat_wait_link(const struct nblat_opts *o)
{
	struct rte_eth_link link;
	uint64_t end = rte_get_tsc_cycles() +
		(uint64_t)(o->link_timeout_s * rte_get_tsc_hz());

	for (;;) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(o->port, &link) == 0 &&
				link.link_status == RTE_ETH_LINK_UP)
			return 0;
		if (nblat_quit || rte_get_tsc_cycles() > end)
			break;
		rte_delay_us_sleep(10000);
	}
	fprintf(stderr, "nblat: port %u: link not up after %g s\n", o->port,
		o->link_timeout_s);
	return -1;
}

static inline void
nblat_hist_add(struct nblat_stats *st, uint64_t cyc, uint64_t ns_mult)
{
	uint64_t ns;
	uint32_t b;

	if (cyc < st->min_cyc)
		st->min_cyc = cyc;
	if (cyc > st->max_cyc)
		st->max_cyc = cyc;
	st->sum_cyc += cyc;
	/* ns = cyc * 1e9 / hz, in 32.32 fixed point; beyond 2^32 cycles: overflow */
	ns = cyc < (UINT64_C(1) << 32) ? (cyc * ns_mult) >> 32 : UINT64_MAX;
	if (ns < NBLAT_FINE_END)
		b = ns / NBLAT_FINE_NS;
	else if (ns < NBLAT_COARSE_END)
		b = NBLAT_FINE_N + (ns - NBLAT_FINE_END) / NBLAT_COARSE_NS;
	else
		b = NBLAT_BUCKETS - 1;
	st->hist[b]++;
}

/* upper bound, in ns, of bucket b */
static double
nblat_bucket_top(uint32_t b)
{
	if (b < NBLAT_FINE_N)
		return (double)(b + 1) * NBLAT_FINE_NS;
	if (b < NBLAT_FINE_N + NBLAT_COARSE_N)
		return (double)NBLAT_FINE_END + (double)(b - NBLAT_FINE_N + 1) * NBLAT_COARSE_NS;
	return INFINITY;
}

/* the p-quantile (0 < p <= 1) in ns: the smallest sample rank >= p * n */
static double
nblat_quantile(const struct nblat_stats *st, uint64_t n, double p, double min_ns,
	double max_ns)
{
	uint64_t rank = (uint64_t)ceil(p * (double)n), acc = 0;
	uint32_t b;
	double v;

	if (n == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	for (b = 0; b < NBLAT_BUCKETS; b++) {
		acc += st->hist[b];
		if (acc >= rank)
			break;
	}
	v = nblat_bucket_top(b);
	if (v > max_ns)
		v = max_ns;
	if (v < min_ns)
		v = min_ns;
	return v;
}

/* receive one burst; returns frames taken */
static uint16_t
nblat_rx(const struct nblat_opts *o, struct nblat_stats *st, uint64_t ns_mult,
	uint64_t probe_from, uint64_t probe_to)
{
	struct rte_mbuf *pkts[NBLAT_MAX_BURST];
	const struct rte_ether_hdr *eh;
	const struct nblat_stamp *sp;
	uint64_t now, seq;
	uint16_t n, i;
	uint32_t phase;

	n = rte_eth_rx_burst(o->port, 0, pkts, NBLAT_MAX_BURST);
	if (n == 0)
		return 0;
	now = rte_rdtsc();
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(*sp)) {
			st->foreign++;
			continue;
		}
		eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		sp = (const struct nblat_stamp *)(eh + 1);
		phase = sp->phase;
		if (eh->ether_type != rte_cpu_to_be_16(NBLAT_ETHER_TYPE) ||
				sp->magic != NBLAT_MAGIC || phase < NBLAT_PROBE ||
				phase > NBLAT_MEASURE) {
			st->foreign++;
			continue;
		}
		st->received[phase]++;
		if (phase == NBLAT_PROBE) {
			if (now >= probe_from && now < probe_to)
				st->probe_rx_window++;
			continue;
		}
		if (phase != NBLAT_MEASURE)
			continue;
		seq = sp->seq;
		if (seq < st->next_seq)
			st->reordered++;
		else
			st->next_seq = seq + 1;
		nblat_hist_add(st, now - sp->tsc, ns_mult);
	}
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/* send up to n frames of the given phase, stamped now */
static void
nblat_tx(const struct nblat_opts *o, struct nblat_stats *st, struct rte_mempool *mp,
	const struct rte_ether_hdr *tmpl, uint16_t n, uint32_t phase, uint64_t *seq)
{
	struct rte_mbuf *pkts[NBLAT_MAX_BURST];
	struct nblat_stamp *sp;
	uint16_t len = o->frame - NBLAT_FCS, i, sent;
	uint64_t tsc;

	if (rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0) {
		st->alloc_failed += n;
		return;
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		memcpy(eh, tmpl, sizeof(*eh));
		sp = (struct nblat_stamp *)(eh + 1);
		sp->magic = NBLAT_MAGIC;
		sp->phase = phase;
		sp->seq = *seq + i;
		m->data_len = len;
		m->pkt_len = len;
	}
	tsc = rte_rdtsc();
	for (i = 0; i < n; i++) {
		sp = rte_pktmbuf_mtod_offset(pkts[i], struct nblat_stamp *,
			sizeof(struct rte_ether_hdr));
		sp->tsc = tsc;
	}
	sent = rte_eth_tx_burst(o->port, 0, pkts, n);
	if (sent < n) {
		/* unsent frames give their sequence numbers back */
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
		st->tx_dropped += n - sent;
	}
	*seq += sent;
	st->sent[phase] += sent;
}

/*
 * Send at `pps` (0: as fast as tx takes them) for `secs` seconds, receiving
 * all the while. A sender more than 8 bursts behind its schedule gives the
 * missed slots up (counted late) instead of sending a long catch-up burst.
 */
static void
nblat_phase(const struct nblat_opts *o, struct nblat_stats *st, struct rte_mempool *mp,
	const struct rte_ether_hdr *tmpl, uint32_t phase, double pps, double secs,
	uint64_t ns_mult, uint64_t *seq, uint64_t probe_from, uint64_t probe_to)
{
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), now, due, slots = 0;
	uint64_t end = t0 + (uint64_t)(secs * (double)hz);
	double per_cycle = pps / (double)hz;
	uint64_t lag = (uint64_t)o->burst * 8;
	uint16_t n;

	while (!nblat_quit) {
		now = rte_rdtsc();
		if (now >= end)
			break;
		if (pps <= 0) {
			n = o->burst;
		} else {
			due = (uint64_t)((double)(now - t0) * per_cycle);
			if (due > slots + lag) {
				st->late += due - slots - o->burst;
				slots = due - o->burst;
			}
			n = due > slots ? RTE_MIN(due - slots, (uint64_t)o->burst) : 0;
			slots += n;
		}
		if (n > 0)
			nblat_tx(o, st, mp, tmpl, n, phase, seq);
		nblat_rx(o, st, ns_mult, probe_from, probe_to);
	}
}

static void
nblat_drain(const struct nblat_opts *o, struct nblat_stats *st, uint64_t ns_mult)
{
	uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + (uint64_t)(o->drain_s * hz);

	while (!nblat_quit && rte_rdtsc() < end &&
			st->received[NBLAT_MEASURE] < st->sent[NBLAT_MEASURE])
		nblat_rx(o, st, ns_mult, 0, 0);
	/* the rest of the window: late or stray frames still counted */
	while (!nblat_quit && rte_rdtsc() < end)
		nblat_rx(o, st, ns_mult, 0, 0);
}

struct nblat_result {
	double tx_pps;
	double rx_pps;
	double rate;
	double probe_max_pps;
	double q[6];			/* min p50 p90 p99 p99.9 max, us */
	double mean_us;
	uint64_t lost;
	uint64_t overflow;
	bool interrupted;
};

static const char *const nblat_q_names[6] = { "min", "p50", "p90", "p99", "p999", "max" };

static void
nblat_summarise(const struct nblat_stats *st, struct nblat_result *r, double measured_s)
{
	static const double ps[4] = { 0.50, 0.90, 0.99, 0.999 };
	double hz = (double)rte_get_tsc_hz();
	uint64_t n = st->received[NBLAT_MEASURE];
	double min_ns = n ? st->min_cyc * 1e9 / hz : 0;
	double max_ns = n ? st->max_cyc * 1e9 / hz : 0;
	int i;

	r->tx_pps = measured_s > 0 ? st->sent[NBLAT_MEASURE] / measured_s : 0;
	r->rx_pps = measured_s > 0 ? n / measured_s : 0;
	r->lost = st->sent[NBLAT_MEASURE] > n ? st->sent[NBLAT_MEASURE] - n : 0;
	r->overflow = st->hist[NBLAT_BUCKETS - 1];
	r->q[0] = min_ns / 1e3;
	for (i = 0; i < 4; i++)
		r->q[i + 1] = nblat_quantile(st, n, ps[i], min_ns, max_ns) / 1e3;
	r->q[5] = max_ns / 1e3;
	r->mean_us = n ? (double)(st->sum_cyc / n) * 1e6 / hz : 0;
}

static void
nblat_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int
nblat_write_json(const struct nblat_opts *o, const struct nblat_stats *st,
	const struct nblat_result *r, double measured_s)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	FILE *f = fopen(o->json, "w");
	int i;

	if (f == NULL) {
		fprintf(stderr, "nblat: cannot write %s: %s\n", o->json, strerror(errno));
		return -1;
	}
	rte_ether_format_addr(mac, sizeof(mac), &o->dst);
	fprintf(f, "{\n  \"tool\": \"nblat\",\n  \"label\": ");
	nblat_json_str(f, o->label ? o->label : "");
	fprintf(f, ",\n  \"frame_bytes\": %u,\n  \"mbuf_bytes\": %u,\n"
		"  \"ether_type\": \"0x%04x\",\n  \"dst_mac\": \"%s\",\n"
		"  \"tsc_hz\": %" PRIu64 ",\n"
		"  \"rate_pps_requested\": %.1f,\n  \"rate_frac\": %g,\n"
		"  \"probe_max_pps\": %.1f,\n"
		"  \"warmup_seconds\": %g,\n  \"seconds\": %g,\n  \"measured_seconds\": %.6f,\n"
		"  \"burst\": %u,\n",
		o->frame, o->frame - NBLAT_FCS, NBLAT_ETHER_TYPE, mac, rte_get_tsc_hz(),
		r->rate, o->rate_frac, r->probe_max_pps, o->warmup_s, o->seconds,
		measured_s, o->burst);
	fprintf(f, "  \"tx_pps\": %.1f,\n  \"rx_pps\": %.1f,\n"
		"  \"sent\": %" PRIu64 ",\n  \"received\": %" PRIu64 ",\n"
		"  \"lost\": %" PRIu64 ",\n  \"reordered\": %" PRIu64 ",\n"
		"  \"warmup_sent\": %" PRIu64 ",\n  \"warmup_received\": %" PRIu64 ",\n"
		"  \"probe_sent\": %" PRIu64 ",\n  \"probe_received\": %" PRIu64 ",\n"
		"  \"tx_dropped\": %" PRIu64 ",\n  \"late_slots\": %" PRIu64 ",\n"
		"  \"alloc_failed\": %" PRIu64 ",\n  \"foreign\": %" PRIu64 ",\n"
		"  \"histogram_overflow\": %" PRIu64 ",\n",
		r->tx_pps, r->rx_pps, st->sent[NBLAT_MEASURE], st->received[NBLAT_MEASURE],
		r->lost, st->reordered, st->sent[NBLAT_WARMUP], st->received[NBLAT_WARMUP],
		st->sent[NBLAT_PROBE], st->received[NBLAT_PROBE], st->tx_dropped, st->late,
		st->alloc_failed, st->foreign, r->overflow);
	fprintf(f, "  \"latency_us\": {");
	for (i = 0; i < 6; i++)
		fprintf(f, "\"%s\": %.3f, ", nblat_q_names[i], r->q[i]);
	fprintf(f, "\"mean\": %.3f},\n", r->mean_us);
	fprintf(f, "  \"resolution_ns\": {\"below_200us\": %u, \"below_10ms\": %u},\n",
		NBLAT_FINE_NS, NBLAT_COARSE_NS);
	fprintf(f, "  \"interrupted\": %s\n}\n", r->interrupted ? "true" : "false");
	if (fclose(f) != 0) {
		fprintf(stderr, "nblat: writing %s: %s\n", o->json, strerror(errno));
		return -1;
	}
	return 0;
}

static void
nblat_print(const struct nblat_opts *o, const struct nblat_stats *st,
	const struct nblat_result *r)
{
	printf("nblat: %s%s%u B, offered %.0f pps (sent %.0f, back %.0f pps): sent %" PRIu64
		" received %" PRIu64 " lost %" PRIu64 " reordered %" PRIu64 "; latency us: "
		"min %.2f p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f (mean %.2f)%s\n",
		o->label ? o->label : "", o->label ? ": " : "", o->frame, r->rate, r->tx_pps,
		r->rx_pps, st->sent[NBLAT_MEASURE], st->received[NBLAT_MEASURE], r->lost,
		st->reordered, r->q[0], r->q[1], r->q[2], r->q[3], r->q[4], r->q[5],
		r->mean_us, r->interrupted ? " [interrupted]" : "");
	if (st->tx_dropped || st->late || st->alloc_failed || st->foreign || r->overflow)
		printf("nblat: tx ring full %" PRIu64 ", late slots %" PRIu64
			", alloc failed %" PRIu64 ", foreign %" PRIu64
			", over 10.2 ms %" PRIu64 "\n", st->tx_dropped, st->late,
			st->alloc_failed, st->foreign, r->overflow);
	fflush(stdout);
}

/* split argv at "--": EAL part argv[0..*eal_argc), ours after it */
static int
nblat_split(int argc, char **argv, int *eal_argc)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	*eal_argc = i;
	return i;
}

static int
nblat_run(const struct nblat_opts *o, struct nblat_result *r, double *measured_s)
{
	struct nblat_stats *st = &nblat_st;
	struct rte_ether_hdr tmpl;
	struct rte_mempool *mp;
	uint64_t hz = rte_get_tsc_hz(), ns_mult, seq = 0, t_meas;

	ns_mult = (uint64_t)((1e9 * 4294967296.0) / (double)hz);
	mp = rte_pktmbuf_pool_create("nblat_pool", o->pool, RTE_MIN(256u, o->pool / 2),
		0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "nblat: mbuf pool of %u: %s\n", o->pool,
			rte_strerror(rte_errno));
		return -1;
	}
	if (nblat_port_init(o, mp) != 0)
		return -1;
	if (nblat_wait_link(o) != 0)
		return -1;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.dst_addr = o->dst;
	rte_eth_macaddr_get(o->port, &tmpl.src_addr);
	tmpl.ether_type = rte_cpu_to_be_16(NBLAT_ETHER_TYPE);
	memset(st, 0, sizeof(*st));
	st->min_cyc = UINT64_MAX;

	r->rate = o->rate;
	if (o->rate_frac > 0) {
		uint64_t now = rte_rdtsc(), half = (uint64_t)(o->probe_s / 2 * hz);

		nblat_phase(o, st, mp, &tmpl, NBLAT_PROBE, 0, o->probe_s, ns_mult, &seq,
			now + half, now + 2 * half);
		r->probe_max_pps = st->probe_rx_window / (o->probe_s / 2);
		r->rate = o->rate_frac * r->probe_max_pps;
		printf("nblat: probe: %.0f pps came back at full speed; offering %g of it: %.0f pps\n",
			r->probe_max_pps, o->rate_frac, r->rate);
		if (r->rate < 1) {
			fprintf(stderr, "nblat: nothing came back during the probe\n");
			return -1;
		}
	}
	if (o->warmup_s > 0)
		nblat_phase(o, st, mp, &tmpl, NBLAT_WARMUP, r->rate, o->warmup_s, ns_mult,
			&seq, 0, 0);
	t_meas = rte_rdtsc();
	/* measure-phase sequence numbers start here: earlier ones are not reorders */
	st->next_seq = seq;
	nblat_phase(o, st, mp, &tmpl, NBLAT_MEASURE, r->rate, o->seconds, ns_mult, &seq,
		0, 0);
	*measured_s = (double)(rte_rdtsc() - t_meas) / hz;
	r->interrupted = nblat_quit != 0;
	nblat_drain(o, st, ns_mult);
	r->interrupted = r->interrupted || nblat_quit != 0;
	return 0;
}

int
main(int argc, char **argv)
{
	struct nblat_opts o = {
		.port = 0,
		.frame = 64,
		.rate = 100000,
		.probe_s = 1,
		.warmup_s = 1,
		.seconds = 5,
		.drain_s = 0.2,
		.link_timeout_s = 10,
		.burst = 32,
		.rxd = 1024,
		.txd = 1024,
		.pool = 4095,
		.dst = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x02 } },
	};
	struct nblat_result r;
	double measured_s = 0;
	int eal_argc, sep, ret, status = 0;

	sep = nblat_split(argc, argv, &eal_argc);
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		nblat_usage(argv[0]);
		return 0;
	}
	if (sep < argc) {
		/* getopt sees argv[sep] ("--") as its program name */
		ret = nblat_parse_args(argc - sep, argv + sep, &o);
		if (ret > 0) {
			nblat_usage(argv[0]);
			return 0;
		}
		if (ret < 0)
			return 2;
	}

	ret = rte_eal_init(eal_argc, argv);
	if (ret < 0) {
		fprintf(stderr, "nblat: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, nblat_signal);
	signal(SIGTERM, nblat_signal);

	memset(&r, 0, sizeof(r));
	if (nblat_run(&o, &r, &measured_s) != 0) {
		status = 1;
	} else {
		nblat_summarise(&nblat_st, &r, measured_s);
		nblat_print(&o, &nblat_st, &r);
		if (o.json && nblat_write_json(&o, &nblat_st, &r, measured_s) != 0)
			status = 1;
		if (nblat_st.received[NBLAT_MEASURE] == 0) {
			fprintf(stderr, "nblat: nothing came back while measuring\n");
			status = 1;
		}
	}
	if (o.hold) {
		printf("nblat: holding the port open until SIGINT/SIGTERM\n");
		fflush(stdout);
		nblat_quit = 0;
		while (!nblat_quit)
			rte_delay_us_sleep(50000);
	}
	if (rte_eth_dev_is_valid_port(o.port)) {
		rte_eth_dev_stop(o.port);
		rte_eth_dev_close(o.port);
	}
	rte_eal_cleanup();
	return status;
}
