/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Counters: per rx queue in the fast path (one writer each, no atomics), summed
 * here on the main lcore for the periodic line, the exit table and the JSON.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "nbfwd.h"
#include "nbfwd_capture.h"
#include "nbfwd_log.h"
#include "nbfwd_consumer.h"
#include "nbfwd_cycles.h"
#include "nbfwd_stats.h"

static const char * const nbfwd_own_drop_names[] = {
	[NBFWD_DROP_RUNT - NET_BUFFER_REASON_MAX] = "runt",
	[NBFWD_DROP_FOREIGN_BUFFER - NET_BUFFER_REASON_MAX] = "foreign_buffer",
	[NBFWD_DROP_TX_FULL - NET_BUFFER_REASON_MAX] = "tx_full",
	[NBFWD_DROP_FILTERED - NET_BUFFER_REASON_MAX] = "filtered",
	[NBFWD_DROP_CONSUMER - NET_BUFFER_REASON_MAX] = "consumer",
	[NBFWD_DROP_NOT_OWNER - NET_BUFFER_REASON_MAX] = "not_owner",
};

const char *
nbfwd_drop_name(unsigned int reason)
{
	if (reason < NET_BUFFER_REASON_MAX)
		return net_buffer_reason_name(reason);
	if (reason < NBFWD_DROP_MAX)
		return nbfwd_own_drop_names[reason - NET_BUFFER_REASON_MAX];
	return "unknown";
}

#define NBFWD_COUNTER(type, name, field) { name, offsetof(struct type, field) }
#define NBFWD_COUNTERS(table) { table, RTE_DIM(table) }

/* The port's counters, in the order both outputs list them. */
static const struct nbfwd_counter nbfwd_port_counter_table[] = {
	NBFWD_COUNTER(nbfwd_port_sum, "rx_packets", rx),
	NBFWD_COUNTER(nbfwd_port_sum, "tx_packets", tx),
	NBFWD_COUNTER(nbfwd_port_sum, "dropped", dropped),
	NBFWD_COUNTER(nbfwd_port_sum, "segments", segs),
	NBFWD_COUNTER(nbfwd_port_sum, "delivered", delivered),
};

static const struct nbfwd_counter nbfwd_cons_counter_table[] = {
	NBFWD_COUNTER(nbfwd_cons_sum, "attaches", attaches),
	NBFWD_COUNTER(nbfwd_cons_sum, "faulted", faulted),
	NBFWD_COUNTER(nbfwd_cons_sum, "delivered", delivered),
	NBFWD_COUNTER(nbfwd_cons_sum, "delivered_bytes", delivered_bytes),
	NBFWD_COUNTER(nbfwd_cons_sum, "returned", returned),
	NBFWD_COUNTER(nbfwd_cons_sum, "lent_now", lent_now),
	NBFWD_COUNTER(nbfwd_cons_sum, "reclaimed", reclaimed),
	NBFWD_COUNTER(nbfwd_cons_sum, "tx_packets", tx_packets),
	NBFWD_COUNTER(nbfwd_cons_sum, "tx_bytes", tx_bytes),
	NBFWD_COUNTER(nbfwd_cons_sum, "stalled", stalled),
};

static const struct nbfwd_counter nbfwd_attach_counter_table[] = {
	NBFWD_COUNTER(nbfwd_attach_sum, "connections", connections),
	NBFWD_COUNTER(nbfwd_attach_sum, "attached", attached),
	NBFWD_COUNTER(nbfwd_attach_sum, "pending", pending),
	NBFWD_COUNTER(nbfwd_attach_sum, "detached_closed", detached_closed),
	NBFWD_COUNTER(nbfwd_attach_sum, "detached_exited", detached_exited),
	NBFWD_COUNTER(nbfwd_attach_sum, "ack_timeouts", ack_timeouts),
};

const struct nbfwd_counters nbfwd_port_counters = NBFWD_COUNTERS(nbfwd_port_counter_table);
const struct nbfwd_counters nbfwd_cons_counters = NBFWD_COUNTERS(nbfwd_cons_counter_table);
const struct nbfwd_counters nbfwd_attach_counters =
	NBFWD_COUNTERS(nbfwd_attach_counter_table);

void
nbfwd_stats_consumer_sum(const struct nbfwd_consumer *c, struct nbfwd_cons_sum *s)
{
	struct nbfwd_cons_qstats st;

	nbfwd_consumer_stats(c, &st, &s->lent_now);
	s->attaches = c->attaches;
	s->faulted = c->faults;
	s->delivered = st.delivered;
	s->delivered_bytes = st.delivered_bytes;
	s->returned = st.returned;
	s->reclaimed = st.reclaimed;
	s->tx_packets = st.tx;
	s->tx_bytes = st.tx_bytes;
	s->stalled = c->stalled;
	memcpy(s->drop, st.drop, sizeof(s->drop));
	memcpy(s->reject, st.reject, sizeof(s->reject));
}

int
nbfwd_stats_attach_sum(const struct nbfwd_ctx *ctx, struct nbfwd_attach_sum *s,
		struct nbfwd_attach_stats *st)
{
	if (nbfwd_consumers_attach_stats(ctx, st) != 0)
		return -1;
	s->connections = st->connections;
	s->attached = st->attached;
	s->pending = st->pending;
	s->detached_closed = st->detached_closed;
	s->detached_exited = st->detached_exited;
	s->ack_timeouts = st->ack_timeouts;
	return 0;
}

/* Drop reasons reported; NET_BUFFER_OK (index 0) is not one. */
#define NBFWD_FOREACH_DROP(r) for ((r) = 1; (r) < NBFWD_DROP_MAX; (r)++)

static uint64_t
nbfwd_read(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
nbfwd_queue_sum(const struct nbfwd_qstats *q, struct nbfwd_port_sum *s)
{
	unsigned int r;

	s->rx += nbfwd_read(&q->rx);
	s->fwd += nbfwd_read(&q->tx);
	s->segs += nbfwd_read(&q->segs);
	s->delivered += nbfwd_read(&q->delivered);
	NBFWD_FOREACH_DROP(r) {
		uint64_t d = nbfwd_read(&q->drop[r]);

		s->drop[r] += d;
		s->dropped += d;
	}
}

void
nbfwd_stats_port_sum(const struct nbfwd_ctx *ctx, unsigned int pi, struct nbfwd_port_sum *s)
{
	const struct nbfwd_port *p = &ctx->ports[pi];
	unsigned int q, o;

	memset(s, 0, sizeof(*s));
	if (p->qstats == NULL)	/* start-up stopped before counters existed */
		return;
	for (q = 0; q < p->nb_rxq; q++)
		nbfwd_queue_sum(&p->qstats[q], s);
	/* tx of this port: what every port whose peer it is sent to it */
	for (o = 0; o < ctx->n_ports; o++) {
		const struct nbfwd_port *src = &ctx->ports[o];

		if (src->peer != pi || src->qstats == NULL)
			continue;
		for (q = 0; q < src->nb_rxq; q++)
			s->tx += nbfwd_read(&src->qstats[q].tx);
	}
}

static double
nbfwd_seconds(uint64_t cycles)
{
	return (double)cycles / (double)rte_get_tsc_hz();
}

double
nbfwd_stats_duration(const struct nbfwd_ctx *ctx)
{
	uint64_t end = ctx->stop_tsc != 0 ? ctx->stop_tsc : rte_get_tsc_cycles();

	if (ctx->start_tsc == 0)
		return 0;	/* start-up stopped before forwarding began */
	return nbfwd_seconds(end - ctx->start_tsc);
}

/* The in-place table for a terminal: redrawn over its previous copy. */
static void
nbfwd_stats_table_tty(struct nbfwd_ctx *ctx, struct nbfwd_stats_prev *prev, uint64_t now,
		double dt)
{
	unsigned int i, r;

	if (prev->lines != 0)
		printf("\033[%uA", prev->lines);	/* back to the table's first line */
	printf("\033[2K[%7.1fs] nbfwd %s\n", nbfwd_seconds(now - ctx->start_tsc),
		nbfwd_config_mode_name(ctx->cfg.mode));
	printf("\033[2K%-5s %-16s %10s %10s %12s %8s  %s\n", "port", "name", "rx Mpps",
		"tx Mpps", "dropped", "mbufs", "drops by reason");
	for (i = 0; i < ctx->n_ports; i++) {
		const struct nbfwd_port *p = &ctx->ports[i];
		struct nbfwd_port_sum s;

		nbfwd_stats_port_sum(ctx, i, &s);
		printf("\033[2K%-5u %-16.16s %10.3f %10.3f %12" PRIu64 " %8u ", p->port_id,
			p->name, (double)(s.rx - prev->rx[i]) / dt / 1e6,
			(double)(s.tx - prev->tx[i]) / dt / 1e6, s.dropped,
			p->pool != NULL ? rte_mempool_in_use_count(p->pool) : 0);
		NBFWD_FOREACH_DROP(r)
			if (s.drop[r] != 0)
				printf(" %s=%" PRIu64, nbfwd_drop_name(r), s.drop[r]);
		printf("\n");
		prev->rx[i] = s.rx;
		prev->tx[i] = s.tx;
	}
	prev->lines = 2 + ctx->n_ports;
}

/* One plain line per period when stdout is not a terminal (logs, pipes). */
static void
nbfwd_stats_line(struct nbfwd_ctx *ctx, struct nbfwd_stats_prev *prev, uint64_t now,
		double dt)
{
	char line[1024];
	size_t len;
	unsigned int i;

	len = snprintf(line, sizeof(line), "[%7.1fs]", nbfwd_seconds(now - ctx->start_tsc));
	for (i = 0; i < ctx->n_ports && len < sizeof(line); i++) {
		struct nbfwd_port_sum s;

		nbfwd_stats_port_sum(ctx, i, &s);
		len += snprintf(line + len, sizeof(line) - len,
			" | p%u rx %.3f tx %.3f Mpps drop %" PRIu64,
			ctx->ports[i].port_id,
			(double)(s.rx - prev->rx[i]) / dt / 1e6,
			(double)(s.tx - prev->tx[i]) / dt / 1e6,
			s.dropped);
		prev->rx[i] = s.rx;
		prev->tx[i] = s.tx;
	}
	printf("%s\n", line);
}

void
nbfwd_stats_periodic(struct nbfwd_ctx *ctx, struct nbfwd_stats_prev *prev)
{
	uint64_t now = rte_get_tsc_cycles();
	double dt = nbfwd_seconds(now - prev->tsc);

	if (dt <= 0)
		return;
	if (prev->tty)
		nbfwd_stats_table_tty(ctx, prev, now, dt);
	else
		nbfwd_stats_line(ctx, prev, now, dt);
	prev->tsc = now;
	fflush(stdout);
}

void
nbfwd_stats_sample_rates(struct nbfwd_ctx *ctx, struct nbfwd_rate_prev *prev)
{
	uint64_t now = rte_get_tsc_cycles();
	double dt = nbfwd_seconds(now - prev->tsc);
	unsigned int i;

	if (dt <= 0)
		return;
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port_sum s;

		nbfwd_stats_port_sum(ctx, i, &s);
		ctx->ports[i].rx_mpps = (double)(s.rx - prev->rx[i]) / dt / 1e6;
		ctx->ports[i].tx_mpps = (double)(s.tx - prev->tx[i]) / dt / 1e6;
		prev->rx[i] = s.rx;
		prev->tx[i] = s.tx;
	}
	prev->tsc = now;
}

/* -Dcycle_stats=true: cycles per packet of each stage, from the sampled bursts. */
static void
nbfwd_cycles_print(const struct nbfwd_ctx *ctx, FILE *f)
{
	double per[NBFWD_STAGE_MAX], total = 0;
	uint64_t pkts = nbfwd_cycles_per_packet(ctx->n_workers, per);
	unsigned int s;

	if (pkts == 0)
		return;
	fprintf(f, "cycles/packet (1 poll in %u sampled, %" PRIu64 " packets):",
		NBFWD_CYCLE_SAMPLE, pkts);
	for (s = 0; s < NBFWD_STAGE_MAX; s++) {
		fprintf(f, " %s %.1f", nbfwd_stage_name(s), per[s]);
		total += per[s];
	}
	fprintf(f, " total %.1f\n", total);
}

/* One line of the attach socket's counters, with the refusals that happened. */
static void
nbfwd_stats_print_attach(const struct nbfwd_ctx *ctx, FILE *f)
{
	struct nbfwd_attach_stats st;
	unsigned int r;

	if (nbfwd_consumers_attach_stats(ctx, &st) != 0)
		return;
	fprintf(f, "attach socket: %" PRIu64 " connection(s), %" PRIu64 " attach(es), detached "
		"%" PRIu64 " (socket closed) %" PRIu64 " (process exited), %" PRIu64
		" ack timeout(s)", st.connections, st.attached, st.detached_closed,
		st.detached_exited, st.ack_timeouts);
	for (r = 0; r < NBFWD_REFUSE_MAX; r++)
		if (st.refused[r] != 0)
			fprintf(f, ", refused %s %" PRIu64, nbfwd_attach_refusal_name(r),
				st.refused[r]);
	fprintf(f, "\n");
}

void
nbfwd_stats_print_table(const struct nbfwd_ctx *ctx, FILE *f)
{
	double dur = nbfwd_stats_duration(ctx);
	unsigned int i, r;

	fprintf(f, "\n%-5s %-20s %14s %14s %12s %10s\n", "port", "name", "rx_packets",
		"tx_packets", "dropped", "rx_mpps");
	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port_sum s;

		nbfwd_stats_port_sum(ctx, i, &s);
		fprintf(f, "%-5u %-20s %14" PRIu64 " %14" PRIu64 " %12" PRIu64 " %10.3f\n",
			ctx->ports[i].port_id, ctx->ports[i].name, s.rx, s.tx, s.dropped,
			dur > 0 ? (double)s.rx / dur / 1e6 : 0.0);
		NBFWD_FOREACH_DROP(r) {
			if (s.drop[r] != 0)
				fprintf(f, "      drop %-18s %14" PRIu64 "\n",
					nbfwd_drop_name(r), s.drop[r]);
		}
		if (ctx->ports[i].rx_nombuf != 0 || ctx->ports[i].imissed != 0)
			fprintf(f, "      ethdev rx_nombuf %" PRIu64 " imissed %" PRIu64 "\n",
				ctx->ports[i].rx_nombuf, ctx->ports[i].imissed);
	}
	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer *c = &ctx->consumers[i];
		struct nbfwd_cons_sum st;
		uint64_t rej = 0;

		nbfwd_stats_consumer_sum(c, &st);
		for (r = 1; r < NBSHM_CHAN_REASON_MAX; r++)
			rej += st.reject[r];
		fprintf(f, "consumer %-16s delivered %" PRIu64 " returned %" PRIu64
			" reclaimed %" PRIu64 " tx %" PRIu64 " rejected %" PRIu64
			" faulted %u (%s steering, %s, %u attach%s)\n",
			c->name, st.delivered, st.returned, st.reclaimed, st.tx_packets, rej,
			c->faults, nbfwd_consumer_steering(c), nbfwd_cons_state_name(c->state),
			c->attaches, c->attaches == 1 ? "" : "es");
		for (r = 0; r < NBFWD_CONS_DROP_MAX; r++)
			if (st.drop[r] != 0)
				fprintf(f, "      drop %-18s %14" PRIu64 "\n",
					nbfwd_cons_drop_name(r), st.drop[r]);
		if (c->stalled != 0)
			fprintf(f, "      stalled (detached) %11" PRIu64 "\n", c->stalled);
	}
	nbfwd_stats_print_attach(ctx, f);
	nbfwd_cycles_print(ctx, f);
	fprintf(f, "duration %.3f s, mbufs in use at exit %" PRIu64 "\n", dur,
		ctx->mbufs_in_use_at_exit);
}

/* ", "name": value" for every counter of table @p t in @p sum. */
static void
nbfwd_json_counters(FILE *f, const struct nbfwd_counters *t, const void *sum)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		fprintf(f, ", \"%s\": %" PRIu64, t->c[i].name,
			nbfwd_counter_value(&t->c[i], sum));
}

static void
nbfwd_json_drops(FILE *f, const uint64_t *drop)
{
	unsigned int r;

	NBFWD_FOREACH_DROP(r)
		fprintf(f, ", \"%s\": %" PRIu64, nbfwd_drop_name(r), drop[r]);
}

static void
nbfwd_json_port(const struct nbfwd_ctx *ctx, FILE *f, unsigned int i, double dur)
{
	const struct nbfwd_port *p = &ctx->ports[i];
	struct nbfwd_port_sum s;
	unsigned int q;

	nbfwd_stats_port_sum(ctx, i, &s);
	fprintf(f, "    {\"port\": %u, \"name\": \"%s\", \"driver\": \"%s\", \"peer\": %u",
		p->port_id, p->name, p->driver, ctx->ports[p->peer].port_id);
	nbfwd_json_counters(f, &nbfwd_port_counters, &s);
	fprintf(f, ", \"rx_mpps\": %.6f", dur > 0 ? (double)s.rx / dur / 1e6 : 0.0);
	nbfwd_json_drops(f, s.drop);
	fprintf(f, ", \"rx_nombuf\": %" PRIu64 ", \"imissed\": %" PRIu64 ", \"queues\": [",
		p->rx_nombuf, p->imissed);
	for (q = 0; p->qstats != NULL && q < p->nb_rxq; q++) {
		struct nbfwd_port_sum qs;

		memset(&qs, 0, sizeof(qs));
		nbfwd_queue_sum(&p->qstats[q], &qs);
		fprintf(f, "%s{\"queue\": %u, \"rx_packets\": %" PRIu64
			", \"forwarded\": %" PRIu64 ", \"dropped\": %" PRIu64,
			q ? ", " : "", q, qs.rx, qs.fwd, qs.dropped);
		nbfwd_json_drops(f, qs.drop);
		fprintf(f, "}");
	}
	fprintf(f, "]}");
}

static void
nbfwd_json_cycles(const struct nbfwd_ctx *ctx, FILE *f)
{
	double per[NBFWD_STAGE_MAX], total = 0;
	uint64_t pkts = nbfwd_cycles_per_packet(ctx->n_workers, per);
	unsigned int s;

	if (!NBFWD_CYCLE_ON)
		return;
	fprintf(f, ",\n  \"cycles_per_packet\": {\"sampled_packets\": %" PRIu64
		", \"sample\": %u, \"tsc_hz\": %" PRIu64, pkts, NBFWD_CYCLE_SAMPLE,
		rte_get_tsc_hz());
	for (s = 0; s < NBFWD_STAGE_MAX; s++) {
		fprintf(f, ", \"%s\": %.3f", nbfwd_stage_name(s), per[s]);
		total += per[s];
	}
	fprintf(f, ", \"total\": %.3f}", total);
}

static void
nbfwd_json_consumer(FILE *f, const struct nbfwd_consumer *c)
{
	struct nbfwd_cons_sum st;
	unsigned int r;

	nbfwd_stats_consumer_sum(c, &st);
	fprintf(f, "    {\"name\": \"%s\", \"state\": \"%s\", \"steering\": \"%s\", "
		"\"rx_queue\": %d", c->name, nbfwd_cons_state_name(c->state),
		nbfwd_consumer_steering(c), c->hw_queue);
	nbfwd_json_counters(f, &nbfwd_cons_counters, &st);
	fprintf(f, ", \"drops\": {");
	for (r = 0; r < NBFWD_CONS_DROP_MAX; r++)
		fprintf(f, "%s\"%s\": %" PRIu64, r ? ", " : "", nbfwd_cons_drop_name(r),
			st.drop[r]);
	fprintf(f, "}, \"rejects\": {");
	for (r = 1; r < NBSHM_CHAN_REASON_MAX; r++)
		fprintf(f, "%s\"%s\": %" PRIu64, r > 1 ? ", " : "", nbshm_chan_reason_name(r),
			st.reject[r]);
	fprintf(f, "}}");
}

/*
 * The JSON goes to a new file beside @p path, renamed over it when complete:
 * nbfwd (often root) never writes through a symlink or into a file someone
 * else made at that name, and a reader never sees half a document.
 */
static FILE *
nbfwd_json_open(const char *path, char *tmp, size_t len)
{
	FILE *f;
	int fd;

	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", path) >= len) {
		APP_LOG(ERR, "cannot write stats JSON %s: path too long", path);
		return NULL;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		APP_LOG(ERR, "cannot write stats JSON %s: %s", path, strerror(errno));
		return NULL;
	}
	f = fchmod(fd, 0644) == 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		APP_LOG(ERR, "cannot write stats JSON %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
	}
	return f;
}

static void
nbfwd_json_attach(const struct nbfwd_ctx *ctx, FILE *f)
{
	struct nbfwd_attach_stats st;
	struct nbfwd_attach_sum sum;
	unsigned int r;

	if (nbfwd_stats_attach_sum(ctx, &sum, &st) != 0)
		return;
	fprintf(f, ",\n  \"attach\": {\"mode\": \"0%o\", \"group\": %" PRId64,
		(unsigned int)st.mode, st.group);
	nbfwd_json_counters(f, &nbfwd_attach_counters, &sum);
	fprintf(f, ", \"refused\": {");
	for (r = 0; r < NBFWD_REFUSE_MAX; r++)
		fprintf(f, "%s\"%s\": %" PRIu64, r ? ", " : "", nbfwd_attach_refusal_name(r),
			st.refused[r]);
	fprintf(f, "}}");
}

/* The capture server's counters (doc/capture.md). */
static void
nbfwd_json_capture(FILE *f)
{
	struct nbfwd_cap_counters c;
	unsigned int r;

	nbfwd_capture_counters(&c);
	fprintf(f, ",\n  \"capture\": {\"requests\": %" PRIu64 ", \"queues_enabled\": %" PRIu64
		", \"queues_disabled\": %" PRIu64 ", \"queues_stale\": %" PRIu64
		", \"refused\": {", c.requests, c.enabled, c.disabled, c.stale);
	for (r = 0; r < NBFWD_CAP_REFUSAL_MAX; r++)
		fprintf(f, "%s\"%s\": %" PRIu64, r > 0 ? ", " : "", nbfwd_capture_refusal_name(r),
			c.refused[r]);
	fprintf(f, "}}");
}

int
nbfwd_stats_write_json(const struct nbfwd_ctx *ctx, const char *path)
{
	double dur = nbfwd_stats_duration(ctx);
	struct nbfwd_port_sum s, total;
	char tmp[PATH_MAX];
	unsigned int i, r;
	FILE *f;

	f = nbfwd_json_open(path, tmp, sizeof(tmp));
	if (f == NULL)
		return -1;
	memset(&total, 0, sizeof(total));
	for (i = 0; i < ctx->n_ports; i++) {
		nbfwd_stats_port_sum(ctx, i, &s);
		total.rx += s.rx;
		total.tx += s.tx;
		total.dropped += s.dropped;
		NBFWD_FOREACH_DROP(r)
			total.drop[r] += s.drop[r];
	}
	fprintf(f, "{\n  \"mode\": \"%s\",\n  \"burst\": %u,\n  \"max_segments\": %u,\n"
		"  \"workers\": %u,\n  \"duration_s\": %.6f,\n  \"rx_packets\": %" PRIu64
		",\n  \"tx_packets\": %" PRIu64 ",\n  \"dropped\": %" PRIu64
		",\n  \"rx_mpps\": %.6f,\n  \"mbufs_in_use_at_exit\": %" PRIu64 ",\n  \"drops\": {",
		nbfwd_config_mode_name(ctx->cfg.mode), ctx->cfg.burst, ctx->cfg.max_segments,
		ctx->n_workers, dur, total.rx, total.tx, total.dropped,
		dur > 0 ? (double)total.rx / dur / 1e6 : 0.0, ctx->mbufs_in_use_at_exit);
	NBFWD_FOREACH_DROP(r)
		fprintf(f, "%s\"%s\": %" PRIu64, r > 1 ? ", " : "", nbfwd_drop_name(r),
			total.drop[r]);
	fprintf(f, "}");
	nbfwd_json_cycles(ctx, f);
	nbfwd_json_attach(ctx, f);
	nbfwd_json_capture(f);
	fprintf(f, ",\n  \"ports\": [\n");
	for (i = 0; i < ctx->n_ports; i++) {
		nbfwd_json_port(ctx, f, i, dur);
		fprintf(f, "%s\n", i + 1 < ctx->n_ports ? "," : "");
	}
	fprintf(f, "  ],\n  \"consumers\": [\n");
	for (i = 0; i < ctx->n_consumers; i++) {
		nbfwd_json_consumer(f, &ctx->consumers[i]);
		fprintf(f, "%s\n", i + 1 < ctx->n_consumers ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		APP_LOG(ERR, "cannot write stats JSON %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
