/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * net_nbshm: the vdev (probe, remove, devargs) and its ethdev operations.
 * The port attaches to nbfwd at dev_start and detaches at dev_stop/close.
 */

#include <errno.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "nbshm_pmd.h"

RTE_LOG_REGISTER(nbshm_pmd_logtype, pmd.net.nbshm, NOTICE);

static const char *
nbshm_pmd_name(const struct rte_eth_dev *dev)
{
	return dev->data->name;
}

static int
nbshm_pmd_dev_configure(struct rte_eth_dev *dev)
{
	if (dev->data->nb_rx_queues > 1 || dev->data->nb_tx_queues > 1) {
		NBSHM_PMD_LOG(ERR, "%s: one rx and one tx queue only (asked for %u rx, %u tx): a port is one consumer queue of nbfwd, use one net_nbshm vdev per queue (queue=N)",
				nbshm_pmd_name(dev), dev->data->nb_rx_queues,
				dev->data->nb_tx_queues);
		return -EINVAL;
	}
	return 0;
}

static int
nbshm_pmd_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	uint32_t frame = pmd->client != NULL ? pmd->info.mtu : NBSHM_PMD_MAX_FRAME;

	info->max_mac_addrs = 1;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->min_rx_bufsize = 0;
	info->max_rx_pktlen = frame;
	if (frame > RTE_ETHER_HDR_LEN)
		info->max_mtu = (uint16_t)RTE_MIN(frame - RTE_ETHER_HDR_LEN, (uint32_t)UINT16_MAX);
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	return 0;
}

static int
nbshm_pmd_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_UNKNOWN,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = pmd->client != NULL && !pmd->dead ?
			RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	return rte_eth_linkstatus_set(dev, &link);
}

/* Attach to nbfwd: the client, its lent records, the port's MAC. */
static int
nbshm_pmd_attach(struct rte_eth_dev *dev)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	const struct nbshm_pmd_args *a = &pmd->args;
	struct nbshm_pmd_lentpool *lp;
	struct nbshm_client_info info;
	struct rte_ether_addr mac;
	struct nbshm_client_opts o = {
		.flags = a->check_uid ? NBSHM_CLIENT_F_PRODUCER_UID : 0,
		.producer_uid = a->producer_uid,
	};
	struct nbshm_client *c;
	int ret;

	ret = nbshm_client_connect_opts(a->socket, a->name, a->queue, &o, &c);
	if (ret < 0) {
		NBSHM_PMD_LOG(ERR, "%s: cannot attach to consumer %s queue %u at %s: %s",
				nbshm_pmd_name(dev), a->name, a->queue, a->socket,
				nbshm_client_error());
		return ret;
	}
	nbshm_client_info(c, &info);
	if (!a->copy && info.mtu > UINT16_MAX) {
		NBSHM_PMD_LOG(ERR, "%s: nbfwd's mtu %u is over 65535 bytes, more than an mbuf segment can describe: use copy=1",
				nbshm_pmd_name(dev), info.mtu);
		nbshm_client_close(c);
		return -ENOTSUP;
	}
	lp = nbshm_pmd_lentpool_create(info.n_qp, info.ring_size, dev->device->numa_node);
	if (lp == NULL) {
		NBSHM_PMD_LOG(ERR, "%s: no memory for %u x %u lent-packet records",
				nbshm_pmd_name(dev), info.n_qp, info.ring_size);
		nbshm_client_close(c);
		return -ENOMEM;
	}
	memcpy(mac.addr_bytes, info.mac, RTE_ETHER_ADDR_LEN);
	if (rte_is_valid_assigned_ether_addr(&mac))
		rte_ether_addr_copy(&mac, &pmd->mac);
	pmd->info = info;
	pmd->tx_max_len = RTE_MIN(info.mtu, info.tx_buf_size);
	pmd->dead = 0;
	memset(&pmd->base, 0, sizeof(pmd->base));
	pmd->rxq.lp = lp;
	pmd->client = c;
	NBSHM_PMD_LOG(INFO, "%s: attached to consumer %s queue %u at %s: region %s, %u rx ring(s) of %u, mtu %u, %u tx buffers of %u bytes, %s",
			nbshm_pmd_name(dev), a->name, a->queue, a->socket, info.region_name,
			info.n_qp, info.ring_size, info.mtu, info.n_tx_bufs, info.tx_buf_size,
			a->copy ? "copy" : "zero copy");
	return 0;
}

/* Give back what can be, then close the client (nbfwd reclaims the rest). */
static void
nbshm_pmd_detach(struct rte_eth_dev *dev)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	struct nbshm_pmd_lentpool *lp = pmd->rxq.lp;
	uint32_t held = 0;

	if (pmd->client == NULL)
		return;
	rte_spinlock_lock(&pmd->lock);
	if (lp != NULL)
		held = nbshm_pmd_lentpool_drain(lp, pmd->client, pmd->rxq.pkts);
	nbshm_pmd_stats_detach(pmd);
	nbshm_client_close(pmd->client);
	pmd->client = NULL;
	pmd->rxq.lp = NULL;
	rte_spinlock_unlock(&pmd->lock);
	if (!nbshm_pmd_lentpool_free(lp)) {
		/* late frees still queue their records there: keep it */
		pmd->n_orphans++;
		NBSHM_PMD_LOG(WARNING, "%s: %u received packets are still held by the application at detach; their data is no longer mapped",
				nbshm_pmd_name(dev), held);
	}
	NBSHM_PMD_LOG(INFO, "%s: detached from consumer %s queue %u", nbshm_pmd_name(dev),
			pmd->args.name, pmd->args.queue);
}

/* Every queue of @p dev to @p state (RTE_ETH_QUEUE_STATE_*). */
static void
nbshm_pmd_queues_state(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

static int
nbshm_pmd_dev_start(struct rte_eth_dev *dev)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	int ret;

	if (pmd->client == NULL) {
		ret = nbshm_pmd_attach(dev);
		if (ret < 0)
			return ret;
	}
	nbshm_pmd_queues_state(dev, RTE_ETH_QUEUE_STATE_STARTED);
	return nbshm_pmd_link_update(dev, 0);
}

static int
nbshm_pmd_dev_stop(struct rte_eth_dev *dev)
{
	nbshm_pmd_detach(dev);
	nbshm_pmd_queues_state(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	return nbshm_pmd_link_update(dev, 0);
}

static int
nbshm_pmd_dev_close(struct rte_eth_dev *dev)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	nbshm_pmd_detach(dev);
	rte_free(pmd->rxq.pkts);
	pmd->rxq.pkts = NULL;
	/* part of dev_private: not for ethdev to free */
	dev->data->mac_addrs = NULL;
	return 0;
}

static int
nbshm_pmd_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc __rte_unused,
		unsigned int socket_id __rte_unused, const struct rte_eth_rxconf *conf __rte_unused,
		struct rte_mempool *mp)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	struct nbshm_pmd_rxq *rxq = &pmd->rxq;

	if (qid != 0)
		return -EINVAL;
	if (pmd->args.copy &&
			rte_pktmbuf_data_room_size(mp) <= RTE_PKTMBUF_HEADROOM) {
		NBSHM_PMD_LOG(ERR, "%s: copy=1 needs mbufs with room for data (pool %s has %u bytes, headroom %u)",
				nbshm_pmd_name(dev), mp->name, rte_pktmbuf_data_room_size(mp),
				RTE_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	rxq->mp = mp;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = qid;
	rxq->configured = 1;
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

static int
nbshm_pmd_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc __rte_unused,
		unsigned int socket_id __rte_unused, const struct rte_eth_txconf *conf __rte_unused)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;

	if (qid != 0)
		return -EINVAL;
	pmd->txq.queue_id = qid;
	pmd->txq.configured = 1;
	dev->data->tx_queues[qid] = &pmd->txq;
	return 0;
}

static void
nbshm_pmd_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct nbshm_pmd_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq != NULL)
		rxq->configured = 0;
}

static void
nbshm_pmd_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct nbshm_pmd_txq *txq = dev->data->tx_queues[qid];

	if (txq != NULL)
		txq->configured = 0;
}

static int
nbshm_pmd_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct nbshm_pmd_internals *pmd = dev->data->dev_private;
	uint32_t max = pmd->client != NULL ? pmd->info.mtu : NBSHM_PMD_MAX_FRAME;

	if ((uint32_t)mtu + RTE_ETHER_HDR_LEN > max) {
		NBSHM_PMD_LOG(ERR, "%s: mtu %u does not fit nbfwd's %u-byte frames",
				nbshm_pmd_name(dev), mtu, max);
		return -EINVAL;
	}
	return 0;
}

static int
nbshm_pmd_mac_addr_set(struct rte_eth_dev *dev __rte_unused,
		struct rte_ether_addr *addr __rte_unused)
{
	return 0;
}

static int
nbshm_pmd_promiscuous(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static const struct eth_dev_ops nbshm_pmd_ops = {
	.dev_configure = nbshm_pmd_dev_configure,
	.dev_infos_get = nbshm_pmd_dev_infos_get,
	.dev_start = nbshm_pmd_dev_start,
	.dev_stop = nbshm_pmd_dev_stop,
	.dev_close = nbshm_pmd_dev_close,
	.link_update = nbshm_pmd_link_update,
	.rx_queue_setup = nbshm_pmd_rx_queue_setup,
	.tx_queue_setup = nbshm_pmd_tx_queue_setup,
	.rx_queue_release = nbshm_pmd_rx_queue_release,
	.tx_queue_release = nbshm_pmd_tx_queue_release,
	.mtu_set = nbshm_pmd_mtu_set,
	.mac_addr_set = nbshm_pmd_mac_addr_set,
	.promiscuous_enable = nbshm_pmd_promiscuous,
	.promiscuous_disable = nbshm_pmd_promiscuous,
	.allmulticast_enable = nbshm_pmd_promiscuous,
	.allmulticast_disable = nbshm_pmd_promiscuous,
	.stats_get = nbshm_pmd_stats_get,
	.stats_reset = nbshm_pmd_stats_reset,
	.xstats_get = nbshm_pmd_xstats_get,
	.xstats_get_names = nbshm_pmd_xstats_get_names,
	.xstats_reset = nbshm_pmd_xstats_reset,
};

static int
nbshm_pmd_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct nbshm_pmd_internals *pmd;
	struct nbshm_pmd_args args;
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		NBSHM_PMD_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = nbshm_pmd_args_parse(name, rte_vdev_device_args(vdev), &args);
	if (ret < 0)
		return ret;
	if (vdev->device.numa_node == SOCKET_ID_ANY)
		vdev->device.numa_node = (int)rte_socket_id();

	dev = rte_eth_vdev_allocate(vdev, sizeof(*pmd));
	if (dev == NULL)
		return -ENOMEM;
	pmd = dev->data->dev_private;
	pmd->args = args;
	pmd->port_id = dev->data->port_id;
	rte_spinlock_init(&pmd->lock);
	pmd->rxq.pmd = pmd;
	pmd->txq.pmd = pmd;
	pmd->rxq.pkts = rte_zmalloc_socket("nbshm_pkts", NBSHM_PMD_BURST * sizeof(struct nbshm_pkt),
			RTE_CACHE_LINE_SIZE, vdev->device.numa_node);
	if (pmd->rxq.pkts == NULL) {
		rte_eth_dev_release_port(dev);
		return -ENOMEM;
	}
	rte_eth_random_addr(pmd->mac.addr_bytes);
	dev->data->mac_addrs = &pmd->mac;
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	dev->data->dev_link.link_speed = RTE_ETH_SPEED_NUM_UNKNOWN;
	dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	dev->data->dev_link.link_autoneg = RTE_ETH_LINK_FIXED;
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->dev_ops = &nbshm_pmd_ops;
	dev->rx_pkt_burst = args.copy ? nbshm_pmd_rx_copy : nbshm_pmd_rx_zc;
	dev->tx_pkt_burst = nbshm_pmd_tx;
	rte_eth_dev_probing_finish(dev);
	NBSHM_PMD_LOG(INFO, "%s: port %u, consumer %s queue %u at %s, %s", name,
			dev->data->port_id, args.name, args.queue, args.socket,
			args.copy ? "copy" : "zero copy");
	return 0;
}

static int
nbshm_pmd_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;	/* closed already */
	nbshm_pmd_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver nbshm_pmd_drv = {
	.probe = nbshm_pmd_probe,
	.remove = nbshm_pmd_remove,
};

RTE_PMD_REGISTER_VDEV(net_nbshm, nbshm_pmd_drv);
RTE_PMD_REGISTER_PARAM_STRING(net_nbshm, NBSHM_PMD_PARAMS);
