/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd: a poll-mode forwarder whose packet data lives in hugepage-backed
 * shared regions, described per packet as an NDIS-style NET_BUFFER of
 * (handle, offset, length) segments that the fast path resolves and checks
 * before touching a byte. Skeleton after DPDK's examples/l2fwd.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "nbfwd.h"
#include "nbfwd_args.h"
#include "nbfwd_capture.h"
#include "nbfwd_fwd.h"
#include "nbfwd_guard.h"
#include "nbfwd_hugefiles.h"
#include "nbfwd_log.h"
#include "nbfwd_mode.h"
#include "nbfwd_preflight.h"
#include "nbfwd_quiesce.h"
#include "nbfwd_setup.h"
#include "nbfwd_stats.h"
#include "nbfwd_telemetry.h"
#include "nbfwd_txfirst.h"

#define NBFWD_EXIT_CONFIG 1
#define NBFWD_EXIT_USAGE 2
#define NBFWD_EXIT_LEAK 3

volatile bool nbfwd_force_quit;

static struct nbfwd_ctx nbfwd_ctx;

static void
nbfwd_signal(int signum)
{
	if (signum == SIGINT || signum == SIGTERM)
		nbfwd_force_quit = true;
}

/* Control work of the main lcore: stats lines and the --time limit. */
struct nbfwd_ticker {
	struct nbfwd_ctx *ctx;
	struct nbfwd_stats_prev prev;
	struct nbfwd_rate_prev rates;	/* 1 s rate samples for telemetry */
	uint64_t second;
	uint64_t next_rate;
	uint64_t period;	/* cycles between stats lines, 0 = off */
	uint64_t next;
	uint64_t deadline;	/* 0 = none */
};

static void
nbfwd_tick(void *arg)
{
	struct nbfwd_ticker *t = arg;
	uint64_t now = rte_get_tsc_cycles();

	if (t->deadline != 0 && now >= t->deadline)
		nbfwd_force_quit = true;
	if (now >= t->next_rate) {
		nbfwd_stats_sample_rates(t->ctx, &t->rates);
		t->next_rate += t->second;
	}
	if (t->period != 0 && now >= t->next) {
		nbfwd_stats_periodic(t->ctx, &t->prev);
		t->next += t->period;
	}
}

/*
 * A main lcore that does not forward sleeps until its next event (a rate
 * sample, a stats line, the --time deadline), at most 100 ms: it often shares
 * a CPU with a worker, and every wake-up preempts that worker's loop (at
 * 100 wake-ups a second they showed in the latency tail). Signals end the
 * sleep early.
 */
static void
nbfwd_tick_sleep(const struct nbfwd_ticker *t)
{
	uint64_t now = rte_get_tsc_cycles(), next = t->next_rate, hz = rte_get_tsc_hz();
	uint64_t ns, cap = hz / 10;
	struct timespec ts;

	if (t->period != 0 && t->next < next)
		next = t->next;
	if (t->deadline != 0 && t->deadline < next)
		next = t->deadline;
	next = next > now ? RTE_MIN(next - now, cap) : 0;
	ns = next * 1000000000ull / hz;
	ts.tv_sec = (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	nanosleep(&ts, NULL);
}

static int
nbfwd_worker_main(void *arg)
{
	const struct nbfwd_worker *w = arg;

	return nbfwd_worker_loop(&nbfwd_ctx, w, NULL, NULL);
}

static void
nbfwd_run(struct nbfwd_ctx *ctx)
{
	const struct nbfwd_worker *on_main = NULL;
	struct nbfwd_ticker t;
	uint64_t hz = rte_get_tsc_hz();
	unsigned int i;

	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	ctx->start_tsc = rte_get_tsc_cycles();
	t.prev.tsc = ctx->start_tsc;
	t.prev.tty = isatty(STDOUT_FILENO) == 1;
	t.rates.tsc = ctx->start_tsc;
	t.second = hz;
	t.next_rate = ctx->start_tsc + hz;
	t.period = (uint64_t)ctx->cfg.stats_period_s * hz;
	t.next = ctx->start_tsc + t.period;
	if (ctx->cfg.time_s != 0)
		t.deadline = ctx->start_tsc + (uint64_t)ctx->cfg.time_s * hz;

	APP_LOG(INFO, "forwarding: mode %s, %u worker lcore(s), burst %u, max %u segments",
		nbfwd_config_mode_name(ctx->cfg.mode), ctx->n_workers, ctx->cfg.burst,
		ctx->cfg.max_segments);
	for (i = 0; i < ctx->n_workers; i++) {
		const struct nbfwd_worker *w = &ctx->workers[i];

		if (w->lcore_id == rte_get_main_lcore()) {
			on_main = w;
			continue;
		}
		rte_eal_remote_launch(nbfwd_worker_main, (void *)(uintptr_t)w, w->lcore_id);
	}
	if (on_main != NULL) {
		nbfwd_worker_loop(ctx, on_main, nbfwd_tick, &t);
	} else {
		while (!nbfwd_force_quit) {
			nbfwd_tick_sleep(&t);
			nbfwd_tick(&t);
		}
	}
	rte_eal_mp_wait_lcore();
	ctx->stop_tsc = rte_get_tsc_cycles();
}

/* --tx-first bursts from the main lcore, seen by the capture server's waits */
static int
nbfwd_run_tx_first(struct nbfwd_ctx *ctx)
{
	int ret;

	nbfwd_quiesce_online(NBFWD_QS_CONTROL);
	ret = nbfwd_tx_first(ctx);
	nbfwd_quiesce_offline(NBFWD_QS_CONTROL);
	return ret;
}

static int
nbfwd_setup(struct nbfwd_ctx *ctx)
{
	if (nbfwd_setup_prefix(ctx) != 0 ||
			nbfwd_setup_ports(ctx) != 0 ||
			nbfwd_guard_ports(ctx) != 0 ||
			nbfwd_setup_workers(ctx) != 0 ||
			nbfwd_setup_regions(ctx) != 0 ||
			nbfwd_setup_pools(ctx) != 0 ||
			nbfwd_mode_step(ctx, ctx->mode->setup) != 0 ||
			nbfwd_start_ports(ctx) != 0 ||
			nbfwd_mode_step(ctx, ctx->mode->start) != 0)
		return -1;
	return 0;
}

/* Split argv at "--": EAL options before, nbfwd's after (argv[0] in both). */
static int
nbfwd_app_argv(int argc, char **argv, char ***app_argv)
{
	char **v;
	int i, n;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	n = i < argc ? argc - i : 1;
	v = calloc(n + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	v[0] = argv[0];
	if (i < argc)
		memcpy(&v[1], &argv[i + 1], sizeof(*v) * (n - 1));
	*app_argv = v;
	return n;
}

static int
nbfwd_finish(struct nbfwd_ctx *ctx, int status)
{
	nbfwd_telemetry_stop();
	nbfwd_capture_uninit();
	if (ctx->mode->stop != NULL)
		ctx->mode->stop(ctx);
	nbfwd_stop_ports(ctx);
	if (nbfwd_check_mbufs(ctx) != 0 && status == 0)
		status = NBFWD_EXIT_LEAK;
	nbfwd_stats_print_table(ctx, stdout);
	if (ctx->cfg.stats_json[0] != '\0' &&
			nbfwd_stats_write_json(ctx, ctx->cfg.stats_json) != 0 && status == 0)
		status = NBFWD_EXIT_CONFIG;
	nbfwd_teardown(ctx);
	nbfwd_quiesce_free();
	nbfwd_eal_cleanup();
	return status;
}

int
main(int argc, char **argv)
{
	struct nbfwd_ctx *ctx = &nbfwd_ctx;
	struct nbfwd_eal_args ea;
	char err[1024], **app_argv;
	int app_argc, ret, status;

	app_argc = nbfwd_app_argv(argc, argv, &app_argv);
	if (app_argc < 0)
		return NBFWD_EXIT_CONFIG;
	ret = nbfwd_args_parse(app_argc, app_argv, &ctx->cfg, err, sizeof(err));
	free(app_argv);
	switch (ret) {
	case NBFWD_ARGS_HELP:
		nbfwd_usage(argv[0], stdout);
		return 0;
	case NBFWD_ARGS_ERROR:
		fprintf(stderr, "nbfwd: %s\n", err);
		return NBFWD_EXIT_USAGE;
	case NBFWD_ARGS_CONFIG:
		fprintf(stderr, "nbfwd: %s\n", err);
		return NBFWD_EXIT_CONFIG;
	default:
		break;
	}
	ctx->mode = nbfwd_mode_ops_get(ctx->cfg.mode);

	nbfwd_preflight_scan(app_argc > 1 ? argc - app_argc : argc, argv, &ea);
	if (nbfwd_preflight_hugepages(&ctx->cfg, &ea, err, sizeof(err)) != 0) {
		fprintf(stderr, "nbfwd: %s\n", err);
		return NBFWD_EXIT_CONFIG;
	}

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "nbfwd: EAL init failed: %s; check the EAL options "
			"(--help after -- for nbfwd's)\n", rte_strerror(rte_errno));
		return NBFWD_EXIT_CONFIG;
	}
	signal(SIGINT, nbfwd_signal);
	signal(SIGTERM, nbfwd_signal);
	if (nbfwd_quiesce_init() != 0)
		return nbfwd_finish(ctx, NBFWD_EXIT_CONFIG);
	nbfwd_capture_init(&ea);

	if (nbfwd_setup(ctx) != 0 || (ctx->cfg.tx_first && nbfwd_run_tx_first(ctx) != 0))
		return nbfwd_finish(ctx, NBFWD_EXIT_CONFIG);
	if (nbfwd_telemetry_register(ctx) != 0)
		APP_LOG(WARNING, "telemetry commands not registered: /nbfwd/* unavailable");
	nbfwd_run(ctx);
	APP_LOG(INFO, "stopping: ports, pools, regions");
	status = nbfwd_finish(ctx, 0);
	return status;
}
