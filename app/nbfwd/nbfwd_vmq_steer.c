/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Hardware steering for vmq: a consumer with a queue of its own gets an
 * rte_flow rule "destination MAC (and VLAN) -> that queue", whose pool keeps
 * its data buffers in the consumer's region: the NIC writes those frames
 * straight into buffers the consumer maps, and they are lent without a copy.
 * It is asked for per consumer (steering = flow); a port that refuses the
 * rule stops nbfwd with the reason. Whatever arrives in a consumer's queue is
 * still checked against its filter (nbfwd_vmq_fwd.c). Also: the pool that
 * fills each rx queue (vmq's rxq_pool step).
 */

#include <string.h>

#include <rte_ethdev.h>
#include <rte_errno.h>
#include <rte_flow.h>

#include "nbfwd_consumer.h"
#include "nbfwd_log.h"

struct rte_mempool *
nbfwd_consumer_queue_pool(const struct nbfwd_ctx *ctx, const struct nbfwd_port *p, uint16_t q)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer *c = &ctx->consumers[i];

		if (c->hw_queue == (int)q && &ctx->ports[c->port] == p)
			return c->pool;
	}
	/* the workers' queues of a port that is a consumer's */
	for (i = 0; i < ctx->n_consumers; i++) {
		const struct nbfwd_consumer *c = &ctx->consumers[i];

		if (c->owns_port && &ctx->ports[c->port] == p && q < p->nb_rxq - p->nb_hwq)
			return c->pool;
	}
	return p->pool;
}

const char *
nbfwd_consumer_steering(const struct nbfwd_consumer *c)
{
	return c->flow != NULL ? "flow" : c->owns_port ? "port" : "software";
}

/* Keep RSS on the workers' queues: the consumers' queues are the last ones. */
static int
nbfwd_steer_reta(const struct nbfwd_port *p)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 /
		RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_dev_info info;
	uint16_t workers_q = p->nb_rxq - p->nb_hwq, i;

	if (workers_q < 2)
		return 0;	/* no RSS: the default queue is queue 0 */
	if (rte_eth_dev_info_get(p->port_id, &info) != 0 || info.reta_size == 0 ||
			info.reta_size > RTE_ETH_RSS_RETA_SIZE_512)
		return -1;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < info.reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ull << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			i % workers_q;
	}
	return rte_eth_dev_rss_reta_update(p->port_id, reta, info.reta_size);
}

/*
 * Validate, then create, the rule "destination MAC (and VLAN) -> c's queue";
 * @p step and @p ret say which call answered what.
 */
static struct rte_flow *
nbfwd_steer_rule(const struct nbfwd_consumer *c, uint16_t port_id, struct rte_flow_error *err,
		const char **step, int *ret)
{
	struct rte_flow *flow;
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_eth eth_spec, eth_mask;
	struct rte_flow_item_vlan vlan_spec, vlan_mask;
	struct rte_flow_action_queue queue = { .index = (uint16_t)c->hw_queue };
	struct rte_flow_item pattern[3];
	struct rte_flow_action actions[2];
	unsigned int n = 0;

	memset(&eth_spec, 0, sizeof(eth_spec));
	memset(&eth_mask, 0, sizeof(eth_mask));
	memset(pattern, 0, sizeof(pattern));
	memset(actions, 0, sizeof(actions));
	memcpy(eth_spec.hdr.dst_addr.addr_bytes, c->cfg->mac, RTE_ETHER_ADDR_LEN);
	memset(eth_mask.hdr.dst_addr.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	pattern[n].type = RTE_FLOW_ITEM_TYPE_ETH;
	pattern[n].spec = &eth_spec;
	pattern[n++].mask = &eth_mask;
	if (c->vlan >= 0) {
		memset(&vlan_spec, 0, sizeof(vlan_spec));
		memset(&vlan_mask, 0, sizeof(vlan_mask));
		vlan_spec.hdr.vlan_tci = rte_cpu_to_be_16((uint16_t)c->vlan);
		vlan_mask.hdr.vlan_tci = rte_cpu_to_be_16(0x0fff);
		pattern[n].type = RTE_FLOW_ITEM_TYPE_VLAN;
		pattern[n].spec = &vlan_spec;
		pattern[n++].mask = &vlan_mask;
	}
	pattern[n].type = RTE_FLOW_ITEM_TYPE_END;
	actions[0].type = RTE_FLOW_ACTION_TYPE_QUEUE;
	actions[0].conf = &queue;
	actions[1].type = RTE_FLOW_ACTION_TYPE_END;
	*step = "rte_flow_validate";
	*ret = rte_flow_validate(port_id, &attr, pattern, actions, err);
	if (*ret != 0)
		return NULL;
	CHAN_LOG(INFO, "consumer %s: port %u's driver validates its rte_flow rule",
		c->name, port_id);
	*step = "rte_flow_create";
	flow = rte_flow_create(port_id, &attr, pattern, actions, err);
	*ret = flow == NULL ? -rte_errno : 0;
	return flow;
}

int
nbfwd_consumers_steer(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_ports; i++) {
		struct nbfwd_port *p = &ctx->ports[i];

		if (p->nb_hwq != 0 && nbfwd_steer_reta(p) != 0) {
			APP_LOG(ERR, "port %u (%s): cannot keep RSS off the consumers' queues "
				"(RSS redirection table): set steering = software for its "
				"consumers or use one worker lcore", p->port_id, p->name);
			return -1;
		}
	}
	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];
		const struct nbfwd_port *p = &ctx->ports[c->port];
		struct rte_flow_error err;
		const char *step;
		int ret;

		if (c->owns_port) {
			CHAN_LOG(INFO, "consumer %s: every rx queue of port %u (%s) fills "
				"from its region: zero copy", c->name, p->port_id, p->name);
			continue;
		}
		if (c->hw_queue < 0) {
			CHAN_LOG(INFO, "consumer %s: software steering (one copy into its "
				"region)", c->name);
			continue;
		}
		memset(&err, 0, sizeof(err));
		c->flow = nbfwd_steer_rule(c, p->port_id, &err, &step, &ret);
		if (c->flow == NULL) {
			/* the driver's answer as it gave it: errno, error type, message */
			APP_LOG(ERR, "[consumer %s] steering = flow: port %u (%s) refused the "
				"rte_flow rule (destination MAC%s -> rx queue %d): %s: %s "
				"(error type %d: %s); use steering = software", c->name,
				p->port_id, p->name, c->vlan >= 0 ? " and VLAN" : "",
				c->hw_queue, step, strerror(-ret), (int)err.type,
				err.message != NULL ? err.message : "no reason given");
			return -1;
		}
		CHAN_LOG(INFO, "consumer %s: rte_flow steers its MAC%s to rx queue %d "
				"of port %u (%s): zero copy", c->name, c->vlan >= 0 ?
				" and VLAN" : "", c->hw_queue, p->port_id, p->name);
	}
	return 0;
}

void
nbfwd_consumers_unsteer(struct nbfwd_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_consumers; i++) {
		struct nbfwd_consumer *c = &ctx->consumers[i];
		struct rte_flow_error err;

		if (c->flow == NULL)
			continue;
		if (rte_flow_destroy(ctx->ports[c->port].port_id, c->flow, &err) != 0)
			CHAN_LOG(NOTICE, "consumer %s: rte_flow_destroy: %s", c->name,
				err.message != NULL ? err.message : "failed");
		c->flow = NULL;
	}
}
