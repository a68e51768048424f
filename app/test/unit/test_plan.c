/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The planner (app/nbfwd/nbfwd_plan.c) and pre-flight's input to it, without
 * EAL: pool sizes, region pages, consumers' layouts, refusals of bad input.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbfwd_plan.h"
#include "nbfwd_preflight.h"
#include "nbshm_region.h"
#include "nbshm_region_dpdk.h"

#define PAGE (2ull << 20)

static struct nbfwd_config cfg;
static struct nbfwd_plan_in in;
static struct nbfwd_plan plan;

/* 2 ports paired 0<->1, 1 rx queue of 1024, 1024 tx, one automatic region. */
static int
setup_two_ports(void **state)
{
	unsigned int i;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = NBFWD_MODE_IO;
	cfg.burst = 32;
	cfg.pool_layout = NBFWD_POOL_EXTBUF;
	memset(&in, 0, sizeof(in));
	in.cfg = &cfg;
	in.n_workers = 1;
	in.n_ports = 2;
	for (i = 0; i < 2; i++)
		in.ports[i] = (struct nbfwd_plan_port){ .nb_rxq = 1, .rx_desc = 1024,
			.tx_desc = 1024, .peer = (uint16_t)(1 - i), .region = 0 };
	in.n_regions = 1;
	in.regions[0] = (struct nbfwd_plan_region){ .page_size = PAGE,
		.layout = NBFWD_POOL_EXTBUF };
	return 0;
}

/* Rings, peer's tx rings, caches and bursts, spare, rounded up to 2^n - 1. */
static void
test_pool_auto(void **state)
{
	uint64_t need;

	(void)state;
	in.n_workers = 3;
	in.ports[1].tx_desc = 4096;	/* port 0's peer */
	in.ports[0].nb_rxq = 2;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	need = 2 * 1024 + 3 * 4096 + 3 * (NBFWD_MEMPOOL_CACHE + 2 * 32) + 1024;
	assert_true(plan.pool_size[0] >= need);
	assert_true((plan.pool_size[0] + 1) / 2 - 1 < need);
	assert_int_equal((plan.pool_size[0] + 1) & plan.pool_size[0], 0);
	/* the default run: 1 worker, 1024 descriptors each way */
	setup_two_ports(NULL);
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	assert_int_equal(plan.pool_size[0], 4095);
	assert_int_equal(plan.pool_size[1], 4095);
}

static void
test_pool_configured(void **state)
{
	(void)state;
	in.ports[1].pool_size = 777;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	assert_int_equal(plan.pool_size[1], 777);
	assert_int_equal(plan.pool_size[0], 4095);
}

/* An automatic extbuf region holds its header and every pool, no page more. */
static void
test_region_extbuf(void **state)
{
	uint64_t used = NBSHM_REGION_DATA_OFFSET;

	(void)state;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	used += nbshm_region_pool_bytes(used, PAGE, plan.pool_size[0], NBFWD_PLAN_BUF_SIZE);
	used += nbshm_region_pool_bytes(used, PAGE, plan.pool_size[1], NBFWD_PLAN_BUF_SIZE);
	assert_true((uint64_t)plan.pages[0] * PAGE >= used);
	assert_true((uint64_t)(plan.pages[0] - 1) * PAGE < used);
}

/* Heap layout: a first page, the pools' heap bytes, and one page for the boundaries. */
static void
test_region_heap(void **state)
{
	uint64_t used = PAGE + 2 * nbshm_region_heap_pool_bytes(4095, NBFWD_PLAN_BUF_SIZE);

	(void)state;
	in.regions[0].layout = NBFWD_POOL_HEAP;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	assert_int_equal(plan.pages[0], (used + PAGE - 1) / PAGE + 1);
}

/* A configured region keeps its pages; a second one is sized to its own pool. */
static void
test_region_configured(void **state)
{
	(void)state;
	in.n_regions = 2;
	in.regions[0].pages = 10;
	in.regions[1] = (struct nbfwd_plan_region){ .page_size = PAGE,
		.layout = NBFWD_POOL_EXTBUF };
	in.ports[1].region = 1;
	in.ports[1].pool_size = 100;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	assert_int_equal(plan.pages[0], 10);
	assert_int_equal(plan.pages[1], 1);	/* 100 buffers fit in the first page */
}

static void
set_consumer(struct nbfwd_consumer_cfg *k)
{
	memset(k, 0, sizeof(*k));
	k->buffers = 4096;
	k->buffer_size = 2048;
	k->ring_size = 1024;
	k->tx_buffers = 256;
	k->tx_buffer_size = 2048;
}

/* vmq: one ring pair per worker, a layout the channel accepts, both files whole pages. */
static void
test_consumer_layout(void **state)
{
	const struct nbfwd_plan_consumer *pc;
	struct nbshm_chan_layout l;

	(void)state;
	cfg.mode = NBFWD_MODE_VMQ;
	cfg.n_consumers = 2;
	set_consumer(&cfg.consumers[0]);
	set_consumer(&cfg.consumers[1]);
	cfg.consumers[1].tx_buffers = 4096;
	in.n_workers = 2;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	assert_int_equal(plan.n_consumers, 2);
	pc = &plan.consumers[0];
	assert_int_equal(pc->layout.n_qp, 2);
	assert_int_equal(pc->buf_size, 2048 + 128);
	assert_int_equal(pc->page_size, PAGE);
	assert_int_equal(pc->layout.rx_off % PAGE, 0);
	assert_true((uint64_t)pc->pages * PAGE >= pc->layout.rx_off + pc->layout.rx_len);
	assert_true((uint64_t)(pc->pages - 1) * PAGE < pc->layout.rx_off + pc->layout.rx_len);
	l = pc->layout;
	l.region_size = (uint64_t)pc->pages * PAGE;
	l.handle = (uint64_t)1 << 32;
	l.max_segs = 8;
	l.mtu = 9000;
	assert_null(nbshm_chan_layout_check(&l));
	/* more tx buffers push the rx file further */
	assert_true(plan.consumers[1].layout.rx_off > pc->layout.rx_off);
	/* other modes: the [consumer] sections are not planned */
	cfg.mode = NBFWD_MODE_MACSWAP;
	assert_int_equal(nbfwd_plan(&in, &plan), 0);
	assert_int_equal(plan.n_consumers, 0);
}

static void
test_owned_buffers(void **state)
{
	const struct nbfwd_plan_port p = { .nb_rxq = 2, .rx_desc = 512 };

	(void)state;
	assert_int_equal(nbfwd_plan_owned_buffers(&cfg, 3, &p, 256),
		2 * 512 + 3 * 256 + 3 * (NBFWD_MEMPOOL_CACHE + 2 * 32));
}

static void
test_bad_input(void **state)
{
	(void)state;
	in.ports[0].peer = 2;
	assert_int_equal(nbfwd_plan(&in, &plan), -1);
	setup_two_ports(NULL);
	in.ports[1].region = 1;
	assert_int_equal(nbfwd_plan(&in, &plan), -1);
	setup_two_ports(NULL);
	in.n_workers = 0;
	assert_int_equal(nbfwd_plan(&in, &plan), -1);
	setup_two_ports(NULL);
	in.n_ports = NBFWD_PLAN_MAX_PORTS + 1;
	assert_int_equal(nbfwd_plan(&in, &plan), -1);
}

/* Pre-flight tells the planner what setup will: ports, their peers and regions. */
static void
test_preflight_input(void **state)
{
	struct nbfwd_eal_args ea;
	struct nbfwd_plan_in pin;
	unsigned int i;

	(void)state;
	memset(&ea, 0, sizeof(ea));
	cfg.n_lcores = 2;
	cfg.n_ports = 3;
	cfg.n_regions = 1;
	snprintf(cfg.regions[0].name, sizeof(cfg.regions[0].name), "big");
	cfg.regions[0].pages = 7;
	cfg.regions[0].page_size = PAGE;
	cfg.regions[0].layout = -1;
	snprintf(cfg.ports[0].name, sizeof(cfg.ports[0].name), "a");
	snprintf(cfg.ports[1].name, sizeof(cfg.ports[1].name), "b");
	snprintf(cfg.ports[2].name, sizeof(cfg.ports[2].name), "c");
	for (i = 0; i < 3; i++)
		cfg.ports[i].peer = cfg.ports[i].region = NBFWD_CONFIG_NONE;
	cfg.ports[0].peer = 2;		/* c */
	cfg.ports[2].region = 0;	/* big */
	cfg.ports[0].queues = 0;	/* one per worker */
	cfg.ports[1].queues = 4;
	cfg.ports[1].rx_desc = 256;
	cfg.ports[1].tx_desc = 512;
	cfg.ports[2].pool_size = 999;
	nbfwd_preflight_plan_in(&cfg, &ea, &pin);
	assert_int_equal(pin.n_workers, 2);
	assert_int_equal(pin.n_ports, 3);
	assert_int_equal(pin.n_regions, 2);	/* "big" and the automatic one */
	assert_int_equal(pin.regions[0].pages, 7);
	assert_int_equal(pin.regions[0].layout, NBFWD_POOL_EXTBUF);
	assert_int_equal(pin.regions[1].pages, 0);
	assert_int_equal(pin.ports[0].peer, 2);
	assert_int_equal(pin.ports[1].peer, 0);	/* default pairing */
	assert_int_equal(pin.ports[2].peer, 2);	/* odd last port: itself */
	assert_int_equal(pin.ports[0].nb_rxq, 2);
	assert_int_equal(pin.ports[1].nb_rxq, 4);
	assert_int_equal(pin.ports[1].rx_desc, 256);
	assert_int_equal(pin.ports[1].tx_desc, 512);
	assert_int_equal(pin.ports[0].region, 1);
	assert_int_equal(pin.ports[2].region, 0);
	assert_int_equal(pin.ports[2].pool_size, 999);
	assert_int_equal(nbfwd_plan(&pin, &plan), 0);
	assert_int_equal(plan.pool_size[2], 999);
	/* no [port] sections: as many as the EAL options name, at least 2 */
	cfg.n_ports = 0;
	nbfwd_preflight_plan_in(&cfg, &ea, &pin);
	assert_int_equal(pin.n_ports, 2);
	ea.n_ports = 5;
	nbfwd_preflight_plan_in(&cfg, &ea, &pin);
	assert_int_equal(pin.n_ports, 5);
	assert_int_equal(pin.ports[4].peer, 4);
	assert_int_equal(pin.ports[4].rx_desc, NBFWD_DEFAULT_RX_DESC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pool_auto, setup_two_ports),
		cmocka_unit_test_setup(test_pool_configured, setup_two_ports),
		cmocka_unit_test_setup(test_region_extbuf, setup_two_ports),
		cmocka_unit_test_setup(test_region_heap, setup_two_ports),
		cmocka_unit_test_setup(test_region_configured, setup_two_ports),
		cmocka_unit_test_setup(test_consumer_layout, setup_two_ports),
		cmocka_unit_test_setup(test_owned_buffers, setup_two_ports),
		cmocka_unit_test_setup(test_bad_input, setup_two_ports),
		cmocka_unit_test_setup(test_preflight_input, setup_two_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
