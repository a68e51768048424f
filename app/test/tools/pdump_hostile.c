/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * pdump_hostile: a secondary process that sends nbfwd raw "mp_pdump"
 * requests, written from doc/capture.md (DPDK 22.11's layout): malformed ones,
 * which must be refused with the documented error, and one honest capture,
 * whose ring and pool it frees right after the disable is acknowledged, as
 * dpdk-dumpcap does.
 *
 *   pdump_hostile EAL-OPTIONS -- PORT-NAME
 *
 * EAL options: --proc-type=secondary --file-prefix=<nbfwd's> --no-pci.
 * Prints one line per request; exit 0 when every reply was the expected one.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bpf.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_string_fns.h>

/* doc/capture.md: the request and the reply */
struct hreq {
	uint16_t ver;
	uint16_t op;
	uint32_t flags;
	char device[64];
	uint16_t queue;
	struct rte_ring *ring;
	struct rte_mempool *mp;
	const struct rte_bpf_prm *prm;
	uint32_t snaplen;
};

struct hresp {
	uint16_t ver;
	uint16_t res_op;
	int32_t err_value;
};

#define H_DISABLE 1
#define H_ENABLE 2
#define H_RX 1
#define H_TX 2
#define H_ALL_QUEUES 0xffff

static int failures;

/* Send one request of len bytes; @return the reply's err_value or 1 (none). */
static int
hsend(const struct hreq *rq, size_t len)
{
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 0 };
	struct rte_mp_reply reply;
	struct rte_mp_msg msg;
	int err = 1;

	memset(&msg, 0, sizeof(msg));
	rte_strscpy(msg.name, "mp_pdump", sizeof(msg.name));
	memcpy(msg.param, rq, len);
	msg.len_param = (int)len;
	if (rte_mp_request_sync(&msg, &reply, &ts) == 0) {
		if (reply.nb_received == 1 &&
				reply.msgs[0].len_param == (int)sizeof(struct hresp)) {
			struct hresp rp;

			memcpy(&rp, reply.msgs[0].param, sizeof(rp));
			err = rp.err_value;
		}
		free(reply.msgs);
	}
	return err;
}

static void
expect(const char *what, const struct hreq *rq, size_t len, int want)
{
	int got = hsend(rq, len);

	printf("%-44s reply %d (%s)%s\n", what, got, got <= 0 ? strerror(-got) : "none",
		got == want ? "" : "  <-- UNEXPECTED");
	if (got != want)
		failures++;
}

static void
base(struct hreq *rq, const char *port, uint16_t op)
{
	memset(rq, 0, sizeof(*rq));
	rq->ver = 2;
	rq->op = op;
	rq->flags = H_RX | H_TX;
	rte_strscpy(rq->device, port, sizeof(rq->device));
	rq->queue = H_ALL_QUEUES;
}

int
main(int argc, char **argv)
{
	struct rte_bpf_prm *prm;
	struct rte_mempool *mp;
	struct rte_ring *ring;
	struct rte_mbuf *m = NULL;
	struct hreq rq;
	const char *port;
	unsigned int got = 0;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0 || argc - ret != 2) {
		fprintf(stderr, "usage: pdump_hostile EAL-OPTIONS -- PORT-NAME\n");
		return 2;
	}
	port = argv[ret + 1];
	ring = rte_ring_create("hostile_ring", 4096, rte_socket_id(), 0);
	mp = rte_pktmbuf_pool_create("hostile_mp", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
		rte_socket_id());
	prm = rte_zmalloc("hostile_prm", sizeof(*prm), 0);
	if (ring == NULL || mp == NULL || prm == NULL) {
		fprintf(stderr, "pdump_hostile: no ring, pool or memory\n");
		return 2;
	}

	base(&rq, port, H_ENABLE);
	rq.ring = ring;
	rq.mp = mp;
	expect("wrong size", &rq, sizeof(rq) - 8, -EINVAL);
	rq.ver = 3;
	expect("version 3", &rq, sizeof(rq), -EINVAL);
	rq.ver = 2;
	rq.op = 7;
	expect("operation 7", &rq, sizeof(rq), -EINVAL);
	rq.op = H_ENABLE;
	rq.flags = 0;
	expect("no direction", &rq, sizeof(rq), -EINVAL);
	rq.flags = H_RX | 8;
	expect("unknown flag", &rq, sizeof(rq), -EINVAL);
	rq.flags = H_RX | H_TX;
	rq.ring = NULL;
	expect("enable without a ring", &rq, sizeof(rq), -EINVAL);
	rq.ring = ring;
	memset(rq.device, 'x', sizeof(rq.device));	/* no NUL */
	expect("device name without NUL", &rq, sizeof(rq), -EINVAL);
	rte_strscpy(rq.device, "net_nosuch9", sizeof(rq.device));
	expect("unknown device", &rq, sizeof(rq), -EINVAL);
	rte_strscpy(rq.device, port, sizeof(rq.device));
	rq.queue = 77;
	expect("queue out of range", &rq, sizeof(rq), -EINVAL);
	rq.queue = H_ALL_QUEUES;
	prm->prog_arg.type = RTE_BPF_ARG_RAW;
	rq.prm = prm;
	expect("BPF program not taking an mbuf", &rq, sizeof(rq), -EINVAL);
	prm->prog_arg.type = RTE_BPF_ARG_PTR_MBUF;
	prm->prog_arg.size = sizeof(struct rte_mbuf);
	prm->nb_ins = 0;	/* no instructions: does not load */
	expect("BPF program that does not load", &rq, sizeof(rq), -EINVAL);
	rq.prm = NULL;

	base(&rq, port, H_DISABLE);
	expect("disable of nothing", &rq, sizeof(rq), -EINVAL);

	/* an honest capture, a second one refused, then both directions off */
	base(&rq, port, H_ENABLE);
	rq.ring = ring;
	rq.mp = mp;
	rq.snaplen = UINT32_MAX;
	expect("enable (pcapng, rx+tx, all queues)", &rq, sizeof(rq), 0);
	expect("enable again", &rq, sizeof(rq), -EEXIST);
	usleep(200000);
	base(&rq, port, H_DISABLE);
	expect("disable", &rq, sizeof(rq), 0);
	expect("disable again", &rq, sizeof(rq), -EINVAL);
	while (rte_ring_dequeue(ring, (void **)&m) == 0) {
		rte_pktmbuf_free(m);
		got++;
	}
	printf("%u packets captured\n", got);
	if (got == 0)
		failures++;
	/* what dpdk-dumpcap does right after the disable's reply */
	rte_ring_free(ring);
	rte_mempool_free(mp);
	rte_free(prm);
	rte_eal_cleanup();
	printf("%s\n", failures == 0 ? "all replies as documented" : "UNEXPECTED replies");
	return failures == 0 ? 0 : 1;
}
