/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbshm_txsend: a consumer built on libnbshm-client's public API that sends
 * what a test asks for, or hoards what it is lent.
 *
 *   nbshm_txsend -s SOCKET -n NAME [-t SECONDS] SPEC...
 *     sends each SPEC, LEN:SRC:TAG[xCOUNT] (SRC own|other; TAG none|own|qinq|a
 *     VLAN id), COUNT times (default 1): a frame of LEN bytes to
 *     02:00:00:00:00:99 from the queue's MAC (own) or 02:00:00:00:00:66
 *     (other), untagged, tagged with the queue's VLAN, two tags, or one tag of
 *     that id; then waits until every tx buffer came back on txdone.
 *   nbshm_txsend -s SOCKET -n NAME --flood LEN -t SECONDS
 *     sends LEN-byte frames from its own MAC (and VLAN) as fast as tx
 *     buffers come back, for SECONDS.
 *   nbshm_txsend -s SOCKET -n NAME --hold -t SECONDS
 *     takes every packet lent and returns none, until nbfwd detaches it.
 *
 * Prints one JSON line: {"sent": N, "txdone": N, "tx_buffers": N,
 * "held": N, "detached": 0|1}. Exit status: 0 ok (SPEC: every buffer back;
 * --hold: detached by nbfwd), 1 runtime error or not so, 2 usage.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nbshm_client.h"
#include "test_time.h"

#define TXS_BURST 32
#define TXS_MAX_SPECS 64

struct txs_spec {
	uint32_t len;
	bool own_src;
	int tag;		/* -1 none, -2 own VLAN, -3 two tags, else a VLAN id */
	unsigned int count;
};

static volatile sig_atomic_t txs_stop;

static const struct option txs_long[] = {
	{ "flood", required_argument, NULL, 'F' },
	{ "hold", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static void
txs_on_signal(int sig)
{
	(void)sig;
	txs_stop = 1;
}

static void
txs_usage(FILE *f)
{
	fprintf(f, "Usage: nbshm_txsend -s SOCKET -n NAME [-t SECONDS] "
		"(SPEC... | --flood LEN | --hold)\n"
		"  SPEC = LEN:SRC:TAG[xCOUNT], SRC own|other, TAG none|own|qinq|VLAN\n");
}

static int
txs_parse_spec(const char *arg, struct txs_spec *s)
{
	char src[16], tag[16];
	unsigned long len;
	char *end;
	const char *x;

	len = strtoul(arg, &end, 10);
	if (end == arg || *end != ':' || len == 0 || len > 65535)
		return -1;
	if (sscanf(end + 1, "%15[^:]:%15[^x]", src, tag) != 2)
		return -1;
	s->len = (uint32_t)len;
	if (strcmp(src, "own") == 0)
		s->own_src = true;
	else if (strcmp(src, "other") == 0)
		s->own_src = false;
	else
		return -1;
	if (strcmp(tag, "none") == 0)
		s->tag = -1;
	else if (strcmp(tag, "own") == 0)
		s->tag = -2;
	else if (strcmp(tag, "qinq") == 0)
		s->tag = -3;
	else if ((s->tag = atoi(tag)) < 0 || s->tag > 4095)
		return -1;
	s->count = 1;
	x = strchr(end + 1, 'x');
	if (x != NULL && (s->count = (unsigned int)atoi(x + 1)) == 0)
		return -1;
	return 0;
}

static void
txs_put_tag(uint8_t *p, uint16_t tpid, uint16_t vid)
{
	p[0] = (uint8_t)(tpid >> 8);
	p[1] = (uint8_t)tpid;
	p[2] = (uint8_t)(vid >> 8);
	p[3] = (uint8_t)vid;
}

/*
 * Fill @p buf with the frame @p s describes (as much of it as @p s->len
 * holds); with @p hdr_only, its header alone (a flood: the payload is
 * whatever the buffer held, the client's time goes to posting).
 */
static void
txs_fill(uint8_t *buf, const struct txs_spec *s, const struct nbshm_client_info *info,
		uint32_t seq, bool hdr_only)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x66 };
	uint8_t hdr[26];
	size_t h = 12, i;

	memcpy(hdr, dst, 6);
	memcpy(hdr + 6, s->own_src ? info->mac : other, 6);
	if (s->tag == -2 && info->vlan != 0xffff) {
		txs_put_tag(hdr + h, 0x8100, info->vlan);
		h += 4;
	} else if (s->tag == -3) {
		txs_put_tag(hdr + h, 0x88a8, 7);
		txs_put_tag(hdr + h + 4, 0x8100, info->vlan != 0xffff ? info->vlan : 7);
		h += 8;
	} else if (s->tag >= 0) {
		txs_put_tag(hdr + h, 0x8100, (uint16_t)s->tag);
		h += 4;
	}
	hdr[h++] = 0x88;
	hdr[h++] = 0xb5;
	memcpy(buf, hdr, s->len < h ? s->len : h);
	for (i = h; i < s->len && !hdr_only; i++)
		buf[i] = (uint8_t)(seq + i);
}

/* Send @p n frames of @p s; @return 0, or -1 on a client error. */
static int
txs_send(struct nbshm_client *c, const struct nbshm_client_info *info,
		const struct txs_spec *s, unsigned int n, bool hdr_only, uint64_t *sent)
{
	void *bufs[TXS_BURST];
	uint32_t lens[TXS_BURST];
	int got, posted, i;

	while (n > 0 && !txs_stop) {
		unsigned int want = n < TXS_BURST ? n : TXS_BURST;

		got = nbshm_client_tx_alloc(c, bufs, want);
		if (got < 0)
			return -1;
		if (got == 0) {
			usleep(100);
			continue;
		}
		for (i = 0; i < got; i++) {
			txs_fill(bufs[i], s, info, (uint32_t)(*sent + (uint64_t)i), hdr_only);
			lens[i] = s->len;
		}
		posted = nbshm_client_tx_send(c, bufs, lens, (unsigned int)got);
		if (posted < 0)
			return -1;
		if (posted < got)
			nbshm_client_tx_free(c, bufs + posted, (unsigned int)(got - posted));
		*sent += (uint64_t)posted;
		n -= (unsigned int)posted;
	}
	return 0;
}

/* Wait until every tx buffer is back: hold them all at once, then free them. */
static bool
txs_all_back(struct nbshm_client *c, const struct nbshm_client_info *info, double end)
{
	void **bufs = calloc(info->n_tx_bufs, sizeof(*bufs));
	uint32_t held = 0;
	bool ok = false;
	int got;

	if (bufs == NULL)
		return false;
	while (test_now_s() < end && !txs_stop) {
		got = nbshm_client_tx_alloc(c, bufs + held, info->n_tx_bufs - held);
		if (got < 0)
			break;
		held += (uint32_t)got;
		if (held == info->n_tx_bufs) {
			ok = true;
			break;
		}
		usleep(1000);
	}
	if (held != 0)
		nbshm_client_tx_free(c, bufs, held);
	free(bufs);
	return ok;
}

int
main(int argc, char **argv)
{
	struct txs_spec specs[TXS_MAX_SPECS];
	struct nbshm_pkt pkts[TXS_BURST];
	struct nbshm_client_info info;
	struct nbshm_client_stats st;
	struct nbshm_client *c;
	const char *sock = NULL, *name = NULL;
	unsigned int n_specs = 0, i;
	uint64_t sent = 0, held = 0;
	double secs = 10, end;
	int opt, flood = 0, hold = 0, ok = 1, detached = 0, n;

	while ((opt = getopt_long(argc, argv, "s:n:t:", txs_long, NULL)) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'n': name = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'F': flood = atoi(optarg); break;
		case 'H': hold = 1; break;
		default: txs_usage(stderr); return 2;
		}
	}
	for (; optind < argc; optind++) {
		if (n_specs == TXS_MAX_SPECS || txs_parse_spec(argv[optind], &specs[n_specs]) != 0) {
			fprintf(stderr, "nbshm_txsend: bad SPEC \"%s\"\n", argv[optind]);
			txs_usage(stderr);
			return 2;
		}
		n_specs++;
	}
	if (sock == NULL || name == NULL || (n_specs == 0) == !(flood > 0 || hold)) {
		txs_usage(stderr);
		return 2;
	}
	signal(SIGINT, txs_on_signal);
	signal(SIGTERM, txs_on_signal);
	if (nbshm_client_connect(sock, name, 0, 0, &c) != 0) {
		fprintf(stderr, "nbshm_txsend: %s\n", nbshm_client_error());
		return 1;
	}
	nbshm_client_info(c, &info);
	end = test_now_s() + secs;
	if (hold) {
		/* take everything, give nothing back, until nbfwd lets go of us */
		while (test_now_s() < end && !txs_stop) {
			n = nbshm_client_rx_burst(c, pkts, TXS_BURST);
			if (n == -ENOTCONN) {
				detached = 1;
				break;
			}
			if (n < 0) {
				fprintf(stderr, "nbshm_txsend: %s\n", nbshm_client_error());
				break;
			}
			held += (uint64_t)n;
			if (n == 0)
				usleep(1000);
		}
		ok = detached;
	} else if (flood > 0) {
		struct txs_spec s = { .len = (uint32_t)flood, .own_src = true, .tag = -2 };

		while (test_now_s() < end && !txs_stop && ok)
			ok = txs_send(c, &info, &s, TXS_BURST, true, &sent) == 0;
	} else {
		for (i = 0; i < n_specs && ok; i++)
			ok = txs_send(c, &info, &specs[i], specs[i].count, false, &sent) == 0;
		ok = ok && txs_all_back(c, &info, end);
	}
	nbshm_client_stats(c, &st);
	printf("{\"sent\": %llu, \"txdone\": %llu, \"tx_buffers\": %u, \"held\": %llu, "
		"\"detached\": %d}\n", (unsigned long long)sent,
		(unsigned long long)st.txdone, info.n_tx_bufs, (unsigned long long)held,
		detached);
	fflush(stdout);
	nbshm_client_close(c);
	return ok ? 0 : 1;
}
