/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * nbfwd_offload_choose(): device capabilities and configuration in, the
 * offloads nbfwd requests out (issue 15 item 3).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ethdev.h>

#include "nbfwd_offload.h"

#define ALL_RX RTE_ETH_RX_OFFLOAD_SCATTER
#define ALL_TX (RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
#define ROOM 2048u	/* data room of nbfwd's heap pools, headroom excluded */

/* Two ports forwarding to each other, both offering everything, heap pools. */
static void
pair(struct nbfwd_offload_port p[2])
{
	memset(p, 0, 2 * sizeof(p[0]));
	p[0].rx_capa = p[1].rx_capa = ALL_RX;
	p[0].tx_capa = p[1].tx_capa = ALL_TX;
	p[0].dev_mtu = p[1].dev_mtu = 1500;
	p[0].min_mtu = p[1].min_mtu = 68;
	p[0].max_mtu = p[1].max_mtu = 9600;
	p[0].max_frame = p[1].max_frame = UINT32_MAX;
	p[0].buf_room = p[1].buf_room = ROOM;
	p[0].peer = 1;
	p[1].peer = 0;
	p[0].heap_pool = p[1].heap_pool = true;
}

static int
choose(struct nbfwd_offload_port *p, unsigned int n, enum nbfwd_mode mode,
		unsigned int max_segs)
{
	char err[160] = "";
	unsigned int bad = 99;

	return nbfwd_offload_choose(p, n, mode, max_segs, err, sizeof(err), &bad);
}

/* io at the default MTU: no chains, so no MULTI_SEGS; fast free. */
static void
test_io_default(void **state)
{
	struct nbfwd_offload_port p[2];
	enum nbfwd_mode m;

	(void)state;
	for (m = NBFWD_MODE_IO; m <= NBFWD_MODE_L2FWD; m++) {
		pair(p);
		assert_int_equal(choose(p, 2, m, 8), 0);
		assert_int_equal(p[0].rx_offloads, 0);
		assert_int_equal(p[0].tx_offloads, RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
		assert_int_equal(p[1].tx_offloads, RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
		assert_false(p[0].chains_unsent);
	}
}

/* Offloads the device does not offer are never requested. */
static void
test_not_offered(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	p[0].tx_capa = p[1].tx_capa = 0;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	assert_int_equal(p[0].tx_offloads, 0);
	assert_int_equal(p[1].tx_offloads, 0);
}

/* Jumbo on port 0 only: it scatters, so port 1's tx (its peer) gets chains. */
static void
test_jumbo_one_way(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	p[0].mtu = 9000;
	p[1].peer = 1;	/* port 1 to itself: its own frames are not chains */
	p[0].peer = 1;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	assert_int_equal(p[0].rx_offloads, RTE_ETH_RX_OFFLOAD_SCATTER);
	assert_int_equal(p[1].rx_offloads, 0);
	assert_int_equal(p[0].tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS, 0);
	assert_true(p[1].tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	/* two source ports (two pools) on port 1's tx: no fast free there */
	assert_int_equal(p[1].tx_offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, 0);
	/* nobody sends to port 0: fast free holds trivially */
	assert_true(p[0].tx_offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
}

/* An MTU whose frame just fits the buffer needs no scatter; one more byte does. */
static void
test_scatter_edge(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	p[0].mtu = p[1].mtu = ROOM - 18;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	assert_int_equal(p[0].rx_offloads, 0);
	assert_int_equal(p[0].tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS, 0);
	p[0].mtu = p[1].mtu = ROOM - 17;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	assert_int_equal(p[0].rx_offloads, RTE_ETH_RX_OFFLOAD_SCATTER);
	assert_true(p[0].tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
}

/* Scatter needed and not offered: refused, naming the port and the numbers. */
static void
test_scatter_refused(void **state)
{
	struct nbfwd_offload_port p[2];
	char err[160] = "";
	unsigned int bad = 99;

	(void)state;
	pair(p);
	p[1].mtu = 9000;
	p[1].rx_capa = 0;
	assert_int_equal(nbfwd_offload_choose(p, 2, NBFWD_MODE_IO, 8, err, sizeof(err),
		&bad), -1);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err, "MTU 9000 needs rx scatter"));
	assert_non_null(strstr(err, "9018"));
}

/* An MTU outside the device's limits: refused with the device's own numbers. */
static void
test_mtu_limits(void **state)
{
	struct nbfwd_offload_port p[2];
	char err[160] = "";
	unsigned int bad = 99;

	(void)state;
	pair(p);
	p[0].max_mtu = 1500;
	p[0].min_mtu = 100;
	p[0].mtu = 1501;
	assert_int_equal(nbfwd_offload_choose(p, 2, NBFWD_MODE_IO, 8, err, sizeof(err),
		&bad), -1);
	assert_int_equal(bad, 0);
	assert_string_equal(err, "MTU 1501 is outside what the device takes: 100 to 1500");
	p[0].mtu = 99;
	assert_int_equal(nbfwd_offload_choose(p, 2, NBFWD_MODE_IO, 8, err, sizeof(err),
		&bad), -1);
	p[0].mtu = 100;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	p[0].mtu = 1500;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	/* af_packet: max_mtu 65535 but frames of at most 1518 bytes */
	pair(p);
	p[1].max_frame = 1518;
	p[1].mtu = 1501;
	assert_int_equal(nbfwd_offload_choose(p, 2, NBFWD_MODE_IO, 8, err, sizeof(err),
		&bad), -1);
	assert_int_equal(bad, 1);
	assert_string_equal(err, "MTU 1501 makes frames of 1519 bytes, the device "
		"receives at most 1518 (max_rx_pktlen)");
	p[1].mtu = 1500;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
}

/* Chains expected, MULTI_SEGS not offered: flagged for a warning. */
static void
test_chains_unsent(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	p[0].mtu = p[1].mtu = 9000;
	p[1].tx_capa = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	assert_int_equal(choose(p, 2, NBFWD_MODE_IO, 8), 0);
	assert_true(p[1].chains_unsent);
	assert_false(p[0].chains_unsent);
}

/* Extbuf pools (external buffers) and vmq (shared pools) never fast free. */
static void
test_no_fast_free(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	p[0].heap_pool = false;
	assert_int_equal(choose(p, 2, NBFWD_MODE_MACSWAP, 8), 0);
	assert_int_equal(p[1].tx_offloads, 0);	/* port 0's extbuf mbufs go there */
	assert_int_equal(p[0].tx_offloads, RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
	pair(p);
	assert_int_equal(choose(p, 2, NBFWD_MODE_VMQ, 8), 0);
	assert_int_equal(p[0].tx_offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, 0);
	assert_int_equal(p[1].tx_offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, 0);
}

/* vmq: consumers chain on tx when max_segments > 1, never with 1. */
static void
test_vmq_chains(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	assert_int_equal(choose(p, 2, NBFWD_MODE_VMQ, 8), 0);
	assert_int_equal(p[0].tx_offloads, RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	assert_int_equal(p[1].tx_offloads, RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	pair(p);
	assert_int_equal(choose(p, 2, NBFWD_MODE_VMQ, 1), 0);
	assert_int_equal(p[0].tx_offloads, 0);
	assert_int_equal(p[1].tx_offloads, 0);
}

/* The VLAN filter only when wanted and offered. */
static void
test_vlan_filter(void **state)
{
	struct nbfwd_offload_port p[2];

	(void)state;
	pair(p);
	p[0].vlan_filter = true;
	p[0].rx_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	p[1].vlan_filter = true;
	assert_int_equal(choose(p, 2, NBFWD_MODE_VMQ, 1), 0);
	assert_int_equal(p[0].rx_offloads, RTE_ETH_RX_OFFLOAD_VLAN_FILTER);
	assert_int_equal(p[1].rx_offloads, 0);
	pair(p);
	p[0].rx_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	assert_int_equal(choose(p, 2, NBFWD_MODE_VMQ, 1), 0);
	assert_int_equal(p[0].rx_offloads, 0);
}

/* Promiscuous mode only where frames to other MACs are wanted. */
static void
test_promisc_need(void **state)
{
	enum nbfwd_mode m;

	(void)state;
	for (m = NBFWD_MODE_IO; m <= NBFWD_MODE_L2FWD; m++)
		assert_non_null(nbfwd_offload_promisc_need(m, NBFWD_UNMATCHED_DROP, 0));
	assert_non_null(strstr(nbfwd_offload_promisc_need(NBFWD_MODE_VMQ,
		NBFWD_UNMATCHED_FORWARD, 0), "unmatched = forward"));
	assert_null(nbfwd_offload_promisc_need(NBFWD_MODE_VMQ, NBFWD_UNMATCHED_DROP, 0));
	/* a full MAC table (or none) falls back to promiscuous */
	assert_non_null(strstr(nbfwd_offload_promisc_need(NBFWD_MODE_VMQ,
		NBFWD_UNMATCHED_DROP, 1), "refused"));
}

static void
test_names(void **state)
{
	char b[96];

	(void)state;
	assert_string_equal(nbfwd_offload_names(0, 0, b, sizeof(b)), "none");
	assert_string_equal(nbfwd_offload_names(RTE_ETH_RX_OFFLOAD_SCATTER,
		RTE_ETH_TX_OFFLOAD_MULTI_SEGS, b, sizeof(b)), "rx SCATTER, tx MULTI_SEGS");
	assert_string_equal(nbfwd_offload_names(0, RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, b, sizeof(b)),
		"tx MULTI_SEGS, tx MBUF_FAST_FREE");
	assert_string_equal(nbfwd_offload_names(RTE_ETH_RX_OFFLOAD_SCATTER,
		RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, b, sizeof(b)),
		"rx SCATTER, tx MBUF_FAST_FREE");
	assert_string_equal(nbfwd_offload_names(RTE_ETH_RX_OFFLOAD_VLAN_FILTER, 0, b,
		sizeof(b)), "rx VLAN_FILTER");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_default),
		cmocka_unit_test(test_not_offered),
		cmocka_unit_test(test_jumbo_one_way),
		cmocka_unit_test(test_scatter_edge),
		cmocka_unit_test(test_scatter_refused),
		cmocka_unit_test(test_mtu_limits),
		cmocka_unit_test(test_chains_unsent),
		cmocka_unit_test(test_no_fast_free),
		cmocka_unit_test(test_vmq_chains),
		cmocka_unit_test(test_vlan_filter),
		cmocka_unit_test(test_promisc_need),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
