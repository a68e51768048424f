/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbcap/nbecho common part: options, signals, attach with retry, the poll
 * loop, returns, JSON counters, exit status.
 */

#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nbcap_common.h"

volatile sig_atomic_t nbcap_stop;
volatile sig_atomic_t nbcap_report_now;

static void
nbcap_on_signal(int sig)
{
	if (sig == SIGUSR1)
		nbcap_report_now = 1;
	else
		nbcap_stop = 1;
}

static void
nbcap_catch(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nbcap_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

void
nbcap_signals(void)
{
	nbcap_catch(SIGINT);
	nbcap_catch(SIGTERM);
}

void
nbcap_signals_report(void)
{
	nbcap_catch(SIGUSR1);
}

double
nbcap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
nbcap_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
nbcap_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0 || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

static const char *
nbcap_optname(int opt)
{
	switch (opt) {
	case 'q':
		return "-q QUEUE (0..65535)";
	case 'c':
		return "-c COUNT (>= 1)";
	case 't':
		return "-t SECONDS (> 0)";
	case NBCAP_OPT_WAIT_SOCKET:
		return "--wait-socket SECONDS (>= 0)";
	case 'u':
		return "-u USER (a user name or uid)";
	default:
		return "an option";
	}
}

int
nbcap_opt(const char *prog, int opt, const char *arg, struct nbcap_opts *o)
{
	uint64_t v;

	switch (opt) {
	case 's':
		o->socket = arg;
		return 1;
	case 'n':
		o->name = arg;
		return 1;
	case 'q':
		if (nbcap_parse_u64(arg, 0, UINT16_MAX, &v) < 0)
			break;
		o->queue = (uint16_t)v;
		return 1;
	case 'c':
		if (nbcap_parse_u64(arg, 1, UINT64_MAX, &v) < 0)
			break;
		o->count = v;
		return 1;
	case 't':
		if (nbcap_parse_seconds(arg, &o->seconds) < 0 || o->seconds == 0)
			break;
		return 1;
	case NBCAP_OPT_POLL:
		o->poll = 1;
		return 1;
	case NBCAP_OPT_WAIT_SOCKET:
		if (nbcap_parse_seconds(arg, &o->wait_socket) < 0)
			break;
		return 1;
	case NBCAP_OPT_STATS_JSON:
		o->stats_json = arg;
		return 1;
	case 'u':
		if (nbcap_parse_u64(arg, 0, UINT32_MAX - 1, &v) == 0) {
			o->producer_uid = (uint32_t)v;
		} else {
			struct passwd *pw = getpwnam(arg);

			if (pw == NULL)
				break;
			o->producer_uid = (uint32_t)pw->pw_uid;
		}
		o->check_uid = 1;
		return 1;
	default:
		return 0;
	}
	fprintf(stderr, "%s: bad value \"%s\" for %s\n", prog, arg, nbcap_optname(opt));
	return -1;
}

int
nbcap_opts_check(const char *prog, const struct nbcap_opts *o)
{
	if (o->socket == NULL || o->name == NULL) {
		fprintf(stderr, "%s: -s SOCKET and -n NAME are required\n", prog);
		return -1;
	}
	return 0;
}

/* One line on stderr: what was granted, and how long the attach took. */
static void
nbcap_print_attached(const char *prog, const struct nbcap_opts *o, struct nbshm_client *c,
		double took)
{
	struct nbshm_client_info in;

	nbshm_client_info(c, &in);
	fprintf(stderr, "%s: attached %s queue %u in %.3f s: region %s (%llu bytes), %u rx "
			"ring(s) of %u, %u tx buffers of %u, rx buffers %s\n", prog, o->name,
			(unsigned int)o->queue, took, in.region_name,
			(unsigned long long)in.region_size, in.n_qp, in.ring_size, in.n_tx_bufs,
			in.tx_buf_size, in.rx_readonly ? "read-only" : "writable");
}

int
nbcap_connect(const char *prog, const struct nbcap_opts *o, unsigned int flags,
		struct nbshm_client **c)
{
	double deadline = nbcap_now() + o->wait_socket, t0;
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
	struct nbshm_client_opts co = {
		.flags = flags | (o->check_uid ? NBSHM_CLIENT_F_PRODUCER_UID : 0),
		.producer_uid = o->producer_uid,
	};
	int rc;

	for (;;) {
		t0 = nbcap_now();
		rc = nbshm_client_connect_opts(o->socket, o->name, o->queue, &co, c);
		if (rc == 0) {
			/* this attempt: connect, ATTACH, ATTACH_OK, map */
			nbcap_print_attached(prog, o, *c, nbcap_now() - t0);
			return 0;
		}
		/* absent, not listening yet, or busy with other attaches (EAGAIN) */
		if ((rc == -ENOENT || rc == -ECONNREFUSED || rc == -EAGAIN) && !nbcap_stop &&
				nbcap_now() < deadline) {
			nanosleep(&pause, NULL);
			continue;
		}
		fprintf(stderr, "%s: attach %s queue %u at %s: %s\n", prog, o->name,
				(unsigned int)o->queue, o->socket, nbshm_client_error());
		return -1;
	}
}

int
nbcap_return_all(struct nbshm_client *c, const struct nbshm_pkt *pkts, unsigned int n)
{
	double give_up = 0;
	int rc;

	while (n > 0) {
		rc = nbshm_client_return(c, pkts, n);
		if (rc < 0)
			return rc;
		pkts += rc;
		n -= (unsigned int)rc;
		if (n == 0)
			break;
		/* a ret ring is full: nbfwd drains it on its next poll */
		if (give_up == 0)
			give_up = nbcap_now() + 2.0;
		else if (nbcap_now() > give_up)
			return -EAGAIN;
		rc = nbshm_client_wait(c, 1);
		if (rc == -ENOTCONN)
			return rc;
		sched_yield();
	}
	return 0;
}

void
nbcap_loop(const char *prog, struct nbshm_client *c, struct nbcap_run *r, nbcap_burst_fn fn,
		void *arg)
{
	static struct nbshm_pkt pkts[NBCAP_BURST];
	double end = r->o.seconds > 0 ? nbcap_now() + r->o.seconds : 0;
	double next_report = r->report_every > 0 ? nbcap_now() + r->report_every : 0;
	unsigned int polls = 0;
	int n = 0, rc, tick;

	while (!nbcap_stop && !r->failed && !r->done) {
		if (r->o.count != 0 && r->packets >= r->o.count)
			break;
		/*
		 * The clock after an empty poll (or a wait) and every 256 polls:
		 * reading it on every poll, a busy consumer spent most of its
		 * time there.
		 */
		tick = n <= 0 || (++polls & 255) == 0;
		if (end != 0 && tick && nbcap_now() >= end)
			break;
		if (r->report != NULL && (nbcap_report_now ||
				(next_report != 0 && tick && nbcap_now() >= next_report))) {
			nbcap_report_now = 0;
			if (next_report != 0)
				next_report = nbcap_now() + r->report_every;
			r->report(r, arg);
		}
		n = nbshm_client_rx_burst(c, pkts, NBCAP_BURST);
		if (n > 0) {
			rc = fn(c, r, pkts, (unsigned int)n, arg);
			if (rc == 0)
				rc = nbcap_return_all(c, pkts, (unsigned int)n);
		} else if (n == 0 && !r->o.poll) {
			rc = nbshm_client_wait(c, 100);
		} else {
			rc = n;
		}
		if (rc == -ENOTCONN) {
			r->gone = 1;
			break;
		}
		if (rc == -EAGAIN) {
			fprintf(stderr, "%s: nbfwd does not take returned buffers back\n", prog);
			r->failed = 1;
		}
		if (rc == -EIO) {
			/* the region file shrank under us (SIGBUS, survived) */
			fprintf(stderr, "%s: %s\n", prog, nbshm_client_error());
			r->failed = 1;
		}
	}
}

uint64_t
nbcap_rejected(const struct nbshm_client_stats *st)
{
	return st->rx_rejects + st->txdone_rejects;
}

void
nbcap_print_rejects(FILE *f, const char *prog, const struct nbshm_client_stats *st)
{
	unsigned int r;

	if (nbcap_rejected(st) == 0 && st->index_jumps == 0)
		return;
	fprintf(f, "%s: rejected:", prog);
	for (r = 1; r < NBSHM_CHAN_REASON_MAX; r++)
		if (st->reject[r] != 0)
			fprintf(f, " %s=%llu", nbshm_chan_reason_name(r),
					(unsigned long long)st->reject[r]);
	fprintf(f, "\n");
}

int
nbcap_write_json(const char *prog, const char *path, double duration_s,
		const struct nbcap_kv *kv, unsigned int n_kv, const struct nbshm_client_stats *st)
{
	FILE *f = fopen(path, "w");
	unsigned int i, r;
	int bad;

	if (f == NULL) {
		fprintf(stderr, "%s: --stats-json %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"program\": \"%s\",\n  \"duration_s\": %.3f,\n", prog, duration_s);
	for (i = 0; i < n_kv; i++)
		fprintf(f, "  \"%s\": %llu,\n", kv[i].key, (unsigned long long)kv[i].value);
	fprintf(f, "  \"client\": {\n"
			"    \"rx_packets\": %llu,\n    \"rx_bytes\": %llu,\n"
			"    \"returned\": %llu,\n    \"tx_packets\": %llu,\n"
			"    \"tx_bytes\": %llu,\n    \"txdone\": %llu,\n"
			"    \"rx_rejects\": %llu,\n    \"txdone_rejects\": %llu,\n"
			"    \"index_jumps\": %llu,\n    \"wakeups\": %llu,\n"
			"    \"reject\": {",
			(unsigned long long)st->rx_packets, (unsigned long long)st->rx_bytes,
			(unsigned long long)st->returned, (unsigned long long)st->tx_packets,
			(unsigned long long)st->tx_bytes, (unsigned long long)st->txdone,
			(unsigned long long)st->rx_rejects, (unsigned long long)st->txdone_rejects,
			(unsigned long long)st->index_jumps, (unsigned long long)st->wakeups);
	for (r = 1; r < NBSHM_CHAN_REASON_MAX; r++)
		fprintf(f, "%s\"%s\": %llu", r > 1 ? ", " : "", nbshm_chan_reason_name(r),
				(unsigned long long)st->reject[r]);
	fprintf(f, "}\n  }\n}\n");
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "%s: --stats-json %s: write failed\n", prog, path);
		return -1;
	}
	return 0;
}

int
nbcap_exit_status(const char *prog, const struct nbcap_run *r, double t0,
		const struct nbcap_kv *kv, unsigned int n_kv, const struct nbshm_client_stats *st)
{
	int status = r->gone || r->failed ? NBCAP_EXIT_ERROR : 0;

	if (r->o.stats_json != NULL &&
			nbcap_write_json(prog, r->o.stats_json, nbcap_now() - t0, kv, n_kv, st) < 0)
		status = NBCAP_EXIT_ERROR;
	return status;
}
